#!/bin/bash
# Benchmark vigil serve against Debian's prometheus-process-exporter on the
# same processes with the same grouping, in one run.
#
# Usage: bench/bench_serve.sh [VIGIL]      (or VIGIL=path bench/bench_serve.sh)
#
# For each level of extra idle processes (BENCH_LEVELS, default "1000
# 5000", made by bench/spawn_idle.c) both exporters run on 127.0.0.1 with
# two groups: the idle processes (comm spawn_idle) and every other
# process. process-exporter runs with -gather-smaps=false -threads=false,
# as vigil reports neither proportional memory nor per-thread groups.
# It reports; it never asserts timing. Figures:
# * CPU per scrape: one scrape a second for BENCH_SECONDS (default 20), as
#   a Prometheus with a 1 s interval would; the exporter's CPU time over
#   that window (utime + stime from /proc/PID/stat) divided by the scrapes.
#   vigil serve refreshes every second on its own (-d 1s), scraped or not,
#   and that is counted; process-exporter reads /proc at each scrape.
# * p99 latency: BENCH_CLIENTS (20) clients scraping back to back at once,
#   BENCH_SCRAPES (25) scrapes each; the 99th percentile of all of them.
#   A scrape that fails or takes over 60 s counts as 60 s.
# * RSS: VmRSS of each exporter after the run, and the peak RSS of the
#   monitor (vigil --batch -n 5 -d 1) on the same processes, for the ratio
#   the issue sets (serve <= 1.5x the monitor).
#
# Environment: VIGIL, BENCH_LEVELS, BENCH_SECONDS, BENCH_CLIENTS,
# BENCH_SCRAPES.

set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
vigil=${1:-${VIGIL:-$bench_dir/../src/vigil}}
levels=${BENCH_LEVELS:-1000 5000}
seconds=${BENCH_SECONDS:-20}
clients=${BENCH_CLIENTS:-20}
scrapes=${BENCH_SCRAPES:-25}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-serve.XXXXXX")
spawner=
running=""

die()
{
	echo "bench_serve: $*" >&2
	exit 1
}

cleanup()
{
	set +e
	for p in $running; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	stop_idle
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. "$bench_dir/lib.sh"

command -v prometheus-process-exporter >/dev/null ||
    die "prometheus-process-exporter is needed (apt-get install prometheus-process-exporter)"
command -v python3 >/dev/null || die "python3 is needed"
[ -x "$vigil" ] || die "no vigil at $vigil (build it, or pass its path)"
cc -std=gnu11 -O2 -o "$tmp/spawn_idle" "$bench_dir/spawn_idle.c" ||
    die "cannot build spawn_idle"

free_port()
{
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ticks_of()
{
	sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

rss_of()
{
	awk '/^VmRSS/ { print $2 }' "/proc/$1/status"
}

# wait_up PORT: until /metrics answers 200, up to 60 s.
wait_up()
{
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/metrics")" = 200 ] &&
		    return 0
		sleep 0.1
	done
	die "nothing answers on port $1"
}

# The measurement client: "cpu_ms_per_scrape p99_ms" for PID on PORT.
cat > "$tmp/scrape.py" <<'PY'
import http.client, sys, threading, time
port, pid, seconds, clients, per = (int(a) for a in sys.argv[1:6])
hz = 100
def ticks():
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    v = s[s.rindex(")") + 2:].split()
    return int(v[11]) + int(v[12])
def get(conn=None):
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", "/metrics")
    r = c.getresponse()
    r.read()
    if r.status != 200:
        raise SystemExit("status %d" % r.status)
    return c
# CPU per scrape at one scrape a second.
get().close()
t0, k0, n = time.time(), ticks(), 0
while time.time() - t0 < seconds:
    get().close()
    n += 1
    time.sleep(max(0, t0 + n - time.time()))
cpu = (ticks() - k0) * 1000.0 / hz / n
# Latency with many clients at once, each on a fresh connection.
# A scrape that fails or takes over 60 s counts as 60 s.
lat, lock = [], threading.Lock()
def client():
    for i in range(per):
        t = time.time()
        try:
            get().close()
            ms = (time.time() - t) * 1000
        except Exception:
            ms = 60000
        with lock:
            lat.append(ms)
th = [threading.Thread(target=client) for i in range(clients)]
for t in th:
    t.start()
for t in th:
    t.join()
lat.sort()
print("%.2f %.1f %.1f" % (cpu, lat[int(len(lat) * 0.99) - 1], lat[len(lat) // 2]))
PY

mkdir -p "$tmp/cfg/vigil"
cat > "$tmp/cfg/vigil/vigilrc" <<'RC'
group idle: comm ~ /^spawn_idle$/
group other: comm ~ /./
RC
cat > "$tmp/pe.yml" <<'YML'
process_names:
  - name: idle
    comm: [spawn_idle]
  - name: other
    cmdline: ['.+']
YML

printf '%-6s %-22s %14s %10s %10s %10s\n' procs exporter "CPU ms/scrape" "p99 ms" "p50 ms" "RSS KiB"
for level in $levels; do
	start_idle "$level"
	procs=$(count_procs)

	port=$(free_port)
	XDG_CONFIG_HOME=$tmp/cfg "$vigil" serve -d 1s --listen "127.0.0.1:$port" \
	    2>"$tmp/serve.err" &
	vpid=$!
	running="$running $vpid"
	wait_up "$port"
	read -r vcpu vp99 vp50 < <(python3 "$tmp/scrape.py" "$port" "$vpid" \
	    "$seconds" "$clients" "$scrapes")
	vrss=$(rss_of "$vpid")
	kill -TERM "$vpid"; wait "$vpid" 2>/dev/null || true

	port=$(free_port)
	prometheus-process-exporter -config.path "$tmp/pe.yml" \
	    -gather-smaps=false -threads=false \
	    -web.listen-address "127.0.0.1:$port" >"$tmp/pe.log" 2>&1 &
	ppid_=$!
	running="$running $ppid_"
	wait_up "$port"
	read -r pcpu pp99 pp50 < <(python3 "$tmp/scrape.py" "$port" "$ppid_" \
	    "$seconds" "$clients" "$scrapes")
	prss=$(rss_of "$ppid_")
	kill -TERM "$ppid_"; wait "$ppid_" 2>/dev/null || true

	# The monitor on the same processes: peak RSS of a batch run.
	mrss=$(python3 -c '
import os, resource, subprocess, sys
subprocess.run([sys.argv[1], "--batch", "-n", "5", "-d", "1"], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$vigil")

	printf '%-6s %-22s %14s %10s %10s %10s\n' "$procs" "vigil serve" "$vcpu" "$vp99" "$vp50" "$vrss"
	printf '%-6s %-22s %14s %10s %10s %10s\n' "$procs" "process-exporter" "$pcpu" "$pp99" "$pp50" "$prss"
	printf '%-6s %-22s %14s %10s %10s %10s\n' "$procs" "vigil --batch (peak)" "-" "-" "-" "$mrss"
	python3 -c 'import sys
v, p, vr, m = (float(a) for a in sys.argv[1:5])
print("       ratios: CPU/scrape vigil/process-exporter %.2f (target <= 0.5); RSS serve/monitor %.2f (target <= 1.5)" % (v / p if p else float("nan"), vr / m))' \
	    "$vcpu" "$pcpu" "$vrss" "$mrss"
	stop_idle
done
