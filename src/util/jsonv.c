/* A small JSON reader (RFC 8259) into a tree of values. */

#include "vigil.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonv.h"
#include "sanitize.h"
#include "xalloc.h"

struct jp {
	const char	*p;
	const char	*end;
	const char	*start;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

static int	jp_value(struct jp *, struct jsonv *, int);
static void	jsonv_clear(struct jsonv *);

static int
jp_fail(struct jp *j, const char *what)
{
	if (!j->failed)
		snprintf(j->err, j->errlen, _("bad JSON at byte %zu: %s"),
		    (size_t)(j->p - j->start), what);
	j->failed = 1;
	return (-1);
}

static void
jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
jp_lit(struct jp *j, const char *word)
{
	size_t	n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return (jp_fail(j, _("unknown word")));
	j->p += n;
	return (0);
}

static int
jp_hex4(struct jp *j, uint32_t *out)
{
	uint32_t	v = 0;
	int		i, c;

	if (j->end - j->p < 4)
		return (jp_fail(j, _("short \\u escape")));
	for (i = 0; i < 4; i++) {
		c = j->p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return (jp_fail(j, _("bad \\u escape")));
	}
	j->p += 4;
	*out = v;
	return (0);
}

static int
jp_string(struct jp *j, char **out, size_t *outlen)
{
	struct buf	b = BUF_INITIALIZER;
	uint32_t	cp, lo;
	char		c;

	j->p++;		/* the opening quote */
	for (;;) {
		if (j->p >= j->end) {
			buf_free(&b);
			return (jp_fail(j, _("unterminated string")));
		}
		c = *j->p++;
		if (c == '"')
			break;
		if ((unsigned char)c < 0x20) {
			buf_free(&b);
			return (jp_fail(j, _("control character in a string")));
		}
		if (c != '\\') {
			buf_addc(&b, c);
			continue;
		}
		if (j->p >= j->end) {
			buf_free(&b);
			return (jp_fail(j, _("unterminated string")));
		}
		switch ((c = *j->p++)) {
		case '"': case '\\': case '/':
			buf_addc(&b, c);
			break;
		case 'b': buf_addc(&b, '\b'); break;
		case 'f': buf_addc(&b, '\f'); break;
		case 'n': buf_addc(&b, '\n'); break;
		case 'r': buf_addc(&b, '\r'); break;
		case 't': buf_addc(&b, '\t'); break;
		case 'u':
			if (jp_hex4(j, &cp) != 0) {
				buf_free(&b);
				return (-1);
			}
			/* A surrogate pair is one code point. */
			if (cp >= 0xd800 && cp < 0xdc00 && j->end - j->p >= 6 &&
			    j->p[0] == '\\' && j->p[1] == 'u') {
				j->p += 2;
				if (jp_hex4(j, &lo) != 0) {
					buf_free(&b);
					return (-1);
				}
				if (lo >= 0xdc00 && lo < 0xe000)
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
				else
					cp = UTF8_REPLACEMENT;
			} else if (cp >= 0xd800 && cp < 0xe000)
				cp = UTF8_REPLACEMENT;
			utf8_encode(&b, cp);
			break;
		default:
			buf_free(&b);
			return (jp_fail(j, _("bad escape")));
		}
	}
	*outlen = b.len;
	*out = b.data != NULL ? b.data : xstrdup("");
	return (0);
}

static int
jp_number(struct jp *j, struct jsonv *v)
{
	char		 tmp[64], *end;
	const char	*q = j->p;
	size_t		 n;
	int		 integral = 1;

	while (q < j->end && strchr("+-0123456789.eE", *q) != NULL) {
		if (*q == '.' || *q == 'e' || *q == 'E')
			integral = 0;
		q++;
	}
	n = q - j->p;
	if (n == 0 || n >= sizeof tmp)
		return (jp_fail(j, _("bad number")));
	memcpy(tmp, j->p, n);
	tmp[n] = '\0';
	errno = 0;
	v->num = strtod(tmp, &end);
	if (*end != '\0')
		return (jp_fail(j, _("bad number")));
	v->type = JSONV_NUMBER;
	if (integral) {
		errno = 0;
		v->i = strtoll(tmp, &end, 10);
		v->is_int = errno == 0 && *end == '\0';
		errno = 0;
		if (tmp[0] != '-') {
			v->u = strtoull(tmp, &end, 10);
			v->is_uint = errno == 0 && *end == '\0';
		}
	}
	j->p = q;
	return (0);
}

static int
jp_array(struct jp *j, struct jsonv *v, int depth)
{
	v->type = JSONV_ARRAY;
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return (0);
	}
	for (;;) {
		v->v = xreallocarray(v->v, v->n + 1, sizeof *v->v);
		memset(&v->v[v->n], 0, sizeof *v->v);
		v->n++;
		if (jp_value(j, &v->v[v->n - 1], depth + 1) != 0)
			return (-1);
		jp_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return (0);
		}
		return (jp_fail(j, _("expected , or ]")));
	}
}

static int
jp_object(struct jp *j, struct jsonv *v, int depth)
{
	char	*key;
	size_t	 klen;

	v->type = JSONV_OBJECT;
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return (0);
	}
	for (;;) {
		jp_ws(j);
		if (j->p >= j->end || *j->p != '"')
			return (jp_fail(j, _("expected a key")));
		if (jp_string(j, &key, &klen) != 0)
			return (-1);
		v->v = xreallocarray(v->v, v->n + 1, sizeof *v->v);
		v->keys = xreallocarray(v->keys, v->n + 1, sizeof *v->keys);
		memset(&v->v[v->n], 0, sizeof *v->v);
		v->keys[v->n] = key;
		v->n++;
		jp_ws(j);
		if (j->p >= j->end || *j->p != ':')
			return (jp_fail(j, _("expected :")));
		j->p++;
		if (jp_value(j, &v->v[v->n - 1], depth + 1) != 0)
			return (-1);
		jp_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			return (0);
		}
		return (jp_fail(j, _("expected , or }")));
	}
}

static int
jp_value(struct jp *j, struct jsonv *v, int depth)
{
	if (depth > JSONV_MAX_DEPTH)
		return (jp_fail(j, _("nested too deeply")));
	jp_ws(j);
	if (j->p >= j->end)
		return (jp_fail(j, _("unexpected end")));
	switch (*j->p) {
	case '{':
		return (jp_object(j, v, depth));
	case '[':
		return (jp_array(j, v, depth));
	case '"':
		v->type = JSONV_STRING;
		return (jp_string(j, &v->s, &v->len));
	case 't':
		v->type = JSONV_BOOL;
		v->b = 1;
		return (jp_lit(j, "true"));
	case 'f':
		v->type = JSONV_BOOL;
		return (jp_lit(j, "false"));
	case 'n':
		v->type = JSONV_NULL;
		return (jp_lit(j, "null"));
	default:
		return (jp_number(j, v));
	}
}

/* Parse len bytes of text; NULL with a message in err if it is not JSON. */
struct jsonv *
jsonv_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct jp	 j = { text, text + len, text, err, errlen, 0 };
	struct jsonv	*v = xcalloc(1, sizeof *v);

	if (jp_value(&j, v, 0) == 0) {
		jp_ws(&j);
		if (j.p == j.end)
			return (v);
		jp_fail(&j, _("text after the value"));
	}
	jsonv_free(v);
	return (NULL);
}

static void
jsonv_clear(struct jsonv *v)
{
	size_t	i;

	for (i = 0; i < v->n; i++) {
		jsonv_clear(&v->v[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->v);
	free(v->keys);
	free(v->s);
}

void
jsonv_free(struct jsonv *v)
{
	if (v == NULL)
		return;
	jsonv_clear(v);
	free(v);
}

/* The member key of an object, or NULL (also when v is not an object). */
const struct jsonv *
jsonv_get(const struct jsonv *v, const char *key)
{
	size_t	i;

	if (v == NULL || v->type != JSONV_OBJECT)
		return (NULL);
	for (i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			return (&v->v[i]);
	return (NULL);
}

const struct jsonv *
jsonv_at(const struct jsonv *v, size_t i)
{
	if (v == NULL || v->type != JSONV_ARRAY || i >= v->n)
		return (NULL);
	return (&v->v[i]);
}

long long
jsonv_int(const struct jsonv *v, long long dflt)
{
	if (v == NULL || v->type != JSONV_NUMBER)
		return (dflt);
	return (v->is_int ? v->i : (long long)v->num);
}

/* Addresses and sizes: unsigned 64-bit integers, exactly. */
unsigned long long
jsonv_uint(const struct jsonv *v, unsigned long long dflt)
{
	if (v == NULL || v->type != JSONV_NUMBER)
		return (dflt);
	if (v->is_uint)
		return (v->u);
	return (v->num > 0 ? (unsigned long long)v->num : 0);
}

double
jsonv_num(const struct jsonv *v, double dflt)
{
	if (v == NULL || v->type != JSONV_NUMBER)
		return (dflt);
	return (v->num);
}

/* The string, or NULL if v is not one. */
const char *
jsonv_str(const struct jsonv *v)
{
	if (v == NULL || v->type != JSONV_STRING)
		return (NULL);
	return (v->s);
}
