package files

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/goplay/goplay/modules"
)

// stage hands the data of steps to the connection's StagingConn, when it
// stages data for its become user: the login user uploads it, as Ansible's
// copy action transfers a file before the copy module runs as the become
// user (see modules.StagingConn). Each step must have its stageVar set (to
// a distinct name) before its script is built. data returns the steps' data
// one after the other; it is called once more for the script's stdin when
// nothing could be staged. stage returns the script prefix that sets the
// steps' variables (to the staged paths, or empty), the script's stdin
// (nil when staged) and the cleanup to run after the script, always.
func stage(ctx context.Context, req *modules.Request, steps []*writeStep, data func() io.Reader) (string, io.Reader, func(), error) {
	none := func() {}
	s := modules.Stager(req.Conn)
	if s == nil || len(steps) == 0 || steps[0].stageVar == "" {
		return "", data(), none, nil
	}
	sizes := make([]int64, len(steps))
	for i, w := range steps {
		sizes[i] = w.size
	}
	paths, cleanup, err := s.Stage(ctx, data(), sizes)
	if err != nil {
		return "", nil, none, err
	}
	if cleanup == nil {
		cleanup = none
	}
	var b strings.Builder
	for i, w := range steps {
		p := ""
		if len(paths) == len(steps) {
			p = paths[i]
		}
		fmt.Fprintf(&b, "%s=%s\n", w.stageVar, shq(p))
	}
	if len(paths) == len(steps) {
		return b.String(), nil, cleanup, nil
	}
	cleanup()
	return b.String(), data(), none, nil
}
