// Package rax provides goplay's rax_clb and rax_clb_nodes modules, the
// Rackspace Cloud Load Balancers modules of community.general (removed in
// community.general 9.0.0), reimplemented on gophercloud v2 with the
// packages under clb/ and identity/.
//
// Both modules register themselves from init; a binary gets them with a
// blank import of this package:
//
//	import _ "github.com/goplay/goplay/modules/rax"
//
// They take the same parameters as the Ansible modules, reach the API the
// same way (same calls, same order, same bodies) and return the same result
// shapes and failure messages, including the pyrax artefacts of the
// registered balancer dict (HUMAN_ID, NAME_ATTR, get_details, human_id,
// loaded, connection_logging, content_caching, session_persistence,
// virtual_ips). Where the Python modules crash or race, goplay differs on
// purpose:
//
//   - no region anywhere: the account's RAX-AUTH:defaultRegion is used, with
//     a warning, instead of failing "None is not a valid region";
//   - exceptions that were Python 3 tracebacks (authentication errors, a
//     missing credentials file, a failed PUT in rax_clb, errors while
//     polling) are clean failures with pyrax's message;
//   - a change refused with 422 "... is considered immutable." because
//     another task is changing the same load balancer is retried once the
//     load balancer is ACTIVE again, within wait_timeout (the
//     retry_on_immutable parameter, default true, turns this off);
//   - 413 responses with Retry-After, and 5xx responses and connection
//     errors of idempotent requests, are retried (clb.RetryPolicy); token
//     requests to identity are retried the same way.
//
// Key order: the balancer dict prints in dir() order (sorted), its node
// dicts in rax_clb_node_to_dict's order (address, port, condition, type, id,
// weight; recorded with pyfmt.SetOrder), and API objects in the order the
// API sent their keys, so "{{ item }}" and loop labels read as in Ansible.
//
// # Environment variables of goplay
//
// GOPLAY_RAX_AUTH_ENDPOINT, when set, replaces the identity endpoint
// (auth_endpoint, ~/.pyrax.cfg, CLOUD_AUTH_ENDPOINT).
//
// GOPLAY_RAX_SANDBOX turns on sandbox mode (goplay --sandbox sets it, with
// the in-process simulator of package simulator). Any value but "", "0",
// "false", "no" or "off" enables it:
//
//   - the identity endpoint is GOPLAY_RAX_AUTH_ENDPOINT if set, else the
//     value of GOPLAY_RAX_SANDBOX itself when it is an http:// or https://
//     URL (for example GOPLAY_RAX_SANDBOX=http://127.0.0.1:8900/v2.0/); with
//     neither, the modules fail rather than reach the real Rackspace cloud;
//   - credentials resolve as usual (parameters, RAX_USERNAME/RAX_API_KEY,
//     credentials files), but a named credentials file that does not exist
//     (the article's credentials=/path/to/credentials), or no credentials at
//     all, is not an error: the placeholder username "goplay-sandbox" and
//     API key "goplay-sandbox-api-key" are sent instead (the simulator must
//     accept them: simulator.Config{AcceptAny: true}), without a tenant.
//     Other errors, such as a malformed credentials file, still fail;
//   - ~/.pyrax.cfg is not read (nothing of the user's real cloud setup is
//     used).
//
// The modules run inside goplay, so these variables, RAX_* and CLOUD_* are
// read from goplay's own environment (a sandbox sets them with os.Setenv
// before the run); a task's environment: keyword does not reach them.
//
// No API key, password or token appears in a result, message or log line:
// results and log lines are scrubbed of them (as Ansible's no_log values
// are), and errors are built without them.
package rax
