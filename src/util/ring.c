/* Fixed-capacity ring buffer. */

#include "vigil.h"

#include <stdlib.h>
#include <string.h>

#include "ring.h"
#include "xalloc.h"

void
ring_init(struct ring *r, size_t size, size_t cap)
{
	r->size = size;
	r->cap = cap;
	r->len = 0;
	r->head = 0;
	r->data = cap != 0 ? xreallocarray(NULL, cap, size) : NULL;
}

void
ring_free(struct ring *r)
{
	free(r->data);
	r->data = NULL;
	r->cap = r->len = r->head = 0;
}

void
ring_clear(struct ring *r)
{
	r->len = 0;
	r->head = 0;
}

/* Change the capacity, keeping the newest elements that still fit. */
void
ring_resize(struct ring *r, size_t cap)
{
	unsigned char	*data = NULL;
	size_t		 keep, skip, i;

	if (cap == r->cap)
		return;
	keep = r->len < cap ? r->len : cap;
	skip = r->len - keep;
	if (cap != 0) {
		data = xreallocarray(NULL, cap, r->size);
		for (i = 0; i < keep; i++)
			memcpy(data + i * r->size, ring_get(r, skip + i),
			    r->size);
	}
	free(r->data);
	r->data = data;
	r->cap = cap;
	r->len = keep;
	r->head = cap != 0 ? keep % cap : 0;
}

void
ring_push(struct ring *r, const void *elem)
{
	if (r->cap == 0)
		return;
	memcpy(r->data + (size_t)r->head * r->size, elem, r->size);
	if (++r->head == r->cap)
		r->head = 0;
	if (r->len < r->cap)
		r->len++;
}

const void *
ring_get(const struct ring *r, size_t i)
{
	size_t	idx;

	if (i >= r->len)
		return (NULL);
	idx = (r->head + r->cap - r->len + i) % r->cap;
	return (r->data + idx * r->size);
}

const void *
ring_last(const struct ring *r)
{
	if (r->len == 0)
		return (NULL);
	return (ring_get(r, r->len - 1));
}

/* Copy up to max of the newest elements, oldest first; returns the count. */
size_t
ring_copy(const struct ring *r, void *out, size_t max)
{
	size_t	n = r->len < max ? r->len : max, skip = r->len - n, i;

	for (i = 0; i < n; i++)
		memcpy((unsigned char *)out + i * r->size,
		    ring_get(r, skip + i), r->size);
	return (n);
}
