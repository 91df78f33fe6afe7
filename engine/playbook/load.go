package playbook

import (
	"errors"
	"fmt"
	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/engine/vault"
	"github.com/goplay/goplay/modules/external"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/goplay/goplay/engine/kv"
	"github.com/goplay/goplay/modules"
)

// Options control loading.
type Options struct {
	// RolesPath lists extra directories searched for roles (roles_path).
	RolesPath []string
	// Warn receives deprecation and other warnings.
	Warn func(string)
	// IsModule reports whether a name is a known module; defaults to the
	// modules registry. External modules in the library directories are
	// recognised too.
	IsModule func(name string) bool
	// LibraryDirs are the configured module directories (ANSIBLE_LIBRARY,
	// library =), searched after the playbook's and the roles' library/.
	LibraryDirs []string
	// lib is the shared, growing list of library directories.
	lib *[]string
}

// isModule reports whether name is a registered module or an external one
// in a library directory known so far.
func (l *loader) isModule(name string) bool {
	if l.opts.IsModule(name) {
		return true
	}
	if _, ok := external.Find(name, l.libDirs()); ok {
		return true
	}
	// an ansible.builtin module of the controller's ansible-core
	_, ok := external.CoreModule(name)
	return ok
}

func (l *loader) libDirs() []string {
	if l.opts.lib == nil {
		return l.opts.LibraryDirs
	}
	return *l.opts.lib
}

// addLibrary records a library/ directory (the playbook's, a role's) when
// it exists, before the configured ones.
func (l *loader) addLibrary(dir string) {
	if l.opts.lib == nil {
		return
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return
	}
	for _, d := range *l.opts.lib {
		if d == dir {
			return
		}
	}
	n := len(*l.opts.lib) - len(l.opts.LibraryDirs)
	list := append([]string(nil), (*l.opts.lib)[:n]...)
	list = append(list, dir)
	*l.opts.lib = append(list, l.opts.LibraryDirs...)
}

type loader struct {
	opts    Options
	pb      *Playbook
	depth   int
	visited map[string]int
}

// Load parses the playbook at path.
func Load(path string, opts Options) (*Playbook, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	if st, err := os.Stat(abs); err != nil || st.IsDir() {
		return nil, &Error{Msg: fmt.Sprintf("the playbook: %s could not be found", path)}
	}
	if opts.IsModule == nil {
		opts.IsModule = func(n string) bool { _, ok := modules.Lookup(n); return ok }
	}
	if opts.Warn == nil {
		opts.Warn = func(string) {}
	}
	pb := &Playbook{File: abs, Dir: filepath.Dir(abs)}
	lib := append([]string(nil), opts.LibraryDirs...)
	opts.lib = &lib
	pb.libs = opts.lib
	pb.cfgLibs = opts.LibraryDirs
	l := &loader{opts: opts, pb: pb, visited: map[string]int{}}
	l.addLibrary(filepath.Join(pb.Dir, "library"))
	plays, err := l.loadPlaybookFile(abs, nil)
	if err != nil {
		return nil, err
	}
	pb.Plays = plays
	return pb, nil
}

// ReadYAML reads and parses a YAML file into its document node, giving
// Ansible's syntax-error message on failure.
func ReadYAML(file string) (*yaml.Node, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("Could not find or access '%s'", file)}
	}
	if vault.IsEncrypted(data) {
		// DataLoader decrypts a vault-encrypted file before parsing it
		if data, err = vault.DecryptFile(data, file); err != nil {
			return nil, &Error{Msg: err.Error(), Pos: Pos{File: file, Line: 1, Col: 1}, NoContext: true}
		}
	}
	return ParseYAML(file, data)
}

// ParseYAML parses YAML text. Errors name the file, line and column.
func ParseYAML(file string, data []byte) (doc *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, &Error{Msg: fmt.Sprintf("Syntax Error while loading YAML.\n  %v", r), Pos: Pos{File: file, Line: 1, Col: 1}, Parse: true}
		}
	}()
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		line, col, msg := yamlErrorPos(err)
		return nil, &Error{
			Msg:   "We were unable to read either as JSON nor YAML, these are the errors we got from each:\nJSON: Expecting value: line 1 column 1 (char 0)\n\nSyntax Error while loading YAML.\n  " + msg,
			Pos:   Pos{File: file, Line: line, Col: col},
			Parse: true,
		}
	}
	if n.Kind == 0 {
		return nil, nil
	}
	return &n, nil
}

// yamlErrorPos extracts line and column from a yaml.v3 error.
func yamlErrorPos(err error) (int, int, string) {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line, col := 1, 1
	var l, c int
	if n, _ := fmt.Sscanf(msg, "line %d, column %d:", &l, &c); n == 2 {
		line, col = l, c
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
	} else if n, _ := fmt.Sscanf(msg, "line %d:", &l); n == 1 {
		line = l
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
	}
	return line, col, msg
}

func (l *loader) loadPlaybookFile(file string, importer *yaml.Node) ([]*Play, error) {
	l.depth++
	defer func() { l.depth-- }()
	if l.depth > 50 {
		return nil, &Error{Msg: fmt.Sprintf("recursion depth exceeded importing %s", file), Parse: true}
	}
	doc, err := ReadYAML(file)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, nil
	}
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind != yaml.SequenceNode {
		return nil, &Error{Msg: "A playbook must be a list of plays, got a <class 'ansible.parsing.yaml.objects." + nodeTypeName(root) + "'> instead: " + file, Pos: NodePos(file, root), Parse: true}
	}
	var plays []*Play
	for _, entry := range root.Content {
		if entry.Kind != yaml.MappingNode {
			return nil, &Error{Msg: "playbook entries must be either valid plays or 'import_playbook' statements", Pos: NodePos(file, entry), Parse: true}
		}
		if v := mapGet(entry, "import_playbook", "ansible.builtin.import_playbook", "include"); v != nil {
			sub, err := l.importPlaybook(file, entry, v)
			if err != nil {
				return nil, err
			}
			plays = append(plays, sub...)
			continue
		}
		p, err := l.parsePlay(file, entry)
		if err != nil {
			return nil, err
		}
		plays = append(plays, p)
	}
	return plays, nil
}

func (l *loader) importPlaybook(file string, entry, v *yaml.Node) ([]*Play, error) {
	name := v.Value
	if name == "" {
		return nil, Errorf(NodePos(file, entry), "import_playbook parameters cannot be mixed with 'vars' entries for import statements")
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(file), name)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, &Error{Msg: fmt.Sprintf("the playbook: %s could not be found", name), Pos: NodePos(file, entry), Parse: true}
	}
	plays, err := l.loadPlaybookFile(path, entry)
	if err != nil {
		return nil, err
	}
	// vars, when and tags on the import apply to every imported play.
	var extra Attrs
	for i := 0; i+1 < len(entry.Content); i += 2 {
		k, val := entry.Content[i].Value, entry.Content[i+1]
		switch k {
		case "import_playbook", "ansible.builtin.import_playbook", "include":
		case "vars":
			m, err := l.mapValue(file, val)
			if err != nil {
				return nil, err
			}
			extra.Vars = m
		case "when":
			w, _ := Value(file, val)
			extra.When = toList(w)
		case "tags":
			t, _ := Value(file, val)
			extra.Tags = toStrings(t)
		case "name":
		default:
			return nil, Errorf(NodePos(file, entry.Content[i]), "'%s' is not a valid attribute for a PlaybookInclude", k)
		}
	}
	for _, p := range plays {
		if extra.Vars != nil {
			merged := map[string]any{}
			for k, v := range extra.Vars {
				merged[k] = v
			}
			for k, v := range p.Vars {
				merged[k] = v
			}
			p.Vars = merged
		}
		p.When = append(append([]any{}, extra.When...), p.When...)
		p.Tags = append(append([]string{}, extra.Tags...), p.Tags...)
	}
	return plays, nil
}

func nodeTypeName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "AnsibleMapping"
	case yaml.SequenceNode:
		return "AnsibleSequence"
	case yaml.ScalarNode:
		return "AnsibleUnicode"
	}
	return "NoneType"
}

func mapGet(n *yaml.Node, keys ...string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		for _, k := range keys {
			if n.Content[i].Value == k {
				return n.Content[i+1]
			}
		}
	}
	return nil
}

func (l *loader) mapValue(file string, n *yaml.Node) (map[string]any, error) {
	v, err := Value(file, n)
	if err != nil {
		return nil, err
	}
	switch m := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return m, nil
	case []any: // a list of dicts is merged, as Ansible allows for vars
		out := map[string]any{}
		for _, x := range m {
			d, ok := x.(map[string]any)
			if !ok {
				return nil, Errorf(NodePos(file, n), "Vars in a Play must be specified as a dictionary, or a list of dictionaries")
			}
			for k, v := range d {
				out[k] = v
			}
		}
		return out, nil
	}
	return nil, Errorf(NodePos(file, n), "Vars in a Play must be specified as a dictionary, or a list of dictionaries")
}

func toList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range toList(v) {
		switch s := x.(type) {
		case string:
			for _, p := range strings.Split(s, ",") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
		default:
			out = append(out, modules.ToString(s))
		}
	}
	return out
}

func boolPtr(file string, n *yaml.Node, key string) (*bool, error) {
	v, err := Value(file, n)
	if err != nil {
		return nil, err
	}
	switch b := v.(type) {
	case bool:
		return &b, nil
	case nil:
		return nil, nil
	case string:
		if bb, err := modules.ToBool(b); err == nil {
			return &bb, nil
		}
		if strings.Contains(b, "{{") {
			return nil, nil // templated keywords are resolved at run time
		}
	case int:
		bb := b != 0
		return &bb, nil
	}
	return nil, Errorf(NodePos(file, n), "The field '%s' has an invalid value, which includes an undefined variable. The error was: %v is not a valid boolean", key, v)
}

// setAttr applies one shared keyword; it reports whether key was one.
func (l *loader) setAttr(a *Attrs, file, key string, n *yaml.Node) (bool, error) {
	if a.Set == nil {
		a.Set = map[string]bool{}
	}
	v, err := Value(file, n)
	if err != nil {
		return true, err
	}
	var bp **bool
	switch key {
	case "when":
		a.When = toList(v)
	case "tags":
		a.Tags = toStrings(v)
	case "vars":
		m, err := l.mapValue(file, n)
		if err != nil {
			return true, err
		}
		a.Vars = m
	case "environment":
		a.Environment = toList(v)
	case "become":
		bp = &a.Become
	case "become_user":
		a.BecomeUser = v
	case "become_method":
		a.BecomeMethod = v
	case "become_flags":
		a.BecomeFlags = v
	case "become_exe":
		a.BecomeExe = v
	case "ignore_errors":
		bp = &a.IgnoreErrors
	case "ignore_unreachable":
		bp = &a.IgnoreUnreach
	case "any_errors_fatal":
		bp = &a.AnyErrorsFatal
	case "run_once":
		bp = &a.RunOnce
	case "no_log":
		a.NoLog = v
	case "check_mode":
		bp = &a.CheckMode
	case "diff":
		bp = &a.Diff
	case "delegate_to":
		a.DelegateTo = v
	case "delegate_facts":
		bp = &a.DelegateFacts
	case "connection":
		a.Connection = modules.ToString(v)
	case "remote_user":
		a.RemoteUser = v
	case "port":
		a.Port = v
	case "notify":
		a.Notify = toStrings(v)
		if s, ok := v.(string); ok {
			a.Notify = []string{s}
		}
	case "throttle":
		a.Throttle, _ = modules.ToInt(v)
	case "timeout":
		a.Timeout, _ = modules.ToInt(v)
	case "module_defaults":
		md, err := l.moduleDefaults(v)
		if err != nil {
			// Ansible gives no position; goplay adds where it is
			if pe, ok := err.(*Error); ok && !pe.Pos.IsValid() {
				pe.Pos = NodePos(file, n)
			}
			return true, err
		}
		a.ModuleDefaults = md
	case "collections", "debugger":
	default:
		return false, nil
	}
	if bp != nil {
		b, err := boolPtr(file, n, key)
		if err != nil {
			return true, err
		}
		*bp = b
	}
	a.Set[key] = true
	return true, nil
}

func (l *loader) parsePlay(file string, n *yaml.Node) (*Play, error) {
	p := &Play{Pos: NodePos(file, n), Playbook: l.pb}
	var tasksNodes [4]*yaml.Node
	var rolesNode *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		key := kn.Value
		if !playKW[key] {
			msg := fmt.Sprintf("'%s' is not a valid attribute for a Play", key)
			if s := suggest(key, playKeywords); s != "" {
				msg += fmt.Sprintf(". Did you mean '%s'?", s)
			}
			return nil, &Error{Msg: msg, Pos: p.Pos, Parse: true}
		}
		if key == "vars" {
			if err := checkVarNames(file, vn, "Play"); err != nil {
				return nil, err
			}
		}
		if ok, err := l.setAttr(&p.Attrs, file, key, vn); err != nil {
			return nil, err
		} else if ok {
			continue
		}
		v, err := Value(file, vn)
		if err != nil {
			return nil, err
		}
		switch key {
		case "name":
			p.HasName = true
			if v != nil {
				p.Name = modules.ToString(v)
			}
		case "hosts":
			p.HostsRaw = v
			switch h := v.(type) {
			case string:
				p.Hosts = []string{h}
			case []any:
				for _, x := range h {
					p.Hosts = append(p.Hosts, modules.ToString(x))
				}
			case nil:
			default:
				p.Hosts = []string{modules.ToString(h)}
			}
		case "gather_facts":
			b, err := boolPtr(file, vn, key)
			if err != nil {
				return nil, err
			}
			p.GatherFacts = b
		case "gather_subset":
			p.GatherSubset = toStrings(v)
		case "vars_files":
			p.VarsFiles = toList(v)
		case "vars_prompt":
			if p.VarsPrompt, err = varsPrompt(v); err != nil {
				if pe, ok := err.(*Error); ok {
					// no position in Ansible's message; goplay adds it
					pe.Pos, pe.NoContext = NodePos(file, vn), false
					return nil, pe
				}
				return nil, Errorf(NodePos(file, vn), "%s", err.Error())
			}
		case "serial":
			p.Serial = toList(v)
		case "max_fail_percentage":
			f, ok := percent(v)
			if !ok {
				return nil, Errorf(NodePos(file, vn), "the field 'max_fail_percentage' has an invalid value (%v), and could not be converted to a percent", v)
			}
			p.MaxFailPct = &f
		case "strategy":
			p.Strategy = modules.ToString(v)
		case "order":
			p.Order = modules.ToString(v)
		case "force_handlers":
			b, _ := modules.ToBool(v)
			p.ForceHandler = b
		case "pre_tasks":
			tasksNodes[0] = vn
		case "tasks":
			tasksNodes[1] = vn
		case "post_tasks":
			tasksNodes[2] = vn
		case "handlers":
			tasksNodes[3] = vn
		case "roles":
			rolesNode = vn
		case "gather_timeout":
			p.GatherTimeout, _ = Value(file, vn)
		case "fact_path":
			v, _ := Value(file, vn)
			p.FactPath = modules.ToString(v)
		}
	}
	if p.HostsRaw == nil && len(p.Hosts) == 0 {
		return nil, &Error{Msg: "the field 'hosts' is required but was not set", Pos: p.Pos, Parse: true}
	}
	if !p.HasName || p.Name == "" {
		p.Name = strings.Join(p.Hosts, ",")
	}
	var err error
	ctx := &taskCtx{file: file, play: p}
	if rolesNode != nil {
		if p.Roles, err = l.parseRoles(ctx, rolesNode); err != nil {
			return nil, err
		}
	}
	lists := []*[]*Task{&p.PreTasks, &p.Tasks, &p.PostTasks, &p.Handlers}
	for i, tn := range tasksNodes {
		if tn == nil {
			continue
		}
		c := *ctx
		c.handler = i == 3
		if *lists[i], err = l.parseTaskList(&c, tn); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func percent(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case float64:
		return x, true
	case string:
		s := strings.TrimSuffix(strings.TrimSpace(x), "%")
		f, ok := modules.ToFloat(s)
		return f, ok
	}
	return 0, false
}

// taskCtx is where tasks are being loaded from.
type taskCtx struct {
	file    string
	play    *Play
	role    *Role
	parent  *Task
	handler bool
}

func (l *loader) parseTaskList(ctx *taskCtx, n *yaml.Node) ([]*Task, error) {
	if n == nil {
		return nil, nil
	}
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == "") {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, Errorf(NodePos(ctx.file, n), "A malformed block was encountered while loading a block")
	}
	var out []*Task
	for _, tn := range n.Content {
		if tn.Kind != yaml.MappingNode {
			return nil, Errorf(NodePos(ctx.file, tn), "A malformed block was encountered while loading a block")
		}
		t, err := l.parseTaskOrBlock(ctx, tn)
		if err != nil {
			return nil, err
		}
		if t != nil {
			out = append(out, t)
		}
	}
	return out, nil
}

func (l *loader) parseTaskOrBlock(ctx *taskCtx, n *yaml.Node) (*Task, error) {
	if mapGet(n, "block", "rescue", "always") != nil {
		return l.parseBlock(ctx, n)
	}
	return l.parseTask(ctx, n)
}

func (l *loader) parseBlock(ctx *taskCtx, n *yaml.Node) (*Task, error) {
	b := &Task{Pos: NodePos(ctx.file, n), IsBlock: true, Parent: ctx.parent, Role: ctx.role, Play: ctx.play, Handler: ctx.handler}
	inner := *ctx
	inner.parent = b
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, vn := n.Content[i].Value, n.Content[i+1]
		if !blockKW[key] {
			msg := fmt.Sprintf("'%s' is not a valid attribute for a Block", key)
			if s := suggest(key, blockKeywords); s != "" {
				msg += fmt.Sprintf(". Did you mean '%s'?", s)
			}
			return nil, &Error{Msg: msg, Pos: b.Pos, Parse: true}
		}
		if key == "vars" {
			if err := checkVarNames(ctx.file, vn, "Block"); err != nil {
				return nil, err
			}
		}
		if ok, err := l.setAttr(&b.Attrs, ctx.file, key, vn); err != nil {
			return nil, err
		} else if ok {
			continue
		}
		var err error
		switch key {
		case "name":
			v, _ := Value(ctx.file, vn)
			b.Name, b.HasName = v, true
		case "block":
			b.Block, err = l.parseTaskList(&inner, vn)
		case "rescue":
			b.Rescue, err = l.parseTaskList(&inner, vn)
		case "always":
			b.Always, err = l.parseTaskList(&inner, vn)
		}
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}

// freeFormKeys are the k=v keys that free-form modules still take as options.
func (l *loader) parseTask(ctx *taskCtx, n *yaml.Node) (*Task, error) {
	t := &Task{Pos: NodePos(ctx.file, n), Parent: ctx.parent, Role: ctx.role, Play: ctx.play, Handler: ctx.handler}
	var actionKey string
	var actionNode *yaml.Node
	var argsNode *yaml.Node
	var unknown []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, vn := n.Content[i].Value, n.Content[i+1]
		if strings.HasPrefix(key, "with_") {
			if t.HasLoop {
				return nil, Errorf(t.Pos, "duplicate loop in task: %s", strings.TrimPrefix(key, "with_"))
			}
			v, err := Value(ctx.file, vn)
			if err != nil {
				return nil, err
			}
			t.Loop, t.HasLoop, t.LoopWith = v, true, strings.TrimPrefix(key, "with_")
			continue
		}
		if taskKW[key] {
			if key == "listen" && !ctx.handler {
				// listen is a handler keyword; Ansible accepts it silently on tasks
			}
			if key == "vars" {
				if err := checkVarNames(ctx.file, vn, "Task"); err != nil {
					return nil, err
				}
			}
			if ok, err := l.setAttr(&t.Attrs, ctx.file, key, vn); err != nil {
				return nil, err
			} else if ok {
				continue
			}
			v, err := Value(ctx.file, vn)
			if err != nil {
				return nil, err
			}
			switch key {
			case "name":
				t.Name, t.HasName = v, true
			case "args":
				argsNode = vn
			case "action", "local_action":
				if actionKey != "" {
					return nil, Errorf(t.Pos, "conflicting action statements: %s, %s", actionKey, key)
				}
				actionKey, actionNode = key, vn
			case "loop":
				if t.HasLoop {
					return nil, Errorf(t.Pos, "duplicate loop in task: items")
				}
				t.Loop, t.HasLoop = v, true
			case "loop_control":
				lc, err := parseLoopControl(ctx.file, vn, v)
				if err != nil {
					return nil, err
				}
				t.LoopControl = lc
			case "register":
				t.Register = modules.ToString(v)
			case "until":
				t.Until = toList(v)
			case "retries":
				t.Retries, t.HasRetries = v, true
			case "delay":
				t.Delay = v
			case "changed_when":
				t.ChangedWhen = toList(v)
			case "failed_when":
				t.FailedWhen = toList(v)
			case "listen":
				t.Listen = toStrings(v)
				if s, ok := v.(string); ok {
					t.Listen = []string{s}
				}
			case "async":
				t.Async, _ = modules.ToInt(v)
			case "poll":
				t.Poll, _ = modules.ToInt(v)
				t.HasPoll = true
			}
			continue
		}
		if _, inc := includeActions[key]; inc || l.isModule(key) {
			if actionKey != "" {
				return nil, Errorf(t.Pos, "conflicting action statements: %s, %s", actionKey, key)
			}
			actionKey, actionNode = key, vn
			continue
		}
		unknown = append(unknown, key)
	}
	if actionKey == "" {
		if len(unknown) > 0 {
			msg := fmt.Sprintf("couldn't resolve module/action '%s'. This often indicates a misspelling, missing collection, or incorrect module path.", unknown[0])
			if s := modules.Suggest(unknown[0]); s != "" {
				msg += fmt.Sprintf(" Did you mean '%s'?", s)
			} else if s := suggest(unknown[0], taskKeywords); s != "" {
				msg += fmt.Sprintf(" Did you mean the task keyword '%s'?", s)
			}
			return nil, &Error{Msg: msg, Pos: t.Pos, Parse: true}
		}
		return nil, &Error{Msg: "no module/action detected in task.", Pos: t.Pos, Parse: true}
	}
	if len(unknown) > 0 {
		return nil, &Error{Msg: fmt.Sprintf("conflicting action statements: %s, %s", actionKey, unknown[0]), Pos: t.Pos, Parse: true}
	}
	if err := l.parseAction(ctx, t, actionKey, actionNode, argsNode); err != nil {
		return nil, err
	}
	if err := checkIncludeKeywords(ctx.file, n, t, actionKey); err != nil {
		return nil, err
	}
	return l.resolveStatic(ctx, t)
}

// validIncludeKeywords are TaskInclude's VALID_INCLUDE_KEYWORDS: the only
// task keywords include_tasks and include_role take.
var validIncludeKeywords = map[string]bool{"action": true, "args": true, "collections": true, "debugger": true,
	"ignore_errors": true, "loop": true, "loop_control": true, "loop_with": true, "name": true, "no_log": true,
	"register": true, "run_once": true, "tags": true, "timeout": true, "vars": true, "when": true}

// checkIncludeKeywords refuses the other keywords on include_tasks and
// include_role, as TaskInclude.preprocess_data does.
func checkIncludeKeywords(file string, n *yaml.Node, t *Task, actionKey string) error {
	class := map[string]string{"include_tasks": "TaskInclude", "include_role": "IncludeRole"}[t.Module]
	if class == "" {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		if key == actionKey || strings.HasPrefix(key, "with_") || validIncludeKeywords[key] || key == "local_action" {
			continue
		}
		if taskKW[key] {
			return Errorf(NodePos(file, n), "'%s' is not a valid attribute for a %s", key, class)
		}
	}
	return nil
}

func parseLoopControl(file string, n *yaml.Node, v any) (*LoopControl, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, Errorf(NodePos(file, n), "the field 'loop_control' should be a dictionary")
	}
	lc := &LoopControl{}
	for k, x := range m {
		switch k {
		case "loop_var":
			lc.LoopVar = modules.ToString(x)
		case "index_var":
			lc.IndexVar = modules.ToString(x)
		case "label":
			lc.Label = x
		case "pause":
			lc.Pause = x
		case "extended":
			lc.Extended, _ = modules.ToBool(x)
		case "extended_allitems":
		default:
			return nil, Errorf(NodePos(file, n), "'%s' is not a valid attribute for a LoopControl", k)
		}
	}
	return lc, nil
}

// parseAction fills Action, Module and Args from the action key's value and
// the args keyword, with Ansible's k=v rules.
func (l *loader) parseAction(ctx *taskCtx, t *Task, key string, vn, argsNode *yaml.Node) error {
	file := ctx.file
	action := key
	var inline any
	v, err := Value(file, vn)
	if err != nil {
		return err
	}
	if key == "action" || key == "local_action" {
		if key == "local_action" {
			t.DelegateTo = "localhost"
			t.Set["delegate_to"] = true
		}
		switch x := v.(type) {
		case string:
			toks, err := kv.SplitArgs(x)
			if err != nil {
				return &Error{Msg: err.Error(), Pos: t.Pos, Parse: true}
			}
			if len(toks) == 0 {
				return Errorf(t.Pos, "no module/action detected in task.")
			}
			action = toks[0]
			inline = strings.TrimSpace(strings.TrimPrefix(x, toks[0]))
		case map[string]any:
			m, ok := x["module"].(string)
			if !ok {
				return Errorf(t.Pos, "no module/action detected in task.")
			}
			action = m
			rest := map[string]any{}
			for k, y := range x {
				if k != "module" {
					rest[k] = y
				}
			}
			inline = rest
		default:
			return Errorf(t.Pos, "no module/action detected in task.")
		}
		if _, inc := includeActions[action]; !inc && !l.isModule(action) {
			return &Error{Msg: fmt.Sprintf("couldn't resolve module/action '%s'. This often indicates a misspelling, missing collection, or incorrect module path.", action), Pos: t.Pos, Parse: true}
		}
	} else {
		inline = v
	}
	t.Action = action
	if inc, ok := includeActions[action]; ok {
		t.Module = inc
	} else {
		t.Module = modules.Canonical(action)
	}
	info, _ := modules.Lookup(action)
	freeForm := info != nil && info.FreeForm
	rawOK := freeForm || (info != nil && info.RawParams) || includeActions[action] != ""
	args := map[string]any{}
	if argsNode != nil {
		av, err := Value(file, argsNode)
		if err != nil {
			return err
		}
		switch a := av.(type) {
		case map[string]any:
			for k, x := range a {
				args[k] = x
			}
		case string:
			if !strings.Contains(a, "{{") {
				return Errorf(t.Pos, "Complex args containing variables cannot use bare variables (without Jinja2 delimiters), and must use the full variable style ('{{var_name}}')")
			}
			args["_variable_params"] = a
		case nil:
		default:
			return Errorf(t.Pos, "Invalid type for 'args' attribute: %T", av)
		}
	}
	switch a := inline.(type) {
	case nil:
	case map[string]any:
		for k, x := range a {
			args[k] = x
		}
		t.ArgOrder = sortedKeys(a)
	case string:
		pairs, raw, hasRaw, err := kv.ParseKV(a, freeForm)
		if err != nil {
			return &Error{Msg: err.Error(), Pos: t.Pos, Parse: true}
		}
		t.ArgsKV = true
		for _, p := range pairs {
			args[p.Key] = p.Value
			t.ArgOrder = append(t.ArgOrder, p.Key)
		}
		if hasRaw {
			if !rawOK {
				if strings.Contains(raw, "{{") && len(pairs) == 0 {
					args["_variable_params"] = raw
				} else {
					return &Error{Msg: fmt.Sprintf("this task '%s' has extra params, which is only allowed in the following modules: %s", action, rawParamList()), Pos: t.Pos, Parse: true}
				}
			} else {
				args["_raw_params"] = raw
			}
		}
	case []any:
		return &Error{Msg: "unexpected parameter type in action: <class 'ansible.parsing.yaml.objects.AnsibleSequence'>", Pos: t.Pos, Parse: true}
	default:
		// e.g. `ping: 1`; Ansible treats scalars as k=v text
		args["_raw_params"] = modules.ToString(a)
		if !rawOK {
			return &Error{Msg: fmt.Sprintf("this task '%s' has extra params, which is only allowed in the following modules: %s", action, rawParamList()), Pos: t.Pos, Parse: true}
		}
	}
	if !freeForm && info != nil {
		for k := range args {
			if strings.HasPrefix(k, "_ansible_") {
				return Errorf(t.Pos, "invalid parameter specified for action '%s': '%s'", action, k)
			}
		}
	}
	t.Args = args
	return nil
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// resolveStatic expands import_tasks and import_role into blocks.
func (l *loader) resolveStatic(ctx *taskCtx, t *Task) (*Task, error) {
	switch t.Module {
	case "import_tasks":
		file := fileArg(t)
		if file == "" {
			return nil, Errorf(t.Pos, "No file specified for import_tasks")
		}
		if strings.Contains(file, "{{") {
			return nil, Errorf(t.Pos, "Error when evaluating variable in import path: %s", file)
		}
		path := l.findTaskFile(ctx, file)
		if path == "" {
			return nil, &Error{Msg: fmt.Sprintf("Could not find or access '%s'", file), Pos: t.Pos, Parse: true}
		}
		b := &Task{Pos: t.Pos, IsBlock: true, Attrs: t.Attrs, Parent: t.Parent, Role: t.Role, Play: t.Play, Handler: t.Handler}
		b.Vars = mergeVarsArgs(t)
		inner := *ctx
		inner.parent = b
		inner.file = path
		tasks, err := l.loadTaskFile(&inner, path)
		if err != nil {
			return nil, err
		}
		b.Block = tasks
		return b, nil
	case "import_role":
		name, _ := t.Args["name"].(string)
		if name == "" {
			return nil, Errorf(t.Pos, "'name' is a required field for import_role.")
		}
		role, err := l.loadRole(ctx, t.Pos, name, nil, roleOpts(t))
		if err != nil {
			return nil, err
		}
		role.Attrs = mergeAttrs(role.Attrs, t.Attrs)
		// The import's vars are the role's own vars too (Ansible's
		// RoleInclude), which every task of the play sees.
		role.Vars = t.Vars
		role.Public = true
		b := &Task{Pos: t.Pos, IsBlock: true, Attrs: t.Attrs, Parent: t.Parent, Role: role, Play: t.Play, Handler: t.Handler}
		b.Vars = mergeVarsArgs(t)
		b.Block = l.roleBlocks(role, b)
		if ctx.play != nil {
			ctx.play.importedHandlers(role)
			ctx.play.Imported = append(ctx.play.Imported, role)
		}
		return b, nil
	}
	return t, nil
}

func (p *Play) importedHandlers(r *Role) {
	var add func(r *Role)
	add = func(r *Role) {
		for _, d := range r.Deps {
			add(d)
		}
		p.Handlers = append(p.Handlers, r.Handlers...)
	}
	add(r)
}

func mergeVarsArgs(t *Task) map[string]any {
	return t.Vars
}

func mergeAttrs(a, b Attrs) Attrs {
	out := a
	out.When = append(append([]any{}, b.When...), a.When...)
	out.Tags = append(append([]string{}, b.Tags...), a.Tags...)
	return out
}

func fileArg(t *Task) string {
	for _, k := range []string{"file", "_raw_params"} {
		if s, ok := t.Args[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// roleOptions are the tasks_from/vars_from/… arguments of import_role.
type roleOptions struct {
	TasksFrom, VarsFrom, DefaultsFrom, HandlersFrom string
}

func roleOpts(t *Task) roleOptions {
	s := func(k string) string { x, _ := t.Args[k].(string); return x }
	return roleOptions{TasksFrom: s("tasks_from"), VarsFrom: s("vars_from"), DefaultsFrom: s("defaults_from"), HandlersFrom: s("handlers_from")}
}

// LoadTasksFile loads a task file for include_tasks at run time. The tasks
// get parent as their enclosing block.
func LoadTasksFile(path string, play *Play, role *Role, parent *Task, opts Options) ([]*Task, error) {
	if opts.IsModule == nil {
		opts.IsModule = func(n string) bool { _, ok := modules.Lookup(n); return ok }
	}
	if opts.Warn == nil {
		opts.Warn = func(string) {}
	}
	var pb *Playbook
	if play != nil {
		pb = play.Playbook
	}
	l := &loader{opts: opts, pb: pb, visited: map[string]int{}}
	ctx := &taskCtx{file: path, play: play, role: role, parent: parent}
	return l.loadTaskFile(ctx, path)
}

func (l *loader) loadTaskFile(ctx *taskCtx, path string) ([]*Task, error) {
	l.visited[path]++
	defer func() { l.visited[path]-- }()
	if l.visited[path] > 20 {
		return nil, Errorf(Pos{File: path, Line: 1, Col: 1}, "recursive import of %s", path)
	}
	doc, err := ReadYAML(path)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, nil
	}
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	ctx.file = path
	return l.parseTaskList(ctx, root)
}

// findTaskFile resolves a task file name as Ansible does: relative to the
// including file, the role's tasks dir, then the playbook dir.
func (l *loader) findTaskFile(ctx *taskCtx, name string) string {
	return FindFile(name, searchDirs(ctx, l.pb, "tasks"))
}

func searchDirs(ctx *taskCtx, pb *Playbook, sub string) []string {
	var dirs []string
	if ctx.file != "" {
		dirs = append(dirs, filepath.Dir(ctx.file))
	}
	if ctx.role != nil {
		dirs = append(dirs, filepath.Join(ctx.role.Path, sub), ctx.role.Path)
	}
	if pb != nil {
		dirs = append(dirs, pb.Dir)
	}
	return dirs
}

// FindFile returns the first existing dir/name, or "".
func FindFile(name string, dirs []string) string {
	if filepath.IsAbs(name) {
		if _, err := os.Stat(name); err == nil {
			return name
		}
		return ""
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

var errNotFound = errors.New("not found")

// checkVarNames is Base._load_vars' check: every name in a vars mapping
// must be a valid identifier (an unquoted YAML 1.1 "on" is True).
func checkVarNames(file string, n *yaml.Node, kind string) error {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		name := k.Value
		if v, err := Value(file, k); err == nil {
			if b, ok := v.(bool); ok {
				// the YAML 1.1 loader made the key a boolean
				name = pyfmt.Str(b)
			}
		}
		if !isIdentifier(name) {
			return &Error{Msg: fmt.Sprintf("Invalid variable name in vars specified for %s: '%s' is not a valid variable name", kind, name),
				Pos: NodePos(file, k), Parse: true}
		}
	}
	return nil
}

var pyKeywords = map[string]bool{"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true,
	"async": true, "await": true, "break": true, "class": true, "continue": true, "def": true, "del": true, "elif": true,
	"else": true, "except": true, "finally": true, "for": true, "from": true, "global": true, "if": true, "import": true,
	"in": true, "is": true, "lambda": true, "nonlocal": true, "not": true, "or": true, "pass": true, "raise": true,
	"return": true, "try": true, "while": true, "with": true, "yield": true}

// isIdentifier is ansible.utils.vars.isidentifier: a Python identifier
// that is not a keyword (True, False and None included).
func isIdentifier(s string) bool {
	if s == "" || pyKeywords[s] {
		return false
	}
	for i, r := range s {
		if r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r)) {
			continue
		}
		return false
	}
	return true
}
