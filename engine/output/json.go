package output

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/goplay/goplay/engine/pyfmt"
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

func (c *JSON) record(r *Result, extra map[string]any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.task == nil {
		return
	}
	data := make(map[string]any, len(r.Data)+3)
	for k, v := range r.Data {
		data[k] = v
	}
	if r.NoLog {
		data = map[string]any{"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result", "changed": r.Data["changed"]}
	}
	// TaskResult.clean_copy: failed and skipped are dropped (the callback
	// adds them back for failures and skips), internal keys stripped except
	// a few; the executor's _ansible_no_log is on plain results.
	delete(data, "failed")
	delete(data, "skipped")
	for k := range data {
		if len(k) > 9 && k[:9] == "_ansible_" && !jsonKeepKeys[k] {
			delete(data, k)
		}
	}
	// an include's result does not go through the module executor, which
	// adds _ansible_no_log (and the loop its item label)
	if !r.Loop && !r.Include {
		if _, ok := data["_ansible_no_log"]; !ok {
			data["_ansible_no_log"] = r.NoLog
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
				if !strings.HasPrefix(k, "_ansible_goplay_") { // goplay's own
					c[k] = v
				}
			}
			if r.Loop && !r.Include {
				if _, ok := c["_ansible_no_log"]; !ok {
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
	for k, v := range extra {
		data[k] = v
	}
	data["action"] = r.Action
	if r.Action == "" {
		data["action"] = c.action
	}
	c.task["hosts"].(map[string]any)[r.Host] = data
	end := jsonNow()
	c.task["task"].(map[string]any)["duration"].(map[string]any)["end"] = end
	c.plays[len(c.plays)-1]["play"].(map[string]any)["duration"].(map[string]any)["end"] = end
}

func (c *JSON) OK(r *Result)                                    { c.record(r, nil) }
func (c *JSON) Failed(r *Result, ignoreErrors bool)             { c.record(r, map[string]any{"failed": true}) }
func (c *JSON) Skipped(r *Result)                               { c.record(r, map[string]any{"skipped": true}) }
func (c *JSON) Unreachable(r *Result, ignore bool)              { c.record(r, nil) }
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
