package healthcheck

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goplay/goplay/modules"
	"github.com/goplay/goplay/modules/moddoc"
)

func newCheck(t *testing.T, args map[string]any) (modules.Module, error) {
	t.Helper()
	m, _, err := modules.New("healthcheck", args)
	return m, err
}

func TestArguments(t *testing.T) {
	for _, c := range []struct {
		args map[string]any
		err  string
	}{
		{map[string]any{}, "missing required arguments: url"},
		{map[string]any{"url": "ftp://x"}, "url must start with http:// or https://, got: ftp://x"},
		{map[string]any{"url": "http://x", "status": "200,abc"}, "status must be a list of HTTP status codes, got: abc"},
		{map[string]any{"url": "http://x", "method": "PUT"}, "value of method must be one of: GET, HEAD, POST, got: PUT"},
		{map[string]any{"url": "http://x", "bogus": 1}, "Unsupported parameters for (healthcheck) module: bogus."},
		{map[string]any{"url": "http://x", "retries": "2", "delay": "0.5", "status": []any{200, 204}}, ""},
	} {
		_, err := newCheck(t, c.args)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%v: %v", c.args, err)
		case c.err != "" && (err == nil || !strings.HasPrefix(err.Error(), c.err)):
			t.Errorf("%v: err = %v, want %q", c.args, err, c.err)
		}
	}
}

func TestRun(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(`{"ready": true, "n": 3, "ratio": 0.5}`))
	}))
	defer srv.Close()

	m, err := newCheck(t, map[string]any{"url": srv.URL, "retries": 1, "delay": 0})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run(context.Background(), &modules.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed || res.Data["status"] != 503 || res.Data["attempts"] != 2 || res.Msg != "Status code was 503 and not [200]" {
		t.Fatalf("first run: %+v", res)
	}
	res, err = m.Run(context.Background(), &modules.Request{})
	if err != nil {
		t.Fatal(err)
	}
	j, _ := res.Data["json"].(map[string]any)
	if res.Failed || res.Changed || res.Data["status"] != 200 || j["ready"] != true || j["n"] != 3 || j["ratio"] != 0.5 {
		t.Fatalf("second run: %+v", res)
	}
	if _, ok := res.Data["elapsed"].(float64); !ok {
		t.Errorf("elapsed: %#v", res.Data["elapsed"])
	}

	// A refused connection is status -1; the context ends the retries.
	srv.Close()
	m, _ = newCheck(t, map[string]any{"url": srv.URL, "retries": 100, "delay": 10})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err = m.Run(ctx, &modules.Request{})
	if err != nil || !res.Failed || res.Data["status"] != -1 || time.Since(start) > 5*time.Second {
		t.Fatalf("refused: %+v %v", res, err)
	}
}

func TestDoc(t *testing.T) {
	info, _ := modules.Lookup("acme.web.healthcheck")
	text, err := moddoc.Text(*info)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"> ACME.WEB.HEALTHCHECK    (*github.com/goplay/goplay/examples/custom-module/healthcheck.HealthCheck)",
		"= url\n        The URL to request (http or https).\n        type: str\n",
		"- method\n        The HTTP method.\n        choices: [GET, HEAD, POST]\n        default: GET\n        type: str\n",
		"- status\n        The status codes that mean healthy.\n        default: ['200']\n        type: list\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("doc lacks %q:\n%s", want, text)
		}
	}
}
