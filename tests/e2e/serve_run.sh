#!/bin/bash
# vigil serve exports the services of vigil run: a command that keeps
# failing under a supervisor shows vigil_run_restarts_total growing with
# each restart the supervisor reports (vigil run --status), vigil_run_up
# for the one that runs; a stopped supervisor's series go.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/serve_lib.sh"
need python3 curl promtool

export XDG_RUNTIME_DIR=$TMP/rt XDG_STATE_HOME=$TMP/state
mkdir -p "$XDG_RUNTIME_DIR"
tag=s$$x
flaky=flaky-$tag
steady=steady-$tag
SUPS="$flaky $steady"
prev=$(trap -p EXIT)
prev=${prev#"trap -- "}
prev=${prev%" EXIT"}
eval "prev=$prev"
stop_sups()
{
	local n
	for n in $SUPS; do
		"$VIGIL" run --stop "$n" >/dev/null 2>&1
	done
}
# shellcheck disable=SC2064
trap "stop_sups; $prev" EXIT

"$VIGIL" run --name "$flaky" --restart always --backoff 100ms..200ms \
    -- sh -c 'sleep 0.3; exit 1' > /dev/null 2>&1
check "a flaky service starts under vigil run" [ $? -eq 0 ]
"$VIGIL" run --name "$steady" -- sleep 1000 > /dev/null 2>&1
check "a steady one too" [ $? -eq 0 ]

PORT=$(free_port)
check "vigil serve answers" start_serve vpid "$PORT"
scrape() { curl -s "http://127.0.0.1:$PORT/metrics" > "$TMP/m.txt"; }
restarts() {
	metric "$TMP/m.txt" "vigil_run_restarts_total{service=\"$flaky\"}"
}
grown() { scrape && r=$(restarts) && [ "${r:-0}" -ge "$1" ]; }
check "the flaky service's restarts are counted (3 within 30 s)" \
    wait_for 30 grown 3
first=$(restarts)
check "and keep growing" wait_for 30 grown $((first + 2))
check "promtool check metrics passes" \
    sh -c "promtool check metrics < '$TMP/m.txt' > '$TMP/promtool.out' 2>&1"
[ -s "$TMP/promtool.out" ] && diag "$(cat "$TMP/promtool.out")"
# The figure is the supervisor's own.
"$VIGIL" run --status "$flaky" > "$TMP/status.json"
scrape
check "it agrees with vigil run --status (within one restart)" python3 - \
    "$TMP/status.json" "$(restarts)" <<'PY'
import json, sys
st = json.load(open(sys.argv[1]))
print("# status %s, served %s" % (st.get("restarts"), sys.argv[2]))
sys.exit(0 if abs(int(st["restarts"]) - int(float(sys.argv[2]))) <= 1 else 1)
PY
check "the steady service is up, never restarted" sh -c "
    [ \"\$(awk '\$1 == \"vigil_run_up{service=\\\"$steady\\\"}\" { print \$2 }' '$TMP/m.txt')\" = 1 ] &&
    [ \"\$(awk '\$1 == \"vigil_run_restarts_total{service=\\\"$steady\\\"}\" { print \$2 }' '$TMP/m.txt')\" = 0 ]"

"$VIGIL" run --stop "$steady" > /dev/null 2>&1
gone() { scrape && ! grep -q "service=\"$steady\"" "$TMP/m.txt"; }
check "a stopped service's series go" wait_for 20 gone

done_testing
