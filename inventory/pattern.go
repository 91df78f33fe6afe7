package inventory

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SplitPattern is Ansible's split_host_pattern: a pattern containing a
// comma is split on commas; otherwise a single host address (IPv6 or a
// name with [x:y] ranges, optionally with :port) stays whole, and anything
// else is split on colons and whitespace outside [...]. Parts are stripped
// and empty ones dropped.
func SplitPattern(pattern string) []string {
	var parts []string
	if strings.Contains(pattern, ",") {
		parts = strings.Split(pattern, ",")
	} else if _, _, err := ParseAddress(pattern, true); err == nil {
		parts = []string{pattern}
	} else {
		parts = splitColons(pattern)
	}
	out := []string{}
	for _, p := range parts {
		if p = pyStrip(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// splitColons is re.findall(r'(?:[^\s:\[\]]|\[[^\]]*\])+', pattern).
func splitColons(s string) []string {
	var out []string
	i := 0
	for i < len(s) {
		start := i
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == '[' {
				j := strings.IndexByte(s[i+1:], ']')
				if j < 0 {
					break
				}
				i += j + 2
				continue
			}
			if r == ':' || r == ']' || pyIsSpace(r) {
				break
			}
			i += size
		}
		if i > start {
			out = append(out, s[start:i])
		} else {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
	}
	return out
}

// orderPatterns puts plain patterns first, then &intersections, then
// !exclusions; with no plain pattern "all" is assumed.
func orderPatterns(patterns []string) []string {
	var reg, inter, excl []string
	for _, p := range patterns {
		switch {
		case p == "":
		case p[0] == '!':
			excl = append(excl, p)
		case p[0] == '&':
			inter = append(inter, p)
		default:
			reg = append(reg, p)
		}
	}
	if len(reg) == 0 {
		reg = []string{"all"}
	}
	return append(append(reg, inter...), excl...)
}

// matcher is one compiled fnmatch or ~regex pattern.
type matcher func(string) bool

func compileMatcher(p string) (matcher, error) {
	if strings.HasPrefix(p, "~") {
		re, err := regexp.Compile(`^(?:` + p[1:] + `)`)
		if err != nil {
			return nil, fmt.Errorf("Invalid host list pattern: %s", p)
		}
		return re.MatchString, nil
	}
	if !strings.ContainsAny(p, "*?[") {
		return func(s string) bool { return s == p }, nil
	}
	pat := []rune(p)
	return func(s string) bool { return fnmatch(pat, []rune(s)) }, nil
}

// fnmatch is Python's fnmatch.fnmatchcase: * and ? match any characters,
// [seq] and [!seq] match sets with a-z ranges; an unclosed [ is literal.
func fnmatch(pat, s []rune) bool {
	px, sx := 0, 0
	nextPx, nextSx := -1, -1
	for px < len(pat) || sx < len(s) {
		if px < len(pat) {
			c := pat[px]
			switch c {
			case '*':
				nextPx, nextSx = px, sx+1
				px++
				continue
			case '?':
				if sx < len(s) {
					px++
					sx++
					continue
				}
			case '[':
				if ok, width, matched := matchSet(pat[px:], s, sx); ok {
					if matched {
						px += width
						sx++
						continue
					}
				} else if sx < len(s) && s[sx] == '[' {
					px++
					sx++
					continue
				}
			default:
				if sx < len(s) && s[sx] == c {
					px++
					sx++
					continue
				}
			}
		}
		if nextSx > 0 && nextSx <= len(s) {
			px, sx = nextPx, nextSx
			continue
		}
		return false
	}
	return true
}

// matchSet parses the set at pat[0]=='[': ok is false when it is not closed
// (then '[' is literal). matched reports whether s[sx] is in the set.
func matchSet(pat, s []rune, sx int) (ok bool, width int, matched bool) {
	j := 1
	if j < len(pat) && pat[j] == '!' {
		j++
	}
	if j < len(pat) && pat[j] == ']' {
		j++
	}
	for j < len(pat) && pat[j] != ']' {
		j++
	}
	if j >= len(pat) {
		return false, 0, false
	}
	stuff := pat[1:j]
	width = j + 1
	if sx >= len(s) {
		return true, width, false
	}
	c := s[sx]
	neg := false
	if len(stuff) > 0 && stuff[0] == '!' {
		neg = true
		stuff = stuff[1:]
	}
	in := false
	for k := 0; k < len(stuff); {
		if k+2 < len(stuff) && stuff[k+1] == '-' {
			if stuff[k] <= c && c <= stuff[k+2] {
				in = true
			}
			k += 3
			continue
		}
		if stuff[k] == c {
			in = true
		}
		k++
	}
	if len(stuff) == 0 && !neg {
		return true, width, false // empty set never matches
	}
	return true, width, in != neg
}

var reSubscript = lazyRegexp(`^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$`)

type subscript struct {
	start, end int
	single     bool
}

func splitSubscript(p string) (string, *subscript, []string) {
	if strings.HasPrefix(p, "~") {
		return p, nil, nil
	}
	m := reSubscript().FindStringSubmatch(p)
	if m == nil {
		return p, nil, nil
	}
	var warns []string
	if m[2] != "" {
		n, err := strconv.Atoi(m[2])
		if err != nil {
			return p, nil, nil
		}
		return m[1], &subscript{start: n, single: true}, nil
	}
	start, err := strconv.Atoi(m[3])
	if err != nil {
		return p, nil, nil
	}
	end := -1
	if m[5] != "" {
		if end, err = strconv.Atoi(m[5]); err != nil {
			return p, nil, nil
		}
	}
	if m[4] == "-" {
		warns = append(warns, "Use [x:y] inclusive subscripts instead of [x-y] which has been removed")
	}
	return m[1], &subscript{start: start, end: end}, warns
}

func applySubscript(hosts []*Host, sub *subscript) ([]*Host, bool) {
	if len(hosts) == 0 || sub == nil {
		return hosts, true
	}
	n := len(hosts)
	if sub.single || sub.end == 0 {
		i := sub.start
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			return nil, false
		}
		return []*Host{hosts[i]}, true
	}
	end := sub.end
	if end == -1 {
		end = n - 1
	}
	lo, hi := sub.start, end+1
	if lo > n {
		lo = n
	}
	if hi > n {
		hi = n
	}
	if lo >= hi {
		return []*Host{}, true
	}
	return hosts[lo:hi], true
}

// evalState collects warnings during one evaluation.
type evalState struct {
	warns []string
}

func (inv *Inventory) evaluate(patterns []string, st *evalState) ([]*Host, error) {
	var hosts []*Host
	for _, p := range orderPatterns(patterns) {
		if h, ok := inv.hosts[p]; ok {
			hosts = append(hosts, h)
			continue
		}
		that, err := inv.matchOne(p, st)
		if err != nil {
			return nil, err
		}
		switch p[0] {
		case '!':
			set := hostSet(that)
			hosts = filterHosts(hosts, func(h *Host) bool { return !set[h] })
		case '&':
			set := hostSet(that)
			hosts = filterHosts(hosts, func(h *Host) bool { return set[h] })
		default:
			existing := map[string]bool{}
			for _, h := range hosts {
				existing[h.Name] = true
			}
			for _, h := range that {
				if !existing[h.Name] {
					hosts = append(hosts, h)
				}
			}
		}
	}
	return hosts, nil
}

func hostSet(hs []*Host) map[*Host]bool {
	m := make(map[*Host]bool, len(hs))
	for _, h := range hs {
		m[h] = true
	}
	return m
}

func filterHosts(hs []*Host, keep func(*Host) bool) []*Host {
	out := hs[:0:0]
	for _, h := range hs {
		if keep(h) {
			out = append(out, h)
		}
	}
	return out
}

func (inv *Inventory) matchOne(p string, st *evalState) ([]*Host, error) {
	if p[0] == '&' || p[0] == '!' {
		p = p[1:]
	}
	if p == "" {
		// Python would fail with an IndexError on pattern[0]
		return nil, fmt.Errorf("Invalid host list pattern: %s", p)
	}
	expr, sub, warns := splitSubscript(p)
	st.warns = append(st.warns, warns...)
	hosts, err := inv.enumerate(expr, st)
	if err != nil {
		return nil, err
	}
	hosts, ok := applySubscript(hosts, sub)
	if !ok {
		return nil, fmt.Errorf("No hosts matched the subscripted pattern '%s'", p)
	}
	return hosts, nil
}

func (inv *Inventory) enumerate(expr string, st *evalState) ([]*Host, error) {
	m, err := compileMatcher(expr)
	if err != nil {
		return nil, err
	}
	var results []*Host
	matchedGroups := false
	for _, g := range inv.groupList {
		if m(g.Name) {
			matchedGroups = true
			results = append(results, g.getHosts()...)
		}
	}
	if !matchedGroups || expr[0] == '~' || strings.ContainsAny(expr, ".?*[") {
		for _, h := range inv.hostList {
			if m(h.Name) {
				results = append(results, h)
			}
		}
	}
	if len(results) == 0 && isLocalhostName(expr) {
		results = append(results, inv.implicitLocalhost(expr))
	}
	if len(results) == 0 && !matchedGroups && expr != "all" {
		msg := "Could not match supplied host pattern, ignoring: " + expr
		switch inv.opts.HostPatternMismatch {
		case "error":
			return nil, errors.New(msg)
		case "ignore":
		default:
			st.warns = append(st.warns, msg)
		}
	}
	return results, nil
}

// Hosts returns the hosts matching an Ansible host pattern, restricted by
// the Limit, in Ansible's order and without duplicates. The warnings are
// those Ansible prints for this lookup ("Could not match supplied host
// pattern, ignoring: x", also for unmatched limit terms); Ansible prints
// each distinct warning once per run, so callers should de-duplicate.
//
// Pattern syntax: names, groups, "all", "*", fnmatch globs ("web*",
// "db[12]"), "~regex" (Go RE2 syntax, anchored at the start), lists
// separated by "," or ":", "&group" intersections and "!group" exclusions
// (applied after all plain terms, whatever their position), and
// subscripts "web[0]", "web[-1]", "web[0:2]", "web[1:]".
func (inv *Inventory) Hosts(pattern string) ([]*Host, []string, error) {
	return inv.hosts_(pattern, false)
}

// HostsIgnoreLimit is Hosts without the Limit (get_hosts(ignore_limits=True)).
func (inv *Inventory) HostsIgnoreLimit(pattern string) ([]*Host, []string, error) {
	return inv.hosts_(pattern, true)
}

func (inv *Inventory) hosts_(pattern string, ignoreLimit bool) ([]*Host, []string, error) {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	st := &evalState{}
	hosts, err := inv.evaluate(SplitPattern(pattern), st)
	if err != nil {
		return nil, st.warns, err
	}
	if !ignoreLimit && len(inv.subset) > 0 {
		sub, err := inv.evaluate(inv.subset, st)
		if err != nil {
			return nil, st.warns, err
		}
		set := hostSet(sub)
		hosts = filterHosts(hosts, func(h *Host) bool { return set[h] })
	}
	out := make([]*Host, 0, len(hosts))
	seen := map[*Host]bool{}
	for _, h := range hosts {
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out, st.warns, nil
}

// Limit restricts Hosts to the hosts matching pattern (--limit). Terms
// starting with "@" name a file holding one pattern per line. An empty
// pattern removes the limit.
func (inv *Inventory) Limit(pattern string) error {
	var subset []string
	for _, x := range SplitPattern(pattern) {
		if x[0] == '@' {
			path := x[1:]
			if !filepathIsAbs(path) {
				path = inv.opts.Cwd + "/" + path
			}
			st, err := os.Stat(path)
			if err != nil {
				return fmt.Errorf("Unable to find limit file b'%s'", x[1:])
			}
			if st.IsDir() {
				return fmt.Errorf("Limit starting with \"@\" must be a file, not a directory: b'%s'", x[1:])
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, l := range strings.Split(string(data), "\n") {
				subset = append(subset, pyStrip(l))
			}
		} else {
			subset = append(subset, x)
		}
	}
	inv.mu.Lock()
	inv.subset = subset
	inv.mu.Unlock()
	return nil
}

func filepathIsAbs(p string) bool { return strings.HasPrefix(p, "/") }
