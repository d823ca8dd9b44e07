#!/bin/bash
# Kill from the monitor: k opens the signal picker on SIGTERM, Enter asks
# for confirmation naming the process, y sends it (the fixture dies of
# SIGTERM, seen from outside); Esc at the picker and n at the confirmation
# send nothing; with --readonly, k says so and sends nothing.
# (A PID reused between drawing and killing is a unit test's job.)
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

tag=t$$x

# alive PID: running (not a zombie waiting for this shell to reap it).
alive()
{
	local state
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

dead()
{
	! alive "$1"
}

# only NAME PID: filter the table down to the fixture with argv[0] NAME.
only()
{
	tui_keys '\' C-u
	tui_type "^$1( |\$)"
	tui_keys Enter
	wait_for 15 tui_rows_are "$2" && wait_for 10 tui_selected_is "$2"
}

start_fixture v1 bash -c "exec -a victim-1-$tag sleep 1000"
start_fixture v2 bash -c "exec -a victim-2-$tag sleep 1000"
start_fixture v3 bash -c "exec -a victim-3-$tag sleep 1000"
for pid in "$v1" "$v2" "$v3"; do
	wait_for 10 exec_done "$pid" "victim-.-$tag"
done

check_screen "vigil starts at 80x24" tui_start 80 24 -- -d 10

# Esc at the signal picker.
check_screen "the filter makes victim-1 the only, selected row" \
    only "victim-1-$tag" "$v1"
tui_keys k
check_screen "k opens the signal picker" wait_screen 10 '^Send signal:'
check_screen "the picker lists signals by number and name" \
    eval 'screen_has "^ *9 SIGKILL" && screen_has "^ *2 SIGINT"'
# The picker's SIGTERM line is drawn unlike every other signal's.
pick_is_term()
{
	tui_attr_lines | awk -F '\t' '
		$2 ~ /^ *[0-9]+ SIG[A-Z0-9+-]+( |$)/ {
			n++
			if ($2 ~ /^ *15 SIGTERM/) term = $1
			else other[$1]++
		}
		END { exit !(n > 5 && term != "" && !(term in other)) }'
}
check_screen "SIGTERM is preselected" wait_for 10 pick_is_term
tui_keys Escape
check_screen "Esc at the picker: the status says nothing was sent" \
    wait_for 10 bottom_has 'nothing was sent'
check "Esc at the picker: victim-1 still runs" alive "$v1"

# n at the confirmation.
tui_keys k
wait_screen 10 '^Send signal:'
tui_keys Enter
check_screen "Enter on SIGTERM asks to confirm, naming the process" \
    wait_for 10 bottom_has "^Send SIGTERM \\(15\\) to process $v1 \\(sleep\\)\\? \\[y/N\\]"
tui_keys n
check_screen "n at the confirmation: nothing was sent" \
    wait_for 10 bottom_has 'nothing was sent'
check "n at the confirmation: victim-1 still runs" alive "$v1"

# y at the confirmation: the fixture dies of SIGTERM.
tui_keys k
wait_screen 10 '^Send signal:'
tui_keys Enter
wait_for 10 bottom_has '\[y/N\]'
tui_keys y
check_screen "y: the status says SIGTERM was sent to it" \
    wait_for 10 bottom_has "sent SIGTERM to $v1 \\(sleep\\)"
check "y: victim-1 is gone (seen from outside)" wait_for 15 dead "$v1"
wait "$v1"
status=$?
check "y: victim-1 was ended by SIGTERM (status $status)" [ "$status" -eq 143 ]
check_screen "y: victim-1's row is gone from the table" \
    wait_for 15 eval '! tui_has_row "$v1"'
check "the other fixtures still run" eval 'alive "$v2" && alive "$v3"'

# Another signal, picked with the arrow keys: the confirmation names it.
check_screen "victim-2 made the only row" only "victim-2-$tag" "$v2"
tui_keys k
wait_screen 10 '^Send signal:'
tui_keys Up Enter
check_screen "Up then Enter asks to confirm another signal than SIGTERM" \
    wait_for 10 eval 'bottom_has "^Send SIG[A-Z0-9+-]+ \\([0-9]+\\) to process $v2" &&
    ! bottom_has "SIGTERM"'
tui_keys Escape
check_screen "Esc at the confirmation: nothing was sent" \
    wait_for 10 bottom_has 'nothing was sent'
check "victim-2 still runs" alive "$v2"

check_screen "q quits, status 0" tui_quit_ok

# --readonly: k refuses and says why; nothing is sent.
check_screen "vigil --readonly starts at 200x50" \
    tui_start 200 50 -- -d 10 --readonly
check_screen "--readonly: victim-3 made the only row" \
    only "victim-3-$tag" "$v3"
tui_keys k
check_screen "--readonly: k says actions are disabled" \
    wait_for 10 bottom_has 'read-only mode \(--readonly\): actions are disabled'
check_screen "--readonly: no signal picker" screen_lacks '^Send signal:'
# As if confirming a picker that is not there (Enter opens the detail
# pane, y closes it); then F9, the other kill key.
tui_keys y Enter y F9
check_screen "--readonly: F9 refuses too" \
    wait_for 10 bottom_has 'read-only mode'
tui_keys F1
check_screen "--readonly: the help says actions are disabled" \
    wait_screen 10 'Read-only mode: actions are disabled'
check "--readonly: after all that, victim-3 still runs" alive "$v3"
tui_keys Escape
wait_screen 10 '^F1Help'
check_screen "--readonly: q quits, status 0" tui_quit_ok

done_testing
