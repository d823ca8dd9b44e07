/* The event loop. */

#include "vigil.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "loop.h"
#include "xalloc.h"

struct loop_fd {
	int		 fd;
	short		 events;
	loop_fd_cb	 cb;
	void		*arg;
	int		 dead;
};

struct loop_timer {
	loop_timer_cb	 cb;
	void		*arg;
};

struct loop_sig {
	int		 signo;
	loop_signal_cb	 cb;
	void		*arg;
};

struct loop {
	struct loop_fd	*fds;
	size_t		 nfds;
	struct pollfd	*pfds;
	size_t		 npfdalloc;
	struct loop_sig	*sigs;
	size_t		 nsigs;
	sigset_t	 sigmask;
	int		 sigfd;
	int		 done;
	int		 status;
};

static void	loop_timer_fire(int, short, void *);
static void	loop_signal_fire(int, short, void *);

struct loop *
loop_new(void)
{
	struct loop	*l;

	l = xcalloc(1, sizeof *l);
	l->sigfd = -1;
	sigemptyset(&l->sigmask);
	return (l);
}

void
loop_free(struct loop *l)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nfds; i++) {
		/* A timer deleted since the last sweep is closed and freed. */
		if (l->fds[i].cb == loop_timer_fire && !l->fds[i].dead) {
			close(l->fds[i].fd);
			free(l->fds[i].arg);
		}
	}
	if (l->sigfd != -1) {
		close(l->sigfd);
		sigprocmask(SIG_UNBLOCK, &l->sigmask, NULL);
	}
	free(l->fds);
	free(l->pfds);
	free(l->sigs);
	free(l);
}

int
loop_add_fd(struct loop *l, int fd, short events, loop_fd_cb cb, void *arg)
{
	l->fds = xreallocarray(l->fds, l->nfds + 1, sizeof *l->fds);
	l->fds[l->nfds++] = (struct loop_fd){ fd, events, cb, arg, 0 };
	return (0);
}

/* Safe from inside a callback: the entry is only marked, then swept. */
void
loop_del_fd(struct loop *l, int fd)
{
	size_t	i;

	for (i = 0; i < l->nfds; i++) {
		if (l->fds[i].fd == fd && !l->fds[i].dead) {
			l->fds[i].dead = 1;
			if (l->fds[i].cb == loop_timer_fire) {
				close(fd);
				free(l->fds[i].arg);
			}
		}
	}
}

static void
loop_sweep(struct loop *l)
{
	size_t	i, j;

	for (i = j = 0; i < l->nfds; i++) {
		if (!l->fds[i].dead)
			l->fds[j++] = l->fds[i];
	}
	l->nfds = j;
}

static void
loop_timer_fire(int fd, short revents, void *arg)
{
	struct loop_timer	*t = arg;
	uint64_t		 expirations;

	/* Several missed expirations still call back once. */
	if (read(fd, &expirations, sizeof expirations) != sizeof expirations)
		return;
	t->cb(t->arg);
}

static void
loop_timespec(struct timespec *ts, double secs)
{
	ts->tv_sec = (time_t)secs;
	ts->tv_nsec = (long)((secs - ts->tv_sec) * 1e9);
}

/* A timer first firing after `first` seconds, then every `interval`. */
int
loop_add_timer(struct loop *l, double first, double interval,
    loop_timer_cb cb, void *arg)
{
	struct itimerspec	 its;
	struct loop_timer	*t;
	int			 fd;

	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd == -1)
		return (-1);
	if (first <= 0)
		first = 1e-9;	/* zero would disarm it */
	loop_timespec(&its.it_value, first);
	loop_timespec(&its.it_interval, interval);
	if (timerfd_settime(fd, 0, &its, NULL) == -1) {
		close(fd);
		return (-1);
	}
	t = xmalloc(sizeof *t);
	t->cb = cb;
	t->arg = arg;
	loop_add_fd(l, fd, POLLIN, loop_timer_fire, t);
	return (fd);
}

/*
 * Fire once more after secs. A refresh re-arms its timer when done, so a
 * refresh slower than the delay never runs back to back, as top waits a
 * full delay between refreshes.
 */
int
loop_rearm_timer(struct loop *l, int fd, double secs)
{
	struct itimerspec	its;

	memset(&its, 0, sizeof its);
	loop_timespec(&its.it_value, secs > 0 ? secs : 1e-9);
	return (timerfd_settime(fd, 0, &its, NULL));
}

void
loop_del_timer(struct loop *l, int fd)
{
	loop_del_fd(l, fd);
}

static void
loop_signal_fire(int fd, short revents, void *arg)
{
	struct loop		*l = arg;
	struct signalfd_siginfo	 si;
	size_t			 i;

	while (read(fd, &si, sizeof si) == sizeof si) {
		for (i = 0; i < l->nsigs; i++) {
			if (l->sigs[i].signo == (int)si.ssi_signo)
				l->sigs[i].cb(si.ssi_signo, l->sigs[i].arg);
		}
	}
}

/* The signal is blocked and delivered through the loop's signalfd. */
int
loop_add_signal(struct loop *l, int signo, loop_signal_cb cb, void *arg)
{
	int	fd;

	sigaddset(&l->sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &l->sigmask, NULL) == -1)
		return (-1);
	fd = signalfd(l->sigfd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd == -1)
		return (-1);
	if (l->sigfd == -1)
		loop_add_fd(l, fd, POLLIN, loop_signal_fire, l);
	l->sigfd = fd;
	l->sigs = xreallocarray(l->sigs, l->nsigs + 1, sizeof *l->sigs);
	l->sigs[l->nsigs++] = (struct loop_sig){ signo, cb, arg };
	return (0);
}

void
loop_exit(struct loop *l, int status)
{
	l->done = 1;
	l->status = status;
}

int
loop_run(struct loop *l)
{
	size_t	i, n;

	while (!l->done) {
		loop_sweep(l);
		n = l->nfds;
		if (n > l->npfdalloc) {
			l->npfdalloc = n;
			l->pfds = xreallocarray(l->pfds, n, sizeof *l->pfds);
		}
		for (i = 0; i < n; i++) {
			l->pfds[i].fd = l->fds[i].fd;
			l->pfds[i].events = l->fds[i].events;
			l->pfds[i].revents = 0;
		}
		if (poll(l->pfds, n, -1) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		/* Callbacks may add entries: only the n polled are looked at. */
		for (i = 0; i < n && !l->done; i++) {
			if (l->pfds[i].revents == 0 || l->fds[i].dead)
				continue;
			l->fds[i].cb(l->fds[i].fd, l->pfds[i].revents,
			    l->fds[i].arg);
		}
	}
	return (l->status);
}
