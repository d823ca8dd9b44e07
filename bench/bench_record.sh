#!/bin/bash
# Benchmark vigil record against atop -w on this machine, in one run.
#
# Usage: bench/bench_record.sh [VIGIL]     (or VIGIL=path bench/bench_record.sh)
#
# For each count of BENCH_PROCS idle processes (default "1000 5000"), side
# by side at the same interval BENCH_INTERVAL (default 5 s) for
# BENCH_WINDOW seconds (default 60): vigil record into a fresh store,
# atop -w into a raw file, and vigil --batch (the monitor's sampler alone,
# without and with --io, output to /dev/null). It prints, per count:
#   disk per day: vigil's store for a day of frames (its keyframes every 10
#     minutes and its delta frames at their measured sizes) and atop's raw
#     file (its measured bytes per sample times a day of samples);
#   bytes per process-frame for both;
#   the on-CPU time of each (schedstat, all threads) over the window, and
#     the ratios of the recorder to atop and to the batch samplers;
#   the recorder's peak RSS (VmHWM).
# Then replay, on a 24 h store per count (17,280 frames 5 s apart, written
# by bench/gen_store through the store's own writer with a simulated clock):
#   jump: the CPU (getrusage of the child) of
#     vigil --batch --replay DIR --from T --to T --count 1
#     for T 23 h, 12 h, 1 h and 1 min ago (open the store, seek, rebuild);
#   in the monitor, driven in tmux with VIGIL_REPLAY_TIMES=FILE (the TUI
#     logs the CPU of each move): opening at 12 h ago, a frame forward (the
#     incremental step), a frame back and a minute forward (both rebuild).
# It never asserts on figures: it exits non-zero only when a tool failed.
#
# Environment: VIGIL, BENCH_PROCS, BENCH_INTERVAL, BENCH_WINDOW,
# BENCH_PARTS ("record replay", the default, or either alone),
# BENCH_STEPS (frames stepped forward in the monitor, default 100).

set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
vigil=${1:-${VIGIL:-$bench_dir/../src/vigil}}
counts=${BENCH_PROCS:-1000 5000}
interval=${BENCH_INTERVAL:-5}
window=${BENCH_WINDOW:-60}
tmp=
spawner=
pids=

die()
{
	echo "bench_record: $*" >&2
	exit 1
}

stop_all()
{
	local p
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	pids=
}

cleanup()
{
	stop_all
	stop_idle
	tmux_r kill-server 2>/dev/null || true
	[ -n "$tmp" ] && rm -rf "$tmp"
	return 0
}
tmux_r() { tmux -L "vigil-bench-replay-$$" "$@"; }
trap cleanup EXIT

# shellcheck source=bench/lib.sh
. "$bench_dir/lib.sh"

command -v atop >/dev/null || die "atop is not installed (apt-get install atop)"
command -v python3 >/dev/null || die "python3 is not installed"
[ -x "$vigil" ] || die "no vigil at $vigil (build it, or pass its path)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-record.XXXXXX")
cc -O2 -o "$tmp/spawn_idle" "$bench_dir/spawn_idle.c" ||
    die "cannot build spawn_idle"
parts=${BENCH_PARTS:-record replay}
gen_store=${GEN_STORE:-$(dirname "$vigil")/../bench/gen_store}

ns_of() { set -- $(cpu_of "$1"); echo "$2"; }

# Bytes of a day of vigil frames: keyframes (sequence 0) every 10 minutes,
# delta frames at their mean size, from the store's record headers.
vigil_day()
{
	python3 - "$1" "$interval" <<'PY'
import glob, os, struct, sys
key, delta = [], []
files = sorted(glob.glob(sys.argv[1] + "/*.vrec"))
for f in files:
    b = open(f, "rb").read()
    off = 64
    while off + 24 <= len(b):
        magic, n, crc, seq = struct.unpack_from("<IIII", b, off)
        if magic != 0x31465256:
            break
        (key if seq == 0 else delta).append(24 + n)
        off += 24 + n
idx = sum(os.path.getsize(f) for f in glob.glob(sys.argv[1] + "/*.vidx"))
per_day = 86400 / float(sys.argv[2])
chunk = max(1, int(600 / float(sys.argv[2])))
k = sum(key) / len(key)
d = sum(delta) / len(delta) if delta else k
day = per_day / chunk * (k + 24) + (per_day - per_day / chunk) * d + 24 * 64
print("%d %d %d %d" % (day, k, d, len(key) + len(delta)))
PY
}

bench_recorder()
{
printf '%-6s %-26s %14s %12s\n' procs measure vigil atop
for n in $counts; do
	start_idle "$n"
	procs=$(count_procs)
	rm -rf "$tmp/rec" "$tmp/atop.raw"
	"$vigil" record --foreground --interval "${interval}s" \
	    --dir "$tmp/rec" --keep 0 --max-size 0 &
	rec=$!
	atop -w "$tmp/atop.raw" "$interval" >/dev/null 2>&1 &
	at=$!
	"$vigil" --batch -d "${interval}s" >/dev/null &
	bt=$!
	"$vigil" --batch --io -d "${interval}s" >/dev/null &
	bio=$!
	pids="$rec $at $bt $bio"
	# After the first sample of each (a store file, atop's header and one
	# sample), measure over the window.
	for i in $(seq 1 200); do
		[ -s "$tmp/atop.raw" ] && ls "$tmp/rec"/*.vrec >/dev/null 2>&1 &&
		    break
		sleep 0.1
	done
	sleep 1
	a0=$(stat -c %s "$tmp/atop.raw")
	r0=$(ns_of "$rec"); t0=$(ns_of "$at"); b0=$(ns_of "$bt")
	i0=$(ns_of "$bio")
	sleep "$window"
	check_idle
	for p in $rec $at $bt $bio; do
		kill -0 "$p" 2>/dev/null || die "a recorder or sampler died"
	done
	r1=$(ns_of "$rec"); t1=$(ns_of "$at"); b1=$(ns_of "$bt")
	i1=$(ns_of "$bio")
	a1=$(stat -c %s "$tmp/atop.raw")
	hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$rec/status")
	stop_all
	read -r vday vkey vdelta vframes <<<"$(vigil_day "$tmp/rec")"
	samples=$(( window / interval ))
	aday=$(python3 -c "print(int(($a1 - $a0) / $samples * 86400 / $interval))")
	python3 - "$n" "$procs" "$vday" "$vkey" "$vdelta" "$aday" \
	    "$((r1 - r0))" "$((t1 - t0))" "$((b1 - b0))" "$((i1 - i0))" \
	    "$hwm" "$interval" "$window" <<'PY'
import sys
(n, procs, vday, vkey, vdelta, aday, rec, atop, bt, bio, hwm, iv,
    win) = map(float, sys.argv[1:])
frames_day = 86400 / iv
row = lambda m, v, a: print("%-6d %-26s %14s %12s" % (n, m, v, a))
row("processes in /proc", "%d" % procs, "")
row("disk per day (MB)", "%.1f" % (vday / 1e6), "%.1f" % (aday / 1e6))
row("bytes per process-frame", "%.2f" % (vday / frames_day / procs),
    "%.2f" % (aday / frames_day / procs))
row("keyframe / delta (bytes)", "%d / %d" % (vkey, vdelta), "")
row("CPU ms per frame", "%.2f" % (rec / 1e6 / (win / iv)),
    "%.2f" % (atop / 1e6 / (win / iv)))
row("CPU: batch, batch --io (ms)", "%.2f, %.2f" % (bt / 1e6 / (win / iv),
    bio / 1e6 / (win / iv)), "")
row("disk ratio vigil/atop", "%.2f" % (vday / aday if aday else 0), "")
row("CPU ratio vigil/atop", "%.2f" % (rec / atop if atop else 0), "")
row("CPU ratio vigil/batch", "%.2f" % (rec / bt if bt else 0), "")
row("CPU ratio vigil/batch --io", "%.2f" % (rec / bio if bio else 0), "")
row("recorder peak RSS (MB)", "%.1f" % (hwm / 1024), "")
PY
done
stop_idle
}

# CPU ms of one batch jump: vigil --batch --replay DIR --from T --to T.
jump_ms()
{
	python3 - "$vigil" "$1" "$2" <<'PY'
import resource, subprocess, sys
v, d, t = sys.argv[1:]
subprocess.run([v, "--batch", "--replay", d, "--from", t, "--to", t,
    "--count", "1"], stdout=subprocess.DEVNULL, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.1f" % ((r.ru_utime + r.ru_stime) * 1e3))
PY
}


# tui_moves FILE COUNT: wait until the monitor logged COUNT moves.
tui_moves()
{
	local i
	for i in $(seq 1 600); do
		[ "$(wc -l < "$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.05
	done
	die "the monitor did not log move $2"
}

# tui_press KEY N FILE: press KEY N times, each after the last was done.
tui_press()
{
	local i have
	have=$(wc -l < "$3")
	for i in $(seq 1 "$2"); do
		tmux_r send-keys -t bench -- "$1"
		tui_moves "$3" $((have + i))
	done
}

bench_replay()
{
	local n d t times steps=${BENCH_STEPS:-100}

	[ -x "$gen_store" ] || die "no gen_store at $gen_store (make builds it)"
	command -v tmux >/dev/null || die "tmux is not installed"
	printf '%-6s %-34s %14s\n' procs "replay, 24 h store" "CPU ms"
	for n in $counts; do
		d=$tmp/store$n
		rm -rf "$d"
		"$gen_store" "$d" "$n" $((86400 / 5)) 5 ||
		    die "gen_store failed"
		printf '%-6d %-34s %14s\n' "$n" "store size (MB)" \
		    "$(du -sm "$d" | cut -f1)"
		for t in "23h ago" "12h ago" "1h ago" "1m ago"; do
			printf '%-6d %-34s %14s\n' "$n" "batch jump to $t" \
			    "$(jump_ms "$d" "$t")"
		done
		times=$tmp/times$n
		: > "$times"
		tmux_r -f /dev/null new-session -d -s bench -x 160 -y 50 \
		    env VIGIL_REPLAY_TIMES="$times" TERM=xterm \
		    XDG_CONFIG_HOME="$tmp/cfg" "$vigil" --replay "$d" \
		    --at "12h ago"
		tui_moves "$times" 1
		tui_press ')' "$steps" "$times"
		tui_press '(' 20 "$times"
		tui_press '}' 20 "$times"
		tmux_r kill-server 2>/dev/null || true
		python3 - "$n" "$times" <<'PY'
import statistics, sys
n, f = int(sys.argv[1]), sys.argv[2]
m = {}
for l in open(f):
    k, v = l.split()
    m.setdefault(k, []).append(float(v))
name = {"open": "TUI open at 12h ago", "step": "TUI ) frame forward",
    "back": "TUI ( frame back", "jump": "TUI } minute forward"}
for k in ("open", "step", "back", "jump"):
    v = m.get(k, [])
    if v:
        print("%-6d %-34s %14s" % (n, name[k] + " (median/max)",
            "%.2f / %.2f" % (statistics.median(v), max(v))))
PY
	done
}

for part in $parts; do
	case $part in
	record) bench_recorder ;;
	replay) bench_replay ;;
	*) die "BENCH_PARTS: no part $part" ;;
	esac
done
