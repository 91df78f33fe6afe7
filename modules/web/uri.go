package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/goplay/goplay/engine/pyfmt"
	"math"
	"mime"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:    "uri",
		Aliases: []string{"ansible.builtin.uri"},
		New:     func() modules.Module { return new(URI) },
		Local:   true,
		Short:   "Interacts with webservices",
	})
}

// URI talks to a web service as ansible.builtin.uri does. goplay runs it on
// the controller; dest, src, creates and removes name controller paths
// unless the engine hands the module a connection.
type URI struct {
	URL                string         `arg:"url,required" doc:"HTTP or HTTPS URL."`
	Dest               *string        `arg:"dest" doc:"A path to download the response body to."`
	URLUsername        string         `arg:"url_username" aliases:"user" doc:"Username for authentication."`
	URLPassword        string         `arg:"url_password" aliases:"password" doc:"Password for authentication."`
	Body               any            `arg:"body" doc:"The request body."`
	BodyFormat         string         `arg:"body_format" default:"raw" choices:"form-urlencoded,json,raw,form-multipart" doc:"How body is serialized."`
	Src                string         `arg:"src" doc:"A file whose content is the request body."`
	Method             string         `arg:"method" default:"GET" doc:"The HTTP method."`
	ReturnContent      bool           `arg:"return_content" doc:"Return the body as content."`
	FollowRedirects    string         `arg:"follow_redirects" default:"safe" choices:"all,no,none,safe,urllib2,yes" doc:"Which redirects to follow."`
	Creates            string         `arg:"creates" doc:"Do nothing when this path exists."`
	Removes            string         `arg:"removes" doc:"Do nothing when this path does not exist."`
	StatusCode         []any          `arg:"status_code" default:"200" doc:"The status codes that mean success."`
	Timeout            int            `arg:"timeout" default:"30" doc:"Socket timeout in seconds."`
	Headers            map[string]any `arg:"headers" doc:"Request headers."`
	UnixSocket         string         `arg:"unix_socket" doc:"Connect through this Unix socket."`
	RemoteSrc          bool           `arg:"remote_src" doc:"src is on the target."`
	CAPath             string         `arg:"ca_path" doc:"CA bundle for HTTPS validation."`
	UnredirectedHeader []string       `arg:"unredirected_headers" doc:"Headers not sent on redirects."`
	Decompress         bool           `arg:"decompress" default:"true" doc:"Decompress gzip responses."`
	Ciphers            []string       `arg:"ciphers" doc:"TLS ciphers (accepted, not applied)."`
	UseNetrc           bool           `arg:"use_netrc" default:"true" doc:"Use ~/.netrc credentials (accepted, not applied)."`
	Force              bool           `arg:"force" doc:"Unused by uri, as in Ansible."`
	HTTPAgent          string         `arg:"http_agent" default:"ansible-httpget" doc:"User-Agent header."`
	UseProxy           bool           `arg:"use_proxy" default:"true" doc:"Use the proxy environment variables."`
	ValidateCerts      bool           `arg:"validate_certs" default:"true" doc:"Validate HTTPS certificates."`
	ForceBasicAuth     bool           `arg:"force_basic_auth" doc:"Send Basic auth without waiting for a 401."`
	ClientCert         string         `arg:"client_cert" doc:"PEM client certificate."`
	ClientKey          string         `arg:"client_key" doc:"PEM client key."`
	UseGSSAPI          bool           `arg:"use_gssapi" doc:"GSSAPI authentication (not supported)."`
	Mode               any            `arg:"mode" doc:"Permissions of dest."`
	Owner              string         `arg:"owner" doc:"Owner of dest."`
	Group              string         `arg:"group" doc:"Group of dest."`
	Seuser             string         `arg:"seuser" doc:"Ignored."`
	Serole             string         `arg:"serole" doc:"Ignored."`
	Setype             string         `arg:"setype" doc:"Ignored."`
	Selevel            string         `arg:"selevel" doc:"Ignored."`
	UnsafeWrites       bool           `arg:"unsafe_writes" doc:"Ignored."`
	Attributes         string         `arg:"attributes" aliases:"attr" doc:"Ignored."`

	codes []int
}

// Validate converts status_code as Ansible's list-of-int spec does.
func (u *URI) Validate() error {
	codes, err := intList("status_code", u.StatusCode)
	if err != nil {
		return err
	}
	u.codes = codes
	if u.Body != nil && u.Src != "" {
		return &modules.ArgError{Msg: "parameters are mutually exclusive: body|src"}
	}
	return nil
}

func intList(name string, l []any) ([]int, error) {
	out := make([]int, 0, len(l))
	for _, v := range l {
		n, ok := modules.ToInt(v)
		if !ok {
			t := pyTypeName(v)
			return nil, &modules.ArgError{Msg: fmt.Sprintf("Elements value for option '%s' is of type %s and we were unable to convert to int: %s cannot be converted to an int", name, t, t)}
		}
		out = append(out, n)
	}
	return out, nil
}

func pyTypeName(v any) string {
	switch v.(type) {
	case string:
		return "<class 'str'>"
	case float64:
		return "<class 'float'>"
	case bool:
		return "<class 'bool'>"
	case []any:
		return "<class 'list'>"
	case map[string]any:
		return "<class 'dict'>"
	case nil:
		return "<class 'NoneType'>"
	}
	return "<class 'int'>"
}

var methodRe = lazyRegexp(`^[A-Z]+$`)

// Run makes the request.
func (u *URI) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if u.codes == nil {
		if err := u.Validate(); err != nil {
			return modules.Failf("%s", err.Error()), nil
		}
	}
	conn := req.Conn
	if conn == nil {
		conn = localConn{}
	}
	method := strings.ToUpper(u.Method)
	if !methodRe().MatchString(method) {
		return modules.Failf("Parameter 'method' needs to be a single word in uppercase, like GET or POST."), nil
	}
	headers, order := headerMap(u.Headers)
	hasCT := false
	for _, k := range order {
		if strings.EqualFold(k, "content-type") {
			hasCT = true
		}
	}
	setCT := func(v string) {
		if !hasCT {
			headers["Content-Type"] = v
			order = append(order, "Content-Type")
		}
	}
	var body []byte
	hasBody := u.Body != nil
	switch strings.ToLower(u.BodyFormat) {
	case "json":
		if s, ok := u.Body.(string); ok {
			body = []byte(s)
		} else {
			body = []byte(pyJSON(u.Body))
			hasBody = true
		}
		setCT("application/json")
	case "form-urlencoded":
		if s, ok := u.Body.(string); ok {
			body = []byte(s)
		} else if u.Body != nil {
			enc, err := formURLEncoded(u.Body)
			if err != nil {
				return &modules.Result{Failed: true, Msg: "failed to parse body as form_urlencoded: " + err.Error(), Data: map[string]any{"elapsed": 0}}, nil
			}
			body = []byte(enc)
		}
		setCT("application/x-www-form-urlencoded")
	case "form-multipart":
		ct, data, err := prepareMultipart(u.Body, req)
		if err != nil {
			return modules.Failf("%s", err.Error()), nil
		}
		body, hasBody = data, true
		if hasCT {
			for _, k := range order {
				if strings.EqualFold(k, "content-type") {
					delete(headers, k)
				}
			}
		}
		headers["Content-Type"] = ct
		order = append(order, "Content-Type")
	default:
		if u.Body != nil {
			switch b := u.Body.(type) {
			case string:
				body = []byte(b)
			default:
				body = []byte(modules.ToString(b))
			}
		}
	}
	if u.Src != "" {
		p := u.Src
		if !u.RemoteSrc && req.Find != nil {
			if f, err := req.Find("files", u.Src); err == nil {
				p = f
			} else {
				return modules.Failf("%s", err.Error()), nil
			}
		}
		var data []byte
		var err error
		if u.RemoteSrc && req.Conn != nil {
			data, err = req.Conn.Fetch(ctx, p)
		} else {
			data, err = os.ReadFile(p)
		}
		if err != nil {
			return &modules.Result{Failed: true, Msg: "Unable to open source file " + u.Src, Data: map[string]any{"elapsed": 0}}, nil
		}
		body, hasBody = data, true
	}

	if u.Creates != "" || u.Removes != "" {
		if u.Creates != "" && pathExists(ctx, conn, u.Creates) {
			out := fmt.Sprintf("skipped, since '%s' exists", u.Creates)
			return &modules.Result{Data: map[string]any{"stdout": out, "stdout_lines": []any{out}}}, nil
		}
		if u.Removes != "" && !pathExists(ctx, conn, u.Removes) {
			out := fmt.Sprintf("skipped, since '%s' does not exist", u.Removes)
			return &modules.Result{Data: map[string]any{"stdout": out, "stdout_lines": []any{out}}}, nil
		}
	}

	opts := urlOptions{
		Method: method, Headers: headers, HeaderOrder: order, Body: body, HasBody: hasBody,
		Timeout: u.Timeout, ValidateCerts: u.ValidateCerts, UseProxy: u.UseProxy,
		Username: u.URLUsername, Password: u.URLPassword, ForceBasicAuth: u.ForceBasicAuth,
		HTTPAgent: u.HTTPAgent, FollowRedirects: u.FollowRedirects, ClientCert: u.ClientCert,
		ClientKey: u.ClientKey, CAPath: u.CAPath, Unredirected: u.UnredirectedHeader,
		Decompress: u.Decompress, UnixSocket: u.UnixSocket,
	}
	var destSt *fileStat
	if u.Dest != nil {
		out, _, _, err := conn.Exec(ctx, probeScript(shPath(*u.Dest), []string{"sha1"}, "")+"echo umask=$(umask)\n", nil)
		if err != nil {
			return nil, err
		}
		destSt = parseProbe(out, "")
		if destSt.Resolved != "" {
			resolved := destSt.Resolved
			u.Dest = &resolved
		}
		destSt.umask = parseUmask(out)
		if destSt.Exists && !destSt.IsDir && destSt.Mtime > 0 {
			opts.LastModTime = time.Unix(destSt.Mtime, 0)
		}
	}

	start := time.Now()
	r := fetch(ctx, u.URL, opts)
	elapsed := int(time.Since(start).Seconds())
	if r.Fatal != "" {
		d := map[string]any{"url": u.URL, "status": -1}
		return &modules.Result{Failed: true, Msg: r.Fatal, Data: d}, nil
	}

	if r.File {
		// uri's int(resp['status']) raises on urllib's status-less answer.
		tb := "Traceback (most recent call last):\n  File \"ansible.modules.uri\", in main\nTypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType'\n"
		return &modules.Result{Failed: true, Msg: "MODULE FAILURE\nSee stdout/stderr for the exact error",
			Data: map[string]any{"module_stderr": tb, "module_stdout": "", "rc": 1}}, nil
	}
	dest := ""
	if u.Dest != nil {
		dest = *u.Dest
		if r.Status > 0 && destSt.IsDir {
			dest = joinPath(dest, responseFilename(r))
		}
	}

	contentType, subType, charset := parseContentType(r)
	_ = charset
	maybeJSON := false
	if i := strings.Index(subType, "+"); i >= 0 {
		maybeJSON = contentType != "" && jsonCandidate(subType[i+1:])
	} else if subType != "" {
		maybeJSON = contentType != "" && jsonCandidate(subType)
	}
	okStatus := containsInt(u.codes, r.Status)
	maybeOutput := maybeJSON || u.ReturnContent || !okStatus

	resp := map[string]any{}
	resp["redirected"] = r.Info["url"] != u.URL
	for k, v := range r.Info {
		resp[k] = v
	}
	var content []byte
	haveContent := false
	if maybeOutput {
		if r.HTTPError || r.Status < 0 {
			if b, ok := resp["body"].(string); ok {
				content = []byte(b)
			}
			delete(resp, "body")
		} else {
			content = r.Body
		}
		haveContent = true
	}
	resp["elapsed"] = elapsed
	resp["status"] = r.Status
	changed := false

	if u.Dest != nil && r.Status > 0 {
		if okStatus && r.Status != 304 {
			st := destSt
			if destSt.IsDir {
				out, _, _, err := conn.Exec(ctx, probeScript(shq(dest), []string{"sha1"}, ""), nil)
				if err != nil {
					return nil, err
				}
				st = parseProbe(out, "")
				st.umask = destSt.umask
			}
			final, _, _, msg, err := writeDest(ctx, conn, dest, st, r.Body, fileAttrs{Mode: u.Mode, Owner: u.Owner, Group: u.Group}, false)
			if err != nil {
				return nil, err
			}
			if msg != "" {
				resp["msg"] = msg
				return &modules.Result{Failed: true, Data: transmogrify(resp, u.URL)}, nil
			}
			changed = true
			pathInfo(resp, final)
		} else if destSt.Exists && !destSt.IsDir {
			pathInfo(resp, destSt)
		}
		resp["path"] = dest
	}

	out := transmogrify(resp, u.URL)
	var text *string
	if haveContent {
		s := strings.ToValidUTF8(string(content), "\uFFFD")
		text = &s
		if maybeJSON {
			if v, err := decodeJSON(content); err == nil {
				out["json"] = v
			}
		}
	}
	res := &modules.Result{Changed: changed, Data: out}
	if !okStatus {
		m, _ := out["msg"].(string)
		out["msg"] = fmt.Sprintf("Status code was %d and not %s: %s", r.Status, pyIntList(u.codes), m)
		if u.ReturnContent {
			out["content"] = strOrNil(text)
		}
		res.Failed = true
		return res, nil
	}
	if u.ReturnContent {
		out["content"] = strOrNil(text)
	}
	return res, nil
}

func strOrNil(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// transmogrify lowercases the result's keys and turns dashes into
// underscores, and makes location absolute, as uri does.
func transmogrify(resp map[string]any, rawURL string) map[string]any {
	out := make(map[string]any, len(resp))
	for k, v := range resp {
		out[strings.ToLower(strings.ReplaceAll(k, "-", "_"))] = v
	}
	if loc, ok := out["location"].(string); ok {
		out["location"] = absoluteLocation(rawURL, loc)
	}
	return out
}

func absoluteLocation(u, loc string) string {
	if strings.Contains(loc, "://") {
		return loc
	}
	if strings.HasPrefix(loc, "/") {
		p := ""
		if pu, err := url.Parse(u); err == nil {
			p = pu.EscapedPath()
		}
		base := u
		if p != "" {
			base = strings.ReplaceAll(u, p, "")
		}
		return base + loc
	}
	return path.Dir(u) + "/" + loc
}

func jsonCandidate(s string) bool {
	s = strings.ToLower(s)
	return s == "json" || s == "javascript"
}

func containsInt(l []int, n int) bool {
	for _, x := range l {
		if x == n {
			return true
		}
	}
	return false
}

func pyIntList(l []int) string {
	parts := make([]string, len(l))
	for i, n := range l {
		parts[i] = strconv.Itoa(n)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// parseContentType is urls.parse_content_type: the media type (text/plain
// when absent, as Python's email package defaults), its subtype, charset.
func parseContentType(r *response) (ctype, sub, charset string) {
	ctype = "text/plain"
	charset = "utf-8"
	if r.Header == nil {
		if r.Status < 0 {
			return "application/octet-stream", "octet-stream", "utf-8"
		}
	} else if v := r.Header.Get("Content-Type"); v != "" {
		mt, params, err := mime.ParseMediaType(v)
		if err == nil && strings.Count(mt, "/") == 1 {
			ctype = strings.ToLower(mt)
			if c := params["charset"]; c != "" {
				charset = strings.Split(c, ",")[0]
			}
		}
	}
	ctype = strings.Split(ctype, ",")[0]
	_, sub, _ = strings.Cut(ctype, "/")
	return ctype, sub, charset
}

// responseFilename is urls.get_response_filename, or index.html.
func responseFilename(r *response) string {
	name := ""
	if pu, err := url.Parse(r.FinalURL); err == nil {
		name = path.Base(strings.TrimRight(pu.Path, "/"))
		if name == "." || name == "/" {
			name = ""
		}
	}
	if r.Header != nil {
		if cd := r.Header.Get("Content-Disposition"); cd != "" {
			if _, params, err := mime.ParseMediaType(cd); err == nil && params["filename"] != "" {
				name = params["filename"]
			}
		}
	}
	if name == "" {
		name = "index.html"
	}
	return name
}

func joinPath(dir, name string) string {
	if strings.HasPrefix(name, "/") {
		return name
	}
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

func pathExists(ctx context.Context, conn modules.Conn, p string) bool {
	if _, ok := conn.(localConn); ok {
		if rest, ok := strings.CutPrefix(p, "~"); ok && (rest == "" || rest[0] == '/') {
			if home, err := os.UserHomeDir(); err == nil {
				p = home + rest
			}
		}
		_, err := os.Stat(p)
		return err == nil
	}
	_, _, rc, err := conn.Exec(ctx, "test -e "+shPath(p), nil)
	return err == nil && rc == 0
}

// headerMap turns the headers argument into strings, in a stable order.
func headerMap(h map[string]any) (map[string]string, []string) {
	out := map[string]string{}
	var order []string
	for k, v := range h {
		out[k] = modules.ToString(v)
		order = append(order, k)
	}
	sort.Strings(order)
	return out, order
}

// formURLEncoded is uri's form_urlencoded for a dict or a list of pairs.
func formURLEncoded(body any) (string, error) {
	type kv struct{ k, v string }
	var pairs []kv
	add := func(k string, vals any) {
		switch x := vals.(type) {
		case []any:
			for _, v := range x {
				if v != nil {
					pairs = append(pairs, kv{k, modules.ToString(v)})
				}
			}
		case map[string]any:
			keys := sortedKeys(x)
			for _, v := range keys {
				pairs = append(pairs, kv{k, v})
			}
		case nil:
		default:
			pairs = append(pairs, kv{k, modules.ToString(x)})
		}
	}
	switch b := body.(type) {
	case map[string]any:
		// the dict's own order, as Python's urlencode
		for _, k := range pyfmt.KeyOrder(b) {
			add(k, b[k])
		}
	case []any:
		for _, item := range b {
			switch it := item.(type) {
			case []any:
				if len(it) != 2 {
					return "", fmt.Errorf("too many values to unpack (expected 2)")
				}
				add(modules.ToString(it[0]), it[1])
			default:
				return "", fmt.Errorf("not enough values to unpack (expected 2, got 1)")
			}
		}
	default:
		return modules.ToString(body), nil
	}
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = url.QueryEscape(p.k) + "=" + url.QueryEscape(p.v)
	}
	return strings.Join(parts, "&"), nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// prepareMultipart builds a multipart/form-data body as
// urls.prepare_multipart does.
func prepareMultipart(body any, req *modules.Request) (string, []byte, error) {
	fields, ok := body.(map[string]any)
	if !ok {
		return "", nil, fmt.Errorf("body must be mapping, cannot be type %s", pyClass(body))
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, name := range sortedKeys(fields) {
		var content []byte
		fromDisk := false
		mt, filename := "text/plain", ""
		switch v := fields[name].(type) {
		case string:
			content = []byte(v)
		case map[string]any:
			filename, _ = v["filename"].(string)
			c, _ := v["content"].(string)
			if filename == "" && c == "" {
				return "", nil, fmt.Errorf("failed to parse body as form-multipart: at least one of filename or content must be provided")
			}
			mt, _ = v["mime_type"].(string)
			if mt == "" {
				mt = mime.TypeByExtension(filepath.Ext(filename))
				if i := strings.Index(mt, ";"); i >= 0 {
					mt = mt[:i]
				}
				if mt == "" {
					mt = "application/octet-stream"
				}
			}
			if c == "" {
				p := filename
				if req != nil && req.Find != nil {
					if f, err := req.Find("files", filename); err == nil {
						p = f
					} else {
						return "", nil, err
					}
				}
				data, err := os.ReadFile(p)
				if err != nil {
					return "", nil, fmt.Errorf("failed to parse body as form-multipart: [Errno 2] No such file or directory: '%s'", p)
				}
				content = data
				fromDisk = true
			} else {
				content = []byte(c)
			}
		default:
			return "", nil, fmt.Errorf("failed to parse body as form-multipart: value must be a string, or mapping, cannot be type %s", pyClass(v))
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", mt)
		cd := fmt.Sprintf(`form-data; name="%s"`, name)
		if filename != "" {
			cd += fmt.Sprintf(`; filename="%s"`, path.Base(filename))
		}
		h.Set("Content-Disposition", cd)
		if fromDisk {
			// email's MIMEApplication: base64 in lines of 76.
			h.Set("Content-Transfer-Encoding", "base64")
			enc := base64.StdEncoding.EncodeToString(content)
			var b strings.Builder
			for len(enc) > 76 {
				b.WriteString(enc[:76] + "\r\n")
				enc = enc[76:]
			}
			if enc != "" {
				b.WriteString(enc + "\r\n")
			}
			content = []byte(b.String())
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			return "", nil, err
		}
		pw.Write(content)
	}
	w.Close()
	return w.FormDataContentType(), buf.Bytes(), nil
}

func pyClass(v any) string {
	switch v.(type) {
	case string:
		return "str"
	case []any:
		return "list"
	case map[string]any:
		return "dict"
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case float64:
		return "float"
	}
	return "int"
}

// pyJSON is Python's json.dumps with its default separators and ASCII
// escaping (keys sorted, since Go maps keep no order).
func pyJSON(v any) string {
	var b strings.Builder
	writePyJSON(&b, v)
	return b.String()
}

func writePyJSON(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case string:
		b.WriteByte('"')
		for _, r := range x {
			switch {
			case r == '"':
				b.WriteString(`\"`)
			case r == '\\':
				b.WriteString(`\\`)
			case r == '\n':
				b.WriteString(`\n`)
			case r == '\r':
				b.WriteString(`\r`)
			case r == '\t':
				b.WriteString(`\t`)
			case r == '\b':
				b.WriteString(`\b`)
			case r == '\f':
				b.WriteString(`\f`)
			case r < 0x20 || (r >= 0x80 && r < 0x10000):
				fmt.Fprintf(b, `\u%04x`, r)
			case r >= 0x10000:
				r -= 0x10000
				fmt.Fprintf(b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('"')
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		switch {
		case math.IsNaN(x):
			b.WriteString("NaN")
		case math.IsInf(x, 1):
			b.WriteString("Infinity")
		case math.IsInf(x, -1):
			b.WriteString("-Infinity")
		default:
			b.WriteString(modules.ToString(x))
		}
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writePyJSON(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				b.WriteString(", ")
			}
			writePyJSON(b, k)
			b.WriteString(": ")
			writePyJSON(b, x[k])
		}
		b.WriteByte('}')
	default:
		data, err := json.Marshal(x)
		if err != nil {
			b.WriteString("null")
			return
		}
		b.Write(data)
	}
}

// decodeJSON parses JSON keeping integers as int, as Python's json does.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("extra data")
	}
	return fixNumbers(v), nil
}

func fixNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		s := x.String()
		if !strings.ContainsAny(s, ".eE") {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return int(n)
			}
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = fixNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = fixNumbers(x[k])
		}
	}
	return v
}
