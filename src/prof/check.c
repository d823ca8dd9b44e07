/* Whether a process can be profiled, and if ptrace is refused, why. */

#include "vigil.h"

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "sanitize.h"
#include "sampler-int.h"

#define PF_KTHREAD	0x00200000	/* include/linux/sched.h */
#define CAP_SYS_PTRACE_BIT 19

static const char *prof_check_status(const char *, const char *, char *,
		    size_t);
static const char *prof_user_name(uid_t, char *, size_t);
static long	prof_check_threads(int);

/* The value of "Key:" in a /proc status text, or NULL. */
static const char *
prof_check_status(const char *text, const char *key, char *out, size_t len)
{
	const char	*p;
	size_t		 n, klen = strlen(key);

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			p += klen + 1;
			p += strspn(p, " \t");
			n = strcspn(p, "\n");
			if (n >= len)
				n = len - 1;
			memcpy(out, p, n);
			out[n] = '\0';
			return (out);
		}
	}
	return (NULL);
}

static const char *
prof_user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd	*pw;

	if ((pw = getpwuid(uid)) != NULL)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%u", (unsigned)uid);
	return (buf);
}

/* Threads of the process; a leader that called pthread_exit() is a
 * zombie while the others run. */
static long
prof_check_threads(int pid)
{
	char	path[64], status[4096], v[64];

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if (file_read(path, status, sizeof status) < 0 ||
	    prof_check_status(status, "Threads", v, sizeof v) == NULL)
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
	char		 path[64], stat[1024], *p;
	unsigned long	 flags = 0;
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
	/* After the last ')': state, then 5 fields, then flags (field 9). */
	if ((p = strrchr(stat, ')')) == NULL ||
	    sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) != 2) {
		snprintf(err, errlen, _("cannot read %s"), path);
		return (-1);
	}
	if (flags & PF_KTHREAD) {
		snprintf(err, errlen,
		    _("process %d is a kernel thread: it has no user-space "
		    "stack to sample"), pid);
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
		    prof_check_status(status, "TracerPid", v, sizeof v))
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
	char		 path[64], status[4096], v[256], who[64], me[64];
	char		 scope[16];
	unsigned long	 ruid = 0, euid = 0;
	uint64_t	 capeff = 0;
	long		 tracer = 0;
	int		 s = -1;

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if (file_read(path, status, sizeof status) >= 0 &&
	    prof_check_status(status, "Uid", v, sizeof v))
		sscanf(v, "%lu %lu", &ruid, &euid);
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
	if (file_read("/proc/self/status", status, sizeof status) >= 0 &&
	    prof_check_status(status, "CapEff", v, sizeof v))
		capeff = strtoull(v, NULL, 16);
	if ((ruid != geteuid() || euid != geteuid()) &&
	    !(capeff & (1ULL << CAP_SYS_PTRACE_BIT))) {
		snprintf(err, errlen,
		    _("not permitted to trace process %d: it runs as user %s "
		    "and you are %s; only its own user or root may profile "
		    "it (run vigil as that user, or with sudo)"), pid,
		    prof_user_name(ruid != geteuid() ? ruid : euid, who,
		    sizeof who), prof_user_name(geteuid(), me, sizeof me));
		return;
	}
	if (file_read("/proc/sys/kernel/yama/ptrace_scope", scope,
	    sizeof scope) > 0)
		s = atoi(scope);
	switch (s) {
	case 1:
		snprintf(err, errlen,
		    _("not permitted to trace process %d: Yama's "
		    "/proc/sys/kernel/yama/ptrace_scope is 1, so only a "
		    "parent may trace its children; run vigil as root, or "
		    "as root allow it with 'sysctl kernel.yama.ptrace_scope=0'"),
		    pid);
		return;
	case 2:
		snprintf(err, errlen,
		    _("not permitted to trace process %d: Yama's "
		    "/proc/sys/kernel/yama/ptrace_scope is 2, so only root "
		    "(CAP_SYS_PTRACE) may trace; run vigil as root"), pid);
		return;
	case 3:
		snprintf(err, errlen,
		    _("not permitted to trace process %d: Yama's "
		    "/proc/sys/kernel/yama/ptrace_scope is 3, so no process "
		    "may be traced until the next reboot"), pid);
		return;
	}
	if (geteuid() == 0 && !(capeff & (1ULL << CAP_SYS_PTRACE_BIT))) {
		snprintf(err, errlen,
		    _("not permitted to trace process %d: vigil runs without "
		    "the CAP_SYS_PTRACE capability (in a container, add it, "
		    "e.g. docker run --cap-add=SYS_PTRACE)"), pid);
		return;
	}
	snprintf(err, errlen,
	    _("not permitted to trace process %d: it may run a set-user-ID "
	    "program or have made itself undumpable; run vigil as root"),
	    pid);
}
