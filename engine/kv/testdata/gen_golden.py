#!/usr/bin/env python3
"""Generate testdata/kv_golden.json: what ansible-core's own split_args and
parse_kv (ansible.parsing.splitter) return for many tricky inputs.
Run from engine/kv:  python3 testdata/gen_golden.py > testdata/kv_golden.json
With a file argument, reads the inputs (one JSON string per line) from that
file instead of using the built-in list.  With --serve, answers one JSON line
[result_check_raw_false, result_check_raw_true] per JSON string line read
from stdin (used by the differential fuzz targets)."""
import json
import random
import sys

import ansible
from ansible.parsing.splitter import parse_kv, split_args

CASES = [
    '', ' ', 'a', 'a=b', 'a=b c=d', 'a= b', 'k=  v', 'k=', '=', '=foo', '==', 'a==b', 'a=b=c',
    ' a=b', '  a=b', 'a=b ', 'a=b  ', 'a=b   c=d', '\ta=b', 'a=b\t c=d', 'a\t=\tb',
    'msg="a=b c=d"', "msg='single quoted, with \"double\" inside'", 'a="x y"z', 'a=b"c d"',
    'a="b" c', 'x="a\\"b"', "a='x\\=y' b=\"line1\\nline2\" c=x=y", 'a=\\=b', 'a\\=b', 'a\\=b=c',
    '\\=', 'x=\\n', 'x=\\t', 'x="\\n"', 'x=\\x41\\u00e9\\U0001F600', 'x=\\N{LATIN SMALL LETTER E WITH ACUTE}',
    'x=\\N{latin small letter e with acute}', 'x=\\N{NUL}', 'x=\\N{BYTE ORDER MARK}',
    'x=\\N{HANGUL SYLLABLE GAG}', 'x=\\N{HANGUL SYLLABLE A}', 'x=\\N{CJK UNIFIED IDEOGRAPH-4E2D}',
    'x=\\N{CJK UNIFIED IDEOGRAPH-04E2D}', 'x=\\N{NO SUCH NAME}', 'x=\\N{}', 'x=\\N{', 'x=\\N{a}b}',
    'x=\\U00110000', 'x=\\UFFFFFFFF', 'x=\\U0000004', 'x=\\u00e', 'x=\\x4', 'x=\\q', 'x=\\\\n',
    'x=\\a\\b\\f\\r\\v', "x=\\'", 'x=\\"', 'x=\\ud83d\\ude00', 'x=\\ud83d', 'x=\\ude00\\ud83d',
    'msg={{ item }}', 'msg={{ "a b" }}', 'name={{ item.id }} state=present', 'msg={{ x | default("a b") }}',
    "debug msg={{ 'jinja with spaces' | upper }}", '{% if x %}a b{% endif %}', 'msg="{% if a %}yes{% else %}no{% endif %}"',
    'msg={# comment here #} x=1', '{{ a }} {{ b }}', '{{a}}=b', 'x={{ {"k": "v v"} }}', 'x={{', 'x=}}', 'x=}} {{',
    'x={{ a }} }}', 'x={% a', 'x={#', 'x="', "x='", 'x="a\'b"', "x='a\"b'", 'x="a" "b c"', 'x="\'"',
    'a="b\nc"', 'a=b\nc=d', 'a=b\n\nc=d', '\na=b', 'a=b\n', 'a=b \\\nc=d', 'a=b \\', '\\', '\\ a', 'a \\ b',
    'a=b\n  c=d', 'echo "two  spaces" \'single q\' a=b', 'pwd chdir=/tmp', 'echo "true" chdir=/tmp',
    'creates=/x removes=/y chdir=/z executable=/bin/bash warn=no stdin=hi stdin_add_newline=no strip_empty_ends=no echo',
    ' chdir=/tmp', 'chdir =/tmp', 'chdir= /tmp', 'CHDIR=/tmp', '_raw_params=x foo', 'foo _raw_params=x',
    'name=app-lb1 port=80 protocol=HTTP type=PUBLIC state=present wait=true credentials=/path/to/credentials',
    'a=b c=d\n', 'a=b\nc=d\n', 'k=v k=w', 'k=v j=1 k=w', 'é=ü', 'ключ=значение текст', 'a=\u00a0b\u00a0',
    'a=\u3000', 'a= \u2028b', 'a=\x1cb\x1f', 'x= "quoted after space"', "a=''", 'a=""', 'a="', "a='''",
    'a="""', 'a="b\\"', 'a="b\\\\"', 'a=\'b\\\'', 'a="x"y"', 'a= =b', 'a =b', ' = ', 'a=b\r\nc=d',
    'echo \\"hi\\"', 'echo "a \\" b"', 'echo {{ "\\"" }}', 'x=1 {{ y }} z=2', '{{ y }}', 'y }}',
    '"{{ y }}"', '{{ "}}" }}', '{{ "{{" }}', '{{ {{ }} }}', 'msg="{{ a }}" b={{ c }}', "{% raw %}x y{% endraw %}",
    'a={{b}}c d', 'a={{ b }}c d', 'a="{{ b }}"c d=e',
    'line1\nline2 "quoted\nacross" lines', 'a="multi\n\nline"', "a='x\ny' b=2", '{{ a\n }}', '{% if a\n %}x{% endif %}',
    'x=1  \n  y=2', 'x=1 \\\n y=2', '\\\n', '"\\\n"', 'a=b\\', 'a=b \\ \nc=d',
]

def run(s, check_raw):
    out = {'input': s, 'check_raw': check_raw}
    try:
        out['split'] = split_args(s)
    except Exception as e:
        out['split_error'] = str(e)
        out['split_error_type'] = type(e).__name__
    try:
        d = parse_kv(s, check_raw=check_raw)
        out['kv'] = [[k, v] for k, v in d.items()]
    except Exception as e:
        out['kv_error'] = str(e)
        out['kv_error_type'] = type(e).__name__
    return out

def random_cases(n, seed, simple=False):
    rnd = random.Random(seed)
    if simple:  # fewer quotes and braces, so most inputs parse
        frags = ['a', 'b', 'k=', '=', 'x=1', ' ', ' ', ' ', '  ', '\n', '\t', '\\', '\\n', '\\=',
                 '\\x41', 'é', 'chdir=', ' \\\n', '"a b"', "'c d'", '{{ v }}', '=x', 'y', '"', '{{ "a b" }}']
        return [''.join(rnd.choice(frags) for _ in range(rnd.randint(1, 10))) for _ in range(n)]
    frags = ['a', 'b', 'k=', '=', 'x=1', ' ', ' ', ' ', '  ', '\n', '\t', '"', "'", '\\', '\\n', '\\=',
             '\\"', "\\'", '\\\\', '\\x41', '\\u00e9', '\\N{SPACE}', '{{', '}}', '{%', '%}', '{#', '#}',
             'é', '中', 'chdir=', 'creates=/t', ' \\\n', '\u00a0', '"a b"', "'c d'", '{{ v }}', '=x', 'y']
    out = []
    for _ in range(n):
        out.append(''.join(rnd.choice(frags) for _ in range(rnd.randint(1, 10))))
    return out

def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--serve':
        for line in sys.stdin:
            s = json.loads(line)
            sys.stdout.write(json.dumps([run(s, False), run(s, True)]) + '\n')
            sys.stdout.flush()
        return
    if len(sys.argv) > 1:
        inputs = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8') if l.strip()]
    else:
        inputs = CASES + random_cases(1500, 1234) + random_cases(500, 99, simple=True)
    res = []
    for s in inputs:
        for cr in (False, True):
            res.append(run(s, cr))
    json.dump({'ansible': ansible.__version__, 'cases': res}, sys.stdout, ensure_ascii=True, indent=0)
    sys.stdout.write('\n')

if __name__ == '__main__':
    main()
