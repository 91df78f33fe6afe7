// Package template renders Ansible-flavoured Jinja2 templates.
//
// Templates are lexed and parsed by github.com/nikolalohinski/gonja/v2
// (gonja.go) and executed with the semantics of Jinja2 3.1 as configured by
// ansible-core 2.14 with jinja2_native off: Python value semantics (true
// division, floor division, int/float mixing, truthiness, str()/repr()
// printing), Ansible's AnsibleUndefined (attribute access on an undefined
// value yields the same undefined value, operations on it fail with
// Jinja2's message), Ansible's finalize (None renders as the empty string),
// trim_blocks, backslash handling inside {{ }}, and the literal_eval of
// rendered text that looks like a list, dict or bool.
//
// Ansible's filters and tests are registered in a gonja environment
// (exec.FilterSet, exec.TestSet; registry.go) and called through it; the
// Python str, dict and list methods are gonja method sets (exec.Methods);
// variables and the scopes of for, with, set and macros are gonja Contexts;
// the global functions (range, lookup, query, dict, namespace, undef, now)
// are names of a gonja Context consulted after the variables.
//
// Values follow goplay's conventions: map[string]any, []any, int, float64,
// bool, string and nil. Inputs of other Go types (int64, []string, ...) are
// accepted and normalised when they are read.
//
// No input makes the package panic: every entry point recovers and reports a
// *TemplateError, and undefined variables are reported as *UndefinedError.
// Parsed templates are cached per source string.
//
// # Gaps of gonja v2.9.1 that this package closes
//
// Measured against ansible-core 2.14 (testdata/golden.json, produced by
// testdata/ref.py from testdata/cases.txt; see also
// shared/docs/gonja.md). Each is covered by golden cases.
//
//   - gonja's evaluator (exec.Evaluator) is not Python: '%s' % x panics
//     (integer divide by zero), -7 // 2 is -3, d.items() gives lists, 1/0
//     and 'a' + 1 give values instead of errors, comparisons coerce types,
//     undefined names are nil (TestGonjaGaps logs what gonja alone gives;
//     None printing, str.format and truncate, listed in
//     shared/docs/gonja.md, agree with Ansible in v2.9.1). Closing this by
//     registration is impossible, so the package intercepts at the node
//     level: exec.go evaluates every gonja node (nodes.BinaryExpression,
//     nodes.GetAttribute, nodes.Call, ...) with the helpers of values.go,
//     ops.go and pyformat.go, and calls filters and tests through gonja's
//     sets. Renders recover any panic,
//     including one from gonja's lexer or parser, into a *TemplateError.
//   - gonja's statements (if, for, set, with, filter, raw, call) keep their
//     fields private or lack Jinja2 syntax (for a, b, c in ...; set a, b =
//     ...; set ns.attr = ...; block set with filters; else after else is
//     accepted). They are replaced by statements of ours registered in a
//     gonja ControlStructureSet and written with gonja's parser API
//     (gonja.go); gonja's own macro statement is used as is, with Jinja2's
//     varargs, kwargs and caller added at call time.
//   - gonja's syntax errors are not Jinja2's, which Ansible prints. They are
//     mapped to Jinja2's wording (mapSyntaxErr); unbalanced brackets,
//     unterminated strings, stray characters and empty {{ }} are reported
//     before gonja runs, with Jinja2's messages (prepareSource). A lexer
//     error that gonja's parser silently stops at is reported too.
//   - gonja decodes string literals as Go does (\d is an error) and does not
//     know Ansible's backslash escaping inside {{ }}. prepareSource decodes
//     literals with Python's rules (or keeps backslashes, inside {{ }}) and
//     re-emits them in a form gonja decodes to exactly that text.
//   - gonja's grammar lacks: an inline if anywhere but at the top of {{ }}
//     (f(a if c else b), [x if c], chains a if b else c if d else e);
//     keyword arguments of test calls (is version('1', 'lt', strict=True));
//     dotted filter and test names (ansible.builtin.to_json); not not x;
//     adjacent string literals ('a' 'b'); a bare tuple {{ a, b }}. The token
//     stream gonja's lexer produced is rewritten into constructs gonja
//     parses (rewrite.go) and the evaluator maps them back: an inline if
//     becomes the call __goplay_if__(test, then, else), evaluated lazily; a
//     test keyword argument k=v becomes (v)|__goplay_kwarg__('k').
//   - gonja parses a test's parenthesised arguments as one tuple
//     (is version('1', '<')); a parenthesised tuple argument of a test
//     (other than in) is spread into positional arguments.
//   - gonja nests a < b < c as (a < b) < c; a comparison whose left side
//     is a comparison is evaluated as Jinja2's chain.
//   - gonja's "nil" is None; in Jinja2 it is a variable name (looked up).
//   - gonja's lexer applies trim_blocks inside {% raw %} and ignores the -
//     of raw tags; prepareSource trims raw bodies itself and protects their
//     first newline.
//   - Ansible joins the text of macro and caller bodies, block sets and
//     filter blocks with ansible_eval_concat (text that looks like a list,
//     dict or bool becomes that value) when convert_data is on; gonja has
//     no such hook, so the evaluator does it (evaluator.concat).
//   - Deeply nested brackets, blocks, inline ifs or nots make gonja's
//     recursive parser use unbounded stack; they are refused beyond 200
//     levels with a syntax error.
//
// # Provenance of strings
//
// Ansible's strings are str subclasses recording where they came from
// (AnsibleUnicode, AnsibleUnsafeText, str), which type_debug prints and
// which decide whether a value is templated again. goplay keeps plain
// strings and derives the class on demand (provenance.go): the runner
// tells the class of each variable (an Origins under OriginKey), and the
// evaluator follows a value from its variable through attributes, items,
// filters and single-expression templates. Renders pay nothing for it
// unless type_debug is used or RenderValueClass is called. A variable's
// template errors are wrapped as AnsibleJ2Vars does ("An unhandled
// exception occurred while templating ..."), including the 137 nested
// levels of a variable that refers to itself.
//
// # Filters that reimplement Python libraries
//
// Some filters need the exact numbers of the Python code behind them:
// password_hash writes passlib's MD5-crypt, SHA-crypt and bcrypt strings
// (crypt.go, from the published algorithms, bcrypt on
// golang.org/x/crypto/blowfish, with passlib's default rounds, salt
// handling and messages); random and shuffle with a seed use Python's
// Mersenne Twister, seeding (SHA-512 of a str seed, hash() of a float) and
// getrandbits-based randbelow (pyrandom.go); root and pow round like
// glibc's pow (a 200-bit exp/log, filters_extra.go); to_datetime returns a
// datetime object whose subtraction gives a timedelta, with Python's str,
// repr and attributes (datetime.go, which also holds strptime and C-locale
// strftime). testdata/golden_extra.json holds ansible-core's own results
// for them (TestGoldenExtra).
//
// # Remaining differences from Ansible
//
//   - random, shuffle and the itertools filters are limited to 64-bit
//     integers (2**70 | random(seed=...) fails); password_hash knows the
//     md5, sha256, sha512 and blowfish (bcrypt) schemes only, not
//     passlib's others (des_crypt, sha1_crypt, pbkdf2_*, ...).
//     datetime objects (naive, or with the fixed offset of strptime's %z)
//     support subtraction, addition of timedeltas, comparison, str/repr,
//     JSON/YAML output and the common attributes and methods only; strptime
//     knows the usual directives, not %U, %W, %c, %x, %X or %G/%V.
//   - Classes are per variable, not per string: a set_fact dict mixing
//     literal and templated strings, or a vars file value overridden by a
//     host_vars one, may report another leaf's class. str % () of an
//     AnsibleUnicode keeps AnsibleUnicode in Python, str here.
//   - The recursion message's last words depend on where Python ran out
//     of stack; goplay has " in comparison" for conditionals and " while
//     calling a Python object" for dicts and lists, nothing otherwise (a
//     loop: of a recursive variable says " while calling a Python object"
//     in Ansible).
//   - gonja's argument lists do not require commas (f(a b) is f(a, b)) and
//     some other malformed templates parse where Jinja2 reports an error.
//   - loop(...) of recursive loops, {% extends %}, {% block %},
//     {% include %} and {% import %} are not supported; neither are
//     {% break %}, {% continue %} and {% do %}, which Ansible 2.14 does not
//     enable.
//   - A macro accepts any keyword argument (Jinja2 refuses those that are
//     not parameters unless the body uses kwargs).
//   - Variables assigned in a loop body are dropped at the next iteration
//     (Jinja2 renders such a name as an empty string there, even through
//     default()).
//   - Filters and tests under collection prefixes other than
//     ansible.builtin (ansible.legacy, community.general, ...) resolve to
//     goplay's filter of the same short name.
//   - The golden cases listed, with their reasons, in golden_test.go's
//     skipGolden.
package template
