package output

import (
	"io"
	"strings"
	"sync"

	"golang.org/x/text/width"
)

// Ansible's default colour codes (SGR parameters).
const (
	ColorOK          = "0;32"
	ColorChanged     = "0;33"
	ColorError       = "0;31"
	ColorSkip        = "0;36"
	ColorUnreachable = "1;31"
	ColorWarn        = "1;35"
	ColorDeprecate   = "0;35"
	ColorDebug       = "1;30"
	ColorVerbose     = "0;34"
	ColorHighlight   = "1;37"
)

// Display writes lines to stdout and stderr, as Ansible's Display does.
type Display struct {
	mu        sync.Mutex
	Stdout    io.Writer
	Stderr    io.Writer
	Color     bool
	Columns   int
	Verbosity int
	warned    map[string]bool
	// DeprecationWarnings turns deprecation messages on (the default).
	DeprecationWarnings bool
}

// NewDisplay returns a display with 79 columns, as Ansible has on a pipe.
func NewDisplay(stdout, stderr io.Writer) *Display {
	return &Display{Stdout: stdout, Stderr: stderr, Columns: 79, warned: map[string]bool{}, DeprecationWarnings: true}
}

func (d *Display) colorize(msg, color string) string {
	if !d.Color || color == "" {
		return msg
	}
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		lines[i] = "\033[" + color + "m" + l + "\033[0m"
	}
	return strings.Join(lines, "\n")
}

// Print writes msg and a newline to stdout in color.
func (d *Display) Print(msg, color string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.write(d.Stdout, msg, color)
}

// PrintErr writes msg and a newline to stderr in color.
func (d *Display) PrintErr(msg, color string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.write(d.Stderr, msg, color)
}

func (d *Display) write(w io.Writer, msg, color string) {
	// as Display.display: one trailing newline is cut before colouring
	msg = d.colorize(strings.TrimSuffix(msg, "\n"), color) + "\n"
	io.WriteString(w, msg)
}

// Banner prints "\nMSG ****" padded to the display width.
func (d *Display) Banner(msg string) {
	msg = strings.TrimSpace(msg)
	stars := d.Columns - TextWidth(msg)
	if stars <= 3 {
		stars = 3
	}
	d.Print("\n"+msg+" "+strings.Repeat("*", stars), "")
}

// Warning prints Ansible's wrapped "[WARNING]: …" on stderr, once per text.
func (d *Display) Warning(msg string) {
	text := strings.Join(Wrap("[WARNING]: "+msg, d.Columns), "\n") + "\n"
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.warned[text] {
		return
	}
	d.warned[text] = true
	d.write(d.Stderr, text, ColorWarn)
}

// Deprecated prints Ansible's "[DEPRECATION WARNING]: …" on stderr.
func (d *Display) Deprecated(msg, version string) { d.DeprecatedIn(msg, version, "") }

// DeprecatedIn is Deprecated for a feature of a collection: "removed from
// COLLECTION in version …" (ansible.builtin reads ansible-core).
func (d *Display) DeprecatedIn(msg, version, collection string) {
	if !d.DeprecationWarnings {
		return
	}
	msg = strings.TrimSpace(msg)
	if msg != "" && !strings.ContainsAny(msg[len(msg)-1:], "!?.") {
		msg += "."
	}
	when := "in a future release."
	if version != "" {
		when = "in version " + version + "."
	}
	if collection == "ansible.builtin" {
		collection = "ansible-core"
	}
	if collection != "" {
		when = "from " + collection + " " + when
	}
	text := "[DEPRECATION WARNING]: " + msg + " This feature will be removed " + when +
		" Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg."
	wrapped := strings.Join(WrapKeepSpace(text, d.Columns), "\n")
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.warned[wrapped] {
		return
	}
	d.warned[wrapped] = true
	d.write(d.Stderr, strings.TrimSpace(wrapped), ColorDeprecate)
}

// Error prints "ERROR! msg" on stderr, as the CLI does for fatal errors.
func (d *Display) Error(msg string) {
	d.PrintErr("ERROR! "+msg, ColorError)
}

// TextWidth is the display width of s: East Asian wide characters count 2.
func TextWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			if r < 0x20 || (r >= 0x7f && r < 0xa0) {
				continue
			}
			n++
		}
	}
	return n
}

// Wrap breaks text into lines of at most width characters the way Python's
// textwrap.wrap does with its defaults (whitespace collapsed at breaks, long
// words broken).
func Wrap(text string, width int) []string {
	text = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' {
			return ' '
		}
		return r
	}, text)
	words := strings.Split(text, " ")
	var lines []string
	cur := ""
	curLen := 0
	for i, w := range words {
		if w == "" {
			if curLen > 0 && i < len(words)-1 {
				// runs of spaces inside a line are kept by textwrap; keep one
				if curLen+1 <= width {
					cur += " "
					curLen++
				}
			}
			continue
		}
		for len([]rune(w)) > width {
			if curLen > 0 {
				lines = append(lines, strings.TrimRight(cur, " "))
				cur, curLen = "", 0
			}
			r := []rune(w)
			lines = append(lines, string(r[:width]))
			w = string(r[width:])
		}
		wl := len([]rune(w))
		sep := 0
		if curLen > 0 && !strings.HasSuffix(cur, " ") {
			sep = 1
		}
		if curLen+sep+wl > width && curLen > 0 {
			lines = append(lines, strings.TrimRight(cur, " "))
			cur, curLen = w, wl
			continue
		}
		if sep == 1 {
			cur += " "
		}
		cur += w
		curLen += sep + wl
	}
	if strings.TrimSpace(cur) != "" {
		lines = append(lines, strings.TrimRight(cur, " "))
	}
	return lines
}

// WrapKeepSpace wraps like textwrap.wrap(drop_whitespace=False).
func WrapKeepSpace(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	curLen := 0
	// split into chunks of words and their trailing spaces
	chunks := splitChunks(text)
	for _, c := range chunks {
		cl := len([]rune(c))
		if curLen+cl > width && curLen > 0 {
			lines = append(lines, cur.String())
			cur.Reset()
			curLen = 0
		}
		for cl > width {
			r := []rune(c)
			lines = append(lines, string(r[:width]))
			c = string(r[width:])
			cl = len([]rune(c))
		}
		cur.WriteString(c)
		curLen += cl
	}
	if curLen > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

func splitChunks(s string) []string {
	var out []string
	start := 0
	inSpace := false
	for i, r := range s {
		sp := r == ' '
		if i > start && sp != inSpace {
			out = append(out, s[start:i])
			start = i
		}
		inSpace = sp
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// Raw writes text to stdout and stderr as it is.
func (d *Display) Raw(stdout, stderr string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	io.WriteString(d.Stdout, stdout)
	io.WriteString(d.Stderr, stderr)
}
