package kv

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/text/unicode/runenames"
)

func TestLookupName(t *testing.T) {
	for name, want := range map[string]rune{
		"LATIN SMALL LETTER E WITH ACUTE": 'é', "latin small letter e with acute": 'é',
		"NUL": 0, "byte order mark": 0xfeff, "HANGUL SYLLABLE GAG": 0xac01, "HANGUL SYLLABLE A": 0xc544,
		"CJK UNIFIED IDEOGRAPH-4E2D": 0x4e2d, "CJK UNIFIED IDEOGRAPH-04E2D": 0x4e2d, "GRINNING FACE": 0x1f600,
	} {
		if got, ok := lookupName(name); !ok || got != want {
			t.Errorf("lookupName(%q) = %U %v, want %U", name, got, ok, want)
		}
	}
	for _, name := range []string{"", "NO SUCH NAME", "hangul syllable ga", "CJK UNIFIED IDEOGRAPH-4e2d",
		"CJK UNIFIED IDEOGRAPH-4E2", "CJK UNIFIED IDEOGRAPH-A000", "HANGUL SYLLABLE GAX", "LATIN SMALL LETTER É"} {
		if r, ok := lookupName(name); ok {
			t.Errorf("lookupName(%q) = %U, want not found", name, r)
		}
	}
}

// TestNamesLive compares \N{name} decoding with python for every character
// name Go knows (including ones newer than Python's Unicode), case variants,
// aliases, Hangul syllables and CJK ideographs.
func TestNamesLive(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	py := ansiblePython(t)
	var names []string
	i := 0
	for r := rune(0); r <= 0x10ffff; r++ {
		n := runenames.Name(r)
		if n == "" || n[0] == '<' {
			continue
		}
		names = append(names, n)
		if i++; i%17 == 0 {
			names = append(names, strings.ToLower(n))
		}
	}
	for a := range pyNameAliases {
		names = append(names, a, strings.ToLower(a))
	}
	for _, l := range hangulL {
		for _, v := range hangulV {
			names = append(names, "HANGUL SYLLABLE "+l+v, "HANGUL SYLLABLE "+l+v+"NG", "HANGUL SYLLABLE "+l+v+"X")
		}
	}
	for r := rune(0x3300); r < 0x32000; r += 0x1f3 {
		names = append(names, fmt.Sprintf("CJK UNIFIED IDEOGRAPH-%X", r), fmt.Sprintf("CJK UNIFIED IDEOGRAPH-%x", r),
			fmt.Sprintf("CJK UNIFIED IDEOGRAPH-%05X", r))
	}
	names = append(names, "TANGUT IDEOGRAPH-17000", "KHITAN SMALL SCRIPT CHARACTER-18B00", "SPACE ", " SPACE", "SP ACE")

	data, _ := json.Marshal(names)
	script := `import sys, json, codecs
out = []
for n in json.load(sys.stdin):
    try:
        out.append(ord(codecs.decode('\\N{' + n + '}', 'unicode-escape')))
    except UnicodeDecodeError:
        out.append(-1)
json.dump(out, sys.stdout)`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(string(data))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var want []rune
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, n := range names {
		got, ok := lookupName(n)
		if !ok {
			got = -1
		}
		if got != want[i] {
			if bad++; bad <= 30 {
				t.Errorf("\\N{%s}: got %d, python %d", n, got, want[i])
			}
		}
	}
	t.Logf("%d names checked, %d mismatches", len(names), bad)
}
