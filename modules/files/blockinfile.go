package files

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "blockinfile",
		Aliases:   []string{"ansible.builtin.blockinfile"},
		New:       func() modules.Module { return new(BlockInFile) },
		CheckMode: true,
		Short:     "Insert/update/remove a text block surrounded by marker lines",
	})
}

// BlockInFile is ansible.builtin.blockinfile.
type BlockInFile struct {
	Path         string  `arg:"path,required" aliases:"dest,destfile,name" doc:"The file to modify."`
	State        string  `arg:"state" default:"present" choices:"absent,present" doc:"Whether the block should be there or not."`
	Marker       string  `arg:"marker" default:"# {mark} ANSIBLE MANAGED BLOCK" doc:"Marker line template; {mark} becomes marker_begin or marker_end."`
	Block        string  `arg:"block" aliases:"content" doc:"The text to insert between the markers."`
	InsertAfter  *string `arg:"insertafter" doc:"Insert after the last line matching this regex (or EOF)."`
	InsertBefore *string `arg:"insertbefore" doc:"Insert before the last line matching this regex (or BOF)."`
	Create       bool    `arg:"create" doc:"Create the file when it is missing."`
	Backup       bool    `arg:"backup" doc:"Keep a timestamped backup of the file."`
	ValidateCmd  string  `arg:"validate" doc:"Command run on the new file (%s is its path) before it is moved in place."`
	MarkerBegin  string  `arg:"marker_begin" default:"BEGIN" doc:"Replaces {mark} in the first marker."`
	MarkerEnd    string  `arg:"marker_end" default:"END" doc:"Replaces {mark} in the last marker."`
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
func (b *BlockInFile) Validate() error {
	if b.InsertBefore != nil && b.InsertAfter != nil {
		return &modules.ArgError{Msg: "parameters are mutually exclusive: insertbefore|insertafter"}
	}
	return nil
}

// Run edits the file.
func (b *BlockInFile) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if err := b.Validate(); err != nil {
		return modules.Failf("%s", err.Error()), nil
	}
	fa := fileArgs{Mode: b.Mode, Owner: b.Owner, Group: b.Group}
	insAfter, insBefore := b.InsertAfter, b.InsertBefore
	if insAfter == nil && insBefore == nil {
		eof := "EOF"
		insAfter = &eof
	}
	var re *regexp.Regexp
	var err error
	expr := ""
	if insAfter != nil && *insAfter != "EOF" {
		expr = *insAfter
	} else if insBefore != nil && *insBefore != "BOF" {
		expr = *insBefore
	}
	multiline := strings.HasPrefix(expr, "(?m)")
	if expr != "" {
		if re, err = pyRegexp(expr); err != nil {
			return regexError(expr, err), nil
		}
	}

	e, err := loadEdit(ctx, req, b.Path, fa)
	if err != nil {
		return nil, err
	}
	p := e.path
	if e.isDir {
		return &modules.Result{Failed: true, Msg: fmt.Sprintf("Path %s is a directory !", p), Data: map[string]any{"rc": 256}}, nil
	}
	if !e.exists && !b.Create {
		return &modules.Result{Failed: true, Msg: fmt.Sprintf("Path %s does not exist !", p), Data: map[string]any{"rc": 257}}, nil
	}
	var original []byte
	var lines [][]byte
	if e.exists {
		original = e.content
		lines = splitLinesPy(original)
	}
	diff := map[string]any{"before": "", "after": "", "before_header": p + " (content)", "after_header": p + " (content)"}
	if req.Diff && len(original) > 0 {
		diff["before"] = string(original)
	}
	present := b.State == "present"
	if !present && !e.exists {
		return &modules.Result{Msg: fmt.Sprintf("File %s not present", p)}, nil
	}
	marker0 := []byte(strings.ReplaceAll(b.Marker, "{mark}", b.MarkerBegin) + "\n")
	marker1 := []byte(strings.ReplaceAll(b.Marker, "{mark}", b.MarkerEnd) + "\n")
	var blockLines [][]byte
	if present && b.Block != "" {
		block := []byte(b.Block)
		if !bytes.HasSuffix(block, []byte("\n")) {
			block = append(block, '\n')
		}
		blockLines = append([][]byte{marker0}, splitLinesPy(block)...)
		blockLines = append(blockLines, marker1)
	}
	n0, n1 := -1, -1
	for i, l := range lines {
		if bytes.Equal(l, marker0) {
			n0 = i
		}
		if bytes.Equal(l, marker1) {
			n1 = i
		}
	}
	switch {
	case n0 == -1 || n1 == -1:
		n0 = -1
		if re != nil {
			if multiline {
				if m := re.FindIndex(original); m != nil {
					if insAfter != nil {
						n0 = bytes.Count(original[:m[1]], []byte("\n"))
					} else {
						n0 = bytes.Count(original[:m[0]], []byte("\n"))
					}
				}
			} else {
				for i, l := range lines {
					if pySearch(re, l) != nil {
						n0 = i
					}
				}
			}
			if n0 == -1 {
				n0 = len(lines)
			} else if insAfter != nil {
				n0++
			}
		} else if insBefore != nil {
			n0 = 0
		} else {
			n0 = len(lines)
		}
	case n0 < n1:
		lines = append(lines[:n0], lines[n1+1:]...)
	default:
		lines = append(lines[:n1], lines[n0+1:]...)
		n0 = n1
	}
	if n0 > len(lines) {
		n0 = len(lines)
	}
	if n0 > 0 && !bytes.HasSuffix(lines[n0-1], []byte("\n")) {
		lines[n0-1] = append(append([]byte{}, lines[n0-1]...), '\n')
	}
	out := make([][]byte, 0, len(lines)+len(blockLines))
	out = append(out, lines[:n0]...)
	out = append(out, blockLines...)
	out = append(out, lines[n0:]...)
	result := bytes.Join(out, nil)
	if req.Diff {
		diff["after"] = string(result)
	}
	msg := ""
	changed := false
	switch {
	case e.exists && bytes.Equal(original, result):
	case !e.exists:
		msg, changed = "File created", true
	case len(blockLines) == 0:
		msg, changed = "Block removed", true
	default:
		msg, changed = "Block inserted", true
	}
	if req.Check && !e.exists {
		return &modules.Result{Changed: changed, Msg: msg, Data: map[string]any{"msg": msg, "diff": diff}}, nil
	}
	attrDiff := map[string]any{}
	bk, ach, fl, err := e.commit(ctx, req, result, changed, b.Backup, b.ValidateCmd, fa, attrDiff)
	if err != nil || fl != nil {
		return fl, err
	}
	msg, changed = attrMsg(msg, changed, ach)
	d := map[string]any{"msg": msg, "diff": []any{diff, attrDiffEntry(p, attrDiff)}}
	if bk != "" {
		d["backup_file"] = bk
	}
	return &modules.Result{Changed: changed, Msg: msg, Data: d}, nil
}
