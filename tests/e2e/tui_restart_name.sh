#!/bin/bash
# R in place keeps the process's name: a program started through a
# symbolic link (dir/app -> realname) runs as "app"; restarted, it must
# run as "app" again, not as the "realname" /proc/PID/exe resolves to, or
# pgrep -x and alarm rules on the name stop matching. Also a bare argv[0]
# found through the process's PATH; and when argv[0] names another file
# by now, the plan says the resolved executable is what runs.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"
need tmux

tag=t$$x
d=$TMP/d-$tag
mkdir -p "$d"
cp "$FIXTURES/restartee" "$d/realname"
ln -s realname "$d/app"
RESTARTED=""
prev=$(trap -p EXIT)
prev=${prev#"trap -- "}
prev=${prev%" EXIT"}
eval "prev=$prev"
# shellcheck disable=SC2064
trap 'for p in $RESTARTED; do kill -KILL $p 2>/dev/null; done; '"$prev" EXIT

only()
{
	tui_keys '\' C-u
	tui_type "$1"
	tui_keys Enter
}

new_pid()
{
	tui_bottom | sed -n 's/.*new PID \([0-9]*\) (was.*/\1/p'
}

start_fixture r1 bash -c "cd '$d' && exec '$d/app' keep-name-$tag >/dev/null 2>&1"
wait_for 10 exec_done "$r1" "keep-name-$tag"
check "started through the link, it is named app" \
    wait_for 10 grep -qx app "/proc/$r1/comm"
check "its executable resolves to realname" \
    [ "$(readlink "/proc/$r1/exe")" = "$d/realname" ]

check_screen "vigil starts at 200x50" tui_start 200 50 -- -d 10 \
    --restart-timeout 2
only "keep-name-$tag"
check_screen "the fixture is the only, selected row" \
    wait_for 15 eval 'tui_rows_are $r1 && tui_selected_is $r1'
tui_keys R
check_screen "R shows the plan: in place" \
    wait_screen 10 "Restart app \\($r1\\) in place"
check_screen "the plan executes argv[0], and says it is the same file" \
    screen_has "Executable: $d/app \\(its argv\\[0\\], so it keeps its name; the same file as $d/realname\\)"
tui_keys y
check_screen "y: restarted, a new PID" \
    wait_for 20 bottom_has "restarted app: new PID [0-9]+ \\(was $r1\\)"
n1=$(new_pid)
RESTARTED="$RESTARTED $n1"
check "the new process ($n1) is named app still" \
    grep -qx app "/proc/$n1/comm"
check "pgrep -x app finds it" eval 'pgrep -x app | grep -qx "$n1"'

# A bare argv[0], found through the process's own PATH.
start_fixture r2 bash -c "cd / && PATH='$d':/usr/bin:/bin exec app path-name-$tag >/dev/null 2>&1"
wait_for 10 exec_done "$r2" "path-name-$tag"
only "path-name-$tag"
check_screen "the second fixture is the only, selected row" \
    wait_for 15 eval 'tui_rows_are $r2 && tui_selected_is $r2'
tui_keys R
check_screen "argv[0] app is looked up in the process's PATH" \
    wait_screen 10 "Executable: $d/app \\(its argv\\[0\\], so it keeps its name; the same file as $d/realname\\)"
tui_keys n
check_screen "n: nothing was restarted" \
    wait_for 10 bottom_has 'nothing was restarted'

# argv[0] names another file now: the resolved executable runs.
cp "$FIXTURES/restartee" "$d/other"
ln -sfn other "$d/app"
tui_keys R
check_screen "argv[0] names another file: the plan runs /proc/PID/exe's" \
    wait_screen 10 "Executable: $d/realname \\(where /proc/$r2/exe points: its argv\\[0\\], app, names another file or none\\)"
tui_keys n
wait_for 10 bottom_has 'nothing was restarted'

check_screen "q quits" tui_quit_ok
done_testing
