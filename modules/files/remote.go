package files

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/goplay/goplay/modules"
)

// The file modules reach the target only through modules.Conn: every
// inspection or change is one POSIX sh script run with Conn.Exec, using
// GNU coreutils (stat -c, sha1sum, chmod, chown, mv, ln, mkdir, rm, cat,
// base64, head, find). File data travels on the script's standard input, so
// writing works the same under become (the Conn wraps the whole script) and
// costs no extra round trip.
//
// Scripts report on stdout with one "TAG value" line per fact; values that
// may hold arbitrary bytes are base64 encoded.

// shq quotes s for the shell.
func shq(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// nonce returns a random hex string for temporary names and markers.
func nonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// shLib holds the shell functions the scripts share.
//
//	__st T P   prints "T <fields>" for lstat(P), or "T -" when P is absent,
//	           and for a symbolic link "TL <fields>" for stat(P) ("TL -")
//	__sum P    prints "SUM <sha1>" of P
//	__b64 T P  prints "T <base64 of P>"
//	__bk P     copies P to Ansible's backup name and prints "BACKUP <name>"
//	__uid N    prints "UID <uid>" for user N, or "UID -" (and sets $__lu)
//	__gid N    prints "GID <gid>" for group N, or "GID -" (and sets $__lg)
const shLib = `__F='%f|%s|%u|%g|%U|%G|%h|%i|%d|%o|%b|%t|%T|%x|%y|%z'
__st() { if [ -e "$2" ] || [ -h "$2" ]; then printf '%s %s\n' "$1" "$(stat -c "$__F" -- "$2" 2>/dev/null || echo '?')"; else echo "$1 -"; fi; if [ -h "$2" ]; then if [ -e "$2" ]; then printf '%sL %s\n' "$1" "$(stat -L -c "$__F" -- "$2" 2>/dev/null || echo '?')"; else echo "$1L -"; fi; fi; }
__sum() { __sm=$(sha1sum < "$1" 2>/dev/null) && printf 'SUM %s\n' "${__sm%% *}"; }
__b64() { printf '%s ' "$1"; base64 -w0 < "$2" 2>/dev/null; echo; }
__bk() { __bn="$1.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$1" "$__bn" && printf 'BACKUP %s\n' "$__bn"; }
__uid() { __lu=$(id -u -- "$1" 2>/dev/null) && printf 'UID %s\n' "$__lu" || { __lu=; echo 'UID -'; }; }
__gid() { __lg=$(getent group -- "$1" 2>/dev/null | cut -d: -f3); [ -n "$__lg" ] || __lg=$(sed -n "s/^$1:[^:]*:\([0-9]*\):.*/\1/p" /etc/group 2>/dev/null | head -n1); [ -n "$__lg" ] && printf 'GID %s\n' "$__lg" || echo 'GID -'; }
`

// output is a parsed script report.
type output struct {
	tags   []tagVal
	stdout []byte
	stderr []byte
	rc     int
}

type tagVal struct{ tag, val string }

// get returns the last value of tag.
func (o *output) get(tag string) (string, bool) {
	for i := len(o.tags) - 1; i >= 0; i-- {
		if o.tags[i].tag == tag {
			return o.tags[i].val, true
		}
	}
	return "", false
}

// all returns every value of tag in order.
func (o *output) all(tag string) []string {
	var out []string
	for _, t := range o.tags {
		if t.tag == tag {
			out = append(out, t.val)
		}
	}
	return out
}

func (o *output) b64(tag string) ([]byte, bool) {
	v, ok := o.get(tag)
	if !ok {
		return nil, false
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil {
		return nil, false
	}
	return b, true
}

// errText is the script's stderr, trimmed, for failure messages.
func (o *output) errText() string { return strings.TrimSpace(string(o.stderr)) }

// maxScriptArg is the longest script passed as the shell's argument.
const maxScriptArg = 64 << 10

// run executes script (prefixed with shLib) on the target.
func run(ctx context.Context, req *modules.Request, script string, stdin io.Reader) (*output, error) {
	if req.Conn == nil {
		return nil, fmt.Errorf("no connection to the target")
	}
	if strings.IndexByte(script, 0) >= 0 {
		// Python refuses such paths the same way (ValueError).
		return nil, &modules.ArgError{Msg: "embedded null byte"}
	}
	full := shLib + script
	req.Logf("files: exec %d bytes of script", len(full))
	if len(full) > maxScriptArg {
		// Too long for one argument (Linux allows 128 KiB): the script goes
		// first on stdin, read exactly (head -c) and evaluated; the data
		// follows it.
		data := io.Reader(strings.NewReader(full))
		if stdin != nil {
			data = io.MultiReader(data, stdin)
		}
		stdin = data
		full = fmt.Sprintf(`__gp_script=$(head -c %d) && eval "$__gp_script"`, len(full))
	}
	// The local connection may run the script in-process (not the eval
	// form above, which it gives to a real shell).
	stdout, stderr, rc, err := modules.RunScript(ctx, req.Conn, full, stdin)
	if err != nil {
		return nil, err
	}
	o := &output{stdout: stdout, stderr: stderr, rc: rc}
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<30)
	for sc.Scan() {
		line := sc.Text()
		tag, val, _ := strings.Cut(line, " ")
		o.tags = append(o.tags, tagVal{tag, val})
	}
	return o, nil
}

// File type bits of st_mode.
const (
	sIFMT   = 0o170000
	sIFSOCK = 0o140000
	sIFLNK  = 0o120000
	sIFREG  = 0o100000
	sIFBLK  = 0o060000
	sIFDIR  = 0o040000
	sIFCHR  = 0o020000
	sIFIFO  = 0o010000
)

// fstat is lstat(2) of a path on the target.
type fstat struct {
	Exists         bool
	Mode           uint32 // st_mode, type and permission bits
	Size           int64
	UID, GID       int
	Owner, Group   string // "UNKNOWN" when the id has no name
	Nlink          int64
	Ino, Dev       uint64
	BlkSize        int64
	Blocks         int64
	RdevMajor      uint64
	RdevMinor      uint64
	Atime, Mtime   float64
	Ctime          float64
	AtimeT, MtimeT time.Time
}

func (s fstat) perm() uint32    { return s.Mode & 0o7777 }
func (s fstat) isDir() bool     { return s.Exists && s.Mode&sIFMT == sIFDIR }
func (s fstat) isLink() bool    { return s.Exists && s.Mode&sIFMT == sIFLNK }
func (s fstat) isReg() bool     { return s.Exists && s.Mode&sIFMT == sIFREG }
func (s fstat) modeStr() string { return fmt.Sprintf("0%03o", s.perm()) }

// ownerVal is Ansible's owner: the user name, or the uid when it has none.
func (s fstat) ownerVal() any {
	if s.Owner == "" || s.Owner == "UNKNOWN" {
		return strconv.Itoa(s.UID)
	}
	return s.Owner
}

func (s fstat) groupVal() any {
	if s.Group == "" || s.Group == "UNKNOWN" {
		return strconv.Itoa(s.GID)
	}
	return s.Group
}

// parseStat reads a "ST" value.
func parseStat(v string) (fstat, bool) {
	var s fstat
	if v == "-" || v == "" {
		return s, true
	}
	f := strings.Split(v, "|")
	if len(f) != 16 {
		return s, false
	}
	mode, err := strconv.ParseUint(f[0], 16, 32)
	if err != nil {
		return s, false
	}
	s.Exists = true
	s.Mode = uint32(mode)
	s.Size, _ = strconv.ParseInt(f[1], 10, 64)
	s.UID, _ = strconv.Atoi(f[2])
	s.GID, _ = strconv.Atoi(f[3])
	s.Owner, s.Group = f[4], f[5]
	s.Nlink, _ = strconv.ParseInt(f[6], 10, 64)
	s.Ino, _ = strconv.ParseUint(f[7], 10, 64)
	s.Dev, _ = strconv.ParseUint(f[8], 10, 64)
	s.BlkSize, _ = strconv.ParseInt(f[9], 10, 64)
	s.Blocks, _ = strconv.ParseInt(f[10], 10, 64)
	s.RdevMajor, _ = strconv.ParseUint(f[11], 16, 64)
	s.RdevMinor, _ = strconv.ParseUint(f[12], 16, 64)
	s.AtimeT, s.Atime = parseTime(f[13])
	s.MtimeT, s.Mtime = parseTime(f[14])
	_, s.Ctime = parseTime(f[15])
	return s, true
}

// parseTime reads stat's %x form ("2026-11-27 14:37:37.852295600 +0000")
// and returns it with Python's float st_mtime value.
func parseTime(v string) (time.Time, float64) {
	t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700", v)
	if err != nil {
		return time.Time{}, 0
	}
	return t, float64(t.Unix()) + float64(t.Nanosecond())*1e-9
}

// statOf returns the parsed "ST" value of o (the last one).
func statOf(o *output, tag string) fstat {
	v, _ := o.get(tag)
	s, _ := parseStat(v)
	return s
}

// pathInfo is Ansible's add_path_info: for an existing path uid, gid,
// owner, group, mode, state and size; nothing for a missing one. target is stat(2) of the path
// (following links), lst its lstat.
func pathInfo(d map[string]any, lst, target fstat) {
	if !lst.Exists || (lst.isLink() && !target.Exists) {
		return
	}
	d["uid"] = lst.UID
	d["gid"] = lst.GID
	d["owner"] = lst.ownerVal()
	d["group"] = lst.groupVal()
	d["mode"] = lst.modeStr()
	switch {
	case lst.isLink():
		d["state"] = "link"
	case lst.isDir():
		d["state"] = "directory"
	case lst.Nlink > 1:
		d["state"] = "hard"
	default:
		d["state"] = "file"
	}
	d["size"] = lst.Size
}

// followed returns stat(2) for a tag written by __st.
func followed(o *output, tag string) fstat {
	l := statOf(o, tag)
	if l.isLink() {
		return statOf(o, tag+"L")
	}
	return l
}

// pyDatetime formats t as Python's str(datetime).
func pyDatetime(t time.Time) string {
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04:05.000000")
}

// actionFail is a failure raised by an Ansible action plugin
// (AnsibleActionFail): its result carries an exception text.
func actionFail(msg string) *modules.Result {
	return &modules.Result{Failed: true, Msg: msg, Data: map[string]any{
		"exception": "ansible.errors.AnsibleActionFail: " + msg + "\n"}}
}

// failure reports a script that ended with a non-zero status.
func (o *output) failure() *modules.Result {
	msg := o.errText()
	if msg == "" {
		msg = fmt.Sprintf("command on the target failed with rc %d", o.rc)
	}
	return &modules.Result{Failed: true, Msg: msg, Data: map[string]any{"rc": o.rc}}
}
