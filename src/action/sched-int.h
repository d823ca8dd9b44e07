/*
 * Shared by the scheduling actions (renice.c, affinity.c, ioprio.c): the
 * target opened and checked once, then one call per thread.
 */
#ifndef VIGIL_SCHED_INT_H
#define VIGIL_SCHED_INT_H

#include <stddef.h>

#include "action.h"

struct sched_proc {
	int	 dirfd;		/* /proc/PID, its start time checked */
	int	 pidfd;		/* -1 for a thread target */
};

typedef int	(*sched_task_fn)(int, void *);

int	sched_open(const struct action_target *, struct sched_proc *, char *,
	    size_t);
void	sched_close(struct sched_proc *);
int	sched_each(struct sched_proc *, const struct action_target *,
	    sched_task_fn, void *, struct action_sched *, int *);
void	sched_explain(const struct action_target *, int, const char *,
	    const char *, char *, size_t);
const char *sched_refuse(const struct action_target *, size_t);

#endif
