package pyfmt

// OrderedMap is a string-keyed dict that remembers insertion order, like a
// Python dict. Setting an existing key keeps its position and replaces the
// value, as in Python. The zero value is ready to use.
type OrderedMap struct {
	keys []string
	m    map[string]any
}

// NewOrderedMap returns an empty OrderedMap with room for n keys.
func NewOrderedMap(n int) *OrderedMap {
	return &OrderedMap{keys: make([]string, 0, n), m: make(map[string]any, n)}
}

// Set stores v under k. A new key goes to the end; an existing key keeps its
// position.
func (o *OrderedMap) Set(k string, v any) {
	if o.m == nil {
		o.m = make(map[string]any)
	}
	if _, ok := o.m[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.m[k] = v
}

// Get returns the value stored under k.
func (o *OrderedMap) Get(k string) (any, bool) {
	if o == nil {
		return nil, false
	}
	v, ok := o.m[k]
	return v, ok
}

// Delete removes k, if present.
func (o *OrderedMap) Delete(k string) {
	if o == nil {
		return
	}
	if _, ok := o.m[k]; !ok {
		return
	}
	delete(o.m, k)
	for i, key := range o.keys {
		if key == k {
			o.keys = append(o.keys[:i:i], o.keys[i+1:]...)
			break
		}
	}
}

// Len returns the number of keys.
func (o *OrderedMap) Len() int {
	if o == nil {
		return 0
	}
	return len(o.keys)
}

// Keys returns the keys in insertion order. The caller must not modify the
// returned slice.
func (o *OrderedMap) Keys() []string {
	if o == nil {
		return nil
	}
	return o.keys
}

// Map returns a plain map with the same contents (nested values are shared,
// not converted).
func (o *OrderedMap) Map() map[string]any {
	m := make(map[string]any, o.Len())
	if o != nil {
		for k, v := range o.m {
			m[k] = v
		}
	}
	return m
}
