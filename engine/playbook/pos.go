package playbook

import (
	"fmt"
	"os"
	"strings"
)

// Pos is a place in a source file. Line and Col are 1-based.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	if p.File == "" {
		return "<unknown>"
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// IsValid reports whether p names a file position.
func (p Pos) IsValid() bool { return p.File != "" && p.Line > 0 }

// Error is an Ansible-style error that points at a place in a playbook. Its
// Error text is Ansible's: the message, then "The error appears to be in …"
// with the offending line and a caret.
type Error struct {
	Msg string
	Pos Pos
	// Parse marks parser errors (exit code 4); other errors exit 1.
	Parse bool
	// NoContext suppresses the file excerpt.
	NoContext bool
}

func (e *Error) Error() string {
	if !e.Pos.IsValid() || e.NoContext {
		return e.Msg
	}
	return e.Msg + "\n\n" + Context(e.Pos)
}

// ExitCode is 4 for parser errors and 1 otherwise, as ansible-playbook.
func (e *Error) ExitCode() int {
	if e.Parse {
		return 4
	}
	return 1
}

// Errorf returns a parser error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...), Pos: pos, Parse: true}
}

const positionDetails = "The error appears to be in '%s': line %d, column %d, but may\nbe elsewhere in the file depending on the exact syntax problem.\n"

// Context renders Ansible's "The error appears to be in …" block for pos.
func Context(pos Pos) string {
	msg := fmt.Sprintf(positionDetails, pos.File, pos.Line, pos.Col)
	data, err := os.ReadFile(pos.File)
	if err != nil {
		return msg
	}
	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return msg
	}
	n := pos.Line - 1
	if n >= len(lines) {
		n = len(lines) - 1
	}
	for n > 0 && strings.TrimSpace(lines[n]) == "" {
		n--
	}
	target := lines[n]
	prev := ""
	if n > 0 {
		prev = lines[n-1]
	}
	if strings.TrimSpace(target) == "" {
		return msg
	}
	if kvErrorRe().MatchString(prev) {
		epos := strings.Index(strings.TrimRight(prev, " \t\r\n"), "=")
		msg = fmt.Sprintf(positionDetails, pos.File, pos.Line-1, epos+1)
		msg += fmt.Sprintf("\nThe offending line appears to be:\n\n%s\n%s\n\n", strings.TrimRight(prev, " \t\r\n"), strings.Repeat(" ", epos)+"^ here")
		msg += yamlAndShorthandError
	} else {
		col := pos.Col - 1
		if col < 0 {
			col = 0
		}
		msg += fmt.Sprintf("\nThe offending line appears to be:\n\n%s\n%s\n%s\n", strings.TrimRight(prev, " \t\r\n"), strings.TrimRight(target, " \t\r\n"), strings.Repeat(" ", col)+"^ here")
	}
	// the hints look at the error's own line, even when the k=v shorthand
	// line before it was shown instead
	if strings.Contains(target, "\t") {
		msg += leadingTabError
	}
	stripped := strings.ReplaceAll(target, " ", "")
	switch {
	case strings.Contains(target, "{{") && strings.Contains(target, "}}") && (!strings.Contains(target, "\"{{") || !strings.Contains(target, "'{{")):
		msg += unquotedVariableError
	case strings.Contains(stripped, ":{{") && strings.Contains(stripped, "}}"):
		msg += dictError
	case len(target) > 1 && len(target) > pos.Col && target[pos.Col] == ':' && strings.Count(target, ":") > 1:
		msg += unquotedColonError
	default:
		parts := strings.Split(target, ":")
		if len(parts) > 1 {
			middle := strings.TrimSpace(parts[1])
			match := (strings.HasPrefix(middle, "'") && !strings.HasSuffix(middle, "'")) ||
				(strings.HasPrefix(middle, "\"") && !strings.HasSuffix(middle, "\""))
			unbalanced := (len(middle) > 0 && strings.ContainsAny(middle[:1], "\"'") && strings.ContainsAny(middle[len(middle)-1:], "\"'") && strings.Count(target, "'") > 2) || strings.Count(target, "\"") > 2
			if match {
				msg += partialQuoteError
			}
			if unbalanced {
				msg += unbalancedQuotesError
			}
		}
	}
	return strings.TrimRight(msg, "\n")
}

var kvErrorRe = lazyRegexp(`\w+(\s+)?=(\s+)?[\w/-]+`)
