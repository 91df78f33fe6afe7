package builtin

import (
	"sort"
	"strings"
)

// Fact collectors, as ansible.module_utils.facts selects them from
// gather_subset on Linux: every subset name is a collector's name or one of
// its fact ids; "min" is the minimal set that is always added unless
// excluded; some collectors need others (network needs platform and
// distribution, ...).

// collectorFactIDs lists Linux's collectors with their fact ids (the names
// that select them besides their own).
var collectorFactIDs = map[string][]string{
	"platform":     {"system", "kernel", "kernel_version", "machine", "python_version", "architecture", "machine_id"},
	"distribution": {"distribution_version", "distribution_release", "distribution_major_version", "os_family"},
	"user": {"user_id", "user_uid", "user_gid", "user_gecos", "user_dir", "user_shell", "real_user_id",
		"effective_user_id", "effective_group_ids"},
	"network":      {"interfaces", "default_ipv4", "default_ipv6", "all_ipv4_addresses", "all_ipv6_addresses"},
	"hardware":     {"processor", "processor_cores", "processor_count", "mounts", "devices"},
	"virtual":      {"virtualization_type", "virtualization_role", "virtualization_tech_guest", "virtualization_tech_host"},
	"ssh_pub_keys": {"ssh_host_pub_keys", "ssh_host_key_dsa_public", "ssh_host_key_rsa_public", "ssh_host_key_ecdsa_public", "ssh_host_key_ed25519_public"},
	"caps":         {"system_capabilities", "system_capabilities_enforced"},
	"chroot":       {"is_chroot"},
	"apparmor":     nil, "cmdline": nil, "date_time": nil, "dns": nil, "env": nil, "facter": nil,
	"fibre_channel_wwn": nil, "fips": nil, "iscsi": nil, "loadavg": nil, "local": nil, "lsb": nil,
	"nvme": nil, "ohai": nil, "pkg_mgr": nil, "python": nil, "selinux": nil, "service_mgr": nil,
}

// minimalCollectors is the minimal_gather_subset of the setup module.
var minimalCollectors = []string{"apparmor", "caps", "cmdline", "date_time", "distribution", "dns", "env",
	"fips", "local", "lsb", "pkg_mgr", "platform", "python", "selinux", "service_mgr", "ssh_pub_keys", "user"}

// collectorRequires are the collectors a collector's facts depend on.
var collectorRequires = map[string][]string{
	"network":     {"platform", "distribution"},
	"hardware":    {"platform"},
	"pkg_mgr":     {"distribution"},
	"service_mgr": {"platform", "distribution"},
}

// factCollector names the collector of each fact goplay gathers (without
// the ansible_ prefix).
var factCollector = func() map[string]string {
	m := map[string]string{}
	add := func(c string, facts ...string) {
		for _, f := range facts {
			m[f] = c
		}
	}
	add("platform", "architecture", "domain", "fqdn", "hostname", "kernel", "kernel_version", "machine",
		"machine_id", "nodename", "python_version", "system", "userspace_architecture", "userspace_bits")
	add("distribution", "distribution", "distribution_major_version", "distribution_minor_version",
		"distribution_release", "distribution_version", "os_family")
	add("user", "effective_group_id", "effective_user_id", "real_group_id", "real_user_id", "user_dir",
		"user_gecos", "user_gid", "user_id", "user_shell", "user_uid")
	add("network", "all_ipv4_addresses", "all_ipv6_addresses", "default_ipv4", "default_ipv6", "interfaces")
	add("hardware", "memfree_mb", "memory_mb", "memtotal_mb", "processor", "processor_cores", "processor_count",
		"processor_nproc", "processor_threads_per_core", "processor_vcpus", "swapfree_mb", "swaptotal_mb", "uptime_seconds")
	for _, c := range []string{"date_time", "dns", "env", "fips", "lsb", "pkg_mgr", "python", "service_mgr", "loadavg"} {
		add(c, c)
	}
	m["ansible_local"] = "local"
	return m
}()

// badSubsetError is the setup module's message for an unknown subset.
func badSubsetError(name string) string {
	valid := []string{}
	for c, ids := range collectorFactIDs {
		valid = append(valid, c)
		valid = append(valid, ids...)
	}
	sort.Strings(valid)
	return "Bad subset '" + name + "' given to Ansible. gather_subset options allowed: all, " + strings.Join(valid, ", ")
}

// selectCollectors resolves gather_subset into the set of collectors to
// run (collector.get_collector_names, then the collectors those names
// select and what they require), or returns the setup module's error.
func selectCollectors(subset []string) (map[string]bool, string) {
	idTo := map[string]string{}
	valid := map[string]bool{}
	for c, ids := range collectorFactIDs {
		idTo[c] = c
		valid[c] = true
		for _, id := range ids {
			idTo[id] = c
			valid[id] = true
		}
	}
	minimal := map[string]bool{}
	for _, c := range minimalCollectors {
		minimal[c] = true
	}
	if len(subset) == 0 {
		subset = []string{"all"}
	}
	add, exclude, explicit := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, s := range append([]string{"min"}, subset...) {
		switch {
		case s == "min":
			for c := range minimal {
				add[c] = true
			}
		case s == "all":
			for v := range valid {
				add[v] = true
			}
		case s == "!min":
			for c := range minimal {
				exclude[c] = true
			}
		case s == "!all":
			for v := range valid {
				if !minimal[v] {
					exclude[v] = true
				}
			}
		case strings.HasPrefix(s, "!"):
			name := s[1:]
			for _, id := range collectorFactIDs[name] {
				exclude[id] = true
			}
			exclude[name] = true
		default:
			if !valid[s] {
				return nil, badSubsetError(s)
			}
			explicit[s] = true
			add[s] = true
		}
	}
	if len(add) == 0 {
		for v := range valid {
			add[v] = true
		}
	}
	out := map[string]bool{}
	for name := range add {
		if exclude[name] && !explicit[name] {
			continue
		}
		out[idTo[name]] = true
	}
	for changed := true; changed; {
		changed = false
		for c := range out {
			for _, req := range collectorRequires[c] {
				if !out[req] {
					out[req] = true
					changed = true
				}
			}
		}
	}
	return out, ""
}

// keepFact reports whether fact k (with its ansible_ prefix) belongs to a
// selected collector; facts goplay cannot place are kept.
func keepFact(k string, collectors map[string]bool) bool {
	if k != "ansible_local" {
		k = strings.TrimPrefix(k, "ansible_")
	}
	c, ok := factCollector[k]
	return !ok || collectors[c]
}
