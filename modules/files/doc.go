// Package files holds the file modules: copy, template, file, stat,
// lineinfile, blockinfile, fetch, slurp and script.
package files
