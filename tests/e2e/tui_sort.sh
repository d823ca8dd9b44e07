#!/bin/bash
# Sorting and history in the monitor: M puts the fixture with the largest
# RSS first (I inverts it), the MEM% column reads in order; the CPU burner's
# sparkline rises to full blocks while an idle fixture's stays blank.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

tag=t$$x

# rss_at_least PID MIB: the process's resident set has reached MIB MiB.
rss_at_least()
{
	local kb
	kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	[ -n "$kb" ] && [ "$kb" -ge $(($2 * 1024)) ]
}

# The small one first, so it has the lower PID: sorted by PID it comes
# first, sorted by memory last.
start_fixture small bash -c "exec -a grow-small-$tag '$FIXTURES/grow' 4 8"
start_fixture big bash -c "exec -a grow-big-$tag '$FIXTURES/grow' 16 64"
check "the small grower reaches 8 MiB" wait_for 20 rss_at_least "$small" 8
check "the big grower reaches 64 MiB" wait_for 20 rss_at_least "$big" 64

# rows_in_order PID...: these rows, in this order from the top.
rows_in_order()
{
	[ "$(tui_rows | awk 'NF > 0 { print $1 }' | tr '\n' ' ')" = "$* " ]
}

# The MEM% column never increases down the table.
mem_descending()
{
	tui_rows | awk -v rx="$TUI_TITLE_RX" '
		NF == 0 { next }
		{ v = $10 + 0; n++ }
		n > 1 && v > last { bad = 1 }
		{ last = v }
		END { exit bad || n < 10 }'
}

check_screen "vigil -s pid starts at 200x50" tui_start 200 50 -- -d 10 -s pid
tui_keys '\'
tui_type "^grow-(small|big)-$tag"
tui_keys Enter
check_screen "sorted by PID, the small grower comes first" \
    wait_for 15 rows_in_order "$small" "$big"

tui_keys M
check_screen "M: the largest fixture comes first" \
    wait_for 15 rows_in_order "$big" "$small"
check_screen "M: the status line says the sort column" \
    wait_for 10 eval 'tui_bottom | grep -q "sorted by mem"'
check_screen "M: it stays first after refreshes" \
    eval 'tui_wait_tick && rows_in_order "$big" "$small"'
tui_keys I
check_screen "I: inverted, the smallest comes first" \
    wait_for 15 rows_in_order "$small" "$big"
tui_keys M
check_screen "M again: the largest first" \
    wait_for 15 rows_in_order "$big" "$small"

# Without the filter, the whole table is in MEM% order.
tui_keys '\' C-u Enter
check_screen "without the filter, MEM% decreases down the table" \
    wait_for 15 mem_descending
check_screen "without the filter, the big grower is above the small one" \
    eval 'tui_wait_tick && [ "$(tui_rows | awk -v b="$big" -v s="$small" '\''
	$1 == b { bi = NR } $1 == s { si = NR }
	END { print (bi && (!si || bi < si)) ? "yes" : "no" }'\'')" = yes ]'

check_screen "q quits, status 0" tui_quit_ok

# --- CPU history -------------------------------------------------------------
start_fixture idle bash -c "exec -a cpu-idle-$tag sleep 1000"
# On a busy machine a burner at the default priority may not get a whole
# core; a higher priority (where allowed) makes it get one.
prio=
nice -n -10 true 2>/dev/null && prio="nice -n -10"
start_fixture burner $prio bash -c "exec -a cpu-burn-$tag '$FIXTURES/burn'"
wait_for 10 exec_done "$idle" "cpu-idle-$tag"
wait_for 10 exec_done "$burner" "cpu-burn-$tag"

# cpu_cell PID [SCREEN]: that row's CPU-HIST cell (the eight characters
# under the title), from SCREEN or a new capture.
cpu_cell()
{
	local LC_ALL=C.UTF-8 screen title row x
	screen=${2:-$(tui_screen)}
	title=$(printf '%s\n' "$screen" | grep -E "$TUI_TITLE_RX")
	row=$(printf '%s\n' "$screen" | awk -v p="$1" '$1 == p')
	x=${title%%CPU-HIST*}
	[ -n "$row" ] && [ "$x" != "$title" ] || return 1
	x=${#x}
	printf '%s\n' "${row:$x:8}"
}

cell_high()
{
	cpu_cell "$1" | grep -q '[▇█]'
}

cell_blank()
{
	local c
	c=$(cpu_cell "$1") || return 1
	[ -z "$(printf '%s' "$c" | tr -d ' ')" ]
}

# The newest glyph of the burner's cell is the level of the CPU% the same
# row shows (100% of one core is a full block), give or take one level.
newest_matches_cpu()
{
	local LC_ALL=C.UTF-8 screen cell g pct ramp=" ▁▂▃▄▅▆▇█" pre
	screen=$(tui_screen)
	cell=$(cpu_cell "$burner" "$screen") || return 1
	g=${cell: -1}
	pre=${ramp%%"$g"*}
	[ "$pre" != "$ramp" ] || return 1
	pct=$(printf '%s\n' "$screen" | awk -v p="$burner" '$1 == p { print $9 }')
	awk -v p="$pct" -v got="${#pre}" 'BEGIN {
		want = int(p / 12.5 + 0.999)
		if (want > 8) want = 8
		if (want < 1 && p > 0) want = 1
		d = got - want
		exit !(p > 0 && d <= 1 && d >= -1)
	}'
}

burn_high_idle_blank()
{
	cell_high "$burner" && cell_blank "$idle"
}

# -d 5: a sample every half second; eight cells are four seconds.
check_screen "vigil -d 5 starts at 200x50" tui_start 200 50 -- -d 5
tui_keys '\'
tui_type "^cpu-(idle|burn)-$tag"
tui_keys Enter
check_screen "the filter leaves the burner and the idle fixture" \
    wait_for 15 tui_rows_are "$idle" "$burner"
# burner_ticks: the CPU time the burner has used, in clock ticks.
burner_ticks()
{
	awk '{ print $14 + $15 }' "/proc/$burner/stat"
}

now()
{
	date +%s.%N
}

# The burner gets at most a core, and on a busy machine (or a virtual one
# whose host steals time) less. Above 80% of a core on average over the
# wait, some half-second sample was above 75%, which is ▇ or █: then not
# seeing one is a failure. Below, the machine was too busy to tell.
t0=$(burner_ticks) s0=$(now)
if wait_for 20 burn_high_idle_blank; then
	ok "the burner's CPU-HIST cell rises to full blocks (▇ or █)"
else
	share=$(awk -v t="$(($(burner_ticks) - t0))" -v hz="$(getconf CLK_TCK)" \
	    -v s0="$s0" -v s1="$(now)" 'BEGIN { printf "%d", t / hz / (s1 - s0) * 100 }')
	if [ "$share" -lt 80 ]; then
		skip "the burner got only $share% of a core: too busy for full blocks"
	else
		not_ok "the burner's CPU-HIST cell rises to full blocks (▇ or █); it got $share% of a core"
		tui_diag
	fi
fi
diag "burner (${prio:-default priority}): [$(cpu_cell "$burner")] idle: [$(cpu_cell "$idle")]"
check_screen "the idle fixture's cell stays blank after more samples" \
    eval 'tui_wait_tick && cell_blank "$idle"'
check_screen "the burner's newest glyph is the level of its CPU% column" \
    wait_for 10 newest_matches_cpu
check_screen "q quits, status 0" tui_quit_ok

done_testing
