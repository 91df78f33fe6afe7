#!/usr/bin/env python3
"""Record ansible-core's results for testdata/cases.json.

Run as root from modules/files (umask 022), with ansible-core 2.14's
ansible-playbook on PATH:  python3 testdata/record.py [name...]
Every case runs in a fresh directory /tmp/goplay-files-rec/<name>: its
setup shell text runs with $T set to it, then its steps run as the tasks
of one playbook (connection local, ignore_errors) with the json callback.
Each task's result, without invocation/_ansible_no_log/action, goes to
testdata/ansible/<name>.json with "$T" in place of the directory.
"""
import json, os, shutil, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
cases = json.load(open(os.path.join(here, "cases.json")))
only = set(sys.argv[1:])
root = "/tmp/goplay-files-rec"
os.umask(0o022)
for case in cases:
    name = case["name"]
    if only and name not in only:
        continue
    T = os.path.join(root, name)
    shutil.rmtree(T, ignore_errors=True)
    os.makedirs(T)
    env = dict(os.environ, T=T)
    subprocess.run(["/bin/sh", "-c", case.get("setup", "")], check=True, env=env, cwd=T)
    tasks = []
    for st in case["steps"]:
        args = json.loads(json.dumps(st["args"]).replace("$T", T))
        task = {"ignore_errors": True}
        raw = args.pop("_raw_params", None)
        if raw is not None:
            task[st["module"]] = raw
            if args:
                task["args"] = args
        else:
            task[st["module"]] = args
        if st.get("check"):
            task["check_mode"] = True
        if st.get("diff"):
            task["diff"] = True
        tasks.append(task)
    play = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
             "vars": dict(case.get("vars", {}), ansible_python_interpreter="/usr/bin/python3"),
             "tasks": tasks}]
    pb = os.path.join(root, name + ".yml")
    json.dump(play, open(pb, "w"))
    env2 = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_LOCALHOST_WARNING="0",
                ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    out = subprocess.run(["ansible-playbook", "-i", "localhost,", pb], capture_output=True, text=True, env=env2, cwd=T)
    data = json.loads(out.stdout)
    results = []
    for t in data["plays"][0]["tasks"]:
        r = t["hosts"]["localhost"]
        for k in ("invocation", "_ansible_no_log", "action", "_ansible_verbose_always", "_ansible_verbose_override"):
            r.pop(k, None)
        results.append(r)
    text = json.dumps(results, indent=1, sort_keys=True).replace(T, "$T")
    with open(os.path.join(here, "ansible", name + ".json"), "w") as f:
        f.write(text + "\n")
    print(name, len(results))
