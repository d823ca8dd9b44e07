#!/bin/bash
# The real logrotate rotates a file that a writer appends numbered lines
# to, once by rename + create and once by copytruncate, while the logtail
# fixture follows it: every line is printed once, in order, none lost.
. "$SRCDIR/tests/e2e/lib.sh"

N=600
log=$TMP/app.log
out=$TMP/out
: > "$log"
. "$SRCDIR/tests/e2e/rotate_lib.sh"

printed() { wc -l < "$out"; }
at_least() { [ "$(printed)" -ge "$1" ]; }
watching() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q inotify; }

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
