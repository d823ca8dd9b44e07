#!/bin/bash
# History survives a restart of the monitor: a live vigil on a host that
# records starts with its rings filled from the store. A burner recorded
# for 8 frames shows 8 or more samples of its CPU history in the first
# batch snapshot and a full CPU-HIST sparkline on the first screen, where
# without the store (--history-from none) it has two at most; a store
# written under another host name, or too old for the rings' span, is not
# read.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"
need python3 unshare hostname

tag=h$$x
store=$TMP/rec
start_fixture burn bash -c "exec -a burn-$tag '$FIXTURES/burn'"
wait_for 10 exec_done "$burn" "burn-$tag"
"$VIGIL" record --foreground --interval 1s --dir "$store" --count 8
check "vigil record wrote 8 frames and ended" [ $? -eq 0 ]

out=$TMP/out
"$VIGIL" --batch -n 1 -d 1 --format json --history --history-from "$store" \
    -p "$burn" > "$out"
diag "cpu_hist: $(json_q "$out" "proc($burn)['cpu_hist']")"
check "the first snapshot has the recorded history (8 frames and the tick)" \
    json_q "$out" "len(proc($burn)['cpu_hist']) >= 9"
check "the recorded samples show the burner busy" json_q "$out" \
    "sum(1 for v in proc($burn)['cpu_hist'][:8] if v > 50) >= 6"
check "its RSS history is as long" json_q "$out" \
    "len(proc($burn)['rss_hist']) == len(proc($burn)['cpu_hist'])"

"$VIGIL" --batch -n 1 -d 1 --format json --history --history-from none \
    -p "$burn" > "$out"
check "--history-from none: the first snapshot has two samples" \
    json_q "$out" "len(proc($burn)['cpu_hist']) == 2"

# The rings' span: 4 refreshes of 1 s reach back 4 s, before which the
# recording ended; within it, 4 samples would be there.
wait_for 20 sh -c "[ \$(( \$(date +%s) - \$(stat -c %Y '$store'/*.vrec | sort -n | tail -n 1) )) -ge 6 ]"
"$VIGIL" --batch -n 1 -d 1 --format json --history --history-size 4 \
    --history-from "$store" -p "$burn" > "$out"
check "frames older than the rings' span are not fed" \
    json_q "$out" "len(proc($burn)['cpu_hist']) == 2"

# Another host's store (a copy moved here, say) is not this machine's past.
unshare -u sh -c "hostname other-$tag && '$VIGIL' --batch -n 1 -d 1 \
    --format json --history --history-from '$store' -p $burn" > "$out"
check "a store of another host is not read" \
    json_q "$out" "len(proc($burn)['cpu_hist']) == 2"

# The monitor: the burner's CPU-HIST is full on the first screen. With a
# 100 s delay the live side adds two samples at most before it is read.
spark_cells() {
	tui_row "$burn" | grep -o '[▁▂▃▄▅▆▇█]' | wc -l
}
tui_start 200 30 -- -d 1000 --history-from "$store" -p "$burn"
check_screen "the monitor shows the burner" wait_for 10 tui_has_row "$burn"
n=$(spark_cells)
diag "sparkline cells: $n"
check_screen "its sparklines are full from the first refresh" [ "$n" -ge 10 ]
tui_start 200 30 -- -d 1000 --history-from none -p "$burn"
check_screen "without the store, they are not" \
    sh -c "[ \$(tui_row $burn | grep -o '[▁▂▃▄▅▆▇█]' | wc -l) -le 4 ]"
tui_stop

done_testing
