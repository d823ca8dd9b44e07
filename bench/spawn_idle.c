/* Fork N idle processes for the benchmark and hold them until told to stop. */

/*
 * Usage: spawn_idle N
 *
 * Each child only pause()s, so it costs a monitor one /proc entry and no
 * CPU. Children are forked, not exec'd, so 10,000 of them take a few
 * seconds. "ready" is printed once all of them exist; SIGTERM, SIGINT or
 * SIGHUP kills them all and exits, and PR_SET_PDEATHSIG takes them down if
 * this process dies any other way (even SIGKILL). The death of our own
 * parent (the benchmark script) counts as SIGTERM.
 */

#define _GNU_SOURCE

#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void	spawn_idle_child(pid_t) __attribute__((noreturn));
static void	spawn_idle_reap(pid_t *, long);
static long	spawn_idle_count(const char *);

/*
 * The child keeps the parent's blocked stop signals: a Ctrl-C sent to the
 * process group must not thin out the idle processes while a measurement
 * is still running. Only SIGKILL, from the parent or its death, ends it.
 */
static void
spawn_idle_child(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		_exit(1);
	/* The parent may have died before prctl: then nobody kills us. */
	if (getppid() != parent)
		_exit(0);
	for (;;)
		pause();
}

/* Kill every child and wait for all of them, so none is left behind. */
static void
spawn_idle_reap(pid_t *pids, long n)
{
	long	i;

	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	while (wait(NULL) != -1 || errno == EINTR)
		;
}

static long
spawn_idle_count(const char *s)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || n < 0 || n > INT_MAX)
		errx(2, "count must be a number from 0 to %d: %s", INT_MAX, s);
	return (n);
}

int
main(int argc, char **argv)
{
	sigset_t	 set;
	pid_t		*pids, self = getpid();
	long		 n, i;
	int		 sig;

	if (argc != 2)
		errx(2, "usage: spawn_idle N");
	n = spawn_idle_count(argv[1]);
	if ((pids = calloc(n > 0 ? n : 1, sizeof *pids)) == NULL)
		err(1, "calloc");

	/* Block the stop signals first, so none is lost while forking. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
		err(1, "prctl");

	for (i = 0; i < n; i++) {
		switch (pids[i] = fork()) {
		case -1:
			warn("fork %ld of %ld (raise ulimit -u or pid_max?)",
			    i + 1, n);
			spawn_idle_reap(pids, i);
			return (1);
		case 0:
			spawn_idle_child(self);
		}
	}
	printf("ready\n");
	fflush(stdout);

	while (sigwait(&set, &sig) != 0)
		;
	spawn_idle_reap(pids, n);
	free(pids);
	return (0);
}
