/*
 * I/O priority (o), as ionice(1) sets it: a class (realtime, best-effort,
 * idle, or none, where the level follows the nice value) and a level 0-7
 * for realtime and best-effort, 0 first. ioprio_set(2) with
 * IOPRIO_WHO_PROCESS changes one thread, so every thread is changed
 * (ionice -p changes the main thread only). glibc has no wrapper: the
 * system calls are made directly.
 */

#include "vigil.h"

#include <errno.h>
#include <linux/ioprio.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "action.h"
#include "fmt.h"
#include "sched-int.h"

static int	ioprio_task(int, void *);
static int	ioprio_get(int, int *);

const struct action action_ioprio = {
	.name = "ioprio",
	.key = 'o',
	.fkey = 0,
	.help = N_("I/O priority (ionice, htop's i) of the selected or tagged processes"),
	.refuse = sched_refuse,
};

/* The value of a class and level, as ioprio_set(2) takes it. */
int
action_ioprio_value(int class, int level)
{
	if (class != IOPRIO_CLASS_RT && class != IOPRIO_CLASS_BE)
		level = 0;
	return (IOPRIO_PRIO_VALUE(class, level));
}

static int
ioprio_task(int tid, void *arg)
{
	return (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, tid, *(int *)arg));
}

static int
ioprio_get(int tid, int *v)
{
	long	rc;

	if ((rc = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, tid)) == -1)
		return (-1);
	*v = (int)rc;
	return (0);
}

int
action_ioprio_get(const struct action_target *t, int *v, char *err,
    size_t len)
{
	struct sched_proc	sp;

	if (sched_open(t, &sp, err, len) != 0)
		return (-1);
	if (ioprio_get(t->pid, v) != 0) {
		sched_explain(t, errno, _("I/O priority"), NULL, err, len);
		sched_close(&sp);
		return (-1);
	}
	sched_close(&sp);
	return (0);
}

int
action_ioprio_one(const struct action_target *t, int value,
    struct action_sched *r, char *err, size_t len)
{
	struct sched_proc	sp;
	int			cur, e;

	memset(r, 0, sizeof *r);
	if (sched_open(t, &sp, err, len) != 0)
		return (-1);
	if (ioprio_get(t->pid, &cur) == 0)
		fmt_ioprio(r->before, sizeof r->before, cur);
	if (sched_each(&sp, t, ioprio_task, &value, r, &e) != 0) {
		if (e == EINVAL)
			snprintf(err, len, _("the kernel does not take I/O "
			    "priority %d for process %d"), value, t->pid);
		else
			sched_explain(t, e, _("I/O priority"),
			    IOPRIO_PRIO_CLASS(value) == IOPRIO_CLASS_RT ?
			    _("the realtime class needs CAP_SYS_NICE") : NULL,
			    err, len);
		sched_close(&sp);
		return (-1);
	}
	if (ioprio_get(t->pid, &cur) == 0)
		fmt_ioprio(r->after, sizeof r->after, cur);
	else
		snprintf(r->after, sizeof r->after, "?");
	sched_close(&sp);
	return (0);
}
