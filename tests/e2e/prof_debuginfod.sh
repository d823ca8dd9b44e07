#!/bin/bash
# The profiler on a stripped program whose debug file only a debuginfod
# server has: a real debuginfod on loopback gives names and file:line; a
# server that never answers, or answers with something not ELF, costs a
# note and leaves module+offset labels; a corrupt DWARF is skipped.

. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"

need debuginfod
need python3
need objcopy
need readelf

free_port()
{
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# http_ok URL: the URL answers 200.
http_ok()
{
	python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2).read()' "$1" 2>/dev/null
}

mkdir -p "$TMP/dbg" "$TMP/bin"
objcopy --only-keep-debug "$FIXTURES/hot3" "$TMP/dbg/hot3.debug"
strip --strip-all -o "$TMP/bin/hot3s" "$FIXTURES/hot3"
ID=$(readelf -n "$TMP/bin/hot3s" | awk '/Build ID/ { print $3 }')
[ -n "$ID" ] || { not_ok "the fixture has a build-id"; done_testing; exit; }

PORT=$(free_port)
start_fixture SRV debuginfod -d "$TMP/db.sqlite" -p "$PORT" -F "$TMP/dbg"
if wait_for 60 http_ok "http://127.0.0.1:$PORT/buildid/$ID/debuginfo"; then
	ok "debuginfod has indexed the fixture's debug file"
else
	not_ok "debuginfod has indexed the fixture's debug file"
fi

start_fixture P "$TMP/bin/hot3s"
wait_for 5 exec_done "$P" hot3s

# --- without a server: no names -------------------------------------------
env -u DEBUGINFOD_URLS "$VIGIL" profile "$P" --duration 1 --format folded \
    -o "$TMP/none.folded" 2>"$TMP/none.err"
check "without DEBUGINFOD_URLS the stripped program has no names" \
    sh -c "! grep -Eq '(^|;)[abc]( |;)' '$TMP/none.folded'"

# --- with the server ---------------------------------------------------------
export DEBUGINFOD_CACHE_PATH="$TMP/cache1"
DEBUGINFOD_URLS="http://127.0.0.1:$PORT" "$VIGIL" profile "$P" \
    --duration 2 --format top >"$TMP/top" 2>"$TMP/top.err"
# hot3's work() is inlined into a, b and c: the debug file says so too.
if awk '/FUNCTION/ { getline; exit !($NF == "a" || / work \(inlined\)$/) }' \
    "$TMP/top" && awk '$NF == "a" { f = 1 } END { exit !f }' "$TMP/top"; then
	ok "with debuginfod, --format top names a() first"
else
	not_ok "with debuginfod, --format top names a() first"
	diag "$(cat "$TMP/top" "$TMP/top.err")"
fi
dumped()
{
	DEBUGINFOD_URLS="http://127.0.0.1:$PORT" "$VIGIL" dump "$P" \
	    >"$TMP/dump" 2>"$TMP/dump.err" &&
	    grep -Eq '^#0 +([abc]|work \(inlined\)) \(.*hot3\.c:[0-9]+\)$' "$TMP/dump" &&
	    grep -Eq '^#[0-9]+ +main \(.*hot3\.c:[0-9]+\)$' "$TMP/dump"
}
if wait_for 20 dumped; then
	ok "with debuginfod, vigil dump shows a leaf and main with file:line"
else
	not_ok "with debuginfod, vigil dump shows a leaf and main with file:line"
	diag "$(cat "$TMP/dump" "$TMP/dump.err")"
fi
check "the debug file is in the fresh cache" \
    test -s "$TMP/cache1/$ID/debuginfo"
check "the target is released" released "$P"

# --- a server that accepts and never answers --------------------------------
SILENT=$(free_port)
start_fixture HANG python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
held = []
while True:
    c, _ = s.accept(); held.append(c)
' "$SILENT"
wait_for 10 python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$SILENT"
export DEBUGINFOD_CACHE_PATH="$TMP/cache2"
t0=$(date +%s)
DEBUGINFOD_URLS="http://127.0.0.1:$SILENT" DEBUGINFOD_TIMEOUT=2 \
    timeout 60 "$VIGIL" profile "$P" --duration 1 --format folded \
    -o "$TMP/hang.folded" 2>"$TMP/hang.err"
rc=$?
t1=$(date +%s)
diag "silent server: exit $rc after $((t1 - t0)) s: $(cat "$TMP/hang.err")"
check "a silent server: the profile still completes" test "$rc" -eq 0
check "a silent server: the leaves are module+offset (or the function start)" \
    sh -c "leaf=\$(sort -k2 -n -r '$TMP/hang.folded' | head -1 | sed 's/.*;//; s/ [0-9]*\$//'); echo \"\$leaf\" | grep -Eq '^hot3s(\\+|!fde@)0x[0-9a-f]+\$'"
check "a silent server: the note says the lookup failed, once" \
    test "$(grep -c 'debuginfod lookup of build-id .* failed' "$TMP/hang.err")" -eq 1
check "a silent server: it did not hang (generous deadline)" \
    test $((t1 - t0)) -lt 30

# --- a server that answers with text ----------------------------------------
mkdir -p "$TMP/www/buildid/$ID"
echo '<html>not a debug file</html>' >"$TMP/www/buildid/$ID/debuginfo"
WWW=$(free_port)
start_fixture HTTP python3 -m http.server --bind 127.0.0.1 -d "$TMP/www" "$WWW"
wait_for 10 http_ok "http://127.0.0.1:$WWW/buildid/$ID/debuginfo"
export DEBUGINFOD_CACHE_PATH="$TMP/cache3"
DEBUGINFOD_URLS="http://127.0.0.1:$WWW" "$VIGIL" profile "$P" \
    --duration 1 --format folded -o "$TMP/html.folded" 2>"$TMP/html.err"
rc=$?
diag "text server: $(cat "$TMP/html.err")"
check "a text answer: the profile completes" test "$rc" -eq 0
check "a text answer: rejected with a note naming the module" \
    grep -q 'hot3s: debuginfod gave a file that is not ELF' "$TMP/html.err"
check "a text answer: no names from it" \
    sh -c "! grep -Eq '(^|;)[abc]( |;)' '$TMP/html.folded'"

# --- a module whose DWARF is corrupt ---------------------------------------
cp "$FIXTURES/hot3" "$TMP/bin/hot3c"
off=$(readelf -SW "$TMP/bin/hot3c" |
    sed -n 's/.* \.debug_info *[A-Z_]* *[0-9a-f]* \([0-9a-f]*\) .*/\1/p' |
    head -1)
[ -n "$off" ] && off=$((16#$off))
if [ -n "$off" ]; then
	ok "the copy has a .debug_info section"
	printf '\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377' |
	    dd of="$TMP/bin/hot3c" bs=1 seek="$off" conv=notrunc 2>/dev/null
else
	not_ok "the copy has a .debug_info section"
fi
start_fixture C "$TMP/bin/hot3c"
wait_for 5 exec_done "$C" hot3c
env -u DEBUGINFOD_URLS "$VIGIL" profile "$C" --duration 2 --format folded \
    -o "$TMP/bad.folded" 2>"$TMP/bad.err"
rc=$?
diag "corrupt DWARF: $(cat "$TMP/bad.err"; sort -k2 -nr "$TMP/bad.folded" | head -3)"
check "corrupt DWARF: the profile completes" test "$rc" -eq 0
check "corrupt DWARF: a note names the module" \
    grep -q 'hot3c: its DWARF debug information is corrupt' "$TMP/bad.err"
check "corrupt DWARF: the functions keep their ELF symbol names" \
    grep -Eq ';[abc] [0-9]+$' "$TMP/bad.folded"
env -u DEBUGINFOD_URLS "$VIGIL" dump "$C" >"$TMP/bad.dump" 2>"$TMP/bad.derr"
check "corrupt DWARF: vigil dump works, without file:line of hot3c" \
    sh -c "grep -q '^#' '$TMP/bad.dump' && ! grep -q 'hot3\\.c:' '$TMP/bad.dump'"
check "the targets are released" released "$C"

done_testing
