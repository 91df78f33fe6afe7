package pyfmt

import (
	"reflect"
	"sort"
	"sync"
)

// Python dicts keep insertion order; goplay's dicts are Go maps. Maps whose
// order matters for output (those read from YAML or JSON, and those a
// template builds) have their key order recorded here. The table keeps the
// maps alive, so a recorded address is never reused by another map.
var orders sync.Map // uintptr -> *orderEntry

type orderEntry struct {
	m    map[string]any
	keys []string
}

// SetOrder records the insertion order of m's keys.
func SetOrder(m map[string]any, keys []string) {
	if m == nil || len(keys) < 2 {
		return
	}
	orders.Store(reflect.ValueOf(m).Pointer(), &orderEntry{m: m, keys: append([]string(nil), keys...)})
}

// KeyOrder returns m's keys in insertion order when it was recorded and
// still matches the map's keys; otherwise sorted.
func KeyOrder(m map[string]any) []string {
	if e, ok := orders.Load(reflect.ValueOf(m).Pointer()); ok {
		ent := e.(*orderEntry)
		if len(ent.keys) == len(m) {
			valid := true
			for _, k := range ent.keys {
				if _, ok := m[k]; !ok {
					valid = false
					break
				}
			}
			if valid {
				return append([]string(nil), ent.keys...)
			}
		} else if len(m) > len(ent.keys) {
			// keys added later come after the recorded ones, sorted
			seen := make(map[string]bool, len(ent.keys))
			var out []string
			valid := true
			for _, k := range ent.keys {
				if _, ok := m[k]; !ok {
					valid = false
					break
				}
				seen[k] = true
				out = append(out, k)
			}
			if valid {
				var extra []string
				for k := range m {
					if !seen[k] {
						extra = append(extra, k)
					}
				}
				sort.Strings(extra)
				return append(out, extra...)
			}
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
