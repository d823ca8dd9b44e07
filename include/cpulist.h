/*
 * CPU lists in the kernel's own syntax ("0-3,8,10-11", as in
 * /sys/devices/system/cpu/online and Cpus_allowed_list of
 * /proc/PID/status) to and from a cpu_set_t of setsize bytes (allocated
 * with CPU_ALLOC, or a plain cpu_set_t with sizeof). The caller owns the
 * set and the output string.
 */
#ifndef VIGIL_CPULIST_H
#define VIGIL_CPULIST_H

#include <sched.h>
#include <stddef.h>

int	 cpulist_parse(const char *, cpu_set_t *, size_t);
char	*cpulist_format(char *, size_t, const cpu_set_t *, size_t);
int	 cpulist_online(cpu_set_t *, size_t);
cpu_set_t *cpulist_alloc(size_t *);

#endif
