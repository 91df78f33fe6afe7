// Package modules is goplay's module API: the contract between the engine and
// every task action, built in or user supplied.
//
// A module is a Go type that registers itself by name from an init function,
// the way caddy's modules do:
//
//	package healthcheck
//
//	import (
//		"context"
//		"net/http"
//
//		"github.com/goplay/goplay/modules"
//	)
//
//	func init() {
//		modules.Register(modules.Info{
//			Name:      "healthcheck",
//			Aliases:   []string{"acme.web.healthcheck"},
//			CheckMode: true,
//			New:       func() modules.Module { return new(HealthCheck) },
//		})
//	}
//
//	// HealthCheck fetches a URL and reports its status code.
//	type HealthCheck struct {
//		URL    string `arg:"url,required" doc:"The URL to fetch."`
//		Status int    `arg:"status" default:"200" doc:"The expected status code."`
//	}
//
//	func (h *HealthCheck) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
//		resp, err := http.Get(h.URL)
//		if err != nil {
//			return modules.Failf("GET %s: %v", h.URL, err), nil
//		}
//		resp.Body.Close()
//		res := &modules.Result{Data: map[string]any{"status": resp.StatusCode}}
//		if resp.StatusCode != h.Status {
//			res.Failed = true
//			res.Msg = "unexpected status"
//		}
//		return res, nil
//	}
//
// The engine creates a fresh value with Info.New for every task run, decodes
// the task's arguments into its tagged fields (Decode), and calls Run. Fields
// are tagged `arg:"name[,required][,remain]"`; `default:"…"` gives a default
// and `aliases:"a,b"` other accepted names; `choices:"a,b"` restricts the
// value; `doc:"…"` documents it for `goplay --doc`. Values are converted the
// way Ansible's argument_spec converts them (k=v strings to int, bool, list).
// A field tagged `,remain` (a map[string]any) receives every argument that no
// other field claims; without one, an unknown argument is an error.
//
// # Validation
//
// Decoding checks required arguments, types and choices. A module that needs
// more implements Validator (Validate() error). Both run before Run. With
// GOPLAY_SYNTAX_CHECK_ARGS=1, `goplay --syntax-check` also runs them for
// every task whose arguments hold no template, so a wrong argument is
// reported with the task's file and line before anything runs (exit code
// 4); ansible-playbook's --syntax-check does not look at arguments.
//
// # The request
//
// Request carries the decoded arguments as given (Args), the host's variables
// (Vars, read-only), the inventory name (Host), check and diff mode (Check,
// Diff: a module that declared Info.CheckMode must not change anything when
// Check is set; one that did not is skipped by the engine in check mode), the
// verbosity, the connection (Conn), and helpers: Template (evaluate an
// expression against Vars), Render (render a whole template text, as the
// template module does), Find (locate a controller-side file in Ansible's
// search path: the role's files/ or templates/, the task's directory, the
// playbook's directory), Tmp (a private controller directory for the run),
// Log (a logger shown at -vvv) and Warn (an Ansible [WARNING]).
//
// # The connection
//
// A module reaches the target host only through Request.Conn: Exec runs a
// /bin/sh command (stdout, stderr, exit status), Put writes a file, Fetch
// reads one. The engine supplies the local connection, SSH (one persistent
// connection per host, with become applied), or the sandbox's. Modules that
// run on the controller (Info.Local: debug, set_fact, uri, the rax modules)
// get no connection. TTYConn/ExecTTY run a command on a terminal where the
// connection has one (raw and script do, as Ansible's ssh -tt).
//
// # The result
//
// Result.Changed, Failed and Msg are Ansible's changed, failed and msg;
// Data holds every other key of the registered result (keep Ansible's key
// names: playbooks read them); Data["diff"] (or Diff) is shown with --diff.
// Returning an error instead of a Result reports a failure the way Ansible
// reports an exception (no "changed" key); an error implementing
// Unreachable() makes the host unreachable.
//
// Effects on the run itself (new inventory hosts, facts, groups, control flow)
// travel back as Result.Effects (AddHost, GroupBy, SetFacts, Meta), which the
// engine applies; modules never import the engine, and the built-in modules
// use exactly this API.
//
// # Adding a module to goplay
//
// Put the file in its own package and import that package from a copy of
// goplay's main.go: examples/custom-module is a complete custom build with
// one extra module and a test that runs a playbook with it. Modules written
// for Ansible in any language keep working unchanged from library/
// (see modules/external).
package modules
