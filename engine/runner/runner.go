package runner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/goplay/goplay/engine/output"
	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/engine/template"
	"github.com/goplay/goplay/inventory"
	"github.com/goplay/goplay/modules"
)

// Exit codes of ansible-playbook.
const (
	ExitOK          = 0
	ExitFailed      = 2
	ExitUnreachable = 4
	ExitInterrupted = 99
)

// Runner runs playbooks.
type Runner struct {
	opt Options
	inv *inventory.Inventory
	tpl *template.Templar
	cb  output.Callback
	d   *output.Display
	// cbMu makes one host's report atomic: hosts run in parallel, and a
	// result can take several callback calls and lines (an exception
	// line before "fatal:", items and a diff before "changed:"), which
	// Ansible prints from its one main thread without interleaving.
	cbMu sync.Mutex
	// jobs counts the async jobs still running
	jobs sync.WaitGroup

	fc factClassStore // set_fact value classes (type_debug)

	mu    sync.Mutex
	stats map[string]*output.Stats
	facts map[string]map[string]any // gathered and cacheable facts
	// discovered holds, per host, the interpreters its current task
	// discovered (by target: the host or its delegate) until the task's
	// result decides whether they become facts.
	discovered  map[string]map[string]string
	nonPersist  map[string]map[string]any // set_fact and register
	includeVars map[string]map[string]any
	failed      map[string]bool // hosts that failed (tqm._failed_hosts)
	unreachable map[string]bool
	startDone   bool
	interrupted bool
	conns       map[string]modules.Conn
	pb          *playbook.Playbook
	tmp         string
	ids         map[any]int
	// registered names per host: their values are unsafe (never templated
	// again), as Ansible's registered results
	registered map[string]map[string]bool
}

// markRegistered records a registered variable of host (r.mu held).
func (r *Runner) markRegistered(host, name string) {
	if r.registered == nil {
		r.registered = map[string]map[string]bool{}
	}
	if r.registered[host] == nil {
		r.registered[host] = map[string]bool{}
	}
	r.registered[host][name] = true
}

// objectID numbers plays and tasks for callbacks that show ids.
func (r *Runner) objectID(o any) string {
	if r.ids == nil {
		r.ids = map[any]int{}
	}
	n, ok := r.ids[o]
	if !ok {
		n = len(r.ids) + 1
		r.ids[o] = n
	}
	return output.ObjectID(n)
}

func (r *Runner) playPos(play *playbook.Play) {
	if p, ok := r.cb.(output.Positioned); ok {
		p.PlayPos(fmt.Sprintf("%s:%d", play.Pos.File, play.Pos.Line), r.objectID(play))
	}
}

func (r *Runner) taskPos(cb output.Callback, t *playbook.Task) {
	if p, ok := cb.(output.Positioned); ok {
		r.mu.Lock()
		id := r.objectID(t)
		r.mu.Unlock()
		p.TaskPos(fmt.Sprintf("%s:%d", t.Pos.File, t.Pos.Line), id, t.Action)
	}
}

// New returns a runner over an inventory.
func New(inv *inventory.Inventory, tpl *template.Templar, opt Options) *Runner {
	if opt.Forks <= 0 {
		opt.Forks = 5
	}
	return &Runner{
		opt: opt, inv: inv, tpl: tpl, cb: opt.Callback, d: opt.Display,
		stats:       map[string]*output.Stats{},
		facts:       map[string]map[string]any{},
		discovered:  map[string]map[string]string{},
		nonPersist:  map[string]map[string]any{},
		includeVars: map[string]map[string]any{},
		failed:      map[string]bool{},
		unreachable: map[string]bool{},
		conns:       map[string]modules.Conn{},
	}
}

func (r *Runner) stat(host string) *output.Stats {
	s, ok := r.stats[host]
	if !ok {
		s = &output.Stats{}
		r.stats[host] = s
	}
	return s
}

// Run executes the playbook and returns ansible-playbook's exit code.
func (r *Runner) Run(ctx context.Context, pb *playbook.Playbook) int {
	r.pb = pb
	r.cb.PlaybookStart(pb.File)
	r.startDone = r.opt.StartAtTask == ""
	breakAll := false
	for _, play := range pb.Plays {
		if breakAll || ctx.Err() != nil {
			break
		}
		if err := r.checkVaultVarsFiles(play); err != nil {
			r.d.Error(err.Error())
			return 1
		}
		if err := r.varsPrompt(play, true); err != nil {
			r.d.Error(err.Error())
			return 1
		}
		if !r.playWhen(play) {
			continue
		}
		hosts, err := r.playHosts(play)
		if err != nil {
			r.d.Error(err.Error())
			return 1
		}
		// ansible_play_hosts(_all) keep the inventory's order whatever
		// the play's order
		invHosts := hosts
		if play.Order != "" && play.Order != "inventory" {
			if inv, err := r.playHostsIn(play, ""); err == nil {
				invHosts = inv
			}
		}
		batches := serialBatches(r.renderSerial(play), len(hosts), nil)
		if len(hosts) == 0 {
			r.cb.PlayStart(play.Name, r.opt.Check)
			r.playPos(play)
			r.cb.NoHostsMatched()
			continue
		}
		start := 0
		for _, size := range batches {
			batch := hosts[start : start+size]
			start += size
			prevFailed := r.countFailed()
			res := r.runBatch(ctx, play, batch, invHosts)
			if ctx.Err() != nil {
				breakAll = true
				break
			}
			if res.breakPlay {
				breakAll = true
				break
			}
			if r.countFailed()-prevFailed == len(batch) {
				breakAll = true
				break
			}
			if res.endPlay {
				break
			}
		}
	}
	r.mu.Lock()
	stats := make(map[string]*output.Stats, len(r.stats))
	for k, v := range r.stats {
		stats[k] = v
	}
	r.mu.Unlock()
	if ctx.Err() != nil {
		r.interrupted = true
	}
	if !r.interrupted {
		r.cb.Recap(stats, r.opt.Check)
	}
	// async jobs left running (poll: 0) are driven from here: they finish
	// (or reach their async limit) before the connections close
	r.jobs.Wait()
	r.closeConns()
	if r.tmp != "" {
		os.RemoveAll(r.tmp)
	}
	switch {
	case r.interrupted:
		return ExitInterrupted
	case len(r.unreachable) > 0:
		return ExitUnreachable
	case len(r.failed) > 0:
		return ExitFailed
	}
	return ExitOK
}

// Interrupted reports whether the run was stopped by a signal.
func (r *Runner) Interrupted() bool { return r.interrupted }

func (r *Runner) countFailed() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.failed) + len(r.unreachable)
}

func (r *Runner) playWhen(play *playbook.Play) bool {
	if len(play.When) == 0 {
		return true
	}
	ok, err := r.tpl.Conditional(play.When, r.opt.ExtraVars)
	return err == nil && ok
}

func (r *Runner) playVarsForSerial(play *playbook.Play) map[string]any {
	v := map[string]any{}
	for k, x := range play.Vars {
		v[k] = x
	}
	for k, x := range r.opt.ExtraVars {
		v[k] = x
	}
	return v
}

// playHosts resolves the play's host pattern, the limit, and drops hosts
// that failed or became unreachable earlier; the hosts come in the play's
// order.
func (r *Runner) playHosts(play *playbook.Play) ([]string, error) {
	return r.playHostsIn(play, play.Order)
}

// playHostsIn is playHosts in the given order ("" or "inventory" for the
// inventory's, which ansible_play_hosts keeps whatever the play's order).
func (r *Runner) playHostsIn(play *playbook.Play, order string) ([]string, error) {
	vars := r.playVarsForSerial(play)
	var patterns []string
	for _, h := range play.Hosts {
		v, err := r.tpl.Render(h, vars)
		if err != nil {
			return nil, err
		}
		switch x := v.(type) {
		case []any:
			for _, y := range x {
				patterns = append(patterns, modules.ToString(y))
			}
		default:
			patterns = append(patterns, modules.ToString(x))
		}
	}
	pattern := strings.Join(patterns, ":")
	hs, warns, err := r.inv.Hosts(pattern)
	if err != nil {
		return nil, err
	}
	for _, w := range warns {
		r.d.Warning(w)
	}
	var out []string
	var allowed map[string]bool
	if r.opt.Limit != "" {
		lh, _, err := r.inv.Hosts(r.opt.Limit)
		if err != nil {
			return nil, err
		}
		allowed = map[string]bool{}
		for _, h := range lh {
			allowed[h.Name] = true
		}
	}
	for _, h := range hs {
		if allowed != nil && !allowed[h.Name] {
			continue
		}
		if r.failed[h.Name] || r.unreachable[h.Name] {
			continue
		}
		out = append(out, h.Name)
	}
	if order != "" {
		switch order {
		case "shuffle":
			rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		case "sorted":
			sort.Strings(out)
		case "reverse_sorted":
			sort.Sort(sort.Reverse(sort.StringSlice(out)))
		case "reverse_inventory":
			for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out, nil
}

// serialBatches returns the batch sizes for a serial list, as Ansible's
// _get_serialized_batches: each entry in turn, the last one repeating; a
// percentage is int(pct/100*total) or 1; a size <= 0 means all remaining.
func serialBatches(serial []any, total int, vars map[string]any) []int {
	if total == 0 {
		return nil
	}
	if len(serial) == 0 {
		return []int{total}
	}
	var sizes []int
	remaining := total
	i := 0
	for remaining > 0 {
		entry := serial[min(i, len(serial)-1)]
		size := batchSize(entry, total)
		if size <= 0 || size > remaining {
			size = remaining
		}
		sizes = append(sizes, size)
		remaining -= size
		i++
	}
	return sizes
}

// renderSerial templates the play's serial entries with the play's
// variables (serial: "{{ batch }}").
func (r *Runner) renderSerial(play *playbook.Play) []any {
	if len(play.Serial) == 0 {
		return nil
	}
	vars := r.playVarsForSerial(play)
	out := make([]any, len(play.Serial))
	for i, e := range play.Serial {
		out[i] = e
		if s, ok := e.(string); ok && template.IsTemplate(s) {
			if v, err := r.tpl.Render(s, vars); err == nil {
				out[i] = v
			}
		}
	}
	// a templated list ("{{ [1, '50%'] }}") gives the list itself
	if len(out) == 1 {
		if l, ok := out[0].([]any); ok {
			return l
		}
	}
	return out
}

// BatchSizes is serialBatches for tests and --list-hosts.
func BatchSizes(serial []any, total int) []int { return serialBatches(serial, total, nil) }

func batchSize(entry any, total int) int {
	switch x := entry.(type) {
	case int:
		return x
	case float64:
		return int(x)
	case string:
		s := strings.TrimSpace(x)
		if strings.HasSuffix(s, "%") {
			f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
			if err != nil {
				return 0
			}
			n := int(math.Floor(f / 100.0 * float64(total)))
			if n == 0 {
				n = 1
			}
			return n
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	return 0
}

func (r *Runner) closeConns() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		if cl, ok := c.(interface{ Close() error }); ok {
			cl.Close()
		}
	}
}

// hostVarsSnapshot builds the hostvars magic variable: every inventory
// host's variables without play or task scope.
func (r *Runner) hostVarsSnapshot(magic func(v map[string]any, host string)) map[string]any {
	out := map[string]any{}
	for _, h := range r.allHostNames() {
		v := r.inv.HostVars(h)
		r.mu.Lock()
		mergeFacts(v, r.facts[h])
		if len(r.facts[h]) > 0 {
			v["ansible_facts"] = factsDict(r.facts[h])
		} else {
			v["ansible_facts"] = map[string]any{}
		}
		for k, x := range r.includeVars[h] {
			v[k] = x
		}
		for k, x := range r.nonPersist[h] {
			v[k] = x
		}
		r.mu.Unlock()
		for k, x := range r.opt.ExtraVars {
			v[k] = x
		}
		magic(v, h)
		out[h] = v
	}
	return out
}

func (r *Runner) allHostNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, g := range []string{"all"} {
		for _, h := range r.inv.Groups()[g] {
			if !seen[h] {
				seen[h] = true
				out = append(out, h)
			}
		}
	}
	if _, ok := r.inv.Host("localhost"); ok && !seen["localhost"] {
		out = append(out, "localhost")
	}
	return out
}

// factsDict is the ansible_facts variable: the facts without their
// ansible_ prefix, except ansible_local (namespace_facts).
func factsDict(f map[string]any) map[string]any {
	out := make(map[string]any, len(f))
	for k, v := range f {
		if k != "ansible_local" {
			k = strings.TrimPrefix(k, "ansible_")
		}
		out[k] = v
	}
	return out
}

// mergeFacts injects facts as variables (inject_facts_as_vars), without
// the internal _ansible_ keys (clean_facts strips them).
func mergeFacts(v, facts map[string]any) {
	for k, x := range facts {
		if !strings.HasPrefix(k, "_ansible_") {
			v[k] = x
		}
	}
}

func stringsToAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// errorWithContext formats an error with the task's "The error appears to
// be in" block, as Ansible's results carry it.
func errorWithContext(msg string, pos playbook.Pos) string {
	if !pos.IsValid() {
		return msg
	}
	return msg + "\n\n" + playbook.Context(pos) + "\n"
}

var errSkipHost = errors.New("skip host")

func absPath(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func statPath(p string) (os.FileInfo, error) { return os.Stat(p) }

func fmtErr(format string, args ...any) error { return fmt.Errorf(format, args...) }

// emit runs f, which reports through the callback, while no other host
// reports.
func (r *Runner) emit(f func()) {
	r.cbMu.Lock()
	defer r.cbMu.Unlock()
	f()
}
