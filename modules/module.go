package modules

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/goplay/goplay/engine/pyfmt"
)

// Module is one task action. Run receives the request and returns the result.
// A returned error is an internal failure; a failed task is a Result with
// Failed set.
type Module interface {
	Run(ctx context.Context, req *Request) (*Result, error)
}

// Validator is implemented by modules that check their decoded arguments
// beyond what the struct tags express. It runs before Run, and with
// GOPLAY_SYNTAX_CHECK_ARGS=1 at --syntax-check time when the arguments
// contain no templates.
type Validator interface {
	Validate() error
}

// Info describes a registered module.
type Info struct {
	// Name is the short name used in playbooks ("command").
	Name string
	// Aliases are other names, usually the FQCN ("ansible.builtin.command").
	Aliases []string
	// New returns a fresh, zero module whose tagged fields receive the arguments.
	New func() Module
	// CheckMode tells whether the module supports check mode (-C).
	CheckMode bool
	// FreeForm marks modules whose free text goes to _raw_params (command,
	// shell, raw, script): every k=v except FreeFormKeys stays in the text.
	FreeForm bool
	// RawParams marks modules that accept free-form text although they are
	// not FreeForm (set_fact, add_host, group_by, meta, include_*).
	RawParams bool
	// BypassHostLoop marks modules that run once per batch on the first
	// host, as add_host and group_by do in Ansible.
	BypassHostLoop bool
	// Local marks modules that always run on the controller (debug, fail,
	// set_fact, add_host, rax_*): they do not open a connection to the host.
	Local bool
	// Short is a one-line description for --doc.
	Short string
}

// Request is everything a module may know about the task it runs for.
type Request struct {
	// Args are the task's arguments after templating, as the task gave them.
	Args map[string]any
	// Vars are the host's variables as the task sees them (read-only).
	Vars map[string]any
	// Host is the inventory name of the host the task runs for.
	Host string
	// Check and Diff report -C and -D.
	Check, Diff bool
	// Verbosity is the -v count.
	Verbosity int
	// Conn reaches the target host (the delegate for delegated tasks). It is
	// nil for Local modules.
	Conn Conn
	// Template renders a Jinja2 expression (without braces) against Vars. It
	// is how debug's var= looks a variable up.
	Template func(expr string) (any, error)
	// Log writes diagnostics, shown at -vvv and above.
	Log func(format string, args ...any)
	// Warn records a warning, printed as Ansible's [WARNING] on stderr.
	Warn func(msg string)
	// Find locates a controller-side file that a task names (copy's src,
	// template's src, script's path) in Ansible's search order: the role's
	// kind directory ("files", "templates") and the role itself, the task
	// file's directory and its kind subdirectory, then the playbook's
	// directory and its kind subdirectory. It returns an absolute path, or
	// an error whose text is Ansible's "Could not find or access ..." message.
	Find func(kind, name string) (string, error)
	// Render renders a whole Jinja2 template text (as the template module
	// does) against Vars plus extra, which wins over Vars.
	Render func(text string, extra map[string]any) (string, error)
	// Tmp is a private directory on the controller for this run, removed at
	// the end (fetch and get_url may stage files there).
	Tmp string
	// RemoteTmp is remote_tmp on the target, unexpanded (the shell expands
	// ~ and $VARS): ansible_remote_tmp, else ANSIBLE_REMOTE_TEMP or
	// ansible.cfg's remote_tmp, else "~/.ansible/tmp". Empty when the
	// caller did not set it.
	RemoteTmp string
}

// Logf writes a diagnostic line when the request has a logger.
func (r *Request) Logf(format string, args ...any) {
	if r != nil && r.Log != nil {
		r.Log(format, args...)
	}
}

// Result is what a module returns.
type Result struct {
	Changed bool
	Failed  bool
	// Skipped marks a module that decided not to run (debug's verbosity).
	Skipped bool
	// Msg is the result's message; it is left out of the output when empty
	// unless Data carries "msg" itself.
	Msg string
	// Data holds every other key of the registered result.
	Data map[string]any
	// Diff is shown with --diff.
	Diff []Diff
	// Effects are changes to the run that the engine applies.
	Effects []Effect
}

// Dict is the result as Ansible's result dict: Data, then msg (unless Data
// has one), changed (unless Data has it), failed, skipped and diff, in the
// module's key order followed by those.
func (res *Result) Dict() map[string]any {
	out := make(map[string]any, len(res.Data)+3)
	for k, v := range res.Data {
		out[k] = v
	}
	if res.Msg != "" {
		if _, ok := out["msg"]; !ok {
			out["msg"] = res.Msg
		}
	}
	if _, ok := out["changed"]; !ok {
		out["changed"] = res.Changed
	}
	if res.Failed {
		out["failed"] = true
	}
	if res.Skipped {
		out["skipped"] = true
	}
	if len(res.Diff) > 0 {
		var d []any
		for _, x := range res.Diff {
			e := map[string]any{"before": x.Before, "after": x.After}
			if x.BeforeHeader != "" {
				e["before_header"] = x.BeforeHeader
			}
			if x.AfterHeader != "" {
				e["after_header"] = x.AfterHeader
			}
			d = append(d, e)
		}
		out["diff"] = d
	}
	if order := pyfmt.KeyOrder(res.Data); order != nil {
		// keep the module's key order (Python dicts print in insertion
		// order), then the keys added here
		seen := make(map[string]bool, len(order))
		keys := make([]string, 0, len(out))
		for _, k := range order {
			if _, ok := out[k]; ok && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		for _, k := range []string{"msg", "changed", "failed", "skipped", "diff"} {
			if _, ok := out[k]; ok && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		for k := range out {
			if !seen[k] {
				keys = append(keys, k)
			}
		}
		pyfmt.SetOrder(out, keys)
	}
	return out
}

// Diff is one before/after pair shown by --diff.
type Diff struct {
	Before, After             string
	BeforeHeader, AfterHeader string
}

// Failf returns a failed result with a formatted message.
func Failf(format string, args ...any) *Result {
	return &Result{Failed: true, Msg: fmt.Sprintf(format, args...)}
}

// Effect is a change to the run that a module asks the engine to make.
type Effect interface{ effect() }

// AddHost adds (or updates) an inventory host, as add_host does.
type AddHost struct {
	Name   string
	Port   int // 0 when not given
	Groups []string
	Vars   map[string]any
	// Vars key order, for output that prints them in order.
	VarOrder []string
}

// GroupBy puts the current host into a group, as group_by does.
type GroupBy struct {
	Groups  []string
	Parents []string
}

// SetFacts sets host variables (set_fact, setup, include_vars).
type SetFacts struct {
	Facts     map[string]any
	Cacheable bool
}

// Meta is a control-flow request (meta: end_play, flush_handlers …).
type Meta struct{ Action string }

func (AddHost) effect()  {}
func (GroupBy) effect()  {}
func (SetFacts) effect() {}
func (Meta) effect()     {}

// Conn is how a module reaches its target host. The engine supplies it: the
// local connection, SSH, or the sandbox's.
type Conn interface {
	// Exec runs cmd with the target's /bin/sh -c. stdin may be nil. A
	// non-zero exit status is reported in rc, not as an error; err is for
	// failures to run at all (the connection broke).
	Exec(ctx context.Context, cmd string, stdin io.Reader) (stdout, stderr []byte, rc int, err error)
	// Put writes data to path on the target with the given mode.
	Put(ctx context.Context, data io.Reader, path string, mode os.FileMode) error
	// Fetch reads the file at path on the target.
	Fetch(ctx context.Context, path string) ([]byte, error)
}

// TTYConn is implemented by connections that can run a command on a
// terminal, as Ansible's ssh connection does for raw and script (ssh -tt):
// the command's stderr arrives merged into stdout with CRLF line ends, and
// stderr holds ssh's own messages ("Shared connection to HOST closed.").
type TTYConn interface {
	ExecTTY(ctx context.Context, cmd string) (stdout, stderr []byte, rc int, err error)
}

// ExecTTY runs cmd on a terminal when c offers one, else as c.Exec with no
// stdin (the local connection has no terminal, as in Ansible).
func ExecTTY(ctx context.Context, c Conn, cmd string) (stdout, stderr []byte, rc int, err error) {
	if t, ok := c.(TTYConn); ok {
		return t.ExecTTY(ctx, cmd)
	}
	return c.Exec(ctx, cmd, nil)
}

// ExpandUser expands a leading ~ in path with the target's home directory,
// as the action plugins' _remote_expand_user does; path is returned as it
// is when there is no ~ or the target does not answer.
func ExpandUser(ctx context.Context, c Conn, path string) string {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path
	}
	out, _, rc, err := c.Exec(ctx, "echo ~", nil)
	if err != nil || rc != 0 {
		return path
	}
	return strings.TrimSpace(string(out)) + path[1:]
}

// ScriptConn is implemented by connections that can run one of goplay's own
// helper scripts (the file modules' and command's POSIX sh scripts) more
// cheaply than Exec, possibly without forking a shell: the local connection
// interprets them in-process. The results (stdout, stderr, rc, effects on
// the target, consumption of stdin) are identical to Exec's; a connection
// that cannot guarantee that for a script runs it with Exec. Wrappers that
// change how commands run (become) must not forward it.
type ScriptConn interface {
	ExecScript(ctx context.Context, script string, stdin io.Reader) (stdout, stderr []byte, rc int, err error)
}

// RunScript runs one of goplay's helper scripts with c.ExecScript when c
// offers it, else with c.Exec.
func RunScript(ctx context.Context, c Conn, script string, stdin io.Reader) (stdout, stderr []byte, rc int, err error) {
	if s, ok := c.(ScriptConn); ok {
		return s.ExecScript(ctx, script, stdin)
	}
	return c.Exec(ctx, script, stdin)
}

// StagingConn is implemented by connections whose become mode runs
// commands as an unprivileged user other than the login user (Ansible's
// _is_become_unprivileged). There Ansible's action plugins (copy, template)
// upload file data as the login user into a private temporary directory
// and hand it to the become user (_fixup_perms2: setfacl, else chown of the
// owner only, which works when the login user is root) before the module,
// running as the become user, moves it into place (atomic_move): a file
// that replaces one the become user cannot give its owner and group keeps
// the upload's group. File modules that write data the controller sends
// stage it with Stage and let their become script take the staged file.
type StagingConn interface {
	// StagesData tells whether data for this connection's become user
	// should be staged (become to an unprivileged user other than the login
	// user); Stage is only called when it is true.
	StagesData() bool
	// Stage writes the files that data holds one after the other (sizes[i]
	// bytes each) into a new private directory on the target, as the login
	// user, and makes them usable by the become user. It returns their paths
	// and a cleanup that removes the directory (call it however the write
	// ends). When they cannot be handed to the become user, paths is nil
	// (nothing is left behind) and the caller writes without staging.
	Stage(ctx context.Context, data io.Reader, sizes []int64) (paths []string, cleanup func(), err error)
}

// Stager returns c's StagingConn when it stages data, looking through
// wrappers that give the connection they wrap with Unwrap() Conn; else nil.
func Stager(c Conn) StagingConn {
	for c != nil {
		if s, ok := c.(StagingConn); ok {
			if s.StagesData() {
				return s
			}
			return nil
		}
		u, ok := c.(interface{ Unwrap() Conn })
		if !ok {
			return nil
		}
		c = u.Unwrap()
	}
	return nil
}
