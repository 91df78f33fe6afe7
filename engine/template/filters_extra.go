package template

import (
	"crypto/sha1"
	"encoding/hex"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// This file holds Ansible filters of ansible.builtin that need more than a
// few lines: urlsplit, the itertools filters, to_uuid, comment,
// human_readable, human_to_bytes, relpath, rekey_on_member, root,
// to_datetime, strftime and password_hash (crypt.go); random and shuffle are
// in pyrandom.go.

func init() {
	extra := map[string]filterFn{
		"password_hash": func(e *evaluator, v any, args []any, kw map[string]any) any {
			if _, ok := v.(string); !ok {
				typeErr("secret must be unicode or bytes, not %s", typeName(v))
			}
			return passwordHash(v, args, kw)
		},
		"urlsplit": func(e *evaluator, v any, args []any, kw map[string]any) any {
			parts := urlSplit(strArg(v))
			q := arg(args, kw, 0, "query", "")
			if truthy(q) {
				qs := pyStr(q)
				r, ok := parts[qs]
				if !ok {
					filterErr("urlsplit: unknown URL component: %s", qs)
				}
				return r
			}
			return parts
		},
		"product": func(e *evaluator, v any, args []any, kw map[string]any) any {
			pools := [][]any{toList(v)}
			for _, a := range args {
				pools = append(pools, toList(a))
			}
			if r, ok := kw["repeat"]; ok {
				n, isInt := r.(int)
				if !isInt {
					typeErr("'%s' object cannot be interpreted as an integer", typeName(r))
				}
				if n < 0 {
					valErr("repeat argument cannot be negative")
				}
				base := pools
				pools = nil
				for i := 0; i < n; i++ {
					pools = append(pools, base...)
				}
			}
			out := []any{Tuple{}}
			for _, pool := range pools {
				var next []any
				for _, prefix := range out {
					for _, x := range pool {
						t := append(append(Tuple{}, prefix.(Tuple)...), norm(x))
						next = append(next, t)
					}
				}
				out = next
			}
			if out == nil {
				return []any{}
			}
			return out
		},
		"permutations": func(e *evaluator, v any, args []any, kw map[string]any) any {
			pool := toList(v)
			r := len(pool)
			if a := arg(args, kw, 0, "r", nil); a != nil {
				r = intArg(a)
			}
			return permutations(pool, r)
		},
		"combinations": func(e *evaluator, v any, args []any, kw map[string]any) any {
			pool := toList(v)
			a := arg(args, kw, 0, "r", nil)
			if a == nil {
				typeErr("combinations() missing required argument 'r' (pos 2)")
			}
			return combinations(pool, intArg(a))
		},
		"to_uuid": func(e *evaluator, v any, args []any, kw map[string]any) any {
			ns := arg(args, kw, 0, "namespace", "361E6D51-FAEC-444A-9079-341386DA8E2E")
			s, ok := ns.(string)
			if !ok {
				filterErr("Invalid value '%s' for 'namespace': '%s' object has no attribute 'replace'", pyStr(ns), typeName(ns))
			}
			nsb, err := parseUUID(s)
			if err != "" {
				filterErr("Invalid value '%s' for 'namespace': %s", s, err)
			}
			return uuid5(nsb, pyStr(v))
		},
		"comment": func(e *evaluator, v any, args []any, kw map[string]any) any {
			return commentFilter(strArg(v), strArg(arg(args, kw, 0, "style", "plain")), kw)
		},
		"human_readable": func(e *evaluator, v any, args []any, kw map[string]any) any {
			return humanReadable(v, truthy(arg(args, kw, 0, "isbits", false)), arg(args, kw, 1, "unit", nil))
		},
		"human_to_bytes": func(e *evaluator, v any, args []any, kw map[string]any) any {
			return humanToBytes(v, arg(args, kw, 0, "default_unit", nil), truthy(arg(args, kw, 1, "isbits", false)))
		},
		"relpath": func(e *evaluator, v any, args []any, kw map[string]any) any {
			start := "."
			if s := arg(args, kw, 0, "start", nil); s != nil {
				start = strArg(s)
			}
			return pyRelpath(strArg(v), start)
		},
		"rekey_on_member": func(e *evaluator, v any, args []any, kw map[string]any) any {
			return rekeyOnMember(v, arg(args, kw, 0, "key", nil), strArg(arg(args, kw, 1, "duplicates", "error")))
		},
		"root": func(e *evaluator, v any, args []any, kw map[string]any) any {
			x, ok := realNumber(v)
			if !ok {
				typeErr("root() can only be used on numbers: must be real number, not %s", typeName(v))
			}
			base := arg(args, kw, 0, "base", 2)
			if n, isInt := base.(int); isInt && n == 2 || base == 2.0 {
				if x < 0 {
					typeErr("root() can only be used on numbers: math domain error")
				}
				return math.Sqrt(x)
			}
			b, ok := realNumber(base)
			if !ok {
				typeErr("root() can only be used on numbers: must be real number, not %s", typeName(base))
			}
			if b == 0 {
				pyErr("ZeroDivisionError", "float division by zero")
			}
			r, err := pyPow(x, 1/b)
			if err == "math range error" {
				valErr("%s", err)
			} else if err != "" {
				typeErr("root() can only be used on numbers: %s", err)
			}
			return r
		},
		"pow": func(e *evaluator, v any, args []any, kw map[string]any) any {
			x, ok1 := realNumber(v)
			y := arg(args, kw, 0, "y", nil)
			yf, ok2 := realNumber(y)
			if !ok1 || !ok2 {
				bad := v
				if ok1 {
					bad = y
				}
				typeErr("pow() can only be used on numbers: must be real number, not %s", typeName(bad))
			}
			r, err := pyPow(x, yf)
			if err != "" {
				// math.pow's ValueError and OverflowError are not caught
				valErr("%s", err)
			}
			return r
		},
		"to_datetime": func(e *evaluator, v any, args []any, kw map[string]any) any {
			s, ok := v.(string)
			if !ok {
				typeErr("strptime() argument 1 must be str, not %s", typeName(v))
			}
			f := strArg(arg(args, kw, 0, "format", "%Y-%m-%d %H:%M:%S"))
			t, err := pyStrptime(s, f)
			if err != "" {
				valErr("%s", err)
			}
			// %z gives a fixed-offset zone: an aware datetime
			return &DateTime{T: t, aware: t.Location() != time.UTC}
		},
		"strftime": func(e *evaluator, v any, args []any, kw map[string]any) any {
			f := strArg(v)
			sec := arg(args, kw, 0, "second", nil)
			utc := truthy(arg(args, kw, 1, "utc", false))
			var t time.Time
			if sec == nil {
				t = time.Now()
			} else {
				var x float64
				ok := false
				switch s := sec.(type) {
				case string:
					x, ok = pyFloat(s)
				default:
					x, ok = realNumber(sec)
				}
				if !ok || math.IsNaN(x) || math.IsInf(x, 0) {
					filterErr("Invalid value for epoch value (%s)", pyStr(sec))
				}
				fl := math.Floor(x)
				t = time.Unix(int64(fl), 0)
			}
			if utc {
				return pyStrftime(t.UTC(), f, "GMT", true)
			}
			t = t.Local()
			name, _ := t.Zone()
			return pyStrftime(t, f, name, true)
		},
	}
	for k, f := range extra {
		filters[k] = f
	}
}

// realNumber is Python's float(x) for the numbers math functions accept.
func realNumber(v any) (float64, bool) {
	switch v.(type) {
	case bool, int, float64:
		f, _ := toFloat(v)
		return f, true
	}
	return 0, false
}

// intArg reads an argument that Python interprets as an integer index.
func intArg(v any) int {
	switch x := v.(type) {
	case int:
		return x
	case bool:
		if x {
			return 1
		}
		return 0
	}
	typeErr("'%s' object cannot be interpreted as an integer", typeName(v))
	return 0
}

// permutations is itertools.permutations(pool, r) as a list of tuples.
func permutations(pool []any, r int) []any {
	if r < 0 {
		valErr("r must be non-negative")
	}
	n := len(pool)
	out := []any{}
	if r > n {
		return out
	}
	used := make([]bool, n)
	cur := make(Tuple, 0, r)
	var rec func()
	rec = func() {
		if len(cur) == r {
			out = append(out, append(Tuple{}, cur...))
			return
		}
		for i := 0; i < n; i++ {
			if !used[i] {
				used[i] = true
				cur = append(cur, norm(pool[i]))
				rec()
				cur = cur[:len(cur)-1]
				used[i] = false
			}
		}
	}
	rec()
	return out
}

// combinations is itertools.combinations(pool, r) as a list of tuples.
func combinations(pool []any, r int) []any {
	if r < 0 {
		valErr("r must be non-negative")
	}
	n := len(pool)
	out := []any{}
	if r > n {
		return out
	}
	cur := make(Tuple, 0, r)
	var rec func(start int)
	rec = func(start int) {
		if len(cur) == r {
			out = append(out, append(Tuple{}, cur...))
			return
		}
		for i := start; i <= n-(r-len(cur)); i++ {
			cur = append(cur, norm(pool[i]))
			rec(i + 1)
			cur = cur[:len(cur)-1]
		}
	}
	rec(0)
	return out
}

// parseUUID parses a UUID the way Python's uuid.UUID(hex) does; the second
// result is Python's error message.
func parseUUID(s string) ([]byte, string) {
	h := strings.ReplaceAll(strings.ReplaceAll(s, "urn:", ""), "uuid:", "")
	h = strings.ReplaceAll(strings.Trim(h, "{}"), "-", "")
	if len(h) != 32 {
		return nil, "badly formed hexadecimal UUID string"
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, "invalid literal for int() with base 16: " + quoteString(h)
	}
	return b, ""
}

// uuid5 is Python's str(uuid.uuid5(namespace, name)).
func uuid5(ns []byte, name string) string {
	h := sha1.New()
	h.Write(ns)
	h.Write([]byte(name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	x := hex.EncodeToString(u)
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

var commentStyles = map[string]map[string]string{
	"plain":  {"decoration": "# "},
	"erlang": {"decoration": "% "},
	"c":      {"decoration": "// "},
	"cblock": {"beginning": "/*", "decoration": " * ", "end": " */"},
	"xml":    {"beginning": "<!--", "decoration": " - ", "end": "-->"},
}

// commentFilter is Ansible's comment filter.
func commentFilter(text, style string, kw map[string]any) string {
	sp, ok := commentStyles[style]
	if !ok {
		// a KeyError, whose text is the key's repr
		filterErr("%s", quoteString(style))
	}
	prepost := sp["decoration"]
	if d, ok := kw["decoration"]; ok {
		prepost = pyStr(d)
	}
	p := map[string]any{
		"newline": "\n", "beginning": "", "prefix": strings.TrimRight(prepost, " \t\n\r\v\f"), "prefix_count": 1,
		"decoration": "", "postfix": strings.TrimRight(prepost, " \t\n\r\v\f"), "postfix_count": 1, "end": "",
	}
	for k, v := range sp {
		p[k] = v
	}
	for k, v := range kw {
		p[k] = v
	}
	str := func(k string) string { return pyStr(p[k]) }
	count := func(k string) int {
		switch x := p[k].(type) {
		case string:
			n, ok := pyInt(x, 10)
			if !ok {
				valErr("invalid literal for int() with base 10: %s", quoteString(x))
			}
			return n
		}
		n, ok := toInt(p[k])
		if !ok {
			typeErr("int() argument must be a string, a bytes-like object or a real number, not '%s'", typeName(p[k]))
		}
		return n
	}
	nl, deco := str("newline"), str("decoration")
	var b strings.Builder
	if truthy(p["beginning"]) {
		b.WriteString(str("beginning") + nl)
	}
	if truthy(p["prefix"]) {
		unit := str("prefix") + nl
		if str("prefix") == nl {
			unit = nl
		}
		b.WriteString(strings.Repeat(unit, max(count("prefix_count"), 0)))
	}
	body := deco + strings.ReplaceAll(text, nl, nl+deco)
	body = strings.ReplaceAll(body, deco+nl, strings.TrimRight(deco, " \t\n\r\v\f")+nl)
	b.WriteString(body)
	for i := 0; i < count("postfix_count"); i++ {
		b.WriteString(nl + str("postfix"))
	}
	if truthy(p["end"]) {
		b.WriteString(nl + str("end"))
	}
	return b.String()
}

var sizeRanges = []struct {
	suffix string
	limit  float64
}{{"Y", 1 << 80}, {"Z", 1 << 70}, {"E", 1 << 60}, {"P", 1 << 50}, {"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}}

// humanReadable is Ansible's human_readable filter (bytes_to_human).
func humanReadable(size any, isbits bool, unit any) string {
	x, ok := realNumber(size)
	if !ok {
		if size == nil {
			typeErr("human_readable() failed on bad input: '>=' not supported between instances of 'NoneType' and 'int'")
		}
		typeErr("human_readable() failed on bad input: '>=' not supported between instances of '%s' and 'int'", typeName(size))
	}
	base := "Bytes"
	if isbits {
		base = "bits"
	}
	u := ""
	if unit != nil {
		s, ok := unit.(string)
		if !ok {
			filterErr("human_readable() can't interpret following string: %s", pyStr(size))
		}
		u = strings.ToUpper(s)
	}
	var suffix string
	var limit float64
	for _, r := range sizeRanges {
		suffix, limit = r.suffix, r.limit
		if (unit == nil && x >= limit) || (unit != nil && u != "" && u[:1] == suffix) {
			break
		}
	}
	if limit != 1 {
		suffix += base[:1]
	} else {
		suffix = base
	}
	return percentFormat("%.2f", Tuple{x / limit}) + " " + suffix
}

var humanBytesRe = regexp.MustCompile(`^\s*(\d*\.?\d*)\s*([A-Za-z]+)?`)

// humanToBytes is Ansible's human_to_bytes filter.
func humanToBytes(number any, defaultUnit any, isbits bool) int {
	s := pyStr(number)
	fail := func() {
		filterErr("human_to_bytes() can't interpret following string: %s", s)
	}
	m := humanBytesRe.FindStringSubmatch(s)
	if m == nil {
		fail()
	}
	num, ok := pyFloat(m[1])
	if !ok || m[1] == "" {
		fail()
	}
	unit := m[2]
	if unit == "" {
		if defaultUnit == nil {
			return int(math.RoundToEven(num))
		}
		du, ok := defaultUnit.(string)
		if !ok || du == "" {
			fail()
		}
		unit = du
	}
	key := strings.ToUpper(unit[:1])
	var limit float64
	for _, r := range sizeRanges {
		if r.suffix == key {
			limit = r.limit
		}
	}
	if limit == 0 {
		fail()
	}
	class, className := "B", "byte"
	if isbits {
		class, className = "b", "bit"
	}
	if len(unit) > 1 && !strings.Contains(strings.ToLower(unit), className) && unit[1:2] != class {
		fail()
	}
	return int(math.RoundToEven(num * limit))
}

// pyAbspath is os.path.abspath.
func pyAbspath(p string) string {
	if !strings.HasPrefix(p, "/") {
		wd, err := os.Getwd()
		if err != nil {
			wd = "/"
		}
		p = wd + "/" + p
	}
	c := filepath.Clean(p)
	// POSIX keeps a leading double slash
	if strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "///") {
		c = "/" + c
	}
	return c
}

// pyRelpath is os.path.relpath.
func pyRelpath(p, start string) string {
	if p == "" {
		valErr("no path specified")
	}
	split := func(s string) []string {
		var out []string
		for _, x := range strings.Split(pyAbspath(s), "/") {
			if x != "" {
				out = append(out, x)
			}
		}
		return out
	}
	sl, pl := split(start), split(p)
	i := 0
	for i < len(sl) && i < len(pl) && sl[i] == pl[i] {
		i++
	}
	parts := []string{}
	for j := i; j < len(sl); j++ {
		parts = append(parts, "..")
	}
	parts = append(parts, pl[i:]...)
	if len(parts) == 0 {
		return "."
	}
	return strings.Join(parts, "/")
}

// rekeyOnMember is Ansible's rekey_on_member filter.
func rekeyOnMember(data, key any, duplicates string) any {
	if duplicates != "error" && duplicates != "overwrite" {
		filterErr("duplicates parameter to rekey_on_member has unknown value: %s", duplicates)
	}
	truthy(data)
	truthy(key)
	var items []any
	switch x := data.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			items = append(items, x[k])
		}
	case []any:
		items = x
	case Tuple:
		items = x
	default:
		typeErr("Type is not a valid list, set, or dict")
	}
	out := map[string]any{}
	var order []string
	for _, it := range items {
		m, ok := norm(it).(map[string]any)
		if !ok {
			typeErr("List item is not a valid dict")
		}
		ks, ok := key.(string)
		if !ok {
			filterErr("Key %s was not found", pyStr(key))
		}
		kv, ok := m[ks]
		if !ok {
			filterErr("Key %s was not found", ks)
		}
		nk := pyStr(norm(kv))
		if old, dup := out[nk]; dup && truthy(old) {
			if duplicates == "error" {
				filterErr("Key %s is not unique, cannot correctly turn into dict", nk)
			}
		} else if !dup {
			order = append(order, nk)
		}
		out[nk] = m
	}
	setOrder(out, order)
	return out
}

// urlSplit is urllib.parse.urlsplit with the attributes Ansible's urlsplit
// filter collects.
func urlSplit(u string) map[string]any {
	u = strings.TrimLeft(u, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	u = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(u)
	scheme, netloc, query, fragment := "", "", "", ""
	if i := strings.Index(u, ":"); i > 0 && isASCIILetter(u[0]) {
		ok := true
		for j := 0; j < i; j++ {
			c := u[j]
			if !(isASCIILetter(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
				ok = false
				break
			}
		}
		if ok {
			scheme, u = strings.ToLower(u[:i]), u[i+1:]
		}
	}
	if strings.HasPrefix(u, "//") {
		end := len(u)
		for _, c := range "/?#" {
			if k := strings.IndexRune(u[2:], c); k >= 0 && k+2 < end {
				end = k + 2
			}
		}
		netloc, u = u[2:end], u[end:]
		if strings.Contains(netloc, "[") != strings.Contains(netloc, "]") {
			valErr("Invalid IPv6 URL")
		}
	}
	if i := strings.Index(u, "#"); i >= 0 {
		u, fragment = u[:i], u[i+1:]
	}
	if i := strings.Index(u, "?"); i >= 0 {
		u, query = u[:i], u[i+1:]
	}
	out := map[string]any{"scheme": scheme, "netloc": netloc, "path": u, "query": query, "fragment": fragment,
		"username": nil, "password": nil, "hostname": nil, "port": nil}
	userinfo, hostinfo := "", netloc
	if i := strings.LastIndex(netloc, "@"); i >= 0 {
		userinfo, hostinfo = netloc[:i], netloc[i+1:]
		if j := strings.Index(userinfo, ":"); j >= 0 {
			out["username"], out["password"] = userinfo[:j], userinfo[j+1:]
		} else {
			out["username"] = userinfo
		}
	}
	var host, port string
	if i := strings.Index(hostinfo, "["); i >= 0 {
		br := hostinfo[i+1:]
		if j := strings.Index(br, "]"); j >= 0 {
			host, port = br[:j], br[j+1:]
		} else {
			host = br
		}
		if j := strings.Index(port, ":"); j >= 0 {
			port = port[j+1:]
		} else {
			port = ""
		}
	} else if j := strings.Index(hostinfo, ":"); j >= 0 {
		host, port = hostinfo[:j], hostinfo[j+1:]
	} else {
		host = hostinfo
	}
	if host != "" {
		if i := strings.Index(host, "%"); i >= 0 {
			out["hostname"] = strings.ToLower(host[:i]) + host[i:]
		} else {
			out["hostname"] = strings.ToLower(host)
		}
	}
	if port != "" {
		for i := 0; i < len(port); i++ {
			if port[i] < '0' || port[i] > '9' {
				valErr("Port could not be cast to integer value as %s", quoteString(port))
			}
		}
		n, err := strconv.Atoi(port)
		if err != nil || n > 65535 {
			valErr("Port out of range 0-65535")
		}
		out["port"] = n
	}
	return out
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// pyPow is math.pow with the correctly rounded result glibc's pow gives
// (Go's math.Pow may be one unit in the last place off); the string is
// Python's error message.
func pyPow(x, y float64) (float64, string) {
	switch {
	case x < 0 && y != math.Trunc(y) && !math.IsInf(y, 0):
		return 0, "math domain error"
	case x == 0 && y < 0:
		return 0, "math domain error"
	case math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) || x == 0 || y == 0 || x == 1:
		return math.Pow(x, y), ""
	}
	neg := x < 0 && math.Mod(y, 2) != 0
	ax := math.Abs(x)
	approx := math.Pow(ax, y)
	if math.IsInf(approx, 0) || approx == 0 || approx < 1e-300 {
		if math.IsInf(approx, 0) {
			return 0, "math range error"
		}
		return math.Pow(x, y), ""
	}
	const prec = 200
	t := new(big.Float).SetPrec(prec).Mul(bigLn(new(big.Float).SetPrec(prec).SetFloat64(ax)), new(big.Float).SetPrec(prec).SetFloat64(y))
	r, _ := bigExp(t).Float64()
	if neg {
		r = -r
	}
	return r, ""
}

// bigAtanhSeries returns 2*atanh(z) = ln((1+z)/(1-z)) for small |z|.
func bigAtanhSeries(z *big.Float) *big.Float {
	prec := z.Prec()
	z2 := new(big.Float).SetPrec(prec).Mul(z, z)
	term := new(big.Float).SetPrec(prec).Set(z)
	sum := new(big.Float).SetPrec(prec).Set(z)
	eps := new(big.Float).SetPrec(prec).SetMantExp(big.NewFloat(1), -int(prec)-4)
	for k := 3; ; k += 2 {
		term.Mul(term, z2)
		q := new(big.Float).SetPrec(prec).Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(k)))
		sum.Add(sum, q)
		if new(big.Float).Abs(q).Cmp(eps) < 0 {
			break
		}
	}
	return sum.Mul(sum, big.NewFloat(2))
}

func bigLn2(prec uint) *big.Float {
	third := new(big.Float).SetPrec(prec).Quo(big.NewFloat(1), new(big.Float).SetPrec(prec).SetInt64(3))
	return bigAtanhSeries(third)
}

// bigLn is the natural logarithm of x > 0.
func bigLn(x *big.Float) *big.Float {
	prec := x.Prec()
	m := new(big.Float).SetPrec(prec)
	e := x.MantExp(m) // x = m * 2^e, m in [0.5, 1)
	one := new(big.Float).SetPrec(prec).SetInt64(1)
	num := new(big.Float).SetPrec(prec).Sub(m, one)
	den := new(big.Float).SetPrec(prec).Add(m, one)
	lnm := bigAtanhSeries(num.Quo(num, den))
	l2 := bigLn2(prec)
	return lnm.Add(lnm, l2.Mul(l2, new(big.Float).SetPrec(prec).SetInt64(int64(e))))
}

// bigExp is e**t for moderate t.
func bigExp(t *big.Float) *big.Float {
	prec := t.Prec()
	l2 := bigLn2(prec)
	tf, _ := t.Float64()
	k := math.Round(tf / math.Ln2)
	r := new(big.Float).SetPrec(prec).Sub(t, new(big.Float).SetPrec(prec).Mul(l2, new(big.Float).SetPrec(prec).SetFloat64(k)))
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	eps := new(big.Float).SetPrec(prec).SetMantExp(big.NewFloat(1), -int(prec)-4)
	for n := 1; n < 400; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(n)))
		sum.Add(sum, term)
		if new(big.Float).Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	return sum.SetMantExp(sum, int(k))
}
