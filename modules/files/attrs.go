package files

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/goplay/goplay/modules"
)

// fileArgs are the arguments every file-handling module shares (Ansible's
// add_file_common_args): mode, owner and group are applied; the SELinux
// and attribute ones are accepted and ignored.
type fileArgs struct {
	Mode  any
	Owner string
	Group string
}

// lookupScript prints UID and GID lines resolving non-numeric owner and
// group names on the target.
func (fa fileArgs) lookupScript() string {
	var b strings.Builder
	if fa.Owner != "" && !isNumeric(fa.Owner) {
		fmt.Fprintf(&b, "__uid %s\n", shq(fa.Owner))
	}
	if fa.Group != "" && !isNumeric(fa.Group) {
		fmt.Fprintf(&b, "__gid %s\n", shq(fa.Group))
	}
	return b.String()
}

func isNumeric(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// attrChange is what must change on a path: -1 means nothing.
type attrChange struct {
	uid, gid, mode int
}

func (c attrChange) any() bool { return c.uid >= 0 || c.gid >= 0 || c.mode >= 0 }

var noChange = attrChange{-1, -1, -1}

// diffSide returns diff[side] as a map, creating it.
func diffSide(diff map[string]any, side string) map[string]any {
	if diff == nil {
		return map[string]any{}
	}
	m, ok := diff[side].(map[string]any)
	if !ok {
		m = map[string]any{}
		diff[side] = m
	}
	return m
}

// plan compares st (lstat of path) with the wanted attributes, as
// set_fs_attributes_if_different does, recording changes in diff (may be
// nil). o holds the UID/GID lookups of lookupScript. umask is the target's.
// A non-nil result is a failure.
func (fa fileArgs) plan(path string, st fstat, umask uint32, o *output, diff map[string]any) (attrChange, *modules.Result) {
	ch := noChange
	if fa.Owner != "" {
		uid, err := strconv.Atoi(fa.Owner)
		if err != nil {
			v, _ := o.get("UID")
			if uid, err = strconv.Atoi(v); err != nil {
				return ch, failPath(path, "chown failed: failed to look up user "+fa.Owner)
			}
		}
		if uid != st.UID {
			diffSide(diff, "before")["owner"] = st.UID
			diffSide(diff, "after")["owner"] = uid
			ch.uid = uid
		}
	}
	if fa.Group != "" {
		gid, err := strconv.Atoi(fa.Group)
		if err != nil {
			v, _ := o.get("GID")
			if gid, err = strconv.Atoi(v); err != nil {
				return ch, failPath(path, "chgrp failed: failed to look up group "+fa.Group)
			}
		}
		if gid != st.GID {
			diffSide(diff, "before")["group"] = st.GID
			diffSide(diff, "after")["group"] = gid
			ch.gid = gid
		}
	}
	if fa.Mode != nil {
		m, fail := resolveMode(path, fa.Mode, st, umask)
		if fail != nil {
			return ch, fail
		}
		if m != st.perm() {
			diffSide(diff, "before")["mode"] = fmt.Sprintf("0%03o", st.perm())
			diffSide(diff, "after")["mode"] = fmt.Sprintf("0%03o", m)
			ch.mode = int(m)
		}
	}
	return ch, nil
}

// applyScript changes the attributes of the path in shell variable v,
// printing "ERR chown|chgrp|chmod <message>" and exiting on failure. For
// a symbolic link itself (isLink) ownership changes with -h and the mode
// is left alone (Linux has no lchmod); otherwise links are followed.
func (c attrChange) applyScript(v string, isLink bool) string {
	var b strings.Builder
	h := ""
	if isLink {
		h = "-h "
	}
	if c.uid >= 0 {
		fmt.Fprintf(&b, "__e=$(chown %s%d -- \"$%s\" 2>&1) || { printf 'ERR chown %%s\\n' \"$__e\"; exit 0; }\n", h, c.uid, v)
	}
	if c.gid >= 0 {
		fmt.Fprintf(&b, "__e=$(chgrp %s%d -- \"$%s\" 2>&1) || { printf 'ERR chgrp %%s\\n' \"$__e\"; exit 0; }\n", h, c.gid, v)
	}
	if c.mode >= 0 && !isLink {
		fmt.Fprintf(&b, "__e=$(chmod %04o -- \"$%s\" 2>&1) || { printf 'ERR chmod %%s\\n' \"$__e\"; exit 0; }\n", c.mode, v)
	}
	return b.String()
}

// attrError turns an "ERR" line of applyScript into Ansible's failure.
func attrError(o *output, path string) *modules.Result {
	v, ok := o.get("ERR")
	if !ok {
		return nil
	}
	kind, text, _ := strings.Cut(v, " ")
	errno := pyErrno(text)
	switch kind {
	case "chown":
		return failPath(path, "chown failed: "+errno+": "+pyBytes(path))
	case "chgrp":
		return failPath(path, "chgrp failed")
	case "chmod":
		r := failPath(path, "chmod failed")
		r.Data["details"] = errno + ": " + pyBytes(path)
		return r
	}
	return failPath(path, text)
}

// pyErrno maps a coreutils error text to Python's "[Errno N] text".
func pyErrno(text string) string {
	for _, e := range []struct {
		n   int
		msg string
	}{
		{1, "Operation not permitted"}, {2, "No such file or directory"}, {13, "Permission denied"},
		{20, "Not a directory"}, {21, "Is a directory"}, {17, "File exists"}, {30, "Read-only file system"},
		{39, "Directory not empty"}, {28, "No space left on device"}, {40, "Too many levels of symbolic links"},
	} {
		if strings.Contains(text, e.msg) {
			return fmt.Sprintf("[Errno %d] %s", e.n, e.msg)
		}
	}
	return strings.TrimSpace(text)
}

// pyBytes is Python's repr of a bytes path: b'/x'.
func pyBytes(s string) string {
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		return `b"` + s + `"`
	}
	return "b'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}

func failPath(path, msg string) *modules.Result {
	return &modules.Result{Failed: true, Msg: msg, Data: map[string]any{"path": path}}
}

// resolveMode turns a mode argument into permission bits, as
// set_mode_if_different does: an int is used as is, a string is octal or
// else symbolic (u+rwx,g-w,o=r …) applied to st with the target's umask.
func resolveMode(path string, mode any, st fstat, umask uint32) (uint32, *modules.Result) {
	switch x := mode.(type) {
	case int:
		return uint32(x), nil
	case int64:
		return uint32(x), nil
	case float64:
		if x == math.Trunc(x) && x >= 0 {
			return uint32(x), nil
		}
	}
	s := modules.ToString(mode)
	if n, ok := pyOctal(s); ok {
		return uint32(n), nil
	}
	m, err := symbolicMode(st, s, umask)
	if err != nil {
		r := failPath(path, "mode must be in octal or symbolic form")
		r.Data["details"] = err.Error()
		return 0, r
	}
	if m&^0o7777 != 0 {
		r := failPath(path, "Invalid mode supplied, only permission info is allowed")
		r.Data["details"] = int(m)
		return 0, r
	}
	return m, nil
}

// pyOctal is Python's int(s, 8).
func pyOctal(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) > 2 && (s[:2] == "0o" || s[:2] == "0O") {
		s = s[2:]
		if strings.HasPrefix(s, "_") {
			s = s[1:]
		}
	}
	if s == "" || strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 8, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// symbolicMode is _symbolic_mode_to_octal.
func symbolicMode(st fstat, sym string, umask uint32) (uint32, error) {
	newMode := st.perm()
	prev := st.perm()
	for _, clause := range strings.Split(sym, ",") {
		// Split on the operators like re.split('[+=-]').
		var parts []string
		var ops []byte
		start := 0
		for i := 0; i < len(clause); i++ {
			if c := clause[i]; c == '+' || c == '=' || c == '-' {
				parts = append(parts, clause[start:i])
				ops = append(ops, c)
				start = i + 1
			}
		}
		parts = append(parts, clause[start:])
		users := parts[0]
		useUmask := users == ""
		if users == "a" || users == "" {
			users = "ugo"
		}
		if strings.Trim(users, "ugo") != "" {
			return 0, fmt.Errorf("bad symbolic permission for mode: %s", clause)
		}
		for idx, perms := range parts[1:] {
			if strings.Trim(perms, "rwxXstugo") != "" {
				return 0, fmt.Errorf("bad symbolic permission for mode: %s", clause)
			}
			for _, u := range users {
				apply := permsFor(st, prev, byte(u), perms, useUmask, umask)
				newMode = applyOp(byte(u), ops[idx], apply, newMode)
			}
		}
		if len(ops) == 0 {
			// Python: permlist has only users; nothing applied.
			continue
		}
	}
	return newMode, nil
}

func applyOp(user, op byte, apply, cur uint32) uint32 {
	switch op {
	case '=':
		var mask uint32
		switch user {
		case 'u':
			mask = 0o700 | 0o4000
		case 'g':
			mask = 0o070 | 0o2000
		case 'o':
			mask = 0o007 | 0o1000
		}
		return (cur & (mask ^ 0o7777)) | apply
	case '+':
		return cur | apply
	case '-':
		return cur - (cur & apply)
	}
	return cur
}

func permsFor(st fstat, prev uint32, user byte, perms string, useUmask bool, umask uint32) uint32 {
	applyX := st.isDir() || prev&0o111 != 0
	rev := umask ^ 0o7777
	bit := func(b uint32) uint32 {
		if useUmask {
			return rev & b
		}
		return b
	}
	// the bits of class c (u, g, o) sit at shift[c]
	shift := map[rune]uint32{'u': 6, 'g': 3, 'o': 0}
	sh, ok := shift[rune(user)]
	if !ok {
		return 0
	}
	special := map[byte]rune{'u': 's', 'g': 's', 'o': 't'}[user]
	var out uint32
	for _, p := range perms {
		var v uint32
		switch p {
		case 'r':
			v = bit(4 << sh)
		case 'w':
			v = bit(2 << sh)
		case 'x':
			v = bit(1 << sh)
		case 'X':
			if applyX {
				v = 1 << sh
			}
		case 'u', 'g', 'o':
			// copy another class's bits
			v = (prev >> shift[p] & 7) << sh
		case special:
			// setuid, setgid, sticky
			v = map[byte]uint32{'u': 0o4000, 'g': 0o2000, 'o': 0o1000}[user]
		}
		out |= v
	}
	return out
}

// umaskOf reads the "UMASK" line (default 022).
func umaskOf(o *output) uint32 {
	v, ok := o.get("UMASK")
	if !ok {
		return 0o022
	}
	n, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
	if err != nil {
		return 0o022
	}
	return uint32(n)
}

// umaskScript prints the target's umask and the ids new files get.
const umaskScript = "printf 'UMASK %s\\nME %s %s\\n' \"$(umask)\" \"$(id -u)\" \"$(id -g)\"\n"

// newStat is the stat of a file the target is about to create with mode
// (type and permission bits): owned by the user the scripts run as.
func newStat(o *output, mode uint32) fstat {
	st := fstat{Exists: true, Mode: mode, UID: -1, GID: -1}
	if v, ok := o.get("ME"); ok {
		if u, g, ok := strings.Cut(v, " "); ok {
			if n, err := strconv.Atoi(u); err == nil {
				st.UID = n
			}
			if n, err := strconv.Atoi(g); err == nil {
				st.GID = n
			}
		}
	}
	return st
}
