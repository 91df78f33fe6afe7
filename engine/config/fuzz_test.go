package config

import (
	"strings"
	"testing"
)

// FuzzParseINI: ParseINI never panics, errors are *INIError with
// configparser's wording, and every stored value is retrievable.
func FuzzParseINI(f *testing.F) {
	for _, s := range iniCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ini, err := ParseINI(s)
		if err != nil {
			e, ok := err.(*INIError)
			if !ok {
				t.Fatalf("error type %T", err)
			}
			if !strings.HasPrefix(e.Msg, "Source contains parsing errors") && !strings.HasPrefix(e.Msg, "File contains no section headers") && !strings.HasPrefix(e.Msg, "While reading from") {
				t.Fatalf("unexpected message %q", e.Msg)
			}
			return
		}
		for _, sec := range ini.Sections() {
			for _, k := range ini.Keys(sec) {
				if _, ok := ini.Get(sec, k); !ok {
					t.Fatalf("key %q of %q not found", k, sec)
				}
			}
		}
	})
}
