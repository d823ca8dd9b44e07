#!/bin/bash
# A process that exits is absent from the next snapshot; one that starts
# appears in the next.
. "$SRCDIR/tests/e2e/lib.sh"
need python3

start_fixture victim sleep 1000
wait_for 5 exec_done "$victim" 'sleep 1000'

out=$TMP/out
"$VIGIL" --batch -n 40 -d 2 --format json > "$out" &
vpid=$!
FIXTURE_PIDS="$FIXTURE_PIDS $vpid"
lines() { wc -l < "$out"; }
wait_for 10 sh -c "[ \$(wc -l < '$out') -ge 1 ]"
check "the running fixture is in the first snapshot" \
    json_q "$out" "proc($victim) is not None"

kill "$victim"
wait "$victim" 2>/dev/null
gone_at=$(lines)
start_fixture newcomer sleep 1001
wait_for 5 exec_done "$newcomer" 'sleep 1001'
born_at=$(lines)
wait_for 10 sh -c "[ \$(wc -l < '$out') -ge $((born_at + 2)) ]"
kill "$vpid" 2>/dev/null
wait "$vpid" 2>/dev/null

check "the fixture is absent from every snapshot after it exited" \
    json_q "$out" "all(proc($victim, x) is None for x in snaps[$gone_at + 1:])"
check "a new process appears in the snapshots after it started" \
    json_q "$out" "all(proc($newcomer, x) is not None for x in snaps[$born_at + 1:])"
check "the new process's command line is read" \
    json_q "$out" "proc($newcomer)['cmdline'] == 'sleep 1001'"

done_testing
