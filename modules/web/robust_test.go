package web

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/goplay/goplay/engine/connection/local"
	"github.com/goplay/goplay/modules"
)

var oddValues = []any{nil, 0, -1, "", "x", "'; exit 3 #", "~", []any{1, "a"}, map[string]any{"a": 1}, true, 3.5}

// TestNoPanics runs uri and get_url with each argument set to odd values:
// a module may fail, never panic nor hang.
func TestNoPanics(t *testing.T) {
	srv := newServer(t)
	dir := t.TempDir()
	base := map[string]map[string]any{
		"uri":     {"url": srv.URL + "/json", "timeout": 2},
		"get_url": {"url": srv.URL + "/file.txt", "dest": filepath.Join(dir, "f"), "timeout": 2},
	}
	for name, b := range base {
		m, _, err := modules.New(name, b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, p := range modules.Params(m) {
			for _, v := range oddValues {
				args := map[string]any{}
				for k, x := range b {
					args[k] = x
				}
				args[p.Name] = v
				if p.Name == "unix_socket" || p.Name == "dest" && name == "uri" {
					continue // would point at the host's files
				}
				if p.Name == "dest" {
					// Relative paths land in the working directory.
					args[p.Name] = filepath.Join(dir, modules.ToString(v))
				}
				for _, check := range []bool{false, true} {
					func() {
						defer func() {
							if r := recover(); r != nil {
								t.Errorf("%s %s=%#v: panic %v", name, p.Name, v, r)
							}
						}()
						mod, info, err := modules.New(name, args)
						if err != nil {
							return
						}
						ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
						defer cancel()
						req := &modules.Request{Args: args, Host: "h", Check: check, Tmp: t.TempDir(), Vars: map[string]any{},
							Warn: func(string) {}, Log: func(string, ...any) {}}
						if !info.Local {
							req.Conn = local.New()
						}
						if _, err := mod.Run(ctx, req); err != nil && ctx.Err() != nil {
							t.Errorf("%s %s=%s: hung", name, p.Name, fmt.Sprint(v))
						}
					}()
				}
			}
		}
	}
}
