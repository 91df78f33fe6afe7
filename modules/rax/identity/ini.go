package identity

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// iniFile is a parsed INI file in the subset ConfigParser reads: sections,
// "key = value" or "key: value" (keys lower-cased), comments starting with
// # or ;, and indented continuation lines. Values are raw (no %
// interpolation), as pyrax reads them.
type iniFile struct {
	order    []string
	sections map[string]map[string]string
}

// readINI parses path. exists is false when the file cannot be opened
// (ConfigParser.read silently skips such files).
func readINI(path string) (f *iniFile, exists bool, err error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, false, nil
	}
	defer fh.Close()
	f = &iniFile{sections: map[string]map[string]string{}}
	var cur map[string]string
	var lastKey string
	sc := bufio.NewScanner(fh)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";") {
			continue
		}
		if cur != nil && lastKey != "" && (line[0] == ' ' || line[0] == '\t') {
			cur[lastKey] += "\n" + trimmed
			continue
		}
		if strings.HasPrefix(trimmed, "[") && strings.HasSuffix(trimmed, "]") {
			name := trimmed[1 : len(trimmed)-1]
			if _, ok := f.sections[name]; !ok {
				f.sections[name] = map[string]string{}
				f.order = append(f.order, name)
			}
			cur, lastKey = f.sections[name], ""
			continue
		}
		if cur == nil {
			return nil, true, fmt.Errorf("File contains no section headers.\nfile: '%s', line: %d\n%q", path, n, line+"\n")
		}
		i := strings.IndexAny(trimmed, "=:")
		if i < 0 {
			return nil, true, fmt.Errorf("Source contains parsing errors: '%s'\n\t[line %2d]: %q", path, n, line+"\n")
		}
		k := strings.ToLower(strings.TrimSpace(trimmed[:i]))
		cur[k] = strings.TrimSpace(trimmed[i+1:])
		lastKey = k
	}
	if err := sc.Err(); err != nil {
		return nil, true, err
	}
	return f, true, nil
}

func (f *iniFile) get(section, key string) (string, error) {
	s, ok := f.sections[section]
	if !ok {
		return "", fmt.Errorf("No section: '%s'", section)
	}
	v, ok := s[key]
	if !ok {
		return "", fmt.Errorf("No option '%s' in section: '%s'", key, section)
	}
	return v, nil
}
