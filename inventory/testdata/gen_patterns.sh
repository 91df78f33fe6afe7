#!/bin/sh
# Regenerates patterns.golden from ansible-core (2.14.18 was used):
#   cd inventory/testdata && ./gen_patterns.sh > patterns.golden
# Each line: pattern<TAB>comma separated hosts<TAB>warnings joined by "|"
inv=realistic.ini
while IFS= read -r p; do
	out=$(ANSIBLE_NOCOLOR=1 ansible -i "$inv" "$p" --list-hosts 2>/tmp/gen_err.$$)
	hosts=$(printf '%s\n' "$out" | sed -n 's/^    //p' | paste -sd, -)
	warns=$(awk '/^\[WARNING\]: /{if(w!="")print w; w=substr($0,12); next} {w=w" "$0} END{if(w!="")print w}' /tmp/gen_err.$$ |
		grep -v 'No hosts matched, nothing to do' | paste -sd'|' -)
	printf '%s\t%s\t%s\n' "$p" "$hosts" "$warns"
done < patterns.list
rm -f /tmp/gen_err.$$
