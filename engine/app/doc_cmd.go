package app

import (
	"fmt"
	"github.com/goplay/goplay/modules/moddoc"
	"io"
)

// DocText prints a module's documentation for --doc (ansible-doc's layout,
// from the module's own declaration).
var DocText = moddoc.ByName

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
