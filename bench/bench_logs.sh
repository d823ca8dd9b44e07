#!/bin/bash
# Benchmark the log pane against tail -F on this machine, in one run.
#
# Usage: bench/bench_logs.sh [VIGIL]      (or VIGIL=path bench/bench_logs.sh)
#
# A writer appends numbered lines ("line N " and 60 bytes of text) to a
# file at each rate of BENCH_RATES lines a second (default "100 1000
# 10000"). Side by side, each in its own 200x50 tmux pane on a private
# server: vigil --log FILE with the log pane full screen (the selected
# process, a sleep, has no files of its own), and tail -F FILE. After
# BENCH_WARMUP seconds, over BENCH_WINDOW seconds, it measures each one's
# on-CPU time (schedstat, all threads) and the bytes it wrote to its
# terminal (tmux pipe-pane), then stops the writer and checks that each
# shows the last line written. It prints the figures and the vigil/tail
# ratios. vigil draws a changed pane at most ten times a second, so its
# terminal output stays a screenful per redraw however fast the log grows;
# tail writes every line. It never asserts on figures: it exits non-zero
# only when a tool failed to start.
#
# Environment: VIGIL, BENCH_RATES, BENCH_WINDOW (10), BENCH_WARMUP (3),
# BENCH_TERM (tmux-256color, else screen), BENCH_LANG (C.UTF-8).

set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
vigil=${1:-${VIGIL:-$bench_dir/../src/vigil}}
rates=${BENCH_RATES:-100 1000 10000}
window=${BENCH_WINDOW:-10}
warmup=${BENCH_WARMUP:-3}
bench_lang=${BENCH_LANG:-C.UTF-8}
tmux_name=vigil-bench-logs-$$
tmp=
spawner=
writer=
idle=

die()
{
	echo "bench_logs: $*" >&2
	exit 1
}

cleanup()
{
	[ -n "$writer" ] && kill "$writer" 2>/dev/null
	[ -n "$idle" ] && kill "$idle" 2>/dev/null
	tmux -L "$tmux_name" kill-server 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
	return 0
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
. "$bench_dir/lib.sh"

command -v tmux >/dev/null || die "tmux is not installed"
command -v python3 >/dev/null || die "python3 is not installed"
[ -x "$vigil" ] || die "no vigil at $vigil (build it, or pass its path)"
if infocmp tmux-256color >/dev/null 2>&1; then
	term=${BENCH_TERM:-tmux-256color}
else
	term=${BENCH_TERM:-screen}
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-logs.XXXXXX")
log=$tmp/app.log
sleep 100000 >/dev/null 2>&1 &
idle=$!

# write RATE: append numbered lines to $log at RATE a second, in batches
# every 10 ms, until killed (run in the background: the exec makes $! the
# writer itself).
write()
{
	exec python3 - "$log" "$1" <<'PY'
import sys, time
path, rate = sys.argv[1], int(sys.argv[2])
pad = "x" * 60
n, t0 = 0, time.monotonic()
with open(path, "a", buffering=1 << 16) as f:
    while True:
        due = int((time.monotonic() - t0) * rate)
        while n < due:
            n += 1
            f.write(f"line {n} {pad}\n")
        f.flush()
        time.sleep(0.01)
PY
}

pane_pid()
{
	tmux -L "$tmux_name" display -p -t "$1" '#{pane_pid}'
}

ns_of() { cpu_of "$1" | awk '{ print $2 }'; }
bytes_of() { stat -c %s "$1" 2>/dev/null || echo 0; }

printf '%-7s %-6s %12s %12s %14s %8s\n' rate tool "cpu ms/s" "cpu/line us" \
    "term KB/s" "newest"
for rate in $rates; do
	: >"$log"
	tmux -L "$tmux_name" kill-server 2>/dev/null || true
	tmux -L "$tmux_name" -f /dev/null new-session -d -s bench -x 200 -y 50 \
	    "env TERM=$term LANG=$bench_lang LC_ALL=$bench_lang \
	    XDG_CONFIG_HOME=$tmp/config XDG_STATE_HOME=$tmp/state \
	    $vigil --log $log -p $idle -d 10"
	tmux -L "$tmux_name" set -g status off
	tmux -L "$tmux_name" new-window -d -t bench:1 \
	    "env TERM=$term LANG=$bench_lang tail -F $log"
	for i in $(seq 100); do
		tmux -L "$tmux_name" capture-pane -p -t bench:0 |
		    grep -q 'F1Help' && break
		sleep 0.05
	done
	tmux -L "$tmux_name" send-keys -t bench:0 l z
	write "$rate" &
	writer=$!
	sleep "$warmup"
	# The pane's pid is the program's (tmux runs the command through
	# sh -c, which execs it: env does too).
	vpid=$(pane_pid bench:0)
	tpid=$(pane_pid bench:1)
	: >"$tmp/v.out"
	: >"$tmp/t.out"
	tmux -L "$tmux_name" pipe-pane -o -t bench:0 "cat >> $tmp/v.out"
	tmux -L "$tmux_name" pipe-pane -o -t bench:1 "cat >> $tmp/t.out"
	v0=$(ns_of "$vpid")
	t0=$(ns_of "$tpid")
	l0=$(wc -l <"$log")
	sleep "$window"
	v1=$(ns_of "$vpid")
	t1=$(ns_of "$tpid")
	l1=$(wc -l <"$log")
	vb=$(bytes_of "$tmp/v.out")
	tb=$(bytes_of "$tmp/t.out")
	kill "$writer"
	wait "$writer" 2>/dev/null || true
	writer=
	last=$(tail -1 "$log" | awk '{ print $2 }')
	sleep 1.5
	vnew=no
	tnew=no
	tmux -L "$tmux_name" capture-pane -p -t bench:0 >"$tmp/v.screen"
	tmux -L "$tmux_name" capture-pane -p -t bench:1 >"$tmp/t.screen"
	grep -q "line $last " "$tmp/v.screen" && vnew=yes
	grep -q "line $last " "$tmp/t.screen" && tnew=yes
	if [ -n "${BENCH_DEBUG:-}" ]; then
		tail -n 3 "$tmp/v.screen" "$tmp/t.screen" >&2
	fi
	lines=$((l1 - l0))
	[ "$lines" -gt 0 ] || lines=1
	awk -v r="$rate" -v w="$window" -v n="$lines" \
	    -v vc=$((v1 - v0)) -v tc=$((t1 - t0)) -v vb="$vb" -v tb="$tb" \
	    -v vn="$vnew" -v tn="$tnew" 'BEGIN {
		printf "%-7s %-6s %12.1f %12.2f %14.1f %8s\n", r, "vigil",
		    vc / 1e6 / w, vc / 1e3 / n, vb / 1024 / w, vn
		printf "%-7s %-6s %12.1f %12.2f %14.1f %8s\n", r, "tail",
		    tc / 1e6 / w, tc / 1e3 / n, tb / 1024 / w, tn
		printf "%-7s %-6s %12.2f %12s %14.2f\n", r, "ratio",
		    (tc > 0 ? vc / tc : 0), "", (tb > 0 ? vb / tb : 0)
	}'
done
