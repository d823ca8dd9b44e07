#!/bin/bash
# Log lines are untrusted: a followed file holds an escape that sets the
# terminal title, one that clears the screen, one that turns text red,
# invalid UTF-8 and a 1 MB line, some there before vigil starts and some
# appended while the pane is open. The pane shows them escaped, the
# invalid bytes as U+FFFD and the long line cut to one row; none of the
# bytes reaches the terminal, and the screen around the pane stays whole.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"
need python3

log=$TMP/hostile.log
{
	printf 'title \e]2;PWNED\a end\n'
	printf 'clear \e[2J\e[H end\n'
} > "$log"

# The selected process has no log files of its own.
start_fixture idle sleep 1000 > /dev/null 2>&1

check_screen "vigil starts on the hostile log" \
    tui_start 100 40 -- --log "$log" -p "$idle" -d 10
tui_keys l
check_screen "the pane shows the lines already there" \
    wait_screen 10 '^\[hostile\.log\] clear '

# Appended while the pane is open: read through inotify.
{
	printf 'red \e[31mred\e[0m end\n'
	printf 'bad \xff\xfe bytes end\n'
	printf 'long '
	python3 -c 'import sys; sys.stdout.write("A" * (1 << 20))'
	printf ' end of the long line\n'
	printf 'after the long line\n'
} >> "$log"
check_screen "the lines appended are shown" \
    wait_screen 10 '^\[hostile\.log\] after the long line *$'

check_screen "the title escape is shown escaped" \
    screen_has '^\[hostile\.log\] title \\x1b\]2;PWNED\\x07 end'
check_screen "the clear-screen escape is shown escaped" \
    screen_has '^\[hostile\.log\] clear \\x1b\[2J\\x1b\[H end'
check_screen "the colour escape is shown escaped" \
    screen_has '^\[hostile\.log\] red \\x1b\[31mred\\x1b\[0m end'
check_screen "invalid UTF-8 is shown as U+FFFD" \
    screen_has $'^\\[hostile\\.log\\] bad \xef\xbf\xbd\xef\xbf\xbd bytes end'
check_screen "the 1 MB line takes one row, cut at the edge" \
    eval 'tui_screen | grep -A1 "^\[hostile\.log\] long AAAA" |
    tail -1 | grep -q "^\[hostile\.log\] after the long line"'
check_screen "the long line fills the row exactly" eval \
    '[ "$(tui_screen | grep "^\[hostile\.log\] long " | tr -d "\n" |
    wc -c)" -eq 100 ]'
check_screen "the screen above the pane is intact" screen_has 'Load average'
check "the terminal title was not changed" \
    test "$(tui_format '#{pane_title}')" != PWNED
check "no title escape reached the terminal" \
    eval '! tui_raw_has "$(printf "\e]2;PWNED")"'
check "no clear-screen from the log reached the terminal" \
    eval '! tui_raw_has "$(printf "clear \e[2J")"'
check "no invalid byte reached the terminal" \
    eval '! grep -aq "$(printf "\xff\xfe")" "$TUI_RAW"'
check "vigil quits cleanly" tui_quit_ok

done_testing
