package cli

import (
	"encoding/json"
	"math/rand"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// TestWrapLive compares wrapText with Python's textwrap.wrap on random
// inputs, when /usr/bin/python3 is available.
func TestWrapLive(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || testing.Short() {
		t.Skip("python3 not available")
	}
	type tc struct {
		Text  string `json:"text"`
		Width int    `json:"width"`
	}
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"a", "b", "-", "--", " ", "  ", "\t", "x-y", "é", "1", ".", ",", "'", "?", "_", "\u00a0", "\x1c", "abcdefghij", "(", ")", "[", "]"}
	var cases []tc
	for i := 0; i < 3000; i++ {
		var b strings.Builder
		n := rng.Intn(20)
		for j := 0; j < n; j++ {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		cases = append(cases, tc{b.String(), 1 + rng.Intn(15)})
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command(py, "-c", `import json,sys,textwrap
cases=json.load(sys.stdin)
json.dump([textwrap.wrap(c["text"], c["width"]) for c in cases], sys.stdout)`)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Skip("python failed:", err)
	}
	var want [][]string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, c := range cases {
		got := wrapText(c.Text, c.Width, "", "")
		if len(got) == 0 && len(want[i]) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want[i]) {
			bad++
			if bad < 10 {
				t.Errorf("wrap(%q, %d) = %q, want %q", c.Text, c.Width, got, want[i])
			}
		}
	}
}
