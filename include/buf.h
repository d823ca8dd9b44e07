/*
 * Growable byte buffer, always NUL-terminated: the one string builder of
 * vigil (batch output, JSON, sanitised text). The buffer owns its memory.
 */
#ifndef VIGIL_BUF_H
#define VIGIL_BUF_H

#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

#define BUF_INITIALIZER	{ NULL, 0, 0 }

void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_reserve(struct buf *, size_t);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_add_varint(struct buf *, unsigned long long);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
const char *buf_str(const struct buf *);

#endif
