// Package app is the goplay command: it reads the command line and
// ansible.cfg, loads the inventory and the playbooks, runs them and returns
// ansible-playbook's exit code.
package app
