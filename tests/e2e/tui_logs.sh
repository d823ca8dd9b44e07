#!/bin/bash
# The log pane: l shows the log files of the selected process (its stdout
# redirected to a file, found through /proc/PID/fd), newest at the
# bottom; the sources follow the selection unless pinned; PgUp pauses
# following and End resumes it; \ filters and / highlights; z goes full
# screen; a --log file that cannot be opened says why.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

# A writer appends "WORD N" to FILE ten times a second, as its stdout;
# stderr goes nowhere, so the file is its only log.
# (Descriptors the test harness left open are closed first.)
writer='for fd in /proc/$$/fd/*; do fd=${fd##*/}
	[ "$fd" -gt 2 ] && [ "$fd" != 255 ] && eval "exec $fd>&-"; done
    exec >> "$0"; i=0
    while :; do i=$((i + 1)); echo "$1 $i"; sleep 0.1; done'
start_fixture wa bash -c "$writer" "$TMP/alpha.log" alpha 2> /dev/null
start_fixture wb bash -c "$writer" "$TMP/bravo.log" bravo 2> /dev/null
wait_for 10 test -s "$TMP/alpha.log"
wait_for 10 test -s "$TMP/bravo.log"

# The newest number the pane shows for a word.
newest() { tui_screen | sed -n "s/^\\[$1\\.log\\] $1 \\([0-9]*\\) *\$/\\1/p" |
    tail -1; }
grows() { local n; n=$(newest "$1"); [ -n "$n" ] && [ "$n" -gt "${2:-0}" ]; }
pane_lines() { tui_screen | grep -c '^\[[a-z]*\.log\] '; }

check_screen "vigil starts on the two writers" \
    tui_start 110 40 -- -p "$wa,$wb" -s pid:asc -d 5 --log "$TMP/missing.log"
check_screen "the first writer is selected" \
    wait_for 10 tui_selected_is "$wa"
tui_keys l
check_screen "l opens the pane on the selected process's stdout file" \
    wait_screen 10 "^ Logs of bash \\($wa\\):.*alpha\\.log"
check_screen "a --log file that cannot be opened says why" \
    screen_has "missing\\.log \\(not found"
check_screen "its lines are labelled with their file" \
    wait_screen 10 '^\[alpha\.log\] alpha [0-9]+ *$'
check_screen "the other writer's lines are not there" \
    eval '! screen_has "bravo [0-9]"'
n=$(newest alpha)
check_screen "new lines arrive at the bottom" wait_for 10 grows alpha "$n"
check_screen "the bottom line shows the pane's keys" \
    bottom_has 'Tab Table.*l Close'

# Tab gives the keys back to the table: Down moves the selection.
tui_keys Tab Down
check_screen "Tab, Down: the second writer is selected" \
    wait_for 10 tui_selected_is "$wb"
check_screen "the pane follows the selection to its log" \
    wait_screen 10 '^\[bravo\.log\] bravo [0-9]+ *$'
check_screen "the first writer's lines are gone from the pane" \
    eval '! screen_has "^\[alpha\.log\]"'

# Pinned, the sources stay when the selection moves.
tui_keys Tab p
check_screen "p pins the sources" wait_screen 10 "Logs of bash \\($wb\\), pinned"
tui_keys Tab Up
check_screen "the selection moves back to the first writer" \
    wait_for 10 tui_selected_is "$wa"
n=$(newest bravo)
check_screen "pinned, the pane still follows the second writer's log" \
    wait_for 10 grows bravo "$n"
check_screen "and shows nothing of the first" \
    eval '! screen_has "^\[alpha\.log\]"'
tui_keys Tab p
check_screen "p again: the sources follow the selection" \
    wait_screen 10 '^\[alpha\.log\] alpha'

# PgUp pauses; the lines shown stay while the file grows; End follows.
# (With less than a page of log there is nothing to scroll back to.)
check_screen "the log grows past two pages" wait_for 20 grows alpha 30
tui_keys PPage
check_screen "PgUp pauses following" wait_screen 10 'paused, [0-9]+ newer'
n=$(newest alpha)
tui_wait_tick
check_screen "paused, the newest line shown stays" \
    eval '[ "$(newest alpha)" = "$n" ]'
check_screen "the title counts the newer lines" \
    wait_screen 10 'paused, ([2-9]|[0-9]{2,}) newer'
tui_keys End
check_screen "End follows again" wait_for 10 grows alpha "$n"
check_screen "and the title no longer says paused" \
    eval '! screen_has "paused,"'

# The filter: only the matching lines.
tui_keys '\'
check_screen "\\ opens the log filter prompt" wait_for 10 bottom_has '^Log filter:'
tui_type 'alpha [0-9]*7$'
tui_keys Enter
check_screen "the filter leaves lines ending in 7 only" wait_for 10 eval \
    '[ "$(pane_lines)" -gt 0 ] &&
    ! tui_screen | grep "^\[alpha\.log\]" | grep -qv "7 *$"'
check_screen "the title names the filter" screen_has 'filter: alpha'
tui_keys '\' C-u Enter
check_screen "an empty filter shows every line again" \
    wait_screen 10 '^\[alpha\.log\] alpha [0-9]*[0-68-9] *$'

# The search: matches in the match colour; the pane scrolls to one.
tui_keys / && tui_type 'alpha 1[0-9]$' && tui_keys Enter
check_screen "/ searches: the pane scrolls back to a match" \
    wait_screen 10 '^\[alpha\.log\] alpha 1[0-9] *$'
check_screen "and pauses there" screen_has 'paused,'
check_screen "the match is drawn highlighted" eval \
    'tui_screen_e | grep -q "alpha\\.log\\] .*\[43m\(alpha 1[0-9]\)"'
check_screen "lines that do not match are drawn plain" eval \
    '! tui_screen_e | grep "alpha\\.log\\] " | grep -v "alpha 1[0-9]\>" |
    grep -q "\[43m"'
tui_keys n
check_screen "n goes to an older match, still shown" \
    wait_screen 10 '^\[alpha\.log\] alpha 1[0-9] *$'
tui_keys End

# z: full screen and back.
tui_keys z
check_screen "z: the pane fills the screen" \
    wait_for 10 eval '! screen_has "Load average" && [ "$(pane_lines)" -gt 30 ]'
tui_keys z
check_screen "z again: the split, the header back" \
    wait_screen 10 'Load average'

# [ and ] resize the split.
before=$(pane_lines)
tui_keys ']' ']' ']'
check_screen "] makes the split larger" \
    wait_for 10 eval '[ "$(pane_lines)" -gt "$before" ]'

tui_keys l
check_screen "l closes the pane" \
    wait_for 10 eval '! screen_has "^ Logs of"'
check_screen "the bottom line is the function bar again" \
    wait_for 10 bottom_has '^F1Help'
check "vigil quits cleanly" tui_quit_ok

done_testing
