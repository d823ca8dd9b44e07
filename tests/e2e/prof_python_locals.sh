#!/bin/bash
# py-spy's dump --locals and --gil, on Debian's python3.11 and, where they
# are installed, pyenv's 3.12 and 3.13: vigil dump --locals shows each
# Python frame's arguments and locals with short reprs (ints, floats, str,
# bytes, None, bools by value; a closure's cell by its content; other
# objects by type), hostile text escaped; vigil profile --gil keeps only
# the samples of the thread holding the GIL, so a thread hashing on the
# CPU without it is gone; both refuse clearly what they cannot do.

. "$SRCDIR/tests/e2e/lib.sh"

PYDIR=$(cd "$SRCDIR/tests/fixtures/py" && pwd -P)
FIX=$PYDIR/locals.py

need python3
if [ ! -x /usr/bin/python3.11 ]; then
	if [ "${CI:-}" = true ]; then not_ok "/usr/bin/python3.11 is installed"
	else skip "/usr/bin/python3.11 is not installed"; fi
	done_testing
fi
PYS=/usr/bin/python3.11
for v in 3.12 3.13; do
	for p in "$HOME"/.pyenv/versions/$v.*/bin/python$v; do
		[ -x "$p" ] && PYS="$PYS $p" && break
	done
done

# The main thread's section of the last dump.
main_section()
{
	sed -n "/^Thread $1 /,/^\$/p" "$TMP/dump"
}

# dump_in_spin PID: a dump --locals whose main thread is in spin's loop.
dump_in_spin()
{
	"$VIGIL" dump --locals "$1" >"$TMP/dump" 2>"$TMP/dump.err" || return 1
	main_section "$1" | grep -q "^#0  spin ($FIX:4[0-3])"
}

# has LINE: the main thread's section has LINE exactly.
has()
{
	main_section "$P" | grep -qxF -- "$1" || {
		diag "not found: $1"
		return 1
	}
}

for PY in $PYS; do
	v=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
	rm -f "$TMP/ready"
	start_fixture P "$PY" "$FIX" "$TMP/ready"
	wait_for 20 test -s "$TMP/ready"

	check "$v: vigil dump --locals: the main thread is in spin" \
	    wait_for 20 dump_in_spin "$P"
	diag "$(main_section "$P" | head -n 24)"
	check "$v: no note for a supported Python" test ! -s "$TMP/dump.err"
	# Arguments first, in CPython's order: positional, keyword-only, *, **.
	check "$v: Arguments: count, label, ratio, rest, extra in order" \
	    sh -c "sed -n '/^#0  spin/,/^#1 /p' '$TMP/dump' | tr '\n' '\001' |
	    grep -Eq 'Arguments:.            count = 7.            label = .web..            ratio = 0\\.1.            rest = <tuple at 0x[0-9a-f]+>.            extra = <dict at 0x[0-9a-f]+>.        Locals:'"
	check "$v: bytes by value, quotes and control bytes escaped" \
	    has "            raw = b'\\x00ab\\'c\\x1b'"
	check "$v: True, None by name" \
	    sh -c "main_section() { sed -n \"/^Thread $P /,/^\\\$/p\" '$TMP/dump'; }
	    main_section | grep -qx '            yes = True' &&
	    main_section | grep -qx '            nothing = None'"
	check "$v: an int past 64 bits by its number of digits" \
	    has "            huge = <int of ~31 digits>"
	check "$v: a negative int past 32 bits exactly" \
	    has "            negative = -12345678901"
	check "$v: str quoted, not ASCII kept, escape sequence and newline escaped" \
	    has "            text = 'café \\x1b[2J \\'q\\'\\n'"
	check "$v: a closure's cell variable by its content" \
	    has "            items = <list at 0x$(main_section "$P" |
	    sed -n 's/^            items = <list at 0x\([0-9a-f]*\)>$/\1/p')>"
	check "$v: the nested function as an object" \
	    sh -c "sed -n '/^Thread $P /,/^\$/p' '$TMP/dump' |
	    grep -Eqx '            closure = <function at 0x[0-9a-f]+>'"
	check "$v: a running int local" \
	    sh -c "sed -n '/^Thread $P /,/^\$/p' '$TMP/dump' |
	    grep -Eqx '            total = [0-9]+'"
	check "$v: the caller's frame: main has no locals shown but its own" \
	    sh -c "sed -n '/^#1  main/,/^#2 /p' '$TMP/dump' | grep -q 'target = '"
	check "$v: no raw escape byte reaches the output" \
	    sh -c "! grep -q $'\\x1b' '$TMP/dump'"
	"$VIGIL" dump "$P" >"$TMP/plain" 2>&1
	check "$v: without --locals, no Arguments or Locals" \
	    sh -c "! grep -Eq 'Arguments:|Locals:' '$TMP/plain'"

	# --gil: the hasher runs on the CPU without the GIL; the main thread
	# holds it.
	"$VIGIL" profile --wall --duration 2 --format folded -o "$TMP/all" \
	    "$P" 2>/dev/null ||
	    "$VIGIL" profile --duration 2 --format folded -o "$TMP/all" "$P"
	check "$v: without --gil, the hasher's samples are there" \
	    grep -q 'hasher (locals.py:16)' "$TMP/all"
	"$VIGIL" profile --gil --duration 2 --format folded -o "$TMP/gil" \
	    "$P" 2>"$TMP/gil.err"
	check "$v: vigil profile --gil succeeds" test $? = 0
	check "$v: --gil: spin has samples" grep -q 'spin (locals.py:' "$TMP/gil"
	# The hasher takes the GIL back between two hashes: a few samples.
	check "$v: --gil: the sleeper is gone, spin has 80% or more" \
	    sh -c "! grep -q sleeper '$TMP/gil' && awk '{ t += \$NF }
	    /spin \\(locals.py/ { s += \$NF }
	    END { exit !(t > 0 && s >= 0.8 * t) }' '$TMP/gil'"
	kill "$P"
	wait "$P" 2>/dev/null
done

# --- what cannot be done is said --------------------------------------
start_fixture S sleep 1000
"$VIGIL" profile --gil --duration 1 "$S" >"$TMP/out" 2>"$TMP/err"
check "--gil on a process that is not Python: exit 1" test $? = 1
check "--gil on a process that is not Python: says so" \
    grep -q -- "--gil: process $S runs no CPython" "$TMP/err"
"$VIGIL" profile --gil --native --duration 1 "$S" >"$TMP/out" 2>"$TMP/err"
check "--gil with --native: a usage error (exit 2)" test $? = 2
"$VIGIL" dump --locals "$S" >"$TMP/out" 2>"$TMP/err"
check "dump --locals of a process that is not Python: the native dump" \
    grep -q '^Thread ' "$TMP/out"
check "dump --locals of a process that is not Python: a note" \
    grep -q -- "--locals: process $S runs no CPython" "$TMP/err"
"$VIGIL" profile --locals --duration 1 "$S" >"$TMP/out" 2>"$TMP/err"
check "--locals is for vigil dump only (exit 2)" test $? = 2

done_testing
