#!/bin/bash
# Per-process I/O rates in batch output (--io): a writer of a known rate
# shows it within 20% as DISK W/s (write_bytes) and WCHAR/s (wchar), in
# text and JSON; the rows sort by these rates; a process whose counters
# may not be read shows "-" (null in JSON), not 0; without --io nothing
# is read.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/io_lib.sh"

need python3 setpriv

tag=b$$x
# The idle one first: the lower PID.
start_fixture idle bash -c "exec -a io-idle-$tag sleep 1000"
io_start writer "io-writer-$tag"
wait_for 10 exec_done "$idle" "io-idle-$tag"
check "the writer runs and reports its rate" wait_for 20 io_reported

TITLE='    PID USER      DISK R/s DISK W/s  RCHAR/s  WCHAR/s     IO/s COMMAND'

# batch_text ARGS...: one --io snapshot of the two fixtures into $out.
out=$TMP/batch.txt
batch_text()
{
	"$VIGIL" --batch -n 1 -d 10 --io -p "$idle,$writer" "$@" > "$out" \
	    2> "$TMP/batch.err"
}

# The rows of the snapshot, PIDs in order.
row_pids()
{
	awk -v t="$TITLE" '$0 == t { on = 1; next } on && NF > 0 { print $1 }' \
	    "$out" | tr '\n' ' '
}

# One field of the writer's row: 4 is DISK W/s, 6 WCHAR/s.
field()
{
	awk -v p="$1" -v f="$2" '$1 == p { print $f }' "$out"
}

want=
text_rate_ok()
{
	batch_text || return 1
	want=$(io_rate)
	within "$(to_bytes "$(field "$writer" 4)")" "$want" &&
	    within "$(to_bytes "$(field "$writer" 6)")" "$want"
}

if wait_for 60 text_rate_ok; then
	ok "text: the writer's DISK W/s and WCHAR/s are within 20% of its own rate"
else
	not_ok "text: the writer's DISK W/s and WCHAR/s are within 20% of its own rate"
fi
diag "the writer reported $want B/s; vigil showed:" "$(grep -F -e "$TITLE" -e "io-writer-$tag" "$out")"
check "text: the I/O screen's title row" grep -qxF -- "$TITLE" "$out"
check "text: sorted by IO/s, the writer comes first" \
    eval '[ "$(row_pids)" = "$writer $idle " ]'
check "text: the idle process reads and writes 0B/s" \
    eval '[ "$(field "$idle" 4)" = 0B/s ] && [ "$(field "$idle" 6)" = 0B/s ]'
batch_text -s pid
check "text: -s pid still sorts by PID" eval '[ "$(row_pids)" = "$idle $writer " ]'
batch_text -s wchar:asc
check "text: -s wchar:asc puts the idle process first" \
    eval '[ "$(row_pids)" = "$idle $writer " ]'

# JSON: counters and rates of both kinds.
json=$TMP/batch.json
json_rate_ok()
{
	"$VIGIL" --batch -n 1 -d 10 --io --format json -p "$writer" > "$json" ||
	    return 1
	want=$(io_rate)
	within "$(json_q "$json" 'proc('"$writer"')["io_write_bps"]')" "$want" &&
	    within "$(json_q "$json" 'proc('"$writer"')["io_wchar_bps"]')" "$want"
}
check "json: io_write_bps and io_wchar_bps are within 20% of the writer's rate" \
    wait_for 60 json_rate_ok
check "json: the counters are there, wchar at least write_bytes' order" \
    json_q "$json" 'all(isinstance(proc('"$writer"')[k], int) for k in
	("io_read_bytes", "io_write_bytes", "io_rchar", "io_wchar")) and
	proc('"$writer"')["io_wchar"] > 0'
check "json: io_bps is read + write" json_q "$json" \
    'abs(proc('"$writer"')["io_bps"] - proc('"$writer"')["io_read_bps"] -
	proc('"$writer"')["io_write_bps"]) <= 2'
"$VIGIL" --batch -n 1 -d 5 --format json -p "$writer" > "$json"
check "json: without --io, no I/O keys (the counters are not read)" \
    json_q "$json" '"io_wchar" not in proc('"$writer"')'
"$VIGIL" --batch -n 1 -d 5 --format json -s io_write -p "$writer" > "$json"
check "json: -s io_write reads the counters without --io" \
    json_q "$json" 'isinstance(proc('"$writer"')["io_wchar"], int)'

# Counters that may not be read: PID 1's, by another user (nobody, when
# run as root), show "-" and null.
as_other()
{
	if [ "$(id -u)" = 0 ]; then
		env HOME=/ XDG_CONFIG_HOME=/nonexistent XDG_STATE_HOME=/nonexistent \
		    setpriv --reuid=65534 --regid=65534 --clear-groups \
		    --inh-caps=-all "$@"
	else
		"$@"
	fi
}
as_other "$VIGIL" --batch -n 1 -d 5 --io -p 1 > "$out" 2> "$TMP/batch.err"
diag "PID 1 as another user:" "$(grep -A1 -F -e "$TITLE" "$out")"
check "text: unreadable counters show - in every rate column" \
    eval '[ "$(awk '\''$1 == 1 { print $3 $4 $5 $6 $7 }'\'' "$out")" = "-----" ]'
as_other "$VIGIL" --batch -n 1 -d 5 --io --format json -p 1 > "$json" \
    2> "$TMP/batch.err"
check "json: unreadable counters and rates are null" \
    json_q "$json" 'proc(1)["io_write_bytes"] is None and
	proc(1)["io_write_bps"] is None and proc(1)["io_bps"] is None'

done_testing
