/* CPython 3.11+ location tables (co_linetable): byte offset to line. */

#include "vigil.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "python-int.h"

/*
 * Each entry starts with a byte whose top bit is set: four bits of kind,
 * three of length (code units, minus one). Kinds: 15 no location; 14 the
 * long form (signed line delta, then end line, columns); 13 a line delta
 * without columns; 10 to 12 a delta of 0 to 2 with two column bytes;
 * below 10 the same line with one column byte. Varints are little-endian
 * groups of six bits, 0x40 meaning another group follows; a signed one
 * keeps its sign in the lowest bit.
 */
#define PY_LOC_NONE	15
#define PY_LOC_LONG	14
#define PY_LOC_NOCOL	13
#define PY_LOC_ONELINE0	10

static int
prof_py_varint(const uint8_t *p, size_t len, size_t *i, unsigned *out)
{
	unsigned	v = 0, shift = 0;

	for (;;) {
		if (*i >= len || shift > 24)
			return (-1);
		v |= (unsigned)(p[*i] & 0x3f) << shift;
		shift += 6;
		if ((p[(*i)++] & 0x40) == 0)
			break;
	}
	*out = v;
	return (0);
}

int
prof_py_ranges(const uint8_t *p, size_t len, int firstlineno,
    void (*cb)(const struct prof_py_range *, void *), void *arg)
{
	struct prof_py_range	r;
	size_t			i = 0, k;
	unsigned		u;
	int			code, line = firstlineno, delta, addr = 0;

	while (i < len) {
		if ((p[i] & 0x80) == 0)
			return (-1);
		/* A table read from a target may be anything. */
		if (addr > INT_MAX - 16)
			return (-1);
		code = (p[i] >> 3) & 15;
		r.start = addr;
		addr += ((p[i] & 7) + 1) * 2;
		r.end = addr;
		k = i + 1;
		delta = 0;
		if (code == PY_LOC_LONG || code == PY_LOC_NOCOL) {
			if (prof_py_varint(p, len, &k, &u) != 0)
				return (-1);
			delta = (u & 1) ? -(int)(u >> 1) : (int)(u >> 1);
		} else if (code >= PY_LOC_ONELINE0 && code < PY_LOC_NOCOL)
			delta = code - PY_LOC_ONELINE0;
		/* Deltas of up to 2^29 each: a line out of range is refused. */
		if ((delta > 0 && line > INT_MAX - delta) ||
		    (delta < 0 && line < INT_MIN - delta))
			return (-1);
		line += delta;
		r.line = code == PY_LOC_NONE ? 0 : line;
		if (cb != NULL)
			cb(&r, arg);
		/* The rest of the entry: every byte without the top bit. */
		for (i++; i < len && (p[i] & 0x80) == 0; i++)
			;
	}
	return (0);
}

struct prof_py_find {
	int	addr;
	int	line;
	int	found;
};

static void
prof_py_find_cb(const struct prof_py_range *r, void *arg)
{
	struct prof_py_find	*f = arg;

	if (!f->found && f->addr >= r->start && f->addr < r->end) {
		f->line = r->line;
		f->found = 1;
	}
}

int
prof_py_addr2line(const uint8_t *p, size_t len, int firstlineno, int addr)
{
	struct prof_py_find	f;

	if (addr < 0)
		return (firstlineno);
	f.addr = addr;
	f.line = 0;
	f.found = 0;
	if (prof_py_ranges(p, len, firstlineno, prof_py_find_cb, &f) != 0)
		return (0);
	return (f.line);
}
