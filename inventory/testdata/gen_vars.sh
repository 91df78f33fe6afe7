#!/bin/sh
# Regenerates vars.golden from ansible-inventory (ansible-core 2.14.18):
#   cd inventory/testdata && ./gen_vars.sh > vars.golden
# Each line: source<TAB>host<TAB>var<TAB>python type<TAB>json value
for src in typing.ini typing.yml precedence/hosts; do
	ansible-inventory -i "$src" --list 2>/dev/null | python3 -c '
import json, sys
src = sys.argv[1]
data = json.load(sys.stdin)
for host, hv in sorted(data["_meta"]["hostvars"].items()):
    for k, v in sorted(hv.items()):
        print("%s\t%s\t%s\t%s\t%s" % (src, host, k, type(v).__name__, json.dumps(v, sort_keys=True)))
' "$src"
done
