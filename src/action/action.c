/* The table of actions. */

#include "vigil.h"

#include <stdio.h>

#include "action.h"
#include "sample.h"

const struct action *action_table[] = {
	&action_kill,
	&action_profile,
	&action_restart,
	&action_nice_lower,
	&action_nice_raise,
	&action_affinity,
	&action_ioprio,
	&action_strace,
	&action_files,
	NULL
};

const struct action *
action_find(int key)
{
	size_t	i;

	for (i = 0; action_table[i] != NULL; i++) {
		if (action_table[i]->key == key)
			return (action_table[i]);
	}
	return (NULL);
}

/* Replay shows processes that may be gone: nothing acts on them. */
static int	action_replay;

void
action_set_replay(int on)
{
	action_replay = on;
}

const char *
action_readonly_refusal(void)
{
	if (action_replay)
		return (_("replay: actions on processes are off (what is shown was recorded)"));
	return (_("read-only mode (--readonly): actions are disabled"));
}

/*
 * Why the process the user chose is no longer there: exited, or its PID
 * now names another process (its start time differs). NULL if it is.
 */
const char *
action_target_gone(const struct action_target *t)
{
	static char		 why[128];
	unsigned long long	 start;

	if (sample_start_time(t->pid, &start) != 0) {
		snprintf(why, sizeof why, _("process %d has already exited"),
		    t->pid);
		return (why);
	}
	if (start != t->start) {
		snprintf(why, sizeof why,
		    _("PID %d is now another process"), t->pid);
		return (why);
	}
	return (NULL);
}
