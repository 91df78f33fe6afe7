package inventory

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestDbgHosts(t *testing.T) {
	src := os.Getenv("DBG_INV")
	if src == "" {
		t.Skip()
	}
	inv, w, err := Load(strings.Split(src, "|"))
	fmt.Printf("load warnings=%q err=%v\n", w, err)
	for _, p := range strings.Split(os.Getenv("DBG_PAT"), "|") {
		hs, w, err := inv.Hosts(p)
		var names []string
		for _, h := range hs {
			names = append(names, h.Name)
		}
		fmt.Printf("%s => %v %q %v\n", p, names, w, err)
	}
}
