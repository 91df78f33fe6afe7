package pyfmt

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestSetOrder(t *testing.T) {
	m := map[string]any{"b": 1, "a": 2, "c": 3}
	if got := strings.Join(KeyOrder(m), ","); got != "a,b,c" {
		t.Fatalf("unrecorded: %s", got)
	}
	SetOrder(m, []string{"c", "a", "b"})
	if got := strings.Join(KeyOrder(m), ","); got != "c,a,b" {
		t.Fatalf("recorded: %s", got)
	}
	if got := Repr(m); got != "{'c': 3, 'a': 2, 'b': 1}" {
		t.Fatalf("Repr: %s", got)
	}
	if got := JSON(m, -1, false); got != `{"c": 3, "a": 2, "b": 1}` {
		t.Fatalf("JSON: %s", got)
	}
	if got := JSON(m, -1, true); got != `{"a": 2, "b": 1, "c": 3}` {
		t.Fatalf("JSON sorted: %s", got)
	}
	// a later key goes last; deleted keys are skipped
	m["0"] = 4
	delete(m, "a")
	if got := strings.Join(KeyOrder(m), ","); got != "c,b,0" {
		t.Fatalf("after edits: %s", got)
	}
	// re-recording replaces; nil forgets
	SetOrder(m, []string{"b", "0", "c"})
	if got := strings.Join(KeyOrder(m), ","); got != "b,0,c" {
		t.Fatalf("re-recorded: %s", got)
	}
	SetOrder(m, nil)
	if got := strings.Join(KeyOrder(m), ","); got != "0,b,c" {
		t.Fatalf("forgotten: %s", got)
	}
	SetOrder(nil, []string{"x"})
	if len(KeyOrder(nil)) != 0 {
		t.Fatal("nil map")
	}
	runtime.KeepAlive(m)
}

func TestSetOrderDoesNotKeepMapsAlive(t *testing.T) {
	count := func() int {
		orderMu.RLock()
		defer orderMu.RUnlock()
		return len(orderReg)
	}
	before := count()
	for i := 0; i < 1000; i++ {
		m := map[string]any{"b": 1, "a": 2}
		SetOrder(m, []string{"b", "a"})
	}
	if count() < before+1000 {
		t.Fatalf("registry has %d entries, want >= %d", count(), before+1000)
	}
	deadline := time.Now().Add(5 * time.Second)
	for count() > before+10 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := count(); n > before+10 {
		t.Fatalf("registry still has %d entries after GC", n)
	}
}

func TestParseJSONKeepsOrder(t *testing.T) {
	v, err := ParseJSON([]byte(`{"z": 1, "a": {"y": 2, "b": 3}, "z": 4}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := Repr(v); got != "{'z': 4, 'a': {'y': 2, 'b': 3}}" {
		t.Fatalf("Repr: %s", got)
	}
}
