#!/bin/bash
# vigil profile and vigil dump on a fixture whose three functions take
# about 60, 30 and 10% of its CPU, built without frame pointers: the shares
# come out right, the names resolve (module+offset for the stripped copy,
# with the same shares), and the commands fail clearly on bad input.

. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"

need python3

start_fixture P "$FIXTURES/hot3"
wait_for 5 exec_done "$P" hot3

# --- folded output of the unstripped fixture ---------------------------
if "$VIGIL" profile "$P" --duration 3 --format folded -o "$TMP/hot3.folded" \
    2>"$TMP/err"; then
	ok "vigil profile --format folded succeeds"
else
	not_ok "vigil profile --format folded succeeds"
	diag "$(cat "$TMP/err")"
fi
# a(), b() and c() inline work(): count its samples as theirs.
inlined_out()
{
	sed -E 's/;[^;]* \(inlined\)( [0-9]+)$/\1/' "$1" >"$1.outer" &&
	    mv "$1.outer" "$1"
}
check "work() shows as inlined into a()" \
    grep -q ';main;a;work (inlined) ' "$TMP/hot3.folded"
inlined_out "$TMP/hot3.folded"
diag "$(leaf_shares "$TMP/hot3.folded" | head -5)"
check "a() has about 60% of the samples" share_near "$TMP/hot3.folded" a 60
check "b() has about 30% of the samples" share_near "$TMP/hot3.folded" b 30
check "c() has about 10% of the samples" share_near "$TMP/hot3.folded" c 10
check "stacks unwind through main() without frame pointers" \
    grep -q '\bmain;a ' "$TMP/hot3.folded"
check "the target is released after profiling" released "$P"
check "the target runs on after profiling" runs_on "$P"

# --- the default format: top functions ---------------------------------
"$VIGIL" profile "$P" --duration 1 >"$TMP/top" 2>"$TMP/err"
check "--format top (the default) names a()'s inlined work() first" \
    awk '/FUNCTION/ { getline; exit !/ work \(inlined\)$/ }' "$TMP/top"
check "... and a() above b() and c() (by total)" \
    awk '$NF == "a" { a = NR } $NF == "b" { b = NR } $NF == "c" { c = NR }
	END { exit !(a > 0 && (b == 0 || a < b) && (c == 0 || a < c)) }' \
    "$TMP/top"

# --- vigil dump ------------------------------------------------------------
# The thread is stopped at an arbitrary point; a, b or c is on the stack
# almost always, so allow a few tries.
dumped()
{
	"$VIGIL" dump "$P" >"$TMP/dump" 2>"$TMP/err" &&
	    grep -q "^Thread $P (hot3):" "$TMP/dump" &&
	    grep -Eq '^#0 +work \(inlined\) \(.*hot3\.c:[0-9]+\)$' "$TMP/dump" &&
	    grep -Eq '^#1 +[abc] \(.*hot3\.c:[0-9]+\)$' "$TMP/dump" &&
	    grep -Eq '^#[0-9]+ +main \(.*hot3\.c:[0-9]+\)$' "$TMP/dump"
}
if wait_for 10 dumped; then
	ok "vigil dump shows the thread, main and a leaf with file:line"
else
	not_ok "vigil dump shows the thread, main and a leaf with file:line"
	diag "$(cat "$TMP/dump" "$TMP/err")"
fi
check "the target is released after vigil dump" released "$P"

# --- the stripped copy ---------------------------------------------------
start_fixture S "$FIXTURES/hot3-stripped"
wait_for 5 exec_done "$S" hot3-stripped
"$VIGIL" profile "$S" --duration 3 --format folded -o "$TMP/strip.folded" \
    2>"$TMP/err"
leaf_shares "$TMP/strip.folded" >"$TMP/strip.shares"
diag "$(head -5 "$TMP/strip.shares")"
check "no name of a(), b() or c() survives stripping" \
    sh -c "! grep -Eq '(^|;)[abc]( |;)' '$TMP/strip.folded'"
check "stripped leaves are named by their function's unwind entry" \
    sh -c "head -3 '$TMP/strip.shares' | awk '{ if (\$1 !~ /^hot3-stripped!fde@0x[0-9a-f]+\$/) exit 1 }'"
check "stripped leaves have the shares 60/30/10 +-10" \
    awk 'NR == 1 { a = $2 } NR == 2 { b = $2 } NR == 3 { c = $2 }
	END { exit !(a >= 50 && a <= 70 && b >= 20 && b <= 40 && c >= 0 && c <= 20) }' \
    "$TMP/strip.shares"
check "stripped: libc's frames still have names" \
    grep -q '__libc_start_call_main' "$TMP/strip.folded"

# --- an executable deleted since it started -----------------------------
cp "$FIXTURES/hot3" "$TMP/hot3-deleted"
start_fixture D "$TMP/hot3-deleted"
wait_for 5 exec_done "$D" hot3-deleted
rm -f "$TMP/hot3-deleted"
"$VIGIL" profile "$D" --duration 2 --format folded -o "$TMP/del.folded" \
    2>"$TMP/err"
inlined_out "$TMP/del.folded"
leaf_shares "$TMP/del.folded" >"$TMP/del.shares"
check "a deleted executable is still named (through map_files)" \
    sh -c "grep -q '^a ' '$TMP/del.shares' && grep -q '^b ' '$TMP/del.shares'"
check "... and unwound through (its unwind table from map_files)" \
    grep -q ';main;a ' "$TMP/del.folded"

# --- the [vdso] -------------------------------------------------------------
start_fixture V "$FIXTURES/vdso"
wait_for 5 exec_done "$V" vdso
"$VIGIL" profile "$V" --duration 2 --format folded -o "$TMP/vdso.folded" \
    2>"$TMP/err"
diag "$(sort -k 2 -n -r "$TMP/vdso.folded" | head -3)"
check "the [vdso]'s functions are named" \
    grep -q '__vdso_clock_gettime' "$TMP/vdso.folded"
check "stacks unwind through the [vdso] to main" python3 - \
    "$TMP/vdso.folded" <<'PY'
import sys
n = good = 0
for line in open(sys.argv[1], encoding="utf-8"):
    stack, c = line.rstrip("\n").rsplit(" ", 1)
    if "__vdso_clock_gettime" in stack:
        n += int(c)
        if ";main;tick;" in stack:
            good += int(c)
sys.exit(0 if n > 0 and good >= 0.9 * n else 1)
PY

# --- JIT code named from /tmp/perf-PID.map ---------------------------------
start_fixture J "$FIXTURES/jit"
if wait_for 5 test -s "/tmp/perf-$J.map"; then
	"$VIGIL" profile "$J" --duration 1 --format folded \
	    -o "$TMP/jit.folded" 2>"$TMP/err"
	leaf_shares "$TMP/jit.folded" >"$TMP/jit.shares"
	diag "$(head -3 "$TMP/jit.shares")"
	check "code in an anonymous mapping is named from /tmp/perf-PID.map" \
	    awk 'NR == 1 { exit !($1 == "jit_spin") }' "$TMP/jit.shares"
	kill -TERM "$J"		# it removes its map file
	wait_for 5 test ! -e "/tmp/perf-$J.map"
	rm -f "/tmp/perf-$J.map"
else
	skip "the jit fixture cannot make executable memory here"
fi

# --- errors ------------------------------------------------------------------
"$VIGIL" profile "$P" --bogus >"$TMP/out" 2>"$TMP/err"
rc=$?
check "an unknown option exits with status 2" test "$rc" = 2
check "an unknown option is one line and a hint" \
    sh -c "grep -q \"unknown option '--bogus'\" '$TMP/err' && grep -q 'vigil profile --help' '$TMP/err' && test \$(wc -l < '$TMP/err') = 2"
"$VIGIL" profile "$P" --rate 0 >"$TMP/out" 2>"$TMP/err"
check "--rate 0 is refused with status 2" test $? = 2
"$VIGIL" profile "$P" --format png >"$TMP/out" 2>"$TMP/err"
check "--format png is refused with status 2" test $? = 2

gone=$(sh -c 'echo $$')
"$VIGIL" dump "$gone" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "a process that is gone: status 1 and 'no process'" \
    sh -c "test $rc = 1 && grep -q 'no process with PID $gone' '$TMP/err'"
kthread=$(awk '$1 == "Name:" && $2 == "kthreadd" { print FILENAME }' \
    /proc/2/status 2>/dev/null)
if [ -n "$kthread" ]; then
	"$VIGIL" profile 2 --duration 1 >"$TMP/out" 2>"$TMP/err"
	rc=$?
	check "a kernel thread: status 1 and 'kernel thread'" \
	    sh -c "test $rc = 1 && grep -q 'kernel thread' '$TMP/err'"
else
	skip "PID 2 is not kthreadd here"
fi
sh -c 'exec "$0" dump $$' "$VIGIL" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "vigil refuses to profile itself (status 1)" \
    sh -c "test $rc = 1 && grep -q 'cannot profile itself' '$TMP/err'"

done_testing
