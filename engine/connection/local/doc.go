// Package local is the connection to the controller itself: Ansible's
// "local" connection plugin. Commands run under /bin/sh -c in their own
// process group, so cancelling the context kills everything they started;
// files are written atomically (temporary file, chmod, rename).
package local
