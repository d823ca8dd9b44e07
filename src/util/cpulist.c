/* CPU lists ("0-3,8"), the syntax of the kernel and of taskset -c. */

#include "vigil.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpulist.h"
#include "file.h"
#include "xalloc.h"

static int	cpulist_number(const char **, unsigned long *);

/* One decimal number, no sign; moves *s past it. */
static int
cpulist_number(const char **s, unsigned long *v)
{
	char	*end;

	if (!isdigit((unsigned char)**s))
		return (-1);
	errno = 0;
	*v = strtoul(*s, &end, 10);
	if (errno != 0 || *v > INT_MAX)
		return (-1);
	*s = end;
	return (0);
}

/*
 * "0-3,8,10-11" (and the kernel's "0-7:2" strides, as taskset takes) into
 * set, which is cleared first. Blanks and a newline at the end are allowed;
 * an empty list is an empty set. Returns 0, or -1 (errno EINVAL) for a
 * malformed list or a CPU beyond the set's size.
 */
int
cpulist_parse(const char *s, cpu_set_t *set, size_t setsize)
{
	unsigned long	a, b, stride, i;

	CPU_ZERO_S(setsize, set);
	s += strspn(s, " \t");
	while (*s != '\0' && *s != '\n') {
		if (cpulist_number(&s, &a) != 0)
			goto bad;
		b = a;
		stride = 1;
		if (*s == '-') {
			s++;
			if (cpulist_number(&s, &b) != 0 || b < a)
				goto bad;
			if (*s == ':') {
				s++;
				if (cpulist_number(&s, &stride) != 0 ||
				    stride == 0)
					goto bad;
			}
		}
		if (b >= setsize * 8)
			goto bad;
		for (i = a; i <= b; i += stride)
			CPU_SET_S(i, setsize, set);
		s += strspn(s, " \t");
		if (*s == ',') {
			s++;
			s += strspn(s, " \t");
		} else if (*s != '\0' && *s != '\n')
			goto bad;
	}
	return (0);
bad:
	errno = EINVAL;
	return (-1);
}

/*
 * The set as the kernel writes it: runs of two or more as "a-b", commas
 * between ("0-3,8"); the empty set is "". Truncated to fit out (len > 0).
 */
char *
cpulist_format(char *out, size_t len, const cpu_set_t *set, size_t setsize)
{
	size_t	i, j, n = 0, max = setsize * 8;
	int	w;

	out[0] = '\0';
	for (i = 0; i < max; i = j) {
		if (!CPU_ISSET_S(i, setsize, set)) {
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < max && CPU_ISSET_S(j, setsize, set); j++)
			;
		if (j - 1 > i)
			w = snprintf(out + n, len - n, "%s%zu-%zu",
			    n > 0 ? "," : "", i, j - 1);
		else
			w = snprintf(out + n, len - n, "%s%zu",
			    n > 0 ? "," : "", i);
		if (w < 0 || (size_t)w >= len - n)
			break;
		n += w;
	}
	return (out);
}

/*
 * The CPUs online now, from /sys/devices/system/cpu/online; where that
 * cannot be read, the first sysconf(_SC_NPROCESSORS_ONLN). Returns the
 * number of CPUs in the set, or -1.
 */
int
cpulist_online(cpu_set_t *set, size_t setsize)
{
	char	text[4096];
	long	n, i;

	if (file_read("/sys/devices/system/cpu/online", text,
	    sizeof text) > 0 && cpulist_parse(text, set, setsize) == 0 &&
	    CPU_COUNT_S(setsize, set) > 0)
		return (CPU_COUNT_S(setsize, set));
	CPU_ZERO_S(setsize, set);
	if ((n = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		return (-1);
	for (i = 0; i < n && (size_t)i < setsize * 8; i++)
		CPU_SET_S(i, setsize, set);
	return (CPU_COUNT_S(setsize, set));
}

/*
 * A cleared set with room for every CPU this machine may have (at least
 * CPU_SETSIZE, as sched_getaffinity(2) wants no less than the kernel's
 * own mask); its size in bytes goes in *size. Freed with free().
 */
cpu_set_t *
cpulist_alloc(size_t *size)
{
	long	n = sysconf(_SC_NPROCESSORS_CONF);

	if (n < CPU_SETSIZE)
		n = CPU_SETSIZE;
	*size = CPU_ALLOC_SIZE(n);
	return (xcalloc(1, *size));
}
