#!/bin/bash
# The tracker under stress: 4 threads of malloc/free, a fork+exec and a
# plain fork while they run, a constructor that allocates before main.
# No crash, no deadlock (every wait has a deadline), consistent totals.
# Sampled mode does 10 million malloc/free pairs per thread; full mode,
# which unwinds every call, does 1 million (10 million takes minutes on
# a busy CI machine).

. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/heap_lib.sh"

KEEP=$((4 * 256 * 4096))	# 4 threads x 256 blocks of 4 KiB
CTOR=$((16 * 65536))

finished() { grep -q . "$1" 2>/dev/null; }

run_stress()
{
	local mode=$1 ops=$2 pid
	start_fixture pid env VIGIL_HEAP_MODE="$mode" LD_PRELOAD="$HEAP_LIB" \
	    "$FIXTURES/heapstress" "$ops" "$TMP/$mode.status"
	STRESS_PID=$pid
	check "$mode: $ops malloc/free x 4 threads finish (no deadlock)" \
	    wait_for 600 finished "$TMP/$mode.status"
	check "$mode: the forked children (exec, plain) exited 0" \
	    grep -qx done "$TMP/$mode.status"
	check "$mode: the process is alive" kill -0 "$pid"
	heap_raw "$pid" >"$TMP/$mode.raw" 2>"$TMP/err" ||
	    diag "$(cat "$TMP/err")"
	check "$mode: the agent still answers, frees never exceed allocations" \
	    heap_consistent "$TMP/$mode.raw"
}

run_stress full 1000000
"$VIGIL" heaptrack --format folded "$STRESS_PID" >"$TMP/full.folded"
check "full: the constructor's 1 MiB, allocated before main, is live" \
    test "$(folded_live "$TMP/full.folded" early)" = "$CTOR"
check "full: the threads' kept 4 MiB is live" \
    test "$(folded_live "$TMP/full.folded" keep_blocks)" = "$KEEP"
read -r lb lo cb co <<<"$(heap_top_site "$TMP/full.raw" 5)"
check "full: the workers' 4 million allocations, all freed ($co, $lo)" \
    test "$co" = 4000000 -a "$lo" = 0 -a "$lb" = 0

run_stress sampled 10000000
read -r lb lo cb co <<<"$(heap_top_site "$TMP/sampled.raw" 5)"
# 40 million allocations of ~2 KiB at one sample per 512 KiB: an
# estimate of 40 million objects, well within 10%.
check "sampled: the workers' allocations estimated within 10% ($co)" \
    within "$co" 40000000 10

done_testing
