/* Growable byte buffer. */

#include "vigil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for n more bytes plus the terminating NUL. */
void
buf_reserve(struct buf *b, size_t n)
{
	size_t	cap;

	if (b->len + n + 1 <= b->cap)
		return;
	cap = b->cap != 0 ? b->cap : 64;
	while (cap < b->len + n + 1)
		cap *= 2;
	b->data = xreallocarray(b->data, cap, 1);
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/*
 * An unsigned number as a base-128 varint, low group first, the high bit
 * saying another follows: protobuf's encoding (pprof) and the record
 * store's.
 */
void
buf_add_varint(struct buf *b, unsigned long long v)
{
	unsigned char	out[10];
	size_t		n = 0;

	do {
		out[n] = v & 0x7f;
		v >>= 7;
		if (v != 0)
			out[n] |= 0x80;
		n++;
	} while (v != 0);
	buf_add(b, out, n);
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

/*
 * Formatted once into the room there is, and a second time only when it
 * did not fit: batch output formats every row here, and measuring first
 * cost a second vsnprintf per row (callgrind: 58% of a --batch refresh).
 */
void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	size_t	room;
	int	n;

	buf_reserve(b, 128);
	room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if (n <= 0) {
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		buf_reserve(b, n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += n;
}

const char *
buf_str(const struct buf *b)
{
	return (b->data != NULL ? b->data : "");
}
