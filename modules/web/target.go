package web

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/goplay/goplay/modules"
)

// localConn is the controller itself, for Local modules (uri) whose dest
// the engine gives no connection for.
type localConn struct{}

func (localConn) Exec(ctx context.Context, cmd string, stdin io.Reader) ([]byte, []byte, int, error) {
	c := exec.CommandContext(ctx, "/bin/sh", "-c", cmd)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr, c.Stdin = &out, &errb, stdin
	err := c.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.Bytes(), errb.Bytes(), ee.ExitCode(), nil
	}
	if err != nil {
		return nil, nil, 0, err
	}
	return out.Bytes(), errb.Bytes(), 0, nil
}

func (localConn) Put(ctx context.Context, data io.Reader, path string, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".goplay-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := io.Copy(f, data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Chmod(mode.Perm()); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

func (localConn) Fetch(ctx context.Context, path string) ([]byte, error) { return os.ReadFile(path) }

// shq quotes s for a POSIX shell.
func shq(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shPath is a path for the shell, with a leading ~ expanded by the
// target's shell as Ansible expands type=path arguments.
func shPath(p string) string {
	if p == "~" {
		return `"$HOME"`
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		return `"$HOME"/` + shq(rest)
	}
	return shq(p)
}

// fileStat is what the probe script learns about a path on the target.
type fileStat struct {
	Resolved              string // the path, ~ expanded
	Exists, IsDir, IsLink bool
	UID, GID              int
	Owner, Group          string
	Mode                  uint32 // permission bits incl. suid/sgid/sticky
	Nlink                 int
	Size                  int64
	Mtime                 int64
	Readable, Writable    bool
	Sums                  map[string]string // algorithm -> hex digest
	umask                 uint32
	hasUmask              bool
}

// probeScript prints KEY=VALUE lines about path (variable p): existence,
// stat fields and the digests algs (computed with the *sum tools or
// openssl; missing ones are left out and computed by fetching the file).
func probeScript(pathExpr string, algs []string, prefix string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "p=%s\n", pathExpr)
	fmt.Fprintf(&b, "printf '%%sresolved=%%s\\n' %s \"$p\"\n", shq(prefix))
	fmt.Fprintf(&b, `if [ -e "$p" ] || [ -h "$p" ]; then
echo %[1]sexists=1
[ -d "$p" ] && echo %[1]sisdir=1
[ -h "$p" ] && echo %[1]sislink=1
[ -r "$p" ] && echo %[1]sr=1
[ -w "$p" ] && echo %[1]sw=1
echo "%[1]slstat=$(stat -c '%%a %%s' -- "$p" 2>/dev/null)"
echo "%[1]sstat=$(stat -L -c '%%u %%g %%h %%Y' -- "$p" 2>/dev/null)"
echo "%[1]sowner=$(stat -L -c '%%U' -- "$p" 2>/dev/null)"
echo "%[1]sgroup=$(stat -L -c '%%G' -- "$p" 2>/dev/null)"
`, prefix)
	for _, a := range algs {
		fmt.Fprintf(&b, `if [ -f "$p" ] && [ -r "$p" ]; then
if command -v %[2]ssum >/dev/null 2>&1; then echo "%[1]ssum_%[2]s=$(%[2]ssum < "$p" | cut -d' ' -f1)"
elif command -v openssl >/dev/null 2>&1; then echo "%[1]ssum_%[2]s=$(openssl dgst -%[2]s < "$p" | sed 's/^.*= *//')"; fi
fi
`, prefix, a)
	}
	b.WriteString("fi\n")
	return b.String()
}

// parseProbe reads the lines probeScript printed with prefix.
func parseProbe(out []byte, prefix string) *fileStat {
	st := &fileStat{Sums: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		k, v, _ := strings.Cut(line[len(prefix):], "=")
		switch k {
		case "resolved":
			st.Resolved = v
		case "exists":
			st.Exists = true
		case "isdir":
			st.IsDir = true
		case "islink":
			st.IsLink = true
		case "r":
			st.Readable = true
		case "w":
			st.Writable = true
		case "lstat":
			f := strings.Fields(v)
			if len(f) == 2 {
				m, _ := strconv.ParseUint(f[0], 8, 32)
				st.Mode = uint32(m)
				st.Size, _ = strconv.ParseInt(f[1], 10, 64)
			}
		case "stat":
			f := strings.Fields(v)
			if len(f) == 4 {
				st.UID, _ = strconv.Atoi(f[0])
				st.GID, _ = strconv.Atoi(f[1])
				st.Nlink, _ = strconv.Atoi(f[2])
				st.Mtime, _ = strconv.ParseInt(f[3], 10, 64)
			}
		case "owner":
			st.Owner = v
		case "group":
			st.Group = v
		default:
			if a, ok := strings.CutPrefix(k, "sum_"); ok && v != "" {
				st.Sums[a] = strings.ToLower(v)
			}
		}
	}
	return st
}

// pathInfo adds AnsibleModule.add_path_info's keys for st to d.
func pathInfo(d map[string]any, st *fileStat) {
	if st == nil || !st.Exists {
		return
	}
	d["uid"] = st.UID
	d["gid"] = st.GID
	owner, group := st.Owner, st.Group
	if owner == "" || owner == "UNKNOWN" {
		owner = strconv.Itoa(st.UID)
	}
	if group == "" || group == "UNKNOWN" {
		group = strconv.Itoa(st.GID)
	}
	d["owner"] = owner
	d["group"] = group
	d["mode"] = fmt.Sprintf("0%03o", st.Mode&07777)
	switch {
	case st.IsLink:
		d["state"] = "link"
	case st.IsDir:
		d["state"] = "directory"
	case st.Nlink > 1:
		d["state"] = "hard"
	default:
		d["state"] = "file"
	}
	d["size"] = st.Size
}

func newHash(alg string) hash.Hash {
	switch alg {
	case "md5":
		return md5.New()
	case "sha1":
		return sha1.New()
	case "sha224":
		return sha256.New224()
	case "sha256":
		return sha256.New()
	case "sha384":
		return sha512.New384()
	case "sha512":
		return sha512.New()
	}
	return nil
}

func digest(alg string, data []byte) string {
	h := newHash(alg)
	if h == nil {
		return ""
	}
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// fileDigest returns the digest alg of path on the target, from the probe
// when it could compute it, else by fetching the file.
func fileDigest(ctx context.Context, conn modules.Conn, path string, st *fileStat, alg string) (string, error) {
	if s, ok := st.Sums[alg]; ok {
		return s, nil
	}
	data, err := conn.Fetch(ctx, path)
	if err != nil {
		return "", err
	}
	s := digest(alg, data)
	st.Sums[alg] = s
	return s, nil
}

// fileAttrs are the file common arguments goplay applies (mode, owner,
// group); the SELinux and attribute ones are accepted and ignored.
type fileAttrs struct {
	Mode  any
	Owner string
	Group string
}

// plan works out the chmod/chown commands that bring st to a, as
// set_fs_attributes_if_different does; an empty script means no change.
func (a fileAttrs) plan(path string, st *fileStat) (script string, err error) {
	var cmds []string
	if a.Owner != "" && a.Owner != st.Owner && a.Owner != strconv.Itoa(st.UID) {
		cmds = append(cmds, fmt.Sprintf("chown %s -- %s || { echo 'chown failed: failed to look up user %s' >&2; exit 3; }", shq(a.Owner), shq(path), strings.ReplaceAll(a.Owner, "'", "")))
	}
	if a.Group != "" && a.Group != st.Group && a.Group != strconv.Itoa(st.GID) {
		cmds = append(cmds, fmt.Sprintf("chgrp %s -- %s || { echo 'chgrp failed: failed to look up group %s' >&2; exit 3; }", shq(a.Group), shq(path), strings.ReplaceAll(a.Group, "'", "")))
	}
	if a.Mode != nil {
		m, err := resolveMode(a.Mode, st.Mode, st.IsDir)
		if err != nil {
			return "", err
		}
		if m != st.Mode&07777 {
			cmds = append(cmds, fmt.Sprintf("chmod %04o -- %s", m, shq(path)))
		}
	}
	return strings.Join(cmds, "\n"), nil
}

// resolveMode computes the permission bits that mode (an int, an octal
// string or a symbolic string) gives a file whose current bits are cur.
func resolveMode(mode any, cur uint32, isDir bool) (uint32, error) {
	switch m := mode.(type) {
	case int:
		return uint32(m) & 07777, nil
	case int64:
		return uint32(m) & 07777, nil
	case float64:
		return uint32(m) & 07777, nil
	}
	s := modules.ToString(mode)
	if s == "" {
		return cur & 07777, nil
	}
	if n, err := strconv.ParseUint(s, 8, 32); err == nil {
		return uint32(n) & 07777, nil
	}
	return symbolicMode(s, cur&07777, isDir)
}

// symbolicMode applies a chmod-style symbolic mode ("u+rwx,g-w,o=r").
func symbolicMode(s string, cur uint32, isDir bool) (uint32, error) {
	bad := fmt.Errorf("mode must be in octal or symbolic form")
	mode := cur
	for _, clause := range strings.Split(s, ",") {
		i := 0
		var who uint32
		for i < len(clause) && strings.ContainsRune("ugoa", rune(clause[i])) {
			switch clause[i] {
			case 'u':
				who |= 04700
			case 'g':
				who |= 02070
			case 'o':
				who |= 01007
			case 'a':
				who |= 07777
			}
			i++
		}
		if who == 0 {
			who = 07777
		}
		if i >= len(clause) {
			return 0, bad
		}
		for i < len(clause) {
			op := clause[i]
			if op != '+' && op != '-' && op != '=' {
				return 0, bad
			}
			i++
			var perm uint32
			for i < len(clause) && strings.ContainsRune("rwxXst", rune(clause[i])) {
				switch clause[i] {
				case 'r':
					perm |= 0444
				case 'w':
					perm |= 0222
				case 'x':
					perm |= 0111
				case 'X':
					if isDir || mode&0111 != 0 {
						perm |= 0111
					}
				case 's':
					perm |= 06000
				case 't':
					perm |= 01000
				}
				i++
			}
			perm &= who
			switch op {
			case '+':
				mode |= perm
			case '-':
				mode &^= perm
			case '=':
				mode = mode&^(who&0777) | perm
			}
		}
	}
	return mode, nil
}

// parseUmask reads the "umask=NNNN" line a script printed.
func parseUmask(out []byte) uint32 {
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "umask="); ok {
			if n, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
				return uint32(n)
			}
		}
	}
	return 022
}

// writeDest puts data at path on the target as atomic_move does (an
// existing file keeps its mode and owner, a new one gets 0666 less the
// umask) unless its sha1 already matches, then applies attrs. It returns
// the path's final stat, whether the content was (or would be) replaced,
// whether the attributes changed, or a failure message.
func writeDest(ctx context.Context, conn modules.Conn, path string, st *fileStat, data []byte, attrs fileAttrs, check bool) (final *fileStat, wrote, attrsChanged bool, msg string, err error) {
	cur := ""
	if st.Exists && !st.IsDir {
		c, ferr := fileDigest(ctx, conn, path, st, "sha1")
		if ferr != nil {
			return nil, false, false, ferr.Error(), nil
		}
		cur = c
	}
	var pre strings.Builder
	after := *st
	if cur != digest("sha1", data) {
		wrote = true
		mode := os.FileMode(0666 &^ st.umask)
		if st.Exists && !st.IsDir {
			mode = os.FileMode(st.Mode & 0777)
		}
		after = fileStat{Exists: true, Mode: uint32(mode), Owner: st.Owner, Group: st.Group, UID: st.UID, GID: st.GID, Nlink: 1, Size: int64(len(data)), Sums: map[string]string{}}
		if !st.Exists {
			after.Owner, after.Group, after.UID, after.GID = "", "", -1, -1
		}
		if !check {
			if perr := conn.Put(ctx, bytes.NewReader(data), path, mode); perr != nil {
				return nil, true, false, perr.Error(), nil
			}
			if st.Exists && !st.IsDir {
				fmt.Fprintf(&pre, "chown %d:%d -- %s 2>/dev/null\n", st.UID, st.GID, shq(path))
				if st.Mode&07000 != 0 {
					fmt.Fprintf(&pre, "chmod %04o -- %s 2>/dev/null\n", st.Mode&07777, shq(path))
				}
			}
		}
	}
	final, attrsChanged, msg, err = applyAttrs(ctx, conn, path, &after, attrs, check, pre.String(), wrote)
	return final, wrote, attrsChanged, msg, err
}

// applyAttrs brings path's mode, owner and group to attrs, as
// set_fs_attributes_if_different does, and returns the path's final stat.
// pre is shell text to run first; restat forces a fresh stat.
func applyAttrs(ctx context.Context, conn modules.Conn, path string, st *fileStat, attrs fileAttrs, check bool, pre string, restat bool) (*fileStat, bool, string, error) {
	plan, err := attrs.plan(path, st)
	if err != nil {
		return nil, false, err.Error(), nil
	}
	changed := plan != ""
	if check {
		if changed && attrs.Mode != nil {
			if m, err := resolveMode(attrs.Mode, st.Mode, st.IsDir); err == nil {
				c := *st
				c.Mode = m
				return &c, true, "", nil
			}
		}
		return st, changed, "", nil
	}
	if !changed && !restat && pre == "" {
		return st, false, "", nil
	}
	script := pre + "set -e\n" + plan + "\nset +e\n" + probeScript(shq(path), nil, "")
	out, stderr, rc, err := conn.Exec(ctx, script, nil)
	if err != nil {
		return nil, false, "", err
	}
	if rc != 0 {
		return nil, false, strings.TrimSpace(string(stderr)), nil
	}
	return parseProbe(out, ""), changed, "", nil
}
