#!/bin/sh
# WANT_JSON
# A shell module in the WANT_JSON style: $1 is a JSON file of arguments.
args=$(cat "$1")
get() { printf '%s' "$args" | sed -n "s/.*\"$1\": \"\\([^\"]*\\)\".*/\\1/p"; }
getb() { printf '%s' "$args" | sed -n "s/.*\"$1\": \\([a-z]*\\).*/\\1/p"; }
name=$(get name)
check=$(getb _ansible_check_mode)
case "$name" in
  "") printf '{"failed": true, "msg": "name is required"}\n'; exit 1 ;;
esac
if [ "$check" = true ]; then changed=false; else changed=true; fi
printf '{"changed": %s, "msg": "Hello, %s!", "greeting": {"name": "%s", "check": %s, "diff": %s, "module": "%s", "version": "%s", "verbosity": %s}, "stdout": "line1\\nline2"}\n' \
  "$changed" "$name" "$name" "$check" "$(getb _ansible_diff)" "$(get _ansible_module_name)" "$(get _ansible_version)" "$(printf '%s' "$args" | sed -n 's/.*"_ansible_verbosity": \([0-9]*\).*/\1/p')"
