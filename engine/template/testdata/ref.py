# Regenerates golden.json from cases.txt with ansible-core's own Templar:
#   /usr/bin/python3 ref.py < cases.txt > golden.json
import sys, json
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
from ansible.utils.native_jinja import NativeJinjaText

def canon(v):
    if isinstance(v, dict):
        return '{' + ', '.join(repr(str(k)) + ': ' + canon(v[k]) for k in sorted(v, key=str)) + '}'
    if isinstance(v, list):
        return '[' + ', '.join(canon(x) for x in v) + ']'
    if isinstance(v, tuple):
        return '(' + ', '.join(canon(x) for x in v) + (',' if len(v) == 1 else '') + ')'
    if isinstance(v, str):
        return repr(str(v))
    return repr(v)

vars = json.load(open(__file__.rsplit('/', 1)[0] + '/vars.json' if '/' in __file__ else 'vars.json'))
t = Templar(loader=DataLoader(), variables=vars)
out = []
for line in sys.stdin:
    s = line.rstrip('\n')
    if not s or s.startswith('#'):
        continue
    s = s.replace('\\n', '\n')
    try:
        r = t.template(s)
        tn = type(r).__name__
        if isinstance(r, str):
            tn = 'str'
        out.append({'tpl': s, 'type': tn, 'repr': canon(r)})
    except Exception as e:
        out.append({'tpl': s, 'type': 'error', 'err': str(e).split('\n')[0]})
json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
