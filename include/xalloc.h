/*
 * Checked allocation. Every allocation in vigil goes through these; running
 * out of memory prints a message and exits, so callers never test for NULL.
 * The caller owns what they return and frees it with free(3).
 */
#ifndef VIGIL_XALLOC_H
#define VIGIL_XALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
