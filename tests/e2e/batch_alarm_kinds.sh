#!/bin/bash
# Every kind of alarm fires on a fixture and, for the process and log
# kinds, resolves after its condition ends while the process lives on:
# proc.cpu, proc.rss, proc.rss_growth, proc.threads, proc.fds, proc.state,
# proc.missing and a log match. The system metrics fire on thresholds set
# from the values read just before. The rules come from the configuration
# file and from --alarm together.
. "$SRCDIR/tests/e2e/lib.sh"
need python3

out=$TMP/out
err=$TMP/err
log=$TMP/app.log
rc=$XDG_CONFIG_HOME/vigil/vigilrc
A=$FIXTURES/alarmer
: > "$log"
mkdir -p "$XDG_CONFIG_HOME/vigil"

# Each fixture's command line ends with this test's tag ($$), so that the
# rules match no fixture of a test running beside this one.
T=t$$
start_fixture cpu "$A" cpu 0 $T
start_fixture rss "$A" rss 96 $T
start_fixture grow "$A" grow 4 $T
start_fixture thr "$A" threads 40 $T
start_fixture fds "$A" fds 300 $T
start_fixture idle "$A" idle 0 $T
start_fixture svc "$A" idle 1 $T
for p in $cpu $rss $grow $thr $fds $idle $svc; do
	wait_for 5 exec_done "$p" alarmer
done
wait_for 10 sh -c "[ \$(awk '/VmRSS/ { print \$2 }' /proc/$rss/status) -gt 90000 ]"

# The system's figures now, for thresholds that hold.
"$VIGIL" --batch -n 1 -d 5 --format json -p $$ > "$TMP/sys"
memhalf=$(json_q "$TMP/sys" "round(s['mem']['used_kb'] * 50.0 / s['mem']['total_kb'], 2)")
psi=$(json_q "$TMP/sys" "'yes' if s['psi'] else 'no'")
diag "half of the memory in use: $memhalf%; PSI: $psi"

# [a]larmer: the patterns do not match vigil's own command line. The CPU
# threshold is low enough for a busy machine (an idle process shows 0%).
cat > "$rc" <<RC
# every kind, one per line
alarm cpu:     proc.cpu > 25% where cmdline ~ /[a]larmer cpu 0 $T\$/
alarm rss:     proc.rss > 64M where cmdline ~ /[a]larmer rss 96 $T\$/ severity crit
alarm grow:    proc.rss_growth > 8M/s where cmdline ~ /[a]larmer grow 4 $T\$/
alarm threads: proc.threads > 20 where cmdline ~ /[a]larmer threads 40 $T\$/
alarm fds:     proc.fds > 200 where cmdline ~ /[a]larmer fds 300 $T\$/
alarm stopped: proc.state = T where cmdline ~ /[a]larmer idle 0 $T\$/
alarm gone:    proc.missing where cmdline ~ /[a]larmer idle 1 $T\$/ severity info
alarm = panic: log ~ /FATAL|Traceback/ in $log quiet 3s
alarm smem:    sys.mem > $memhalf%
alarm sload:   sys.load1 >= 0
alarm sswap:   sys.swap >= 0%
RC
psi_rules=()
if [ "$psi" = yes ]; then
	psi_rules=(--alarm "pcpu: sys.psi.cpu >= 0%"
	    --alarm "pmem: sys.psi.memory >= 0%" --alarm "pio: sys.psi.io >= 0%")
fi

kill -STOP "$idle"
kill "$svc"
wait "$svc" 2>/dev/null

"$VIGIL" --batch -d 5 -n 600 --format json -p "$cpu" \
    --alarm "scpu: sys.cpu >= 0%" "${psi_rules[@]}" > "$out" 2> "$err" &
vpid=$!
FIXTURE_PIDS="$FIXTURE_PIDS $vpid"

events() { json_q "$out" "[a['event'] for x in snaps for a in x['alarms'] if a['rule'] == '$1']"; }
fired() { json_q "$out" "any(a['rule'] == '$1' and a['event'] == 'fired' for x in snaps for a in x['alarms'])"; }
resolved() { json_q "$out" "any(a['rule'] == '$1' and a['event'] == 'resolved' for x in snaps for a in x['alarms'])"; }
first() { json_q "$out" "[a for x in snaps for a in x['alarms'] if a['rule'] == '$1'][0]$2"; }

echo "worker 3: FATAL: out of cheese" >> "$log"

sysrules="smem sload sswap scpu"
[ "$psi" = yes ] && sysrules="$sysrules pcpu pmem pio"
for r in cpu rss grow threads fds stopped gone panic $sysrules; do
	check "$r fires" wait_for 30 fired "$r"
done
check "proc.cpu names the burner" [ "$(first cpu "['pid']")" = "$cpu" ]
check "proc.rss names its process, in bytes" \
    json_q "$out" "[a for x in snaps for a in x['alarms'] if a['rule'] == 'rss'][0]['value'] > 64 * 2**20"
check "proc.rss_growth names the grower" [ "$(first grow "['pid']")" = "$grow" ]
check "proc.threads counts the threads" \
    json_q "$out" "[a for x in snaps for a in x['alarms'] if a['rule'] == 'threads'][0]['value'] >= 41"
check "proc.fds counts the open files" \
    json_q "$out" "[a for x in snaps for a in x['alarms'] if a['rule'] == 'fds'][0]['value'] >= 300"
check "proc.fds names the process with many files" [ "$(first fds "['pid']")" = "$fds" ]
check "proc.state names the stopped process" [ "$(first stopped "['pid']")" = "$idle" ]
check "the log rule names its file" [ "$(first panic "['what']")" = "$log" ]

# Each condition ends; every process but the missing one stays alive.
kill -USR1 "$cpu" "$rss" "$grow" "$thr" "$fds"
kill -CONT "$idle"
start_fixture svc "$A" idle 1 $T
for r in cpu rss grow threads fds stopped gone panic; do
	check "$r resolves after its condition ends" wait_for 40 resolved "$r"
done
for r in rss grow threads fds stopped gone panic; do
	check "$r: one fired, one resolved" [ "$(events "$r")" = "['fired', 'resolved']" ]
done
# A burner's share of a machine under heavy load can fall and stay below
# the band for longer than the hold time: then the alarm resolves and
# fires again, rightly. It must still alternate and end resolved.
check "cpu: fired and resolved in turn, ending resolved" json_q "$out" \
    "(lambda e: len(e) >= 2 and len(e) % 2 == 0 and all(x == ('fired', 'resolved')[i % 2] for i, x in enumerate(e)))([a['event'] for x in snaps for a in x['alarms'] if a['rule'] == 'cpu'])"
diag "cpu events: $(events cpu)"
check "the fixtures are still alive" kill -0 "$cpu" "$rss" "$grow" "$thr" "$fds" "$idle" "$svc"
kill "$vpid" 2>/dev/null
wait "$vpid" 2>/dev/null
check "nothing on stderr" [ ! -s "$err" ]
diag "stderr: $(cat "$err")"
check "batch mode writes no alarm history" [ ! -e "$XDG_STATE_HOME/vigil/alarms.jsonl" ]

done_testing
