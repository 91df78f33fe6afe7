package sandbox

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/goplay/goplay/modules/rax/simulator"
)

func TestReportFormat(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ls := &loadStats{
		start: start, end: start.Add(4500 * time.Millisecond),
		sent: 900, slow: 90, fresh: 270,
		failed:  map[string]int{CauseReset: 3, Cause5xx: 2},
		codes:   map[int]int{502: 2},
		samples: []sample{{2 * time.Second, "+2.0s 5xx /: 502 Bad Gateway"}, {time.Second, "+1.0s reset /slow: unexpected EOF"}},
		lat:     []time.Duration{3 * time.Millisecond, time.Millisecond, 2 * time.Millisecond, 40 * time.Millisecond},
		seconds: []second{
			{versions: map[string]int{"v1": 200}},
			{versions: map[string]int{"v1": 150, "v2": 47}, failed: 3},
			{versions: map[string]int{"v2": 198}, failed: 2},
			{versions: map[string]int{"v2": 200}},
			{versions: map[string]int{"v2": 100}},
		},
	}
	r := &Report{Nodes: 4, Rate: 200}
	r.fillLoad(ls)
	r.MaxOutOfRotation = 3
	r.Rollout = &Rollout{Start: start, End: start.Add(2500 * time.Millisecond), Complete: true}
	r.Final = []NodeState{{"127.0.0.101", "ENABLED", "v2", 1}, {"127.0.0.102", "ENABLED", "v2", 1},
		{"127.0.0.103", "DISABLED", "down", 1}, {"127.0.0.104", "ENABLED", "v2", 1}}
	if r.Failed() != 5 || r.OK != 895 {
		t.Fatalf("Failed() = %d, OK = %d", r.Failed(), r.OK)
	}
	var b bytes.Buffer
	r.Format(&b, 2)
	want := `SANDBOX REPORT *****************************************************************
traffic   : 900 requests in 4.5s (200/s; 30% on fresh connections, 10% slow)
failed    : 5 of 900 (reset 3, 5xx 2 [502 x2])
            +1.0s reset /slow: unexpected EOF
            +2.0s 5xx /: 502 Bad Gateway
latency   : p50 2.0ms  p99 3.0ms  max 40ms (slow requests excluded)
rotation  : at most 3 of 4 nodes out of rotation at once, MORE than serial 2
rollout   : 2.5s from the first node out of rotation to the last one back
nodes     : 3/4 ENABLED, 1 DISABLED; serving down (1), v2 (3) [127.0.0.103 DISABLED down]
versions  :   time      v1      v2  failed
                0s     200       0       0
                1s     150      47       3
                2s       0     198       2
                3s       0     200       0
                4s       0     100       0
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if n := len(strings.SplitN(b.String(), "\n", 2)[0]); n != 80 {
		t.Errorf("banner is %d columns, Ansible's are 80", n)
	}

	// A long run is summarized in at most maxRows rows.
	ls = &loadStats{start: start, end: start.Add(95 * time.Second), sent: 950, failed: map[string]int{}, codes: map[int]int{}}
	ls.seconds = make([]second, 95)
	for i := range ls.seconds {
		ls.seconds[i] = second{versions: map[string]int{"v1": 10}}
	}
	r = &Report{Nodes: 4, Rate: 200}
	r.fillLoad(ls)
	b.Reset()
	r.Format(&b, 0)
	if !strings.Contains(b.String(), "  0-10s     100       0\n") || !strings.Contains(b.String(), " 90-95s      50       0\n") {
		t.Errorf("timeline:\n%s", b.String())
	}
	if strings.Contains(b.String(), "serial") || !strings.Contains(b.String(), "failed    : 0\n") {
		t.Errorf("unexpected:\n%s", b.String())
	}

	// No load.
	b.Reset()
	(&Report{Nodes: 2, Rate: -1}).Format(&b, 1)
	if !strings.Contains(b.String(), "traffic   : none") || !strings.Contains(b.String(), "at most 0 of 2 nodes out of rotation at once (serial 1)") {
		t.Errorf("no load:\n%s", b.String())
	}
}

func TestRollout(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := func(s int, kind string, node int, to string) simulator.Event {
		return simulator.Event{Time: t0.Add(time.Duration(s) * time.Second), Kind: kind, LoadBalancerID: 1, NodeID: node, To: to}
	}
	events := []simulator.Event{
		ev(0, simulator.EventNodeAdded, 1, "ENABLED"), ev(0, simulator.EventNodeAdded, 2, "ENABLED"),
		ev(3, simulator.EventNodeCondition, 1, "DRAINING"), ev(4, simulator.EventNodeCondition, 1, "DISABLED"),
		ev(6, simulator.EventNodeCondition, 1, "ENABLED"), ev(7, simulator.EventNodeCondition, 2, "DRAINING"),
		ev(9, simulator.EventNodeCondition, 2, "ENABLED"),
	}
	ro := rollout(events)
	if ro == nil || !ro.Complete || ro.Duration() != 6*time.Second {
		t.Fatalf("rollout %+v", ro)
	}
	ro = rollout(events[:6])
	if ro == nil || ro.Complete || ro.Duration() != 4*time.Second {
		t.Fatalf("incomplete rollout %+v", ro)
	}
	if rollout(events[:2]) != nil {
		t.Fatal("rollout without changes")
	}
	if simulator.MaxNotEnabled(events, 1) != 1 {
		t.Fatal("MaxNotEnabled")
	}
}

func TestParseFaults(t *testing.T) {
	f, err := ParseFaults("10%")
	if err != nil || f.ErrorRate != 0.1 || f.OverLimitRate != 0.1 || f.SlowRate != 0.1 || f.DropRate != 0 {
		t.Fatalf("10%%: %+v %v", f, err)
	}
	f, err = ParseFaults("5xx=0.2, 413=5%,slow=1%,drop=0.01,slow-delay=300ms,seed=7")
	if err != nil || f.ErrorRate != 0.2 || f.OverLimitRate != 0.05 || f.SlowRate != 0.01 || f.DropRate != 0.01 ||
		f.SlowDelay != 300*time.Millisecond || f.Seed != 7 {
		t.Fatalf("%+v %v", f, err)
	}
	for _, bad := range []string{"5xx=2", "teapot=0.1", "slow=x", "150%", "slow-delay=-1s"} {
		if _, err := ParseFaults(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if f, err := ParseFaults("none"); err != nil || f != (simulator.Faults{}) {
		t.Errorf("none: %+v %v", f, err)
	}
}

func TestConfigValidation(t *testing.T) {
	for _, c := range []Config{{Nodes: 26}, {Nodes: -1}, {FirstAddress: "10.0.0.1"}, {FirstAddress: "127.0.0.250", Nodes: 10},
		{Nodes: 2, SSH: []SSHEndpoint{{}}}} {
		if _, err := c.withDefaults(); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	c, err := Config{}.withDefaults()
	if err != nil || c.Nodes != 4 || c.Rate != 200 || c.FirstAddress != "127.0.0.101" {
		t.Errorf("defaults: %+v %v", c, err)
	}
}

func TestSSHDConfig(t *testing.T) {
	got := SSHDConfig("/tmp/sb dir", []string{"127.0.0.21"})
	want := "Match LocalAddress 127.0.0.21\n    ForceCommand cd '/tmp/sb dir/node1' && HOME='/tmp/sb dir/node1' exec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
