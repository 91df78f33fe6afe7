package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The differential suite for Ansible's external module protocol: every case
// in testdata/compat-external has a library/ (or a role's library/) of
// modules written in shell or Python, and runs through ansible-playbook and
// through goplay; stdout and the exit code must be identical after the
// usual normalisation plus masking the per-run remote temporary directory
// names (ansible-tmp-TIME-PID-RANDOM), which tracebacks print.

var remoteTmpRe = regexp.MustCompile(`ansible-tmp-[0-9.]+-[0-9]+-[0-9]+`)

func TestCompatExternal(t *testing.T) {
	ansible := requireAnsible(t)
	cases, err := filepath.Glob("testdata/compat-external/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases in testdata/compat-external")
	}
	for _, c := range cases {
		abs, _ := filepath.Abs(c)
		t.Run(filepath.Base(c), func(t *testing.T) {
			if gap, err := os.ReadFile(filepath.Join(abs, "KNOWN_GAP")); err == nil {
				t.Skip("known gap: " + strings.TrimSpace(string(gap)))
			}
			t.Parallel()
			want, wdir := runCase(t, abs, ansible)
			got, gdir := runCase(t, abs, goplayBin)
			w := remoteTmpRe.ReplaceAllString(normalise(want.stdout, wdir), "ansible-tmp-X")
			g := remoteTmpRe.ReplaceAllString(normalise(got.stdout, gdir), "ansible-tmp-X")
			if w != g {
				t.Errorf("stdout differs (ansible-playbook vs goplay):\n%s\n--- goplay stderr:\n%s", lineDiff(w, g), got.stderr)
			}
			if want.rc != got.rc {
				t.Errorf("exit code: ansible-playbook %d, goplay %d\n--- goplay stderr:\n%s", want.rc, got.rc, got.stderr)
			}
		})
	}
}
