#!/bin/bash
# Benchmark vigil's interactive monitor against htop on this machine, in one
# run: same terminal size, same processes, same refresh interval.
#
# Usage: bench/bench_tui.sh [VIGIL]      (or VIGIL=path bench/bench_tui.sh)
#
# For each level of extra idle processes (BENCH_LEVELS, default "0 1000
# 5000", made by bench/spawn_idle.c as in bench.sh) it runs three monitors,
# by default all at once (BENCH_MODE=together), so that all three see the
# same processes come and go on a machine that is not quiet, and each sees
# the other two; BENCH_MODE=apart runs them one after the other instead:
#   vigil(hist)    vigil -d 10 with its default columns (CPU_HISTORY and
#                  MEM_HISTORY shown)
#   vigil(nohist)  vigil -d 10 with a vigilrc that hides the history columns
#   htop           htop -d 10 with its defaults (HOME and XDG_CONFIG_HOME
#                  point to an empty directory, so no user htoprc is read)
# each in a detached 200x50 tmux pane (private server `tmux -L
# vigil-bench-$$`, no config file, status line off, TERM=BENCH_TERM,
# LANG=BENCH_LANG). After BENCH_WARMUP seconds it measures over a window of
# BENCH_WINDOW seconds:
# * CPU time: the delta of utime+stime in /proc/PID/stat (clock ticks, 10 ms
#   resolution) and, more precisely, of the on-CPU nanoseconds in
#   /proc/PID/task/*/schedstat; the targets are judged on the latter.
# * refreshes: counted with `perf stat` on a syscall that each refresh makes
#   exactly once: for vigil timerfd_settime (the refresh re-arms its timer,
#   src/ui/tui.c tui_tick), for htop poll(2) with a timeout > 0 (ncurses'
#   halfdelay wait for a key between refreshes; no key is sent). Without a
#   usable perf, refreshes = window / delay, and the report says so.
# * peak RSS: VmHWM at the end of the window.
# * terminal bytes: the pane's output recorded with `tmux pipe-pane -o` from
#   the end of the warm-up; bytes written during the window / its length.
# It prints the figures with vigil/htop ratios and the issue's targets
# (CPU per refresh at most half of htop's; terminal bytes at most htop's with
# the history hidden, at most 1.5x htop's with it shown) as "target met" or
# "target missed". It never asserts on figures: it exits non-zero only when
# a tool failed to start or died.
#
# The default window (3 s to 13 s after start) includes vigil's first
# refreshes, while its 8-cell history sparklines are still filling and
# change on every row; BENCH_WARMUP=12 measures the steady state instead.
#
# With BENCH_REPS > 1 the runs are repeated (apart: interleaved), and the
# figures are totals over all windows (CPU and bytes summed, then divided by
# the refreshes and seconds summed; peak RSS the largest).
#
# Environment: VIGIL, BENCH_LEVELS ("0 1000 5000"), BENCH_WINDOW (10),
# BENCH_WARMUP (3), BENCH_REPS (2), BENCH_MODE (together or apart),
# BENCH_DELAY (10, tenths of a second), BENCH_TERM (tmux-256color, else
# screen), BENCH_LANG (C.UTF-8), BENCH_PERF (1; 0: do not count refreshes
# with perf), BENCH_KEEP (a directory to copy each pane recording into, for
# a closer look).

set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
vigil=${1:-${VIGIL:-$bench_dir/../src/vigil}}
levels=${BENCH_LEVELS:-0 1000 5000}
window=${BENCH_WINDOW:-10}
window_ms=$(awk -v w="$window" 'BEGIN { printf "%d\n", w * 1000 }')
warmup=${BENCH_WARMUP:-3}
reps=${BENCH_REPS:-2}
mode=${BENCH_MODE:-together}
delay=${BENCH_DELAY:-10}
bench_lang=${BENCH_LANG:-C.UTF-8}
keep=${BENCH_KEEP:-}
cols=200
rows=50

tmp=
spawner=
running=
tmux_name=vigil-bench-$$
tmux_up=0
tmux_sock=${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$tmux_name
failed=0
results=()
bg=()
declare -A fig run

cleanup()
{
	set +e
	if [ -n "$running" ]; then
		kill -TERM "$running" 2>/dev/null
		wait "$running" 2>/dev/null
	fi
	for p in "${bg[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	if [ "$tmux_up" = 1 ]; then
		tmux -L "$tmux_name" kill-server 2>/dev/null
	fi
	if [ -n "$tmux_sock" ]; then
		rm -f "$tmux_sock"	# kill-server leaves it behind
	fi
	stop_idle
	if [ -n "$tmp" ]; then
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

log()
{
	printf '%s\n' "$*" >&2
}

die()
{
	log "bench_tui: $*"
	exit 1
}

# --- idle processes: bench/lib.sh -------------------------------------------

. "$(dirname "$0")/lib.sh"

# --- figures ----------------------------------------------------------------

now()
{
	date +%s.%N
}

fsize()
{
	if [ -e "$1" ]; then
		stat -c %s "$1"
	else
		echo 0
	fi
}

# ratio A B: A/B, or n/a.
ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a";
		else printf "%.2f\n", a / b }'
}

# verdict RATIO LIMIT
verdict()
{
	awk -v r="$1" -v l="$2" 'BEGIN {
		if (r == "n/a") print "target n/a";
		else if (r + 0 <= l + 0) print "target met";
		else print "target missed" }'
}

have_perf=0
perf_why=
check_perf()
{
	local e

	if [ "${BENCH_PERF:-1}" = 0 ]; then
		perf_why="BENCH_PERF=0"
		return
	fi
	if ! command -v perf >/dev/null; then
		perf_why="perf not installed"
		return
	fi
	if ! perf stat -e task-clock -- true >/dev/null 2>&1; then
		perf_why="perf stat does not work here"
		return
	fi
	for e in syscalls:sys_enter_poll syscalls:sys_enter_timerfd_settime; do
		if ! perf list "$e" 2>/dev/null | grep -q "$e "; then
			perf_why="no $e tracepoint"
			return
		fi
	done
	have_perf=1
}

tmux_cmd()
{
	tmux -L "$tmux_name" "$@"
}

# tool_start KEY LEVEL CMD...: run CMD in a fresh 200x50 pane (its own HOME
# and XDG_CONFIG_HOME under $tmp/cfg.KEY.LEVEL, prepared by the caller).
tool_start()
{
	local key=$1 level=$2 id sess home

	shift 2
	id=$key.$level
	sess=$key-$level
	home=$tmp/cfg.$id
	run[$id.up]=0
	run[$id.cmd]="$*"
	run[$id.want]=$(basename "$1")
	run[$id.want]=${run[$id.want]:0:15}
	if ! tmux_cmd new-session -d -s "$sess" -x "$cols" -y "$rows" \
	    "exec env HOME='$home' XDG_CONFIG_HOME='$home/.config' \
	    LANG='$bench_lang' LC_ALL='$bench_lang' $*" 2>"$tmp/err"; then
		log "bench_tui: $key: cannot start tmux: $(cat "$tmp/err")"
		failed=1
		return 0
	fi
	run[$id.pid]=$(tmux_cmd display-message -p -t "$sess" '#{pane_pid}')
	run[$id.up]=1
}

# tool_pipe KEY LEVEL: after the warm-up, check the tool runs and start
# recording its pane.
tool_pipe()
{
	local key=$1 level=$2 id sess pid dead comm

	id=$key.$level
	sess=$key-$level
	run[$id.piped]=0
	[ "${run[$id.up]}" = 1 ] || return 0
	pid=${run[$id.pid]}
	dead=$(tmux_cmd display-message -p -t "$sess" '#{pane_dead}')
	comm=$(cat "/proc/$pid/comm" 2>/dev/null) || comm=
	if [ "$dead" = 1 ] || [ "$comm" != "${run[$id.want]}" ]; then
		log "bench_tui: $key did not start or died (${run[$id.cmd]}); its pane:"
		tmux_cmd capture-pane -p -t "$sess" 2>/dev/null |
		    grep -v '^$' | tail -n 10 | sed 's/^/    /' >&2
		tmux_cmd kill-session -t "$sess" 2>/dev/null || true
		run[$id.up]=0
		failed=1
		return 0
	fi
	fig[$id.size]=$(tmux_cmd display-message -p -t "$sess" \
	    '#{pane_width}x#{pane_height}')
	: >"$tmp/rec.$id"
	tmux_cmd pipe-pane -o -t "$sess" "exec cat >> '$tmp/rec.$id'"
	run[$id.piped]=1
}

# tool_begin KEY LEVEL: a moment after tool_pipe, take the first readings
# and start counting refreshes.
tool_begin()
{
	local key=$1 level=$2 id pid ev filter

	id=$key.$level
	[ "${run[$id.up]}" = 1 ] && [ "${run[$id.piped]:-0}" = 1 ] || return 0
	pid=${run[$id.pid]}
	run[$id.s0]=$(fsize "$tmp/rec.$id")
	run[$id.c0]=$(cpu_of "$pid")
	run[$id.t0]=$(now)
	rm -f "$tmp/perf.$id"
	if [ "$have_perf" = 1 ]; then
		if [ "$key" = htop ]; then
			ev=syscalls:sys_enter_poll filter='timeout_msecs > 0'
		else
			ev=syscalls:sys_enter_timerfd_settime filter=
		fi
		run[$id.ev]=$ev
		# The counter stops by itself after the window (--timeout, not
		# a workload: a killed perf would leave its workload behind).
		if [ -n "$filter" ]; then
			perf stat -x, -o "$tmp/perf.$id" -e "$ev" \
			    --filter "$filter" -p "$pid" --timeout "$window_ms" \
			    >/dev/null 2>&1 &
		else
			perf stat -x, -o "$tmp/perf.$id" -e "$ev" \
			    -p "$pid" --timeout "$window_ms" >/dev/null 2>&1 &
		fi
		run[$id.perf]=$!
		bg+=("$!")
	fi
}

# tool_end KEY LEVEL: after the window, take the last readings, stop the
# tool, and add the window's figures to
# fig[KEY.LEVEL.{n,secs,ticks,ns,out,rss,reps}].
tool_end()
{
	local key=$1 level=$2 id sess pid dead c1 t1 s1 a0 a1 b0 b1 n rss

	id=$key.$level
	sess=$key-$level
	[ "${run[$id.up]}" = 1 ] || return 0
	pid=${run[$id.pid]}
	if [ -n "${run[$id.perf]:-}" ]; then
		wait "${run[$id.perf]}" 2>/dev/null || true
		run[$id.perf]=
	fi
	t1=$(now)
	c1=$(cpu_of "$pid")
	s1=$(fsize "$tmp/rec.$id")
	rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) ||
	    rss=
	rss=${rss:-0}
	dead=$(tmux_cmd display-message -p -t "$sess" '#{pane_dead}')
	tmux_cmd pipe-pane -t "$sess" 2>/dev/null || true
	tmux_cmd kill-session -t "$sess" 2>/dev/null || true
	run[$id.up]=0
	if [ "$dead" = 1 ]; then
		log "bench_tui: $key died during the window"
		failed=1
		return 0
	fi

	n=
	if [ "$have_perf" = 1 ] && [ -s "$tmp/perf.$id" ]; then
		n=$(awk -F, -v e="${run[$id.ev]}" '$3 == e { print $1 }' \
		    "$tmp/perf.$id")
	fi
	case $n in
	''|0|*[!0-9]*)
		if [ "$have_perf" = 1 ]; then
			log "bench_tui: $key: perf counted no refreshes; using window/delay"
			fig[$id.estimated]=1
		fi
		n=$(awk -v a="${run[$id.t0]}" -v b="$t1" -v d="$delay" \
		    'BEGIN { printf "%.2f\n", (b - a) * 10 / d }')
		;;
	esac
	read -r a0 b0 <<<"${run[$id.c0]}"
	read -r a1 b1 <<<"$c1"
	# Sums over the repetitions; figures() divides.
	fig[$id.n]=$(awk -v s="${fig[$id.n]:-0}" -v n="$n" 'BEGIN { print s + n }')
	fig[$id.secs]=$(awk -v s="${fig[$id.secs]:-0}" -v a="${run[$id.t0]}" \
	    -v b="$t1" 'BEGIN { printf "%.3f\n", s + b - a }')
	fig[$id.ticks]=$(( ${fig[$id.ticks]:-0} + a1 - a0 ))
	fig[$id.ns]=$(( ${fig[$id.ns]:-0} + b1 - b0 ))
	fig[$id.out]=$(( ${fig[$id.out]:-0} + s1 - ${run[$id.s0]} ))
	if [ "${fig[$id.rss]:-0}" -lt "$rss" ]; then
		fig[$id.rss]=$rss
	fi
	fig[$id.reps]=$(( ${fig[$id.reps]:-0} + 1 ))
	if [ -n "$keep" ]; then
		mkdir -p "$keep"
		cp "$tmp/rec.$id" "$keep/$id.r$rep.out"
	fi
	rm -f "$tmp/rec.$id"
}

# Let SECONDS pass, interruptibly.
pause()
{
	sleep "$1" &
	running=$!
	wait "$running" || true
	running=
}

# Derived figures of KEY.LEVEL from the sums: cpu (ms per refresh, from
# schedstat), cpu_ticks (the same from /proc/PID/stat), bytes (per second),
# bpr (bytes per refresh), refresh (refreshes per repetition).
figures()
{
	local id=$1 hz

	[ "${fig[$id.reps]:-0}" -gt 0 ] || return 0
	hz=$(getconf CLK_TCK)
	fig[$id.cpu]=$(awk -v ns="${fig[$id.ns]}" -v n="${fig[$id.n]}" \
	    'BEGIN { printf "%.3f\n", ns / 1e6 / n }')
	fig[$id.cpu_ticks]=$(awk -v t="${fig[$id.ticks]}" -v n="${fig[$id.n]}" \
	    -v hz="$hz" 'BEGIN { printf "%.2f\n", t * 1000 / hz / n }')
	fig[$id.bytes]=$(awk -v b="${fig[$id.out]}" -v s="${fig[$id.secs]}" \
	    'BEGIN { printf "%.0f\n", b / s }')
	fig[$id.bpr]=$(awk -v b="${fig[$id.out]}" -v n="${fig[$id.n]}" \
	    'BEGIN { printf "%.0f\n", b / n }')
	fig[$id.refresh]=$(awk -v n="${fig[$id.n]}" -v r="${fig[$id.reps]}" \
	    'BEGIN { printf "%.1f\n", n / r }')
	fig[$id.secs_rep]=$(awk -v s="${fig[$id.secs]}" -v r="${fig[$id.reps]}" \
	    'BEGIN { printf "%.2f\n", s / r }')
	fig[$id.ok]=1
}

get()
{
	if [ "${fig[$1.ok]:-0}" = 1 ]; then
		echo "${fig[$1.$2]}"
	else
		echo n/a
	fi
}

# µs per process per refresh: CPU ms per refresh / processes.
per_proc()
{
	awk -v c="$1" -v p="$2" 'BEGIN {
		if (c == "n/a" || p + 0 == 0) print "n/a";
		else printf "%.1f\n", c * 1000 / p }'
}

# --- one level --------------------------------------------------------------

bench_level()
{
	local extra=$1 total k vh vn h rep

	log "bench_tui: level +$extra: starting idle processes"
	start_idle "$extra"
	total=$(count_procs)
	fig[procs.$extra]=$total

	for ((rep = 1; rep <= reps; rep++)); do
		# Fresh configuration directories each time: htop saves its
		# htoprc on exit.
		rm -rf "$tmp/cfg.vhist.$extra" "$tmp/cfg.vnohist.$extra" \
		    "$tmp/cfg.htop.$extra"
		mkdir -p "$tmp/cfg.vhist.$extra/.config" \
		    "$tmp/cfg.vnohist.$extra/.config/vigil" \
		    "$tmp/cfg.htop.$extra/.config"
		echo 'columns = PID USER PRI NI VIRT RES SHR S CPU% MEM% TIME+ COMMAND' \
		    >"$tmp/cfg.vnohist.$extra/.config/vigil/vigilrc"

		if [ "$mode" = together ]; then
			log "bench_tui: level +$extra: $total processes, run $rep/$reps: vigil (history shown and hidden) and htop together"
			tool_start vhist "$extra" "$vigil" -d "$delay"
			tool_start vnohist "$extra" "$vigil" -d "$delay"
			tool_start htop "$extra" htop -d "$delay"
			pause "$warmup"
			for k in vhist vnohist htop; do
				tool_pipe "$k" "$extra"
			done
			pause 0.2
			for k in vhist vnohist htop; do
				tool_begin "$k" "$extra"
			done
			pause "$window"
			for k in vhist vnohist htop; do
				tool_end "$k" "$extra"
			done
		else
			for k in vhist vnohist htop; do
				log "bench_tui: level +$extra: $total processes, run $rep/$reps: $k"
				if [ "$k" = htop ]; then
					tool_start "$k" "$extra" htop -d "$delay"
				else
					tool_start "$k" "$extra" "$vigil" -d "$delay"
				fi
				pause "$warmup"
				tool_pipe "$k" "$extra"
				pause 0.2
				tool_begin "$k" "$extra"
				pause "$window"
				tool_end "$k" "$extra"
			done
		fi
		check_idle
	done
	stop_idle

	for k in vhist vnohist htop; do
		figures "$k.$extra"
	done
	for k in vhist vnohist htop; do
		log "bench_tui:   $k: $(get "$k.$extra" size) refreshes=$(get "$k.$extra" refresh) in $(get "$k.$extra" secs_rep)s (x$(get "$k.$extra" reps)) cpu_ms/refresh=$(get "$k.$extra" cpu) (stat: $(get "$k.$extra" cpu_ticks)) rss=$(get "$k.$extra" rss) bytes/s=$(get "$k.$extra" bytes)"
	done

	vh=$(get "vhist.$extra" cpu) vn=$(get "vnohist.$extra" cpu)
	h=$(get "htop.$extra" cpu)
	results+=("$(printf 'procs=%s (extra=%s) cpu_ms/refresh vigil(hist)=%s vigil(nohist)=%s htop=%s ratio_hist=%s (%s) ratio_nohist=%s (%s)  [limit 0.5]' \
	    "$total" "$extra" "$vh" "$vn" "$h" \
	    "$(ratio "$vh" "$h")" "$(verdict "$(ratio "$vh" "$h")" 0.5)" \
	    "$(ratio "$vn" "$h")" "$(verdict "$(ratio "$vn" "$h")" 0.5)")")
	results+=("$(printf 'procs=%s (extra=%s) cpu_ms/refresh(stat ticks) vigil(hist)=%s vigil(nohist)=%s htop=%s' \
	    "$total" "$extra" "$(get "vhist.$extra" cpu_ticks)" \
	    "$(get "vnohist.$extra" cpu_ticks)" "$(get "htop.$extra" cpu_ticks)")")
	results+=("$(printf 'procs=%s (extra=%s) us/process/refresh vigil(hist)=%s vigil(nohist)=%s htop=%s' \
	    "$total" "$extra" "$(per_proc "$vh" "$total")" \
	    "$(per_proc "$vn" "$total")" "$(per_proc "$h" "$total")")")
	vh=$(get "vhist.$extra" rss) vn=$(get "vnohist.$extra" rss)
	h=$(get "htop.$extra" rss)
	results+=("$(printf 'procs=%s (extra=%s) peak_rss_kib vigil(hist)=%s vigil(nohist)=%s htop=%s ratio_hist=%s ratio_nohist=%s' \
	    "$total" "$extra" "$vh" "$vn" "$h" "$(ratio "$vh" "$h")" \
	    "$(ratio "$vn" "$h")")")
	vh=$(get "vhist.$extra" bytes) vn=$(get "vnohist.$extra" bytes)
	h=$(get "htop.$extra" bytes)
	results+=("$(printf 'procs=%s (extra=%s) bytes/s vigil(hist)=%s vigil(nohist)=%s htop=%s ratio_hist=%s (%s, limit 1.5) ratio_nohist=%s (%s, limit 1.0)' \
	    "$total" "$extra" "$vh" "$vn" "$h" \
	    "$(ratio "$vh" "$h")" "$(verdict "$(ratio "$vh" "$h")" 1.5)" \
	    "$(ratio "$vn" "$h")" "$(verdict "$(ratio "$vn" "$h")" 1.0)")")
	results+=("$(printf 'procs=%s (extra=%s) bytes/refresh vigil(hist)=%s vigil(nohist)=%s htop=%s; refreshes vigil(hist)=%s vigil(nohist)=%s htop=%s' \
	    "$total" "$extra" "$(get "vhist.$extra" bpr)" \
	    "$(get "vnohist.$extra" bpr)" "$(get "htop.$extra" bpr)" \
	    "$(get "vhist.$extra" refresh)" "$(get "vnohist.$extra" refresh)" \
	    "$(get "htop.$extra" refresh)")")
}

# Marginal cost between the lowest and highest level: d(cpu) / d(procs).
marginal()
{
	local k=$1 lo=$2 hi=$3

	awk -v a="$(get "$k.$lo" cpu)" -v b="$(get "$k.$hi" cpu)" \
	    -v p="${fig[procs.$lo]}" -v q="${fig[procs.$hi]}" 'BEGIN {
		if (a == "n/a" || b == "n/a" || q == p) print "n/a";
		else printf "%.1f\n", (b - a) * 1000 / (q - p) }'
}

# --- main -------------------------------------------------------------------

case $mode in
together|apart) ;;
*) die "BENCH_MODE must be together or apart, not $mode" ;;
esac
[ -x "$vigil" ] || die "no vigil at $vigil (pass it as the first argument or in VIGIL)"
command -v htop >/dev/null || die "htop is needed"
command -v tmux >/dev/null || die "tmux is needed"
command -v cc >/dev/null || die "cc is needed to build spawn_idle"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-tui.XXXXXX")
cc -std=gnu11 -O2 -o "$tmp/spawn_idle" "$bench_dir/spawn_idle.c" ||
    die "cannot build spawn_idle"
vigil=$(realpath "$vigil")	# the pane does not start in our directory

if [ -n "${BENCH_TERM:-}" ]; then
	term=$BENCH_TERM
elif infocmp tmux-256color >/dev/null 2>&1; then
	term=tmux-256color
else
	term=screen
fi
# Private tmux server: no user config, no status line (the pane gets all
# 50 rows), the pane stays after its command exits so a failure is seen.
cat >"$tmp/tmux.conf" <<EOF
set -g default-terminal $term
set -g status off
set -g remain-on-exit on
set -g default-size ${cols}x${rows}
EOF
tmux -L "$tmux_name" -f "$tmp/tmux.conf" start-server \; \
    new-session -d -s idle -x "$cols" -y "$rows" 'sleep 100000' ||
    die "cannot start tmux"
tmux_up=1
tmux_sock=$(tmux -L "$tmux_name" display-message -p '#{socket_path}')
unset COLUMNS LINES

need=0
for l in $levels; do
	if [ "$l" -gt "$need" ]; then
		need=$l
	fi
done
need=$((need + $(count_procs) + 200))
if [ "$(ulimit -u)" != unlimited ] && [ "$(ulimit -u)" -lt "$need" ]; then
	ulimit -u "$need" 2>/dev/null || ulimit -u unlimited 2>/dev/null ||
	    log "bench_tui: warning: ulimit -u is $(ulimit -u), need $need"
fi

check_perf
log "bench_tui: vigil $vigil ($("$vigil" --version 2>/dev/null | head -n 1 || echo ?))"
log "bench_tui: htop $(htop --version 2>/dev/null | head -n 1)"
if [ "$have_perf" = 0 ]; then
	log "bench_tui: refreshes not counted ($perf_why): window / delay used"
fi

start=$SECONDS
for l in $levels; do
	bench_level "$l"
done

lo= hi=
for l in $levels; do
	if [ -z "$lo" ] || [ "$l" -lt "$lo" ]; then lo=$l; fi
	if [ -z "$hi" ] || [ "$l" -gt "$hi" ]; then hi=$l; fi
done
if [ "$lo" != "$hi" ]; then
	results+=("$(printf 'marginal us/process/refresh (procs=%s..%s) vigil(hist)=%s vigil(nohist)=%s htop=%s' \
	    "${fig[procs.$lo]}" "${fig[procs.$hi]}" "$(marginal vhist "$lo" "$hi")" \
	    "$(marginal vnohist "$lo" "$hi")" "$(marginal htop "$lo" "$hi")")")
fi

if [ "$mode" = together ]; then
	mode_text="the three monitors run at the same time, in three panes"
else
	mode_text="one monitor at a time"
fi
if [ "$have_perf" = 1 ]; then
	how="counted with perf stat (vigil: timerfd_settime, htop: poll with timeout > 0)"
else
	how="window / delay ($perf_why)"
fi
cat <<EOF

vigil interactive benchmark on $(uname -n), $(nproc) CPUs, $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC')
vigil:  $vigil -d $delay (hist: default columns; nohist: vigilrc without CPU_HISTORY MEM_HISTORY)
htop:   $(htop --version 2>/dev/null | head -n 1), htop -d $delay, default settings (empty HOME and XDG_CONFIG_HOME)
pane:   ${cols}x${rows} detached tmux $(tmux -V | cut -d' ' -f2), TERM=$term, LANG=$bench_lang; $mode_text
window: ${window}s after ${warmup}s warm-up, x$reps per tool and level; refreshes $how
cpu:    on-CPU ns (schedstat, all threads) per refresh; "stat ticks" = utime+stime from /proc/PID/stat (10 ms ticks)
rss:    VmHWM at the end of the window; bytes: tmux pipe-pane recording of the pane's output over the window
procs = processes in /proc (kernel threads included), extra = idle processes added
targets (issue 3): cpu/refresh <= 0.5 x htop; bytes <= 1.0 x htop with history hidden, <= 1.5 x with it shown

EOF
printf '%s\n' "${results[@]}"
printf '\nbench_tui: %d s in all\n' $((SECONDS - start))
exit "$failed"
