#!/bin/bash
# The control sockets under abuse: vigil run's supervisor socket and the
# heap tracker's agent socket get garbage, a 10 MB message, 1,000
# connections held open, a half-closed request, a client that asks and
# never reads, and a client of another user. Each is answered with an
# error or dropped (the supervisor says so in its log, once a second at
# most), and all the while the supervised or tracked program runs on and a
# legitimate client is answered.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/heap_lib.sh"

need python3 setpriv

export XDG_RUNTIME_DIR=$TMP/rt XDG_STATE_HOME=$TMP/state
mkdir -p "$XDG_RUNTIME_DIR"
chmod 711 "$TMP" "$XDG_RUNTIME_DIR"	# nobody may reach the socket's door

cat > "$TMP/abuse.py" <<'PY'
# abuse.py SOCKET REQUEST CHECK...: abuse SOCKET, then run CHECK (a
# legitimate client) while 1000 idle connections are held; one line of
# results a step, "name value".
import os, resource, socket, subprocess, sys, time

path, request, check = sys.argv[1], sys.argv[2].encode(), sys.argv[3:]

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s

def answer(s, limit=10):
    s.settimeout(limit)
    got = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
    except (socket.timeout, ConnectionResetError):
        pass
    return got

def legit():
    r = subprocess.run(check, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    return r.returncode == 0

# Garbage: control bytes and invalid UTF-8, then a newline.
s = conn()
s.sendall(bytes(range(256)) * 4)
print("garbage", answer(s)[:60])
s.close()

# 10 MB without a newline: refused early, the rest of the send fails.
s = conn()
sent = 0
try:
    s.settimeout(10)
    chunk = b"A" * 65536
    while sent < 10 << 20:
        s.sendall(chunk)
        sent += len(chunk)
except (BrokenPipeError, ConnectionResetError, socket.timeout):
    pass
print("big", "cut" if sent < 10 << 20 else "all", answer(s)[:60])
s.close()

# Half-closed: the request without its newline, then our end shut.
s = conn()
s.sendall(request.rstrip(b"\n"))
s.shutdown(socket.SHUT_WR)
got = answer(s)
print("halfclosed", len(got) > 0 and not got.startswith(b"error"))
s.close()

# A client that asks and never reads, held while a legitimate one asks.
lazy = conn()
lazy.sendall(request)
print("lazy", legit())

# 1000 connections at once, held open while a legitimate client asks.
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
held = []
for i in range(1000):
    try:
        held.append(conn())
    except OSError as e:
        print("connect-failed", i, e)
        break
print("held", len(held))
t0 = time.monotonic()
ok = legit()
print("flood", ok, round(time.monotonic() - t0, 1))
for s in held:
    s.close()
lazy.close()
print("after", legit())
PY

# As nobody: connecting is refused (the directory and socket are ours).
as_nobody()
{
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    /usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1]); s.sendall(b"status\n")
    print("answered:", s.recv(100))
except OSError as e:
    print("refused:", e.strerror)' "$1"
}

# --- the supervisor ----------------------------------------------------------
name=abuse-$$
"$VIGIL" run --name "$name" -- sh -c 'while :; do date +%s.%N; sleep 0.2; done' \
    >"$TMP/run.out" 2>&1
check "the supervisor starts" grep -q "supervisor" "$TMP/run.out"
sock=$XDG_RUNTIME_DIR/vigil/$name.sock
log=$XDG_STATE_HOME/vigil/run/$name.log
kid=$(sed -n 's/.*command \([0-9]*\).*/\1/p' "$TMP/run.out")
FIXTURE_PIDS="$FIXTURE_PIDS $kid"
trap_stop() { "$VIGIL" run --stop "$name" >/dev/null 2>&1; }

python3 "$TMP/abuse.py" "$sock" "status" "$VIGIL" run --status "$name" \
    >"$TMP/sup.res" 2>&1
diag "$(cat "$TMP/sup.res")"
check "supervisor: garbage gets an error" \
    grep -q "^garbage b'error" "$TMP/sup.res"
check "supervisor: a 10 MB request is cut short with an error" \
    grep -q "^big cut b'error" "$TMP/sup.res"
check "supervisor: a half-closed request is answered" \
    grep -qx "halfclosed True" "$TMP/sup.res"
check "supervisor: a client that never reads does not hold up another" \
    grep -qx "lazy True" "$TMP/sup.res"
check "supervisor: 1000 connections are taken" \
    grep -qx "held 1000" "$TMP/sup.res"
check "supervisor: with them held, a legitimate client is answered" \
    grep -q "^flood True" "$TMP/sup.res"
check "supervisor: and after them" grep -qx "after True" "$TMP/sup.res"
as_nobody "$sock" >"$TMP/nobody.res" 2>&1
check "supervisor: another user cannot even connect" \
    grep -q "^refused:" "$TMP/nobody.res"
check "supervisor: the command ran on throughout" kill -0 "$kid"
n=$(wc -l < "$log")
check "supervisor: the command's output goes on" \
    wait_for 5 eval '[ "$(wc -l < "$log")" -gt "$n" ]'
check "supervisor: the dropped clients are in its log" \
    grep -Eq "dropped|refused" "$log"
refusals=$(grep -Ec "dropped|refused" "$log")
check "supervisor: ...said a few times, not once per connection ($refusals)" \
    test "$refusals" -lt 50
"$VIGIL" run --stop "$name" >/dev/null 2>&1

# --- the heap tracker's agent ----------------------------------------------------
start_fixture hp "$VIGIL" heaptrack --run -- "$FIXTURES/heapsites" \
    "$TMP/hs.status"
hsock=$XDG_RUNTIME_DIR/vigil/heap-$hp.sock
check "the tracked program's agent listens" wait_for 30 test -S "$hsock"
python3 "$TMP/abuse.py" "$hsock" "snapshot" "$VIGIL" heaptrack "$hp" \
    >"$TMP/heap.res" 2>&1
diag "$(cat "$TMP/heap.res")"
check "agent: garbage gets an error" \
    grep -q "^garbage b'error" "$TMP/heap.res"
check "agent: a 10 MB request is cut short with an error" \
    grep -q "^big cut b'error" "$TMP/heap.res"
check "agent: a half-closed request is answered" \
    grep -qx "halfclosed True" "$TMP/heap.res"
check "agent: a client that never reads does not hold up another" \
    grep -qx "lazy True" "$TMP/heap.res"
check "agent: 1000 connections are taken" grep -qx "held 1000" "$TMP/heap.res"
check "agent: with them held, a legitimate client is answered" \
    grep -q "^flood True" "$TMP/heap.res"
check "agent: and after them" grep -qx "after True" "$TMP/heap.res"
as_nobody "$hsock" >"$TMP/nobody.res" 2>&1
check "agent: another user cannot even connect" \
    grep -q "^refused:" "$TMP/nobody.res"
check "agent: the tracked program runs on" kill -0 "$hp"
check "agent: and still answers" "$VIGIL" heaptrack "$hp"

done_testing
