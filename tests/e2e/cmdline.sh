#!/bin/bash
# One command-line grammar (issue 13): options after operands for every
# subcommand (vigil heap PID -o FILE), "--" and vigil run stopping at its
# command, durations where a time is taken (vigil run --backoff 0.2s..1s),
# a kernel thread refused by name, and refusals by their real cause: a
# target already traced (strace -p) names the tracer; a non-root vigil on
# a root process names the owner.
. "$SRCDIR/tests/e2e/lib.sh"

export XDG_STATE_HOME=$TMP/state
start_fixture fx sleep 300

# --- options after operands ----------------------------------------------

"$VIGIL" heap "$fx" -o "$TMP/snap.json" >"$TMP/h.out" 2>"$TMP/h.err"
rc=$?
diag "$(cat "$TMP/h.err")"
check "vigil heap PID -o FILE: status 0" test "$rc" = 0
check "vigil heap PID -o FILE: the snapshot is in FILE" \
    grep -q "\"pid\":$fx" "$TMP/snap.json"
"$VIGIL" heap -o "$TMP/snap2.json" "$fx" >/dev/null 2>&1
check "vigil heap -o FILE PID: the same" grep -q "\"pid\":$fx" \
    "$TMP/snap2.json"
"$VIGIL" heap "$fx" --bogus >/dev/null 2>"$TMP/u.err"
rc=$?
check "vigil heap PID --bogus: status 2, one message and the hint" \
    eval "[ $rc = 2 ] && grep -q \"^vigil heap: unknown option '--bogus'\$\" '$TMP/u.err' && grep -q \"Try 'vigil heap --help'\" '$TMP/u.err'"
"$VIGIL" profile "$fx" --duration 2x >/dev/null 2>"$TMP/d.err"
rc=$?
check "vigil profile PID --duration 2x: status 2, names the option and text" \
    eval "[ $rc = 2 ] && grep -q \"^vigil profile: --duration: '2x' is not a duration\" '$TMP/d.err'"
"$VIGIL" profile "$fx" --duration 300ms --wall --format folded \
    >"$TMP/p.out" 2>"$TMP/p.err"
rc=$?
diag "$(cat "$TMP/p.err")"
check "vigil profile PID --duration 300ms --wall --format folded: status 0" \
    test "$rc" = 0
check "... and folded stacks of sleep" grep -q '^sleep' "$TMP/p.out"
for c in heap heaptrack profile dump run; do
	"$VIGIL" $c --help >"$TMP/help.$c" 2>&1
	rc=$?
	check "vigil $c --help: status 0, its own usage" \
	    eval "[ $rc = 0 ] && grep -q '^Usage: vigil $c' '$TMP/help.$c'"
done

# --- vigil run: durations, and the command's options its own -------------

"$VIGIL" run --foreground --restart on-failure --max-restarts 2 \
    --backoff 0.2s..1s --log "$TMP/run.log" -- sh -c 'echo run-$0; exit 3' \
    >"$TMP/r.out" 2>"$TMP/r.err"
rc=$?
diag "$(cat "$TMP/r.err")"
check "vigil run --backoff 0.2s..1s is taken" \
    eval "! grep -q 'backoff' '$TMP/r.err'"
check "... the command ran three times (two restarts)" \
    eval "[ \$(grep -c '^run-sh\$' '$TMP/run.log') = 3 ]"
"$VIGIL" run --backoff 2x..1s true >/dev/null 2>"$TMP/b.err"
check "vigil run --backoff 2x..1s: refused, naming the text" \
    grep -q "^vigil run: --backoff: '2x..1s'" "$TMP/b.err"

# --- a kernel thread ----------------------------------------------------

kt=$(awk '{ if (int($9 / 2097152) % 2) { print FILENAME; exit } }' \
    /proc/[0-9]*/stat 2>/dev/null | head -n 1 | cut -d/ -f3)
if [ -n "$kt" ]; then
	name=$(cat "/proc/$kt/comm")
	"$VIGIL" heap "$kt" >"$TMP/k.out" 2>"$TMP/k.err"
	rc=$?
	check "vigil heap $kt (a kernel thread): status 1, nothing printed" \
	    eval "[ $rc = 1 ] && [ ! -s '$TMP/k.out' ]"
	check "... says it is a kernel thread, by name" grep -qF \
	    "PID $kt ($name) is a kernel thread: it has no user memory" \
	    "$TMP/k.err"
	"$VIGIL" dump "$kt" >/dev/null 2>"$TMP/k2.err"
	check "vigil dump $kt: says it is a kernel thread" grep -qF \
	    "PID $kt ($name) is a kernel thread" "$TMP/k2.err"
else
	skip "no kernel thread visible in /proc (a container)"
fi

# --- refusals by their real cause -----------------------------------------

if [ "$(id -u)" = 0 ] && command -v strace >/dev/null 2>&1; then
	start_fixture tr strace -q -o /dev/null -p "$fx"
	wait_for 10 eval "grep -q \"^TracerPid:[[:space:]]*$tr\$\" /proc/$fx/status"
	"$VIGIL" dump "$fx" >/dev/null 2>"$TMP/t.err"
	rc=$?
	diag "$(cat "$TMP/t.err")"
	check "vigil dump of a process strace traces: status 1, names the tracer" \
	    eval "[ $rc = 1 ] && grep -q 'already traced by process $tr (strace)' '$TMP/t.err'"
	kill "$tr"
	wait "$tr" 2>/dev/null
else
	skip "needs root and strace to trace a fixture first"
fi
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VIGIL" heap "$fx" \
	    >/dev/null 2>"$TMP/n.err"
	rc=$?
	diag "$(cat "$TMP/n.err")"
	check "vigil heap as nobody on a root process: names the owner" \
	    eval "[ $rc = 1 ] && grep -q 'it belongs to user root; run vigil as root' '$TMP/n.err'"
else
	skip "needs root and setpriv to run vigil as another user"
fi

done_testing
