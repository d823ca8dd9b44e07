# Shared by bench.sh, bench_tui.sh and bench_logs.sh: idle processes made by spawn_idle
# (built by the caller into $tmp/spawn_idle), started and stopped around a
# measurement, and counted. The caller defines $tmp, $spawner and die().

stop_idle()
{
	if [ -n "$spawner" ]; then
		kill -TERM "$spawner" 2>/dev/null || true
		wait "$spawner" 2>/dev/null || true
		spawner=
	fi
}

# Start N idle processes and wait until all exist.
start_idle()
{
	local n=$1 i

	stop_idle
	[ "$n" -gt 0 ] || return 0
	: >"$tmp/ready"
	"$tmp/spawn_idle" "$n" >"$tmp/ready" &
	spawner=$!
	for ((i = 0; i < 1200; i++)); do
		if grep -q ready "$tmp/ready"; then
			return 0
		fi
		kill -0 "$spawner" 2>/dev/null ||
		    die "spawn_idle $n failed (see the message above)"
		sleep 0.05
	done
	die "spawn_idle $n not ready after 60 s"
}

check_idle()
{
	if [ -n "$spawner" ] && ! kill -0 "$spawner" 2>/dev/null; then
		spawner=
		die "the idle processes died during a measurement"
	fi
}

# Processes in /proc now (kernel threads included).
count_procs()
{
	local n=0 d

	for d in /proc/[0-9]*; do
		n=$((n + 1))
	done
	echo "$n"
}

# "ticks ns": utime+stime of PID from /proc/PID/stat, and the on-CPU
# nanoseconds of all its threads from schedstat.
cpu_of()
{
	local pid=$1 ticks ns=0 f v rest

	# Fields after "pid (comm) ": utime and stime are the 12th and 13th.
	ticks=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null |
	    awk '{ print $12 + $13 }') || ticks=
	for f in /proc/"$pid"/task/*/schedstat; do
		read -r v rest <"$f" 2>/dev/null || continue
		ns=$((ns + v))
	done
	echo "${ticks:-0} $ns"
}
