/* Whether a process can be profiled, and if ptrace is refused, why. */

#include "vigil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "sanitize.h"
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

/*
 * The tracer of thread tid of pid, or 0: a debugger or strace may trace
 * one thread only (strace -p TID), so the thread is asked, then the
 * leader.
 * Its name goes into comm.
 */
static long
prof_check_tracer(int pid, int tid, char *comm, size_t len)
{
	struct buf	 b = BUF_INITIALIZER;
	char		 path[96], status[4096], v[64];
	long		 tracer = 0;
	int		 i, ids[2] = { tid, pid };

	/* The thread refused first; not this vigil, which holds others. */
	for (i = 0; i < 2 && tracer <= 0; i++) {
		snprintf(path, sizeof path, "/proc/%d/task/%d/status", pid,
		    ids[i]);
		if (file_read(path, status, sizeof status) >= 0 &&
		    proc_status_field(status, "TracerPid", v, sizeof v) == 0)
			tracer = strtol(v, NULL, 10);
		if (tracer == getpid())
			tracer = 0;
	}
	snprintf(comm, len, "?");
	if (tracer > 0) {
		snprintf(path, sizeof path, "/proc/%ld/comm", tracer);
		if (file_read(path, v, sizeof v) > 0) {
			v[strcspn(v, "\n")] = '\0';
			/* A name is anything a process says: sanitised. */
			sanitize(&b, v, strlen(v), 0);
			snprintf(comm, len, "%s", buf_str(&b));
			buf_free(&b);
		}
	}
	return (tracer);
}

/*
 * ptrace said EPERM for thread tid of pid: say which rule refused it and
 * what to do.
 */
void
prof_explain_eperm(int pid, int tid, char *err, size_t errlen)
{
	char		 tcomm[64];
	long		 tracer;

	if ((tracer = prof_check_tracer(pid, tid, tcomm, sizeof tcomm)) > 0) {
		if (tid != pid)
			snprintf(err, errlen,
			    _("thread %d of process %d is already traced by "
			    "process %ld (%s); detach it first (a process has "
			    "one tracer at a time)"), tid, pid, tracer, tcomm);
		else
			snprintf(err, errlen,
			    _("process %d is already traced by process %ld "
			    "(%s); detach it first (a process has one tracer "
			    "at a time)"), pid, tracer, tcomm);
		return;
	}
	proc_access_explain(pid, PROC_ACCESS_TRACE, NULL, EPERM, err, errlen);
}
