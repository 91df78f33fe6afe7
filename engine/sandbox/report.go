package sandbox

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Report is what a sandbox run measured.
type Report struct {
	// Nodes is the number of nodes; Rate the configured requests/second
	// (negative: no load was generated).
	Nodes int
	Rate  int
	// Duration is how long the load ran.
	Duration time.Duration
	// Sent counts requests, OK those answered 200 by a node.
	Sent, OK int
	// Slow and Fresh count slow requests and requests on a fresh
	// connection.
	Slow, Fresh int
	// Failures counts failed requests by cause (see Causes); Codes the
	// status codes of the 5xx ones.
	Failures map[string]int
	Codes    map[int]int
	// Samples are the first few failures, for the eye.
	Samples []string
	// P50, P99 and Max are the latencies of the successful requests that
	// were not slow on purpose.
	P50, P99, Max time.Duration
	// Versions are the versions served, in order of first appearance;
	// Timeline counts the responses of each second by version.
	Versions []string
	Timeline []Bucket
	// MaxOutOfRotation is the largest number of nodes that were not
	// ENABLED at the same moment, from the simulator's event log.
	MaxOutOfRotation int
	// Rollout spans the first node leaving rotation to the last one coming
	// back; nil when no node ever left.
	Rollout *Rollout
	// Final is each node's state at the end.
	Final []NodeState
}

// Bucket is one slice of the timeline.
type Bucket struct {
	// Offset is the bucket's start since the load started.
	Offset   time.Duration
	Versions map[string]int
	Failed   int
}

// Rollout is the span of a rolling change.
type Rollout struct {
	Start, End time.Time
	// Complete is true when every node was ENABLED again at End.
	Complete bool
}

// Duration is End - Start.
func (r *Rollout) Duration() time.Duration { return r.End.Sub(r.Start) }

// NodeState is a node at the end of the run.
type NodeState struct {
	Address   string
	Condition string // ENABLED, DRAINING, DISABLED (REMOVED if gone)
	Version   string // "down" when it did not answer
	Restarts  int
}

// Failed is the number of failed requests: the run's exit code must be
// non-zero when it is not 0.
func (r *Report) Failed() int {
	n := 0
	for _, v := range r.Failures {
		n += v
	}
	return n
}

func (r *Report) fillLoad(ls *loadStats) {
	r.Duration = ls.end.Sub(ls.start)
	r.Sent, r.Slow, r.Fresh = ls.sent, ls.slow, ls.fresh
	r.Failures = map[string]int{}
	for k, v := range ls.failed {
		r.Failures[k] = v
	}
	r.Codes = map[int]int{}
	for k, v := range ls.codes {
		r.Codes[k] = v
	}
	samples := slices.Clone(ls.samples)
	slices.SortStableFunc(samples, func(a, b sample) int { return cmp.Compare(a.at, b.at) })
	for _, s := range samples {
		r.Samples = append(r.Samples, s.text)
	}
	r.OK = r.Sent - r.Failed()
	lat := slices.Clone(ls.lat)
	slices.Sort(lat)
	if n := len(lat); n > 0 {
		r.P50 = lat[(n-1)*50/100]
		r.P99 = lat[(n-1)*99/100]
		r.Max = lat[n-1]
	}
	seen := map[string]bool{}
	for i, s := range ls.seconds {
		b := Bucket{Offset: time.Duration(i) * time.Second, Versions: map[string]int{}, Failed: s.failed}
		vs := make([]string, 0, len(s.versions))
		for v, n := range s.versions {
			b.Versions[v] = n
			vs = append(vs, v)
		}
		sort.Strings(vs)
		for _, v := range vs {
			if !seen[v] {
				seen[v] = true
				r.Versions = append(r.Versions, v)
			}
		}
		r.Timeline = append(r.Timeline, b)
	}
}

// Format writes the report, after Ansible's recap. serial is the play's
// serial (the most nodes a rolling play may take out at once); 0 when
// unknown.
func (r *Report) Format(w io.Writer, serial int) {
	var b strings.Builder
	// Ansible's banner: the title, a space and stars up to 80 columns.
	title := "SANDBOX REPORT"
	b.WriteString(title + " " + strings.Repeat("*", max(3, 79-len(title))) + "\n")
	line := func(key, format string, args ...any) {
		fmt.Fprintf(&b, "%-10s: %s\n", key, fmt.Sprintf(format, args...))
	}

	if r.Rate < 0 || r.Sent == 0 && r.Duration == 0 {
		line("traffic", "none (load generator off)")
	} else {
		secs := r.Duration.Seconds()
		line("traffic", "%d requests in %.1fs (%.0f/s; %d%% on fresh connections, %d%% slow)",
			r.Sent, secs, float64(r.Sent)/max(secs, 0.001), pct(r.Fresh, r.Sent), pct(r.Slow, r.Sent))
		if f := r.Failed(); f == 0 {
			line("failed", "0")
		} else {
			var parts []string
			for _, c := range Causes {
				if n := r.Failures[c]; n > 0 {
					s := fmt.Sprintf("%s %d", c, n)
					if c == Cause5xx && len(r.Codes) > 0 {
						var codes []string
						for _, k := range sortedKeys(r.Codes) {
							codes = append(codes, fmt.Sprintf("%d x%d", k, r.Codes[k]))
						}
						s += " [" + strings.Join(codes, ", ") + "]"
					}
					parts = append(parts, s)
				}
			}
			line("failed", "%d of %d (%s)", f, r.Sent, strings.Join(parts, ", "))
			for _, s := range r.Samples {
				fmt.Fprintf(&b, "%12s%s\n", "", s)
			}
		}
		line("latency", "p50 %s  p99 %s  max %s (slow requests excluded)", fmtDur(r.P50), fmtDur(r.P99), fmtDur(r.Max))
	}

	rot := fmt.Sprintf("at most %d of %d nodes out of rotation at once", r.MaxOutOfRotation, r.Nodes)
	switch {
	case serial <= 0:
	case r.MaxOutOfRotation > serial:
		rot += fmt.Sprintf(", MORE than serial %d", serial)
	default:
		rot += fmt.Sprintf(" (serial %d)", serial)
	}
	line("rotation", "%s", rot)
	if r.Rollout != nil {
		if r.Rollout.Complete {
			line("rollout", "%.1fs from the first node out of rotation to the last one back", r.Rollout.Duration().Seconds())
		} else {
			line("rollout", "INCOMPLETE: nodes still out of rotation %.1fs after the first left", r.Rollout.Duration().Seconds())
		}
	}
	if len(r.Final) > 0 {
		line("nodes", "%s", r.nodesSummary())
	}
	if len(r.Timeline) > 0 {
		r.formatTimeline(&b)
	}
	_, _ = io.WriteString(w, b.String())
}

// nodesSummary is e.g. "4/4 ENABLED, serving v2 (4)".
func (r *Report) nodesSummary() string {
	conds := map[string]int{}
	vers := map[string]int{}
	var vorder []string
	for _, n := range r.Final {
		conds[n.Condition]++
		if vers[n.Version] == 0 {
			vorder = append(vorder, n.Version)
		}
		vers[n.Version]++
	}
	var parts []string
	parts = append(parts, fmt.Sprintf("%d/%d ENABLED", conds["ENABLED"], len(r.Final)))
	for _, c := range sortedKeys(conds) {
		if c != "ENABLED" {
			parts = append(parts, fmt.Sprintf("%d %s", conds[c], c))
		}
	}
	sort.Strings(vorder)
	var vs []string
	for _, v := range vorder {
		vs = append(vs, fmt.Sprintf("%s (%d)", v, vers[v]))
	}
	s := strings.Join(parts, ", ") + "; serving " + strings.Join(vs, ", ")
	var off []string
	for _, n := range r.Final {
		if n.Condition != "ENABLED" || n.Version == "down" {
			off = append(off, fmt.Sprintf("%s %s %s", n.Address, n.Condition, n.Version))
		}
	}
	if len(off) > 0 {
		s += " [" + strings.Join(off, "; ") + "]"
	}
	return s
}

// bucketWidths are the timeline's possible row widths, in seconds.
var bucketWidths = []int{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600}

// maxRows bounds the timeline's length.
const maxRows = 16

func (r *Report) formatTimeline(b *strings.Builder) {
	width := bucketWidths[len(bucketWidths)-1]
	for _, wd := range bucketWidths {
		if (len(r.Timeline)+wd-1)/wd <= maxRows {
			width = wd
			break
		}
	}
	type row struct {
		label  string
		counts map[string]int
		failed int
	}
	var rows []row
	for i := 0; i < len(r.Timeline); i += width {
		rw := row{counts: map[string]int{}}
		end := min(i+width, len(r.Timeline))
		for _, bk := range r.Timeline[i:end] {
			for v, n := range bk.Versions {
				rw.counts[v] += n
			}
			rw.failed += bk.Failed
		}
		if width == 1 {
			rw.label = fmt.Sprintf("%ds", i)
		} else {
			rw.label = fmt.Sprintf("%d-%ds", i, end)
		}
		rows = append(rows, rw)
	}
	colW := 7
	for _, v := range r.Versions {
		colW = max(colW, len(v)+1)
	}
	labelW := 6
	for _, rw := range rows {
		labelW = max(labelW, len(rw.label))
	}
	fmt.Fprintf(b, "%-10s: %*s", "versions", labelW, "time")
	for _, v := range r.Versions {
		fmt.Fprintf(b, " %*s", colW, v)
	}
	fmt.Fprintf(b, " %*s\n", colW, "failed")
	for _, rw := range rows {
		fmt.Fprintf(b, "%12s%*s", "", labelW, rw.label)
		for _, v := range r.Versions {
			fmt.Fprintf(b, " %*d", colW, rw.counts[v])
		}
		fmt.Fprintf(b, " %*d\n", colW, rw.failed)
	}
}

func pct(n, of int) int {
	if of == 0 {
		return 0
	}
	return (n*100 + of/2) / of
}

func fmtDur(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
	case d < time.Second:
		return strconv.Itoa(int(d/time.Millisecond)) + "ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
}

func sortedKeys[K int | string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
