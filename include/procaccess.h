/*
 * Why vigil may not look into a process, said by its real cause. The
 * kernel answers EPERM or EACCES for many reasons (another user's process,
 * Yama's ptrace_scope, a tracer already attached, a capability vigil lacks,
 * a target outside vigil's container, a security module); the message is
 * decided from the errno, who vigil runs as (uid, CapEff, CapBnd from
 * /proc/self/status) and what /proc says of the target (its Uid, TracerPid,
 * CapPrm), so the profiler and the heap snapshot say the same thing for the
 * same cause. Also the one test for a kernel thread (no user memory, no
 * user stack).
 */
#ifndef VIGIL_PROCACCESS_H
#define VIGIL_PROCACCESS_H

#include <stddef.h>

enum proc_access { PROC_ACCESS_TRACE, PROC_ACCESS_READ };

void	proc_access_explain(int, enum proc_access, const char *, int, char *,
	    size_t);
int	proc_kernel_thread(int, char *, size_t);
int	proc_status_field(const char *, const char *, char *, size_t);

#endif
