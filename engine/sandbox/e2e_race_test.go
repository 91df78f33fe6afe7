//go:build race

package sandbox_test

// e2eRace is true under the race detector, which slows the in-process load
// generator, load balancer and apps enough (on a busy 2-core machine the
// median request took 600ms at 200 req/s) to time requests out: the
// end-to-end tests then send less traffic (e2eRaceRate).
const e2eRace = true
