package ssh

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// sshConfig is a parsed ssh_config(5) file, reduced to what goplay uses.
// Lookup follows OpenSSH: blocks apply when a Host pattern matches the host
// name given on the command line, and for each keyword the first value
// obtained wins (IdentityFile accumulates).
type sshConfig struct {
	directives []directive
}

type directive struct {
	hosts []string // Host patterns in force; nil before the first Host line
	never bool     // inside a Match block other than "Match all"
	key   string   // lower-case keyword
	args  []string
	file  string
	line  int
}

// supported keywords; others are ignored.
var sshConfigKeys = map[string]bool{
	"hostname": true, "port": true, "user": true, "identityfile": true,
	"proxyjump": true, "proxycommand": true, "userknownhostsfile": true, "globalknownhostsfile": true,
	"stricthostkeychecking": true, "identitiesonly": true, "identityagent": true,
	"connecttimeout": true, "passwordauthentication": true, "pubkeyauthentication": true,
}

// parseSSHConfig reads path; a missing file is an empty config. baseDir
// resolves relative Include paths (~/.ssh for user files, /etc/ssh for the
// system file).
func parseSSHConfig(path, baseDir, home string) (*sshConfig, error) {
	c := &sshConfig{}
	if err := c.parseFile(path, baseDir, home, nil, false, 0); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *sshConfig) parseFile(path, baseDir, home string, hosts []string, never bool, depth int) error {
	if depth > 16 {
		return fmt.Errorf("%s: too many nested Include", path)
	}
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		key, args, err := splitConfigLine(sc.Text())
		if err != nil {
			return fmt.Errorf("%s line %d: %v", path, n, err)
		}
		switch key {
		case "":
			continue
		case "host":
			hosts, never = args, false
			if len(hosts) == 0 {
				return fmt.Errorf("%s line %d: Host directive without pattern", path, n)
			}
		case "match":
			// Only "Match all" is understood; other Match blocks never apply.
			if len(args) == 1 && strings.EqualFold(args[0], "all") {
				hosts, never = []string{"*"}, false
			} else {
				hosts, never = nil, true
			}
		case "include":
			for _, a := range args {
				p := expandTilde(a, home)
				if !filepath.IsAbs(p) {
					p = filepath.Join(baseDir, p)
				}
				matches, _ := filepath.Glob(p)
				for _, m := range matches {
					if err := c.parseFile(m, baseDir, home, hosts, never, depth+1); err != nil {
						return err
					}
				}
			}
		default:
			if sshConfigKeys[key] {
				c.directives = append(c.directives, directive{hosts: hosts, never: never, key: key, args: args, file: path, line: n})
			}
		}
	}
	return sc.Err()
}

// splitConfigLine splits one line into its lower-case keyword and arguments.
// Keyword and arguments are separated by whitespace or one '='; arguments
// may be double-quoted.
func splitConfigLine(line string) (string, []string, error) {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return "", nil, nil
	}
	i := strings.IndexAny(line, " \t=")
	if i < 0 {
		return strings.ToLower(line), nil, nil
	}
	key := strings.ToLower(line[:i])
	rest := strings.TrimLeft(line[i:], " \t")
	if strings.HasPrefix(rest, "=") {
		rest = strings.TrimLeft(rest[1:], " \t")
	}
	if key == "proxycommand" || key == "localcommand" || key == "remotecommand" {
		// The rest of the line is a shell command, kept as written.
		return key, []string{rest}, nil
	}
	var args []string
	for rest != "" {
		if rest[0] == '#' {
			break
		}
		if rest[0] == '"' {
			j := strings.IndexByte(rest[1:], '"')
			if j < 0 {
				return "", nil, fmt.Errorf("unterminated quote")
			}
			args = append(args, rest[1:1+j])
			rest = strings.TrimLeft(rest[2+j:], " \t")
			continue
		}
		j := strings.IndexAny(rest, " \t")
		if j < 0 {
			args = append(args, rest)
			break
		}
		args = append(args, rest[:j])
		rest = strings.TrimLeft(rest[j:], " \t")
	}
	return key, args, nil
}

// hostOptions are the values that apply to one host, first value wins.
type hostOptions struct {
	values        map[string][]string // keyword -> arguments of its first occurrence
	identityFiles []string            // every IdentityFile, in order
}

func (o *hostOptions) get(key string) (string, bool) {
	v, ok := o.values[key]
	if !ok || len(v) == 0 {
		return "", ok
	}
	return v[0], true
}

// lookup collects the options that apply to host (the name given to ssh).
// Later configs (the system file) only fill in what earlier ones left unset.
func lookupHost(host string, configs ...*sshConfig) *hostOptions {
	o := &hostOptions{values: map[string][]string{}}
	for _, c := range configs {
		if c == nil {
			continue
		}
		for _, d := range c.directives {
			if d.never || (d.hosts != nil && !matchHostPatterns(host, d.hosts)) {
				continue
			}
			if d.key == "identityfile" {
				o.identityFiles = append(o.identityFiles, d.args...)
				continue
			}
			if _, ok := o.values[d.key]; !ok {
				o.values[d.key] = d.args
			}
		}
	}
	return o
}

// matchHostPatterns reports whether host matches a Host line: some pattern
// matches and no negated (!pattern) one does.
func matchHostPatterns(host string, patterns []string) bool {
	matched := false
	for _, p := range patterns {
		for _, q := range strings.Split(p, ",") {
			neg := strings.HasPrefix(q, "!")
			if neg {
				q = q[1:]
			}
			if q == "" || !wildMatch(strings.ToLower(q), strings.ToLower(host)) {
				continue
			}
			if neg {
				return false
			}
			matched = true
		}
	}
	return matched
}

// wildMatch matches s against a pattern with * (any run) and ? (one char).
func wildMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func expandTilde(p, home string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") {
		return filepath.Join(home, p[2:])
	}
	return p
}

// expandTokens expands the ssh_config % tokens goplay knows: %% %h %p %r %u
// %d %n, and a leading ~.
func expandTokens(s string, r *resolved) string {
	s = expandTilde(s, r.home)
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case '%':
			b.WriteByte('%')
		case 'h':
			b.WriteString(r.hostname)
		case 'p':
			fmt.Fprint(&b, r.port)
		case 'r':
			b.WriteString(r.user)
		case 'u':
			b.WriteString(r.localUser)
		case 'd':
			b.WriteString(r.home)
		case 'n':
			b.WriteString(r.alias)
		default:
			b.WriteByte('%')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
