#!/bin/bash
# Untrusted text in the monitor: a fixture whose argv holds an escape that
# sets the terminal title and one that turns text red (and whose name holds
# a clear-screen and a C1 control) is drawn escaped: the pane title stays,
# the bytes never reach the terminal. Under LANG=C no byte >= 0x80 reaches
# the terminal at all; under C.UTF-8 the sparkline glyphs do.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

tag=t$$x
name=hostile-$tag
# A child of init (setsid -f), so that the tree view draws it one level
# deep, whatever the depth of the shells this test runs under: its row
# must fit 200 columns.
setsid -f bash -c 'echo $$ > "$1"; shift; exec -a "$0" "$@"' "$name" \
    "$TMP/h.pid" "$FIXTURES/hostile" \
    $'\e]2;PWNED\a' $'\e[31mred' $'bad\xffutf8'
wait_for 10 test -s "$TMP/h.pid"
h=$(cat "$TMP/h.pid")
FIXTURE_PIDS="$FIXTURE_PIDS $h"
wait_for 10 sh -c "grep -q evil /proc/$h/comm"
wait_for 10 exec_done "$h" "$name"

title_of()
{
	tmux_ display -p -t "$1" '#{pane_title}'
}

# The name as the kill confirmation shows it: its ESC arrives from libproc2
# already replaced (by ? or .), or vigil escapes it (\x1b); its C1 control
# U+009B is escaped by vigil (\x9b), and without UTF-8 its two bytes may
# also come out as ?? (never raw).
NAME_UTF8='(\?|\.|\\x1b)\[2J\\x9bevil'
NAME_ASCII='(\?|\.|\\x1b)\[2J(\\x9b|\\xc2\\x9b|\?\?)evil'

# The row's text as escaped, in either locale.
ESCAPED_TITLE='\x1b]2;PWNED\x07'
ESCAPED_RED='\x1b[31mred'

# --- C.UTF-8 -----------------------------------------------------------------
check_screen "C.UTF-8: vigil starts at 200x50" tui_start 200 50 -- -d 10

# Controls on the same server: the escape, written raw, does set a pane's
# title here; a pane nobody writes to keeps the default title.
tmux_ new-session -d -s control -x 80 -y 24 \
    "printf '\\033]2;PWNED-CONTROL\\007'; exec sleep 1000"
tmux_ new-session -d -s plain -x 80 -y 24 "exec sleep 1000"
check "control: a raw OSC 2 sets the pane title in this tmux" \
    wait_for 10 eval '[ "$(title_of control)" = PWNED-CONTROL ]'

tui_keys '\'
tui_type "^$name"
tui_keys Enter
check_screen "C.UTF-8: the filter leaves the hostile fixture" \
    wait_for 15 tui_rows_are "$h"
row_has()
{
	tui_row "$h" | grep -qF -- "$1"
}
check_screen "C.UTF-8: the title escape is shown as \\x1b]2;PWNED\\x07" \
    wait_for 10 row_has "$ESCAPED_TITLE"
check_screen "C.UTF-8: the colour escape is shown as \\x1b[31m" \
    row_has "$ESCAPED_RED"
check_screen "C.UTF-8: invalid UTF-8 is shown as U+FFFD" \
    row_has $'bad\xef\xbf\xbdutf8'
tui_wait_tick
check "C.UTF-8: the pane title is unchanged (not PWNED)" \
    eval '[ "$(title_of "$TUI_T")" = "$(title_of plain)" ] &&
    [ "$(title_of "$TUI_T")" != PWNED ]'
diag "pane title: $(title_of "$TUI_T"); plain pane: $(title_of plain)"
# A real SGR 31 (ESC, not the escaped text) anywhere on the fixture's row.
row_turns_red()
{
	tui_screen_e | grep -F -- "$name" | grep -Eq $'\e\\[([0-9]*;)*31(;[0-9]*)*m'
}
check_screen "C.UTF-8: the text after the escape is not red" \
    eval '! row_turns_red'
check "C.UTF-8: ESC ] 2 never reached the terminal" \
    eval '! tui_raw_has $'\''\e]2;PWNED'\'''
check "C.UTF-8: ESC [ 31 m red never reached the terminal" \
    eval '! tui_raw_has $'\''\e[31mred'\'''
check "C.UTF-8: no BEL byte reached the terminal" \
    eval '[ "$(tr -dc '\''\007'\'' < "$TUI_RAW" | wc -c)" -eq 0 ]'

# The detail pane shows the whole command line, escaped. The name (comm)
# is "ESC[2J" + C1 CSI + "evil": the kill confirmation shows it escaped,
# and the screen is not cleared.
tui_keys i
check_screen "C.UTF-8: the detail pane shows the command line escaped" \
    wait_screen 10 '^Command .*\\x1b\]2;PWNED\\x07 \\x1b\[31mred'
tui_keys Escape
wait_for 10 tui_rows_are "$h"
tui_keys k
wait_screen 10 '^Send signal:'
tui_keys Enter
check_screen "C.UTF-8: the kill confirmation shows the name escaped" \
    wait_for 10 bottom_has "to process $h \\($NAME_UTF8\\)\\?"
tui_keys n
check "C.UTF-8: n sent nothing, the fixture runs" kill -0 "$h"
check "C.UTF-8: the C1 control (UTF-8 C2 9B) never reached the terminal" \
    eval '! tui_raw_has $'\''\xc2\x9b'\'''
check_screen "C.UTF-8: the table is on screen, not cleared" \
    wait_for 10 tui_rows_are "$h"

# Control for the LANG=C check below: here the glyphs do reach the terminal.
check_screen "C.UTF-8: sparkline glyphs are on screen" \
    wait_screen 10 '[▁▂▃▄▅▆▇█]'
check "C.UTF-8: bytes >= 0x80 (the glyphs' UTF-8) reached the terminal" \
    tui_raw_has $'\xe2\x96'
check "control: the title set by the raw escape is still there" \
    [ "$(title_of control)" = PWNED-CONTROL ]
tmux_ kill-session -t control
tmux_ kill-session -t plain
check_screen "C.UTF-8: q quits, status 0" tui_quit_ok

# --- LANG=C ------------------------------------------------------------------
# The whole session, recorded: the table (all processes, tree view, the
# hostile row scrolled into view), the detail pane, the kill confirmation,
# the help, and the exit.
check_screen "LANG=C: vigil starts at 200x50" \
    tui_start 200 50 LANG=C LC_ALL=C -- -d 5
tui_keys t /
tui_type "^$name"
tui_keys Enter
check_screen "LANG=C: search selects the hostile fixture, in tree view" \
    wait_for 15 tui_selected_is "$h"
tui_keys F	# follow it: tree order changes as other processes come and go
check_screen "LANG=C: the title escape is shown as \\x1b]2;PWNED\\x07" \
    wait_for 10 row_has "$ESCAPED_TITLE"
check_screen "LANG=C: invalid UTF-8 is shown in ASCII" \
    eval 'tui_row "$h" | grep -Eq "bad(\\?|\\\\xff)utf8"'
check_screen "LANG=C: tree lines are ASCII" screen_has '[|`]- '
tui_wait_tick
tui_keys i
check_screen "LANG=C: the detail pane shows the command line escaped" \
    wait_screen 10 '^Command .*\\x1b\]2;PWNED\\x07 \\x1b\[31mred'
tui_keys Escape
wait_for 10 tui_selected_is "$h"
tui_keys k
wait_screen 10 '^Send signal:'
tui_keys Enter
check_screen "LANG=C: the kill confirmation shows the name escaped" \
    wait_for 10 bottom_has "to process $h \\($NAME_ASCII\\)\\?"
tui_keys n
tui_keys h
check_screen "LANG=C: the help" wait_screen 10 '^vigil .* - keys '
tui_keys Escape
wait_for 10 tui_has_row "$h"
tui_wait_tick
check_screen "LANG=C: q quits, status 0" tui_quit_ok
# The pane's own line after vigil's exit: once that is recorded, so is
# everything vigil wrote before it.
check "LANG=C: the recording holds the whole session, up to the exit" \
    wait_for 10 tui_raw_has 'vigil exited with status'
check "LANG=C: vigil left the alternate screen at exit" \
    tui_raw_has $'\e[?1049l'
diag "LANG=C: $(wc -c < "$TUI_RAW") bytes written to the terminal"
check "LANG=C: the terminal got a screenful" \
    [ "$(wc -c < "$TUI_RAW")" -gt 10000 ]
high=$(LC_ALL=C tr -d '\000-\177' < "$TUI_RAW" | wc -c)
check "LANG=C: no byte >= 0x80 reached the terminal ($high did)" [ "$high" -eq 0 ]
check "LANG=C: the title was not changed" \
    eval '[ "$(title_of "$TUI_T")" != PWNED ]'

done_testing
