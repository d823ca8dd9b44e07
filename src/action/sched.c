/*
 * The scheduling actions' common part: open the process the user chose
 * (refused if its PID now names another), then call a function on each of
 * its threads, checked to be its threads before and after the call.
 */

#include "vigil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "action.h"
#include "file.h"
#include "procaccess.h"
#include "sample.h"
#include "sched-int.h"

#define CAP_SYS_NICE_BIT	23

static int	sched_tid(const char *);
static int	sched_have_nice_cap(void);

const char *
sched_refuse(const struct action_target *t, size_t n)
{
	return (n == 0 ? _("no process selected") : NULL);
}

/*
 * A pidfd first (a process; a thread has none before Linux 6.9), then the
 * /proc/PID directory, whose start time must be the one the user saw. The
 * directory keeps naming that process if it exits and its PID is reused,
 * so the threads listed through it are its threads. Returns 0, or -1 with
 * the reason in err.
 */
int
sched_open(const struct action_target *t, struct sched_proc *sp, char *err,
    size_t len)
{
	unsigned long long	start;
	char			path[64];

	sp->dirfd = sp->pidfd = -1;
	if (!t->thread &&
	    (sp->pidfd = syscall(SYS_pidfd_open, t->pid, 0)) == -1 &&
	    errno == ESRCH)
		goto gone;
	snprintf(path, sizeof path, "/proc/%d", t->pid);
	if ((sp->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    sample_start_time_at(sp->dirfd, &start) != 0)
		goto gone;
	if (start != t->start) {
		snprintf(err, len,
		    _("PID %d is now another process: nothing was changed"),
		    t->pid);
		sched_close(sp);
		return (-1);
	}
	return (0);
gone:
	snprintf(err, len, _("process %d has already exited"), t->pid);
	sched_close(sp);
	return (-1);
}

void
sched_close(struct sched_proc *sp)
{
	if (sp->pidfd != -1)
		close(sp->pidfd);
	if (sp->dirfd != -1)
		close(sp->dirfd);
	sp->pidfd = sp->dirfd = -1;
}

/* A task directory's name as a TID, or -1. */
static int
sched_tid(const char *name)
{
	char	*end;
	long	 v;

	v = strtol(name, &end, 10);
	if (*name == '\0' || *end != '\0' || v <= 0 || v > 0x3fffffff)
		return (-1);
	return ((int)v);
}

/*
 * fn(tid, arg) on every thread of the process (on the thread alone for a
 * thread target). A thread counts as changed when it is still one of the
 * process's threads after the call: its TID cannot have been reused while
 * it was. A thread that exits meanwhile is skipped. Returns 0 if every
 * live thread was changed, else -1 with the first refusal's errno in *e
 * (ESRCH: the process itself exited).
 */
int
sched_each(struct sched_proc *sp, const struct action_target *t,
    sched_task_fn fn, void *arg, struct action_sched *r, int *e)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 fd, tid;

	*e = 0;
	if (t->thread) {
		if (fn(t->pid, arg) == 0 && fstatat(sp->dirfd, "stat", &st,
		    0) == 0)
			r->ntasks++;
		else {
			*e = errno;
			r->nfailed++;
		}
		return (r->nfailed > 0 ? -1 : 0);
	}
	if ((fd = openat(sp->dirfd, "task", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || (d = fdopendir(fd)) == NULL) {
		*e = errno == ENOENT ? ESRCH : errno;
		if (fd != -1)
			close(fd);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if ((tid = sched_tid(de->d_name)) == -1)
			continue;
		/* Listed a moment ago; still ours just before the call? */
		if (fstatat(fd, de->d_name, &st, 0) != 0)
			continue;
		if (fn(tid, arg) != 0) {
			if (errno == ESRCH)
				continue;	/* exited meanwhile */
			if (*e == 0)
				*e = errno;
			r->nfailed++;
			continue;
		}
		if (fstatat(fd, de->d_name, &st, 0) == 0)
			r->ntasks++;
	}
	closedir(d);
	/* The process itself exited while its threads were changed. */
	if (sp->pidfd != -1 &&
	    syscall(SYS_pidfd_send_signal, sp->pidfd, 0, NULL, 0) == -1 &&
	    errno == ESRCH) {
		*e = ESRCH;
		return (-1);
	}
	if (r->ntasks == 0 && r->nfailed == 0) {
		*e = ESRCH;
		return (-1);
	}
	return (r->nfailed > 0 ? -1 : 0);
}

/* vigil's effective capabilities include CAP_SYS_NICE. */
static int
sched_have_nice_cap(void)
{
	char	text[4096], v[64];

	if (file_read("/proc/self/status", text, sizeof text) < 0 ||
	    proc_status_field(text, "CapEff", v, sizeof v) != 0)
		return (geteuid() == 0);
	return ((strtoull(v, NULL, 16) >> CAP_SYS_NICE_BIT) & 1);
}

/*
 * Why the kernel refused to `what` (e.g. "renice") process t, by its real
 * cause: it is gone, it belongs to another user, or the change itself
 * needs CAP_SYS_NICE (need says which change, or is NULL). The kernel
 * lets a process's own user change it without the capability (ruid or
 * euid equal to vigil's euid), except where need applies.
 */
void
sched_explain(const struct action_target *t, int e, const char *what,
    const char *need, char *out, size_t len)
{
	char		 path[64], text[4096], v[128], user[64];
	unsigned long	 ruid = 0, euid = 0;
	struct passwd	*pw;
	int		 known = 0;

	if (e == ESRCH) {
		snprintf(out, len, _("process %d exited while its %s was "
		    "changed"), t->pid, what);
		return;
	}
	if (e != EPERM && e != EACCES) {
		snprintf(out, len, _("cannot change the %s of process %d: %s"),
		    what, t->pid, strerror(e));
		return;
	}
	snprintf(path, sizeof path, "/proc/%d/status", t->pid);
	if (file_read(path, text, sizeof text) >= 0 &&
	    proc_status_field(text, "Uid", v, sizeof v) == 0 &&
	    sscanf(v, "%lu %lu", &ruid, &euid) == 2)
		known = 1;
	if (known && ruid != geteuid() && euid != geteuid() &&
	    !sched_have_nice_cap()) {
		if ((pw = getpwuid(ruid)) != NULL)
			snprintf(user, sizeof user, "%s", pw->pw_name);
		else
			snprintf(user, sizeof user, "%lu", ruid);
		if (ruid == 0)
			snprintf(out, len, _("%s of %d not changed: it belongs "
			    "to user %s; run vigil as root"), what, t->pid,
			    user);
		else
			snprintf(out, len, _("%s of %d not changed: it belongs "
			    "to user %s; run vigil as root or as %s"), what,
			    t->pid, user, user);
		return;
	}
	if (need != NULL && !sched_have_nice_cap()) {
		snprintf(out, len, geteuid() == 0 ?
		    _("%s of %d not changed: %s, which vigil lacks although "
		    "it runs as root (a container drops it: docker run "
		    "--cap-add=SYS_NICE)") :
		    _("%s of %d not changed: %s; run vigil as root"), what,
		    t->pid, need);
		return;
	}
	snprintf(out, len, _("%s of %d not changed: %s (a security module, "
	    "or another user namespace)"), what, t->pid, strerror(e));
}
