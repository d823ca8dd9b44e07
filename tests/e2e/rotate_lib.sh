# Shared by the tests that follow a log through real logrotate runs:
# a writer of numbered lines that can be paused, and the two rotations.
# Sourced after lib.sh; uses $log (the file), $N (lines to write) and
# WRITER_DELAY (seconds between lines).
PATH=$PATH:/usr/sbin:/sbin
need logrotate
: "${WRITER_DELAY:=0.005}"

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
		sleep "$WRITER_DELAY"
	done
	exec 3>&-
	: > "$TMP/written"
}

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
	logrotate -f -s "$TMP/logrotate.state" "$conf" 2> "$TMP/$1.err"
}

