/* Raising RLIMIT_NOFILE for the sampler, and restoring it in children. */

#include "vigil.h"

#include <sys/resource.h>

#include "fdlimit.h"

static struct rlimit	fdlimit_orig;
static int		fdlimit_raised;

/*
 * Raise the soft limit to the hard one; remember the original the first
 * time. Returns the soft limit now in force.
 */
rlim_t
fdlimit_raise(void)
{
	struct rlimit	rl, want;


	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return (1024);
	if (rl.rlim_cur >= rl.rlim_max)
		return (rl.rlim_cur);
	want = rl;
	want.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &want) == -1)
		return (rl.rlim_cur);
	/* The first limit seen is the user's; a later lowering is ours. */
	if (!fdlimit_raised)
		fdlimit_orig = rl;
	fdlimit_raised = 1;
	return (want.rlim_cur);
}

/*
 * In a child between fork and exec (setrlimit is a plain system call):
 * the limit the user gave vigil, not the raised one.
 */
void
fdlimit_restore(void)
{
	if (fdlimit_raised)
		setrlimit(RLIMIT_NOFILE, &fdlimit_orig);
}
