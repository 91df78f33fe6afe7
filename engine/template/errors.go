package template

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/goplay/goplay/engine/vault"
)

// UndefinedError reports the use of an undefined variable, attribute or item.
// Msg is Jinja2's message, e.g. "'nosuch' is undefined" or
// "'dict object' has no attribute 'x'".
type UndefinedError struct {
	Msg string
}

func (e *UndefinedError) Error() string { return e.Msg }

// TemplateError reports any other failure while parsing or rendering a
// template. Msg follows Jinja2/Ansible wording where there is one, e.g.
// "template error while templating string: unexpected '}'. String: {{ a }".
type TemplateError struct {
	Msg string
	// typeError marks Python TypeErrors (Ansible prefixes these).
	typeError bool
	// syntax marks parse errors.
	syntax bool
	// PyClass names the Python exception Ansible's templating lets through
	// ("ZeroDivisionError", "ValueError"); "" for an AnsibleError.
	PyClass string
}

// pyErr aborts evaluation with a Python exception of class.
func pyErr(class, format string, a ...any) {
	panic(&TemplateError{Msg: fmt.Sprintf(format, a...), PyClass: class})
}

func (e *TemplateError) Error() string { return e.Msg }

// ConditionalError is returned by Templar.Conditional. Its message is
// Ansible's "The conditional check '<cond>' failed. The error was: <Err>".
// Unwrap gives the underlying *UndefinedError or *TemplateError.
type ConditionalError struct {
	Cond string
	Err  error
}

func (e *ConditionalError) Error() string {
	return fmt.Sprintf("The conditional check '%s' failed. The error was: %s", e.Cond, e.Err.Error())
}

func (e *ConditionalError) Unwrap() error { return e.Err }

// recoverErr converts a recovered panic value into an error.
func recoverErr(r any) error {
	switch x := r.(type) {
	case *UndefinedError:
		return x
	case *TemplateError:
		return x
	case *vault.Error:
		return x
	case error:
		var ue *UndefinedError
		if errors.As(x, &ue) {
			return x
		}
		return &TemplateError{Msg: "template error: " + x.Error() + internalTrace()}
	}
	return &TemplateError{Msg: fmt.Sprintf("template error: %v", r) + internalTrace()}
}

// DebugPanics adds a Go stack trace to errors caused by internal panics.
var DebugPanics = false

func internalTrace() string {
	if DebugPanics {
		return "\n" + string(debug.Stack())
	}
	return ""
}

// Ansible's recursion limit for a variable whose value refers to itself,
// in nested variable templatings: Python's recursion limit is reached
// after this many levels (AnsibleJ2Vars wraps the error at each level).
const (
	recursionLevels          = 137 // string values
	recursionLevelsContainer = 119 // dicts and lists
)

// templateVar templates a variable's value v (a string, or lists and dicts
// of them) as AnsibleJ2Vars.__getitem__ does: errors other than undefined
// variables are reported as "An unhandled exception occurred while
// templating '<v>'" around the original message.
func (e *evaluator) templateVar(name string, v any, track bool) (res any, cls string) {
	limit, where := recursionLevels, ""
	if _, ok := v.(string); !ok {
		limit, where = recursionLevelsContainer, " while calling a Python object"
	}
	if e.depth+1 >= limit {
		panic(varError(v, &TemplateError{Msg: "recursive loop detected in template string: " + firstTemplate(v, 0) + ". " + recursionMsg + where}))
	}
	defer func() {
		if r := recover(); r != nil {
			err := recoverErr(r)
			var ue *UndefinedError
			if errors.As(err, &ue) {
				panic(err)
			}
			panic(varError(v, err))
		}
	}()
	if s, ok := v.(string); ok {
		return e.lazyString(s, track)
	}
	return e.lazy(name, v), ""
}

// firstTemplate is the first string holding template text in v.
func firstTemplate(v any, depth int) string {
	if depth > 20 {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case []any:
		for _, it := range x {
			if hasTemplate(it, 0) {
				return firstTemplate(it, depth+1)
			}
		}
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if hasTemplate(x[k], 0) {
				return firstTemplate(x[k], depth+1)
			}
		}
	}
	return pyStr(v)
}

// recursionMsg is Python's RecursionError message.
const recursionMsg = "maximum recursion depth exceeded"

const (
	unhandledPrefix = "An unhandled exception occurred while templating '"
	typeErrPrefix   = "Unexpected templating type error occurred on ("
	syntaxPrefix    = "template error while templating string: "
)

// varError is AnsibleJ2Vars' error for a failure while templating the
// variable value v: the message names the value, the Python class of the
// error and its message (an AnsibleError's includes its original
// exception's).
func varError(v any, err error) error {
	class := "ansible.errors.AnsibleError"
	msg := err.Error()
	var te *TemplateError
	if errors.As(err, &te) {
		switch {
		case te.syntax && strings.HasPrefix(msg, syntaxPrefix):
			inner := msg[len(syntaxPrefix):]
			if j := strings.LastIndex(inner, ". String: "); j >= 0 {
				msg += ". " + inner[:j]
			}
		case te.typeError && strings.HasPrefix(msg, typeErrPrefix):
			if s, ok := v.(string); ok && strings.HasPrefix(msg[len(typeErrPrefix):], s+"): ") {
				msg += ". " + msg[len(typeErrPrefix)+len(s)+3:]
			}
		case strings.HasPrefix(msg, unhandledPrefix), strings.HasPrefix(msg, "recursive loop detected"):
		case strings.Contains(msg, "by zero"):
			class = "ZeroDivisionError"
		}
	}
	return &TemplateError{Msg: unhandledPrefix + pyStr(v) + "'. Error was a <class '" + class + "'>, original message: " + msg}
}
