#!/bin/bash
# What a sample counts. On a fixture with one thread burning CPU in
# burn_hot() and five that wait (nanosleep, pthread_cond_wait, sigwait):
# --on-cpu (the default) puts burn_hot on top with the share perf record
# gives it on the same process at the same time; --wall (and its alias
# --idle) shows the waiting threads too; --off-cpu shows only the waits,
# each stack ending in the kernel function it sleeps in, and nothing of
# the burner. Every export says which mode it holds.

. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"

need python3 perf go

start_fixture P "$FIXTURES/waiters"
wait_for 5 exec_done "$P" waiters
wait_for 5 test "$(ls /proc/"$P"/task | wc -l)" -ge 6
wait_for 5 sh -c "grep -qx burner /proc/$P/task/*/comm"
# Every waiter waiting: the condition variable's threads in their futex.
wait_for 5 sh -c "grep -l futex /proc/$P/task/*/wchan | wc -l | grep -qx 2"

share_of()	# FILE LEAF: LEAF's share of the samples, 0 if absent
{
	leaf_shares "$1" | awk -v l="$2" '$1 == l { s = $2 } END { print s + 0 }'
}

# --- on-CPU, against perf on the same run -----------------------------------
perf record -F 99 -g -p "$P" -o "$TMP/perf.data" -- sleep 3 \
    >"$TMP/perf.out" 2>&1 &
perf_pid=$!
"$VIGIL" profile "$P" --on-cpu --duration 3 --format folded \
    -o "$TMP/on.folded" 2>"$TMP/err"
check "--on-cpu: status 0" test $? = 0
wait "$perf_pid"
check "perf record ran" test -s "$TMP/perf.data"
perf report -i "$TMP/perf.data" --stdio --no-children --sort symbol -g none \
    >"$TMP/perf.report" 2>/dev/null
perf_share=$(awk '$2 == "[.]" && $3 == "burn_hot" { sub(/%/, "", $1); s += $1 }
    END { print s + 0 }' "$TMP/perf.report")
vigil_share=$(share_of "$TMP/on.folded" burn_hot)
diag "burn_hot: perf $perf_share%, vigil --on-cpu $vigil_share%"
diag "$(grep -v '^#' "$TMP/perf.report" | grep . | head -5)"
check "perf saw burn_hot" awk -v p="$perf_share" 'BEGIN { exit !(p > 0) }'
check "--on-cpu: burn_hot's share is perf's +-10 points" awk -v p="$perf_share" \
    -v v="$vigil_share" 'BEGIN { d = p - v; exit !(d <= 10 && d >= -10) }'
check "--on-cpu: burn_hot is the top leaf" \
    test "$(leaf_shares "$TMP/on.folded" | head -n 1 | cut -d ' ' -f 1)" = burn_hot

# The default is on-CPU, and --format top says so.
"$VIGIL" profile "$P" --duration 1 >"$TMP/top" 2>"$TMP/err"
check "top: status 0" test $? = 0
diag "$(head -n 5 "$TMP/top")"
check "top: the header names the mode on-cpu" grep -q '^mode on-cpu: ' "$TMP/top"
check "top: burn_hot is the first function" \
    sh -c "sed -n 4p '$TMP/top' | grep -q ' burn_hot\$'"
check "top (on-cpu): no thread waiting in nanosleep" \
    sh -c "! grep -q 'sleep_loop' '$TMP/top'"

# --- wall: the waiting threads too -------------------------------------------
for opt in --wall --idle; do
	"$VIGIL" profile "$P" $opt --duration 1 --format folded \
	    -o "$TMP/wall.folded" 2>"$TMP/err"
	check "$opt: status 0" test $? = 0
	check "$opt: the sleepers are there" grep -q ';sleep_loop;' "$TMP/wall.folded"
	check "$opt: the condition waiters are there" \
	    grep -q ';wait_loop;' "$TMP/wall.folded"
	check "$opt: so is the burner" grep -q ';burn_hot ' "$TMP/wall.folded"
	check "$opt: burn_hot is a minority of the samples" awk \
	    -v v="$(share_of "$TMP/wall.folded" burn_hot)" 'BEGIN { exit !(v < 40) }'
done
"$VIGIL" profile "$P" --idle --duration 0.5 >"$TMP/top" 2>"$TMP/err"
check "--idle is --wall" grep -q '^mode wall: ' "$TMP/top"

# --- off-CPU: the waits, by what they wait in --------------------------------
"$VIGIL" profile "$P" --off-cpu --duration 2 --format folded \
    -o "$TMP/off.folded" 2>"$TMP/err"
check "--off-cpu: status 0" test $? = 0
diag "$(leaf_shares "$TMP/off.folded" | head -n 6)"
check "--off-cpu: the sleep, named by the kernel" \
    grep -q ';sleep_loop;.*;\[off-cpu: hrtimer_nanosleep\] ' "$TMP/off.folded"
check "--off-cpu: the condition wait, in a futex" \
    grep -q ';wait_loop;.*;\[off-cpu: futex[a-z_]*\] ' "$TMP/off.folded"
check "--off-cpu: every stack ends in its wait" \
    sh -c "! grep -v ';\[off-cpu: [^]]*\] [0-9]*\$' '$TMP/off.folded'"
check "--off-cpu: nothing of the burner" \
    sh -c "! grep -q 'burn_hot' '$TMP/off.folded'"

# --- each export says what it holds -------------------------------------------
"$VIGIL" profile "$P" --off-cpu --duration 0.5 --format svg -o "$TMP/p.svg" \
    2>"$TMP/err"
check "svg: the title names the mode" \
    grep -q '<text class="title"[^>]*>Flame graph: waiters ('"$P"'), off-cpu<' "$TMP/p.svg"
"$VIGIL" profile "$P" --wall --duration 0.5 --format speedscope \
    -o "$TMP/p.json" 2>"$TMP/err"
check "speedscope: the name names the mode" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["name"].endswith(" wall") else 1)' "$TMP/p.json"

export HOME=$TMP GOPATH=$TMP/go GOCACHE=$TMP/gocache GOFLAGS=-mod=mod \
    GOPROXY=off GOTOOLCHAIN=local GOTELEMETRY=off PPROF_TMPDIR=$TMP
for m in on-cpu:cpu wall:wall off-cpu:off-cpu; do
	"$VIGIL" profile "$P" --"${m%%:*}" --duration 0.5 --format pprof \
	    -o "$TMP/p.pprof" 2>"$TMP/err"
	timeout 120 go tool pprof -top "$TMP/p.pprof" >"$TMP/pprof.top" \
	    2>"$TMP/pprof.err"
	check "pprof --${m%%:*}: go tool pprof says Type: ${m#*:}" \
	    grep -q "^Type: ${m#*:}\$" "$TMP/pprof.top"
	timeout 120 go tool pprof -comments "$TMP/p.pprof" >"$TMP/pprof.c" \
	    2>>"$TMP/pprof.err"
	check "pprof --${m%%:*}: a comment says what a sample is" \
	    grep -q "^vigil profile --${m%%:*}: " "$TMP/pprof.c"
done
diag "$(head -n 3 "$TMP/pprof.top")"

check "the target is released" released "$P"
done_testing
