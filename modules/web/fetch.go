package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"
)

// urlOptions are the arguments every URL-fetching module shares
// (Ansible's url_argument_spec).
type urlOptions struct {
	Method          string
	Headers         map[string]string
	HeaderOrder     []string
	Body            []byte
	HasBody         bool
	Timeout         int
	ValidateCerts   bool
	UseProxy        bool
	Username        string
	Password        string
	ForceBasicAuth  bool
	HTTPAgent       string
	FollowRedirects string
	ClientCert      string
	ClientKey       string
	CAPath          string
	Unredirected    []string
	Decompress      bool
	LastModTime     time.Time
	Force           bool
	UnixSocket      string
}

// response is what fetch returns for a completed exchange (any status).
type response struct {
	// Status is the HTTP status code, or -1 when no response arrived.
	Status int
	// FinalURL is the URL of the last request (after redirects).
	FinalURL string
	// Header holds the last response's headers.
	Header http.Header
	// Body is the response body (decompressed when asked).
	Body []byte
	// HTTPError tells that urllib would have raised HTTPError: the status
	// was not 2xx, or a redirect was not followed.
	HTTPError bool
	// Info is fetch_url's info dict.
	Info map[string]any
	// File marks a file:// URL, which urllib answers without a status.
	File bool
	// Fatal is set when fetch_url itself fails the module (an invalid URL
	// raises ValueError): the module fails with this message at once.
	Fatal string
}

// fetch performs the request as Ansible's fetch_url does and builds its
// info dict: url and status always; on success the lowercased headers,
// cookies, cookies_string and msg "OK (N bytes)"; on an HTTP error the
// headers, msg "HTTP Error N: Reason" and body; otherwise msg describes the
// failure and status is -1.
func fetch(ctx context.Context, rawURL string, o urlOptions) *response {
	r := &response{Status: -1, FinalURL: rawURL, Info: map[string]any{"url": rawURL, "status": -1}}
	fail := func(msg string) *response {
		r.Info["msg"] = msg
		return r
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		r.Fatal = fmt.Sprintf("unknown url type: '%s'", rawURL)
		return r
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "file":
		return fetchFile(r, u)
	default:
		return fail(fmt.Sprintf("Request failed: <urlopen error unknown url type: %s>", strings.ToLower(u.Scheme)))
	}
	if u.Host == "" {
		return fail("Request failed: <urlopen error no host given>")
	}

	idle := time.Duration(o.Timeout) * time.Second
	dialer := &net.Dialer{Timeout: idle}
	tr := &http.Transport{
		DisableCompression: true,
		DisableKeepAlives:  true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if err != nil || idle <= 0 {
				return c, err
			}
			return &idleConn{Conn: c, idle: idle}, nil
		},
		TLSClientConfig:       &tls.Config{InsecureSkipVerify: !o.ValidateCerts},
		ResponseHeaderTimeout: time.Duration(o.Timeout) * time.Second,
	}
	if o.UseProxy {
		tr.Proxy = http.ProxyFromEnvironment
	}
	if o.UnixSocket != "" {
		sock := o.UnixSocket
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, "unix", sock)
			if err != nil || idle <= 0 {
				return c, err
			}
			return &idleConn{Conn: c, idle: idle}, nil
		}
		tr.Proxy = nil
	}
	if o.CAPath != "" {
		pem, err := os.ReadFile(o.CAPath)
		if err != nil {
			return fail(fmt.Sprintf("Request failed: <urlopen error [Errno 2] No such file or directory: '%s'>", o.CAPath))
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		tr.TLSClientConfig.RootCAs = pool
	}
	if o.ClientCert != "" {
		key := o.ClientKey
		if key == "" {
			key = o.ClientCert
		}
		cert, err := tls.LoadX509KeyPair(o.ClientCert, key)
		if err != nil {
			return fail("Request failed: <urlopen error " + err.Error() + ">")
		}
		tr.TLSClientConfig.Certificates = []tls.Certificate{cert}
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	method := o.Method
	if method == "" {
		method = "GET"
	}
	body := o.Body
	hasBody := o.HasBody
	headers := http.Header{}
	for _, k := range o.HeaderOrder {
		headers.Set(k, o.Headers[k])
	}
	if headers.Get("User-Agent") == "" {
		agent := o.HTTPAgent
		if agent == "" {
			agent = "ansible-httpget"
		}
		headers.Set("User-Agent", agent)
	}
	if o.Decompress && headers.Get("Accept-Encoding") == "" {
		headers.Set("Accept-Encoding", "gzip")
	}
	if o.Force {
		headers.Set("Cache-Control", "no-cache")
	} else if !o.LastModTime.IsZero() {
		headers.Set("If-Modified-Since", o.LastModTime.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT"))
	}
	if hasBody && headers.Get("Content-Type") == "" {
		// urllib's default for a request with data.
		headers.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	username, password := o.Username, o.Password
	if u.User != nil {
		if username == "" {
			username = u.User.Username()
			password, _ = u.User.Password()
		}
		u.User = nil
	}
	authHeader := ""
	if username != "" && o.ForceBasicAuth {
		authHeader = basicAuth(username, password)
	}
	unredirected := map[string]bool{}
	for _, h := range o.Unredirected {
		unredirected[strings.ToLower(h)] = true
	}

	cur := u.String()
	var cookies []*http.Cookie
	triedAuth := authHeader != ""
	redirects := 0
	for {
		var rd io.Reader
		if hasBody {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, cur, rd)
		if err != nil {
			return fail("An unknown error occurred: " + err.Error())
		}
		for k, v := range headers {
			if redirects > 0 && unredirected[strings.ToLower(k)] {
				continue
			}
			req.Header[k] = v
		}
		if authHeader != "" {
			req.Header.Set("Authorization", authHeader)
		}
		for _, c := range cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		if !hasBody && method != "GET" && method != "HEAD" {
			req.ContentLength = 0
		}
		resp, err := client.Do(req)
		if err != nil {
			return fail(requestError(err))
		}
		restoreConnectionClose(resp)
		data, rerr := readBody(resp, o.Decompress, method)
		resp.Body.Close()
		if rerr != nil {
			return fail("Connection failure: " + rerr.Error())
		}
		cookies = mergeCookies(cookies, resp.Cookies())

		code := resp.StatusCode
		if code == http.StatusUnauthorized && username != "" && !triedAuth &&
			strings.HasPrefix(strings.ToLower(resp.Header.Get("Www-Authenticate")), "basic") {
			// urllib's HTTPBasicAuthHandler answers the challenge once.
			triedAuth = true
			authHeader = basicAuth(username, password)
			continue
		}
		isRedirect := code == 301 || code == 302 || code == 303 || code == 307 || code == 308
		if isRedirect && resp.Header.Get("Location") != "" {
			follow := o.FollowRedirects
			next, perr := resp.Request.URL.Parse(resp.Header.Get("Location"))
			ok := false
			switch follow {
			case "urllib2":
				ok = method == "GET" || method == "HEAD" || (method == "POST" && code != 307 && code != 308)
			case "all", "yes":
				ok = true
			case "safe":
				ok = method == "GET" || method == "HEAD"
			}
			if ok && perr == nil && (next.Scheme == "http" || next.Scheme == "https") {
				redirects++
				if redirects > 10 {
					return httpError(r, resp, data, cur, code, "The HTTP server returned a redirect error that would lead to an infinite loop.\nThe last 30x error message was:\n"+reason(resp))
				}
				if code != 307 && code != 308 {
					hasBody = false
					body = nil
					headers.Del("Content-Length")
					headers.Del("Content-Type")
					headers.Del("Transfer-Encoding")
					if (code == 302 || code == 303) && method != "HEAD" {
						method = "GET"
					}
					if code == 301 && method == "POST" {
						method = "GET"
					}
				}
				cur = strings.ReplaceAll(next.String(), " ", "%20")
				continue
			}
		}
		if code < 200 || code >= 300 {
			return httpError(r, resp, data, cur, code, reason(resp))
		}
		r.Status = code
		r.FinalURL = cur
		r.Header = resp.Header
		r.Body = data
		info := r.Info
		for k, v := range joinedHeaders(resp.Header) {
			info[k] = v
		}
		cd := map[string]any{}
		var parts []string
		for _, c := range cookies {
			cd[c.Name] = c.Value
			parts = append(parts, c.Name+"="+c.Value)
		}
		info["cookies_string"] = strings.Join(parts, "; ")
		info["cookies"] = cd
		n := "unknown"
		if v := resp.Header.Values("Content-Length"); len(v) > 0 {
			n = v[0]
		}
		info["msg"] = fmt.Sprintf("OK (%s bytes)", n)
		info["url"] = cur
		info["status"] = code
		return r
	}
}

// restoreConnectionClose puts back the "Connection: close" response header
// that net/http removes from an HTTP/1.1 response (it reports it as
// resp.Close instead); urllib keeps it, so fetch_url's info has
// "connection": "close".
func restoreConnectionClose(resp *http.Response) {
	if resp.Close && resp.ProtoAtLeast(1, 1) && resp.Header != nil && resp.Header["Connection"] == nil {
		resp.Header["Connection"] = []string{"close"}
	}
}

// idleConn fails a read that waits longer than idle, as Python's socket
// timeout does.
type idleConn struct {
	net.Conn
	idle time.Duration
}

func (c *idleConn) Read(b []byte) (int, error) {
	c.Conn.SetReadDeadline(time.Now().Add(c.idle))
	return c.Conn.Read(b)
}

// httpError fills r as fetch_url does when urllib raises HTTPError: headers
// (the last value of a repeated header wins), msg, body and status; the url
// stays the one asked for.
func httpError(r *response, resp *http.Response, data []byte, cur string, code int, why string) *response {
	r.Status = code
	r.HTTPError = true
	r.Header = resp.Header
	r.Body = data
	for k, v := range resp.Header {
		if len(v) > 0 {
			r.Info[strings.ToLower(k)] = v[len(v)-1]
		}
	}
	r.Info["msg"] = fmt.Sprintf("HTTP Error %d: %s", code, why)
	r.Info["body"] = string(data)
	r.Info["status"] = code
	return r
}

// joinedHeaders lowercases header names and joins repeated values with ", "
// as fetch_url does on Python 3.
func joinedHeaders(h http.Header) map[string]any {
	out := map[string]any{}
	for k, v := range h {
		out[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	return out
}

func mergeCookies(have, add []*http.Cookie) []*http.Cookie {
	for _, c := range add {
		replaced := false
		for i, h := range have {
			if h.Name == c.Name {
				have[i] = c
				replaced = true
				break
			}
		}
		if !replaced {
			have = append(have, c)
		}
	}
	return have
}

func reason(resp *http.Response) string {
	s := strings.TrimSpace(strings.TrimPrefix(resp.Status, fmt.Sprint(resp.StatusCode)))
	if s == "" {
		s = http.StatusText(resp.StatusCode)
	}
	return s
}

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func readBody(resp *http.Response, decompress bool, method string) ([]byte, error) {
	if method == "HEAD" {
		return nil, nil
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return data, err
	}
	if decompress && strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") && len(data) > 0 {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return data, nil
		}
		plain, err := io.ReadAll(zr)
		if err == nil {
			data = plain
		}
	}
	return data, nil
}

// fetchFile reads a file:// URL as urllib's FileHandler does.
func fetchFile(r *response, u *url.URL) *response {
	data, err := os.ReadFile(u.Path)
	if err != nil {
		var errno syscall.Errno
		e := 2
		if errors.As(err, &errno) {
			e = int(errno)
		}
		r.Info["msg"] = fmt.Sprintf("Request failed: <urlopen error [Errno %d] %s: '%s'>", e, strerror(e), u.Path)
		return r
	}
	r.Status = 200
	r.Body = data
	r.Header = http.Header{"Content-Length": {fmt.Sprint(len(data))}}
	r.Info["content-length"] = fmt.Sprint(len(data))
	r.Info["cookies"] = map[string]any{}
	r.Info["cookies_string"] = ""
	r.Info["msg"] = fmt.Sprintf("OK (%d bytes)", len(data))
	// urllib's file handler gives no status code.
	r.Info["status"] = nil
	r.File = true
	return r
}

// requestError turns a failed round trip into fetch_url's message.
func requestError(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound {
			return "Request failed: <urlopen error [Errno -2] Name or service not known>"
		}
		return "Request failed: <urlopen error [Errno -3] Temporary failure in name resolution>"
	}
	var uaErr x509.UnknownAuthorityError
	if errors.As(err, &uaErr) {
		what := "unable to get local issuer certificate"
		if uaErr.Cert != nil && bytes.Equal(uaErr.Cert.RawIssuer, uaErr.Cert.RawSubject) {
			what = "self-signed certificate"
		}
		return "Request failed: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: " + what + " (_ssl.c:992)>"
	}
	var hnErr x509.HostnameError
	if errors.As(err, &hnErr) {
		return fmt.Sprintf("Request failed: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for '%s'. (_ssl.c:992)>", hnErr.Host)
	}
	var ciErr x509.CertificateInvalidError
	if errors.As(err, &ciErr) {
		return "Request failed: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:992)>"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		if opErr.Timeout() {
			return "Request failed: <urlopen error timed out>"
		}
		var errno syscall.Errno
		if errors.As(err, &errno) {
			return fmt.Sprintf("Request failed: <urlopen error [Errno %d] %s>", int(errno), strerror(int(errno)))
		}
		return "Request failed: <urlopen error " + opErr.Err.Error() + ">"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "Connection failure: timed out"
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "Connection failure: Remote end closed connection without response"
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "Connection failure: timed out"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return fmt.Sprintf("Connection failure: [Errno %d] %s", int(errno), strerror(int(errno)))
	}
	return "An unknown error occurred: " + err.Error()
}

// strerror is glibc's text for the errno values a request can meet.
func strerror(e int) string {
	switch syscall.Errno(e) {
	case syscall.ENOENT:
		return "No such file or directory"
	case syscall.EACCES:
		return "Permission denied"
	case syscall.ECONNREFUSED:
		return "Connection refused"
	case syscall.ECONNRESET:
		return "Connection reset by peer"
	case syscall.EHOSTUNREACH:
		return "No route to host"
	case syscall.ENETUNREACH:
		return "Network is unreachable"
	case syscall.ETIMEDOUT:
		return "Connection timed out"
	case syscall.EISDIR:
		return "Is a directory"
	case syscall.EADDRNOTAVAIL:
		return "Cannot assign requested address"
	}
	return syscall.Errno(e).Error()
}
