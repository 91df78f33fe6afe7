//go:build !race

package sandbox_test

const e2eRace = false
