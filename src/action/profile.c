/* Profile: sample the selected process's stacks live (f). */

#include "vigil.h"

#include <stdio.h>
#include <unistd.h>

#include "action.h"
#include "sample.h"

static const char	*profile_refuse(const struct action_target *, size_t);

const struct action action_profile = {
	.name = "profile",
	.key = 'f',
	.fkey = 0,
	.help = N_("profile the selected process: live hot functions and call tree"),
	.refuse = profile_refuse,
};

/*
 * One process, not vigil, still the one the user saw. What ptrace itself
 * refuses (another user's process, Yama) the sampler explains.
 */
static const char *
profile_refuse(const struct action_target *t, size_t n)
{
	if (n == 0)
		return (_("no process selected"));
	if (t->pid == getpid())
		return (_("vigil does not profile itself"));
	return (action_target_gone(t));
}
