package builtin

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/engine/vault"
	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "include_vars",
		Aliases:   []string{"ansible.builtin.include_vars"},
		New:       func() modules.Module { return new(IncludeVars) },
		CheckMode: true,
		RawParams: true,
		Local:     true,
		Short:     "Load variables from files, dynamically within a task",
	})
}

// IncludeVars loads variables from a YAML/JSON file or a directory of
// them on the controller, as ansible.builtin.include_vars.
type IncludeVars struct {
	File          string   `arg:"file" aliases:"_raw_params" doc:"The file to load (searched in the role's vars/, the task's dir, the playbook's dir)."`
	Dir           string   `arg:"dir" doc:"A directory whose files are all loaded, in sorted order."`
	Name          string   `arg:"name" doc:"Put the loaded variables under this one variable."`
	Depth         int      `arg:"depth" default:"0" doc:"How deep to recurse into dir (0: no limit)."`
	FilesMatching string   `arg:"files_matching" doc:"Only load files of dir whose name matches this regex."`
	IgnoreFiles   []string `arg:"ignore_files" doc:"File names (regexes) of dir to skip."`
	Extensions    []string `arg:"extensions" default:"yaml,yml,json" doc:"File extensions loaded from dir."`
	IgnoreUnknown bool     `arg:"ignore_unknown_extensions" default:"false" doc:"Skip files of dir with other extensions instead of failing."`
	HashBehaviour string   `arg:"hash_behaviour" choices:"replace,merge" doc:"How dicts of several files combine."`
}

// Run loads the files and returns them as ansible_facts with a SetFacts
// effect (the engine gives them include_vars precedence).
func (iv *IncludeVars) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	fail := func(msg string) *modules.Result {
		return &modules.Result{Failed: true, Data: map[string]any{"ansible_facts": map[string]any{}, "ansible_included_var_files": []any{}, "message": msg}}
	}
	if iv.File != "" && iv.Dir != "" {
		return actionFail("You are mixing file only and dir only arguments, these are incompatible"), nil
	}
	find := func(kind, name string) (string, error) {
		if req.Find != nil {
			return req.Find(kind, name)
		}
		return filepath.Abs(name)
	}
	var files []string
	switch {
	case iv.Dir != "":
		dir, err := find("vars", iv.Dir)
		if err != nil {
			return fail(fmt.Sprintf("%s directory does not exist", iv.Dir)), nil
		}
		list, err := iv.dirFiles(dir)
		if err != nil {
			return fail(err.Error()), nil
		}
		files = list
	case iv.File != "":
		f, err := find("vars", iv.File)
		if err != nil {
			return fail(err.Error()), nil
		}
		files = []string{f}
	default:
		return actionFail("one of the following is required: file, dir"), nil
	}
	facts := map[string]any{}
	var order []string
	var loaded []any
	showContent := true
	for _, f := range files {
		if vault.IsEncryptedFile(f) {
			// a vault-encrypted file's variables are not shown
			showContent = false
		}
		m, err := playbook.LoadVarsFile(f)
		if err != nil {
			return fail(err.Error()), nil
		}
		keys := pyfmt.KeyOrder(m)
		for _, k := range keys {
			if _, seen := facts[k]; !seen {
				order = append(order, k)
			}
			facts[k] = m[k]
		}
		loaded = append(loaded, f)
	}
	pyfmt.SetOrder(facts, order)
	if iv.Name != "" {
		facts = map[string]any{iv.Name: facts}
	}
	data := map[string]any{"ansible_facts": facts, "ansible_included_var_files": loaded}
	if !showContent {
		data["_ansible_no_log"] = true
	}
	return &modules.Result{
		Data:    data,
		Effects: []modules.Effect{modules.SetFacts{Facts: facts}},
	}, nil
}

func (iv *IncludeVars) dirFiles(root string) ([]string, error) {
	var match *regexp.Regexp
	if iv.FilesMatching != "" {
		re, err := regexp.Compile(iv.FilesMatching)
		if err != nil {
			return nil, err
		}
		match = re
	}
	exts := map[string]bool{}
	for _, e := range iv.Extensions {
		exts[strings.TrimPrefix(e, ".")] = true
	}
	var out []string
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		names := make([]string, 0, len(ents))
		for _, e := range ents {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		for _, n := range names {
			p := filepath.Join(dir, n)
			st, err := os.Stat(p)
			if err != nil {
				continue
			}
			if st.IsDir() {
				if iv.Depth == 0 || depth < iv.Depth {
					if err := walk(p, depth+1); err != nil {
						return err
					}
				}
				continue
			}
			skip := false
			for _, ig := range iv.IgnoreFiles {
				if re, err := regexp.Compile(ig); err == nil && re.MatchString(n) {
					skip = true
				}
			}
			if skip || (match != nil && !match.MatchString(n)) {
				continue
			}
			ext := strings.TrimPrefix(filepath.Ext(n), ".")
			if !exts[ext] {
				if iv.IgnoreUnknown {
					continue
				}
				return fmt.Errorf("%s does not have a valid extension: %s", p, strings.Join(iv.Extensions, ", "))
			}
			out = append(out, p)
		}
		return nil
	}
	return out, walk(root, 1)
}
