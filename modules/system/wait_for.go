package system

import (
	"context"
	"encoding/hex"
	"fmt"
	"math"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:    "wait_for",
		Aliases: []string{"ansible.builtin.wait_for"},
		New:     func() modules.Module { return new(WaitFor) },
		Short:   "Waits for a condition before continuing",
	})
}

// WaitFor waits for a port, a file or a string as ansible.builtin.wait_for
// does. The waiting loop runs on the target in one shell script (ports are
// tried with bash's /dev/tcp, else nc, else python); only a search_regex
// brings content back to the controller, where it is matched.
type WaitFor struct {
	Host                   string   `arg:"host" default:"127.0.0.1" doc:"The host to connect to."`
	Timeout                int      `arg:"timeout" default:"300" doc:"Seconds to wait at most."`
	ConnectTimeout         int      `arg:"connect_timeout" default:"5" doc:"Seconds to wait for a connection."`
	Delay                  int      `arg:"delay" doc:"Seconds to wait before the first check."`
	Port                   *int     `arg:"port" doc:"The port to check."`
	ActiveConnectionStates []string `arg:"active_connection_states" default:"ESTABLISHED,FIN_WAIT1,FIN_WAIT2,SYN_RECV,SYN_SENT,TIME_WAIT" doc:"TCP states that count as active for drained."`
	Path                   *string  `arg:"path" doc:"The file to check."`
	SearchRegex            *string  `arg:"search_regex" doc:"A regex to find in the file or the port's data."`
	State                  string   `arg:"state" default:"started" choices:"absent,drained,present,started,stopped" doc:"The condition to wait for."`
	ExcludeHosts           []string `arg:"exclude_hosts" doc:"Remote hosts ignored by drained."`
	Sleep                  int      `arg:"sleep" default:"1" doc:"Seconds between checks."`
	Msg                    *string  `arg:"msg" doc:"The message on failure."`

	stat map[string]any // add_path_info's keys for path, when it exists
}

var connStateID = map[string]string{
	"ESTABLISHED": "01", "SYN_SENT": "02", "SYN_RECV": "03",
	"FIN_WAIT1": "04", "FIN_WAIT2": "05", "TIME_WAIT": "06",
}

// pyRegexp compiles a Python regular expression with re.MULTILINE.
func pyRegexp(expr string) (*regexp.Regexp, error) {
	return regexp.Compile("(?m)" + expr)
}

// pyRegexpError words the common syntax errors as Python's re does; other
// failures (Python syntax that Go's RE2 lacks) keep Go's text.
func pyRegexpError(expr string, err error) string {
	var stack []int
	class := -1
	prevAtom := false // whether a repeat operator has something to repeat
	prevRepeat := false
	rs := []rune(expr)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		if class >= 0 {
			switch {
			case c == '\\':
				i++
			case c == ']' && i > class+1 && !(i == class+2 && rs[class+1] == '^'):
				class = -1
				prevAtom, prevRepeat = true, false
			}
			continue
		}
		switch c {
		case '\\':
			i++
			prevAtom, prevRepeat = true, false
		case '[':
			class = i
		case '(':
			stack = append(stack, i)
			prevAtom, prevRepeat = false, false
			if i+1 < len(rs) && rs[i+1] == '?' {
				i++
			}
		case ')':
			if len(stack) == 0 {
				return fmt.Sprintf("unbalanced parenthesis at position %d", i)
			}
			stack = stack[:len(stack)-1]
			prevAtom, prevRepeat = true, false
		case '|':
			prevAtom, prevRepeat = false, false
		case '*', '+', '?':
			if prevRepeat && c != '?' {
				return fmt.Sprintf("multiple repeat at position %d", i)
			}
			if !prevAtom && !prevRepeat {
				return fmt.Sprintf("nothing to repeat at position %d", i)
			}
			if prevRepeat && c == '?' {
				prevRepeat = false // lazy marker
				prevAtom = false
				continue
			}
			prevAtom, prevRepeat = false, true
		default:
			prevAtom, prevRepeat = true, false
		}
	}
	if class >= 0 {
		return fmt.Sprintf("unterminated character set at position %d", class)
	}
	if len(stack) > 0 {
		return fmt.Sprintf("missing ), unterminated subpattern at position %d", stack[len(stack)-1])
	}
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

// Run waits.
func (w *WaitFor) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	failNow := func(msg string) *modules.Result {
		return &modules.Result{Failed: true, Msg: msg, Data: map[string]any{"elapsed": 0}}
	}
	var re *regexp.Regexp
	if w.SearchRegex != nil {
		var err error
		if re, err = pyRegexp(*w.SearchRegex); err != nil {
			return modules.Failf("Invalid regular expression: %s", pyRegexpError(*w.SearchRegex, err)), nil
		}
	}
	port := 0
	if w.Port != nil {
		port = *w.Port
	}
	path := ""
	if w.Path != nil {
		path = *w.Path
	}
	if port != 0 && path != "" {
		return failNow("port and path parameter can not both be passed to wait_for"), nil
	}
	if path != "" && w.State == "stopped" {
		return failNow("state=stopped should only be used for checking a port in the wait_for module"), nil
	}
	if path != "" && w.State == "drained" {
		return failNow("state=drained should only be used for checking a port in the wait_for module"), nil
	}
	if w.ExcludeHosts != nil && w.State != "drained" {
		return failNow("exclude_hosts should only be with state=drained"), nil
	}
	for _, s := range w.ActiveConnectionStates {
		if _, ok := connStateID[s]; !ok {
			return failNow(fmt.Sprintf("unknown active_connection_state (%s) defined", s)), nil
		}
	}

	start := time.Now()
	elapsed := func() int { return int(time.Since(start).Seconds()) }
	fail := func(def string) (*modules.Result, error) {
		msg := def
		if w.Msg != nil && *w.Msg != "" {
			msg = *w.Msg
		}
		// a timeout has lasted at least the timeout (the target's loop
		// counts whole seconds of its clock)
		return &modules.Result{Failed: true, Msg: msg, Data: map[string]any{"elapsed": max(elapsed(), w.Timeout)}}, nil
	}
	hp := fmt.Sprintf("%s:%d", w.Host, port)
	sleep := max(w.Sleep, 0)
	var groups []any
	groupdict := map[string]any{}

	switch {
	case port == 0 && path == "" && w.State != "drained":
		t := time.NewTimer(time.Duration(max(w.Delay, 0)+max(w.Timeout, 0)) * time.Second)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
	case w.State == "absent" || w.State == "stopped":
		var check string
		if path != "" {
			check = fmt.Sprintf(`! { [ -e %[1]s ] || [ -h %[1]s ]; }`, shq(path))
		} else if port != 0 {
			check = fmt.Sprintf(`! __gp_conn %s %d %d`, shq(w.Host), port, w.ConnectTimeout)
		}
		ok, res, err := w.loop(ctx, req, check, "")
		if err != nil || res != nil {
			return res, err
		}
		if !ok {
			if port != 0 {
				return fail(fmt.Sprintf("Timeout when waiting for %s to stop.", hp))
			}
			return fail(fmt.Sprintf("Timeout when waiting for %s to be absent.", path))
		}
	case w.State == "started" || w.State == "present":
		timeoutMsg := func() string {
			switch {
			case port != 0 && w.SearchRegex != nil:
				return fmt.Sprintf("Timeout when waiting for search string %s in %s", *w.SearchRegex, hp)
			case port != 0:
				return fmt.Sprintf("Timeout when waiting for %s", hp)
			case w.SearchRegex != nil:
				return fmt.Sprintf("Timeout when waiting for search string %s in %s", *w.SearchRegex, path)
			}
			return fmt.Sprintf("Timeout when waiting for file %s", path)
		}
		if re == nil {
			var check string
			if path != "" {
				check = fmt.Sprintf(`[ -e %s ]`, shq(path))
			} else {
				check = fmt.Sprintf(`__gp_conn %s %d "$(__gp_ct %d)"`, shq(w.Host), port, w.ConnectTimeout)
			}
			ok, res, err := w.loop(ctx, req, check, "")
			if err != nil || res != nil {
				return res, err
			}
			if !ok {
				return fail(timeoutMsg())
			}
			break
		}
		// With a regex, each round trip waits on the target for new
		// content (a changed file, or a connection's data) and brings it
		// back to be matched here.
		last := ""
		delay := w.Delay
		deadline := start.Add(time.Duration(w.Timeout) * time.Second)
		matched := false
		for first := true; ; first = false {
			remaining := int(math.Ceil(time.Until(deadline).Seconds()))
			if first {
				remaining = w.Timeout
			} else if remaining <= 0 {
				break
			}
			var body string
			if path != "" {
				body = fmt.Sprintf(`__gp_s=$(cksum < %[1]s 2>/dev/null) && [ -n "$__gp_s" ] && [ "$__gp_s" != %[2]s ] && { echo "__gp_data $__gp_s"; %[3]s; cat %[1]s; exit 0; }`, shq(path), shq(last), statLine(path))
			} else {
				body = fmt.Sprintf(`__gp_read %s %d "$(__gp_ct %d)" "$(( __gp_end - $(date +%%s) ))" && exit 0`, shq(w.Host), port, w.ConnectTimeout)
			}
			pre := ""
			if !first && sleep > 0 {
				pre = fmt.Sprintf("sleep %d\n", sleep)
			}
			out, res, err := w.run(ctx, req, delay, remaining, pre, body)
			if err != nil || res != nil {
				return res, err
			}
			delay = 0
			head, data, ok := strings.Cut(out, "\n")
			if !ok || !(strings.HasPrefix(head, "__gp_data ") || head == "__gp_conn") {
				break // the target timed out
			}
			if path != "" {
				last = strings.TrimPrefix(head, "__gp_data ")
				var st string
				st, data, _ = strings.Cut(data, "\n")
				w.stat = parseStatLine(st + "\n")
			}
			if m := re.FindStringSubmatchIndex(data); m != nil {
				matched = true
				if path == "" {
					break // the module keeps no groups for a port
				}
				for i := 1; i < len(m)/2; i++ {
					var v any
					if m[2*i] >= 0 {
						v = data[m[2*i]:m[2*i+1]]
					}
					groups = append(groups, v)
					if n := re.SubexpNames()[i]; n != "" {
						groupdict[n] = v
					}
				}
				break
			}
			if time.Now().After(deadline) {
				break
			}
		}
		if !matched {
			return fail(timeoutMsg())
		}
	case w.State == "drained":
		check, err := w.drainedCheck()
		if err != nil {
			return modules.Failf("%s", err.Error()), nil
		}
		ok, res, err := w.loop(ctx, req, check, "")
		if err != nil || res != nil {
			return res, err
		}
		if !ok {
			return fail(fmt.Sprintf("Timeout when waiting for %s to drain", hp))
		}
	}

	if groups == nil {
		groups = []any{}
	}
	d := map[string]any{
		"state": w.State, "port": nil, "search_regex": nil, "path": nil,
		"match_groups": groups, "match_groupdict": groupdict, "elapsed": elapsed(),
	}
	if w.Port != nil {
		d["port"] = *w.Port
	}
	if w.SearchRegex != nil {
		d["search_regex"] = *w.SearchRegex
	}
	if w.Path != nil {
		d["path"] = *w.Path
		for k, v := range w.stat {
			d[k] = v
		}
	}
	return &modules.Result{Data: d}, nil
}

// helpers are the shell functions the waiting scripts use: __gp_conn
// HOST PORT SECS connects (bash /dev/tcp, nc, python), __gp_read HOST PORT
// SECS WAIT connects and prints "__gp_conn" and what the peer sends,
// __gp_ct N caps a connect timeout at the seconds left.
const helpers = `__gp_bash=$(command -v bash 2>/dev/null)
__gp_to=$(command -v timeout 2>/dev/null)
__gp_nc=$(command -v nc 2>/dev/null)
__gp_py=$(command -v python3 2>/dev/null || command -v python 2>/dev/null)
__gp_ct() { __gp_l=$(( __gp_end - $(date +%s) )); [ "$__gp_l" -lt 1 ] && __gp_l=1; [ "$1" -lt "$__gp_l" ] && __gp_l=$1; echo "$__gp_l"; }
__gp_conn() {
	if [ -n "$__gp_bash" ]; then
		if [ -n "$__gp_to" ]; then "$__gp_to" "$3" "$__gp_bash" -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null </dev/null; return; fi
		"$__gp_bash" -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null </dev/null; return
	elif [ -n "$__gp_py" ]; then
		"$__gp_py" -c 'import socket,sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), float(sys.argv[3])).close()' "$1" "$2" "$3" 2>/dev/null </dev/null; return
	elif [ -n "$__gp_nc" ]; then
		"$__gp_nc" -z -w "$3" "$1" "$2" >/dev/null 2>&1 </dev/null; return
	fi
	echo __gp_notool; exit 0
}
__gp_read() {
	[ "$4" -lt 1 ] && return 1
	if [ -n "$__gp_bash" ]; then
		set -- "$1" "$2" "$3" "$4" 'exec 3<>"/dev/tcp/$0/$1" || exit 1
printf "__gp_conn\n"
n=1; t=$2
while :; do
	c=
	IFS= read -r -d "" -n $n -t "$t" c <&3; r=$?
	printf "%s" "$c"
	[ $r -eq 0 ] || break
	n=4096; t=0.5
done'
		if [ -n "$__gp_to" ]; then "$__gp_to" "$(( $4 + 1 ))" "$__gp_bash" -c "$5" "$1" "$2" "$4" 2>/dev/null </dev/null; else "$__gp_bash" -c "$5" "$1" "$2" "$4" 2>/dev/null </dev/null; fi
		[ $? -ne 1 ]; return
	elif [ -n "$__gp_py" ]; then
		"$__gp_py" -c 'import socket,sys,select,time
s=socket.create_connection((sys.argv[1], int(sys.argv[2])), float(sys.argv[3]))
o=sys.stdout.buffer
o.write(b"__gp_conn\n"); o.flush()
t=float(sys.argv[4])
while True:
    r=select.select([s],[],[],t)[0]
    if not r: break
    d=s.recv(4096)
    if not d: break
    o.write(d); o.flush(); t=0.5' "$1" "$2" "$3" "$4" 2>/dev/null </dev/null; return
	fi
	echo __gp_notool; exit 0
}
`

// run executes one waiting script: helpers, the deadline (remaining
// seconds from now), the delay, then body in a loop until the deadline.
// body exits 0 after printing what it found; the loop's end prints
// __gp_timeout.
func (w *WaitFor) run(ctx context.Context, req *modules.Request, delay, remaining int, pre, body string) (string, *modules.Result, error) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "__gp_end=$(( $(date +%%s) + %d ))\n", remaining)
	sb.WriteString(helpers)
	if delay > 0 {
		fmt.Fprintf(&sb, "sleep %d\n", delay)
	}
	sb.WriteString(pre)
	fmt.Fprintf(&sb, "while [ \"$(date +%%s)\" -lt \"$__gp_end\" ]; do\n%s\nsleep %d\ndone\necho __gp_timeout\n", body, max(w.Sleep, 0))
	out, _, _, err := req.Conn.Exec(ctx, sb.String(), nil)
	if err != nil {
		return "", nil, err
	}
	s := string(out)
	if strings.HasPrefix(s, "__gp_notool") || strings.Contains(s, "\n__gp_notool") {
		return "", modules.Failf("wait_for needs bash, python or nc on the target to check a port"), nil
	}
	return s, nil, nil
}

// loop waits on the target until check (shell text) succeeds or the
// timeout passes; it reports whether check succeeded.
func (w *WaitFor) loop(ctx context.Context, req *modules.Request, check, pre string) (bool, *modules.Result, error) {
	post := ""
	if w.Path != nil {
		post = statLine(*w.Path) + "; "
	}
	out, res, err := w.run(ctx, req, w.Delay, w.Timeout, pre, "if "+check+"; then echo __gp_ok; "+post+"exit 0; fi")
	if err != nil || res != nil {
		return false, res, err
	}
	w.stat = parseStatLine(out)
	return strings.Contains(out, "__gp_ok"), nil, nil
}

// statLine is shell text printing "__gp_stat UID GID NLINK OWNER GROUP|MODE
// SIZE|KIND" for path when it exists, for add_path_info's keys.
func statLine(path string) string {
	q := shq(path)
	return fmt.Sprintf(`{ if [ -e %[1]s ] || [ -h %[1]s ]; then printf '__gp_stat %%s|%%s|%%s\n' "$(stat -L -c '%%u %%g %%h %%U %%G' -- %[1]s 2>/dev/null)" "$(stat -c '%%a %%s' -- %[1]s 2>/dev/null)" "$(if [ -h %[1]s ]; then echo link; elif [ -d %[1]s ]; then echo directory; else echo file; fi)"; fi; }`, q)
}

// parseStatLine turns statLine's output into add_path_info's keys.
func parseStatLine(out string) map[string]any {
	i := strings.Index(out, "__gp_stat ")
	if i < 0 {
		return nil
	}
	line, _, _ := strings.Cut(out[i+len("__gp_stat "):], "\n")
	parts := strings.Split(line, "|")
	if len(parts) != 3 {
		return nil
	}
	a, b := strings.Fields(parts[0]), strings.Fields(parts[1])
	if len(a) != 5 || len(b) != 2 {
		return nil
	}
	uid, _ := strconv.Atoi(a[0])
	gid, _ := strconv.Atoi(a[1])
	nlink, _ := strconv.Atoi(a[2])
	mode, _ := strconv.ParseUint(b[0], 8, 32)
	size, _ := strconv.ParseInt(b[1], 10, 64)
	owner, group := a[3], a[4]
	if owner == "UNKNOWN" {
		owner = a[0]
	}
	if group == "UNKNOWN" {
		group = a[1]
	}
	kind := parts[2]
	if kind == "file" && nlink > 1 {
		kind = "hard"
	}
	return map[string]any{"uid": uid, "gid": gid, "owner": owner, "group": group,
		"mode": fmt.Sprintf("0%03o", mode&07777), "state": kind, "size": size}
}

// drainedCheck builds the shell test that no active connection remains on
// the port, reading /proc/net/tcp and tcp6 as the module's Linux strategy
// does.
func (w *WaitFor) drainedCheck() (string, error) {
	if w.Port == nil {
		return "", fmt.Errorf("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'")
	}
	ips4, ips6, err := hostHex(w.Host)
	if err != nil {
		return "", err
	}
	var ex4, ex6 []string
	for _, h := range w.ExcludeHosts {
		a, b, err := hostHex(h)
		if err != nil {
			return "", err
		}
		ex4 = append(ex4, a...)
		ex6 = append(ex6, b...)
	}
	var states []string
	for _, s := range w.ActiveConnectionStates {
		states = append(states, connStateID[s])
	}
	awk := `BEGIN { n = 0 }
FNR == 1 { six = (FILENAME ~ /tcp6$/) }
$2 == "local_address" { next }
{
	if (index(" " st " ", " " $4 " ") == 0) next
	split($2, l, ":"); split($3, r, ":")
	if (l[2] != port) next
	ips = six ? ips6 : ips4; ex = six ? ex6 : ex4; all = six ? "00000000000000000000000000000000" : "00000000"
	if (index(" " ex " ", " " r[1] " ") > 0) next
	if (index(" " ips " ", " " l[1] " ") > 0 || index(" " ips " ", " " all " ") > 0 ||
	    (substr(l[1], 1, 24) == "0000000000000000FFFF0000" && index(" " ips " ", " 0000000000000000FFFF000000000000 ") > 0)) n++
}
END { exit (n == 0 ? 0 : 1) }`
	return fmt.Sprintf(`awk -v port=%s -v st=%s -v ips4=%s -v ips6=%s -v ex4=%s -v ex6=%s %s $(for f in /proc/net/tcp /proc/net/tcp6; do [ -f $f ] && echo $f; done) </dev/null`,
		fmt.Sprintf("%04X", *w.Port), shq(strings.Join(states, " ")), shq(strings.Join(ips4, " ")), shq(strings.Join(ips6, " ")),
		shq(strings.Join(ex4, " ")), shq(strings.Join(ex6, " ")), shq(awk)), nil
}

// hostHex resolves host (on the controller) and renders its addresses as
// /proc/net/tcp does: each 32-bit word in host (little-endian) order. An
// IPv4 address also counts in its IPv4-mapped IPv6 form.
func hostHex(host string) (v4, v6 []string, err error) {
	var ips []net.IP
	if ip := net.ParseIP(host); ip != nil {
		ips = []net.IP{ip}
	} else {
		addrs, lerr := net.LookupHost(host)
		if lerr != nil {
			return nil, nil, fmt.Errorf("[Errno -2] Name or service not known")
		}
		for _, a := range addrs {
			if ip := net.ParseIP(a); ip != nil {
				ips = append(ips, ip)
			}
		}
	}
	word := func(b []byte) string {
		var sb strings.Builder
		for i := 0; i+4 <= len(b); i += 4 {
			sb.WriteString(strings.ToUpper(hex.EncodeToString([]byte{b[i+3], b[i+2], b[i+1], b[i]})))
		}
		return sb.String()
	}
	for _, ip := range ips {
		if ip4 := ip.To4(); ip4 != nil {
			v4 = append(v4, word(ip4))
			v6 = append(v6, word(ip.To16()))
		} else {
			v6 = append(v6, word(ip.To16()))
		}
	}
	return v4, v6, nil
}
