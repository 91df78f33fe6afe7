// Package sandbox is the runtime of `goplay --sandbox PLAYBOOK`: a local,
// simulated Rackspace cloud in which the article's rolling deploy runs
// unchanged, under live traffic, and a report that proves whether it was
// zero-downtime.
//
// # What Start sets up
//
//   - The Rackspace identity and Cloud Load Balancers simulator
//     (modules/rax/simulator), accepting any credentials, pre-loaded with
//     the load balancer app-lb1 exactly as the article's rax_clb task asks
//     for it (HTTP, port 80, PUBLIC, LEAST_CONNECTIONS, timeout 30), so
//     state=present finds it unchanged. Its virtual IP really forwards HTTP
//     to the nodes by condition.
//   - Config.Nodes app nodes (default 4) on loopback addresses from
//     127.0.0.101 (clear of engine/connection/sshtest's 127.0.0.21+), each
//     a real HTTP app in its own directory, Dir/nodeN (see Nodes below).
//   - An SSH endpoint per node (golang.org/x/crypto/ssh) on the node's
//     address, accepting the sandbox's generated key for root: exec
//     requests run with /bin/sh -c in the node's directory (HOME too), with
//     stdin, stdout, stderr, exit status or signal, and pty requests
//     (merged output, CRLF, as ssh -tt). No shell, no sftp: goplay's Put
//     writes with `cat >`. Config.SSH replaces them with external servers
//     such as real sshd (see SSHDConfig).
//   - Dir/ssh/config, an ssh_config that maps each node address to its
//     endpoint (HostName, Port, User root, the key, IdentitiesOnly) with
//     Dir/ssh/known_hosts holding the endpoints' host keys and strict
//     checking. Used as ssh -F, it replaces ~/.ssh/config; nothing in ~/.ssh
//     is read or written.
//
// # Nodes
//
// A node's directory has a release layout, which the shell drives:
//
//	releases/<version>/VERSION   one directory per release (v1 at start)
//	current -> releases/<v>      the release being served
//	tmp/restart.txt              touch it: the app restarts
//	run/connections              open connections (updated within 50ms)
//	run/status                   "up v2", "restarting", "down: <why>"
//	log/app.log                  the app's log
//
// GET / answers "app v1 node N" with X-App-Version and X-App-Node headers;
// GET /version answers the bare version; GET /slow?ms=N streams its answer
// over N ms. Keep-alive is supported (idle connections close after
// Config.KeepAliveTimeout). A restart is a process restart: the listener
// and every connection close (requests in flight are cut), the app is down
// for Config.RestartDowntime, then serves the release current points to (a
// broken release keeps it down).
//
// # A run
//
//	sb, err := sandbox.Start(ctx, sandbox.Config{Nodes: 4, Rate: 200})
//	for _, kv := range sb.Env() { os.Setenv(…) }  // the rax modules' endpoint and credentials
//	// every SSH connection: ssh.Config{SSHConfigFile: sb.SSHConfigFile()}
//	sb.StartLoad()                                  // returns after Config.WarmUp
//	rc := runPlaybook()
//	report, err := sb.Stop()
//	report.Format(os.Stdout, serial)                // after the recap
//	if report.Failed() > 0 { rc = … non-zero }
//
// Env gives GOPLAY_RAX_AUTH_ENDPOINT (the simulator's identity) and
// RAX_USERNAME, RAX_API_KEY and RAX_REGION: a username and API key win
// over a credentials file, so the article's credentials=/path/to/credentials
// is never opened and its absence is no error.
//
// # Load and report
//
// StartLoad sends Config.Rate GET requests per second (default 200, open
// loop) to the virtual IP until Stop: FreshRate of them (30%) on a new
// connection, the others on kept-alive ones, SlowRate (10%) streamed over
// 200-800ms. A request fails when it is refused, reset or cut (including a
// truncated body), times out (Config.RequestTimeout), or gets a 5xx. The
// Report has the counts by cause, p50/p99/max latency of the requests
// that are not slow on purpose, the versions served per second, the
// largest number of nodes out of rotation at once (simulator.MaxNotEnabled
// over the event log), how long the rollout took, and each node's final
// condition and version. Format prints it in Ansible's style:
//
//	SANDBOX REPORT *****************************************************************
//	traffic   : 3848 requests in 19.2s (200/s; 30% on fresh connections, 9% slow)
//	failed    : 0
//	latency   : p50 0.29ms  p99 9.3ms  max 55ms (slow requests excluded)
//	rotation  : at most 2 of 4 nodes out of rotation at once (serial 2)
//	rollout   : 18.2s from the first node out of rotation to the last one back
//	nodes     : 4/4 ENABLED; serving v2 (4)
//	versions  :   time      v1      v2  failed
//	              0-2s     400       0       0
//	              …
//
// examples/app-deploy-real.yaml drains through this (its wait step reads
// run/connections, its deploy writes a release and touches
// tmp/restart.txt, uri checks /version); examples/app-deploy-no-drain.yaml
// restarts without draining and must show failed requests.
package sandbox
