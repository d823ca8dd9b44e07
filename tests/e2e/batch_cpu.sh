#!/bin/bash
# A CPU burner shows about one core; an idle process shows almost nothing.
. "$SRCDIR/tests/e2e/lib.sh"
need python3

start_fixture burn "$FIXTURES/burn"
start_fixture idle sleep 1000
wait_for 5 exec_done "$idle" 'sleep 1000'

out=$TMP/out
"$VIGIL" --batch -n 2 -d 10 --format json -p "$burn,$idle" > "$out"
cpu_burn=$(json_q "$out" "proc($burn)['cpu_pct']")
cpu_idle=$(json_q "$out" "proc($idle)['cpu_pct']")
diag "burner: $cpu_burn%, idle: $cpu_idle%"
check "the burner shows 80-120% CPU" json_q "$out" \
    "80 <= proc($burn)['cpu_pct'] <= 120"
# The figure is the CPU time the burner used over the interval, whatever
# else the machine is doing.
check "CPU% equals the CPU time used between snapshots" json_q "$out" \
    "abs(proc($burn)['cpu_pct'] - 100 * (proc($burn, snaps[1])['time_s'] - proc($burn, snaps[0])['time_s']) / (snaps[1]['time'] - snaps[0]['time'])) < 10"
check "the idle process shows under 5% CPU" json_q "$out" \
    "proc($idle)['cpu_pct'] < 5"
check "the burner's state is R" json_q "$out" "proc($burn)['state'] == 'R'"
check "the burner's TIME+ grows" json_q "$out" \
    "proc($burn, snaps[1])['time_s'] > proc($burn, snaps[0])['time_s']"

done_testing
