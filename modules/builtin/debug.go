package builtin

import (
	"context"
	"fmt"
	"strings"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "debug",
		Aliases:   []string{"ansible.builtin.debug"},
		New:       func() modules.Module { return new(Debug) },
		CheckMode: true,
		Local:     true,
		Short:     "Print statements during execution",
	})
}

// Debug prints a message or a variable, as ansible.builtin.debug does.
type Debug struct {
	Msg       any            `arg:"msg" doc:"The message to print; any type, printed as is. Default \"Hello world!\"."`
	Var       any            `arg:"var" doc:"A variable name or expression to print; the result key is the expression."`
	Verbosity int            `arg:"verbosity" doc:"Print only at this -v level or above."`
	Other     map[string]any `arg:"_other,remain"`
}

// Run builds debug's result.
func (d *Debug) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if has(req, "msg") && has(req, "var") {
		return &modules.Result{Failed: true, Msg: "'msg' and 'var' are incompatible options"}, nil
	}
	if r := invalidOptions("debug", d.Other); r != nil {
		return r, nil
	}
	if d.Verbosity > req.Verbosity {
		return &modules.Result{Skipped: true, Data: map[string]any{
			"skipped":        true,
			"skipped_reason": "Verbosity threshold not met.",
		}}, nil
	}
	data := map[string]any{}
	switch {
	case has(req, "msg"):
		data["msg"] = d.Msg
	case has(req, "var"):
		key, val, err := debugVar(req, d.Var)
		if err != nil {
			// the action raises: TaskExecutor's result has no "changed"
			return nil, err
		}
		data[key] = val
	default:
		data["msg"] = "Hello world!"
	}
	data["_ansible_verbose_always"] = true
	return &modules.Result{Data: data}, nil
}

// debugVar evaluates var= as debug.py does. Undefined values give
// "VARIABLE IS NOT DEFINED!" (with the error from -v on); other template
// errors fail the task.
func debugVar(req *modules.Request, v any) (key string, val any, err error) {
	switch v.(type) {
	case []any, []string:
		key = "<class 'list'>"
	case map[string]any:
		key = "<class 'dict'>"
	default:
		key = jsonKey(v)
	}
	undefined := func(e error) (string, any, error) {
		s := "VARIABLE IS NOT DEFINED!"
		if req.Verbosity > 0 {
			msg := ""
			if e != nil {
				// AnsibleUndefinedVariable(e, orig_exc=e): the message,
				// then ". " and the original exception's
				msg = e.Error() + ". " + e.Error()
			}
			s += ": " + msg
		}
		return key, s, nil
	}
	expr, ok := v.(string)
	if !ok {
		// A non-string templates to itself, which debug treats as undefined.
		return undefined(nil)
	}
	if req.Template == nil {
		return "", nil, fmt.Errorf("debug: no templater for var=%s", expr)
	}
	res, err := req.Template(expr)
	if err == nil {
		if s, ok := res.(string); ok && s == expr {
			res, err = req.Template(s)
		}
	}
	if err != nil {
		if isUndefined(err) {
			return undefined(err)
		}
		return "", nil, err
	}
	return key, res, nil
}

// isUndefined tells whether a template error is Jinja's undefined-variable
// error (AnsibleUndefinedVariable).
func isUndefined(err error) bool {
	if u, ok := err.(interface{ Undefined() bool }); ok {
		return u.Undefined()
	}
	s := err.Error()
	return strings.Contains(s, "is undefined") || strings.Contains(s, "undefined variable") || strings.Contains(s, "has no attribute")
}

var _ modules.Module = (*Debug)(nil)
