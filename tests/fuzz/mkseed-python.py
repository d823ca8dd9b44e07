#!/usr/bin/env python3
"""
Seeds for fuzz_python, and the images tests/unit/test_python.c reads: a
CPython interpreter as the frame walker finds it in a target's memory, laid
out by hand for the 3.11 and 3.12 layouts and for 3.13's _Py_DebugOffsets.

One thread (native id 4242) runs three frames, leaf first work() at line
firstlineno + 2, then outer(), then <module>; work() has an argument n = 7
and locals s = 'hi', f = 2.5, b = b'x\\x01', z = None. The location tables
are real: compiled here (3.11 and later share their format).

A seed file is: one byte of minor version less 11 (0, 1, 2 for 3.11 to 3.13), one byte of flags
(1: read locals), then the image, which the harness maps at IMAGE_BASE.
Fixed places in the image (the harness knows them): the code type at 0x000,
str at 0x040, bytes at 0x080, _PyRuntime at 0x200.

Usage: mkseed-python.py DIR   (writes DIR/311, DIR/311-locals, ...)
"""
import os
import struct
import sys

IMAGE_BASE = 0x100000
TID = 4242
SIZE = 0x3000

SRC = """
def work(n):
    s = 'hi'
    f = 2.5; b = b'x\\x01'; z = None
    return n
def outer():
    return work(7)
outer()
"""

# Field offsets the walker uses, per layout (python.c's tables).
L311 = dict(rt_interp_head=40, rt_tstate_current=576, is_next=0,
            is_threads_head=16, is_gil=None, ts_next=8, ts_interp=16,
            ts_native_tid=160, ts_cframe=56, ts_current_frame=8,
            fr_code=32, fr_previous=48, fr_instr=56, fr_owner=69,
            fr_is_entry=68, fr_localsplus=72, co_filename=112,
            co_qualname=128, co_linetable=136, co_firstlineno=72,
            co_code=184, co_flags=48, co_argcount=56, co_kwonlyargcount=64,
            co_localsplusnames=96, co_localspluskinds=104, long_tagged=0,
            str_state=32, str_length=16, str_ascii=48, bytes_size=16,
            bytes_sval=32)
L312 = dict(L311, rt_tstate_current=None, is_threads_head=72, is_gil=384,
            gil_locked=16, gil_holder=8, ts_native_tid=144,
            ts_current_frame=0, fr_code=0, fr_previous=8, fr_owner=70,
            fr_is_entry=None, co_firstlineno=68, co_code=192,
            co_argcount=52, co_kwonlyargcount=60, long_tagged=1,
            str_ascii=40)
# 3.13: as 3.12, but no cframe; said by the debug offsets, which fill the
# first 584 bytes of _PyRuntime: its interpreters come after them.
L313 = dict(L312, ts_cframe=None, ts_current_frame=72, rt_interp_head=592)


class Image:
    def __init__(self):
        self.b = bytearray(SIZE)
        self.top = 0x460

    def alloc(self, n):
        at = self.top
        self.top += (n + 15) & ~15
        assert self.top <= SIZE
        return at

    def put(self, off, fmt, *v):
        struct.pack_into("<" + fmt, self.b, off, *v)

    def addr(self, off):
        return IMAGE_BASE + off


def build(minor, with_locals):
    l = {11: L311, 12: L312, 13: L313}[minor]
    im = Image()
    code_t, str_t, bytes_t = 0x000, 0x040, 0x080
    types = {"int": 0x0c0, "float": 0x100, "NoneType": 0x140}
    names = 0x180
    for off, name in [(code_t, "code"), (str_t, "str"), (bytes_t, "bytes")] \
            + [(v, k) for k, v in types.items()]:
        im.b[names:names + len(name)] = name.encode()
        im.put(off + 24, "Q", im.addr(names))
        names += len(name) + 1
    rt = 0x200

    def obj(typ, n):
        at = im.alloc(n)
        im.put(at, "q", 1)
        im.put(at + 8, "Q", im.addr(typ))
        return at

    def pystr(s):
        data = s.encode()
        at = obj(str_t, l["str_ascii"] + len(data) + 1)
        im.put(at + l["str_length"], "q", len(data))
        # kind 1, compact, ascii
        im.put(at + l["str_state"], "I", (1 << 2) | (1 << 5) | (1 << 6))
        im.b[at + l["str_ascii"]:at + l["str_ascii"] + len(data)] = data
        return at

    def pybytes(data):
        at = obj(bytes_t, l["bytes_sval"] + len(data) + 1)
        im.put(at + l["bytes_size"], "q", len(data))
        im.b[at + l["bytes_sval"]:at + l["bytes_sval"] + len(data)] = data
        return at

    def pyint(v):
        at = obj(types["int"], 32)
        if l["long_tagged"]:
            im.put(at + 16, "Q", (1 << 3) if v else 1)
        else:
            im.put(at + 16, "q", 1 if v else 0)
        im.put(at + 24, "I", v)
        return at

    def pyfloat(v):
        at = obj(types["float"], 24)
        im.put(at + 16, "d", v)
        return at

    def code(co, qual):
        at = obj(code_t, l["co_code"] + len(co.co_code))
        im.put(at + l["co_filename"], "Q", im.addr(pystr("/srv/app.py")))
        im.put(at + l["co_qualname"], "Q", im.addr(pystr(qual)))
        im.put(at + l["co_linetable"], "Q",
               im.addr(pybytes(co.co_linetable)))
        im.put(at + l["co_firstlineno"], "i", co.co_firstlineno)
        im.put(at + l["co_flags"], "i", co.co_flags)
        im.put(at + l["co_argcount"], "i", co.co_argcount)
        im.put(at + l["co_kwonlyargcount"], "i", co.co_kwonlyargcount)
        vs = co.co_varnames
        tup = obj(str_t, 24 + 8 * len(vs))   # its type is not looked at
        im.put(tup + 16, "q", len(vs))
        for i, v in enumerate(vs):
            im.put(tup + 24 + 8 * i, "Q", im.addr(pystr(v)))
        im.put(at + l["co_localsplusnames"], "Q", im.addr(tup))
        im.put(at + l["co_localspluskinds"], "Q",
               im.addr(pybytes(bytes([0x20] * len(vs)))))
        return at

    mod = compile(SRC, "/srv/app.py", "exec")
    fns = {c.co_name: c for c in mod.co_consts if hasattr(c, "co_code")}
    chain = [(fns["work"], "work", 2), (fns["outer"], "outer", 1),
             (mod, "<module>", 7)]
    frames = []
    for co, qual, dline in chain:
        c = code(co, qual)
        # The instruction of line firstlineno + dline: its byte offset.
        want = co.co_firstlineno + dline
        lasti = next(a for a, _, ln in co.co_lines() if ln == want)
        fr = im.alloc(l["fr_localsplus"] + 8 * 8)
        im.put(fr + l["fr_code"], "Q", im.addr(c))
        im.put(fr + l["fr_instr"], "Q", im.addr(c) + l["co_code"] + lasti)
        frames.append(fr)
        if qual == "work":
            vals = [pyint(7), pystr("hi"), pyfloat(2.5),
                    pybytes(b"x\x01"), obj(types["NoneType"], 16)]
            for i, v in enumerate(vals[:len(co.co_varnames)]):
                im.put(fr + l["fr_localsplus"] + 8 * i, "Q", im.addr(v))
    for i, fr in enumerate(frames):
        nxt = im.addr(frames[i + 1]) if i + 1 < len(frames) else 0
        im.put(fr + l["fr_previous"], "Q", nxt)
    if l["fr_is_entry"] is not None:
        im.b[frames[-1] + l["fr_is_entry"]] = 1
    interp = im.alloc(512)
    ts = im.alloc(256)
    im.put(rt + l["rt_interp_head"], "Q", im.addr(interp))
    im.put(interp + l["is_threads_head"], "Q", im.addr(ts))
    im.put(ts + l["ts_interp"], "Q", im.addr(interp))
    im.put(ts + l["ts_native_tid"], "Q", TID)
    if l["ts_cframe"] is not None:
        cf = im.alloc(64)
        im.put(ts + l["ts_cframe"], "Q", im.addr(cf))
        im.put(cf + l["ts_current_frame"], "Q", im.addr(frames[0]))
    else:
        im.put(ts + l["ts_current_frame"], "Q", im.addr(frames[0]))
    if l["rt_tstate_current"] is not None:
        im.put(rt + l["rt_tstate_current"], "Q", im.addr(ts))
    else:
        gil = im.alloc(64)
        im.put(interp + l["is_gil"], "Q", im.addr(gil))
        im.put(gil + l["gil_locked"], "i", 1)
        im.put(gil + l["gil_holder"], "Q", im.addr(ts))
    if minor == 13:
        w = {1: 0x030d00f0, 2: 0, 5: l["rt_interp_head"], 8: l["is_next"],
             9: l["is_threads_head"], 14: l["is_gil"], 15: 0,
             17: l["gil_locked"], 18: l["gil_holder"], 21: l["ts_next"],
             22: l["ts_interp"], 23: l["ts_current_frame"],
             25: l["ts_native_tid"], 28: l["fr_localsplus"],
             29: l["fr_previous"], 30: l["fr_code"], 31: l["fr_instr"],
             32: l["fr_localsplus"], 33: l["fr_owner"],
             35: l["co_filename"], 37: l["co_qualname"],
             38: l["co_linetable"], 39: l["co_firstlineno"],
             40: l["co_argcount"], 41: l["co_localsplusnames"],
             42: l["co_localspluskinds"], 43: l["co_code"], 45: 8,
             65: l["bytes_size"], 66: l["bytes_sval"],
             68: l["str_state"], 69: l["str_length"], 70: l["str_ascii"]}
        im.b[rt:rt + 8] = b"xdebugpy"
        for i, v in w.items():
            im.put(rt + 8 * i, "Q", v)
    return bytes([minor - 11, 1 if with_locals else 0]) + bytes(im.b[:im.top])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for minor in (11, 12, 13):
        for loc in (0, 1):
            name = "%d%s" % (300 + minor, "-locals" if loc else "")
            with open(os.path.join(out, name), "wb") as f:
                f.write(build(minor, loc))


if __name__ == "__main__":
    main()
