/*
 * sanitize(): whatever the bytes (a process name, a log line), what it
 * gives the terminal has no control character, no DEL, no C1 control and
 * only well-formed UTF-8, and with SAN_ASCII no byte above 0x7e at all.
 */

#include "vigil.h"

#include "buf.h"
#include "sanitize.h"
#include "fuzz.h"

static void
check(const struct buf *b, int ascii)
{
	const unsigned char	*p = (const unsigned char *)b->data;
	size_t			 i = 0, n;
	uint32_t		 cp;

	while (i < b->len) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			abort();
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (ascii)
			abort();
		if ((n = utf8_decode((const char *)p + i, b->len - i,
		    &cp)) == 0)
			abort();
		if (cp >= 0x80 && cp < 0xa0)
			abort();
		i += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	b;

	buf_init(&b);
	sanitize(&b, (const char *)data, size, 0);
	check(&b, 0);
	buf_reset(&b);
	sanitize(&b, (const char *)data, size, SAN_ASCII);
	check(&b, 1);
	buf_free(&b);
	return (0);
}
