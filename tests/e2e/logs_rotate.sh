#!/bin/bash
# The real logrotate rotates a file that a writer appends numbered lines
# to, once by rename + create and once by copytruncate, while the logtail
# fixture follows it: every line is printed once, in order, none lost.
. "$SRCDIR/tests/e2e/lib.sh"
PATH=$PATH:/usr/sbin:/sbin
need logrotate

N=600
log=$TMP/app.log
out=$TMP/out
: > "$log"

# The writer holds the log open like a daemon and appends "line I" at a
# steady pace. While $TMP/pause exists it stops, says how many lines it
# has written in $TMP/paused, and reopens the log by name when let go.
#
# Why it pauses: a daemon still writing to the renamed file after the new
# one is created, or a line written between copytruncate's copy and its
# truncate, is lost by the nature of the rotation (tail -F loses them
# too), not by vigil. Pausing rules those out, so any gap or duplicate
# left is vigil's.
writer()
{
	local i=0
	exec 3>>"$log"
	while [ "$i" -lt "$N" ]; do
		if [ -e "$TMP/pause" ]; then
			exec 3>&-
			echo "$i" > "$TMP/paused.tmp"
			mv "$TMP/paused.tmp" "$TMP/paused"
			while [ -e "$TMP/pause" ]; do sleep 0.01; done
			rm -f "$TMP/paused"
			exec 3>>"$log"
		fi
		i=$((i + 1))
		echo "line $i" >&3
		sleep 0.005
	done
	exec 3>&-
	: > "$TMP/written"
}

printed() { wc -l < "$out"; }
at_least() { [ "$(printed)" -ge "$1" ]; }
watching() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q inotify; }

# pause_writer: returns once the writer is idle, its count in $written.
pause_writer()
{
	: > "$TMP/pause"
	wait_for 10 test -e "$TMP/paused" || return 1
	written=$(cat "$TMP/paused")
}

resume_writer() { rm -f "$TMP/pause"; }

rotate()
{
	local conf=$TMP/$1.conf
	printf '%s {\n\trotate 5\n\t%s\n\tmissingok\n}\n' "$log" "$1" > "$conf"
	logrotate -f -s "$TMP/state" "$conf" 2> "$TMP/$1.err"
}

start_fixture tail_pid "$FIXTURES/logtail" "$log" > "$out"
wait_for 10 watching "$tail_pid"
start_fixture writer_pid writer

wait_for 20 at_least 150
# logtail is stopped while lines go to the old file, the rotation happens
# and the new file gets lines: when it wakes, it must finish the old file
# before it starts the new one.
kill -STOP "$tail_pid"
sleep 0.3
check "the writer was paused for the create rotation" pause_writer
check "logtail is behind the writer" test "$(printed)" -lt "$written"
check "logrotate rotated by rename and create" rotate create
check "the old log was renamed" test -s "$log.1"
resume_writer
sleep 0.3
kill -CONT "$tail_pid"

wait_for 20 at_least 350
check "the writer was paused for the copytruncate rotation" pause_writer
# What copytruncate truncates must have been read first: wait for it.
check "logtail read every line before the truncation" \
    wait_for 20 at_least "$written"
check "logrotate rotated by copytruncate" rotate copytruncate
check "the log was truncated" test ! -s "$log"
resume_writer

check "the writer finished" wait_for 60 test -e "$TMP/written"
check "logtail printed $N lines" wait_for 20 at_least "$N"
kill -TERM "$tail_pid"
wait "$tail_pid" 2>/dev/null

seq -f "line %g" 1 "$N" > "$TMP/want"
cat "$log.2" "$log.1" "$log" > "$TMP/files"
check "the rotated files hold every line (the writer lost none)" \
    cmp -s "$TMP/want" "$TMP/files"
check "every printed line is labelled with the log" \
    test "$(grep -vc "^$log: " "$out")" -eq 0
sed "s|^$log: ||" "$out" > "$TMP/got"
check "lines 1..$N printed once each, in order" cmp -s "$TMP/want" "$TMP/got"
if ! cmp -s "$TMP/want" "$TMP/got"; then
	diag "$(diff "$TMP/want" "$TMP/got" | head -20)"
fi

done_testing
