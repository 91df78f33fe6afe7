package builtin

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// shWord quotes s as one /bin/sh word (like Quote, but always safe for sh).
func shWord(s string) string { return Quote(s) }

var varRef = lazyRegexp(`\$(\w+|\{[^}]*\})`)
var shName = lazyRegexp(`^[A-Za-z_][A-Za-z0-9_]*$`)
var tildePrefix = lazyRegexp(`^~[A-Za-z0-9._-]*`)

// pathAssign returns sh commands that set variable name to p expanded on the
// target the way Ansible's type='path' does: os.path.expanduser(
// os.path.expandvars(p)). Variables that are not set stay as written.
func pathAssign(name, p string) string {
	var pre []string
	var word strings.Builder
	// expandvars first: $NAME and ${NAME} of set variables.
	last := 0
	n := 0
	for _, m := range varRef().FindAllStringSubmatchIndex(p, -1) {
		word.WriteString(quoteLiteral(p[last:m[0]]))
		ref := p[m[2]:m[3]]
		v := strings.TrimSuffix(strings.TrimPrefix(ref, "{"), "}")
		if !shName().MatchString(v) {
			word.WriteString(quoteLiteral(p[m[0]:m[1]]))
		} else {
			lit := fmt.Sprintf("__gp_l%d", n)
			n++
			pre = append(pre, lit+"="+shWord(p[m[0]:m[1]]))
			word.WriteString(`"${` + v + `-$` + lit + `}"`)
		}
		last = m[1]
	}
	word.WriteString(quoteLiteral(p[last:]))
	pre = append(pre, name+"="+word.String())
	// expanduser on the result: ~ or ~user at the start.
	if strings.HasPrefix(p, "~") {
		t := tildePrefix().FindString(p)
		if !strings.Contains(t, "$") {
			// Let the shell expand the tilde: eval an unquoted prefix.
			pre = append(pre, fmt.Sprintf(`case $%[1]s in "%[2]s"|"%[2]s"/*) eval "__gp_t=%[2]s"; %[1]s=$__gp_t${%[1]s#"%[2]s"};; esac`, name, t))
		}
	}
	return strings.Join(pre, "; ")
}

func quoteLiteral(s string) string {
	if s == "" {
		return ""
	}
	return shWord(s)
}

// nonce returns a random marker that no command output can guess.
func nonce() string {
	var b [12]byte
	rand.Read(b[:])
	return "goplay-" + hex.EncodeToString(b[:])
}

// strerror gives Linux's message for the errno values the command preflight
// reports.
func strerror(errno int) string {
	switch errno {
	case 2:
		return "No such file or directory"
	case 8:
		return "Exec format error"
	case 13:
		return "Permission denied"
	case 20:
		return "Not a directory"
	}
	return "Unknown error " + strconv.Itoa(errno)
}
