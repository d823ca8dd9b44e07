#!/bin/bash
# vigil heaptrack on a fixture with known call sites: 30, 20 and 10 MiB
# live, the last leaking; full mode within 1%, sampled within 10%, the
# leak flagged on the second snapshot, pprof read by go tool pprof.

. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/heap_lib.sh"

leaked() { grep -qx "leaked $2" "$1" 2>/dev/null; }

check "the preload library is built" test -r "$HEAP_LIB"
check "it links neither ncurses nor libproc2" \
    bash -c "! ldd '$HEAP_LIB' | grep -Eq 'ncurses|proc2'"

# --- full mode ---------------------------------------------------------
start_fixture pid "$VIGIL" heaptrack --run --full -- \
    "$FIXTURES/heapsites" "$TMP/full.status"
check "the fixture starts under vigil heaptrack --run --full" \
    wait_for 30 leaked "$TMP/full.status" 10

sock=$XDG_RUNTIME_DIR/vigil/heap-$pid.sock
check "the agent's socket is heap-PID.sock, mode 0600" \
    test "$(stat -c %a "$sock" 2>/dev/null)" = 600
check "in a directory of mode 0700" \
    test "$(stat -c %a "$XDG_RUNTIME_DIR/vigil")" = 700

"$VIGIL" heaptrack --format folded "$pid" >"$TMP/full.folded" \
    2>"$TMP/err" || diag "$(cat "$TMP/err")"
for site in hold_thirty:30 hold_twenty:20 leak_ten:10; do
	f=${site%:*} mib=${site#*:}
	got=$(folded_live "$TMP/full.folded" "$f")
	check "full: $f holds $mib MiB within 1% ($got bytes)" \
	    within "$got" $((mib * MIB)) 1
done
check "full: churn() freed everything it allocated" \
    test "$(folded_live "$TMP/full.folded" churn)" = 0

heap_raw "$pid" >"$TMP/full.raw"
check "full: the agent answers the protocol, frees never exceed allocations" \
    heap_consistent "$TMP/full.raw"
read -r lb lo cb co <<<"$(heap_top_site "$TMP/full.raw" 5)"
check "full: churn()'s 640000 allocations counted, none live ($co, $lo)" \
    test "$co" = 640000 -a "$lo" = 0

kill -USR1 "$pid"
check "the fixture leaks one more MiB" wait_for 30 leaked "$TMP/full.status" 11
"$VIGIL" heaptrack -n 10 "$pid" >"$TMP/full.top" 2>"$TMP/err" ||
    diag "$(cat "$TMP/err")"
check "top: leak_ten is flagged after two snapshots" \
    grep -Eq 'leak\? +leak_ten' "$TMP/full.top"
check "top: leak_ten grew by 1 MiB" grep -Eq '\+1\.0 MiB .*leak_ten' \
    "$TMP/full.top"
check "top: hold_thirty is not flagged" \
    bash -c "grep hold_thirty '$TMP/full.top' | grep -vq 'leak?'"
check "top: the growth since the previous snapshot is reported" \
    grep -q "growth since the previous snapshot" "$TMP/full.top"
check "top: one leak suspect" grep -q "leak suspects: 1$" "$TMP/full.top"
check "top: the sites by live bytes, largest first" \
    bash -c "grep -Eo 'hold_thirty|hold_twenty|leak_ten' '$TMP/full.top' |
    tr '\n' ' ' | grep -q '^hold_thirty hold_twenty leak_ten '"

"$VIGIL" heaptrack --format pprof -o "$TMP/heap.pb.gz" "$pid" \
    2>"$TMP/err" || diag "$(cat "$TMP/err")"
check "pprof: a gzip file" bash -c "gzip -t '$TMP/heap.pb.gz'"

check "a process without the library: an error, status 1" \
    bash -c "! '$VIGIL' heaptrack $$ 2>'$TMP/err' && grep -q 'not tracked' '$TMP/err'"

# --- every interposed function -----------------------------------------
start_fixture apid env VIGIL_HEAP_MODE=full LD_PRELOAD="$HEAP_LIB" \
    "$FIXTURES/heapapi" "$TMP/api.status"
check "heapapi starts" wait_for 30 grep -qx ready "$TMP/api.status"
"$VIGIL" heaptrack --format folded "$apid" >"$TMP/api.folded" \
    2>"$TMP/err" || diag "$(cat "$TMP/err")"
n=1
for f in api_calloc api_realloc api_reallocarray api_posix_memalign \
    api_aligned_alloc api_memalign api_valloc api_pvalloc; do
	got=$(folded_live "$TMP/api.folded" "$f")
	check "full: $f keeps $n MiB ($got bytes)" test "$got" = $((n * MIB))
	n=$((n + 1))
done
got=$(folded_live "$TMP/api.folded" "[anonymous mmap]")
check "full: anonymous mmap of 10 MiB less the MiB unmapped ($got bytes)" \
    test "$got" = $((9 * MIB))
check "full: the block realloc moved is no longer live" \
    test "$(folded_live "$TMP/api.folded" api_realloc_start)" = 0
heap_raw "$apid" >"$TMP/api.raw"
check "full: heapapi's frees never exceed its allocations" \
    heap_consistent "$TMP/api.raw"

# --- sampled mode ------------------------------------------------------
# At 64 KiB the fixture's 256 KiB blocks are each sampled with
# probability 98%: the estimate's spread is ~2% on the 10 MiB site. (At
# the default 512 KiB it would be ~20%: too few samples for a 10% check.)
start_fixture spid "$VIGIL" heaptrack --run --rate 64k -- \
    "$FIXTURES/heapsites" "$TMP/sampled.status"
check "the fixture starts under sampled tracking" \
    wait_for 30 leaked "$TMP/sampled.status" 10
"$VIGIL" heaptrack --format folded "$spid" >"$TMP/sampled.folded" \
    2>"$TMP/err" || diag "$(cat "$TMP/err")"
for site in hold_thirty:30 hold_twenty:20 leak_ten:10; do
	f=${site%:*} mib=${site#*:}
	got=$(folded_live "$TMP/sampled.folded" "$f")
	check "sampled: $f holds $mib MiB within 10% ($got bytes)" \
	    within "$got" $((mib * MIB)) 10
done
heap_raw "$spid" >"$TMP/sampled.raw"
check "sampled: the agent says so" grep -qx "mode sampled" "$TMP/sampled.raw"
check "sampled: the rate is 64 KiB" grep -qx "rate 65536" "$TMP/sampled.raw"
check "sampled: frees never exceed allocations" \
    heap_consistent "$TMP/sampled.raw"

# --- go tool pprof -----------------------------------------------------
need go
go tool pprof -top "$TMP/heap.pb.gz" >"$TMP/pprof.top" 2>"$TMP/pprof.err"
check "go tool pprof -top reads the profile" grep -q hold_thirty "$TMP/pprof.top"
check "pprof: inuse_space is the default" grep -q "Type: inuse_space" \
    "$TMP/pprof.top"
check "pprof: hold_thirty is 30MB of it" grep -Eq ' 30MB .*hold_thirty' \
    "$TMP/pprof.top"
go tool pprof -raw "$TMP/heap.pb.gz" >"$TMP/pprof.raw" 2>&1
check "pprof: the four heap sample types" grep -q \
    "alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes" \
    "$TMP/pprof.raw"
check "pprof: period 1 in full mode" grep -q "Period: 1$" "$TMP/pprof.raw"
"$VIGIL" heaptrack --format pprof -o "$TMP/sampled.pb.gz" "$spid"
go tool pprof -raw "$TMP/sampled.pb.gz" >"$TMP/spprof.raw" 2>&1
check "pprof: period 65536 when sampled" grep -q "Period: 65536$" \
    "$TMP/spprof.raw"
go tool pprof -top -sample_index=alloc_objects "$TMP/heap.pb.gz" \
    >"$TMP/pprof.alloc" 2>&1
check "pprof: alloc_objects counts churn()'s allocations" \
    grep -Eq '640000 .*churn' "$TMP/pprof.alloc"

done_testing
