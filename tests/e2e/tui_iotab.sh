#!/bin/bash
# The I/O screen (v), as htop 3's I/O tab: the title row says which
# screen is shown; filtered to a writer of a known rate, its DISK W/s and
# WCHAR/s come within 20% of what it measured itself; the I/O columns
# sort (< > I, F6); v (or a click on a tab) goes back to the main screen,
# whose saved sort the I/O screen's does not touch; S on the I/O screen
# saves its own columns; --io starts on the I/O screen.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"
. "$SRCDIR/tests/e2e/io_lib.sh"

tag=t$$x
start_fixture idle bash -c "exec -a io-idle-$tag sleep 1000"
io_start writer "io-writer-$tag"
wait_for 10 exec_done "$idle" "io-idle-$tag"
check "the writer runs and reports its rate" wait_for 20 io_reported

MAIN_RX=$TUI_TITLE_RX
IO_RX='^ *PID +USER +DISK R/s +DISK W/s +RCHAR/s +WCHAR/s +IO/s +Command'

# The title row of the table, whichever screen.
title()
{
	tui_screen | grep -E -- "$MAIN_RX|$IO_RX" | head -n 1
}

title_has()
{
	title | grep -qF -- "$1"
}

check_screen "vigil starts at 120x30" tui_start 120 30 -- -d 10
check_screen "the title row shows the tabs, Main shown" title_has '[Main] I/O'
tui_keys v
check_screen "v: the I/O screen's columns" wait_screen 10 "$IO_RX"
check_screen "v: the title row shows the I/O tab shown" title_has 'Main [I/O]'
check_screen "v: the status line names the screen and its sort" \
    wait_for 10 bottom_has 'I/O screen, sorted by io'
TUI_TITLE_RX=$IO_RX

tui_keys '\'
tui_type "io-(idle|writer)-$tag"
tui_keys Enter
check_screen "the filter leaves the writer and the idle process" \
    wait_for 15 tui_rows_are "$idle" "$writer"

# The writer's row: PID USER DISK-R DISK-W RCHAR WCHAR IO Command.
want= row=
rate_ok()
{
	row=$(tui_row "$writer") || return 1
	want=$(io_rate)
	set -- $row
	within "$(to_bytes "$4")" "$want" && within "$(to_bytes "$6")" "$want"
}
if wait_for 60 rate_ok; then
	ok "the writer's DISK W/s and WCHAR/s are within 20% of its own rate"
else
	not_ok "the writer's DISK W/s and WCHAR/s are within 20% of its own rate"
	tui_diag
fi
diag "the writer reported $want B/s; its row: $row"

rows_in_order()
{
	[ "$(tui_rows | awk 'NF > 0 { print $1 }' | tr '\n' ' ')" = "$* " ]
}
check_screen "sorted by IO/s, the writer first" wait_for 15 rows_in_order "$writer" "$idle"
check_screen "the idle process shows 0B/s" \
    eval 'tui_row "$idle" | awk '\''{ exit !($4 == "0B/s" && $6 == "0B/s") }'\'''
tui_keys I
check_screen "I: inverted, the idle process first" wait_for 15 rows_in_order "$idle" "$writer"
tui_keys '<'
check_screen "<: sorted by the column before, WCHAR/s" \
    wait_for 10 bottom_has 'sorted by wchar'
check_screen "<: the writer first again" wait_for 15 rows_in_order "$writer" "$idle"
tui_keys '<' '<'
check_screen "< <: sorted by DISK W/s" wait_for 10 bottom_has 'sorted by io_write'
check_screen "sorted by DISK W/s, the writer first" wait_for 15 rows_in_order "$writer" "$idle"
tui_keys '>' '>' '>'
check_screen "> > >: sorted by IO/s" wait_for 10 bottom_has 'sorted by io$|sorted by io '

# F6: the I/O columns are in the picker.
tui_keys F6
check_screen "F6 lists io_write" wait_screen 10 'io_write'
tui_keys Escape

# Back: the main screen, its own sort; the I/O sort was not saved.
tui_keys v
check_screen "v again: the main screen's columns" wait_screen 10 "$MAIN_RX"
check_screen "v again: [Main] shown" title_has '[Main] I/O'
check_screen "v again: sorted as before, by cpu" wait_for 10 bottom_has 'main screen, sorted by cpu'
check "the I/O screen's sorts were not saved as the main screen's" \
    eval '! grep -Eqs "^ *sort *= *(io|wchar|rchar)" "$TMP/config/vigil/vigilrc"'
tui_keys v
check_screen "v once more: the I/O screen keeps its last sort" \
    wait_for 10 bottom_has 'I/O screen, sorted by io'

# S on the I/O screen: its own columns, saved as io_columns. The first
# item of the picker is PID.
tui_keys S
check_screen "S: the column picker" wait_screen 10 'Columns:'
tui_keys Enter Escape
check_screen "S: the columns are saved" wait_for 10 bottom_has 'columns saved'
diag "vigilrc:" "$(cat "$TMP/config/vigil/vigilrc" 2>&1)"
check "the I/O screen's columns are saved as io_columns, without PID" \
    grep -qxE 'io_columns *= *USER IO_READ_RATE IO_WRITE_RATE RCHAR_RATE WCHAR_RATE IO COMMAND' \
    "$TMP/config/vigil/vigilrc"
check "the main screen's columns are not written" \
    eval '! grep -qE "^ *columns *=" "$TMP/config/vigil/vigilrc"'

# tab_click NAME: a click (xterm's mouse report, press and release) on
# that tab's name in the title row.
tab_click()
{
	local line x
	line=$(tui_screen | grep -nE -- "$MAIN_RX|$IO_RX" | head -n 1 | cut -d: -f1)
	x=$(tui_screen | sed -n "${line}p" | awk -v t="$1" '{ print index($0, t) }')
	[ -n "$line" ] && [ "${x:-0}" -gt 0 ] || return 1
	tui_keys -H 1b 5b 4d 20 "$(printf %02x $((32 + x)))" \
	    "$(printf %02x $((32 + line)))"
	tui_keys -H 1b 5b 4d 23 "$(printf %02x $((32 + x)))" \
	    "$(printf %02x $((32 + line)))"
}
IO_RX='^ *USER +DISK R/s +DISK W/s'
tab_click Main
check_screen "a click on the Main tab shows the main screen" \
    wait_for 10 title_has '[Main] I/O'
tab_click 'I/O'
check_screen "a click on the I/O tab shows the I/O screen" \
    wait_for 10 title_has 'Main [I/O]'
check_screen "q quits, status 0" tui_quit_ok

# --io: the I/O screen first, with its saved columns; at 80 columns the
# tabs still show.
TUI_TITLE_RX=$MAIN_RX
check_screen "vigil --io starts at 80x24" tui_start 80 24 -- -d 10 --io
check_screen "--io: the I/O screen first, its saved columns (no PID)" \
    wait_screen 10 "$IO_RX"
check_screen "--io: Main [I/O] on the title row" title_has 'Main [I/O]'
tui_keys v
check_screen "80x24: the main screen's title row has the tabs" \
    wait_for 10 title_has '[Main] I/O'
check_screen "q quits, status 0" tui_quit_ok

done_testing
