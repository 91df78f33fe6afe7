// Package template renders Ansible-flavoured Jinja2 templates.
//
// It is a self-contained Jinja2 engine (lexer, parser and evaluator) that
// follows the semantics of Jinja2 3.1 as configured by ansible-core 2.14 with
// jinja2_native off: Python value semantics (true division, floor division,
// int/float mixing, truthiness, str()/repr() printing), Ansible's
// AnsibleUndefined (attribute access on an undefined value yields the same
// undefined value, operations on it fail with Jinja2's message), Ansible's
// finalize (None renders as the empty string), trim_blocks, backslash
// handling inside {{ }}, and the literal_eval of rendered text that looks like
// a list, dict or bool.
//
// Values follow goplay's conventions: map[string]any, []any, int, float64,
// bool, string and nil. Inputs of other Go types (int64, []string, ...) are
// accepted and normalised when they are read.
//
// The Ansible filters, tests and lookups that playbooks commonly use are
// built in (see filters.go, tests.go, lookups.go), as are the Python string,
// dict and list methods (methods.go) and %-formatting (pyformat.go).
//
// No input makes the package panic: every entry point recovers and reports a
// *TemplateError, and undefined variables are reported as *UndefinedError.
package template
