#!/bin/bash
# The open files list: the openfiles fixture holds a TCP socket listening
# on 127.0.0.1, both ends of a connection to it, a regular file (its name
# holds a colour escape) open for appending, a pipe and a listening unix
# socket. `vigil files PID` and L in the monitor list them as lsof does:
# TCP addresses and states (the same as lsof's), the file's path escaped,
# its mode, flags, offset and size, the pipe's two ends. The list scrolls,
# Esc closes it, --readonly allows it.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"
need lsof

file=$TMP/$'data-\e[31mred'.log
file_shown="$TMP/data-\\x1b[31mred.log"
sock=$TMP/listen.sock
start_fixture O "$FIXTURES/openfiles" "$file" "$sock" > "$TMP/ready"
wait_for 10 grep -q '^ready ' "$TMP/ready"
read -r _ port cport < "$TMP/ready"
diag "openfiles $O: port $port, client port $cport"

# --- vigil files PID --------------------------------------------------------
"$VIGIL" files "$O" > "$TMP/files" 2> "$TMP/files.err"
check "vigil files PID exits 0" [ $? -eq 0 ]
has() { grep -qF -- "$1" "$TMP/files"; }
row_of() { awk -v fd="$1" '$1 == fd' "$TMP/files"; }
check "the header names the columns" \
    grep -Eq '^ +FD TYPE +MODE FLAGS +OFFSET +SIZE +NAME$' "$TMP/files"
check "the listening socket: TCP 127.0.0.1:$port (LISTEN)" \
    has "TCP 127.0.0.1:$port (LISTEN)"
check "the client end: TCP 127.0.0.1:$cport->127.0.0.1:$port (ESTABLISHED)" \
    has "TCP 127.0.0.1:$cport->127.0.0.1:$port (ESTABLISHED)"
check "the server end: TCP 127.0.0.1:$port->127.0.0.1:$cport (ESTABLISHED)" \
    has "TCP 127.0.0.1:$port->127.0.0.1:$cport (ESTABLISHED)"
check "the TCP sockets are IPv4, read-write" \
    eval '[ "$(grep -c "^ *[0-9]\+ IPv4 \+rw .* TCP " "$TMP/files")" = 3 ]'
check "the unix socket: UNIX $sock type=STREAM" \
    has "UNIX $sock type=STREAM"
check "the file's name is escaped" has "$file_shown"
check "no raw ESC is printed" eval '! grep -q $'\''\e'\'' "$TMP/files"'
check "the file: REG, w, AP (append), offset 8, size 8" eval '
    grep -F -- "$file_shown" "$TMP/files" |
    grep -Eq "^ *[0-9]+ REG +w +AP +8 +8  "'
pipes=$(grep -E '^ *[0-9]+ FIFO ' "$TMP/files" | grep -o 'pipe:\[[0-9]*\]' |
    sort | uniq -c | awk '$1 == 2 { print $2 }')
check "the pipe's two ends have the same inode" [ -n "$pipes" ]
check "one end reads, one writes" eval '
    grep -F -- "$pipes" "$TMP/files" | grep -Eq "^ *[0-9]+ FIFO +r " &&
    grep -F -- "$pipes" "$TMP/files" | grep -Eq "^ *[0-9]+ FIFO +w "'
check "stdin is /dev/null, CHR" eval 'row_of 0 | grep -Eq " CHR .*/dev/null$"'

# lsof names the same TCP endpoints and states.
lsof -nP -a -p "$O" -iTCP -F n 2>/dev/null | sed -n 's/^n//p' | sort > "$TMP/lsof"
sed -n 's/.*  TCP \([^ ]*\) (.*/\1/p' "$TMP/files" | sort > "$TMP/ours"
check "lsof names the same TCP endpoints" \
    eval '[ -s "$TMP/ours" ] && cmp -s "$TMP/ours" "$TMP/lsof"'
cmp -s "$TMP/ours" "$TMP/lsof" || diag "ours:" "$(cat "$TMP/ours")" \
    "lsof:" "$(cat "$TMP/lsof")"

# The command line: help, usage errors, a process that is gone.
check "vigil files --help" eval '"$VIGIL" files --help | grep -q "^Usage: vigil files PID"'
"$VIGIL" files > /dev/null 2> "$TMP/err"
check "no PID: usage error (2)" [ $? -eq 2 ]
check "... which says what is missing" grep -q 'which process' "$TMP/err"
"$VIGIL" files nope > /dev/null 2>&1
check "not a PID: usage error (2)" [ $? -eq 2 ]
"$VIGIL" files --bogus "$O" > /dev/null 2>&1
check "an unknown option: usage error (2)" [ $? -eq 2 ]
sleep 0 & gone=$!
wait "$gone"
"$VIGIL" files "$gone" > /dev/null 2> "$TMP/err"
st=$?
check "an exited process: status 1, said" \
    eval '[ $st -eq 1 ] && grep -q "has exited" "$TMP/err"'

# Another user's process: the reason, by its real cause.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VIGIL" files \
	    "$O" > /dev/null 2> "$TMP/err"
	st=$?
	check "vigil files as nobody on a root process: status 1, names the owner" \
	    eval '[ $st -eq 1 ] && grep -q "cannot read /proc/$O/fd: it belongs to user root" "$TMP/err"'
else
	skip "needs root and setpriv to run vigil as another user"
fi

# --- L in the monitor ---------------------------------------------------------
check_screen "vigil starts on the fixture" tui_start 120 40 -- -p "$O" -d 10
tui_keys L
check_screen "L opens the list of the fixture" \
    wait_screen 10 "^ Open files of openfiles \\($O\\): [0-9]+ descriptors"
check_screen "its header" screen_has '^ +FD TYPE +MODE FLAGS +OFFSET +SIZE +NAME'
check_screen "the listening TCP socket" \
    screen_has "TCP 127\\.0\\.0\\.1:$port \\(LISTEN\\)"
check_screen "the connection, both ends" eval '
    screen_has "TCP 127\\.0\\.0\\.1:$cport->127\\.0\\.0\\.1:$port \\(ESTABLISHED\\)" &&
    screen_has "TCP 127\\.0\\.0\\.1:$port->127\\.0\\.0\\.1:$cport \\(ESTABLISHED\\)"'
check_screen "the file, its name escaped" \
    eval 'tui_screen | grep -qF -- "$file_shown"'
check_screen "the pipe" screen_has 'FIFO .*pipe:\['
check_screen "the unix socket" eval 'tui_screen | grep -qF "UNIX $sock"'
check "no raw ESC [ 31 m reached the terminal" \
    eval '! tui_raw_has $'\''\e[31mred'\'''
tui_keys Escape
check_screen "Esc goes back to the table" wait_screen 10 '^F1Help'
check_screen "the fixture's row is there" tui_has_row "$O"

# 80 columns: OFFSET and SIZE give their room to the names.
check_screen "vigil starts in 80x24" tui_start 80 24 -- -p "$O" -d 10
tui_keys L
check_screen "L in 80x24: the header without OFFSET and SIZE" \
    wait_screen 10 '^ +FD TYPE +MODE FLAGS +NAME$'
check_screen "a connection's whole name fits" \
    screen_has "TCP 127\\.0\\.0\\.1:$cport->127\\.0\\.0\\.1:$port \\(ESTABLISHED\\)"
tui_keys Escape
check_screen "q quits" tui_quit_ok

# A terminal too small for the list: it scrolls.
check_screen "vigil starts in 100x8" tui_start 100 8 -- -p "$O" -d 10
tui_keys L
check_screen "L in 100x8" wait_screen 10 "^ Open files of openfiles"
last=$(awk '$1 ~ /^[0-9]+$/ { l = $1 } END { print l }' "$TMP/files")
first_fd() { tui_screen | sed -n 3p | awk '{ print $1 }'; }
check_screen "the first row is fd 0" eval '[ "$(first_fd)" = 0 ]'
check_screen "the last fd ($last) is not on screen yet" \
    eval '! tui_screen | grep -Eq "^ +$last "'
tui_keys End
check_screen "End shows the last fd" \
    wait_for 10 eval 'tui_screen | grep -Eq "^ +$last "'
tui_keys Home
check_screen "Home goes back to fd 0" wait_for 10 eval '[ "$(first_fd)" = 0 ]'
tui_keys Down
check_screen "Down scrolls by a row" wait_for 10 eval '[ "$(first_fd)" = 1 ]'
tui_keys q
check_screen "q goes back to the table" wait_screen 10 'F1Help'
check_screen "vigil quits" tui_quit_ok

# --readonly: the list only reads /proc, so it is allowed.
check_screen "vigil --readonly starts" \
    tui_start 120 40 -- -p "$O" -d 10 --readonly
tui_keys L
check_screen "--readonly allows L" \
    wait_screen 10 "TCP 127\\.0\\.0\\.1:$port \\(LISTEN\\)"
tui_keys Escape
wait_screen 10 '^F1Help'
# The fixture exits: the list says so and keeps what it showed.
tui_keys L
wait_screen 10 "^ Open files of openfiles"
kill -KILL "$O"
check_screen "the list says the process exited" \
    wait_screen 15 "^ Open files of openfiles \\($O\\).*\\[process $O has already exited\\]"
tui_keys Escape
check_screen "vigil quits cleanly" tui_quit_ok

done_testing
