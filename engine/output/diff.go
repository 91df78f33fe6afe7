package output

import (
	"fmt"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/goplay/goplay/engine/pyfmt"
)

// Differ is implemented by callbacks that show --diff output; the runner
// calls Diff for a changed, successful result that carries a "diff" when
// diff mode is on for the task (v2_on_file_diff).
type Differ interface {
	Diff(r *Result)
}

// DiffContext is Ansible's DIFF_CONTEXT (lines of context).
var DiffContext = 3

// Diff prints the result's diff as the default callback does.
func (c *Default) Diff(r *Result) {
	if !truthyValue(r.Data["changed"]) {
		return
	}
	text := FormatDiff(r.Data["diff"], c.D.Color)
	if text != "" {
		c.flush()
		c.D.Print(text, "")
	}
}

func truthyValue(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case nil:
		return false
	case string:
		return x != ""
	case int:
		return x != 0
	}
	return true
}

// FormatDiff renders a result's "diff" (a dict or a list of dicts with
// before/after, optional before_header/after_header, prepared, and the
// *_binary/*_larger markers) as CallbackBase._get_diff does: unified diffs
// with Python difflib's layout.
func FormatDiff(d any, color bool) string {
	var list []any
	switch x := d.(type) {
	case []any:
		list = x
	case map[string]any:
		list = []any{x}
	default:
		return ""
	}
	var b strings.Builder
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		if _, ok := m["dst_binary"]; ok {
			b.WriteString("diff skipped: destination file appears to be binary\n")
		}
		if _, ok := m["src_binary"]; ok {
			b.WriteString("diff skipped: source file appears to be binary\n")
		}
		if v, ok := m["dst_larger"]; ok {
			fmt.Fprintf(&b, "diff skipped: destination file size is greater than %v\n", v)
		}
		if v, ok := m["src_larger"]; ok {
			fmt.Fprintf(&b, "diff skipped: source file size is greater than %v\n", v)
		}
		before, hasB := m["before"]
		after, hasA := m["after"]
		if hasB && hasA {
			bh, ah := "before", "after"
			if h, ok := m["before_header"]; ok {
				bh = "before: " + pyfmt.Str(h)
			}
			if h, ok := m["after_header"]; ok {
				ah = "after: " + pyfmt.Str(h)
			}
			bl := diffLines(before)
			al := diffLines(after)
			ud := difflib.UnifiedDiff{A: bl, B: al, FromFile: bh, ToFile: ah, Context: DiffContext}
			var out strings.Builder
			if len(bl) > 0 || len(al) > 0 {
				_ = difflib.WriteUnifiedDiff(&out, ud)
			}
			if s := out.String(); s != "" {
				for _, l := range strings.SplitAfter(s, "\n") {
					if l == "" {
						continue
					}
					if color {
						switch {
						case strings.HasPrefix(l, "+"):
							l = colorLine(l, "0;32")
						case strings.HasPrefix(l, "-"):
							l = colorLine(l, "0;31")
						case strings.HasPrefix(l, "@@"):
							l = colorLine(l, "0;36")
						}
					}
					b.WriteString(l)
				}
				b.WriteString("\n")
			}
		}
		if p, ok := m["prepared"]; ok {
			b.WriteString(pyfmt.Str(p))
		}
	}
	return b.String()
}

func colorLine(l, code string) string {
	body := strings.TrimSuffix(l, "\n")
	nl := ""
	if len(body) < len(l) {
		nl = "\n"
	}
	return "\033[" + code + "m" + body + "\033[0m" + nl
}

// diffLines is str.splitlines(True) with Ansible's "\ No newline at end
// of file" marker; dicts are serialized as JSON first.
func diffLines(v any) []string {
	var s string
	switch x := v.(type) {
	case nil:
		s = ""
	case string:
		s = x
	case map[string]any:
		s = pyfmt.JSON(x, 4, true) + "\n"
	default:
		s = pyfmt.Str(x)
	}
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if last := lines[len(lines)-1]; !strings.HasSuffix(last, "\n") {
		lines[len(lines)-1] = last + "\n\\ No newline at end of file\n"
	}
	return lines
}
