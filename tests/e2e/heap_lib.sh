# Shared by the allocation-tracking tests: a private runtime and state
# directory, the preload library, the agent's raw answer, and comparisons.

: "${BUILDDIR:?BUILDDIR must name the build directory}"

HEAP_LIB=$BUILDDIR/src/heap/.libs/libvigil-heap.so
export VIGIL_HEAP_LIB=$HEAP_LIB
export XDG_RUNTIME_DIR=$TMP/run XDG_STATE_HOME=$TMP/state
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
unset VIGIL_HEAP_MODE VIGIL_HEAP_RATE VIGIL_HEAP_DEPTH VIGIL_HEAP_MMAP

MIB=1048576

# heap_raw PID: the agent's answer, straight from its socket, as the
# protocol in src/heap/preload-agent.c says.
heap_raw()
{
	python3 - "$XDG_RUNTIME_DIR/vigil/heap-$1.sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(sys.argv[1])
s.sendall(b"snapshot\n")
out = b""
while True:
    c = s.recv(65536)
    if not c:
        break
    out += c
sys.stdout.write(out.decode())
PY
}

# heap_consistent FILE: every site of a raw answer has live >= 0 and
# live <= allocated (no free counted that was not allocated), and the
# answer ends with "end".
heap_consistent()
{
	python3 - "$1" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
ok = lines and lines[0] == "vigil-heap 1" and lines[-1] == "end"
for l in lines:
    if not l.startswith("site "):
        continue
    f = l.split()
    lb, lo, cb, co = map(int, f[2:6])
    if lb < 0 or lo < 0 or lb > cb or lo > co:
        print("# inconsistent:", l[:120])
        ok = False
sys.exit(0 if ok else 1)
PY
}

# heap_site FILE COLUMN: from a raw answer, the site with the most of
# COLUMN (2 live bytes, 3 live objects, 4 allocated bytes, 5 allocated
# objects), its four numbers.
heap_top_site()
{
	python3 - "$1" "$2" <<'PY'
import sys
best = None
for l in open(sys.argv[1]).read().splitlines():
    if l.startswith("site heap "):
        f = l.split()
        v = list(map(int, f[2:6]))
        if best is None or v[int(sys.argv[2]) - 2] > best[int(sys.argv[2]) - 2]:
            best = v
print(*best)
PY
}

# folded_live FILE FUNC: live bytes of the folded stacks whose leaf is FUNC.
folded_live()
{
	awk -v f="$2" '{ v = $NF; sub(/ [0-9]+$/, ""); n = split($0, a, ";")
	    if (a[n] == f) s += v } END { print s + 0 }' "$1"
}

# within ACTUAL EXPECTED PERCENT
within()
{
	awk -v a="$1" -v e="$2" -v p="$3" \
	    'BEGIN { d = a - e; if (d < 0) d = -d; exit !(d <= e * p / 100) }'
}
