package files

import (
	"context"
	"fmt"
	"strings"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "stat",
		Aliases:   []string{"ansible.builtin.stat"},
		New:       func() modules.Module { return new(Stat) },
		CheckMode: true,
		Short:     "Retrieve file or file system status",
	})
}

// Stat is ansible.builtin.stat.
type Stat struct {
	Path          string `arg:"path,required" aliases:"dest,name" doc:"The full path of the file/object to get the facts of."`
	Follow        bool   `arg:"follow" doc:"Follow symlinks."`
	GetMD5        bool   `arg:"get_md5" doc:"Also return the md5 sum."`
	GetChecksum   bool   `arg:"get_checksum" default:"true" doc:"Return a checksum of the file."`
	GetMime       bool   `arg:"get_mime" default:"true" aliases:"mime,mime_type,mime-type" doc:"Return mimetype and charset (uses file(1))."`
	GetAttributes bool   `arg:"get_attributes" default:"true" aliases:"attr,attributes" doc:"Return lsattr attributes."`
	Algorithm     string `arg:"checksum_algorithm" default:"sha1" aliases:"checksum,checksum_algo" choices:"md5,sha1,sha224,sha256,sha384,sha512" doc:"Algorithm of the checksum."`
}

// attrNames is Ansible's FILE_ATTRIBUTES.
var attrNames = map[byte]string{
	'A': "noatime", 'a': "append", 'c': "compressed", 'C': "nocow", 'd': "nodump", 'D': "dirsync",
	'e': "extents", 'E': "encrypted", 'h': "blocksize", 'i': "immutable", 'I': "indexed",
	'j': "journalled", 'N': "inline", 's': "zero", 'S': "synchronous", 't': "notail",
	'T': "blockroot", 'u': "undelete", 'X': "compressedraw", 'Z': "compresseddirty",
}

// Run stats the path with one script.
func (s *Stat) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	var sc strings.Builder
	fmt.Fprintf(&sc, "__p=%s\nprintf 'P %%s\\n' \"$__p\"\n", shPath(s.Path))
	if s.Follow {
		sc.WriteString(`if [ -e "$__p" ]; then printf 'S %s\n' "$(stat -L -c "$__F" -- "$__p" 2>&1)"; elif [ -h "$__p" ]; then echo 'S -'; else echo 'S -'; fi` + "\n")
	} else {
		sc.WriteString(`if [ -e "$__p" ] || [ -h "$__p" ]; then printf 'S %s\n' "$(stat -c "$__F" -- "$__p" 2>&1)"; else echo 'S -'; fi` + "\n")
	}
	sc.WriteString(`if [ -e "$__p" ] || [ -h "$__p" ]; then
[ -r "$__p" ] && echo 'R 1'; [ -w "$__p" ] && echo 'W 1'; [ -x "$__p" ] && echo 'X 1'
if [ -h "$__p" ]; then printf 'LS %s\n' "$(readlink -f -- "$__p")"; printf 'LT %s\n' "$(readlink -- "$__p")"; fi
`)
	algo := s.Algorithm
	if algo == "" {
		algo = "sha1"
	}
	if s.GetChecksum || s.GetMD5 {
		sc.WriteString(`if [ -r "$__p" ] && [ -f "$__p" ]; then`)
		if !s.Follow {
			sc.WriteString(` [ -h "$__p" ] ||`)
		}
		sc.WriteString(` {`)
		if s.GetChecksum {
			fmt.Fprintf(&sc, ` __c=$(%ssum < "$__p") && printf 'CK %%s\n' "${__c%%%% *}";`, algo)
		}
		if s.GetMD5 {
			sc.WriteString(` __c=$(md5sum < "$__p") && printf 'MD5 %s\n' "${__c%% *}";`)
		}
		sc.WriteString(" }; fi\n")
	}
	if s.GetMime {
		sc.WriteString(`if command -v file >/dev/null 2>&1; then __m=$(file --mime-type --mime-encoding -- "$__p" 2>/dev/null) && printf 'MIME %s\n' "${__m##*:}"; fi` + "\n")
	}
	if s.GetAttributes {
		sc.WriteString(`if command -v lsattr >/dev/null 2>&1; then __a=$(lsattr -vd -- "$__p" 2>/dev/null) && printf 'ATTR %s\n' "$__a"; fi` + "\n")
	}
	sc.WriteString("fi\n")
	o, err := run(ctx, req, sc.String(), nil)
	if err != nil {
		return nil, err
	}
	p, _ := o.get("P")
	v, _ := o.get("S")
	st, ok := parseStat(v)
	if !ok {
		// stat(1) failed for another reason than absence.
		msg := v
		if i := strings.LastIndex(v, ": "); i >= 0 {
			msg = v[i+2:]
		}
		return modules.Failf("%s", msg), nil
	}
	if !st.Exists {
		return &modules.Result{Data: map[string]any{"stat": map[string]any{"exists": false}}}, nil
	}
	m := st.Mode
	out := map[string]any{
		"exists": true, "path": p, "mode": fmt.Sprintf("%04o", st.perm()),
		"isdir": m&sIFMT == sIFDIR, "ischr": m&sIFMT == sIFCHR, "isblk": m&sIFMT == sIFBLK,
		"isreg": m&sIFMT == sIFREG, "isfifo": m&sIFMT == sIFIFO, "islnk": m&sIFMT == sIFLNK,
		"issock": m&sIFMT == sIFSOCK,
		"uid":    st.UID, "gid": st.GID, "size": st.Size, "inode": st.Ino, "dev": st.Dev, "nlink": st.Nlink,
		"atime": st.Atime, "mtime": st.Mtime, "ctime": st.Ctime,
		"wusr": m&0o200 != 0, "rusr": m&0o400 != 0, "xusr": m&0o100 != 0,
		"wgrp": m&0o020 != 0, "rgrp": m&0o040 != 0, "xgrp": m&0o010 != 0,
		"woth": m&0o002 != 0, "roth": m&0o004 != 0, "xoth": m&0o001 != 0,
		"isuid": m&0o4000 != 0, "isgid": m&0o2000 != 0,
		"blocks": st.Blocks, "block_size": st.BlkSize, "device_type": makedev(st.RdevMajor, st.RdevMinor),
	}
	_, r := o.get("R")
	_, w := o.get("W")
	_, x := o.get("X")
	out["readable"], out["writeable"], out["executable"] = r, w, x
	if m&sIFMT == sIFLNK {
		out["lnk_source"], _ = o.get("LS")
		out["lnk_target"], _ = o.get("LT")
	}
	if st.Owner != "UNKNOWN" {
		out["pw_name"] = st.Owner
	}
	if st.Group != "UNKNOWN" {
		out["gr_name"] = st.Group
	}
	if c, ok := o.get("CK"); ok && s.GetChecksum {
		out["checksum"] = c
	}
	if c, ok := o.get("MD5"); ok && s.GetMD5 {
		out["md5"] = c
	}
	if s.GetMime {
		out["mimetype"], out["charset"] = "unknown", "unknown"
		if mv, ok := o.get("MIME"); ok {
			mt, cs, ok := strings.Cut(mv, ";")
			if ok {
				out["mimetype"] = strings.TrimSpace(mt)
				if _, c, ok := strings.Cut(cs, "="); ok {
					out["charset"] = strings.TrimSpace(c)
				}
			}
		}
	}
	if s.GetAttributes {
		out["version"] = nil
		out["attributes"] = []any{}
		out["attr_flags"] = ""
		if av, ok := o.get("ATTR"); ok {
			f := strings.Fields(av)
			if len(f) >= 2 {
				flags := strings.ReplaceAll(f[1], "-", "")
				out["attr_flags"] = flags
				out["version"] = f[0]
				names := []any{}
				for i := 0; i < len(flags); i++ {
					if n, ok := attrNames[flags[i]]; ok {
						names = append(names, n)
					}
				}
				out["attributes"] = names
			}
		}
	}
	return &modules.Result{Data: map[string]any{"stat": out}}, nil
}

// makedev is glibc's makedev.
func makedev(major, minor uint64) uint64 {
	return (major&0xfffff000)<<32 | (major&0xfff)<<8 | (minor&0xffffff00)<<12 | (minor & 0xff)
}
