/*
 * The open-file limit: the monitor raises RLIMIT_NOFILE's soft limit to the
 * hard limit so that the sampler can keep /proc files open between ticks;
 * every process vigil starts (a restart, a supervised command, a child of
 * its own) gets the original soft limit back before it execs.
 */
#ifndef VIGIL_FDLIMIT_H
#define VIGIL_FDLIMIT_H

#include <sys/resource.h>

rlim_t	fdlimit_raise(void);
void	fdlimit_restore(void);

#endif
