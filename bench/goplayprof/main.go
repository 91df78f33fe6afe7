// Command goplayprof is the goplay command with a CPU profile: the
// benchmark harness (bench/) builds it to say where goplay's time goes.
// GOPLAY_CPUPROFILE=file writes a pprof CPU profile of the whole run.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/goplay/goplay/engine/app"
	_ "github.com/goplay/goplay/modules/all"
)

func main() {
	path := os.Getenv("GOPLAY_CPUPROFILE")
	if path == "" {
		os.Exit(app.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "goplayprof:", err)
		os.Exit(1)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "goplayprof:", err)
		os.Exit(1)
	}
	code := app.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	pprof.StopCPUProfile()
	f.Close()
	os.Exit(code)
}
