#!/bin/bash
# The alarm list (!): firing alarms are listed with rule, process and
# value; acknowledging one takes it off the banner (it stays listed, and
# its row mark stays); silencing one for 15 minutes takes it off the banner
# and off its row; a resolved alarm stays listed as resolved. Each event
# is a JSON line in $XDG_STATE_HOME/vigil/alarms.jsonl. A history file that
# cannot be written is told once and the monitor goes on.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"
need python3

A=$FIXTURES/alarmer
hist=$TMP/state/vigil/alarms.jsonl
start_fixture fa "$A" rss 48 t$$
start_fixture fb "$A" rss 40 t$$
start_fixture fi "$A" idle 0 t$$
for p in $fa $fb $fi; do
	wait_for 5 exec_done "$p" alarmer
done
wait_for 10 sh -c "[ \$(awk '/VmRSS/ { print \$2 }' /proc/$fa/status) -gt 45000 ]"
wait_for 10 sh -c "[ \$(awk '/VmRSS/ { print \$2 }' /proc/$fb/status) -gt 37000 ]"

tui_start 120 30 -- -d 5 -s pid:asc -p "$fa,$fb,$fi" \
    --alarm "big-a: proc.rss > 32M where cmdline ~ /[a]larmer rss 48 t$$/ severity crit" \
    --alarm "big-b: proc.rss > 32M where cmdline ~ /[a]larmer rss 40 t$$/"
check_screen "the banner shows both alarms" \
    wait_screen 15 "^2 alarms: \[crit\] big-a: alarmer \($fa\); \[warn\] big-b: alarmer \($fb\)"
tui_keys End
# The first character of a row carries the PID's colour: red, yellow.
row_bg() { tui_attr_lines | awk -F '\t' -v pid="$1" '{ split($2, f, " ") } f[1] == pid { print $1; exit }'; }
row_bg_is() { [ "$(row_bg "$1")" = "$2" ]; }
check "End selects the idle process (cyan)" wait_for 10 row_bg_is "$fi" 46:0
check "the crit row's PID is marked red" wait_for 10 row_bg_is "$fa" 41:0
check "the warn row's PID is marked yellow" wait_for 10 row_bg_is "$fb" 43:0

tui_keys '!'
check_screen "! opens the alarm list" wait_screen 10 '^Alarms: 2 firing, 0 resolved'
check_screen "each alarm is listed with its rule, value and process" \
    screen_has "^crit +FIRING +[0-9:]+ +big-a +[0-9]+\.[0-9]M +alarmer \($fa\)"
check_screen "the warn one too" \
    screen_has "^warn +FIRING +[0-9:]+ +big-b +[0-9]+\.[0-9]M +alarmer \($fb\)"
# The first row is selected; act on the first row, then the second.
first=$(tui_screen | sed -n 3p | awk '{ print $4 }')
second=$(tui_screen | sed -n 4p | awk '{ print $4 }')
diag "first row: $first, second row: $second"
if [ "$first" = big-a ]; then fpid=$fa spid=$fb sbg=43:0 fbg=41:0; else fpid=$fb spid=$fa sbg=41:0 fbg=43:0; fi

tui_keys a
check_screen "a acknowledges the selected alarm; it stays listed" \
    wait_screen 10 "acknowledged +[0-9:]+ +$first "
tui_keys Escape
check_screen "Esc closes the list" wait_screen 10 'F1Help'
check_screen "the acknowledged alarm leaves the banner" \
    wait_screen 10 "^\[(crit|warn)\] $second: alarmer \($spid\)"
banner_lacks() { ! tui_screen | grep -q "^\[.*$1: "; }
check_screen "the acknowledged one is not in it" banner_lacks "$first"
check "the acknowledged alarm still marks its row" wait_for 10 row_bg_is "$fpid" "$fbg"

tui_keys '!'
check_screen "the list opens again" wait_screen 10 '^Alarms: 2 firing'
tui_keys Down s
check_screen "s asks for how long" wait_screen 10 'Silence for:'
check_screen "with 15 minutes, 1 hour, 4 hours and 1 day" \
    sh -c "tmux -L '$TUI_SOCKET' capture-pane -p -t '$TUI_T' | grep -q '1 day'"
tui_keys Enter
check_screen "the second alarm is silenced for 15 minutes" \
    wait_screen 10 "silenced 15m +[0-9:]+ +$second "
tui_keys q
check_screen "q closes the list" wait_screen 10 'F1Help'
check_screen "no banner is left" wait_screen_not 10 '^(\[(crit|warn)\]|[0-9]+ alarms:) '
check "the silenced alarm no longer marks its row" wait_for 10 row_bg_is "$spid" "-:0"
check "the acknowledged one still does" row_bg_is "$fpid" "$fbg"

# The acknowledged alarm's condition ends: it resolves, and stays listed.
kill -USR1 "$fpid"
tui_keys '!'
check_screen "a resolved alarm stays in the list" \
    wait_screen 30 "^(crit|warn) +resolved +[0-9:]+-[0-9:]+ +$first "
check_screen "the header counts it" screen_has '^Alarms: 1 firing, 1 resolved'
tui_keys Escape
check "q quits with status 0" tui_quit_ok

# The history: one JSON object a line, each event with its times.
cat > "$TMP/hist.py" <<'PY'
import json, re, sys
path, first, second, fpid, spid = sys.argv[1:6]
lines = [json.loads(l) for l in open(path, encoding="utf-8")]
ev = [(x["event"], x["rule"]) for x in lines]
iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ok = True
def want(cond, what):
    global ok
    if not cond:
        print("# history:", what); ok = False
want(("fired", "big-a") in ev and ("fired", "big-b") in ev, "both fired")
want(("acknowledged", first) in ev, "acknowledged " + first)
want(("silenced", second) in ev, "silenced " + second)
want(("resolved", first) in ev, "resolved " + first)
want(ev.index(("fired", first)) < ev.index(("acknowledged", first))
     < ev.index(("resolved", first)), "in order")
for x in lines:
    want(iso.match(x["time"]) is not None, "ISO time " + x["time"])
    want(isinstance(x["epoch"], (int, float)) and x["epoch"] > 1.6e9, "epoch")
    want(x["severity"] in ("warn", "crit"), "severity")
    want("value" in x and "what" in x and "start" in x, "value, what, start")
    want(x["pid"] == int(fpid if x["rule"] == first else spid), "pid")
s = [x for x in lines if x["event"] == "silenced"][0]
want(abs(s["until_epoch"] - s["epoch"] - 900) < 2, "silenced for 900 s")
want(iso.match(s["until"]) is not None, "until")
sys.exit(0 if ok else 1)
PY
check "the history file exists" test -s "$hist"
check "its lines are the events, as JSON" python3 "$TMP/hist.py" "$hist" \
    "$first" "$second" "$fpid" "$spid"
diag "$(cat "$hist")"
check "the history directory is private" \
    [ "$(stat -c %a "$TMP/state/vigil")" = 700 ]
check "the history file too" [ "$(stat -c %a "$hist")" = 600 ]

# A state "directory" that is a file: told once, and vigil goes on.
: > "$TMP/notadir"
start_fixture fc "$A" rss 36 t$$
wait_for 5 exec_done "$fc" alarmer
wait_for 10 sh -c "[ \$(awk '/VmRSS/ { print \$2 }' /proc/$fc/status) -gt 34000 ]"
tui_start 120 30 XDG_STATE_HOME="$TMP/notadir" -- -d 5 -p "$fc" \
    --alarm "big-c: proc.rss > 32M where cmdline ~ /[a]larmer rss 36 t$$/"
check_screen "the alarm fires" wait_screen 15 '^\[warn\] big-c'
check "the write failure is told" \
    wait_for 10 tui_raw_has "alarm history $TMP/notadir/vigil/alarms.jsonl: Not a directory"
tui_wait_tick
check "q quits with status 0" tui_quit_ok

done_testing
