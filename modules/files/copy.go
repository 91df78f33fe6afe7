package files

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goplay/goplay/engine/vault"
	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "copy",
		Aliases:   []string{"ansible.builtin.copy"},
		New:       func() modules.Module { return new(Copy) },
		CheckMode: true,
		Short:     "Copy files to remote locations",
	})
}

// Copy is ansible.builtin.copy: the action plugin and the module in one.
type Copy struct {
	Src           string `arg:"src" doc:"Local path of a file or directory to copy (a trailing / copies a directory's contents)."`
	Content       any    `arg:"content" doc:"Text to write to dest instead of src."`
	Dest          string `arg:"dest" doc:"Remote absolute path where the file is copied to."`
	Backup        bool   `arg:"backup" doc:"Keep a timestamped backup of the replaced file."`
	Force         bool   `arg:"force" default:"true" aliases:"thirsty" doc:"Replace dest when its content differs; when false only copy if dest is missing."`
	Validate      string `arg:"validate" doc:"Command run on the staged file (%s is its path) before it replaces dest."`
	DirectoryMode any    `arg:"directory_mode" doc:"Mode of directories created by a recursive copy."`
	RemoteSrc     bool   `arg:"remote_src" doc:"src is a path on the target."`
	LocalFollow   bool   `arg:"local_follow" default:"true" doc:"Follow symbolic links in the local source."`
	Checksum      string `arg:"checksum" doc:"Expected SHA1 checksum of the source."`
	Follow        bool   `arg:"follow" doc:"Follow a symbolic link at dest."`
	Decrypt       bool   `arg:"decrypt" default:"true" doc:"Decrypt a vault-encrypted src on the controller before copying it."`
	Mode          any    `arg:"mode" doc:"Permissions of the file: octal, symbolic (u+rwx) or preserve."`
	Owner         string `arg:"owner" doc:"User that should own the file."`
	Group         string `arg:"group" doc:"Group that should own the file."`
	Seuser        string `arg:"seuser" doc:"Ignored (SELinux)."`
	Serole        string `arg:"serole" doc:"Ignored (SELinux)."`
	Setype        string `arg:"setype" doc:"Ignored (SELinux)."`
	Selevel       string `arg:"selevel" doc:"Ignored (SELinux)."`
	UnsafeWrites  bool   `arg:"unsafe_writes" doc:"Ignored."`
	Attributes    string `arg:"attributes" aliases:"attr" doc:"Ignored (chattr attributes)."`
	OrigBasename  string `arg:"_original_basename" doc:"Internal."`
}

func (c *Copy) fileArgs() fileArgs { return fileArgs{Mode: c.Mode, Owner: c.Owner, Group: c.Group} }

// Run copies the file or directory.
func (c *Copy) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	fail := func(msg string) (*modules.Result, error) { return modules.Failf("%s", msg), nil }
	switch {
	case c.Src == "" && c.Content == nil:
		return fail("src (or content) is required")
	case c.Dest == "":
		return fail("dest is required")
	case c.Src != "" && c.Content != nil:
		return fail("src and content are mutually exclusive")
	case c.Content != nil && strings.HasSuffix(c.Dest, "/"):
		return fail("can not use content with a dir as dest")
	}
	if c.Content != nil {
		data := contentBytes(c.Content)
		hdr := "content"
		if req.Tmp != "" {
			hdr = filepath.Join(req.Tmp, "content-"+nonce())
		}
		return c.copyOne(ctx, req, source{data: data, rel: filepath.Base(hdr), display: hdr}, c.Dest)
	}
	if c.RemoteSrc {
		return c.remote(ctx, req)
	}
	trailing := strings.HasSuffix(c.Src, "/")
	found, err := findFile(req, "files", c.Src)
	if err != nil {
		r := modules.Failf("%s", err.Error())
		r.Data = map[string]any{"exception": err.Error()}
		return r, nil
	}
	if trailing != strings.HasSuffix(found, "/") {
		if strings.HasSuffix(found, "/") {
			found = found[:len(found)-1]
		} else {
			found += "/"
		}
	}
	fi, err := os.Stat(found)
	if err != nil {
		return fail(fmt.Sprintf("could not find src=%s, %v", found, err))
	}
	if fi.IsDir() {
		return c.copyDir(ctx, req, found)
	}
	src, err := c.decrypted(req, source{path: found, rel: filepath.Base(found), display: found, mode: fi.Mode().Perm()})
	if err != nil {
		return modules.Failf("%v", err), nil
	}
	return c.copyOne(ctx, req, src, c.Dest)
}

// contentBytes is the text copy writes for content: strings as is, lists
// and dicts as JSON.
func contentBytes(v any) []byte {
	switch x := v.(type) {
	case string:
		return []byte(x)
	case map[string]any, []any:
		return []byte(pyJSON(x))
	}
	return []byte(modules.ToString(v))
}

// pyJSON renders v as Python's json.dumps does (", " and ": ").
func pyJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	// Re-space outside strings.
	s := strings.TrimSuffix(b.String(), "\n")
	var out strings.Builder
	inStr, esc := false, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		out.WriteByte(ch)
		if inStr {
			switch {
			case esc:
				esc = false
			case ch == '\\':
				esc = true
			case ch == '"':
				inStr = false
			}
			continue
		}
		switch ch {
		case '"':
			inStr = true
		case ',', ':':
			out.WriteByte(' ')
		}
	}
	return out.String()
}

// findFile locates a controller-side source with req.Find, or as a plain
// path when the engine gives no Find.
func findFile(req *modules.Request, kind, name string) (string, error) {
	if req.Find != nil {
		return req.Find(kind, name)
	}
	p := name
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("Could not find or access '%s' on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option", name)
	}
	if abs, err := filepath.Abs(p); err == nil {
		if strings.HasSuffix(p, "/") {
			abs += "/"
		}
		p = abs
	}
	return p, nil
}

// source is what one file copy writes: data in memory or a local file.
type source struct {
	data    []byte
	path    string
	rel     string // name under a directory dest
	display string // the controller path Ansible reports
	mode    os.FileMode
}

func (s source) size() (int64, error) {
	if s.path == "" {
		return int64(len(s.data)), nil
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func (s source) open() (io.ReadCloser, error) {
	if s.path == "" {
		return io.NopCloser(bytes.NewReader(s.data)), nil
	}
	return os.Open(s.path)
}

func (s source) sums() (string, string, error) {
	if s.path == "" {
		a, b := sums(s.data)
		return a, b, nil
	}
	return fileSums(s.path)
}

// readSmall returns the source's bytes when it is at most n long.
func (s source) readSmall(n int64) ([]byte, bool) {
	if s.path == "" {
		return s.data, int64(len(s.data)) <= n
	}
	fi, err := os.Stat(s.path)
	if err != nil || fi.Size() > n {
		return nil, false
	}
	b, err := os.ReadFile(s.path)
	return b, err == nil
}

// copyOne is the action's _copy_file followed by the copy (or file) module.
func (c *Copy) copyOne(ctx context.Context, req *modules.Request, src source, dest string) (*modules.Result, error) {
	localSum, localMD5, err := src.sums()
	if err != nil {
		return modules.Failf("could not find src=%s, %v", src.display, err), nil
	}
	mode := c.Mode
	if s, ok := mode.(string); ok && s == "preserve" {
		mode = fmt.Sprintf("0%03o", src.mode.Perm())
	}
	fa := fileArgs{Mode: mode, Owner: c.Owner, Group: c.Group}

	// One script inspects everything the decision needs and, in the
	// common case, writes the file too (see optimistic).
	var sc strings.Builder
	sc.WriteString("__sm=; __isdir=\n")
	if strings.HasSuffix(dest, "/") {
		fmt.Fprintf(&sc, "__f=%s%s\n", shPath(dest), shq(src.rel))
	} else {
		fmt.Fprintf(&sc, "__f=%s\n", shPath(dest))
	}
	sc.WriteString(`__st D "$__f"` + "\n")
	fmt.Fprintf(&sc, `if [ -d "$__f" ]; then echo ISDIR; __isdir=1; __f="${__f%%/}"/%s; __st E "$__f"; fi`+"\n", shq(src.rel))
	sc.WriteString(`printf 'DF %s\n' "$__f"; if [ -h "$__f" ]; then printf 'RPF %s\n' "$(readlink -f -- "$__f")"; fi` + "\n")
	if c.Follow {
		sc.WriteString(`if [ -f "$__f" ] && [ -r "$__f" ]; then __sum "$__f"; fi` + "\n")
	} else {
		sc.WriteString(`if [ -f "$__f" ] && [ ! -h "$__f" ] && [ -r "$__f" ]; then __sum "$__f"; fi` + "\n")
	}
	sc.WriteString(`__p=$(dirname -- "$__f"); if [ -d "$__p" ]; then echo 'PARENT 1'; fi` + "\n")
	sc.WriteString(umaskScript)
	sc.WriteString(fa.lookupScript())
	if req.Diff {
		fmt.Fprintf(&sc, `if [ -f "$__f" ] && [ "$(stat -L -c %%s -- "$__f")" -le %d ]; then __b64 OLD "$__f"; fi`+"\n", maxDiffSize)
	}
	ow, stdin, closeIn := c.optimistic(req, src, dest, localSum, mode)
	sc.WriteString(ow)
	o, err := run(ctx, req, sc.String(), stdin)
	closeIn()
	if err != nil {
		return nil, err
	}
	if o.rc != 0 {
		return o.failure(), nil
	}
	_, isDir := o.get("ISDIR")
	tag := "D"
	if isDir {
		if c.Content != nil {
			return &modules.Result{Failed: true, Msg: "can not use content with a dir as dest", Data: map[string]any{"diff": []any{}}}, nil
		}
		tag = "E"
	}
	lst := statOf(o, tag)
	st := lst
	if c.Follow {
		st = followed(o, tag)
	}
	destFile, _ := o.get("DF")
	if lst.Exists && !c.Force {
		return &modules.Result{Data: map[string]any{"dest": dest, "src": src.display}}, nil
	}
	destSum, _ := o.get("SUM")
	umask := umaskOf(o)
	diffs := []any{}

	if _, wrote := o.get("WROTE"); wrote {
		// The inspection script wrote the file already.
		if req.Diff {
			diffs = append(diffs, c.diffData(o, lst, destFile, src))
		}
		failData := map[string]any{"checksum": localSum, "diff": diffs}
		tmp, _ := o.get("TMP")
		w := &writeStep{dest: destFile, tmpName: tmp}
		if r := writeError(o, w, destFile, failData); r != nil {
			return c.decorateFailure(r, localSum, diffs, lst), nil
		}
		fin := statOf(o, "F")
		if has(o, "NOUSER") {
			return c.decorateFailure(failPath(destFile, "chown failed: failed to look up user "+c.Owner), localSum, diffs, fin), nil
		}
		if has(o, "NOGROUP") {
			return c.decorateFailure(failPath(destFile, "chgrp failed: failed to look up group "+c.Group), localSum, diffs, fin), nil
		}
		if !strings.Contains(destFile, "/") {
			destFile = "./" + destFile
		}
		d := map[string]any{"dest": destFile, "src": tmp, "md5sum": localMD5, "checksum": localSum, "diff": diffs}
		if bk, ok := o.get("BACKUP"); ok {
			d["backup_file"] = bk
		}
		pathInfo(d, fin, fin)
		return &modules.Result{Changed: true, Data: d}, nil
	}

	if localSum != destSum {
		if req.Diff {
			diffs = append(diffs, c.diffData(o, lst, destFile, src))
		}
		if req.Check {
			return &modules.Result{Changed: true, Data: map[string]any{"diff": diffs}}, nil
		}
		failData := map[string]any{"checksum": localSum, "diff": diffs}
		if c.Checksum != "" && c.Checksum != localSum {
			failData["expected_checksum"] = c.Checksum
			return &modules.Result{Failed: true, Msg: "Copied file does not match the expected checksum. Transfer failed.", Data: failData}, nil
		}
		_, parent := o.get("PARENT")
		mkdirs := false
		if !parent {
			if !strings.HasSuffix(dest, "/") {
				return &modules.Result{Failed: true, Msg: fmt.Sprintf("Destination directory %s does not exist", path.Dir(destFile)), Data: failData}, nil
			}
			mkdirs = true
		}
		// The attributes apply to the file as atomic_move leaves it: the
		// old file's mode and owner, or a new file's.
		base := lst
		replacedLink := lst.isLink() && !c.Follow
		if !lst.Exists || replacedLink {
			base = newStat(o, sIFREG|(0o666&^umask))
		} else if lst.isLink() {
			base = st
		}
		// A bad attribute fails the task after the file is in place, as
		// the copy module does.
		ch, attrFail := fa.plan(destFile, base, umask, o, nil)
		if attrFail != nil {
			ch = noChange
		}
		if c.Validate != "" && !strings.Contains(c.Validate, "%s") {
			return &modules.Result{Failed: true, Msg: "validate must contain %s: " + c.Validate, Data: failData}, nil
		}
		size, err := src.size()
		if err != nil {
			return modules.Failf("could not find src=%s, %v", src.display, err), nil
		}
		w := &writeStep{dest: destFile, size: size, backup: c.Backup, validate: c.Validate, attrs: ch,
			mkdirs: mkdirs, dirMode: -1, statTag: "F", noAttrsP: replacedLink}
		if mkdirs && c.DirectoryMode != nil {
			if m, f := resolveMode(path.Dir(destFile), c.DirectoryMode, fstat{Exists: true, Mode: sIFDIR | (0o777 &^ umask)}, umask); f == nil {
				w.dirMode = int(m)
			}
		}
		if c.Follow && lst.isLink() {
			// Write through the link, to the file it resolves to.
			if rp, ok := o.get("RPF"); ok && rp != "" {
				w.dest, destFile = rp, rp
			}
		}
		rd, err := src.open()
		if err != nil {
			return modules.Failf("could not find src=%s, %v", src.display, err), nil
		}
		defer rd.Close()
		if modules.Stager(req.Conn) != nil {
			w.stageVar = "__gs"
		}
		reopened := false
		prefix, stdin, cleanup, err := stage(ctx, req, []*writeStep{w}, func() io.Reader {
			if reopened {
				return &sizedReader{src: src, size: size}
			}
			reopened = true
			return rd
		})
		if err != nil {
			return nil, err
		}
		defer cleanup()
		o2, err := run(ctx, req, prefix+w.script(), stdin)
		if err != nil {
			return nil, err
		}
		if r := writeError(o2, w, destFile, failData); r != nil {
			return c.decorateFailure(r, localSum, diffs, st), nil
		}
		if !strings.Contains(destFile, "/") {
			destFile = "./" + destFile // the copy module's own spelling
		}
		d := map[string]any{
			"dest": destFile, "src": w.tmpName, "md5sum": localMD5, "checksum": localSum, "diff": diffs,
		}
		if bk, ok := o2.get("BACKUP"); ok {
			d["backup_file"] = bk
		}
		fin := statOf(o2, "F")
		if attrFail != nil {
			return c.decorateFailure(attrFail, localSum, diffs, fin), nil
		}
		pathInfo(d, fin, fin)
		return &modules.Result{Changed: true, Data: d}, nil
	}

	// Same content: the file module sets the attributes (of the link's
	// target when following).
	if c.Follow && lst.isLink() {
		if rp, ok := o.get("RPF"); ok && rp != "" {
			destFile = rp
		}
	}
	r, err := c.fileAttrs(ctx, req, destFile, fa, o, tag, localSum)
	return c.decorateFailure(r, localSum, diffs, st), err
}

// decorateFailure adds what the copy action adds to a failed module
// result: the local checksum, the diff list and the path's information.
func (c *Copy) decorateFailure(r *modules.Result, sum string, diffs []any, st fstat) *modules.Result {
	if r == nil || !r.Failed {
		return r
	}
	if r.Data == nil {
		r.Data = map[string]any{}
	}
	if _, ok := r.Data["checksum"]; !ok {
		r.Data["checksum"] = sum
	}
	if _, ok := r.Data["diff"]; !ok {
		r.Data["diff"] = diffs
	}
	if _, ok := r.Data["path"]; ok {
		if _, ok := r.Data["state"]; !ok {
			pathInfo(r.Data, st, st)
		}
	}
	return r
}

// optimisticMax is the largest file the inspection script carries along
// and writes when the checks on the target pass, saving a round trip.
const optimisticMax = 256 << 10

// optimistic returns the tail of copyOne's inspection script that writes
// the file in the same round trip when the target shows it must be written
// and nothing needs the controller's judgement (no link at dest, no
// symbolic mode, no expected checksum); else it returns "" and copyOne
// writes with a second script. The tail reads the data from stdin, or
// discards it when it does not write.
func (c *Copy) optimistic(req *modules.Request, src source, dest, sum string, mode any) (string, io.Reader, func()) {
	none := func() {}
	if req.Check || c.Checksum != "" || (c.Validate != "" && !strings.Contains(c.Validate, "%s")) {
		return "", nil, none
	}
	if modules.Stager(req.Conn) != nil {
		// The data is staged only once the target shows it must be
		// written, as the copy action transfers it.
		return "", nil, none
	}
	size, err := src.size()
	if err != nil || size > optimisticMax {
		return "", nil, none
	}
	octal := -1
	switch m := mode.(type) {
	case nil:
	case int:
		octal = m
	case int64:
		octal = int(m)
	case float64:
		if m != float64(int64(m)) || m < 0 {
			return "", nil, none
		}
		octal = int(m)
	default:
		n, ok := pyOctal(modules.ToString(m))
		if !ok || n < 0 {
			return "", nil, none
		}
		octal = int(n)
	}
	dirMode := -1
	if c.DirectoryMode != nil && strings.HasSuffix(dest, "/") {
		if n, ok := pyOctal(modules.ToString(c.DirectoryMode)); ok && n >= 0 {
			dirMode = int(n)
		} else if n, ok := c.DirectoryMode.(int); ok {
			dirMode = n
		} else {
			return "", nil, none
		}
	}
	var attrs strings.Builder
	attrs.WriteString("__nf=\n")
	if c.Owner != "" {
		if isNumeric(c.Owner) {
			fmt.Fprintf(&attrs, "__u=%s\n", c.Owner)
		} else {
			fmt.Fprintf(&attrs, "__u=$(id -u -- %s 2>/dev/null) || { __u=; echo 'NOUSER 1'; __nf=1; }\n", shq(c.Owner))
		}
		attrs.WriteString(`if [ -n "$__u" ]; then __e=$(chown "$__u" -- "$__t" 2>&1) || { printf 'ERR chown %s
' "$__e"; exit 0; }; fi` + "\n")
	}
	if c.Group != "" {
		if isNumeric(c.Group) {
			fmt.Fprintf(&attrs, "__g=%s\n", c.Group)
		} else {
			fmt.Fprintf(&attrs, "__g=$(getent group -- %s 2>/dev/null | cut -d: -f3); [ -n \"$__g\" ] || __g=$(sed -n %s /etc/group 2>/dev/null | head -n1)\n", shq(c.Group), shq("s/^"+regexpQuoteSed(c.Group)+`:[^:]*:\([0-9]*\):.*/\1/p`))
			attrs.WriteString(`[ -n "$__g" ] || [ -n "$__nf" ] || { echo 'NOGROUP 1'; __nf=1; }` + "\n")
		}
		attrs.WriteString(`if [ -n "$__g" ] && [ -z "$__nf" ]; then __e=$(chgrp "$__g" -- "$__t" 2>&1) || { printf 'ERR chgrp %s
' "$__e"; exit 0; }; fi` + "\n")
	}
	if octal >= 0 {
		fmt.Fprintf(&attrs, "if [ -z \"$__nf\" ]; then __e=$(chmod %04o -- \"$__t\" 2>&1) || { printf 'ERR chmod %%s\\n' \"$__e\"; exit 0; }; fi\n", octal&0o7777)
	}
	w := &writeStep{destVar: "__f", size: size, backup: c.Backup, validate: c.Validate, attrs: noChange,
		mkdirs: strings.HasSuffix(dest, "/"), dirMode: dirMode, statTag: "F", shellAttrs: attrs.String()}
	var b strings.Builder
	b.WriteString("__go=1\n")
	if c.Content != nil {
		b.WriteString(`[ -z "$__isdir" ] || __go=` + "\n")
	}
	if !c.Force {
		b.WriteString(`if [ -e "$__f" ] || [ -h "$__f" ]; then __go=; fi` + "\n")
	}
	fmt.Fprintf(&b, "if [ -h \"$__f\" ] || [ \"${__sm%%%% *}\" = %s ]; then __go=; fi\n", sum)
	if !strings.HasSuffix(dest, "/") {
		b.WriteString(`[ -d "$(dirname -- "$__f")" ] || __go=` + "\n")
	}
	b.WriteString("if [ -n \"$__go\" ]; then\necho 'WROTE 1'\n")
	b.WriteString(w.script())
	b.WriteString("else cat >/dev/null; fi\n")
	rd, err := src.open()
	if err != nil {
		return "", nil, none
	}
	return b.String(), rd, func() { rd.Close() }
}

// regexpQuoteSed escapes a name for a sed basic regular expression.
func regexpQuoteSed(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.*[]^$/`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fileAttrs runs the file module's state=file on an up-to-date copy.
func (c *Copy) fileAttrs(ctx context.Context, req *modules.Request, destFile string, fa fileArgs, o *output, tag, sum string) (*modules.Result, error) {
	st := followed(o, tag)
	diff := map[string]any{"before": map[string]any{"path": destFile}, "after": map[string]any{"path": destFile}}
	ch, f := fa.plan(destFile, st, umaskOf(o), o, diff)
	if f != nil {
		return f, nil
	}
	d := map[string]any{"path": destFile, "dest": destFile, "checksum": sum, "diff": diff}
	if !ch.any() || req.Check {
		pathInfo(d, st, st)
		return &modules.Result{Changed: ch.any(), Data: d}, nil
	}
	script := fmt.Sprintf("__d=%s\n", shq(destFile)) + ch.applyScript("__d", false) + "__st F \"$__d\"\n"
	o2, err := run(ctx, req, script, nil)
	if err != nil {
		return nil, err
	}
	if r := attrError(o2, destFile); r != nil {
		return r, nil
	}
	fin := statOf(o2, "F")
	pathInfo(d, fin, fin)
	return &modules.Result{Changed: true, Data: d}, nil
}

// writeError turns a failed writeStep into Ansible's failure.
func writeError(o *output, w *writeStep, destFile string, data map[string]any) *modules.Result {
	if o.rc != 0 {
		return &modules.Result{Failed: true, Msg: fmt.Sprintf("failed to copy: %s to %s", w.tmpName, destFile), Data: withErr(data, o.errText())}
	}
	v, ok := o.get("ERR")
	if !ok {
		return nil
	}
	kind, text, _ := strings.Cut(v, " ")
	switch kind {
	case "validate":
		d := withErr(data, "")
		delete(d, "module_stderr")
		rc, _ := o.get("VRC")
		n := 0
		fmt.Sscan(rc, &n)
		out, _ := o.b64("VOUT")
		errb, _ := o.b64("VERR")
		d["exit_status"] = n
		d["stdout"] = string(out)
		d["stderr"] = string(errb)
		d["stdout_lines"] = splitLines(string(out))
		d["stderr_lines"] = splitLines(string(errb))
		return &modules.Result{Failed: true, Msg: "failed to validate", Data: d}
	case "chown", "chgrp", "chmod":
		return attrError(o, destFile)
	case "mkdir":
		return &modules.Result{Failed: true, Msg: fmt.Sprintf("Destination directory %s is not accessible: %s", path.Dir(destFile), text), Data: withErr(data, "")}
	case "backup":
		return &modules.Result{Failed: true, Msg: "Could not make backup of " + destFile, Data: withErr(data, "")}
	}
	if strings.Contains(text, "Permission denied") || strings.Contains(text, "Read-only") {
		return &modules.Result{Failed: true, Msg: fmt.Sprintf("Destination %s not writable", path.Dir(destFile)), Data: withErr(data, "")}
	}
	return &modules.Result{Failed: true, Msg: fmt.Sprintf("failed to copy: %s to %s", w.tmpName, destFile), Data: withErr(data, text)}
}

func withErr(data map[string]any, stderr string) map[string]any {
	d := map[string]any{}
	for k, v := range data {
		d[k] = v
	}
	if stderr != "" {
		d["module_stderr"] = stderr
	}
	return d
}

// diffData is the action's _get_diff_data.
func (c *Copy) diffData(o *output, lst fstat, destFile string, src source) map[string]any {
	d := map[string]any{}
	st := lst
	if lst.isLink() {
		st = statOf(o, "DL")
		if _, isDir := o.get("ISDIR"); isDir {
			st = statOf(o, "EL")
		}
	}
	switch {
	case !st.Exists:
		d["before"] = ""
	case st.Size > maxDiffSize:
		d["dst_larger"] = maxDiffSize
	default:
		old, ok := o.b64("OLD")
		switch {
		case ok && isBinary(old[:min(len(old), 8192)]):
			d["dst_binary"] = 1
		case ok:
			d["before_header"] = destFile
			d["before"] = string(old)
		}
	}
	if data, ok := src.readSmall(maxDiffSize); ok {
		if isBinary(data) {
			d["src_binary"] = 1
		} else {
			d["after_header"] = src.display
			d["after"] = string(data)
		}
	} else {
		d["src_larger"] = maxDiffSize
	}
	return d
}

// copyDir copies a local directory tree.
func (c *Copy) copyDir(ctx context.Context, req *modules.Request, srcDir string) (*modules.Result, error) {
	dest := c.Dest
	if !strings.HasSuffix(dest, "/") {
		dest += "/"
	}
	files, dirs, links, err := walkLocal(srcDir, c.LocalFollow)
	if err != nil {
		return modules.Failf("%v", err), nil
	}
	for i := range files {
		if files[i], err = c.decrypted(req, files[i]); err != nil {
			return modules.Failf("%v", err), nil
		}
	}
	if len(files) == 1 && len(dirs) == 0 && len(links) == 0 {
		r, err := c.copyOne(ctx, req, files[0], dest)
		return r, err
	}
	fa := c.fileArgs()
	dfa := fileArgs{Mode: c.DirectoryMode, Owner: c.Owner, Group: c.Group}

	var sc strings.Builder
	fmt.Fprintf(&sc, "__r=%s\n", shPath(dest))
	sc.WriteString(`printf 'ROOT %s\n' "$__r"` + "\n")
	for i, d := range dirs {
		fmt.Fprintf(&sc, "__st G%d \"$__r\"%s\n", i, shq(d))
	}
	for i, f := range files {
		fmt.Fprintf(&sc, "__f=\"$__r\"%s; __st F%d \"$__f\"; if [ -f \"$__f\" ] && [ ! -h \"$__f\" ]; then __s=$(sha1sum < \"$__f\" 2>/dev/null) && printf 'S%d %%s\\n' \"${__s%%%% *}\"; fi\n", shq(f.rel), i, i)
	}
	for i, l := range links {
		fmt.Fprintf(&sc, "__st K%d \"$__r\"%s; printf 'T%d %%s\\n' \"$(readlink -- \"$__r\"%s)\"\n", i, shq(l.rel), i, shq(l.rel))
	}
	sc.WriteString(umaskScript)
	sc.WriteString(fa.lookupScript())
	o, err := run(ctx, req, sc.String(), nil)
	if err != nil {
		return nil, err
	}
	if o.rc != 0 {
		return o.failure(), nil
	}
	root, _ := o.get("ROOT")
	umask := umaskOf(o)
	changed := false
	var apply strings.Builder
	var streams []io.Reader
	var steps []*writeStep
	var sources []sizedReader // streams' sources, to read them again
	stager := modules.Stager(req.Conn) != nil
	newDir := newStat(o, sIFDIR|(0o777&^umask))
	// With exactly one file the action reports the last module it ran: the
	// last symbolic link's or directory's file module (see lastResult).
	var last struct {
		p, kind, src string
		prev         fstat
		diff         map[string]any
		changed      bool
	}
	for i, d := range dirs {
		st := statOf(o, fmt.Sprintf("G%d", i))
		p := root + d
		prev := st
		dchanged := false
		if !st.Exists {
			changed, dchanged = true, true
			st = newDir
			fmt.Fprintf(&apply, "__d=%s; __e=$(mkdir -p -- \"$__d\" 2>&1) || { printf 'ERR mkdir %%s\\n' \"$__e\"; exit 0; }\n", shq(p))
		}
		diff := initialDiff(p, "directory", getState(prev))
		ch, f := dfa.plan(p, st, umask, o, diff)
		if f != nil {
			return f, nil
		}
		if ch.any() {
			changed, dchanged = true, true
			fmt.Fprintf(&apply, "__d=%s\n%s", shq(p), ch.applyScript("__d", false))
		}
		last.p, last.kind, last.prev, last.diff, last.changed = p, "directory", prev, diff, dchanged
	}
	for i, f := range files {
		st := statOf(o, fmt.Sprintf("F%d", i))
		sum, _ := o.get(fmt.Sprintf("S%d", i))
		p := root + f.rel
		mode := c.Mode
		if s, ok := mode.(string); ok && s == "preserve" {
			mode = fmt.Sprintf("0%03o", f.mode.Perm())
		}
		ffa := fileArgs{Mode: mode, Owner: c.Owner, Group: c.Group}
		if st.Exists && !c.Force {
			continue
		}
		local, _, err := f.sums()
		if err != nil {
			return modules.Failf("could not find src=%s, %v", f.display, err), nil
		}
		if local == sum {
			ch, fl := ffa.plan(p, st, umask, o, nil)
			if fl != nil {
				return fl, nil
			}
			if ch.any() {
				changed = true
				fmt.Fprintf(&apply, "__d=%s\n%s", shq(p), ch.applyScript("__d", false))
			}
			continue
		}
		changed = true
		base := st
		if !st.Exists || st.isLink() {
			base = newStat(o, sIFREG|(0o666&^umask))
		}
		ch, fl := ffa.plan(p, base, umask, o, nil)
		if fl != nil {
			return fl, nil
		}
		size, err := f.size()
		if err != nil {
			return modules.Failf("could not find src=%s, %v", f.display, err), nil
		}
		w := &writeStep{dest: p, size: size, backup: c.Backup, validate: c.Validate, attrs: ch, mkdirs: true, dirMode: -1, noAttrsP: st.isLink()}
		if stager {
			w.stageVar = fmt.Sprintf("__gs%d", len(steps))
		}
		steps = append(steps, w)
		apply.WriteString(w.script())
		streams = append(streams, &sizedReader{src: f, size: size})
		sources = append(sources, sizedReader{src: f, size: size})
	}
	for i, l := range links {
		st := statOf(o, fmt.Sprintf("K%d", i))
		cur, _ := o.get(fmt.Sprintf("T%d", i))
		p := root + l.rel
		diff := initialDiff(p, "link", getState(st))
		last.p, last.kind, last.src, last.prev, last.diff, last.changed = p, "link", l.path, st, diff, false
		if st.isLink() && cur == l.path {
			continue
		}
		if st.isLink() {
			diffSide(diff, "before")["src"] = cur
			diffSide(diff, "after")["src"] = l.path
		}
		changed, last.changed = true, true
		fmt.Fprintf(&apply, "__e=$(ln -sfn -- %s %s 2>&1) || { printf 'ERR link %%s\\n' \"$__e\"; exit 0; }\n", shq(l.path), shq(p))
	}
	res := &modules.Result{Changed: changed, Data: map[string]any{"dest": root, "src": srcDir}}
	lastResult := func(fin fstat) *modules.Result {
		if len(files) != 1 || last.p == "" {
			return res
		}
		d := map[string]any{"diff": last.diff}
		if last.kind == "link" {
			d["dest"], d["src"] = last.p, last.src
		} else {
			d["path"] = last.p
		}
		pathInfo(d, fin, fin)
		return &modules.Result{Changed: last.changed, Data: d}
	}
	if last.p != "" && len(files) == 1 {
		fmt.Fprintf(&apply, "__st Z %s\n", shq(last.p))
	}
	if !changed || req.Check || apply.Len() == 0 {
		return lastResult(last.prev), nil
	}
	reread := false
	prefix, stdin, cleanup, err := stage(ctx, req, steps, func() io.Reader {
		if !reread {
			reread = true
			return io.MultiReader(streams...)
		}
		rs := make([]io.Reader, len(sources))
		for i, sr := range sources {
			rs[i] = &sizedReader{src: sr.src, size: sr.size}
		}
		return io.MultiReader(rs...)
	})
	if err != nil {
		return nil, err
	}
	defer cleanup()
	o2, err := run(ctx, req, prefix+apply.String(), stdin)
	if err != nil {
		return nil, err
	}
	if o2.rc != 0 {
		return o2.failure(), nil
	}
	if v, ok := o2.get("ERR"); ok {
		kind, text, _ := strings.Cut(v, " ")
		if kind == "chown" || kind == "chgrp" || kind == "chmod" {
			return attrError(o2, root), nil
		}
		return modules.Failf("failed to copy to %s: %s %s", root, kind, text), nil
	}
	return lastResult(statOf(o2, "Z")), nil
}

// sizedReader yields exactly size bytes of a source, opening it only when
// first read and closing it at the end, so that many files can share one
// stream (each read on the target with head -c size) without holding every
// file open, and a file that changes size meanwhile cannot shift the
// files after it.
type sizedReader struct {
	src  source
	size int64
	rd   io.ReadCloser
	done bool
}

func (s *sizedReader) Read(p []byte) (int, error) {
	if s.size <= 0 || s.done {
		s.close()
		return 0, io.EOF
	}
	if s.rd == nil {
		rd, err := s.src.open()
		if err != nil {
			s.done = true
			return 0, err
		}
		s.rd = rd
	}
	if int64(len(p)) > s.size {
		p = p[:s.size]
	}
	n, err := s.rd.Read(p)
	s.size -= int64(n)
	if err == io.EOF && s.size > 0 {
		// The file shrank: pad, keeping the stream aligned.
		for i := n; i < len(p) && s.size > 0; i++ {
			p[i] = 0
			n++
			s.size--
		}
		err = nil
	}
	if s.size == 0 {
		s.close()
	}
	if err == io.EOF {
		err = nil
	}
	return n, err
}

func (s *sizedReader) close() {
	if s.rd != nil {
		s.rd.Close()
		s.rd = nil
	}
	s.done = true
}

// walkLocal lists a local source directory as the copy action's _walk_dirs:
// files and directories relative to dest (under the directory's own name
// unless src ends with /; that directory itself is not listed), and,
// without local_follow, symbolic links (whose path field holds the link
// target).
func walkLocal(src string, follow bool) ([]source, []string, []source, error) {
	trailing := strings.HasSuffix(src, "/")
	root := strings.TrimSuffix(src, "/")
	prefix := ""
	if !trailing {
		prefix = filepath.Base(root) + "/"
	}
	var files []source
	var dirs []string
	var links []source
	seen := map[string]bool{}
	var walk func(dir, rel string, depth int) error
	walk = func(dir, rel string, depth int) error {
		if depth > 64 {
			return nil
		}
		real, err := filepath.EvalSymlinks(dir)
		if err == nil {
			if seen[real] {
				return nil
			}
			seen[real] = true
			defer delete(seen, real)
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
		for _, e := range ents {
			full := filepath.Join(dir, e.Name())
			r := rel + e.Name()
			if e.Type()&os.ModeSymlink != 0 {
				if !follow {
					t, err := os.Readlink(full)
					if err != nil {
						return err
					}
					links = append(links, source{path: t, rel: r})
					continue
				}
				fi, err := os.Stat(full)
				if err != nil {
					continue // dangling link
				}
				if fi.IsDir() {
					dirs = append(dirs, r)
					if err := walk(full, r+"/", depth+1); err != nil {
						return err
					}
					continue
				}
				files = append(files, source{path: full, rel: r, display: full, mode: fi.Mode().Perm()})
				continue
			}
			if e.IsDir() {
				dirs = append(dirs, r)
				if err := walk(full, r+"/", depth+1); err != nil {
					return err
				}
				continue
			}
			fi, err := e.Info()
			if err != nil {
				return err
			}
			if !fi.Mode().IsRegular() {
				continue
			}
			files = append(files, source{path: full, rel: r, display: full, mode: fi.Mode().Perm()})
		}
		return nil
	}
	if err := walk(root, prefix, 0); err != nil {
		return nil, nil, nil, err
	}
	return files, dirs, links, nil
}

// remote is copy with remote_src: the source is on the target.
func (c *Copy) remote(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	fa := c.fileArgs()
	var sc strings.Builder
	fmt.Fprintf(&sc, "__s=%s; __d=%s\n", shPath(c.Src), shPath(c.Dest))
	sc.WriteString(`printf 'SRC %s\nDST %s\n' "$__s" "$__d"
if [ ! -e "$__s" ]; then echo 'NOSRC'; exit 0; fi
if [ ! -r "$__s" ]; then echo 'NOREAD'; exit 0; fi
__st S "$__s"
if [ -f "$__s" ]; then __sum "$__s"; __m=$(md5sum < "$__s") && printf 'MD5 %s\n' "${__m%% *}"; fi
__st D "$__d"
`)
	fmt.Fprintf(&sc, `if [ -d "$__d" ] && [ -f "$__s" ]; then __f="${__d%%/}"/%s; else __f="$__d"; fi`+"\n", shq(path.Base(c.Src)))
	sc.WriteString(`printf 'DF %s\n' "$__f"; __st E "$__f"
if [ -f "$__f" ] && [ ! -h "$__f" ]; then __s2=$(sha1sum < "$__f") && printf 'DSUM %s\n' "${__s2%% *}"; fi
__p=$(dirname -- "$__f"); if [ -d "$__p" ]; then echo 'PARENT 1'; fi
`)
	sc.WriteString(umaskScript)
	sc.WriteString(fa.lookupScript())
	o, err := run(ctx, req, sc.String(), nil)
	if err != nil {
		return nil, err
	}
	srcPath, _ := o.get("SRC")
	if _, ok := o.get("NOSRC"); ok {
		return modules.Failf("Source %s not found", srcPath), nil
	}
	if _, ok := o.get("NOREAD"); ok {
		return modules.Failf("Source %s not readable", srcPath), nil
	}
	sst := statOf(o, "S")
	umask := umaskOf(o)
	mode := c.Mode
	if s, ok := mode.(string); ok && s == "preserve" {
		mode = sst.modeStr()
		fa.Mode = mode
	}
	if sst.isDir() || (sst.isLink() && !sst.isReg()) {
		if !sst.isDir() {
			// A link: decide on what it points to.
			s2 := statOf(o, "SL")
			if !s2.isDir() {
				return modules.Failf("Cannot copy invalid source '%s': not a file", srcPath), nil
			}
		}
		return c.remoteDir(ctx, req, o, srcPath)
	}
	if !sst.isReg() && !statOf(o, "SL").isReg() {
		return modules.Failf("Cannot copy invalid source '%s': not a file", srcPath), nil
	}
	sum, _ := o.get("SUM")
	md5s, _ := o.get("MD5")
	if c.Checksum != "" && c.Checksum != sum {
		return &modules.Result{Failed: true, Msg: "Copied file does not match the expected checksum. Transfer failed.",
			Data: map[string]any{"checksum": sum, "expected_checksum": c.Checksum}}, nil
	}
	destFile, _ := o.get("DF")
	lst := statOf(o, "E")
	if lst.Exists && !c.Force {
		return &modules.Result{Msg: "file already exists", Data: map[string]any{"src": srcPath, "dest": destFile}}, nil
	}
	dsum, _ := o.get("DSUM")
	d := map[string]any{"dest": destFile, "src": srcPath, "md5sum": md5s, "checksum": sum}
	changed := dsum != sum || lst.isLink()
	if _, ok := o.get("PARENT"); !ok && changed {
		return modules.Failf("Destination directory %s does not exist", path.Dir(destFile)), nil
	}
	base := lst
	if !lst.Exists || lst.isLink() {
		base = newStat(o, sIFREG|(0o666&^umask))
	}
	ch, f := fa.plan(destFile, base, umask, o, nil)
	if f != nil {
		return f, nil
	}
	if !changed && !ch.any() {
		pathInfo(d, lst, lst)
		return &modules.Result{Data: d}, nil
	}
	if req.Check {
		pathInfo(d, lst, lst)
		return &modules.Result{Changed: true, Data: d}, nil
	}
	var ap strings.Builder
	fmt.Fprintf(&ap, "__d=%s\n", shq(destFile))
	if changed {
		tmp := path.Join(path.Dir(destFile), "."+path.Base(destFile)+".goplay-"+nonce()+".tmp")
		if c.Backup && lst.isReg() {
			ap.WriteString(`__bk "$__d"` + "\n")
		}
		fmt.Fprintf(&ap, "__t=%s\n", shq(tmp))
		fmt.Fprintf(&ap, "__e=$(cp -p -- %s \"$__t\" 2>&1) || { rm -f -- \"$__t\"; printf 'ERR copy %%s\\n' \"$__e\"; exit 0; }\n", shq(srcPath))
		if lst.isReg() {
			ap.WriteString(`chmod --reference="$__d" -- "$__t" 2>/dev/null; chown --reference="$__d" -- "$__t" 2>/dev/null` + "\n")
		} else {
			fmt.Fprintf(&ap, "chmod %04o -- \"$__t\"\n", 0o666&^umask)
		}
		ap.WriteString(`__e=$(mv -f -- "$__t" "$__d" 2>&1) || { rm -f -- "$__t"; printf 'ERR copy %s\n' "$__e"; exit 0; }` + "\n")
	}
	ap.WriteString(ch.applyScript("__d", false))
	ap.WriteString(`__st F "$__d"` + "\n")
	o2, err := run(ctx, req, ap.String(), nil)
	if err != nil {
		return nil, err
	}
	if v, ok := o2.get("ERR"); ok {
		if strings.HasPrefix(v, "copy ") {
			return modules.Failf("failed to copy: %s to %s", srcPath, destFile), nil
		}
		return attrError(o2, destFile), nil
	}
	if bk, ok := o2.get("BACKUP"); ok {
		d["backup_file"] = bk
	}
	fin := statOf(o2, "F")
	pathInfo(d, fin, fin)
	return &modules.Result{Changed: true, Data: d}, nil
}

// remoteDir copies a directory on the target with cp -R.
func (c *Copy) remoteDir(ctx context.Context, req *modules.Request, o *output, srcPath string) (*modules.Result, error) {
	destArg, _ := o.get("DST")
	dst := statOf(o, "D")
	target := destArg
	resDest := destArg
	if dst.isDir() {
		resDest = strings.TrimSuffix(destArg, "/") + "/" + path.Base(srcPath)
		if strings.HasSuffix(srcPath, "/") {
			resDest = strings.TrimSuffix(destArg, "/") + "/"
			target = destArg
		} else {
			target = resDest
		}
	} else if !strings.HasSuffix(srcPath, "/") {
		target = strings.TrimSuffix(destArg, "/") + "/" + path.Base(srcPath)
	}
	fa := c.fileArgs()
	// Compare the trees: every file's checksum, relative path first.
	list := func(v string) string {
		return fmt.Sprintf(`if [ -d "$%s" ]; then (cd "$%s" && find . \( -type f -o -type l -o -type d \) -print | sort | while IFS= read -r __x; do if [ -f "$__x" ] && [ ! -h "$__x" ]; then __h=$(sha1sum < "$__x"); echo "${__h%%%% *} $__x"; elif [ -h "$__x" ]; then echo "L:$(readlink -- "$__x") $__x"; else echo "D $__x"; fi; done); fi`, v, v)
	}
	script := fmt.Sprintf("__s=%s; __t=%s\necho '--'\n%s\necho '=='\n%s\n", shq(srcPath), shq(target), list("__s"), list("__t"))
	o2, err := run(ctx, req, script, nil)
	if err != nil {
		return nil, err
	}
	out := string(o2.stdout)
	_, rest, _ := strings.Cut(out, "--\n")
	a, b, _ := strings.Cut(rest, "==\n")
	srcSet := map[string]bool{}
	for _, l := range strings.Split(a, "\n") {
		if l != "" {
			srcSet[l] = true
		}
	}
	dstSet := map[string]bool{}
	for _, l := range strings.Split(b, "\n") {
		if l != "" {
			dstSet[l] = true
		}
	}
	changed := false
	for l := range srcSet {
		if !dstSet[l] {
			changed = true
			break
		}
	}
	d := map[string]any{"dest": resDest, "src": srcPath, "md5sum": nil, "checksum": nil}
	if changed && !req.Check {
		var ap strings.Builder
		fmt.Fprintf(&ap, "__s=%s; __t=%s\n", shq(srcPath), shq(target))
		ap.WriteString(`__e=$( (mkdir -p -- "$__t" && cp -RP -- "$__s"/. "$__t"/) 2>&1) || { printf 'ERR copy %s\n' "$__e"; exit 0; }` + "\n")
		if c.Owner != "" || c.Group != "" {
			own := c.Owner
			if c.Group != "" {
				own += ":" + c.Group
			}
			fmt.Fprintf(&ap, "__e=$(chown -hR -- %s \"$__t\" 2>&1) || { printf 'ERR chown %%s\\n' \"$__e\"; exit 0; }\n", shq(own))
		}
		o3, err := run(ctx, req, ap.String(), nil)
		if err != nil {
			return nil, err
		}
		if v, ok := o3.get("ERR"); ok {
			return modules.Failf("failed to copy: %s to %s: %s", srcPath, target, v), nil
		}
	}
	// The file attributes apply to the reported dest.
	var sc strings.Builder
	fmt.Fprintf(&sc, "__d=%s; __st F \"$__d\"\n%s", shq(resDest), umaskScript)
	sc.WriteString(fa.lookupScript())
	o4, err := run(ctx, req, sc.String(), nil)
	if err != nil {
		return nil, err
	}
	fin := statOf(o4, "F")
	if fin.Exists {
		ch, f := fa.plan(resDest, fin, umaskOf(o4), o4, nil)
		if f != nil {
			return f, nil
		}
		if ch.any() {
			changed = true
			if !req.Check {
				o5, err := run(ctx, req, fmt.Sprintf("__d=%s\n", shq(resDest))+ch.applyScript("__d", false)+"__st F \"$__d\"\n", nil)
				if err != nil {
					return nil, err
				}
				if r := attrError(o5, resDest); r != nil {
					return r, nil
				}
				fin = statOf(o5, "F")
			}
		}
	}
	pathInfo(d, fin, fin)
	return &modules.Result{Changed: changed, Data: d}, nil
}

// decrypted gives a vault-encrypted source file's plaintext as the source
// (with decrypt, the default: the action's get_real_file decrypts it into a
// private controller temp file, which --diff names).
func (c *Copy) decrypted(req *modules.Request, s source) (source, error) {
	if !c.Decrypt || s.path == "" || !vault.IsEncryptedFile(s.path) {
		return s, nil
	}
	data, err := vault.ReadFile(s.path)
	if err != nil {
		return s, err
	}
	s.data, s.path = data, ""
	if req.Tmp != "" {
		tmp := filepath.Join(req.Tmp, "vault-"+nonce())
		if os.WriteFile(tmp, data, 0o600) == nil {
			s.display = tmp
		}
	}
	return s, nil
}
