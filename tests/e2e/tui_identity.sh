#!/bin/bash
# Every action hits only the process the user chose, held by PID and start
# time from the key on: kill, renice, CPU affinity, I/O priority, restart,
# the strace pane, the open files list, the profiler and the heap view.
#
# (a) The list reorders under the selection: sorted by PID, newest first,
#     new processes appear above the chosen one, before the key and while
#     its dialog waits; the action lands on the chosen one, the newcomers
#     are untouched.
# (b) The chosen PID is reused: the chosen process exits and a new process
#     gets its PID (ns_last_pid, in a PID namespace of the test's own, so
#     nothing else takes PIDs meanwhile); then the pending action is
#     confirmed, or its key pressed on the row still shown. vigil refuses,
#     and the new process is untouched: running, not stopped, no signal
#     received (the sigrec fixture records every one), not traced, nice,
#     CPUs and I/O priority as they were, nothing restarted, no sampler.
#
# It needs root (ns_last_pid, a PID namespace); as another user it skips,
# and fails in CI.
if [ -z "${VIGIL_IDENTITY_NS:-}" ] && [ "$(id -u)" = 0 ] &&
    unshare --pid --fork --mount-proc true 2>/dev/null; then
	exec unshare --pid --fork --mount-proc \
	    env VIGIL_IDENTITY_NS=$$ "$BASH" "$0" "$@"
fi
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

need strace ionice taskset
if [ -z "${VIGIL_IDENTITY_NS:-}" ]; then
	if [ "${CI:-}" = true ]; then
		not_ok "runs as root in a PID namespace of its own"
	else
		skip "needs root and unshare --pid: it reuses PIDs"
	fi
	done_testing
fi
# Inside the namespace $$ is 1: the tmux server is named after the test's
# PID outside it, so two runs never share one.
TUI_SOCKET=vigil-identity-$VIGIL_IDENTITY_NS

tag=i${VIGIL_IDENTITY_NS}x
ncpu=$(getconf _NPROCESSORS_ONLN)
if [ "$ncpu" -lt 2 ]; then
	skip "needs two CPUs: the affinity case leaves one out"
	done_testing
fi
# Every fixture starts from nice 0, every CPU and no I/O class, whatever
# this test inherited.
reset="renice -n 0 -p \$\$ >/dev/null && taskset -p -c 0-$((ncpu - 1)) \$\$ >/dev/null && ionice -c 0 -p \$\$"

state()
{
	awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); print f[1] }' \
	    "/proc/$1/stat" 2>/dev/null
}

alive()
{
	local s
	s=$(state "$1")
	[ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

dead()
{
	! alive "$1"
}

nice_of()
{
	awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); print f[17] }' \
	    "/proc/$1/stat"
}

cpus_of()
{
	sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$1/status"
}

tracer_of()
{
	sed -n 's/^TracerPid:[[:space:]]*//p' "/proc/$1/status"
}

traced()
{
	[ "$(tracer_of "$1")" != 0 ]
}

# A sampler (vigil profile --stream) runs on PID.
sampled()
{
	local p
	for p in /proc/[0-9]*; do
		tr '\0' ' ' < "$p/cmdline" 2>/dev/null |
		    grep -Eq -- "profile --stream .* $1 \$" && return 0
	done
	return 1
}

# The processes whose argv[0] is NAME.
named()
{
	local p n=0
	for p in /proc/[0-9]*; do
		[ "$(tr '\0' '\n' < "$p/cmdline" 2>/dev/null | head -n 1)" = "$1" ] &&
		    alive "${p#/proc/}" && n=$((n + 1))
	done
	echo "$n"
}

all_cpus=0-$((ncpu - 1))
[ "$ncpu" = 2 ] && all_cpus=0-1
start_io=$(bash -c "$reset && exec ionice -p \$\$")

# victim VAR NAME [term-exits]: a sigrec fixture with argv[0] NAME, its
# signals recorded in $TMP/NAME.sig; returns once its handlers are set.
victim()
{
	local var=$1 name=$2
	shift 2
	start_fixture "$var" bash -c "$reset && exec -a $name \
	    '$FIXTURES/sigrec' '$TMP/$name.sig' $* > '$TMP/$name.out'"
	wait_for 10 grep -qs ready "$TMP/$name.out"
}

# reuse VAR PID NAME: the process chosen as PID has exited and been
# reaped; make PID name a new sigrec with argv[0] NAME, its PID in VAR.
reuse()
{
	local var=$1 want=$2 name=$3 i pid
	for i in $(seq 1 100); do
		rm -f "$TMP/$name.out"
		echo $((want - 1)) > /proc/sys/kernel/ns_last_pid
		bash -c "$reset && exec -a $name '$FIXTURES/sigrec' \
		    '$TMP/$name.sig' > '$TMP/$name.out'" &
		pid=$!
		if [ "$pid" = "$want" ]; then
			FIXTURE_PIDS="$FIXTURE_PIDS $pid"
			eval "$var=\$pid"
			wait_for 10 grep -qs ready "$TMP/$name.out"
			return
		fi
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	return 1
}

# end PID: SIGKILL a fixture of this shell and reap it.
end()
{
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# untouched PID NAME: running, not stopped, no signal received, not
# traced or sampled, nice, CPUs and I/O priority as every fixture starts.
untouched()
{
	alive "$1" && [ "$(state "$1")" != T ] && [ ! -s "$TMP/$2.sig" ] &&
	    ! traced "$1" && ! sampled "$1" && [ "$(nice_of "$1")" = 0 ] &&
	    [ "$(cpus_of "$1")" = "$all_cpus" ] &&
	    [ "$(ionice -p "$1")" = "$start_io" ]
}

why_not()
{
	diag "$2 ($1): state $(state "$1"), signals [$(tr '\n' ' ' \
	    < "$TMP/$2.sig" 2>/dev/null)], tracer $(tracer_of "$1" 2>/dev/null), nice $(nice_of "$1" 2>/dev/null), CPUs $(cpus_of "$1" 2>/dev/null), I/O $(ionice -p "$1" 2>/dev/null)"
}

check_untouched()
{
	if untouched "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		why_not "$2" "$3"
		tui_diag
	fi
}

# only REGEX PID...: the filter shows these processes; Home selects the
# top one as the user would, so the selection stays on it from now on.
only()
{
	local rx=$1
	shift
	tui_keys '\' C-u
	tui_type "$rx"
	tui_keys Enter
	wait_for 15 tui_rows_are "$@" || return 1
	tui_keys Home
	wait_for 10 tui_selected_is "$1"
}

# --- (a) The list reorders under the selection ---------------------------

# newcomers CASE N...: decoys idd-TAG-CASE-N, above the chosen one (newer).
newcomers()
{
	local c=$1 n
	shift
	for n; do
		victim "d_$n" "idd-$tag-$c-$n" || return 1
	done
}

# reordered CASE V: the decoys are shown above V, and V is still selected.
reordered()
{
	local top
	top=$(tui_rows | awk 'NF > 0 { print $1; exit }')
	[ "$top" != "$2" ] && tui_has_row "$3" && tui_selected_is "$2"
}

# chosen CASE [term-exits]: the victim of the case, selected with the
# filter; then two newcomers above it, the selection staying on it.
chosen()
{
	local c=$1
	shift
	victim v "idv-$tag-$c" "$@" || return 1
	only "^id[vd]-$tag-$c( |-|\$)" "$v" || return 1
	newcomers "$c" 1 2 || return 1
	wait_for 15 reordered "$c" "$v" "$d_2"
}

# decoys_untouched CASE N...
decoys_untouched()
{
	local c=$1 n pid
	shift
	for n; do
		eval "pid=\$d_$n"
		check_untouched "$c: newcomer $n ($pid) untouched" "$pid" \
		    "idd-$tag-$c-$n"
		end "$pid"
	done
}

check_screen "vigil starts at 200x50, newest first" \
    tui_start 200 50 -- -d 5 -s pid:desc

# kill: the confirmation names the chosen process; a newcomer arrives while
# it waits; y signals the chosen one only.
check_screen "kill: newcomers appear above the chosen one, still selected" \
    chosen kill
tui_keys k
wait_screen 10 '^Send signal:'
tui_keys Enter
check_screen "kill: the confirmation names the chosen process" \
    wait_for 10 bottom_has "^Send SIGTERM \\(15\\) to process $v \\(sigrec\\)\\? \\[y/N\\]"
newcomers kill 3
check_screen "kill: a newcomer appears while the confirmation waits" \
    wait_for 15 tui_has_row "$d_3"
tui_keys y
check_screen "kill: y says SIGTERM went to the chosen process" \
    wait_for 10 bottom_has "sent SIGTERM to $v \\(sigrec\\)"
check "kill: the chosen process received SIGTERM and only it" \
    wait_for 10 eval '[ "$(cat "$TMP/idv-$tag-kill.sig")" = 15 ]'
decoys_untouched kill 1 2 3
end "$v"

# renice: [ at once, on the chosen one.
check_screen "renice: newcomers above, the chosen one selected" chosen nice
tui_keys '['
check_screen "renice: the status names the chosen PID" \
    wait_for 10 bottom_has "nice 0 (->|→) 1 for PID $v "
check "renice: the chosen process has nice 1" \
    eval '[ "$(nice_of "$v")" = 1 ]'
decoys_untouched nice 1 2
end "$v"

# CPU affinity: the dialog names it; a newcomer arrives; Enter.
check_screen "affinity: newcomers above, the chosen one selected" \
    chosen aff
tui_keys a
check_screen "affinity: the dialog names the chosen process" \
    wait_screen 10 "CPU affinity of $v \\(sigrec\\):"
tui_keys Space
newcomers aff 3
check_screen "affinity: a newcomer appears while the dialog is open" \
    wait_screen 15 "idd-$tag-aff-3\\.sig"
tui_keys Enter
check_screen "affinity: the status names the chosen PID" \
    wait_for 10 bottom_has "CPUs .* for PID $v "
check "affinity: the chosen process no longer runs on CPU 0" \
    eval '[ "$(cpus_of "$v")" != "$all_cpus" ]'
decoys_untouched aff 1 2 3
end "$v"

# I/O priority: the dialog names it; idle is three rows down from none.
check_screen "ioprio: newcomers above, the chosen one selected" chosen io
tui_keys o
check_screen "ioprio: the dialog names the chosen process" \
    wait_screen 10 "I/O priority of $v \\(sigrec\\):"
tui_keys Down Down Down
newcomers io 3
check_screen "ioprio: a newcomer appears while the dialog is open" \
    wait_screen 15 "idd-$tag-io-3\\.sig"
tui_keys Enter
check_screen "ioprio: the status names the chosen PID" \
    wait_for 10 bottom_has "I/O .* for PID $v "
check "ioprio: the chosen process is in the idle class" \
    eval '[ "$(ionice -p "$v")" = idle ]'
decoys_untouched io 1 2 3
end "$v"

# strace: the pane traces the chosen one; s again stops it.
check_screen "strace: newcomers above, the chosen one selected" chosen st
tui_keys s
check_screen "strace: the pane names the chosen process" \
    wait_screen 10 "strace of sigrec \\($v\\)"
check "strace: the chosen process is traced" wait_for 10 traced "$v"
decoys_untouched st 1 2
tui_keys s
check "strace: s lets go of it" wait_for 10 eval '! traced "$v"'
end "$v"

# Open files: the list is the chosen one's (its own signal file).
check_screen "files: newcomers above, the chosen one selected" chosen files
tui_keys L
check_screen "files: the list names the chosen process" \
    wait_screen 10 "Open files of sigrec \\($v\\)"
check_screen "files: it lists the chosen one's own file" \
    screen_has "idv-$tag-files\\.sig"
tui_keys q
wait_screen 10 '^F1Help'
decoys_untouched files 1 2
end "$v"

# Profile: the sampler runs on the chosen one.
check_screen "profile: newcomers above, the chosen one selected" chosen prof
tui_keys f
check_screen "profile: the view names the chosen process" \
    wait_screen 15 "Profile of sigrec \\($v\\)"
check "profile: the sampler runs on the chosen process" \
    wait_for 10 sampled "$v"
decoys_untouched prof 1 2
tui_keys q
check "profile: q stops the sampler" wait_for 10 eval '! sampled "$v"'
wait_screen 10 '^F1Help'
end "$v"

# Heap snapshot: of the chosen one.
check_screen "heap: newcomers above, the chosen one selected" chosen heap
tui_keys m
check_screen "heap: the view names the chosen process" \
    wait_screen 15 "Heap of process $v \\(sigrec\\)"
tui_keys Escape
wait_screen 10 '^F1Help'
decoys_untouched heap 1 2
end "$v"

# Restart in place: the plan names it; a newcomer arrives; y restarts the
# chosen one (SIGTERM ends it, a new copy starts), nothing else.
check_screen "restart: newcomers above, the chosen one selected" \
    chosen rs term-exits
tui_keys R
check_screen "restart: the plan names the chosen process" \
    wait_screen 10 "Restart sigrec \\($v\\) in place"
newcomers rs 3
# The plan covers the table: a refresh since the newcomer is what counts.
check_screen "restart: vigil refreshes while the plan waits" tui_wait_tick
tui_keys y
check_screen "restart: the chosen process was restarted" \
    wait_for 15 bottom_has "restarted sigrec: new PID [0-9]+ \\(was $v\\)"
check "restart: the chosen process received SIGTERM" \
    eval '[ "$(head -n 1 "$TMP/idv-$tag-rs.sig")" = 15 ]'
decoys_untouched rs 1 2 3
wait "$v" 2>/dev/null

check_screen "q quits, status 0" tui_quit_ok

# --- (b) The chosen PID is reused ---------------------------------------

# Every victim is there before vigil starts, and vigil refreshes only
# every 10 minutes: a row stays on screen after its process has gone, as
# between two refreshes.
for c in kill nice aff io st files prof heap rs tag1 tag2; do
	victim "b_$c" "idv-$tag-b$c" || not_ok "$c: victim started"
done
check_screen "vigil starts at 200x50, refreshing every 10 minutes" \
    tui_start 200 50 -- -d 6000

# gone CASE: the case's victim exits and its PID names a new process.
gone()
{
	local c=$1 old
	eval "old=\$b_$c"
	end "$old"
	reuse n "$old" "idn-$tag-b$c"
}

refused()
{
	wait_for 10 bottom_has "PID $1 is now another process|process $1 (has already |has )?exited"
}

# Or a refresh since said the chosen process exited, over the refusal
# (kill's refusal is checked strictly: it must stay).
refused_or_exited()
{
	wait_for 10 bottom_has "PID $1 is now another process|process $1 (has already |has |\\(sigrec\\) )?exited"
}

# Actions with a dialog: chosen, dialog open, PID reused, confirmed.
check_screen "kill: the victim selected" only "^idv-$tag-bkill( |\$)" "$b_kill"
tui_keys k
wait_screen 10 '^Send signal:'
tui_keys Enter
wait_for 10 bottom_has "to process $b_kill \\(sigrec\\)\\? \\[y/N\\]"
check "kill: the victim exited and its PID $b_kill was reused" gone kill
tui_keys y
check_screen "kill: y refuses: PID $n is another process" refused "$n"
check_untouched "kill: the new process with PID $n untouched" "$n" \
    "idn-$tag-bkill"

check_screen "affinity: the victim selected" only "^idv-$tag-baff( |\$)" "$b_aff"
tui_keys a
wait_screen 10 "CPU affinity of $b_aff \\(sigrec\\):"
tui_keys Space
check "affinity: the victim exited and its PID $b_aff was reused" gone aff
tui_keys Enter
check_screen "affinity: Enter refuses: PID $n is another process" refused_or_exited "$n"
check_untouched "affinity: the new process with PID $n untouched" "$n" \
    "idn-$tag-baff"

check_screen "ioprio: the victim selected" only "^idv-$tag-bio( |\$)" "$b_io"
tui_keys o
wait_screen 10 "I/O priority of $b_io \\(sigrec\\):"
tui_keys Down Down Down
check "ioprio: the victim exited and its PID $b_io was reused" gone io
tui_keys Enter
check_screen "ioprio: Enter refuses: PID $n is another process" refused_or_exited "$n"
check_untouched "ioprio: the new process with PID $n untouched" "$n" \
    "idn-$tag-bio"

check_screen "restart: the victim selected" only "^idv-$tag-brs( |\$)" "$b_rs"
tui_keys R
wait_screen 10 "Restart sigrec \\($b_rs\\) in place"
check "restart: the victim exited and its PID $b_rs was reused" gone rs
tui_keys y
check_screen "restart: y refuses: PID $n is another process" refused_or_exited "$n"
check_untouched "restart: the new process with PID $n untouched" "$n" \
    "idn-$tag-brs"
check "restart: nothing was started again" \
    [ "$(named "idv-$tag-brs")" = 0 ]

# Two tagged processes, one of whose PID is reused before y: the other
# gets the signal, the new process nothing.
tui_keys '\\' C-u
tui_type "^idv-$tag-btag[12]( |\$)"
tui_keys Enter
check_screen "tagged: the two victims shown" \
    wait_for 15 tui_rows_are "$b_tag1" "$b_tag2"
tui_keys Home Space Space k
wait_screen 10 '^Send signal:'
tui_keys Enter
check_screen "tagged: the confirmation names the two tagged processes" \
    wait_for 10 bottom_has "to 2 tagged processes\\? \\[y/N\\]"
check "tagged: one victim exited and its PID $b_tag1 was reused" gone tag1
tui_keys y
check_screen "tagged: y sends to one of the two and says why not the other" \
    wait_for 10 bottom_has "sent SIGTERM to 1 of 2; last error: PID $n is now another process"
check "tagged: the other victim received SIGTERM" \
    wait_for 10 eval '[ "$(cat "$TMP/idv-$tag-btag2.sig")" = 15 ]'
check_untouched "tagged: the new process with PID $n untouched" "$n" \
    "idn-$tag-btag1"
tui_keys U

# Actions at once: the row still shows the process that exited.
for c in nice st files prof heap; do
	eval "old=\$b_$c"
	check_screen "$c: the victim selected" only "^idv-$tag-b$c( |\$)" "$old"
	check "$c: the victim exited and its PID $old was reused" gone "$c"
	check_screen "$c: its row is still shown" tui_has_row "$n"
	case $c in
	nice)	tui_keys '[' ;;
	st)	tui_keys s ;;
	files)	tui_keys L ;;
	prof)	tui_keys f ;;
	heap)	tui_keys m ;;
	esac
	if [ "$c" = heap ]; then
		check_screen "$c: the view says process $n exited" \
		    wait_screen 15 "process $n has exited"
		tui_keys Escape
	else
		check_screen "$c: refused: PID $n is another process" \
		    refused "$n"
	fi
	check_untouched "$c: the new process with PID $n untouched" "$n" \
	    "idn-$tag-b$c"
done
check_screen "q quits, status 0" tui_quit_ok

# The profile view outlives its process: m (the next mode) starts the
# sampler again, but not on the process that took its PID.
victim p "idv-$tag-pm" || not_ok "profile mode: victim started"
check_screen "vigil starts again" tui_start 200 50 -- -d 6000
check_screen "profile mode: the victim selected" \
    only "^idv-$tag-pm( |\$)" "$p"
tui_keys f
check_screen "profile mode: the view names the victim" \
    wait_screen 15 "Profile of sigrec \\($p\\)"
check "profile mode: the sampler runs on it" wait_for 10 sampled "$p"
b_pm=$p
check "profile mode: the victim exited and its PID $p was reused" gone pm
check "profile mode: its sampler has ended" wait_for 10 eval '! sampled "$p"'
tui_keys m
check_screen "profile mode: m refuses: PID $n is another process" refused "$n"
check_untouched "profile mode: the new process with PID $n untouched" "$n" \
    "idn-$tag-bpm"
tui_keys q
wait_screen 10 '^F1Help'
check_screen "q quits, status 0" tui_quit_ok

# Views that stay open on their process, refreshed every half second: it
# exits and its PID is reused under them.
for c in cfiles cst cheap; do
	victim "b_$c" "idv-$tag-$c" || not_ok "$c: victim started"
done
check_screen "vigil starts again, refreshing twice a second" \
    tui_start 200 50 -- -d 5

check_screen "files view: the victim selected" \
    only "^idv-$tag-cfiles( |\$)" "$b_cfiles"
tui_keys L
check_screen "files view: open on the victim" \
    wait_screen 10 "Open files of sigrec \\($b_cfiles\\)"
check "files view: the victim exited and its PID $b_cfiles was reused" \
    gone cfiles
check_screen "files view: it says the PID is another process" \
    wait_screen 10 "PID $n is now another process"
check_screen "files view: it never lists the new process's files" \
    screen_lacks "idn-$tag-cfiles"
tui_keys q
wait_screen 10 '^F1Help'
check_untouched "files view: the new process with PID $n untouched" "$n" \
    "idn-$tag-cfiles"

check_screen "strace pane: the victim selected" \
    only "^idv-$tag-cst( |\$)" "$b_cst"
tui_keys s
check "strace pane: the victim is traced" wait_for 10 traced "$b_cst"
check "strace pane: the victim exited and its PID $b_cst was reused" gone cst
check_screen "strace pane: it says the process exited" \
    wait_screen 10 "process $b_cst exited; strace ended"
check_untouched "strace pane: the new process with PID $n untouched" "$n" \
    "idn-$tag-cst"
tui_keys s
check_screen "strace pane: s closes it" wait_screen_not 10 "^ strace of"

check_screen "heap view: the victim selected" \
    only "^idv-$tag-cheap( |\$)" "$b_cheap"
tui_keys m
check_screen "heap view: open on the victim" \
    wait_screen 15 "Heap of process $b_cheap \\(sigrec\\)"
wait_screen_not 15 'a snapshot is being taken|taking a snapshot'
check "heap view: the victim exited and its PID $b_cheap was reused" \
    gone cheap
tui_keys m
check_screen "heap view: m says the process exited" \
    wait_screen 15 "process $n has exited"
check_untouched "heap view: the new process with PID $n untouched" "$n" \
    "idn-$tag-cheap"
tui_keys Escape
wait_screen 10 '^F1Help'
check_screen "q quits, status 0" tui_quit_ok

# The supervisor of vigil run, asked (as R asks it) to restart the child
# the monitor showed: a PID that is not its child now is refused, and the
# child is untouched; its own PID restarts it.
export XDG_RUNTIME_DIR=$TMP/rt
mkdir -p "$XDG_RUNTIME_DIR"
sname=ids-$tag
"$VIGIL" run --name "$sname" --restart always -- bash -c \
    "$reset && exec -a idv-$tag-sup '$FIXTURES/sigrec' '$TMP/idv-$tag-sup.sig' term-exits" \
    > "$TMP/sup.out" 2>&1
check "vigil run starts a supervised sigrec" \
    wait_for 10 test -e "$XDG_RUNTIME_DIR/vigil/$sname.state"
kid=$(awk 'NR == 1 { print $2 }' "$XDG_RUNTIME_DIR/vigil/$sname.state")
wait_for 10 exec_done "$kid" "idv-$tag-sup"
sup_ask()
{
	python3 - "$XDG_RUNTIME_DIR/vigil/$sname.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(30)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
got = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    got += b
print(got.decode(errors="replace").strip())
PY
}
reply=$(sup_ask "restart $((kid + 1000))")
check "supervisor: restart of a PID not its child is refused ($reply)" \
    eval 'printf "%s" "$reply" | grep -q "^error process $((kid + 1000)) has exited; its child is now PID $kid: nothing was restarted"'
reply=$(sup_ask "restart 12x")
check "supervisor: restart of a malformed PID is refused ($reply)" \
    eval 'printf "%s" "$reply" | grep -q "^error "'
check_untouched "supervisor: its child ($kid) untouched" "$kid" "idv-$tag-sup"
reply=$(sup_ask "restart $kid")
check "supervisor: restart of its child's PID restarts it ($reply)" \
    eval 'printf "%s" "$reply" | grep -Eq "^ok [0-9]+\$" && ! printf "%s" "$reply" | grep -q "^ok $kid\$"'
check "supervisor: the child received SIGTERM" \
    eval '[ "$(head -n 1 "$TMP/idv-$tag-sup.sig")" = 15 ]'
"$VIGIL" run --stop "$sname" > /dev/null 2>&1

# The command line: vigil profile holds its process for its whole run; the
# process exits and its PID is reused meanwhile: the profile ends, and the
# new process is neither traced nor sampled.
perf_open()
{
	ls -l "/proc/$1/fd" 2>/dev/null | grep -q 'perf_event'
}

for method in ptrace perf; do
	victim c "idv-$tag-cli$method" || not_ok "$method: victim started"
	"$VIGIL" profile --method=$method --duration=120 --format=folded \
	    -o "$TMP/cli-$method.folded" "$c" 2> "$TMP/cli-$method.err" &
	prof=$!
	if [ $method = ptrace ]; then
		check "profile --method=ptrace: it traces the victim" \
		    wait_for 15 traced "$c"
	else
		check "profile --method=perf: its events are open" \
		    wait_for 15 perf_open "$prof"
	fi
	b_cli=$c
	check "profile --method=$method: the victim exited and its PID $c was reused" \
	    gone cli
	check "profile --method=$method: the profile ends" \
	    wait_for 15 eval '! kill -0 "$prof" 2>/dev/null'
	wait "$prof"
	check "profile --method=$method: it says the process exited" \
	    grep -q "exited" "$TMP/cli-$method.err"
	check_untouched "profile --method=$method: the new process untouched" \
	    "$n" "idn-$tag-bcli"
	end "$n"
	rm -f "$TMP/idn-$tag-bcli.sig"
done

done_testing
