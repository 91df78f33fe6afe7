// Package healthcheck is an example goplay module in one file: an HTTP
// health check with retries. Importing it registers the module as
// "healthcheck" and "acme.web.healthcheck":
//
//	import _ "github.com/goplay/goplay/examples/custom-module/healthcheck"
//
// A playbook uses it like any module, and can register its result:
//
//   - name: wait until the service is ready
//     acme.web.healthcheck:
//     url: http://app.internal:8080/health
//     status: [200, 204]
//     retries: 3
//     delay: 0.5
//     register: hc
//     until: hc.json.ready | default(false)
//     retries: 10
//     delay: 2
package healthcheck

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:    "healthcheck",
		Aliases: []string{"acme.web.healthcheck"},
		New:     func() modules.Module { return new(HealthCheck) },
		// A GET changes nothing, so the check also runs under --check.
		CheckMode: true,
		// The request is made from the controller, as with
		// "delegate_to: localhost": no connection to the host is opened.
		Local: true,
		Short: "Check that an HTTP endpoint answers with an expected status, with retries",
	})
}

// HealthCheck requests a URL until it answers with an expected status or
// the retries run out. Its struct tags are its argument specification:
// goplay decodes and validates the task's arguments into the fields, and
// `goplay --doc healthcheck` prints them.
type HealthCheck struct {
	URL           string         `arg:"url,required" doc:"The URL to request (http or https)."`
	Method        string         `arg:"method" default:"GET" choices:"GET,HEAD,POST" doc:"The HTTP method."`
	Status        []string       `arg:"status" default:"200" doc:"The status codes that mean healthy."`
	Retries       int            `arg:"retries" default:"3" doc:"How many times to retry after a failed attempt (0 tries once)."`
	Delay         float64        `arg:"delay" default:"1" doc:"Seconds to wait between attempts."`
	Timeout       float64        `arg:"timeout" default:"10" doc:"Seconds to wait for each response."`
	BodyContains  string         `arg:"body_contains" doc:"Text the response body must contain as well."`
	Headers       map[string]any `arg:"headers" doc:"Extra request headers."`
	ValidateCerts bool           `arg:"validate_certs" default:"true" doc:"Verify the server's TLS certificate."`
	// Fields without an arg tag are not arguments.
	codes map[int]bool
}

// Validate checks the arguments beyond their types. goplay calls it when
// the playbook is loaded (--syntax-check reports it at the task's line)
// when the arguments have no templates, and always before Run.
func (h *HealthCheck) Validate() error {
	if !strings.HasPrefix(h.URL, "http://") && !strings.HasPrefix(h.URL, "https://") {
		return &modules.ArgError{Msg: fmt.Sprintf("url must start with http:// or https://, got: %s", h.URL)}
	}
	h.codes = map[int]bool{}
	for _, s := range h.Status {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 100 || n > 599 {
			return &modules.ArgError{Msg: fmt.Sprintf("status must be a list of HTTP status codes, got: %s", s)}
		}
		h.codes[n] = true
	}
	if h.Retries < 0 || h.Delay < 0 || h.Timeout <= 0 {
		return &modules.ArgError{Msg: "retries and delay must not be negative, and timeout must be positive"}
	}
	return nil
}

// maxBody is how much of the response body the result keeps.
const maxBody = 64 << 10

// Run makes the attempts. The result's data is what a playbook registers:
// url, status, elapsed (seconds, for the last attempt), attempts, body and,
// when the body is JSON, json.
func (h *HealthCheck) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if h.codes == nil {
		if err := h.Validate(); err != nil {
			return nil, err
		}
	}
	client := &http.Client{Timeout: seconds(h.Timeout)}
	if !h.ValidateCerts {
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	}
	data := map[string]any{"url": h.URL, "status": -1, "attempts": 0, "elapsed": 0.0}
	var why string
	for attempt := 1; ; attempt++ {
		data["attempts"] = attempt
		why = h.try(ctx, client, data)
		if why == "" {
			return &modules.Result{Msg: fmt.Sprintf("OK (%d)", data["status"]), Data: data}, nil
		}
		req.Logf("healthcheck %s: attempt %d: %s", h.URL, attempt, why)
		if attempt > h.Retries || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(seconds(h.Delay)):
		}
	}
	return &modules.Result{Failed: true, Msg: why, Data: data}, nil
}

// try makes one request, fills data, and says what was wrong ("" when the
// endpoint is healthy).
func (h *HealthCheck) try(ctx context.Context, client *http.Client, data map[string]any) string {
	delete(data, "json")
	r, err := http.NewRequestWithContext(ctx, h.Method, h.URL, nil)
	if err != nil {
		return err.Error()
	}
	for k, v := range h.Headers {
		r.Header.Set(k, modules.ToString(v))
	}
	start := time.Now()
	resp, err := client.Do(r)
	if err != nil {
		data["elapsed"] = time.Since(start).Seconds()
		data["status"] = -1
		data["body"] = ""
		return fmt.Sprintf("Status code was -1 and not %s: Request failed: %v", h.Status, err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	data["elapsed"] = time.Since(start).Seconds()
	data["status"] = resp.StatusCode
	data["body"] = string(body)
	var j any
	if json.Unmarshal(body, &j) == nil {
		data["json"] = normalise(j)
	}
	if !h.codes[resp.StatusCode] {
		return fmt.Sprintf("Status code was %d and not %s", resp.StatusCode, h.Status)
	}
	if h.BodyContains != "" && !strings.Contains(string(body), h.BodyContains) {
		return fmt.Sprintf("The response body does not contain %q", h.BodyContains)
	}
	return ""
}

// normalise turns encoding/json's float64 whole numbers into ints, the
// way a playbook expects numbers from JSON to behave.
func normalise(v any) any {
	switch x := v.(type) {
	case float64:
		if x == float64(int64(x)) && x > -1e15 && x < 1e15 {
			return int(x)
		}
	case []any:
		for i := range x {
			x[i] = normalise(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = normalise(x[k])
		}
	}
	return v
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
