#!/bin/bash
# The strace pane: s on the stracee fixture (it writes a line with an OSC
# title escape, a colour escape and invalid UTF-8 to /dev/null four times
# a second) starts Debian's strace on it; its write(2) shows in the pane,
# escaped (strace's own escaping, and vigil's for what strace passes raw:
# a fake strace on PATH writes raw escapes and a 200 KB line); no escape
# reaches the terminal. s, Esc, the target's exit and vigil's death each
# end strace and leave the target untraced and running. --readonly refuses
# s; a target traced already is refused naming its tracer; no strace on
# PATH says so.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"
need strace

start_fixture F "$FIXTURES/stracee"
wait_for 5 exec_done "$F" stracee

# strace processes that vigil started (its children), and all of them.
stracers() { pgrep -P "$TUI_PID" -x strace || true; }
tracer_of() { sed -n 's/^TracerPid:[[:space:]]*//p' "/proc/$1/status"; }
traced_by() { [ "$(tracer_of "$1")" = "$2" ]; }
# The fixture's write(2) calls go on: its syscw count grows.
syscw() { sed -n 's/^syscw: //p' "/proc/$1/io"; }
writes_on()
{
	local before
	before=$(syscw "$1") || return 1
	wait_for 5 eval '[ "$(syscw '"$1"')" -gt '"$before"' ]'
}
title_of() { tmux_ display -p -t "$1" '#{pane_title}'; }
tmux_new_plain() { tmux_ new-session -d -s plain -x 80 -y 24 "exec sleep 1000"; }

# --- the pane on the real strace ---------------------------------------------
check_screen "vigil starts on the fixture" tui_start 120 40 -- -p "$F" -d 10
tmux_new_plain
tui_keys s
check_screen "s opens the strace pane on stracee" \
    wait_screen 10 "^ strace of stracee \\($F\\)"
check "a strace child of vigil runs" wait_for 10 eval '[ -n "$(stracers)" ]'
S=$(stracers)
check "it traces the fixture (TracerPid is strace's)" \
    wait_for 10 traced_by "$F" "$S"
check "strace was started as -f -tt -s 96 -p PID" \
    eval 'tr "\0" " " < /proc/$S/cmdline | grep -q "^strace -f -tt -s 96 -p $F $"'
# strace escapes the bytes of the string it prints: \33 for ESC, \7 for
# BEL, \377 for 0xff.
check_screen "the fixture's write(2) shows, strace-escaped" \
    wait_screen 15 '[0-9:.]+ write\([0-9]+, "VIGIL-STRACE-MARK \\33\]2;PWNED\\7 \\33\[31mred \\377\\376bad\\n", ([0-9]+)\) = \1'
check_screen "the process table is still above the pane" tui_has_row "$F"
check "no ESC ] 2 reached the terminal" \
    eval '! tui_raw_has $'\''\e]2;PWNED'\'''
check "no ESC [ 31 m red reached the terminal" \
    eval '! tui_raw_has $'\''\e[31mred'\'''
check "the pane title is unchanged (not PWNED)" \
    eval '[ "$(title_of "$TUI_T")" = "$(title_of plain)" ]'
check_screen "the bottom line has the pane's keys" bottom_has 's Esc *Stop'

tui_keys s
check_screen "s again closes the pane" \
    wait_screen_not 10 '^ strace of stracee'
check "no strace process remains" \
    wait_for 10 eval '! kill -0 "$S" 2>/dev/null && [ -z "$(stracers)" ]'
check "the fixture is no longer traced (TracerPid: 0)" \
    wait_for 10 traced_by "$F" 0
check "the fixture runs on" writes_on "$F"

# Esc closes it too, with the focus in the pane or in the table.
tui_keys s
check_screen "s opens it again" wait_screen 15 'write\([0-9]+, "VIGIL-STRACE-MARK'
S=$(stracers)
tui_keys Escape
check_screen "Esc closes the pane" wait_screen_not 10 '^ strace of stracee'
check "strace is gone after Esc" \
    wait_for 10 eval '! kill -0 "$S" 2>/dev/null && [ -z "$(stracers)" ]'
check "the fixture is untraced after Esc" wait_for 10 traced_by "$F" 0
tui_keys s
check_screen "s again" wait_screen 15 'write\([0-9]+, "VIGIL-STRACE-MARK'
tui_keys Tab
check_screen "Tab moves the focus to the table" \
    wait_for 10 eval '! bottom_has "s Esc *Stop"'
tui_keys Escape
check_screen "Esc in the table closes the pane too" \
    wait_screen_not 10 '^ strace of stracee'
check "strace is gone" wait_for 10 eval '[ -z "$(stracers)" ]'

# l over the strace pane: strace stops, the logs take its place.
tui_keys s
check_screen "s once more" wait_screen 15 'write\([0-9]+, "VIGIL-STRACE-MARK'
S=$(stracers)
tui_keys l
check_screen "l puts the log pane in its place" \
    wait_for 10 eval 'screen_has "^ Logs of " && screen_lacks "^ strace of"'
check "strace is gone after l" \
    wait_for 10 eval '! kill -0 "$S" 2>/dev/null && [ -z "$(stracers)" ]'
check "the fixture is untraced after l" wait_for 10 traced_by "$F" 0
tui_keys l
check_screen "l closes the log pane" wait_screen_not 10 '^ Logs of '

# The pane's search works on strace's lines, as on a log's.
tui_keys s
wait_screen 15 'write\([0-9]+, "VIGIL-STRACE-MARK'
tui_keys '\'
tui_type 'nanosleep'
tui_keys Enter
check_screen "the filter keeps only the lines that match" \
    wait_for 10 eval 'screen_has "nanosleep\\(" && screen_lacks "write\\(3, \"VIGIL"'
tui_keys '\' C-u Enter

# A target already traced: strace is not started, the tracer is named.
tui_keys s
wait_for 10 eval '[ -z "$(stracers)" ]'
start_fixture other strace -qq -o /dev/null -p "$F"
check "another strace traces the fixture" wait_for 10 traced_by "$F" "$other"
tui_keys s
check_screen "s names the tracer already there" \
    wait_for 10 bottom_has "already traced by process $other \\(strace\\)"
check "no strace of vigil's was started" eval '[ -z "$(stracers)" ]'
kill -TERM "$other"
check "the other strace detaches" wait_for 10 traced_by "$F" 0

# The target exits while traced: the pane says so, strace is gone.
start_fixture G "$FIXTURES/stracee"
wait_for 5 exec_done "$G" stracee
check_screen "vigil starts on a second fixture" \
    tui_start 120 40 -- -p "$G" -d 10
tui_keys s
check_screen "s on the second fixture" \
    wait_screen 15 'write\([0-9]+, "VIGIL-STRACE-MARK'
S=$(stracers)
kill -KILL "$G"
check_screen "the pane says the target exited" \
    wait_screen 10 "^ strace of stracee \\($G\\) +\\[process $G exited; strace ended\\]"
check_screen "strace's own last line is there" \
    wait_screen 10 '\+\+\+ killed by SIGKILL \+\+\+'
check "strace has ended and been reaped" \
    wait_for 10 eval '! kill -0 "$S" 2>/dev/null'
tui_keys s
check_screen "s closes the ended pane" wait_screen_not 10 '^ strace of'

# vigil dies with strace running: strace detaches (PR_SET_PDEATHSIG).
check_screen "vigil starts again" tui_start 120 40 -- -p "$F" -d 10
tui_keys s
check_screen "strace again" wait_screen 15 'write\([0-9]+, "VIGIL-STRACE-MARK'
S=$(stracers)
kill -KILL "$TUI_PID"
check "strace ends when vigil is killed" \
    wait_for 10 eval '! kill -0 "$S" 2>/dev/null'
check "the fixture is untraced after vigil's death" \
    wait_for 10 traced_by "$F" 0
check "the fixture runs on" writes_on "$F"

# q with strace running: strace stops before vigil exits.
check_screen "vigil starts again" tui_start 120 40 -- -p "$F" -d 10
tui_keys s
check_screen "strace again" wait_screen 15 'write\([0-9]+, "VIGIL-STRACE-MARK'
S=$(stracers)
tui_keys Tab
check_screen "q quits with strace running, status 0" tui_quit_ok
check "strace is gone after q" eval '! kill -0 "$S" 2>/dev/null'
check "the fixture is untraced after q" wait_for 10 traced_by "$F" 0

# --readonly refuses s, as it refuses the profiler.
check_screen "vigil --readonly starts" \
    tui_start 120 40 -- -p "$F" -d 10 --readonly
tui_keys s
check_screen "--readonly refuses s" wait_for 10 bottom_has 'read-only mode'
check "no strace was started" eval '[ -z "$(stracers)" ]'
check_screen "vigil quits cleanly" tui_quit_ok

# --- what strace passes raw, vigil escapes ----------------------------------
# A fake strace first on PATH: raw escapes, invalid UTF-8, a 200 KB line.
mkdir -p "$TMP/fake"
cat > "$TMP/fake/strace" <<'FAKE'
#!/bin/bash
printf 'FAKE-START args: %s\n' "$*" >&2
printf 'FAKE-RAW \033]2;PWNED\007 \033[31mred \377\376bad \302\233csi\n' >&2
head -c 200000 /dev/zero | tr '\0' x >&2
printf ' FAKE-LONG-END\nFAKE-AFTER-LONG\n' >&2
exec sleep 1000
FAKE
chmod +x "$TMP/fake/strace"
check_screen "vigil starts with the fake strace on PATH" \
    tui_start 120 40 PATH="$TMP/fake:$PATH" -- -p "$F" -d 10
tmux_new_plain 2>/dev/null
tui_keys s
check_screen "the fake strace's lines show" \
    wait_screen 10 'FAKE-AFTER-LONG'
check_screen "raw escapes are shown escaped by vigil" \
    screen_has 'FAKE-RAW \\x1b\]2;PWNED\\x07 \\x1b\[31mred'
check_screen "invalid UTF-8 is shown as U+FFFD, the C1 CSI escaped" \
    screen_has $'\xef\xbf\xbd\xef\xbf\xbdbad \\\\x9bcsi'
check_screen "the 200 KB line takes one row" \
    eval '[ "$(tui_screen | grep -c "^xxxxxxxx")" = 1 ]'
check "no raw ESC ] 2 reached the terminal" \
    eval '! tui_raw_has $'\''\e]2;PWNED'\'''
check "no raw C1 CSI reached the terminal" \
    eval '! tui_raw_has $'\''\xc2\x9b'\'''
check "the pane title is unchanged" \
    eval '[ "$(title_of "$TUI_T")" = "$(title_of plain)" ]'
fake=$(pgrep -P "$TUI_PID" -x sleep || true)
tui_keys s
check "closing the pane ends the fake strace" \
    wait_for 10 eval '[ -n "$fake" ] && ! kill -0 "$fake" 2>/dev/null'
check_screen "q quits" tui_quit_ok

# strace cannot attach (vigil as nobody, the fixture root's): the title
# says why, by its real cause.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	cat > "$TMP/vigil-nobody" <<NOBODY
#!/bin/sh
exec setpriv --reuid=65534 --regid=65534 --clear-groups "$VIGIL" "\$@"
NOBODY
	chmod +x "$TMP/vigil-nobody"
	real=$VIGIL
	VIGIL=$TMP/vigil-nobody
	check_screen "vigil starts as nobody" tui_start 120 40 -- -p "$F" -d 10
	VIGIL=$real
	tui_keys s
	check_screen "strace as nobody on a root process: the title says why" \
	    wait_screen 10 "^ strace of stracee \\($F\\) +\\[not permitted to trace process $F: it belongs to user root"
	check "the fixture is not traced" traced_by "$F" 0
	check "strace has ended" wait_for 10 eval '[ -z "$(stracers)" ]'
	check_screen "q quits" tui_quit_ok
else
	skip "needs root and setpriv to run vigil as another user"
fi

# No strace at all.
mkdir -p "$TMP/empty"
check_screen "vigil starts without strace on PATH" \
    tui_start 120 40 PATH="$TMP/empty" -- -p "$F" -d 10
tui_keys s
check_screen "s says strace is not installed" \
    wait_for 10 bottom_has 'strace is not installed'
check_screen "q quits" tui_quit_ok
tmux_ kill-session -t plain 2>/dev/null

done_testing
