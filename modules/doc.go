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
// A module reaches the target host only through Request.Conn. Effects on the
// run itself (new inventory hosts, facts, groups, control flow) travel back as
// Result.Effects, which the engine applies; modules never import the engine.
package modules
