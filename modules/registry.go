package modules

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

var (
	regMu    sync.RWMutex
	registry = map[string]*Info{}
)

// Register adds a module. It panics on an empty name, a missing New, or a
// name or alias that is already taken: these are programming errors found at
// start-up.
func Register(info Info) {
	if info.Name == "" {
		panic("modules.Register: empty module name")
	}
	if info.New == nil {
		panic("modules.Register: module " + info.Name + " has no New")
	}
	regMu.Lock()
	defer regMu.Unlock()
	in := info
	names := append([]string{info.Name}, info.Aliases...)
	if !strings.Contains(info.Name, ".") {
		// Every module is also reachable as ansible.legacy.NAME, as in Ansible.
		names = append(names, "ansible.legacy."+info.Name)
	}
	for _, n := range names {
		if _, dup := registry[n]; dup {
			panic("modules.Register: duplicate module name " + n)
		}
	}
	for _, n := range names {
		registry[n] = &in
	}
}

// Lookup returns the module registered under name (a short name or alias).
func Lookup(name string) (*Info, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	i, ok := registry[name]
	return i, ok
}

// Names lists every registered name and alias, sorted.
func Names() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ShortName is name without an ansible.builtin. or ansible.legacy. prefix.
func ShortName(name string) string {
	return strings.TrimPrefix(strings.TrimPrefix(name, "ansible.builtin."), "ansible.legacy.")
}

// Canonical returns the module's short name for name, or name itself.
func Canonical(name string) string {
	if i, ok := Lookup(name); ok {
		return i.Name
	}
	return name
}

// Suggest returns the registered name closest to name, for "did you mean".
func Suggest(name string) string {
	best, bestD := "", 1<<30
	for _, n := range Names() {
		if strings.HasPrefix(n, "ansible.legacy.") {
			continue
		}
		d := levenshtein(name, n)
		if d < bestD {
			best, bestD = n, d
		}
	}
	if bestD <= len(name)/2+1 {
		return best
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Levenshtein is the edit distance used for "did you mean" suggestions.
func Levenshtein(a, b string) int { return levenshtein(a, b) }

// New creates the module registered under name and decodes args into it.
func New(name string, args map[string]any) (Module, *Info, error) {
	info, ok := Lookup(name)
	if !ok {
		return nil, nil, fmt.Errorf("couldn't resolve module/action '%s'", name)
	}
	m := info.New()
	if err := Decode(info.Name, m, args); err != nil {
		return nil, info, err
	}
	if v, ok := m.(Validator); ok {
		if err := v.Validate(); err != nil {
			return nil, info, err
		}
	}
	return m, info, nil
}
