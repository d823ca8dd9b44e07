#!/bin/bash
# Hysteresis on a real process: a fixture whose resident size wobbles
# around the rule's threshold (N - 2 and N + 4 MiB, every half second)
# raises one alarm, not a stream; freeing its memory then resolves it once.
. "$SRCDIR/tests/e2e/lib.sh"
need python3

out=$TMP/out
start_fixture wob "$FIXTURES/alarmer" wobble 100 t$$
wait_for 5 exec_done "$wob" alarmer

"$VIGIL" --batch -d 5 -n 400 --format json -p "$wob" \
    --alarm "wob: proc.rss > 100M where cmdline ~ /[a]larmer wobble 100 t$$/" \
    > "$out" 2> "$TMP/err" &
vpid=$!
FIXTURE_PIDS="$FIXTURE_PIDS $vpid"

count() { json_q "$out" "len([a for x in snaps for a in x['alarms'] if a['rule'] == 'wob' and a['event'] == '$1'])"; }
snaps_ge() { [ "$(wc -l < "$out")" -ge "$1" ]; }
# The fixture's RSS in MiB, snapshot by snapshot.
rss_rx="[p['rss_kb'] / 1024.0 for x in snaps for p in x['processes'] if p['pid'] == $wob]"

check "the rule fires" wait_for 20 json_q "$out" \
    "any(a['rule'] == 'wob' for x in snaps for a in x['alarms'])"
start=$(wc -l < "$out")
# Thirty more snapshots (15 s, three times the hold time) of wobbling.
check "vigil keeps writing snapshots" wait_for 60 snaps_ge $((start + 30))
check "the size went above the threshold" \
    json_q "$out" "max($rss_rx[-30:]) > 100"
check "and below it, many times" \
    json_q "$out" "len([v for v in $rss_rx[-30:] if v <= 100]) >= 5"
diag "RSS (MiB): $(json_q "$out" "[round(v) for v in $rss_rx[-30:]]")"
check "one alarm, not a stream" [ "$(count fired)" = 1 ]
diag "events: $(json_q "$out" "[(a['event'], round(a['value'] / 2**20, 1)) for x in snaps for a in x['alarms']]")"
diag "all RSS (MiB): $(json_q "$out" "[round(v) for v in $rss_rx]")"
check "it never resolved while wobbling" [ "$(count resolved)" = 0 ]

kill -USR1 "$wob"
check "freeing the memory resolves it" wait_for 30 json_q "$out" \
    "any(a['rule'] == 'wob' and a['event'] == 'resolved' for x in snaps for a in x['alarms'])"
check "once" [ "$(count resolved)" = 1 ]
check "and it did not fire again" [ "$(count fired)" = 1 ]
kill "$vpid" 2>/dev/null
wait "$vpid" 2>/dev/null
check "nothing on stderr" [ ! -s "$TMP/err" ]

done_testing
