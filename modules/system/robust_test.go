package system

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/goplay/goplay/modules"
)

var oddValues = []any{nil, 0, -1, "", "x", "'; exit 3 #", []any{1, "a"}, map[string]any{"a": 1}, true, 3.5}

// TestNoPanics runs every module with each argument set to odd values: a
// module may fail, never panic nor hang.
func TestNoPanics(t *testing.T) {
	conn, _ := fakeSystemd(t)
	base := map[string]map[string]any{
		"wait_for": {"path": "/nonexistent/gp", "timeout": 0, "sleep": 0},
		"systemd":  {"name": "web", "state": "started"},
		"service":  {"name": "web", "state": "started", "use": "systemd"},
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
				if name == "wait_for" && (p.Name == "timeout" || p.Name == "delay" || p.Name == "sleep" || p.Name == "connect_timeout") {
					if n, ok := modules.ToInt(v); v == nil || ok && n > 0 {
						continue // a real wait
					}
				}
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("%s %s=%#v: panic %v", name, p.Name, v, r)
						}
					}()
					mod, _, err := modules.New(name, args)
					if err != nil {
						return
					}
					ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
					defer cancel()
					req := &modules.Request{Args: args, Host: "h", Conn: conn, Tmp: t.TempDir(), Vars: map[string]any{},
						Warn: func(string) {}, Log: func(string, ...any) {}}
					if _, err := mod.Run(ctx, req); err != nil && ctx.Err() != nil {
						t.Errorf("%s %s=%s: hung", name, p.Name, fmt.Sprint(v))
					}
				}()
			}
		}
	}
}
