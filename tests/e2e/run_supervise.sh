#!/bin/bash
# vigil run from the shell: a command that fails is restarted with growing
# delays and given up after --max-restarts, its output and every start and
# exit in the log, the events as JSON lines; --list, --status,
# --restart-now and --stop through the control socket; the socket and its
# directory are private, and a client of another uid is refused by the
# peer-credential check even when the modes are loosened.
. "$SRCDIR/tests/e2e/lib.sh"

need python3 setpriv

export XDG_RUNTIME_DIR=$TMP/rt XDG_STATE_HOME=$TMP/state
mkdir -p "$XDG_RUNTIME_DIR"
tag=r$$x
RUNDIR=$XDG_RUNTIME_DIR/vigil
STATEDIR=$XDG_STATE_HOME/vigil/run

# Supervisors started here are stopped when the test ends.
SUPS=""
stop_sups()
{
	local n
	for n in $SUPS; do
		"$VIGIL" run --stop "$n" >/dev/null 2>&1
	done
}
prev=$(trap -p EXIT)
prev=${prev#"trap -- "}
prev=${prev%" EXIT"}
eval "prev=$prev"
# shellcheck disable=SC2064
trap "stop_sups; $prev" EXIT

gone()
{
	[ ! -e "$RUNDIR/$1.sock" ] && [ ! -e "$RUNDIR/$1.state" ]
}

# --- on-failure, three restarts, then it gives up ----------------------
name=fail-$tag
out=$("$VIGIL" run --name "$name" --restart on-failure --max-restarts 3 \
    -- sh -c 'echo start; exit 3' 2>&1)
status=$?
check "vigil run returns at once, status 0 (got $status: $out)" \
    [ "$status" -eq 0 ]
check "it names the supervisor and the log" \
    eval 'printf "%s\n" "$out" | grep -q "^vigil run: $name: supervisor [0-9]+, command [0-9]+, log $STATEDIR/$name.log\$" ||
    printf "%s\n" "$out" | grep -Eq "^vigil run: $name: supervisor [0-9]+, command [0-9]+, log $STATEDIR/$name.log\$"'
supid=$(printf '%s\n' "$out" | sed -n 's/.*supervisor \([0-9]*\),.*/\1/p')
# Double fork: a new session (not this shell's), no controlling terminal.
read -r sess tty < <(awk '{ print $6, $7 }' "/proc/$supid/stat" 2>/dev/null)
mysess=$(awk '{ print $6 }' /proc/$$/stat)
check "the supervisor is in another session (pid $supid, session $sess, ours $mysess), without a terminal" \
    eval '[ -n "$sess" ] && [ "$sess" != "$mysess" ] && [ "$tty" = 0 ]'
check "its stdin is /dev/null" \
    [ "$(readlink "/proc/$supid/fd/0")" = /dev/null ]
check "the supervisor gives up and exits within 30 s" wait_for 30 gone "$name"
log=$STATEDIR/$name.log
ev=$STATEDIR/$name.events
diag "$(cat "$log")"
check "the log holds the command's output of all four runs" \
    [ "$(grep -c '^start$' "$log")" -eq 4 ]
check "the log records four starts, with timestamps" \
    [ "$(grep -Ec '^\[vigil run [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\] '"$name"': started pid [0-9]+' "$log")" -eq 4 ]
check "the log records four exits with code 3" \
    [ "$(grep -Ec "$name: pid [0-9]+ exited with code 3\$" "$log")" -eq 4 ]
check "the log says it gave up after 3 restarts" \
    grep -q "giving up after 3 restarts" "$log"
check "each start is followed by its output, then its exit" \
    eval 'awk "/started pid/ { s = 1; next } /^start\$/ && s == 1 { s = 2; next }
        /exited with code 3/ && s == 2 { n++; s = 0 } END { exit n != 4 }" "$log"'
check "the events are JSON lines: 4 start, 4 exit (code 3), 1 giveup" \
    json_q "$ev" '[e["event"] for e in snaps].count("start") == 4 and
        [e.get("code") for e in snaps if e["event"] == "exit"] == [3, 3, 3, 3] and
        [e["event"] for e in snaps].count("giveup") == 1'
check "the delays grow: 1 s, 2 s, 4 s" \
    json_q "$ev" '[e["delay_ms"] for e in snaps if e["event"] == "backoff"] == [1000, 2000, 4000]'
check "the starts really were spaced by growing delays" \
    json_q "$ev" '(lambda t: len(t) == 4 and t[1] - t[0] >= 0.9 and
        t[2] - t[1] >= 1.9 and t[3] - t[2] >= 3.9)(
        [__import__("datetime").datetime.strptime(e["time"],
        "%Y-%m-%dT%H:%M:%S.%fZ").timestamp() for e in snaps
        if e["event"] == "start"])'

# --- a long-lived command: list, status, restart-now, stop -------------
name=long-$tag
SUPS="$SUPS $name"
out=$("$VIGIL" run --name "$name" --restart always --log "$TMP/long.log" \
    -- bash -c "echo hello-$tag \$\$; exec -a kid-$tag sleep 1000" 2>&1)
check "a second supervisor starts ($out)" [ $? -eq 0 ]
check "the state file appears" wait_for 10 test -e "$RUNDIR/$name.state"
kid=$(awk 'NR == 1 { print $2 }' "$RUNDIR/$name.state")
check "--list shows it with its child's PID" \
    eval '"$VIGIL" run --list | grep -Eq "^$name +[0-9]+ +$kid +0 +running +$TMP/long.log\$"'
st=$("$VIGIL" run --status "$name")
check "--status answers JSON with the PID, policy and command" \
    eval 'printf "%s\n" "$st" > "$TMP/st.json" && json_q "$TMP/st.json" \
    "s[\"pid\"] == $kid and s[\"policy\"] == \"always\" and s[\"command\"][0] == \"bash\""'
check "the socket directory is 0700" \
    [ "$(stat -c %a "$RUNDIR")" = 700 ]
check "the socket is 0600" [ "$(stat -c %a "$RUNDIR/$name.sock")" = 600 ]
check "the output is in --log" wait_for 10 grep -q "^hello-$tag $kid\$" "$TMP/long.log"
out=$("$VIGIL" run --restart-now "$name")
new=$(printf '%s\n' "$out" | sed -n 's/.*restarted, pid \([0-9]*\)$/\1/p')
check "--restart-now restarts it: new PID $new (was $kid)" \
    eval '[ -n "$new" ] && [ "$new" != "$kid" ]'
check "the old child is gone" wait_for 10 eval '! kill -0 $kid 2>/dev/null'
check "the new child runs and wrote to the log" \
    wait_for 10 grep -q "^hello-$tag $new\$" "$TMP/long.log"
check "its restart count is 1" \
    eval '"$VIGIL" run --list | grep -Eq "^$name +[0-9]+ +$new +1 +running"'

# --- another uid is refused, even with the modes loosened ---------------
if [ "$(id -u)" -eq 0 ]; then
	chmod 711 "$TMP" "$XDG_RUNTIME_DIR" "$RUNDIR"
	chmod 666 "$RUNDIR/$name.sock"
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" "$VIGIL" run --stop "$name" 2>&1)
	status=$?
	check "nobody's --stop fails (status $status)" [ "$status" -eq 1 ]
	check "and says the supervisor refuses its uid: $out" \
	    eval 'printf "%s\n" "$out" | grep -q "refuses uid $(id -u nobody): only uid 0 (its owner) or root"'
	check "the command still runs" kill -0 "$new"
	check "the refusal is in the log" grep -q "refused a client of uid" "$TMP/long.log"
	chmod 700 "$TMP" "$XDG_RUNTIME_DIR" "$RUNDIR"
	chmod 600 "$RUNDIR/$name.sock"
else
	skip "the uid check needs root to run a client as another user"
fi

out=$("$VIGIL" run --stop "$name" 2>&1)
check "--stop stops it ($out)" [ $? -eq 0 ]
check "the child is gone" wait_for 10 eval '! kill -0 $new 2>/dev/null'
check "the socket and state are gone" wait_for 10 gone "$name"
check "the log says it stopped" grep -q "supervisor stopped" "$TMP/long.log"

# --- a signal, and no restart with --restart no --------------------------
name=sig-$tag
"$VIGIL" run --name "$name" --restart no -- sh -c 'echo bye; kill -9 $$' \
    >/dev/null 2>&1
check "--restart no: the supervisor exits after one run" \
    wait_for 15 gone "$name"
check "the log records the signal that ended it" \
    grep -Eq "$name: pid [0-9]+ was killed by signal 9 \(Killed\)\$" "$STATEDIR/$name.log"
check "the event says signal 9" \
    json_q "$STATEDIR/$name.events" '[e.get("signal") for e in snaps if e["event"] == "signal"] == [9]'
check "and that it was not restarted" \
    grep -q "not restarting (--restart no)" "$STATEDIR/$name.log"

# --- rotation by size ------------------------------------------------------
name=rot-$tag
"$VIGIL" run --name "$name" --restart no --log "$TMP/rot.log" --log-size 4k \
    --log-keep 2 -- sh -c 'i=0; while [ $i -lt 400 ]; do
	echo "line $i of the rotation test, padded to be long enough"; i=$((i + 1))
    done' >/dev/null 2>&1
check "the rotation run ends" wait_for 15 gone "$name"
check "the log was rotated: rot.log, rot.log.1 and rot.log.2" \
    eval '[ -s "$TMP/rot.log" ] && [ -s "$TMP/rot.log.1" ] && [ -s "$TMP/rot.log.2" ]'
check "no more than --log-keep 2 rotated files" [ ! -e "$TMP/rot.log.3" ]
check "no file is much over --log-size" \
    eval '[ $(stat -c %s "$TMP/rot.log.1") -le 4096 ] && [ $(stat -c %s "$TMP/rot.log.2") -le 4096 ]'
check "the newest lines are in rot.log, older ones in rot.log.1" \
    eval 'grep -q "^line 399 " "$TMP/rot.log" && grep -q "^line " "$TMP/rot.log.1" &&
    [ "$(grep -o "^line [0-9]*" "$TMP/rot.log.1" | tail -1 | cut -d" " -f2)" -lt \
      "$(grep -o "^line [0-9]*" "$TMP/rot.log" | head -1 | cut -d" " -f2)" ]'

# --- errors --------------------------------------------------------------
out=$("$VIGIL" run --stop "nosuch-$tag" 2>&1)
status=$?
check "--stop of an unknown name fails, saying so" \
    eval '[ $status -eq 1 ] && printf "%s\n" "$out" | grep -q "no supervisor named nosuch-$tag"'
out=$("$VIGIL" run -- "no-such-command-$tag" 2>&1)
status=$?
check "an unknown command is refused before detaching: $out" \
    eval '[ $status -eq 1 ] && printf "%s\n" "$out" | grep -q "command not found"'
out=$("$VIGIL" run --restart sometimes -- true 2>&1)
status=$?
check "a bad policy is a usage error" \
    eval '[ $status -eq 2 ] && printf "%s\n" "$out" | grep -q "not no, on-failure or always"'

done_testing
