package builtin

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:           "pause",
		Aliases:        []string{"ansible.builtin.pause"},
		New:            func() modules.Module { return new(Pause) },
		CheckMode:      true,
		BypassHostLoop: true,
		Local:          true,
		Short:          "Pause playbook execution",
	})
}

// PauseOutput receives the lines pause shows while it waits ("Pausing for
// 3 seconds", the prompt). The engine may point it at its own output; by
// default it is os.Stdout.
var PauseOutput io.Writer = os.Stdout

// PauseInput is where pause reads a prompt's answer; it is only read when
// it is a terminal. By default it is os.Stdin.
var PauseInput *os.File = os.Stdin

// Pause waits for a time or for the user, as ansible.builtin.pause does.
// Without a terminal a prompt does not wait (Ansible warns and goes on).
type Pause struct {
	Minutes any     `arg:"minutes" doc:"Minutes to pause for."`
	Seconds any     `arg:"seconds" doc:"Seconds to pause for."`
	Prompt  *string `arg:"prompt" doc:"Text shown while waiting for the user."`
	Echo    bool    `arg:"echo" default:"true" doc:"Show what the user types."`
	// TaskName is the task's name shown in the prompt; the engine may set it.
	TaskName string
}

// pyInt is Python's int() of a module argument.
func pyInt(name string, v any) (int, error) {
	switch x := v.(type) {
	case int:
		return x, nil
	case int64:
		return int(x), nil
	case float64:
		return int(math.Trunc(x)), nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(x), "_", ""))
		if err == nil {
			return n, nil
		}
		return 0, fmt.Errorf("argument '%s' is of type %s and we were unable to convert to int: invalid literal for int() with base 10: '%s'", name, pyType(v), x)
	}
	return 0, fmt.Errorf("argument '%s' is of type %s and we were unable to convert to int: int() argument must be a string, a bytes-like object or a real number, not '%s'", name, pyType(v), strings.TrimSuffix(strings.TrimPrefix(pyType(v), "<class '"), "'>"))
}

// Run pauses.
func (p *Pause) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if p.Minutes != nil && p.Seconds != nil {
		return actionFail("parameters are mutually exclusive: minutes|seconds"), nil
	}
	unit := "minutes"
	seconds := -1
	if p.Minutes != nil {
		m, err := pyInt("minutes", p.Minutes)
		if err != nil {
			return actionFail(err.Error()), nil
		}
		seconds = m * 60
	} else if p.Seconds != nil {
		s, err := pyInt("seconds", p.Seconds)
		if err != nil {
			return actionFail(err.Error()), nil
		}
		seconds = s
		unit = "seconds"
	}
	echoPrompt := ""
	if !p.Echo {
		echoPrompt = " (output is hidden)"
	}
	name := p.TaskName
	if name == "" {
		name = "pause"
	}
	text := "Press enter to continue, Ctrl+C to interrupt"
	if p.Prompt != nil && *p.Prompt != "" {
		text = *p.Prompt
	}
	prompt := fmt.Sprintf("[%s]\n%s%s:", strings.TrimSpace(name), text, echoPrompt)
	out := PauseOutput
	if out == nil {
		out = io.Discard
	}

	startT := time.Now()
	userInput := ""
	if seconds >= 0 {
		if seconds < 1 {
			seconds = 1
		}
		fmt.Fprintf(out, "Pausing for %d seconds%s\n", seconds, echoPrompt)
		fmt.Fprintf(out, "(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r\n")
		if p.Prompt != nil && *p.Prompt != "" {
			fmt.Fprintln(out, prompt)
		}
		t := time.NewTimer(time.Duration(seconds) * time.Second)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
	} else {
		fmt.Fprintln(out, prompt)
		if in := PauseInput; in != nil && isTerminal(in) {
			restore := setEcho(in, p.Echo)
			line, err := readLine(ctx, in)
			restore()
			if err != nil {
				return nil, err
			}
			userInput = line
		} else if req.Warn != nil {
			req.Warn("Not waiting for response to prompt as stdin is not interactive")
		}
	}
	stopT := time.Now()
	dur := stopT.Sub(startT).Seconds()
	shown := dur
	if unit == "minutes" {
		shown = dur / 60
	}
	shown = math.RoundToEven(shown*100) / 100
	return &modules.Result{Data: map[string]any{
		"rc":         0,
		"stderr":     "",
		"stdout":     fmt.Sprintf("Paused for %s %s", pyFloat(shown), unit),
		"start":      pyDatetime(startT),
		"stop":       pyDatetime(stopT),
		"delta":      int(dur),
		"echo":       p.Echo,
		"user_input": userInput,
	}}, nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// readLine reads one line from f, giving up when ctx ends.
func readLine(ctx context.Context, f *os.File) (string, error) {
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := bufio.NewReader(f).ReadString('\n')
		if err == io.EOF {
			err = nil
		}
		ch <- res{strings.TrimRight(s, "\r\n"), err}
	}()
	select {
	case r := <-ch:
		return r.s, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

var _ modules.Module = (*Pause)(nil)
