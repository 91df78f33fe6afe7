//go:build linux || darwin || freebsd || netbsd || openbsd

package cli

import (
	"syscall"
	"unsafe"
)

func stdoutColumns() int {
	var ws struct{ Row, Col, X, Y uint16 }
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, 1, uintptr(syscall.TIOCGWINSZ), uintptr(unsafe.Pointer(&ws)))
	if errno != 0 {
		return 0
	}
	return int(ws.Col)
}
