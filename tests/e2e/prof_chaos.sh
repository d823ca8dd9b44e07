#!/bin/bash
# Release of traced targets under chaos: `vigil profile` at 999 Hz is
# SIGKILLed at 20 random moments (from its attach to well into sampling)
# on a 4-thread target, on a target that forks children which exec, and on
# one that executes a new program twenty times a second. The kernel
# detaches a dead tracer's tracees as the tracer exits, so as soon as
# vigil is reaped no thread of the target may be in tracing stop ('t') or
# have a tracer; and the target must go on making progress.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"

# Every sample stops threads only with the ptrace sampler: ask for it
# where vigil has others.
METHOD=()
"$VIGIL" profile --help | grep -q -- '--method' && METHOD=(--method ptrace)

# The processes of the tree under PID (PID first).
tree()
{
	local p
	echo "$1"
	for p in $(pgrep -P "$1"); do
		tree "$p"
	done
}

# No thread of PID or of its children is traced.
tree_released()
{
	local p
	for p in $(tree "$1"); do
		[ -d /proc/"$p" ] || continue
		released "$p" || { echo "$p"; return 1; }
	done
	return 0
}

# The count a forker fixture keeps in its command line (third word).
count_of()
{
	tr '\0' ' ' < /proc/"$1"/cmdline 2>/dev/null | awk '{ print $3 + 0 }'
}

count_above()
{
	[ "$(count_of "$1")" -gt "$2" ]
}

# chaos NAME PID: 20 SIGKILLs of vigil profile PID at random moments.
chaos()
{
	local name=$1 pid=$2 i bad=0 V ms left on=0
	for i in $(seq 20); do
		"$VIGIL" profile "${METHOD[@]}" "$pid" --rate 999 -o /dev/null \
		    2>/dev/null &
		V=$!
		ms=$((RANDOM % 400))
		sleep "$(printf '0.%03d' "$ms")"
		grep -q "^TracerPid:[[:space:]]*$V\$" /proc/"$pid"/status \
		    2>/dev/null && on=$((on + 1))
		kill -KILL "$V"
		wait "$V" 2>/dev/null
		if ! left=$(tree_released "$pid"); then
			bad=$((bad + 1))
			diag "$name: after SIGKILL $i at ${ms} ms: $left is" \
			    "traced: $(traced_threads "$left" | tr '\n' ' ')"
		fi
	done
	check "$name: 20 SIGKILLs, and no thread left traced or in 't'" \
	    test "$bad" = 0
	# Else the test proved nothing: some kills must land while tracing.
	check "$name: vigil was tracing at $on of the 20 kills" test "$on" -gt 0
}

# --- a 4-thread target -------------------------------------------------------
start_fixture P "$FIXTURES/threads"
wait_for 5 exec_done "$P" threads
kill -USR1 "$P"	# its fourth thread
check "the target has 4 threads" \
    wait_for 5 eval '[ "$(ls /proc/"$P"/task | wc -l)" -ge 4 ]'
chaos "4 threads" "$P"
check "4 threads: every thread runs on" runs_on "$P"

# --- a target that forks children which exec ------------------------------
start_fixture F "$FIXTURES/forker" fork 00000000000000000000
check "the forking target counts its children" \
    wait_for 5 count_above "$F" 0
chaos "fork and exec" "$F"
n=$(count_of "$F")
check "fork and exec: it goes on starting children" \
    wait_for 5 count_above "$F" "$n"
check "fork and exec: its threads run on" runs_on "$F"

# --- a target that runs a new program twenty times a second -----------------
start_fixture E "$FIXTURES/forker" exec 1
check "the exec'ing target runs new programs" \
    wait_for 5 count_above "$E" 3
chaos "exec loop" "$E"
n=$(count_of "$E")
check "exec loop: it goes on running new programs" \
    wait_for 5 count_above "$E" "$n"

done_testing
