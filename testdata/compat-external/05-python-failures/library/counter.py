#!/usr/bin/python
# WANT_JSON
"""A Python module in the WANT_JSON style: it counts calls in a state file
and reports whether the count reached the goal."""
import json
import sys

with open(sys.argv[1]) as f:
    args = json.load(f)

path = args["path"]
goal = int(args.get("goal", 3))
try:
    with open(path) as f:
        n = int(f.read() or 0)
except FileNotFoundError:
    n = 0
if args.get("mode") == "crash":
    raise RuntimeError("asked to crash")
if args.get("mode") == "rc":
    print(json.dumps({"rc": 2, "msg": "rc only"}))
    sys.exit(0)
if not args["_ansible_check_mode"]:
    n += 1
    with open(path, "w") as f:
        f.write(str(n))
print(json.dumps({
    "changed": not args["_ansible_check_mode"],
    "count": n,
    "done": n >= goal,
    "warnings": ["count is %d" % n] if n == goal else [],
}))
