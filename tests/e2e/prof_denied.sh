#!/bin/bash
# ptrace refused: vigil run as nobody against a root-owned fixture says
# why and what to do, and exits with status 1.

. "$SRCDIR/tests/e2e/lib.sh"

if [ "$(id -u)" != 0 ]; then
	skip "needs root, to run vigil as nobody against a root process"
	done_testing
fi
need setpriv

start_fixture P "$FIXTURES/hot3"
wait_for 5 exec_done "$P" hot3

for cmd in "profile $P --duration 1" "dump $P"; do
	# shellcheck disable=SC2086
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$VIGIL" $cmd >"$TMP/out" 2>"$TMP/err"
	rc=$?
	diag "$(cat "$TMP/err")"
	check "vigil ${cmd%% *} as nobody: status 1" test "$rc" = 1
	check "vigil ${cmd%% *} as nobody: says it is not permitted and why" \
	    grep -q "not permitted to trace process $P: it belongs to user root" "$TMP/err"
	check "vigil ${cmd%% *} as nobody: says what to do" \
	    grep -q 'run vigil as root' "$TMP/err"
	check "vigil ${cmd%% *} as nobody: nothing on standard output" \
	    test ! -s "$TMP/out"
done
check "the target was never traced" \
    grep -q '^TracerPid:[[:space:]]*0$' /proc/"$P"/status

done_testing
