#!/bin/bash
# The perf_event sampler (--method perf). On a fixture whose two threads
# spend 75% in hot_a() and 25% in hot_b(): sampling at 999 Hz never puts
# a thread in a tracing stop ('t') and never gives it a tracer, while the
# shares match perf record's on the same process at the same time; a
# thread started mid-profile (late_hot) is sampled; the target running
# exec, or exiting, ends the profile with what was collected. auto picks
# perf as root and says so. Refused: --method perf says why in one line;
# auto says it falls back to ptrace, and does.

. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"

if [ "$(id -u)" != 0 ]; then
	skip "needs root: perf record -p, and the perf_event sysctls"
	done_testing
fi
need python3 perf setpriv prlimit

# The sysctls this test changes are put back however it ends.
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid)
mlock=$(cat /proc/sys/kernel/perf_event_mlock_kb)
restore()
{
	echo "$paranoid" >/proc/sys/kernel/perf_event_paranoid
	echo "$mlock" >/proc/sys/kernel/perf_event_mlock_kb
	cleanup
}
trap restore EXIT

start_fixture P "$FIXTURES/perfmix"
wait_for 5 exec_done "$P" perfmix
wait_for 5 test "$(ls /proc/"$P"/task | wc -l)" -ge 3

# One look at every thread: 1 if one is in 't' or has a tracer.
look()
{
	awk '{ sub(/.*\) /, ""); if ($1 == "t") bad = 1 }
	    END { exit bad }' /proc/"$P"/task/*/stat 2>/dev/null || return 1
	! grep -q '^TracerPid:[[:space:]]*[1-9]' /proc/"$P"/task/*/status \
	    2>/dev/null
}

# --- 999 Hz, next to perf record on the same process -----------------------
perf record -q -e cpu-clock -F 999 -p "$P" -o "$TMP/perf.data" -- sleep 4 \
    >"$TMP/perf.out" 2>&1 &
perf_pid=$!
"$VIGIL" profile "$P" --method perf --rate 999 --duration 4 \
    --format folded -o "$TMP/p.folded" 2>"$TMP/err" &
v=$!
looks=0
bad=0
while kill -0 "$v" 2>/dev/null; do
	look || bad=$((bad + 1))
	looks=$((looks + 1))
done
wait "$v"
rc=$?
wait "$perf_pid"
diag "$(cat "$TMP/err")" "looked at every thread $looks times while sampling"
check "--method perf at 999 Hz: status 0" test "$rc" = 0
check "it says the method on standard error" \
    grep -q '^vigil profile: method perf: cpu-clock' "$TMP/err"
check "the threads were looked at many times while sampled" \
    test "$looks" -ge 50
check "no thread was ever in a tracing stop, none ever had a tracer" \
    test "$bad" = 0
check "the target runs on" runs_on "$P"
perf report -i "$TMP/perf.data" --stdio --no-children --sort symbol -g none \
    >"$TMP/perf.report" 2>/dev/null
perf_share=$(awk '$2 == "[.]" && $3 == "hot_a" { sub(/%/, "", $1); s += $1 }
    END { print s + 0 }' "$TMP/perf.report")
vigil_share=$(leaf_shares "$TMP/p.folded" | awk '$1 == "hot_a" { print $2 }')
diag "hot_a: perf record $perf_share%, vigil --method perf ${vigil_share:-0}%"
check "perf record saw hot_a" awk -v p="$perf_share" 'BEGIN { exit !(p > 0) }'
check "hot_a is the top leaf" \
    test "$(leaf_shares "$TMP/p.folded" | head -n 1 | cut -d ' ' -f 1)" = hot_a
check "hot_a's share is perf record's +-10 points" awk -v p="$perf_share" \
    -v v="${vigil_share:-0}" 'BEGIN { d = p - v; exit !(d <= 10 && d >= -10) }'
check "the stacks are unwound to the thread's start" \
    grep -q 'start_thread;work;hot_a [0-9]' "$TMP/p.folded"

# --- auto is perf as root; the stream's header says it ---------------------
"$VIGIL" profile "$P" --duration 0.5 -o /dev/null 2>"$TMP/err"
check "auto, as root: perf" grep -q '^vigil profile: method perf: ' "$TMP/err"
"$VIGIL" profile --stream "$P" --duration 1.2 >"$TMP/stream" 2>&1
check "--stream: the header says perf" \
    grep -Eq '^S [0-9.]+ [0-9]+ 99 [0-9]+ on-cpu perf$' "$TMP/stream"
check "--stream: no other line about the method" \
    sh -c "! grep -q method '$TMP/stream'"
"$VIGIL" profile "$P" --wall --duration 0.3 -o /dev/null 2>"$TMP/err"
check "auto with --wall: ptrace, and why" grep -q \
    "^vigil profile: method ptrace (--wall needs every thread's stack)" \
    "$TMP/err"
"$VIGIL" profile "$P" --method perf --off-cpu >/dev/null 2>"$TMP/err"
rc=$?
check "--method perf --off-cpu: status 2, says why" sh -c "test $rc = 2 &&
    grep -q 'it goes with --on-cpu, not --wall or --off-cpu' '$TMP/err'"
"$VIGIL" dump "$P" --method perf >/dev/null 2>"$TMP/err"
rc=$?
check "vigil dump --method perf: status 2, says why" sh -c "test $rc = 2 &&
    grep -q 'a dump needs every thread' '$TMP/err'"

# --- a process strace holds is sampled all the same -------------------------
if command -v strace >/dev/null 2>&1; then
	start_fixture S strace -q -o /dev/null -p "$P"
	wait_for 10 eval "grep -q \"^TracerPid:[[:space:]]*$S\$\" /proc/$P/status"
	"$VIGIL" profile "$P" --method perf --duration 1 --format folded \
	    -o "$TMP/s.folded" 2>"$TMP/err"
	check "a process strace traces: --method perf samples it" \
	    sh -c "test $? = 0 && grep -q ';hot_a ' '$TMP/s.folded'"
	kill "$S"
	wait "$S" 2>/dev/null
else
	need strace
fi

# --- a thread started mid-profile --------------------------------------------
start_fixture L "$FIXTURES/perfmix" late=3000
wait_for 5 exec_done "$L" perfmix
"$VIGIL" profile "$L" --method perf --rate 999 --duration 5 \
    --format speedscope -o "$TMP/late.json" 2>"$TMP/err" &
v=$!
wait_for 10 grep -q 'method perf' "$TMP/err"
check "the late thread is not there when sampling starts" \
    sh -c "! grep -qx late /proc/$L/task/*/comm"
check "it starts while sampled" \
    wait_for 10 sh -c "grep -qx late /proc/$L/task/*/comm"
wait "$v"
check "--method perf: status 0" test $? = 0
check "the late thread is in the profile, by name, with late_hot" \
    python3 - "$TMP/late.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = [f["name"] for f in d["shared"]["frames"]]
for p in d["profiles"]:
    if "late" in p["name"]:
        n = sum(w for s, w in zip(p["samples"], p["weights"])
                if s and names[s[-1]] == "late_hot")
        sys.exit(0 if n > 10 else 1)
sys.exit(1)
PY
kill "$L"

# --- exec and exit end the profile -------------------------------------------
for what in exec exit; do
	start_fixture E "$FIXTURES/perfmix"
	wait_for 5 exec_done "$E" perfmix
	"$VIGIL" profile "$E" --method perf --format folded \
	    -o "$TMP/$what.folded" 2>"$TMP/err" &
	v=$!
	# The line comes as sampling starts: from then on, CPU time the
	# target uses is sampled (a third of a second of it, at least).
	wait_for 10 grep -q 'method perf' "$TMP/err"
	ticks=$(cpu_ticks "$E")
	wait_for 10 cpu_above "$E" $((ticks + 30))
	if [ "$what" = exec ]; then kill -HUP "$E"; else kill -USR2 "$E"; fi
	if wait_for 10 eval "! kill -0 $v 2>/dev/null"; then
		wait "$v"
		rc=$?
	else
		kill "$v"
		rc=timeout
	fi
	diag "$(cat "$TMP/err")"
	check "$what: the profile ends by itself with status 0" test "$rc" = 0
	if [ "$what" = exec ]; then
		check "exec: says the process ran a new program" \
		    grep -q "process $E ran a new program; [1-9][0-9]* samples" \
		    "$TMP/err"
		check "exec: the new program runs, untraced" \
		    sh -c "grep -q '^TracerPid:[[:space:]]*0$' /proc/$E/status &&
		    test \"\$(cat /proc/$E/comm)\" = sleep"
		kill "$E"
	else
		check "exit: says the process exited" \
		    grep -q "process $E exited; [1-9][0-9]* samples" "$TMP/err"
	fi
	check "$what: what was sampled is written" \
	    grep -q ';hot_a [0-9]' "$TMP/$what.folded"
done

# --- refused ------------------------------------------------------------------
echo 2 >/proc/sys/kernel/perf_event_paranoid
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# Someone else's process: perf_event_open is refused (and so is ptrace).
as_nobody "$VIGIL" profile "$P" --method perf --duration 1 >"$TMP/out" \
    2>"$TMP/err"
rc=$?
diag "$(cat "$TMP/err")"
check "nobody, --method perf on root's process: status 1, one line" \
    sh -c "test $rc = 1 && test \$(wc -l < '$TMP/err') = 1"
check "... saying perf_event_open was refused and why" \
    grep -q "perf_event_open on process $P refused: it is not yours" "$TMP/err"
as_nobody "$VIGIL" profile "$P" --duration 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
diag "$(cat "$TMP/err")"
check "nobody, auto on root's process: falls back to ptrace, says so" \
    grep -q "^vigil profile: method ptrace (perf_event_open on process $P refused" \
    "$TMP/err"
check "... then ptrace's refusal, status 1" sh -c "test $rc = 1 &&
    grep -q 'not permitted to trace process $P' '$TMP/err'"

# Its own process, with no locked memory for a ring buffer: perf is
# refused, ptrace is not.
start_fixture N setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$FIXTURES/perfmix"
wait_for 5 exec_done "$N" perfmix
echo 0 >/proc/sys/kernel/perf_event_mlock_kb
as_nobody prlimit --memlock=0 "$VIGIL" profile "$N" --method perf \
    --duration 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
diag "$(cat "$TMP/err")"
check "nobody, no locked memory, --method perf: status 1, one line" \
    sh -c "test $rc = 1 && test \$(wc -l < '$TMP/err') = 1"
check "... naming the limits" grep -q 'perf_event_mlock_kb' "$TMP/err"
as_nobody prlimit --memlock=0 "$VIGIL" profile "$N" --duration 1 \
    --format folded >"$TMP/n.folded" 2>"$TMP/err"
rc=$?
diag "$(cat "$TMP/err")"
check "... auto: falls back to ptrace, says so, and profiles" \
    sh -c "test $rc = 0 && grep -q '^vigil profile: method ptrace (no locked memory' '$TMP/err' &&
    grep -q ';hot_a ' '$TMP/n.folded'"
echo "$mlock" >/proc/sys/kernel/perf_event_mlock_kb
as_nobody "$VIGIL" profile "$N" --duration 1 -o /dev/null 2>"$TMP/err"
check "nobody, its own process, paranoid 2: auto is perf (user space only)" \
    grep -q '^vigil profile: method perf: cpu-clock:u ' "$TMP/err"

done_testing
