package config

import (
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/goplay/goplay/engine/pyfmt"
)

func sprintf(f string, a ...any) string { return fmt.Sprintf(f, a...) }

// Error is a configuration error. ansible-playbook reports it before doing
// anything else as "ERROR: <Msg>" on stderr and exits with ExitCode (5).
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// ExitCode is the exit status ansible-playbook uses for configuration errors.
func (e *Error) ExitCode() int { return 5 }

// Report is what ansible-playbook prints on stderr for the error.
func (e *Error) Report() string { return "ERROR: " + e.Msg + "\n" }

// Load finds and parses the configuration file (see FindConfigFile) and
// resolves every setting of Definitions with ansible's precedence
// ANSIBLE_* environment variable > ini entry > default. cwd is the process
// working directory (relative ANSIBLE_CONFIG and non-ini relative paths
// resolve against it); env is the environment (nil means the process
// environment).
//
// The warnings are message texts for the display ("[WARNING]: " not
// included). The error, if any, is a *Error.
func Load(cwd string, env func(string) (string, bool)) (*Config, []string, error) {
	if env == nil {
		env = os.LookupEnv
	}
	path, warnings := FindConfigFile(cwd, env)
	c, err := LoadFile(path, cwd, env)
	return c, warnings, err
}

// LoadFile is Load with an explicit configuration file ("" for none).
func LoadFile(path, cwd string, env func(string) (string, bool)) (*Config, error) {
	if env == nil {
		env = os.LookupEnv
	}
	c := &Config{file: path, values: map[string]any{}, origins: map[string]string{}, errs: map[string]error{}}
	if path != "" {
		switch ext := splitExt(path); ext {
		case ".ini", ".cfg":
		case ".yaml", ".yml":
			return nil, &Error{"Unsupported configuration file type: yaml"}
		default:
			return nil, &Error{sprintf("Unsupported configuration file extension for %s: %s", path, ext)}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, &Error{sprintf("Error reading config file (%s): %v", path, err)}
		}
		f, err := ParseINI(string(data))
		if err != nil {
			return nil, &Error{sprintf("Error reading config file (%s): %s", path, err)}
		}
		c.ini = f
	}
	for i := range Definitions {
		d := &Definitions[i]
		v, origin, err := c.resolve(d, cwd, env)
		if err != nil {
			if d.Plugin == "" {
				return nil, &Error{err.Error()}
			}
			c.errs[d.Name] = err
			v, origin = c.defaultValue(d, cwd, env), "default"
		}
		c.values[d.Name] = v
		c.origins[d.Name] = origin
		assign(d.field(c), v)
	}
	return c, nil
}

// File returns the configuration file in use, or "" when there is none.
// ansible-playbook -v prints "Using <File()> as config file" or, when it is
// "", "No config file found; using defaults".
func (c *Config) File() string { return c.file }

// INI returns the parsed configuration file (nil when there is none), for
// settings goplay does not model (plugin options, for instance).
func (c *Config) INI() *INI { return c.ini }

// Value returns a setting's Python-typed value: nil (None), bool, int,
// float64, string or []string; ok is false for an unknown name.
func (c *Config) Value(name string) (v any, ok bool) {
	v, ok = c.values[name]
	return
}

// Origin returns where a setting's value came from, in ansible's words:
// "default", "env: ANSIBLE_X", or the configuration file's path.
func (c *Config) Origin(name string) string { return c.origins[name] }

// SettingError returns the deferred error of a plugin option whose value
// was invalid (ansible reports it only when the plugin loads); the option
// then holds its default.
func (c *Config) SettingError(name string) error { return c.errs[name] }

// Default returns a copy of the configuration with every setting at its
// default (as if no file and no ANSIBLE_* variables existed).
func Default(cwd string, env func(string) (string, bool)) *Config {
	if env == nil {
		env = os.LookupEnv
	}
	noAnsible := func(k string) (string, bool) {
		if k == "HOME" {
			return env(k)
		}
		return "", false
	}
	c, _ := LoadFile("", cwd, noAnsible)
	return c
}

func (c *Config) defaultValue(d *Definition, cwd string, env Getenv) any {
	var v any = d.Default
	if d.DefaultFunc != nil {
		v = d.DefaultFunc(c)
	}
	t, _ := ensureType(v, d.Type, "", cwd, env)
	return t
}

func (c *Config) resolve(d *Definition, cwd string, env Getenv) (any, string, error) {
	var value any
	origin := ""
	for _, name := range d.Env {
		if v, ok := env(name); ok {
			value, origin = v, "env: "+name
		}
	}
	if value == nil && c.ini != nil {
		for _, k := range d.Ini {
			if v, ok := c.ini.Get(k.Section, k.Key); ok {
				value, origin = v, c.file
			}
		}
	}
	if value == nil {
		origin = "default"
		value = d.Default
		if d.DefaultFunc != nil {
			value = d.DefaultFunc(c)
		}
	}
	basedir := ""
	if origin == c.file && c.file != "" && strings.HasPrefix(c.file, "/") {
		if _, err := os.Stat(c.file); err == nil {
			basedir = c.file
		}
	}
	typed, err := ensureType(value, d.Type, basedir, cwd, env)
	if err != nil {
		if strings.HasPrefix(origin, "env:") && value == "" {
			origin = "default"
			typed = c.defaultValue(d, cwd, env)
		} else {
			return nil, "", fmt.Errorf("Invalid type for configuration option setting: %s (from %s): %s", d.Name, origin, err)
		}
	}
	if typed != nil && d.Choices != nil {
		valid := true
		if l, ok := typed.([]string); ok {
			for _, x := range l {
				valid = valid && contains(d.Choices, x)
			}
		} else {
			valid = contains(d.Choices, pyfmt.Str(typed))
		}
		if !valid {
			return nil, "", fmt.Errorf("Invalid value \"%s\" for configuration option \"setting: %s \", valid values are: %s", pyfmt.Str(typed), d.Name, strings.Join(d.Choices, ", "))
		}
	}
	return typed, origin, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// resolvePath is ansible's resolve_path: {{CWD}} is replaced by cwd, then
// unfrackpath(follow=False) relative to basedir.
func resolvePath(p, basedir, cwd string, env Getenv) string {
	p = strings.ReplaceAll(p, "{{CWD}}", cwd)
	return UnfrackPath(p, false, basedir, cwd, env)
}

// ensureType converts a raw value (string from env/ini, or a typed default)
// like ansible's ensure_type. Errors carry Python's ValueError text.
func ensureType(v any, t Type, basedir, cwd string, env Getenv) (any, error) {
	if v == nil {
		return nil, nil
	}
	s, isStr := v.(string)
	switch t {
	case Bool:
		if isStr {
			return Boolean(s), nil
		}
		return v, nil
	case Int:
		if isStr {
			return PyInt(s)
		}
		return v, nil
	case Float:
		if isStr {
			return PyFloat(s)
		}
		return v, nil
	case List:
		if isStr {
			parts := strings.Split(s, ",")
			for i, x := range parts {
				parts[i] = Unquote(PyStrip(x))
			}
			return parts, nil
		}
		return append([]string{}, v.([]string)...), nil
	case PathList, PathSpec:
		var parts []string
		if isStr {
			if t == PathList {
				parts = strings.Split(s, ",")
				for i, x := range parts {
					parts[i] = PyStrip(x)
				}
			} else {
				parts = strings.Split(s, ":")
			}
		} else {
			parts = append([]string{}, v.([]string)...)
		}
		for i, x := range parts {
			parts[i] = resolvePath(x, basedir, cwd, env)
		}
		return parts, nil
	case Path:
		return resolvePath(s, basedir, cwd, env), nil
	default:
		if isStr {
			return Unquote(s), nil
		}
		return v, nil
	}
}

// assign stores a Python-typed value into a typed field.
func assign(field any, v any) {
	switch p := field.(type) {
	case *string:
		*p, _ = v.(string)
	case *int:
		*p, _ = v.(int)
	case *bool:
		*p, _ = v.(bool)
	case *float64:
		*p, _ = v.(float64)
	case *[]string:
		*p, _ = v.([]string)
	case **bool:
		if b, ok := v.(bool); ok {
			*p = &b
		} else {
			*p = nil
		}
	default:
		panic("config: unsupported field type " + reflect.TypeOf(field).String())
	}
}
