#!/bin/bash
# vigil --replay in the monitor, driven in tmux: a recording made by vigil
# record of fixtures that are gone by then; the title says REPLAY and the
# frame's time; ( ) step a frame, { } jump a minute, --at opens at a time;
# actions are refused (the kill key), and the live monitor says the keys
# are for replay.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"
need python3

tag=r$$x
store=$TMP/rec
start_fixture victim bash -c "exec -a victim-$tag sleep 1000"
start_fixture burn bash -c "exec -a burn-$tag '$FIXTURES/burn'"
wait_for 10 exec_done "$victim" "victim-$tag"
wait_for 10 exec_done "$burn" "burn-$tag"
"$VIGIL" record --foreground --interval 1s --dir "$store" --count 8
check "vigil record wrote 8 frames and ended" [ $? -eq 0 ]
kill -KILL "$victim"
wait "$victim" 2>/dev/null

# The frames' times, as the title prints them (in UTC here).
"$VIGIL" --batch --replay "$store" --format json > "$TMP/frames"
stamp() {
	python3 - "$TMP/frames" "$1" <<'PY'
import datetime, json, sys
t = [json.loads(l)["time"] for l in open(sys.argv[1])][int(sys.argv[2])]
print(datetime.datetime.fromtimestamp(int(t),
    datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"))
PY
}
last=$(stamp -1)
before=$(stamp -2)
third=$(stamp 2)
third_at=@$(json_q "$TMP/frames" "'%.3f' % snaps[2]['time']")
first_printed=$(stamp 0)

title_has() { tui_screen | head -n 1 | grep -q -- "REPLAY .* $1"; }
title_time() { tui_screen | head -n 1 | grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}'; }

check_screen "vigil --replay opens the monitor" \
    tui_start 160 40 TZ=UTC -- --replay "$store"
check_screen "the title says REPLAY and the last frame's time ($last)" \
    wait_for 10 title_has "$last"
tui_keys '\' C-u
tui_type "victim-$tag"
tui_keys Enter
check_screen "a process that has exited since is in the recorded table" \
    wait_for 10 tui_rows_are "$victim"
tui_keys '\' C-u Enter
tui_keys '('
check_screen "( steps back a frame ($before)" wait_for 10 title_has "$before"
tui_keys ')'
check_screen ") steps forward again ($last)" wait_for 10 title_has "$last"
tui_keys ')'
check_screen "and at the end says it is the last frame" \
    wait_for 10 bottom_has 'the last frame recorded'
tui_keys '{'
earliest()
{
	python3 - "$(title_time)" "$first_printed" <<'PY'
import datetime, sys
p = lambda s: datetime.datetime.strptime(s, "%Y-%m-%d %H:%M:%S")
d = (p(sys.argv[2]) - p(sys.argv[1])).total_seconds()
sys.exit(0 if 0 < d <= 3 else 1)
PY
}
check_screen "{ a minute back lands on the first frame" wait_for 10 earliest
tui_keys '}'
check_screen "} a minute forward lands on the last" wait_for 10 title_has "$last"
tui_keys '\' C-u
tui_type "^burn-$tag"
tui_keys Enter
check_screen "the burner is the only row" wait_for 10 tui_rows_are "$burn"
# ) feeds the model the next frame alone, { } and ( rebuild it: the row a
# step forward shows is the one a rebuild at that frame showed.
row_last=$(tui_row "$burn")
tui_keys '(' '('
check_screen "( ( steps back two frames" wait_for 10 title_has "$(stamp -3)"
tui_keys ')'
check_screen ") a frame forward" wait_for 10 title_has "$before"
tui_keys ')'
check_screen ") to the last frame again" wait_for 10 title_has "$last"
check_screen "the stepped row is the rebuilt one (TIME+, CPU%, sparkline)" \
    [ "$(tui_row "$burn")" = "$row_last" ]
tui_keys k
check_screen "k is refused in replay" wait_for 10 bottom_has \
    'replay: actions on processes are off'
check "the burner still runs" kill -0 "$burn"
check_screen "no signal picker opened" screen_lacks '^Send signal:'
tui_keys h
wait_screen 10 'keys \(any other key'
help_replay() { tui_keys NPage; screen_has '\( \) +replay \(vigil --replay\)'; }
check_screen "the help lists the replay keys" wait_for 10 help_replay
check_screen "and the minute keys" screen_has '\{ \} +replay: a minute'
tui_keys Escape
check "Esc leaves the help" wait_for 10 screen_lacks 'replay \(vigil --replay\)'
tui_quit_ok

check_screen "--at opens at that frame ($third)" \
    tui_start 160 40 TZ=UTC -- --replay "$store" --at "$third_at"
check_screen "the title has --at's frame" wait_for 10 title_has "$third"
tui_quit_ok

check_screen "the live monitor starts" tui_start 120 30 -- -d 10
tui_keys '('
check_screen "( in the live monitor says it is for replay" \
    wait_for 10 bottom_has 'not replaying'
tui_quit_ok

"$VIGIL" --batch --replay "$TMP/nothing" > "$TMP/out" 2>&1
check "--replay on a missing store fails" [ $? -ne 0 ]
check "saying it cannot be read" grep -q -- '--replay: cannot read' "$TMP/out"

done_testing
