//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package cli

func stdoutColumns() int { return 0 }
