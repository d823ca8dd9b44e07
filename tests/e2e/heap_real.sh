#!/bin/bash
# The allocation tracker under programs nobody here wrote, which check
# their own results: CPython's own tests (json, re, threading: threads,
# fork from a thread, subprocesses), git making, cloning and checking a
# repository, gcc compiling a file, sort of a 50 MB file (threads and
# temporary files), an xz round trip, and perl's hashes. Each runs once
# untracked and then with libvigil-heap.so preloaded in full and in
# sampled mode (children are tracked too): the exit status and what it
# prints must be the same, each run ends within a bound (no deadlock), and
# the agent answers a snapshot request all the while.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/heap_lib.sh"

need /usr/bin/python3.11 git gcc sort xz perl cmp sha256sum
check "CPython's test suite is installed (libpython3.11-testsuite)" \
    test -f /usr/lib/python3.11/test/test_threading.py

export XDG_RUNTIME_DIR=$TMP/rt
mkdir -p "$XDG_RUNTIME_DIR"
export TMP SRCDIR	# the programs run in a shell of their own
BOUND=600

# The programs, each a script run in a fresh directory; what it prints on
# standard output is compared (stderr is kept for the diagnosis).
prog_python()
{
	# The durations vary; the verdicts must not.
	/usr/bin/python3.11 -m test test_json test_re test_threading |
	    grep -E '^(Tests result:|[0-9]+ tests? OK|All [0-9]+ tests OK)'
	return "${PIPESTATUS[0]}"
}

prog_git()
{
	export GIT_AUTHOR_NAME=v GIT_AUTHOR_EMAIL=v@localhost \
	    GIT_COMMITTER_NAME=v GIT_COMMITTER_EMAIL=v@localhost \
	    GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' \
	    GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' \
	    GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
	git init -q -b main repo || return 1
	for i in $(seq 200); do
		seq "$i" $((i * 50)) > repo/file$i
	done
	git -C repo add . && git -C repo commit -q -m first || return 1
	git clone -q --no-local repo clone || return 1
	seq 5 > clone/extra
	git -C clone add extra && git -C clone commit -q -m second || return 1
	git -C clone gc -q && git -C clone fsck --no-progress --strict || return 1
	git -C clone log --format='%H %s'
}

prog_gcc()
{
	local f
	for f in forker hostile burn threads waiters heapsites heapstress \
	    openfiles; do
		gcc -O2 -pthread -c "$SRCDIR/tests/fixtures/$f.c" -o "$f.o" ||
		    return 1
		echo "$f $(sha256sum < "$f.o")"
	done
}

prog_sort()
{
	sort -S 8M -T . "$TMP/big.txt" | sha256sum &&
	    sort -S 8M -T . -r -k 2 "$TMP/big.txt" | sha256sum &&
	    sort -S 64M --parallel=2 -u -t ' ' -k 1.1,1.4 "$TMP/big.txt" |
	    sha256sum
}

prog_xz()
{
	local t
	head -c 16M "$TMP/big.txt" > in
	for t in 1 2; do
		xz -T"$t" -3 -c in > in.xz && sha256sum < in.xz &&
		    xz -dc in.xz | cmp - in && echo same || return 1
	done
}

prog_perl()
{
	perl -e 'my %h; $h{$_ % 100003} .= "$_," for 1 .. 1_500_000;
	    my $n = 0; $n += length $h{$_} for keys %h;
	    print scalar(keys %h), " $n\n"; delete $h{$_} for 1 .. 50000;
	    print scalar(keys %h), "\n"'
}

# 50 MB of lines in a fixed order of no particular order.
python3 -c '
import random, sys
r = random.Random(42)
with open(sys.argv[1], "w") as f:
    while f.tell() < 50 << 20:
        f.write("%016x %s\n" % (r.getrandbits(64), "x" * r.randrange(60)))
' "$TMP/big.txt"
check "the 50 MB input is made" test "$(stat -c %s "$TMP/big.txt")" -ge 52428800

# poll PID FILE: ask PID's agent for a snapshot every 0.2 s while it runs;
# counts of answers and failures (failures after it has gone are not).
poll()
{
	local ok=0 bad=0
	while kill -0 "$1" 2>/dev/null; do
		if "$VIGIL" heaptrack --format json --no-history "$1" \
		    >/dev/null 2>"$2.err"; then
			ok=$((ok + 1))
		elif kill -0 "$1" 2>/dev/null &&
		    [ -S "$XDG_RUNTIME_DIR/vigil/heap-$1.sock" ]; then
			bad=$((bad + 1))
			cat "$2.err" >> "$2.errs"
		fi
		sleep 0.2
	done
	echo "$ok $bad" > "$2"
}

# run NAME MODE: the program in a fresh directory; its output, status,
# and (tracked) the agent's answers.
run()
{
	local name=$1 mode=$2 dir=$TMP/$1-$2 pid pp
	mkdir -p "$dir"
	case $mode in
	plain)	(cd "$dir" && timeout -k 5 "$BOUND" bash -c \
		    "set -o pipefail; $(declare -f "prog_$name"); prog_$name") \
		    >"$dir.out" 2>"$dir.err"
		echo $? > "$dir.status"
		return ;;
	full)	set -- "$VIGIL" heaptrack --run --full -- ;;
	sampled) set -- "$VIGIL" heaptrack --run -- ;;
	esac
	(cd "$dir" && exec timeout -k 5 "$BOUND" "$@" bash -c \
	    "set -o pipefail; $(declare -f "prog_$name"); prog_$name") \
	    >"$dir.out" 2>"$dir.err" &
	pid=$!
	# timeout's child is the tracked program (heaptrack --run execs it).
	wait_for 10 eval '[ -n "$(pgrep -P "$pid")" ]'
	pp=$(pgrep -P "$pid" | head -n 1)
	poll "$pp" "$dir.poll" &
	wait "$pid"
	echo $? > "$dir.status"
	wait
}

for name in ${HEAP_REAL_PROGS:-python git gcc sort xz perl}; do
	run "$name" plain
	st=$(cat "$TMP/$name-plain.status")
	check "$name: the untracked run succeeds (status $st)" test "$st" = 0 ||
	    diag "$(tail -n 5 "$TMP/$name-plain.err")"
	# Else equal outputs would prove nothing.
	case $name in
	python)	want=2 ;; git) want=2 ;; gcc) want=8 ;; sort) want=3 ;;
	xz)	want=4 ;; perl) want=2 ;;
	esac
	check "$name: it prints its $want lines of results" \
	    test "$(wc -l < "$TMP/$name-plain.out")" -eq "$want"
	for mode in full sampled; do
		run "$name" "$mode"
		d=$TMP/$name-$mode
		check "$name, $mode: ends within ${BOUND}s with the same status" \
		    test "$(cat "$d.status")" = "$st" ||
		    diag "status $(cat "$d.status"): $(tail -n 5 "$d.err")"
		check "$name, $mode: prints the same" \
		    cmp -s "$TMP/$name-plain.out" "$d.out" ||
		    diag "$(diff "$TMP/$name-plain.out" "$d.out" | head -n 10)"
		read -r ok bad < "$d.poll"
		check "$name, $mode: the agent answered all the while ($ok answers, $bad failures)" \
		    test "$bad" = 0 -a "$ok" -ge 1 ||
		    diag "$(head -c 500 "$d.poll.errs" 2>/dev/null)" \
		    "last: $(head -c 300 "$d.poll.err" 2>/dev/null)"
	done
done

done_testing
