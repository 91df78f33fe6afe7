package sandbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goplay/goplay/modules/rax/simulator"
)

// ParseFaults reads a fault specification for the CLB API, as a command
// line flag gives it: comma-separated key=rate items, a rate being a
// fraction (0.1) or a percentage (10%):
//
//	5xx=RATE        500/503 responses
//	413=RATE        413 overLimit with Retry-After
//	slow=RATE       responses delayed by slow-delay (default 2s)
//	drop=RATE       connections closed without a response
//	slow-delay=DUR  the delay of a slow response (e.g. 500ms)
//	seed=N          the dice's seed (0: from the clock)
//
// A bare RATE sets 5xx, 413 and slow to it, so "10%" is the issue's "10%
// injected CLB faults". "" and "none" mean no faults.
func ParseFaults(s string) (simulator.Faults, error) {
	var f simulator.Faults
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return f, nil
	}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, ok := strings.Cut(item, "=")
		if !ok {
			r, err := parseRate(item)
			if err != nil {
				return f, err
			}
			f.ErrorRate, f.OverLimitRate, f.SlowRate = r, r, r
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		var err error
		switch key {
		case "5xx", "error", "errors":
			f.ErrorRate, err = parseRate(val)
		case "413", "overlimit":
			f.OverLimitRate, err = parseRate(val)
		case "slow":
			f.SlowRate, err = parseRate(val)
		case "drop":
			f.DropRate, err = parseRate(val)
		case "slow-delay", "slow_delay":
			f.SlowDelay, err = time.ParseDuration(val)
			if err == nil && f.SlowDelay < 0 {
				err = fmt.Errorf("negative delay")
			}
		case "seed":
			f.Seed, err = strconv.ParseInt(val, 10, 64)
		default:
			return f, fmt.Errorf("faults: unknown kind %q (want 5xx, 413, slow, drop, slow-delay or seed)", key)
		}
		if err != nil {
			return f, fmt.Errorf("faults: %s: %v", item, err)
		}
	}
	return f, nil
}

func parseRate(s string) (float64, error) {
	s = strings.TrimSpace(s)
	div := 1.0
	if strings.HasSuffix(s, "%") {
		s, div = strings.TrimSuffix(s, "%"), 100
	}
	r, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("faults: bad rate %q", s)
	}
	r /= div
	if r < 0 || r > 1 {
		return 0, fmt.Errorf("faults: rate %q is not between 0 and 1 (0%% and 100%%)", s)
	}
	return r, nil
}
