#!/bin/bash
# Bad clients of vigil serve: a malformed request and a 1 MB header get a
# clear status or are dropped; with 1,000 idle connections held open, and
# with a client that pipelines requests and never reads, /metrics still
# answers and the refreshes go on (vigil_refreshes_total grows).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/serve_lib.sh"
need python3 curl

PORT=$(free_port)
mkdir -p "$XDG_CONFIG_HOME/vigil"
echo 'group shells: comm ~ /sh$/' > "$XDG_CONFIG_HOME/vigil/vigilrc"
check "vigil serve starts" start_serve vpid "$PORT"

# One request on its own connection: the status line, or "dropped".
cat > "$TMP/raw.py" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=15)
try:
    s.sendall(sys.stdin.buffer.read())
    line = s.makefile("rb").readline().decode("latin-1").strip()
    print(line or "dropped")
except (BrokenPipeError, ConnectionResetError, socket.timeout):
    print("dropped")
PY
raw()
{
	python3 "$TMP/raw.py" "$PORT"
}
status=$(printf 'GARBAGE\r\n\r\n' | raw)
diag "malformed request: $status"
check "a malformed request gets 400 or is dropped" \
    sh -c "echo '$status' | grep -Eq '^(HTTP/1.[01] 400|dropped)'"
status=$(python3 -c 'import sys; sys.stdout.write("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "a" * (1 << 20) + "\r\n\r\n")' | raw)
diag "1 MB header: $status"
check "a 1 MB header gets 413, 431 or 400, or is dropped" \
    sh -c "echo '$status' | grep -Eq '^(HTTP/1.[01] (400|413|431)|dropped)'"
status=$(printf 'DELETE /metrics HTTP/1.0\r\n\r\n' | raw)
check "another method gets 405" sh -c "echo '$status' | grep -q '^HTTP/1.[01] 405'"

refreshes()
{
	curl -s --max-time 5 "http://127.0.0.1:$PORT/metrics" |
	    awk '$1 == "vigil_refreshes_total" { print $2 }'
}
# goes_on: /metrics answers, and the refresh count grows past what it was.
goes_on()
{
	local now
	now=$(refreshes)
	[ -n "$now" ] && [ "$now" -gt "$1" ]
}

# Bad clients held open until $TMP/stop appears: 1,000 that never send,
# and one that sends 500 requests and never reads the answers.
cat > "$TMP/hold.py" <<'PY'
import os, socket, sys, time
port, what, ready, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
socks = []
if what == "idle":
    for i in range(1000):
        socks.append(socket.create_connection(("127.0.0.1", port)))
else:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.setblocking(False)
    req = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 500
    try:
        s.send(req)
    except BlockingIOError:
        pass
    socks.append(s)
open(ready, "w").close()
while not os.path.exists(stop):
    time.sleep(0.1)
PY
before=$(refreshes)
start_fixture idle python3 "$TMP/hold.py" "$PORT" idle "$TMP/idle.ready" "$TMP/stop"
check "1,000 idle connections are open" wait_for 30 test -e "$TMP/idle.ready"
check "with them open, /metrics answers and sampling goes on" \
    wait_for 20 goes_on "${before:-0}"
diag "open connections to vigil: $(ls -l /proc/$vpid/fd 2>/dev/null | grep -c socket)"

before=$(refreshes)
start_fixture slow python3 "$TMP/hold.py" "$PORT" slow "$TMP/slow.ready" "$TMP/stop"
check "a client that never reads has sent its requests" \
    wait_for 30 test -e "$TMP/slow.ready"
check "with it stuck, /metrics answers and sampling goes on" \
    wait_for 20 goes_on "${before:-0}"
touch "$TMP/stop"
before=$(refreshes)
check "after they go, /metrics answers and sampling goes on" \
    wait_for 20 goes_on "${before:-0}"
check "vigil serve is still running" kill -0 "$vpid"
done_testing
