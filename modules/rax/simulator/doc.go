// Package simulator is a local Rackspace cloud for rehearsing rolling
// deploys: Identity v2.0 and Cloud Load Balancers (CLB) API v1.0, written
// from the documented API alone (docs/rackspace.md sections 4 and 5), plus
// load balancers that really forward traffic on loopback addresses.
//
// It shares no code or types with goplay's Rackspace client
// (modules/rax/clb), so a test that passes between the two means something.
//
// # Identity
//
// POST /v2.0/tokens accepts RAX-KSKEY:apiKeyCredentials, passwordCredentials
// and token bodies (optional tenantId or tenantName, not both: 400). Accounts
// come from Config.Accounts; with Config.AcceptAny any credentials are
// accepted and get tenant Config.TenantID. The response carries token
// id/expires (UTC, literal Z)/tenant, the user with RAX-AUTH:defaultRegion,
// and a serviceCatalog entry of type rax:load-balancer, name
// cloudLoadBalancers, with one endpoint per region (DFW, ORD, IAD, LON, SYD,
// HKG) whose publicURL is http://127.0.0.1:PORT/v1.0/<tenant>. Bad
// credentials get
//
//	401 {"unauthorized":{"code":401,"message":"Unable to authenticate user with credentials provided."}}
//
// Tokens expire after Config.TokenTTL; the CLB API answers a missing,
// unknown, expired or other-tenant X-Auth-Token with 401 and no body.
//
// # Cloud Load Balancers
//
// Every endpoint of section 5.1 is served under /v1.0/<tenant>: list (limit,
// inclusive marker, name, nodeaddress, status, changes-since), create,
// show, update, delete, nodes (list, add, show, update, delete, bulk update,
// bulk delete ?id=), metadata (list, add, delete ?id=, per item),
// virtualips, stats, connectionlogging, contentcaching, sessionpersistence,
// healthmonitor, connectionthrottle, accesslist (GET), /limits,
// absolutelimits, protocols, algorithms.
//
// A create answers 202 with the load balancer in BUILD, which becomes ACTIVE
// after Config.BuildTime. Every accepted change answers 202 and puts the
// load balancer in PENDING_UPDATE for Config.PendingUpdate (a delete:
// PENDING_DELETE, then DELETED). A change to a load balancer that is not
// ACTIVE gets 422 with the documented body, for example
//
//	{"message":"Load Balancer '1001' has a status of 'PENDING_UPDATE' and is considered immutable.","code":422}
//
// Other errors use CLB's flat bodies: 404 {"message":"Load balancer not
// found","code":404}, 400 validation failures with validationErrors, 400
// {"message":["JSON does not match the expected schema"]} for malformed JSON
// or unknown keys, 413 {"message":"Nodes must not exceed 25 per load
// balancer.","code":413} for absolute limits, and 413 overLimit with a
// Retry-After header when Config.RateLimits is exceeded.
//
// # Traffic
//
// Each load balancer's virtual IP is a real listener on Config.VIPHost
// (127.0.0.1 by default, ephemeral port; see LoadBalancer.VIP and VIPAddr).
// HTTP load balancers reverse-proxy each request to a node chosen by the
// algorithm (ROUND_ROBIN, RANDOM, LEAST_CONNECTIONS, WEIGHTED_ROUND_ROBIN,
// WEIGHTED_LEAST_CONNECTIONS) among nodes that are ENABLED and not OFFLINE
// (SECONDARY nodes only when no PRIMARY is eligible), adding
// X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Port. Routing is per
// request, so kept-alive client connections keep working across condition
// changes. DRAINING nodes get no new requests but finish those in flight;
// DISABLED nodes get nothing and their in-flight requests are cut (the
// client connection is closed). No eligible node gives 503. Other TCP
// protocols are forwarded per connection. A health monitor (CONNECT, HTTP or
// HTTPS; delay and timeout in units of Config.HealthMonitorUnit) sets node
// status ONLINE/OFFLINE. Changes reach the forwarder when the API accepts
// them (at the 202), not at the end of PENDING_UPDATE.
//
// # Go API
//
//	sim, err := simulator.Start(simulator.Config{AcceptAny: true})
//	defer sim.Close()
//	lb, err := sim.AddLoadBalancer(simulator.LoadBalancerSpec{
//		Name: "app-lb1", Nodes: []simulator.NodeSpec{{Address: "127.0.0.2", Port: 8080}}})
//	// point a client at sim.IdentityURL(); send traffic to lb.VIP
//	st, _ := sim.Stats(lb.ID)                           // live connections per LB and node
//	n := simulator.MaxNotEnabled(sim.Events(), lb.ID)   // invariant checks
//	toks := sim.IssuedTokens()                          // every token issued (leak checks)
//
// Faults (Config.Faults or SetFaults) inject dropped connections, 500/503,
// 413 and slow responses into the CLB API. Events lists every state change
// (and, as lb.immutable, every change refused with 422 because the load
// balancer was not ACTIVE, so a test can see that two changes collided);
// GET /__sim/events serves it over HTTP, with /__sim/loadbalancers,
// /__sim/faults and /__sim/tokens/expire beside it. Config.StateFile makes
// the state persistent. Every listener must be on a loopback address.
//
// The command cmd/raxsim runs a simulator with flags for all of this.
package simulator
