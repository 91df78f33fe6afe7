package cli

import (
	"github.com/goplay/goplay/engine/config"
)

// TerminalColumns is what Python's shutil.get_terminal_size().columns
// returns for the process (argparse formats help at that width minus 2):
// $COLUMNS when it is a positive integer, else the width of the terminal on
// stdout, else 80.
func TerminalColumns(env func(string) (string, bool)) int {
	if env != nil {
		if s, ok := env("COLUMNS"); ok {
			if n, err := config.PyInt(s); err == nil && n > 0 {
				return n
			}
		}
	}
	if n := stdoutColumns(); n > 0 {
		return n
	}
	return 80
}
