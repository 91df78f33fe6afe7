package files

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/goplay/goplay/modules"
)

// editTarget is a text file that lineinfile or blockinfile edits on the
// controller: it is read with one script and written back with another.
type editTarget struct {
	path    string // as given, ~ expanded
	real    string // realpath (atomic_move writes there)
	isDir   bool
	exists  bool
	content []byte
	st      fstat // stat(2) of the file
	o       *output
}

// loadEdit reads the file and everything the edit needs.
func loadEdit(ctx context.Context, req *modules.Request, p string, fa fileArgs) (*editTarget, error) {
	var sc strings.Builder
	fmt.Fprintf(&sc, "__p=%s\nprintf 'P %%s\\n' \"$__p\"\n", shPath(p))
	sc.WriteString(`if [ -d "$__p" ]; then echo 'ISDIR 1'; exit 0; fi
if [ -e "$__p" ]; then printf 'RP %s\n' "$(readlink -f -- "$__p")"; __st S "$__p"; __b64 C "$__p"; else printf 'RP %s\n' "$(readlink -m -- "$__p")"; fi
`)
	sc.WriteString(umaskScript)
	sc.WriteString(fa.lookupScript())
	o, err := run(ctx, req, sc.String(), nil)
	if err != nil {
		return nil, err
	}
	e := &editTarget{o: o}
	e.path, _ = o.get("P")
	e.real, _ = o.get("RP")
	if e.real == "" {
		e.real = e.path
	}
	_, e.isDir = o.get("ISDIR")
	e.st = followed(o, "S")
	e.exists = e.st.Exists
	if e.exists {
		c, ok := o.b64("C")
		if !ok {
			return nil, fmt.Errorf("could not read %s: %s", e.path, o.errText())
		}
		e.content = c
	}
	return e, nil
}

// commit writes data (when write is set) and sets the file attributes,
// filling attrDiff. It returns the backup name, whether the attributes
// changed, or a failure.
func (e *editTarget) commit(ctx context.Context, req *modules.Request, data []byte, write, backup bool, validate string, fa fileArgs, attrDiff map[string]any) (string, bool, *modules.Result, error) {
	umask := umaskOf(e.o)
	base := e.st
	if !e.exists {
		base = newStat(e.o, sIFREG|(0o666&^umask))
	}
	ch, fl := fa.plan(e.path, base, umask, e.o, attrDiff)
	if fl != nil {
		return "", false, fl, nil
	}
	if !e.exists && !write {
		ch = noChange
	}
	if req.Check || (!write && !ch.any()) {
		return "", ch.any(), nil, nil
	}
	if write && validate != "" && !strings.Contains(validate, "%s") {
		return "", false, modules.Failf("validate must contain %%s: %s", validate), nil
	}
	var script string
	var stdin *bytes.Reader
	if write {
		w := &writeStep{dest: e.real, size: int64(len(data)), backup: backup && e.exists, validate: validate,
			attrs: ch, mkdirs: !e.exists, dirMode: -1}
		script = w.script()
		stdin = bytes.NewReader(data)
	} else {
		script = fmt.Sprintf("__d=%s\n", shq(e.path)) + ch.applyScript("__d", false)
	}
	var o *output
	var err error
	if stdin != nil {
		o, err = run(ctx, req, script, stdin)
	} else {
		o, err = run(ctx, req, script, nil)
	}
	if err != nil {
		return "", false, nil, err
	}
	if v, ok := o.get("ERR"); ok {
		kind, text, _ := strings.Cut(v, " ")
		switch kind {
		case "validate":
			rc, _ := o.get("VRC")
			errb, _ := o.b64("VERR")
			return "", false, modules.Failf("failed to validate: rc:%s error:%s", rc, errb), nil
		case "chown", "chgrp", "chmod":
			return "", false, attrError(o, e.path), nil
		case "mkdir":
			return "", false, modules.Failf("Error creating %s (%s)", path.Dir(e.real), pyErrno(text)), nil
		}
		return "", false, modules.Failf("Unable to make %s into to %s, failed final rename from %s: %s", e.real, e.real, e.real, pyErrno(text)), nil
	}
	if o.rc != 0 {
		return "", false, modules.Failf("%s", o.errText()), nil
	}
	bk, _ := o.get("BACKUP")
	return bk, ch.any(), nil, nil
}

// pyRegexp compiles a Python regular expression with Go's engine,
// translating what differs in syntax.
func pyRegexp(expr string) (*regexp.Regexp, error) {
	var b strings.Builder
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		if c == '\\' && i+1 < len(expr) {
			switch expr[i+1] {
			case 'Z':
				b.WriteString(`\z`)
				i++
				continue
			}
			b.WriteByte(c)
			b.WriteByte(expr[i+1])
			i++
			continue
		}
		b.WriteByte(c)
	}
	return regexp.Compile(b.String())
}

// pySearch is re.search on one line as Python sees it: $ also matches
// before a final newline.
func pySearch(re *regexp.Regexp, line []byte) []int {
	if m := re.FindSubmatchIndex(line); m != nil {
		return m
	}
	if bytes.HasSuffix(line, []byte("\n")) {
		return re.FindSubmatchIndex(line[:len(line)-1])
	}
	return nil
}

// pyExpand is Python's match.expand(template): \1, \g<1>, \g<name> and
// the usual escapes.
func pyExpand(re *regexp.Regexp, tmpl string, line []byte, m []int) (string, error) {
	group := func(n int) string {
		if 2*n+1 >= len(m) || m[2*n] < 0 {
			return ""
		}
		return string(line[m[2*n]:m[2*n+1]])
	}
	var out strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c != '\\' || i+1 == len(tmpl) {
			out.WriteByte(c)
			continue
		}
		i++
		d := tmpl[i]
		switch {
		case d >= '0' && d <= '9':
			j := i
			for j < len(tmpl) && j < i+2 && tmpl[j] >= '0' && tmpl[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(tmpl[i:j])
			if n > re.NumSubexp() {
				return "", fmt.Errorf("invalid group reference %d at position %d", n, i)
			}
			out.WriteString(group(n))
			i = j - 1
		case d == 'g' && i+1 < len(tmpl) && tmpl[i+1] == '<':
			end := strings.IndexByte(tmpl[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("missing >, unterminated name at position %d", i+1)
			}
			name := tmpl[i+2 : i+end]
			if n, err := strconv.Atoi(name); err == nil {
				out.WriteString(group(n))
			} else {
				idx := re.SubexpIndex(name)
				if idx < 0 {
					return "", fmt.Errorf("unknown group name '%s'", name)
				}
				out.WriteString(group(idx))
			}
			i += end
		case d == 'n':
			out.WriteByte('\n')
		case d == 't':
			out.WriteByte('\t')
		case d == 'r':
			out.WriteByte('\r')
		case d == '\\':
			out.WriteByte('\\')
		default:
			out.WriteByte('\\')
			out.WriteByte(d)
		}
	}
	return out.String(), nil
}

// splitLinesKeep is Python's readlines(): lines keep their "\n".
func splitLinesKeep(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			out = append(out, data)
			break
		}
		out = append(out, data[:i+1])
		data = data[i+1:]
	}
	return out
}

// splitLinesPy is bytes.splitlines(True): \n, \r and \r\n end lines.
func splitLinesPy(data []byte) [][]byte {
	var out [][]byte
	start := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\n':
			out = append(out, data[start:i+1])
			start = i + 1
		case '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			out = append(out, data[start:i+1])
			start = i + 1
		}
	}
	if start < len(data) {
		out = append(out, data[start:])
	}
	return out
}

func rstripNL(b []byte) []byte { return bytes.TrimRight(b, "\r\n") }

// attrDiffEntry is the "(file attributes)" element of the diff list.
func attrDiffEntry(p string, d map[string]any) map[string]any {
	d["before_header"] = p + " (file attributes)"
	d["after_header"] = p + " (file attributes)"
	return d
}

func regexError(expr string, err error) *modules.Result {
	return modules.Failf("unable to compile regular expression %q: %v", expr, err)
}
