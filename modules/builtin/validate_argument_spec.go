package builtin

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "validate_argument_spec",
		Aliases:   []string{"ansible.builtin.validate_argument_spec"},
		New:       func() modules.Module { return new(ValidateArgumentSpec) },
		CheckMode: true,
		Local:     true,
		Short:     "Validate role argument specs",
	})
}

// ValidateArgumentSpec checks variables against an argument spec, as the
// validate_argument_spec action does for a role's meta/argument_specs:
// each option's value comes from provided_arguments, else from the
// variables the task sees; required options must be there, values must
// convert to the option's type and be one of its choices.
type ValidateArgumentSpec struct {
	ArgumentSpec      map[string]any `arg:"argument_spec" required:"true" doc:"The options of the spec."`
	ProvidedArguments map[string]any `arg:"provided_arguments" doc:"Arguments to check besides the task's variables."`
	Context           map[string]any `arg:"validate_args_context" doc:"What the spec belongs to (reported back)."`
}

// Run validates.
func (v *ValidateArgumentSpec) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	data := map[string]any{"validate_args_context": v.Context}
	if v.Context == nil {
		data["validate_args_context"] = map[string]any{}
	}
	names := pyfmt.KeyOrder(v.ArgumentSpec)
	if len(names) != len(v.ArgumentSpec) {
		names = names[:0]
		for k := range v.ArgumentSpec {
			names = append(names, k)
		}
		sort.Strings(names)
	}
	var missing, errs []string
	for _, name := range names {
		opt, _ := v.ArgumentSpec[name].(map[string]any)
		val, present := v.ProvidedArguments[name]
		cls := ""
		if !present {
			if _, defined := req.Vars[name]; defined && req.Template != nil {
				x, err := req.Template(name)
				if err != nil {
					return nil, err
				}
				val, present = x, true
				if c, err := req.Template(name + " | type_debug"); err == nil {
					cls = modules.ToString(c)
				}
			}
		}
		if !present {
			if req, _ := modules.ToBool(opt["required"]); req {
				missing = append(missing, name)
				continue
			}
			d, has := opt["default"]
			if !has || d == nil {
				continue
			}
			val = d
		}
		if msg := checkArgType(name, val, modules.ToString(opt["type"]), cls); msg != "" {
			errs = append(errs, msg)
			continue
		}
		if choices, ok := opt["choices"].([]any); ok && len(choices) > 0 {
			found := false
			for _, c := range choices {
				if modules.ToString(c) == modules.ToString(val) {
					found = true
					break
				}
			}
			if !found {
				cs := make([]string, len(choices))
				for i, c := range choices {
					cs[i] = modules.ToString(c)
				}
				errs = append(errs, fmt.Sprintf("value of %s must be one of: %s, got: %s", name, strings.Join(cs, ", "), modules.ToString(val)))
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		errs = append([]string{"missing required arguments: " + strings.Join(missing, ", ")}, errs...)
	}
	if len(errs) > 0 {
		list := make([]any, len(errs))
		for i, e := range errs {
			list[i] = e
		}
		data["argument_errors"] = list
		data["argument_spec_data"] = v.ArgumentSpec
		return &modules.Result{Failed: true, Msg: "Validation of arguments failed:\n" + strings.Join(errs, "\n"), Data: data}, nil
	}
	return &modules.Result{Msg: "The arg spec validation passed", Data: data}, nil
}

// checkArgType is AnsibleModule's type check of one value (check_type_*),
// "" when it converts. cls is the value's Ansible class when known (its
// type_debug).
func checkArgType(name string, v any, typ, cls string) string {
	pyCls := argClass(v, cls)
	fail := func(to, why string) string {
		return fmt.Sprintf("argument '%s' is of type %s and we were unable to convert to %s: %s", name, pyCls, to, why)
	}
	switch typ {
	case "", "str", "path", "raw", "jsonarg", "json", "bytes", "bits":
		return ""
	case "int":
		switch x := v.(type) {
		case int, bool:
			return ""
		case float64:
			if x == math.Trunc(x) {
				return ""
			}
		case string:
			if _, ok := modules.ToInt(strings.TrimSpace(x)); ok && !strings.ContainsAny(x, ".eE") {
				return ""
			}
		}
		return fail("int", pyCls+" cannot be converted to an int")
	case "float":
		switch v.(type) {
		case int, float64:
			return ""
		case string:
			if _, ok := modules.ToFloat(v); ok {
				return ""
			}
		}
		return fail("float", pyCls+" cannot be converted to a float")
	case "bool":
		if _, err := modules.ToBool(v); err != nil {
			return fail("bool", err.Error())
		}
	case "list":
		switch v.(type) {
		case []any, string, int, float64:
			return ""
		}
		return fail("list", pyCls+" cannot be converted to a list")
	case "dict":
		if _, ok := modules.ToDict(v); !ok {
			return fail("dict", "dictionary requested, could not parse JSON or key=value")
		}
	}
	return ""
}

// argClass is the Python class a value shows in messages.
func argClass(v any, cls string) string {
	switch cls {
	case "AnsibleUnicode":
		return "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>"
	case "AnsibleUnsafeText":
		return "<class 'ansible.utils.unsafe_proxy.AnsibleUnsafeText'>"
	case "AnsibleMapping":
		return "<class 'ansible.parsing.yaml.objects.AnsibleMapping'>"
	case "AnsibleSequence":
		return "<class 'ansible.parsing.yaml.objects.AnsibleSequence'>"
	case "":
		return pyType(v)
	}
	return "<class '" + cls + "'>"
}
