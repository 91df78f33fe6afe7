//go:build !linux

package builtin

import "os"

// setEcho is a no-op where goplay does not drive the terminal.
func setEcho(f *os.File, on bool) func() { return func() {} }
