#!/bin/bash
# A CPU burner shows about one core; an idle process shows almost nothing.
. "$SRCDIR/tests/e2e/lib.sh"
need python3

start_fixture burn "$FIXTURES/burn"
start_fixture idle sleep 1000
wait_for 5 exec_done "$idle" 'sleep 1000'

# ticks PID: utime + stime of PID, in clock ticks, from the kernel.
ticks()
{
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

out=$TMP/out
t0=$(date +%s.%N) k0=$(ticks "$burn")
"$VIGIL" --batch -n 2 -d 10 --format json -p "$burn,$idle" > "$out"
t1=$(date +%s.%N) k1=$(ticks "$burn")
# What the kernel gave the burner over the same run: a full core on an
# idle machine, less on a busy one, which a test must not assume idle.
share=$(awk -v a="$k0" -v b="$k1" -v s="$t0" -v e="$t1" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.1f", 100 * (b - a) / hz / (e - s) }')
cpu_burn=$(json_q "$out" "proc($burn)['cpu_pct']")
cpu_idle=$(json_q "$out" "proc($idle)['cpu_pct']")
diag "burner: $cpu_burn% (the kernel's count over the run: $share%), idle: $cpu_idle%"
check "the burner shows the CPU share the kernel counted for it (+-20 points), and at least 20%" \
    json_q "$out" "abs(proc($burn)['cpu_pct'] - $share) <= 20 and proc($burn)['cpu_pct'] >= 20"
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
