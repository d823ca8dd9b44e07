#!/bin/bash
# The heap view: m on a fixture opens it with the classes and their bars
# (taken by a child vigil heap); after the fixture grows by 64 MiB in a
# thread arena and 32 MiB of mmap'd memory, m again shows that growth in
# those classes (within 5%) with a rate; the snapshots are saved as vigil
# heap saves them; a process that has died is reported, not crashed on;
# Esc returns to the table; another user's process: permission denied.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

out=$TMP/grow.out
start_fixture fx "$FIXTURES/heapgrow" "$out"
wait_for 10 grep -qs '^ready$' "$out" || not_ok "the fixture is ready"

check_screen "vigil starts on the fixture alone" tui_start 100 45 -- -p "$fx"
check_screen "the fixture is selected" wait_for 10 tui_selected_is "$fx"

tui_keys m
check_screen "m opens the heap view of the selected process" \
    wait_screen 15 "^Heap of process $fx \\(heapgrow\\)"
check_screen "the view shows the snapshot's classes with bars" \
    eval 'wait_screen 15 "^thread arenas +[0-9.]+[KMG] \\[" &&
    screen_has "^main heap +[0-9.]+[KMG] \\[" &&
    screen_has "^thread stacks +[0-9.]+[KMG] \\[" &&
    screen_has "^files +[0-9.]+[KMG] \\[\\|+"'
check_screen "without an earlier snapshot it says so" \
    screen_has "^No earlier snapshot of this process"
check_screen "it lists the top mappings" \
    eval 'screen_has "^Top mappings by RSS" && screen_has "files +/.*/libc[.]so"'

kill -USR1 "$fx"
wait_for 20 grep -q '^grown 1$' "$out" || not_ok "the fixture grew"
tui_keys m
check_screen "m again shows the growth since the first snapshot" \
    wait_screen 15 "^Growth since the previous snapshot"
# The CHANGE column of a class row, in KiB: 65536 within 5%, 32768 within
# 5% (shown as "+64.0M", "+32.0M").
class_change()
{
	tui_screen | awk -v cls="$1" -v want="$2" '
		index($0, cls " ") == 1 {
			for (i = 1; i <= NF; i++)
				if ($i ~ /^\+[0-9.]+[KMG]$/) {
					u = substr($i, length($i), 1)
					v = substr($i, 2, length($i) - 2) + 0
					v *= u == "G" ? 1048576 : u == "M" ? 1024 : 1
					exit !(v >= want * 0.95 && v <= want * 1.05)
				}
			exit 1
		}
		END { }'
}
check_screen "thread arenas grew by 64 MiB (within 5%)" \
    class_change "thread arenas" 65536
check_screen "other anonymous memory grew by 32 MiB (within 5%)" \
    class_change "other anonymous" 32768
check_screen "the mappings that grew come first, with a rate per minute" \
    screen_has '^ +\+[0-9.]+[KM] +\+[0-9.]+[KMG]/min +[^ ]+ +thread arenas +\[arena '

check "both snapshots were saved in XDG_STATE_HOME/vigil/heap" \
    test "$(ls "$TMP/state/vigil/heap" | grep -c "^$fx-.*\\.json$")" = 2

# The process dies while the view is open: m says so; vigil lives on. It
# is a zombie until this shell reaps it (bash may do so at any time).
kill -KILL "$fx"
wait_for 10 eval "grep -q '^[^)]*) Z' /proc/$fx/stat 2>/dev/null || ! kill -0 $fx 2>/dev/null"
tui_keys m
check_screen "m on a process that has died says so" \
    wait_screen 10 "process $fx (has exited|does not exist \\(it may have exited\\))"
wait "$fx" 2>/dev/null

tui_keys Escape
check_screen "Esc returns to the process table" \
    eval 'wait_screen 10 "$TUI_TITLE_RX" && screen_lacks "^Heap of process"'
check "q quits with status 0" tui_quit_ok

# Another user's process: the view says permission denied. vigil runs as
# nobody (through a wrapper that setpriv's to it), the target as root.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
    setpriv --reuid=65534 --regid=65534 --clear-groups "$VIGIL" --version \
    >/dev/null 2>&1; then
	start_fixture rootp sleep 1000
	wait_for 10 exec_done "$rootp" sleep
	printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups "%s" "$@"\n' \
	    "$VIGIL" >"$TMP/as-nobody"
	chmod +x "$TMP/as-nobody"
	real=$VIGIL
	VIGIL=$TMP/as-nobody
	check_screen "vigil as nobody starts on root's process" \
	    tui_start 120 30 HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent \
	    XDG_STATE_HOME=/nonexistent -- -p "$rootp"
	VIGIL=$real
	wait_for 10 tui_selected_is "$rootp"
	tui_keys m
	check_screen "m on another user's process says whose it is" \
	    wait_screen 15 "cannot read /proc/$rootp/smaps: it belongs to user"
	check "q twice quits with status 0" eval 'tui_keys q && tui_quit_ok'
else
	skip "not root (or setpriv missing): no other user to try"
fi

done_testing
