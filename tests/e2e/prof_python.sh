#!/bin/bash
# Python-aware stacks on Debian's python3.11 (non-PIE, the interpreter in
# the executable) and on a program running the shared libpython3.11:
# vigil dump shows outer -> middle -> hot with their files and lines and
# the second thread's own stack; vigil profile puts most samples in hot
# under middle under outer, in every export and in the stream; --mixed
# puts the Python frames inside the native stack; --native has none; a
# target that is not Python, or a Python not supported, gets native stacks
# and a note.

. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"

PY=/usr/bin/python3.11		# Debian's, not whatever python3 is on PATH
# Normalised: Python reports the modules it imports by their real path.
PYDIR=$(cd "$SRCDIR/tests/fixtures/py" && pwd -P)

need python3
if [ ! -x "$PY" ]; then
	if [ "${CI:-}" = true ]; then not_ok "$PY is installed"
	else skip "$PY is not installed"; fi
	done_testing
fi

# dump_has PID REGEX: one vigil dump of PID matches (extended) REGEX.
dump_has()
{
	"$VIGIL" dump "$@" >"$TMP/dump" 2>"$TMP/dump.err" || return 1
	tr '\n' '\001' <"$TMP/dump" | grep -Eq "$LAST_RX"
}

# The main thread's section of a dump.
main_section()
{
	sed -n "/^Thread $1 /,/^\$/p" "$TMP/dump"
}

start_fixture P "$PY" "$PYDIR/main.py" "$TMP/ready"
wait_for 10 test -s "$TMP/ready"

# --- vigil dump: the chain, its files and lines; the other thread --------
# One dump is one moment: wait for one taken inside hot.
LAST_RX="^Thread $P \\([^)]*\\)( \\[holds the GIL\\])?:.#0  hot \\($PYDIR/hot.py:[67]\\).#1  middle \\($PYDIR/middle.py:7\\).#2  outer \\($PYDIR/outer.py:7\\).#3  main \\($PYDIR/main.py:22\\).#4  <module> \\($PYDIR/main.py:25\\)."
check "vigil dump: hot (hot.py:6/7) < middle (middle.py:7) < outer (outer.py:7) < main < <module>, paths in full" \
    wait_for 15 dump_has "$P"
diag "$(head -n 6 "$TMP/dump")"
check "vigil dump: no note for a supported Python" test ! -s "$TMP/dump.err"
check "vigil dump: no native frame in the default (Python) mode" \
    sh -c "! grep -q '_PyEval_EvalFrameDefault' '$TMP/dump'"
T2=$(grep -B1 '^#0  nap (' "$TMP/dump" | sed -n 's/^Thread \([0-9]*\) .*/\1/p')
check "vigil dump: the second thread is there, not the main one" \
    test -n "$T2" -a "$T2" != "$P"
check "vigil dump: the second thread's own stack: nap (other.py:12) < wait_loop (other.py:8) < Thread.run" \
    sh -c "sed -n '/^Thread $T2 /,/^\$/p' '$TMP/dump' | tr '\n' '\001' |
    grep -Eq '#0  nap \\($PYDIR/other.py:12\\).#1  wait_loop \\($PYDIR/other.py:8\\).#2  Thread.run \\(/usr/lib/python3.11/threading.py:[0-9]+\\)'"
check "vigil dump: the sleeping thread does not hold the GIL" \
    sh -c "! grep -q '^Thread $T2 .*GIL' '$TMP/dump'"
check "vigil dump: names that are not ASCII (1, 2 and 4 bytes a character in CPython)" \
    sh -c "tr '\n' '\001' <'$TMP/dump' |
    grep -q '#0  𠀀 ($PYDIR/names.py:17).#1  热点 ($PYDIR/names.py:13).#2  café ($PYDIR/names.py:9).#3  Thread.run ('"
LAST_RX="^Thread $P \\([^)]*\\) \\[holds the GIL\\]:"
check "vigil dump: the running thread holds the GIL" wait_for 15 dump_has "$P"

# --- --mixed: Python frames inside the native ones ------------------------
LAST_RX="^Thread $P [^#]*#0  .*hot \\($PYDIR/hot.py:[67]\\).#[0-9]+ +middle \\([^)]*\\).#[0-9]+ +outer \\([^)]*\\).#[0-9]+ +main \\([^)]*\\).#[0-9]+ +<module> \\([^)]*\\).#[0-9]+ +_PyEval_EvalFrameDefault .*PyEval_EvalCode.*Py_BytesMain"
check "vigil dump --mixed: hot < middle < outer < main < <module> < _PyEval_EvalFrameDefault < ... Py_BytesMain" \
    wait_for 15 dump_has --mixed "$P"
diag "$(main_section "$P" | head -n 10)"
LAST_RX="^Thread $P [^#]*#0 .*_PyEval_EvalFrameDefault"
check "vigil dump --native: the interpreter's own frames" \
    dump_has --native "$P"
check "vigil dump --native: no Python frame" \
    sh -c "! grep -Eq 'hot \\(|outer \\(' '$TMP/dump'"

# --- vigil profile: most samples in hot under middle under outer ----------
"$VIGIL" profile "$P" --threads "$P" --duration 3 --format folded \
    -o "$TMP/py.folded" 2>"$TMP/err"
check "vigil profile --format folded succeeds" test $? = 0
share=$(awk '{ n = $NF; t += n
	if ($0 ~ /outer \(outer\.py:7\);middle \(middle\.py:7\);hot \(hot\.py:[0-9]+\) [0-9]+$/) h += n }
	END { if (t) print int(100 * h / t); else print 0 }' "$TMP/py.folded")
diag "samples in outer;middle;hot: $share%"
check "vigil profile: most samples (>= 80%) end outer;middle;hot" test "$share" -ge 80
check "vigil profile: the stacks start at <module> (main.py:25)" \
    sh -c "! grep -v '^<module> (main.py:25);main (main.py:22);' '$TMP/py.folded' | grep -q ."

"$VIGIL" profile "$P" --wall --duration 2 --mixed --format folded \
    -o "$TMP/mixed.folded" 2>"$TMP/err"
check "vigil profile --mixed succeeds" test $? = 0
check "vigil profile --mixed: PyEval_EvalCode;_PyEval_EvalFrameDefault;<module>;main;outer;middle;hot" \
    grep -Eq 'PyEval_EvalCode;_PyEval_EvalFrameDefault;<module> \(main\.py:25\);main \(main\.py:22\);outer \(outer\.py:7\);middle \(middle\.py:7\);hot \(hot\.py:[67]\)' "$TMP/mixed.folded"
check "vigil profile --mixed: the second thread, nap inside Thread.run" \
    grep -Eq 'start_thread;.*_PyEval_EvalFrameDefault;Thread\._bootstrap \(threading\.py:[0-9]+\);.*wait_loop \(other\.py:8\);nap \(other\.py:12\)' "$TMP/mixed.folded"

# --- every export names the Python functions ------------------------------
"$VIGIL" profile "$P" --threads "$P" --duration 2 --format speedscope \
    -o "$TMP/py.json" 2>"$TMP/err"
check "speedscope: hot, its file hot.py and line, is the heaviest leaf" python3 - "$TMP/py.json" <<'PY'
import collections, json, re, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
frames = d["shared"]["frames"]
c = collections.Counter()
for p in d["profiles"]:
    for s, w in zip(p["samples"], p["weights"]):
        c[s[-1]] += w
top = c.most_common(1)[0][0]
print("# top leaf:", top)
sys.exit(0 if frames[top]["name"] == "hot" and
         frames[top]["file"].endswith("/py/hot.py") and
         frames[top]["line"] in (6, 7) else 1)
PY
"$VIGIL" profile "$P" --threads "$P" --duration 2 --format svg \
    -o "$TMP/py.svg" 2>"$TMP/err"
check "svg: has hot (hot.py:N) under outer and middle" \
    grep -Eq 'hot \(hot\.py:[67]\)' "$TMP/py.svg"
if command -v go >/dev/null 2>&1; then
	"$VIGIL" profile "$P" --threads "$P" --duration 2 --format pprof \
	    -o "$TMP/py.pb.gz" 2>"$TMP/err"
	go tool pprof -top "$TMP/py.pb.gz" >"$TMP/pprof.top" 2>"$TMP/pprof.err"
	diag "$(sed -n '/flat%/,+2p' "$TMP/pprof.top")"
	check "pprof: go tool pprof -top puts hot first" \
	    sh -c "sed -n '/flat%/{n;p;q}' '$TMP/pprof.top' | grep -q 'hot'"
else
	need go
fi

# --- the stream (the monitor's live view) ---------------------------------
"$VIGIL" profile --stream "$P" --duration 2 >"$TMP/stream" 2>"$TMP/err"
check "the stream has Python stacks" \
    grep -Eq '^F [0-9]+ <module> \(main\.py:25\);.*outer \(outer\.py:7\);middle \(middle\.py:7\);hot \(hot\.py:[0-9]+\)$' \
    "$TMP/stream"
check "the target is released" released "$P"
check "the target runs on" runs_on "$P"
kill "$P"

# --- the interpreter in a shared libpython --------------------------------
if [ -x "$FIXTURES/pyembed" ]; then
	start_fixture E "$FIXTURES/pyembed" "$PYDIR/main.py" "$TMP/ready2"
	wait_for 10 test -s "$TMP/ready2"
	check "pyembed runs libpython3.11.so" \
	    grep -q 'libpython3\.11\.so' /proc/"$E"/maps
	LAST_RX="^Thread $E \\([^)]*\\)( \\[holds the GIL\\])?:.#0  hot \\($PYDIR/hot.py:[67]\\).#1  middle \\($PYDIR/middle.py:7\\).#2  outer \\($PYDIR/outer.py:7\\)."
	check "shared libpython: vigil dump shows hot < middle < outer" \
	    wait_for 15 dump_has "$E"
	kill "$E"
elif [ "${CI:-}" = true ]; then
	not_ok "tests/fixtures/pyembed is built (python3.11-dev)"
else
	skip "tests/fixtures/pyembed not built (no python-3.11-embed)"
fi

# --- other supported interpreters, if named ------------------------------
# VIGIL_TEST_PYTHONS: paths of more CPython 3.11-3.13 interpreters to try
# (builds of 3.12 or 3.13, say); none by default.
for other in ${VIGIL_TEST_PYTHONS:-}; do
	rm -f "$TMP/ready4"
	start_fixture O "$other" "$PYDIR/main.py" "$TMP/ready4"
	wait_for 10 test -s "$TMP/ready4"
	LAST_RX="^Thread $O \\([^)]*\\)( \\[holds the GIL\\])?:.#0  hot \\($PYDIR/hot.py:[67]\\).#1  middle \\($PYDIR/middle.py:7\\).#2  outer \\($PYDIR/outer.py:7\\)."
	check "$other: vigil dump shows hot < middle < outer" \
	    wait_for 15 dump_has "$O"
	LAST_RX="^Thread $O .*<module> \\([^)]*\\).#[0-9]+ +_PyEval_EvalFrameDefault "
	check "$other: vigil dump --mixed splices them in" \
	    wait_for 15 dump_has --mixed "$O"
	kill "$O"
done

# --- not Python: native stacks and a note ---------------------------------
start_fixture H "$FIXTURES/hot3"
wait_for 5 exec_done "$H" hot3
"$VIGIL" dump --python "$H" >"$TMP/dump" 2>"$TMP/err"
check "vigil dump --python on a C program succeeds" test $? = 0
check "vigil dump --python on a C program: a note says it is not CPython" \
    grep -q "is not running CPython: native stacks only" "$TMP/err"
check "vigil dump --python on a C program: its native functions" \
    grep -Eq '^#[0-9]+ +(spin_a|spin_b|spin_c|work|main) ' "$TMP/dump"
check "vigil dump --python on a C program: no Python frame" \
    sh -c "! grep -q 'Python' '$TMP/dump'"
"$VIGIL" dump "$H" >/dev/null 2>"$TMP/err"
check "vigil dump (default) on a C program: no note" test ! -s "$TMP/err"
kill "$H"

# --- a Python this vigil does not know: its Py_Version made 3.10 ---------
# A copy of python3.11 whose Py_Version says 3.10 (nothing else reads it).
off=$(python3 - "$PY" <<'PY'
import re, subprocess, sys
run = lambda *a: subprocess.run(a, capture_output=True, text=True).stdout
addr = None
for line in run("readelf", "-Ws", "--dyn-syms", sys.argv[1]).splitlines():
    f = line.split()
    if len(f) >= 8 and f[7] == "Py_Version":
        addr = int(f[1], 16)
for line in run("readelf", "-WS", sys.argv[1]).splitlines():
    m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+PROGBITS\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
    if addr is not None and m:
        start, off, size = (int(m.group(k), 16) for k in (2, 3, 4))
        if start <= addr < start + size:
            print(addr - start + off)
PY
)
if [ -n "$off" ]; then
	cp "$PY" "$TMP/python3.11"
	printf '\xf0\x02\x0a\x03' | dd of="$TMP/python3.11" bs=1 seek="$off" \
	    conv=notrunc status=none
	start_fixture U "$TMP/python3.11" "$PYDIR/main.py" "$TMP/ready3"
	wait_for 10 test -s "$TMP/ready3"
	"$VIGIL" dump "$U" >"$TMP/dump" 2>"$TMP/err"
	check "unsupported Python: vigil dump succeeds" test $? = 0
	diag "$(cat "$TMP/err")"
	check "unsupported Python: a clear note" \
	    grep -q "unsupported Python 3.10: native stacks only" "$TMP/err"
	check "unsupported Python: native stacks, no Python frames" \
	    sh -c "grep -q '_PyEval_EvalFrameDefault' '$TMP/dump' &&
	    ! grep -q 'hot (' '$TMP/dump'"
	kill "$U"
else
	not_ok "Py_Version found in $PY"
fi

done_testing
