#!/bin/bash
# The sampler on a multi-threaded fixture: every thread is in the profile
# and in vigil dump, a thread started mid-profile appears (the signal that
# starts it goes through the tracer to the target), and the target
# exiting or running exec mid-profile ends the profile cleanly with what
# was collected.

. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"

need python3

start_fixture P "$FIXTURES/threads"
wait_for 5 exec_done "$P" threads
wait_for 5 test "$(ls /proc/"$P"/task | wc -l)" -ge 3

# --- vigil dump: every thread, with its name and its function ------------
"$VIGIL" dump "$P" >"$TMP/dump" 2>"$TMP/err"
check "vigil dump succeeds" test $? = 0
for t in /proc/"$P"/task/*; do
	tid=${t##*/}
	check "vigil dump has thread $tid" grep -q "^Thread $tid (" "$TMP/dump"
done
check "vigil dump names the thread spin-a and its function" \
    sh -c "grep -A1 '(spin-a):' '$TMP/dump' | grep -q 'spin_a'"
check "vigil dump names the thread spin-b and its function" \
    sh -c "grep -A1 '(spin-b):' '$TMP/dump' | grep -q 'spin_b'"
check "vigil dump: the main thread waits in main()" \
    sh -c "sed -n '/^Thread $P /,/^\$/p' '$TMP/dump' | grep -q ' main '"
check "the target is released after vigil dump" released "$P"

# --- --threads: only the threads asked for ---------------------------------
tid_a=$(grep -lx 'spin-a' /proc/"$P"/task/*/comm | head -n 1 | cut -d / -f 5)
"$VIGIL" profile "$P" --threads "$tid_a" --duration 1 --format folded \
    -o "$TMP/only.folded" 2>"$TMP/err"
check "--threads TID: status 0" test $? = 0
check "--threads TID: that thread's function is there" \
    grep -q ';spin_a ' "$TMP/only.folded"
check "--threads TID: no other thread's" \
    sh -c "! grep -Eq 'spin_b|main' '$TMP/only.folded'"
"$VIGIL" profile "$P" --threads 1 --duration 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "--threads with a TID of another process: status 1, says so" \
    sh -c "test $rc = 1 && grep -q 'not a thread of process $P' '$TMP/err'"
check "... and leaves the target untraced" released "$P"

# --- a sleeping thread is not stopped at every sample ----------------------
# (--wall: the sleeping thread is in the profile, its last stack again)
# Its CPU time does not move, so its last stack counts again: over 2 s at
# 99 Hz it is woken a few times, not about 200.
switches()
{
	awk '/ctxt_switches/ { n += $2 } END { print n }' \
	    /proc/"$P"/task/"$P"/status
}
before=$(switches)
"$VIGIL" profile "$P" --wall --duration 2 --format folded -o "$TMP/sleep.folded" \
    2>"$TMP/err"
after=$(switches)
diag "main thread context switches during 2 s at 99 Hz: $((after - before))"
check "the sleeping main thread was stopped fewer than 30 times" \
    test $((after - before)) -lt 30
check "... yet it has a sample for every one of the others'" python3 - \
    "$TMP/sleep.folded" <<'PY'
import sys
n = {"main": 0, "spin_a": 0}
for line in open(sys.argv[1], encoding="utf-8"):
    stack, c = line.rstrip("\n").rsplit(" ", 1)
    leafish = stack.split(";")
    for k in n:
        if k in leafish:
            n[k] += int(c)
sys.exit(0 if n["main"] > 0 and abs(n["main"] - n["spin_a"]) <= 3 else 1)
PY

# --- a thread started mid-profile ------------------------------------------
"$VIGIL" profile "$P" --wall --duration 4 --format speedscope \
    -o "$TMP/prof.json" 2>"$TMP/err" &
V=$!
wait_for 5 traced "$P"
sleep 1		# let some samples of the first threads in first
kill -USR1 "$P"
wait "$V"
check "vigil profile succeeds" test $? = 0
python3 - "$TMP/prof.json" >"$TMP/names" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
frames = d["shared"]["frames"]
for p in d["profiles"]:
    names = set()
    for s in p.get("samples", []):
        names.update(frames[i]["name"] for i in s)
    print(p["name"], " ".join(sorted(names)))
PY
diag "$(cut -c 1-120 "$TMP/names")"
check "the profile has thread spin-a in spin_a" \
    grep -Eq '^spin-a .*\bspin_a\b' "$TMP/names"
check "the profile has thread spin-b in spin_b" \
    grep -Eq '^spin-b .*\bspin_b\b' "$TMP/names"
check "the profile has the main thread" grep -Eq "^threads \($P\) .*\bmain\b" \
    "$TMP/names"
check "the thread started mid-profile appears, in late_work" \
    grep -Eq '^late .*\blate_work\b' "$TMP/names"
check "the target is released after profiling" released "$P"
check "the target runs on after profiling" runs_on "$P"

# --- the target exits mid-profile ------------------------------------------
"$VIGIL" profile "$P" --method ptrace --format folded -o "$TMP/exit.folded" 2>"$TMP/err" &
V=$!
wait_for 5 traced "$P"
sleep 1
kill -USR2 "$P"		# the fixture returns from main
if wait_for 10 sh -c "! kill -0 $V 2>/dev/null"; then
	ok "vigil profile ends when the target exits"
else
	not_ok "vigil profile ends when the target exits"
	kill -TERM "$V"
fi
wait "$V"
check "... with status 0" test $? = 0
check "... saying the process exited" grep -q "process $P exited" "$TMP/err"
check "... with the samples collected" grep -q 'spin_a' "$TMP/exit.folded"

# --- a process whose main thread has exited ---------------------------------
# Its leader is a zombie that cannot be traced; its threads still run.
start_fixture Z "$FIXTURES/threads" exit-main
wait_for 5 sh -c "sed 's/.*) //' /proc/$Z/stat | grep -q '^Z'"
"$VIGIL" dump "$Z" >"$TMP/zdump" 2>"$TMP/err"
check "zombie leader: vigil dump succeeds" test $? = 0
check "zombie leader: vigil dump names the running threads" \
    sh -c "grep -A1 '(spin-a):' '$TMP/zdump' | grep -q spin_a &&
	grep -A1 '(spin-b):' '$TMP/zdump' | grep -q spin_b"
"$VIGIL" profile "$Z" --duration 1 --format folded -o "$TMP/z.folded" \
    2>"$TMP/err"
check "zombie leader: the profile has the threads' functions" \
    grep -q ';spin_a ' "$TMP/z.folded"
check "zombie leader: its threads are released" released "$Z"

# --- the target runs another program mid-profile -------------------------
start_fixture E sh -c 'sleep 1; exec sleep 60'
# The shell itself is the target here, so not exec_done.
wait_for 5 sh -c "tr '\\0' ' ' < /proc/$E/cmdline | grep -q 'sleep 1'"
"$VIGIL" profile "$E" --method ptrace --format folded -o "$TMP/exec.folded" 2>"$TMP/err" &
V=$!
if wait_for 10 sh -c "! kill -0 $V 2>/dev/null"; then
	ok "vigil profile ends when the target runs exec"
else
	not_ok "vigil profile ends when the target runs exec"
	kill -TERM "$V"
fi
wait "$V"
check "... with status 0" test $? = 0
check "... saying so" grep -q "process $E ran a new program" "$TMP/err"
check "... leaving the new program untraced" released "$E"
check "... and running" exec_done "$E" 'sleep 60'

done_testing
