#!/bin/bash
# Benchmark allocation tracking against Debian's heaptrack on this
# machine, in one run, on the same allocation-heavy program
# (bench/bench_heap.c: malloc/free pairs of 16..1039 bytes from eight
# call depths, nothing else).
#
# Usage: bench/bench_heap.sh [BUILDDIR]   (default: the current directory;
#        it needs BUILDDIR/src/heap/.libs/libvigil-heap.so)
#
# BENCH_OPS pairs (default 16 million); each configuration runs BENCH_REPS
# times (default 3) and the minimum is kept, the run least disturbed by
# the rest of the machine. On a busy machine compare CPU times: wall time
# then mostly says how the scheduler shared the CPUs (heaptrack's
# interpreter is a second process, which gets a second share).
# * plain: the program alone;
# * full: with the library preloaded, VIGIL_HEAP_MODE=full;
# * sampled: VIGIL_HEAP_MODE=sampled at BENCH_RATE (default 512k);
# * heaptrack: `heaptrack -o FILE program` (its own recording library and
#   its interpreter process, which works in parallel with the program).
# For each: CPU time (user + sys of the program and every child waited
# for, heaptrack's interpreter included) and wall time. The slowdown is
# the ratio to plain; the overhead is the slowdown minus 1. Targets:
# full tracking's overhead at most a third of heaptrack's; sampled at
# most 10%. It reports; it never asserts. It exits non-zero only when a
# tool failed.

set -eu

build=${1:-.}
lib=$build/src/heap/.libs/libvigil-heap.so
ops=${BENCH_OPS:-16000000}
reps=${BENCH_REPS:-3}
rate=${BENCH_RATE:-512k}
bench_dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-heap.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

die()
{
	echo "bench_heap: $*" >&2
	exit 1
}

[ -r "$lib" ] || die "no $lib (give the build directory)"
command -v cc >/dev/null || die "cc is needed to build the benchmark"
cc -std=gnu11 -O2 -g -o "$tmp/bench_heap" "$bench_dir/bench_heap.c" ||
    die "cannot build bench_heap"
have_heaptrack=1
command -v heaptrack >/dev/null || have_heaptrack=0

# run FILE CMD...: run CMD (environment from env); "CPU WALL" seconds
# into FILE, CPU counting every child waited for.
run()
{
	local out=$1
	shift
	python3 - "$out" "$@" <<'PY'
import os, resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if r.returncode != 0:
    sys.exit("bench_heap: %s exited %d" % (sys.argv[2], r.returncode))
open(sys.argv[1], "w").write("%.4f %.4f\n" % (ru.ru_utime + ru.ru_stime, wall))
PY
}

# best NAME CMD...: BENCH_REPS runs, the minimum CPU and wall into NAME.
best()
{
	local name=$1 i
	shift
	: >"$tmp/$name.all"
	for ((i = 0; i < reps; i++)); do
		run "$tmp/one" "$@" || die "$name failed"
		cat "$tmp/one" >>"$tmp/$name.all"
	done
	awk 'NR == 1 || $1 < c { c = $1 } NR == 1 || $2 < w { w = $2 }
	    END { print c, w }' "$tmp/$name.all" >"$tmp/$name"
}

echo "bench_heap: $ops malloc/free pairs, best of $reps runs, $(nproc) CPUs," \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
best plain "$tmp/bench_heap" "$ops"
best full env VIGIL_HEAP_MODE=full LD_PRELOAD="$lib" "$tmp/bench_heap" "$ops"
best sampled env VIGIL_HEAP_MODE=sampled VIGIL_HEAP_RATE="$rate" \
    LD_PRELOAD="$lib" "$tmp/bench_heap" "$ops"
if [ "$have_heaptrack" = 1 ]; then
	best heaptrack heaptrack -o "$tmp/ht" "$tmp/bench_heap" "$ops"
fi

python3 - "$tmp" "$have_heaptrack" "$rate" <<'PY'
import sys
tmp, have_ht, rate = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
def get(n):
    return [float(x) for x in open("%s/%s" % (tmp, n)).read().split()]
plain = get("plain")
rows = [("plain", plain), ("full", get("full")),
        ("sampled " + rate, get("sampled"))]
if have_ht:
    rows.append(("heaptrack", get("heaptrack")))
print("%-16s %9s %9s %10s %10s" % ("", "CPU s", "wall s", "CPU x", "wall x"))
for name, (c, w) in rows:
    print("%-16s %9.3f %9.3f %10.2f %10.2f" % (name, c, w, c / plain[0],
          w / plain[1]))
print()
for k, label in ((0, "CPU"), (1, "wall")):
    full = rows[1][1][k] / plain[k] - 1
    samp = rows[2][1][k] / plain[k] - 1
    print("%s: full tracking overhead %+.0f%%, sampled %+.1f%% (target <= 10%%)"
          % (label, 100 * full, 100 * samp))
    if have_ht:
        ht = rows[3][1][k] / plain[k] - 1
        print("%s: heaptrack overhead %+.0f%%; full / heaptrack = %.2f "
              "(target <= 0.33)" % (label, 100 * ht, full / ht if ht > 0 else 0))
if not have_ht:
    print("heaptrack is not installed (apt-get install heaptrack): no comparison")
PY
