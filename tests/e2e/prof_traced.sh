#!/bin/bash
# A target that another tracer holds: with a real strace attached to the
# process, or to one of its threads only, vigil profile and vigil dump say
# in one line which process traces it, exit with status 1, and leave
# strace's hold alone.

. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"

need strace

start_fixture P "$FIXTURES/waiters" idle
wait_for 5 exec_done "$P" waiters
wait_for 5 test "$(ls /proc/"$P"/task | wc -l)" -ge 5

tracer_of() { sed -n 's/^TracerPid:[[:space:]]*//p' "$1"; }
attached() { [ "$(tracer_of "$1")" = "$2" ]; }

# strace -p on TID (the leader: the process), until it holds it.
try_traced()	# TID WHAT
{
	local tid=$1 what=$2 s cmd
	strace -p "$tid" -o /dev/null 2>/dev/null &
	s=$!
	FIXTURE_PIDS="$FIXTURE_PIDS $s"
	check "strace holds $what" \
	    wait_for 10 attached /proc/"$P"/task/"$tid"/status "$s"
	for cmd in "profile $P --method ptrace --duration 1" "dump $P"; do
		# shellcheck disable=SC2086
		"$VIGIL" $cmd >"$TMP/out" 2>"$TMP/err"
		rc=$?
		diag "$(cat "$TMP/err")"
		check "vigil ${cmd%% *}, $what traced: status 1" test "$rc" = 1
		check "vigil ${cmd%% *}, $what traced: one line" \
		    test "$(wc -l <"$TMP/err")" = 1
		check "vigil ${cmd%% *}, $what traced: names strace's PID" \
		    grep -q "already traced by process $s (strace)" "$TMP/err"
		check "vigil ${cmd%% *}, $what traced: nothing on stdout" \
		    test ! -s "$TMP/out"
	done
	check "strace still holds $what" \
	    attached /proc/"$P"/task/"$tid"/status "$s"
	kill "$s"
	wait "$s" 2>/dev/null
	check "strace let go of $what" \
	    wait_for 10 attached /proc/"$P"/task/"$tid"/status 0
}

try_traced "$P" "the process"
check "the message names the process" \
    grep -q "^vigil dump: process $P is already traced" "$TMP/err"

tid=$(grep -lx waiter /proc/"$P"/task/*/comm | head -n 1 | cut -d / -f 5)
try_traced "$tid" "one thread"
check "the message names the thread" \
    grep -q "^vigil dump: thread $tid of process $P is already traced" "$TMP/err"

# With strace gone, vigil traces it as usual.
"$VIGIL" dump "$P" >"$TMP/out" 2>"$TMP/err"
check "after strace, vigil dump works" test $? = 0
check "and releases the target" released "$P"

done_testing
