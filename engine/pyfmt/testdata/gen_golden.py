#!/usr/bin/env python3
"""Generate testdata/golden.json for the pyfmt tests from CPython itself.
Run from engine/pyfmt:  python3 testdata/gen_golden.py > testdata/golden.json
Every case is a JSON document; the expectations are what Python prints for
json.loads(doc)."""
import json
import math
import random
import struct
import sys

rnd = random.Random(20240601)

def sortdeep(o):
    if isinstance(o, dict):
        return {k: sortdeep(o[k]) for k in sorted(o)}
    if isinstance(o, list):
        return [sortdeep(x) for x in o]
    return o

# ---- documents -----------------------------------------------------------
special_chars = [
    0x7f, 0x80, 0x85, 0x9f, 0xa0, 0xa9, 0xad, 0xe9, 0xff, 0x100, 0x300, 0x301,
    0x378, 0x380, 0x5d0, 0x600, 0x61c, 0x85f, 0x1680, 0x180e, 0x2000, 0x200b,
    0x200d, 0x200e, 0x2028, 0x2029, 0x202f, 0x205f, 0x2060, 0x2066, 0x3000,
    0x4e2d, 0xd7ff, 0xe000, 0xf8ff, 0xfeff, 0xfff9, 0xfffd, 0xfffe, 0xffff,
    0x10000, 0x1d173, 0x1f600, 0x1fbca, 0x1fbf0, 0x2a6df, 0x2a6e0, 0xe0001,
    0xe0100, 0xf0000, 0x10fffd, 0x10ffff, 0x11a00, 0x16fe4, 0x1f7e0, 0x1faf0,
]
strings = ['', 'a', "'", '"', "'\"", "it's", 'say "hi"', "both ' and \"",
           '\\', "\\'", 'tab\there', 'nl\nx', 'cr\rx', '\x00\x01\x1f\x7f',
           '\b\f\v\a', 'caf\u00e9', '\u4e2d\u6587', 'emoji \U0001F600',
           "{{ item }}", 'a=b c="d e"', '</script>', '\u2028\u2029']
strings.append(''.join(chr(c) for c in range(128)))
strings.append(''.join(chr(c) for c in special_chars))
for c in special_chars:
    strings.append(chr(c))
for _ in range(60):
    n = rnd.randint(0, 12)
    s = []
    for _ in range(n):
        r = rnd.random()
        if r < 0.5:
            s.append(chr(rnd.randint(0, 127)))
        elif r < 0.8:
            s.append(chr(rnd.randint(128, 0x3000)))
        else:
            c = rnd.randint(0x3000, 0x10ffff)
            if 0xd800 <= c <= 0xdfff:
                c = 0x41
            s.append(chr(c))
    strings.append(''.join(s))

floats = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, 1e16, 1e15, 9999999999999998.0,
          1e-4, 1e-5, 1.5e-7, 0.0001, 0.00011, 123456789.123, 1e22, 1e100, 1e300,
          1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 1/3, 2/3,
          3.141592653589793, 100.0, 1e-7, 12345678901234567890.0]
ints = [0, 1, -1, 42, 2**31, 2**53 + 1, 2**63 - 1, -2**63, 2**63, 2**64, 10**30, -10**30]

docs = []
for s in strings:
    docs.append(json.dumps(s))
for f in floats:
    docs.append(json.dumps(f))
    docs.append(json.dumps([f, -f]))
for i in ints:
    docs.append(json.dumps(i))
docs += ['NaN', 'Infinity', '-Infinity', '[NaN, Infinity, -Infinity]',
         'true', 'false', 'null', '[]', '{}', '[[]]', '[{}]', '{"a": {}}', '{"a": []}',
         '[1, "x", true, null, 1.0]', '{"k": 1}', '{"b": 1, "a": 2}',
         '{"z": [1, {"y": null, "x": [[], {}]}], "a": "q"}',
         '{"a": 1, "a": 2}', '{"b": 1, "a": 2, "b": 3}',
         '  [ 1 , 2 ]  ', '\n{"a"\n:\n1}\n', '1E5', '1e+5', '-0', '-0.0', '0e0', '1.5E-3',
         '"\\ud83d\\ude00"', '"\\u00e9\\u4E2D"', '"\\/\\b\\f\\n\\r\\t\\"\\\\"',
         '{"\'": "\\"", "\\n": "\\t"}',
         '{"caf\u00e9": 1, "cafe": 2, "Caf": 3, "\u4e2d": 4, "\U0001F600": 5, "": 6}',
         '[1e400, -1e400, 1e-400]', '123456789012345678901234567890',
         '{"a":[1,2,{"b":[3,[4,[5,{"c":{}}]]]}],"d":{"e":{"f":[]}}}']
# random nested documents
def rand_value(depth):
    r = rnd.random()
    if depth > 3 or r < 0.5:
        k = rnd.randint(0, 6)
        if k == 0: return None
        if k == 1: return rnd.random() < 0.5
        if k == 2: return rnd.randint(-10**6, 10**6)
        if k == 3: return rnd.choice(floats)
        return rnd.choice(strings)
    if r < 0.75:
        return [rand_value(depth + 1) for _ in range(rnd.randint(0, 4))]
    return {rnd.choice(strings[:30]) + str(rnd.randint(0, 3)): rand_value(depth + 1)
            for _ in range(rnd.randint(0, 4))}
for _ in range(60):
    docs.append(json.dumps(rand_value(0), ensure_ascii=rnd.random() < 0.5))

cases = []
for d in docs:
    o = json.loads(d)
    so = sortdeep(o)
    c = {'doc': d, 'repr': repr(o), 'repr_sorted': repr(so), 'str': str(o), 'json': {}}
    for indent in (None, 0, 2, 4):
        for sk in (False, True):
            key = '%s/%s' % ('none' if indent is None else indent, 'sort' if sk else 'nosort')
            c['json'][key] = json.dumps(o, sort_keys=sk, ensure_ascii=False, indent=indent)
    cases.append(c)

errors = ['', '  ', '{"a":1,}', '[1,]', '[1 2]', '{"a" 1}', '{1:2}', '"abc', '"a\x01"',
          '"\\q"', '"\\u12g4"', '"\\u12"', '[1]x', 'nul', '-', '01', '1.', '1.e5', '1e',
          '{"a":}', '\n\n  [1,\n x]', '"\u00e9\u00e9" x', '[', '{', '{"a"', '{"a":1',
          '"abc\\', '[1,2', 'tru', 'nan', 'inf', '-Inf', '+1', '.5', '"\t"', '[-]',
          '{"a":1 "b":2}', '{,}', '[,]', '"\u4e2d" \n \u4e2d']
errcases = []
for e in errors:
    try:
        json.loads(e)
        raise SystemExit('unexpectedly valid: %r' % e)
    except json.JSONDecodeError as ex:
        errcases.append({'doc': e, 'error': str(ex)})

# ---- floats --------------------------------------------------------------
fl = []
def addf(f):
    fl.append({'bits': '%016x' % struct.unpack('<Q', struct.pack('<d', f))[0], 'repr': repr(f)})
for f in floats + [math.inf, -math.inf, math.nan]:
    addf(f)
for e in range(-330, 310):
    for m in (1.0, 1.5, 9.999999999999998, 2.0000000000000004):
        try:
            addf(m * 10.0 ** e)
        except OverflowError:
            pass
for _ in range(3000):
    bits = rnd.getrandbits(64)
    f = struct.unpack('<d', struct.pack('<Q', bits))[0]
    if math.isnan(f):
        continue
    addf(f)
for _ in range(1000):
    addf(rnd.uniform(-1e6, 1e6))
    addf(round(rnd.uniform(-1000, 1000), rnd.randint(0, 6)))

json.dump({'python': sys.version.split()[0], 'cases': cases, 'errors': errcases, 'floats': fl},
          sys.stdout, ensure_ascii=True, indent=1)
sys.stdout.write('\n')
