package template

import (
	"strings"
	"sync"

	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"
)

// Ansible's filters and tests are registered in a gonja environment
// (exec.FilterSet / exec.TestSet) and called through it; the global
// functions (range, lookup, query, dict, namespace, ...) are names of a gonja
// Context that is consulted after the template's variables.

var (
	gonjaOnce    sync.Once
	gonjaEnv     *exec.Environment
	gonjaGlobals = exec.NewContext(map[string]any{
		"range": true, "lookup": true, "query": true, "q": true, "dict": true,
		"namespace": true, "undef": true, "now": true,
	})
)

type gonjaTest = func(*exec.Evaluator, *exec.Value, *exec.VarArgs) (bool, error)

// environment returns the gonja environment holding goplay's filters and
// tests (built on first use: the tables are filled by init functions).
func environment() *exec.Environment {
	gonjaOnce.Do(func() {
		fs := exec.NewFilterSet(map[string]exec.FilterFunction{})
		for name, f := range filters {
			must(fs.Register(name, adaptFilter(f)))
		}
		ts := exec.NewTestSet(map[string]exec.TestFunction{})
		for name, f := range tests {
			must(ts.Register(name, adaptTest(f)))
		}
		gonjaEnv = &exec.Environment{
			Filters:           fs,
			Tests:             ts,
			ControlStructures: statements,
			Context:           gonjaGlobals,
			Methods:           pythonMethods(),
		}
	})
	return gonjaEnv
}

// evaluatorLink carries goplay's evaluator inside the gonja evaluator handed
// to registered functions, in its Loader slot: gonja uses loaders only for
// include/extends/import, which goplay does not run through gonja, and a
// type assertion is cheaper than a (locked) Context lookup per call.
type evaluatorLink struct {
	loaders.Loader
	e *evaluator
}

func evaluatorOf(ge *exec.Evaluator) *evaluator {
	if l, ok := ge.Loader.(*evaluatorLink); ok {
		return l.e
	}
	return methodEvaluator // a gonja evaluator of someone else's: no render state
}

func unwrapArgs(params *exec.VarArgs) ([]any, map[string]any) {
	args := make([]any, len(params.Args))
	for i, a := range params.Args {
		args[i] = a.Interface()
	}
	var kw map[string]any
	if len(params.KwArgs) > 0 {
		kw = make(map[string]any, len(params.KwArgs))
		for k, a := range params.KwArgs {
			kw[k] = a.Interface()
		}
	}
	return args, kw
}

// noArgs is the argument list of calls without arguments (read only).
var noArgs = &exec.VarArgs{}

func wrapArgs(args []any, kw map[string]any) *exec.VarArgs {
	if len(args) == 0 && len(kw) == 0 {
		return noArgs
	}
	va := &exec.VarArgs{Args: make([]*exec.Value, len(args))}
	for i, a := range args {
		va.Args[i] = exec.AsValue(a)
	}
	if len(kw) > 0 {
		va.KwArgs = make(map[string]*exec.Value, len(kw))
		for k, a := range kw {
			va.KwArgs[k] = exec.AsValue(a)
		}
	}
	return va
}

func adaptFilter(f filterFn) exec.FilterFunction {
	return func(ge *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
		args, kw := unwrapArgs(params)
		return exec.AsValue(f(evaluatorOf(ge), in.Interface(), args, kw))
	}
}

func adaptTest(f testFn) gonjaTest {
	return func(ge *exec.Evaluator, in *exec.Value, params *exec.VarArgs) (bool, error) {
		args, kw := unwrapArgs(params)
		return f(evaluatorOf(ge), in.Interface(), args, kw), nil
	}
}

// gonjaEvaluator is the gonja evaluator handed to registered functions:
// the shared environment, and this render's evaluator in its Loader slot.
func (e *evaluator) gonjaEvaluator() *exec.Evaluator {
	if e.genv == nil {
		e.genv = &exec.Evaluator{Config: gonjaConfig, Environment: environment(), Loader: &evaluatorLink{e: e}}
	}
	return e.genv
}

// callFilterNamed applies a filter by name through gonja's FilterSet.
func (e *evaluator) callFilterNamed(name string, v any, args []any, kw map[string]any) any {
	var f exec.FilterFunction
	cn := name
	if name == e.lastFilter && e.lastFilterFn != nil {
		f, cn = e.lastFilterFn, e.lastFilterCanon
	} else {
		cn = canonicalName(name)
		var ok bool
		f, ok = environment().Filters.Get(cn)
		if !ok || (cn != name && strings.HasPrefix(name, "ansible.builtin.") && !ansibleBuiltinFilters[cn]) {
			panic(syntaxErr("Could not load \"%s\": '%s'", name, name))
		}
		e.lastFilter, e.lastFilterFn, e.lastFilterCanon = name, f, cn
	}
	if !lenientFilters[cn] {
		// the Undefined of an inline if without else is Jinja2's plain
		// Undefined: string() makes '' of it
		if u, ok := v.(*Undefined); ok && !(u.silent && cn == "string") {
			throwUndef(u)
		}
	}
	return f(e.gonjaEvaluator(), exec.AsValue(v), wrapArgs(args, kw)).Interface()
}

// callFilter applies a filter by name (used by map()).
func (e *evaluator) callFilter(name string, v any, args []any, kw map[string]any) any {
	return e.callFilterNamed(name, v, args, kw)
}

// callTestNamed applies a test by name through gonja's TestSet.
func (e *evaluator) callTestNamed(name string, v any, args []any, kw map[string]any) bool {
	cn := canonicalName(name)
	t, ok := environment().Tests.Get(cn)
	if !ok || (cn != name && strings.HasPrefix(name, "ansible.builtin.") && !ansibleBuiltinTests[cn]) {
		panic(syntaxErr("Could not load \"%s\": '%s'", name, name))
	}
	if !lenientTests[cn] {
		if u, ok := v.(*Undefined); ok {
			throwUndef(u)
		}
	}
	r, err := t.(gonjaTest)(e.gonjaEvaluator(), exec.AsValue(v), wrapArgs(args, kw))
	if err != nil {
		throw(err)
	}
	return r
}

func (e *evaluator) callTest(name string, v any, args []any, kw map[string]any) bool {
	return e.callTestNamed(name, v, args, kw)
}

// The plugins of ansible-core 2.14's ansible.builtin collection: Jinja2's
// own filters and tests (upper, string, ...) do not load under that name.
var ansibleBuiltinFilters = setOf(`b64decode b64encode basename bool checksum combinations combine comment
dict2items difference dirname expanduser expandvars extract fileglob flatten from_json from_yaml
from_yaml_all hash human_readable human_to_bytes intersect items2dict log mandatory md5 password_hash
path_join permutations pow product quote random realpath regex_escape regex_findall regex_replace
regex_search rekey_on_member relpath root sha1 shuffle split splitext strftime subelements
symmetric_difference ternary to_datetime to_json to_nice_json to_nice_yaml to_uuid to_yaml type_debug
union unique unvault urldecode urlsplit vault win_basename win_dirname win_splitdrive zip zip_longest`)

var ansibleBuiltinTests = setOf(`abs all any change changed contains directory exists failed failure falsy
file finished is_abs is_dir is_file is_link is_mount is_same_file isnan issubset issuperset link
link_exists match mount nan reachable regex same_file search skip skipped started subset succeeded
success successful superset truthy unreachable uri url urn vault_encrypted version version_compare`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// methodEvaluator runs Python methods, which need no render state.
var methodEvaluator = &evaluator{}

var (
	strMethodNames = strings.Fields(`split rsplit startswith endswith strip lstrip rstrip upper lower casefold
swapcase capitalize title replace format format_map join find rfind index rindex count splitlines isdigit
isnumeric isdecimal isalpha isalnum isspace islower isupper center ljust rjust zfill partition rpartition`)
	dictMethodNames = strings.Fields(`keys values items get copy`)
	listMethodNames = strings.Fields(`index count copy`)
)

func toKw(params *exec.VarArgs) ([]any, map[string]any) { return unwrapArgs(params) }

// pythonMethods registers the Python str, dict and list methods in gonja's
// method sets.
func pythonMethods() exec.Methods {
	strs := map[string]exec.Method[string]{}
	for _, name := range strMethodNames {
		strs[name] = func(self string, _ *exec.Value, params *exec.VarArgs) (any, error) {
			args, kw := toKw(params)
			return strMethod(methodEvaluator, self, name)(args, kw), nil
		}
	}
	dicts := map[string]exec.Method[map[string]any]{}
	for _, name := range dictMethodNames {
		dicts[name] = func(self map[string]any, _ *exec.Value, params *exec.VarArgs) (any, error) {
			args, kw := toKw(params)
			return dictMethod(self, name)(args, kw), nil
		}
	}
	lists := map[string]exec.Method[[]any]{}
	for _, name := range listMethodNames {
		lists[name] = func(self []any, _ *exec.Value, params *exec.VarArgs) (any, error) {
			args, kw := toKw(params)
			return seqMethod(self, name)(args, kw), nil
		}
	}
	return exec.Methods{
		Str:  exec.NewMethodSet(strs),
		Dict: exec.NewMethodSet(dicts),
		List: exec.NewMethodSet(lists),
	}
}

// boundMethod returns a gonja method bound to self as a callable.
func boundMethod[I any](set *exec.MethodSet[I], self I, name, typ string) *Callable {
	if set == nil {
		return nil
	}
	m, ok := set.Get(name)
	if !ok {
		return nil
	}
	return &Callable{Name: name + " of " + typ + " object", Fn: func(args []any, kw map[string]any) any {
		r, err := m(self, exec.AsValue(self), wrapArgs(args, kw))
		if err != nil {
			throw(err)
		}
		return r
	}}
}
