/*
 * The untrusted-string sanitiser. Process names, command lines, environment
 * values and log lines may hold escape sequences and invalid UTF-8; every
 * such string goes through sanitize() before it reaches a terminal or an
 * exported file. Output is appended to a caller-owned struct buf.
 */
#ifndef VIGIL_SANITIZE_H
#define VIGIL_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define SAN_ASCII	0x1	/* non-ASCII characters become '?' */

#define UTF8_REPLACEMENT	0xfffd

size_t	utf8_decode(const char *, size_t, uint32_t *);
void	utf8_encode(struct buf *, uint32_t);
int	sanitize_is_control(uint32_t);
void	sanitize(struct buf *, const char *, size_t, int);

#endif
