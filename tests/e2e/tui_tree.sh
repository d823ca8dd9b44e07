#!/bin/bash
# Tree view in the monitor: the family fixture's three children appear
# indented under their parent with tree lines; - collapses the parent so
# they vanish, + and * bring them back; without UTF-8 the lines are ASCII.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

# Names of this run's own, so other tests' fixtures never match; the
# children are forks of the parent and share its argv. A holder process
# has two children: the family's parent and, sorted after it by command, a
# sleeping sibling. So the row after the family's subtree is known and
# stays (this test's shell has children that come and go). The sibling
# names itself (hostile's escapes), so that name shows before its argv.
tag=t$$x
name=family-$tag
sibling_name=zz-after-$tag
start_fixture holder bash -c '
	(exec -a "$1" "$2" > "$3") &
	echo $! > "$3.parent"
	(exec -a "$4" "$5") &
	echo $! > "$3.after"
	wait' holder "$name" "$FIXTURES/family" "$TMP/kids" "$sibling_name" \
    "$FIXTURES/hostile"
wait_for 10 sh -c "[ \$(wc -l < '$TMP/kids' 2>/dev/null) -eq 3 ] && [ -s '$TMP/kids.after' ]"
mapfile -t kids < "$TMP/kids"
parent=$(cat "$TMP/kids.parent")
sibling=$(cat "$TMP/kids.after")
wait_for 10 exec_done "$sibling" "$sibling_name"
check "the fixture has three children" [ "${#kids[@]}" -eq 3 ]

# col PID: the column (in characters) where the command starts in its row.
col()
{
	local LC_ALL=C.UTF-8 row prefix
	row=$(tui_row "$1") || return 1
	prefix=${row%%"$name"*}
	echo "${#prefix}"
}

is_kid()
{
	local k
	for k in "${kids[@]}"; do
		[ "$1" = "$k" ] && return 0
	done
	return 1
}

# row_after PID N: the PID of the Nth row after that process's row.
row_after()
{
	tui_rows | awk -v p="$1" -v n="$2" '
	    f && ++i == n { print $1 } $1 == p { f = 1 }'
}

# The rows right after the parent's are the three children, each with a
# tree line (the last with a corner) and indented one level deeper; then
# comes the parent's sibling, back at the parent's level.
kids_under_parent()
{
	local after pc k
	after=$(tui_rows | awk -v p="$parent" '
	    f && n < 3 { print $1; n++ } $1 == p { f = 1 }' | sort -n)
	[ "$after" = "$(printf '%s\n' "${kids[@]}" | sort -n)" ] || return 1
	pc=$(col "$parent") || return 1
	for k in "${kids[@]}"; do
		tui_row "$k" | grep -q "[├└]─ $name" || return 1
		[ "$(col "$k")" -eq $((pc + 3)) ] || return 1
	done
	[ "$(tui_rows | grep -c "└─ $name")" -eq 1 ] &&
	    tui_row "$parent" | grep -q "├─ $name" &&
	    tui_row "$sibling" | grep -qE "└─ (.*: )?$sibling_name"
}

# The selection is on the third row after the parent's, one of its children.
last_kid_selected()
{
	local third
	third=$(row_after "$parent" 3)
	[ -n "$third" ] && is_kid "$third" && tui_selected_is "$third"
}

no_kid_rows()
{
	local k
	for k in "${kids[@]}"; do
		tui_has_row "$k" && return 1
	done
	return 0
}

collapsed()
{
	tui_row "$parent" | grep -q "[├└]+ $name"
}

# Sorted by command, the parent comes before its sibling. -d 20: two
# seconds between refreshes.
check_screen "vigil starts at 200x50" \
    tui_start 200 50 -- -d 20 -s command:asc
check_screen "flat view: no tree lines" screen_lacks '[├└]─ '

tui_keys t
check_screen "t: tree lines appear" wait_screen 15 '[├└]─ '

# Bring the parent on screen with a search; F keeps it selected.
tui_keys Home /
tui_type "^$name"
tui_keys Enter
check_screen "search selects the parent" wait_for 15 tui_selected_is "$parent"
tui_keys F
tui_keys Down Down Down
check_screen "Down three times selects the parent's last child" \
    wait_for 15 last_kid_selected
check_screen "the three children are right under their parent, indented, with tree lines" \
    wait_for 15 kids_under_parent
check "the parent is itself indented under the holder" \
    [ "$(col "$parent")" -gt 3 ]
tui_keys Down
check_screen "Down once more selects the parent's sibling" \
    wait_for 15 tui_selected_is "$sibling"
tui_keys Up Up Up Up
check_screen "Up four times selects the parent again" \
    wait_for 15 tui_selected_is "$parent"

# Collapsed, the children are out of the view, not merely scrolled away:
# the row after the parent is its sibling.
tui_keys -
check_screen "-: the parent is marked collapsed" wait_for 15 collapsed
check_screen "-: no child is on screen" no_kid_rows
check_screen "-: the row after the parent is its sibling" \
    wait_for 15 eval '[ "$(row_after "$parent" 1)" = "$sibling" ]'
tui_keys Down
check_screen "-: Down from the parent selects its sibling" \
    wait_for 15 tui_selected_is "$sibling"
tui_keys Up
check_screen "Up selects the parent again" wait_for 15 tui_selected_is "$parent"
check_screen "-: the children stay hidden after a refresh" \
    eval 'tui_wait_tick && no_kid_rows && collapsed'

# Expanded, the children are back.
tui_keys +
check_screen "+: the parent is no longer marked collapsed" \
    wait_for 15 eval 'tui_row "$parent" | grep -q "[├└]─ $name"'
tui_keys Down Down Down
check_screen "+: Down three times selects the last child again" \
    wait_for 15 last_kid_selected
check_screen "+: the children are back under their parent" \
    wait_for 15 kids_under_parent
tui_keys Up Up Up
check_screen "Up three times selects the parent again" \
    wait_for 15 tui_selected_is "$parent"

tui_keys -
wait_for 15 collapsed
tui_keys '*' Down Down Down
check_screen "*: expands every subtree, the children are back" \
    wait_for 15 eval 'last_kid_selected && kids_under_parent'

tui_keys t
check_screen "t again: flat view, no tree lines" wait_screen_not 15 '[├└]─ '
check_screen "q quits, status 0" tui_quit_ok

# Without UTF-8, with -t on the command line and a filter on the family:
# the parent is the root of what is shown, the tree lines are ASCII.
check_screen "LANG=C, -t: vigil starts at 80x24" \
    tui_start 80 24 LANG=C LC_ALL=C -- -d 20 -t
tui_keys '\'
tui_type "^$name"
tui_keys Enter
check_screen "LANG=C: the filter leaves the family" \
    wait_for 15 tui_rows_are "$parent" "${kids[@]}"
ascii_tree()
{
	local rows
	rows=$(tui_rows | grep -v '^$')
	[ "$(echo "$rows" | head -n 1 | awk '{ print $1 }')" = "$parent" ] &&
	    echo "$rows" | sed -n 2,3p | grep -c -- "|- fam" | grep -qx 2 &&
	    echo "$rows" | sed -n 4p | grep -q -- '`- fam'
}
check_screen "LANG=C: children drawn with |- and \`- under the parent" \
    wait_for 15 ascii_tree
check_screen "LANG=C: no UTF-8 line drawing" screen_lacks '[├└│─]'

# Here the whole view is on screen: collapsed, the parent is all of it.
tui_keys Home
check_screen "LANG=C: Home selects the parent" wait_for 10 tui_selected_is "$parent"
tui_keys -
check_screen "LANG=C: - leaves only the parent, marked collapsed" \
    wait_for 15 eval 'tui_rows_are "$parent" && tui_row "$parent" | grep -q "+ fam"'
tui_keys +
check_screen "LANG=C: + brings the three children back" \
    wait_for 15 eval 'tui_rows_are "$parent" "${kids[@]}" && ascii_tree'
check_screen "LANG=C: q quits, status 0" tui_quit_ok

done_testing
