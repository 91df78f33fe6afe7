package builtin

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "setup",
		Aliases:   []string{"ansible.builtin.setup", "gather_facts", "ansible.builtin.gather_facts"},
		New:       func() modules.Module { return new(Setup) },
		CheckMode: true,
		Short:     "Gathers facts about remote hosts",
	})
}

// Setup gathers the common facts about the target in one shell round trip,
// with the names and value formats of ansible.builtin.setup.
type Setup struct {
	GatherSubset   []string `arg:"gather_subset" default:"all" doc:"Subsets to gather, as Ansible selects its collectors (all, min, network, hardware, !name, a fact id ...); goplay's common facts are filtered by the collector each belongs to."`
	GatherTimeout  any      `arg:"gather_timeout" default:"10" doc:"Timeout in seconds for gathering."`
	Filter         []string `arg:"filter" doc:"Only return facts whose names match these shell-style patterns."`
	FactPath       string   `arg:"fact_path" default:"/etc/ansible/facts.d" doc:"Path of local facts (accepted, not read)."`
	Parallel       any      `arg:"parallel" doc:"Accepted for compatibility."`
	Fragment       any      `arg:"_raw_params" doc:"Unused."`
	InterpreterVar string
}

// AdjustInvocation gives the setup module's own parameters as
// AnsibleModule reports them: the timeout as an int when it is one, filter
// defaulting to [], and none of goplay's extra arguments.
func (s *Setup) AdjustInvocation(args map[string]any) {
	if n, ok := modules.ToInt(args["gather_timeout"]); ok {
		args["gather_timeout"] = n
	}
	if args["filter"] == nil {
		args["filter"] = []any{}
	}
	delete(args, "parallel")
	delete(args, "_raw_params")
}

// Run gathers the facts.
func (s *Setup) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	// gather_timeout is an int: the module (AnsibleModule's argument
	// validation) fails with its parameters in the invocation
	var timeout struct {
		N int `arg:"gather_timeout"`
	}
	if err := modules.Decode("setup", &timeout, map[string]any{"gather_timeout": s.GatherTimeout}); err != nil {
		return &modules.Result{Failed: true, Msg: err.Error(), Data: map[string]any{
			"invocation":                map[string]any{"module_args": modules.Invocation(s, req.Args)},
			"_ansible_verbose_override": true,
		}}, nil
	}
	collectors, bad := selectCollectors(s.GatherSubset)
	if bad != "" {
		return &modules.Result{Failed: true, Msg: bad, Data: map[string]any{
			"invocation":                map[string]any{"module_args": modules.Invocation(s, req.Args)},
			"_ansible_verbose_override": true,
		}}, nil
	}
	py := ""
	if v, ok := req.Vars["ansible_python_interpreter"].(string); ok && v != "" && !strings.Contains(v, "{{") {
		py = v
	}
	mark := nonce()
	script := strings.ReplaceAll(setupScript, "@@MARK@@", mark)
	pyWord := "''"
	if py != "" {
		pyWord = shWord(py)
	}
	script = strings.Replace(script, "@@PYTHON@@", pyWord, 1)
	if timeout.N > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(timeout.N)*time.Second+5*time.Second)
		defer cancel()
	}
	stdout, _, _, err := req.Conn.Exec(ctx, script, nil)
	if err != nil {
		return nil, err
	}
	facts := buildFacts(string(stdout), mark)
	for k := range facts {
		if !keepFact(k, collectors) {
			delete(facts, k)
		}
	}
	subset := make([]any, 0, len(s.GatherSubset))
	for _, g := range s.GatherSubset {
		subset = append(subset, g)
	}
	facts["gather_subset"] = subset
	facts["module_setup"] = true
	if len(s.Filter) > 0 {
		// the filter applies to every returned fact, these two included
		for k := range facts {
			keep := false
			for _, pat := range s.Filter {
				if ok, _ := path.Match(pat, k); ok {
					keep = true
					break
				}
			}
			if !keep {
				delete(facts, k)
			}
		}
	}
	return &modules.Result{
		// the setup and gather_facts action plugins mark their result so
		// that -v does not print the facts (_ansible_verbose_override)
		Data:    map[string]any{"ansible_facts": facts, "_ansible_verbose_override": true},
		Effects: []modules.Effect{modules.SetFacts{Facts: facts}},
	}, nil
}

// rawFacts holds the script's KEY=VALUE output; keys may repeat.
type rawFacts map[string][]string

func (r rawFacts) get(k string) string {
	if v := r[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func parseRaw(out, mark string) (rawFacts, string) {
	r := rawFacts{}
	head, env, _ := strings.Cut(out, mark+"\n")
	env, _, _ = strings.Cut(env, "\n"+mark)
	for _, line := range strings.Split(head, "\n") {
		k, v, ok := strings.Cut(line, "=")
		if ok {
			r[k] = append(r[k], v)
		}
	}
	return r, env
}

func buildFacts(out, mark string) map[string]any {
	r, envBlock := parseRaw(out, mark)
	f := map[string]any{}

	// Platform.
	node := r.get("nodename")
	f["ansible_nodename"] = node
	f["ansible_hostname"] = strings.SplitN(node, ".", 2)[0]
	fqdn := node
	if names := strings.Fields(r.get("fqdn_names")); len(names) > 0 {
		fqdn = names[0]
		for _, n := range names {
			if strings.Contains(n, ".") {
				fqdn = n
				break
			}
		}
	}
	f["ansible_fqdn"] = fqdn
	domain := ""
	if i := strings.Index(fqdn, "."); i >= 0 {
		domain = fqdn[i+1:]
	}
	f["ansible_domain"] = domain
	f["ansible_system"] = r.get("system")
	f["ansible_kernel"] = r.get("kernel")
	f["ansible_kernel_version"] = r.get("kernel_version")
	arch := r.get("machine")
	f["ansible_machine"] = arch
	if len(arch) == 4 && arch[0] == 'i' && strings.HasSuffix(arch, "86") {
		arch = "i386"
	}
	f["ansible_architecture"] = arch
	f["ansible_userspace_architecture"] = arch

	distributionFacts(r, f)
	userFacts(r, f)
	dateFacts(r, f)
	networkFacts(r, f)
	hardwareFacts(r, f)

	// Environment.
	env := map[string]any{}
	sep := "\x00"
	if !strings.Contains(envBlock, sep) {
		sep = "\n"
	}
	for _, kv := range strings.Split(envBlock, sep) {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			env[k] = v
		}
	}
	f["ansible_env"] = env

	// Python.
	if p := strings.Fields(r.get("python")); len(p) >= 8 {
		major, _ := strconv.Atoi(p[1])
		minor, _ := strconv.Atoi(p[2])
		micro, _ := strconv.Atoi(p[3])
		serial, _ := strconv.Atoi(p[5])
		f["ansible_python"] = map[string]any{
			"executable":     p[0],
			"has_sslcontext": p[7] == "1",
			"type":           pyImplName(p[6]),
			"version": map[string]any{
				"major": major, "minor": minor, "micro": micro,
				"releaselevel": p[4], "serial": serial,
			},
			"version_info": []any{major, minor, micro, p[4], serial},
		}
		f["ansible_python_version"] = fmt.Sprintf("%d.%d.%d", major, minor, micro)
	}

	// Package and service managers.
	f["ansible_pkg_mgr"] = pkgMgr(r, f["ansible_os_family"])
	f["ansible_service_mgr"] = serviceMgr(r)
	if id := r.get("machine_id"); id != "" {
		f["ansible_machine_id"] = id
	}
	if up := r.get("uptime"); up != "" {
		if x, err := strconv.ParseFloat(up, 64); err == nil {
			f["ansible_uptime_seconds"] = int(x)
		}
	}
	if la := strings.Fields(r.get("loadavg")); len(la) >= 3 {
		load := map[string]any{}
		for i, k := range []string{"1m", "5m", "15m"} {
			x, _ := strconv.ParseFloat(la[i], 64)
			load[k] = x
		}
		f["ansible_loadavg"] = load
	}
	if b := r.get("longbit"); b != "" {
		f["ansible_userspace_bits"] = b
	}
	f["ansible_fips"] = r.get("fips") == "1"
	f["ansible_local"] = map[string]any{}
	return f
}

func pyImplName(s string) string {
	switch s {
	case "cpython":
		return "cpython"
	case "pypy":
		return "pypy"
	}
	return s
}

var distroNames = map[string]string{
	"debian": "Debian", "ubuntu": "Ubuntu", "centos": "CentOS", "rhel": "RedHat", "fedora": "Fedora",
	"rocky": "Rocky", "almalinux": "AlmaLinux", "ol": "OracleLinux", "amzn": "Amazon", "alpine": "Alpine",
	"arch": "Archlinux", "archlinux": "Archlinux", "sles": "SLES", "opensuse-leap": "openSUSE Leap",
	"opensuse-tumbleweed": "openSUSE Tumbleweed", "opensuse": "openSUSE", "linuxmint": "Linux Mint",
	"gentoo": "Gentoo", "kali": "Kali", "raspbian": "Debian", "void": "Void", "nixos": "NixOS",
	"clear-linux-os": "ClearLinux", "cloudlinux": "CloudLinux", "scientific": "Scientific",
	"virtuozzo": "Virtuozzo", "devuan": "Devuan", "pop": "Pop!_OS", "mageia": "Mageia",
}

var osFamilies = map[string]string{
	"Debian": "Debian", "Ubuntu": "Debian", "Linux Mint": "Debian", "Kali": "Debian", "Devuan": "Debian", "Pop!_OS": "Debian",
	"RedHat": "RedHat", "CentOS": "RedHat", "Fedora": "RedHat", "Rocky": "RedHat", "AlmaLinux": "RedHat",
	"OracleLinux": "RedHat", "Amazon": "RedHat", "CloudLinux": "RedHat", "Scientific": "RedHat", "Virtuozzo": "RedHat",
	"SLES": "Suse", "openSUSE": "Suse", "openSUSE Leap": "Suse", "openSUSE Tumbleweed": "Suse",
	"Archlinux": "Archlinux", "Gentoo": "Gentoo", "Alpine": "Alpine", "Mageia": "Mandrake",
}

func distributionFacts(r rawFacts, f map[string]any) {
	system := r.get("system")
	id := strings.ToLower(r.get("os_ID"))
	dist := distroNames[id]
	if dist == "" {
		if id != "" {
			dist = strings.ToUpper(id[:1]) + id[1:]
		} else {
			dist = system
		}
	}
	version := r.get("os_VERSION_ID")
	switch dist {
	case "Debian":
		if dv := r.get("debian_version"); dv != "" && dv[0] >= '0' && dv[0] <= '9' {
			version = dv
		}
	case "Alpine":
		if av := r.get("alpine_release"); av != "" {
			version = av
		}
	}
	release := r.get("os_VERSION_CODENAME")
	if release == "" {
		release = r.get("os_UBUNTU_CODENAME")
	}
	if release == "" {
		// "8.9 (Ootpa)" style VERSION gives the codename.
		v := r.get("os_VERSION")
		if i := strings.Index(v, "("); i >= 0 && strings.HasSuffix(v, ")") {
			release = v[i+1 : len(v)-1]
		}
	}
	if release == "" {
		release = "NA"
	}
	if version == "" {
		version = "NA"
	}
	parts := strings.Split(version, ".")
	f["ansible_distribution"] = dist
	f["ansible_distribution_version"] = version
	f["ansible_distribution_major_version"] = parts[0]
	if len(parts) > 1 {
		f["ansible_distribution_minor_version"] = parts[1]
	}
	f["ansible_distribution_release"] = release
	fam := osFamilies[dist]
	if fam == "" {
		fam = dist
	}
	f["ansible_os_family"] = fam

	lsb := map[string]any{}
	if v := r.get("lsbfile_DISTRIB_ID"); v != "" {
		lsb["id"] = v
		lsb["release"] = r.get("lsbfile_DISTRIB_RELEASE")
		lsb["codename"] = r.get("lsbfile_DISTRIB_CODENAME")
		lsb["description"] = r.get("lsbfile_DISTRIB_DESCRIPTION")
	} else if v := r.get("lsb_Distributor ID"); v != "" {
		lsb["id"] = v
		lsb["release"] = r.get("lsb_Release")
		lsb["codename"] = r.get("lsb_Codename")
		lsb["description"] = r.get("lsb_Description")
	}
	if rel, ok := lsb["release"].(string); ok && rel != "" {
		lsb["major_release"] = strings.Split(rel, ".")[0]
	}
	if len(lsb) > 0 {
		f["ansible_lsb"] = lsb
	}
}

func userFacts(r rawFacts, f map[string]any) {
	user := r.get("user_env_id")
	if user == "" {
		user = r.get("user_name")
	}
	f["ansible_user_id"] = user
	atoi := func(s string) any {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil
		}
		return n
	}
	f["ansible_user_uid"] = atoi(r.get("uid"))
	f["ansible_user_gid"] = atoi(r.get("gid"))
	f["ansible_real_user_id"] = atoi(r.get("uid"))
	f["ansible_real_group_id"] = atoi(r.get("gid"))
	f["ansible_effective_user_id"] = atoi(r.get("euid"))
	f["ansible_effective_group_id"] = atoi(r.get("egid"))
	pw := strings.Split(r.get("passwd"), ":")
	if len(pw) >= 7 {
		f["ansible_user_gecos"] = pw[4]
		f["ansible_user_dir"] = pw[5]
		f["ansible_user_shell"] = pw[6]
		// Ansible takes uid and gid from the passwd entry.
		f["ansible_user_uid"] = atoi(pw[2])
		f["ansible_user_gid"] = atoi(pw[3])
	}
}

func dateFacts(r rawFacts, f map[string]any) {
	d := strings.Fields(r.get("date"))
	if len(d) < 4 {
		return
	}
	sec, err := strconv.ParseInt(d[0], 10, 64)
	if err != nil {
		return
	}
	nsec, err := strconv.ParseInt(d[1], 10, 64)
	if err != nil {
		nsec = 0
	}
	name, off := d[2], d[3]
	zone := time.FixedZone(name, parseOffset(off))
	t := time.Unix(sec, nsec).In(zone)
	u := t.UTC()
	us := t.Nanosecond() / 1000
	_, week := t.YearDay(), mondayWeek(t)
	tzDST := name
	jan, jul := strings.Fields(r.get("tz_jan")), strings.Fields(r.get("tz_jul"))
	if len(jan) == 2 && len(jul) == 2 && jan[0] != jul[0] {
		if parseOffset(jul[1]) > parseOffset(jan[1]) {
			tzDST = jul[0]
		} else {
			tzDST = jan[0]
		}
	}
	f["ansible_date_time"] = map[string]any{
		"year":                t.Format("2006"),
		"month":               t.Format("01"),
		"weekday":             t.Weekday().String(),
		"weekday_number":      strconv.Itoa(int(t.Weekday())),
		"weeknumber":          fmt.Sprintf("%02d", week),
		"day":                 t.Format("02"),
		"hour":                t.Format("15"),
		"minute":              t.Format("04"),
		"second":              t.Format("05"),
		"epoch":               d[0],
		"epoch_int":           d[0],
		"date":                t.Format("2006-01-02"),
		"time":                t.Format("15:04:05"),
		"iso8601_micro":       u.Format("2006-01-02T15:04:05") + fmt.Sprintf(".%06dZ", us),
		"iso8601":             u.Format("2006-01-02T15:04:05Z"),
		"iso8601_basic":       t.Format("20060102T150405") + fmt.Sprintf("%06d", us),
		"iso8601_basic_short": t.Format("20060102T150405"),
		"tz":                  name,
		"tz_dst":              tzDST,
		"tz_offset":           off,
	}
}

// mondayWeek is strftime's %W: the week of the year with Monday as the
// first day, days before the first Monday in week 0.
func mondayWeek(t time.Time) int {
	yday := t.YearDay() - 1
	wday := (int(t.Weekday()) + 6) % 7
	return (yday + 7 - wday) / 7
}

func parseOffset(s string) int {
	if len(s) != 5 {
		return 0
	}
	h, _ := strconv.Atoi(s[1:3])
	m, _ := strconv.Atoi(s[3:5])
	o := h*3600 + m*60
	if s[0] == '-' {
		o = -o
	}
	return o
}

type ifaceInfo struct {
	mac, typ string
	mtu      int
	active   bool
}

var ifaceTypes = map[string]string{"1": "ether", "772": "loopback", "768": "tunnel", "776": "tunnel6", "65534": "unknown", "512": "ppp", "32": "infiniband"}

func networkFacts(r rawFacts, f map[string]any) {
	ifaces := map[string]ifaceInfo{}
	var names []any
	for _, l := range r["iface"] {
		p := strings.Fields(l)
		if len(p) < 1 {
			continue
		}
		info := ifaceInfo{}
		if len(p) >= 4 {
			info.mac = p[1]
			info.mtu, _ = strconv.Atoi(p[2])
			info.typ = ifaceTypes[p[3]]
			if info.typ == "" {
				info.typ = "unknown"
			}
		}
		if len(p) >= 5 {
			info.active = p[4] != "down"
		}
		ifaces[p[0]] = info
		names = append(names, p[0])
	}
	if names != nil {
		f["ansible_interfaces"] = names
	}

	type v4 struct {
		dev, addr, brd string
		prefix         int
	}
	var addrs4 []v4
	all4 := []any{}
	for _, l := range r["addr4"] {
		// "4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\ ..."
		p := strings.Fields(strings.ReplaceAll(l, `\`, " "))
		if len(p) < 4 || p[2] != "inet" {
			continue
		}
		a, pl, _ := strings.Cut(p[3], "/")
		n, _ := strconv.Atoi(pl)
		x := v4{dev: strings.TrimSuffix(p[1], ":"), addr: a, prefix: n}
		for i := 4; i+1 < len(p); i++ {
			if p[i] == "brd" {
				x.brd = p[i+1]
			}
		}
		addrs4 = append(addrs4, x)
		if !strings.HasPrefix(a, "127.") {
			all4 = append(all4, a)
		}
	}
	f["ansible_all_ipv4_addresses"] = all4
	all6 := []any{}
	for _, l := range r["addr6"] {
		p := strings.Fields(strings.ReplaceAll(l, `\`, " "))
		if len(p) < 4 || p[2] != "inet6" {
			continue
		}
		a, _, _ := strings.Cut(p[3], "/")
		if a != "::1" {
			all6 = append(all6, a)
		}
	}
	f["ansible_all_ipv6_addresses"] = all6

	// Default route: "8.8.8.8 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0".
	def := map[string]any{}
	p := strings.Fields(r.get("route4"))
	for i := 0; i+1 < len(p); i++ {
		switch p[i] {
		case "via":
			def["gateway"] = p[i+1]
		case "dev":
			def["interface"] = p[i+1]
		case "src":
			def["address"] = p[i+1]
		}
	}
	if dev, ok := def["interface"].(string); ok {
		def["alias"] = dev
		for _, a := range addrs4 {
			if a.dev == dev && a.addr == def["address"] {
				mask := prefixMask(a.prefix)
				def["prefix"] = strconv.Itoa(a.prefix)
				def["netmask"] = mask
				def["network"] = networkOf(a.addr, a.prefix)
				def["broadcast"] = a.brd
			}
		}
		if info, ok := ifaces[dev]; ok {
			def["macaddress"] = info.mac
			def["mtu"] = info.mtu
			def["type"] = info.typ
		}
	}
	f["ansible_default_ipv4"] = def

	def6 := map[string]any{}
	p = strings.Fields(r.get("route6"))
	for i := 0; i+1 < len(p); i++ {
		switch p[i] {
		case "via":
			def6["gateway"] = p[i+1]
		case "dev":
			def6["interface"] = p[i+1]
		case "src":
			def6["address"] = p[i+1]
		}
	}
	if dev, ok := def6["interface"].(string); ok {
		for _, l := range r["addr6"] {
			p := strings.Fields(strings.ReplaceAll(l, `\`, " "))
			if len(p) < 6 || p[2] != "inet6" || strings.TrimSuffix(p[1], ":") != dev {
				continue
			}
			a, pl, _ := strings.Cut(p[3], "/")
			if src, ok := def6["address"].(string); ok && src != a {
				continue
			}
			def6["address"] = a
			def6["prefix"] = pl
			if p[4] == "scope" {
				def6["scope"] = p[5]
			}
			break
		}
		if info, ok := ifaces[dev]; ok {
			def6["macaddress"] = info.mac
			def6["mtu"] = info.mtu
			def6["type"] = info.typ
		}
	}
	f["ansible_default_ipv6"] = def6

	dns := map[string]any{}
	var ns []any
	for _, l := range r["resolv"] {
		p := strings.Fields(l)
		if len(p) < 2 {
			continue
		}
		switch p[0] {
		case "nameserver":
			ns = append(ns, p[1])
		case "search":
			dns["search"] = listOf(p[1:])
		case "domain":
			dns["domain"] = p[1]
		}
	}
	if ns != nil {
		dns["nameservers"] = ns
	}
	f["ansible_dns"] = dns
}

func prefixMask(n int) string {
	var m uint32
	if n > 0 {
		m = ^uint32(0) << (32 - n)
	}
	return fmt.Sprintf("%d.%d.%d.%d", m>>24, m>>16&255, m>>8&255, m&255)
}

func networkOf(addr string, n int) string {
	var b [4]uint32
	parts := strings.Split(addr, ".")
	if len(parts) != 4 {
		return ""
	}
	for i, s := range parts {
		x, _ := strconv.Atoi(s)
		b[i] = uint32(x)
	}
	ip := b[0]<<24 | b[1]<<16 | b[2]<<8 | b[3]
	var m uint32
	if n > 0 {
		m = ^uint32(0) << (32 - n)
	}
	ip &= m
	return fmt.Sprintf("%d.%d.%d.%d", ip>>24, ip>>16&255, ip>>8&255, ip&255)
}

func hardwareFacts(r rawFacts, f map[string]any) {
	atoi := func(s string) int { n, _ := strconv.Atoi(strings.TrimSpace(s)); return n }
	if r.get("cpu_processors") != "" {
		procs := atoi(r.get("cpu_processors"))
		count := atoi(r.get("cpu_physical"))
		if count == 0 {
			count = 1
		}
		cores := atoi(r.get("cpu_cores"))
		if cores == 0 {
			cores = 1
		}
		siblings := atoi(r.get("cpu_siblings"))
		threads := 1
		if siblings > 0 {
			threads = siblings / cores
			if threads == 0 {
				threads = 1
			}
		}
		vcpus := threads * cores * count
		if r.get("cpu_siblings") == "" {
			vcpus = procs
		}
		f["ansible_processor_count"] = count
		f["ansible_processor_cores"] = cores
		f["ansible_processor_threads_per_core"] = threads
		f["ansible_processor_vcpus"] = vcpus
		var proc []any
		for _, l := range r["cpu_line"] {
			k, v, _ := strings.Cut(l, ":")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if k == "processor" || k == "Processor" {
				if _, err := strconv.Atoi(v); err != nil && k == "Processor" {
					proc = append(proc, v)
					continue
				}
			}
			proc = append(proc, v)
		}
		if proc != nil {
			f["ansible_processor"] = proc
		}
	}
	if n := r.get("nproc"); n != "" {
		f["ansible_processor_nproc"] = atoi(n)
	}
	mem := map[string]int{}
	for _, l := range r["mem"] {
		k, v, _ := strings.Cut(l, ":")
		mem[k] = atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
	}
	if len(mem) > 0 {
		mb := func(k string) int { return mem[k] / 1024 }
		f["ansible_memtotal_mb"] = mb("MemTotal")
		f["ansible_memfree_mb"] = mb("MemFree")
		f["ansible_swaptotal_mb"] = mb("SwapTotal")
		f["ansible_swapfree_mb"] = mb("SwapFree")
		nocacheFree := (mem["MemFree"] + mem["Buffers"] + mem["Cached"]) / 1024
		f["ansible_memory_mb"] = map[string]any{
			"real":    map[string]any{"total": mb("MemTotal"), "free": mb("MemFree"), "used": mb("MemTotal") - mb("MemFree")},
			"nocache": map[string]any{"free": nocacheFree, "used": mb("MemTotal") - nocacheFree},
			"swap":    map[string]any{"total": mb("SwapTotal"), "free": mb("SwapFree"), "used": mb("SwapTotal") - mb("SwapFree"), "cached": mb("SwapCached")},
		}
	}
}

func pkgMgr(r rawFacts, family any) string {
	have := map[string]bool{}
	for _, p := range r["pkg"] {
		have[p] = true
	}
	switch family {
	case "Debian":
		if have["apt-get"] {
			return "apt"
		}
	case "RedHat":
		if have["dnf"] {
			return "dnf"
		}
		if have["yum"] {
			return "yum"
		}
	case "Alpine":
		if have["apk"] {
			return "apk"
		}
	case "Suse":
		if have["zypper"] {
			return "zypper"
		}
	case "Archlinux":
		if have["pacman"] {
			return "pacman"
		}
	}
	order := []struct{ bin, name string }{
		{"apt-get", "apt"}, {"dnf", "dnf"}, {"yum", "yum"}, {"zypper", "zypper"}, {"apk", "apk"},
		{"pacman", "pacman"}, {"emerge", "portage"}, {"xbps-install", "xbps"}, {"swupd", "swupd"},
		{"opkg", "opkg"}, {"pkg_info", "openbsd_pkg"},
	}
	for _, o := range order {
		if have[o.bin] {
			return o.name
		}
	}
	return "unknown"
}

func serviceMgr(r rawFacts) string {
	p1 := strings.TrimSpace(r.get("proc1"))
	switch {
	case p1 == "systemd":
		return "systemd"
	case p1 != "" && p1 != "init" && !strings.HasSuffix(p1, "sh"):
		if p1 == "runit-init" || p1 == "runit" {
			return "runit"
		}
		if p1 == "openrc-init" {
			return "openrc"
		}
		return p1
	}
	switch {
	case r.get("systemd") != "":
		return "systemd"
	case r.get("openrc") != "":
		return "openrc"
	case r.get("initd") != "":
		return "sysvinit"
	}
	return "service"
}
