#!/bin/bash
# Benchmark vigil --batch against top -b and htop on this machine, in one run.
#
# Usage: bench/bench.sh [VIGIL]      (or VIGIL=path bench/bench.sh)
#
# For each level of extra idle processes (BENCH_LEVELS, default "0 1000
# 5000") it measures CPU time per refresh, peak RSS and bytes written per
# refresh, then checks vigil's peak RSS with BENCH_MEM_PROCS (default 10000)
# idle processes and full 300-sample histories against the 40 MB budget.
# It reports; it never asserts timing. It exits non-zero only when a tool
# failed to run.
#
# How each figure is taken:
# * vigil and top run as `vigil --batch -n N -d 1` and `top -b -n N -d 0.1`
#   with output to /dev/null under a small wrapper (built here) that reads
#   the child's rusage from wait4(2): CPU = user + sys of the whole run
#   (start-up and the first, uncounted sample included) divided by N; peak
#   RSS = ru_maxrss. The median of BENCH_REPS runs is reported.
# * htop has no batch mode: it runs as `htop -d 1` in a detached tmux
#   session and, after BENCH_HTOP_WARMUP seconds, `perf stat` attached to it
#   for BENCH_HTOP_SECONDS counts its on-CPU time (task-clock) and its
#   refreshes (each refresh ends in one poll(2) of stdin with a 100 ms
#   timeout; keypresses would add more, and none are sent). Its start-up is
#   not in the window, which flatters htop a little. Peak RSS is VmHWM at
#   the end of the window. Skipped (and said so) without htop, tmux or perf.
# * bytes per refresh: a separate run of BENCH_BYTES_REFRESHES refreshes
#   to a file, counted with wc -c.
#
# Environment: VIGIL, BENCH_LEVELS, BENCH_REFRESHES (20), BENCH_REPS (3),
# BENCH_BYTES_REFRESHES (5), BENCH_HTOP_WARMUP (2), BENCH_HTOP_SECONDS (4),
# BENCH_MEM_PROCS (10000; 0 skips the check), BENCH_MEM_TIMEOUT (300).

set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
vigil=${1:-${VIGIL:-$bench_dir/../src/vigil}}
levels=${BENCH_LEVELS:-0 1000 5000}
refreshes=${BENCH_REFRESHES:-20}
reps=${BENCH_REPS:-3}
bytes_refreshes=${BENCH_BYTES_REFRESHES:-5}
htop_warmup=${BENCH_HTOP_WARMUP:-2}
htop_seconds=${BENCH_HTOP_SECONDS:-4}
mem_procs=${BENCH_MEM_PROCS:-10000}
mem_timeout=${BENCH_MEM_TIMEOUT:-300}
mem_budget_mb=40

tmp=
spawner=
running=
tmux_sock=
failed=0
results=()

cleanup()
{
	set +e
	if [ -n "$running" ]; then
		kill -TERM "$running" 2>/dev/null
		wait "$running" 2>/dev/null
	fi
	stop_idle
	if [ -n "$tmux_sock" ]; then
		tmux -S "$tmux_sock" kill-server 2>/dev/null
	fi
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
	log "bench: $*"
	exit 1
}

# --- helpers built here -----------------------------------------------------

# The wrapper: run a command, print "user_s sys_s maxrss_kib wall_s status"
# from wait4(2)'s rusage to a file; kill it after a time limit.
write_runstat()
{
	cat >"$tmp/runstat.c" <<'EOF'
/* Run a command and report its rusage: user sys maxrss wall status. */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t	timed_out;

static void
runstat_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

int
main(int argc, char **argv)
{
	struct sigaction	sa = { .sa_handler = runstat_alarm };
	struct timespec		t0, t1;
	struct rusage		ru;
	FILE			*f;
	pid_t			pid, self = getpid();
	int			status;

	if (argc < 4)
		errx(2, "usage: runstat OUT SECONDS CMD...");
	/* If the script is killed, we go, and the tool with us. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != self)
			_exit(127);
		execvp(argv[3], argv + 3);
		err(127, "%s", argv[3]);
	}
	sigaction(SIGALRM, &sa, NULL);
	alarm(atoi(argv[2]));
	while (wait4(pid, &status, 0, &ru) == -1) {
		if (errno != EINTR)
			err(1, "wait4");
		if (timed_out)
			kill(pid, SIGTERM);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if ((f = fopen(argv[1], "w")) == NULL)
		err(1, "%s", argv[1]);
	fprintf(f, "%ld.%06ld %ld.%06ld %ld %.3f %s\n",
	    (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec,
	    (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec,
	    ru.ru_maxrss, (t1.tv_sec - t0.tv_sec) +
	    (t1.tv_nsec - t0.tv_nsec) / 1e9, timed_out ? "timeout" :
	    WIFEXITED(status) ? (WEXITSTATUS(status) == 0 ? "ok" : "fail") :
	    "signal");
	fclose(f);
	return (timed_out || !WIFEXITED(status) ? 1 : WEXITSTATUS(status));
}
EOF
}

build_helpers()
{
	command -v cc >/dev/null || die "cc is needed to build the helpers"
	cc -std=gnu11 -O2 -o "$tmp/spawn_idle" "$bench_dir/spawn_idle.c" ||
	    die "cannot build spawn_idle"
	write_runstat
	cc -std=gnu11 -O2 -o "$tmp/runstat" "$tmp/runstat.c" ||
	    die "cannot build the rusage wrapper"
}

# --- idle processes: bench/lib.sh -------------------------------------------

. "$(dirname "$0")/lib.sh"

# --- measurements -----------------------------------------------------------

# Run CMD... under the wrapper (figures to $tmp/rs, stderr to $tmp/err) in
# the background, so that a signal to this script is handled at once and
# not after a long run; fail if the idle processes died meanwhile.
runstat()
{
	local st=0

	rm -f "$tmp/rs"
	"$tmp/runstat" "$tmp/rs" "$mem_timeout" "$@" >/dev/null \
	    2>"$tmp/err" </dev/null &
	running=$!
	wait "$running" || st=$?
	running=
	check_idle
	return "$st"
}

# Print the median of the numbers on standard input.
median()
{
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) print "nan";
		else if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A/B, or n/a.
ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a";
		else printf "%.2f\n", a / b }'
}

# Run one tool under the wrapper; append "cpu_ms_per_refresh rss_kib wall"
# to FILE. Arguments: FILE TOOLNAME CMD...
measure_run()
{
	local file=$1 name=$2 u s rss wall st

	shift 2
	if ! runstat "$@"; then
		log "bench: $name failed: $*"
		sed 's/^/    /' "$tmp/err" >&2
		failed=1
		return 0
	fi
	read -r u s rss wall st <"$tmp/rs"
	awk -v u="$u" -v s="$s" -v n="$refreshes" -v r="$rss" -v w="$wall" \
	    'BEGIN { printf "%.3f %d %.2f\n", (u + s) * 1000 / n, r, w }' \
	    >>"$file"
}

# Bytes written per refresh by CMD... that makes BYTES_REFRESHES refreshes;
# sets bytes_out.
measure_bytes()
{
	local name=$1

	shift
	bytes_out=n/a
	if ! "$@" >"$tmp/out" 2>"$tmp/err"; then
		log "bench: $name failed (bytes run): $*"
		sed 's/^/    /' "$tmp/err" >&2
		failed=1
		return 0
	fi
	bytes_out=$(wc -c <"$tmp/out" | awk -v n="$bytes_refreshes" \
	    '{ printf "%.0f\n", $1 / n }')
	rm -f "$tmp/out"
}

# Column C of FILE (median for CPU and wall, maximum for RSS).
col_median()
{
	[ -s "$1" ] || { echo n/a; return; }
	awk -v c="$2" '{ print $c }' "$1" | median
}
col_max()
{
	[ -s "$1" ] || { echo n/a; return; }
	awk -v c="$2" '$c > m { m = $c } END { print m }' "$1"
}

have_htop=0
htop_why=
check_htop()
{
	local t

	for t in htop tmux perf; do
		if ! command -v "$t" >/dev/null; then
			htop_why="$t not installed"
			return
		fi
	done
	if ! perf stat -e task-clock -- true >/dev/null 2>&1; then
		htop_why="perf stat does not work here"
		return
	fi
	if ! perf list syscalls:sys_enter_poll 2>/dev/null |
	    grep -q 'sys_enter_poll '; then
		htop_why="no syscalls:sys_enter_poll tracepoint"
		return
	fi
	have_htop=1
}

# htop in a detached tmux session; sets htop_cpu (ms per refresh), htop_rss
# (KiB) and htop_n (refreshes counted).
measure_htop()
{
	local pid out ms polls rss

	htop_cpu=n/a htop_rss=n/a htop_n=0
	tmux_sock=$tmp/tmux.sock
	if ! tmux -S "$tmux_sock" new-session -d -x 200 -y 50 \
	    'exec htop -d 1' 2>"$tmp/err"; then
		log "bench: htop: cannot start tmux: $(cat "$tmp/err")"
		failed=1
		return 0
	fi
	pid=$(tmux -S "$tmux_sock" display-message -p '#{pane_pid}')
	sleep "$htop_warmup"
	if ! kill -0 "$pid" 2>/dev/null ||
	    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != htop ]; then
		log "bench: htop did not start in tmux"
		failed=1
		tmux -S "$tmux_sock" kill-server 2>/dev/null || true
		return 0
	fi
	out=$(perf stat -x, -e task-clock -e syscalls:sys_enter_poll \
	    --filter 'timeout_msecs > 0' -p "$pid" -- \
	    sleep "$htop_seconds" 2>&1 >/dev/null) || true
	rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) ||
	    rss=
	tmux -S "$tmux_sock" kill-server 2>/dev/null || true
	ms=$(printf '%s\n' "$out" | awk -F, '$3 == "task-clock" { print $1 }')
	polls=$(printf '%s\n' "$out" |
	    awk -F, '$3 == "syscalls:sys_enter_poll" { print $1 }')
	case $polls in
	''|0|*[!0-9]*)
		log "bench: htop: perf stat gave no usable figures:"
		printf '%s\n' "$out" | sed 's/^/    /' >&2
		failed=1
		return 0
		;;
	esac
	htop_cpu=$(awk -v ms="$ms" -v n="$polls" \
	    'BEGIN { printf "%.3f\n", ms / n }')
	htop_rss=${rss:-n/a}
	htop_n=$polls
}

# --- one level --------------------------------------------------------------

bench_level()
{
	local extra=$1 total rep v t h vc tc vr tr vb tb hc hr hn vw tw

	log "bench: level +$extra: starting idle processes"
	start_idle "$extra"
	total=$(count_procs)
	log "bench: level +$extra: $total processes; vigil and top x$reps"
	v=$tmp/vigil.$extra
	t=$tmp/top.$extra
	: >"$v"
	: >"$t"
	for ((rep = 0; rep < reps; rep++)); do
		measure_run "$v" vigil "$vigil" --batch -n "$refreshes" -d 1
		measure_run "$t" top top -b -n "$refreshes" -d 0.1
	done
	vc=$(col_median "$v" 1)
	tc=$(col_median "$t" 1)
	vr=$(col_max "$v" 2)
	tr=$(col_max "$t" 2)
	vw=$(col_median "$v" 3)
	tw=$(col_median "$t" 3)

	hc=n/a hr=n/a hn=0
	if [ "$have_htop" = 1 ]; then
		log "bench: level +$extra: htop ${htop_seconds}s window"
		measure_htop
		hc=$htop_cpu hr=$htop_rss hn=$htop_n
	fi

	log "bench: level +$extra: bytes"
	measure_bytes vigil "$vigil" --batch -n "$bytes_refreshes" -d 1
	vb=$bytes_out
	measure_bytes top top -b -n "$bytes_refreshes" -d 0.1
	tb=$bytes_out
	check_idle
	stop_idle

	results+=("$(printf 'extra=%s total=%s cpu_ms/refresh vigil=%s top=%s htop=%s vigil/top=%s vigil/htop=%s' \
	    "$extra" "$total" "$vc" "$tc" "$hc" "$(ratio "$vc" "$tc")" \
	    "$(ratio "$vc" "$hc")")")
	results+=("$(printf 'extra=%s total=%s peak_rss_kib vigil=%s top=%s htop=%s vigil/top=%s vigil/htop=%s' \
	    "$extra" "$total" "$vr" "$tr" "$hr" "$(ratio "$vr" "$tr")" \
	    "$(ratio "$vr" "$hr")")")
	results+=("$(printf 'extra=%s total=%s bytes/refresh vigil=%s top=%s vigil/top=%s' \
	    "$extra" "$total" "$vb" "$tb" "$(ratio "$vb" "$tb")")")
	results+=("$(printf 'extra=%s total=%s wall_s(%d refreshes) vigil=%s top=%s htop_refreshes_in_%ss=%s' \
	    "$extra" "$total" "$refreshes" "$vw" "$tw" "$htop_seconds" "$hn")")
}

# --- memory budget ----------------------------------------------------------

bench_memory()
{
	local u s rss wall st total mb

	log "bench: memory: starting $mem_procs idle processes"
	start_idle "$mem_procs"
	total=$(count_procs)
	log "bench: memory: $total processes; vigil -n 310 --history-size 300"
	if ! runstat "$vigil" --batch -d 1 -n 310 --history-size 300 \
	    --format json; then
		log "bench: memory: vigil failed or timed out:"
		sed 's/^/    /' "$tmp/err" >&2
		failed=1
	fi
	stop_idle
	if ! [ -s "$tmp/rs" ]; then
		results+=("memory procs=$mem_procs: no result")
		return 0
	fi
	read -r u s rss wall st <"$tmp/rs"
	mb=$(awk -v r="$rss" 'BEGIN { printf "%.1f\n", r / 1024 }')
	results+=("$(printf 'memory extra=%s total=%s history=300 refreshes=310 vigil_peak_rss_mb=%s budget_mb=%s %s wall_s=%s cpu_ms/refresh=%s status=%s' \
	    "$mem_procs" "$total" "$mb" "$mem_budget_mb" \
	    "$(awk -v m="$mb" -v b="$mem_budget_mb" \
	    'BEGIN { print (m <= b ? "within" : "OVER") }')" "$wall" \
	    "$(awk -v u="$u" -v s="$s" \
	    'BEGIN { printf "%.3f\n", (u + s) * 1000 / 310 }')" "$st")")
}

# --- main -------------------------------------------------------------------

[ -x "$vigil" ] || die "no vigil at $vigil (pass it as the first argument or in VIGIL)"
command -v top >/dev/null || die "top is needed"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
build_helpers

# Default configurations for every tool; top's width from its own default.
mkdir -p "$tmp/home/.config"
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
unset COLUMNS LINES

# Room for the idle processes: ulimit -u, pid_max, threads-max.
need=$mem_procs
for l in $levels; do
	if [ "$l" -gt "$need" ]; then
		need=$l
	fi
done
need=$((need + $(count_procs) + 200))
if [ "$(ulimit -u)" != unlimited ] && [ "$(ulimit -u)" -lt "$need" ]; then
	ulimit -u "$need" 2>/dev/null || ulimit -u unlimited 2>/dev/null ||
	    log "bench: warning: ulimit -u is $(ulimit -u), need $need"
fi
pid_max=$(cat /proc/sys/kernel/pid_max)
[ "$pid_max" -ge "$need" ] ||
    log "bench: warning: pid_max is $pid_max, need about $need"

check_htop
log "bench: vigil $vigil ($("$vigil" --version 2>/dev/null || echo ?))"
log "bench: top $(top -V 2>/dev/null | head -n 1)"
if [ "$have_htop" = 1 ]; then
	log "bench: htop $(htop --version 2>/dev/null | head -n 1)"
else
	log "bench: htop not measured: $htop_why"
fi

start=$SECONDS
for l in $levels; do
	bench_level "$l"
done
if [ "$mem_procs" -gt 0 ]; then
	bench_memory
fi

if [ "$have_htop" = 1 ]; then
	tools="vigil, top, htop"
else
	tools="vigil, top (htop not measured: $htop_why)"
fi
cat <<EOF

vigil benchmark on $(uname -n), $(nproc) CPUs, $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC')
tools: $tools
vigil: $vigil --batch -n $refreshes -d 1 >/dev/null
top:   top -b -n $refreshes -d 0.1 >/dev/null
htop:  htop -d 1 in a detached 200x50 tmux pane, perf stat over ${htop_seconds}s after ${htop_warmup}s warm-up
cpu: (user+sys)/refreshes, median of $reps runs; vigil and top include start-up and their first sample, htop only its steady state
rss: peak RSS (ru_maxrss, max of $reps runs; htop: VmHWM); bytes: wc -c over $bytes_refreshes refreshes
extra = idle processes added, total = processes in /proc (kernel threads included)

EOF
printf '%s\n' "${results[@]}"
printf '\nbench: %d s in all\n' $((SECONDS - start))
exit "$failed"
