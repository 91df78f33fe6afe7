// Package bench compares goplay with ansible-playbook on the same real
// sshd hosts (engine/connection/sshtest) and writes BENCHMARKS.md at the
// repository root. It is a benchmark harness, not a test: run it with
//
//	bench/run
//
// which is
//
//	go test ./bench -run '^$' -bench Compare -benchtime 1x -timeout 90m -v
//
// Settings (environment):
//
//	BENCH_REPS          timed repetitions of goplay and the floor (default 5)
//	BENCH_ANSIBLE_REPS  timed repetitions of ansible-playbook (default 3)
//	BENCH_ONLY          comma-separated workload names to run (default all)
//	BENCH_OUT           where to write the report (default ../BENCHMARKS.md)
//	BENCH_ANSIBLE_200   also run ansible-playbook on the 200-host play (minutes)
//
// Workload names for BENCH_ONLY: a4 a16 b c d e sessions mem200 tree.
//
// Every tool gets one untimed warm-up run per workload, and the median of
// the timed runs is reported. Ansible runs with its best settings:
// pipelining, ControlPersist (the masters live across its runs, so its
// timed runs are warm), forks >= hosts, gather_facts off, the interpreter
// named (no discovery), no ssh compression. The physical floor is the same
// number of commands through OpenSSH multiplexed on one ControlMaster per
// host, the master set up inside the timed run (goplay has to connect in
// every run too).
//
// bench/goplayprof is goplay with GOPLAY_CPUPROFILE=file; the harness uses
// it to profile goplay when a target is missed, and on workload (a).
package bench
