// Package kv is a faithful port of ansible-core 2.14's k=v argument
// parsing: split_args, parse_kv, join_args and _decode_escapes
// (ansible/parsing/splitter.py) and unquote (ansible/parsing/quoting.py).
//
// SplitArgs tokenises a module argument string on spaces and newlines while
// keeping quoted runs and Jinja2 blocks ({{ }}, {% %}, {# #}) together.
// ParseKV turns the tokens into key/value pairs plus the leftover free-form
// text (Ansible's _raw_params). All values are strings, exactly as in
// Ansible: type conversion is the module's business.
//
// Python strings are sequences of code points while Go strings are UTF-8
// bytes; every rule used here is defined on ASCII characters (space, \n,
// quotes, backslash, '=', braces), so working on bytes gives the same
// results. The exceptions are handled explicitly: strip() uses Python's
// str.isspace set, and escape decoding produces UTF-8.
//
// Known differences from Python: a \uXXXX (or \UXXXXXXXX) escape naming a
// surrogate cannot be represented in a Go string; a high surrogate escape
// immediately followed by a low surrogate escape is combined into the
// character they encode (what Python produces once the value is JSON
// encoded for the module), and any other surrogate decodes to U+FFFD.
// \N{name} lookups use the names of the Python that generated
// names_table.go (Unicode 14.0.0) through golang.org/x/text/unicode/runenames
// plus the formal name aliases Python accepts; named sequences are not
// supported (Python does not accept them in \N{} either).
package kv
