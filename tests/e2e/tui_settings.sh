#!/bin/bash
# Settings changed in the monitor are saved to the configuration file (sort
# column and direction, tree, and the delay set with d) and read back at
# the next start; command-line options win over them and are not saved; a
# file vigil cannot parse is never overwritten.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

rc=$TMP/config/vigil/vigilrc
mkdir -p "$TMP/config/vigil"
printf '# mine\nalarm hot: proc.cpu > 400%%\n' > "$rc"

tui_start 120 30
tui_keys M
check "M saves the sort column and direction" \
    wait_for 10 grep -qx 'sort = mem:desc' "$rc"
tui_keys I
check "I saves the direction" wait_for 10 grep -qx 'sort = mem:asc' "$rc"
tui_keys t
check "t saves the tree setting" wait_for 10 grep -qx 'tree = on' "$rc"
tui_keys d
check_screen "d asks for the delay in seconds, showing the current one" \
    wait_screen 10 '^Delay \(seconds\): 1\.5'
tui_keys C-u
tui_type 2.5
tui_keys Enter
check_screen "the new delay is told" wait_screen 10 'refreshing every 2\.5 seconds'
check "and saved, in tenths as -d takes it" wait_for 10 grep -qx 'delay = 25' "$rc"
tui_keys d C-u
tui_type 0
tui_keys Enter
check_screen "a delay of 0 is refused" \
    wait_screen 10 "'0' is not a delay in seconds"
check "the comment and the alarm rule are kept" \
    sh -c "grep -qx '# mine' '$rc' && grep -qx 'alarm hot: proc.cpu > 400%' '$rc'"
check "no temporary file is left beside it" \
    sh -c "[ \$(ls '$TMP/config/vigil' | wc -l) -eq 1 ]"
check "q quits with status 0" tui_quit_ok
cp "$rc" "$TMP/saved"

tui_start 120 30
tui_keys d
check_screen "the saved delay is read back" wait_screen 10 '^Delay \(seconds\): 2\.5'
tui_keys Escape
# The sort column's title is highlighted; the tree draws its lines.
check_screen "the saved sort column is read back" \
    sh -c "tmux -L '$TUI_SOCKET' capture-pane -e -p -t '$TUI_T' | grep -q '46m *MEM%'"
check_screen "the saved tree setting is read back" wait_screen 10 '(├─|└─|`-)'
check "q quits with status 0" tui_quit_ok

# The command line wins, and what it set is not saved.
tui_start 120 30 -- -d 10 -s pid
tui_keys d
check_screen "-d wins over the file" wait_screen 10 '^Delay \(seconds\): 1$'
tui_keys Escape
check_screen "-s wins over the file" \
    sh -c "tmux -L '$TUI_SOCKET' capture-pane -e -p -t '$TUI_T' | grep -q '46m *PID'"
tui_wait_tick
check "q quits with status 0" tui_quit_ok
check "options given on the command line are not saved" cmp -s "$rc" "$TMP/saved"

# A file with a line vigil cannot parse is left alone.
printf 'frobnicate = yes\n' >> "$rc"
cp "$rc" "$TMP/bad"
tui_start 120 30
tui_keys P
check_screen "saving over a bad file is refused, naming the line" \
    wait_screen 10 "could not save the settings: .*vigilrc:6: unknown setting 'frobnicate'"
check "the bad file is left as it was" cmp -s "$rc" "$TMP/bad"
check "q quits with status 0" tui_quit_ok

done_testing
