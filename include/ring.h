/*
 * Fixed-capacity ring buffer of fixed-size elements: the one history
 * container of vigil (per-process CPU, RSS and I/O histories, header
 * sparklines). Pushing is O(1) and never allocates; when full, the oldest
 * element is overwritten. The ring owns its storage.
 */
#ifndef VIGIL_RING_H
#define VIGIL_RING_H

#include <stddef.h>
#include <stdint.h>

struct ring {
	unsigned char	*data;
	uint32_t	 cap;		/* elements */
	uint32_t	 len;		/* elements held, <= cap */
	uint32_t	 head;		/* index of the next write */
	uint16_t	 size;		/* bytes per element */
};

void		 ring_init(struct ring *, size_t size, size_t cap);
void		 ring_free(struct ring *);
void		 ring_clear(struct ring *);
void		 ring_resize(struct ring *, size_t cap);
void		 ring_push(struct ring *, const void *);
const void	*ring_get(const struct ring *, size_t i);	/* 0 = oldest */
const void	*ring_last(const struct ring *);
size_t		 ring_copy(const struct ring *, void *, size_t max);

static inline size_t
ring_len(const struct ring *r)
{
	return (r->len);
}

#endif
