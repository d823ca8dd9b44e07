#!/bin/bash
# vigil run --heap: the supervised command starts with libvigil-heap.so
# preloaded, in the mode --heap-full or --heap-rate asks for, and vigil
# heaptrack PID answers with the fixture's call sites; a bad --heap-rate
# is refused before anything starts.

. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/heap_lib.sh"

need python3

leaked() { grep -qx "leaked $2" "$1" 2>/dev/null; }
tag=h$$x
SUPS=""
stop_sups()
{
	local n
	for n in $SUPS; do
		"$VIGIL" run --stop "$n" >/dev/null 2>&1
	done
}
prev=$(trap -p EXIT)
prev=${prev#"trap -- "}
prev=${prev%" EXIT"}
eval "prev=$prev"
# shellcheck disable=SC2064
trap "stop_sups; $prev" EXIT

# run_tracked NAME STATUS [OPTION]...: start heapsites under vigil run;
# prints the command's PID.
run_tracked()
{
	local name=$1 status=$2 out
	shift 2
	SUPS="$SUPS $name"
	out=$("$VIGIL" run --name "$name" --restart no "$@" -- \
	    "$FIXTURES/heapsites" "$status" 2>&1)
	printf '%s\n' "$out" | sed -n 's/.*command \([0-9]*\),.*/\1/p'
}

# --- full mode ---------------------------------------------------------
name=full-$tag
pid=$(run_tracked "$name" "$TMP/full.status" --heap-full)
check "vigil run --heap-full starts the command (pid '$pid')" \
    test -n "$pid"
check "the fixture is set up" wait_for 30 leaked "$TMP/full.status" 10
check "the command has the library preloaded" \
    grep -q "libvigil-heap.so" "/proc/$pid/maps"
check "the agent's socket is there" \
    test -S "$XDG_RUNTIME_DIR/vigil/heap-$pid.sock"
"$VIGIL" heaptrack --format folded "$pid" >"$TMP/full.folded" \
    2>"$TMP/err" || diag "$(cat "$TMP/err")"
for site in hold_thirty:30 hold_twenty:20 leak_ten:10; do
	f=${site%:*} mib=${site#*:}
	got=$(folded_live "$TMP/full.folded" "$f")
	check "full: $f holds $mib MiB within 1% ($got bytes)" \
	    within "$got" $((mib * MIB)) 1
done
"$VIGIL" heaptrack --format json -n 3 "$pid" >"$TMP/full.json" 2>&1
# The second snapshot (after --format folded): growth known, 0.
check "--format json: one line, the three sites by live bytes, frames root first, no growth" \
    python3 - "$TMP/full.json" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
d = json.loads(lines[0])
want = [("hold_thirty", 30 << 20), ("hold_twenty", 20 << 20), ("leak_ten", 10 << 20)]
ok = len(lines) == 1 and d["sampled"] is False and d["rate"] == 1 and \
    d["previous_time"] > 0 and len(d["sites"]) == 3
for s, (f, b) in zip(d["sites"], want):
    ok = ok and s["frames"][-1] == f and "main" in s["frames"] and \
        abs(s["live_bytes"] - b) <= b / 100 and s["growth"] == 0 and \
        s["leak_suspect"] is False and s["kind"] == "heap"
sys.exit(0 if ok else 1)
PY
"$VIGIL" heaptrack -n 5 "$pid" >"$TMP/full.top" 2>&1
check "heaptrack says every allocation is tracked" \
    grep -q "every allocation tracked" "$TMP/full.top"
supid=$("$VIGIL" run --status "$name" | sed -n 's/.*"supervisor_pid": *\([0-9]*\).*/\1/p')
check "the supervisor itself is not tracked (pid '$supid')" \
    eval '[ -n "$supid" ] && [ ! -e "$XDG_RUNTIME_DIR/vigil/heap-$supid.sock" ]'
"$VIGIL" run --stop "$name" >/dev/null 2>&1

# --- sampled, with a rate ----------------------------------------------
name=rate-$tag
pid=$(run_tracked "$name" "$TMP/rate.status" --heap-rate 64k)
check "vigil run --heap-rate 64k starts the command (pid '$pid')" \
    test -n "$pid"
check "the sampled fixture is set up" wait_for 30 leaked "$TMP/rate.status" 10
"$VIGIL" heaptrack -n 5 "$pid" >"$TMP/rate.top" 2>&1
check "heaptrack says sampled, one per 64.0 KiB" \
    grep -q "one sample per 64.0 KiB" "$TMP/rate.top"
"$VIGIL" heaptrack --format folded "$pid" >"$TMP/rate.folded" 2>&1
got=$(folded_live "$TMP/rate.folded" hold_thirty)
check "sampled: hold_thirty about 30 MiB within 10% ($got bytes)" \
    within "$got" $((30 * MIB)) 10
"$VIGIL" run --stop "$name" >/dev/null 2>&1

# --- errors ------------------------------------------------------------
check "--heap-rate refuses a non-size" \
    bash -c "! '$VIGIL' run --heap-rate lots -- true 2>'$TMP/err' && grep -q -- '--heap-rate' '$TMP/err'"
check "a missing library is an error, nothing started" \
    bash -c "! VIGIL_HEAP_LIB=/nonexistent '$VIGIL' run --name miss-$tag --heap -- true 2>'$TMP/err' && grep -q 'cannot find' '$TMP/err' && ! '$VIGIL' run --status miss-$tag >/dev/null 2>&1"

done_testing
