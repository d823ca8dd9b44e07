#!/bin/bash
# Benchmark the sampling profiler against perf record -g on this machine,
# in one run, on the same CPU-bound fixture (tests/fixtures/hot3, built
# with -O2 and no frame pointers).
#
# Usage: bench/bench_prof.sh [BUILDDIR]   (default: the current directory;
#        it needs BUILDDIR/src/vigil and BUILDDIR/tests/fixtures/hot3)
#
# For each rate (BENCH_RATES, default "99 999") and BENCH_REPS runs (3),
# medians reported:
# * baseline: hot3 does a fixed number of rounds of its three functions
#   alone (sized to about BENCH_SECONDS, default 5) and prints its own
#   wall time;
# * vigil: the same, with `vigil profile PID --rate R -o /dev/null`
#   attached from the start until hot3 exits. vigil's CPU time (user + sys
#   from wait4(2)) divided by the samples it took is its cost per sample
#   (one thread, so per thread-sample; start-up and symbolisation
#   included); hot3's wall time against the baseline is the slowdown.
# * perf: `perf record -e cpu-clock -F R -g -- hot3 N` (perf cannot attach
#   with -p to a running process on every virtual machine, and cpu-clock
#   is the event every machine has); perf's own CPU time is its rusage
#   minus hot3's (hot3 prints it), divided by the SAMPLE events of
#   `perf report --stats`. perf unwinds in the kernel, in the target's
#   time, so its cost shows up in the slowdown more than in its own CPU.
# * steady state: vigil's CPU time for a 4 s profile minus a 1 s one, over
#   the difference in samples: the cost per thread-sample once modules
#   and symbols are loaded.
# * eu-stack, when installed: CPU time of one `eu-stack -p PID` against
#   one `vigil dump PID`.
# It reports; it never asserts. It exits non-zero only when a tool failed.

set -eu

build=${1:-.}
vigil=$build/src/vigil
hot3=$build/tests/fixtures/hot3
rates=${BENCH_RATES:-99 999}
reps=${BENCH_REPS:-3}
seconds=${BENCH_SECONDS:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-prof.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

die()
{
	echo "bench_prof: $*" >&2
	exit 1
}

[ -x "$vigil" ] || die "no $vigil (give the build directory)"
[ -x "$hot3" ] || die "no $hot3 (make check builds it: make tests/fixtures/hot3)"

# run_cpu FILE CMD...: run CMD; its CPU seconds (itself and the children
# it waited for) into FILE.
run_cpu()
{
	local out=$1
	shift
	python3 - "$out" "$@" <<'PY'
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
open(sys.argv[1], "w").write("%.6f\n" % (ru.ru_utime + ru.ru_stime))
sys.exit(os.waitstatus_to_exitcode(status))
PY
}

median()
{
	sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Size the run: rounds for about $seconds seconds alone.
"$hot3" 2000 >"$tmp/cal"
rounds=$(awk -v s="$seconds" '{ printf "%d", 2000 * s / $2 }' "$tmp/cal")
echo "hot3: $rounds rounds (about $seconds s alone), $reps runs per figure, medians"
echo

have_perf=1
command -v perf >/dev/null 2>&1 || have_perf=0

printf '%-6s %-7s %14s %12s %10s\n' rate tool "cost/sample" samples slowdown
for rate in $rates; do
	: >"$tmp/base"; : >"$tmp/vcost"; : >"$tmp/vslow"; : >"$tmp/vn"
	: >"$tmp/pcost"; : >"$tmp/pslow"; : >"$tmp/pn"
	for ((i = 0; i < reps; i++)); do
		# Alone.
		"$hot3" "$rounds" | awk '{ print $2 }' >>"$tmp/base"
		base=$(tail -n 1 "$tmp/base")

		# vigil, attached while hot3 runs.
		"$hot3" "$rounds" >"$tmp/hot3.out" &
		p=$!
		run_cpu "$tmp/vcpu" "$vigil" profile "$p" --rate "$rate" \
		    -o /dev/null 2>"$tmp/verr" || die "vigil failed: $(cat "$tmp/verr")"
		wait "$p"
		n=$(sed -n 's/.* \([0-9][0-9]*\) samples collected.*/\1/p' "$tmp/verr")
		[ -n "$n" ] && [ "$n" -gt 0 ] || die "vigil took no sample: $(cat "$tmp/verr")"
		echo "$n" >>"$tmp/vn"
		awk -v c="$(cat "$tmp/vcpu")" -v n="$n" 'BEGIN { printf "%.2f\n", 1e6 * c / n }' >>"$tmp/vcost"
		awk -v b="$base" '{ printf "%.4f\n", $2 / b - 1 }' "$tmp/hot3.out" >>"$tmp/vslow"

		# perf record -g, starting hot3 itself.
		[ "$have_perf" = 1 ] || continue
		run_cpu "$tmp/pcpu" perf record -q -e cpu-clock -F "$rate" -g \
		    -o "$tmp/perf.data" -- "$hot3" "$rounds" >"$tmp/hot3.out" \
		    2>"$tmp/perr" || die "perf record failed: $(cat "$tmp/perr")"
		n=$(perf report -i "$tmp/perf.data" --stats 2>/dev/null |
		    awk '/SAMPLE events/ { print $3; exit }')
		[ -n "$n" ] && [ "$n" -gt 0 ] || { have_perf=0; echo "perf took no sample; left out"; continue; }
		echo "$n" >>"$tmp/pn"
		awk -v c="$(cat "$tmp/pcpu")" -v n="$n" '{ printf "%.2f\n", 1e6 * (c - $4) / n }' \
		    "$tmp/hot3.out" >>"$tmp/pcost"
		awk -v b="$base" '{ printf "%.4f\n", $2 / b - 1 }' "$tmp/hot3.out" >>"$tmp/pslow"
	done
	vc=$(median <"$tmp/vcost"); vs=$(median <"$tmp/vslow"); vn=$(median <"$tmp/vn")
	printf '%-6s %-7s %11s us %12s %9.1f%%\n' "$rate" vigil "$vc" "$vn" \
	    "$(awk -v s="$vs" 'BEGIN { print 100 * s }')"
	if [ -s "$tmp/pcost" ]; then
		pc=$(median <"$tmp/pcost"); ps=$(median <"$tmp/pslow"); pn=$(median <"$tmp/pn")
		printf '%-6s %-7s %11s us %12s %9.1f%%\n' "$rate" perf "$pc" "$pn" \
		    "$(awk -v s="$ps" 'BEGIN { print 100 * s }')"
		awk -v v="$vc" -v p="$pc" -v a="$vs" -v b="$ps" 'BEGIN {
			printf "%-6s ratio   vigil/perf cost per sample %.1fx, slowdown vigil %.1f%% vs perf %.1f%%\n",
			    "", (p > 0 ? v / p : 0), 100 * a, 100 * b }' "$rate"
	fi
done

# Steady state: the difference between a 1 s and a 4 s profile of the
# same endless hot3 is the cost of 3 s of sampling, without start-up.
echo
echo "steady state (4 s profile minus 1 s profile, start-up and symbol loading cancel out):"
"$hot3" >/dev/null &
hp=$!
for rate in $rates; do
	: >"$tmp/steady"
	for ((i = 0; i < reps; i++)); do
		for d in 1 4; do
			run_cpu "$tmp/scpu$d" "$vigil" profile "$hp" --rate "$rate" \
			    --duration "$d" --format folded -o "$tmp/s$d.folded" \
			    2>"$tmp/serr" || die "vigil failed: $(cat "$tmp/serr")"
		done
		awk -v c1="$(cat "$tmp/scpu1")" -v c4="$(cat "$tmp/scpu4")" \
		    -v n1="$(awk '{ n += $NF } END { print n }' "$tmp/s1.folded")" \
		    -v n4="$(awk '{ n += $NF } END { print n }' "$tmp/s4.folded")" \
		    'BEGIN { if (n4 > n1) printf "%.2f\n", 1e6 * (c4 - c1) / (n4 - n1) }' \
		    >>"$tmp/steady"
	done
	printf '%-6s vigil %11s us per thread-sample\n' "$rate" "$(median <"$tmp/steady")"
done
kill "$hp"
wait "$hp" 2>/dev/null || true

if command -v eu-stack >/dev/null 2>&1; then
	"$hot3" >/dev/null &
	p=$!
	sleep 0.5
	run_cpu "$tmp/ecpu" eu-stack -p "$p" >/dev/null 2>&1 || true
	run_cpu "$tmp/dcpu" "$vigil" dump "$p" >/dev/null 2>&1 || true
	kill "$p"
	echo
	echo "one stack dump: eu-stack $(cat "$tmp/ecpu") s, vigil dump $(cat "$tmp/dcpu") s (CPU)"
else
	echo
	echo "eu-stack is not installed (elfutils): not compared"
fi
