#!/bin/bash
# Filter (\) and search (/) in the monitor: ^fixture-(a|b) leaves exactly
# those rows, as it is typed; Enter keeps it; an invalid pattern shows
# pcre2's message and the rows stay; Esc puts back the filter there was;
# search moves the selection to a match, n to the next one.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

# Names of this run's own, so other tests' processes never match.
tag=t$$x
start_fixture fa bash -c "exec -a fixture-a-$tag sleep 1000"
start_fixture fb bash -c "exec -a fixture-b-$tag sleep 1000"
start_fixture fc bash -c "exec -a fixture-c-$tag sleep 1000"
for pid in "$fa" "$fb" "$fc"; do
	wait_for 10 exec_done "$pid" "fixture-.-$tag"
done
letter()
{
	case $1 in
	"$fa") echo a ;;
	"$fb") echo b ;;
	"$fc") echo c ;;
	esac
}

check_screen "vigil starts at 200x50" tui_start 200 50 -- -d 10
check_screen "unfiltered, the table is full of rows" \
    wait_for 10 eval '[ "$(tui_row_pids | wc -l)" -gt 20 ]'

tui_keys '\'
check_screen "\\ opens the filter prompt" wait_for 10 bottom_has '^Filter: ?$'
tui_type "^fixture-(a|b)-$tag"
check_screen "the prompt shows the pattern as typed" \
    wait_for 10 bottom_has "^Filter: \\^fixture-\\(a\\|b\\)-$tag\$"
check_screen "^fixture-(a|b) leaves exactly fixture-a and fixture-b" \
    wait_for 15 tui_rows_are "$fa" "$fb"

tui_keys Enter
check_screen "Enter closes the prompt; the function bar names the filter" \
    wait_for 10 bottom_has "^F1Help.* filter: \\^fixture-\\(a\\|b\\)-$tag"
check_screen "Enter keeps the filter: still exactly a and b" \
    tui_rows_are "$fa" "$fb"
check_screen "after two refreshes, still exactly a and b" \
    eval 'tui_wait_tick && tui_rows_are "$fa" "$fb"'

# An invalid pattern: pcre2's message, and the rows shown stay.
tui_keys '\'
check_screen "\\ again: the prompt starts with the current filter" \
    wait_for 10 bottom_has "^Filter: \\^fixture-\\(a\\|b\\)-$tag\$"
tui_type '('
check_screen "an unclosed ( shows pcre2's message in the bottom line" \
    wait_for 10 bottom_has "^Filter: \\^fixture-\\(a\\|b\\)-$tag\\(.*missing closing parenthesis"
check_screen "the invalid pattern leaves the rows as they were" \
    tui_rows_are "$fa" "$fb"
check_screen "... also after a refresh" \
    eval 'tui_wait_tick && tui_rows_are "$fa" "$fb"'
tui_keys BSpace
check_screen "erasing the ( clears the message" \
    wait_for 10 bottom_has "^Filter: \\^fixture-\\(a\\|b\\)-$tag\$"

# Esc puts back the filter there was before editing.
tui_keys C-u
tui_type "^fixture-c-$tag"
check_screen "a new pattern, as typed, shows only fixture-c" \
    wait_for 15 tui_rows_are "$fc"
tui_keys Escape
check_screen "Esc closes the prompt and puts back ^fixture-(a|b)" \
    wait_for 10 bottom_has "^F1Help.* filter: \\^fixture-\\(a\\|b\\)-$tag"
check_screen "Esc: the rows are a and b again" wait_for 15 tui_rows_are "$fa" "$fb"

# An empty filter shows everything again.
tui_keys '\' C-u Enter
check_screen "an empty filter: no filter named in the function bar" \
    wait_for 10 eval 'bottom_has "^F1Help" && ! bottom_has "filter:"'
check_screen "an empty filter: the table is full again" \
    wait_for 10 eval '[ "$(tui_row_pids | wc -l)" -gt 20 ]'

# Search among the three fixtures: the selection moves to a match.
tui_keys '\'
tui_type "^fixture-[abc]-$tag"
tui_keys Enter
check_screen "the filter leaves the three fixtures" \
    wait_for 15 tui_rows_are "$fa" "$fb" "$fc"
mapfile -t order < <(tui_rows | awk 'NF > 0 { print $1 }')
tui_keys Home
check_screen "Home selects the first row" \
    wait_for 10 tui_selected_is "${order[0]}"
second=$(letter "${order[1]}") third=$(letter "${order[2]}")
tui_keys /
check_screen "/ opens the search prompt" wait_for 10 bottom_has '^Search: ?$'
tui_type "^fixture-($second|$third)-$tag"
check_screen "search, as typed, selects the first match (fixture-$second)" \
    wait_for 10 tui_selected_is "${order[1]}"
tui_keys Enter
check_screen "Enter closes the search prompt; the selection stays" \
    wait_for 10 eval 'bottom_has "^F1Help" && tui_selected_is "${order[1]}"'
tui_keys n
check_screen "n selects the next match (fixture-$third)" \
    wait_for 10 tui_selected_is "${order[2]}"
tui_keys n
check_screen "n again wraps to the first match (fixture-$second)" \
    wait_for 10 tui_selected_is "${order[1]}"

tui_keys /
tui_type "^fixture-$third-$tag"
check_screen "search for fixture-$third selects it" \
    wait_for 10 tui_selected_is "${order[2]}"
tui_keys Escape
check_screen "Esc closes the search prompt" wait_for 10 bottom_has '^F1Help'
tui_keys Home
check_screen "after Esc, keys are commands again (Home selects the first row)" \
    wait_for 10 tui_selected_is "${order[0]}"
check_screen "q quits, status 0" tui_quit_ok

# The unclosed ( alone, at 80x24, on a view of exactly three processes.
check_screen "80x24 with -p a,b,c: vigil starts" \
    tui_start 80 24 -- -d 10 -p "$fa,$fb,$fc"
check_screen "-p: exactly the three fixtures" \
    wait_for 15 tui_rows_are "$fa" "$fb" "$fc"
tui_keys '\'
tui_type '('
check_screen "( alone: pcre2's message in the bottom line" \
    wait_for 10 bottom_has '^Filter: \(.*missing closing parenthesis'
check_screen "( alone: the three rows stay" tui_rows_are "$fa" "$fb" "$fc"
tui_keys Escape
check_screen "Esc: the function bar is back, with no filter" \
    wait_for 10 eval 'bottom_has "^F1Help" && ! bottom_has "filter:"'
check_screen "Esc: the three rows stay" tui_rows_are "$fa" "$fb" "$fc"
check_screen "80x24: q quits, status 0" tui_quit_ok

done_testing
