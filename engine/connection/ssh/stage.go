package ssh

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/goplay/goplay/modules"
)

var _ modules.StagingConn = (*Conn)(nil)

// StagesData implements modules.StagingConn: true with become to a user
// who is neither an admin user (the shell's admin_users, root and toor)
// nor the login user, as Ansible's _is_become_unprivileged.
func (c *Conn) StagesData() bool {
	b := c.r.cfg.Become
	if b == nil {
		return false
	}
	switch b.User {
	case "", "root", "toor":
		return false
	}
	return b.User != c.r.user
}

// Stage implements modules.StagingConn as Ansible's action plugins do for
// an unprivileged become user: the login user (no become) creates a 0700
// directory in the system temp directory (_make_tmp_path with system=True:
// remote_tmp when it is /var/tmp or /tmp, else /var/tmp), named as
// _generate_temp_dir_name does, writes the files into it ("source", then
// "source1", …), and hands directory and files to the become user as
// _fixup_perms2 does: a setfacl ACL (r-x), else chown of the owner only
// (the group stays the login user's; this works when the login user is
// root). When neither works the directory is removed and paths is nil
// (Ansible would try macOS and Solaris ACLs, common_remote_group or world
// readable files next; the caller then writes as the become user itself).
// cleanup removes the directory as the login user (_remove_tmp_path).
func (c *Conn) Stage(ctx context.Context, data io.Reader, sizes []int64) ([]string, func(), error) {
	none := func() {}
	b := c.r.cfg.Become
	if b == nil || len(sizes) == 0 {
		return nil, none, nil
	}
	base := "/var/tmp"
	if rt := strings.TrimRight(b.RemoteTmp, "/"); rt == "/var/tmp" || rt == "/tmp" {
		base = rt
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	name := fmt.Sprintf("ansible-tmp-%s-%d-%d",
		strconv.FormatFloat(float64(time.Now().UnixMicro())/1e6, 'f', -1, 64),
		os.Getpid(), binary.BigEndian.Uint64(rnd[:])&(1<<48-1))
	dir := base + "/" + name
	var paths []string
	var sc strings.Builder
	fmt.Fprintf(&sc, "umask 77; __d=%s\n", ShellQuote(dir))
	fmt.Fprintf(&sc, "__e=$( (mkdir -p -- %s && mkdir -- \"$__d\") 2>&1) || { printf '%%s\\n' \"$__e\" >&2; exit 1; }\n", ShellQuote(base))
	sc.WriteString("__e=$( (:")
	for i, n := range sizes {
		p := dir + "/source"
		if i > 0 {
			p += strconv.Itoa(i)
		}
		paths = append(paths, p)
		fmt.Fprintf(&sc, " && head -c %d > %s", n, ShellQuote(p))
	}
	sc.WriteString(") 2>&1) || { rm -f -r -- \"$__d\"; printf '%s\\n' \"$__e\" >&2; exit 1; }\n")
	quoted := make([]string, 0, len(paths)+1)
	quoted = append(quoted, `"$__d"`)
	for _, p := range paths {
		quoted = append(quoted, ShellQuote(p))
	}
	list := strings.Join(quoted, " ")
	u := ShellQuote(b.User)
	fmt.Fprintf(&sc, "if setfacl -m u:%s:r-x %s >/dev/null 2>&1; then :\n", u, list)
	fmt.Fprintf(&sc, "elif chown %s %s >/dev/null 2>&1; then :\n", u, list)
	sc.WriteString("else rm -f -r -- \"$__d\"; echo NOSTAGE; exit 0; fi\necho STAGED\n")

	stdout, stderr, rc, err := c.run(ctx, "/bin/sh -c "+ShellQuote(sc.String()), data, nil, false)
	if err != nil {
		return nil, none, err
	}
	if rc != 0 {
		return nil, none, fmt.Errorf("failed to stage the file data in %s: %s (rc=%d)", dir, strings.TrimSpace(string(stderr)), rc)
	}
	staged := false
	for _, l := range strings.Split(string(stdout), "\n") {
		staged = staged || l == "STAGED"
	}
	if !staged {
		return nil, none, nil
	}
	cleanup := func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), max(c.r.timeout, 10*time.Second))
		defer cancel()
		_, _, _, _ = c.run(cctx, "/bin/sh -c "+ShellQuote("rm -f -r "+ShellQuote(dir)+" > /dev/null 2>&1"), nil, nil, false)
	}
	return paths, cleanup, nil
}
