#!/bin/bash
# The monitor on every terminal type an SSH session may bring: it draws,
# answers a key and quits cleanly with xterm-256color, screen, tmux-256color,
# linux and vt100 (8 colours, or none), with and without -C.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"

for term in xterm-256color screen tmux-256color linux vt100; do
	for mono in "" -C; do
		what="TERM=$term${mono:+ $mono}"
		if ! infocmp "$term" > /dev/null 2>&1; then
			if [ "${CI:-}" = true ]; then
				not_ok "$what: terminfo entry missing"
			else
				skip "$what: no terminfo entry"
			fi
			continue
		fi
		# t saves the tree setting: each run starts from none.
		rm -f "$XDG_CONFIG_HOME/vigil/vigilrc"
		if [ -n "$mono" ]; then
			tui_start 100 30 TERM="$term" -- -d 5 -C
		else
			tui_start 100 30 TERM="$term" -- -d 5
		fi
		check_screen "$what: the memory bar is drawn" \
		    wait_screen 10 '^Mem \['
		check_screen "$what: the title row is drawn" \
		    screen_has '^ *PID USER'
		check_screen "$what: the function bar is drawn" \
		    screen_has 'F10Quit'
		tui_keys t
		check_screen "$what: t draws the tree" \
		    wait_screen 10 '(├─|└─|\|-|`-) '
		tui_keys h
		check_screen "$what: h shows the help" wait_screen 10 'keys \('
		tui_keys Escape
		check_screen "$what: a key returns to the table" \
		    wait_screen 10 '^ *PID USER'
		check "$what: q quits with status 0" tui_quit_ok
	done
done

done_testing
