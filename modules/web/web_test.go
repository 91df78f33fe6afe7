package web

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/goplay/goplay/engine/connection/local"
	"github.com/goplay/goplay/engine/kv"
	"github.com/goplay/goplay/modules"
)

// newServer serves what testdata/server.py serves (the server the ansible
// results in testdata were recorded against), with the same headers.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	fileBody := []byte("file content\n")
	sum := sha256.Sum256(fileBody)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		send := func(code int, body []byte, ctype string, extra ...[2]string) {
			hd := w.Header()
			hd["Server"] = []string{"BaseHTTP/0.6 Python/3.11.7"}
			hd["Content-Type"] = []string{ctype}
			hd["Content-Length"] = []string{fmt.Sprint(len(body))}
			hd["X-Custom-Header"] = []string{"yes"}
			for _, e := range extra {
				hd[e[0]] = append(hd[e[0]], e[1])
			}
			w.WriteHeader(code)
			if r.Method != "HEAD" {
				w.Write(body)
			}
		}
		text := "text/plain"
		switch r.URL.Path {
		case "/json":
			send(200, []byte(`{"a": 1, "b": [true, null]}`), "application/json")
		case "/text":
			send(200, []byte("hello world\n"), text)
		case "/echo":
			js := func(h string) string {
				if v := r.Header.Get(h); v != "" {
					return pyJSON(v)
				}
				return "null"
			}
			body := fmt.Sprintf(`{"method": %s, "body": %s, "ctype": %s, "auth": %s, "x": %s}`,
				pyJSON(r.Method), pyJSON(string(data)), js("Content-Type"), js("Authorization"), js("X-Test"))
			send(200, []byte(body), "application/json")
		case "/missing":
			send(404, []byte("nope\n"), text)
		case "/redir":
			send(302, nil, text, [2]string{"Location", "/text"})
		case "/cookie":
			send(200, []byte("c"), text, [2]string{"Set-Cookie", "sess=abc; Path=/"}, [2]string{"Set-Cookie", "k2=v2; Path=/"})
		case "/auth":
			if r.Header.Get("Authorization") == "Basic "+base64.StdEncoding.EncodeToString([]byte("u:p")) {
				send(200, []byte("in"), text)
			} else {
				send(401, nil, text, [2]string{"Www-Authenticate", `Basic realm="x"`})
			}
		case "/file.txt":
			send(200, fileBody, text)
		case "/file.txt.sha256":
			send(200, []byte(hex.EncodeToString(sum[:])+"  file.txt\n"), text)
		case "/gzip":
			send(200, []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcbH\xcd\xc9\xc9\x07\x00\x86\xa6\x106\x05\x00\x00\x00"), text, [2]string{"Content-Encoding", "gzip"})
		case "/notmod":
			if r.Header.Get("If-Modified-Since") != "" {
				send(304, nil, text)
			} else {
				send(200, fileBody, text)
			}
		case "/postredir":
			send(301, nil, text, [2]string{"Location", "/echo"})
		default:
			send(500, []byte("err"), text)
		}
	})
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = pyListener{srv.Listener}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// pyListener's connections drop the "Connection: close" header net/http's
// server adds when the request asks to close: server.py (Python's
// BaseHTTPRequestHandler) closes without saying so.
type pyListener struct{ net.Listener }

func (l pyListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return pyConn{c}, nil
}

type pyConn struct{ net.Conn }

func (c pyConn) Write(b []byte) (int, error) {
	const hdr = "\r\nConnection: close\r\n"
	if i := bytes.Index(b, []byte(hdr)); i >= 0 && bytes.HasPrefix(b, []byte("HTTP/")) {
		out := append(append([]byte{}, b[:i+2]...), b[i+len(hdr):]...)
		if _, err := c.Conn.Write(out); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	return c.Conn.Write(b)
}

type recorded struct {
	cmd, module, args string
	check             bool
	status            string
	result            map[string]any
}

// readRecords parses a testdata file written by record.sh: a "$ ansible"
// command line, then "localhost | STATUS => {json}".
func readRecords(t *testing.T, name string) []recorded {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []recorded
	sc := bufio.NewScanner(f)
	var cur *recorded
	var js strings.Builder
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "$ ansible "):
			rest := strings.TrimPrefix(line, "$ ansible localhost -c local ")
			r := recorded{cmd: line}
			if strings.HasPrefix(rest, "-C ") {
				r.check = true
				rest = rest[3:]
			}
			rest = strings.TrimSpace(rest)
			rest = strings.TrimPrefix(rest, "-m ")
			r.module, rest, _ = strings.Cut(rest, " ")
			rest = strings.TrimPrefix(rest, "-a '")
			r.args = strings.TrimSuffix(rest, "'")
			out = append(out, r)
			cur = &out[len(out)-1]
		case strings.HasPrefix(line, "localhost | "):
			st, _, _ := strings.Cut(strings.TrimPrefix(line, "localhost | "), " ")
			cur.status = st
			js.Reset()
			if strings.HasSuffix(line, "{") {
				js.WriteString("{")
			}
		case cur != nil && js.Len() > 0:
			js.WriteString(line)
			if line == "}" {
				if err := json.Unmarshal([]byte(js.String()), &cur.result); err != nil {
					t.Fatalf("%s: %v", cur.cmd, err)
				}
				js.Reset()
			}
		}
	}
	return out
}

func parseArgs(t *testing.T, s string) map[string]any {
	t.Helper()
	if strings.HasPrefix(s, "{") {
		v, err := decodeJSON([]byte(s)) // ints stay ints, as YAML gives them
		if err != nil {
			t.Fatal(err)
		}
		return v.(map[string]any)
	}
	pairs, _, _, err := kv.ParseKV(s, false)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	for _, p := range pairs {
		m[p.Key] = p.Value
	}
	return m
}

// runModule runs a module as the engine would, through the real local
// connection, and returns the result dict.
func runModule(t *testing.T, name string, args map[string]any, check bool) (map[string]any, *modules.Info) {
	t.Helper()
	m, info, err := modules.New(name, args)
	if err != nil {
		return map[string]any{"failed": true, "msg": err.Error(), "changed": false}, info
	}
	req := &modules.Request{Args: args, Host: "localhost", Check: check, Tmp: t.TempDir(),
		Vars: map[string]any{}, Warn: func(string) {}, Log: func(string, ...any) {}}
	if !info.Local {
		req.Conn = local.New()
	}
	res, err := m.Run(context.Background(), req)
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return res.Dict(), info
}

// normalize makes a result comparable across runs: volatile values masked,
// numbers as JSON numbers.
func normalize(t *testing.T, d map[string]any, repl *strings.Replacer) map[string]any {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(repl.Replace(string(b))), &out); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"date", "uid", "gid", "owner", "group"} {
		if _, ok := out[k]; ok {
			out[k] = "MASKED"
		}
	}
	if s, ok := out["src"].(string); ok && s != "" {
		out["src"] = "MASKED"
	}
	return out
}

func diffMaps(a, b map[string]any) string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var ks []string
	for k := range keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	var sb strings.Builder
	for _, k := range ks {
		va, oka := a[k]
		vb, okb := b[k]
		if oka != okb || !reflect.DeepEqual(va, vb) {
			fmt.Fprintf(&sb, "  %s: got %#v (present %v), want %#v (present %v)\n", k, va, oka, vb, okb)
		}
	}
	return sb.String()
}

// TestRecorded replays every call recorded from ansible-core 2.14 in
// testdata (see record.sh) against an equivalent Go server and compares
// the whole result dict.
func TestRecorded(t *testing.T) {
	for _, file := range []string{"ansible_uri.txt", "ansible_get_url.txt"} {
		t.Run(file, func(t *testing.T) {
			srv := newServer(t)
			dir := t.TempDir()
			os.MkdirAll(filepath.Join(dir, "g"), 0o755)
			in := strings.NewReplacer("http://127.0.0.1:18765", srv.URL, "/tmp/gp_record", dir)
			back := strings.NewReplacer(srv.URL, "http://127.0.0.1:18765", dir, "/tmp/gp_record")
			for _, rec := range readRecords(t, file) {
				if strings.Contains(rec.args, "nonexistent.invalid") {
					continue // depends on the resolver of the machine
				}
				args := parseArgs(t, in.Replace(rec.args))
				got, info := runModule(t, rec.module, args, rec.check)
				if rec.status == "SKIPPED" {
					if info.CheckMode {
						t.Errorf("%s: ansible skips it in check mode, goplay's module claims check mode", rec.cmd)
					}
					continue
				}
				if rec.result == nil {
					t.Fatalf("%s: no recorded result", rec.cmd)
				}
				if pw, ok := args["url_password"].(string); ok {
					// Ansible's no_log masking of the password value.
					for k, v := range got {
						if s, ok := v.(string); ok {
							got[k] = strings.ReplaceAll(back.Replace(s), pw, "********")
						}
					}
				}
				g := normalize(t, got, back)
				w := normalize(t, rec.result, strings.NewReplacer())
				gotFailed := g["failed"] == true
				delete(g, "failed")
				if d := diffMaps(g, w); d != "" {
					t.Errorf("%s:\n%s", rec.cmd, d)
				}
				wantFailed := rec.status == "FAILED!"
				if gotFailed != wantFailed {
					t.Errorf("%s: failed=%v, ansible said %s", rec.cmd, gotFailed, rec.status)
				}
			}
		})
	}
}

// TestTimeoutRecorded: a server that accepts and never answers times out
// as in testdata/ansible_timeout.txt.
func TestTimeoutRecorded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	dir := t.TempDir()
	addr := "http://" + ln.Addr().String()
	in := strings.NewReplacer("http://127.0.0.1:18769", addr, "/tmp/gp_record", dir)
	back := strings.NewReplacer(addr, "http://127.0.0.1:18769", dir, "/tmp/gp_record")
	recs := readRecords(t, "ansible_timeout.txt")
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	for _, rec := range recs {
		got, _ := runModule(t, rec.module, parseArgs(t, in.Replace(rec.args)), false)
		g := normalize(t, got, back)
		if g["failed"] != true {
			t.Errorf("%s: did not fail", rec.cmd)
		}
		delete(g, "failed")
		if d := diffMaps(g, normalize(t, rec.result, strings.NewReplacer())); d != "" {
			t.Errorf("%s:\n%s", rec.cmd, d)
		}
	}
}

// TestMultipart: form-multipart bodies arrive as the fields prepare_multipart
// builds: text fields as text/plain, content with its mime type and file
// name, files read from disk.
func TestMultipart(t *testing.T) {
	type part struct{ name, filename, ctype, data, cte string }
	var parts []part
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			if p.Header.Get("Content-Transfer-Encoding") == "base64" {
				b, _ = base64.StdEncoding.DecodeString(strings.ReplaceAll(string(b), "\r\n", ""))
			}
			parts = append(parts, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(b), p.Header.Get("Content-Transfer-Encoding")})
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "up.txt")
	os.WriteFile(file, []byte("from disk"), 0o644)
	got, _ := runModule(t, "uri", map[string]any{
		"url": srv.URL, "method": "POST", "body_format": "form-multipart",
		"body": map[string]any{
			"text":   "plain value",
			"inline": map[string]any{"content": "inline data", "filename": "a.json", "mime_type": "application/json"},
			"disk":   map[string]any{"filename": file},
		},
	}, false)
	if got["status"] != 200 || got["failed"] == true {
		t.Fatalf("result %v", got)
	}
	want := []part{
		{"disk", "up.txt", "text/plain", "from disk", "base64"},
		{"inline", "a.json", "application/json", "inline data", ""},
		{"text", "", "text/plain", "plain value", ""},
	}
	if len(parts) != 3 {
		t.Fatalf("parts %v", parts)
	}
	for i := range want {
		if parts[i].name != want[i].name || parts[i].filename != want[i].filename || parts[i].data != want[i].data || parts[i].cte != want[i].cte ||
			!strings.HasPrefix(parts[i].ctype, want[i].ctype) {
			t.Errorf("part %d = %+v, want %+v", i, parts[i], want[i])
		}
	}
}

func TestFormURLEncoded(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{map[string]any{"a": "x y", "b": []any{1, 2}, "c": true, "d": nil}, "a=x+y&b=1&b=2&c=True"},
		{[]any{[]any{"k", "v"}, []any{"k", "w&"}}, "k=v&k=w%26"},
		{"raw=text", "raw=text"},
	} {
		got, err := formURLEncoded(c.in)
		if err != nil || got != c.want {
			t.Errorf("formURLEncoded(%v) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestPyJSON(t *testing.T) {
	got := pyJSON(map[string]any{"b": []any{1, 2.5, nil, true}, "a": "é\n\"", "c": map[string]any{}})
	want := `{"a": "\u00e9\n\"", "b": [1, 2.5, null, true], "c": {}}`
	if got != want {
		t.Errorf("pyJSON = %s, want %s", got, want)
	}
}

func TestSymbolicMode(t *testing.T) {
	for _, c := range []struct {
		mode any
		cur  uint32
		dir  bool
		want uint32
	}{
		{"u+x,g-r", 0o644, false, 0o704},
		{"a=r", 0o755, false, 0o444},
		{"go-rwx", 0o777, false, 0o700},
		{"u=rwX,g=rX,o=", 0o600, true, 0o750},
		{"0640", 0o777, false, 0o640},
		{420, 0, false, 0o644},
	} {
		got, err := resolveMode(c.mode, c.cur, c.dir)
		if err != nil || got != c.want {
			t.Errorf("resolveMode(%v, %o) = %o, %v; want %o", c.mode, c.cur, got, err, c.want)
		}
	}
	if _, err := resolveMode("u+q", 0o644, false); err == nil {
		t.Error("u+q accepted")
	}
}

// TestFileURL: urllib answers file:// without a status; get_url reports
// status_code null (ansible: get_url url=file:///etc/hostname).
func TestFileURL(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.WriteFile(src, []byte("abc"), 0o644)
	got, _ := runModule(t, "get_url", map[string]any{"url": "file://" + src, "dest": filepath.Join(dir, "d")}, false)
	if got["changed"] != true || got["status_code"] != nil || got["msg"] != "OK (3 bytes)" || got["checksum_src"] != "a9993e364706816aba3e25717850c26c9cd0d89d" {
		t.Errorf("get_url file: %v", got)
	}
	got, _ = runModule(t, "uri", map[string]any{"url": "file:///nonexistent/x"}, false)
	if got["msg"] != "Status code was -1 and not [200]: Request failed: <urlopen error [Errno 2] No such file or directory: '/nonexistent/x'>" {
		t.Errorf("uri missing file: %v", got)
	}
}

// TestTLSRecorded: a self-signed certificate fails validation with
// Python's message (testdata/ansible_tls.txt); validate_certs=no passes.
func TestTLSRecorded(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	dir := t.TempDir()
	recs := readRecords(t, "ansible_tls.txt")
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	recURL := strings.TrimSuffix(strings.TrimPrefix(strings.Fields(recs[0].args)[0], "url="), "/")
	in := strings.NewReplacer(recURL, srv.URL, "/tmp/gp_record", dir)
	back := strings.NewReplacer(srv.URL, recURL, dir, "/tmp/gp_record")
	for _, rec := range recs {
		got, _ := runModule(t, rec.module, parseArgs(t, in.Replace(rec.args)), false)
		g := normalize(t, got, back)
		delete(g, "failed")
		if d := diffMaps(g, normalize(t, rec.result, strings.NewReplacer())); d != "" {
			t.Errorf("%s:\n%s", rec.cmd, d)
		}
	}
	got, _ := runModule(t, "uri", map[string]any{"url": srv.URL, "validate_certs": "no", "return_content": "yes"}, false)
	if got["status"] != 200 || got["content"] != "ok" {
		t.Errorf("validate_certs=no: %v", got)
	}
}

// TestGetURLBackupAndDisposition: backup keeps the replaced file; a
// directory dest takes the Content-Disposition file name.
func TestGetURLBackupAndDisposition(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Disposition", `attachment; filename="report.csv"`)
		w.Write([]byte("a,b\n"))
	}))
	defer srv.Close()
	dir := t.TempDir()
	dest := filepath.Join(dir, "f")
	os.WriteFile(dest, []byte("old"), 0o640)
	got, _ := runModule(t, "get_url", map[string]any{"url": srv.URL + "/x", "dest": dest, "backup": "yes"}, false)
	b, _ := got["backup_file"].(string)
	if got["changed"] != true || b == "" || got["mode"] != "0640" {
		t.Fatalf("result %v", got)
	}
	if old, err := os.ReadFile(b); err != nil || string(old) != "old" {
		t.Errorf("backup %s: %q %v", b, old, err)
	}
	if now, _ := os.ReadFile(dest); string(now) != "a,b\n" {
		t.Errorf("dest %q", now)
	}
	got, _ = runModule(t, "get_url", map[string]any{"url": srv.URL + "/x", "dest": dir}, false)
	if got["dest"] != filepath.Join(dir, "report.csv") || got["changed"] != true {
		t.Errorf("dir dest: %v", got)
	}
	// Check mode on the same file: HEAD gives no body, so Ansible reports a change.
	got, _ = runModule(t, "get_url", map[string]any{"url": srv.URL + "/x", "dest": dir + "/report.csv"}, true)
	if got["changed"] != true || got["checksum_src"] != "da39a3ee5e6b4b0d3255bfef95601890afd80709" {
		t.Errorf("check: %v", got)
	}
}

// TestGetURLTmpSrc: src names the file Ansible's get_url downloads into,
// mkstemp's tmpXXXXXXXX in the module's tmpdir (an ansible-tmp-TIME-PID-RAND
// directory of remote_tmp, expanded by the target's shell) or in tmp_dest;
// nothing is created there.
func TestGetURLTmpSrc(t *testing.T) {
	srv := newServer(t)
	dir := t.TempDir()
	home := t.TempDir()
	t.Setenv("HOME", home)
	sum := "sha256:" + strings.Repeat("0", 64)
	got, _ := runModule(t, "get_url", map[string]any{"url": srv.URL + "/text", "dest": filepath.Join(dir, "a"), "checksum": sum}, false)
	src, _ := got["src"].(string)
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(home) + `/\.ansible/tmp/ansible-tmp-[0-9]+(\.[0-9]+)?-[0-9]+-[0-9]+/tmp[a-z0-9_]{8}$`)
	if got["failed"] != true || !re.MatchString(src) {
		t.Errorf("src %q (%v)", src, got)
	}
	if _, err := os.Stat(filepath.Join(home, ".ansible")); !os.IsNotExist(err) {
		t.Errorf("~/.ansible created (%v)", err)
	}
	got, _ = runModule(t, "get_url", map[string]any{"url": srv.URL + "/text", "dest": filepath.Join(dir, "b"), "tmp_dest": "~/dl"}, false)
	if src, _ := got["src"].(string); !regexp.MustCompile(`^` + regexp.QuoteMeta(home) + `/dl/tmp[a-z0-9_]{8}$`).MatchString(src) {
		t.Errorf("tmp_dest src %q", src)
	}
}
