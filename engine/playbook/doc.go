// Package playbook parses Ansible playbooks into a typed, positioned model.
//
// yaml.v3 nodes are decoded with YAML 1.1 scalar rules (as PyYAML reads them,
// so `yes`/`no`/`on`/`off` are booleans), every play, block and task keeps
// the file, line and column it came from, and the model is never mutated by
// the executor: each run templates a copy. Static reuse (import_playbook,
// import_tasks, import_role and play roles) is resolved while loading;
// dynamic includes are resolved by the executor with LoadTasksFile and
// LoadRole.
package playbook
