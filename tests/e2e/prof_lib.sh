# Shared by the profiler's end-to-end tests (after lib.sh): the state of
# a target's threads, its CPU time, and shares of leaf functions in folded
# output.

# The threads of PID in a tracing stop ('t'), one TID a line.
traced_threads()
{
	local f
	for f in /proc/"$1"/task/*/stat; do
		sed 's/.*) //' "$f" 2>/dev/null | cut -d ' ' -f 1 |
		    grep -q '^t$' && basename "$(dirname "$f")"
	done
	return 0
}

# Some thread of PID is in a tracing stop now (one quick look at all).
any_traced()
{
	awk '{ sub(/.*\) /, ""); if ($1 == "t") t = 1 } END { exit !t }' \
	    /proc/"$1"/task/*/stat 2>/dev/null
}

# No thread of PID is traced: none in 't', TracerPid 0 everywhere.
released()
{
	local f
	[ -z "$(traced_threads "$1")" ] || return 1
	for f in /proc/"$1"/task/*/status; do
		grep -q '^TracerPid:[[:space:]]*0$' "$f" 2>/dev/null || return 1
	done
	return 0
}

# utime + stime of PID, in clock ticks.
cpu_ticks()
{
	sed 's/.*) //' /proc/"$1"/stat | awk '{ print $12 + $13 }'
}

# PID has used more than TICKS of CPU time.
cpu_above()
{
	[ "$(cpu_ticks "$1" 2>/dev/null || echo 0)" -gt "$2" ]
}

# PID runs on: its CPU time grows within a few seconds.
runs_on()
{
	local before
	before=$(cpu_ticks "$1") || return 1
	wait_for 5 cpu_above "$1" "$before"
}

# Every thread of PID is stopped ('T', or 't' while traced).
all_stopped()
{
	local f
	for f in /proc/"$1"/task/*/stat; do
		sed 's/.*) //' "$f" | cut -d ' ' -f 1 | grep -q '^[tT]$' ||
		    return 1
	done
}

# vigil has seized PID (its main thread has a tracer).
traced()
{
	grep -q '^TracerPid:[[:space:]]*[1-9]' /proc/"$1"/status 2>/dev/null
}

# leaf_shares FILE: "LEAF PERCENT" lines of a folded file, largest first.
leaf_shares()
{
	python3 - "$1" <<'PY'
import collections, sys
c = collections.Counter()
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line:
        continue
    stack, n = line.rsplit(" ", 1)
    c[stack.split(";")[-1]] += int(n)
total = sum(c.values())
for leaf, n in c.most_common():
    print(leaf, round(100.0 * n / total, 1))
PY
}

# share_near FILE LEAF WANT: LEAF's share of the leaves is WANT +-10.
share_near()
{
	local got
	got=$(leaf_shares "$1" | awk -v l="$2" '$1 == l { print $2 }')
	[ -n "$got" ] || {
		diag "$2: not a leaf in $1; its leaves:" \
		    "$(leaf_shares "$1" | head -5)"
		return 1
	}
	awk -v g="$got" -v w="$3" 'BEGIN { exit !(g >= w - 10 && g <= w + 10) }' ||
	    { diag "$2: $got% of samples, expected $3 +-10"; return 1; }
}
