#!/bin/bash
# vigil --replay in the monitor, driven in tmux: a recording made by vigil
# record of fixtures that are gone by then; the title says REPLAY and the
# frame's time; ( ) step a frame, { } jump a minute, --at opens at a time;
# actions are refused (the kill key), and the live monitor says the keys
# are for replay. On a 5 h store of bench/gen_store (a frame a minute):
# 9 0 jump an hour, clamped at the ends; g goes to a time ('3h ago', ISO)
# or says why not; w plays and pauses, W changes the speed the title shows.
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
# One page down, once: a key pressed at each poll pages past the keys on a
# slow (sanitizer) build.
tui_keys NPage
check_screen "the help lists the replay keys" \
    wait_screen 10 '\( \) +replay: the previous/next frame'
check_screen "and the minute keys" screen_has '\{ \} +replay: a minute'
check_screen "and the hour keys" screen_has '9 0 +replay: an hour'
check_screen "and play, speed and go to" screen_has '^ *w +replay: play' &&
    screen_has '^ *W +replay: play speed' && screen_has '^ *g +replay: go to'
tui_keys Escape
check "Esc leaves the help" wait_for 10 screen_lacks 'replay: the previous/next frame'
tui_quit_ok

check_screen "--at opens at that frame ($third)" \
    tui_start 160 40 TZ=UTC -- --replay "$store" --at "$third_at"
check_screen "the title has --at's frame" wait_for 10 title_has "$third"
tui_quit_ok

# --- 9 0, g, w, W on a long store ---------------------------------------
gen_store=$BUILDDIR/bench/gen_store
check "bench/gen_store is built" [ -x "$gen_store" ]
long=$TMP/long
# 301 frames a minute apart, the last one now: five hours.
"$gen_store" "$long" 5 301 60
check "gen_store wrote a 5 h store" [ $? -eq 0 ]
L=$("$VIGIL" --batch --replay "$long" --format json | tail -n 1 |
    python3 -c 'import json, sys; print(int(json.load(sys.stdin)["time"]))')
at() { date -u -d "@$(($1))" '+%Y-%m-%d %H:%M:%S'; }
iso() { date -u -d "@$(($1))" '+%Y-%m-%dT%H:%M:%SZ'; }
first=$((L - 300 * 60))
title_epoch() { date -u -d "$(title_time)" +%s; }
title_lacks() { ! tui_screen | head -n 1 | grep -q -- "$1"; }
bottom_lacks() { ! bottom_has "$1"; }
title_play() { tui_screen | head -n 1 | grep -q -- "REPLAY $1"; }
goto() { tui_keys g; tui_type "$1"; tui_keys Enter; }

check_screen "--replay of the long store opens at --at" \
    tui_start 160 40 TZ=UTC -- --replay "$long" -d 2 --at "@$((L - 9000))"
check_screen "the title has --at's frame ($(at L-9000))" \
    wait_for 10 title_has "$(at L-9000)"
tui_keys 0
check_screen "0 jumps an hour forward ($(at L-5400))" \
    wait_for 10 title_has "$(at L-5400)"
tui_keys 9
check_screen "9 jumps an hour back ($(at L-9000))" \
    wait_for 10 title_has "$(at L-9000)"
goto "$(iso L-3600)"
check_screen "g with an ISO time goes there ($(at L-3600))" \
    wait_for 10 title_has "$(at L-3600)"
tui_keys 0 0
check_screen "0 past the end shows the last frame ($(at L))" \
    wait_for 10 title_has "$(at L)"
check_screen "saying it is the last" \
    wait_for 10 bottom_has 'the last frame recorded'
t0=$(date +%s)
goto '3h ago'
three_h_ago()
{
	local t now
	t=$(title_epoch) && now=$(date +%s) &&
	    [ "$t" -le $((now - 10800)) ] && [ "$t" -gt $((t0 - 10800 - 60)) ]
}
check_screen "g '3h ago' goes to the frame 3 h before now" \
    wait_for 10 three_h_ago
goto "@$((L - 17000))"
check_screen "g @EPOCH goes to the frame at or before it" \
    wait_for 10 title_has "$(at L-17040)"
tui_keys 9
check_screen "9 before the start shows the first frame ($(at first))" \
    wait_for 10 title_has "$(at first)"
check_screen "saying it is the first" \
    wait_for 10 bottom_has 'the first frame recorded'
goto 'half past lunch'
check_screen "g with a time it cannot read says so" wait_for 10 \
    bottom_has "g: 'half past lunch' is not a time"
check_screen "and stays at the frame shown" title_has "$(at first)"
tui_keys W
check_screen "W: the next speed, 10x" wait_for 10 bottom_has 'play speed 10x'
check_screen "paused, the title has no play mark" title_lacks '▶'
tui_keys W w
check_screen "w plays at 60x, the title says so" wait_for 10 title_play '▶ 60x'
played() { [ "$(title_epoch)" -gt "$first" ]; }
check_screen "and the title's time moves on" wait_for 20 played
tui_keys W
check_screen "W while playing: 600x in the title" wait_for 10 title_play '▶ 600x'
tui_keys w
check_screen "w again pauses: no play mark" wait_for 10 title_lacks '▶'
check_screen "saying paused" bottom_has 'paused'
paused_at=$(title_time)
# The message goes at the first refresh after 5 s: refreshes (every 0.2 s)
# that would have moved a playing replay by two frames each.
check_screen "the message goes after some refreshes" \
    wait_for 20 bottom_lacks 'paused'
check_screen "and the time stayed ($paused_at)" title_has "$paused_at"
goto "$(iso L-600)"
check_screen "g to 10 minutes before the end" wait_for 10 title_has "$(at L-600)"
tui_keys w
check_screen "playing at 600x reaches the last frame" \
    wait_for 20 title_has "$(at L)"
check_screen "and stops there, saying so" wait_for 10 \
    bottom_has 'the last frame recorded'
check_screen "the play mark is gone" title_lacks '▶'
tui_keys w
check_screen "w at the last frame says so and does not play" \
    wait_for 10 bottom_has 'the last frame recorded'
check_screen "(no play mark)" title_lacks '▶'
tui_keys W
check_screen "W after 600x is 1x again" wait_for 10 bottom_has 'play speed 1x'
goto "$(iso L-10800)"
check_screen "g to 3 h before the end" wait_for 10 title_has "$(at L-10800)"
tui_keys w 9
check_screen "9 while playing at 1x jumps an hour back" \
    wait_for 10 title_play "▶ 1x .* $(at L-14400)"
check_screen "the message of w goes after some refreshes" \
    wait_for 20 bottom_lacks 'playing at'
check_screen "and play went on from the jump, not from before it" \
    title_play "▶ 1x .* $(at L-14400)"
tui_keys w
tui_quit_ok

live_title() { ! tui_screen | head -n 1 | grep -q REPLAY; }
check_screen "the live monitor starts" \
    tui_start 120 30 -- -d 10 --history-from "$TMP/nothing"
tui_keys '('
check_screen "( in the live monitor without a recording says so" \
    wait_for 10 bottom_has "no recording in $TMP/nothing"
check_screen "and stays live" live_title
tui_keys g
check_screen "g in the live monitor without a recording opens no prompt" \
    wait_for 10 bottom_has 'no recording in'
check_screen "(no Go to prompt)" screen_lacks '^Go to'
tui_keys ')'
check_screen ") live says how to go into the past" \
    wait_for 10 bottom_has 'live: \( \{ 9 g go into the recorded past'
tui_quit_ok

# Live, into the recorded past and back: the live history stays as it was.
spark() { tui_row "$burn" | grep -o '[▁▂▃▄▅▆▇█]' | wc -l; }
check_screen "the live monitor with the recording starts" \
    tui_start 160 40 TZ=UTC -- -d 1 --history-from "$store" -p "$burn"
check_screen "the burner is live" wait_for 10 tui_has_row "$burn"
spark_ge() { [ "$(spark)" -ge "$1" ]; }
check_screen "its history is filled from the recording" wait_for 10 spark_ge 12
cells=$(spark)
diag "live sparkline cells before: $cells"
tui_keys '('
check_screen "( goes into the recording, at its last frame" \
    wait_for 10 title_has "$(stamp -1)"
check_screen "and says b goes back" bottom_has 'b goes back to live'
tui_keys k
check_screen "k is refused there" wait_for 10 bottom_has \
    'replay: actions on processes are off'
tui_keys b
check_screen "b: live again" wait_for 10 live_title
check_screen "saying so" wait_for 10 bottom_has 'live'
after=$(spark)
diag "live sparkline cells after: $after"
check_screen "the live history is as it was (no fewer cells)" \
    [ "$after" -ge "$cells" ]
tui_keys k
check_screen "and actions work again (the signal picker opens)" \
    wait_for 10 screen_has 'Send signal'
tui_keys Escape
tui_keys b
check_screen "b when live says so" wait_for 10 bottom_has 'already live'
tui_keys 9
check_screen "9 live goes an hour back: before the recording, its first frame" \
    wait_for 10 bottom_has 'the first frame recorded'
check_screen "in replay" title_has ""
tui_keys b
check_screen "and b comes back" wait_for 10 live_title
tui_quit_ok

"$VIGIL" --batch --replay "$TMP/nothing" > "$TMP/out" 2>&1
check "--replay on a missing store fails" [ $? -ne 0 ]
check "saying it cannot be read" grep -q -- '--replay: cannot read' "$TMP/out"

done_testing
