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
//     errors of idempotent requests, are retried (clb.RetryPolicy).
//
// The environment variable GOPLAY_RAX_AUTH_ENDPOINT, when set, replaces the
// identity endpoint (auth_endpoint, ~/.pyrax.cfg, CLOUD_AUTH_ENDPOINT).
//
// No API key, password or token appears in a result, message or log line.
package rax
