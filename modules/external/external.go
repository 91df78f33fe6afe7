package external

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/modules"
)

// Version is the ansible-core version a module is told (_ansible_version)
// when the host's ansible_version variable does not say.
const Version = "2.14.18"

// DefaultRemoteTmp is Ansible's default remote_tmp.
const DefaultRemoteTmp = "~/.ansible/tmp"

// Info returns the registry entry for the external module file path under
// name. External modules always accept check mode: the module itself is
// told through _ansible_check_mode, as Ansible's "normal" action does.
func Info(name, path string) modules.Info {
	return modules.Info{
		Name:      name,
		New:       func() modules.Module { return &Module{Name: name, Path: path} },
		CheckMode: true,
		Short:     "External module " + path,
	}
}

// New returns a module that runs the executable file at path on the
// target. Its name (for _ansible_module_name and messages) is the file name
// without its extension.
func New(path string) modules.Module {
	return &Module{Name: baseName(filepath.Base(path)), Path: path}
}

// Module runs an Ansible-style external module: an executable in any
// language that reads its arguments from a file and prints a JSON result.
type Module struct {
	// Name is the module name the task used.
	Name string
	// Path is the module file on the controller.
	Path string
	// Params receives the task's arguments, so that any argument is
	// accepted; Run sends req.Args, which keeps the task's order.
	Params map[string]any `arg:"_params,remain"`
	// Source, when set, is a file the action transfers into the module's
	// temporary directory as "source" before the module runs, with the
	// module's SourceArg argument pointing at it (unarchive's archive).
	Source    []byte
	SourceArg string
}

var _ modules.Module = (*Module)(nil)

// The argument styles of module_common.py.
type style int

const (
	styleOld       style = iota // key=value arguments file
	styleWantJSON               // WANT_JSON: JSON arguments file
	styleJSONArgs               // <<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>> substituted in the file
	styleBinary                 // not text: JSON arguments file, run directly
	styleNewPython              // AnsiballZ Python module (ansible.module_utils)
	stylePowerShell
)

var (
	newStylePython = lazyRegexp(`(?:from +\.{2,} *module_utils.* +import |` +
		`from +ansible_collections\.[^.]+\.[^.]+\.plugins\.module_utils.* +import |` +
		`import +ansible_collections\.[^.]+\.[^.]+\.plugins\.module_utils.*|` +
		`from +ansible\.module_utils.* +import |` +
		`import +ansible\.module_utils\.)`)
	powerShell = lazyRegexp(`(?i)#Requires -Module|#Requires -Version|#AnsibleRequires -OSVersion|#AnsibleRequires -Powershell|#AnsibleRequires -CSharpUtil`)
)

func detect(data []byte) style {
	switch {
	case isBinary(data):
		return styleBinary
	case bytes.Contains(data, []byte("#<<INCLUDE_ANSIBLE_MODULE_COMMON>>")), newStylePython().Match(data):
		return styleNewPython
	case bytes.Contains(data, []byte("# POWERSHELL_COMMON")), powerShell().Match(data):
		return stylePowerShell
	case bytes.Contains(data, []byte("<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>")):
		return styleJSONArgs
	case bytes.Contains(data, []byte("WANT_JSON")):
		return styleWantJSON
	}
	return styleOld
}

// isBinary is module_common's _is_binary: a byte outside the text
// characters in the first 1024 bytes.
func isBinary(data []byte) bool {
	if len(data) > 1024 {
		data = data[:1024]
	}
	for _, c := range data {
		if c < 0x20 && c != 7 && c != 8 && c != 9 && c != 10 && c != 12 && c != 13 && c != 27 || c == 0x7f {
			return true
		}
	}
	return false
}

// shebang splits the first line's "#!interpreter args".
func shebang(data []byte) (interp string, args []string) {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	if !bytes.HasPrefix(line, []byte("#!")) {
		return "", nil
	}
	words := shlexSplit(strings.TrimSpace(string(line[2:])))
	if len(words) == 0 {
		return "", nil
	}
	return words[0], words[1:]
}

// shlexSplit is a small shlex.split for shebang lines: whitespace
// separated words with single and double quotes and backslash escapes.
func shlexSplit(s string) []string {
	var out []string
	var cur strings.Builder
	in := false
	var quote rune
	esc := false
	for _, r := range s {
		switch {
		case esc:
			cur.WriteRune(r)
			esc = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case quote == '"':
			if r == '"' {
				quote = 0
			} else if r == '\\' {
				esc = true
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == '\\':
			esc, in = true, true
		case r == ' ' || r == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// Run transfers the module and its arguments to the target, runs it and
// parses its JSON output. It takes two commands on the connection: one
// creates the temporary directory (and discovers Python when needed), the
// other writes the files, runs the module and removes the directory.
func (m *Module) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if req.Conn == nil {
		return nil, fmt.Errorf("module (%s) needs a connection to the target", m.Name)
	}
	data, err := os.ReadFile(m.Path)
	if err != nil {
		return nil, fmt.Errorf("Could not find or access '%s': %v", m.Path, err)
	}
	st := detect(data)
	switch st {
	case stylePowerShell:
		return nil, fmt.Errorf("module (%s) is a PowerShell module, which goplay does not run", m.Name)
	case styleNewPython:
		if interp, _ := shebang(data); interp == "" {
			// module_common gives Python modules #!/usr/bin/python
			data = append([]byte("#!/usr/bin/python\n"), data...)
		}
	}

	// The interpreter: the shebang, overridden by ansible_<name>_interpreter.
	var interp, used string
	var interpArgs []string
	var discover bool
	if st != styleBinary {
		interp, interpArgs = shebang(data)
		if interp == "" {
			return nil, fmt.Errorf("module (%s) is missing interpreter line", m.Name)
		}
		newInterp, need, err := m.interpreter(req, interp)
		if err != nil {
			return nil, err
		}
		discover = need
		if !need {
			data = rewriteShebang(data, interp, newInterp, interpArgs)
			used = shebangLine(newInterp, interpArgs)
		}
	}

	tmp := m.remoteTmp(req)
	tmpdir, found, err := m.makeTmp(ctx, req, tmp, discover)
	if err != nil {
		return nil, err
	}
	keep := boolArg(req.Args, "_ansible_keep_remote_files", false)
	cleaned := false
	defer func() {
		if !cleaned && !keep {
			// The run did not get as far as its own clean-up.
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			req.Conn.Exec(cctx, "rm -f -r "+shQuote(tmpdir)+" > /dev/null 2>&1", nil)
		}
	}()

	var warnings []any
	var discovered string
	if discover {
		discovered, warnings = pickPython(found, req.Host)
		data = rewriteShebang(data, interp, discovered, interpArgs)
		used = shebangLine(discovered, interpArgs)
	}

	args := m.moduleArgs(req, tmp, tmpdir)
	if m.SourceArg != "" {
		src := tmpdir + "/source"
		if err := req.Conn.Put(ctx, bytes.NewReader(m.Source), src, 0o600); err != nil {
			return nil, fmt.Errorf("transferring %s: %w", m.SourceArg, err)
		}
		args.Set(m.SourceArg, src)
	}
	remoteName := "AnsiballZ_" + filepath.Base(m.Path)
	modPath := tmpdir + "/" + remoteName
	argsPath := tmpdir + "/args"

	var argsText string
	switch st {
	case styleOld:
		argsText = oldStyleArgs(args)
	case styleWantJSON, styleBinary:
		argsText = asciiJSON(args)
	case styleJSONArgs:
		data = jsonArgsModule(data, args, req)
		argsPath = ""
	case styleNewPython:
		// the arguments travel inside the wrapper (AnsiballZ)
		if data, err = ansiballz(m.Path, data, args); err != nil {
			return nil, err
		}
		argsPath = ""
	}

	// One command writes the module from stdin and the arguments, runs the
	// module and removes the directory, keeping the module's exit status.
	var sc strings.Builder
	fmt.Fprintf(&sc, "cat > %s", shQuote(modPath))
	files := shQuote(modPath)
	putArgs := false
	if argsPath != "" {
		files += " " + shQuote(argsPath)
		if len(argsText) < 64<<10 {
			fmt.Fprintf(&sc, " && printf '%%s' %s > %s", shQuote(argsText), shQuote(argsPath))
		} else {
			putArgs = true
		}
	}
	fmt.Fprintf(&sc, " && chmod u+x %s && ", files)
	sc.WriteString(buildCommand(used, modPath, argsPath))
	sc.WriteString(" < /dev/null; __gp_rc=$?")
	if !keep {
		fmt.Fprintf(&sc, "; rm -f -r %s > /dev/null 2>&1", shQuote(tmpdir))
	}
	sc.WriteString("; exit $__gp_rc")
	if putArgs {
		if err := req.Conn.Put(ctx, strings.NewReader(argsText), argsPath, 0o744); err != nil {
			return nil, fmt.Errorf("transferring module arguments: %w", err)
		}
	}
	req.Logf("Using module file %s", m.Path)
	stdout, stderr, rc, err := req.Conn.Exec(ctx, sc.String(), bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	cleaned = true

	res := parseResult(string(stdout), string(stderr), rc, used, req)
	if discover {
		r := res.Data
		facts, _ := r["ansible_facts"].(map[string]any)
		if facts == nil {
			facts = map[string]any{}
			r["ansible_facts"] = facts
		}
		facts["discovered_interpreter_python"] = discovered
		if len(warnings) > 0 {
			ws, _ := r["warnings"].([]any)
			r["warnings"] = append(ws, warnings...)
		}
	}
	if facts, ok := res.Data["ansible_facts"].(map[string]any); ok && len(facts) > 0 {
		res.Effects = append(res.Effects, modules.SetFacts{Facts: facts, Cacheable: true})
	}
	return res, nil
}

// interpreter returns the interpreter to run the module with, or need set
// when Python must be discovered on the target first (a "python" shebang
// without ansible_python_interpreter), as module_common's _get_shebang.
func (m *Module) interpreter(req *modules.Request, interp string) (out string, need bool, err error) {
	name := strings.TrimSpace(filepath.Base(interp))
	v, ok := req.Vars["ansible_"+name+"_interpreter"]
	if name == "python" {
		s := ""
		if ok && v != nil {
			if s, err = m.render(req, modules.ToString(v)); err != nil {
				return "", false, err
			}
		}
		s = strings.TrimSpace(s)
		switch s {
		case "", "auto", "auto_legacy", "auto_silent", "auto_legacy_silent":
			if d := discoveredPython(req.Vars); d != "" {
				return d, false, nil
			}
			return "", true, nil
		}
		return s, false, nil
	}
	if ok && v != nil {
		s, err := m.render(req, modules.ToString(v))
		if err != nil {
			return "", false, err
		}
		if s = strings.TrimSpace(s); s != "" {
			return s, false, nil
		}
	}
	return interp, false, nil
}

func (m *Module) render(req *modules.Request, s string) (string, error) {
	if req.Render != nil && (strings.Contains(s, "{{") || strings.Contains(s, "{%")) {
		return req.Render(s, nil)
	}
	return s, nil
}

func discoveredPython(vars map[string]any) string {
	if f, ok := vars["ansible_facts"].(map[string]any); ok {
		if s, ok := f["discovered_interpreter_python"].(string); ok && s != "" {
			return s
		}
	}
	if s, ok := vars["discovered_interpreter_python"].(string); ok {
		return s
	}
	return ""
}

// pythonFallback is INTERPRETER_PYTHON_FALLBACK.
var pythonFallback = []string{"python3.11", "python3.10", "python3.9", "python3.8", "python3.7", "python3.6", "python3.5", "/usr/bin/python3", "/usr/libexec/platform-python", "python2.7", "/usr/bin/python", "python"}

// pickPython chooses among the interpreters found on the target as
// Ansible's "auto" discovery does on the common Linux distributions, whose
// platform Python is /usr/bin/python3.
func pickPython(found []string, host string) (string, []any) {
	if len(found) == 0 {
		return "/usr/bin/python", []any{fmt.Sprintf("No python interpreters found for host %s (tried %s)", host, pyfmt.Repr(stringsToAny(pythonFallback)))}
	}
	for _, f := range found {
		if f == "/usr/bin/python3" {
			return f, nil
		}
	}
	return found[0], []any{fmt.Sprintf("Platform linux on host %s is using the discovered Python interpreter at %s, but future installation of another Python interpreter could change the meaning of that path. See https://docs.ansible.com/ansible-core/2.14/reference_appendices/interpreter_discovery.html for more information.", host, found[0])}
}

func stringsToAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func shebangLine(interp string, args []string) string {
	s := "#!" + interp
	if len(args) > 0 {
		s += " " + strings.Join(args, " ")
	}
	return s
}

// rewriteShebang replaces the shebang when the interpreter changed and adds
// the coding line to Python modules, as modify_module does.
func rewriteShebang(data []byte, oldInterp, newInterp string, args []string) []byte {
	first, rest, hasRest := bytes.Cut(data, []byte("\n"))
	if oldInterp != newInterp {
		first = []byte(shebangLine(newInterp, args))
	}
	var b bytes.Buffer
	b.Write(first)
	if strings.HasPrefix(filepath.Base(oldInterp), "python") {
		b.WriteString("\n# -*- coding: utf-8 -*-")
	}
	if hasRest {
		b.WriteByte('\n')
		b.Write(rest)
	}
	return b.Bytes()
}

// buildCommand is the sh shell plugin's build_module_command.
func buildCommand(shebang, modPath, argsPath string) string {
	var parts []string
	if s := strings.TrimSpace(strings.Replace(shebang, "#!", "", 1)); s != "" {
		parts = append(parts, s)
	}
	parts = append(parts, shQuote(modPath))
	if argsPath != "" {
		parts = append(parts, shQuote(argsPath))
	}
	return strings.Join(parts, " ")
}

// remoteTmp is the shell's remote_tmp: the task's _ansible_remote_tmp
// argument, else the request's RemoteTmp (how the engine passes
// ansible_remote_tmp and ansible.cfg's remote_tmp), else the
// ansible_remote_tmp variable, else ~/.ansible/tmp.
func (m *Module) remoteTmp(req *modules.Request) string {
	if s, ok := req.Args["_ansible_remote_tmp"].(string); ok && strings.TrimSpace(s) != "" {
		return strings.TrimSpace(s)
	}
	if s := strings.TrimSpace(req.RemoteTmp); s != "" {
		return s
	}
	if s, ok := req.Vars["ansible_remote_tmp"].(string); ok && strings.TrimSpace(s) != "" {
		return strings.TrimSpace(s)
	}
	return DefaultRemoteTmp
}

var tmpMark = "GOPLAY_TMPDIR="

// makeTmp creates the private temporary directory as the sh shell plugin's
// mkdtemp does (umask 77, remote_tmp expanded by the target's shell) and,
// when asked, lists the Python interpreters found on the target.
func (m *Module) makeTmp(ctx context.Context, req *modules.Request, base string, discover bool) (string, []string, error) {
	var rnd [8]byte
	rand.Read(rnd[:])
	name := fmt.Sprintf("ansible-tmp-%s-%d-%d", strconv.FormatFloat(float64(time.Now().UnixMicro())/1e6, 'f', -1, 64), os.Getpid(), binary.BigEndian.Uint64(rnd[:])>>16)
	base = strings.TrimRight(base, "/")
	full := base + "/" + name
	cmd := fmt.Sprintf("( umask 77 && mkdir -p \"`echo %s`\" && mkdir \"`echo %s`\" && echo %s\"`echo %s`\" )", base, full, tmpMark, full)
	if discover {
		cmd += "; echo GOPLAY_FOUND; "
		for _, p := range pythonFallback {
			cmd += "command -v " + shQuote(p) + "; "
		}
		cmd += "echo GOPLAY_ENDFOUND"
	}
	stdout, stderr, rc, err := req.Conn.Exec(ctx, cmd, nil)
	if err != nil {
		return "", nil, err
	}
	out := string(stdout)
	i := strings.Index(out, tmpMark)
	if i < 0 {
		return "", nil, fmt.Errorf("Failed to create temporary directory. In some cases, you may have been able to authenticate and did not have permissions on the target directory. Consider changing the remote tmp path in ansible.cfg to a path rooted in \"/tmp\", for more error information use -vvv. Failed command was: %s, exited with result %d, stdout output: %s, stderr output: %s", cmd, rc, strings.TrimSpace(out), strings.TrimSpace(string(stderr)))
	}
	line, rest, _ := strings.Cut(out[i+len(tmpMark):], "\n")
	tmpdir := strings.TrimRight(line, "\r")
	var found []string
	if discover {
		if _, after, ok := strings.Cut(rest, "GOPLAY_FOUND\n"); ok {
			body, _, _ := strings.Cut(after, "GOPLAY_ENDFOUND")
			for _, l := range strings.Split(body, "\n") {
				l = strings.TrimSpace(l)
				if strings.HasPrefix(l, "/") && !containsStr(found, l) {
					found = append(found, l)
				}
			}
		}
	}
	return tmpdir, found, nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// moduleArgs is the task's arguments in their order followed by the
// _ansible_* arguments _update_module_args adds, in its order. An
// _ansible_* key in req.Args (the engine's way to pass what a Request does
// not carry, such as _ansible_no_log) replaces the computed value.
func (m *Module) moduleArgs(req *modules.Request, remoteTmp, tmpdir string) *pyfmt.OrderedMap {
	out := pyfmt.NewOrderedMap(len(req.Args) + 15)
	for _, k := range pyfmt.KeyOrder(req.Args) {
		if strings.HasPrefix(k, "_ansible_") {
			continue
		}
		out.Set(k, req.Args[k])
	}
	version := Version
	if v, ok := req.Vars["ansible_version"].(map[string]any); ok {
		if s, ok := v["full"].(string); ok && s != "" {
			version = s
		}
	}
	str := func(name, def string) any {
		if s, ok := req.Vars[name].(string); ok && s != "" {
			return s
		}
		return def
	}
	var socket any
	if s, ok := req.Vars["ansible_socket"].(string); ok && s != "" {
		socket = s
	}
	set := func(k string, v any) {
		if x, ok := req.Args[k]; ok {
			v = x
		}
		out.Set(k, v)
	}
	set("_ansible_check_mode", req.Check)
	set("_ansible_no_log", false)
	set("_ansible_debug", false)
	set("_ansible_diff", req.Diff)
	set("_ansible_verbosity", req.Verbosity)
	set("_ansible_version", version)
	set("_ansible_module_name", m.Name)
	set("_ansible_syslog_facility", str("ansible_syslog_facility", "LOG_USER"))
	set("_ansible_selinux_special_fs", []any{"fuse", "nfs", "vboxsf", "ramfs", "9p", "vfat"})
	set("_ansible_string_conversion_action", "warn")
	set("_ansible_socket", socket)
	set("_ansible_shell_executable", str("ansible_shell_executable", "/bin/sh"))
	set("_ansible_keep_remote_files", false)
	set("_ansible_tmpdir", tmpdir+"/")
	set("_ansible_remote_tmp", remoteTmp)
	return out
}

func boolArg(args map[string]any, k string, def bool) bool {
	v, ok := args[k]
	if !ok {
		return def
	}
	b, err := modules.ToBool(v)
	if err != nil {
		return def
	}
	return b
}

// oldStyleArgs is the key=value arguments file: each value is str()'d and
// shell-quoted, each pair followed by a space.
func oldStyleArgs(args *pyfmt.OrderedMap) string {
	var b strings.Builder
	for _, k := range args.Keys() {
		v, _ := args.Get(k)
		fmt.Fprintf(&b, "%s=%s ", k, pyQuote(pyfmt.Str(v)))
	}
	return b.String()
}

// asciiJSON is Python's json.dumps(v) (ensure_ascii, ", " and ": ").
func asciiJSON(v any) string {
	s := pyfmt.JSON(v, -1, false)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// jsonArgsModule substitutes the arguments into a JSON-args module.
func jsonArgsModule(data []byte, args *pyfmt.OrderedMap, req *modules.Request) []byte {
	j := asciiJSON(args)
	data = bytes.ReplaceAll(data, []byte(`"<<ANSIBLE_VERSION>>"`), []byte(pyfmt.Repr(pyfmt.Str(mustGet(args, "_ansible_version")))))
	data = bytes.ReplaceAll(data, []byte(`"<<INCLUDE_ANSIBLE_MODULE_COMPLEX_ARGS>>"`), []byte(pyfmt.Repr([]byte(j))))
	data = bytes.ReplaceAll(data, []byte("<<SELINUX_SPECIAL_FILESYSTEMS>>"), []byte("fuse,nfs,vboxsf,ramfs,9p,vfat"))
	data = bytes.ReplaceAll(data, []byte("<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>"), []byte(j))
	facility := pyfmt.Str(mustGet(args, "_ansible_syslog_facility"))
	return bytes.ReplaceAll(data, []byte("syslog.LOG_USER"), []byte("syslog."+facility))
}

func mustGet(m *pyfmt.OrderedMap, k string) any {
	v, _ := m.Get(k)
	return v
}

// pyQuote is Python's shlex.quote.
func pyQuote(s string) string {
	if s == "" {
		return "''"
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_@%+=:,./-", c) >= 0) {
			return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
		}
	}
	return s
}

// shQuote quotes a word for the target's shell.
func shQuote(s string) string { return pyQuote(s) }

// internalKeys are result keys a module may not set (INTERNAL_RESULT_KEYS).
var internalKeys = map[string]bool{"add_host": true, "add_group": true}

// parseResult turns the module's output into a result as ActionBase's
// _parse_returned_data, _execute_module and the task executor do.
func parseResult(stdout, stderr string, rc int, used string, req *modules.Request) *modules.Result {
	text, warns, err := filterNonJSON(stdout)
	var parsed map[string]any
	if err == nil {
		for _, w := range warns {
			warn(req, w)
		}
		v, perr := pyfmt.ParseJSON([]byte(text))
		if m, ok := v.(map[string]any); perr == nil && ok {
			parsed = m
		}
	}
	if parsed == nil {
		return moduleFailure(stdout, stderr, rc, used)
	}
	r := parsed
	for _, k := range pyfmt.KeyOrder(r) {
		if strings.HasPrefix(k, "_ansible_") && k != "_ansible_parsed" || internalKeys[k] {
			warn(req, fmt.Sprintf("Removed unexpected internal key in module return: %s = %s", k, pyfmt.Str(r[k])))
			delete(r, k)
		}
	}
	for _, k := range []string{"warnings", "deprecations"} {
		if v, ok := r[k]; ok && !truthy(v) {
			delete(r, k)
		}
	}
	if facts, ok := r["ansible_facts"].(map[string]any); ok {
		for k := range facts {
			if strings.HasPrefix(k, "discovered_interpreter_") || strings.HasPrefix(k, "ansible_discovered_interpreter_") {
				delete(facts, k)
			}
		}
	}
	if v, ok := r["results"]; ok {
		if _, list := v.([]any); !list {
			r["ansible_module_results"] = v
			delete(r, "results")
			warn(req, "Found internal 'results' key in module return, renamed to 'ansible_module_results'.")
		}
	}
	for _, k := range []string{"stdout", "stderr"} {
		if v, ok := r[k]; ok {
			if _, has := r[k+"_lines"]; !has {
				s, _ := v.(string)
				if !truthy(v) {
					s = ""
				}
				r[k+"_lines"] = splitlines(s)
			}
		}
	}
	res := &modules.Result{Data: r}
	if v, ok := r["failed"]; ok {
		res.Failed = truthy(v)
	} else if v, ok := r["rc"]; ok && !isZeroRC(v) {
		res.Failed = true
		r["failed"] = true
	}
	if v, ok := r["changed"]; ok {
		res.Changed = truthy(v)
	}
	if v, ok := r["skipped"]; ok {
		res.Skipped = truthy(v)
	}
	if s, ok := r["msg"].(string); ok {
		res.Msg = s
	}
	return res
}

func warn(req *modules.Request, msg string) {
	if req.Warn != nil {
		req.Warn(msg)
	}
}

func isZeroRC(v any) bool {
	switch x := v.(type) {
	case int:
		return x == 0
	case string:
		return x == "0"
	case float64:
		return x == 0
	case bool:
		return !x
	}
	return false
}

// truthy is Python's bool().
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// moduleFailure is the result for output that is not JSON.
func moduleFailure(stdout, stderr string, rc int, used string) *modules.Result {
	d := map[string]any{
		"module_stdout": stdout,
		"module_stderr": stderr,
		"rc":            rc,
	}
	if strings.HasPrefix(stderr, "Traceback") {
		d["exception"] = stderr
	} else if strings.HasPrefix(stdout, "Traceback") {
		d["exception"] = stdout
	}
	msg := "MODULE FAILURE"
	if used != "" {
		re, err := regexp.Compile(regexp.QuoteMeta(strings.TrimLeft(used, "!#")) + `: (?:No such file or directory|not found)`)
		if err == nil && (re.MatchString(stderr) || re.MatchString(stdout)) {
			msg = "The module failed to execute correctly, you probably need to set the interpreter."
		}
	}
	msg += "\nSee stdout/stderr for the exact error"
	d["msg"] = msg
	return &modules.Result{Failed: true, Msg: msg, Data: d}
}

var errNoJSON = errors.New("no JSON in module output")

// filterNonJSON is _filter_non_json_lines with objects_only: it drops the
// lines before the first one starting with "{" and after the last one
// ending with "}", warning about trailing junk.
func filterNonJSON(data string) (string, []string, error) {
	lines := pySplitlines(data)
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "{") {
			start = i
			break
		}
	}
	if start < 0 {
		return "", nil, errNoJSON
	}
	lines = lines[start:]
	end := -1
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasSuffix(strings.TrimSpace(lines[i]), "}") {
			end = i
			break
		}
	}
	if end < 0 {
		return "", nil, errNoJSON
	}
	var warns []string
	if trailing := lines[end+1:]; len(trailing) > 0 {
		for _, l := range trailing {
			if strings.TrimSpace(l) != "" {
				warns = append(warns, "Module invocation had junk after the JSON data: "+strings.Join(trailing, "\n"))
				break
			}
		}
	}
	return strings.Join(lines[:end+1], "\n"), warns, nil
}

func pySplitlines(s string) []string {
	out := splitlines(s)
	ss := make([]string, len(out))
	for i, x := range out {
		ss[i] = x.(string)
	}
	return ss
}

// splitlines is Python's str.splitlines().
func splitlines(s string) []any {
	out := []any{}
	rs := []rune(s)
	var cur []rune
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch r {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			out = append(out, string(cur))
			cur = cur[:0]
			continue
		case '\r':
			out = append(out, string(cur))
			cur = cur[:0]
			if i+1 < len(rs) && rs[i+1] == '\n' {
				i++
			}
			continue
		}
		cur = append(cur, r)
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}
