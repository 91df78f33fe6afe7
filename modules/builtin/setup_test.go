package builtin

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSetupLocal(t *testing.T) {
	start := time.Now()
	got := run(t, "setup", map[string]any{})
	if got.err != nil {
		t.Fatal(got.err)
	}
	t.Logf("setup took %v", time.Since(start))
	facts, _ := got.res["ansible_facts"].(map[string]any)
	if os.Getenv("GOPLAY_DUMP_FACTS") != "" {
		b, _ := json.MarshalIndent(facts, "", "  ")
		os.WriteFile(os.Getenv("GOPLAY_DUMP_FACTS"), b, 0o644)
	}
	host, _ := os.Hostname()
	if facts["ansible_nodename"] != host {
		t.Errorf("nodename = %v, want %v", facts["ansible_nodename"], host)
	}
	if facts["ansible_hostname"] != strings.SplitN(host, ".", 2)[0] {
		t.Errorf("hostname = %v", facts["ansible_hostname"])
	}
	if facts["ansible_user_uid"] != os.Getuid() || facts["ansible_user_gid"] != os.Getgid() {
		t.Errorf("uid/gid = %v/%v", facts["ansible_user_uid"], facts["ansible_user_gid"])
	}
	if facts["ansible_system"] != "Linux" {
		t.Errorf("system = %v", facts["ansible_system"])
	}
	env, _ := facts["ansible_env"].(map[string]any)
	if env["PATH"] != os.Getenv("PATH") {
		t.Errorf("env PATH = %v", env["PATH"])
	}
	dt, _ := facts["ansible_date_time"].(map[string]any)
	epoch, _ := strconv.ParseInt(dt["epoch"].(string), 10, 64)
	if d := time.Now().Unix() - epoch; d < 0 || d > 30 {
		t.Errorf("epoch %d is %ds off", epoch, d)
	}
	for _, k := range []string{"ansible_distribution", "ansible_distribution_version", "ansible_os_family",
		"ansible_kernel", "ansible_architecture", "ansible_default_ipv4", "ansible_user_dir", "ansible_pkg_mgr",
		"ansible_service_mgr", "ansible_processor_vcpus", "ansible_memtotal_mb", "ansible_fqdn", "ansible_domain"} {
		if _, ok := facts[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
	if facts["gather_subset"] == nil || facts["module_setup"] != true {
		t.Errorf("gather_subset/module_setup: %v %v", facts["gather_subset"], facts["module_setup"])
	}
	if len(got.result.Effects) != 1 {
		t.Errorf("effects = %v", got.result.Effects)
	}
}

func TestSetupFilter(t *testing.T) {
	got := run(t, "setup", map[string]any{"filter": "ansible_distribution*"})
	facts, _ := got.res["ansible_facts"].(map[string]any)
	for k := range facts {
		if !strings.HasPrefix(k, "ansible_distribution") && k != "gather_subset" && k != "module_setup" {
			t.Errorf("unexpected fact %s", k)
		}
	}
	if facts["ansible_distribution"] == nil {
		t.Error("ansible_distribution filtered out")
	}
}
