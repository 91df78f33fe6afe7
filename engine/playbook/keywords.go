package playbook

import "strings"

// Keywords accepted on each kind of object, as ansible-core 2.14 accepts them.
var (
	baseKeywords = []string{"name", "connection", "port", "remote_user", "vars", "module_defaults",
		"environment", "no_log", "run_once", "ignore_errors", "ignore_unreachable", "check_mode", "diff",
		"any_errors_fatal", "throttle", "timeout", "debugger", "become", "become_method", "become_user",
		"become_flags", "become_exe", "tags", "collections"}
	playKeywords = append([]string{"hosts", "gather_facts", "gather_subset", "gather_timeout", "fact_path",
		"vars_files", "vars_prompt", "roles", "handlers", "pre_tasks", "post_tasks", "tasks",
		"force_handlers", "max_fail_percentage", "serial", "strategy", "order"}, baseKeywords...)
	blockKeywords = append([]string{"block", "rescue", "always", "when", "notify", "delegate_to",
		"delegate_facts"}, baseKeywords...)
	taskKeywords = append([]string{"when", "args", "action", "local_action", "async", "changed_when",
		"delay", "delegate_to", "delegate_facts", "failed_when", "loop", "loop_control", "notify",
		"poll", "register", "retries", "until", "listen"}, baseKeywords...)
	roleKeywords = append([]string{"role", "when", "delegate_to", "delegate_facts"}, baseKeywords...)
)

func keywordSet(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, k := range list {
		m[k] = true
	}
	return m
}

var (
	playKW  = keywordSet(playKeywords)
	blockKW = keywordSet(blockKeywords)
	taskKW  = keywordSet(taskKeywords)
	roleKW  = keywordSet(roleKeywords)
)

// suggest returns " Did you mean 'x'?" for the closest keyword, or "".
func suggest(word string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := editDistance(word, c)
		if d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && bestD <= len(word)/3+1 {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	a, b = strings.ToLower(a), strings.ToLower(b)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Actions that are handled by the loader or the executor rather than by a
// registered module.
var includeActions = map[string]string{
	"include_tasks": "include_tasks", "ansible.builtin.include_tasks": "include_tasks", "ansible.legacy.include_tasks": "include_tasks",
	"import_tasks": "import_tasks", "ansible.builtin.import_tasks": "import_tasks", "ansible.legacy.import_tasks": "import_tasks",
	"include_role": "include_role", "ansible.builtin.include_role": "include_role", "ansible.legacy.include_role": "include_role",
	"import_role": "import_role", "ansible.builtin.import_role": "import_role", "ansible.legacy.import_role": "import_role",
	"include": "include", "ansible.builtin.include": "include", "ansible.legacy.include": "include",
	"import_playbook": "import_playbook", "ansible.builtin.import_playbook": "import_playbook",
}

// rawParamModules may carry free-form words (Ansible's RAW_PARAM_MODULES).
var rawParamNames = []string{"command", "win_command", "shell", "win_shell", "raw", "script",
	"include", "include_vars", "include_tasks", "include_role", "import_tasks", "import_role",
	"add_host", "group_by", "set_fact", "meta"}

func rawParamList() string {
	var out []string
	for _, n := range rawParamNames {
		out = append(out, n, "ansible.builtin."+n, "ansible.legacy."+n)
	}
	out = append(out, "ansible.windows.win_command", "ansible.windows.win_shell")
	return strings.Join(out, ", ")
}
