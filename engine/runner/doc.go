// Package runner executes a parsed playbook as ansible-playbook does: plays
// in order, hosts in serial batches, the linear strategy (each task on all
// hosts of a batch before the next), loops, conditionals, retries,
// delegation, handlers, blocks, and Ansible's failure bookkeeping and exit
// codes. Output goes through an output.Callback.
package runner
