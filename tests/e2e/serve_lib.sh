# Shared by the vigil serve tests: a free port, vigil serve started on
# 127.0.0.1 with the test's vigilrc, and reading its metrics.

free_port()
{
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# http_code URL: the status of a GET, or 000 when nothing answers.
http_code()
{
	curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1"
}

metrics_up()
{
	[ "$(http_code "http://127.0.0.1:$1/metrics")" = 200 ]
}

# start_serve VAR PORT [ARG...]: vigil serve in the background, its PID in
# VAR; the vigilrc is $XDG_CONFIG_HOME/vigil/vigilrc, stderr in $TMP/serve.err.
start_serve()
{
	local var=$1 port=$2
	shift 2
	start_fixture "$var" "$VIGIL" serve --listen "127.0.0.1:$port" "$@" \
	    2> "$TMP/serve.err"
	wait_for 20 metrics_up "$port"
}

# metric FILE 'NAME{LABELS}': the value of the sample, exactly so named.
metric()
{
	awk -v k="$2" '$1 == k { print $2; found = 1 } END { exit !found }' "$1"
}

# promql EXPR [TIME]: the first result's value through the API of the
# Prometheus on 127.0.0.1:$PPORT, or nothing.
promql()
{
	curl -s --max-time 5 "http://127.0.0.1:$PPORT/api/v1/query" \
	    --data-urlencode "query=$1" ${2:+--data-urlencode "time=$2"} |
	    python3 -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")' 2>/dev/null
}
