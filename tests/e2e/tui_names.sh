#!/bin/bash
# Processes that name themselves (prctl(PR_SET_NAME)): three workers named
# kid0-NAME.. whose command line is their parent's show the name before
# it, in a COMM column of its own, and are found by the filter \, the
# search /, --batch -F and an alarm rule on the command line. Then the
# selection: after a search it stays on that process while CPU sorting
# moves the rows, k names that process, and its exit is said in the
# status line.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"
need tmux python3

tag=n$$
start_fixture fx "$FIXTURES/renamed" "$tag" burn > "$TMP/kids"
wait_for 10 eval '[ "$(wc -l < "$TMP/kids")" -eq 3 ]' ||
    not_ok "the fixture started its three workers"
mapfile -t kid < "$TMP/kids"
for i in 0 1 2; do
	wait_for 10 grep -qx "kid$i-$tag" "/proc/${kid[$i]}/comm" ||
	    not_ok "worker $i named itself"
done
diag "parent $fx, workers ${kid[*]}"

# --- batch: -F, the text form, JSON's comm, an alarm rule ---------------

# Anchored, so that vigil's own command line does not match.
"$VIGIL" --batch -n 1 -F "^kid1-$tag\$" > "$TMP/b.txt" 2>&1
check "--batch -F kid1-NAME finds the worker named so, and only it" \
    eval '[ "$(awk "\$1 ~ /^[0-9]+\$/ { print \$1 }" "$TMP/b.txt")" = "${kid[1]}" ]'
check "--batch shows its name before its command line" \
    grep -qE "^ *${kid[1]} .* kid1-$tag: .*renamed $tag burn\$" "$TMP/b.txt"
diag "$(grep -E "kid1-$tag" "$TMP/b.txt")"
"$VIGIL" --batch -n 1 -F "renamed $tag" > "$TMP/b2.txt" 2>&1
check "the parent, named as its program, shows just its command line" \
    grep -qE "^ *$fx .*[0-9] [^ ]*renamed $tag burn\$" "$TMP/b2.txt"
"$VIGIL" --batch -n 1 --format json -p "${kid[2]}" > "$TMP/b.json" 2>&1
check "JSON has the name as comm" \
    json_q "$TMP/b.json" "[p['comm'] for p in s['processes']] == ['kid2-$tag']"
"$VIGIL" --batch -d 5 -n 3 --format json \
    --alarm "named: proc.cpu >= 0% where cmdline ~ /^kid0-$tag\$/" \
    > "$TMP/a.json" 2>&1
check "an alarm rule on the command line matches the worker's name" \
    json_q "$TMP/a.json" "[a['pid'] for x in snaps for a in x['alarms'] if a['rule'] == 'named' and a['event'] == 'fired'] == [${kid[0]}]"

# --- the screen ----------------------------------------------------------

mkdir -p "$TMP/config/vigil"
echo 'columns = PID USER CPU% COMM COMMAND' > "$TMP/config/vigil/vigilrc"
TUI_TITLE_RX='^ *PID +USER +CPU%'
check_screen "vigil starts at 200x50, sorted by CPU, with a COMM column" \
    tui_start 200 50 -- -d 5 -s cpu
check_screen "a worker's row: COMM, then its name before its command line" \
    wait_for 15 eval 'tui_row "${kid[1]}" | grep -qE "kid1-$tag +kid1-$tag: [^ ]*renamed $tag burn"'
check_screen "the COMM column is titled" screen_has ' COMM +Command'

tui_keys '\'
tui_type "kid1-$tag"
check_screen "the filter \\ kid1-NAME leaves exactly that worker" \
    wait_for 15 tui_rows_are "${kid[1]}"
tui_keys C-u Enter
check_screen "an empty filter: all rows again" \
    wait_for 10 eval '[ "$(tui_row_pids | wc -l)" -gt 5 ]'

# Search: the selection goes to kid2 and stays on it as the rows move.
tui_keys /
tui_type "kid2-$tag"
tui_keys Enter
check_screen "the search / kid2-NAME selects that worker" \
    wait_for 10 tui_selected_is "${kid[2]}"

row_of()
{
	tui_rows | awk -v pid="$1" '$1 == pid { print NR; exit }'
}
# Poll until the worker's row has moved (CPU order changes every
# second), checking at each look that the highlight is on it.
first_row=$(row_of "${kid[2]}")
moved=0 lost=0
deadline=$(($(date +%s) + 40))
while [ "$(date +%s)" -lt "$deadline" ]; do
	sel=$(tui_selected_pid)
	r=$(row_of "${kid[2]}")
	if [ -n "$sel" ] && [ "$sel" != "${kid[2]}" ]; then
		lost=1
		diag "the highlight went to $sel at row $r"
		break
	fi
	if [ -n "$r" ] && [ "$r" != "$first_row" ]; then
		moved=$((moved + 1))
		first_row=$r
		[ "$moved" -ge 3 ] && break
	fi
	sleep 0.2
done
check "the searched worker's row moved (3 times) while selected" \
    [ "$moved" -ge 3 ]
check_screen "the highlight stayed on the searched worker all along" \
    eval '[ "$lost" = 0 ] && tui_selected_is "${kid[2]}"'

tui_keys k
check_screen "k opens the signal picker" wait_screen 10 '^Send signal:'
tui_keys Enter
check_screen "the confirmation names the searched worker" \
    wait_for 10 bottom_has "^Send SIGTERM \\(15\\) to process ${kid[2]} \\(kid2-$tag\\)\\? \\[y/N\\]"
tui_keys n
check "n sent nothing: the worker still runs" kill -0 "${kid[2]}"

# Its exit is said, and a row at its place is selected.
kill -KILL "${kid[2]}"
check_screen "the status line says the selected process exited" \
    wait_for 15 bottom_has "process ${kid[2]} \\(kid2-$tag\\) exited"
check_screen "another row is selected" \
    eval 'sel=$(tui_selected_pid) && [ -n "$sel" ] && [ "$sel" != "${kid[2]}" ]'

# The detail pane: the resident-memory peak names its unit.
tui_keys '\'
tui_type "^kid0-$tag\$"
tui_keys Enter
check_screen "the filter on kid0 selects it" \
    wait_for 15 eval 'tui_rows_are "${kid[0]}" && tui_selected_is "${kid[0]}"'
tui_keys i
check_screen "the detail pane shows the CPU peak in %" \
    wait_screen 10 ' [0-9]+ samples, peak [0-9.]+%'
check_screen "... and the resident-memory peak with its unit (K, M, G)" \
    wait_screen 10 ' [0-9]+ samples, peak [0-9.]+[KMGTP]( |$)'
tui_keys Escape
check_screen "Esc closes the detail pane" wait_screen 10 'F1Help'

check_screen "q quits" tui_quit_ok
done_testing
