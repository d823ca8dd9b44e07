#!/bin/bash
# The sampler on a multi-threaded fixture: every thread is in the profile
# and in vigil dump, a thread started mid-profile appears (the signal that
# starts it goes through the tracer to the target), and the target
# exiting mid-profile ends the profile cleanly with what was collected.

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

# --- a thread started mid-profile ------------------------------------------
"$VIGIL" profile "$P" --duration 4 --format speedscope \
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
"$VIGIL" profile "$P" --format folded -o "$TMP/exit.folded" 2>"$TMP/err" &
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

done_testing
