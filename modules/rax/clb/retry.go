package clb

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// RetryPolicy decides which failed requests are sent again. pyrax retries
// nothing; goplay retries what is safe to retry:
//   - 413 (rate limit) with a Retry-After header or retryAfter field, for
//     every method, after the time it asks for (up to MaxRetryAfter). A 413
//     without one is an absolute-limit violation and is not retried.
//   - 5xx responses and connection errors of idempotent requests (GET, HEAD,
//     PUT, DELETE, OPTIONS), with exponential backoff. A 503 with
//     Retry-After waits as asked.
//
// The zero value uses the defaults named by the Default* constants.
type RetryPolicy struct {
	// MaxRetries is the number of retries of one request.
	MaxRetries uint
	// BaseDelay is the first backoff; each further retry doubles it.
	BaseDelay time.Duration
	// MaxDelay caps one backoff.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After honoured; a longer one fails
	// the request at once.
	MaxRetryAfter time.Duration
	// Sleep waits d or until ctx is done. Nil uses a timer (tests replace it).
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock used to read HTTP-date Retry-After values.
	Now func() time.Time
	// Logf, if set, reports each retry.
	Logf func(format string, args ...any)
	// AllMethods treats every method as idempotent. The identity client
	// sets it: creating a token twice is harmless.
	AllMethods bool
}

// Defaults of RetryPolicy.
const (
	// 10 retries: with the sandbox's 10% 5xx and 10% 413 faults, six
	// retries still let about one deploy in a few hundred fail a PUT.
	DefaultMaxRetries    = 10
	DefaultBaseDelay     = 500 * time.Millisecond
	DefaultMaxDelay      = 10 * time.Second
	DefaultMaxRetryAfter = 2 * time.Minute
)

// Idempotent tells whether an HTTP method may be repeated safely.
func Idempotent(method string) bool {
	switch strings.ToUpper(method) {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// Func returns the policy as a gophercloud.RetryFunc, for
// ProviderClient.RetryFunc.
func (p RetryPolicy) Func() gophercloud.RetryFunc {
	return func(ctx context.Context, method, u string, _ *gophercloud.RequestOpts, err error, failCount uint) error {
		d, ok := p.Delay(method, err, failCount)
		if !ok || ctx.Err() != nil {
			return err
		}
		if p.Logf != nil {
			p.Logf("rax: retrying %s %s in %s (attempt %d): %v", method, redactURL(u), d, failCount, ParseError(err))
		}
		if serr := p.sleep(ctx, d); serr != nil {
			return err
		}
		return nil
	}
}

// Delay returns how long to wait before retry number failCount (from 1) of a
// request that failed with err, and false if it must not be retried.
func (p RetryPolicy) Delay(method string, err error, failCount uint) (time.Duration, bool) {
	maxRetries := p.MaxRetries
	if maxRetries == 0 {
		maxRetries = DefaultMaxRetries
	}
	if failCount > maxRetries || err == nil {
		return 0, false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return 0, false
	}
	code := StatusCode(err)
	switch {
	case code == http.StatusRequestEntityTooLarge:
		d, ok := p.retryAfter(err)
		if !ok {
			return 0, false
		}
		return d, true
	case code >= 500 && code <= 599:
		if !p.AllMethods && !Idempotent(method) {
			return 0, false
		}
		if d, ok := p.retryAfter(err); ok {
			return d, true
		}
		return p.backoff(failCount), true
	case code != 0:
		return 0, false
	}
	if (!p.AllMethods && !Idempotent(method)) || !isConnError(err) {
		return 0, false
	}
	return p.backoff(failCount), true
}

func (p RetryPolicy) backoff(n uint) time.Duration {
	base, maxd := p.BaseDelay, p.MaxDelay
	if base <= 0 {
		base = DefaultBaseDelay
	}
	if maxd <= 0 {
		maxd = DefaultMaxDelay
	}
	d := base
	for i := uint(1); i < n && d < maxd; i++ {
		d *= 2
	}
	if d > maxd {
		d = maxd
	}
	// Up to 20% jitter so that parallel hosts do not retry in step.
	return d + time.Duration(rand.Int64N(int64(d)/5+1))
}

// retryAfter reads Retry-After (seconds or an HTTP date) or the body's
// retryAfter/retryAt (RFC 3339).
func (p RetryPolicy) retryAfter(err error) (time.Duration, bool) {
	ae, ok := ParseError(err).(*APIError)
	if !ok || ae.RetryAfter == "" {
		return 0, false
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	var d time.Duration
	v := strings.TrimSpace(ae.RetryAfter)
	if n, err := strconv.Atoi(v); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now())
	} else if t, err := time.Parse(time.RFC3339, v); err == nil {
		d = t.Sub(now())
	} else {
		return 0, false
	}
	if d < 0 {
		d = 0
	}
	maxAfter := p.MaxRetryAfter
	if maxAfter <= 0 {
		maxAfter = DefaultMaxRetryAfter
	}
	if d > maxAfter {
		return 0, false
	}
	return d, true
}

func (p RetryPolicy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}

// Sleep waits d or until ctx is done, returning ctx.Err() in that case.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// isConnError tells whether err is a failure to exchange the request at all
// (refused, reset, closed without a response), as opposed to a bad body.
func isConnError(err error) bool {
	var ue *url.Error
	if errors.As(err, &ue) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

func redactURL(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}
