/* Untrusted-string sanitiser: escapes controls, replaces invalid UTF-8. */

#include "vigil.h"

#include <string.h>

#include "buf.h"
#include "sanitize.h"

/*
 * Decode one UTF-8 character. Returns the bytes it used, or 0 when the bytes
 * at s are not valid UTF-8 (overlong forms, surrogates, values past U+10FFFF
 * and truncated sequences included); the caller then skips one byte.
 */
size_t
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 c, min;
	size_t			 n, i;

	if (len == 0)
		return (0);
	if (u[0] < 0x80) {
		*cp = u[0];
		return (1);
	}
	if ((u[0] & 0xe0) == 0xc0) {
		n = 2; c = u[0] & 0x1f; min = 0x80;
	} else if ((u[0] & 0xf0) == 0xe0) {
		n = 3; c = u[0] & 0x0f; min = 0x800;
	} else if ((u[0] & 0xf8) == 0xf0) {
		n = 4; c = u[0] & 0x07; min = 0x10000;
	} else
		return (0);
	if (len < n)
		return (0);
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (n);
}

void
utf8_encode(struct buf *b, uint32_t c)
{
	char	out[4];
	size_t	n;

	if (c < 0x80) {
		out[0] = c; n = 1;
	} else if (c < 0x800) {
		out[0] = 0xc0 | (c >> 6);
		out[1] = 0x80 | (c & 0x3f); n = 2;
	} else if (c < 0x10000) {
		out[0] = 0xe0 | (c >> 12);
		out[1] = 0x80 | ((c >> 6) & 0x3f);
		out[2] = 0x80 | (c & 0x3f); n = 3;
	} else {
		out[0] = 0xf0 | (c >> 18);
		out[1] = 0x80 | ((c >> 12) & 0x3f);
		out[2] = 0x80 | ((c >> 6) & 0x3f);
		out[3] = 0x80 | (c & 0x3f); n = 4;
	}
	buf_add(b, out, n);
}

/* C0 and C1 controls and DEL: what a terminal may act on. */
int
sanitize_is_control(uint32_t c)
{
	return (c < 0x20 || (c >= 0x7f && c <= 0x9f));
}

static void
sanitize_escape(struct buf *b, uint32_t c)
{
	switch (c) {
	case '\n':
		buf_adds(b, "\\n");
		break;
	case '\r':
		buf_adds(b, "\\r");
		break;
	case '\t':
		buf_adds(b, "\\t");
		break;
	default:
		buf_printf(b, "\\x%02x", (unsigned)c);
		break;
	}
}

/*
 * Append s to b so that it is safe to print: controls shown as \n, \t or
 * \xNN, invalid UTF-8 as U+FFFD (or '?' with SAN_ASCII, which also turns
 * every other non-ASCII character into '?').
 */
void
sanitize(struct buf *b, const char *s, size_t len, int flags)
{
	uint32_t	c;
	size_t		n, run;

	while (len > 0) {
		/* Copy the longest run of plain printable ASCII at once. */
		for (run = 0; run < len; run++) {
			unsigned char u = s[run];
			if (u < 0x20 || u >= 0x7f)
				break;
		}
		if (run > 0) {
			buf_add(b, s, run);
			s += run;
			len -= run;
			continue;
		}
		if ((n = utf8_decode(s, len, &c)) == 0) {
			c = UTF8_REPLACEMENT;
			n = 1;
		}
		if (sanitize_is_control(c))
			sanitize_escape(b, c);
		else if (flags & SAN_ASCII)
			buf_addc(b, '?');
		else
			utf8_encode(b, c);
		s += n;
		len -= n;
	}
}
