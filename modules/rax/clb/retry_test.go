package clb

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

func newClient(t *testing.T, h http.HandlerFunc, slept *[]time.Duration) *gophercloud.ServiceClient {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	p := &gophercloud.ProviderClient{TokenID: "tok"}
	p.RetryFunc = RetryPolicy{Sleep: func(_ context.Context, d time.Duration) error { *slept = append(*slept, d); return nil }}.Func()
	return NewClient(p, srv.URL+"/v1.0/1", "1")
}

func TestRetry413RetryAfter(t *testing.T) {
	var n atomic.Int32
	var slept []time.Duration
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Auth-Project-Id") != "1" {
			t.Errorf("project header %q", r.Header.Get("X-Auth-Project-Id"))
		}
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(413)
			fmt.Fprint(w, `{"overLimit":{"code":413,"message":"OverLimit Retry...","details":"Error Details..."}}`)
			return
		}
		w.WriteHeader(202)
	}, &slept)
	_, err := c.Post(context.Background(), c.ServiceURL("loadbalancers"), map[string]any{}, nil, nil)
	if err != nil || n.Load() != 2 || len(slept) != 1 || slept[0] != 3*time.Second {
		t.Fatalf("err=%v n=%d slept=%v", err, n.Load(), slept)
	}
}

func TestNo413RetryWithoutRetryAfter(t *testing.T) {
	var slept []time.Duration
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(413)
		fmt.Fprint(w, `{"overLimit":{"code":413,"message":"Node limit reached"}}`)
	}, &slept)
	_, err := c.Get(context.Background(), c.ServiceURL("loadbalancers"), nil, nil)
	if e := ParseError(err); e == nil || e.Error() != "Node limit reached" || len(slept) != 0 {
		t.Fatalf("err=%v slept=%v", e, slept)
	}
}

func Test5xxOnlyIdempotent(t *testing.T) {
	var n atomic.Int32
	var slept []time.Duration
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(503)
		fmt.Fprint(w, `{"serviceUnavailable":{"code":503,"message":"Service Unavailable"}}`)
	}, &slept)
	_, err := c.Post(context.Background(), c.ServiceURL("loadbalancers"), map[string]any{}, nil, nil)
	if n.Load() != 1 || ParseError(err).Error() != "Service Unavailable" {
		t.Fatalf("POST retried: n=%d err=%v", n.Load(), err)
	}
	n.Store(0)
	_, err = c.Get(context.Background(), c.ServiceURL("loadbalancers"), nil, nil)
	if n.Load() != DefaultMaxRetries+1 || err == nil {
		t.Fatalf("GET: n=%d err=%v", n.Load(), err)
	}
	for i := 1; i < len(slept); i++ {
		if slept[i] < slept[i-1]/2 {
			t.Fatalf("backoff not growing: %v", slept)
		}
	}
}

func TestAllMethodsRetriesPOST(t *testing.T) {
	err := FromResponse("POST", "u", 503, nil, []byte(`{"message":"Service Unavailable"}`))
	if _, ok := (RetryPolicy{}).Delay("POST", err, 1); ok {
		t.Fatal("POST retried by default")
	}
	if _, ok := (RetryPolicy{AllMethods: true}).Delay("POST", err, 1); !ok {
		t.Fatal("POST not retried with AllMethods")
	}
	if _, ok := (RetryPolicy{AllMethods: true}).Delay("POST", FromResponse("POST", "u", 401, nil, nil), 1); ok {
		t.Fatal("401 retried")
	}
}

func TestConnectionErrorRetried(t *testing.T) {
	var n atomic.Int32
	var slept []time.Duration
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
			return
		}
		fmt.Fprint(w, `{}`)
	}, &slept)
	var body any
	_, err := c.Get(context.Background(), c.ServiceURL("loadbalancers"), &body, nil)
	if err != nil || n.Load() != 2 {
		t.Fatalf("err=%v n=%d", err, n.Load())
	}
}

func TestFromResponse(t *testing.T) {
	e := FromResponse("GET", "u", 400, nil, []byte(`{"message":["JSON does not match the expected schema"]}`))
	if e.Error() != "['JSON does not match the expected schema']" {
		t.Fatal(e)
	}
	// The first key of a wrapped body, in document order.
	e = FromResponse("GET", "u", 413, nil, []byte(`{"overLimit":{"code":413,"message":"OverLimit Retry...","retryAfter":"2015-06-13T22:30:10Z"},"zzz":{"message":"other"}}`))
	if e.Error() != "OverLimit Retry..." || e.Fault != "overLimit" || e.RetryAfter != "2015-06-13T22:30:10Z" {
		t.Fatal(e)
	}
	e = FromResponse("GET", "u", 500, nil, []byte(`{"zfault":{"message":"first"},"afault":{"message":"second"}}`))
	if e.Error() != "first" {
		t.Fatal(e)
	}
	e = FromResponse("GET", "u", 500, nil, []byte(`{"oops":"plain text"}`))
	if e.Error() != "plain text" {
		t.Fatal(e)
	}
	e = FromResponse("GET", "u", 401, nil, nil)
	if e.Error() != "Unauthorized" {
		t.Fatal(e)
	}
}
