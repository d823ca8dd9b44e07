#!/bin/bash
# vigil record --listen: the recorder serves its own frames as Prometheus
# metrics, one sampler for both. The groups of vigilrc are there and
# promtool passes them; each frame written is a refresh served (the
# store and /metrics grow together); a port in use is refused before the
# recorder detaches, with the reason.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/serve_lib.sh"
need python3 curl promtool

tag=rl$$
store=$TMP/rec
mkdir -p "$XDG_CONFIG_HOME/vigil"
cat > "$XDG_CONFIG_HOME/vigil/vigilrc" <<RC
group burner: cmdline ~ /burn $tag/
RC
start_fixture burner "$FIXTURES/burn" "$tag"
wait_for 5 exec_done "$burner" "$tag"

PORT=$(free_port)
start_fixture rec "$VIGIL" record --foreground --interval 1s --dir "$store" \
    --listen "127.0.0.1:$PORT" 2> "$TMP/rec.err"
check "the recorder serves /metrics on 127.0.0.1:$PORT" \
    wait_for 20 metrics_up "$PORT"
check "and says where" grep -q "serving metrics on http://127.0.0.1:$PORT/metrics" \
    "$TMP/rec.err"

curl -s "http://127.0.0.1:$PORT/metrics" > "$TMP/m1.txt"
check "promtool check metrics passes" \
    sh -c "promtool check metrics < '$TMP/m1.txt' > '$TMP/promtool.out' 2>&1"
[ -s "$TMP/promtool.out" ] && diag "$(cat "$TMP/promtool.out")"
check "the burner group holds the burner" \
    [ "$(metric "$TMP/m1.txt" 'namedprocess_namegroup_num_procs{groupname="burner"}')" = 1 ]

# The refreshes served are the recorder's frames: both go on.
refreshes() {
	curl -s "http://127.0.0.1:$PORT/metrics" > "$TMP/m2.txt" &&
	    r=$(metric "$TMP/m2.txt" vigil_refreshes_total) &&
	    [ "${r%.*}" -ge "$1" ]
}
check "the served refreshes go on (5 within 20 s)" wait_for 20 refreshes 5
frames() {
	"$VIGIL" --batch --replay "$store" --format json > "$TMP/out" \
	    2> "$TMP/err" && [ "$(wc -l < "$TMP/out")" -ge "$1" ]
}
check "and so do the frames written (5 or more)" wait_for 20 frames 5
check "the burner's CPU counter grows between scrapes" python3 - \
    "$TMP/m1.txt" "$TMP/m2.txt" <<'PY'
import sys
def cpu(f):
    for l in open(f):
        if l.startswith('namedprocess_namegroup_cpu_seconds_total{groupname="burner",mode="user"}'):
            return float(l.split()[1])
a, b = cpu(sys.argv[1]), cpu(sys.argv[2])
print("# user seconds %.2f then %.2f" % (a, b))
sys.exit(0 if b > a else 1)
PY
check "the recorder still runs" kill -0 "$rec"

# The port is taken: refused at once, on the terminal, before detaching.
"$VIGIL" record --dir "$TMP/rec2" --listen "127.0.0.1:$PORT" \
    > "$TMP/busy.out" 2>&1
status=$?
check "a port in use: vigil record exits 2" [ "$status" = 2 ]
check "and says why" grep -q "cannot listen on 127.0.0.1:$PORT: Address already in use" \
    "$TMP/busy.out"
check "a bad address is refused too" sh -c \
    "! '$VIGIL' record --dir '$TMP/rec3' --listen nowhere > '$TMP/bad.out' 2>&1 && grep -q 'expected ADDR:PORT' '$TMP/bad.out'"

# Detached (the default), it still serves: the library's threads start
# after the fork.
PORT2=$(free_port)
"$VIGIL" record --interval 1s --dir "$TMP/rec-$tag" --listen "127.0.0.1:$PORT2" \
    > "$TMP/detach.out" 2>&1
check "a detached recorder serves /metrics" wait_for 20 metrics_up "$PORT2"
FIXTURE_PIDS="$FIXTURE_PIDS $(pgrep -f -- "--dir $TMP/rec-$tag")"
pkill -f -- "--dir $TMP/rec-$tag"
gone() { ! pgrep -f -- "--dir $TMP/rec-$tag" > /dev/null; }
check "and stops on SIGTERM" wait_for 10 gone

done_testing
