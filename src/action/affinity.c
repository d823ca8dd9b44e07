/*
 * CPU affinity (a): the CPUs every thread of a process may run on, as
 * taskset -a -p sets them. Like nice, affinity is per thread in Linux,
 * and a process's new threads inherit the affinity of the thread that
 * creates them.
 */

#include "vigil.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "cpulist.h"
#include "sched-int.h"
#include "xalloc.h"

struct affinity_arg {
	const cpu_set_t	*set;
	size_t		 size;
};

static int	affinity_task(int, void *);

const struct action action_affinity = {
	.name = "affinity",
	.key = 'a',
	.fkey = 0,
	.help = N_("CPU affinity (taskset) of the selected or tagged processes"),
	.refuse = sched_refuse,
};

static int
affinity_task(int tid, void *arg)
{
	struct affinity_arg	*a = arg;

	return (sched_setaffinity(tid, a->size, a->set));
}

/* The CPUs t may run on now (its main thread's). */
int
action_affinity_get(const struct action_target *t, cpu_set_t *set,
    size_t size, char *err, size_t len)
{
	struct sched_proc	sp;

	if (sched_open(t, &sp, err, len) != 0)
		return (-1);
	if (sched_getaffinity(t->pid, size, set) != 0) {
		sched_explain(t, errno, _("CPU affinity"), NULL, err, len);
		sched_close(&sp);
		return (-1);
	}
	sched_close(&sp);
	return (0);
}

int
action_affinity_one(const struct action_target *t, const cpu_set_t *set,
    size_t size, struct action_sched *r, char *err, size_t len)
{
	struct affinity_arg	 a = { set, size };
	struct sched_proc	 sp;
	cpu_set_t		*now;
	char			 want[64];
	int			 e;

	memset(r, 0, sizeof *r);
	if (CPU_COUNT_S(size, set) == 0) {
		snprintf(err, len, _("choose at least one CPU"));
		return (1);
	}
	if (sched_open(t, &sp, err, len) != 0)
		return (-1);
	now = xcalloc(1, size);
	if (sched_getaffinity(t->pid, size, now) == 0)
		cpulist_format(r->before, sizeof r->before, now, size);
	if (sched_each(&sp, t, affinity_task, &a, r, &e) != 0) {
		if (e == EINVAL) {
			cpulist_format(want, sizeof want, set, size);
			snprintf(err, len, _("process %d may not run on CPUs "
			    "%s: its cpuset does not allow them, or it is a "
			    "kernel thread bound to its CPU"), t->pid, want);
		} else
			sched_explain(t, e, _("CPU affinity"), NULL, err,
			    len);
		free(now);
		sched_close(&sp);
		return (-1);
	}
	if (sched_getaffinity(t->pid, size, now) == 0)
		cpulist_format(r->after, sizeof r->after, now, size);
	else
		snprintf(r->after, sizeof r->after, "?");
	free(now);
	sched_close(&sp);
	return (0);
}
