#!/bin/bash
# The monitor in tmux: header, table and function bar at 80x24 and 200x50;
# the help made from the key table; q and F10 quit and leave the terminal
# sane; a resize redraws at the new size with nothing left of the old one.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

# A process row: PID USER PRI NI VIRT RES SHR S ...
ROW_RX='^ *[0-9]+ +[^ ]+ +(RT|-?[0-9]+) +-?[0-9]+ +[^ ]+ +[^ ]+ +[^ ]+ +[A-Za-z] '
FBAR_RX='^F1Help F2Setup F3Search F4Filter F5Tree F6SortBy F9Kill F10Quit'

# The screen is whole: CPU meters first, header lines, one title row, only
# process rows (or blank lines) below it, and the function bar last.
layout_valid()
{
	tui_screen | awk -v h="$TUI_H" -v rx="$ROW_RX" -v fbar="$FBAR_RX" '
		{ line[NR] = $0 }
		END {
			if (NR != h || line[1] !~ /^ *([0-9]+|CPU) *\[/)
				exit 1
			for (i = 1; i <= NR; i++) {
				if (line[i] ~ /^ *PID +USER +PRI/) {
					if (t) exit 1
					t = i
				}
				if (line[i] ~ /F1Help/ && i != NR)
					exit 1
			}
			if (!t || line[NR] !~ fbar)
				exit 1
			for (i = 2; i < t; i++)
				if (line[i] !~ /\[.*\]|(Tasks|Load average|Uptime|Disk|Net|PSI some): / &&
				    line[i] != "")
					exit 1
			for (i = t + 1; i < NR; i++)
				if (line[i] != "" && line[i] !~ rx)
					exit 1
			if (line[t + 1] !~ rx)
				exit 1
		}'
}

# What a fresh start at this size looks like: the title row (its index and
# text), where the header's right column and the first meter end.
layout_signature()
{
	tui_screen | awk '
		/^ *PID +USER +PRI/ && !t { t = NR; title = $0 }
		/Tasks: / && !k { k = index($0, "Tasks: "); tl = NR }
		NR == 1 { b = index($0, "]") }
		END { printf "title %d [%s] tasks %d,%d meter-end %d\n", t, title, tl, k, b }'
}

layout_is()
{
	layout_valid && [ "$(layout_signature)" = "$1" ]
}

# The key table's labels and help texts, in order, tab-separated.
keytable()
{
	awk '/^static const struct tui_key tui_keys\[\] = \{/,/^\};/' \
	    "$SRCDIR/src/ui/keys.c" | tr '\n' ' ' |
	    grep -o 'N_("\([^"\\]\|\\.\)*")' |
	    sed 's/^N_("//; s/")$//; s/\\\\/\\/g' | paste - -
}

# help_shows FIRST LAST: entries FIRST..LAST (1-based) of the key table
# are lines of the help screen, as " LABEL(padded to 10) HELP".
help_shows()
{
	local screen
	screen=${HELP_TEXT:-$(tui_screen)}
	keytable | awk -F '\t' -v first="$1" -v last="$2" -v scr="$screen" '
		BEGIN { n = split(scr, l, "\n"); for (i = 1; i <= n; i++) have[l[i]] = 1 }
		NR >= first && NR <= last {
			want = sprintf(" %-10s %s", $1, $2)
			if (!(want in have)) { print "missing: " want; bad = 1 }
		}
		END { exit bad || NR < last }'
}

# The header: a meter per CPU (or one for all of them), memory and swap
# bars; tasks, load average and uptime.
header_ok()
{
	local cpus
	cpus=$(tui_screen | grep -cE '^ *[0-9]+ \[.*[0-9.]+%\]')
	{ [ "$cpus" -eq "$(getconf _NPROCESSORS_ONLN)" ] ||
	    screen_has '^CPU *\[.*[0-9.]+%\]'; } &&
	    screen_has '^Mem *\[.*[0-9.]+[KMGT]?/[0-9.]+[KMGT]?\]' &&
	    screen_has '^Swp *\[.*\]' &&
	    screen_has 'Tasks: [0-9]+, [0-9]+ thr' &&
	    screen_has 'Load average: [0-9.]+ [0-9.]+ [0-9.]+' &&
	    screen_has 'Uptime: [0-9]'
}

nkeys=$(keytable | wc -l)
check "the key table has entries to show ($nkeys)" [ "$nkeys" -ge 20 ]

# --- 80x24 -----------------------------------------------------------------
check_screen "80x24: vigil draws its first screen" tui_start 80 24 -- -d 10
check_screen "80x24: the header's meters and counters" wait_for 10 header_ok
check_screen "80x24: the title row names the default columns" \
    screen_has '^ +PID USER +PRI +NI +VIRT +RES +SHR S +CPU% MEM% +TIME\+ '
check_screen "80x24: the whole screen is header, table and function bar" \
    wait_for 10 layout_valid
check_screen "80x24: vigil's own process is a row" \
    wait_for 10 tui_has_row "$TUI_PID"
sig80=$(layout_signature)
diag "80x24 layout: $sig80"
check "80x24: the title row is within the first third" \
    [ "$(echo "$sig80" | awk '{ print $2 }')" -le 9 ]

check_screen "80x24: the terminal is in the alternate screen, cursor hidden" \
    [ "$(tui_format '#{alternate_on}#{cursor_flag}')" = 10 ]
check_screen "80x24: mouse reporting is on (no -M)" \
    [ "$(tui_format '#{mouse_standard_flag}#{mouse_button_flag}#{mouse_any_flag}')" != 000 ]

# Help, with h: the first page of the key table.
tui_keys h
check_screen "80x24: h shows the help" wait_screen 10 '^vigil .* - keys '
check_screen "80x24: the help's first page lists the key table's first 22 keys" \
    help_shows 1 22
check_screen "80x24: the help hides the process table" \
    screen_lacks "$TUI_TITLE_RX"
tui_keys PageDown
# A page is 20 lines at 24 rows, and 22 lines show: from the 21st key to
# the 42nd. Down scrolls on, a line at a time, to the last keys.
for ((i = 42; i < nkeys; i++)); do
	tui_keys Down
done
check_screen "80x24: PgDn (and Down) scroll the help to the last keys" \
    wait_for 10 help_shows "$((nkeys - 5))" "$nkeys"
tui_keys Escape
check_screen "80x24: another key leaves the help" \
    wait_for 10 layout_valid

# q quits: the process ends with status 0 and the terminal is left sane.
tui_keys q
check_screen "80x24: q quits" tui_quit_wait 15
check "80x24: vigil's process is gone" tui_gone "$TUI_PID"
check "80x24: exit status 0" [ "$TUI_EXIT" = 0 ]
check_screen "80x24: the alternate screen is left; the cursor is visible" \
    [ "$(tui_format '#{alternate_on}#{cursor_flag}')" = 01 ]
check_screen "80x24: mouse reporting and keypad mode are off" \
    [ "$(tui_format '#{mouse_standard_flag}#{mouse_button_flag}#{mouse_any_flag}#{keypad_cursor_flag}')" = 0000 ]
check_screen "80x24: nothing of vigil's screen is left" \
    screen_lacks 'F1Help|PID USER'

# --- 200x50 ----------------------------------------------------------------
check_screen "200x50: vigil draws its first screen" tui_start 200 50 -- -d 10
check_screen "200x50: the header's meters and counters" wait_for 10 header_ok
check_screen "200x50: the whole screen is header, table and function bar" \
    wait_for 10 layout_valid
check_screen "200x50: the title row has every default column" \
    screen_has '^ +PID USER +PRI +NI +VIRT +RES +SHR S +CPU% MEM% +TIME\+ CPU-HIST MEM-HIST Command +\[Main\] I/O *$'
# The table takes every line between the title row and the bottom line, or
# lists every process there is (kernel threads are hidden by default).
rows_fill()
{
	local shown room procs
	shown=$(tui_rows | grep -cE "$ROW_RX")
	room=$(tui_rows | wc -l)
	procs=$(ps -e -o pid=,ppid= | awk '$1 != 2 && $2 != 2' | wc -l)
	[ "$shown" -eq "$room" ] || [ "$shown" -ge $((procs - 5)) ]
}
check_screen "200x50: the rows fill the table" wait_for 10 rows_fill
check "200x50: the table has room for more than 40 rows" \
    [ "$(tui_rows | wc -l)" -gt 40 ]
sig200=$(layout_signature)
diag "200x50 layout: $sig200"
check "the two sizes lay out differently" [ "$sig80" != "$sig200" ]

tui_keys F1
check_screen "200x50: F1 shows the help" wait_screen 10 '^vigil .* - keys '
# More keys than 50 rows hold: the first page, then PgDn for the rest.
help_page2() { [ "$(tui_screen)" != "$HELP_TEXT" ]; }
HELP_TEXT=$(tui_screen)
tui_keys NPage
wait_for 10 help_page2
HELP_TEXT="$HELP_TEXT
$(tui_screen)"
check_screen "200x50: the help lists every key of the key table (two pages)" \
    help_shows 1 "$nkeys"
HELP_TEXT=
tui_keys x
check_screen "200x50: another key leaves the help" wait_for 10 layout_valid

tui_keys F10
check_screen "200x50: F10 quits" tui_quit_wait 15
check "200x50: exit status 0" [ "$TUI_EXIT" = 0 ]
check_screen "200x50: the alternate screen is left; the cursor is visible" \
    [ "$(tui_format '#{alternate_on}#{cursor_flag}')" = 01 ]

# --- Resize ------------------------------------------------------------------
# resize-window changes the pane's size, so vigil gets SIGWINCH; after it
# the screen must look like a fresh start at the new size.
check_screen "resize: vigil starts at 80x24" tui_start 80 24 -- -d 10
tmux_ resize-window -t "$TUI_T" -x 200 -y 50
check "resize: the pane is now 200x50" \
    [ "$(tui_format '#{pane_width}x#{pane_height}')" = 200x50 ]
TUI_W=200 TUI_H=50
check_screen "resize: 80x24 -> 200x50 redraws as a fresh 200x50 screen" \
    wait_for 15 layout_is "$sig200"
check_screen "resize: no leftover of the old bottom line (row 24)" \
    [ "$(tui_screen | grep -c 'F1Help')" -eq 1 ]
tmux_ resize-window -t "$TUI_T" -x 80 -y 24
TUI_W=80 TUI_H=24
check_screen "resize: 200x50 -> 80x24 redraws as a fresh 80x24 screen" \
    wait_for 15 layout_is "$sig80"

# The same through a client: a control-mode client attached to the session
# sets its size with refresh-client -C, and the window follows it.
mkfifo "$TMP/ctl"
tmux_ -C attach -t "$TUI_T" < "$TMP/ctl" > "$TMP/ctl.out" 2>&1 &
exec 7> "$TMP/ctl"
client_attached()
{
	[ -n "$(tmux_ list-clients -F '#{client_name}')" ]
}
if wait_for 10 client_attached; then
	client=$(tmux_ list-clients -F '#{client_name}' | head -n 1)
	tmux_ set-option -w -t "$TUI_T" window-size latest
	tmux_ refresh-client -t "$client" -C 200x50
	TUI_W=200 TUI_H=50
	check_screen "refresh-client -C 200x50: redraws as a fresh 200x50 screen" \
	    wait_for 15 layout_is "$sig200"
	tmux_ refresh-client -t "$client" -C 80x24
	TUI_W=80 TUI_H=24
	check_screen "refresh-client -C 80x24: redraws as a fresh 80x24 screen" \
	    wait_for 15 layout_is "$sig80"
else
	not_ok "a control-mode client attaches"
	skip "refresh-client 80x24"
fi
exec 7>&-

# A terminal too small for the table must not crash vigil.
tmux_ resize-window -t "$TUI_T" -x 20 -y 5
TUI_W=20 TUI_H=5
check_screen "resize: at 20x5 the function bar is still drawn" \
    wait_for 15 eval 'tui_bottom | grep -q "^F1Help F2Setup F3"'
tmux_ resize-window -t "$TUI_T" -x 80 -y 24
TUI_W=80 TUI_H=24
check_screen "resize: through 20x5 and back to 80x24, a fresh 80x24 screen" \
    wait_for 15 layout_is "$sig80"
check "resize: vigil is still running" kill -0 "$TUI_PID"
tui_keys q
check_screen "resize: q still quits, status 0" \
    eval 'tui_quit_wait 15 && [ "$TUI_EXIT" = 0 ]'

done_testing
