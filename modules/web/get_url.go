package web

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "get_url",
		Aliases:   []string{"ansible.builtin.get_url"},
		New:       func() modules.Module { return new(GetURL) },
		CheckMode: true,
		Short:     "Downloads files from HTTP, HTTPS, or FTP to node",
	})
}

// GetURL downloads a file as ansible.builtin.get_url does. goplay fetches
// it on the controller (into the run's private directory) and puts it on
// the target, so the target needs no network access nor Python.
type GetURL struct {
	URL                string         `arg:"url,required" doc:"HTTP, HTTPS or file URL."`
	Dest               string         `arg:"dest,required" doc:"Where to write the file on the target; a directory takes the server's file name."`
	Backup             bool           `arg:"backup" doc:"Keep a timestamped copy of the file replaced."`
	Checksum           string         `arg:"checksum" doc:"algorithm:hexdigest (or algorithm:URL of a checksum file)."`
	Force              bool           `arg:"force" doc:"Download even when dest exists."`
	Timeout            int            `arg:"timeout" default:"10" doc:"Socket timeout in seconds."`
	Headers            map[string]any `arg:"headers" doc:"Request headers."`
	TmpDest            string         `arg:"tmp_dest" doc:"Directory named in the result's src (goplay downloads on the controller and writes dest directly)."`
	UnredirectedHeader []string       `arg:"unredirected_headers" doc:"Headers not sent on redirects."`
	Decompress         bool           `arg:"decompress" default:"true" doc:"Decompress gzip responses."`
	Ciphers            []string       `arg:"ciphers" doc:"TLS ciphers (accepted, not applied)."`
	UseNetrc           bool           `arg:"use_netrc" default:"true" doc:"Use ~/.netrc credentials (accepted, not applied)."`
	HTTPAgent          string         `arg:"http_agent" default:"ansible-httpget" doc:"User-Agent header."`
	UseProxy           bool           `arg:"use_proxy" default:"true" doc:"Use the proxy environment variables."`
	ValidateCerts      bool           `arg:"validate_certs" default:"true" doc:"Validate HTTPS certificates."`
	URLUsername        string         `arg:"url_username" aliases:"username" doc:"Username for authentication."`
	URLPassword        string         `arg:"url_password" aliases:"password" doc:"Password for authentication."`
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
}

func (g *GetURL) options(method string) urlOptions {
	headers, order := headerMap(g.Headers)
	return urlOptions{
		Method: method, Headers: headers, HeaderOrder: order,
		Timeout: g.Timeout, ValidateCerts: g.ValidateCerts, UseProxy: g.UseProxy,
		Username: g.URLUsername, Password: g.URLPassword, ForceBasicAuth: g.ForceBasicAuth,
		HTTPAgent: g.HTTPAgent, FollowRedirects: "urllib2", ClientCert: g.ClientCert,
		ClientKey: g.ClientKey, Unredirected: g.UnredirectedHeader, Decompress: g.Decompress,
		Force: g.Force,
	}
}

var (
	nonWord      = lazyRegexp(`[^\p{L}\p{N}_]+`)
	contDispRe   = lazyRegexp(`^attachment; ?filename="?([^"]+)`)
	hexDigestRe  = lazyRegexp(`^-?[0-9a-fA-F_]+$`)
	checksumAlgs = []string{"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}
)

// Run downloads the file.
func (g *GetURL) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	conn := req.Conn
	if conn == nil {
		conn = localConn{}
	}
	dest := g.Dest
	result := map[string]any{
		"checksum_dest": nil, "checksum_src": nil, "dest": dest, "elapsed": 0, "url": g.URL,
	}
	stats := map[string]*fileStat{}
	// finish adds add_path_info's keys for dest, as exit_json does.
	finish := func(res *modules.Result) (*modules.Result, error) {
		if d, ok := res.Data["dest"].(string); ok {
			if st := stats[d]; st != nil {
				pathInfo(res.Data, st)
			}
		}
		return res, nil
	}
	fail := func(msg string, d map[string]any) (*modules.Result, error) {
		return finish(&modules.Result{Failed: true, Msg: msg, Data: d})
	}

	// The checksum argument: algorithm:hexdigest or algorithm:URL.
	algorithm, checksum := "", ""
	if g.Checksum != "" {
		var ok bool
		algorithm, checksum, ok = strings.Cut(g.Checksum, ":")
		if !ok {
			return fail("The checksum parameter has to be in format <algorithm>:<checksum>", result)
		}
		if isURL(checksum) {
			checksumURL := checksum
			r, res := g.urlGet(ctx, checksumURL, dest, "GET", time.Time{}, g.Force)
			if res != nil {
				return finish(res)
			}
			lines := strings.Split(strings.TrimSuffix(string(r.Body), "\n"), "\n")
			if len(r.Body) == 0 {
				lines = nil
			}
			filename := urlFilename(g.URL)
			type pair struct{ sum, name string }
			var sums []pair
			if len(lines) == 1 && len(strings.Fields(lines[0])) == 1 {
				sums = append(sums, pair{lines[0], filename})
			} else {
				for _, line := range lines {
					s, name, ok := strings.Cut(line, " ")
					if !ok {
						continue
					}
					if strings.HasPrefix(name, " ") || strings.HasPrefix(name, "*") {
						name = name[1:]
					}
					sums = append(sums, pair{s, strings.TrimLeft(name, "./")})
				}
			}
			checksum = ""
			found := false
			for _, p := range sums {
				if p.name == filename {
					checksum, found = p.sum, true
					break
				}
			}
			if !found {
				return modules.Failf("Unable to find a checksum for file '%s' in '%s'", filename, checksumURL), nil
			}
		}
		checksum = strings.ToLower(nonWord().ReplaceAllString(checksum, ""))
		if !hexDigestRe().MatchString(checksum) || strings.Trim(checksum, "_") == "" {
			return fail("The checksum format is invalid", result)
		}
		checksum = strings.ReplaceAll(checksum, "_", "")
	}
	algorithm = strings.ToLower(algorithm)
	if algorithm != "" && newHash(algorithm) == nil {
		return fail(fmt.Sprintf("Could not hash file '%s' with algorithm '%s'. Available algorithms: %s", dest, algorithm, strings.Join(checksumAlgs, ", ")), result)
	}

	// One round trip learns everything about dest and its directory.
	algs := []string{"sha1"}
	if algorithm != "" && algorithm != "sha1" {
		algs = append(algs, algorithm)
	}
	tmpBase := newTmpSrc(g.TmpDest, req)
	probe := func(p string) (*fileStat, *fileStat, error) {
		s := probeScript(shPath(p), algs, "") + probeScript(`$(dirname -- "$p")`, nil, "dir_") + "echo umask=$(umask)\n" + tmpBase.script
		out, _, _, err := conn.Exec(ctx, s, nil)
		if err != nil {
			return nil, nil, err
		}
		st := parseProbe(out, "")
		st.umask = parseUmask(out)
		tmpBase.parse(out)
		stats[p] = st
		return st, parseProbe(out, "dir_"), nil
	}
	st, dirSt, err := probe(dest)
	if err != nil {
		return nil, err
	}
	if st.Resolved != "" && st.Resolved != dest {
		dest = st.Resolved
		stats[dest] = st
		result["dest"] = dest
	}
	destIsDir := st.IsDir
	attrs := fileAttrs{Mode: g.Mode, Owner: g.Owner, Group: g.Group}

	force := g.Force
	var lastMod time.Time
	if !destIsDir && st.Exists {
		mismatch := false
		if !force && checksum != "" {
			d, err := fileDigest(ctx, conn, dest, st, algorithm)
			if err != nil {
				return fail(err.Error(), result)
			}
			mismatch = d != checksum
		}
		if !force && checksum != "" && !mismatch {
			final, changed, msg, err := applyAttrs(ctx, conn, dest, st, attrs, req.Check, "", false)
			if err != nil {
				return nil, err
			}
			if msg != "" {
				return fail(msg, result)
			}
			stats[dest] = final
			if changed {
				return finish(&modules.Result{Changed: true, Msg: "file already exists but file attributes changed", Data: result})
			}
			return finish(&modules.Result{Msg: "file already exists", Data: result})
		}
		lastMod = time.Unix(st.Mtime, 0)
		if mismatch {
			force = true
		}
	}

	method := "GET"
	if req.Check {
		method = "HEAD"
	}
	start := time.Now()
	r, res := g.urlGet(ctx, g.URL, dest, method, lastMod, force)
	if res != nil {
		return finish(res)
	}
	result["elapsed"] = int(time.Since(start).Seconds())
	tmpsrc := tmpBase.name()
	result["src"] = tmpsrc

	if destIsDir {
		name := ""
		if m := contDispRe().FindStringSubmatch(r.Header.Get("Content-Disposition")); m != nil {
			name = path.Base(m[1])
		}
		if name == "" {
			name = urlFilename(r.FinalURL)
		}
		dest = filepath.Join(dest, name)
		result["dest"] = dest
		st, dirSt, err = probe(dest)
		if err != nil {
			return nil, err
		}
	}

	result["checksum_src"] = digest("sha1", r.Body)
	if st.Exists {
		if !st.Writable {
			return fail(fmt.Sprintf("Destination %s is not writable", dest), result)
		}
		if !st.Readable {
			return fail(fmt.Sprintf("Destination %s is not readable", dest), result)
		}
		if !st.IsDir {
			d, err := fileDigest(ctx, conn, dest, st, "sha1")
			if err != nil {
				return fail(err.Error(), result)
			}
			result["checksum_dest"] = d
		}
	} else {
		dir := path.Dir(dest)
		if !dirSt.Exists {
			return fail(fmt.Sprintf("Destination %s does not exist", dir), result)
		}
		if !dirSt.Writable {
			return fail(fmt.Sprintf("Destination %s is not writable", dir), result)
		}
	}

	if req.Check {
		result["changed"] = !st.Exists || result["checksum_src"] != result["checksum_dest"]
		return finish(&modules.Result{Changed: result["changed"] == true, Msg: infoMsg(r), Data: result})
	}

	changed := false
	if result["checksum_src"] != result["checksum_dest"] {
		if g.Backup && st.Exists && !st.IsDir {
			b := fmt.Sprintf("%s.%d.%s", dest, os.Getpid(), time.Now().Format("2006-01-02@15:04:05~"))
			_, stderr, rc, err := conn.Exec(ctx, fmt.Sprintf("cp -p -- %s %s", shq(dest), shq(b)), nil)
			if err != nil {
				return nil, err
			}
			if rc != 0 {
				return fail(fmt.Sprintf("Could not make backup of %s to %s: %s", dest, b, strings.TrimSpace(string(stderr))), result)
			}
			result["backup_file"] = b
		}
		changed = true
	}
	final, _, attrsChanged, msg, err := writeDest(ctx, conn, dest, st, r.Body, attrs, false)
	if err != nil {
		return nil, err
	}
	if msg != "" {
		result["changed"] = changed
		return fail(fmt.Sprintf("failed to copy %s to %s: %s", tmpsrc, dest, msg), result)
	}
	stats[dest] = final
	if checksum != "" {
		if got := digest(algorithm, r.Body); got != checksum {
			conn.Exec(ctx, "rm -f -- "+shq(dest), nil)
			delete(stats, dest)
			return finish(&modules.Result{Failed: true, Changed: changed, Data: result,
				Msg: fmt.Sprintf("The checksum for %s did not match %s; it was %s.", dest, checksum, got)})
		}
	}
	changed = changed || attrsChanged
	result["md5sum"] = digest("md5", r.Body)
	result["status_code"] = r.Info["status"]
	return finish(&modules.Result{Changed: changed, Msg: infoMsg(r), Data: result})
}

func infoMsg(r *response) string {
	s, _ := r.Info["msg"].(string)
	return s
}

// urlGet is get_url's url_get: it fetches u, returning the response, or
// the result the module ends with (304, a failure, a bad status).
func (g *GetURL) urlGet(ctx context.Context, u, dest, method string, lastMod time.Time, force bool) (*response, *modules.Result) {
	o := g.options(method)
	o.LastModTime = lastMod
	o.Force = force
	start := time.Now()
	r := fetch(ctx, u, o)
	elapsed := int(time.Since(start).Seconds())
	if r.Fatal != "" {
		return nil, &modules.Result{Failed: true, Msg: r.Fatal, Data: map[string]any{"url": u, "status": -1}}
	}
	if r.Status == 304 {
		return nil, &modules.Result{Msg: infoMsg(r), Data: map[string]any{"url": u, "dest": dest, "status_code": 304, "elapsed": elapsed}}
	}
	if r.Status == -1 {
		return nil, &modules.Result{Failed: true, Msg: infoMsg(r), Data: map[string]any{"url": u, "dest": dest, "elapsed": elapsed}}
	}
	if r.Status != 200 && !strings.HasPrefix(u, "file:/") {
		return nil, &modules.Result{Failed: true, Msg: "Request failed", Data: map[string]any{
			"status_code": r.Status, "response": infoMsg(r), "url": u, "dest": dest, "elapsed": elapsed}}
	}
	return r, nil
}

func isURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "http", "https", "ftp", "file":
		return true
	}
	return false
}

// urlFilename is get_url's url_filename.
func urlFilename(u string) string {
	p := u
	if pu, err := url.Parse(u); err == nil {
		p = pu.EscapedPath()
	}
	if p == "" || strings.HasSuffix(p, "/") {
		return "index.html"
	}
	return path.Base(p)
}

// defaultRemoteTmp is Ansible's default remote_tmp.
const defaultRemoteTmp = "~/.ansible/tmp"

// tmpSrc names the temporary file that Ansible's get_url downloads into
// before copying it to dest, for the result's src: mkstemp's
// "tmpXXXXXXXX" in tmp_dest, else in the module's tmpdir, the
// "ansible-tmp-TIME-PID-RANDOM" directory the action plugin made in
// remote_tmp (expanded by the target's shell). goplay downloads on the
// controller and writes dest directly, so nothing is created under that
// name; the target's shell only expands the directory (in the probe).
type tmpSrc struct {
	script string // prints tmpMarker and the expanded directory
	dir    string // after parse
	module string // ansible-tmp-… to append to dir, "" for tmp_dest
}

const tmpMarker = "gp_tmpsrc_dir="

func newTmpSrc(tmpDest string, req *modules.Request) *tmpSrc {
	t := &tmpSrc{}
	if tmpDest != "" {
		t.script = fmt.Sprintf("printf '%s%%s\\n' %s\n", tmpMarker, shPath(tmpDest))
		return t
	}
	base := defaultRemoteTmp
	if s, ok := req.Args["_ansible_remote_tmp"].(string); ok && strings.TrimSpace(s) != "" {
		base = strings.TrimSpace(s)
	} else if s := strings.TrimSpace(req.RemoteTmp); s != "" {
		base = s
	} else if s, ok := req.Vars["ansible_remote_tmp"].(string); ok && strings.TrimSpace(s) != "" {
		base = strings.TrimSpace(s)
	}
	// As the sh shell plugin's mkdtemp: `echo BASE` with BASE unquoted.
	t.script = fmt.Sprintf("echo %s\"`echo %s`\"\n", tmpMarker, strings.TrimRight(base, "/"))
	var rnd [8]byte
	rand.Read(rnd[:])
	t.module = fmt.Sprintf("ansible-tmp-%s-%d-%d", strconv.FormatFloat(float64(time.Now().UnixMicro())/1e6, 'f', -1, 64),
		os.Getpid(), binary.BigEndian.Uint64(rnd[:])>>16)
	return t
}

func (t *tmpSrc) parse(out []byte) {
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, tmpMarker); ok {
			t.dir = strings.TrimRight(v, "/")
			return
		}
	}
}

// name is the path Ansible's result shows as src.
func (t *tmpSrc) name() string {
	dir := t.dir
	if t.module != "" {
		dir += "/" + t.module
	}
	return dir + "/tmp" + pyTempName()
}

// pyTempName is the 8 random characters Python's tempfile puts in a name.
func pyTempName() string {
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789_"
	var b [8]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b[:])
}
