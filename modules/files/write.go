package files

import (
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// maxDiffSize is Ansible's MAX_FILE_SIZE_FOR_DIFF.
const maxDiffSize = 104448

// writeStep is one file written from the script's standard input.
type writeStep struct {
	dest     string // the file to (re)place
	size     int64  // bytes to read from stdin
	backup   bool   // keep a backup copy of an existing dest (prints BACKUP)
	validate string // command with %s, run on the staged file
	attrs    attrChange
	// mkdirs creates missing parent directories first (mode: dirMode when
	// >= 0, then dirAttrs).
	mkdirs   bool
	dirMode  int
	statTag  string // print the final lstat under this tag ("" for none)
	tmpName  string // staged file name (set by script)
	noAttrsP bool   // do not copy the old file's owner and mode (its lstat is a link)
	// destVar, when set, names the shell variable that holds dest (known
	// only on the target); the staged name is then printed as "TMP".
	destVar string
	// shellAttrs are extra commands applied to the staged file "$__t".
	shellAttrs string
	// stageVar, when set, names a shell variable that may hold the path of
	// the data staged by the login user (modules.StagingConn); when it is
	// non-empty on the target the data comes from that file, not stdin.
	stageVar string
}

// script returns the shell commands of a writeStep. The data is read with
// head -c, so several steps can share one stdin stream. On failure it
// prints "ERR <kind> <text>" and exits.
func (w *writeStep) script() string {
	var b strings.Builder
	if w.destVar != "" {
		fmt.Fprintf(&b, "__d=\"$%s\"; __t=\"$(dirname -- \"$__d\")/.$(basename -- \"$__d\").goplay-%s.tmp\"; printf 'TMP %%s\\n' \"$__t\"\n", w.destVar, nonce())
	} else {
		w.tmpName = path.Join(path.Dir(w.dest), "."+path.Base(w.dest)+".goplay-"+nonce()+".tmp")
		fmt.Fprintf(&b, "__d=%s; __t=%s\n", shq(w.dest), shq(w.tmpName))
	}
	if w.mkdirs {
		fmt.Fprintf(&b, "__dd=$(dirname -- \"$__d\"); if [ ! -d \"$__dd\" ]; then __e=$(mkdir -p -- \"$__dd\" 2>&1) || { %s; printf 'ERR mkdir %%s\\n' \"$__e\"; exit 0; }", w.discard())
		if w.dirMode >= 0 {
			fmt.Fprintf(&b, "; chmod %04o -- \"$__dd\"", w.dirMode)
		}
		b.WriteString("; fi\n")
	}
	if w.backup {
		b.WriteString(`if [ -f "$__d" ] && [ ! -h "$__d" ]; then __bk "$__d" || { ` + w.discard() + `; echo 'ERR backup'; exit 0; }; fi` + "\n")
	}
	// The data is staged private (umask 077) and given its final mode and
	// owner before it is renamed into place, so it is never readable by
	// others on the way.
	b.WriteString(`trap 'rm -f -- "$__t"' EXIT` + "\n")
	if w.stageVar == "" {
		fmt.Fprintf(&b, "rm -f -- \"$__t\"; __e=$( (umask 077 && head -c %d > \"$__t\") 2>&1) || { printf 'ERR write %%s\\n' \"$__e\"; exit 0; }\n", w.size)
	} else {
		// The staged file is renamed next to dest (keeping the owner and
		// group the login user gave it, as atomic_move's rename does); when
		// the become user cannot move it (an ACL only lets it read), its
		// data is copied into a new file.
		fmt.Fprintf(&b, "rm -f -- \"$__t\"; if [ -n \"$%[1]s\" ]; then __e=$( (mv -f -- \"$%[1]s\" \"$__t\" 2>/dev/null || (umask 077 && cat -- \"$%[1]s\" > \"$__t\")) 2>&1); else __e=$( (umask 077 && head -c %[2]d > \"$__t\") 2>&1); fi || { printf 'ERR write %%s\\n' \"$__e\"; exit 0; }\n", w.stageVar, w.size)
	}
	// atomic_move keeps the replaced file's mode and ownership; a new file
	// gets 0666 less the umask (and the module's euid and egid, which a
	// file the become user wrote itself has already).
	newFile := `chmod "$(printf '%o' $(( 0666 & ~$(umask) )))" -- "$__t"`
	if w.stageVar != "" {
		newFile += fmt.Sprintf(`; if [ -n "$%s" ]; then chown "$(id -u):$(id -g)" -- "$__t" 2>/dev/null; fi`, w.stageVar)
	}
	if w.noAttrsP {
		b.WriteString(newFile + "\n")
	} else {
		b.WriteString(`if [ -e "$__d" ] && [ ! -h "$__d" ]; then chmod --reference="$__d" -- "$__t" 2>/dev/null; chown --reference="$__d" -- "$__t" 2>/dev/null; else ` + newFile + `; fi` + "\n")
	}
	if w.validate != "" {
		cmd := strings.ReplaceAll(w.validate, "%s", shq(w.tmpName))
		if w.destVar != "" {
			cmd = strings.ReplaceAll(w.validate, "%s", `"$__t"`)
		}
		fmt.Fprintf(&b, "__vo=$(mktemp) ; __ve=$(mktemp); (%s) >\"$__vo\" 2>\"$__ve\"; __vr=$?; if [ $__vr != 0 ]; then printf 'VRC %%s\\n' $__vr; __b64 VOUT \"$__vo\"; __b64 VERR \"$__ve\"; rm -f -- \"$__vo\" \"$__ve\" \"$__t\"; echo 'ERR validate'; exit 0; fi; rm -f -- \"$__vo\" \"$__ve\"\n", cmd)
	}
	b.WriteString(w.attrs.applyScript("__t", false))
	b.WriteString(w.shellAttrs)
	b.WriteString(`__e=$(mv -f -- "$__t" "$__d" 2>&1) || { printf 'ERR move %s\n' "$__e"; exit 0; }` + "\n")
	b.WriteString("trap - EXIT\n")
	if w.statTag != "" {
		fmt.Fprintf(&b, "__st %s \"$__d\"\n", w.statTag)
	}
	return b.String()
}

// discard is the command that skips the step's data when it fails before
// reading it: stdin is shared by the steps that follow.
func (w *writeStep) discard() string {
	if w.stageVar == "" {
		return fmt.Sprintf("head -c %d >/dev/null", w.size)
	}
	return fmt.Sprintf(`[ -n "$%s" ] || head -c %d >/dev/null`, w.stageVar, w.size)
}

// sums returns the sha1 and md5 hex digests of data.
func sums(data []byte) (string, string) {
	s := sha1.Sum(data)
	m := md5.Sum(data)
	return hex.EncodeToString(s[:]), hex.EncodeToString(m[:])
}

// fileSums returns the sha1 and md5 of a controller-side file.
func fileSums(p string) (string, string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	s, m := sha1.New(), md5.New()
	if _, err := io.Copy(io.MultiWriter(s, m), f); err != nil {
		return "", "", err
	}
	return hex.EncodeToString(s.Sum(nil)), hex.EncodeToString(m.Sum(nil)), nil
}

// isBinary tells whether data looks binary as Ansible's diff code does.
func isBinary(data []byte) bool {
	for _, c := range data {
		if c == 0 {
			return true
		}
	}
	return false
}

// expandHome rewrites a leading ~ or ~/ for the shell: the returned text is
// a shell word (quoted) that expands to the path on the target.
func shPath(p string) string {
	if p == "~" {
		return `"$HOME"`
	}
	if strings.HasPrefix(p, "~/") {
		return `"$HOME"/` + shq(p[2:])
	}
	return shq(p)
}
