package config

import (
	"os"
	"path/filepath"

	"syscall"
)

// WorldWritableWarning is the warning ansible prints (as "[WARNING]: ...",
// wrapped by the display) when ./ansible.cfg is skipped because the current
// directory is world-writable; %s is the directory.
const WorldWritableWarning = "Ansible is being run in a world writable directory (%s), ignoring it as an ansible.cfg source. For more information see https://docs.ansible.com/ansible/devel/reference_appendices/config.html#cfg-in-world-writable-dir"

// SystemConfigFile is the last place ansible looks for its configuration.
var SystemConfigFile = "/etc/ansible/ansible.cfg"

// FindConfigFile returns the configuration file ansible would use, or ""
// (ansible-core 2.14 config/manager.py find_ini_config_file). The first
// existing, readable candidate wins; files are never merged:
//
//  1. $ANSIBLE_CONFIG (a file, or DIR/ansible.cfg when it names a
//     directory; ~ and $VARS expanded, relative to cwd);
//  2. cwd/ansible.cfg, unless cwd is world-writable;
//  3. ~/.ansible.cfg;
//  4. /etc/ansible/ansible.cfg.
//
// The returned warnings (at most one, WorldWritableWarning) are the
// message texts without the "[WARNING]: " prefix.
func FindConfigFile(cwd string, getenv Getenv) (string, []string) {
	var candidates []string
	fromEnv, envSet := getenv("ANSIBLE_CONFIG")
	if envSet {
		fromEnv = UnfrackPath(fromEnv, false, "", cwd, getenv)
		if st, err := os.Stat(fromEnv); err == nil && st.IsDir() {
			fromEnv = filepath.Join(fromEnv, "ansible.cfg")
		}
		candidates = append(candidates, fromEnv)
	}
	warnPublic := false
	if st, err := os.Stat(cwd); err == nil {
		cwdCfg := pyJoin(cwd, "ansible.cfg")
		if st.Mode().Perm()&0o002 != 0 {
			if _, err := os.Stat(cwdCfg); err == nil {
				warnPublic = true
			}
		} else {
			candidates = append(candidates, cwdCfg)
		}
	}
	candidates = append(candidates, UnfrackPath("~/.ansible.cfg", false, "", cwd, getenv), SystemConfigFile)
	found := ""
	for _, p := range candidates {
		if _, err := os.Stat(p); err == nil && syscall.Access(p, 4) == nil {
			found = p
			break
		}
	}
	var warnings []string
	if warnPublic && !(envSet && fromEnv == found) {
		warnings = append(warnings, sprintf(WorldWritableWarning, cwd))
	}
	return found, warnings
}
