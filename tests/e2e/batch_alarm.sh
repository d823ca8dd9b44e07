#!/bin/bash
# --alarm in batch mode: a CPU rule fires on the burner and resolves after
# it stops, a log rule fires on a matching line, proc.missing fires when
# its process is gone, and a bad rule is an error naming where it is.
. "$SRCDIR/tests/e2e/lib.sh"
need python3

out=$TMP/out
err=$TMP/err
log=$TMP/app.log
: > "$log"

start_fixture burn "$FIXTURES/burn" t$$
start_fixture svc bash -c "exec -a alarmsvc$$ sleep 1000"
wait_for 5 exec_done "$svc" "alarmsvc$$"

# Rules whose patterns do not match vigil's own command line: [b]urn.
"$VIGIL" --batch -d 5 -n 40 --format json -p "$burn" \
    --alarm "hot: proc.cpu > 25% where cmdline ~ /[b]urn t$$/ severity crit" \
    --alarm "panic: log ~ /FATAL|Traceback/ in $log" \
    --alarm "gone: proc.missing where cmdline ~ /[a]larmsvc$$/" \
    > "$out" 2> "$err" &
vpid=$!
FIXTURE_PIDS="$FIXTURE_PIDS $vpid"
lines() { wc -l < "$out"; }
events() { json_q "$out" "[(a['event'], a['rule']) for x in snaps for a in x['alarms']]"; }

wait_for 15 json_q "$out" "any(a['rule'] == 'hot' and a['event'] == 'fired' for x in snaps for a in x['alarms'])"
check "the CPU rule fires on the burner" json_q "$out" \
    "[a for x in snaps for a in x['alarms'] if a['rule'] == 'hot'][0]['pid'] == $burn"
check "with its severity" json_q "$out" \
    "[a for x in snaps for a in x['alarms'] if a['rule'] == 'hot'][0]['severity'] == 'crit'"
check "and counts as firing" json_q "$out" "s['alarms_firing'] >= 1"

echo "all is well" >> "$log"
echo "worker 3: FATAL: out of cheese" >> "$log"
wait_for 15 json_q "$out" "any(a['rule'] == 'panic' for x in snaps for a in x['alarms'])"
check "the log rule fires on a matching line" json_q "$out" \
    "[a for x in snaps for a in x['alarms'] if a['rule'] == 'panic'][0]['what'] == '$log'"

kill "$svc"
wait "$svc" 2>/dev/null
wait_for 15 json_q "$out" "any(a['rule'] == 'gone' for x in snaps for a in x['alarms'])"
check "proc.missing fires when its process is gone" json_q "$out" \
    "[a['event'] for x in snaps for a in x['alarms'] if a['rule'] == 'gone'] == ['fired']"

kill "$burn"
wait "$burn" 2>/dev/null
wait_for 20 json_q "$out" "any(a['rule'] == 'hot' and a['event'] == 'resolved' for x in snaps for a in x['alarms'])"
check "the CPU rule resolves when the burner is gone" json_q "$out" \
    "[a['event'] for x in snaps for a in x['alarms'] if a['rule'] == 'hot'] == ['fired', 'resolved']"
kill "$vpid" 2>/dev/null
wait "$vpid" 2>/dev/null
diag "events: $(events)"
check "nothing on stderr" [ ! -s "$err" ]

"$VIGIL" --batch -n 1 --alarm "ok: sys.swap > 50%" \
    --alarm "bad: proc.cpus > 5" > "$out" 2> "$err"
status=$?
check "a bad rule exits with status 2" [ "$status" -eq 2 ]
check "a bad rule is named, with the column of the problem" \
    grep -q "^vigil: --alarm 'bad: proc.cpus > 5': unknown metric 'proc.cpus' (column 6)" "$err"

# A log rule on a file that is not there yet: said once, then followed
# when the file appears (a service that has not started yet).
late=$TMP/later/app.log
"$VIGIL" --batch -d 5 -n 60 --format json \
    --alarm "late: log ~ /FATAL/ in $late" > "$out" 2> "$err" &
vpid=$!
FIXTURE_PIDS="$FIXTURE_PIDS $vpid"
wait_for 10 grep -q "alarm 'late'" "$err"
check "a log rule's missing file is named with the rule" \
    grep -qx "vigil: alarm 'late': $late: not found: waiting for it to appear" "$err"
check "and the rule is kept: vigil runs on" kill -0 "$vpid"
mkdir -p "$TMP/later"
echo "boot" > "$late"
wait_for 10 sh -c "[ \$(wc -l < '$out') -ge 2 ]"
echo "FATAL: late one" >> "$late"
wait_for 15 json_q "$out" "any(a['rule'] == 'late' for x in snaps for a in x['alarms'])"
check "the rule fires once the file has appeared" json_q "$out" \
    "[a for x in snaps for a in x['alarms'] if a['rule'] == 'late'][0]['what'] == '$late'"
kill "$vpid" 2>/dev/null
wait "$vpid" 2>/dev/null
check "the warning is said once" [ "$(grep -c "alarm 'late'" "$err")" -eq 1 ]

"$VIGIL" --batch -n 1 -d 1 > "$out"
check "text mode without rules prints no alarm lines" \
    sh -c "! grep -q '^ALARM' '$out'"

done_testing
