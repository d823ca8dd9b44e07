/* Streaming JSON writer. */

#include "vigil.h"

#include <math.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "sanitize.h"

static void	json_value_start(struct json *);
static void	json_quote(struct buf *, const char *, size_t);

void
json_init(struct json *j, struct buf *b)
{
	j->b = b;
	j->depth = 0;
	j->nonempty = 0;
	j->after_key = 0;
}

/* Write the comma that separates this value from the one before it. */
static void
json_value_start(struct json *j)
{
	uint64_t	bit;

	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth == 0)
		return;
	bit = 1ULL << (j->depth - 1);
	if (j->nonempty & bit)
		buf_addc(j->b, ',');
	j->nonempty |= bit;
}

static void
json_open(struct json *j, char c)
{
	json_value_start(j);
	buf_addc(j->b, c);
	if (j->depth < JSON_MAX_DEPTH)
		j->depth++;
	j->nonempty &= ~(1ULL << (j->depth - 1));
}

static void
json_close(struct json *j, char c)
{
	buf_addc(j->b, c);
	if (j->depth > 0)
		j->depth--;
}

void
json_object_begin(struct json *j)
{
	json_open(j, '{');
}

void
json_object_end(struct json *j)
{
	json_close(j, '}');
}

void
json_array_begin(struct json *j)
{
	json_open(j, '[');
}

void
json_array_end(struct json *j)
{
	json_close(j, ']');
}

void
json_key(struct json *j, const char *key)
{
	json_value_start(j);
	json_quote(j->b, key, strlen(key));
	buf_addc(j->b, ':');
	j->after_key = 1;
}

static void
json_quote(struct buf *b, const char *s, size_t len)
{
	uint32_t	c;
	size_t		n;

	buf_addc(b, '"');
	while (len > 0) {
		if ((n = utf8_decode(s, len, &c)) == 0) {
			c = UTF8_REPLACEMENT;
			n = 1;
		}
		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, c);
		} else if (sanitize_is_control(c))
			buf_printf(b, "\\u%04x", (unsigned)c);
		else if (n == 1 && c != UTF8_REPLACEMENT)
			buf_addc(b, c);
		else
			utf8_encode(b, c);
		s += n;
		len -= n;
	}
	buf_addc(b, '"');
}

void
json_string(struct json *j, const char *s)
{
	if (s == NULL) {
		json_null(j);
		return;
	}
	json_stringn(j, s, strlen(s));
}

void
json_stringn(struct json *j, const char *s, size_t len)
{
	json_value_start(j);
	json_quote(j->b, s, len);
}

void
json_int(struct json *j, long long v)
{
	json_value_start(j);
	buf_printf(j->b, "%lld", v);
}

void
json_uint(struct json *j, unsigned long long v)
{
	json_value_start(j);
	buf_printf(j->b, "%llu", v);
}

/* JSON has no NaN or infinity: those are written as null. */
void
json_double(struct json *j, double v, int prec)
{
	json_value_start(j);
	if (!isfinite(v))
		buf_adds(j->b, "null");
	else
		buf_printf(j->b, "%.*f", prec, v);
}

void
json_bool(struct json *j, int v)
{
	json_value_start(j);
	buf_adds(j->b, v ? "true" : "false");
}

void
json_null(struct json *j)
{
	json_value_start(j);
	buf_adds(j->b, "null");
}
