package inventory

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// The regular expressions of ansible/parsing/utils/addresses.py. Go's RE2
// has no look-behind, so the hostname pattern is checked by hand
// (validHostname).
const (
	numericRange     = `\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`
	hexadecimalRange = `\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`
	ipv6Component    = `(?:[0-9a-f]{1,4}|` + hexadecimalRange + `)`
	ipv4Component    = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|` + numericRange + `)`
)

var (
	reBracketedHostPort = lazyRegexp(`^\[(.+)\]:([0-9]+)$`)
	reHostPort          = lazyRegexp(`^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$`)
	reIPv4              = lazyRegexp(`(?i)^(?:` + ipv4Component + `\.){3}` + ipv4Component + `$`)
	reIPv6              = sync.OnceValue(compileIPv6)
	reAlnumRange        = lazyRegexp(`(?i)^\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`)
)

// compileIPv6 builds reIPv6.
func compileIPv6() *regexp.Regexp {
	// In the Python pattern '^' binds to the first alternative and '$' to the
	// last only; re.match anchors every alternative at the start, so all but
	// the last match a prefix.
	alts := []string{
		`(?:C:){7}C`, `(?:C:){1,6}:`, `(?:C:)(?::C){1,6}`, `(?:C:){2}(?::C){1,5}`,
		`(?:C:){3}(?::C){1,4}`, `(?:C:){4}(?::C){1,3}`, `(?:C:){5}(?::C){1,2}`,
		`(?:C:){6}(?::C)`, `:(?::C){1,6}`, `C?::`, `(?:0:){6}(?:C\.){3}C`,
		`::(?:ffff:)?(?:C\.){3}C`, `(?:0:){5}ffff:(?:C\.){3}C`,
	}
	for i := range alts {
		alts[i] = strings.ReplaceAll(alts[i], "C", ipv6Component)
	}
	alts[len(alts)-1] += "$"
	return regexp.MustCompile(`(?i)^(?:` + strings.Join(alts, "|") + `)`)
}

func isPyWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// validHostname matches addresses.py's 'hostname' pattern: dot-separated
// labels of word characters, '-' and [x:y] ranges, each label starting with
// a word character or range and not ending in '-' or '_'.
func validHostname(s string) bool {
	for _, label := range strings.Split(s, ".") {
		if label == "" {
			return false
		}
		first := true
		var last rune
		for i := 0; i < len(label); {
			if label[i] == '[' {
				m := reAlnumRange().FindString(label[i:])
				if m == "" {
					return false
				}
				i += len(m)
				last = ']'
				first = false
				continue
			}
			r, size := utf8DecodeRune(label[i:])
			if !isPyWordRune(r) && (first || r != '-') {
				return false
			}
			last = r
			first = false
			i += size
		}
		if last == '-' || last == '_' {
			return false
		}
	}
	return true
}

// ParseAddress is ansible's parse_address: it splits "host:port",
// "[host]:port" or a bare IPv4/IPv6 address or hostname into the host and
// port (0 when none is given). With allowRanges, hosts may contain [x:y]
// ranges. It fails for anything else.
func ParseAddress(address string, allowRanges bool) (host string, port int, err error) {
	host, port, _, err = parseAddress(address, allowRanges)
	return host, port, err
}

func parseAddress(address string, allowRanges bool) (host string, port int, hasPort bool, err error) {
	if m := reBracketedHostPort().FindStringSubmatch(address); m != nil {
		address = m[1]
		port, hasPort = atoiPort(m[2]), true
	}
	if m := reHostPort().FindStringSubmatch(address); m != nil {
		address = m[1]
		port, hasPort = atoiPort(m[2]), true
	}
	// validHostname is checked first: it is cheap, and it spares compiling
	// the IP address patterns when the address is a host name.
	if !(validHostname(address) || reIPv4().MatchString(address) || reIPv6().MatchString(address)) {
		return "", 0, false, fmt.Errorf("Not a valid network hostname: %s", address)
	}
	if !allowRanges && strings.Contains(address, "[") {
		return "", 0, false, errors.New("Detected range in host but was asked to ignore ranges")
	}
	return address, port, hasPort, nil
}

func atoiPort(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// maxRangeHosts bounds the expansion of one host range (a deviation from
// Ansible, which would try to build any list).
const maxRangeHosts = 100000

const asciiLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// ExpandHostnameRange expands Ansible's host ranges: "web[01:03]" gives
// web01, web02, web03; "db-[a:c]" gives db-a, db-b, db-c; "[1:10:2]" steps
// by 2; several ranges in one name multiply. A name without '[' is returned
// as is.
func ExpandHostnameRange(line string) ([]string, error) {
	var out []string
	if err := expandRange(line, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func expandRange(line string, out *[]string) error {
	if !strings.Contains(line, "[") {
		*out = append(*out, line)
		return nil
	}
	// head[nrange]tail, after replacing the first '[' and the first ']'
	// by '|' and splitting on '|'
	r := strings.Replace(line, "[", "|", 1)
	r = strings.Replace(r, "]", "|", 1)
	parts := strings.Split(r, "|")
	if len(parts) < 3 {
		return fmt.Errorf("not enough values to unpack (expected 3, got %d)", len(parts))
	}
	if len(parts) > 3 {
		return errors.New("too many values to unpack (expected 3)")
	}
	head, nrange, tail := parts[0], parts[1], parts[2]
	bounds := strings.Split(nrange, ":")
	if len(bounds) != 2 && len(bounds) != 3 {
		return errors.New("host range must be begin:end or begin:end:step")
	}
	beg, end := bounds[0], bounds[1]
	step := "1"
	if len(bounds) == 3 {
		step = bounds[2]
	}
	if beg == "" {
		beg = "0"
	}
	if end == "" {
		return errors.New("host range must specify end value")
	}
	width := 0
	if beg[0] == '0' && len(beg) > 1 {
		width = len(beg)
		if len(end) != width {
			return errors.New("host range must specify equal-length begin and end formats")
		}
	}
	fill := func(s string) string {
		if width > 0 {
			return pyZfill(s, width)
		}
		return s
	}
	var seq []string
	alpha := false
	ib, iend := strings.Index(asciiLetters, beg), strings.Index(asciiLetters, end)
	if ib >= 0 && iend >= 0 {
		if ib > iend {
			return errors.New("host range must have begin <= end")
		}
		st, err := pyInt(step)
		if err == nil && st != 0 {
			alpha = true
			seq = pySliceStep(asciiLetters[ib:iend+1], st)
		}
	}
	if !alpha {
		b, err := pyInt(beg)
		if err != nil {
			return err
		}
		e, err := pyInt(end)
		if err != nil {
			return err
		}
		st, err := pyInt(step)
		if err != nil {
			return err
		}
		if st == 0 {
			return errors.New("range() arg 3 must not be zero")
		}
		n := 0
		if st > 0 && e+1 > b {
			n = (e + 1 - b + st - 1) / st
		} else if st < 0 && e+1 < b {
			n = (b - (e + 1) - st - 1) / (-st)
		}
		if n+len(*out) > maxRangeHosts {
			return fmt.Errorf("host range %s expands to too many hosts", line)
		}
		for i, v := 0, b; i < n; i, v = i+1, v+st {
			seq = append(seq, strconv.Itoa(v))
		}
	}
	for _, s := range seq {
		name := head + fill(s) + tail
		if err := expandRange(name, out); err != nil {
			return err
		}
		if len(*out) > maxRangeHosts {
			return fmt.Errorf("host range %s expands to too many hosts", line)
		}
	}
	return nil
}

// pySliceStep is letters[::step] for a non-zero step.
func pySliceStep(letters string, step int) []string {
	var out []string
	if step > 0 {
		for i := 0; i < len(letters); i += step {
			out = append(out, letters[i:i+1])
		}
	}
	// a negative step over [i_beg:i_end+1] with i_beg <= i_end is empty
	return out
}

// pyZfill is str.zfill.
func pyZfill(s string, width int) string {
	if len(s) >= width {
		return s
	}
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	return sign + strings.Repeat("0", width-len(sign)-len(s)) + s
}

// pyInt is int(s) for a decimal string: surrounding whitespace, a sign and
// underscores between digits are accepted.
func pyInt(s string) (int, error) {
	t := pyStrip(s)
	body := strings.TrimLeft(t, "+-")
	if len(t)-len(body) > 1 || body == "" || body[0] == '_' || body[len(body)-1] == '_' || strings.Contains(body, "__") {
		return 0, fmt.Errorf("invalid literal for int() with base 10: %s", pyQuote(s))
	}
	n, err := strconv.Atoi(strings.ReplaceAll(t, "_", ""))
	if err != nil {
		return 0, fmt.Errorf("invalid literal for int() with base 10: %s", pyQuote(s))
	}
	if n > 1<<40 || n < -(1<<40) {
		return 0, fmt.Errorf("host range %s is too large", s)
	}
	return n, nil
}

// pyQuote is a simple Python repr() of a string.
func pyQuote(s string) string {
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}
