# Shared by bench.sh and bench_tui.sh: idle processes made by spawn_idle
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
