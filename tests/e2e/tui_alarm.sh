#!/bin/bash
# The alarm banner: a firing alarm shows under the header in its severity's
# colour, with its process, and goes once the alarm resolves; a log rule
# on a missing file is said on the status line; a bad rule stops the
# monitor before it draws, naming the rule.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

start_fixture burn "$FIXTURES/burn" t$$
tui_start 120 30 -- -d 5 \
    --alarm "hot: proc.cpu > 25% where cmdline ~ /[b]urn t$$/ severity crit"
check_screen "the banner names the alarm and its process" \
    wait_screen 15 "^\[crit\] hot: burn \($burn\)"
check_screen "the banner sits between the header and the title row" \
    sh -c "tmux -L '$TUI_SOCKET' capture-pane -p -t '$TUI_T' |
    grep -A1 '^\[crit\] hot' | tail -n 1 | grep -q '^ *PID USER'"
check "the banner is in the critical colour (red)" \
    sh -c "tmux -L '$TUI_SOCKET' capture-pane -e -p -t '$TUI_T' |
    grep '\[crit\] hot' | grep -q '41m'"

kill "$burn"
wait "$burn" 2>/dev/null
check_screen "the banner goes once the alarm resolves" \
    wait_screen_not 20 '\[crit\] hot'
check "q quits with status 0" tui_quit_ok

# A log rule whose file is missing: said on the status line at the start.
tui_start 120 30 -- -d 5 --alarm "late: log ~ /FATAL/ in $TMP/nodir/app.log"
check_screen "the status line names a log rule's missing file" \
    wait_screen 10 "alarm 'late': $TMP/nodir/app.log: not found: waiting"
check "q quits with status 0" tui_quit_ok

"$VIGIL" --alarm "bad: proc.cpu >> 5" < /dev/null > "$TMP/out" 2> "$TMP/err"
status=$?
check "a bad rule stops the monitor with status 2" [ "$status" -eq 2 ]
check "and names the rule" grep -q "^vigil: --alarm 'bad: proc.cpu >> 5'" "$TMP/err"

done_testing
