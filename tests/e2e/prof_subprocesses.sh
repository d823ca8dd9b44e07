#!/bin/bash
# vigil profile --subprocesses (py-spy's): the processes below the target
# are sampled too, each stack under a root frame "process PID: command":
# a child there from the start, one started mid-profile, one that runs a
# new program (followed again as what it runs now), and a grandchild
# running CPython (its Python functions, read from its own interpreter).
# Without the option none of them is in the profile. The children are
# sampled by perf_event alone: --method ptrace, --wall and --off-cpu are
# refused with the reason, as is vigil dump --subprocesses.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"

PY=/usr/bin/python3.11
PYDIR=$(cd "$SRCDIR/tests/fixtures/py" && pwd -P)
need python3 "$PY"
tag=s$$x

# The family: the root (a shell that waits) and its descendants.
cat > "$TMP/family.sh" <<EOS
#!/bin/bash
"$FIXTURES/burn" first-$tag &
sh -c 'sleep 1; exec "$FIXTURES/burn" execd-$tag' &
bash -c '"$PY" "$PYDIR/main.py" "$TMP/ready" & wait' &
sleep 1.5
"$FIXTURES/hot3" &
wait
EOS
chmod +x "$TMP/family.sh"

# folded_of FILE PROCESS-REGEX: the samples under a matching process frame.
under()
{
	awk -v re="^process [0-9]+: $2" '
	    { split($0, f, ";"); if (f[1] ~ re) n += $NF } END { print n + 0 }' \
	    "$1"
}

# Its own session, so that the whole family (the Python grandchild too,
# which outlives its parent) is killed with it however the test ends.
start_fixture R setsid "$TMP/family.sh"
trap 'kill -KILL -- -"$R" 2>/dev/null; cleanup' EXIT
"$VIGIL" profile "$R" --subprocesses --duration 5 --format folded \
    -o "$TMP/fam.folded" 2>"$TMP/fam.err"
check "vigil profile --subprocesses succeeds" test $? = 0
diag "$(cat "$TMP/fam.err")"
diag "$(awk '{ split($0, f, ";"); n[f[1]] += $NF } END { for (k in n) print n[k], k }' \
    "$TMP/fam.folded" | sort -rn | head)"
check "it says it follows the children" \
    grep -q "^vigil profile: following process [0-9]*$" "$TMP/fam.err"
check "the child there from the start is sampled, under its process" \
    test "$(under "$TMP/fam.folded" ".*/burn first-$tag$")" -gt 50
check "its stacks run through its own main()" \
    grep -Eq "^process [0-9]+: [^;]*burn first-$tag;(.*;)?main " \
    "$TMP/fam.folded"
check "the child started mid-profile is sampled, with its own functions" \
    grep -Eq "^process [0-9]+: [^;]*/hot3;(.*;)?(a|b|c|work)( |;)" \
    "$TMP/fam.folded"
check "the child that ran a new program is followed as what it runs now" \
    test "$(under "$TMP/fam.folded" ".*/burn execd-$tag$")" -gt 20
check "the Python grandchild's stacks are its Python functions" \
    grep -Eq "^process [0-9]+: [^;]*main\.py [^;]*;<module> \(main\.py:25\);main \(main\.py:22\);outer" \
    "$TMP/fam.folded"
check "no stack is outside a process frame" \
    sh -c "! grep -v '^process [0-9]*: ' '$TMP/fam.folded' | grep -q ."
check "no thread of the family was left traced" released "$R"

# Without the option: the root alone, which only waits.
"$VIGIL" profile "$R" --duration 2 --format folded -o "$TMP/root.folded" \
    2>"$TMP/root.err"
check "without --subprocesses the children are not in the profile" \
    sh -c "! grep -q 'burn\\|hot3\\|main.py\\|^process ' '$TMP/root.folded'"

# Refusals, with the reason.
for opt in "--method ptrace" --wall --off-cpu; do
	# shellcheck disable=SC2086
	"$VIGIL" profile "$R" --subprocesses $opt --duration 1 \
	    >/dev/null 2>"$TMP/refused"
	st=$?
	check "--subprocesses $opt: refused (status $st)" test "$st" = 2
	check "--subprocesses $opt: the reason is given" \
	    grep -q "subprocesses follows the children with the perf sampler" \
	    "$TMP/refused"
done
"$VIGIL" dump --subprocesses "$R" >/dev/null 2>"$TMP/refused"
check "vigil dump --subprocesses: refused" \
    grep -q "'--subprocesses' goes with vigil profile" "$TMP/refused"

done_testing
