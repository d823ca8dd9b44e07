#!/bin/bash
# The monitor over a real SSH session: an OpenSSH sshd started here on
# 127.0.0.1 (throwaway host and user keys, a config of our own, nothing of
# the system's sshd touched), `ssh -tt` to it inside a tmux pane, vigil run
# as the remote command. It must draw, answer keys, follow a resize and quit
# cleanly: ssh exits 0, nothing is left running on the server side, and the
# terminal is left as it was found (main screen, no mouse reporting, cursor
# shown, canonical mode with echo on both ends).
#
# The tmux helpers are kept here on purpose: this test does not share
# tui_lib.sh.

. "$(dirname "$0")/lib.sh"

# Our own tmux server, its socket inside $TMP so that it goes with it.
unset TMUX
export TMUX_TMPDIR=$TMP
need tmux ssh ssh-keygen

# cannot WHAT: like lib.sh's need, for what is not a command in PATH.
cannot()
{
	if [ "${CI:-}" = true ]; then
		not_ok "$*"
	else
		skip "$*"
	fi
	done_testing
}

# sshd lives in /usr/sbin, which a non-root PATH may lack; sshd also wants
# to be started by absolute path (it re-executes itself).
SSHD=$(PATH="$PATH:/usr/sbin:/usr/local/sbin:/sbin" command -v sshd)
case $SSHD in
/*) ;;
*) cannot "sshd is not installed (openssh-server)" ;;
esac

# An sshd run by a non-root user logs in only that user, and gives the
# session's pty to group tty with chown, which fails (and sshd drops the
# session) unless /dev/pts hands out that group itself or the user is in it.
pty_for_user()
{
	local g
	[ "$(id -u)" -eq 0 ] && return 0
	g=$(getent group tty | cut -d: -f3)
	[ -z "$g" ] && return 0
	id -G | tr ' ' '\n' | grep -qx "$g" && return 0
	awk -v g="gid=$g" '$2 == "/dev/pts" && $3 == "devpts" &&
	    ("," $4 ",") ~ ("," g ",") { f = 1 } END { exit !f }' /proc/self/mounts
}
pty_for_user || cannot "sshd run as $(id -un) cannot give a pty to group tty \
here (/dev/pts is not mounted with gid=tty); run as root"

case $VIGIL in
/*) ;;
*) VIGIL=$(cd "$(dirname "$VIGIL")" && pwd)/$(basename "$VIGIL") ;;
esac

LOGIN=$(id -un)
SOCK=vigil-ssh-$$
D=$TMP/ssh
mkdir -p "$D" "$TMP/xdg/config" "$TMP/xdg/state"
SSHD_PID=""
SSHD_LOG=$D/sshd.log

# Everything this test started goes, however it exits: the tmux server
# (and with it the ssh client), the remote vigil, the session processes
# sshd forked for us, then sshd itself (lib.sh's cleanup SIGKILLs it too
# and removes $TMP).
ssh_cleanup()
{
	local pid
	tmux -L "$SOCK" kill-server 2>/dev/null
	if [ -s "$D/vigil.pid" ]; then
		pid=$(cat "$D/vigil.pid")
		is_vigil "$pid" && kill -KILL "$pid" 2>/dev/null
	fi
	if [ -n "$SSHD_PID" ]; then
		pkill -TERM -P "$SSHD_PID" 2>/dev/null
		kill -TERM "$SSHD_PID" 2>/dev/null
	fi
	cleanup
}
trap ssh_cleanup EXIT

# --- tmux helpers, on a private socket -----------------------------------

tm()
{
	tmux -L "$SOCK" "$@"
}

# The visible pane, as text, also kept in $TMP/pane.txt for diagnostics.
cap()
{
	tm capture-pane -p -t vssh > "$TMP/pane.txt" 2>/dev/null
	cat "$TMP/pane.txt"
}

flag()
{
	tm display-message -p -t vssh "#{$1}" 2>/dev/null
}

show_pane()
{
	diag "pane was:" "$(cat "$TMP/pane.txt" 2>/dev/null)"
}

show_logs()
{
	diag "sshd log (tail):" "$(tail -n 20 "$SSHD_LOG" 2>/dev/null)"
	diag "ssh client stderr:" "$(cat "$D/ssh.err" 2>/dev/null)"
}

# pane_check DESCRIPTION SECONDS COMMAND...: poll until COMMAND holds.
pane_check()
{
	local desc=$1 secs=$2
	shift 2
	if wait_for "$secs" "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
		show_pane
	fi
}

# --- what the screen should show -----------------------------------------

# The title row; at 80 columns the screens' tabs stand in the command's title.
title_row()
{
	grep -Eq '^ *PID +USER .*TIME\+ .*(Comm|\[Main\] I/O)' "$TMP/pane.txt"
}

# The function bar is the pane's last line.
fkey_bar_last()
{
	local h
	h=$(flag pane_height)
	[ -n "$h" ] && sed -n "${h}p" "$TMP/pane.txt" |
	    grep -q '^F1Help F2Setup .*F10Quit'
}

cpu_bars()
{
	grep -Eq '^ *([0-9]+|CPU) *\[[^]]*[0-9.]+%\]' "$TMP/pane.txt"
}

mem_bar()
{
	grep -Eq '^Mem *\[[^]]*[0-9.]+[KMGTP]?/[0-9.]+[KMGTP]?\]' "$TMP/pane.txt"
}

# Every line between the title row and the function bar is a process row
# starting with its PID: a garbled redraw breaks this.
rows_intact()
{
	awk '
		/^ *PID +USER / { t = 1; next }
		/^F1Help / { f = 1; exit }
		t && !/^ *[0-9]+ [^ ]/ { bad = 1 }
		t { n++ }
		END { exit !(t && f && n > 0 && !bad) }
	' "$TMP/pane.txt"
}

main_screen()
{
	cap > /dev/null && title_row && fkey_bar_last && cpu_bars && mem_bar &&
	    rows_intact
}

tree_lines()
{
	grep -c -e '├─' -e '└─' "$TMP/pane.txt"
}

flat_view()
{
	main_screen && [ "$(tree_lines)" -eq 0 ]
}

tree_view()
{
	main_screen && [ "$(tree_lines)" -ge 3 ]
}

help_screen()
{
	cap > /dev/null && grep -q 'keys (any other key returns' "$TMP/pane.txt" &&
	    grep -Eq '^ *t F5 +tree view' "$TMP/pane.txt" && ! title_row
}

# The help holds more keys than 30 rows: PgDn scrolls to the actions.
help_actions()
{
	cap > /dev/null && grep -q 'keys (any other key returns' "$TMP/pane.txt" &&
	    grep -Eq '^ *k F9 +send a signal' "$TMP/pane.txt" && ! title_row
}

pane_size_is()
{
	[ "$(flag pane_width)x$(flag pane_height)" = "$1" ]
}

is_vigil()
{
	[ -r "/proc/$1/cmdline" ] &&
	    tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -q -- "-d 5"
}

not_running()
{
	! is_vigil "$1"
}

# PID has sshd's PID among its ancestors.
under_sshd()
{
	local pid=$1 n=0
	while [ -n "$pid" ] && [ "$pid" -gt 1 ] && [ $n -lt 64 ]; do
		[ "$pid" = "$SSHD_PID" ] && return 0
		pid=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
		n=$((n + 1))
	done
	return 1
}

no_session_left()
{
	! pgrep -P "$SSHD_PID" > /dev/null
}

# Canonical mode, echo, signals, CR->NL and output processing: what raw or
# cbreak mode turns off and a shell needs back.
stty_sane()
{
	local f=$1 m
	[ -s "$f" ] || return 1
	for m in icanon echo isig icrnl opost; do
		grep -Eq "(^|[ ;])$m([ ;]|$)" "$f" || return 1
	done
}

# --- sshd ----------------------------------------------------------------

ssh-keygen -q -t ed25519 -N '' -C vigil-test-host -f "$D/host_key" ||
	{ not_ok "ssh-keygen makes a host key"; done_testing; }
ssh-keygen -q -t ed25519 -N '' -C vigil-test-user -f "$D/user_key" ||
	{ not_ok "ssh-keygen makes a user key"; done_testing; }
cp "$D/user_key.pub" "$D/authorized_keys"

# sshd running as root needs its privilege-separation directory.
[ "$(id -u)" -eq 0 ] && mkdir -p /run/sshd

write_sshd_config()
{
	cat > "$D/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $1
HostKey "$D/host_key"
PidFile "$D/sshd.pid"
AuthorizedKeysFile "$D/authorized_keys"
AllowUsers $LOGIN
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin yes
PermitUserRC no
PermitUserEnvironment no
PrintMotd no
PrintLastLog no
UseDNS no
X11Forwarding no
AllowAgentForwarding no
AllowTcpForwarding no
LogLevel VERBOSE
EOF
}

listening()
{
	grep -q "Server listening on 127.0.0.1 port $PORT" "$SSHD_LOG"
}

sshd_up_or_gone()
{
	listening || ! kill -0 "$SSHD_PID" 2>/dev/null
}

# A random high port; another one if it is taken.
PORT=""
for attempt in 1 2 3 4 5 6 7 8; do
	PORT=$((20000 + RANDOM % 40000))
	write_sshd_config "$PORT"
	: > "$SSHD_LOG"
	start_fixture SSHD_PID "$SSHD" -D -e -f "$D/sshd_config" \
	    < /dev/null 2> "$SSHD_LOG"
	wait_for 30 sshd_up_or_gone
	listening && break
	kill -KILL "$SSHD_PID" 2>/dev/null
	wait "$SSHD_PID" 2>/dev/null
	FIXTURE_PIDS=${FIXTURE_PIDS% "$SSHD_PID"}
	grep -q "Address already in use" "$SSHD_LOG" || break
done
if listening; then
	ok "sshd listens on 127.0.0.1 port $PORT"
else
	not_ok "sshd listens on 127.0.0.1 port $PORT"
	show_logs
	done_testing
fi

# --- the pane: ssh -tt running vigil -------------------------------------

q()
{
	printf '%q' "$1"
}

# The remote shell records vigil's PID (sh execs env, env execs vigil),
# and after vigil the remote pty's modes. Config and state go to our
# temp dir, not the login's home.
REMOTE="sh -c $(q "echo \$\$ > $(q "$D/vigil.pid"); exec env \
TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
XDG_CONFIG_HOME=$(q "$TMP/xdg/config") XDG_STATE_HOME=$(q "$TMP/xdg/state") \
$(q "$VIGIL") -d 5"); st=\$?; stty -a > $(q "$D/remote-stty") 2>&1; exit \$st"

SSH_CMD=(ssh -tt -F /dev/null -i "$D/user_key" -o IdentitiesOnly=yes
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
    -o GlobalKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR
    -o ConnectTimeout=60 -p "$PORT" "$LOGIN@127.0.0.1" "$REMOTE")

MARKER="vigil-ssh-test: ssh exited"
{
	echo "#!/bin/bash"
	printf 'ssh_cmd=('
	printf '%q ' "${SSH_CMD[@]}"
	printf ')\n'
	printf 'd=%q\n' "$D"
	printf 'marker=%q\n' "$MARKER"
	cat <<'EOF'
"${ssh_cmd[@]}" 2> "$d/ssh.err"
st=$?
stty -a > "$d/local-stty" 2>&1
echo "exit=$st" > "$d/ssh.status.new"
mv "$d/ssh.status.new" "$d/ssh.status"
printf '%s status=%s\n' "$marker" "$st"
cd "$d" || exit
HISTFILE= INPUTRC=/dev/null PS1='vigil-ssh$ ' exec bash --norc --noprofile -i
EOF
} > "$D/pane.sh"

cat > "$D/tmux.conf" <<'EOF'
set -g remain-on-exit on
set -g status off
EOF

tm -f "$D/tmux.conf" new-session -d -s vssh -x 100 -y 30 "bash $(q "$D/pane.sh")"

pane_check "vigil draws over ssh: CPU and Mem bars, title row, process rows, \
function bar on the last line" 90 main_screen
if ! title_row; then
	show_logs
fi

top_is_header()
{
	head -n 1 "$TMP/pane.txt" | grep -Eq '^ *([0-9]+|CPU) *\['
}
check "the pane is 100x30 and vigil fills it, header to function bar" \
    eval 'pane_size_is 100x30 && top_is_header && fkey_bar_last'
check "the session came through sshd with the user key" \
    grep -q "Accepted publickey for $LOGIN from 127.0.0.1" "$SSHD_LOG"

VPID=$(cat "$D/vigil.pid" 2>/dev/null)
check "the remote vigil (pid ${VPID:-?}) is running under our sshd" \
    eval '[ -n "$VPID" ] && is_vigil "$VPID" && under_sshd "$VPID"'

# What the exit checks will want undone must have been done.
check "while running, vigil is on the alternate screen" \
    eval '[ "$(flag alternate_on)" = 1 ]'
check "while running, mouse reporting is on and the cursor hidden" \
    eval '[ "$(flag mouse_any_flag)" = 1 ] && [ "$(flag cursor_flag)" = 0 ]'

# --- keys ----------------------------------------------------------------

check "the flat view has no tree lines" flat_view
tm send-keys -t vssh t
pane_check "t switches to the tree view (tree lines appear)" 30 tree_view
# A function key crosses ssh as an escape sequence.
tm send-keys -t vssh F5
pane_check "F5 returns to the flat view" 30 flat_view

tm send-keys -t vssh h
pane_check "h shows the help, built from the key table" 30 help_screen
tm send-keys -t vssh NPage
pane_check "PgDn scrolls the help to the actions (k F9)" 30 help_actions
tm send-keys -t vssh x
pane_check "any other key returns from the help to the process table" 30 \
    main_screen

# A resize travels as an SSH window-change request to the remote pty.
tm resize-window -t vssh -x 80 -y 24
pane_check "after a resize to 80x24 vigil redraws to fit (function bar on \
line 24, rows intact)" 30 eval 'pane_size_is 80x24 && main_screen'

# --- quit ----------------------------------------------------------------

tm send-keys -t vssh q
if wait_for 60 test -s "$D/ssh.status"; then
	ok "q ends the ssh session"
else
	not_ok "q ends the ssh session"
	show_pane
	show_logs
fi
check "ssh exits with status 0 (vigil's exit status)" \
    grep -qx "exit=0" "$D/ssh.status"
check "vigil is no longer running on the server" \
    wait_for 30 not_running "${VPID:-0}"
check "sshd closed the session (no session process left)" \
    wait_for 30 no_session_left
check "the remote pty is left sane (icanon echo isig icrnl opost)" \
    stty_sane "$D/remote-stty"
check "the local terminal is left sane (icanon echo isig icrnl opost)" \
    stty_sane "$D/local-stty"

left_cleanly()
{
	cap > /dev/null && grep -qF "$MARKER status=" "$TMP/pane.txt" &&
	    ! grep -Eq 'PID +USER|F10Quit|Mem *\[' "$TMP/pane.txt"
}
pane_check "the pane shows the shell again, not the vigil screen" 30 \
    left_cleanly
check "the alternate screen was left" eval '[ "$(flag alternate_on)" = 0 ]'
check "mouse reporting is off, the cursor shown, keypad modes reset" \
    eval '[ "$(flag mouse_any_flag)$(flag cursor_flag)$(flag keypad_cursor_flag)$(flag keypad_flag)" = 0100 ]'

# The shell in the pane (started in $D) takes typed input, echoes it and
# runs it.
tm send-keys -t vssh -l 'stty -a > typed-stty; echo typed-$((6 * 7))'
tm send-keys -t vssh Enter
typed_ok()
{
	tm capture-pane -p -J -t vssh > "$TMP/pane.txt" 2>/dev/null &&
	    grep -qF 'echo typed-$((6 * 7))' "$TMP/pane.txt" &&
	    grep -qx 'typed-42' "$TMP/pane.txt"
}
pane_check "a command typed into the pane afterwards is echoed and runs" 30 \
    typed_ok
check "stty -a typed into the pane shows icanon and echo on" \
    stty_sane "$D/typed-stty"

done_testing
