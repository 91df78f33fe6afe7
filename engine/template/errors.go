package template

import (
	"errors"
	"fmt"
	"runtime/debug"
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
