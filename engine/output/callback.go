package output

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/goplay/goplay/engine/pyfmt"
)

// Result is one task result as a callback sees it.
type Result struct {
	Host string
	// Delegate is the templated delegate_to name when the task is delegated
	// to another host; DelegateAddr is the address Ansible resolves for it
	// (the delegate's name when it has no address variable, nil for None).
	Delegate     string
	DelegateAddr any
	// Action is the task's module (debug's output differs).
	Action string
	// Data is the result dict, with its internal _ansible_* keys.
	Data map[string]any
	// Loop tells whether the task had a loop (its items were shown already).
	Loop bool
	// NoLog censors the result.
	NoLog bool
	// TaskName is the task's display name.
	TaskName string
	// Include marks the result of a dynamic include (include_tasks,
	// include_role): the default callback prints nothing for it (its
	// "included:" lines come from Included), the json callback records it.
	Include bool
	// TaskPath is the task's "file:line" (Task.get_path), absolute.
	TaskPath string
}

// Stats holds the recap counters of one host.
type Stats struct {
	OK, Changed, Unreachable, Failures, Skipped, Rescued, Ignored int
}

// Callback receives the events of a run.
type Callback interface {
	PlaybookStart(file string)
	PlayStart(name string, check bool)
	NoHostsMatched()
	NoHostsRemaining()
	TaskStart(name string, handler bool, check bool)
	OK(r *Result)
	Failed(r *Result, ignoreErrors bool)
	Skipped(r *Result)
	Unreachable(r *Result, ignore bool)
	ItemOK(r *Result)
	ItemFailed(r *Result)
	ItemSkipped(r *Result)
	Retry(r *Result)
	Included(file string, hosts []string, label any)
	Recap(stats map[string]*Stats, check bool)
}

// Default is ansible-playbook's default stdout callback.
type Default struct {
	D         *Display
	CheckMark bool // check_mode_markers
	// ShowTaskPath is show_task_path_on_failure: "task path: FILE:LINE"
	// before a failure below -vv.
	ShowTaskPath bool
	ShowSkip     bool // display_skipped_hosts
	ShowOK       bool // display_ok_hosts
	pending      string
	mu           sync.Mutex
	// Check is -C (the DRY RUN banners with check_mode_markers).
	Check bool
	// PlaysLine is "N plays in FILE", shown at -vv after the PLAYBOOK
	// banner (the app sets it before each playbook).
	PlaysLine string
	args      string
}

// ArgsBanner is implemented by callbacks that show task arguments in the
// task banner (display_args_to_stdout); the runner calls SetTaskArgs just
// before TaskStart.
type ArgsBanner interface {
	SetTaskArgs(args string)
}

// NewDefault returns the default callback writing through d.
func NewDefault(d *Display) *Default {
	return &Default{D: d, ShowSkip: true, ShowOK: true}
}

var _ Callback = (*Default)(nil)

// PlaybookStart prints "PLAYBOOK: name" at -vv.
func (c *Default) PlaybookStart(file string) {
	if c.D.Verbosity > 1 {
		base := file
		if i := strings.LastIndex(file, "/"); i >= 0 {
			base = file[i+1:]
		}
		c.D.Banner("PLAYBOOK: " + base)
	}
	if c.D.Verbosity > 1 && c.PlaysLine != "" {
		c.D.Print(c.PlaysLine, ColorVerbose)
	}
	if c.Check && c.CheckMark {
		c.D.Banner("DRY RUN")
	}
}

// PlayPos implements Positioned (nothing to show for plays).
func (c *Default) PlayPos(path, id string) {}

// TaskPos prints "task path: FILE:LINE" at -vv, after the task banner.
func (c *Default) TaskPos(path, id, action string) {
	if c.D.Verbosity < 2 {
		return
	}
	c.mu.Lock()
	pending := c.pending != ""
	c.mu.Unlock()
	if !pending {
		c.D.Print("task path: "+path, ColorDebug)
	}
}

// SetTaskArgs gives the next task banner its arguments
// (display_args_to_stdout): " k=v, k2=v2".
func (c *Default) SetTaskArgs(args string) {
	c.mu.Lock()
	c.args = args
	c.mu.Unlock()
}

// PlayStart prints the PLAY banner.
func (c *Default) PlayStart(name string, check bool) {
	c.mu.Lock()
	c.pending = ""
	c.mu.Unlock()
	mark := ""
	if check && c.CheckMark {
		mark = " [CHECK MODE]"
	}
	name = strings.TrimSpace(name)
	if name == "" {
		c.D.Banner("PLAY" + mark)
		return
	}
	c.D.Banner("PLAY [" + name + "]" + mark)
}

// NoHostsMatched prints Ansible's line for a play without hosts.
func (c *Default) NoHostsMatched() { c.D.Print("skipping: no hosts matched", ColorSkip) }

// NoHostsRemaining prints the NO MORE HOSTS LEFT banner.
func (c *Default) NoHostsRemaining() { c.D.Banner("NO MORE HOSTS LEFT") }

// TaskStart prints the TASK or RUNNING HANDLER banner.
func (c *Default) TaskStart(name string, handler bool, check bool) {
	prefix := "TASK"
	if handler {
		prefix = "RUNNING HANDLER"
	}
	mark := ""
	if check && c.CheckMark {
		mark = " [CHECK MODE]"
	}
	c.mu.Lock()
	args := c.args
	c.args = ""
	c.mu.Unlock()
	banner := fmt.Sprintf("%s [%s%s]%s", prefix, strings.TrimSpace(name), args, mark)
	c.mu.Lock()
	c.pending = ""
	if !c.ShowSkip || !c.ShowOK {
		// With ok or skipped results hidden, the banner waits for the
		// first result that is shown (the default callback's
		// _last_task_banner).
		c.pending = banner
		banner = ""
	}
	c.mu.Unlock()
	if banner != "" {
		c.D.Banner(banner)
	}
}

// flush prints a deferred task banner before the first shown result.
func (c *Default) flush() {
	c.mu.Lock()
	b := c.pending
	c.pending = ""
	c.mu.Unlock()
	if b != "" {
		c.D.Banner(b)
	}
}

// HostLabel is "host", or "host -> delegate" with "(addr)" when the
// delegate's address differs from its name.
func HostLabel(r *Result) string {
	label := r.Host
	if r.Delegate != "" && r.Delegate != r.Host {
		label += " -> " + r.Delegate
		if r.DelegateAddr == nil {
			label += "(None)"
		} else if a := pyfmt.Str(r.DelegateAddr); a != r.Delegate {
			label += "(" + a + ")"
		}
	}
	return label
}

func isDebug(action string) bool {
	return action == "debug" || action == "ansible.builtin.debug" || action == "ansible.legacy.debug"
}

// CleanForDisplay returns the copy of a result that callbacks print:
// failed/skipped removed (and invocation for debug), internal keys dropped
// except a few, no_log censored.
func CleanForDisplay(r *Result) map[string]any {
	src := r.Data
	if r.NoLog || truthy(src["_ansible_no_log"]) {
		x := map[string]any{"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result"}
		for _, k := range []string{"attempts", "changed", "retries"} {
			if v, ok := src[k]; ok {
				x[k] = v
			}
		}
		// TaskResult.clean_copy keeps nothing else: no item label, no
		// verbose flag (so debug prints a bare "ok: [host]").
		return x
	}
	out := make(map[string]any, len(src))
	for k, v := range src {
		out[k] = v
	}
	delete(out, "failed")
	delete(out, "skipped")
	if isDebug(r.Action) {
		delete(out, "invocation")
	}
	return out
}

// cleanDebug applies the default callback's _clean_results for debug.
func cleanDebug(res map[string]any, action string) {
	if !isDebug(action) {
		return
	}
	if _, ok := res["msg"]; ok {
		for k := range res {
			switch k {
			case "msg", "exception", "warnings", "deprecations":
			default:
				if !strings.HasPrefix(k, "_") {
					delete(res, k)
				}
			}
		}
		return
	}
	for _, k := range []string{"changed", "failed", "skipped", "invocation", "skip_reason"} {
		delete(res, k)
	}
}

func truthy(v any) bool {
	b, ok := v.(bool)
	return ok && b
}

func (c *Default) verbose(res map[string]any, over int) bool {
	return (c.D.Verbosity > over || truthy(res["_ansible_verbose_always"])) && !truthy(res["_ansible_verbose_override"])
}

// Dump serialises a result for display, as _dump_results does.
func (c *Default) Dump(res map[string]any, indent int) string {
	if indent <= 0 && (truthy(res["_ansible_verbose_always"]) || c.D.Verbosity > 2) {
		indent = 4
	}
	ab := make(map[string]any, len(res))
	for k, v := range res {
		if strings.HasPrefix(k, "_ansible_") {
			continue
		}
		ab[k] = stripInternal(v)
	}
	if c.D.Verbosity < 3 {
		delete(ab, "invocation")
		delete(ab, "diff")
	}
	delete(ab, "exception")
	if indent <= 0 {
		indent = -1
	}
	return pyfmt.JSON(ab, indent, true)
}

func stripInternal(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, y := range x {
			if strings.HasPrefix(k, "_ansible_") && k != "_ansible_no_log" {
				continue
			}
			out[k] = stripInternal(y)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, y := range x {
			out[i] = stripInternal(y)
		}
		return out
	}
	return v
}

func (c *Default) warnings(res map[string]any) {
	if ws, ok := res["warnings"].([]any); ok {
		for _, w := range ws {
			c.D.Warning(pyfmt.Str(w))
		}
		delete(res, "warnings")
	}
	if ds, ok := res["deprecations"].([]any); ok {
		for _, d := range ds {
			if m, ok := d.(map[string]any); ok {
				v, _ := m["version"].(string)
				c.D.Deprecated(pyfmt.Str(m["msg"]), v)
			}
		}
		delete(res, "deprecations")
	}
}

// OK prints ok: or changed: for a host.
func (c *Default) OK(r *Result) {
	if r.Include {
		// v2_runner_on_ok for a TaskInclude prints only the task's banner
		// (when it was held back: display_ok_hosts/skipped_hosts off)
		c.flush()
		return
	}
	res := CleanForDisplay(r)
	label := HostLabel(r)
	var msg, color string
	if truthy(res["changed"]) {
		msg, color = "changed: ["+label+"]", ColorChanged
	} else {
		if !c.ShowOK {
			return
		}
		msg, color = "ok: ["+label+"]", ColorOK
	}
	c.flush()
	c.warnings(res)
	if r.Loop {
		if _, ok := res["results"]; ok {
			return
		}
	}
	cleanDebug(res, r.Action)
	if c.verbose(res, 0) {
		msg += " => " + c.Dump(res, 0)
	}
	c.D.Print(msg, color)
}

// Failed prints the fatal line (loops print their items only).
func (c *Default) Failed(r *Result, ignoreErrors bool) {
	res := CleanForDisplay(r)
	label := HostLabel(r)
	cleanDebug(res, r.Action)
	c.flush()
	c.exception(res)
	c.warnings(res)
	if _, ok := res["results"]; !(r.Loop && ok) {
		if c.ShowTaskPath && c.D.Verbosity < 2 && r.TaskPath != "" {
			c.D.Print("task path: "+r.TaskPath, ColorDebug)
		}
		c.D.Print("fatal: ["+label+"]: FAILED! => "+c.Dump(res, 0), ColorError)
	}
	if ignoreErrors {
		c.D.Print("...ignoring", ColorSkip)
	}
}

// exception prints the line Ansible shows for a result with an
// "exception" (the module's traceback), and removes it from the result.
func (c *Default) exception(res map[string]any) {
	exc, ok := res["exception"]
	if !ok {
		return
	}
	text := fmt.Sprint(exc)
	if s, ok := exc.(string); ok {
		text = s
	}
	msg := "An exception occurred during task execution. "
	if c.D.Verbosity < 3 {
		lines := strings.Split(strings.TrimSpace(text), "\n")
		msg += "To see the full traceback, use -vvv. The error was: " + lines[len(lines)-1]
	} else {
		msg = "The full traceback is:\n" + text
	}
	delete(res, "exception")
	c.D.Print(msg, ColorError)
}

// Skipped prints skipping: for a host.
func (c *Default) Skipped(r *Result) {
	if !c.ShowSkip {
		return
	}
	c.flush()
	res := CleanForDisplay(r)
	cleanDebug(res, r.Action)
	if r.Loop {
		delete(res, "results")
	}
	msg := "skipping: [" + r.Host + "]"
	if c.verbose(res, 0) {
		msg += " => " + c.Dump(res, 0)
	}
	c.D.Print(msg, ColorSkip)
}

// Unreachable prints the UNREACHABLE line.
func (c *Default) Unreachable(r *Result, ignore bool) {
	c.flush()
	res := CleanForDisplay(r)
	c.D.Print("fatal: ["+HostLabel(r)+"]: UNREACHABLE! => "+c.Dump(res, 0), ColorUnreachable)
	if ignore {
		c.D.Print("...ignoring", ColorSkip)
	}
}

func itemLabel(res map[string]any) string {
	if truthy(res["_ansible_no_log"]) {
		return "(censored due to no_log)"
	}
	if l, ok := res["_ansible_item_label"]; ok {
		return pyfmt.Str(l)
	}
	return pyfmt.Str(res["item"])
}

// ItemOK prints one loop item's ok/changed line.
func (c *Default) ItemOK(r *Result) {
	res := CleanForDisplay(r)
	label := itemLabel(res)
	var msg, color string
	if truthy(res["changed"]) {
		msg, color = "changed", ColorChanged
	} else {
		if !c.ShowOK {
			return
		}
		msg, color = "ok", ColorOK
	}
	c.flush()
	msg += ": [" + HostLabel(r) + "] => (item=" + label + ")"
	cleanDebug(res, r.Action)
	if c.verbose(res, 0) {
		msg += " => " + c.Dump(res, 0)
	}
	c.D.Print(msg, color)
}

// ItemFailed prints one loop item's failed line.
func (c *Default) ItemFailed(r *Result) {
	res := CleanForDisplay(r)
	label := itemLabel(res)
	cleanDebug(res, r.Action)
	c.flush()
	c.exception(res)
	c.warnings(res)
	c.D.Print("failed: ["+HostLabel(r)+"] (item="+label+") => "+c.Dump(res, 0), ColorError)
}

// ItemSkipped prints one loop item's skipping line (with its trailing space).
func (c *Default) ItemSkipped(r *Result) {
	if !c.ShowSkip {
		return
	}
	c.flush()
	res := CleanForDisplay(r)
	cleanDebug(res, r.Action)
	msg := "skipping: [" + r.Host + "] => (item=" + itemLabel(res) + ") "
	if c.verbose(res, 0) {
		msg += " => " + c.Dump(res, 0)
	}
	c.D.Print(msg, ColorSkip)
}

// Retry prints the FAILED - RETRYING line.
func (c *Default) Retry(r *Result) {
	retries, _ := r.Data["retries"].(int)
	attempts, _ := r.Data["attempts"].(int)
	msg := fmt.Sprintf("FAILED - RETRYING: [%s]: %s (%d retries left).", HostLabel(r), r.TaskName, retries-attempts)
	res := CleanForDisplay(r)
	if c.verbose(res, 2) {
		msg += "Result was: " + c.Dump(res, 0)
	}
	c.flush()
	c.D.Print(msg, ColorDebug)
}

// Included prints "included: FILE for HOSTS".
func (c *Default) Included(file string, hosts []string, label any) {
	msg := "included: " + file + " for " + strings.Join(hosts, ", ")
	if label != nil {
		msg += " => (item=" + pyfmt.Str(label) + ")"
	}
	c.flush()
	c.D.Print(msg, ColorSkip)
}

// Recap prints PLAY RECAP.
func (c *Default) Recap(stats map[string]*Stats, check bool) {
	c.mu.Lock()
	c.pending = ""
	c.mu.Unlock()
	c.D.Banner("PLAY RECAP")
	hosts := make([]string, 0, len(stats))
	for h := range stats {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		t := stats[h]
		col := func(lead string, n int, color string) string {
			s := fmt.Sprintf("%s=%-4d", lead, n)
			if n != 0 && c.D.Color && color != "" {
				s = c.D.colorize(s, color)
			}
			return s
		}
		host := fmt.Sprintf("%-26s", h)
		if c.D.Color {
			hc := ColorOK
			if t.Failures != 0 || t.Unreachable != 0 {
				hc = ColorError
			} else if t.Changed != 0 {
				hc = ColorChanged
			}
			host = fmt.Sprintf("%-37s", c.D.colorize(h, hc))
		}
		c.D.Print(fmt.Sprintf("%s : %s %s %s %s %s %s %s", host,
			col("ok", t.OK, ColorOK), col("changed", t.Changed, ColorChanged),
			col("unreachable", t.Unreachable, ColorUnreachable), col("failed", t.Failures, ColorError),
			col("skipped", t.Skipped, ColorSkip), col("rescued", t.Rescued, ColorOK),
			col("ignored", t.Ignored, ColorWarn)), "")
	}
	c.D.Print("", "")
	if check && c.CheckMark {
		c.D.Banner("DRY RUN")
	}
}

// AsyncReporter is implemented by callbacks that show the progress of
// async tasks (v2_runner_on_async_poll/ok/failed).
type AsyncReporter interface {
	AsyncPoll(host, jid string, started, finished any)
	AsyncOK(host, jid string)
	AsyncFailed(host, jid string)
}

var _ AsyncReporter = (*Default)(nil)

// AsyncPoll prints "ASYNC POLL on HOST: jid=… started=… finished=…".
func (c *Default) AsyncPoll(host, jid string, started, finished any) {
	c.flush()
	c.D.Print(fmt.Sprintf("ASYNC POLL on %s: jid=%s started=%v finished=%v", host, jid, started, finished), ColorDebug)
}

// AsyncOK prints "ASYNC OK on HOST: jid=…".
func (c *Default) AsyncOK(host, jid string) {
	c.flush()
	c.D.Print("ASYNC OK on "+host+": jid="+jid, ColorDebug)
}

// AsyncFailed prints "ASYNC FAILED on HOST: jid=…".
func (c *Default) AsyncFailed(host, jid string) {
	c.flush()
	c.D.Print("ASYNC FAILED on "+host+": jid="+jid, ColorDebug)
}
