package app

import (
	"fmt"
	"io"
)

// DocText prints a module's documentation for --doc; modules/moddoc sets
// it (through main), so that the engine does not import the module set.
var DocText func(name string) (string, error)

func showDoc(name string, stdout, stderr io.Writer) int {
	if DocText == nil {
		fmt.Fprintln(stderr, "ERROR! --doc is not available in this build")
		return 1
	}
	text, err := DocText(name)
	if err != nil {
		fmt.Fprintf(stderr, "ERROR! %v\n", err)
		return 1
	}
	io.WriteString(stdout, text)
	return 0
}
