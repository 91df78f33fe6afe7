package bench

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goplay/goplay/engine/connection/sshtest"
)

// reproduce is the one command that regenerates BENCHMARKS.md.
const reproduce = "bench/run   # = go test ./bench -run '^$' -bench Compare -benchtime 1x -timeout 90m -v"

// measurement is one tool's result on one workload.
type measurement struct {
	times  []time.Duration // timed runs
	cpu    []time.Duration // user+sys of the child and its waited-for children
	maxRSS int64           // KiB, largest single process (rusage)
	failed string          // why the runs failed, "" when they did not
}

func (m *measurement) median() time.Duration { return median(m.times) }
func (m *measurement) ok() bool              { return m.failed == "" && len(m.times) > 0 }

type result struct {
	w                      *workload
	ansible, goplay, floor measurement
	profile                string // pprof top of goplay, when taken
}

// workload is one benchmark: a directory with ansible.cfg, inventory,
// playbook.yml and whatever else, run the same way by both tools.
type workload struct {
	name, title string
	hosts       int     // ssh hosts (0: local play)
	floorCmds   int     // commands per host for the floor (0: no floor)
	targetX     float64 // minimum Ansible ÷ goplay
	targetFloor float64 // maximum goplay ÷ floor (0: none)
	write       func(h *harness, dir string) error
	reset       func(h *harness, dir string) error // before every run
	floorCmd    func(h *harness, host, i int) (cmd string, stdin string)
	args        []string
}

type harness struct {
	b         *testing.B
	root      string // repository root
	work      string // scratch directory (short: ControlPath sockets live in it)
	goplay    string
	goplayPro string
	ansible   string
	env       *sshtest.Env
	remote    string // directory the copy workload writes to, on the hosts
	uid, gid  int
	reps      int
	aReps     int
	warmHosts int // hosts whose Ansible ControlPersist masters are up
}

func BenchmarkCompare(b *testing.B) {
	if b.N > 1 {
		b.Skip("run with -benchtime 1x (bench/run)")
	}
	h := &harness{b: b, reps: envInt("BENCH_REPS", 5), aReps: envInt("BENCH_ANSIBLE_REPS", 3)}
	var err error
	if h.root, err = filepath.Abs(".."); err != nil {
		b.Fatal(err)
	}
	if h.ansible, err = exec.LookPath("ansible-playbook"); err != nil {
		if os.Getenv("CI") != "" {
			b.Fatal("ansible-playbook is not installed")
		}
		b.Skip("ansible-playbook is not installed (apt-get install ansible-core)")
	}
	if _, err := exec.LookPath("ssh"); err != nil {
		b.Skip("the OpenSSH client is not installed")
	}
	if h.work, err = os.MkdirTemp("", "gpb"); err != nil {
		b.Fatal(err)
	}
	os.Chmod(h.work, 0o755)
	defer os.RemoveAll(h.work)
	defer h.stopMasters()
	h.goplay = filepath.Join(h.work, "goplay")
	h.goplayPro = filepath.Join(h.work, "goplayprof")
	for out, pkg := range map[string]string{h.goplay: ".", h.goplayPro: "./bench/goplayprof"} {
		c := exec.Command("go", "build", "-o", out, pkg)
		c.Dir = h.root
		c.Env = append(os.Environ(), "CGO_ENABLED=0") // the static binary the README builds
		if o, err := c.CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v\n%s", pkg, err, o)
		}
	}
	h.env = sshtest.Start(b, sshtest.Options{Servers: 16})
	h.remote = filepath.Join(h.work, "remote")
	os.MkdirAll(h.remote, 0o755)
	if u, err := user.Lookup(h.env.User); err == nil {
		h.uid, _ = strconv.Atoi(u.Uid)
		h.gid, _ = strconv.Atoi(u.Gid)
	}
	only := map[string]bool{}
	for _, n := range strings.Split(os.Getenv("BENCH_ONLY"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			only[n] = true
		}
	}
	out := os.Getenv("BENCH_OUT")
	if out == "" {
		out = filepath.Join(h.root, "BENCHMARKS.md")
	}
	start := time.Now()
	load0 := loadavg()
	var results []*result
	for _, w := range workloads() {
		if len(only) > 0 && !only[w.name] {
			continue
		}
		r := h.run(w)
		results = append(results, r)
		b.Logf("%s: ansible %s, goplay %s, floor %s", w.name, show(&r.ansible), show(&r.goplay), show(&r.floor))
		// A partial report, in case the run is cut short.
		partial := "> **Partial: the harness was still running when this was written.**\n\n" +
			h.report(results, nil, nil, nil, load0, loadavg(), time.Since(start))
		os.WriteFile(out, []byte(partial), 0o644)
	}
	var sess []sessRow
	if len(only) == 0 || only["sessions"] {
		sess = h.sessions()
	}
	var mem *memResult
	if len(only) == 0 || only["mem200"] {
		mem = h.mem200()
	}
	var tree *treeResult
	if len(only) == 0 || only["tree"] {
		tree = h.treeRSS()
	}
	report := h.report(results, sess, mem, tree, load0, loadavg(), time.Since(start))
	fmt.Println(report)
	if err := os.WriteFile(out, []byte(report), 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("wrote %s", out)
}

// ---- workloads ----

const hostVars = `ansible_user=%s
ansible_ssh_private_key_file=%s
ansible_ssh_common_args='-o UserKnownHostsFile=%s'
ansible_python_interpreter=/usr/bin/python3
`

func (h *harness) writeCommon(dir string, hosts int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cfg := fmt.Sprintf(`[defaults]
forks = %d
host_key_checking = True
interpreter_python = /usr/bin/python3
deprecation_warnings = False
retry_files_enabled = False

[ssh_connection]
pipelining = True
ssh_args = -o ControlMaster=auto -o ControlPersist=1800s
control_path_dir = %s
`, max(16, hosts), filepath.Join(h.work, "cp"))
	if err := os.WriteFile(filepath.Join(dir, "ansible.cfg"), []byte(cfg), 0o644); err != nil {
		return err
	}
	var inv strings.Builder
	if hosts == 0 {
		inv.WriteString("localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")
	} else {
		inv.WriteString("[bench]\n")
		for i := 0; i < hosts; i++ {
			s := h.env.Servers[i]
			fmt.Fprintf(&inv, "h%02d ansible_host=%s ansible_port=%d\n", i, s.Addr, s.Port)
		}
		inv.WriteString("\n[bench:vars]\n")
		fmt.Fprintf(&inv, hostVars, h.env.User, h.env.KeyFile, h.env.KnownHosts)
	}
	return os.WriteFile(filepath.Join(dir, "inventory"), []byte(inv.String()), 0o644)
}

func commandsPlaybook(n int) string {
	var sb strings.Builder
	sb.WriteString("- hosts: all\n  gather_facts: false\n  tasks:\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sb, "    - name: command %d\n      command: /bin/true\n", i)
	}
	return sb.String()
}

func workloads() []*workload {
	cmdWorkload := func(name string, hosts int) *workload {
		return &workload{
			name: name, title: fmt.Sprintf("(a) 20 command tasks on %d hosts", hosts),
			hosts: hosts, floorCmds: 20, targetX: 20, targetFloor: 1.5,
			write: func(h *harness, dir string) error {
				if err := h.writeCommon(dir, hosts); err != nil {
					return err
				}
				return os.WriteFile(filepath.Join(dir, "playbook.yml"), []byte(commandsPlaybook(20)), 0o644)
			},
			floorCmd: func(h *harness, host, i int) (string, string) { return "/bin/true", "" },
		}
	}
	return []*workload{
		cmdWorkload("a4", 4),
		cmdWorkload("a16", 16),
		{
			name: "b", title: "(b) with_items loop of 200 items on 1 host",
			hosts: 1, floorCmds: 200,
			write: func(h *harness, dir string) error {
				if err := h.writeCommon(dir, 1); err != nil {
					return err
				}
				pb := `- hosts: all
  gather_facts: false
  tasks:
    - name: a loop of 200 items
      command: echo {{ item }}
      with_items: "{{ range(200) | list }}"
`
				return os.WriteFile(filepath.Join(dir, "playbook.yml"), []byte(pb), 0o644)
			},
			floorCmd: func(h *harness, host, i int) (string, string) { return "echo " + strconv.Itoa(i), "" },
		},
		{
			name: "c", title: "(c) copy of 100 small files to 4 hosts",
			hosts: 4, floorCmds: 100,
			write: func(h *harness, dir string) error {
				if err := h.writeCommon(dir, 4); err != nil {
					return err
				}
				os.MkdirAll(filepath.Join(dir, "files"), 0o755)
				for i := 0; i < 100; i++ {
					body := fmt.Sprintf("small file %d\n%s\n", i, strings.Repeat("x", 200))
					if err := os.WriteFile(filepath.Join(dir, "files", fmt.Sprintf("f%d.txt", i)), []byte(body), 0o644); err != nil {
						return err
					}
				}
				pb := fmt.Sprintf(`- hosts: all
  gather_facts: false
  tasks:
    - name: copy 100 small files
      copy:
        src: "f{{ item }}.txt"
        dest: "%s/{{ inventory_hostname }}/"
      loop: "{{ range(100) | list }}"
`, h.remote)
				return os.WriteFile(filepath.Join(dir, "playbook.yml"), []byte(pb), 0o644)
			},
			reset: func(h *harness, dir string) error {
				os.RemoveAll(h.remote)
				for i := 0; i < 4; i++ {
					d := filepath.Join(h.remote, fmt.Sprintf("h%02d", i))
					if err := os.MkdirAll(d, 0o755); err != nil {
						return err
					}
					os.Chown(d, h.uid, h.gid)
				}
				os.Chown(h.remote, h.uid, h.gid)
				return nil
			},
			floorCmd: func(h *harness, host, i int) (string, string) {
				body, _ := os.ReadFile(filepath.Join(h.work, "c", "files", fmt.Sprintf("f%d.txt", i)))
				return fmt.Sprintf("cat > %s/h%02d/f%d.txt", h.remote, host, i), string(body)
			},
		},
		{
			name: "d", title: "(d) no-op playbook (one debug task, local)",
			targetX: 80,
			write: func(h *harness, dir string) error {
				if err := h.writeCommon(dir, 0); err != nil {
					return err
				}
				pb := "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {msg: noop}\n"
				return os.WriteFile(filepath.Join(dir, "playbook.yml"), []byte(pb), 0o644)
			},
		},
		{
			name: "e", title: "(e) go-ansible's 8-task local playbook",
			targetX: 100,
			write: func(h *harness, dir string) error {
				if err := h.writeCommon(dir, 0); err != nil {
					return err
				}
				pb := `- hosts: all
  gather_facts: false
  vars: {tool_name: benchmark, run_mode: comparison}
  tasks:
    - {name: debug a static message, debug: {msg: "starting benchmark run"}}
    - {name: set a fact, set_fact: {greeting: "hello from {{ tool_name }}"}}
    - {name: debug the fact, debug: {msg: "{{ greeting }}"}}
    - {name: ensure work directory exists, file: {path: work, state: directory}}
    - {name: copy a small file, copy: {content: "benchmark payload\n", dest: work/copied.txt}}
    - {name: render a template, template: {src: bench.j2, dest: work/rendered.txt}}
    - {name: run a shell command, command: echo "command task ran", register: cmd_out}
    - {name: debug the command output, debug: {msg: "{{ cmd_out.stdout }}"}}
`
				if err := os.WriteFile(filepath.Join(dir, "playbook.yml"), []byte(pb), 0o644); err != nil {
					return err
				}
				tpl := "tool: {{ tool_name }}\nmode: {{ run_mode }}\ngreeting: {{ greeting }}\n"
				return os.WriteFile(filepath.Join(dir, "bench.j2"), []byte(tpl), 0o644)
			},
			reset: func(h *harness, dir string) error { return os.RemoveAll(filepath.Join(dir, "work")) },
		},
	}
}

// ---- running ----

type runOut struct {
	wall, cpu time.Duration
	maxRSS    int64
	rc        int
	out       string
}

func (h *harness) exec(dir string, argv []string, extraEnv ...string) runOut {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	env := []string{}
	for _, e := range os.Environ() {
		if strings.HasPrefix(e, "ANSIBLE_") || strings.HasPrefix(e, "SSH_AUTH_SOCK=") || strings.HasPrefix(e, "GOPLAY_") {
			continue
		}
		env = append(env, e)
	}
	cmd.Env = append(append(env, "ANSIBLE_NOCOLOR=1"), extraEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	t0 := time.Now()
	err := cmd.Run()
	r := runOut{wall: time.Since(t0), out: out.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.rc = ee.ExitCode()
	} else if err != nil {
		r.rc = -1
		r.out += "\n" + err.Error()
	}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.maxRSS = ru.Maxrss
			r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return r
}

func (h *harness) run(w *workload) (res *result) {
	res = &result{w: w}
	defer func() {
		if p := recover(); p != nil {
			msg := fmt.Sprintf("harness panic: %v", p)
			for _, m := range []*measurement{&res.ansible, &res.goplay, &res.floor} {
				if m.failed == "" && len(m.times) == 0 {
					m.failed = msg
				}
			}
		}
	}()
	dir := filepath.Join(h.work, w.name)
	if err := w.write(h, dir); err != nil {
		res.ansible.failed, res.goplay.failed = err.Error(), err.Error()
		return res
	}
	argv := func(prog string) []string {
		return append(append([]string{prog, "-i", "inventory"}, w.args...), "playbook.yml")
	}
	tool := func(m *measurement, prog string, timed bool) {
		if m.failed != "" {
			return
		}
		if w.reset != nil {
			if err := w.reset(h, dir); err != nil {
				m.failed = "reset: " + err.Error()
				return
			}
		}
		r := h.exec(dir, argv(prog))
		if r.rc != 0 {
			m.failed = fmt.Sprintf("exit %d: %s", r.rc, firstError(r.out))
			return
		}
		m.maxRSS = max(m.maxRSS, r.maxRSS)
		if timed {
			m.times = append(m.times, r.wall)
			m.cpu = append(m.cpu, r.cpu)
		}
	}
	floor := func(timed bool) {
		if w.floorCmds == 0 || res.floor.failed != "" {
			return
		}
		if w.reset != nil {
			w.reset(h, dir)
		}
		d, err := h.floor(w)
		if err != nil {
			res.floor.failed = err.Error()
			return
		}
		if timed {
			res.floor.times = append(res.floor.times, d)
		}
	}
	// Warm-up, then the timed runs interleaved so that drifting load
	// touches all three alike. Ansible's ControlPersist masters outlive a
	// workload, so it needs no warm-up on hosts an earlier workload warmed.
	if w.hosts == 0 || w.hosts > h.warmHosts {
		tool(&res.ansible, h.ansible, false)
		h.warmHosts = max(h.warmHosts, w.hosts)
	}
	tool(&res.goplay, h.goplay, false)
	floor(false)
	// goplay's local runs take milliseconds: more of them steady the median.
	reps := h.reps
	if w.hosts == 0 {
		reps = max(reps, 15)
	}
	for i := 0; i < max(reps, h.aReps); i++ {
		if i < h.aReps {
			tool(&res.ansible, h.ansible, true)
		}
		if i < reps {
			tool(&res.goplay, h.goplay, true)
			floor(true)
		}
	}
	// Where goplay's time goes: always on (a), and whenever a target is missed.
	if res.goplay.ok() && (strings.HasPrefix(w.name, "a") || missed(res)) {
		res.profile = h.profile(w, dir, argv(h.goplayPro))
	}
	return res
}

// stopMasters ends Ansible's ControlPersist masters.
func (h *harness) stopMasters() {
	if socks, _ := os.ReadDir(filepath.Join(h.work, "cp")); len(socks) > 0 {
		for _, s := range socks {
			exec.Command("ssh", "-o", "ControlPath="+filepath.Join(h.work, "cp", s.Name()), "-O", "exit", "x").Run()
		}
	}
}

// floor runs w.floorCmds commands per host through OpenSSH: one
// ControlMaster per host (set up inside the timed span), the commands of
// a host one after another, the hosts in parallel.
func (h *harness) floor(w *workload) (time.Duration, error) {
	cpDir, err := os.MkdirTemp(h.work, "fl")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(cpDir)
	base := func(i int) []string {
		s := h.env.Servers[i]
		return []string{"-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + h.env.KnownHosts,
			"-o", "IdentitiesOnly=yes", "-i", h.env.KeyFile, "-p", strconv.Itoa(s.Port), "-l", h.env.User,
			"-S", filepath.Join(cpDir, strconv.Itoa(i))}
	}
	var wg sync.WaitGroup
	errs := make([]error, w.hosts)
	t0 := time.Now()
	for hi := 0; hi < w.hosts; hi++ {
		wg.Add(1)
		go func(hi int) {
			defer wg.Done()
			addr := h.env.Servers[hi].Addr
			master := append(append(base(hi), "-M", "-f", "-N", "-o", "ControlPersist=yes"), addr)
			if out, err := exec.Command("ssh", master...).CombinedOutput(); err != nil {
				errs[hi] = fmt.Errorf("ssh master: %v: %s", err, out)
				return
			}
			for i := 0; i < w.floorCmds; i++ {
				cmdline, stdin := w.floorCmd(h, hi, i)
				c := exec.Command("ssh", append(base(hi), addr, cmdline)...)
				if stdin != "" {
					c.Stdin = strings.NewReader(stdin)
				}
				if out, err := c.CombinedOutput(); err != nil {
					errs[hi] = fmt.Errorf("ssh %s: %v: %s", cmdline, err, out)
					return
				}
			}
		}(hi)
	}
	wg.Wait()
	d := time.Since(t0)
	for hi := 0; hi < w.hosts; hi++ {
		exec.Command("ssh", append(base(hi), "-O", "exit", h.env.Servers[hi].Addr)...).Run()
	}
	return d, errors.Join(errs...)
}

func (h *harness) profile(w *workload, dir string, argv []string) string {
	if w.reset != nil {
		w.reset(h, dir)
	}
	// Short runs give few samples: profile several runs and merge them.
	var profs []string
	var wall, cpu time.Duration
	for i := 0; i < 30 && (wall < 3*time.Second || i < 3); i++ {
		if w.reset != nil {
			w.reset(h, dir)
		}
		prof := filepath.Join(h.work, fmt.Sprintf("%s.%d.pprof", w.name, i))
		r := h.exec(dir, argv, "GOPLAY_CPUPROFILE="+prof)
		if r.rc != 0 {
			return "profiling run failed: " + firstError(r.out)
		}
		profs = append(profs, prof)
		wall += r.wall
		cpu += r.cpu
	}
	out, err := exec.Command("go", append([]string{"tool", "pprof", "-top", "-nodecount=12", h.goplayPro}, profs...)...).CombinedOutput()
	if err != nil {
		return "go tool pprof: " + err.Error()
	}
	cum, err := exec.Command("go", append([]string{"tool", "pprof", "-top", "-cum", "-nodecount=30", h.goplayPro}, profs...)...).CombinedOutput()
	if err == nil {
		out = append(append(out, "\n\ncumulative:\n"...), dropHeader(string(cum))...)
	}
	n := time.Duration(len(profs))
	head := fmt.Sprintf("%d runs merged; per run: wall %s, goplay CPU %s (user+sys of goplay and the processes it ran)", n, fmtDur(wall/n), fmtDur(cpu/n))
	if procs := h.countExecs(w, dir, argv); procs != "" && w.hosts == 0 {
		head += "\n" + procs
	}
	return head + "\n" + trimPprof(string(out))
}

// countExecs runs goplay once under strace and counts the programs it
// started (local connection: every helper process is one fork+exec).
func (h *harness) countExecs(w *workload, dir string, argv []string) string {
	strace, err := exec.LookPath("strace")
	if err != nil {
		return ""
	}
	if w.reset != nil {
		w.reset(h, dir)
	}
	log := filepath.Join(h.work, w.name+".strace")
	r := h.exec(dir, append([]string{strace, "-f", "-qq", "-e", "trace=execve", "-e", "signal=none", "-o", log}, argv...))
	if r.rc != 0 {
		return ""
	}
	b, _ := os.ReadFile(log)
	count := map[string]int{}
	total := 0
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.Contains(l, "execve(") || strings.Contains(l, "= -1") {
			continue
		}
		if i := strings.Index(l, "execve(\""); i >= 0 {
			prog := l[i+8:]
			if j := strings.IndexByte(prog, '"'); j >= 0 {
				prog = filepath.Base(prog[:j])
			}
			count[prog]++
			total++
		}
	}
	var parts []string
	for p, c := range count {
		parts = append(parts, fmt.Sprintf("%s×%d", p, c))
	}
	sort.Strings(parts)
	return fmt.Sprintf("programs exec'd in one run (strace, goplay itself included): %d: %s", total, strings.Join(parts, " "))
}

// ---- sessions ----

type sessRow struct {
	title           string
	cmds            int
	goplay, ansible int // -1: not run
	gpFail, anFail  string
}

// sessions runs (a) on 4 hosts, (b) and (c) once against sshd hosts that
// log every session, and counts the sessions each tool opened.
func (h *harness) sessions() (rows []sessRow) {
	defer func() {
		if p := recover(); p != nil {
			rows = append(rows, sessRow{title: fmt.Sprintf("harness panic: %v", p), goplay: -1, ansible: -1})
		}
	}()
	denv := sshtest.Start(h.b, sshtest.Options{Servers: 4,
		Addrs:       []string{"127.0.0.41", "127.0.0.42", "127.0.0.43", "127.0.0.44"},
		ExtraConfig: "LogLevel DEBUG1\n"})
	count := func() int {
		n := 0
		for _, s := range denv.Servers {
			n += strings.Count(s.Log(), "ctype session")
		}
		return n
	}
	main := h.env
	defer func() { h.env = main }()
	for _, w := range workloads() {
		if w.floorCmds == 0 || w.name == "a16" {
			continue
		}
		row := sessRow{title: w.title, cmds: w.hosts * w.floorCmds, goplay: -1, ansible: -1}
		dir := filepath.Join(h.work, "sess-"+w.name)
		h.env = denv
		err := w.write(h, dir)
		h.env = main
		if err != nil {
			row.gpFail = err.Error()
			rows = append(rows, row)
			continue
		}
		one := func(prog string) (int, string) {
			if w.reset != nil {
				w.reset(h, dir)
			}
			before := count()
			r := h.exec(dir, []string{prog, "-i", "inventory", "playbook.yml"})
			time.Sleep(200 * time.Millisecond) // let sshd flush its log
			if r.rc != 0 {
				return -1, fmt.Sprintf("exit %d: %s", r.rc, firstError(r.out))
			}
			return count() - before, ""
		}
		row.goplay, row.gpFail = one(h.goplay)
		if w.name == "a4" {
			row.ansible, row.anFail = one(h.ansible)
		}
		rows = append(rows, row)
	}
	return rows
}

func countShow(n int, fail string) string {
	switch {
	case fail != "":
		return "failed: " + fail
	case n < 0:
		return "not run"
	}
	return strconv.Itoa(n)
}

func perCmd(n, cmds int, fail string) string {
	if fail != "" || n < 0 || cmds == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(n)/float64(cmds))
}

// ---- memory ----

type memResult struct {
	goplayRSS, ansibleRSS int64 // KiB
	goplayWall            time.Duration
	ansibleWall           time.Duration
	goplayFail, ansFail   string
}

// mem200 runs a local play over 200 hosts (debug, set_fact, command) and
// records goplay's peak RSS (and Ansible's, once, for reference).
func (h *harness) mem200() *memResult {
	dir := filepath.Join(h.work, "mem200")
	os.MkdirAll(dir, 0o755)
	h.writeCommon(dir, 0)
	var inv strings.Builder
	inv.WriteString("[many]\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&inv, "m%03d ansible_connection=local ansible_python_interpreter=/usr/bin/python3 idx=%d\n", i, i)
	}
	os.WriteFile(filepath.Join(dir, "inventory"), []byte(inv.String()), 0o644)
	pb := `- hosts: all
  gather_facts: false
  tasks:
    - debug: {msg: "host {{ inventory_hostname }} number {{ idx }}"}
    - set_fact: {double: "{{ idx | int * 2 }}"}
    - command: echo {{ double }}
`
	os.WriteFile(filepath.Join(dir, "playbook.yml"), []byte(pb), 0o644)
	m := &memResult{}
	argv := func(p string) []string { return []string{p, "-i", "inventory", "-f", "50", "playbook.yml"} }
	for i := 0; i < 3; i++ {
		r := h.exec(dir, argv(h.goplay))
		if r.rc != 0 {
			m.goplayFail = fmt.Sprintf("exit %d: %s", r.rc, firstError(r.out))
			break
		}
		m.goplayRSS = max(m.goplayRSS, r.maxRSS)
		m.goplayWall = r.wall
	}
	if os.Getenv("BENCH_ANSIBLE_200") == "" {
		m.ansFail = "not run (it takes minutes; BENCH_ANSIBLE_200=1 runs it)"
		return m
	}
	r := h.exec(dir, argv(h.ansible))
	if r.rc != 0 {
		m.ansFail = fmt.Sprintf("exit %d: %s", r.rc, firstError(r.out))
	}
	m.ansibleRSS, m.ansibleWall = r.maxRSS, r.wall
	return m
}

type treeResult struct {
	goplay, ansible int64 // KiB, peak of the summed RSS of the process tree
	gpFail, anFail  string
}

// treeRSS runs (a) on 16 hosts once per tool while sampling the summed RSS
// of the tool's process tree (Ansible forks a worker per host).
func (h *harness) treeRSS() *treeResult {
	dir := filepath.Join(h.work, "a16")
	if _, err := os.Stat(filepath.Join(dir, "playbook.yml")); err != nil {
		for _, w := range workloads() {
			if w.name == "a16" {
				w.write(h, dir)
			}
		}
	}
	t := &treeResult{}
	one := func(prog string) (int64, string) {
		cmd := exec.Command(prog, "-i", "inventory", "playbook.yml")
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			return 0, err.Error()
		}
		var peak int64
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		tick := time.NewTicker(25 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case err := <-done:
				if err != nil {
					return peak, err.Error() + ": " + firstError(out.String())
				}
				return peak, ""
			case <-tick.C:
				peak = max(peak, treeRSS(cmd.Process.Pid))
			}
		}
	}
	t.goplay, t.gpFail = one(h.goplay)
	t.ansible, t.anFail = one(h.ansible)
	return t
}

// treeRSS sums VmRSS (KiB) of pid and its descendants.
func treeRSS(pid int) int64 {
	var sum int64
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "VmRSS:") {
				f := strings.Fields(l)
				if len(f) >= 2 {
					n, _ := strconv.ParseInt(f[1], 10, 64)
					sum += n
				}
			}
		}
	}
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		c, _ := os.ReadFile(t)
		for _, f := range strings.Fields(string(c)) {
			if n, err := strconv.Atoi(f); err == nil {
				sum += treeRSS(n)
			}
		}
	}
	return sum
}

// ---- report ----

func missed(r *result) bool {
	w := r.w
	if !r.goplay.ok() || !r.ansible.ok() {
		return false
	}
	if w.targetX > 0 && ratio(r.ansible.median(), r.goplay.median()) < w.targetX {
		return true
	}
	if w.targetFloor > 0 && r.floor.ok() && ratio(r.goplay.median(), r.floor.median()) > w.targetFloor {
		return true
	}
	return false
}

func (h *harness) report(results []*result, sess []sessRow, mem *memResult, tree *treeResult, load0, load1 string, total time.Duration) string {
	var sb strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&sb, format, a...) }
	p("# Benchmarks: goplay vs ansible-playbook over SSH\n\n")
	p("Generated by the harness in `bench/` (%s). Reproduce from the repository root with:\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	p("```sh\n%s\n```\n\n", reproduce)
	p("Both tools run the same playbooks, one after the other, against the same real OpenSSH `sshd` hosts on\n")
	p("127.0.0.21… started by `engine/connection/sshtest` (throwaway keys, login user `%s` whose shell is\n", h.env.User)
	p("`/bin/sh`, host keys checked against a known_hosts file). All hosts are this machine.\n\n")
	p("- Machine: %d CPUs (`nproc`), shared with other jobs: load average %s at the start, %s at the end; %s.\n", runtime.NumCPU(), load0, load1, versions(h.ansible))
	p("- Method: one untimed warm-up run per tool and workload, then %d timed runs of ansible-playbook and %d of goplay\n", h.aReps, h.reps)
	p("  and of the floor, interleaved; the **median** is reported. Wall-clock time of the whole command.\n")
	p("- Ansible at its best: `pipelining = True`, `ssh_args = -o ControlMaster=auto -o ControlPersist=1800s` (no `-C`;\n")
	p("  the masters persist across its runs, so its timed runs reuse warm connections), `forks` ≥ hosts,\n")
	p("  `gather_facts: false`, `ansible_python_interpreter` set (no discovery).\n")
	p("- goplay: the binary built from this tree; one x/crypto/ssh connection per host for the run, which it\n")
	p("  has to open in every run.\n")
	p("- Floor: the same number of commands through the OpenSSH client multiplexed on one ControlMaster per host\n")
	p("  (`ssh -S sock host cmd`, the commands of a host one after another, the hosts in parallel), the\n")
	p("  master set up inside the timed span. For (c) each command is `cat > file` fed the file.\n")
	p("- CPU time: user+sys of the command and the children it waited for (wait4 rusage); less sensitive to\n")
	p("  the machine's load than wall time. goplay's local runs (d, e) are timed %d times.\n", max(h.reps, 15))
	p("- Peak RSS: `ru_maxrss` of the command from wait4, i.e. the largest single process among it and its\n")
	p("  children (for Ansible that is one process of several: see the process-tree table below).\n\n")
	p("Total harness time %s.\n\n", fmtDur(total))

	p("## Time\n\n")
	p("| workload | ansible-playbook | goplay | floor (OpenSSH mux) | Ansible ÷ goplay | goplay ÷ floor | target | met? | CPU time goplay / Ansible (ratio) | peak RSS goplay / Ansible |\n")
	p("|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		w := r.w
		ag, gf := "–", "–"
		if r.ansible.ok() && r.goplay.ok() {
			ag = fmt.Sprintf("**%.1f×**", ratio(r.ansible.median(), r.goplay.median()))
		}
		if r.goplay.ok() && r.floor.ok() {
			gf = fmt.Sprintf("**%.2f×**", ratio(r.goplay.median(), r.floor.median()))
		}
		var tgt []string
		if w.targetX > 0 {
			tgt = append(tgt, fmt.Sprintf("≥ %.0f×", w.targetX))
		}
		if w.targetFloor > 0 {
			tgt = append(tgt, fmt.Sprintf("≤ %.1f× floor", w.targetFloor))
		}
		met := "–"
		if len(tgt) > 0 {
			switch {
			case !r.goplay.ok() || !r.ansible.ok():
				met = "not measured"
			case missed(r):
				met = "**no**"
			default:
				met = "yes"
			}
		}
		gcpu := "–"
		if r.goplay.ok() {
			gcpu = fmtDur(median(r.goplay.cpu))
			if r.ansible.ok() {
				gcpu += fmt.Sprintf(" / %s (%.0f×)", fmtDur(median(r.ansible.cpu)), ratio(median(r.ansible.cpu), median(r.goplay.cpu)))
			}
		}
		p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |\n", w.title, show(&r.ansible), show(&r.goplay), show(&r.floor),
			ag, gf, strings.Join(tgt, ", "), met, gcpu, rss(&r.goplay), rss(&r.ansible))
	}
	p("\nAll timed runs (seconds):\n\n")
	for _, r := range results {
		p("- %s: ansible %s; goplay %s; floor %s\n", r.w.name, runs(&r.ansible), runs(&r.goplay), runs(&r.floor))
	}
	var failed []string
	for _, r := range results {
		for _, x := range []struct {
			n string
			m *measurement
		}{{"ansible-playbook", &r.ansible}, {"goplay", &r.goplay}, {"floor", &r.floor}} {
			if x.m.failed != "" {
				failed = append(failed, fmt.Sprintf("- %s, %s: %s", r.w.title, x.n, x.m.failed))
			}
		}
	}
	if len(failed) > 0 {
		p("\nFailed runs (the workload is reported as not measured):\n\n%s\n", strings.Join(failed, "\n"))
	}

	if len(sess) > 0 {
		p("\n## SSH sessions per command\n\n")
		p("One run per tool against separate sshd hosts with `LogLevel DEBUG1`, counting the session channels\n")
		p("sshd opened (`server_input_channel_open: ctype session`). The floor opens one per command.\n\n")
		p("| workload | commands (tasks × hosts or items) | goplay sessions | per command | ansible-playbook sessions | per command |\n|---|---|---|---|---|---|\n")
		for _, r := range sess {
			p("| %s | %d | %s | %s | %s | %s |\n", r.title, r.cmds, countShow(r.goplay, r.gpFail), perCmd(r.goplay, r.cmds, r.gpFail),
				countShow(r.ansible, r.anFail), perCmd(r.ansible, r.cmds, r.anFail))
		}
	}

	p("\n## Memory\n\n")
	if mem != nil {
		p("A local-connection play over **200 hosts** in the inventory (debug, set_fact, command; `-f 50`):\n\n")
		p("| | peak RSS | wall |\n|---|---|---|\n")
		if mem.goplayFail != "" {
			p("| goplay | failed: %s | |\n", mem.goplayFail)
		} else {
			met := "yes"
			if mem.goplayRSS >= 200*1024 {
				met = "**no**"
			}
			p("| goplay (target < 200 MiB: %s) | **%.1f MiB** | %s |\n", met, float64(mem.goplayRSS)/1024, fmtDur(mem.goplayWall))
		}
		if mem.ansFail != "" {
			p("| ansible-playbook (largest process) | %s | |\n", mem.ansFail)
		} else {
			p("| ansible-playbook (largest process) | %.1f MiB | %s |\n", float64(mem.ansibleRSS)/1024, fmtDur(mem.ansibleWall))
		}
		p("\n")
	}
	if tree != nil {
		p("Peak of the summed RSS of the whole process tree (sampled every 25 ms) during one run of (a) on 16 hosts:\n\n")
		p("| goplay | ansible-playbook (controller + forked workers + ssh clients) |\n|---|---|\n")
		p("| %s | %s |\n\n", treeShow(tree.goplay, tree.gpFail), treeShow(tree.ansible, tree.anFail))
		p("(Ansible's ControlPersist masters daemonise and are not counted.)\n")
	}

	var notes []string
	var noop *result
	for _, r := range results {
		if r.w.name == "d" && r.goplay.ok() {
			noop = r
		}
	}
	for _, r := range results {
		if !missed(r) {
			continue
		}
		n := fmt.Sprintf("- %s: Ansible %s ÷ goplay %s = %.1f× (target %.0f×)", r.w.title, fmtDur(r.ansible.median()),
			fmtDur(r.goplay.median()), ratio(r.ansible.median(), r.goplay.median()), r.w.targetX)
		if r.w.targetFloor > 0 && r.floor.ok() {
			n += fmt.Sprintf(", goplay ÷ floor = %.2f× (target ≤ %.1f×)", ratio(r.goplay.median(), r.floor.median()), r.w.targetFloor)
		}
		if r.w.hosts == 0 && noop != nil && r != noop {
			n += fmt.Sprintf(". goplay's start-up and a one-task play (d) take %s, so the tasks themselves cost %s",
				fmtDur(noop.goplay.median()), fmtDur(r.goplay.median()-noop.goplay.median()))
		}
		for _, l := range strings.Split(r.profile, "\n") {
			if strings.HasPrefix(l, "programs exec'd") {
				n += "; " + l
			}
		}
		for _, sr := range sess {
			if sr.title == r.w.title && sr.goplay > 0 {
				n += fmt.Sprintf("; goplay opens %s SSH sessions per command", perCmd(sr.goplay, sr.cmds, sr.gpFail))
			}
		}
		notes = append(notes, n+".")
	}
	if len(notes) > 0 {
		p("\n## Targets missed\n\n%s\n", strings.Join(notes, "\n"))
	}

	var profs []string
	for _, r := range results {
		if r.profile != "" {
			profs = append(profs, fmt.Sprintf("### %s\n\n```\n%s\n```\n", r.w.title, r.profile))
		}
	}
	if len(profs) > 0 {
		p("\n## Where goplay's time goes (CPU profiles)\n\n")
		p("Runs of `bench/goplayprof` (goplay with `GOPLAY_CPUPROFILE`), merged, `go tool pprof -top` (flat, then\n")
		p("cumulative); on local workloads also the programs goplay started (`strace -f -e trace=execve`).\n")
		p("goplay's own CPU is a small part of its wall time on the SSH workloads; the rest is waiting on sshd\n")
		p("(key exchange, a session and `/bin/sh -c` per command on the target).\n\n")
		p("%s", strings.Join(profs, "\n"))
	}
	return sb.String()
}

// ---- helpers ----

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	default:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
}

func show(m *measurement) string {
	switch {
	case m.failed != "":
		return "failed"
	case len(m.times) == 0:
		return "–"
	}
	return fmtDur(m.median())
}

func runs(m *measurement) string {
	if m.failed != "" {
		return "failed"
	}
	if len(m.times) == 0 {
		return "–"
	}
	var s []string
	for _, t := range m.times {
		s = append(s, fmt.Sprintf("%.3f", t.Seconds()))
	}
	return strings.Join(s, " ")
}

func rss(m *measurement) string {
	if m.maxRSS == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(m.maxRSS)/1024)
}

func treeShow(k int64, fail string) string {
	if fail != "" {
		return "failed: " + fail
	}
	return fmt.Sprintf("%.0f MiB", float64(k)/1024)
}

// firstError picks the line that says why a run failed.
func firstError(out string) string {
	lines := strings.Split(out, "\n")
	for _, l := range lines {
		if strings.Contains(l, "ERROR") || strings.HasPrefix(l, "fatal:") || strings.HasPrefix(l, "failed:") {
			return truncate(strings.TrimSpace(l), 220)
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) != "" {
			return truncate(strings.TrimSpace(lines[i]), 220)
		}
	}
	return ""
}

func truncate(s string, n int) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// dropHeader keeps the table of a pprof -top output.
func dropHeader(s string) string {
	if i := strings.Index(s, "      flat  flat%"); i >= 0 {
		return s[i:]
	}
	return s
}

func trimPprof(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "File:") || strings.HasPrefix(l, "Build ID:") || strings.HasPrefix(l, "Type:") || strings.HasPrefix(l, "Time:") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

func versions(ansible string) string {
	var parts []string
	if out, err := exec.Command(ansible, "--version").Output(); err == nil {
		parts = append(parts, strings.TrimSpace(strings.Split(string(out), "\n")[0]))
	}
	parts = append(parts, runtime.Version())
	if out, err := exec.Command("ssh", "-V").CombinedOutput(); err == nil {
		parts = append(parts, strings.TrimSpace(string(out)))
	}
	return strings.Join(parts, ", ")
}

func envInt(k string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(k)); err == nil && n > 0 {
		return n
	}
	return def
}
