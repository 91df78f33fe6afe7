package playbook

import (
	"fmt"
	"github.com/goplay/goplay/engine/pyfmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/goplay/goplay/modules"
)

func (l *loader) parseRoles(ctx *taskCtx, n *yaml.Node) ([]*Role, error) {
	if n.Kind != yaml.SequenceNode {
		if n.Kind == yaml.ScalarNode && n.Value == "" {
			return nil, nil
		}
		return nil, Errorf(NodePos(ctx.file, n), "A malformed role declaration was encountered.")
	}
	var out []*Role
	for _, rn := range n.Content {
		r, err := l.parseRoleRef(ctx, rn)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// parseRoleRef reads one entry of roles: or of a role's dependencies.
func (l *loader) parseRoleRef(ctx *taskCtx, rn *yaml.Node) (*Role, error) {
	pos := NodePos(ctx.file, rn)
	var name string
	params := map[string]any{}
	var attrs Attrs
	switch rn.Kind {
	case yaml.ScalarNode:
		name = rn.Value
	case yaml.MappingNode:
		for i := 0; i+1 < len(rn.Content); i += 2 {
			key, vn := rn.Content[i].Value, rn.Content[i+1]
			if key == "role" || (key == "name" && mapGet(rn, "role") == nil) {
				name = vn.Value
				continue
			}
			if roleKW[key] && key != "name" {
				if _, err := l.setAttr(&attrs, ctx.file, key, vn); err != nil {
					return nil, err
				}
				continue
			}
			v, err := Value(ctx.file, vn)
			if err != nil {
				return nil, err
			}
			params[key] = v
		}
	default:
		return nil, Errorf(pos, "A malformed role declaration was encountered.")
	}
	if name == "" {
		return nil, Errorf(pos, "role definitions must contain a role name")
	}
	r, err := l.loadRole(ctx, pos, name, params, roleOptions{})
	if err != nil {
		return nil, err
	}
	r.Attrs = attrs
	r.Public = true
	return r, nil
}

// roleSearch lists the directories a role name is looked up in.
func (l *loader) roleSearch(ctx *taskCtx) []string {
	var dirs []string
	if ctx.role != nil {
		dirs = append(dirs, filepath.Dir(ctx.role.Path))
	}
	if l.pb != nil {
		dirs = append(dirs, filepath.Join(l.pb.Dir, "roles"))
	}
	dirs = append(dirs, l.opts.RolesPath...)
	if l.pb != nil {
		dirs = append(dirs, l.pb.Dir)
	}
	return dirs
}

// FindRole returns the directory of the role called name.
func FindRole(name string, dirs []string) string {
	if filepath.IsAbs(name) {
		if st, err := os.Stat(name); err == nil && st.IsDir() {
			return name
		}
		return ""
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
	}
	return ""
}

func (l *loader) loadRole(ctx *taskCtx, pos Pos, name string, params map[string]any, o roleOptions) (*Role, error) {
	if strings.Contains(name, "{{") {
		return nil, Errorf(pos, "the role name '%s' cannot be templated in a static role declaration", name)
	}
	dirs := l.roleSearch(ctx)
	path := FindRole(name, dirs)
	if path == "" {
		return nil, &Error{Msg: fmt.Sprintf("the role '%s' was not found in %s", name, strings.Join(dirs, ":")), Pos: pos, Parse: true}
	}
	key := "role:" + path
	l.visited[key]++
	defer func() { l.visited[key]-- }()
	if l.visited[key] > 10 {
		return nil, Errorf(pos, "role %s depends on itself", name)
	}
	r := &Role{Pos: pos, Name: filepath.Base(name), Path: path, Params: params}
	l.addLibrary(filepath.Join(path, "library"))
	var err error
	if r.Defaults, err = loadVarsFile(path, "defaults", o.DefaultsFrom); err != nil {
		return nil, err
	}
	if r.RoleVars, err = loadVarsFile(path, "vars", o.VarsFrom); err != nil {
		return nil, err
	}
	// meta/main: dependencies
	if f := mainFile(filepath.Join(path, "meta"), ""); f != "" {
		doc, err := ReadYAML(f)
		if err != nil {
			return nil, err
		}
		if doc != nil && len(doc.Content) > 0 {
			if ad := mapGet(doc.Content[0], "allow_duplicates"); ad != nil {
				if v, err := Value(f, ad); err == nil {
					r.AllowDuplicates = truthyYAML(v)
				}
			}
			if deps := mapGet(doc.Content[0], "dependencies"); deps != nil && deps.Kind == yaml.SequenceNode {
				dctx := &taskCtx{file: f, play: ctx.play, role: r}
				for _, dn := range deps.Content {
					d, err := l.parseRoleRef(dctx, dn)
					if err != nil {
						return nil, err
					}
					r.Deps = append(r.Deps, d)
				}
			}
		}
	}
	rctx := &taskCtx{play: ctx.play, role: r}
	if f := mainFile(filepath.Join(path, "tasks"), o.TasksFrom); f != "" {
		rctx.file = f
		if r.Tasks, err = l.loadTaskFile(rctx, f); err != nil {
			return nil, err
		}
	} else if o.TasksFrom != "" {
		return nil, Errorf(pos, "Could not find specified file in role: tasks/%s", o.TasksFrom)
	}
	if vt, err := roleValidationTask(r, path, o.TasksFrom, pos); err != nil {
		return nil, err
	} else if vt != nil {
		r.Tasks = append([]*Task{vt}, r.Tasks...)
	}
	if f := mainFile(filepath.Join(path, "handlers"), o.HandlersFrom); f != "" {
		hctx := &taskCtx{play: ctx.play, role: r, handler: true, file: f}
		if r.Handlers, err = l.loadTaskFile(hctx, f); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// LoadRole loads a role at run time (include_role).
func LoadRole(name string, play *Play, from *Role, opts Options, tasksFrom, varsFrom, defaultsFrom, handlersFrom string) (*Role, error) {
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
	ctx := &taskCtx{play: play, role: from}
	return l.loadRole(ctx, Pos{}, name, nil, roleOptions{TasksFrom: tasksFrom, VarsFrom: varsFrom, DefaultsFrom: defaultsFrom, HandlersFrom: handlersFrom})
}

// RoleBlock wraps a role's tasks (dependencies first) in a block.
func RoleBlock(r *Role, parent *Task, play *Play) *Task {
	l := &loader{}
	b := &Task{IsBlock: true, Role: r, Parent: parent, Play: play, Pos: r.Pos}
	b.Block = l.roleBlocks(r, b)
	return b
}

// roleBlocks returns the role's dependencies' blocks and its own tasks.
func (l *loader) roleBlocks(r *Role, parent *Task) []*Task {
	var out []*Task
	for _, d := range r.Deps {
		// The dependency's entry vars are role vars (below its
		// vars/main.yml), not block vars.
		db := &Task{IsBlock: true, Role: d, Parent: parent, Pos: d.Pos, Attrs: d.Attrs}
		db.Vars = nil
		db.Block = l.roleBlocks(d, db)
		out = append(out, db)
	}
	own := &Task{IsBlock: true, Role: r, Parent: parent, Pos: r.Pos}
	own.Block = r.Tasks
	for _, t := range r.Tasks {
		reparent(t, own, r)
	}
	out = append(out, own)
	return out
}

func reparent(t *Task, parent *Task, r *Role) {
	if t.Parent == nil {
		t.Parent = parent
	}
}

// mainFile finds dir/main.yml, main.yaml, main.json or main (or from, when
// given, with the same extensions).
func mainFile(dir, from string) string {
	base := "main"
	if from != "" {
		base = from
	}
	for _, ext := range []string{"", ".yml", ".yaml", ".json"} {
		p := filepath.Join(dir, base+ext)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

func loadVarsFile(rolePath, sub, from string) (map[string]any, error) {
	f := mainFile(filepath.Join(rolePath, sub), from)
	if f == "" {
		return nil, nil
	}
	return LoadVarsFile(f)
}

// LoadVarsFile reads a YAML or JSON file that must hold a mapping.
func LoadVarsFile(f string) (map[string]any, error) {
	doc, err := ReadYAML(f)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return map[string]any{}, nil
	}
	v, err := Value(f, doc)
	if err != nil {
		return nil, err
	}
	switch m := v.(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return m, nil
	}
	return nil, &Error{Msg: fmt.Sprintf("vars file %s was not a dictionary", f), Pos: NodePos(f, doc.Content[0]), Parse: true}
}

func truthyYAML(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		switch x {
		case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "y", "Y", "1":
			return true
		}
	case int:
		return x != 0
	}
	return false
}

// Key identifies a role application for de-duplication: the role's path
// and its parameters, as Ansible's role cache does.
func (r *Role) Key() string {
	return r.Path + "\x00" + pyfmt.JSON(r.Params, 0, true)
}
