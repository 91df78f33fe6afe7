package files

import (
	"bytes"
	"context"
	"fmt"
	"regexp"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "lineinfile",
		Aliases:   []string{"ansible.builtin.lineinfile"},
		New:       func() modules.Module { return new(LineInFile) },
		CheckMode: true,
		Short:     "Manage lines in text files",
	})
}

// LineInFile is ansible.builtin.lineinfile. Regular expressions use Go's
// RE2 syntax, which covers Python's except look-around and backreferences
// inside the pattern.
type LineInFile struct {
	Path         string  `arg:"path,required" aliases:"dest,destfile,name" doc:"The file to modify."`
	State        string  `arg:"state" default:"present" choices:"absent,present" doc:"Whether the line should be there or not."`
	Regexp       *string `arg:"regexp" aliases:"regex" doc:"Regular expression of the line to replace or remove."`
	SearchString *string `arg:"search_string" doc:"Literal string of the line to replace or remove."`
	Line         *string `arg:"line" aliases:"value" doc:"The line to insert or replace."`
	InsertAfter  *string `arg:"insertafter" doc:"Insert after the last line matching this regex (or EOF/BOF)."`
	InsertBefore *string `arg:"insertbefore" doc:"Insert before the last line matching this regex (or BOF)."`
	Backrefs     bool    `arg:"backrefs" doc:"Expand backreferences of regexp in line; do nothing when it does not match."`
	Create       bool    `arg:"create" doc:"Create the file when it is missing."`
	Backup       bool    `arg:"backup" doc:"Keep a timestamped backup of the file."`
	FirstMatch   bool    `arg:"firstmatch" doc:"Use the first matching line for insertafter/insertbefore."`
	ValidateCmd  string  `arg:"validate" doc:"Command run on the new file (%s is its path) before it is moved in place."`
	Mode         any     `arg:"mode" doc:"Permissions of the file."`
	Owner        string  `arg:"owner" doc:"User that should own the file."`
	Group        string  `arg:"group" doc:"Group that should own the file."`
	Seuser       string  `arg:"seuser" doc:"Ignored (SELinux)."`
	Serole       string  `arg:"serole" doc:"Ignored (SELinux)."`
	Setype       string  `arg:"setype" doc:"Ignored (SELinux)."`
	Selevel      string  `arg:"selevel" doc:"Ignored (SELinux)."`
	UnsafeWrites bool    `arg:"unsafe_writes" doc:"Ignored."`
	Attributes   string  `arg:"attributes" aliases:"attr" doc:"Ignored (chattr attributes)."`
}

// Validate checks the mutually exclusive arguments.
func (l *LineInFile) Validate() error {
	switch {
	case l.InsertBefore != nil && l.InsertAfter != nil:
		return &modules.ArgError{Msg: "parameters are mutually exclusive: insertbefore|insertafter"}
	case l.Regexp != nil && l.SearchString != nil:
		return &modules.ArgError{Msg: "parameters are mutually exclusive: regexp|search_string"}
	case l.Backrefs && l.SearchString != nil:
		return &modules.ArgError{Msg: "parameters are mutually exclusive: backrefs|search_string"}
	}
	return nil
}

// Run edits the file.
func (l *LineInFile) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if err := l.Validate(); err != nil {
		return modules.Failf("%s", err.Error()), nil
	}
	fa := fileArgs{Mode: l.Mode, Owner: l.Owner, Group: l.Group}
	if (l.Regexp != nil && *l.Regexp == "") || (l.SearchString != nil && *l.SearchString == "") {
		msg := "The %s is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending."
		name := "search string"
		if l.Regexp != nil && *l.Regexp == "" {
			name = "regular expression"
			msg += " If this is desired, use '^' to match every line in the file and avoid this warning."
		}
		if req.Warn != nil {
			req.Warn(fmt.Sprintf(msg, name))
		}
	}
	if l.State == "present" {
		if l.Backrefs && l.Regexp == nil {
			return modules.Failf("regexp is required with backrefs=true"), nil
		}
		if l.Line == nil {
			return modules.Failf("line is required with state=present"), nil
		}
	} else if l.Regexp == nil && l.SearchString == nil && l.Line == nil {
		return modules.Failf("one of line, search_string, or regexp is required with state=absent"), nil
	}
	var reM, reIns *regexp.Regexp
	var err error
	if l.Regexp != nil {
		if reM, err = pyRegexp(*l.Regexp); err != nil {
			return regexError(*l.Regexp, err), nil
		}
	}
	insAfter, insBefore := l.InsertAfter, l.InsertBefore
	if l.State == "present" && insAfter == nil && insBefore == nil {
		eof := "EOF"
		insAfter = &eof
	}
	if insAfter != nil && *insAfter != "BOF" && *insAfter != "EOF" {
		if reIns, err = pyRegexp(*insAfter); err != nil {
			return regexError(*insAfter, err), nil
		}
	} else if insBefore != nil && *insBefore != "BOF" {
		if reIns, err = pyRegexp(*insBefore); err != nil {
			return regexError(*insBefore, err), nil
		}
	}

	e, err := loadEdit(ctx, req, l.Path, fa)
	if err != nil {
		return nil, err
	}
	dest := e.path
	if e.isDir {
		return &modules.Result{Failed: true, Msg: fmt.Sprintf("Path %s is a directory !", dest), Data: map[string]any{"rc": 256}}, nil
	}
	diff := map[string]any{"before": "", "after": "", "before_header": dest + " (content)", "after_header": dest + " (content)"}

	if l.State == "absent" {
		if !e.exists {
			return &modules.Result{Msg: "file not present"}, nil
		}
		lines := splitLinesKeep(e.content)
		if req.Diff {
			diff["before"] = string(e.content)
		}
		var kept [][]byte
		found := 0
		for _, cur := range lines {
			var hit bool
			switch {
			case reM != nil:
				hit = pySearch(reM, cur) != nil
			case l.SearchString != nil:
				hit = bytes.Contains(cur, []byte(*l.SearchString))
			default:
				hit = string(rstripNL(cur)) == *l.Line
			}
			if hit {
				found++
			} else {
				kept = append(kept, cur)
			}
		}
		data := bytes.Join(kept, nil)
		if req.Diff {
			diff["after"] = string(data)
		}
		changed := found > 0
		msg := ""
		if changed {
			msg = fmt.Sprintf("%d line(s) removed", found)
		}
		attrDiff := map[string]any{}
		bk, ach, fl, err := e.commit(ctx, req, data, changed, l.Backup, l.ValidateCmd, fa, attrDiff)
		if err != nil || fl != nil {
			return fl, err
		}
		msg, changed = attrMsg(msg, changed, ach)
		return &modules.Result{Changed: changed, Msg: msg, Data: map[string]any{
			"msg": msg, "found": found, "backup": bk, "diff": []any{diff, attrDiffEntry(dest, attrDiff)},
		}}, nil
	}

	if !e.exists && !l.Create {
		return &modules.Result{Failed: true, Msg: fmt.Sprintf("Destination %s does not exist !", dest), Data: map[string]any{"rc": 257}}, nil
	}
	lines := splitLinesKeep(e.content)
	if req.Diff {
		diff["before"] = string(e.content)
	}
	line := []byte(*l.Line)
	idx := [2]int{-1, -1}
	var match []int
	var matchLine []byte
	exact := false
	if reM != nil {
		for n, cur := range lines {
			if m := pySearch(reM, cur); m != nil {
				idx[0], match, matchLine = n, m, cur
				if l.FirstMatch {
					break
				}
			}
		}
	}
	searchHit := false
	if l.SearchString != nil {
		for n, cur := range lines {
			if bytes.Contains(cur, []byte(*l.SearchString)) {
				idx[0] = n
				searchHit = true
				if l.FirstMatch {
					break
				}
			}
		}
	}
	if match == nil && !searchHit {
		for n, cur := range lines {
			if bytes.Equal(line, rstripNL(cur)) {
				idx[0] = n
				exact = true
			} else if reIns != nil && pySearch(reIns, cur) != nil {
				if insAfter != nil {
					idx[1] = n + 1
					if l.FirstMatch {
						break
					}
				}
				if insBefore != nil {
					idx[1] = n
					if l.FirstMatch {
						break
					}
				}
			}
		}
	}
	msg := ""
	changed := false
	nl := []byte("\n")
	withNL := func(b []byte) []byte { return append(append([]byte{}, b...), '\n') }
	insert := func(at int, b []byte) {
		lines = append(lines[:at], append([][]byte{b}, lines[at:]...)...)
	}
	after, before := "", ""
	if insAfter != nil {
		after = *insAfter
	}
	if insBefore != nil {
		before = *insBefore
	}
	switch {
	case idx[0] != -1:
		newLine := line
		if l.Backrefs && match != nil {
			s, err := pyExpand(reM, string(line), matchLine, match)
			if err != nil {
				return modules.Failf("%s", err.Error()), nil
			}
			newLine = []byte(s)
		}
		if !bytes.HasSuffix(newLine, nl) {
			newLine = withNL(newLine)
		}
		if l.Regexp == nil && l.SearchString == nil && match == nil && !exact {
			// Not reached in practice (idx[0] is only set by a match).
			break
		}
		if !bytes.Equal(lines[idx[0]], newLine) {
			lines[idx[0]] = newLine
			msg, changed = "line replaced", true
		}
	case l.Backrefs:
	case before == "BOF" || after == "BOF":
		insert(0, withNL(line))
		msg, changed = "line added", true
	case after == "EOF" || idx[1] == -1:
		if len(lines) > 0 && !endsNL(lines[len(lines)-1]) {
			lines = append(lines, nl)
		}
		lines = append(lines, withNL(line))
		msg, changed = "line added", true
	case after != "" && idx[1] != -1:
		if len(lines) == idx[1] {
			if !bytes.Equal(rstripNL(lines[idx[1]-1]), line) {
				lines = append(lines, withNL(line))
				msg, changed = "line added", true
			}
		} else if !bytes.Equal(line, rstripNL(lines[idx[1]])) {
			insert(idx[1], withNL(line))
			msg, changed = "line added", true
		}
	default:
		insert(idx[1], withNL(line))
		msg, changed = "line added", true
	}
	data := bytes.Join(lines, nil)
	if req.Diff {
		diff["after"] = string(data)
	}
	if req.Check && !e.exists {
		return &modules.Result{Changed: changed, Msg: msg, Data: map[string]any{"msg": msg, "backup": "", "diff": diff}}, nil
	}
	attrDiff := map[string]any{}
	bk, ach, fl, err := e.commit(ctx, req, data, changed, l.Backup, l.ValidateCmd, fa, attrDiff)
	if err != nil || fl != nil {
		return fl, err
	}
	msg, changed = attrMsg(msg, changed, ach)
	return &modules.Result{Changed: changed, Msg: msg, Data: map[string]any{
		"msg": msg, "backup": bk, "diff": []any{diff, attrDiffEntry(dest, attrDiff)},
	}}, nil
}

func endsNL(b []byte) bool {
	return len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r')
}

// attrMsg is check_file_attrs' message.
func attrMsg(msg string, changed, attrs bool) (string, bool) {
	if !attrs {
		return msg, changed
	}
	if changed {
		msg += " and "
	}
	return msg + "ownership, perms or SE linux context changed", true
}
