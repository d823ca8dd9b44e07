#!/bin/bash
# A process growing its RSS by a known amount per second shows that growth
# in its rss_hist; its history has one sample per refresh.
. "$SRCDIR/tests/e2e/lib.sh"
need python3

rate=8		# MiB per second
start_fixture grow "$FIXTURES/grow" "$rate" 512
wait_for 5 exec_done "$grow" grow

out=$TMP/out
"$VIGIL" --batch -n 6 -d 10 --format json --history -p "$grow" > "$out"
hist=$(json_q "$out" "proc($grow)['rss_hist']")
diag "rss_hist (KiB): $hist"
# The priming refresh plus six printed: seven samples.
check "rss_hist has one sample per refresh" json_q "$out" \
    "len(proc($grow)['rss_hist']) == 7"
check "cpu_hist has as many samples" json_q "$out" \
    "len(proc($grow)['cpu_hist']) == 7"
check "the last rss_hist sample is rss_kb" json_q "$out" \
    "proc($grow)['rss_hist'][-1] == proc($grow)['rss_kb']"
# Growth per second over the span of the history, within 20%.
check "rss_hist grows by about $rate MiB a second" json_q "$out" "
(lambda h: abs((h[-1] - h[0]) / (len(h) - 1) - $rate * 1024) <= 0.2 * $rate * 1024)
    (proc($grow)['rss_hist'])"
check "rss_hist never shrinks" json_q "$out" \
    "(lambda h: all(a <= b for a, b in zip(h, h[1:])))(proc($grow)['rss_hist'])"

"$VIGIL" --batch -n 2 -d 2 --format json --history --history-size 2 -p "$grow" > "$out"
check "--history-size bounds the history" json_q "$out" \
    "len(proc($grow)['rss_hist']) == 2"

done_testing
