/*
 * Renice: the nice value of every thread of a process one step lower
 * (] F7, htop's "Nice -": more CPU) or higher ([ F8, "Nice +").
 *
 * Linux keeps a nice value per thread, and setpriority(PRIO_PROCESS, PID)
 * changes the main thread only: that is what htop and renice(1) do, and a
 * busy worker thread then keeps its old priority. vigil sets every thread
 * of the process to the main thread's value plus the step, so the process
 * as a whole has the value the user asked for; with threads shown (H), a
 * thread's own row changes that thread alone.
 */

#include "vigil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "action.h"
#include "sched-int.h"

static int	renice_task(int, void *);
static int	renice_get(int, int *);

const struct action action_nice_lower = {
	.name = "nice-",
	.key = ']',
	.fkey = 7,
	.help = N_("renice: nice -1, a higher priority (needs CAP_SYS_NICE)"),
	.refuse = sched_refuse,
};

const struct action action_nice_raise = {
	.name = "nice+",
	.key = '[',
	.fkey = 8,
	.help = N_("renice: nice +1, a lower priority"),
	.refuse = sched_refuse,
};

static int
renice_task(int tid, void *arg)
{
	return (setpriority(PRIO_PROCESS, tid, *(int *)arg));
}

/* The nice value of one thread, or -1 with errno set. */
static int
renice_get(int tid, int *nice)
{
	errno = 0;
	*nice = getpriority(PRIO_PROCESS, tid);
	return (*nice == -1 && errno != 0 ? -1 : 0);
}

/*
 * The nice value of t's main thread (its thread for a thread target) plus
 * delta, within -20..19, on every thread. Returns 1 if it is already at
 * that end of the range.
 */
int
action_renice_one(const struct action_target *t, int delta,
    struct action_sched *r, char *err, size_t len)
{
	struct sched_proc	sp;
	int			cur, want, now, e;

	memset(r, 0, sizeof *r);
	if (sched_open(t, &sp, err, len) != 0)
		return (-1);
	if (renice_get(t->pid, &cur) != 0) {
		sched_explain(t, errno, _("nice value"), NULL, err, len);
		sched_close(&sp);
		return (-1);
	}
	want = cur + delta;
	if (want < ACTION_NICE_MIN)
		want = ACTION_NICE_MIN;
	if (want > ACTION_NICE_MAX)
		want = ACTION_NICE_MAX;
	if (want == cur) {
		snprintf(err, len, want == ACTION_NICE_MIN ?
		    _("process %d already has nice %d, the highest priority") :
		    _("process %d already has nice %d, the lowest priority"),
		    t->pid, cur);
		sched_close(&sp);
		return (1);
	}
	snprintf(r->before, sizeof r->before, "%d", cur);
	if (sched_each(&sp, t, renice_task, &want, r, &e) != 0) {
		sched_explain(t, e, _("nice value"), want < cur ?
		    _("a lower nice value needs CAP_SYS_NICE") : NULL, err,
		    len);
		sched_close(&sp);
		return (-1);
	}
	if (renice_get(t->pid, &now) == 0)
		snprintf(r->after, sizeof r->after, "%d", now);
	else
		snprintf(r->after, sizeof r->after, "?");
	sched_close(&sp);
	return (0);
}
