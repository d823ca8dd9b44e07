/* What a profile measures: on-CPU, wall-clock or off-CPU samples. */

#include "vigil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "prof.h"
#include "sampler-int.h"
#include "sanitize.h"

static const struct {
	enum prof_mode	 mode;
	const char	*name;		/* as in --NAME and the stream */
	const char	*what;		/* what a sample of it is */
} prof_modes[] = {
	{ PROF_MODE_ON_CPU, "on-cpu",
	    N_("threads running when sampled") },
	{ PROF_MODE_WALL, "wall",
	    N_("every thread, running or waiting") },
	{ PROF_MODE_OFF_CPU, "off-cpu",
	    N_("threads waiting when sampled, by what they wait in") },
};

/* "on-cpu", "wall", "off-cpu"; "idle" is wall (py-spy's --idle). */
int
prof_mode_parse(const char *s, enum prof_mode *mode)
{
	size_t	i;

	if (s == NULL)
		return (-1);
	if (strcmp(s, "idle") == 0) {
		*mode = PROF_MODE_WALL;
		return (0);
	}
	for (i = 0; i < nitems(prof_modes); i++) {
		if (strcmp(s, prof_modes[i].name) == 0) {
			*mode = prof_modes[i].mode;
			return (0);
		}
	}
	return (-1);
}

/* The mode's name; NULL for PROF_MODE_NONE (a profile read from a file). */
const char *
prof_mode_name(enum prof_mode mode)
{
	size_t	i;

	for (i = 0; i < nitems(prof_modes); i++) {
		if (prof_modes[i].mode == mode)
			return (prof_modes[i].name);
	}
	return (NULL);
}

/* What one sample of the mode is, translated; NULL for none. */
const char *
prof_mode_what(enum prof_mode mode)
{
	size_t	i;

	for (i = 0; i < nitems(prof_modes); i++) {
		if (prof_modes[i].mode == mode)
			return (_(prof_modes[i].what));
	}
	return (NULL);
}

/* The next mode, for a key that cycles them: on-cpu, wall, off-cpu. */
enum prof_mode
prof_mode_next(enum prof_mode mode)
{
	switch (mode) {
	case PROF_MODE_ON_CPU:
		return (PROF_MODE_WALL);
	case PROF_MODE_WALL:
		return (PROF_MODE_OFF_CPU);
	default:
		return (PROF_MODE_ON_CPU);
	}
}

/*
 * Whether a thread's stack counts in a sample of the mode: running says
 * it was on a CPU (or runnable) at the sample.
 */
int
prof_mode_keep(enum prof_mode mode, int running)
{
	switch (mode) {
	case PROF_MODE_ON_CPU:
		return (running);
	case PROF_MODE_OFF_CPU:
		return (!running);
	default:
		return (1);
	}
}

/*
 * The leaf frame of an off-CPU stack: "[off-cpu: WCHAN]" from the kernel
 * function the thread sleeps in (/proc/PID/task/TID/wchan), else
 * "[off-cpu: STATE]" from the state letter of its stat (S, D, T...) when
 * wchan is empty, "0", the bare syscall entry or unreadable (NULL). The
 * wchan is cut at the first space or control and sanitised; a state that
 * is no letter is '?'. Returns 1 if the wchan named the wait, else 0.
 */
int
prof_offcpu_label(const char *wchan, char state, struct buf *b)
{
	size_t	n = 0;

	if (wchan != NULL) {
		while (wchan[n] != '\0' && (unsigned char)wchan[n] > ' ' &&
		    wchan[n] != 0x7f && n < 64)
			n++;
	}
	/*
	 * The system call entry says nothing of the wait: it is what a sleep
	 * restarted after a signal or a ptrace stop shows (restart_syscall).
	 */
	if (n == 13 && strncmp(wchan, "do_syscall_64", n) == 0)
		n = 0;
	buf_adds(b, "[off-cpu: ");
	if (n > 0 && !(n == 1 && wchan[0] == '0')) {
		sanitize(b, wchan, n, 0);
		buf_addc(b, ']');
		return (1);
	}
	if ((state >= 'A' && state <= 'Z') || (state >= 'a' &&
	    state <= 'z'))
		buf_addc(b, state);
	else
		buf_addc(b, '?');
	buf_addc(b, ']');
	return (0);
}

/*
 * A /proc/PID/task/TID/stat line: the state letter (after the last ')',
 * as the command name may hold one) and utime + stime in clock ticks.
 * Returns 0, or -1 if the line is not one.
 */
int
prof_stat_parse(const char *text, char *state, uint64_t *ticks)
{
	const char		*p;
	unsigned long long	 ut, st;

	if ((p = strrchr(text, ')')) == NULL || p[1] != ' ' || p[2] == '\0')
		return (-1);
	/* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
	 * cmajflt utime stime */
	if (sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
	    "%llu", state, &ut, &st) != 3)
		return (-1);
	*ticks = ut + st;
	return (0);
}
