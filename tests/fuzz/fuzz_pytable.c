/*
 * A CPython 3.11+ location table (co_linetable) as read from a target's
 * memory, which may be anything: walked to its end or refused.
 */

#include "vigil.h"

#include "python-int.h"
#include "fuzz.h"

static void
range(const struct prof_py_range *r, void *arg)
{
	if (r->start > r->end)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int	first;

	/* The first byte: co_firstlineno; the rest: the table. */
	if (size == 0)
		return (0);
	first = data[0];
	prof_py_ranges(data + 1, size - 1, first, range, NULL);
	prof_py_addr2line(data + 1, size - 1, first, (int)(size * 2));
	prof_py_addr2line(data + 1, size - 1, first, -1);
	return (0);
}
