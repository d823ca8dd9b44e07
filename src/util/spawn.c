/* Running vigil's own commands in a child, output through a pipe. */

#include "vigil.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fdlimit.h"
#include "spawn.h"

/* In the child, between fork and exec: only async-signal-safe calls. */
static void __attribute__((noreturn))
spawn_child(const char *path, char *const argv[], int out, pid_t parent)
{
	static const char	 msg[] = "vigil: cannot run ";
	struct sigaction	 sa;
	sigset_t		 none;
	int			 null, sig;

	/* The parent blocks signals for its signalfd; a new program must not. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);	/* vigil died before the line above */
	if ((null = open("/dev/null", O_RDONLY)) != -1) {
		dup2(null, STDIN_FILENO);
		if (null != STDIN_FILENO)
			close(null);
	}
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	if (out != STDOUT_FILENO && out != STDERR_FILENO)
		close(out);
	fdlimit_restore();
	execv(path, argv);
	(void)!write(STDERR_FILENO, msg, sizeof msg - 1);
	(void)!write(STDERR_FILENO, path, strlen(path));
	(void)!write(STDERR_FILENO, "\n", 1);
	_exit(127);
}

/*
 * Start argv (argv[0] is the name shown, "vigil") with stdout and stderr
 * into a pipe; its read end, non-blocking, in *fdp. Returns the pid, or
 * -1 with err set.
 */
pid_t
spawn_self(char *const argv[], int *fdp, char *err, size_t errlen)
{
	return (spawn_prog("/proc/self/exe", argv, fdp, err, errlen));
}

/* The same for another program, by its path (strace). */
pid_t
spawn_prog(const char *path, char *const argv[], int *fdp, char *err,
    size_t errlen)
{
	pid_t	pid, parent = getpid();
	int	fds[2];

	if (pipe2(fds, O_CLOEXEC) == -1) {
		snprintf(err, errlen, _("cannot make a pipe: %s"),
		    strerror(errno));
		return (-1);
	}
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, _("cannot fork: %s"), strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return (-1);
	}
	if (pid == 0)
		spawn_child(path, argv, fds[1], parent);
	close(fds[1]);
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	*fdp = fds[0];
	return (pid);
}

/*
 * Ask the child to end (SIGTERM), give it up to wait seconds, then kill
 * it; reap it either way. Returns its wait status.
 */
int
spawn_end(pid_t pid, double wait)
{
	struct timespec	 step = { 0, 10 * 1000 * 1000 };
	double		 waited = 0;
	int		 status = 0;

	if (pid <= 0)
		return (0);
	kill(pid, SIGTERM);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (waited >= wait) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		nanosleep(&step, NULL);
		waited += 0.01;
	}
	return (status);
}
