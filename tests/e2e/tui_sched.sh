#!/bin/bash
# Renice, CPU affinity and I/O priority from the monitor, on a fixture of
# five threads that wait (waiters idle: nothing burns), each read back from
# /proc for every thread: ] [ F7 F8 step the nice value (field 19 of
# stat); a, Space, Enter set the CPUs (Cpus_allowed_list); o chooses the
# I/O class and level (ionice -p); Esc changes nothing; the detail pane
# shows the CPUs and the I/O priority; tagged processes change together; a
# process that exits while its dialog is open is reported. Under
# --readonly every one of these keys is refused, said, and nothing changes.
# As nobody, vigil says what needs CAP_SYS_NICE and whose a process is.
# (A PID reused meanwhile is test_sched's job: it cannot be made here.)
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

need ionice setpriv
# A lower nice value needs CAP_SYS_NICE, and vigil runs as nobody below.
if [ "$(id -u)" != 0 ]; then
	skip "needs root: it lowers a nice value and runs vigil as nobody"
	done_testing
fi

tag=s$$x
ncpu=$(getconf _NPROCESSORS_ONLN)
if [ "$ncpu" -lt 2 ]; then
	skip "needs two CPUs: one is unchecked in the affinity dialog"
	done_testing
fi
# The fixtures start from nice 0, every CPU and no I/O class, whatever
# this test inherited (nice make check, taskset, ionice).
reset="renice -n 0 -p \$\$ >/dev/null && taskset -p -c 0-$((ncpu - 1)) \$\$ >/dev/null && ionice -c 0 -p \$\$"

# The values of every thread of PID, sorted and unique, one a line.
task_nices()
{
	local t
	for t in /proc/"$1"/task/*; do
		awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " ");
		    print f[17] }' "$t/stat"
	done | sort -u
}

task_cpus()
{
	local t
	for t in /proc/"$1"/task/*; do
		sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$t/status"
	done | sort -u
}

task_ionice()
{
	local t
	for t in /proc/"$1"/task/*; do
		ionice -p "${t##*/}"
	done | sort -u
}

ntasks()
{
	ls /proc/"$1"/task 2>/dev/null | wc -l
}

# nice_is PID N: every thread of PID has nice N.
nice_is()
{
	[ "$(task_nices "$1")" = "$2" ]
}

cpus_are()
{
	[ "$(task_cpus "$1")" = "$2" ]
}

ionice_is()
{
	[ "$(task_ionice "$1")" = "$2" ]
}

alive()
{
	local state
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

dead()
{
	! alive "$1"
}

# rows_only REGEX PID...: filter the table down to these processes.
rows_only()
{
	local rx=$1
	shift
	tui_keys '\' C-u
	tui_type "$rx"
	tui_keys Enter
	wait_for 15 tui_rows_are "$@"
}

# only REGEX PID: that process is the only row, and selected.
only()
{
	rows_only "$1" "$2" && wait_for 10 tui_selected_is "$2"
}

start_fixture w bash -c "$reset && exec -a sched-$tag '$FIXTURES/waiters' idle"
start_fixture s bash -c "$reset && exec -a schedb-$tag sleep 1000"
start_fixture v bash -c "$reset && exec -a schedv-$tag sleep 1000"
wait_for 10 exec_done "$w" "sched-$tag"
wait_for 10 exec_done "$s" "schedb-$tag"
wait_for 10 exec_done "$v" "schedv-$tag"
check "the fixture has 5 threads" wait_for 10 eval '[ "$(ntasks "$w")" = 5 ]'
check "its threads start at nice 0" nice_is "$w" 0
all_cpus=$(task_cpus "$w")
check "its threads may run on every CPU ($all_cpus)" \
    [ "$(echo "$all_cpus" | wc -l)" = 1 ]
start_io=$(task_ionice "$w")

# The keys collide with no other key of the process table.
"$VIGIL" --keys | awk '$0 == "" { exit } { print substr($0, 1, 10) }' |
    tr ' ' '\n' | grep -v '^$' | sort | uniq -d >"$TMP/dups"
check "--keys: no key of the table is bound twice" [ ! -s "$TMP/dups" ]
for k in '] F7' '\[ F8' 'a' 'o'; do
	check "--keys lists '$k'" eval '"$VIGIL" --keys | grep -Eq "^$k  "'
done

check_screen "vigil starts at 100x30" tui_start 100 30 -- -d 10
check_screen "the filter makes the fixture the only, selected row" \
    only "^sched-$tag( |\$)" "$w"

# --- Renice ------------------------------------------------------------
tui_keys ']'
check_screen "]: the status says nice 0 -> -1 for 5 threads" \
    wait_for 10 bottom_has "^nice 0 → -1 for PID $w \\(5 threads\\)"
check "]: every thread has nice -1" wait_for 10 nice_is "$w" -1
check_screen "]: the NI column shows -1" \
    wait_for 10 eval 'tui_row "$w" | awk "{ exit \$4 != -1 }"'
tui_keys '['
check_screen "[: nice -1 -> 0" \
    wait_for 10 bottom_has "^nice -1 → 0 for PID $w"
tui_keys F8
check_screen "F8: nice 0 -> 1" wait_for 10 bottom_has "^nice 0 → 1 for PID $w"
check "F8: every thread has nice 1" wait_for 10 nice_is "$w" 1
tui_keys F8 F8
check "F8 twice more: every thread has nice 3" wait_for 10 nice_is "$w" 3
tui_keys F7
check_screen "F7: nice 3 -> 2" wait_for 10 bottom_has "^nice 3 → 2 for PID $w"
check "F7: every thread has nice 2" wait_for 10 nice_is "$w" 2

# --- CPU affinity --------------------------------------------------------
tui_keys a
check_screen "a opens the dialog, titled with the process" \
    wait_screen 10 "^CPU affinity of $w \\(waiters\\):"
check_screen "the dialog lists CPU 0 and CPU 1, both checked" \
    eval 'screen_has "^\\[x\\] CPU 0" && screen_has "^\\[x\\] CPU 1"'
tui_keys Space
check_screen "Space unchecks CPU 0" wait_screen 10 '^\[ \] CPU 0'
tui_keys Escape
check_screen "Esc: the status says nothing changed" \
    wait_for 10 bottom_has 'the CPU affinity was not changed'
check "Esc: the threads keep their CPUs" cpus_are "$w" "$all_cpus"
if [ "$ncpu" = 2 ]; then
	want=1
else
	want=1-$((ncpu - 1))
fi
tui_keys a
wait_screen 10 "^CPU affinity of $w"
tui_keys Space Enter
check_screen "Space Enter: the status says CPUs $all_cpus -> $want" \
    wait_for 10 bottom_has "^CPUs $all_cpus → $want for PID $w \\(5 threads\\)"
check "every thread may run on CPUs $want only (Cpus_allowed_list)" \
    wait_for 10 cpus_are "$w" "$want"
if command -v python3 >/dev/null 2>&1; then
	check "python's os.sched_getaffinity agrees for every thread" \
	    python3 -c '
import os, sys
pid = int(sys.argv[1]); want = sys.argv[2]
lo, _, hi = want.partition("-")
cpus = set(range(int(lo), int(hi or lo) + 1))
sys.exit(any(os.sched_getaffinity(int(t)) != cpus
    for t in os.listdir("/proc/%d/task" % pid)))' "$w" "$want"
fi
tui_keys a
check_screen "the dialog shows the new CPUs: CPU 0 unchecked" \
    wait_screen 10 '^\[ \] CPU 0'
tui_keys Space Enter
check "Space Enter again: every CPU back ($all_cpus)" \
    wait_for 10 cpus_are "$w" "$all_cpus"
# Leave it on the last CPU for the detail pane.
tui_keys a
wait_screen 10 "^CPU affinity of $w"
tui_keys Space Enter
wait_for 10 cpus_are "$w" "$want"

# --- I/O priority --------------------------------------------------------
tui_keys Enter
check_screen "class none: the detail pane gives the level the nice value makes" \
    wait_screen 10 '^I/O prio +none \(level 4, from nice 2\)'
tui_keys Escape
wait_screen 10 '^F1Help'
tui_keys o
check_screen "o opens the dialog, titled with the process" \
    wait_screen 10 "^I/O priority of $w \\(waiters\\):"
check_screen "it lists the four classes" eval 'screen_has "^none" &&
    screen_has "^realtime +level" && screen_has "^best-effort +level" &&
    screen_has "^idle"'
tui_keys Down Down 6
check_screen "6 sets the level" wait_screen 10 '^best-effort +level 6'
tui_keys Enter
check_screen "Enter: the status says best-effort 6, 5 threads" \
    wait_for 10 bottom_has "^I/O .* → best-effort 6 for PID $w \\(5 threads\\)"
check "ionice -p: every thread is best-effort 6" \
    wait_for 10 ionice_is "$w" "best-effort: prio 6"
tui_keys o
check_screen "the dialog opens on best-effort 6" \
    wait_screen 10 '^best-effort +level 6'
tui_keys Down Enter
check_screen "Down Enter: best-effort 6 -> idle" \
    wait_for 10 bottom_has "^I/O best-effort 6 → idle for PID $w"
check "ionice -p: every thread is idle" wait_for 10 ionice_is "$w" idle
tui_keys o
wait_screen 10 "^I/O priority of $w"
tui_keys Up Escape
check_screen "Esc: the status says nothing changed" \
    wait_for 10 bottom_has 'the I/O priority was not changed'
check "Esc: every thread is still idle" ionice_is "$w" idle

# --- The detail pane -----------------------------------------------------
tui_keys Enter
check_screen "the detail pane shows the CPUs" \
    wait_screen 10 "^CPUs +$want *\$"
check_screen "the detail pane shows the I/O priority" \
    wait_screen 10 '^I/O prio +idle *$'
check_screen "the detail pane shows the nice value" \
    wait_screen 10 '^State +[A-Z], nice 2,'
tui_keys Escape
wait_screen 10 '^F1Help'

# --- Tagged processes ----------------------------------------------------
check_screen "the filter shows both sched- fixtures" \
    rows_only "^sched(b)?-$tag( |\$)" "$w" "$s"
tui_keys Home Space Space
tui_keys '['
check_screen "[ with two tagged: the status counts 2 processes, 6 threads" \
    wait_for 10 bottom_has '^nice changed for 2 processes \(6 threads\)'
check "[: the fixture's threads have nice 3" wait_for 10 nice_is "$w" 3
check "[: the other tagged process has nice 1" wait_for 10 nice_is "$s" 1
tui_keys U

# --- A process that exits while its dialog is open --------------------------
check_screen "the filter makes schedv the only row" \
    only "^schedv-$tag( |\$)" "$v"
tui_keys o
wait_screen 10 "^I/O priority of $v"
kill -KILL "$v"
wait "$v" 2>/dev/null
check "schedv is gone" wait_for 10 dead "$v"
tui_keys Down Down Enter
check_screen "Enter: the status says it has already exited" \
    wait_for 10 bottom_has "process $v has already exited"
check_screen "vigil still runs: q quits, status 0" tui_quit_ok

# --- --readonly ----------------------------------------------------------
nice_before=$(task_nices "$w")
cpus_before=$(task_cpus "$w")
io_before=$(task_ionice "$w")
check_screen "vigil --readonly starts at 100x50" tui_start 100 50 -- -d 10 --readonly
check_screen "--readonly: the fixture made the only row" \
    only "^sched-$tag( |\$)" "$w"
for k in ']' '[' F7 F8 a o; do
	# Another status first, so each refusal is this key's.
	tui_keys F
	wait_for 10 bottom_has 'following'
	tui_keys "$k"
	check_screen "--readonly: $k is refused, and said" \
	    wait_for 10 bottom_has 'read-only mode \(--readonly\): actions are disabled'
	check_screen "--readonly: $k opens no dialog" \
	    eval 'screen_lacks "^CPU affinity of" && screen_lacks "^I/O priority of"'
done
check "--readonly: the nice values are unchanged" nice_is "$w" "$nice_before"
check "--readonly: the CPUs are unchanged" cpus_are "$w" "$cpus_before"
check "--readonly: the I/O priority is unchanged" ionice_is "$w" "$io_before"
tui_keys F1
check_screen "the help screen lists ] F7 and [ F8 (renice)" \
    wait_for 10 eval 'screen_has "^ *\\] F7 +renice: nice -1, a higher" &&
    screen_has "^ *\\[ F8 +renice: nice \\+1, a lower"'
check_screen "the help screen lists a (CPU affinity) and o (I/O priority)" \
    eval 'screen_has "^ *a +CPU affinity \\(taskset\\)" && screen_has "^ *o +I/O priority \\(ionice, htop.s i\\)"'
tui_keys Escape
wait_screen 10 '^F1Help'
check_screen "--readonly: q quits, status 0" tui_quit_ok

# --- As nobody: what needs CAP_SYS_NICE, and another user's process --------
# nobody's own fixture, with no RLIMIT_NICE to lower its nice with.
start_fixture n bash -c "$reset && exec setpriv --reuid=65534 \
    --regid=65534 --clear-groups bash -c 'ulimit -e 0 &&
    exec -a schedn-$tag sleep 1000'"
wait_for 10 exec_done "$n" "schedn-$tag"
printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups %s "$@"\n' \
    "'$VIGIL'" >"$TMP/as-nobody"
chmod 755 "$TMP/as-nobody"
chmod 711 "$TMP"
mkdir -m 777 "$TMP/nobody"
nice_w=$(task_nices "$w")
cpus_w=$(task_cpus "$w")
vigil_real=$VIGIL
VIGIL=$TMP/as-nobody
check_screen "vigil as nobody starts" tui_start 120 30 \
    XDG_CONFIG_HOME="$TMP/nobody/config" XDG_STATE_HOME="$TMP/nobody/state" \
    -- -d 10
VIGIL=$vigil_real
check "it runs as nobody" eval \
    '[ "$(awk "/^Uid:/ { print \$3 }" "/proc/$TUI_PID/status")" = 65534 ]'
check_screen "as nobody: its own fixture made the only row" \
    only "^schedn-$tag( |\$)" "$n"
tui_keys ']'
check_screen "as nobody: ] on its own process says a lower nice needs CAP_SYS_NICE" \
    wait_for 10 bottom_has "^nice value of $n not changed: a lower nice value needs CAP_SYS_NICE; run vigil as root"
check "as nobody: ] changed nothing" nice_is "$n" 0
tui_keys '['
check_screen "as nobody: [ raises its own process's nice" \
    wait_for 10 bottom_has "^nice 0 → 1 for PID $n \\(1 thread\\)"
check "as nobody: [ did (stat field 19)" wait_for 10 nice_is "$n" 1
tui_keys o
wait_screen 10 "^I/O priority of $n"
tui_keys Home Down Enter
check_screen "as nobody: the realtime class is said to need CAP_SYS_NICE" \
    wait_for 10 bottom_has "^I/O priority of $n not changed: the realtime class needs CAP_SYS_NICE"
check_screen "as nobody: the root fixture made the only row" \
    only "^sched-$tag( |\$)" "$w"
tui_keys '['
check_screen "as nobody: [ on root's process names its owner" \
    wait_for 10 bottom_has "^nice value of $w not changed: it belongs to user root; run vigil as root"
tui_keys a
wait_screen 10 "^CPU affinity of $w"
tui_keys Space Enter
check_screen "as nobody: its CPU affinity too" \
    wait_for 10 bottom_has "^CPU affinity of $w not changed: it belongs to user root"
check "as nobody: root's fixture kept its nice" nice_is "$w" "$nice_w"
check "as nobody: root's fixture kept its CPUs" cpus_are "$w" "$cpus_w"
check_screen "as nobody: q quits, status 0" tui_quit_ok

diag "started with I/O priority: $start_io"
done_testing
