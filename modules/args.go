package modules

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// ArgError is a bad module argument. Its message is Ansible's.
type ArgError struct{ Msg string }

func (e *ArgError) Error() string { return e.Msg }

// Param describes one argument of a module, read from its struct tags.
type Param struct {
	Name     string
	Aliases  []string
	Type     string // str, int, float, bool, list, dict, raw
	Required bool
	Default  string
	Choices  []string
	Doc      string
	field    int
	remain   bool
}

// Params lists a module's arguments from its struct tags, in field order.
func Params(m any) []Param {
	t := reflect.TypeOf(m)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []Param
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("arg")
		if !ok {
			continue
		}
		parts := strings.Split(tag, ",")
		p := Param{Name: parts[0], Doc: f.Tag.Get("doc"), Default: f.Tag.Get("default"), field: i, Type: typeName(f.Type)}
		for _, o := range parts[1:] {
			switch o {
			case "required":
				p.Required = true
			case "remain":
				p.remain = true
			}
		}
		if a := f.Tag.Get("aliases"); a != "" {
			p.Aliases = strings.Split(a, ",")
		}
		if c := f.Tag.Get("choices"); c != "" {
			p.Choices = strings.Split(c, ",")
		}
		out = append(out, p)
	}
	return out
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "str"
	case reflect.Int, reflect.Int64:
		return "int"
	case reflect.Float64:
		return "float"
	case reflect.Bool:
		return "bool"
	case reflect.Slice:
		return "list"
	case reflect.Map:
		return "dict"
	case reflect.Pointer:
		return typeName(t.Elem())
	}
	return "raw"
}

// Decode stores args into the tagged fields of m (a pointer to a struct),
// converting values as Ansible's argument_spec does. Arguments starting with
// "_ansible_" are ignored. Fields not given receive their default tag.
func Decode(module string, m any, args map[string]any) error {
	rv := reflect.ValueOf(m)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return nil // modules without a struct take no decoded arguments
	}
	sv := rv.Elem()
	params := Params(m)
	byName := map[string]*Param{}
	var remain *Param
	for i := range params {
		p := &params[i]
		if p.remain {
			remain = p
			continue
		}
		byName[p.Name] = p
		for _, a := range p.Aliases {
			byName[a] = p
		}
	}
	seen := map[string]bool{}
	var unknown []string
	extra := map[string]any{}
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := args[k]
		if strings.HasPrefix(k, "_ansible_") {
			continue
		}
		p, ok := byName[k]
		if !ok {
			if remain != nil {
				extra[k] = v
				continue
			}
			unknown = append(unknown, k)
			continue
		}
		if v == nil && p.Default != "" {
			continue
		}
		if err := setField(sv.Field(p.field), p, v); err != nil {
			return err
		}
		seen[p.Name] = true
	}
	if len(unknown) > 0 {
		var names []string
		for _, p := range params {
			if p.remain {
				continue
			}
			names = append(names, p.Name)
			names = append(names, p.Aliases...)
		}
		sort.Strings(names)
		return &ArgError{Msg: fmt.Sprintf("Unsupported parameters for (%s) module: %s. Supported parameters include: %s.",
			module, strings.Join(unknown, ", "), strings.Join(names, ", "))}
	}
	if remain != nil {
		sv.Field(remain.field).Set(reflect.ValueOf(extra))
	}
	var missing []string
	for i := range params {
		p := &params[i]
		if p.remain || seen[p.Name] {
			continue
		}
		if p.Required {
			missing = append(missing, p.Name)
			continue
		}
		if p.Default != "" {
			if err := setField(sv.Field(p.field), p, p.Default); err != nil {
				return err
			}
		}
	}
	if len(missing) > 0 {
		return &ArgError{Msg: "missing required arguments: " + strings.Join(missing, ", ")}
	}
	return nil
}

func pyType(v any) string {
	switch v.(type) {
	case string:
		return "<class 'str'>"
	case int, int64:
		return "<class 'int'>"
	case float64:
		return "<class 'float'>"
	case bool:
		return "<class 'bool'>"
	case []any:
		return "<class 'list'>"
	case map[string]any:
		return "<class 'dict'>"
	case nil:
		return "<class 'NoneType'>"
	}
	return fmt.Sprintf("<class '%T'>", v)
}

func setField(f reflect.Value, p *Param, v any) error {
	conv := func(to string, why string) error {
		return &ArgError{Msg: fmt.Sprintf("argument '%s' is of type %s and we were unable to convert to %s: %s", p.Name, pyType(v), to, why)}
	}
	if f.Kind() == reflect.Pointer {
		if v == nil {
			return nil
		}
		nv := reflect.New(f.Type().Elem())
		if err := setField(nv.Elem(), p, v); err != nil {
			return err
		}
		f.Set(nv)
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		s := ToString(v)
		if len(p.Choices) > 0 && !contains(p.Choices, s) {
			return &ArgError{Msg: fmt.Sprintf("value of %s must be one of: %s, got: %s", p.Name, strings.Join(p.Choices, ", "), s)}
		}
		f.SetString(s)
	case reflect.Int, reflect.Int64:
		n, ok := ToInt(v)
		if !ok {
			return conv("int", fmt.Sprintf("%s cannot be converted to an int", pyType(v)))
		}
		f.SetInt(int64(n))
	case reflect.Float64:
		x, ok := ToFloat(v)
		if !ok {
			return conv("float", fmt.Sprintf("%s cannot be converted to a float", pyType(v)))
		}
		f.SetFloat(x)
	case reflect.Bool:
		b, err := ToBool(v)
		if err != nil {
			return conv("bool", err.Error())
		}
		f.SetBool(b)
	case reflect.Slice:
		list := ToList(v)
		if f.Type().Elem().Kind() == reflect.String {
			ss := make([]string, len(list))
			for i, x := range list {
				ss[i] = ToString(x)
			}
			f.Set(reflect.ValueOf(ss))
		} else {
			f.Set(reflect.ValueOf(list))
		}
	case reflect.Map:
		m, ok := ToDict(v)
		if !ok {
			return conv("dict", fmt.Sprintf("dictionary requested, could not parse JSON or key=value"))
		}
		f.Set(reflect.ValueOf(m))
	case reflect.Interface:
		if v != nil {
			f.Set(reflect.ValueOf(v))
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ToString converts a scalar the way Python's str() does for module
// arguments (True, False, None print as Python prints them).
func ToString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e16 {
			return strconv.FormatFloat(x, 'f', 1, 64)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// ToInt converts like Ansible's check_type_int.
func ToInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case float64:
		if x == math.Trunc(x) {
			return int(x), true
		}
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err == nil {
			return n, true
		}
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// ToFloat converts like Ansible's check_type_float.
func ToFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// ToBool converts like Ansible's boolean(): yes/no/true/false/on/off/1/0/y/n/t/f.
func ToBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case int:
		if x == 0 || x == 1 {
			return x == 1, nil
		}
	case float64:
		if x == 0 || x == 1 {
			return x == 1, nil
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "yes", "on", "1", "true", "t", "y", "1.0":
			return true, nil
		case "no", "off", "0", "false", "f", "n", "0.0", "":
			return false, nil
		}
	case nil:
		return false, nil
	}
	return false, fmt.Errorf("The value %s is not a valid boolean.  Valid booleans include: 0, 'true', 1, '0', 'on', 'false', 'no', 't', 'off', 'yes', 'y', 'f', '1', 'n'", reprScalar(v))
}

func reprScalar(v any) string {
	if s, ok := v.(string); ok {
		return "'" + s + "'"
	}
	return ToString(v)
}

// ToList converts like Ansible's check_type_list: a list stays, a string is
// split on commas, a scalar becomes a one-element list.
func ToList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case string:
		if x == "" {
			return []any{}
		}
		parts := strings.Split(x, ",")
		out := make([]any, len(parts))
		for i, s := range parts {
			out[i] = s
		}
		return out
	}
	return []any{v}
}

// ToDict converts like Ansible's check_type_dict: a dict stays, a string is
// read as JSON or as k=v pairs.
func ToDict(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case map[string]any:
		return x, true
	case string:
		s := strings.TrimSpace(x)
		if strings.HasPrefix(s, "{") {
			var m map[string]any
			if json.Unmarshal([]byte(s), &m) == nil {
				return m, true
			}
			return nil, false
		}
		m := map[string]any{}
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
			k, val, ok := strings.Cut(f, "=")
			if !ok {
				return nil, false
			}
			m[strings.TrimSpace(k)] = strings.TrimSpace(val)
		}
		return m, true
	}
	return nil, false
}

// Invocation returns the module_args of Ansible's "invocation" result key
// for a decoded module: every declared argument, with the value it
// received or its default, None (nil) when it has neither.
func Invocation(m Module, args map[string]any) map[string]any {
	rv := reflect.ValueOf(m)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return map[string]any{}
	}
	sv := rv.Elem()
	out := map[string]any{}
	for _, p := range Params(m) {
		if p.remain {
			continue
		}
		given := false
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			if _, ok := args[n]; ok {
				given = true
			}
		}
		if !given && p.Default == "" {
			out[p.Name] = nil
			continue
		}
		out[p.Name] = plainValue(sv.Field(p.field))
	}
	if a, ok := m.(InvocationAdjuster); ok {
		a.AdjustInvocation(out)
	}
	return out
}

// InvocationAdjuster is implemented by modules whose Ansible invocation
// differs from their declared arguments (shell passes _uses_shell=True to
// the command module).
type InvocationAdjuster interface {
	AdjustInvocation(moduleArgs map[string]any)
}

func plainValue(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return plainValue(v.Elem())
	case reflect.String:
		return v.String()
	case reflect.Int, reflect.Int64, reflect.Int32:
		return int(v.Int())
	case reflect.Float64, reflect.Float32:
		return v.Float()
	case reflect.Bool:
		return v.Bool()
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = plainValue(v.Index(i))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := map[string]any{}
		for _, k := range v.MapKeys() {
			out[fmt.Sprint(k.Interface())] = plainValue(v.MapIndex(k))
		}
		return out
	}
	if v.CanInterface() {
		return v.Interface()
	}
	return nil
}
