#!/bin/bash
# The heap view of a tracked process (heapsites under vigil run --heap-full):
# v switches from the classes to the call sites, which show 30, 20 and
# 10 MiB live with their functions' names (within 1%); after the fixture
# leaks one more MiB, m again shows the growth and flags leak_ten, only
# it, as a leak suspect; v again shows the flame view, main's chain down
# to hold_thirty with the totals; v returns to the classes. A process that
# is not tracked: v says so.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/heap_lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

leaked() { grep -qx "leaked $2" "$1" 2>/dev/null; }
name=ht$$x
prev=$(trap -p EXIT)
prev=${prev#"trap -- "}
prev=${prev%" EXIT"}
eval "prev=$prev"
# shellcheck disable=SC2064
trap "'$VIGIL' run --stop $name >/dev/null 2>&1; $prev" EXIT

out=$("$VIGIL" run --name "$name" --restart no --heap-full -- \
    "$FIXTURES/heapsites" "$TMP/status" 2>&1)
fx=$(printf '%s\n' "$out" | sed -n 's/.*command \([0-9]*\),.*/\1/p')
check "heapsites runs under vigil run --heap-full (pid '$fx')" test -n "$fx"
check "the fixture is set up" wait_for 30 leaked "$TMP/status" 10

check_screen "vigil starts on the fixture alone" \
    tui_start 120 45 XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" \
    VIGIL_HEAP_LIB="$VIGIL_HEAP_LIB" -- -p "$fx"
check_screen "the fixture is selected" wait_for 10 tui_selected_is "$fx"

tui_keys m
check_screen "m opens the heap view with the classes, and offers v" \
    eval 'wait_screen 15 "^Heap of process $fx \\(heapsites\\) - .*v switches to call sites" &&
    wait_screen 15 "^main heap +[0-9.]+[KMG] \\["'
tui_keys v
check_screen "v shows the call sites, every allocation tracked" \
    wait_screen 15 "^Call sites: [0-9]+, every allocation tracked"
# site_kib FUNC: the LIVE column, in KiB, of the row whose leaf is FUNC
# (shown as 1023K, 30.0M or 1.50G).
site_kib()
{
	tui_screen | awk -v f="$1" '$0 ~ " " f "( <|$)" {
	    v = $1; m = 1
	    if (v ~ /M$/) m = 1024
	    else if (v ~ /G$/) m = 1024 * 1024
	    sub(/[KMG]$/, "", v); print int(v * m + 0.5); exit }'
}
for site in hold_thirty:30 hold_twenty:20 leak_ten:10; do
	f=${site%:*} mib=${site#*:}
	got=$(site_kib "$f")
	check_screen "$f: $mib MiB live within 1% (${got}K)" \
	    within "${got:-0}" $((mib * 1024)) 1
done
check_screen "the sites are named by function, leaf first, largest first" \
    eval 'tui_screen | grep -Eo "(hold_thirty|hold_twenty|leak_ten) < main" |
    tr "\n" " " | grep -q "^hold_thirty < main hold_twenty < main leak_ten < main "'
check_screen "no growth on the first snapshot" \
    screen_has "^First snapshot of these call sites"

kill -USR1 "$fx"
check "the fixture leaks one more MiB" wait_for 30 leaked "$TMP/status" 11
tui_keys m
check_screen "m again: growth since the previous snapshot, one leak suspect" \
    wait_screen 15 "^Growth since the previous snapshot, [0-9]+ s earlier: \\+1.00M; leak suspects: 1"
check_screen "leak_ten grew by 1 MiB and is flagged" \
    screen_has "^ +11\\.0M +[0-9]+ +\\+1.00M leak\\? leak_ten < main"
check_screen "hold_thirty did not grow and is not flagged" \
    screen_has "^ +30\\.0M +[0-9]+ +0 +hold_thirty < main"

tui_keys v
check_screen "v shows the flame view" \
    wait_screen 15 "^Live bytes by call path"
check_screen "the root's total is every live byte (60.0M + the leak)" \
    screen_has "^ +61\\.0M +100\\.0% .*_start"
check_screen "the chain opens down to main, then the three sites" \
    eval 'screen_has "^ +61\\.0M .* main$" &&
    screen_has "^ +30\\.0M +49\\.2% +30\\.0M +[ ]{10,} hold_thirty$" &&
    screen_has "^ +20\\.0M +32\\.8% .* hold_twenty$" &&
    screen_has "^ +11\\.0M +18\\.0% .* leak_ten$"'
tui_keys v
check_screen "v returns to the classes" \
    wait_screen 10 "^main heap +[0-9.]+[KMG] \\["
tui_keys Escape
check_screen "Esc returns to the process table" \
    eval 'wait_screen 10 "$TUI_TITLE_RX" && screen_lacks "^Heap of process"'
check "q quits with status 0" tui_quit_ok

# A process without the tracker: v says it is not tracked.
start_fixture plain sleep 1000
check_screen "vigil starts on an untracked process" \
    tui_start 120 40 XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" -- -p "$plain"
check_screen "it is selected" wait_for 10 tui_selected_is "$plain"
tui_keys m
check_screen "m opens its heap view" wait_screen 15 "^main heap|^files "
tui_keys v
check_screen "v says the process is not tracked" \
    wait_screen 10 "process $plain is not tracked: start it with vigil run --heap"
check "q quits with status 0" eval 'tui_keys q; tui_quit_ok'

done_testing
