// Package output prints a run the way ansible-playbook's callbacks do: the
// default stdout callback (banners, result lines, the recap), the json
// callback, warnings and deprecations on stderr, and Ansible's colours.
package output
