#!/bin/bash
# Smoke fuzzing: each libFuzzer harness of tests/fuzz/ (built by
# ./configure --enable-fuzzing, with clang) runs its seed corpus and a
# bounded number of new inputs: seconds, not minutes. A crash, a leak, an
# undefined behaviour or a broken property is a failure whose input is
# shown; a crash found here or by a longer run becomes a seed and a test.
#
# FUZZ_RUNS: new inputs per harness (default 20000).
. "$SRCDIR/tests/e2e/lib.sh"

runs=${FUZZ_RUNS:-20000}
found=0
for t in "$BUILDDIR"/tests/fuzz/fuzz_*; do
	[ -x "$t" ] || continue
	name=${t##*/fuzz_}
	found=1
	seeds=$SRCDIR/tests/fuzz/corpus/$name
	mkdir -p "$TMP/$name/new" "$TMP/$name/crash"
	# New units go to a copy: the tree's corpus is only read.
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$t" -runs="$runs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
	    -max_total_time=60 -print_final_stats=1 \
	    -artifact_prefix="$TMP/$name/crash/" \
	    "$TMP/$name/new" "$seeds" > "$TMP/$name/log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$TMP/$name/log")
	cov=$(grep -o 'cov: [0-9]*' "$TMP/$name/log" | tail -n 1)
	if [ "$status" -eq 0 ]; then
		ok "fuzz_$name: ${execs:-?} inputs, ${cov:-cov: ?}, no defect"
	else
		not_ok "fuzz_$name: a defect (status $status)"
		grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' \
		    "$TMP/$name/log" | head -n 30 | sed 's/^/# /'
		for a in "$TMP/$name/crash"/*; do
			[ -f "$a" ] || continue
			diag "input $a:"
			od -A d -c "$a" | head -n 20 | sed 's/^/# /'
		done
	fi
done
check "the fuzzing harnesses were built (./configure --enable-fuzzing)" \
    [ "$found" -eq 1 ]
done_testing
