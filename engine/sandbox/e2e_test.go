package sandbox_test

// End-to-end tests of `goplay --sandbox` (issue 5, point 5): the examples
// run through app.Main exactly as the command line runs them, against the
// simulated cloud, with live traffic through the forwarding load balancer.
// They run by default (go test ./...); -short skips them. A failing test
// logs goplay's output, the simulator's event log and the sshd logs;
// GOPLAY_E2E_LOG=1 logs them always.
//
// The nodes are served by real OpenSSH sshd (engine/connection/sshtest)
// except in the fault-injection test, which is the plain
// `goplay --sandbox --sandbox-faults 10%` (embedded SSH endpoints). The
// only hook is app.SandboxStart, through which a test hands the sandbox its
// sshd endpoints and gets the *sandbox.Sandbox to read the simulator's
// event log and the report.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goplay/goplay/engine/app"
	"github.com/goplay/goplay/engine/connection/sshtest"
	"github.com/goplay/goplay/engine/sandbox"
	"github.com/goplay/goplay/modules/rax/simulator"
)

// e2eSSHDAddrs are the listen addresses of the nodes' sshd (node i+1 is
// served on e2eSSHDAddrs[i]); clear of sshtest's default 127.0.0.21+ that
// other packages' tests use.
var e2eSSHDAddrs = []string{"127.0.0.31", "127.0.0.32", "127.0.0.33", "127.0.0.34"}

// e2eRaceRate is the load (requests per second) under the race detector,
// instead of the default 200.
const e2eRaceRate = 50

// e2eRun is one `goplay --sandbox` run.
type e2eRun struct {
	playbook string   // file under examples/
	args     []string // more goplay options, before the playbook
	sshd     bool     // serve the 4 nodes with real OpenSSH sshd
	// fullRate keeps the default load under the race detector (the
	// negative control needs the traffic to see the downtime).
	fullRate bool
	// watch, if set, runs in its own goroutine from the moment the
	// sandbox is up until the playbook has ended (ctx is then cancelled).
	watch func(ctx context.Context, sb *sandbox.Sandbox, env *sshtest.Env)
}

// e2eResult is what a run gave.
type e2eResult struct {
	rc             int
	stdout, stderr string
	elapsed        time.Duration
	sb             *sandbox.Sandbox
	report         *sandbox.Report
	lbID           int
	events         []simulator.Event // app-lb1's, oldest first
	stats          simulator.Stats   // app-lb1's traffic counters at the end
	nodes          []sandbox.Node
	env            *sshtest.Env // nil without sshd
}

// requireRootSSHD skips (fails in CI) when real sshd cannot serve the
// nodes: the playbooks log in as root (ansible_ssh_user=root).
func requireRootSSHD(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		msg := "the nodes are reached as root over real OpenSSH sshd: this test needs root"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set: run the tests as root, as .ci/run does)")
		}
		t.Skip(msg)
	}
}

func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end run under the sandbox: skipped with -short")
	}
}

// runE2E runs goplay --sandbox on an example as the command line does.
func runE2E(t *testing.T, r e2eRun) *e2eResult {
	t.Helper()
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	res := &e2eResult{}
	var eps []sandbox.SSHEndpoint
	if r.sshd {
		requireRootSSHD(t)
		res.env = sshtest.Start(t, sshtest.Options{Servers: len(e2eSSHDAddrs), Addrs: e2eSSHDAddrs,
			ExtraConfig: sandbox.SSHDConfig(dir, e2eSSHDAddrs)})
		for _, s := range res.env.Servers {
			eps = append(eps, sandbox.SSHEndpoint{Host: s.Addr, Port: s.Port, HostKey: s.HostKey, KeyFile: res.env.KeyFile})
		}
	}
	// --sandbox exports the rax settings into the process environment:
	// restore them afterwards.
	for _, k := range []string{"GOPLAY_RAX_AUTH_ENDPOINT", "RAX_USERNAME", "RAX_API_KEY", "RAX_REGION"} {
		t.Setenv(k, os.Getenv(k))
	}
	if app.NewConnector != nil {
		t.Fatal("app.NewConnector is set: --sandbox would not wire its SSH config")
	}

	var (
		mu    sync.Mutex
		sb    *sandbox.Sandbox
		ready = make(chan struct{})
	)
	app.SandboxStart = func(ctx context.Context, cfg sandbox.Config) (*sandbox.Sandbox, error) {
		if len(eps) > 0 {
			cfg.SSH = eps
		}
		s, err := sandbox.Start(ctx, cfg)
		if err == nil {
			mu.Lock()
			sb = s
			mu.Unlock()
			close(ready)
		}
		return s, err
	}
	defer func() { app.SandboxStart = sandbox.Start }()

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	// The load balancer's counters are gone once the sandbox stops: keep
	// the last ones seen.
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-ready:
		case <-ctx.Done():
			return
		}
		mu.Lock()
		s := sb
		mu.Unlock()
		id := s.LoadBalancer().ID
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if st, ok := s.Simulator().Stats(id); ok && len(st.Nodes) > 0 {
				mu.Lock()
				res.stats = st
				mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	if r.watch != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-ready:
				mu.Lock()
				s := sb
				mu.Unlock()
				r.watch(ctx, s, res.env)
			case <-ctx.Done():
			}
		}()
	}

	// The load balancer stays PENDING_UPDATE 1s after each change (the
	// default, pinned): the article's placeholder wait drains nothing, and
	// its drain's wait=true on that second is what lets the requests in
	// flight on a draining node finish before it is disabled. A longer
	// pending time would hide a too-short drain.
	args := []string{"--sandbox", "--sandbox-dir", dir, "--sandbox-pending-update", "1s"}
	if e2eRace && !r.fullRate {
		args = append(args, "--sandbox-rate", strconv.Itoa(e2eRaceRate))
	}
	args = append(args, r.args...)
	args = append(args, filepath.Join(examples, r.playbook))
	var stdout, stderr bytes.Buffer
	start := time.Now()
	res.rc = app.Main(args, strings.NewReader(""), &stdout, &stderr)
	res.elapsed = time.Since(start)
	cancel()
	wg.Wait()
	res.stdout, res.stderr = stdout.String(), stderr.String()

	t.Cleanup(func() {
		if !t.Failed() && os.Getenv("GOPLAY_E2E_LOG") == "" {
			return
		}
		t.Logf("goplay %s: rc=%d in %s\n--- stdout\n%s--- stderr\n%s", strings.Join(args, " "), res.rc,
			res.elapsed.Round(time.Millisecond), res.stdout, res.stderr)
		t.Logf("event log of app-lb1:\n%s", formatEvents(res.events))
		if res.env != nil {
			for i, s := range res.env.Servers {
				t.Logf("sshd %d (%s) log:\n%s", i+1, s.HostPort(), tail(s.Log(), 15))
			}
		}
	})
	mu.Lock()
	res.sb = sb
	mu.Unlock()
	if res.sb == nil {
		t.Fatalf("the sandbox did not start (rc=%d)", res.rc)
	}
	res.report = res.sb.LastReport()
	if res.report == nil {
		t.Fatalf("no sandbox report (rc=%d)", res.rc)
	}
	res.lbID = res.sb.LoadBalancer().ID
	res.events = simulator.EventsFor(res.sb.Simulator().Events(), res.lbID)
	res.nodes = res.sb.Nodes()
	t.Logf("%s: rc=%d in %s; %d requests, %d failed, at most %d nodes out of rotation",
		r.playbook, res.rc, res.elapsed.Round(time.Millisecond), res.report.Sent, res.report.Failed(), res.report.MaxOutOfRotation)
	return res
}

func tail(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "")
}

func formatEvents(events []simulator.Event) string {
	if len(events) == 0 {
		return "(none)\n"
	}
	var b strings.Builder
	t0 := events[0].Time
	for _, e := range events {
		fmt.Fprintf(&b, "  %8.3fs %-15s", e.Time.Sub(t0).Seconds(), e.Kind)
		if e.NodeID != 0 {
			fmt.Fprintf(&b, " node %d", e.NodeID)
		}
		if e.From != "" || e.To != "" {
			fmt.Fprintf(&b, " %s -> %s", e.From, e.To)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// ---- Ansible's output ----

// section is one banner of the default callback's output and the result
// lines under it.
type section struct {
	banner  string   // "PLAY [name]", "TASK [name]", "PLAY RECAP", …
	results []string // normalized result lines, sorted
	raw     []string // every non-empty line under the banner
}

var (
	bannerRE = regexp.MustCompile(`^(PLAY \[.*\]|TASK \[.*\]|RUNNING HANDLER \[.*\]|PLAY RECAP|NO MORE HOSTS LEFT|SANDBOX REPORT) (\*+)$`)
	resultRE = regexp.MustCompile(`^(ok|changed|skipping|failed|fatal): \[[^\]]+\]`)
	itemIDRE = regexp.MustCompile(`'id': (\d+)`)
)

// parseOutput splits stdout into sections. It checks the banners as
// Ansible prints them: 80 columns of title, space and stars, after an
// empty line.
func parseOutput(t *testing.T, out string) []section {
	t.Helper()
	var secs []section
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if m := bannerRE.FindStringSubmatch(l); m != nil {
			if len(m[1]) < 76 && len(l) != 80 {
				t.Errorf("banner %q is %d columns wide, want 80", l, len(l))
			}
			if i > 0 && lines[i-1] != "" {
				t.Errorf("banner %q does not follow an empty line", l)
			}
			secs = append(secs, section{banner: m[1]})
			continue
		}
		if len(secs) == 0 || l == "" {
			continue
		}
		s := &secs[len(secs)-1]
		s.raw = append(s.raw, l)
		if resultRE.MatchString(l) {
			s.results = append(s.results, normalizeResult(l))
		}
	}
	for i := range secs {
		slices.Sort(secs[i].results)
	}
	return secs
}

// normalizeResult keeps what identifies a result line: loop items become
// their node id, a result's JSON is cut ("fatal: [h]: UNREACHABLE! =>"),
// debug's "=> {" stays.
func normalizeResult(l string) string {
	if i := strings.Index(l, " => (item="); i >= 0 {
		item := l[i+len(" => (item="):]
		if m := itemIDRE.FindStringSubmatch(item); m != nil {
			item = m[1] + ")"
		}
		return l[:i] + " => (item=" + item
	}
	if i := strings.Index(l, " => {"); i >= 0 {
		return l[:i+len(" =>")]
	}
	return l
}

// wantSection is an expected section: its banner and its result lines in
// any order (hosts of a batch finish in any order).
type wantSection struct {
	banner  string
	results []string
}

func checkSections(t *testing.T, got []section, want []wantSection) {
	t.Helper()
	var gb, wb []string
	for _, s := range got {
		gb = append(gb, s.banner)
	}
	for _, s := range want {
		wb = append(wb, s.banner)
	}
	if !slices.Equal(gb, wb) {
		t.Errorf("banners:\n got %q\nwant %q", gb, wb)
		return
	}
	for i, w := range want {
		if w.banner == "PLAY RECAP" || w.banner == "SANDBOX REPORT" {
			continue
		}
		wr := slices.Clone(w.results)
		slices.Sort(wr)
		if !slices.Equal(got[i].results, wr) {
			t.Errorf("%s (section %d): results\n got %q\nwant %q", w.banner, i+1, got[i].results, wr)
		}
	}
}

// recapLine is a PLAY RECAP line as Ansible prints it.
func recapLine(host string, ok, changed, unreachable, failed, skipped int) string {
	return fmt.Sprintf("%-26s : ok=%-4d changed=%-4d unreachable=%-4d failed=%-4d skipped=%-4d rescued=%-4d ignored=%-4d",
		host, ok, changed, unreachable, failed, skipped, 0, 0)
}

func checkRecap(t *testing.T, secs []section, want []string) {
	t.Helper()
	for _, s := range secs {
		if s.banner == "PLAY RECAP" {
			if !slices.Equal(s.raw, want) {
				t.Errorf("PLAY RECAP:\n got %q\nwant %q", s.raw, want)
			}
			return
		}
	}
	t.Errorf("no PLAY RECAP")
}

// checkReportText checks the report printed after the recap: present, and
// its failed line.
func checkReportText(t *testing.T, secs []section, failed int) {
	t.Helper()
	for _, s := range secs {
		if s.banner != "SANDBOX REPORT" {
			continue
		}
		for _, l := range s.raw {
			if v, ok := strings.CutPrefix(l, "failed    : "); ok {
				n, _, _ := strings.Cut(v, " ")
				if got, err := strconv.Atoi(n); err != nil || got != failed {
					t.Errorf("report line %q: want %d failed", l, failed)
				}
				return
			}
		}
		t.Errorf("no failed line in the sandbox report %q", s.raw)
		return
	}
	t.Errorf("no SANDBOX REPORT after the recap")
}

// ---- the expected transcripts ----

func (r *e2eResult) ids() []string {
	var ids []string
	for _, n := range r.nodes {
		ids = append(ids, strconv.Itoa(n.ID))
	}
	return ids
}

// gatheringPlay is the article's first play (app-deploy.yaml); the other
// examples have no debug task.
func gatheringPlay(ids []string, debug bool) []wantSection {
	var skips, adds []string
	for _, id := range ids {
		skips = append(skips, "skipping: [localhost] => (item="+id+")")
		adds = append(adds, "changed: [localhost] => (item="+id+")")
	}
	w := []wantSection{
		{"PLAY [Loadbalancer Data Gathering]", nil},
		{"TASK [discover load balancer details]", []string{"ok: [localhost]"}},
	}
	if debug {
		w = append(w, wantSection{"TASK [debug lb data]", []string{"ok: [localhost] =>"}})
	}
	return append(w,
		wantSection{"TASK [pre-flight lb health check]", []string{"skipping: [localhost]"}},
		wantSection{"TASK [pre-flight node health check]", append(skips, "skipping: [localhost]")},
		wantSection{"TASK [create node host group]", adds},
	)
}

func delegated(status string, hosts ...string) []string {
	var out []string
	for _, h := range hosts {
		out = append(out, status+": ["+h+" -> localhost]")
	}
	return out
}

func onHosts(status string, hosts ...string) []string {
	var out []string
	for _, h := range hosts {
		out = append(out, status+": ["+h+"]")
	}
	return out
}

// articleBatch is one serial batch of the article's rolling play.
func articleBatch(a, b string) []wantSection {
	return []wantSection{
		{"PLAY [Deploy the code]", nil},
		{"TASK [drain the node]", delegated("changed", a, b)},
		{"TASK [wait for app connections to close]", onHosts("changed", a, b)},
		{"TASK [disable the node]", delegated("changed", a, b)},
		{"TASK [deploy the code]", onHosts("changed", a, b)},
		{"TASK [re-enable the node]", delegated("changed", a, b)},
	}
}

// ---- the event log ----

// conditions is each node's sequence of conditions after ENABLED.
func conditions(events []simulator.Event) map[int][]string {
	m := map[int][]string{}
	for _, e := range events {
		if e.Kind == simulator.EventNodeCondition {
			m[e.NodeID] = append(m[e.NodeID], e.To)
		}
	}
	return m
}

// checkRotation asserts the rolling invariant on the event log: never
// more than serial (2) nodes out of rotation, and exactly 2 when a batch
// was drained together.
func checkRotation(t *testing.T, r *e2eResult, want int) {
	t.Helper()
	got := simulator.MaxNotEnabled(r.events, r.lbID)
	if got > 2 && want <= 2 {
		t.Errorf("%d nodes were out of rotation at once (serial 2)", got)
	} else if got != want {
		t.Errorf("at most %d nodes were out of rotation at once, want %d", got, want)
	}
	if r.report.MaxOutOfRotation != got {
		t.Errorf("the report says %d nodes out of rotation, the event log %d", r.report.MaxOutOfRotation, got)
	}
}

// checkFinal asserts every node's final condition and version (asked of
// the node's app when the sandbox stopped).
func checkFinal(t *testing.T, r *e2eResult, cond []string, version string) {
	t.Helper()
	if len(r.report.Final) != len(r.nodes) {
		t.Fatalf("report has %d nodes, want %d", len(r.report.Final), len(r.nodes))
	}
	for i, n := range r.report.Final {
		if n.Condition != cond[i] || n.Version != version {
			t.Errorf("node %d (%s) ends %s serving %q, want %s serving %q", i+1, n.Address, n.Condition, n.Version, cond[i], version)
		}
	}
}

func allEnabled(n int) []string {
	return slices.Repeat([]string{simulator.ConditionEnabled}, n)
}

// checkTraffic asserts that the load really went through the load
// balancer during the whole run and how many requests failed.
func checkTraffic(t *testing.T, r *e2eResult, wantFailed bool) {
	t.Helper()
	rep := r.report
	if rep.Sent == 0 || rep.OK == 0 {
		t.Fatalf("no traffic through the load balancer: %d sent, %d ok", rep.Sent, rep.OK)
	}
	// Every node got its share through the virtual IP.
	if len(r.stats.Nodes) != len(r.nodes) {
		t.Errorf("load balancer stats for %d nodes, want %d", len(r.stats.Nodes), len(r.nodes))
	}
	for _, n := range r.stats.Nodes {
		if n.Total == 0 {
			t.Errorf("the load balancer forwarded no request to node %d", n.NodeID)
		}
	}
	if f := rep.Failed(); wantFailed && f == 0 {
		t.Errorf("no failed request: the load test did not see the downtime")
	} else if !wantFailed && f > 0 {
		t.Errorf("%d of %d requests failed %v: %q", f, rep.Sent, rep.Failures, rep.Samples)
	}
}

// lastVersions are the versions the load balancer served in the last
// second of the load that had answers.
func lastVersions(rep *sandbox.Report) []string {
	for i := len(rep.Timeline) - 1; i >= 0; i-- {
		b := rep.Timeline[i]
		var vs []string
		for v, n := range b.Versions {
			if n > 0 {
				vs = append(vs, v)
			}
		}
		if len(vs) > 0 {
			slices.Sort(vs)
			return vs
		}
	}
	return nil
}

// ---- the tests ----

// TestE2EArticleRealSSHD runs the article's playbook, unchanged, with the 4
// nodes behind real OpenSSH sshd and 200 req/s through the forwarding load
// balancer.
func TestE2EArticleRealSSHD(t *testing.T) {
	skipShort(t)
	r := runE2E(t, e2eRun{playbook: "app-deploy.yaml", sshd: true})
	if r.rc != 0 {
		t.Errorf("exit code %d, want 0", r.rc)
	}
	ids := r.ids()
	secs := parseOutput(t, r.stdout)
	want := gatheringPlay(ids, true)
	want = append(want, articleBatch(ids[0], ids[1])...)
	want = append(want, articleBatch(ids[2], ids[3])...)
	want = append(want, wantSection{banner: "PLAY RECAP"}, wantSection{banner: "SANDBOX REPORT"})
	checkSections(t, secs, want)
	var recap []string
	for _, id := range ids {
		recap = append(recap, recapLine(id, 5, 5, 0, 0, 0))
	}
	recap = append(recap, recapLine("localhost", 3, 1, 0, 0, 2))
	checkRecap(t, secs, recap)
	checkReportText(t, secs, 0)

	checkTraffic(t, r, false)
	checkRotation(t, r, 2)
	checkFinal(t, r, allEnabled(4), "v1")
	// Every node went through the play once, in order.
	conds := conditions(r.events)
	for _, n := range r.nodes {
		if got, want := conds[n.ID], []string{"DRAINING", "DISABLED", "ENABLED"}; !slices.Equal(got, want) {
			t.Errorf("node %d conditions %v, want %v", n.ID, got, want)
		}
	}
	// The nodes ran the commands over real sshd.
	for i, s := range r.env.Servers {
		if s.Accepted() == 0 {
			t.Errorf("sshd of node %d accepted no connection", i+1)
		}
	}
	checkCollisionsResolved(t, r)
}

// checkCollisionsResolved asserts that the concurrent changes of a batch
// collided on the load balancer (422 "considered immutable", logged as
// lb.immutable) and that goplay resolved each collision by waiting: a node
// change was accepted only after the load balancer was ACTIVE again, and
// no task failed (the run's exit code and recap say so).
func checkCollisionsResolved(t *testing.T, r *e2eResult) {
	t.Helper()
	n := 0
	for i, e := range r.events {
		if e.Kind != simulator.EventLBImmutable {
			continue
		}
		n++
		if e.From != simulator.StatusPendingUpdate {
			t.Errorf("422 refused by a load balancer in %s, want PENDING_UPDATE", e.From)
		}
		active, changed := false, false
		for _, f := range r.events[i+1:] {
			if f.Kind == simulator.EventLBStatus && f.To == simulator.StatusActive {
				active = true
			}
			if active && f.Kind == simulator.EventNodeCondition {
				changed = true
				break
			}
		}
		if !changed {
			t.Errorf("collision at event %d: no node change after the load balancer became ACTIVE again", e.Seq)
		}
	}
	if n == 0 {
		t.Errorf("the concurrent drains of a batch never collided on the load balancer (no 422 in the event log)")
	}
	t.Logf("%d changes refused with 422 and retried once ACTIVE", n)
}

// TestE2EArticleRealDeploy runs examples/app-deploy-real.yaml (the
// placeholders made real: wait for the app's connections, install v2,
// restart, check with uri) over real sshd.
func TestE2EArticleRealDeploy(t *testing.T) {
	skipShort(t)
	r := runE2E(t, e2eRun{playbook: "app-deploy-real.yaml", sshd: true})
	if r.rc != 0 {
		t.Errorf("exit code %d, want 0", r.rc)
	}
	ids := r.ids()
	secs := parseOutput(t, r.stdout)
	want := gatheringPlay(ids, false)
	for _, b := range [][2]string{{ids[0], ids[1]}, {ids[2], ids[3]}} {
		want = append(want,
			wantSection{"PLAY [Deploy the code]", nil},
			wantSection{"TASK [drain the node]", delegated("changed", b[0], b[1])},
			wantSection{"TASK [wait for app connections to close]", onHosts("ok", b[0], b[1])},
			wantSection{"TASK [disable the node]", delegated("changed", b[0], b[1])},
			wantSection{"TASK [deploy the code]", onHosts("changed", b[0], b[1])},
			wantSection{"TASK [verify the new version]", delegated("ok", b[0], b[1])},
			wantSection{"TASK [re-enable the node]", delegated("changed", b[0], b[1])},
		)
	}
	want = append(want, wantSection{banner: "PLAY RECAP"}, wantSection{banner: "SANDBOX REPORT"})
	checkSections(t, secs, want)
	var recap []string
	for _, id := range ids {
		recap = append(recap, recapLine(id, 6, 4, 0, 0, 0))
	}
	recap = append(recap, recapLine("localhost", 2, 1, 0, 0, 2))
	checkRecap(t, secs, recap)
	checkReportText(t, secs, 0)
	checkTraffic(t, r, false)
	checkRotation(t, r, 2)
	// The new version on every node, asked of each app, and the only one
	// the load balancer served at the end.
	checkFinal(t, r, allEnabled(4), "v2")
	if got := lastVersions(r.report); !slices.Equal(got, []string{"v2"}) {
		t.Errorf("the load balancer served %v in the last second, want only v2", got)
	}
	if !slices.Contains(r.report.Versions, "v1") {
		t.Errorf("the load balancer never served v1 (versions %v)", r.report.Versions)
	}
	for i, n := range r.report.Final {
		if n.Restarts != 1 {
			t.Errorf("node %d restarted %d times, want 1", i+1, n.Restarts)
		}
	}
}

// TestE2ENoDrainNegativeControl runs examples/app-deploy-no-drain.yaml:
// the apps restart while in rotation, the load test must see it, and
// goplay must exit non-zero although the playbook succeeded.
func TestE2ENoDrainNegativeControl(t *testing.T) {
	skipShort(t)
	r := runE2E(t, e2eRun{playbook: "app-deploy-no-drain.yaml", sshd: true, fullRate: true})
	if r.rc != app.ExitSandboxFailedRequests {
		t.Errorf("exit code %d, want %d (the playbook succeeded, requests failed)", r.rc, app.ExitSandboxFailedRequests)
	}
	ids := r.ids()
	secs := parseOutput(t, r.stdout)
	want := gatheringPlay(ids, false)
	for _, b := range [][2]string{{ids[0], ids[1]}, {ids[2], ids[3]}} {
		want = append(want,
			wantSection{"PLAY [Deploy the code without draining]", nil},
			wantSection{"TASK [deploy the code]", onHosts("changed", b[0], b[1])},
			wantSection{"TASK [verify the new version]", delegated("ok", b[0], b[1])},
		)
	}
	want = append(want, wantSection{banner: "PLAY RECAP"}, wantSection{banner: "SANDBOX REPORT"})
	checkSections(t, secs, want)
	var recap []string
	for _, id := range ids {
		recap = append(recap, recapLine(id, 2, 1, 0, 0, 0))
	}
	recap = append(recap, recapLine("localhost", 2, 1, 0, 0, 2))
	checkRecap(t, secs, recap)
	checkTraffic(t, r, true)
	checkReportText(t, secs, r.report.Failed())
	checkRotation(t, r, 0)
	checkFinal(t, r, allEnabled(4), "v2")
}

// e2eRetryRE is a rax module's retry of a failed API request, at -vvv.
var e2eRetryRE = regexp.MustCompile(`rax: retrying (GET|PUT|POST|DELETE) \S+ in \S+ \(attempt \d+\): (.*)`)

// TestE2EFaults runs `goplay -vvv --sandbox --sandbox-faults 10%` on the
// article's playbook: 10% each of 5xx, 413 with Retry-After and slow (2s)
// responses from the CLB API. The deploy completes, with no failed request.
func TestE2EFaults(t *testing.T) {
	skipShort(t)
	// The dice's seed is logged; GOPLAY_E2E_FAULT_SEED replays a run.
	seed := time.Now().UnixNano()%1_000_000_000 + 1
	if s := os.Getenv("GOPLAY_E2E_FAULT_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("GOPLAY_E2E_FAULT_SEED: %v", err)
		}
		seed = n
	}
	r := runE2E(t, e2eRun{playbook: "app-deploy.yaml", args: []string{"-vvv", "--sandbox-faults", fmt.Sprintf("10%%,seed=%d", seed)}})
	if r.rc != 0 {
		t.Errorf("exit code %d, want 0", r.rc)
	}
	secs := parseOutput(t, r.stdout)
	var recap []string
	for _, id := range r.ids() {
		recap = append(recap, recapLine(id, 5, 5, 0, 0, 0))
	}
	recap = append(recap, recapLine("localhost", 3, 1, 0, 0, 2))
	checkRecap(t, secs, recap)
	checkReportText(t, secs, 0)
	checkTraffic(t, r, false)
	checkRotation(t, r, 2)
	checkFinal(t, r, allEnabled(4), "v1")
	// The faults were there: goplay retried API requests.
	kinds := map[string]int{}
	for _, m := range e2eRetryRE.FindAllStringSubmatch(r.stdout, -1) {
		k := "other"
		switch {
		case strings.HasPrefix(m[2], "OverLimit"):
			k = "413"
		case strings.HasPrefix(m[2], "Load Balancer Fault"), strings.HasPrefix(m[2], "Service Unavailable"):
			k = "5xx"
		}
		kinds[k]++
	}
	if len(kinds) == 0 {
		t.Errorf("no API request was retried: were faults injected?")
	}
	t.Logf("API requests retried (fault seed %d): %v", seed, kinds)
}

// TestE2ENodeKilled stops node 1's sshd in the middle of the first batch,
// once the simulator shows node 1 DRAINING (its drain task is then still
// waiting for the load balancer, at least 1s, so goplay has not connected
// to node 1 yet: the trigger is deterministic, and checked).
//
// Ansible's rules, as ansible-core 2.14's linear strategy applies them
// (compat cases 08, 24 and 31 check the any_errors_fatal + serial rules
// for failed hosts): the wait task's result for node 1 is
// `fatal: [10001]: UNREACHABLE! => {...}` with OpenSSH's message; an
// unreachable host counts as unreachable=1, not failed, in the recap;
// any_errors_fatal stops the other host of the batch (NO MORE HOSTS LEFT)
// after the task; hosts that never ran a task are not in the recap; the
// exit code is 4 because a host was unreachable. Nodes 1 and 2 stay
// DRAINING, as the play left them.
//
// NOTE: ansible-playbook 2.14.18 itself does not stop the play here: it
// counts the unreachable host twice (in _failed_hosts and
// _unreachable_hosts), so the batch does not look all-failed and the next
// batch runs (drains nodes 3 and 4: all 4 out of rotation). goplay ends
// the play, as the issue asks (and as Ansible does for a failed host);
// this test asserts goplay's behaviour.
// An SSH node killed in the middle of the first batch. ansible-core 2.14's
// rule (checked against ansible-playbook, and in testdata/compat/
// 36-aef-unreachable-serial): with any_errors_fatal, an unreachable host
// ends its serial batch but the play goes on with the next batch, so the
// article's playbook then drains nodes 3 and 4 while 1 and 2 are still
// out of rotation. goplay matches that by default; its named improvement
// --aef-unreachable-aborts ends the play instead, keeping at most 2 nodes
// out of rotation.
func TestE2ENodeKilled(t *testing.T) {
	skipShort(t)
	t.Run("ansible-rules", func(t *testing.T) { nodeKilled(t, false) })
	t.Run("aef-unreachable-aborts", func(t *testing.T) { nodeKilled(t, true) })
}

func nodeKilled(t *testing.T, abort bool) {
	var args []string
	if abort {
		args = []string{"--aef-unreachable-aborts"}
	}
	var (
		mu       sync.Mutex
		killed   bool
		accepted int
		killedAt time.Time
	)
	r := runE2E(t, e2eRun{playbook: "app-deploy.yaml", sshd: true, args: args,
		watch: func(ctx context.Context, sb *sandbox.Sandbox, env *sshtest.Env) {
			id := sb.Nodes()[0].ID
			tick := time.NewTicker(2 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				for _, e := range sb.Simulator().Events() {
					if e.Kind == simulator.EventNodeCondition && e.NodeID == id && e.To == simulator.ConditionDraining {
						n := env.Servers[0].Accepted()
						env.Servers[0].Stop()
						mu.Lock()
						killed, accepted, killedAt = true, n, time.Now()
						mu.Unlock()
						return
					}
				}
			}
		}})
	mu.Lock()
	defer mu.Unlock()
	if !killed {
		t.Fatalf("node 1 never became DRAINING: its sshd was not stopped")
	}
	if accepted != 0 {
		t.Errorf("node 1's sshd had accepted %d connections when it was stopped: the trigger came too late", accepted)
	}
	t.Logf("node 1's sshd stopped %s after it became DRAINING", killedAt.Sub(drainingAt(r.events, r.nodes[0].ID)).Round(time.Millisecond))

	// ansible-playbook's exit code when a host was unreachable.
	if r.rc != 4 {
		t.Errorf("exit code %d, want 4", r.rc)
	}
	ids := r.ids()
	secs := parseOutput(t, r.stdout)
	want := gatheringPlay(ids, true)
	want = append(want,
		wantSection{"PLAY [Deploy the code]", nil},
		wantSection{"TASK [drain the node]", delegated("changed", ids[0], ids[1])},
		wantSection{"TASK [wait for app connections to close]", []string{"fatal: [" + ids[0] + "]: UNREACHABLE! =>", "changed: [" + ids[1] + "]"}},
		wantSection{banner: "NO MORE HOSTS LEFT"},
	)
	recap := []string{
		recapLine(ids[0], 1, 1, 1, 0, 0),
		recapLine(ids[1], 2, 2, 0, 0, 0),
	}
	if !abort {
		// the second batch runs the whole play
		want = append(want,
			wantSection{"PLAY [Deploy the code]", nil},
			wantSection{"TASK [drain the node]", delegated("changed", ids[2], ids[3])},
			wantSection{"TASK [wait for app connections to close]", []string{"changed: [" + ids[2] + "]", "changed: [" + ids[3] + "]"}},
			wantSection{"TASK [disable the node]", delegated("changed", ids[2], ids[3])},
			wantSection{"TASK [deploy the code]", []string{"changed: [" + ids[2] + "]", "changed: [" + ids[3] + "]"}},
			wantSection{"TASK [re-enable the node]", delegated("changed", ids[2], ids[3])},
		)
		recap = append(recap, recapLine(ids[2], 5, 5, 0, 0, 0), recapLine(ids[3], 5, 5, 0, 0, 0))
	}
	recap = append(recap, recapLine("localhost", 3, 1, 0, 0, 2))
	want = append(want, wantSection{banner: "PLAY RECAP"}, wantSection{banner: "SANDBOX REPORT"})
	checkSections(t, secs, want)
	checkRecap(t, secs, recap)
	checkUnreachable(t, secs, ids[0], r.env.Servers[0])
	if !abort {
		// Ansible's rule takes all 4 nodes out of rotation: nodes 1 and 2
		// stay DRAINING while 3 and 4 go through the deploy.
		checkRotation(t, r, 4)
		checkFinal(t, r, []string{"DRAINING", "DRAINING", "ENABLED", "ENABLED"}, "v1")
		return
	}

	// The play stopped with the first batch drained: nodes 1 and 2 stay
	// out of rotation (DRAINING, as the aborted play left them), nodes 3
	// and 4 were never touched.
	checkRotation(t, r, 2)
	conds := conditions(r.events)
	for i, n := range r.nodes {
		want := []string{"DRAINING"}
		if i >= 2 {
			want = nil
		}
		if got := conds[n.ID]; !slices.Equal(got, want) {
			t.Errorf("node %d conditions %v, want %v", n.ID, got, want)
		}
	}
	checkFinal(t, r, []string{"DRAINING", "DRAINING", "ENABLED", "ENABLED"}, "v1")
	if f := r.report.Failed(); f > 0 {
		t.Logf("note: %d requests failed (%v)", f, r.report.Failures)
	}
}

func drainingAt(events []simulator.Event, id int) time.Time {
	for _, e := range events {
		if e.Kind == simulator.EventNodeCondition && e.NodeID == id && e.To == simulator.ConditionDraining {
			return e.Time
		}
	}
	return time.Time{}
}

// checkUnreachable checks the unreachable host's result: Ansible's JSON
// with OpenSSH's message about the stopped server.
func checkUnreachable(t *testing.T, secs []section, host string, s *sshtest.Server) {
	t.Helper()
	prefix := "fatal: [" + host + "]: UNREACHABLE! => "
	for _, sec := range secs {
		for _, l := range sec.raw {
			js, ok := strings.CutPrefix(l, prefix)
			if !ok {
				continue
			}
			var res map[string]any
			if err := json.Unmarshal([]byte(js), &res); err != nil {
				t.Errorf("%q: %v", l, err)
				return
			}
			want := fmt.Sprintf("Failed to connect to the host via ssh: ssh: connect to host %s port %d: Connection refused", s.Addr, s.Port)
			if res["changed"] != false || res["unreachable"] != true || res["msg"] != want || len(res) != 3 {
				t.Errorf("unreachable result %s, want changed false, unreachable true, msg %q", js, want)
			}
			return
		}
	}
	t.Errorf("no %q line", prefix)
}
