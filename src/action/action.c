/* The table of actions. */

#include "vigil.h"

#include "action.h"

const struct action *action_table[] = {
	&action_kill,
	&action_profile,
	&action_restart,
	&action_nice_lower,
	&action_nice_raise,
	&action_affinity,
	&action_ioprio,
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

const char *
action_readonly_refusal(void)
{
	return (_("read-only mode (--readonly): actions are disabled"));
}
