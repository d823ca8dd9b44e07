#!/bin/bash
# The live profile view: f on the hot3 fixture (a() ~60%, b() ~30%, c()
# ~10% of its CPU) samples it in a child; the top functions put work() (inlined into a) first;
# Tab shows the call tree with main over a; Space pauses and resumes; r
# resets; s saves an SVG and a pprof file that go tool pprof reads; q
# leaves, and the target is released and runs on. Killing vigil with the
# view open releases the target too; --readonly refuses f.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"
need python3 go

start_fixture P "$FIXTURES/hot3"
wait_for 5 exec_done "$P" hot3

# The view's title: "Profile of hot3 (PID), on-cpu, perf: 99 Hz, N samples, ...".
samples() { tui_screen | sed -n 's/.*Hz, \([0-9]*\) samples.*/\1/p' | head -1; }
samples_above() { local n; n=$(samples); [ -n "$n" ] && [ "$n" -gt "$1" ]; }
# The seconds the title says the profile has run.
elapsed() { tui_screen | sed -n 's/.*samples, \([0-9.]*\) s,.*/\1/p' | head -1; }
elapsed_past() { local e; e=$(elapsed); [ -n "$e" ] &&
    awk -v e="$e" -v t="$1" -v d="$2" 'BEGIN { exit !(e >= t + d) }'; }
# The top row of the top functions: SELF% TOTAL% SAMPLES NAME.
first_function() { tui_screen | sed -n '3p' | awk '{ print $4 }'; }
# vigil's children that are samplers.
samplers() { pgrep -P "$TUI_PID" -f 'profile --stream' || true; }

check_screen "vigil starts on the fixture" \
    tui_start 100 30 -- -p "$P" -d 10
tui_keys f
check_screen "f opens the profile view on hot3" \
    wait_screen 10 "^ Profile of hot3 \\($P\\), on-cpu, perf: 99 Hz"
check "a sampler child runs" wait_for 10 eval '[ -n "$(samplers)" ]'
check_screen "samples arrive" wait_for 20 samples_above 150
# hot3's work() is inlined into a(), b() and c(): it has the self time.
check_screen "the top function is work (inlined)" \
    wait_for 10 eval '[ "$(first_function)" = work ] &&
    tui_screen | sed -n 3p | grep -q "work (inlined)"'
check_screen "a() has more than b(), b() more than c() (total)" eval '
    tui_screen | awk "\$4 == \"a\" { a = \$2 } \$4 == \"b\" { b = \$2 }
        \$4 == \"c\" { c = \$2 } END { exit !(a > b && b > c && c > 0) }"'

tui_keys Tab
check_screen "Tab shows the call tree" wait_screen 10 'CALL TREE'
check_screen "the tree opens main down to a()" \
    wait_for 10 eval 'tui_screen | grep -q "[▾-] main" &&
    tui_screen | grep -Eq "^ +[0-9.]+ +[0-9.]+ +  +. a *$"'

tui_keys Space
check_screen "Space pauses" wait_screen 10 '\[paused\]'
# A snapshot sent before the sampler saw the pause may still come: count
# from one made after it (elapsed time goes on while paused).
t0=$(elapsed)
check_screen "snapshots go on while paused" wait_for 10 elapsed_past "$t0" 1.5
n=$(samples)
t0=$(elapsed)
check_screen "and another" wait_for 10 elapsed_past "$t0" 1.5
check_screen "paused, no samples are added" eval '[ "$(samples)" = "$n" ]'
check "paused, no thread of the target is stopped" \
    eval '[ -z "$(traced_threads "$P")" ]'
check "paused, the target runs on" runs_on "$P"
tui_keys Space
check_screen "Space resumes" wait_for 10 samples_above "$n"

tui_keys r
check_screen "r resets the counts" wait_for 10 eval \
    'n=$(samples); [ -n "$n" ] && [ "$n" -lt 150 ]'

tui_keys s
check_screen "s asks for a format" wait_for 10 bottom_has '^Save as:'
tui_keys s
check_screen "s s saves an SVG and names it" \
    wait_for 10 bottom_has "saved $TMP/state/vigil/profiles/$P-.*\\.svg"
svg=$(ls "$TMP"/state/vigil/profiles/*.svg 2>/dev/null | head -1)
check "the SVG is well-formed XML" python3 -c '
import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$svg"
tui_wait_tick
tui_keys s p
check_screen "s p saves a pprof file" \
    wait_for 10 bottom_has "saved .*\\.pb\\.gz"
pb=$(ls "$TMP"/state/vigil/profiles/*.pb.gz 2>/dev/null | head -1)
# go tool pprof offline, its caches in the test's directory.
export HOME=$TMP GOPATH=$TMP/go GOCACHE=$TMP/gocache GOFLAGS=-mod=mod \
    GOPROXY=off GOTOOLCHAIN=local GOTELEMETRY=off PPROF_TMPDIR=$TMP
timeout 120 go tool pprof -top "$pb" > "$TMP/top" 2> "$TMP/top.err"
top=$(awk 'go { print $6; exit } $1 == "flat" && $2 == "flat%" { go = 1 }' \
    "$TMP/top")
check "go tool pprof reads it; work (inlined into a) is the top function" \
    [ "$top" = work ]
[ "$top" = work ] || diag "$(cat "$TMP/top" "$TMP/top.err")"
check "... and a() is in it" awk '$6 == "a" { f = 1 } END { exit !f }' \
    "$TMP/top"

tui_keys q
check_screen "q goes back to the table" wait_screen 10 '^F1Help'
check "the sampler child has ended" wait_for 10 eval '[ -z "$(samplers)" ]'
check "the target is released" wait_for 10 released "$P"
check "the target runs on" runs_on "$P"

# vigil killed with the view open: the sampler is told to end.
tui_keys f
check_screen "f again" wait_for 20 samples_above 10
sampler=$(samplers)
kill -KILL "$TUI_PID"
check "the sampler ends when vigil is killed" \
    wait_for 10 eval '! kill -0 "$sampler" 2>/dev/null'
check "the target is released" wait_for 10 released "$P"
check "the target runs on" runs_on "$P"

check_screen "vigil --readonly starts" \
    tui_start 100 30 -- -p "$P" -d 10 --readonly
tui_keys f
check_screen "--readonly refuses f" \
    wait_for 10 bottom_has 'read-only mode'
check "no sampler was started" eval '[ -z "$(samplers)" ]'
check "vigil quits cleanly" tui_quit_ok

done_testing
