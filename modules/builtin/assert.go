package builtin

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "assert",
		Aliases:   []string{"ansible.builtin.assert"},
		New:       func() modules.Module { return new(Assert) },
		CheckMode: true,
		Local:     true,
		Short:     "Asserts given expressions are true",
	})
}

// Assert checks conditions, as ansible.builtin.assert does. Each condition
// is a bare Jinja2 expression evaluated with Request.Template.
type Assert struct {
	That       any            `arg:"that" doc:"A condition or a list of conditions (bare expressions, like when:)."`
	FailMsg    any            `arg:"fail_msg" doc:"The message when an assertion fails (string or list)."`
	Msg        any            `arg:"msg" doc:"An alias of fail_msg."`
	SuccessMsg any            `arg:"success_msg" doc:"The message when all assertions pass (string or list)."`
	Quiet      any            `arg:"quiet" doc:"Do not force the verbose result output."`
	Other      map[string]any `arg:"_other,remain"`
}

// Run evaluates the conditions in order and stops at the first false one.
func (a *Assert) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if r := invalidOptions("assert", a.Other); r != nil {
		return r, nil
	}
	if !has(req, "that") {
		// Ansible raises here (AnsibleError): the result has no "changed".
		return nil, errors.New(`conditional required in "that" string`)
	}
	failMsg := a.FailMsg
	if failMsg == nil {
		failMsg = a.Msg
	}
	if failMsg == nil {
		failMsg = "Assertion failed"
	}
	if err := checkMsgType(failMsg, "fail_msg or msg list", "fail_msg or msg"); err != "" {
		return &modules.Result{Failed: true, Msg: err}, nil
	}
	successMsg := a.SuccessMsg
	if successMsg == nil {
		successMsg = "All assertions passed"
	}
	if err := checkMsgType(successMsg, "success_msg list", "success_msg"); err != "" {
		return &modules.Result{Failed: true, Msg: err}, nil
	}
	quiet, _ := modules.ToBool(a.Quiet)

	var thats []any
	switch t := a.That.(type) {
	case []any:
		thats = t
	case []string:
		thats = listOf(t)
	default:
		thats = []any{t}
	}
	data := map[string]any{}
	if !quiet {
		data["_ansible_verbose_always"] = true
	}
	for _, that := range thats {
		ok, val, err := evalConditional(req, that)
		if err != nil {
			// the action raises AnsibleError: a result without "changed"
			return nil, err
		}
		if !ok {
			data["evaluated_to"] = val
			data["assertion"] = that
			data["msg"] = failMsg
			return &modules.Result{Failed: true, Data: data}, nil
		}
	}
	data["msg"] = successMsg
	return &modules.Result{Data: data}, nil
}

func checkMsgType(v any, listWhat, what string) string {
	switch x := v.(type) {
	case string:
	case []any:
		for _, e := range x {
			if _, ok := e.(string); !ok {
				return "Type of one of the elements in " + listWhat + " is not string type"
			}
		}
	case []string:
	default:
		return fmt.Sprintf("Incorrect type for %s, expected a string or list and got %s", what, pyType(v))
	}
	return ""
}

var (
	definedRe    = lazyRegexp(`(hostvars\[.+\]|[\w_]+)\s+(not\s+is|is|is\s+not)\s+(defined|undefined)`)
	undefinedVar = lazyRegexp(`'(hostvars\[.+\]|[\w_]+)' is undefined`)
	templateMark = lazyRegexp(`^\s*\{\{(.*)\}\}\s*$`)
)

// evalConditional is Conditional.evaluate_conditional for one condition:
// it returns whether the condition holds and the value it evaluated to.
func evalConditional(req *modules.Request, cond any) (bool, any, error) {
	wrap := func(err error) error {
		return fmt.Errorf("The conditional check '%s' failed. The error was: %s", modules.ToString(cond), err)
	}
	switch c := cond.(type) {
	case nil:
		return true, true, nil
	case bool:
		return c, c, nil
	case string:
		if c == "" {
			return true, true, nil
		}
		expr := c
		if strings.Contains(c, "{{") || strings.Contains(c, "{%") {
			if req.Warn != nil {
				req.Warn("conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: " + c)
			}
			if m := templateMark().FindStringSubmatch(c); m != nil {
				expr = m[1]
			}
		}
		if req.Template == nil {
			return false, false, wrap(fmt.Errorf("no templater"))
		}
		v, err := req.Template(expr)
		if err != nil {
			if !isUndefined(err) {
				return false, false, wrap(err)
			}
			// An undefined variable tested with "is defined"/"is undefined"
			// decides the condition.
			if m := undefinedVar().FindStringSubmatch(err.Error()); m != nil {
				name := strings.ReplaceAll(m[1], "'", `"`)
				rest := c
				for {
					loc := definedRe().FindStringSubmatchIndex(rest)
					if loc == nil {
						break
					}
					du := rest[loc[2]:loc[3]]
					logic := rest[loc[4]:loc[5]]
					state := rest[loc[6]:loc[7]]
					rest = rest[loc[1]:]
					if strings.ReplaceAll(du, "'", `"`) == name {
						shouldExist := strings.Contains(logic, "not") != (state == "defined")
						return !shouldExist, !shouldExist, nil
					}
				}
			}
			// AnsibleUndefinedVariable(e, orig_exc=e) prints its message
			// twice
			return false, false, wrap(fmt.Errorf("error while evaluating conditional (%s): %s. %s", c, err, err))
		}
		b := truthy(v)
		return b, b, nil
	default:
		return truthy(c), c, nil
	}
}

var _ modules.Module = (*Assert)(nil)
