package pyfmt

import (
	"reflect"
	"runtime"
	"sort"
	"sync"
	"unsafe"
	"weak"
)

// A plain map[string]any has no key order. SetOrder records one for a
// particular map (by identity), so that Repr, Str, JSON (without sortKeys)
// and KeyOrder print it in Python's insertion order. The record does not
// keep the map alive: it is dropped once the map is garbage.

type orderEntry struct {
	wp   weak.Pointer[byte] // identifies the map object
	keys []string
}

var (
	orderMu  sync.RWMutex
	orderReg = map[uintptr]*orderEntry{}
)

func mapObject(m map[string]any) unsafe.Pointer {
	if m == nil {
		return nil
	}
	return reflect.ValueOf(m).UnsafePointer()
}

// SetOrder records keys as the insertion order of m. keys should list m's
// keys; keys missing from m are ignored when printing, and keys of m that
// are not listed (added later) print after the listed ones, sorted. A nil
// or empty keys forgets the recorded order. The slice is copied.
func SetOrder(m map[string]any, keys []string) {
	p := mapObject(m)
	if p == nil {
		return
	}
	key := uintptr(p)
	orderMu.Lock()
	defer orderMu.Unlock()
	if len(keys) == 0 {
		delete(orderReg, key)
		return
	}
	keys = append([]string(nil), keys...)
	wp := weak.Make((*byte)(p))
	if e, ok := orderReg[key]; ok && e.wp == wp {
		e.keys = keys
		return
	}
	orderReg[key] = &orderEntry{wp: wp, keys: keys}
	runtime.AddCleanup((*byte)(p), func(wp weak.Pointer[byte]) {
		orderMu.Lock()
		if e, ok := orderReg[key]; ok && e.wp == wp {
			delete(orderReg, key)
		}
		orderMu.Unlock()
	}, wp)
}

// recordedOrder returns the keys recorded for m by SetOrder, or nil.
func recordedOrder(m map[string]any) []string {
	p := mapObject(m)
	if p == nil {
		return nil
	}
	orderMu.RLock()
	e, ok := orderReg[uintptr(p)]
	var keys []string
	if ok && e.wp.Value() == (*byte)(p) {
		keys = e.keys
	}
	orderMu.RUnlock()
	return keys
}

// KeyOrder returns m's keys in Python order: the order recorded by
// SetOrder (keys no longer in m skipped, keys not recorded appended in
// sorted order), or sorted when nothing was recorded.
func KeyOrder(m map[string]any) []string {
	rec := recordedOrder(m)
	out := make([]string, 0, len(m))
	if rec == nil {
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	seen := make(map[string]bool, len(rec))
	for _, k := range rec {
		if _, ok := m[k]; ok && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	if len(out) < len(m) {
		n := len(out)
		for k := range m {
			if !seen[k] {
				out = append(out, k)
			}
		}
		sort.Strings(out[n:])
	}
	return out
}
