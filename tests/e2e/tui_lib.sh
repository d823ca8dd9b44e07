# Shared by the tmux-driven tests of the interactive monitor; sourced after
# lib.sh. vigil runs in a detached tmux session on a private server
# (tmux -L vigil-test-PID), so no other tmux session is ever touched; the
# tests send keys and read the screen with capture-pane, polling up to a
# deadline. What vigil writes to its terminal is recorded raw (pipe-pane).
#
#	tui_start W H [VAR=VALUE...] [-- VIGIL-ARGS...]
#	tui_keys KEY...		tmux key names (Enter, Escape, F1, Down, C-u)
#	tui_type TEXT		literal text, as typed
#	tui_screen, tui_screen_e	the screen, plain or with attributes
#	screen_has REGEX, wait_screen SECONDS REGEX, wait_screen_not ...
#	tui_rows, tui_row_pids	the process rows between title and bottom line
#	tui_rows_are PID...	exactly these processes are shown
#	tui_row PID, tui_has_row PID	that process's row
#	tui_bottom, bottom_has REGEX	the bottom line
#	tui_selected_pid, tui_selected_is PID	the highlighted process row
#	tui_attr_lines		each line with its first character's colours
#	tui_wait_tick		until vigil has refreshed at least once more
#	tui_quit_wait SECONDS	until vigil has exited (after q or F10)
#	tui_quit_ok		q, and vigil exits with status 0
#	tui_stop		end vigil and its session
#	tui_raw_has BYTES	vigil wrote these bytes to its terminal
#	tui_format FORMAT	a tmux format of vigil's pane (#{pane_title})
#	tmux_ ARGS...		tmux on this test's own server
#	check_screen DESC CMD...	check, with the screen as diagnostics

need tmux

TUI_SOCKET=vigil-test-$$
TUI_CONF=$TMP/tmux.conf
TUI_T=vigil			# the session, window and pane vigil runs in
TUI_PID=
TUI_EXIT=
TUI_RAW=
TUI_RUNS=0
TUI_SOCKET_PATH=
TUI_W=0
TUI_H=0
unset TMUX TMUX_PANE

# A server of our own: no status line (the pane is the whole window).
cat > "$TUI_CONF" <<'CONF'
set -g status off
set -g remain-on-exit on
set -g default-terminal tmux-256color
set -g history-limit 100
CONF

# The terminal type vigil is told; tmux emulates tmux-256color and screen.
if infocmp tmux-256color >/dev/null 2>&1; then
	TUI_TERM=tmux-256color
else
	TUI_TERM=screen-256color
fi

tmux_()
{
	tmux -L "$TUI_SOCKET" -f "$TUI_CONF" "$@"
}

# tmux leaves its socket behind when the server exits.
tui_cleanup()
{
	tmux_ kill-server >/dev/null 2>&1
	[ -n "$TUI_SOCKET_PATH" ] && [ -S "$TUI_SOCKET_PATH" ] &&
	    rm -f "$TUI_SOCKET_PATH"
}

# Run tui_cleanup first, then whatever lib.sh (or the test) set for EXIT.
tui_chain_exit()
{
	local prev
	prev=$(trap -p EXIT)
	prev=${prev#"trap -- "}
	prev=${prev%" EXIT"}
	eval "prev=$prev"
	# shellcheck disable=SC2064
	trap "tui_cleanup; ${prev:-:}" EXIT
}
tui_chain_exit

# The pane's program: waits until the recording is in place (so it misses
# no byte), writes vigil's PID, runs vigil, then says how vigil exited and
# stays, so the state vigil left the terminal in can be checked.
cat > "$TMP/tui-run" <<'RUN'
go=$1 pidf=$2
shift 2
while [ ! -e "$go" ]; do sleep 0.02; done
bash -c 'echo $$ > "$0.new" && mv "$0.new" "$0" &&
    exec env -u LANGUAGE -u COLUMNS -u LINES "$@"' "$pidf" "$@"
printf '\nvigil exited with status %d\n' $?
exec sleep 100000
RUN

# tui_start W H [VAR=VALUE...] [-- VIGIL-ARGS...]: start vigil in a WxH
# terminal (TERM, LANG and LC_ALL default to a UTF-8 tmux-256color; the
# configuration and state go to directories of this test's own). TUI_PID is
# vigil's PID; the raw terminal output goes to TUI_RAW. Fails unless vigil
# has drawn its first screen within 20 seconds.
tui_start()
{
	local w=$1 h=$2 go pidf
	local -a envs=(TERM="$TUI_TERM" LANG=C.UTF-8 LC_ALL=C.UTF-8
	    XDG_CONFIG_HOME="$TMP/config" XDG_STATE_HOME="$TMP/state")
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift

	tui_stop
	TUI_RUNS=$((TUI_RUNS + 1))
	TUI_RAW=$TMP/tty.$TUI_RUNS.raw
	TUI_W=$w
	TUI_H=$h
	TUI_PID=
	TUI_EXIT=
	go=$TMP/tui-go.$TUI_RUNS
	pidf=$TMP/tui-pid.$TUI_RUNS
	: > "$TUI_RAW"
	mkdir -p "$TMP/config" "$TMP/state"
	tmux_ new-session -d -s "$TUI_T" -x "$w" -y "$h" \
	    bash "$TMP/tui-run" "$go" "$pidf" "${envs[@]}" "$VIGIL" "$@" ||
	    return 1
	TUI_SOCKET_PATH=$(tmux_ display -p '#{socket_path}')
	tmux_ pipe-pane -o -t "$TUI_T" "cat >> '$TUI_RAW'" || return 1
	: > "$go"
	wait_for 10 test -s "$pidf" || return 1
	TUI_PID=$(cat "$pidf")
	wait_screen 20 'F1Help|F10Quit'
}

# End vigil (if running) and its session.
tui_stop()
{
	tmux_ kill-session -t "$TUI_T" >/dev/null 2>&1
	if [ -n "$TUI_PID" ]; then
		wait_for 10 tui_gone "$TUI_PID"
	fi
	return 0
}

tui_gone()
{
	! kill -0 "$1" 2>/dev/null
}

tui_keys()
{
	tmux_ send-keys -t "$TUI_T" "$@"
}

tui_type()
{
	tmux_ send-keys -t "$TUI_T" -l -- "$1"
}

tui_screen()
{
	tmux_ capture-pane -p -t "$TUI_T"
}

# With attributes and colours as SGR sequences.
tui_screen_e()
{
	tmux_ capture-pane -p -e -t "$TUI_T"
}

tui_format()
{
	tmux_ display -p -t "$TUI_T" "$1"
}

screen_has()
{
	tui_screen | grep -Eq -- "$1"
}

screen_lacks()
{
	! screen_has "$1"
}

# wait_screen SECONDS REGEX: poll until the screen shows REGEX.
wait_screen()
{
	wait_for "$1" screen_has "$2"
}

# wait_screen_not SECONDS REGEX: poll until the screen no longer shows it.
wait_screen_not()
{
	wait_for "$1" screen_lacks "$2"
}

# The title row of the process table.
TUI_TITLE_RX='^ *PID +USER +PRI +NI'

# The process rows: the lines after the title row, but not the last line.
tui_rows()
{
	tui_screen | awk -v h="$TUI_H" -v rx="$TUI_TITLE_RX" '
		{ line[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++)
				if (line[i] ~ rx) { t = i; break }
			if (!t)
				exit 1
			# The rows end at the title of the log or strace pane, if open.
			for (i = t + 1; i < h && i <= NR; i++) {
				if (line[i] ~ /^ (Logs( of |:)|strace of )/)
					break
				print line[i]
			}
		}'
}

# The PIDs of the process rows shown, sorted, one a line.
tui_row_pids()
{
	tui_rows | awk 'NF > 0 { print $1 }' | sort -n
}

# tui_rows_are PID...: the process rows are exactly these processes.
tui_rows_are()
{
	local want
	want=$(printf '%s\n' "$@" | sort -n)
	[ "$(tui_row_pids)" = "$want" ]
}

# tui_row PID: the row of that process (its first field is the PID).
tui_row()
{
	tui_rows | awk -v pid="$1" '$1 == pid { print; found = 1 }
	    END { exit !found }'
}

# tui_has_row PID: that process has a row on the screen.
tui_has_row()
{
	tui_row "$1" >/dev/null
}

tui_bottom()
{
	tui_screen | sed -n "${TUI_H}p"
}

# bottom_has REGEX: the bottom line (function bar, status, prompt) shows it.
bottom_has()
{
	tui_bottom | grep -Eq -- "$1"
}

# Each line of the screen as "ATTR<tab>TEXT": ATTR is the background colour
# and reverse video at the line's first character ("-" for the terminal's
# own background), TEXT the plain text. capture-pane -e only writes changes
# of attributes, so their state is followed across lines.
tui_attr_lines()
{
	tui_screen_e | awk '
	function sgr(p,    a, n, i, v) {
		n = split(p, a, ";")
		if (n == 0) { bg = "-"; rev = 0 }
		for (i = 1; i <= n; i++) {
			v = a[i] + 0
			if (v == 0) { bg = "-"; rev = 0 }
			else if (v == 7) rev = 1
			else if (v == 27) rev = 0
			else if (v >= 40 && v <= 47 || v >= 100 && v <= 107)
				bg = v
			else if (v == 49) bg = "-"
			else if (v == 48 && a[i + 1] == 5) { bg = "c" a[i + 2]; i += 2 }
			else if (v == 48) { bg = "rgb" a[i + 2] "," a[i + 3] "," a[i + 4]; i += 4 }
			else if (v == 38) i += a[i + 1] == 2 ? 4 : 2
		}
	}
	BEGIN { bg = "-"; rev = 0 }
	{
		s = $0; plain = ""; attr = ""
		while (length(s) > 0) {
			if (match(s, /^\033\[[0-9;]*m/)) {
				sgr(substr(s, 3, RLENGTH - 3))
				s = substr(s, RLENGTH + 1)
				continue
			}
			if (attr == "")
				attr = bg ":" rev
			if (match(s, /^[^\033]+/)) {
				plain = plain substr(s, 1, RLENGTH)
				s = substr(s, RLENGTH + 1)
			} else {
				plain = plain substr(s, 1, 1)
				s = substr(s, 2)
			}
		}
		if (attr == "")
			attr = bg ":" rev
		print attr "\t" plain
	}'
}

# The PID of the highlighted row: the one process row that starts in
# reverse video or on a background colour.
tui_selected_pid()
{
	tui_attr_lines | awk -F '\t' -v h="$TUI_H" -v rx="$TUI_TITLE_RX" '
	{ attr[NR] = $1; line[NR] = $2 }
	END {
		for (i = 1; i <= NR; i++)
			if (line[i] ~ rx) { t = i; break }
		for (i = t + 1; t && i < h && i <= NR; i++) {
			if (line[i] ~ /^ (Logs( of |:)|strace of )/)
				break
			if (attr[i] == "-:0")
				continue
			split(line[i], f, " ")
			print f[1]
			n++
		}
		exit n != 1
	}'
}

# tui_selected_is PID: that process's row is the highlighted one.
tui_selected_is()
{
	[ "$(tui_selected_pid)" = "$1" ]
}

# The header's uptime changes every second; vigil redraws it each refresh.
tui_uptime()
{
	tui_screen | grep -Eo 'Uptime: [0-9:days, ]+' | head -n 1
}

tui_uptime_not()
{
	local now
	now=$(tui_uptime)
	[ -n "$now" ] && [ "$now" != "$1" ]
}

# Until vigil has refreshed at least once more: twice, so that one whole
# refresh happened after the call.
tui_wait_tick()
{
	local u
	u=$(tui_uptime)
	wait_for 20 tui_uptime_not "$u" || return 1
	u=$(tui_uptime)
	wait_for 20 tui_uptime_not "$u"
}

# tui_quit_wait SECONDS: until vigil has exited (its PID is gone and the
# pane says so); its exit status goes in TUI_EXIT.
tui_quit_wait()
{
	wait_for "$1" tui_gone "$TUI_PID" &&
	    wait_screen "$1" '^vigil exited with status [0-9]+' || return 1
	TUI_EXIT=$(tui_screen | sed -n 's/^vigil exited with status //p')
}

# tui_quit_ok: q (in the main screen), and vigil exits with status 0 (a
# sanitizer's report at exit would make it fail).
tui_quit_ok()
{
	tui_keys q
	tui_quit_wait 15 && [ "$TUI_EXIT" = 0 ]
}

# tui_raw_has BYTES: vigil has written these bytes to the terminal.
tui_raw_has()
{
	grep -aqF -- "$1" "$TUI_RAW"
}

tui_diag()
{
	diag "screen ${TUI_W}x${TUI_H}:" "$(tui_screen 2>&1)"
}

# check_screen DESCRIPTION COMMAND...: check, with the screen on failure.
check_screen()
{
	local desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
		tui_diag
	fi
}
