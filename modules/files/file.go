package files

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "file",
		Aliases:   []string{"ansible.builtin.file"},
		New:       func() modules.Module { return new(File) },
		CheckMode: true,
		Short:     "Manage files and file properties",
	})
}

// File is ansible.builtin.file.
type File struct {
	State        *string `arg:"state" choices:"absent,directory,file,hard,link,touch" doc:"file, directory, link, hard, touch or absent."`
	Path         string  `arg:"path,required" aliases:"dest,name" doc:"Path to the file being managed."`
	OrigBasename string  `arg:"_original_basename" doc:"Internal."`
	Recurse      bool    `arg:"recurse" doc:"Set the attributes recursively (state=directory)."`
	Force        bool    `arg:"force" doc:"Replace an existing file or directory by a link."`
	Follow       bool    `arg:"follow" default:"true" doc:"Follow symbolic links."`
	DiffPeek     *bool   `arg:"_diff_peek" doc:"Internal."`
	Src          *string `arg:"src" doc:"Target of the link (state=link or hard)."`
	MTime        *string `arg:"modification_time" doc:"now, preserve, or a time in modification_time_format."`
	MTimeFormat  string  `arg:"modification_time_format" default:"%Y%m%d%H%M.%S" doc:"strftime format of modification_time."`
	ATime        *string `arg:"access_time" doc:"now, preserve, or a time in access_time_format."`
	ATimeFormat  string  `arg:"access_time_format" default:"%Y%m%d%H%M.%S" doc:"strftime format of access_time."`
	Mode         any     `arg:"mode" doc:"Permissions: octal or symbolic (u+rwx)."`
	Owner        string  `arg:"owner" doc:"User that should own the path."`
	Group        string  `arg:"group" doc:"Group that should own the path."`
	Seuser       string  `arg:"seuser" doc:"Ignored (SELinux)."`
	Serole       string  `arg:"serole" doc:"Ignored (SELinux)."`
	Setype       string  `arg:"setype" doc:"Ignored (SELinux)."`
	Selevel      string  `arg:"selevel" doc:"Ignored (SELinux)."`
	UnsafeWrites bool    `arg:"unsafe_writes" doc:"Ignored."`
	Attributes   string  `arg:"attributes" aliases:"attr" doc:"Ignored (chattr attributes)."`
}

// getState is file.py's get_state from a stat pair.
func getState(lst fstat) string {
	switch {
	case !lst.Exists:
		return "absent"
	case lst.isLink():
		return "link"
	case lst.isDir():
		return "directory"
	case lst.Nlink > 1:
		return "hard"
	}
	return "file"
}

// Run applies the wanted state.
func (f *File) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	fa := fileArgs{Mode: f.Mode, Owner: f.Owner, Group: f.Group}
	p := f.Path
	state := ""
	if f.State != nil {
		state = *f.State
	}
	src := ""
	if f.Src != nil {
		src = *f.Src
	}
	base := f.OrigBasename
	if base == "" && src != "" {
		base = path.Base(src)
	}

	var sc strings.Builder
	fmt.Fprintf(&sc, "__p=%s\n", shPath(p))
	if state != "link" && state != "absent" && base != "" {
		fmt.Fprintf(&sc, `if [ -d "$__p" ]; then __p="${__p%%/}"/%s; fi`+"\n", shq(base))
	}
	sc.WriteString(`printf 'P %s\n' "$__p"; __st S "$__p"` + "\n")
	if f.Follow {
		sc.WriteString(`if [ -h "$__p" ]; then __r=$(readlink -f -- "$__p"); printf 'RP %s\n' "$__r"; __st R "$__r"; fi` + "\n")
	}
	sc.WriteString(`if [ -h "$__p" ]; then printf 'RL %s\n' "$(readlink -- "$__p")"; fi` + "\n")
	if src != "" {
		fmt.Fprintf(&sc, "__s=%s\n", shPath(src))
	} else {
		// ensure_symlink without src keeps the link's own target.
		sc.WriteString(`__s=; if [ -h "$__p" ]; then __s=$(readlink -- "$__p"); fi` + "\n")
	}
	if state == "link" || state == "" {
		sc.WriteString(`if [ -n "$__s" ]; then case $__s in /*) __a=$__s ;; *) if [ -d "$__p" ] && [ ! -h "$__p" ]; then __a="$__p/$__s"; else __a="$(dirname -- "$__p")/$__s"; fi ;; esac; if [ -e "$__a" ]; then echo 'SRCX 1'; fi; printf 'ABS %s\n' "$__a"; __st AS "$__a"; fi` + "\n")
	}
	if src != "" && (state == "hard" || state == "") {
		sc.WriteString(`__st SS "$__s"; if [ -e "$__s" ]; then echo 'HX 1'; printf 'SRCI %s\n' "$(stat -L -c %i -- "$__s")"; fi; if [ -e "$__p" ]; then printf 'PI %s\n' "$(stat -L -c %i -- "$__p")"; fi` + "\n")
	}
	if state == "link" || state == "absent" || f.Recurse {
		sc.WriteString(`if [ -d "$__p" ] && [ ! -h "$__p" ]; then if [ -n "$(ls -A -- "$__p" 2>/dev/null)" ]; then echo 'NONEMPTY 1'; fi; fi` + "\n")
	}
	if state == "absent" {
		sc.WriteString(`if [ -d "$__p" ] && [ ! -h "$__p" ]; then find "$__p" -mindepth 1 \( -type d -printf 'WD %p\n' \) -o \( -type l -xtype d -printf 'WD %p\n' \) -o -printf 'WF %p\n' 2>/dev/null; fi` + "\n")
	}
	if f.Recurse {
		sc.WriteString(`if [ -d "$__p" ]; then find "$__p" -mindepth 1 -exec stat -c "RS $__F|%n" -- {} + 2>/dev/null; fi` + "\n")
	}
	if f.DiffPeek != nil {
		sc.WriteString(`if head -c 8192 -- "$__p" 2>/dev/null | od -An -tx1 | grep -q ' 00'; then echo 'BIN 1'; fi` + "\n")
	}
	sc.WriteString(umaskScript)
	sc.WriteString(fa.lookupScript())
	if state == "directory" && f.OrigBasename == "" && !strings.HasPrefix(f.Path, "~") {
		for i, cur := range pathPrefixes(f.Path) {
			fmt.Fprintf(&sc, "if [ -e %s ]; then echo 'PX%d 1'; fi\n", shq(cur), i)
		}
		if !req.Check && !f.Recurse && src == "" && f.DiffPeek == nil {
			sc.WriteString(f.mkdirScript())
		}
	}
	if state == "absent" && !req.Check && f.DiffPeek == nil && !f.Recurse && src == "" {
		// Nothing to decide: remove in the same round trip, after the
		// facts for the result and the diff are printed.
		sc.WriteString(`if [ -d "$__p" ] && [ ! -h "$__p" ]; then __e=$(rm -rf -- "$__p" 2>&1) || printf 'ERR rm %s\n' "$__e"; elif [ -e "$__p" ] || [ -h "$__p" ]; then __e=$(rm -f -- "$__p" 2>&1) || printf 'ERR rm %s\n' "$__e"; fi; echo 'RMDONE 1'` + "\n")
	}
	o, err := run(ctx, req, sc.String(), nil)
	if err != nil {
		return nil, err
	}
	if o.rc != 0 {
		return o.failure(), nil
	}
	p, _ = o.get("P")
	lst := statOf(o, "S")
	target := lst
	if lst.isLink() {
		target = statOf(o, "SL")
	}
	prev := getState(lst)

	if f.DiffPeek != nil {
		_, bin := o.get("BIN")
		return &modules.Result{Data: map[string]any{"path": p, "appears_binary": bin}}, nil
	}

	withInfo := func(r *modules.Result, l, t fstat) *modules.Result {
		if r.Data == nil {
			r.Data = map[string]any{}
		}
		if _, ok := r.Data["path"]; !ok {
			if _, ok := r.Data["dest"]; !ok {
				return r
			}
		}
		pathInfo(r.Data, l, t)
		return r
	}
	failHere := func(msg string, extra map[string]any) (*modules.Result, error) {
		r := &modules.Result{Failed: true, Msg: msg, Data: map[string]any{}}
		for k, v := range extra {
			r.Data[k] = v
		}
		return withInfo(r, lst, target), nil
	}

	if state == "" {
		switch {
		case prev != "absent":
			state = prev
		case f.Recurse:
			state = "directory"
		default:
			state = "file"
		}
	}
	if f.Recurse && state != "directory" {
		return failHere("recurse option requires state to be 'directory'", map[string]any{"path": p})
	}
	if src != "" && state != "link" && state != "hard" {
		return failHere("src option requires state to be 'link' or 'hard'", map[string]any{"path": p})
	}
	if req.Check && state != "absent" {
		if _, err := fmt.Sscan(f.Owner, new(int)); f.Owner != "" && err != nil {
			if v, _ := o.get("UID"); v == "-" {
				req.Warn(fmt.Sprintf("failed to look up user %s. Create user up to this point in real play", f.Owner))
			}
		}
		if _, err := fmt.Sscan(f.Group, new(int)); f.Group != "" && err != nil {
			if v, _ := o.get("GID"); v == "-" {
				req.Warn(fmt.Sprintf("failed to look up group %s. Create group up to this point in real play", f.Group))
			}
		}
	}
	umask := umaskOf(o)

	diff := initialDiff(p, state, prev)
	var ap strings.Builder // the change script
	fmt.Fprintf(&ap, "__p=%s\n", shq(p))
	changed := false
	res := map[string]any{}
	// attrs plans fs attributes against st and appends them to the script.
	attrs := func(pth string, st fstat, isLink bool) *modules.Result {
		ch, fl := fa.plan(pth, st, umask, o, diff)
		if fl != nil {
			return fl
		}
		if isLink && ch.mode >= 0 {
			changed = true // lchmod does not exist: Ansible reports it anyway
			ch.mode = -1
		}
		if ch.any() {
			changed = true
			fmt.Fprintf(&ap, "__x=%s\n%s", shq(pth), ch.applyScript("__x", isLink))
		}
		return nil
	}
	times := newTimes(f, state)
	for _, tv := range [][2]string{{times.mtime, times.mfmt}, {times.atime, times.afmt}} {
		if tv[0] == "" || tv[0] == "now" || tv[0] == "preserve" {
			continue
		}
		if _, err := strftimeParse(tv[1], tv[0]); err != nil {
			return modules.Failf("Error while obtaining timestamp for time %s using format %s: time data %s does not match format %s", tv[0], tv[1], pyRepr(tv[0]), pyRepr(tv[1])), nil
		}
	}

	switch state {
	case "absent":
		if prev == "absent" {
			return &modules.Result{Data: map[string]any{"path": p, "state": "absent"}}, nil
		}
		if prev == "directory" {
			diffSide(diff, "before")["path_content"] = walkList(p, o)
			ap.WriteString(`__e=$(rm -rf -- "$__p" 2>&1) || { printf 'ERR rm %s\n' "$__e"; exit 0; }` + "\n")
		} else {
			ap.WriteString(`__e=$(rm -f -- "$__p" 2>&1) || { printf 'ERR rm %s\n' "$__e"; exit 0; }` + "\n")
		}
		if req.Check {
			return withInfo(&modules.Result{Changed: true, Data: map[string]any{"path": p, "diff": diff, "state": "absent"}}, lst, target), nil
		}
		{
			o2 := o
			if !has(o, "RMDONE") {
				if o2, err = run(ctx, req, ap.String(), nil); err != nil {
					return nil, err
				}
			}
			if v, ok := o2.get("ERR"); ok {
				_, text, _ := strings.Cut(v, " ")
				if prev == "directory" {
					return modules.Failf("rmtree failed: %s", pyErrno(text)), nil
				}
				return failHere("unlinking failed: "+pyErrno(text)+" ", map[string]any{"path": p})
			}
		}
		return &modules.Result{Changed: true, Data: map[string]any{"path": p, "diff": diff, "state": "absent"}}, nil

	case "touch":
		res["dest"] = p
		st := lst
		if prev == "absent" {
			if req.Check {
				return withInfo(&modules.Result{Changed: true, Data: res}, lst, target), nil
			}
			ap.WriteString(`__e=$( (: >> "$__p") 2>&1) || { printf 'ERR touch %s\n' "$__e"; exit 0; }` + "\n")
			changed = true
			st = newStat(o, sIFREG|(0o666&^umask))
			times.newFile = true
		}
		if r := attrs(p, st, false); r != nil {
			return withInfo(r, lst, target), nil
		}
		if times.touch(&ap, lst, diff, req.Check) {
			changed = true
		}
		res["diff"] = diff

	case "file":
		st := lst
		if prev != "file" && f.Follow && prev == "link" {
			rp, _ := o.get("RP")
			p = rp
			st = statOf(o, "R")
			prev = getState(st)
			fmt.Fprintf(&ap, "__p=%s\n", shq(p))
			diff = initialDiff(p, state, prev)
		}
		if prev != "file" && prev != "hard" {
			return withInfo(&modules.Result{Failed: true, Msg: fmt.Sprintf("file (%s) is %s, cannot continue", p, prev), Data: map[string]any{"path": p, "state": prev}}, st, st), nil
		}
		if r := attrs(p, st, false); r != nil {
			return withInfo(r, lst, target), nil
		}
		if times.apply(&ap, st, diff, req.Check) {
			changed = true
		}
		res["path"] = p
		res["diff"] = diff
		lst, target = st, st

	case "directory":
		st := lst
		if f.Follow && prev == "link" {
			rp, _ := o.get("RP")
			p = rp
			st = statOf(o, "R")
			prev = getState(st)
			fmt.Fprintf(&ap, "__p=%s\n", shq(p))
			diff = initialDiff(p, state, prev)
			lst, target = st, st
		}
		res["path"] = p
		res["diff"] = diff
		if prev == "absent" {
			if req.Check {
				return &modules.Result{Changed: true, Data: res}, nil
			}
			if has(o, "MKDIR") {
				// The inspecting script made the directories; only the
				// diff is left to work out.
				newDir := newStat(o, sIFDIR|(0o777&^umask))
				for i, cur := range pathPrefixes(p) {
					if has(o, fmt.Sprintf("PX%d", i)) {
						continue
					}
					if _, fl := fa.plan(cur, newDir, umask, o, diff); fl != nil {
						return withInfo(fl, lst, target), nil
					}
				}
				if v, ok := o.get("ERR"); ok {
					kind, text, _ := strings.Cut(v, " ")
					if kind == "mkdir" {
						return mkdirFailure(o, p, text), nil
					}
					return attrError(o, p), nil
				}
				fin := statOf(o, "F")
				return withInfo(&modules.Result{Changed: has(o, "MADE"), Data: res}, fin, fin), nil
			}
			newDir := newStat(o, sIFDIR|(0o777&^umask))
			for i, cur := range pathPrefixes(p) {
				if has(o, fmt.Sprintf("PX%d", i)) {
					continue // it exists: the script checks again
				}
				fmt.Fprintf(&ap, "if [ ! -e %s ]; then __e=$(mkdir -- %s 2>&1) || { printf 'MKERR %%s\\nERR mkdir %%s\\n' \"$__e\" %s; exit 0; }\n", shq(cur), shq(cur), shq(cur))
				ch, fl := fa.plan(cur, newDir, umask, o, diff)
				if fl != nil {
					// Ansible makes the directory, then fails on its
					// attributes.
					o2, err := run(ctx, req, ap.String()+"echo 'MADE 1'; fi\n"+fmt.Sprintf("__st F %s\n", shq(cur)), nil)
					if err != nil {
						return nil, err
					}
					if v, ok := o2.get("ERR"); ok {
						_, text, _ := strings.Cut(v, " ")
						return mkdirFailure(o2, p, text), nil
					}
					fin := statOf(o2, "F")
					return withInfo(fl, fin, fin), nil
				}
				fmt.Fprintf(&ap, "__x=%s\n%s", shq(cur), ch.applyScript("__x", false))
				ap.WriteString("echo 'MADE 1'; fi\n")
			}
			break
		}
		if prev != "directory" {
			return failHere(fmt.Sprintf("%s already exists as a %s", p, prev), map[string]any{"path": p})
		}
		if r := attrs(p, st, false); r != nil {
			return withInfo(r, lst, target), nil
		}
		if times.apply(&ap, st, diff, req.Check) {
			changed = true
		}
		if f.Recurse {
			for _, v := range o.all("RS") {
				i := strings.LastIndex(v, "|")
				if i < 0 {
					continue
				}
				// fields|name: the name follows the 16th field.
				parts := strings.SplitN(v, "|", 17)
				if len(parts) != 17 {
					continue
				}
				est, ok := parseStat(strings.Join(parts[:16], "|"))
				if !ok {
					continue
				}
				ch, fl := fa.plan(parts[16], est, umask, o, nil)
				if fl != nil {
					return withInfo(fl, lst, target), nil
				}
				if est.isLink() {
					ch.mode = -1
				}
				if ch.any() {
					changed = true
					fmt.Fprintf(&ap, "__x=%s\n%s", shq(parts[16]), ch.applyScript("__x", est.isLink()))
				}
			}
		}

	case "link":
		res["dest"] = p
		if src == "" && f.Follow && target.Exists {
			src, _ = o.get("RL")
		}
		_, srcx := o.get("SRCX")
		if !f.Force && src != "" && !srcx {
			abs, _ := o.get("ABS")
			return &modules.Result{Failed: true, Msg: "src file does not exist, use \"force=yes\" if you really want to create the link: " + abs, Data: withInfo(&modules.Result{Data: map[string]any{"path": p, "src": src}}, lst, target).Data}, nil
		}
		if prev == "directory" {
			if !f.Force {
				return failHere(fmt.Sprintf("refusing to convert from %s to symlink for %s", prev, p), map[string]any{"path": p})
			}
			if _, ne := o.get("NONEMPTY"); ne {
				return failHere(fmt.Sprintf("the directory %s is not empty, refusing to convert it", p), map[string]any{"path": p})
			}
		} else if (prev == "file" || prev == "hard") && !f.Force {
			return failHere(fmt.Sprintf("refusing to convert from %s to symlink for %s", prev, p), map[string]any{"path": p})
		}
		switch prev {
		case "hard", "file", "directory", "absent":
			if src == "" {
				return modules.Failf("src is required for creating new symlinks"), nil
			}
			changed = true
		case "link":
			if old, _ := o.get("RL"); src != "" && old != src {
				diffSide(diff, "before")["src"] = old
				diffSide(diff, "after")["src"] = src
				changed = true
			}
		}
		if changed {
			if prev == "absent" {
				fmt.Fprintf(&ap, "__e=$(ln -s -- %s \"$__p\" 2>&1) || { printf 'ERR link %%s\\n' \"$__e\"; exit 0; }\n", shq(src))
			} else {
				tmp := path.Join(path.Dir(p), ".goplay-"+nonce()+".tmp")
				if prev == "directory" {
					ap.WriteString(`rmdir -- "$__p" 2>/dev/null; `)
				}
				fmt.Fprintf(&ap, "__e=$( (ln -s -- %s %s && mv -fT -- %s \"$__p\") 2>&1) || { rm -f -- %s; printf 'ERR replace %%s\\n' \"$__e\"; exit 0; }\n", shq(src), shq(tmp), shq(tmp), shq(tmp))
			}
		}
		if req.Check && !target.Exists {
			res["src"] = src
			res["diff"] = diff
			return &modules.Result{Changed: changed, Data: res}, nil
		}
		if f.Follow && !srcx && !(prev == "link" && !changed && target.Exists) {
			req.Warn("Cannot set fs attributes on a non-existent symlink target. follow should be set to False to avoid this.")
			res["src"] = src
			res["diff"] = diff
			break
		}
		if f.Follow && srcx {
			// load_file_common_arguments: with follow the attributes are
			// those of the link's target.
			if r := attrs(p, followed(o, "AS"), false); r != nil {
				return withInfo(r, lst, target), nil
			}
			res["src"] = src
			res["diff"] = diff
			break
		}
		// Attributes of the link itself (lchown), after it is (re)made.
		lnk := lst
		if changed {
			lnk = newStat(o, sIFLNK|0o777)
			if req.Check {
				lnk = lst
			}
		}
		if r := attrs(p, lnk, true); r != nil {
			return withInfo(r, lst, target), nil
		}
		res["src"] = src
		res["diff"] = diff

	case "hard":
		res["dest"] = p
		if prev != "hard" && src == "" {
			return modules.Failf("src is required for creating new hardlinks"), nil
		}
		_, srcx := o.get("HX")
		if src != "" && !srcx {
			return &modules.Result{Failed: true, Msg: "src does not exist", Data: withInfo(&modules.Result{Data: map[string]any{"dest": p, "src": src}}, lst, target).Data}, nil
		}
		si, _ := o.get("SRCI")
		pi, _ := o.get("PI")
		switch prev {
		case "absent":
			changed = true
		case "link":
			if old, _ := o.get("RL"); old != src {
				diffSide(diff, "before")["src"] = old
				diffSide(diff, "after")["src"] = src
				changed = true
			}
		case "hard":
			if src != "" && si != pi {
				changed = true
				if !f.Force {
					return failHere("Cannot link, different hard link exists at destination", map[string]any{"dest": p, "src": src})
				}
			}
		case "file":
			changed = true
			if !f.Force {
				return failHere("Cannot link, file exists at destination", map[string]any{"dest": p, "src": src})
			}
		case "directory":
			changed = true
			if si == pi {
				return withInfo(&modules.Result{Data: map[string]any{"path": p}}, lst, target), nil
			} else if !f.Force {
				return failHere("Cannot link: different hard link exists at destination", map[string]any{"dest": p, "src": src})
			}
		}
		if changed {
			if prev == "absent" {
				fmt.Fprintf(&ap, "__e=$(ln -- %s \"$__p\" 2>&1) || { printf 'ERR link %%s\\n' \"$__e\"; exit 0; }\n", shq(src))
			} else {
				tmp := path.Join(path.Dir(p), ".goplay-"+nonce()+".tmp")
				fmt.Fprintf(&ap, "__e=$( (ln -- %s %s && mv -fT -- %s \"$__p\") 2>&1) || { rm -f -- %s; printf 'ERR replace %%s\\n' \"$__e\"; exit 0; }\n", shq(src), shq(tmp), shq(tmp), shq(tmp))
			}
		}
		if req.Check && !lst.Exists {
			res["src"] = src
			res["diff"] = diff
			return &modules.Result{Changed: changed, Data: res}, nil
		}
		// After linking, the path shares the source's inode.
		base := lst
		if changed {
			base = followed(o, "SS")
		}
		if r := attrs(p, base, false); r != nil {
			return withInfo(r, lst, target), nil
		}
		if src == "" {
			res["src"] = nil
		} else {
			res["src"] = src
		}
		res["diff"] = diff
	}

	if req.Check || (!changed && state != "directory") {
		return withInfo(&modules.Result{Changed: changed, Data: res}, lst, target), nil
	}
	if !changed && state == "directory" && lst.Exists {
		return withInfo(&modules.Result{Changed: false, Data: res}, lst, target), nil
	}
	ap.WriteString(`__st F "$__p"` + "\n")
	o2, err := run(ctx, req, ap.String(), nil)
	if err != nil {
		return nil, err
	}
	if v, ok := o2.get("ERR"); ok {
		kind, text, _ := strings.Cut(v, " ")
		switch kind {
		case "chown", "chgrp", "chmod":
			return attrError(o2, p), nil
		case "mkdir":
			return mkdirFailure(o2, p, text), nil
		case "touch":
			return failHere("Error, could not touch target: "+pyErrno(text), map[string]any{"path": p})
		case "link":
			return failHere("Error while linking: "+pyErrno(text), map[string]any{"path": p})
		case "replace":
			return failHere("Error while replacing: "+pyErrno(text), map[string]any{"path": p})
		}
		return failHere(text, map[string]any{"path": p})
	}
	if _, ok := o2.get("MADE"); ok {
		changed = true
	}
	if b, ok := o2.get("TB"); ok {
		if bs, ok := parseStat(b); ok {
			times.fixDiff(bs, statOf(o2, "F"), diff)
		}
	}
	fin := statOf(o2, "F")
	ft := fin
	if fin.isLink() {
		ft = statOf(o2, "FL")
	}
	return withInfo(&modules.Result{Changed: changed, Data: res}, fin, ft), nil
}

// mkdirFailure is ensure_directory's failure for a directory it could not
// make (dir), with mkdir's error ("MKERR") as Python's OSError.
func mkdirFailure(o *output, p, dir string) *modules.Result {
	e, _ := o.get("MKERR")
	return &modules.Result{Failed: true, Msg: fmt.Sprintf("There was an issue creating %s as requested: %s: %s", dir, pyErrno(e), pyBytes(dir)), Data: map[string]any{"path": p}}
}

// pathPrefixes lists the paths ensure_directory creates one by one:
// "/a", "/a/b", "/a/b/c" (or "a", "a/b" for a relative path).
func pathPrefixes(p string) []string {
	var out []string
	cur := ""
	for _, comp := range strings.Split(strings.Trim(p, "/"), "/") {
		cur = cur + "/" + comp
		if !strings.HasPrefix(p, "/") {
			cur = strings.TrimLeft(cur, "/")
		}
		out = append(out, cur)
	}
	return out
}

// mkdirScript creates a missing directory and its missing parents in the
// inspecting script, each with the task's attributes, when that needs no
// decision from the controller (octal or no mode, owner and group that
// resolve). It prints MKDIR, MADE for each directory made, and F.
func (f *File) mkdirScript() string {
	octal := -1
	switch m := f.Mode.(type) {
	case nil:
	case int:
		octal = m
	default:
		n, ok := pyOctal(modules.ToString(m))
		if !ok || n < 0 {
			return ""
		}
		octal = int(n)
	}
	var b strings.Builder
	b.WriteString(`if [ ! -e "$__p" ] && [ ! -h "$__p" ]; then __go=1` + "\n")
	owner, group := "", ""
	if f.Owner != "" {
		owner = f.Owner
		if !isNumeric(owner) {
			b.WriteString(`[ -n "$__lu" ] || __go=` + "\n")
			owner = `"$__lu"`
		}
	}
	if f.Group != "" {
		group = f.Group
		if !isNumeric(group) {
			b.WriteString(`[ -n "$__lg" ] || __go=` + "\n")
			group = `"$__lg"`
		}
	}
	b.WriteString(`if [ -n "$__go" ]; then echo 'MKDIR 1'` + "\n")
	for _, cur := range pathPrefixes(f.Path) {
		q := shq(cur)
		fmt.Fprintf(&b, "if [ ! -e %s ]; then __e=$(mkdir -- %s 2>&1) || { printf 'MKERR %%s\\nERR mkdir %%s\\n' \"$__e\" %s; exit 0; }\n", q, q, q)
		if owner != "" {
			fmt.Fprintf(&b, "__e=$(chown %s -- %s 2>&1) || { printf 'ERR chown %%s\\n' \"$__e\"; exit 0; }\n", owner, q)
		}
		if group != "" {
			fmt.Fprintf(&b, "__e=$(chgrp %s -- %s 2>&1) || { printf 'ERR chgrp %%s\\n' \"$__e\"; exit 0; }\n", group, q)
		}
		if octal >= 0 {
			fmt.Fprintf(&b, "__e=$(chmod %04o -- %s 2>&1) || { printf 'ERR chmod %%s\\n' \"$__e\"; exit 0; }\n", octal&0o7777, q)
		}
		b.WriteString("echo 'MADE 1'; fi\n")
	}
	b.WriteString(`__st F "$__p"; fi; fi` + "\n")
	return b.String()
}

// initialDiff is file.py's initial_diff (without path_content).
func initialDiff(p, state, prev string) map[string]any {
	d := map[string]any{"before": map[string]any{"path": p}, "after": map[string]any{"path": p}}
	if prev != state {
		diffSide(d, "before")["state"] = prev
		diffSide(d, "after")["state"] = state
	}
	return d
}

// walkList rebuilds os.walk's directories/files lists from find output.
func walkList(root string, o *output) map[string]any {
	children := map[string][]string{}
	isDir := map[string]bool{}
	for _, t := range o.tags {
		if t.tag != "WD" && t.tag != "WF" {
			continue
		}
		parent := path.Dir(t.val)
		children[parent] = append(children[parent], t.val)
		if t.tag == "WD" {
			isDir[t.val] = true
		}
	}
	dirs, files := []any{}, []any{}
	var walk func(d string)
	walk = func(d string) {
		var sub []string
		for _, c := range children[d] {
			if isDir[c] {
				dirs = append(dirs, c)
				sub = append(sub, c)
			}
		}
		for _, c := range children[d] {
			if !isDir[c] {
				files = append(files, c)
			}
		}
		for _, s := range sub {
			walk(s)
		}
	}
	walk(strings.TrimSuffix(root, "/"))
	return map[string]any{"directories": dirs, "files": files}
}

// fileTimes handles modification_time and access_time.
type fileTimes struct {
	mtime, atime string // "", "now", "preserve" or a formatted time
	mfmt, afmt   string
	touchMode    bool
	newFile      bool // the file is created first: its times are "before"
	when         float64
	mset, aset   *float64
}

func newTimes(f *File, state string) *fileTimes {
	compat := func(p *string) string {
		if p == nil {
			if state == "touch" {
				return "now"
			}
			if state == "file" || state == "hard" || state == "directory" || state == "link" {
				return "preserve"
			}
			return ""
		}
		return *p
	}
	return &fileTimes{mtime: compat(f.MTime), atime: compat(f.ATime), mfmt: f.MTimeFormat, afmt: f.ATimeFormat}
}

// value returns nil for preserve/absent, the now sentinel as -1, or the
// parsed time.
func (t *fileTimes) value(s, format string) (*float64, bool) {
	switch s {
	case "", "preserve":
		return nil, false
	case "now":
		v := -1.0
		return &v, true
	}
	tm, err := strftimeParse(format, s)
	if err != nil {
		return nil, false
	}
	v := float64(tm.Unix())
	return &v, true
}

// touch handles state=touch's timestamps (now unless given).
func (t *fileTimes) touch(ap *strings.Builder, st fstat, diff map[string]any, check bool) bool {
	return t.apply(ap, st, diff, check)
}

// apply adds the timestamp change to the script and the diff; it returns
// whether it changes anything.
func (t *fileTimes) apply(ap *strings.Builder, st fstat, diff map[string]any, check bool) bool {
	m, _ := t.value(t.mtime, t.mfmt)
	a, _ := t.value(t.atime, t.afmt)
	if m == nil && a == nil {
		return false
	}
	now := float64(time.Now().UnixNano()) / 1e9
	bothNow := m != nil && a != nil && *m == -1 && *a == -1
	if bothNow {
		ap.WriteString(`__st TB "$__p"; touch -c -- "$__p"` + "\n")
		t.touchMode = true
		if diff != nil {
			diffSide(diff, "before")["mtime"] = st.Mtime
			diffSide(diff, "after")["mtime"] = now
			diffSide(diff, "before")["atime"] = st.Atime
			diffSide(diff, "after")["atime"] = now
		}
		return true
	}
	mv, av := st.Mtime, st.Atime
	if m != nil {
		mv = *m
		if mv == -1 {
			mv = now
		}
	}
	if a != nil {
		av = *a
		if av == -1 {
			av = now
		}
	}
	if mv == st.Mtime && av == st.Atime && !t.newFile {
		return false
	}
	if t.newFile {
		ap.WriteString(`__st TB "$__p"` + "\n")
	}
	fmt.Fprintf(ap, "touch -c -m -d @%.9f -- \"$__p\"; touch -c -a -d @%.9f -- \"$__p\"\n", mv, av)
	if mv != st.Mtime || t.newFile {
		diffSide(diff, "before")["mtime"] = st.Mtime
		diffSide(diff, "after")["mtime"] = mv
	}
	if av != st.Atime || t.newFile {
		diffSide(diff, "before")["atime"] = st.Atime
		diffSide(diff, "after")["atime"] = av
	}
	return true
}

// fixDiff replaces estimated "now" times with what the target recorded.
func (t *fileTimes) fixDiff(before, after fstat, diff map[string]any) {
	if diff == nil {
		return
	}
	if t.newFile && !t.touchMode {
		b := diffSide(diff, "before")
		if _, ok := b["mtime"]; ok {
			b["mtime"] = before.Mtime
		}
		if _, ok := b["atime"]; ok {
			b["atime"] = before.Atime
		}
		return
	}
	if !t.touchMode {
		return
	}
	diffSide(diff, "before")["mtime"] = before.Mtime
	diffSide(diff, "before")["atime"] = before.Atime
	diffSide(diff, "after")["mtime"] = after.Mtime
	diffSide(diff, "after")["atime"] = after.Atime
}

// pyRepr is Python's repr of a plain string.
func pyRepr(s string) string {
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

// strftimeParse parses value with a Python strftime format.
func strftimeParse(format, value string) (time.Time, error) {
	var layout strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			layout.WriteByte(format[i])
			continue
		}
		i++
		switch format[i] {
		case 'Y':
			layout.WriteString("2006")
		case 'y':
			layout.WriteString("06")
		case 'm':
			layout.WriteString("01")
		case 'd':
			layout.WriteString("02")
		case 'H':
			layout.WriteString("15")
		case 'I':
			layout.WriteString("03")
		case 'M':
			layout.WriteString("04")
		case 'S':
			layout.WriteString("05")
		case 'p':
			layout.WriteString("PM")
		case 'b':
			layout.WriteString("Jan")
		case 'B':
			layout.WriteString("January")
		case 'a':
			layout.WriteString("Mon")
		case 'A':
			layout.WriteString("Monday")
		case 'z':
			layout.WriteString("-0700")
		case 'Z':
			layout.WriteString("MST")
		case 'f':
			layout.WriteString("000000")
		case '%':
			layout.WriteByte('%')
		default:
			return time.Time{}, fmt.Errorf("unsupported format %%%c", format[i])
		}
	}
	return time.ParseInLocation(layout.String(), value, time.Local)
}
