package local

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/interp"
)

// Go versions of the GNU coreutils that goplay's scripts call, for their
// success path only. A coreutil returns handled=false, before it has read
// its input or changed anything, whenever it would fail or meets something
// it does not know; the real program then runs with the same arguments, so
// every message stays GNU's. Output is written only once everything
// succeeded.

// coreutil runs with args (without the program name).
type coreutil func(u *utilCtx, args []string) (handled bool, status int)

type utilCtx struct {
	hc    interp.HandlerContext
	dir   string
	umask uint32
	stdin *os.File
	// committed is set once the utility may have changed something, after
	// which it must not fall back.
	committed bool
}

func (u *utilCtx) path(p string) string {
	if p == "" || strings.HasPrefix(p, "/") {
		return p
	}
	return u.dir + "/" + p
}

func (u *utilCtx) out(b []byte) { u.hc.Stdout.Write(b) }

var coreutils map[string]coreutil

func init() {
	coreutils = map[string]coreutil{
		"stat":     utilStat,
		"id":       utilID,
		"mkdir":    utilMkdir,
		"dirname":  utilDirname,
		"basename": utilBasename,
		"rm":       utilRm,
		"head":     utilHead,
		"chmod":    utilChmod,
		"chown":    utilChown,
		"chgrp":    utilChgrp,
		"mv":       utilMv,
		"sha1sum":  utilSha1sum,
		"base64":   utilBase64,
		"cat":      utilCat,
		"readlink": utilReadlink,
		"date":     utilDate,
	}
}

// isGNUCoreutil reports whether the program at path is GNU coreutils', so
// that a Go version prints the same: dpkg's file list of coreutils says so
// (when the file is not diverted), or else the program contains "GNU
// coreutils"; that answer is cached per file.
func isGNUCoreutil(path string) bool {
	if m := dpkgCoreutils(); m != nil {
		if m[path] {
			return true
		}
		// usr-merged systems list /bin/stat for /usr/bin/stat.
		for _, d := range [][2]string{{"/usr/bin/", "/bin/"}, {"/usr/sbin/", "/sbin/"}} {
			if rest, ok := strings.CutPrefix(path, d[0]); ok && m[d[1]+rest] && usrMerged(d[1]) {
				return true
			}
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		return false
	}
	key := gnuKey{path, st.Size(), st.ModTime().UnixNano()}
	gnuMu.Lock()
	v, ok := gnuCache[key]
	gnuMu.Unlock()
	if ok {
		return v
	}
	b, err := os.ReadFile(path)
	v = err == nil && bytes.Contains(b, []byte("GNU coreutils"))
	gnuMu.Lock()
	gnuCache[key] = v
	gnuMu.Unlock()
	return v
}

// dpkgCoreutils is the set of programs dpkg installed from coreutils and
// did not divert, or nil.
var dpkgCoreutils = sync.OnceValue(func() map[string]bool {
	b, err := os.ReadFile("/var/lib/dpkg/info/coreutils.list")
	if err != nil {
		return nil
	}
	m := map[string]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "/bin/") || strings.HasPrefix(l, "/usr/bin/") {
			m[l] = true
		}
	}
	if d, err := os.ReadFile("/var/lib/dpkg/diversions"); err == nil {
		for _, l := range strings.Split(string(d), "\n") {
			delete(m, l)
			if rest, ok := strings.CutPrefix(l, "/usr"); ok {
				delete(m, rest)
			} else {
				delete(m, "/usr"+l)
			}
		}
	}
	return m
})

// usrMerged reports whether dir ("/bin/") is a link to its /usr twin.
func usrMerged(dir string) bool {
	v, _ := usrMerge.LoadOrStore(dir, sync.OnceValue(func() bool {
		l, err := os.Readlink(strings.TrimSuffix(dir, "/"))
		return err == nil && (l == "usr"+strings.TrimSuffix(dir, "/") || l == "/usr"+strings.TrimSuffix(dir, "/"))
	}))
	return v.(func() bool)()
}

var usrMerge sync.Map

type gnuKey struct {
	path  string
	size  int64
	mtime int64
}

var (
	gnuMu    sync.Mutex
	gnuCache = map[gnuKey]bool{}
)

// operands splits args at the options: it returns the options (each a
// separate word as given) and the operands, honouring "--". GNU getopt
// permutes, so options after operands count too.
func operands(args []string) (opts, ops []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			ops = append(ops, args[i+1:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' {
			opts = append(opts, a)
			continue
		}
		ops = append(ops, a)
	}
	return opts, ops
}

// --- stat ---

func utilStat(u *utilCtx, args []string) (bool, int) {
	follow := false
	format := ""
	haveFmt := false
	var ops []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			ops = append(ops, args[i+1:]...)
			i = len(args)
		case a == "-L" || a == "--dereference":
			follow = true
		case a == "-c":
			if i+1 >= len(args) {
				return false, 0
			}
			format, haveFmt = args[i+1], true
			i++
		case strings.HasPrefix(a, "--format="):
			format, haveFmt = a[len("--format="):], true
		case strings.HasPrefix(a, "-c") && len(a) > 2:
			format, haveFmt = a[2:], true
		case len(a) > 1 && a[0] == '-':
			return false, 0
		default:
			ops = append(ops, a)
		}
	}
	if !haveFmt || len(ops) == 0 || !timeZoneIsOurs(u) {
		return false, 0
	}
	var out []byte
	for _, p := range ops {
		if p == "-" {
			// stat's stdin
			return false, 0
		}
		var st syscall.Stat_t
		var err error
		if follow {
			err = syscall.Stat(u.path(p), &st)
		} else {
			err = syscall.Lstat(u.path(p), &st)
		}
		if err != nil {
			return false, 0
		}
		line, ok := statFormat(format, &st)
		if !ok {
			return false, 0
		}
		out = append(out, line...)
		out = append(out, '\n')
	}
	u.out(out)
	return true, 0
}

// statFormat expands the %-directives of stat -c that goplay uses.
func statFormat(format string, st *syscall.Stat_t) ([]byte, bool) {
	var b []byte
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b = append(b, c)
			continue
		}
		if i+1 >= len(format) {
			return nil, false
		}
		i++
		switch format[i] {
		case '%':
			b = append(b, '%')
		case 'f':
			b = strconv.AppendUint(b, uint64(st.Mode), 16)
		case 's':
			b = strconv.AppendInt(b, st.Size, 10)
		case 'u':
			b = strconv.AppendUint(b, uint64(st.Uid), 10)
		case 'g':
			b = strconv.AppendUint(b, uint64(st.Gid), 10)
		case 'U':
			name, ok := idName("/etc/passwd", st.Uid)
			if !ok {
				return nil, false
			}
			b = append(b, name...)
		case 'G':
			name, ok := idName("/etc/group", st.Gid)
			if !ok {
				return nil, false
			}
			b = append(b, name...)
		case 'h':
			b = strconv.AppendUint(b, uint64(st.Nlink), 10)
		case 'i':
			b = strconv.AppendUint(b, st.Ino, 10)
		case 'd':
			b = strconv.AppendUint(b, st.Dev, 10)
		case 'o':
			b = strconv.AppendInt(b, int64(st.Blksize), 10)
		case 'b':
			b = strconv.AppendInt(b, st.Blocks, 10)
		case 't':
			b = strconv.AppendUint(b, uint64(major(st.Rdev)), 16)
		case 'T':
			b = strconv.AppendUint(b, uint64(minor(st.Rdev)), 16)
		case 'x':
			b = appendStatTime(b, st.Atim)
		case 'y':
			b = appendStatTime(b, st.Mtim)
		case 'z':
			b = appendStatTime(b, st.Ctim)
		default:
			return nil, false
		}
	}
	return b, true
}

func major(dev uint64) uint32 {
	return uint32((dev>>8)&0xfff) | uint32((dev>>32)&^0xfff)
}

func minor(dev uint64) uint32 {
	return uint32(dev&0xff) | uint32((dev>>12)&^0xff)
}

// appendStatTime formats as stat's %y: "2026-11-27 14:37:37.852295600 +0000".
func appendStatTime(b []byte, ts syscall.Timespec) []byte {
	t := time.Unix(ts.Sec, ts.Nsec).Local()
	b = t.AppendFormat(b, "2006-01-02 15:04:05.")
	b = fmt.Appendf(b, "%09d", t.Nanosecond())
	return t.AppendFormat(b, " -0700")
}

// timeZoneIsOurs reports whether the script's TZ is the one Go's local
// time was loaded with, so that times print as the real program's would.
func timeZoneIsOurs(u *utilCtx) bool {
	v := u.hc.Env.Get("TZ")
	pv, pok := os.LookupEnv("TZ")
	if v.IsSet() != pok {
		return false
	}
	return !pok || v.String() == pv
}

// idName looks id up in an /etc/passwd-like file, as NSS "files" does.
func idName(file string, id uint32) (string, bool) {
	want := strconv.FormatUint(uint64(id), 10)
	name := ""
	found := false
	scanDB(file, func(f []string) bool {
		if len(f) >= 3 && f[2] == want {
			name, found = f[0], true
			return false
		}
		return true
	})
	return name, found
}

// nameID looks a name up in an /etc/passwd-like file; col is the field of
// the id wanted (2 for the uid or gid, 3 for a user's group).
func nameID(file, name string, col int) (string, bool) {
	id := ""
	found := false
	scanDB(file, func(f []string) bool {
		if len(f) > col && f[0] == name {
			id, found = f[col], true
			return false
		}
		return true
	})
	if found {
		if _, err := strconv.ParseUint(id, 10, 32); err != nil {
			return "", false
		}
	}
	return id, found
}

func scanDB(file string, f func([]string) bool) {
	fh, err := os.Open(file)
	if err != nil {
		return
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == '+' || line[0] == '-' {
			continue
		}
		if !f(strings.Split(line, ":")) {
			return
		}
	}
}

// --- id ---

func utilID(u *utilCtx, args []string) (bool, int) {
	opts, ops := operands(args)
	if len(opts) != 1 || len(ops) > 1 {
		return false, 0
	}
	var v string
	switch opts[0] {
	case "-u":
		if len(ops) == 0 {
			v = strconv.Itoa(os.Geteuid())
		} else {
			id, ok := nameID("/etc/passwd", ops[0], 2)
			if !ok {
				return false, 0
			}
			v = id
		}
	case "-g":
		if len(ops) == 0 {
			v = strconv.Itoa(os.Getegid())
		} else {
			id, ok := nameID("/etc/passwd", ops[0], 3)
			if !ok {
				return false, 0
			}
			v = id
		}
	default:
		return false, 0
	}
	u.out([]byte(v + "\n"))
	return true, 0
}

// --- mkdir ---

func utilMkdir(u *utilCtx, args []string) (bool, int) {
	opts, ops := operands(args)
	parents := false
	for _, o := range opts {
		if o != "-p" && o != "--parents" {
			return false, 0
		}
		parents = true
	}
	if len(ops) != 1 || ops[0] == "" || u.umask != procUmask() {
		return false, 0
	}
	p := u.path(ops[0])
	if !parents {
		if err := os.Mkdir(p, 0o777); err != nil {
			return false, 0
		}
		return true, 0
	}
	if u.umask&0o300 != 0 || strings.Contains(ops[0], "..") {
		return false, 0
	}
	// Check first: every existing prefix must be a directory.
	var missing []string
	for q := filepath.Clean(p); ; q = filepath.Dir(q) {
		st, err := os.Stat(q)
		if err == nil {
			if !st.IsDir() {
				return false, 0
			}
			break
		}
		if !os.IsNotExist(err) {
			return false, 0
		}
		missing = append(missing, q)
		if q == filepath.Dir(q) {
			return false, 0
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o777); err != nil && !os.IsExist(err) {
			if i == len(missing)-1 {
				return false, 0
			}
			// Part is made: let the real mkdir -p report the rest.
			return false, 0
		}
		u.committed = true
	}
	return true, 0
}

// --- dirname, basename ---

func utilDirname(u *utilCtx, args []string) (bool, int) {
	opts, ops := operands(args)
	if len(opts) != 0 || len(ops) == 0 {
		return false, 0
	}
	var out []byte
	for _, p := range ops {
		out = append(out, dirName(p)...)
		out = append(out, '\n')
	}
	u.out(out)
	return true, 0
}

// dirName is GNU dirname's result for p.
func dirName(p string) string {
	end := len(p)
	for end > 0 && p[end-1] == '/' {
		end--
	}
	if end == 0 {
		if p == "" {
			return "."
		}
		return "/"
	}
	for end > 0 && p[end-1] != '/' {
		end--
	}
	for end > 0 && p[end-1] == '/' {
		end--
	}
	if end == 0 {
		if p[0] == '/' {
			return "/"
		}
		return "."
	}
	return p[:end]
}

func utilBasename(u *utilCtx, args []string) (bool, int) {
	opts, ops := operands(args)
	if len(opts) != 0 || len(ops) != 1 {
		return false, 0
	}
	u.out([]byte(baseName(ops[0]) + "\n"))
	return true, 0
}

// baseName is GNU basename's result for p (no suffix).
func baseName(p string) string {
	if p == "" {
		return ""
	}
	end := len(p)
	for end > 0 && p[end-1] == '/' {
		end--
	}
	if end == 0 {
		return "/"
	}
	start := end
	for start > 0 && p[start-1] != '/' {
		start--
	}
	return p[start:end]
}

// --- rm ---

func utilRm(u *utilCtx, args []string) (bool, int) {
	opts, ops := operands(args)
	force, recursive := false, false
	for _, o := range opts {
		if strings.HasPrefix(o, "--") {
			switch o {
			case "--force":
				force = true
			case "--recursive":
				recursive = true
			default:
				return false, 0
			}
			continue
		}
		for _, c := range o[1:] {
			switch c {
			case 'f':
				force = true
			case 'r', 'R':
				recursive = true
			default:
				return false, 0
			}
		}
	}
	if len(ops) == 0 {
		if force {
			return true, 0
		}
		return false, 0
	}
	type target struct {
		path string
		dir  bool
	}
	var ts []target
	for _, op := range ops {
		b := strings.TrimRight(op, "/")
		if b == "" || b == "." || b == ".." || strings.HasSuffix(b, "/.") || strings.HasSuffix(b, "/..") {
			return false, 0
		}
		if strings.HasSuffix(op, "/") {
			return false, 0
		}
		p := u.path(op)
		st, err := os.Lstat(p)
		if err != nil {
			if os.IsNotExist(err) && force {
				continue
			}
			return false, 0
		}
		if st.IsDir() {
			if !recursive {
				return false, 0
			}
			if r, err := filepath.EvalSymlinks(p); err != nil || r == "/" {
				return false, 0
			}
		}
		// Without -f, GNU asks before removing a write-protected file when
		// stdin is a terminal; let the real rm decide about those.
		if !force && st.Mode()&os.ModeSymlink == 0 && syscall.Access(p, 2) != nil {
			return false, 0
		}
		ts = append(ts, target{p, st.IsDir()})
	}
	for i, t := range ts {
		var err error
		if t.dir {
			err = os.RemoveAll(t.path)
		} else {
			err = os.Remove(t.path)
			if err != nil && os.IsNotExist(err) && force {
				err = nil
			}
		}
		if err != nil {
			if i == 0 && !t.dir {
				return false, 0
			}
			u.committed = true
			return false, 0
		}
		u.committed = true
	}
	return true, 0
}

// --- head -c N ---

func utilHead(u *utilCtx, args []string) (bool, int) {
	var nstr string
	switch {
	case len(args) == 2 && args[0] == "-c":
		nstr = args[1]
	case len(args) == 1 && strings.HasPrefix(args[0], "-c") && len(args[0]) > 2:
		nstr = args[0][2:]
	default:
		return false, 0
	}
	for _, c := range nstr {
		if c < '0' || c > '9' {
			return false, 0
		}
	}
	n, err := strconv.ParseInt(nstr, 10, 64)
	if err != nil || u.stdin == nil {
		return false, 0
	}
	u.committed = true
	// Read exactly n bytes: what follows belongs to the next command.
	buf := make([]byte, min(n, 64<<10))
	w := u.hc.Stdout
	for n > 0 {
		k, rerr := u.stdin.Read(buf[:min(n, int64(len(buf)))])
		if k > 0 {
			if _, werr := w.Write(buf[:k]); werr != nil {
				if errors.Is(werr, syscall.EPIPE) {
					return true, 128 + int(syscall.SIGPIPE)
				}
				fmt.Fprintf(u.hc.Stderr, "head: error writing 'standard output': %s\n", errText(werr))
				return true, 1
			}
			n -= int64(k)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			fmt.Fprintf(u.hc.Stderr, "head: error reading 'standard input': %s\n", errText(rerr))
			return true, 1
		}
	}
	return true, 0
}

// --- chmod, chown, chgrp ---

func utilChmod(u *utilCtx, args []string) (bool, int) {
	var mode uint32
	var ref string
	var ops []string
	haveMode := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			ops = append(ops, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "--reference="):
			ref = a[len("--reference="):]
		case len(a) > 1 && a[0] == '-':
			return false, 0
		case !haveMode && ref == "":
			m, ok := parseOctalMode(a)
			if !ok {
				return false, 0
			}
			mode, haveMode = m, true
		default:
			ops = append(ops, a)
		}
	}
	if ref != "" {
		if haveMode {
			// The first operand was a file after all.
			return false, 0
		}
		st, err := os.Stat(u.path(ref))
		if err != nil {
			return false, 0
		}
		mode = uint32(st.Sys().(*syscall.Stat_t).Mode & 0o7777)
	} else if !haveMode {
		return false, 0
	}
	if len(ops) != 1 {
		return false, 0
	}
	p := u.path(ops[0])
	st, err := os.Stat(p)
	if err != nil || st.IsDir() {
		// Directories keep set-id bits under GNU rules.
		return false, 0
	}
	if err := syscall.Chmod(p, mode); err != nil {
		return false, 0
	}
	return true, 0
}

func parseOctalMode(s string) (uint32, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil {
		return 0, false
	}
	return uint32(n), true
}

func utilChown(u *utilCtx, args []string) (bool, int) { return chownLike(u, args, false) }
func utilChgrp(u *utilCtx, args []string) (bool, int) { return chownLike(u, args, true) }

func chownLike(u *utilCtx, args []string, grp bool) (bool, int) {
	uid, gid := -1, -1
	var ref, spec string
	var ops []string
	haveSpec := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			ops = append(ops, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "--reference="):
			ref = a[len("--reference="):]
		case len(a) > 1 && a[0] == '-':
			return false, 0
		case !haveSpec && ref == "":
			spec, haveSpec = a, true
		default:
			ops = append(ops, a)
		}
	}
	switch {
	case ref != "" && !haveSpec:
		st, err := os.Stat(u.path(ref))
		if err != nil {
			return false, 0
		}
		s := st.Sys().(*syscall.Stat_t)
		if grp {
			gid = int(s.Gid)
		} else {
			uid, gid = int(s.Uid), int(s.Gid)
		}
	case haveSpec && ref == "":
		num := func(s string) (int, bool) {
			if s == "" {
				return -1, false
			}
			for _, c := range s {
				if c < '0' || c > '9' {
					return -1, false
				}
			}
			n, err := strconv.ParseUint(s, 10, 31)
			return int(n), err == nil
		}
		if grp {
			g, ok := num(spec)
			if !ok {
				return false, 0
			}
			gid = g
		} else {
			us, gs, hasG := strings.Cut(spec, ":")
			if us != "" {
				v, ok := num(us)
				if !ok {
					return false, 0
				}
				uid = v
			}
			if hasG && gs != "" {
				v, ok := num(gs)
				if !ok {
					return false, 0
				}
				gid = v
			}
			if hasG && gs == "" && us != "" {
				// "user:" means the user's login group.
				return false, 0
			}
		}
	default:
		return false, 0
	}
	if len(ops) != 1 {
		return false, 0
	}
	if err := os.Chown(u.path(ops[0]), uid, gid); err != nil {
		return false, 0
	}
	return true, 0
}

// --- mv ---

func utilMv(u *utilCtx, args []string) (bool, int) {
	opts, ops := operands(args)
	noTarget := false
	for _, o := range opts {
		if strings.HasPrefix(o, "--") {
			switch o {
			case "--force":
			case "--no-target-directory":
				noTarget = true
			default:
				return false, 0
			}
			continue
		}
		for _, c := range o[1:] {
			switch c {
			case 'f':
			case 'T':
				noTarget = true
			default:
				return false, 0
			}
		}
	}
	if len(ops) != 2 || ops[0] == "" || ops[1] == "" {
		return false, 0
	}
	src, dst := u.path(ops[0]), u.path(ops[1])
	if strings.HasSuffix(ops[0], "/") || strings.HasSuffix(ops[1], "/") {
		return false, 0
	}
	sst, err := os.Lstat(src)
	if err != nil {
		return false, 0
	}
	if dl, err := os.Lstat(dst); err == nil {
		// Refuse any form of "the same file" (through links too).
		same := os.SameFile(sst, dl)
		if ss, err := os.Stat(src); err == nil {
			same = same || os.SameFile(ss, dl)
			if ds, err := os.Stat(dst); err == nil {
				same = same || os.SameFile(ss, ds)
			}
		}
		if ds, err := os.Stat(dst); err == nil {
			same = same || os.SameFile(sst, ds)
		}
		if same {
			return false, 0
		}
		if dl.IsDir() || sst.IsDir() {
			return false, 0
		}
		if !noTarget {
			if ds, err := os.Stat(dst); err == nil && ds.IsDir() {
				return false, 0
			}
		}
	} else if !os.IsNotExist(err) {
		return false, 0
	}
	if err := os.Rename(src, dst); err != nil {
		return false, 0
	}
	return true, 0
}

// --- sha1sum, base64, cat (stdin or plain files) ---

// inputs opens the inputs of a filter: stdin when there are no operands.
// It refuses directories and anything that cannot be opened, so that the
// real program reports them.
func (u *utilCtx) inputs(ops []string) ([]*os.File, func(), bool) {
	if len(ops) == 0 {
		if u.stdin == nil {
			return nil, nil, false
		}
		st, err := u.stdin.Stat()
		if err != nil || st.IsDir() {
			return nil, nil, false
		}
		return []*os.File{u.stdin}, func() {}, true
	}
	var fs []*os.File
	closeAll := func() {
		for _, f := range fs {
			f.Close()
		}
	}
	for _, op := range ops {
		if op == "-" {
			closeAll()
			return nil, nil, false
		}
		f, err := os.Open(u.path(op))
		if err != nil {
			closeAll()
			return nil, nil, false
		}
		fs = append(fs, f)
		if st, err := f.Stat(); err != nil || st.IsDir() {
			closeAll()
			return nil, nil, false
		}
	}
	return fs, closeAll, true
}

func utilSha1sum(u *utilCtx, args []string) (bool, int) {
	opts, ops := operands(args)
	if len(opts) != 0 || len(ops) != 0 {
		return false, 0
	}
	in, done, ok := u.inputs(nil)
	if !ok {
		return false, 0
	}
	defer done()
	h := sha1.New()
	if n, err := io.Copy(h, in[0]); err != nil {
		if n > 0 {
			fmt.Fprintf(u.hc.Stderr, "sha1sum: -: %s\n", errText(err))
			return true, 1
		}
		return false, 0
	}
	u.out([]byte(hex.EncodeToString(h.Sum(nil)) + "  -\n"))
	return true, 0
}

func utilBase64(u *utilCtx, args []string) (bool, int) {
	if len(args) != 1 || args[0] != "-w0" {
		return false, 0
	}
	in, done, ok := u.inputs(nil)
	if !ok {
		return false, 0
	}
	defer done()
	data, err := io.ReadAll(in[0])
	if err != nil {
		if len(data) == 0 {
			return false, 0
		}
		fmt.Fprintf(u.hc.Stderr, "base64: read error: %s\n", errText(err))
		return true, 1
	}
	u.out([]byte(base64.StdEncoding.EncodeToString(data)))
	return true, 0
}

func utilCat(u *utilCtx, args []string) (bool, int) {
	opts, ops := operands(args)
	if len(opts) != 0 {
		return false, 0
	}
	in, done, ok := u.inputs(ops)
	if !ok {
		return false, 0
	}
	defer done()
	for _, f := range in {
		if _, err := io.Copy(u.hc.Stdout, f); err != nil {
			if errors.Is(err, syscall.EPIPE) {
				// GNU cat dies of SIGPIPE, silently.
				return true, 128 + int(syscall.SIGPIPE)
			}
			if f == u.stdin {
				u.committed = true
				fmt.Fprintf(u.hc.Stderr, "cat: -: %s\n", errText(err))
				return true, 1
			}
			return false, 0
		}
	}
	return true, 0
}

// --- readlink ---

func utilReadlink(u *utilCtx, args []string) (bool, int) {
	opts, ops := operands(args)
	canon := false
	for _, o := range opts {
		if o != "-f" && o != "--canonicalize" {
			return false, 0
		}
		canon = true
	}
	if len(ops) != 1 || ops[0] == "" {
		return false, 0
	}
	p := u.path(ops[0])
	var r string
	if canon {
		if strings.HasSuffix(ops[0], "/") {
			return false, 0
		}
		// Every component must exist: then the result is realpath's.
		rp, err := filepath.EvalSymlinks(p)
		if err != nil {
			return false, 0
		}
		if !filepath.IsAbs(rp) {
			return false, 0
		}
		r = rp
	} else {
		l, err := os.Readlink(p)
		if err != nil {
			return false, 0
		}
		r = l
	}
	if strings.ContainsRune(r, '\n') {
		return false, 0
	}
	u.out([]byte(r + "\n"))
	return true, 0
}

// --- date +FORMAT ---

func utilDate(u *utilCtx, args []string) (bool, int) {
	if len(args) != 1 || !strings.HasPrefix(args[0], "+") || !timeZoneIsOurs(u) {
		return false, 0
	}
	t := time.Now()
	var b []byte
	f := args[0][1:]
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b = append(b, f[i])
			continue
		}
		if i+1 >= len(f) {
			return false, 0
		}
		i++
		switch f[i] {
		case 'Y':
			b = fmt.Appendf(b, "%d", t.Year())
		case 'm':
			b = fmt.Appendf(b, "%02d", int(t.Month()))
		case 'd':
			b = fmt.Appendf(b, "%02d", t.Day())
		case 'H':
			b = fmt.Appendf(b, "%02d", t.Hour())
		case 'M':
			b = fmt.Appendf(b, "%02d", t.Minute())
		case 'S':
			b = fmt.Appendf(b, "%02d", t.Second())
		case 's':
			b = strconv.AppendInt(b, t.Unix(), 10)
		case 'N':
			b = fmt.Appendf(b, "%09d", t.Nanosecond())
		case '%':
			b = append(b, '%')
		default:
			return false, 0
		}
	}
	b = append(b, '\n')
	u.out(b)
	return true, 0
}

// strerror is glibc's message for errno.
func strerror(e syscall.Errno) string {
	s := e.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func errText(err error) string {
	var errno syscall.Errno
	for e := err; e != nil; {
		if en, ok := e.(syscall.Errno); ok {
			errno = en
			return strerror(errno)
		}
		uw, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = uw.Unwrap()
	}
	return err.Error()
}
