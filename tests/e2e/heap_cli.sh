#!/bin/bash
# vigil heap: a snapshot of a fixture that grows by 64 MiB in a thread's
# arena and 32 MiB of mmap'd memory on SIGUSR1; saved under
# $XDG_STATE_HOME/vigil/heap (0700); the next snapshot of the same process
# finds it and shows the growth in the right classes within 5%; --diff of
# the two files says the same; errors for a process that is gone, one of
# another user, bad arguments; every JSON key is in the manual.
. "$SRCDIR/tests/e2e/lib.sh"

need python3

export XDG_STATE_HOME=$TMP/state
out=$TMP/grow.out
start_fixture fx "$FIXTURES/heapgrow" "$out"
wait_for 10 grep -qs '^ready$' "$out" || not_ok "the fixture is ready"

# py FILE EXPR: EXPR in Python over j (the JSON of FILE) holds.
py()
{
	python3 - "$1" "$2" <<'PY'
import json, os, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
def near(v, want, tol=0.05):
    return abs(v - want) <= want * tol
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

# to FILE COMMAND...: COMMAND's output into FILE, its errors into FILE.err.
to()
{
	local f=$1
	shift
	"$@" >"$f" 2>"$f.err"
}

# --- the first snapshot --------------------------------------------------

check "vigil heap --json PID succeeds" \
    to "$TMP/s1.json" "$VIGIL" heap --json "$fx"
diag "$(cat "$TMP/s1.json.err")"
check "the snapshot is of the fixture, with its start time" \
    py "$TMP/s1.json" "j['snapshot']['pid'] == $fx and j['snapshot']['comm'] == 'heapgrow' and j['snapshot']['start_time'] == int(open('/proc/$fx/stat').read().rsplit(')', 1)[1].split()[19])"
check "it is saved as PID-STARTTIME-TIME.json under XDG_STATE_HOME/vigil/heap" \
    py "$TMP/s1.json" "os.path.dirname(j['file']) == '$XDG_STATE_HOME/vigil/heap' and os.path.basename(j['file']).startswith('%d-%d-' % ($fx, j['snapshot']['start_time'])) and json.load(open(j['file']))['mappings'] == j['snapshot']['mappings']"
check "the state directories are 0700" \
    test "$(stat -c %a "$XDG_STATE_HOME/vigil" "$XDG_STATE_HOME/vigil/heap" | sort -u)" = 700
check "no previous snapshot the first time" \
    py "$TMP/s1.json" "j['previous'] is None and j['previous_file'] is None and j['diff'] is None"
check "every class is there, and the totals add up" \
    py "$TMP/s1.json" "sorted(j['snapshot']['classes']) == sorted(['heap', 'arena', 'anon', 'thread_stack', 'stack', 'file', 'shmem', 'special', 'other']) and sum(c['rss_kb'] for c in j['snapshot']['classes'].values()) == j['snapshot']['total']['rss_kb'] == sum(m['rss_kb'] for m in j['snapshot']['mappings'])"
check "the worker thread's stack is found by its stack pointer" \
    py "$TMP/s1.json" "j['snapshot']['stacks_from'] == 'sp' and j['snapshot']['threads'] == 2 and j['snapshot']['classes']['thread_stack']['size_kb'] >= 1024"
check "the main heap, main stack, the executable and the vdso are classified" \
    py "$TMP/s1.json" "[m['class'] for m in j['snapshot']['mappings'] if m['name'] == '[heap]'] == ['heap'] and [m['class'] for m in j['snapshot']['mappings'] if m['name'] == '[stack]'] == ['stack'] and any(m['class'] == 'file' and m['name'].endswith('/heapgrow') for m in j['snapshot']['mappings']) and any(m['class'] == 'special' and m['name'] == '[vdso]' for m in j['snapshot']['mappings'])"

# --- growth ---------------------------------------------------------------

kill -USR1 "$fx"
wait_for 20 grep -q '^grown 1$' "$out" || not_ok "the fixture grew"
check "the second snapshot succeeds" \
    to "$TMP/s2.json" "$VIGIL" heap --json "$fx"
check "it finds the first as the previous one" \
    py "$TMP/s2.json" "j['previous_file'] == json.load(open('$TMP/s1.json'))['file'] and j['previous']['time'] < j['snapshot']['time']"
check "thread arenas grew by 64 MiB (within 5%)" \
    py "$TMP/s2.json" "near(j['diff']['classes']['arena']['rss_kb'], 65536)"
check "other anonymous memory grew by 32 MiB (within 5%)" \
    py "$TMP/s2.json" "near(j['diff']['classes']['anon']['rss_kb'], 32768)"
check "the main heap and thread stacks did not take the growth" \
    py "$TMP/s2.json" "abs(j['diff']['classes']['heap']['rss_kb']) < 1024 and abs(j['diff']['classes']['thread_stack']['rss_kb']) < 1024"
check "mappings are sorted by growth, the arena or the new mapping first" \
    py "$TMP/s2.json" "[m['rss_kb'] for m in j['diff']['mappings']] == sorted([m['rss_kb'] for m in j['diff']['mappings']], reverse=True) and j['diff']['mappings'][0]['class'] in ('arena', 'anon') and j['diff']['mappings'][0]['rss_kb'] >= 32768 * 0.95"
check "the rate per minute is the growth over the time between" \
    py "$TMP/s2.json" "near(j['diff']['classes']['arena']['rss_kb_per_min'], j['diff']['classes']['arena']['rss_kb'] * 60 / j['diff']['seconds'], 0.01)"
diag "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["diff"]; print("arena", d["classes"]["arena"]["rss_kb"], "anon", d["classes"]["anon"]["rss_kb"], "over", d["seconds"], "s")' "$TMP/s2.json")"

f1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["file"])' "$TMP/s1.json")
f2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["file"])' "$TMP/s2.json")

# Text: the classes and the diff against the previous (the second) one.
kill -USR1 "$fx"
wait_for 20 grep -q '^grown 2$' "$out" || not_ok "the fixture grew again"
"$VIGIL" heap "$fx" >"$TMP/s3.txt" 2>&1
check "text output lists the classes" \
    grep -q '^thread arenas' "$TMP/s3.txt"
check "text output compares with the previous (the second) snapshot" \
    grep -qF "Since the previous snapshot, $f2:" "$TMP/s3.txt"
check "text output shows the arena growth with a rate" \
    grep -qE '^ +\+6[0-9]\.[0-9]M +\+[0-9.]+[KMG]/min .*thread arenas' "$TMP/s3.txt"
diag "$(sed -n '/^Growth/,$p' "$TMP/s3.txt" | head -16)"

# --- --diff --------------------------------------------------------------

check "vigil heap --diff OLD NEW --json succeeds" \
    to "$TMP/d.json" "$VIGIL" heap --json --diff "$f1" "$f2"
check "--diff gives the same growth by class as the snapshot did" \
    py "$TMP/d.json" "j['old_file'] == '$f1' and j['new_file'] == '$f2' and all({k: v for k, v in j['diff']['classes'][c].items() if k != 'rss_kb_per_min'} == {k: v for k, v in d.items() if k != 'rss_kb_per_min'} for c, d in json.load(open('$TMP/s2.json'))['diff']['classes'].items())"
"$VIGIL" heap --diff "$f1" "$f2" >"$TMP/d.txt" 2>&1
check "--diff in text names classes and mappings with rates" \
    eval "grep -q '^Growth over' '$TMP/d.txt' && grep -qE 'thread arenas +\\[arena ' '$TMP/d.txt' && grep -q '/min' '$TMP/d.txt'"

# --- errors -------------------------------------------------------------

# A PID that is certainly free: a child that has been reaped.
sleep 0 & gone=$!
wait "$gone"
"$VIGIL" heap "$gone" >"$TMP/e1.out" 2>"$TMP/e1.err"
rc=$?
check "a process that does not exist: status 1, said so" \
    eval "[ $rc = 1 ] && grep -q 'process $gone does not exist' '$TMP/e1.err'"
"$VIGIL" heap >/dev/null 2>"$TMP/e2.err"
check "no PID: status 2" test $? = 2
"$VIGIL" heap --diff "$f1" >/dev/null 2>&1
check "--diff with one file: status 2" test $? = 2
"$VIGIL" heap 12x >/dev/null 2>&1
check "a PID that is not a number: status 2" test $? = 2
echo 'not json' >"$TMP/bad.json"
"$VIGIL" heap --diff "$TMP/bad.json" "$f2" >/dev/null 2>"$TMP/e3.err"
rc=$?
check "--diff of a file that is not a snapshot: status 1, named" \
    eval "[ $rc = 1 ] && grep -q 'bad.json' '$TMP/e3.err'"

# Another user's process: permission denied, in those words.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
    setpriv --reuid=65534 --regid=65534 --clear-groups "$VIGIL" --version \
    >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    env XDG_STATE_HOME=/nonexistent "$VIGIL" heap "$fx" \
	    >/dev/null 2>"$TMP/e4.err"
	rc=$?
	check "another user's process: status 1, says whose it is" \
	    eval "[ $rc = 1 ] && grep -q 'cannot read /proc/$fx/smaps: it belongs to user root; run vigil as root' '$TMP/e4.err'"
	diag "$(cat "$TMP/e4.err")"
else
	skip "not root (or setpriv missing): no other user to try"
fi

# --- hostile file names ---------------------------------------------------

# A process that maps a file whose name has escape sequences, a newline
# and a byte that is not UTF-8: text output escapes them, JSON keeps them
# (the newline as the kernel writes it, \012).
cat >"$TMP/maps.py" <<'PY'
import mmap, os, sys, time
name = os.fsencode(sys.argv[1]) + b"/evil\x1b]0;pwned\x07 \x1b[31mred\nline \xff"
with open(name, "wb") as f:
    f.write(b"x" * 4096)
m = mmap.mmap(os.open(name, os.O_RDONLY), 4096, prot=mmap.PROT_READ)
m[0]
open(sys.argv[2], "w").write("ready\n")
time.sleep(1000)
PY
start_fixture hp python3 "$TMP/maps.py" "$TMP" "$TMP/hp.out"
wait_for 20 grep -qs '^ready$' "$TMP/hp.out" || not_ok "the mapping fixture is ready"
to "$TMP/hp.txt" "$VIGIL" heap --top 1000 "$hp"
check "a hostile file name is listed escaped, without a raw control character" \
    eval "grep -qF 'evil\\x1b]0;pwned\\x07 \\x1b[31mred\\012line' '$TMP/hp.txt' && ! grep -q \$'[\\x01-\\x08\\x0b-\\x1f\\x7f]' '$TMP/hp.txt'"
to "$TMP/hp.json" "$VIGIL" heap --json "$hp"
check "in JSON the name is the kernel's, the bad byte U+FFFD" \
    py "$TMP/hp.json" "any(m['name'] == '$TMP/evil\x1b]0;pwned\x07 \x1b[31mred\\\\012line \ufffd' and m['class'] == 'file' for m in j['snapshot']['mappings'])"

# --- the manual -----------------------------------------------------------

# Every key of the snapshot output and the --diff output is a bold word of
# the HEAP SNAPSHOTS section of vigil.1.
check "every JSON key of vigil heap is documented in vigil.1 HEAP SNAPSHOTS" \
    python3 - "$SRCDIR/doc/vigil.1" "$TMP/s2.json" "$TMP/d.json" <<'PY'
import json, re, sys
man = open(sys.argv[1], encoding="utf-8").read()
sec = re.search(r'^\.SH +"?HEAP SNAPSHOTS"? *\n(.*?)(?=^\.SH |\Z)', man, re.M | re.S)
if sec is None:
    print("# no HEAP SNAPSHOTS section")
    sys.exit(1)
sec = sec.group(1)
def keys(v, out):
    if isinstance(v, dict):
        for k, x in v.items():
            out.add(k)
            keys(x, out)
    elif isinstance(v, list):
        for x in v:
            keys(x, out)
    return out
ks = set()
for f in sys.argv[2:]:
    keys(json.load(open(f, encoding="utf-8")), ks)
bad = [k for k in sorted(ks)
       if not re.search(r'^\.B[RI]? +"?%s"?(?=[ \t,;:.)]|$)' % re.escape(k), sec, re.M)
       and not re.search(r'\\fB%s\\f[RP]' % re.escape(k), sec)]
for k in bad:
    print("# not documented:", k)
sys.exit(1 if bad else 0)
PY

done_testing
