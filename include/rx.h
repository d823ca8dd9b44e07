/*
 * The pcre2 wrapper: compile a pattern once (case-insensitive unless it has
 * a capital letter, as in less and htop's search), then match strings
 * against it. On a bad pattern, rx_compile() returns NULL and fills the
 * caller's buffer with pcre2's message and the offset it reports.
 */
#ifndef VIGIL_RX_H
#define VIGIL_RX_H

#include <stddef.h>

struct rx;

#define RX_SMARTCASE	0x1	/* ignore case unless the pattern has capitals */
#define RX_ICASE	0x2	/* always ignore case */

struct rx	*rx_compile(const char *, int, char *, size_t);
void		 rx_free(struct rx *);
int		 rx_match(const struct rx *, const char *, size_t);
int		 rx_find(const struct rx *, const char *, size_t, size_t,
		     size_t *, size_t *);
const char	*rx_pattern(const struct rx *);

#endif
