#!/bin/bash
# Restart from the monitor (R). In place: a fixture with a distinctive
# argv, working directory, environment variable and output files; the
# confirmation shows what will run, as whom, where; y ends it and starts
# it again: a new PID with the same argv, cwd, environment and output
# files, selected and named in the status line, the old one gone. n and
# --readonly restart nothing. As root: a process of nobody comes back as
# nobody. PID reuse between the confirmation and y is refused. A child of
# vigil run is marked with its supervisor and restart count, its output is
# in the log pane (the supervisor's too), and R restarts it through its
# supervisor.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

need setpriv

tag=t$$x
export XDG_RUNTIME_DIR=$TMP/rt XDG_STATE_HOME=$TMP/state
mkdir -p "$XDG_RUNTIME_DIR" "$TMP/wd-$tag"
RESTARTED=""
# The processes restarted here are not this shell's: end them too.
prev=$(trap -p EXIT)
prev=${prev#"trap -- "}
prev=${prev%" EXIT"}
eval "prev=$prev"
# shellcheck disable=SC2064
trap 'for p in $RESTARTED; do kill -KILL $p 2>/dev/null; done;
    "$VIGIL" run --stop tail-'"$tag"' >/dev/null 2>&1;
    "$VIGIL" run --stop fail-'"$tag"' >/dev/null 2>&1; '"$prev" EXIT

alive()
{
	local state
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

dead()
{
	! alive "$1"
}

# only REGEX: the process filter set to REGEX (the table has the focus).
only()
{
	tui_keys '\' C-u
	tui_type "$1"
	tui_keys Enter
}

# The PID the status line names as new.
new_pid()
{
	tui_bottom | sed -n 's/.*new PID \([0-9]*\) (was.*/\1/p'
}

cmdline()
{
	tr '\0' '\n' < "/proc/$1/cmdline"
}

start_fixture r1 bash -c "cd '$TMP/wd-$tag' &&
    RESTARTEE_VAR=val-$tag exec '$FIXTURES/restartee' restart-me-$tag 'two words' \
    >>'$TMP/out-$tag.log' 2>>'$TMP/err-$tag.log'"
wait_for 10 exec_done "$r1" "restart-me-$tag"
wait_for 10 grep -q "^start $r1 " "$TMP/out-$tag.log"

check_screen "vigil starts at 160x50" tui_start 160 50 \
    XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" -- -d 10 --restart-timeout 2
only "restartee restart-me-$tag"
check_screen "the fixture is the only, selected row" \
    wait_for 15 eval 'tui_rows_are $r1 && tui_selected_is $r1'

# n: nothing happens.
tui_keys R
check_screen "R shows the plan: in place" \
    wait_screen 10 "Restart restartee \\($r1\\) in place"
check_screen "it shows exactly what runs, quoted" \
    screen_has "Runs: $FIXTURES/restartee restart-me-$tag 'two words'"
check_screen "as whom" screen_has "As: $(id -un) \\(uid $(id -u), gid $(id -g)"
check_screen "in which directory" screen_has "In: $TMP/wd-$tag\$"
check_screen "where its output goes" \
    eval 'screen_has "Stdout: $TMP/out-$tag.log \\(appended\\)" &&
    screen_has "Stderr: $TMP/err-$tag.log \\(appended\\)"'
check_screen "the bottom line asks" bottom_has 'Restart\? \[y/N\]'
tui_keys n
check_screen "n: nothing was restarted" \
    wait_for 10 bottom_has 'nothing was restarted'
check "n: the fixture still runs" alive "$r1"

# y: restarted in place.
tui_keys R
wait_screen 10 "Restart restartee \\($r1\\) in place"
tui_keys y
check_screen "y: the status line reports the new PID" \
    wait_for 20 bottom_has "restarted restartee: new PID [0-9]+ \\(was $r1\\)"
n1=$(new_pid)
RESTARTED="$RESTARTED $n1"
check "the old process is gone" wait_for 10 dead "$r1"
wait "$r1"
st=$?
check "it ended by SIGTERM (status $st)" [ "$st" -eq 143 ]
check "the new one ($n1) runs" alive "$n1"
check "same argv" [ "$(cmdline "$n1")" = "$(printf '%s\n' "$FIXTURES/restartee" "restart-me-$tag" 'two words')" ]
check "same cwd" [ "$(readlink "/proc/$n1/cwd")" = "$TMP/wd-$tag" ]
check "same environment variable" \
    eval 'tr "\0" "\n" < /proc/$n1/environ | grep -qx "RESTARTEE_VAR=val-$tag"'
check "stdout is the same file" [ "$(readlink "/proc/$n1/fd/1")" = "$TMP/out-$tag.log" ]
check "stderr is the same file" [ "$(readlink "/proc/$n1/fd/2")" = "$TMP/err-$tag.log" ]
check "its output was appended there" \
    eval 'grep -q "^start $n1 $TMP/wd-$tag val-$tag restart-me-$tag two words\$" "$TMP/out-$tag.log" &&
    grep -q "^start $r1 " "$TMP/out-$tag.log" && grep -q "^stderr $n1\$" "$TMP/err-$tag.log"'
check "it leads a session of its own" \
    [ "$(awk '{ print $6 }' "/proc/$n1/stat")" = "$n1" ]
check_screen "the new process is selected" \
    wait_for 15 eval 'tui_rows_are $n1 && tui_selected_is $n1'

# A process that ignores SIGTERM: after --restart-timeout, SIGKILL is
# offered; the new one ignores SIGTERM too (ignored signals are kept).
start_fixture st bash -c "trap '' TERM; exec '$FIXTURES/restartee' stubborn-$tag >/dev/null 2>&1"
wait_for 10 exec_done "$st" "stubborn-$tag"
only "restartee stubborn-$tag"
check_screen "the stubborn one is the only, selected row" \
    wait_for 15 eval 'tui_rows_are $st && tui_selected_is $st'
tui_keys R
wait_screen 10 "Restart restartee \\($st\\) in place"
fb=$TMP/state/vigil/restarts/restartee-$st.log
check_screen "output that was not a file goes to a log of vigil's" \
    screen_has "Stdout: $fb \\(it was not a file\\)"
tui_keys y
check_screen "SIGTERM is ignored: after 2 s, SIGKILL is offered" \
    wait_for 20 bottom_has "process $st has not exited 2 s after SIGTERM\\. Send SIGKILL\\? \\[y/N\\]"
check "it still runs while asked" alive "$st"
tui_keys y
check_screen "y: killed and restarted" \
    wait_for 20 bottom_has "restarted restartee: new PID [0-9]+ \\(was $st\\)"
n3=$(new_pid)
RESTARTED="$RESTARTED $n3"
check "the stubborn one is gone" wait_for 10 dead "$st"
check "the new one ignores SIGTERM as the old one did" \
    eval '[ $(( 0x$(awk "/^SigIgn:/ { print \$2 }" /proc/$n3/status) & 0x4000 )) -ne 0 ]'
check "same argv" [ "$(cmdline "$n3")" = "$(printf '%s\n' "$FIXTURES/restartee" "stubborn-$tag")" ]
check "its stdout and stderr are that log" \
    eval '[ "$(readlink /proc/$n3/fd/1)" = "$fb" ] && [ "$(readlink /proc/$n3/fd/2)" = "$fb" ]'
check "which holds its output" wait_for 10 grep -q "^start $n3 " "$fb"

# An executable replaced since the process started: a second question.
mkdir -p "$TMP/bin"
cp "$FIXTURES/restartee" "$TMP/bin/restartee-$tag"
start_fixture dl bash -c "exec '$TMP/bin/restartee-$tag' deleted-$tag >>'$TMP/dl.out' 2>&1"
wait_for 10 exec_done "$dl" "deleted-$tag"
rm "$TMP/bin/restartee-$tag"
cp "$FIXTURES/restartee" "$TMP/bin/restartee-$tag"
only "restartee-$tag deleted-$tag"
check_screen "the replaced one is the only, selected row" \
    wait_for 15 eval 'tui_rows_are $dl && tui_selected_is $dl'
tui_keys R
check_screen "the plan says the executable was replaced" \
    wait_screen 10 "Executable: $TMP/bin/restartee-$tag \\(the one it runs was deleted; this is the file there now\\)"
tui_keys y
check_screen "y asks again, about the deleted executable" \
    wait_for 10 bottom_has "Its executable was deleted since it started: run the file now at that path\\? \\[y/N\\]"
check "nothing was done yet" alive "$dl"
tui_keys y
check_screen "the second y restarts it" \
    wait_for 20 bottom_has "new PID [0-9]+ \\(was $dl\\)"
n4=$(new_pid)
RESTARTED="$RESTARTED $n4"
check "the new one runs the new file" \
    [ "$(readlink "/proc/$n4/exe")" = "$TMP/bin/restartee-$tag" ]

# PID reuse between R and y: the PID now names another process.
if [ "$(id -u)" -eq 0 ] && [ -w /proc/sys/kernel/ns_last_pid ]; then
	start_fixture v bash -c "exec -a reused-$tag sleep 1000"
	wait_for 10 exec_done "$v" "reused-$tag"
	only "^reused-$tag"
	wait_for 15 eval 'tui_rows_are $v && tui_selected_is $v'
	tui_keys R
	check_screen "R on the victim shows its plan" \
	    wait_screen 10 "Restart sleep \\($v\\) in place"
	kill "$v"
	wait "$v" 2>/dev/null
	# Make the next fork take the freed PID (retrying if another
	# process forked in between).
	imp=
	for try in $(seq 50); do
		echo $((v - 1)) > /proc/sys/kernel/ns_last_pid
		bash -c "exec -a imposter-$tag sleep 1000" &
		p=$!
		if [ "$p" = "$v" ]; then
			imp=$p
			break
		fi
		kill "$p"
		wait "$p" 2>/dev/null
	done
	FIXTURE_PIDS="$FIXTURE_PIDS $imp"
	check "another process took PID $v" [ "$imp" = "$v" ]
	wait_for 10 exec_done "$imp" "imposter-$tag"
	tui_keys y
	check_screen "y refuses: the PID is another process now" \
	    wait_for 10 bottom_has "PID $v is now another process.*nothing was restarted"
	check "the imposter was not touched" alive "$imp"
	check "and nothing was started in its place" \
	    eval '! pgrep -f "^imposter-$tag" | grep -vqx "$imp"'
else
	skip "PID reuse needs root to write /proc/sys/kernel/ns_last_pid"
fi

# As root, a process of nobody comes back as nobody.
if [ "$(id -u)" -eq 0 ]; then
	chmod 711 "$TMP"
	mkdir -p "$TMP/nob"
	chown nobody "$TMP/nob"
	start_fixture nb setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    bash -c "cd '$TMP/nob' && exec '$FIXTURES/restartee' nobody-$tag >>'$TMP/nob/out.log' 2>&1"
	wait_for 10 exec_done "$nb" "nobody-$tag"
	only "restartee nobody-$tag"
	wait_for 15 eval 'tui_rows_are $nb && tui_selected_is $nb'
	tui_keys R
	check_screen "the plan says it runs as nobody" \
	    wait_screen 10 "As: nobody \\(uid $(id -u nobody), gid $(id -g nobody)\\)"
	tui_keys y
	check_screen "y: restarted" \
	    wait_for 20 bottom_has "new PID [0-9]+ \\(was $nb\\)"
	n2=$(new_pid)
	RESTARTED="$RESTARTED $n2"
	check "the old one is gone" wait_for 10 dead "$nb"
	check "the new one ($n2) runs as nobody, all four uids" \
	    eval 'grep -Eq "^Uid:\s+$(id -u nobody)\s+$(id -u nobody)\s+$(id -u nobody)\s+$(id -u nobody)$" /proc/$n2/status'
	check "with nobody's group and no supplementary groups" \
	    eval 'grep -Eq "^Gid:\s+$(id -g nobody)\s" /proc/$n2/status &&
	    grep -Eq "^Groups:\s*$" /proc/$n2/status'
	check "its output goes to the same file" \
	    wait_for 10 grep -q "^start $n2 $TMP/nob" "$TMP/nob/out.log"
	chmod 700 "$TMP"
else
	skip "restarting another user's process needs root"
fi

# A child of vigil run: marked, its output in the log pane, restarted by
# its supervisor.
out=$("$VIGIL" run --name "tail-$tag" --restart always --log "$TMP/tail.log" \
    -- bash -c "echo hello-$tag; exec -a kid-$tag sleep 1000" 2>&1)
check "vigil run starts a supervisor ($out)" [ $? -eq 0 ]
wait_for 10 test -e "$XDG_RUNTIME_DIR/vigil/tail-$tag.state"
kid=$(awk 'NR == 1 { print $2 }' "$XDG_RUNTIME_DIR/vigil/tail-$tag.state")
sup=$(awk 'NR == 1 { print $1 }' "$XDG_RUNTIME_DIR/vigil/tail-$tag.state")
wait_for 10 exec_done "$kid" "kid-$tag"
only "^kid-$tag"
check_screen "the supervised child is marked with its supervisor and restarts" \
    wait_for 15 eval 'tui_row $kid | grep -q "\[run tail-$tag r0\] sleep: kid-$tag 1000"'
tui_keys l
check_screen "the log pane shows the child's captured output" \
    wait_screen 15 "\\[tail.log\\] hello-$tag"
check_screen "and the supervisor's record of its start" \
    screen_has "\\[tail.log\\] \\[vigil run [0-9T:.-]+Z\\] tail-$tag: started pid $kid"
tui_keys Tab
only "vigil run --name tail-$tag"
check_screen "with the supervisor selected" \
    wait_for 15 eval 'tui_rows_are $sup && tui_selected_is $sup'
check_screen "the log pane shows the same log" \
    wait_screen 15 "Logs of vigil \\($sup\\):.*tail.log"
check_screen "with the child's output" screen_has "\\[tail.log\\] hello-$tag"
only "^kid-$tag"
wait_for 15 eval 'tui_rows_are $kid && tui_selected_is $kid'
tui_keys R
check_screen "R on the child: through its supervisor" \
    wait_screen 10 "Restart sleep \\($kid\\) through its supervisor tail-$tag \\(vigil run, PID $sup\\)"
tui_keys y
check_screen "y: restarted by the supervisor, new PID in the status line" \
    wait_for 20 bottom_has "new PID [0-9]+ \\(was $kid\\) by supervisor tail-$tag"
kid2=$(new_pid)
check "the old child is gone" wait_for 10 dead "$kid"
check "the new child ($kid2) is the supervisor's" \
    [ "$(awk '{ print $4 }' "/proc/$kid2/stat")" = "$sup" ]
check_screen "its row counts one restart" \
    wait_for 15 eval 'tui_row $kid2 | grep -q "\[run tail-$tag r1\]"'
"$VIGIL" run --stop "tail-$tag" >/dev/null 2>&1
check "vigil run --stop ends it" wait_for 10 dead "$kid2"

# The command of the issue: its starts and exits in the log pane, with
# its supervisor selected (the pane is still open from above).
only "vigil run --name fail-$tag"
out=$("$VIGIL" run --name "fail-$tag" --restart on-failure --max-restarts 3 \
    -- sh -c 'echo start; exit 3' 2>&1)
sup2=$(printf '%s\n' "$out" | sed -n 's/.*supervisor \([0-9]*\),.*/\1/p')
check_screen "the failing command's supervisor ($sup2) is selected" \
    wait_for 15 eval 'tui_rows_are $sup2 && tui_selected_is $sup2'
check_screen "the log pane shows its output" \
    wait_screen 15 "^\\[fail-$tag.log\\] start\$"
check_screen "and its exits with code 3" \
    wait_screen 15 "^\\[fail-$tag.log\\] \\[vigil run [0-9T:.-]+Z\\] fail-$tag: pid [0-9]+ exited with code 3\$"
check_screen "and a restart after a delay" \
    wait_screen 15 "^\\[fail-$tag.log\\] .*fail-$tag: restart [12] in [12] s\$"

check_screen "q quits, status 0" tui_quit_ok

# --readonly: R refuses.
check_screen "vigil --readonly starts" tui_start 160 50 \
    XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" -- -d 10 --readonly
only "restartee restart-me-$tag"
wait_for 15 eval 'tui_rows_are $n1 && tui_selected_is $n1'
tui_keys R
check_screen "--readonly: R says actions are disabled" \
    wait_for 10 bottom_has 'read-only mode \(--readonly\): actions are disabled'
check_screen "--readonly: no plan shown" screen_lacks 'in place: SIGTERM'
tui_keys y
check "--readonly: the process still runs" alive "$n1"
check_screen "--readonly: q quits" tui_quit_ok

done_testing
