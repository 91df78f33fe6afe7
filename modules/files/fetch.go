package files

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "fetch",
		Aliases:   []string{"ansible.builtin.fetch"},
		New:       func() modules.Module { return new(Fetch) },
		CheckMode: true, // the action reports check mode itself
		Short:     "Fetch files from remote nodes",
	})
	modules.Register(modules.Info{
		Name:      "slurp",
		Aliases:   []string{"ansible.builtin.slurp"},
		New:       func() modules.Module { return new(Slurp) },
		CheckMode: true,
		Short:     "Slurps a file from remote nodes",
	})
}

// fetchInline is the largest file fetch and slurp carry in their one
// inspection round trip; larger ones are read with Conn.Fetch.
const fetchInline = 4 << 20

// Fetch is ansible.builtin.fetch.
type Fetch struct {
	Src              any  `arg:"src" doc:"The file on the remote system to fetch."`
	Dest             any  `arg:"dest" doc:"A local directory (or, with flat, file) to save it in."`
	FailOnMissing    bool `arg:"fail_on_missing" default:"true" doc:"Fail when the remote file is missing."`
	ValidateChecksum bool `arg:"validate_checksum" default:"true" doc:"Verify the checksum after the transfer."`
	Flat             bool `arg:"flat" doc:"Save as dest itself instead of dest/<host>/<src path>."`
}

// Run fetches the file.
func (f *Fetch) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if req.Check {
		return &modules.Result{Skipped: true, Msg: "check mode not (yet) supported for this module"}, nil
	}
	msg := ""
	src, srcOK := f.Src.(string)
	dest, destOK := f.Dest.(string)
	if !srcOK {
		msg = "Invalid type supplied for source option, it must be a string"
	}
	if !destOK {
		msg = "Invalid type supplied for dest option, it must be a string"
	}
	if f.Src == nil || f.Dest == nil {
		msg = "src and dest are required"
	}
	if msg != "" {
		return actionFail(msg), nil
	}
	// The local file, when it exists, decides whether to transfer.
	var sc strings.Builder
	fmt.Fprintf(&sc, "__p=%s\nprintf 'P %%s\\n' \"$__p\"\n", shPath(src))
	sc.WriteString(`if [ ! -e "$__p" ]; then echo 'NF 1'; exit 0; fi
if [ -d "$__p" ]; then echo 'DIR 1'; exit 0; fi
if [ ! -r "$__p" ]; then echo 'NOREAD 1'; exit 0; fi
__sum "$__p"
printf 'SIZE %s\n' "$(stat -L -c %s -- "$__p")"
`)
	o, err := run(ctx, req, sc.String(), nil)
	if err != nil {
		return nil, err
	}
	source, _ := o.get("P")
	if _, ok := o.get("DIR"); ok {
		if !f.FailOnMissing {
			return &modules.Result{Msg: "remote file is a directory, fetch cannot work on directories, not transferring, ignored"}, nil
		}
		return modules.Failf("remote file is a directory, fetch cannot work on directories"), nil
	}
	missing := func(m string) (*modules.Result, error) {
		if !f.FailOnMissing {
			return &modules.Result{Msg: m, Data: map[string]any{"file": source}}, nil
		}
		return modules.Failf("%s", m), nil
	}
	if _, ok := o.get("NF"); ok {
		return missing("the remote file does not exist, not transferring, ignored")
	}
	if _, ok := o.get("NOREAD"); ok {
		if !f.FailOnMissing {
			return &modules.Result{Data: map[string]any{"file": source}}, nil
		}
		return &modules.Result{Failed: true, Msg: "file is not readable: " + source}, nil
	}
	remoteSum, _ := o.get("SUM")

	if f.Flat {
		if fi, err := os.Stat(dest); err == nil && fi.IsDir() && !strings.HasSuffix(dest, "/") {
			return actionFail("dest is an existing directory, use a trailing slash if you want to fetch src into that directory"), nil
		}
		if strings.HasSuffix(dest, "/") {
			dest = filepath.Join(dest, filepath.Base(source))
		}
		dest = pathDwim(req, dest)
	} else {
		host := req.Host
		if h, ok := req.Vars["inventory_hostname"].(string); ok && h != "" {
			host = h
		}
		dest = pathDwim(req, dest) + "/" + host + "/" + source
	}
	dest = filepath.Clean(dest)
	localSum, localMD5, lerr := fileSums(dest)
	if lerr != nil {
		localSum, localMD5 = "", ""
	}
	if localSum == remoteSum {
		d := map[string]any{"md5sum": localMD5, "file": source, "dest": dest, "checksum": localSum}
		return &modules.Result{Data: d}, nil
	}
	data, err := req.Conn.Fetch(ctx, source)
	if err != nil {
		return actionFail(fmt.Sprintf("Failed to fetch the file: %v", err)), nil
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return actionFail(fmt.Sprintf("Failed to fetch the file: %v", err)), nil
	}
	if err := os.WriteFile(dest, data, 0o644); err != nil {
		return actionFail(fmt.Sprintf("Failed to fetch the file: %v", err)), nil
	}
	newSum, newMD5 := sums(data)
	if f.ValidateChecksum && newSum != remoteSum {
		return &modules.Result{Failed: true, Msg: "checksum mismatch", Data: map[string]any{
			"md5sum": newMD5, "file": source, "dest": dest, "remote_md5sum": nil, "checksum": newSum, "remote_checksum": remoteSum}}, nil
	}
	return &modules.Result{Changed: true, Data: map[string]any{
		"md5sum": newMD5, "dest": dest, "remote_md5sum": nil, "checksum": newSum, "remote_checksum": remoteSum}}, nil
}

// Slurp is ansible.builtin.slurp.
type Slurp struct {
	Src string `arg:"src,required" aliases:"path" doc:"The file on the remote system to fetch."`
}

// Run reads the file base64-encoded.
func (s *Slurp) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	var sc strings.Builder
	fmt.Fprintf(&sc, "__p=%s\nprintf 'P %%s\\n' \"$__p\"\n", shPath(s.Src))
	fmt.Fprintf(&sc, `if [ ! -e "$__p" ]; then echo 'NF 1'; exit 0; fi
if [ -d "$__p" ]; then echo 'DIR 1'; exit 0; fi
if [ ! -r "$__p" ]; then echo 'NOREAD 1'; exit 0; fi
if [ "$(stat -L -c %%s -- "$__p")" -le %d ]; then __b64 C "$__p" || echo 'ERRC 1'; else echo 'BIG 1'; fi
`, fetchInline)
	o, err := run(ctx, req, sc.String(), nil)
	if err != nil {
		return nil, err
	}
	source, _ := o.get("P")
	switch {
	case has(o, "NF"):
		return modules.Failf("file not found: %s", source), nil
	case has(o, "DIR"):
		return modules.Failf("source is a directory and must be a file: %s", source), nil
	case has(o, "NOREAD"):
		return modules.Failf("file is not readable: %s", source), nil
	}
	var content string
	if has(o, "BIG") {
		data, err := req.Conn.Fetch(ctx, source)
		if err != nil {
			return modules.Failf("unable to slurp file: %v", err), nil
		}
		content = b64(data)
	} else {
		v, ok := o.get("C")
		if !ok {
			return modules.Failf("unable to slurp file: %s", o.errText()), nil
		}
		content = strings.TrimSpace(v)
	}
	return &modules.Result{Data: map[string]any{"content": content, "source": source, "encoding": "base64"}}, nil
}

// pathDwim is the loader's path_dwim for a controller path: ~ expanded,
// relative paths under the playbook's directory (playbook_dir), cleaned.
func pathDwim(req *modules.Request, p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = home + p[1:]
		}
	} else if !filepath.IsAbs(p) {
		base, _ := req.Vars["playbook_dir"].(string)
		if base == "" {
			base, _ = os.Getwd()
		}
		p = filepath.Join(base, p)
	}
	return filepath.Clean(p)
}

func has(o *output, tag string) bool {
	_, ok := o.get(tag)
	return ok
}
