#!/bin/bash
# Names of native code: C++ and Rust symbols demangled (pprof keeps the
# mangled one as system_name), a forced-inline C++ template method shown
# as its own frame "(inlined)" with its own line above main at the call's
# line, Go functions with file:line (Go writes no .debug_aranges), and the
# note on stderr naming a module without symbols. The fixtures are built
# here, from tests/fixtures/, with Debian's g++, rustc and go.

. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"

need g++ rustc go

F="$SRCDIR/tests/fixtures"
step_line=$(grep -n GEO_STEP_LINE "$F/geo.cc" | cut -d: -f1)
call_line=$(grep -n GEO_CALL_LINE "$F/geo.cc" | cut -d: -f1)
fill_line=$(grep -n GOH_FILL_LINE "$F/goh.go" | cut -d: -f1)

# --- C++: demangled, inlined with its own line -----------------------------
if g++ -O2 -g -o "$TMP/geo" "$F/geo.cc" 2>"$TMP/err"; then
	ok "the C++ fixture builds"
else
	not_ok "the C++ fixture builds"
	diag "$(cat "$TMP/err")"
fi
start_fixture G "$TMP/geo"
wait_for 5 exec_done "$G" geo

# The leaf is the inlined step() almost always; allow a few tries.
step_re='^#0 +geo::Engine<unsigned long>::step\(unsigned long\) \(inlined\) \(.*geo\.cc:'"$step_line"'\)$'
main_re='^#1 +main \(.*geo\.cc:'"$call_line"'\)$'
inlined_dumped()
{
	"$VIGIL" dump "$G" >"$TMP/dump" 2>"$TMP/err" &&
	    grep -Eq "$step_re" "$TMP/dump" && grep -Eq "$main_re" "$TMP/dump"
}
if wait_for 10 inlined_dumped; then
	ok "vigil dump: the inlined template method at its line, main at the call's"
else
	not_ok "vigil dump: the inlined template method at its line, main at the call's"
	diag "$(cat "$TMP/dump" "$TMP/err")"
fi

# settle() has a few percent of the time: on a busy machine, where the
# target runs less, a short profile may miss it; profile again, up to 6.
for try in 1 2 3 4 5 6; do
	"$VIGIL" profile "$G" --duration 2 --format folded -o "$TMP/geo.folded" \
	    2>"$TMP/err"
	grep -q 'geo::settle<' "$TMP/geo.folded" && break
done
diag "$(sort -k 2 -n -r "$TMP/geo.folded" | head -3)"
check "folded: main;step (inlined) is the hot stack" \
    grep -Eq ';main;geo::Engine<unsigned long>::step\(unsigned long\) \(inlined\) [0-9]+$' \
    "$TMP/geo.folded"
check "folded: the noinline template function is demangled" \
    grep -q ';main;unsigned long geo::settle<unsigned long>(geo::Engine<unsigned long>&, unsigned long) ' \
    "$TMP/geo.folded"
check "folded: no mangled C++ name is left" \
    sh -c "! grep -q '_ZN3geo' '$TMP/geo.folded'"

"$VIGIL" profile "$G" --duration 1 --format top >"$TMP/geo.top" 2>"$TMP/err"
check "top: the inlined method is the first function" \
    awk '/FUNCTION/ { getline; exit !/geo::Engine<unsigned long>::step\(unsigned long\) \(inlined\)$/ }' \
    "$TMP/geo.top"

"$VIGIL" profile "$G" --duration 1 --format pprof -o "$TMP/geo.pb.gz" \
    2>"$TMP/err"
HOME=$TMP GOCACHE=$TMP/gocache go tool pprof -raw "$TMP/geo.pb.gz" \
    >"$TMP/geo.raw" 2>"$TMP/err"
check "pprof: a function's name is demangled, its system_name mangled" \
    grep -q 'geo::Engine<unsigned long>::step(unsigned long) .*(_ZN3geo6EngineImE4stepEm)$' \
    "$TMP/geo.raw"
check "pprof: the inlined method has its own line" \
    grep -Eq "geo::Engine<unsigned long>::step\(unsigned long\) .*geo\.cc:$step_line " \
    "$TMP/geo.raw"
# As pprof's own symbolizer has it: one location, the inlined line first,
# then its caller's; `pprof -top` marks the function "(inline)".
check "pprof: the inlined method and main are the lines of one location" \
    awk -v re="^ +[0-9]+: 0x[0-9a-f]+ M=[0-9]+ geo::Engine<unsigned long>::step\\(unsigned long\\) .*geo\\.cc:$step_line " \
    '$0 ~ re { getline; if ($0 ~ /^ +main .*geo\.cc:[0-9]+ /) f = 1 } END { exit !f }' \
    "$TMP/geo.raw"
HOME=$TMP GOCACHE=$TMP/gocache go tool pprof -top -lines "$TMP/geo.pb.gz" \
    >"$TMP/geo.lines" 2>"$TMP/err"
check "pprof -top: the inlined method is marked (inline)" \
    grep -Eq "geo::Engine<unsigned long>::step\(unsigned long\) .*geo\.cc:[0-9]+ \(inline\)$" \
    "$TMP/geo.lines"

# --- Rust: legacy and v0 mangling ----------------------------------------
for mangling in legacy v0; do
	# Legacy is rustc's default; naming it needs -Z unstable-options.
	flag=
	[ $mangling = v0 ] && flag="-C symbol-mangling-version=v0"
	# shellcheck disable=SC2086
	rustc -C opt-level=2 -C debuginfo=2 $flag -o "$TMP/rsh-$mangling" \
	    "$F/rsh.rs" 2>"$TMP/err" || diag "$(cat "$TMP/err")"
	start_fixture R "$TMP/rsh-$mangling"
	wait_for 5 exec_done "$R" "rsh-$mangling"
	"$VIGIL" profile "$R" --duration 1 --format folded \
	    -o "$TMP/rsh.folded" 2>"$TMP/err"
	diag "$(sort -k 2 -n -r "$TMP/rsh.folded" | head -2)"
	check "Rust ($mangling): the hot method is demangled" \
	    grep -Eq '(^|;)<?rsh::geo::Engine<u64>>?::crunch( |;)' \
	    "$TMP/rsh.folded"
	check "Rust ($mangling): no mangled name or hash is left" \
	    sh -c "! grep -Eq '_ZN|_R[A-Z]|17h[0-9a-f]{16}E' '$TMP/rsh.folded'"
	kill -KILL "$R"
done

# --- Go: file:line --------------------------------------------------------
mkdir -p "$TMP/gosrc"
cp "$F/goh.go" "$TMP/gosrc/main.go"
if (cd "$TMP/gosrc" && HOME=$TMP GOCACHE=$TMP/gocache GOPATH=$TMP/gopath \
    GO111MODULE=off GOFLAGS= go build -o "$TMP/goh" main.go) 2>"$TMP/err"; then
	ok "the Go fixture builds"
else
	not_ok "the Go fixture builds"
	diag "$(cat "$TMP/err")"
fi
start_fixture H "$TMP/goh"
wait_for 5 exec_done "$H" goh
fill_re='^#0 +main\.\(\*Store\)\.Fill \(.*main\.go:'"$fill_line"'\)$'
go_dumped()
{
	"$VIGIL" dump "$H" >"$TMP/dump" 2>"$TMP/err" &&
	    grep -Eq "$fill_re" "$TMP/dump" &&
	    grep -Eq '^#[0-9]+ +main\.main \(.*main\.go:[0-9]+\)$' "$TMP/dump"
}
if wait_for 10 go_dumped; then
	ok "vigil dump: Go functions with their file:line"
else
	not_ok "vigil dump: Go functions with their file:line"
	diag "$(cat "$TMP/dump" "$TMP/err")"
fi
"$VIGIL" profile "$H" --duration 1 --format pprof -o "$TMP/goh.pb.gz" \
    2>"$TMP/err"
HOME=$TMP GOCACHE=$TMP/gocache go tool pprof -raw "$TMP/goh.pb.gz" \
    >"$TMP/goh.raw" 2>"$TMP/err"
check "pprof: Go's hot method with its file:line" \
    grep -Eq "main\.\(\*Store\)\.Fill .*main\.go:$fill_line " "$TMP/goh.raw"

# --- the note on code without symbols -------------------------------------
start_fixture S "$FIXTURES/hot3-stripped"
wait_for 5 exec_done "$S" hot3-stripped
"$VIGIL" profile "$S" --duration 2 --format top >"$TMP/strip.top" \
    2>"$TMP/err"
diag "$(head -8 "$TMP/strip.top")"
# a(), b() and c() burn CPU; one row each, not one per instruction.
check "top: stripped functions are one row each, by unwind entry" \
    awk '/!fde@0x/ && $2 > 0 { n++ } /hot3-stripped\+0x/ { bad = 1 }
	END { exit !(n >= 2 && n <= 3 && !bad) }' "$TMP/strip.top"
check "stderr names the module without symbols, once" \
    sh -c "test \$(grep -c 'no symbols for code of .*hot3-stripped' '$TMP/err') = 1"
check "... and says how to get them" \
    grep -q 'dbgsym.*DEBUGINFOD_URLS' "$TMP/err"
"$VIGIL" profile "$G" --duration 1 --format top >/dev/null 2>"$TMP/err"
check "no such note for a program with its symbols" \
    sh -c "! grep -q 'no symbols for code of .*geo' '$TMP/err'"

done_testing
