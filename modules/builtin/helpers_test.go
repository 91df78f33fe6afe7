package builtin

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/goplay/goplay/engine/connection/local"
	"github.com/goplay/goplay/modules"
)

// run runs module name with args through a local connection and returns the
// result dict the engine would build (Data + changed + msg + failed).
type runOpt func(*modules.Request)

func withCheck(r *modules.Request) { r.Check = true }

func withVerbosity(v int) runOpt { return func(r *modules.Request) { r.Verbosity = v } }

func withVars(vars map[string]any) runOpt { return func(r *modules.Request) { r.Vars = vars } }

func withTemplate(f func(string) (any, error)) runOpt {
	return func(r *modules.Request) { r.Template = f }
}

type runOut struct {
	res      map[string]any
	result   *modules.Result
	warnings []string
	err      error
}

func run(t *testing.T, name string, args map[string]any, opts ...runOpt) runOut {
	t.Helper()
	m, info, err := modules.New(name, args)
	if err != nil {
		return runOut{err: err}
	}
	var out runOut
	req := &modules.Request{
		Args: args,
		Host: "localhost",
		Vars: map[string]any{},
		Warn: func(msg string) { out.warnings = append(out.warnings, msg) },
		Log:  func(string, ...any) {},
	}
	if !info.Local {
		req.Conn = local.New()
	}
	for _, o := range opts {
		o(req)
	}
	res, err := m.Run(context.Background(), req)
	if err != nil {
		out.err = err
		return out
	}
	out.result = res
	out.res = res.Dict()
	return out
}

// canon renders v as sorted JSON, with the time keys of command results
// masked, for comparison with recorded ansible output.
func canon(t *testing.T, v map[string]any) string {
	t.Helper()
	c := map[string]any{}
	for k, x := range v {
		c[k] = x
	}
	for _, k := range []string{"start", "end", "delta"} {
		if s, ok := c[k].(string); ok && s != "" {
			c[k] = "<" + k + ">"
		}
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// want compares a result with ansible's JSON (time keys masked).
func want(t *testing.T, got runOut, ansible string) {
	t.Helper()
	if got.err != nil {
		t.Fatalf("error: %v", got.err)
	}
	var w map[string]any
	if err := json.Unmarshal([]byte(ansible), &w); err != nil {
		t.Fatalf("bad expectation %s: %v", ansible, err)
	}
	g := canon(t, got.res)
	// Round-trip through JSON so number types compare alike.
	var gm map[string]any
	json.Unmarshal([]byte(g), &gm)
	gb, _ := json.Marshal(gm)
	wb, _ := json.Marshal(canonAny(w))
	if string(gb) != string(wb) {
		t.Errorf("result mismatch\n got: %s\nwant: %s", gb, wb)
	}
}

func canonAny(m map[string]any) map[string]any {
	for _, k := range []string{"start", "end", "delta"} {
		if s, ok := m[k].(string); ok && s != "" && !strings.HasPrefix(s, "<") {
			m[k] = "<" + k + ">"
		}
	}
	return m
}
