#!/bin/bash
# The target is never left stopped: after a normal end, after SIGINT,
# SIGTERM and SIGHUP to vigil (the profile is still written), after a
# crash signal in vigil, when the stream's reader goes away, and when vigil
# is SIGKILLed in the middle of a sample (the kernel detaches then). Each
# time no thread is in tracing stop ('t') and the target's CPU time grows.
# Also: a group-stop of the target is the target's (SIGSTOP stops it while
# profiled, SIGCONT resumes it).

. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"

start_fixture P "$FIXTURES/threads"
wait_for 5 exec_done "$P" threads
wait_for 5 test "$(ls /proc/"$P"/task | wc -l)" -ge 3

# --- catchable signals: the profile is written, the target released -------
for sig in INT TERM HUP; do
	"$VIGIL" profile --method ptrace "$P" --rate 999 --format folded -o "$TMP/$sig.folded" \
	    2>"$TMP/err" &
	V=$!
	wait_for 5 traced "$P"
	sleep 0.5
	kill -"$sig" "$V"
	wait "$V"
	rc=$?
	check "SIG$sig: vigil ends with status 0" test "$rc" = 0
	check "SIG$sig: the profile collected so far is written" \
	    grep -q spin_a "$TMP/$sig.folded"
	check "SIG$sig: no thread is left in tracing stop" released "$P"
	check "SIG$sig: the target runs on" runs_on "$P"
done

# --- a crash in vigil: the handler releases before dying ------------------
for sig in SEGV ABRT; do
	"$VIGIL" profile --method ptrace "$P" --rate 999 -o /dev/null 2>"$TMP/err" &
	V=$!
	wait_for 5 traced "$P"
	sleep 0.3
	kill -"$sig" "$V"
	wait "$V"
	rc=$?
	check "SIG$sig: vigil dies of it" test "$rc" -ne 0
	check "SIG$sig: no thread is left in tracing stop" released "$P"
	check "SIG$sig: the target runs on" runs_on "$P"
done

# --- SIGKILL at 999 Hz, many times: some land in the middle of a sample ---
bad=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	"$VIGIL" profile --method ptrace "$P" --rate 999 -o /dev/null 2>/dev/null &
	V=$!
	wait_for 5 traced "$P"
	sleep 0.$((RANDOM % 3 + 1))
	kill -KILL "$V"
	wait "$V" 2>/dev/null
	if ! wait_for 5 released "$P"; then
		bad=$((bad + 1))
		diag "after SIGKILL $i: threads in 't': $(traced_threads "$P")"
	fi
done
check "SIGKILL x10: no thread is ever left in tracing stop" test "$bad" = 0
check "SIGKILL: the target runs on" runs_on "$P"

# --- SIGKILL while threads are certainly in an interrupt stop ----------------
# With 35 spinning threads a sample stops each in turn, so some thread is
# in tracing stop most of the time: kill vigil the moment one is seen.
start_fixture M "$FIXTURES/threads" many
check "the fixture with 35 threads runs" \
    wait_for 5 eval '[ "$(ls /proc/"$M"/task 2>/dev/null | wc -l)" -ge 35 ]'
bad=0
seen=0
for i in 1 2 3 4 5; do
	"$VIGIL" profile --method ptrace "$M" --rate 999 -o /dev/null 2>"$TMP/many.err" &
	V=$!
	if wait_for 10 any_traced "$M"; then
		kill -KILL "$V"
		seen=$((seen + 1))
	else
		kill -KILL "$V"
		# Say why, should it ever happen again.
		diag "no thread of $M seen in 't' (run $i): fixture $(kill -0 "$M" \
		    2>/dev/null && echo alive || echo gone), first target" \
		    "$(kill -0 "$P" 2>/dev/null && echo alive || echo gone)," \
		    "vigil said: $(head -c 300 "$TMP/many.err")"
	fi
	wait "$V" 2>/dev/null
	if ! wait_for 5 released "$M"; then
		bad=$((bad + 1))
		diag "after SIGKILL $i: threads in 't': $(traced_threads "$M")"
	fi
done
check "SIGKILL with threads in interrupt stop (seen $seen of 5 times)" \
    test "$seen" -gt 0
check "... no thread is left in tracing stop" test "$bad" = 0
check "... every thread runs on" runs_on "$M"
kill -KILL "$M"

# --- the stream's reader goes away -------------------------------------------
check "the first target is still there" kill -0 "$P"
"$VIGIL" profile --method ptrace --stream "$P" 2>"$TMP/err" | head -n 1 >"$TMP/stream"
check "--stream: vigil ends when its reader closes the pipe" \
    test "${PIPESTATUS[0]}" = 0
check "--stream: the first line is a snapshot header" \
    grep -Eq '^S [0-9.]+ [0-9]+ 99 [0-9]+ on-cpu ptrace$' "$TMP/stream"
check "--stream: the target is released" released "$P"
check "--stream: the target runs on" runs_on "$P"

# --- the target's own group-stop -----------------------------------------------
"$VIGIL" profile --method ptrace "$P" -o /dev/null 2>"$TMP/err" &
V=$!
wait_for 5 traced "$P"
kill -STOP "$P"
check "SIGSTOP to the profiled target stops every thread" \
    wait_for 5 all_stopped "$P"
before=$(cpu_ticks "$P")
sleep 0.5
check "... and it stays stopped while sampled" all_stopped "$P"
check "... using no CPU" test "$(cpu_ticks "$P")" -le $((before + 1))
kill -CONT "$P"
check "SIGCONT resumes it while profiled" runs_on "$P"
kill -INT "$V"
wait "$V"
check "the target is released" released "$P"
check "the target runs on" runs_on "$P"

done_testing
