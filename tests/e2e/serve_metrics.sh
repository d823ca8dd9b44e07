#!/bin/bash
# vigil serve's /metrics, read by the real tools: promtool checks the text,
# and a real Prometheus (Debian's, on 127.0.0.1 with this test's config and
# storage) scrapes vigil every second. Through its HTTP API, the burner
# group's CPU rate is within 15% of what the kernel says the burner used
# over the same window, and the leaker group's resident memory grows. A
# bad group line is named FILE:LINE; command lines are never labels.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/serve_lib.sh"
need python3 curl promtool prometheus

tag=srv$$
mkdir -p "$XDG_CONFIG_HOME/vigil"
cat > "$XDG_CONFIG_HOME/vigil/vigilrc" <<RC
group burner: cmdline ~ /burn $tag/
group broken: comm ~ /(/
group leaker: cmdline ~ /grow 4 400 $tag/
RC

start_fixture burner "$FIXTURES/burn" "$tag"
start_fixture leaker "$FIXTURES/grow" 4 400 "$tag"
wait_for 5 exec_done "$burner" "$tag"
wait_for 5 exec_done "$leaker" "$tag"

PORT=$(free_port)
check "vigil serve answers on 127.0.0.1:$PORT" start_serve vpid "$PORT"
check "the bad group line is named by file and line" \
    grep -q "vigilrc:2: .*regex" "$TMP/serve.err"

curl -s "http://127.0.0.1:$PORT/metrics" > "$TMP/m.txt"
check "promtool check metrics passes" \
    sh -c "promtool check metrics < '$TMP/m.txt' > '$TMP/promtool.out' 2>&1"
[ -s "$TMP/promtool.out" ] && diag "$(cat "$TMP/promtool.out")"
check "the burner group holds the burner" \
    [ "$(metric "$TMP/m.txt" 'namedprocess_namegroup_num_procs{groupname="burner"}')" = 1 ]
check "the leaker group holds the leaker" \
    [ "$(metric "$TMP/m.txt" 'namedprocess_namegroup_num_procs{groupname="leaker"}')" = 1 ]
check "states, threads, fds and I/O are there" sh -c "
    grep -q '^namedprocess_namegroup_states{groupname=\"burner\",state=\"Running\"} ' '$TMP/m.txt' &&
    grep -q '^namedprocess_namegroup_num_threads{groupname=\"burner\"} 1$' '$TMP/m.txt' &&
    grep -q '^namedprocess_namegroup_open_filedesc{groupname=\"burner\"} [1-9]' '$TMP/m.txt' &&
    grep -q '^namedprocess_namegroup_read_bytes_total{groupname=\"leaker\"} ' '$TMP/m.txt'"
check "memtype swapped is there, as process-exporter has it" \
    metric "$TMP/m.txt" 'namedprocess_namegroup_memory_bytes{groupname="leaker",memtype="swapped"}'
check "the command line's tag is no label" sh -c "! grep -q '$tag' '$TMP/m.txt'"
curl -s -D "$TMP/om.h" -H 'Accept: application/openmetrics-text; version=1.0.0' \
    "http://127.0.0.1:$PORT/metrics" > "$TMP/om.txt"
check "OpenMetrics by the Accept header, ending in # EOF" sh -c "
    grep -qi '^content-type: application/openmetrics-text' '$TMP/om.h' &&
    [ \"\$(tail -n 1 '$TMP/om.txt')\" = '# EOF' ] &&
    grep -q '^# TYPE namedprocess_namegroup_cpu_seconds counter' '$TMP/om.txt'"

# A real Prometheus scraping vigil every second.
PPORT=$(free_port)
cat > "$TMP/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: vigil
    static_configs:
      - targets: ['127.0.0.1:$PORT']
YML
start_fixture prom prometheus --config.file="$TMP/prometheus.yml" \
    --storage.tsdb.path="$TMP/prom" \
    --web.listen-address="127.0.0.1:$PPORT" 2> "$TMP/prom.err"

scraped()
{
	[ "$(promql "count_over_time(namedprocess_namegroup_num_procs{groupname=\"burner\"}[30s])")" -ge 25 ] 2>/dev/null
}
check "Prometheus scrapes vigil (30 s of samples)" wait_for 90 scraped
[ -s "$TMP/prom.err" ] && diag "$(tail -n 3 "$TMP/prom.err")"

# The kernel's figure over the same 20 s: the burner's utime + stime.
ticks()
{
	awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$burner/stat"
}
hz=$(getconf CLK_TCK)
t1=$(date +%s.%N); k1=$(ticks)
rss1=$(awk '/VmRSS/ { print $2 * 1024 }' "/proc/$leaker/status")
# The window is the measurement, not a wait for something to happen.
python3 -c "import time; time.sleep(max(0, $t1 + 20 - time.time()))"
t2=$(date +%s.%N); k2=$(ticks)
rss2=$(awk '/VmRSS/ { print $2 * 1024 }' "/proc/$leaker/status")
true_rate=$(python3 -c "print(($k2 - $k1) / $hz / ($t2 - $t1))")
# vigil's newest sample at t2 is up to a refresh and a scrape old.
have_t2()
{
	[ -n "$(promql "namedprocess_namegroup_num_procs{groupname=\"burner\"}" "$(python3 -c "print($t2 + 3)")")" ]
}
wait_for 10 have_t2
rate=$(promql "sum(rate(namedprocess_namegroup_cpu_seconds_total{groupname=\"burner\"}[20s]))" "$t2")
diag "burner: Prometheus says $rate CPU-s/s, the kernel $true_rate"
check "the burner group's CPU rate is within 15% of the kernel's" \
    python3 -c "import sys; sys.exit(not abs(float('${rate:-0}') - $true_rate) <= 0.15 * $true_rate)"
growth=$(promql "deriv(namedprocess_namegroup_memory_bytes{groupname=\"leaker\",memtype=\"resident\"}[20s])" "$t2")
true_growth=$(python3 -c "print(($rss2 - $rss1) / ($t2 - $t1))")
diag "leaker: Prometheus says $growth B/s, /proc $true_growth B/s"
check "the leaker group's resident memory grows as the leaker's does" \
    python3 -c "import sys; g = float('${growth:-0}'); t = $true_growth; sys.exit(not (t > 0 and 0.5 * t <= g <= 1.5 * t))"
done_testing
