package runner

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/modules"
)

// environment computes the task's `environment` keyword: the play's, the
// roles' and blocks' (outer first) and the task's own dicts, templated and
// combined, later ones winning, as ActionBase._compute_environment_string.
func (pr *playRun) environment(t *playbook.Task, vars map[string]any) (map[string]string, []string, error) {
	var lists [][]any
	lists = append(lists, pr.play.Environment)
	var chain []*playbook.Task
	for p := t; p != nil; p = p.Parent {
		chain = append([]*playbook.Task{p}, chain...)
	}
	seenRole := map[*playbook.Role]bool{}
	for _, p := range chain {
		if p.Role != nil && !seenRole[p.Role] {
			seenRole[p.Role] = true
			lists = append(lists, p.Role.Environment)
		}
		lists = append(lists, p.Environment)
	}
	env := map[string]string{}
	var order []string
	for _, l := range lists {
		for _, e := range l {
			v, err := pr.r.tpl.RenderValue(e, vars)
			if err != nil {
				return nil, nil, err
			}
			if v == nil {
				continue
			}
			m, ok := v.(map[string]any)
			if !ok {
				return nil, nil, fmt.Errorf("environment must be a dictionary, received %s (%s)", pyfmt.Str(v), pyType(v))
			}
			keys := pyfmt.KeyOrder(m)
			if keys == nil {
				for k := range m {
					keys = append(keys, k)
				}
				sort.Strings(keys)
			}
			for _, k := range keys {
				if _, seen := env[k]; !seen {
					order = append(order, k)
				}
				env[k] = pyfmt.Str(m[k])
			}
		}
	}
	return env, order, nil
}

func pyType(v any) string {
	switch v.(type) {
	case string:
		return "<class 'str'>"
	case []any:
		return "<class 'list'>"
	case bool:
		return "<class 'bool'>"
	case int:
		return "<class 'int'>"
	}
	return "<class 'object'>"
}

// envConn runs every command with the task's environment exported.
type envConn struct {
	modules.Conn
	prefix string
}

func newEnvConn(c modules.Conn, env map[string]string, order []string) modules.Conn {
	if len(order) == 0 {
		return c
	}
	var b strings.Builder
	for _, k := range order {
		b.WriteString("export " + k + "=" + shellQuote(env[k]) + "; ")
	}
	return &envConn{Conn: c, prefix: b.String()}
}

// Unwrap gives the connection underneath (modules.Stager looks through it:
// staging file data does not depend on the task's environment).
func (c *envConn) Unwrap() modules.Conn { return c.Conn }

func (c *envConn) Exec(ctx context.Context, cmd string, stdin io.Reader) ([]byte, []byte, int, error) {
	return c.Conn.Exec(ctx, c.prefix+cmd, stdin)
}

func (c *envConn) ExecTTY(ctx context.Context, cmd string) ([]byte, []byte, int, error) {
	return modules.ExecTTY(ctx, c.Conn, c.prefix+cmd)
}
