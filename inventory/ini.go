package inventory

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// ParseError is an inventory syntax error at a line of a source.
type ParseError struct {
	File string
	Line int // 1-based; 0 when the error is not tied to a line
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

type pendingDecl struct {
	line    int
	state   string
	name    string
	parents []string
}

// iniLines decodes an INI inventory the way the ini plugin does: UTF-8 as a
// whole, split with str.splitlines(); when that fails, comment lines may
// hold any bytes and other lines must be valid UTF-8.
func iniLines(path string, data []byte) ([]string, error) {
	if utf8.Valid(data) {
		return pySplitLines(string(data)), nil
	}
	var lines []string
	raw := bytes.Split(bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n")), []byte("\n"))
	if len(raw) > 0 && len(raw[len(raw)-1]) == 0 {
		raw = raw[:len(raw)-1]
	}
	for i, l := range raw {
		if len(l) > 0 && (l[0] == '#' || l[0] == ';') {
			lines = append(lines, "")
			continue
		}
		if !utf8.Valid(l) {
			return nil, &ParseError{path, i + 1, "'utf-8' codec can't decode the line: invalid UTF-8"}
		}
		lines = append(lines, string(l))
	}
	return lines, nil
}

// ParseINI parses INI inventory text into a new inventory (no reconcile,
// no vars directories). It is what Load uses for one INI source, exposed for
// tests and fuzzing.
func ParseINI(path string, data []byte) (*Inventory, error) {
	inv := New(Options{})
	inv.current, inv.hasCurrent = path, true
	err := inv.parseINI(path, data)
	inv.current, inv.hasCurrent = "", false
	if err == nil {
		inv.reconcile()
	}
	return inv, err
}

// parseINI is the ini inventory plugin. Errors name path:line.
func (inv *Inventory) parseINI(path string, data []byte) error {
	lines, err := iniLines(path, data)
	if err != nil {
		return err
	}
	lineno := 0
	fail := func(format string, a ...any) error {
		return &ParseError{path, lineno, fmt.Sprintf(format, a...)}
	}
	pending := map[string]*pendingDecl{}
	var pendingOrder []string
	addPending := func(d *pendingDecl) {
		pending[d.name] = d
		pendingOrder = slices.DeleteFunc(pendingOrder, func(n string) bool { return n == d.name })
		pendingOrder = append(pendingOrder, d.name)
	}
	var addPendingChildren func(group string) error
	addPendingChildren = func(group string) error {
		d := pending[group]
		for _, parent := range d.parents {
			if _, err := inv.addChild(parent, group); err != nil {
				return err
			}
			if pd, ok := pending[parent]; ok && pd.state == "children" {
				if err := addPendingChildren(parent); err != nil {
					return err
				}
			}
		}
		delete(pending, group)
		return nil
	}

	groupname, state := "ungrouped", "hosts"
	for _, line := range lines {
		lineno++
		line = pyStrip(line)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if name, tag, ok := matchSection(line); ok {
			groupname = name
			state = tag
			if state == "" {
				state = "hosts"
			}
			if state != "hosts" && state != "children" && state != "vars" {
				return fail("Section [%s:%s] has unknown type: %s", name, tag, tag)
			}
			if _, ok := inv.groups[groupname]; !ok {
				if _, isPending := pending[groupname]; state == "vars" && !isPending {
					addPending(&pendingDecl{line: lineno, state: state, name: groupname})
				}
				if _, err := inv.addGroup(groupname); err != nil {
					return fail("%s", err)
				}
			}
			if d, ok := pending[groupname]; ok && state != "vars" {
				switch d.state {
				case "children":
					if err := addPendingChildren(groupname); err != nil {
						return fail("%s", err)
					}
				case "vars":
					delete(pending, groupname)
				}
			}
			continue
		} else if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			return fail("Invalid section entry: '%s'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters", line)
		}

		switch state {
		case "hosts":
			hosts, port, vars, keys, err := parseHostDefinition(line)
			if err != nil {
				return fail("%s", err)
			}
			for _, h := range hosts {
				if _, err := inv.addHost(h, groupname, port); err != nil {
					return fail("%s", err)
				}
				for _, k := range keys {
					if err := inv.setVariable(h, k, vars[k]); err != nil {
						return fail("%s", err)
					}
				}
			}
		case "vars":
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return fail("Expected key=value, got: %s", line)
			}
			val, err := parseINIValue(pyStrip(v))
			if err != nil {
				return fail("%s", err)
			}
			if err := inv.setVariable(groupname, pyStrip(k), val); err != nil {
				return fail("%s", err)
			}
		case "children":
			child, ok := matchGroupName(line)
			if !ok {
				return fail("Expected group name, got: %s", line)
			}
			if _, exists := inv.groups[child]; !exists {
				if d, isPending := pending[child]; !isPending {
					addPending(&pendingDecl{line: lineno, state: state, name: child, parents: []string{groupname}})
				} else {
					d.parents = append(d.parents, groupname)
				}
			} else if _, err := inv.addChild(groupname, child); err != nil {
				return fail("%s", err)
			}
		}
	}
	for _, name := range pendingOrder {
		d, ok := pending[name]
		if !ok {
			continue
		}
		switch d.state {
		case "vars":
			return &ParseError{path, d.line, fmt.Sprintf("Section [%s:vars] not valid for undefined group: %s", d.name, d.name)}
		case "children":
			return &ParseError{path, d.line, fmt.Sprintf("Section [%s:children] includes undefined group: %s", d.parents[len(d.parents)-1], d.name)}
		}
	}
	return nil
}

// matchSection matches ^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$ with
// Python's Unicode \s and \w.
func matchSection(line string) (name, tag string, ok bool) {
	if !strings.HasPrefix(line, "[") {
		return "", "", false
	}
	rest := line[1:]
	i := 0
	for i < len(rest) {
		r, size := utf8.DecodeRuneInString(rest[i:])
		if r == ':' || r == ']' || pyIsSpace(r) {
			break
		}
		i += size
	}
	if i == 0 {
		return "", "", false
	}
	name, rest = rest[:i], rest[i:]
	if strings.HasPrefix(rest, ":") {
		j := 1
		for j < len(rest) {
			r, size := utf8.DecodeRuneInString(rest[j:])
			if !isPyWordRune(r) {
				break
			}
			j += size
		}
		if j == 1 {
			return "", "", false
		}
		tag, rest = rest[1:j], rest[j:]
	}
	if !strings.HasPrefix(rest, "]") {
		return "", "", false
	}
	if !trailingComment(rest[1:]) {
		return "", "", false
	}
	return name, tag, true
}

// trailingComment matches \s*(?:#.*)?$.
func trailingComment(s string) bool {
	s = strings.TrimLeftFunc(s, pyIsSpace)
	return s == "" || s[0] == '#'
}

// matchGroupName matches ^([^:\]\s]+)\s*(?:#.*)?$.
func matchGroupName(line string) (string, bool) {
	i := 0
	for i < len(line) {
		r, size := utf8.DecodeRuneInString(line[i:])
		if r == ':' || r == ']' || pyIsSpace(r) {
			break
		}
		i += size
	}
	if i == 0 || !trailingComment(line[i:]) {
		return "", false
	}
	return line[:i], true
}

// parseHostDefinition splits "host[:port] k=v ..." (shlex rules), expands
// the host pattern and types the values with literal_eval.
func parseHostDefinition(line string) (hosts []string, port int, vars map[string]any, keys []string, err error) {
	tokens, err := shlexSplit(line)
	if err != nil {
		return nil, 0, nil, nil, fmt.Errorf("Error parsing host definition '%s': %s", line, err)
	}
	if len(tokens) == 0 {
		return nil, 0, nil, nil, fmt.Errorf("Expected a host definition, got: %s", line)
	}
	hosts, port, err = expandHostPattern(tokens[0])
	if err != nil {
		return nil, 0, nil, nil, err
	}
	vars = map[string]any{}
	for _, t := range tokens[1:] {
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			return nil, 0, nil, nil, fmt.Errorf("Expected key=value host variable assignment, got: %s", t)
		}
		val, err := parseINIValue(v)
		if err != nil {
			return nil, 0, nil, nil, err
		}
		if _, seen := vars[k]; !seen {
			keys = append(keys, k)
		}
		vars[k] = val
	}
	return hosts, port, vars, keys, nil
}

// expandHostPattern is the ini plugin's _expand_hostpattern: an optional
// :port, then range expansion.
func expandHostPattern(pattern string) ([]string, int, error) {
	host, port, hasPort, err := parseAddress(pattern, true)
	if err != nil {
		host, port, hasPort = pattern, 0, false
	}
	if !hasPort && strings.HasSuffix(pyStrip(pattern), ":") {
		return nil, 0, fmt.Errorf("Invalid host pattern '%s' supplied, ending in ':' is not allowed, this character is reserved to provide a port.", pattern)
	}
	names, err := ExpandHostnameRange(host)
	if err != nil {
		return nil, 0, err
	}
	for _, n := range names {
		if pyStrip(n) == "---" {
			return nil, 0, fmt.Errorf("Invalid host pattern '%s' supplied, '---' is normally a sign this is a YAML file.", pattern)
		}
	}
	return names, port, nil
}
