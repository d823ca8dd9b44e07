#!/bin/bash
# The live profile view's mode, on the waiters fixture (one thread burning
# CPU in burn_hot(), five waiting): the view opens in on-cpu, its title
# says so and burn_hot is the top function; m goes to wall (the sleeping
# threads show), then off-cpu (the waits, named by the kernel, and not
# burn_hot), then on-cpu again, one sampler at a time, and the target is
# released at the end.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/tui_lib.sh"
. "$SRCDIR/tests/e2e/prof_lib.sh"

start_fixture P "$FIXTURES/waiters"
wait_for 5 exec_done "$P" waiters
wait_for 5 test "$(ls /proc/"$P"/task | wc -l)" -ge 6

# The top row of the top functions: SELF% TOTAL% SAMPLES NAME.
first_function() { tui_screen | sed -n '3p' | awk '{ print $4 }'; }
samplers() { pgrep -P "$TUI_PID" -f 'profile --stream' || true; }
one_sampler() { [ "$(samplers | wc -l)" = 1 ]; }
has_samples() { tui_screen | grep -Eq "Hz, [1-9][0-9]* samples"; }

check_screen "vigil starts on the fixture" \
    tui_start 100 30 -- -p "$P" -d 10
tui_keys f
check_screen "the view opens in on-cpu, and says so" \
    wait_screen 10 "^ Profile of waiters \\($P\\), on-cpu, perf: 99 Hz"
check_screen "on-cpu: burn_hot is the top function" \
    wait_for 20 eval '[ "$(first_function)" = burn_hot ]'
check_screen "on-cpu: no sleeping thread's function" \
    eval '! tui_screen | grep -Eq "clock_nanosleep|futex"'
check_screen "the bottom line lists m" bottom_has ' m mode '

tui_keys m
check_screen "m: wall, in the title" \
    wait_screen 10 "^ Profile of waiters \\($P\\), wall, ptrace: 99 Hz"
check_screen "wall: the sleepers show" \
    wait_for 20 eval 'tui_screen | grep -q clock_nanosleep'
check_screen "wall: so does the burner" eval 'tui_screen | grep -q burn_hot'
check "wall: one sampler runs" wait_for 10 one_sampler

tui_keys m
check_screen "m: off-cpu, in the title" \
    wait_screen 10 "^ Profile of waiters \\($P\\), off-cpu, ptrace: 99 Hz"
check_screen "off-cpu: the sleep, named by the kernel" \
    wait_for 20 eval 'tui_screen | grep -q "\[off-cpu: hrtimer_nanosleep\]"'
check_screen "off-cpu: the futex wait" \
    eval 'tui_screen | grep -q "\[off-cpu: futex"'
check_screen "off-cpu: not the burner" eval '! tui_screen | grep -q burn_hot'
check "off-cpu: one sampler runs" wait_for 10 one_sampler

tui_keys m
check_screen "m: on-cpu again" \
    wait_screen 10 "^ Profile of waiters \\($P\\), on-cpu, perf: 99 Hz"
check_screen "on-cpu again: burn_hot on top" \
    wait_for 20 eval 'has_samples && [ "$(first_function)" = burn_hot ]'

tui_keys q
check "the sampler child has ended" wait_for 10 eval '[ -z "$(samplers)" ]'
check "the target is released" wait_for 10 released "$P"
check "vigil quits cleanly" tui_quit_ok

done_testing
