/* Whether a process can be profiled, and if ptrace is refused, why. */

#include "vigil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "procaccess.h"
#include "sampler-int.h"

static long	prof_check_threads(int);

/* Threads of the process; a leader that called pthread_exit() is a
 * zombie while the others run. */
static long
prof_check_threads(int pid)
{
	char	path[64], status[4096], v[64];

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if (file_read(path, status, sizeof status) < 0 ||
	    proc_status_field(status, "Threads", v, sizeof v) != 0)
		return (0);
	return (strtol(v, NULL, 10));
}
/*
 * Refuse what cannot work before touching ptrace: vigil itself, a PID that
 * does not exist or has exited, a kernel thread. Returns 0, or -1 with a
 * message in err.
 */
int
prof_check_target(int pid, char *err, size_t errlen)
{
	char		 path[64], stat[1024], *p, comm[64];
	char		 state = '?';

	if (pid <= 0) {
		snprintf(err, errlen, _("'%d' is not a process ID"), pid);
		return (-1);
	}
	if (pid == getpid()) {
		snprintf(err, errlen,
		    _("process %d is this vigil: it cannot profile itself"),
		    pid);
		return (-1);
	}
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (file_read(path, stat, sizeof stat) < 0) {
		snprintf(err, errlen, _("no process with PID %d"), pid);
		return (-1);
	}
	/* After the last ')': the state. */
	if ((p = strrchr(stat, ')')) == NULL ||
	    sscanf(p + 1, " %c", &state) != 1) {
		snprintf(err, errlen, _("cannot read %s"), path);
		return (-1);
	}
	if (proc_kernel_thread(pid, comm, sizeof comm) == 1) {
		snprintf(err, errlen,
		    _("PID %d (%s) is a kernel thread: it has no user-space "
		    "stack to sample"), pid, comm);
		return (-1);
	}
	if ((state == 'Z' || state == 'X') && prof_check_threads(pid) <= 1) {
		snprintf(err, errlen,
		    _("process %d has exited (it is a zombie)"), pid);
		return (-1);
	}
	return (0);
}

/* ptrace said EPERM: say which rule refused it and what to do. */
void
prof_explain_eperm(int pid, char *err, size_t errlen)
{
	proc_access_explain(pid, PROC_ACCESS_TRACE, NULL, EPERM, err, errlen);
}
