package output

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/modules"
)

// Positioned is implemented by callbacks that want to know where plays and
// tasks come from: the runner calls PlayPos right after PlayStart and
// TaskPos right after TaskStart.
type Positioned interface {
	PlayPos(path, id string)
	TaskPos(path, id, action string)
}

// JSON is the ansible.posix.json stdout callback
// (ANSIBLE_STDOUT_CALLBACK=json): one JSON document at the end of the run
// with every play, task and host result, and the stats.
type JSON struct {
	D      *Display
	Indent int // json_indent (4); 0 or less prints on one line

	mu    sync.Mutex
	plays []map[string]any
	task  map[string]any
	// action of the current task, added to each host result
	action string
}

var jsonKeepKeys = map[string]bool{"_ansible_verbose_always": true, "_ansible_item_label": true, "_ansible_no_log": true, "_ansible_verbose_override": true}

// NewJSON returns the json callback writing through d.
func NewJSON(d *Display) *JSON { return &JSON{D: d, Indent: 4} }

var _ Callback = (*JSON)(nil)
var _ Positioned = (*JSON)(nil)

func jsonNow() string {
	return time.Now().UTC().Format("2006-01-02T15:04:05.000000") + "Z"
}

func (c *JSON) PlaybookStart(file string) {}

func (c *JSON) PlayStart(name string, check bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	play := map[string]any{"name": name, "id": "", "path": "", "duration": map[string]any{"start": jsonNow()}}
	c.plays = append(c.plays, map[string]any{"play": play, "tasks": []any{}})
}

func (c *JSON) PlayPos(path, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.plays) == 0 {
		return
	}
	p := c.plays[len(c.plays)-1]["play"].(map[string]any)
	p["path"], p["id"] = path, id
}

func (c *JSON) NoHostsMatched()   {}
func (c *JSON) NoHostsRemaining() {}

func (c *JSON) TaskStart(name string, handler bool, check bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.plays) == 0 {
		return
	}
	c.task = map[string]any{
		"task":  map[string]any{"name": name, "id": "", "path": "", "duration": map[string]any{"start": jsonNow()}},
		"hosts": map[string]any{},
	}
	p := c.plays[len(c.plays)-1]
	p["tasks"] = append(p["tasks"].([]any), c.task)
}

func (c *JSON) TaskPos(path, id, action string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.task == nil {
		return
	}
	t := c.task["task"].(map[string]any)
	t["path"], t["id"] = path, id
	c.action = action
}

// DelegatedVarsKey holds, in a result, the connection variables of the
// delegate (TaskExecutor adds _ansible_delegated_vars to the results of
// delegated tasks that ran their action).
const DelegatedVarsKey = "_ansible_delegated_vars"

// delegatedSubset is TaskResult.clean_copy's _SUB_PRESERVE: of the
// delegated vars, only these keys are kept (when present).
var delegatedSubset = []string{"ansible_host", "ansible_port", "ansible_user", "ansible_connection"}

// controllerActions are the action plugins that run on the controller
// and let an AnsibleActionFail escape to the executor (none of them catches
// it, unlike script or copy, whose result then goes on as usual).
var controllerActions = map[string]bool{"debug": true, "fail": true, "assert": true, "set_fact": true, "add_host": true,
	"group_by": true, "pause": true, "include_vars": true, "set_stats": true}

// executorNoLog tells whether the task executor put _ansible_no_log into a
// result: it does on a conditional skip, after running the action and
// when it catches an AnsibleError, but not for an unreachable host
// (AnsibleConnectionFailure) nor for the AnsibleActionFail of a controller
// action plugin (whose result carries the empty traceback "NoneType: None"),
// which TaskExecutor._execute returns as it is.
func executorNoLog(action string, m map[string]any) bool {
	if truthy(m["unreachable"]) || truthy(m[EarlyResultKey]) {
		return false
	}
	action = modules.ShortName(action)
	if e, ok := m["exception"].(string); ok && e == "NoneType: None\n" && controllerActions[action] {
		return false
	}
	return true
}

// EarlyResultKey marks a result that TaskExecutor._execute returns before
// it sets _ansible_no_log (a task timeout).
const EarlyResultKey = "_ansible_goplay_early"

func (c *JSON) record(r *Result, extra map[string]any, unreachable bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.task == nil {
		return
	}
	action := r.Action
	if action == "" {
		action = c.action
	}
	var subset map[string]any
	if dv, ok := r.Data[DelegatedVarsKey].(map[string]any); ok {
		subset = map[string]any{}
		for _, k := range delegatedSubset {
			if v, ok := dv[k]; ok {
				subset[k] = v
			}
		}
	}
	data := make(map[string]any, len(r.Data)+3)
	if r.NoLog || truthy(r.Data["_ansible_no_log"]) {
		// TaskResult.clean_copy: only the censored message and the
		// preserved keys (attempts, changed, retries)
		data["censored"] = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"
		for _, k := range []string{"attempts", "changed", "retries"} {
			if v, ok := r.Data[k]; ok {
				data[k] = v
			}
		}
	} else {
		for k, v := range r.Data {
			data[k] = v
		}
		// TaskResult.clean_copy: failed and skipped are dropped (the
		// callback adds them back for failures and skips), internal keys
		// stripped except a few.
		delete(data, "failed")
		delete(data, "skipped")
		for k := range data {
			if len(k) > 9 && k[:9] == "_ansible_" && !jsonKeepKeys[k] {
				delete(data, k)
			}
		}
		// the executor's _ansible_no_log: not on an include's result (it
		// does not go through the module executor), a meta task's (run by
		// the strategy) nor a loop's (the items have it)
		if !r.Loop && !r.Include && r.Action != "meta" && !unreachable && executorNoLog(action, r.Data) {
			if _, ok := data["_ansible_no_log"]; !ok {
				data["_ansible_no_log"] = false
			}
		}
		if items, ok := data["results"].([]any); ok {
			out := make([]any, len(items))
			for i, it := range items {
				m, ok := it.(map[string]any)
				if !ok {
					out[i] = it
					continue
				}
				c := make(map[string]any, len(m)+2)
				for k, v := range m {
					// strip_internal_keys reaches the items too
					if len(k) > 9 && k[:9] == "_ansible_" && !jsonKeepKeys[k] {
						continue
					}
					c[k] = v
				}
				if r.Loop && !r.Include {
					if _, ok := c["_ansible_no_log"]; !ok && executorNoLog(action, m) {
						c["_ansible_no_log"] = r.NoLog
					}
					if _, ok := c["_ansible_item_label"]; !ok {
						if lv, ok := c["ansible_loop_var"].(string); ok {
							c["_ansible_item_label"] = c[lv]
						}
					}
				}
				out[i] = c
			}
			data["results"] = out
		}
	}
	if subset != nil {
		data[DelegatedVarsKey] = subset
	}
	for k, v := range extra {
		data[k] = v
	}
	data["action"] = action
	c.task["hosts"].(map[string]any)[r.Host] = data
	end := jsonNow()
	c.task["task"].(map[string]any)["duration"].(map[string]any)["end"] = end
	c.plays[len(c.plays)-1]["play"].(map[string]any)["duration"].(map[string]any)["end"] = end
}

func (c *JSON) OK(r *Result) { c.record(r, nil, false) }
func (c *JSON) Failed(r *Result, ignoreErrors bool) {
	c.record(r, map[string]any{"failed": true}, false)
}
func (c *JSON) Skipped(r *Result)                               { c.record(r, map[string]any{"skipped": true}, false) }
func (c *JSON) Unreachable(r *Result, ignore bool)              { c.record(r, nil, true) }
func (c *JSON) ItemOK(r *Result)                                {}
func (c *JSON) ItemFailed(r *Result)                            {}
func (c *JSON) ItemSkipped(r *Result)                           {}
func (c *JSON) Retry(r *Result)                                 {}
func (c *JSON) Included(file string, hosts []string, label any) {}

// Recap prints the document.
func (c *JSON) Recap(stats map[string]*Stats, check bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	hosts := make([]string, 0, len(stats))
	for h := range stats {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	summary := map[string]any{}
	for _, h := range hosts {
		s := stats[h]
		summary[h] = map[string]any{"ok": s.OK, "changed": s.Changed, "unreachable": s.Unreachable,
			"failures": s.Failures, "skipped": s.Skipped, "rescued": s.Rescued, "ignored": s.Ignored}
	}
	plays := make([]any, len(c.plays))
	for i, p := range c.plays {
		plays[i] = p
	}
	doc := map[string]any{"plays": plays, "stats": summary, "custom_stats": map[string]any{}, "global_custom_stats": map[string]any{}}
	c.D.Print(pyfmt.JSONASCII(doc, c.Indent, true), "")
}

// uuidPrefix imitates the shape of Ansible's object ids
// (get_unique_id: node, pid-ish random part, counter).
var uuidPrefix = fmt.Sprintf("%08x-%04x-%04x-%04x", 0x02fc0000, 1, time.Now().UnixNano()&0xffff, (time.Now().UnixNano()>>16)&0xffff)

// ObjectID returns an id in Ansible's uuid format for the n-th object.
func ObjectID(n int) string { return fmt.Sprintf("%s-%012x", uuidPrefix, n) }
