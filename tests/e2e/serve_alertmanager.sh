#!/bin/bash
# vigil serve's alarms in a real Alertmanager (Debian's, on 127.0.0.1 with
# this test's config): a burner's alarm arrives firing, with its labels,
# and then resolved, read back through Alertmanager's API v2 and through
# the notifications it sends to a webhook; an alarm raised while
# Alertmanager is stopped arrives once it is started again.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/serve_lib.sh"
need python3 curl prometheus-alertmanager

tag=am$$
APORT=$(free_port)
HPORT=$(free_port)
PORT=$(free_port)

# The webhook: each notification Alertmanager sends, one JSON per line.
cat > "$TMP/hook.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(sys.argv[2], "ab") as f:
            f.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
: > "$TMP/hook.log"
start_fixture hook python3 "$TMP/hook.py" "$HPORT" "$TMP/hook.log"

cat > "$TMP/am.yml" <<YML
route:
  receiver: hook
  group_by: [alarm]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:$HPORT/
        send_resolved: true
YML
am_start()
{
	start_fixture am prometheus-alertmanager --config.file="$TMP/am.yml" \
	    --storage.path="$TMP/am$1" --web.listen-address="127.0.0.1:$APORT" \
	    --cluster.listen-address= 2>> "$TMP/am.err"
	wait_for 30 sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$APORT/-/ready)\" = 200 ]"
}
check "Alertmanager starts on 127.0.0.1:$APORT" am_start 1

mkdir -p "$XDG_CONFIG_HOME/vigil"
cat > "$XDG_CONFIG_HOME/vigil/vigilrc" <<RC
alertmanager = http://127.0.0.1:$APORT/
alarm hot-$tag: proc.cpu > 10% for 1s where cmdline ~ /burn $tag/ severity crit
RC
start_fixture burner "$FIXTURES/burn" "$tag"
wait_for 5 exec_done "$burner" "$tag"
check "vigil serve starts" start_serve vpid "$PORT"

# alerts: Alertmanager's active alerts of our rule, as "state process pid".
alerts()
{
	curl -s --max-time 5 "http://127.0.0.1:$APORT/api/v2/alerts" |
	    python3 -c 'import json, sys
for a in json.load(sys.stdin):
    l = a["labels"]
    if l.get("alarm") == sys.argv[1]:
        print(a["status"]["state"], l.get("process"), l.get("pid"), l.get("severity"), l.get("host"))' "hot-$tag"
}
firing()
{
	alerts | grep -q "^active burn $burner crit $(hostname)$"
}
check "the alarm arrives firing, labelled with process, pid, severity and host" \
    wait_for 30 firing
diag "Alertmanager holds: $(alerts)" "vigil serve said: $(cat "$TMP/serve.err")" \
    "the webhook heard: $(cut -c 1-600 "$TMP/hook.log")"
check "the webhook is told it fires" \
    wait_for 30 grep -q "\"status\":\"firing\".*hot-$tag" "$TMP/hook.log"

# The burner stops: the alarm resolves, long before its endsAt would
# have ended it (4 minutes after each send while firing).
kill -STOP "$burner"
gone()
{
	[ -z "$(alerts)" ]
}
check "the alarm leaves Alertmanager's active alerts once resolved" \
    wait_for 60 gone
check "the webhook is told it resolved" \
    wait_for 30 grep -q "\"status\":\"resolved\".*hot-$tag" "$TMP/hook.log"

# Alertmanager down: the next alarm waits in vigil and arrives later.
kill -TERM "$am"
wait "$am" 2>/dev/null
: > "$TMP/hook.log"
kill -CONT "$burner"
retried()
{
	grep -q "Alertmanager .*: .*kept and sent again" "$TMP/serve.err"
}
check "vigil finds Alertmanager down and keeps the alarm" wait_for 60 retried
check "Alertmanager starts again" am_start 2
check "the alarm raised while it was down arrives firing" wait_for 60 firing
check "vigil serve still answers" metrics_up "$PORT"
done_testing
