#!/bin/bash
# The log pane through real logrotate runs: a writer appends numbered
# lines to a --log file, logrotate rotates it once by rename + create
# (with vigil stopped, so it wakes up behind) and once by copytruncate.
# The pane, full screen in a window taller than the log, must show every
# line once, in order.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

N=200
WRITER_DELAY=0.01
log=$TMP/app.log
: > "$log"
. "$SRCDIR/tests/e2e/rotate_lib.sh"

# The selected process has no log files of its own.
start_fixture idle sleep 1000 > /dev/null 2>&1

# The lines the pane shows, in screen order.
shown() { tui_screen | sed -n 's/^\[app\.log\] \(line [0-9]*\) *$/\1/p'; }
at_least() { [ "$(shown | wc -l)" -ge "$1" ]; }

check_screen "vigil starts with --log" \
    tui_start 90 $((N + 12)) -- --log "$log" -p "$idle" -d 10
tui_keys l
check_screen "l opens the pane on the --log file" \
    wait_screen 10 "^ Logs of sleep \\($idle\\): app\\.log"
tui_keys z
check_screen "z makes it full screen" wait_screen 10 "^ Logs of sleep"
check_screen "full screen, the header is gone" \
    wait_for 10 eval '! screen_has "Load average"'

start_fixture writer_pid writer
check_screen "lines arrive in the pane" wait_for 30 at_least 60

# vigil sleeps through the rename: it must finish the old file first.
kill -STOP "$TUI_PID"
check "the writer was paused for the create rotation" pause_writer
check "logrotate rotated by rename and create" rotate create
check "the old log was renamed" test -s "$log.1"
resume_writer
sleep 0.3
kill -CONT "$TUI_PID"

check_screen "the pane keeps up after the rename" \
    wait_for 30 at_least 130
check "the writer was paused for the copytruncate rotation" pause_writer
check_screen "the pane showed every line before the truncation" \
    wait_for 20 at_least "$written"
check "logrotate rotated by copytruncate" rotate copytruncate
check "the log was truncated" test ! -s "$log"
resume_writer

check "the writer finished" wait_for 60 test -e "$TMP/written"
check_screen "the pane shows all $N lines" wait_for 20 at_least "$N"
seq -f "line %g" 1 "$N" > "$TMP/want"
shown > "$TMP/got"
check "lines 1..$N shown once each, in order" cmp -s "$TMP/want" "$TMP/got"
if ! cmp -s "$TMP/want" "$TMP/got"; then
	diag "$(diff "$TMP/want" "$TMP/got" | head -20)"
fi
check "vigil quits cleanly" tui_quit_ok

done_testing
