#!/bin/bash
# Benchmark the sampling profiler's two methods against perf record on
# this machine, in one run, on the same CPU-bound fixture
# (tests/fixtures/hot3, built with -O2 and no frame pointers).
#
# Usage: bench/bench_prof.sh [BUILDDIR]   (default: the current directory;
#        it needs BUILDDIR/src/vigil and BUILDDIR/tests/fixtures/hot3)
#
# For each rate (BENCH_RATES, default "99 999") and BENCH_REPS runs (3),
# medians reported, side by side:
# * the work: `hot3 for=S` does rounds of its three functions for
#   BENCH_SECONDS (default 5) and prints how many: its own loop counts
#   its work. Each run starts two of them at once, the target and its
#   twin, which nothing profiles: on a machine others load too, both get
#   the same share of it. The slowdown is 1 - rounds / the twin's rounds
#   (work per wall second, what a user of the target feels), and the same
#   per CPU second of each (what the target pays in its own time: the
#   kernel's copy of its stack for perf_event is charged to it);
# * vigil perf, vigil ptrace: `vigil profile PID --method M --rate R
#   --duration S` attached from hot3's start. vigil's CPU time (user +
#   sys from wait4(2)) over the samples it took is its cost per sample
#   (one thread, so per thread-sample; start-up and symbolisation
#   included);
# * perf record: `perf record -e cpu-clock -F R --call-graph dwarf -p PID
#   -- sleep S` on the same kind of run, then `perf report --stdio` on its
#   data: perf's total cost per sample is the CPU time of both (perf
#   unwinds at report time) over the SAMPLE events of
#   `perf report --stats`.
# * steady state: vigil's CPU time for a 4 s profile minus a 1 s one, over
#   the difference in samples, for each method: the cost per
#   thread-sample once modules and symbols are loaded.
# * the time the target is stopped, for the ptrace method: every vigil
#   run writes its stops and the time they took (interrupt to resume; of
#   it, from the stop's wait status to the resume) to VIGIL_PROF_TIMES;
#   the sums over all runs, per stop.
# * eu-stack, when installed: CPU time of one `eu-stack -p PID` against
#   one `vigil dump PID`.
# It reports; it never asserts. It exits non-zero only when a tool failed.
# On a machine others load too, the slowdowns of one run are noisy even
# against the twin: the medians of more BENCH_REPS help.

set -eu

build=${1:-.}
vigil=$build/src/vigil
hot3=$build/tests/fixtures/hot3
rates=${BENCH_RATES:-99 999}
reps=${BENCH_REPS:-3}
seconds=${BENCH_SECONDS:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-prof.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export VIGIL_PROF_TIMES="$tmp/ptrace.times"

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
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

have_perf=1
command -v perf >/dev/null 2>&1 || have_perf=0

# profiled CMD...: hot3 for $seconds, and its twin, with CMD run beside
# them (the word PID in CMD becomes the target's); "ROUNDS CPU" of the
# target into $tmp/hot3.out, of the twin into $tmp/twin.out.
profiled()
{
	local p q word args=()
	"$hot3" "for=$seconds" >"$tmp/hot3.raw" &
	p=$!
	"$hot3" "for=$seconds" >"$tmp/twin.raw" &
	q=$!
	for word; do
		args+=("${word//PID/$p}")
	done
	"${args[@]}" || { kill "$p" "$q" 2>/dev/null; wait "$p" "$q"; return 1; }
	wait "$p" "$q"
	awk '{ print $2, $6 }' "$tmp/hot3.raw" >"$tmp/hot3.out"
	awk '{ print $2, $6 }' "$tmp/twin.raw" >"$tmp/twin.out"
}

# slowdowns: "WALL CPU" slowdowns (fractions) of the target against its
# twin in the last run.
slowdowns()
{
	awk -v b="$(cat "$tmp/twin.out")" 'BEGIN { split(b, a, " ") }
	    { printf "%.4f %.4f\n", 1 - $1 / a[1], 1 - ($1 / $2) / (a[1] / a[2]) }' \
	    "$tmp/hot3.out"
}

# record CPUFILE ARGS...: perf record, its CPU seconds into CPUFILE. When
# the process it follows exits first, perf ends by SIGTERM (its data
# written): run_cpu's status 241 (-15), or 143.
record()
{
	local out=$1 rc=0
	shift
	run_cpu "$out" perf record "$@" || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 143 ] || [ "$rc" = 241 ]
}

# add TOOL: the slowdowns of the last run to TOOL's figures.
add()
{
	slowdowns >"$tmp/s"
	cut -d ' ' -f 1 "$tmp/s" >>"$tmp/$1.sw"
	cut -d ' ' -f 2 "$tmp/s" >>"$tmp/$1.sc"
}

echo "hot3 for=$seconds: rounds of a(), b(), c() counted by hot3 itself," \
    "against a twin run beside it unprofiled;" \
    "$reps runs per figure, medians; $(nproc) CPUs, load" \
    "$(cut -d ' ' -f 1-3 /proc/loadavg)"
echo
printf '%-5s %-21s %9s %9s %8s %13s\n' rate tool "slow/wall" "slow/cpu" \
    samples "CPU/sample"
for rate in $rates; do
	tools="perf ptrace"
	[ "$have_perf" = 1 ] && tools="$tools record"
	for t in perf ptrace record; do
		: >"$tmp/$t.sw"; : >"$tmp/$t.sc"; : >"$tmp/$t.n"; : >"$tmp/$t.cost"
	done
	for ((i = 0; i < reps; i++)); do
		for m in perf ptrace; do
			profiled run_cpu "$tmp/vcpu" "$vigil" profile PID \
			    --method "$m" --rate "$rate" --duration "$seconds" \
			    --format folded -o "$tmp/v.folded" 2>"$tmp/verr" ||
			    die "vigil --method $m failed: $(cat "$tmp/verr")"
			n=$(awk '{ n += $NF } END { print n + 0 }' "$tmp/v.folded")
			[ "$n" -gt 0 ] || die "vigil --method $m took no sample: $(cat "$tmp/verr")"
			echo "$n" >>"$tmp/$m.n"
			awk -v c="$(cat "$tmp/vcpu")" -v n="$n" \
			    'BEGIN { printf "%.2f\n", 1e6 * c / n }' >>"$tmp/$m.cost"
			add "$m"
		done

		[ "$have_perf" = 1 ] || continue
		profiled record "$tmp/pcpu" -q -e cpu-clock \
		    -F "$rate" --call-graph dwarf -o "$tmp/perf.data" -p PID \
		    -- sleep "$seconds" >/dev/null 2>"$tmp/perr" ||
		    die "perf record failed: $(cat "$tmp/perr")"
		run_cpu "$tmp/rcpu" perf report -i "$tmp/perf.data" --stdio \
		    >/dev/null 2>&1 || die "perf report failed"
		n=$(perf report -i "$tmp/perf.data" --stats 2>/dev/null |
		    awk '/SAMPLE events/ { print $3; exit }')
		[ -n "$n" ] && [ "$n" -gt 0 ] ||
		    { have_perf=0; echo "perf took no sample; left out"; continue; }
		echo "$n" >>"$tmp/record.n"
		awk -v c="$(cat "$tmp/pcpu")" -v r="$(cat "$tmp/rcpu")" -v n="$n" \
		    'BEGIN { printf "%.2f\n", 1e6 * (c + r) / n }' >>"$tmp/record.cost"
		add record
	done
	for t in $tools; do
		case $t in
		perf) label="vigil --method perf" ;;
		ptrace) label="vigil --method ptrace" ;;
		record) label="perf record (+report)" ;;
		esac
		[ -s "$tmp/$t.n" ] || continue
		printf '%-5s %-21s %8.1f%% %8.1f%% %8s %10s us\n' "$rate" "$label" \
		    "$(median <"$tmp/$t.sw" | awk '{ print 100 * $1 }')" \
		    "$(median <"$tmp/$t.sc" | awk '{ print 100 * $1 }')" \
		    "$(median <"$tmp/$t.n")" "$(median <"$tmp/$t.cost")"
	done
	[ -s "$tmp/record.cost" ] && awk -v v="$(median <"$tmp/perf.cost")" \
	    -v p="$(median <"$tmp/record.cost")" \
	    -v t="$(median <"$tmp/ptrace.cost")" -v r="$rate" 'BEGIN {
		printf "%-5s CPU per sample against perf record + report: " \
		    "vigil perf %.2fx, vigil ptrace %.2fx\n", r,
		    (p > 0 ? v / p : 0), (p > 0 ? t / p : 0) }'
done

# Steady state: the difference between a 1 s and a 4 s profile of the
# same endless hot3 is the cost of 3 s of sampling, without start-up.
echo
echo "steady state (4 s profile minus 1 s profile, start-up and symbol loading cancel out):"
"$hot3" >/dev/null &
hp=$!
for rate in $rates; do
	for m in perf ptrace; do
		: >"$tmp/steady"
		for ((i = 0; i < reps; i++)); do
			for d in 1 4; do
				run_cpu "$tmp/scpu$d" "$vigil" profile "$hp" \
				    --method "$m" --rate "$rate" --duration "$d" \
				    --format folded -o "$tmp/s$d.folded" \
				    2>"$tmp/serr" ||
				    die "vigil failed: $(cat "$tmp/serr")"
			done
			awk -v c1="$(cat "$tmp/scpu1")" -v c4="$(cat "$tmp/scpu4")" \
			    -v n1="$(awk '{ n += $NF } END { print n }' "$tmp/s1.folded")" \
			    -v n4="$(awk '{ n += $NF } END { print n }' "$tmp/s4.folded")" \
			    'BEGIN { if (n4 > n1) printf "%.2f\n", 1e6 * (c4 - c1) / (n4 - n1) }' \
			    >>"$tmp/steady"
		done
		printf '%-5s vigil --method %-6s %8s us per thread-sample\n' \
		    "$rate" "$m" "$(median <"$tmp/steady")"
	done
done
kill "$hp"
wait "$hp" 2>/dev/null || true

if [ -s "$tmp/ptrace.times" ]; then
	echo
	awk '{ n += $2; ns += $4; held += $6 } END { if (n > 0)
	    printf "ptrace: %d stops, the thread stopped %.1f us per stop " \
	    "(interrupt to resume), %.1f us of it from the stop seen to " \
	    "resume\n", n, ns / n / 1000, held / n / 1000 }' "$tmp/ptrace.times"
fi

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
