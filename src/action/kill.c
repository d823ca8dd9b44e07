/* Kill: send a signal through a pidfd, to the process the user saw. */

#include "vigil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "action.h"
#include "sample.h"

static const char	*kill_refuse(const struct action_target *, size_t);

const struct action action_kill = {
	.name = "kill",
	.key = 'k',
	.fkey = 9,
	.help = N_("send a signal to the selected or tagged processes"),
	.refuse = kill_refuse,
};

/* Every signal a user may want, by name, as kill -l lists them. */
const struct action_signal action_signals[] = {
	{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGQUIT, "SIGQUIT" },
	{ SIGILL, "SIGILL" }, { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
	{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" }, { SIGKILL, "SIGKILL" },
	{ SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
	{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
	{ SIGSTKFLT, "SIGSTKFLT" }, { SIGCHLD, "SIGCHLD" },
	{ SIGCONT, "SIGCONT" }, { SIGSTOP, "SIGSTOP" }, { SIGTSTP, "SIGTSTP" },
	{ SIGTTIN, "SIGTTIN" }, { SIGTTOU, "SIGTTOU" }, { SIGURG, "SIGURG" },
	{ SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
	{ SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" },
	{ SIGWINCH, "SIGWINCH" }, { SIGIO, "SIGIO" }, { SIGPWR, "SIGPWR" },
	{ SIGSYS, "SIGSYS" },
};
const size_t action_nsignals = nitems(action_signals);

static const char *
kill_refuse(const struct action_target *t, size_t n)
{
	return (n == 0 ? _("no process selected") : NULL);
}

/* PID 1 and vigil itself take a second, explicit confirmation. */
int
action_needs_second_confirm(const struct action_target *t, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (t[i].pid == 1 || t[i].pid == getpid())
			return (1);
	}
	return (0);
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD	O_EXCL		/* linux/pidfd.h, Linux 6.9 */
#endif

/*
 * A thread's row (H) names a thread, which has a pidfd of its own only
 * with PIDFD_THREAD; a signal sent through it goes to that thread (a
 * fatal one ends its whole process, as kill(1) of a TID does).
 */
static int
kill_pidfd_open(const struct action_target *t)
{
	return (syscall(SYS_pidfd_open, t->pid, t->thread ? PIDFD_THREAD :
	    0));
}

static int
kill_pidfd_send(int fd, int signo)
{
	return (syscall(SYS_pidfd_send_signal, fd, signo, NULL, 0));
}

/*
 * Open a pidfd first, then check the start time: if the PID was reused
 * before the pidfd was opened, the start time differs and nothing is sent;
 * if after, the pidfd still names the old process and the kernel says
 * ESRCH. Returns 0, or -1 with a plain-words reason in err.
 */
int
action_kill_one(const struct action_target *t, int signo, char *err,
    size_t errlen)
{
	unsigned long long	start;
	int			fd, saved;

	if ((fd = kill_pidfd_open(t)) == -1) {
		if (errno == ESRCH)
			snprintf(err, errlen, _("process %d has already exited"),
			    t->pid);
		else if (t->thread && errno == EINVAL)
			snprintf(err, errlen, _("cannot signal thread %d alone "
			    "before Linux 6.9: select its process (H hides "
			    "threads)"), t->pid);
		else
			snprintf(err, errlen, _("cannot open process %d: %s"),
			    t->pid, strerror(errno));
		return (-1);
	}
	if (sample_start_time(t->pid, &start) != 0 || start != t->start) {
		close(fd);
		snprintf(err, errlen,
		    _("PID %d is now another process: nothing was sent"),
		    t->pid);
		return (-1);
	}
	if (kill_pidfd_send(fd, signo) == -1) {
		saved = errno;
		close(fd);
		switch (saved) {
		case EPERM:
			snprintf(err, errlen,
			    _("not allowed to signal process %d (owned by another user; try as root)"),
			    t->pid);
			break;
		case ESRCH:
			snprintf(err, errlen, _("process %d has already exited"),
			    t->pid);
			break;
		default:
			snprintf(err, errlen, _("cannot signal process %d: %s"),
			    t->pid, strerror(saved));
			break;
		}
		return (-1);
	}
	close(fd);
	return (0);
}
