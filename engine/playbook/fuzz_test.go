package playbook

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the playbook loader as the text of a
// playbook file. Whatever the input, Load must not panic, and it must return
// either a model or an *Error that points at a place in a file (goplay prints
// Ansible's "The error appears to be in ..." block from that position).
//
// The seed corpus in testdata/fuzz/FuzzLoad holds real playbooks: the
// article's (verbatim and modernised) and playbooks of the compat suite.
// Run: go test -fuzz=FuzzLoad -fuzztime=3m ./engine/playbook/
func FuzzLoad(f *testing.F) {
	f.Add([]byte("- hosts: localhost\n  gather_facts: no\n  tasks:\n    - debug: msg=ok\n"))
	f.Add([]byte("- hosts: all\n  module_defaults:\n    group/aws: {a: 1}\n    ansible.builtin.command: {chdir: /}\n  vars_prompt:\n    - name: x\n      default: y\n  tasks:\n    - block:\n        - ping:\n      module_defaults: [{ping: {data: z}}]\n"))
	f.Add([]byte("- hosts: all\n  vars:\n    s: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      3132\n  tasks: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		dir := t.TempDir()
		file := filepath.Join(dir, "playbook.yml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		pb, err := Load(file, Options{})
		if err == nil {
			if pb == nil {
				t.Fatalf("Load returned neither a model nor an error for %q", data)
			}
			return
		}
		var perr *Error
		if !errors.As(err, &perr) {
			t.Fatalf("Load returned a %T, not a *playbook.Error: %v\ninput: %q", err, err, data)
		}
		if !perr.Pos.IsValid() {
			t.Fatalf("Load returned an error without a position: %q\ninput: %q", perr.Msg, data)
		}
		if perr.Pos.Col < 1 {
			t.Fatalf("Load returned an error with column %d: %q\ninput: %q", perr.Pos.Col, perr.Msg, data)
		}
		// Rendering the message reads the file again to quote the offending
		// line; that must not panic either.
		_ = perr.Error()
	})
}
