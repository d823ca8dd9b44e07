/* Raising RLIMIT_NOFILE for the sampler, and restoring it in children. */

#include "vigil.h"

#include <sys/resource.h>

#include "fdlimit.h"

static struct rlimit	fdlimit_orig;
static int		fdlimit_raised;

/*
 * Raise the soft limit to the hard one, once; remember the original.
 * Returns the soft limit now in force.
 */
rlim_t
fdlimit_raise(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return (1024);
	if (fdlimit_raised || rl.rlim_cur == rl.rlim_max)
		return (rl.rlim_cur);
	fdlimit_orig = rl;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		return (fdlimit_orig.rlim_cur);
	fdlimit_raised = 1;
	return (rl.rlim_cur);
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
