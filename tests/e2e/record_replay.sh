#!/bin/bash
# vigil record against fixture processes (a burner, a leaker, a process
# that exits), then vigil --batch --replay: the JSON of live batch mode,
# the exited processes, --from/--to; a SIGKILL of the recorder mid-run and
# damage done by hand leave a store that still reads.
. "$SRCDIR/tests/e2e/lib.sh"
need python3

store=$TMP/rec
mkdir -p "$XDG_CONFIG_HOME/vigil"
start_fixture burn "$FIXTURES/burn"
start_fixture grow "$FIXTURES/grow" 8 512
start_fixture brief sleep 4
wait_for 5 exec_done "$burn" burn
wait_for 5 exec_done "$grow" grow
wait_for 5 exec_done "$brief" 'sleep 4'

# The recorder's own rule (the config file's rules apply too).
printf 'alarm fat: proc.rss > 1 where comm ~ /^grow$/ severity info\n' \
    > "$XDG_CONFIG_HOME/vigil/vigilrc"
start_fixture rec "$VIGIL" record --foreground --interval 1s --dir "$store" \
    --alarm "hot: proc.cpu > 50% for 2s where comm ~ /^burn\$/ severity crit"
# Live batch output, taken at the same time, to compare with the replay.
live=$TMP/live
"$VIGIL" --batch -d 1s -n 8 --format json -p "$burn,$grow" > "$live" &
livepid=$!
FIXTURE_PIDS="$FIXTURE_PIDS $livepid"

out=$TMP/out
frames() {
	"$VIGIL" --batch --replay "$store" --format json > "$out" 2>"$TMP/err" &&
	    [ "$(wc -l < "$out")" -ge "$1" ]
}
check "the recorder's frames replay (8 or more within 30 s)" \
    wait_for 30 frames 8
check "the recorder runs the whole time" kill -0 "$rec"
wait "$livepid"

check "every replayed frame is JSON with the live keys" python3 - \
    "$out" "$live" <<'PY'
import json, sys
rep = [json.loads(l) for l in open(sys.argv[1])]
live = [json.loads(l) for l in open(sys.argv[2])]
lk, rk = set(live[0]), set(rep[0])
assert rk - lk == {"exited", "exits_complete"}, rk ^ lk
assert lk <= rk
pl, pr = set(live[0]["processes"][0]), set(rep[0]["processes"][0])
assert pl == pr, pl ^ pr
PY
check "the burner is above the leaker in the CPU order" json_q "$out" "
[p['pid'] for p in s['processes'] if p['pid'] in ($burn, $grow)] ==
    [$burn, $grow] and proc($burn)['cpu_pct'] > proc($grow)['cpu_pct']"
check "replay agrees with live batch on the burner's CPU (within 25 points)" \
    python3 - "$out" "$live" "$burn" <<'PY'
import json, sys
pid = int(sys.argv[3])
def cpu(f):
    v = [p["cpu_pct"] for l in open(f) for p in json.loads(l)["processes"]
        if p["pid"] == pid]
    return sum(v[1:]) / len(v[1:])
r, l = cpu(sys.argv[1]), cpu(sys.argv[2])
print("# replay %.1f live %.1f" % (r, l))
assert abs(r - l) < 25
PY
check "the leaker's RSS grows frame after frame" json_q "$out" "
(lambda r: r[-1] - r[0] >= 8 * 1024 * (len(r) - 2) * 0.7 and
    all(a <= b for a, b in zip(r, r[1:])))(
    [proc($grow, x)['rss_kb'] for x in snaps if proc($grow, x)])"
check "the frames are a second apart in time order" json_q "$out" "
all(0.5 < b['time'] - a['time'] < 2.5 for a, b in zip(snaps, snaps[1:]))"
check "the process that exited is in one frame's exited array" json_q "$out" "
[e for x in snaps for e in x['exited'] if e['pid'] == $brief and
    e['cmdline'] == 'sleep 4' and e['comm'] == 'sleep' and
    1 <= e['run_s'] <= 4.5 and e['cpu_s'] < 1 and
    abs(e['start_time'] - proc($brief, snaps[0])['start_time']) < 0.5]
    != []"
check "and not in the frames after it left" json_q "$out" "
sum(1 for x in snaps for e in x['exited'] if e['pid'] == $brief) == 1 and
all(proc($brief, x) is None for x in snaps[[i for i, x in
    enumerate(snaps) if any(e['pid'] == $brief for e in x['exited'])][0]:])"
if [ "$(id -u)" -eq 0 ]; then
	check "as root (the proc connector) every exit is known" \
	    json_q "$out" "all(x['exits_complete'] is True for x in snaps)"
	check "with its exit code (sleep: 0)" json_q "$out" "
[e['exit_code'] for x in snaps for e in x['exited'] if e['pid'] == $brief]
    == [0]"
	# A fork storm: 500 subshells of 50 ms, each exiting with 7.
	start_fixture storm bash -c \
	    'for i in $(seq 1 500); do (sleep 0.05; exit 7) & done; wait'
	wait "$storm"
	stormed() {
		frames 1 && json_q "$out" "
sum(1 for x in snaps for e in x['exited'] if e['ppid'] == $storm and
    e['exit_code'] == 7) == 500"
	}
	check "a fork storm's 500 short-lived exits are all recorded" \
	    wait_for 30 stormed
	check "each once" json_q "$out" "
len(set(e['pid'] for x in snaps for e in x['exited'] if e['ppid'] ==
    $storm and e['exit_code'] == 7)) == 500"
else
	check "without the proc connector the store says exits may be missed" \
	    json_q "$out" "all(x['exits_complete'] is False for x in snaps)"
fi
check "replay reads without a warning" test ! -s "$TMP/err"

# Alarms as the recorder saw them, whatever rules the replaying side has:
# here one that would fire on every process, and not the recorder's.
printf 'alarm mine: proc.cpu >= 0 severity warn\n' \
    > "$XDG_CONFIG_HOME/vigil/vigilrc"
"$VIGIL" --batch --replay "$store" --format json > "$TMP/al" 2>>"$TMP/err"
check "the recorder's alarm fired on the burner, as it was" \
    json_q "$TMP/al" "
('hot', 'crit', $burn) in [(a['rule'], a['severity'], a['pid']) for x in
    snaps for a in x['alarms'] if a['event'] == 'fired']"
check "the replaying side's own rules are not what is shown" \
    json_q "$TMP/al" "
all(a['rule'] in ('hot', 'fat') for x in snaps for a in x['alarms'])"
"$VIGIL" --batch --replay "$store" > "$TMP/al.txt" 2>>"$TMP/err"
check "text replay says so too" grep -q \
    "^ALARM fired    \[crit\] hot: burn ($burn)" "$TMP/al.txt"
rm -f "$XDG_CONFIG_HOME/vigil/vigilrc"

# --from and --to, absolute and relative.
t2=$(json_q "$out" "'%.3f' % snaps[2]['time']")
t4=$(json_q "$out" "'%.3f' % snaps[4]['time']")
iso() { python3 -c "import datetime,sys; print(datetime.datetime.fromtimestamp(float(sys.argv[1]), datetime.timezone.utc).isoformat())" "$1"; }
"$VIGIL" --batch --replay "$store" --format json --from "$(iso "$t2")" \
    --to "$(iso "$t4")" > "$TMP/window"
check "--from/--to (ISO 8601) print the frames between them" json_q \
    "$TMP/window" "len(snaps) == 3 and '%.3f' % snaps[0]['time'] == '$t2' \
    and '%.3f' % snaps[-1]['time'] == '$t4'"
check "a frame in a window is the frame of the whole replay" python3 - \
    "$TMP/window" "$out" <<'PY'
import json, sys
w = [json.loads(l) for l in open(sys.argv[1])]
a = {json.loads(l)["time"]: json.loads(l) for l in open(sys.argv[2])}
assert w[0] == a[w[0]["time"]]
PY
"$VIGIL" --batch --replay "$store" --format json --from '10m ago' \
    --to now -n 3 > "$TMP/rel"
check "--from '10m ago' --to now -n 3: three frames" json_q "$TMP/rel" \
    "len(snaps) == 3"
"$VIGIL" --batch --replay "$store" --from 'yesterday-ish' 2> "$TMP/bad"
check "a bad --from is refused with status 2" [ $? -eq 2 ]
check "and says what a time looks like" grep -q "is not a time" "$TMP/bad"
"$VIGIL" --batch --replay "$store" -n 1 > "$TMP/text"
check "text replay prints the batch header and table" grep -q \
    '^    PID USER      PRI' "$TMP/text"

# A second recorder on the same store is refused.
"$VIGIL" record --foreground --dir "$store" --count 1 2> "$TMP/second"
check "a second recorder on the store is refused" [ $? -ne 0 ]
check "saying another one writes there" grep -q "another vigil record" \
    "$TMP/second"

# SIGKILL mid-run, then a new recorder: everything before still reads.
kill -KILL "$rec"
wait "$rec" 2>/dev/null
frames 1
before=$(wc -l < "$out")
start_fixture rec2 "$VIGIL" record --foreground --interval 1s --dir "$store"
two_files() { [ "$(ls "$store"/*.vrec | wc -l)" -ge 2 ]; }
check "the restarted recorder writes a file of its own" wait_for 30 two_files
check "after SIGKILL and a restart the store reads on ($before + 3 frames)" \
    wait_for 30 frames $((before + 3))
check "with no warning but for the frame being written" sh -c \
    "! grep -v 'truncated record' '$TMP/err' | grep -q ."
kill -TERM "$rec2"
wait "$rec2"
check "SIGTERM stops the recorder with status 0" [ $? -eq 0 ]

# Damage by hand: a flipped byte, then a cut-off file.
first=$(ls "$store"/*.vrec | head -n 1)
size=$(stat -c %s "$first")
"$VIGIL" --batch --replay "$store" --format json > "$TMP/whole"
total=$(wc -l < "$TMP/whole")
printf '\x55' | dd of="$first" bs=1 seek=$((size / 2)) conv=notrunc \
    status=none
"$VIGIL" --batch --replay "$store" --format json > "$TMP/flip" 2> "$TMP/err"
check "a flipped byte is reported" grep -q "skipped to the next chunk" \
    "$TMP/err"
diag "frames: $total whole, $(wc -l < "$TMP/flip") after the flip"
check "and the rest of the store replays" json_q "$TMP/flip" \
    "0 < len(snaps) < $total"
truncate -s $((size / 3)) "$first"
"$VIGIL" --batch --replay "$store" --format json > "$TMP/cut" 2> "$TMP/err"
check "a truncated file is reported" grep -q "truncated record" "$TMP/err"
mkdir "$TMP/others"
for f in "$store"/*.vrec; do
	[ "$f" = "$first" ] || cp "$f" "$TMP/others/"
done
others=$("$VIGIL" --batch --replay "$TMP/others" --format json | wc -l)
check "and the other files replay ($others frames or more)" json_q \
    "$TMP/cut" "len(snaps) >= $others > 0"

# Detached: the command returns, the daemon records, SIGTERM ends it.
"$VIGIL" record --interval 1s --dir "$TMP/rec2"
check "vigil record without --foreground returns at once, status 0" \
    [ $? -eq 0 ]
check "the detached recorder writes frames" wait_for 20 sh -c \
    "'$VIGIL' --batch --replay '$TMP/rec2' --format json 2>/dev/null |
    [ \$(wc -l) -ge 2 ]"
daemon=$(pgrep -f -- "record --interval 1s --dir $TMP/rec2" | head -n 1)
check "it is found by its command line" [ -n "$daemon" ]
[ -n "$daemon" ] && kill -TERM "$daemon"
check "and ends on SIGTERM" wait_for 10 sh -c "! kill -0 '${daemon:-0}' 2>/dev/null"

done_testing
