package pyfmt

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

type goldenFile struct {
	Python string `json:"python"`
	Cases  []struct {
		Doc        string            `json:"doc"`
		Repr       string            `json:"repr"`
		ReprSorted string            `json:"repr_sorted"`
		Str        string            `json:"str"`
		JSON       map[string]string `json:"json"`
	} `json:"cases"`
	Errors []struct {
		Doc   string `json:"doc"`
		Error string `json:"error"`
	} `json:"errors"`
	Floats []struct {
		Bits string `json:"bits"`
		Repr string `json:"repr"`
	} `json:"floats"`
}

func loadGolden(t *testing.T, data []byte) *goldenFile {
	t.Helper()
	var g goldenFile
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("golden: %v", err)
	}
	if len(g.Cases) == 0 || len(g.Errors) == 0 || len(g.Floats) == 0 {
		t.Fatal("golden file is incomplete")
	}
	return &g
}

func jsonKeyParams(key string) (int, bool) {
	ind, sk, _ := strings.Cut(key, "/")
	indent := -1
	if ind != "none" {
		indent, _ = strconv.Atoi(ind)
	}
	return indent, sk == "sort"
}

func checkGolden(t *testing.T, g *goldenFile) {
	for _, c := range g.Cases {
		ov, err := ParseJSONOrdered([]byte(c.Doc))
		if err != nil {
			t.Errorf("ParseJSONOrdered(%q): %v", c.Doc, err)
			continue
		}
		if got := Repr(ov); got != c.Repr {
			t.Errorf("Repr(%q):\n got %s\nwant %s", c.Doc, got, c.Repr)
		}
		if got := Str(ov); got != c.Str {
			t.Errorf("Str(%q):\n got %s\nwant %s", c.Doc, got, c.Str)
		}
		mv, err := ParseJSON([]byte(c.Doc))
		if err != nil {
			t.Errorf("ParseJSON(%q): %v", c.Doc, err)
			continue
		}
		// ParseJSON records the document order of its maps (SetOrder).
		if got := Repr(mv); got != c.Repr {
			t.Errorf("Repr(map %q):\n got %s\nwant %s", c.Doc, got, c.Repr)
		}
		// Without a recorded order, a map prints sorted.
		if got := Repr(forgetOrder(mv)); got != c.ReprSorted {
			t.Errorf("Repr(unordered map %q):\n got %s\nwant %s", c.Doc, got, c.ReprSorted)
		}
		for key, want := range c.JSON {
			indent, sortKeys := jsonKeyParams(key)
			if got := JSON(ov, indent, sortKeys); got != want {
				t.Errorf("JSON(%q, %s):\n got %s\nwant %s", c.Doc, key, got, want)
			}
			if got := JSON(mv, indent, sortKeys); got != want {
				t.Errorf("JSON(map %q, %s):\n got %s\nwant %s", c.Doc, key, got, want)
			}
		}
	}
	for _, c := range g.Errors {
		_, err := ParseJSON([]byte(c.Doc))
		if err == nil {
			t.Errorf("ParseJSON(%q): no error, want %s", c.Doc, c.Error)
		} else if err.Error() != c.Error {
			t.Errorf("ParseJSON(%q):\n got error %s\nwant error %s", c.Doc, err, c.Error)
		}
	}
	for _, c := range g.Floats {
		bits, err := strconv.ParseUint(c.Bits, 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		f := math.Float64frombits(bits)
		if got := FormatFloat(f); got != c.Repr {
			t.Errorf("FormatFloat(%x): got %s, want %s", bits, got, c.Repr)
		}
		if got := Repr(f); got != c.Repr {
			t.Errorf("Repr(float %x): got %s, want %s", bits, got, c.Repr)
		}
	}
}

// forgetOrder returns a deep copy of v whose maps have no recorded order.
func forgetOrder(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = forgetOrder(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = forgetOrder(e)
		}
		return out
	}
	return v
}

func TestGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, loadGolden(t, data))
}

func havePython(t *testing.T) string {
	t.Helper()
	// Prefer the system python, the one ansible-core is installed for.
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if p, err := exec.LookPath(py); err == nil {
			return p
		}
	}
	t.Skip("python3 not available")
	return ""
}

// TestGoldenLive regenerates the golden cases with the local python3 and
// checks them too, so the committed file cannot silently go stale.
func TestGoldenLive(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	py := havePython(t)
	out, err := exec.Command(py, "testdata/gen_golden.py").Output()
	if err != nil {
		t.Skipf("gen_golden.py: %v", err)
	}
	checkGolden(t, loadGolden(t, out))
}

// TestReprAllCodePoints compares Repr of every non-surrogate code point
// (as a one-character string) with python3.
func TestReprAllCodePoints(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	py := havePython(t)
	script := `import sys,unicodedata
sys.stdout.write(unicodedata.unidata_version + "\n")
w = sys.stdout.write
for c in range(0x110000):
    if 0xd800 <= c <= 0xdfff: continue
    w(ascii(repr(chr(c))) + "\n")
`
	out, err := exec.Command(py, "-c", script).Output()
	if err != nil {
		t.Skipf("python3: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if lines[0] != pyUnicodeVersion {
		t.Skipf("python3 has Unicode %s, table is %s", lines[0], pyUnicodeVersion)
	}
	lines = lines[1:]
	i := 0
	bad := 0
	for c := rune(0); c < 0x110000; c++ {
		if c >= 0xd800 && c <= 0xdfff {
			continue
		}
		// python printed ascii(repr(ch)): decode that Python literal, which
		// only uses \x \u \U \' \\ escapes and ASCII.
		want := unAscii(lines[i])
		i++
		if got := Repr(string(c)); got != want {
			bad++
			if bad < 20 {
				t.Errorf("Repr(U+%04X): got %q, want %q", c, got, want)
			}
		}
	}
	if i != len(lines) {
		t.Fatalf("consumed %d of %d lines", i, len(lines))
	}
}

// unAscii decodes the output of Python's ascii() on a str (a quoted literal).
func unAscii(s string) string {
	s = s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		n := 0
		switch s[i] {
		case 'x':
			n = 2
		case 'u':
			n = 4
		case 'U':
			n = 8
		default:
			b.WriteByte(s[i])
			continue
		}
		v, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
		if err != nil {
			panic(err)
		}
		b.WriteRune(rune(v))
		i += n
	}
	return b.String()
}

type myString string

func TestReprGoTypes(t *testing.T) {
	var nilPtr *int
	one := 1
	big1, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	om := NewOrderedMap(0)
	om.Set("z", 1)
	om.Set("a", []string{"x"})
	om.Set("z", 2)
	tests := []struct {
		v          any
		repr, str  string
		json1, js4 string
	}{
		{nil, "None", "None", "null", "null"},
		{nilPtr, "None", "None", "null", "null"},
		{&one, "1", "1", "1", "1"},
		{int8(-3), "-3", "-3", "-3", "-3"},
		{uint64(math.MaxUint64), "18446744073709551615", "18446744073709551615", "18446744073709551615", "18446744073709551615"},
		{float32(0.5), "0.5", "0.5", "0.5", "0.5"},
		{float32(0.1), "0.10000000149011612", "0.10000000149011612", "0.10000000149011612", "0.10000000149011612"},
		{big1, "123456789012345678901234567890", "123456789012345678901234567890", "123456789012345678901234567890", "123456789012345678901234567890"},
		{json.Number("1.50"), "1.50", "1.50", "1.50", "1.50"},
		{myString("it's"), `"it's"`, "it's", `"it's"`, `"it's"`},
		{[]string{"a", "b"}, "['a', 'b']", "['a', 'b']", `["a", "b"]`, "[\n    \"a\",\n    \"b\"\n]"},
		{[]int(nil), "[]", "[]", "[]", "[]"},
		{map[string]any(nil), "{}", "{}", "{}", "{}"},
		{[2]bool{true, false}, "[True, False]", "[True, False]", "[true, false]", "[\n    true,\n    false\n]"},
		{map[string]int{"b": 1, "a": 2}, "{'a': 2, 'b': 1}", "{'a': 2, 'b': 1}", `{"a": 2, "b": 1}`, "{\n    \"a\": 2,\n    \"b\": 1\n}"},
		{map[int]string{10: "x", 9: "y"}, "{9: 'y', 10: 'x'}", "{9: 'y', 10: 'x'}", `{"9": "y", "10": "x"}`, "{\n    \"9\": \"y\",\n    \"10\": \"x\"\n}"},
		{map[any]any{true: 1, nil: 2, 1.5: 3}, "{1.5: 3, None: 2, True: 1}", "{1.5: 3, None: 2, True: 1}", `{"1.5": 3, "null": 2, "true": 1}`, "{\n    \"1.5\": 3,\n    \"null\": 2,\n    \"true\": 1\n}"},
		{[]map[string]any{{"k": []any{}}, {}}, "[{'k': []}, {}]", "[{'k': []}, {}]", `[{"k": []}, {}]`, "[\n    {\n        \"k\": []\n    },\n    {}\n]"},
		{[]byte("a'b\x00\xff"), `b"a'b\x00\xff"`, `b"a'b\x00\xff"`, "\"a'b\\u0000\xff\"", "\"a'b\\u0000\xff\""},
		{"bad\xffutf8", `'bad\udcffutf8'`, "bad\xffutf8", "\"bad\xffutf8\"", "\"bad\xffutf8\""},
		{om, "{'z': 2, 'a': ['x']}", "{'z': 2, 'a': ['x']}", `{"z": 2, "a": ["x"]}`, "{\n    \"z\": 2,\n    \"a\": [\n        \"x\"\n    ]\n}"},
		{struct{ A int }{1}, "{1}", "{1}", `"{1}"`, `"{1}"`},
	}
	for _, tc := range tests {
		if got := Repr(tc.v); got != tc.repr {
			t.Errorf("Repr(%#v) = %s, want %s", tc.v, got, tc.repr)
		}
		if got := Str(tc.v); got != tc.str {
			t.Errorf("Str(%#v) = %s, want %s", tc.v, got, tc.str)
		}
		if got := JSON(tc.v, -1, false); got != tc.json1 {
			t.Errorf("JSON(%#v, -1) = %s, want %s", tc.v, got, tc.json1)
		}
		if got := JSON(tc.v, 4, false); got != tc.js4 {
			t.Errorf("JSON(%#v, 4) = %s, want %s", tc.v, got, tc.js4)
		}
	}
	if got := JSON(om, -1, true); got != `{"a": ["x"], "z": 2}` {
		t.Errorf("sorted ordered map: %s", got)
	}
}

func TestOrderedMap(t *testing.T) {
	var om OrderedMap
	om.Set("a", 1)
	om.Set("b", 2)
	om.Set("c", 3)
	om.Delete("b")
	om.Delete("nope")
	om.Set("b", 4)
	if got := strings.Join(om.Keys(), ","); got != "a,c,b" {
		t.Fatalf("keys %s", got)
	}
	if v, ok := om.Get("b"); !ok || v != 4 {
		t.Fatalf("Get b = %v %v", v, ok)
	}
	if om.Len() != 3 || len(om.Map()) != 3 {
		t.Fatal("len")
	}
	var nilOM *OrderedMap
	if nilOM.Len() != 0 || nilOM.Keys() != nil {
		t.Fatal("nil map")
	}
	if _, ok := nilOM.Get("x"); ok {
		t.Fatal("nil get")
	}
}

func TestParseJSONTypes(t *testing.T) {
	v, err := ParseJSON([]byte("\ufeff" + `{"i": 1, "f": 1.0, "e": 1e2, "big": 99999999999999999999, "neg": -5, "s": "\ud83d\ude00\ud800x", "n": null}`))
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	if _, ok := m["i"].(int); !ok {
		t.Errorf("i: %T", m["i"])
	}
	if _, ok := m["f"].(float64); !ok {
		t.Errorf("f: %T", m["f"])
	}
	if _, ok := m["e"].(float64); !ok {
		t.Errorf("e: %T", m["e"])
	}
	if b, ok := m["big"].(*big.Int); !ok || b.String() != "99999999999999999999" {
		t.Errorf("big: %T %v", m["big"], m["big"])
	}
	if m["neg"] != -5 {
		t.Errorf("neg: %v", m["neg"])
	}
	if m["s"] != "\U0001F600\uFFFDx" {
		t.Errorf("s: %q", m["s"])
	}
	if _, ok := m["n"]; !ok || m["n"] != nil {
		t.Errorf("n")
	}
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	if _, err := ParseJSON([]byte(deep)); err == nil {
		t.Error("no error for excessive nesting")
	}
}

func TestFormatFloatRoundTrip(t *testing.T) {
	for _, f := range []float64{0, 1, 0.1, 1e16, 1e-5, 123.456, 5e-324, math.MaxFloat64} {
		s := FormatFloat(f)
		g, err := strconv.ParseFloat(s, 64)
		if err != nil || g != f {
			t.Errorf("%v -> %s -> %v %v", f, s, g, err)
		}
	}
	if FormatFloat(math.Copysign(0, -1)) != "-0.0" {
		t.Error("-0.0")
	}
}

// FuzzJSON checks that ParseJSON agrees with encoding/json on what is valid
// (modulo Python's NaN/Infinity extensions and a leading BOM), that JSON()
// output is valid JSON when there are no special floats, and that
// ParseJSON(JSON(v)) prints identically (a round trip).
func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a": [1, 2.5, "x\n", true, null]}`, `"\u00e9"`,
		`-0`, `1e400`, `NaN`, `[Infinity]`, `{"a":1,"a":2}`, `"\ud83d\ude00"`, `12345678901234567890123`,
		` [ ] `, `{"":{"":[{}]}}`, `"\u0000\u001f\""`, "\"\xe4\xb8\xad\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, ordered := range []bool{false, true} {
			var v any
			var err error
			if ordered {
				v, err = ParseJSONOrdered(data)
			} else {
				v, err = ParseJSON(data)
			}
			special := bytes.Contains(data, []byte("NaN")) || bytes.Contains(data, []byte("Infinity")) ||
				bytes.HasPrefix(data, []byte("\xef\xbb\xbf"))
			stdValid := json.Valid(data)
			if err == nil && !stdValid && !special {
				t.Fatalf("ParseJSON accepted %q which encoding/json rejects", data)
			}
			if err != nil && stdValid && !strings.Contains(err.Error(), "nesting") {
				t.Fatalf("ParseJSON rejected valid %q: %v", data, err)
			}
			if err != nil {
				if _, ok := err.(*JSONDecodeError); !ok {
					t.Fatalf("error type %T", err)
				}
				continue
			}
			for _, indent := range []int{-1, 0, 2} {
				out := JSON(v, indent, false)
				if !special && !hasSpecialFloat(v) && !json.Valid([]byte(out)) {
					t.Fatalf("JSON(%q) = %q is not valid JSON", data, out)
				}
				v2, err := parseJSON([]byte(out), ordered)
				if err != nil {
					t.Fatalf("re-parse of %q: %v", out, err)
				}
				if out2 := JSON(v2, indent, false); out2 != out {
					t.Fatalf("round trip:\n%s\n%s", out, out2)
				}
				if Repr(v) != Repr(v2) {
					t.Fatalf("repr round trip: %s vs %s", Repr(v), Repr(v2))
				}
			}
		}
	})
}

func hasSpecialFloat(v any) bool {
	switch x := v.(type) {
	case float64:
		return math.IsInf(x, 0) || math.IsNaN(x)
	case []any:
		for _, e := range x {
			if hasSpecialFloat(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if hasSpecialFloat(e) {
				return true
			}
		}
	case *OrderedMap:
		for _, e := range x.m {
			if hasSpecialFloat(e) {
				return true
			}
		}
	}
	return false
}

func BenchmarkJSON(b *testing.B) {
	v, err := ParseJSON([]byte(`{"changed": true, "msg": "All items completed", "results": [{"ansible_loop_var": "item", "changed": true, "cmd": ["echo","n1"], "rc": 0, "stdout": "n1", "stdout_lines": ["n1"], "item": {"condition":"ENABLED","id":"n1"}}]}`))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = JSON(v, 4, true)
	}
}

func BenchmarkRepr(b *testing.B) {
	v, _ := ParseJSON([]byte(`{"a": [1, 2.5, "x\n", true, null, "caf\u00e9"], "b": {"c": "it's"}}`))
	b.ReportAllocs()
	for b.Loop() {
		_ = Repr(v)
	}
}

// TestJSONASCII compares with Python's json.dumps(v, sort_keys=True)
// (ensure_ascii=True), as printed by python3.
func TestJSONASCII(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"héllo", `{"kh\u00e9llo": "h\u00e9llo"}`},
		{"日本語", `{"k\u65e5\u672c\u8a9e": "\u65e5\u672c\u8a9e"}`},
		{"😀 x", `{"k\ud83d\ude00 x": "\ud83d\ude00 x"}`},
		{"\x7f", `{"k\u007f": "\u007f"}`},
		{"a\"b\n", `{"ka\"b\n": "a\"b\n"}`},
	} {
		if got := JSONASCII(map[string]any{"k" + c.in: c.in}, -1, true); got != c.want {
			t.Errorf("JSONASCII(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}
