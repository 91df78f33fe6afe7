package template

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSlowCorpus(t *testing.T) {
	dir := os.Getenv("CORPUS")
	if dir == "" {
		t.Skip()
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	tp := New(Options{})
	vars := fuzzVars()
	for _, f := range files {
		data, _ := os.ReadFile(f)
		line := strings.Split(string(data), "\n")[1]
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(line, "string("), ")"))
		if err != nil {
			continue
		}
		start := time.Now()
		done := make(chan bool)
		go func() {
			_, _ = tp.Render(s, vars)
			_, _ = tp.Conditional(s, vars)
			_, _ = tp.Eval(s, vars)
			_, _ = literalEval(s)
			close(done)
		}()
		select {
		case <-done:
			if d := time.Since(start); d > 200*time.Millisecond {
				t.Logf("slow %v: %q", d, s)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("hang: %q", s)
		}
	}
}
