#!/bin/bash
# The configuration file: a bad line is reported with file and line while
# the good lines apply; the column chooser saves through a rename, keeping
# the other lines; a file with a bad line is never overwritten; a bad alarm
# rule is reported while the good ones fire.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

rc=$TMP/config/vigil/vigilrc
mkdir -p "$TMP/config/vigil"

# A good columns line, then a bad line.
printf '# mine\ncolumns = PID USER CPU%% COMMAND\nfrobnicate = yes\n' > "$rc"
cp "$rc" "$TMP/before"
tui_start 120 30 -- -d 5
# Shown in the status line for a few seconds at the start: look for it
# in what vigil wrote to the terminal.
check "a bad line is reported with its file and line" \
    tui_raw_has "vigilrc:3: unknown setting 'frobnicate'"
check_screen "the good line still applies (no VIRT column)" \
    sh -c "! tmux -L '$TUI_SOCKET' capture-pane -p -t '$TUI_T' | grep -q 'VIRT'"
check_screen "the chosen columns are drawn" screen_has '^ *PID USER +CPU% Command'

# The chooser refuses to overwrite a file it cannot parse.
tui_keys S
check_screen "S opens the column chooser" wait_screen 10 'Columns:'
tui_keys Down Space Escape
check_screen "saving over a bad file is refused, naming the line" \
    wait_screen 10 'could not save the columns: .*vigilrc:3'
check "the bad file is left as it was" cmp -s "$rc" "$TMP/before"
check "q quits with status 0" tui_quit_ok

# With the bad line gone, the choice is saved and the comment kept.
printf '# mine\ncolumns = PID USER CPU%% COMMAND\n' > "$rc"
tui_start 120 30 -- -d 5
tui_keys S
check_screen "S opens the column chooser again" wait_screen 10 'Columns:'
# The second entry of the chooser is PPID.
tui_keys Down Space Escape
check_screen "the choice is saved" wait_screen 10 'columns saved'
check "the file has the new list" \
    grep -q '^columns = PID PPID USER CPU% COMMAND$' "$rc"
check "the comment is kept" grep -q '^# mine$' "$rc"
check "no temporary file is left beside it" \
    sh -c "[ \$(ls '$TMP/config/vigil' | wc -l) -eq 1 ]"
check "q quits with status 0" tui_quit_ok

tui_start 120 30 -- -d 5
check_screen "the saved columns apply at the next start" \
    screen_has '^ *PID +PPID USER +CPU% Command'
check "q quits with status 0" tui_quit_ok

# Alarm rules in the file: a bad one is told with its line, the good one
# fires, and the monitor runs.
# "log =" is a source of the log pane, and "log_lines =" its ring size.
printf 'alarm busy: sys.load1 >= 0 severity info\nalarm broken: sys.load1 >> 1\nlog = %s\nlog_lines = 3\n' "$TMP/cfg.log" > "$rc"
for i in 1 2 3 4 5 6 7 8 9 10; do echo "cfgline $i"; done > "$TMP/cfg.log"
tui_start 120 40 -- -d 5
check "a bad alarm rule is reported with its file and line" \
    wait_for 10 tui_raw_has "vigilrc:2: expected a number after the comparison, got '>' (column 20)"
check_screen "the good rule fires" wait_screen 15 '^\[info\] busy: sys\.load1'
tui_keys l
check_screen "the file's log is in the log pane" \
    wait_screen 10 '^\[cfg\.log\] cfgline 10 *$'
check_screen "log_lines = 3 keeps three lines of it" \
    sh -c "tmux -L '$TUI_SOCKET' capture-pane -p -t '$TUI_T' | grep -c '^\[cfg\.log\] cfgline' | grep -qx 3"
check "q quits with status 0" tui_quit_ok

done_testing
