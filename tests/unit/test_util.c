/* Unit tests of util/: sanitiser, UTF-8, JSON writer, formats, regex, buf. */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "buf.h"
#include "fmt.h"
#include "json.h"
#include "rx.h"
#include "sanitize.h"

#define FFFD	"\xef\xbf\xbd"

/* A literal, its length counted by the compiler. */
#define SAN(s, flags, want)	assert_sanitized(s, sizeof s - 1, flags, want)

static void	assert_sanitized(const char *, size_t, int, const char *);
static int	only_fffd(const char *);
static double	now(void);

/* sanitize(in) with flags gives exactly want. */
static void
assert_sanitized(const char *in, size_t len, int flags, const char *want)
{
	struct buf	b = BUF_INITIALIZER;

	sanitize(&b, in, len, flags);
	assert_string_equal(buf_str(&b), want);
	assert_int_equal(b.len, strlen(want));
	buf_free(&b);
}

/* s is one or more U+FFFD and nothing else. */
static int
only_fffd(const char *s)
{
	size_t	n = 0;

	while (strncmp(s, FFFD, 3) == 0) {
		s += 3;
		n++;
	}
	return (n > 0 && *s == '\0');
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* --- sanitize.c ---------------------------------------------------------- */

static void
test_sanitize_ascii(void **state)
{
	static const char	s[] = "hello, world ~!@#$%^&*()_+{}|:\"<>?";

	assert_sanitized(s, strlen(s), 0, s);
	assert_sanitized(s, strlen(s), SAN_ASCII, s);
	SAN("", 0, "");
	/* Only len bytes are read. */
	assert_sanitized("abcdef", 3, 0, "abc");
}

static void
test_sanitize_c0(void **state)
{
	SAN("\x1b[31mred\x1b[0m", 0, "\\x1b[31mred\\x1b[0m");
	SAN("a\nb\tc\rd", 0, "a\\nb\\tc\\rd");
	SAN("\x07\x08\x01\x1f", 0, "\\x07\\x08\\x01\\x1f");
	/* NUL inside the length is a character like any other. */
	SAN("a\0b", 0, "a\\x00b");
	/* SAN_ASCII still escapes rather than hiding controls. */
	SAN("\x1b]0;x\x07", SAN_ASCII, "\\x1b]0;x\\x07");
}

static void
test_sanitize_del_c1(void **state)
{
	SAN("a\x7f" "b", 0, "a\\x7fb");
	/* CSI as a C1 control, U+009B encoded in UTF-8. */
	SAN("\xc2\x9b" "31m", 0, "\\x9b31m");
	SAN("\xc2\x80\xc2\x9f", 0, "\\x80\\x9f");
	SAN("\xc2\x9b", SAN_ASCII, "\\x9b");
	/* U+00A0, just past the C1 range, is printable. */
	SAN("\xc2\xa0", 0, "\xc2\xa0");
}

static void
test_sanitize_invalid_utf8(void **state)
{
	struct buf	b = BUF_INITIALIZER;

	SAN("\xff", 0, FFFD);
	SAN("a\xff" "b", 0, "a" FFFD "b");
	SAN("\xfe\xff", 0, FFFD FFFD);
	/* Lone continuation byte. */
	SAN("\x80", 0, FFFD);
	/* A value past U+10FFFF. */
	SAN("\xf4\x90\x80\x80", 0, FFFD FFFD FFFD FFFD);
	/* Invalid bytes under SAN_ASCII become '?'. */
	SAN("a\xff" "b", SAN_ASCII, "a?b");

	/* Truncated sequences: never the raw bytes, then normal text resumes. */
	sanitize(&b, "\xe4\xb8", 2, 0);
	assert_true(only_fffd(buf_str(&b)));
	buf_reset(&b);
	sanitize(&b, "\xf0\x9f\x98", 3, 0);
	assert_true(only_fffd(buf_str(&b)));
	buf_reset(&b);
	sanitize(&b, "\xe4\xb8x", 3, 0);
	assert_true(b.len >= 4);
	assert_int_equal(b.data[b.len - 1], 'x');
	b.data[b.len - 1] = '\0';
	assert_true(only_fffd(buf_str(&b)));
	buf_reset(&b);

	/* Overlong '/' must not come out as '/'. */
	sanitize(&b, "\xc0\xaf", 2, 0);
	assert_true(only_fffd(buf_str(&b)));
	assert_null(strchr(buf_str(&b), '/'));
	buf_reset(&b);

	/* UTF-16 surrogate half. */
	sanitize(&b, "\xed\xa0\x80", 3, 0);
	assert_true(only_fffd(buf_str(&b)));
	buf_free(&b);
}

static void
test_sanitize_multibyte(void **state)
{
	static const char	s[] = "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80!";

	assert_sanitized(s, strlen(s), 0, s);
	assert_sanitized(s, strlen(s), SAN_ASCII, "caf? ? ?!");
	/* The largest code point is kept. */
	SAN("\xf4\x8f\xbf\xbf", 0, "\xf4\x8f\xbf\xbf");
}

static void
test_sanitize_long_line(void **state)
{
	static const char	chunk[] = "ok \x1b[2J \xc2\x9b \xff \t\r\n \xe4\xb8\xad ";
	struct buf		b = BUF_INITIALIZER;
	const unsigned char	*u;
	char			*in;
	size_t			 len = 100 * 1024, i, clen = sizeof chunk - 1;
	double			 t;

	in = malloc(len);
	assert_non_null(in);
	for (i = 0; i < len; i++)
		in[i] = chunk[i % clen];

	t = now();
	sanitize(&b, in, len, 0);
	t = now() - t;
	/* Generous, for sanitizer builds: the point is no quadratic cost. */
	assert_true(t < 1.0);
	assert_true(b.len >= len);

	u = (const unsigned char *)b.data;
	for (i = 0; i < b.len; i++) {
		assert_true(u[i] >= 0x20);
		assert_true(u[i] != 0x7f);
		/* No C1 control in UTF-8 form. */
		if (u[i] == 0xc2 && i + 1 < b.len)
			assert_false(u[i + 1] >= 0x80 && u[i + 1] <= 0x9f);
	}
	assert_non_null(strstr(buf_str(&b), "ok \\x1b[2J \\x9b " FFFD
	    " \\t\\r\\n \xe4\xb8\xad "));
	free(in);
	buf_free(&b);
}

static void
test_sanitize_is_control(void **state)
{
	assert_true(sanitize_is_control(0));
	assert_true(sanitize_is_control(0x1b));
	assert_true(sanitize_is_control(0x1f));
	assert_false(sanitize_is_control(' '));
	assert_false(sanitize_is_control('~'));
	assert_true(sanitize_is_control(0x7f));
	assert_true(sanitize_is_control(0x80));
	assert_true(sanitize_is_control(0x9f));
	assert_false(sanitize_is_control(0xa0));
	assert_false(sanitize_is_control(UTF8_REPLACEMENT));
}

/* --- UTF-8 --------------------------------------------------------------- */

static void
test_utf8_decode(void **state)
{
	uint32_t	c;

	assert_int_equal(utf8_decode("", 0, &c), 0);
	assert_int_equal(utf8_decode("A", 1, &c), 1);
	assert_int_equal(c, 'A');
	assert_int_equal(utf8_decode("\xc3\xa9", 2, &c), 2);
	assert_int_equal(c, 0xe9);
	assert_int_equal(utf8_decode("\xe4\xb8\xad", 3, &c), 3);
	assert_int_equal(c, 0x4e2d);
	assert_int_equal(utf8_decode("\xf0\x9f\x98\x80", 4, &c), 4);
	assert_int_equal(c, 0x1f600);

	/* Boundaries of each length. */
	assert_int_equal(utf8_decode("\xc2\x80", 2, &c), 2);
	assert_int_equal(c, 0x80);
	assert_int_equal(utf8_decode("\xdf\xbf", 2, &c), 2);
	assert_int_equal(c, 0x7ff);
	assert_int_equal(utf8_decode("\xe0\xa0\x80", 3, &c), 3);
	assert_int_equal(c, 0x800);
	assert_int_equal(utf8_decode("\xef\xbf\xbf", 3, &c), 3);
	assert_int_equal(c, 0xffff);
	assert_int_equal(utf8_decode("\xf0\x90\x80\x80", 4, &c), 4);
	assert_int_equal(c, 0x10000);
	assert_int_equal(utf8_decode("\xf4\x8f\xbf\xbf", 4, &c), 4);
	assert_int_equal(c, 0x10ffff);

	/* Either side of the surrogates. */
	assert_int_equal(utf8_decode("\xed\x9f\xbf", 3, &c), 3);
	assert_int_equal(c, 0xd7ff);
	assert_int_equal(utf8_decode("\xee\x80\x80", 3, &c), 3);
	assert_int_equal(c, 0xe000);

	/* Only the first character is decoded. */
	assert_int_equal(utf8_decode("\xc3\xa9x", 3, &c), 2);
	assert_int_equal(c, 0xe9);
}

static void
test_utf8_decode_invalid(void **state)
{
	uint32_t	c;

	assert_int_equal(utf8_decode("\x80", 1, &c), 0);
	assert_int_equal(utf8_decode("\xbf", 1, &c), 0);
	assert_int_equal(utf8_decode("\xff", 1, &c), 0);
	assert_int_equal(utf8_decode("\xfe", 1, &c), 0);
	assert_int_equal(utf8_decode("\xf8\x88\x80\x80\x80", 5, &c), 0);
	/* Overlong forms. */
	assert_int_equal(utf8_decode("\xc0\xaf", 2, &c), 0);
	assert_int_equal(utf8_decode("\xc1\xbf", 2, &c), 0);
	assert_int_equal(utf8_decode("\xe0\x80\xaf", 3, &c), 0);
	assert_int_equal(utf8_decode("\xe0\x9f\xbf", 3, &c), 0);
	assert_int_equal(utf8_decode("\xf0\x80\x80\xaf", 4, &c), 0);
	assert_int_equal(utf8_decode("\xf0\x8f\xbf\xbf", 4, &c), 0);
	/* Surrogates. */
	assert_int_equal(utf8_decode("\xed\xa0\x80", 3, &c), 0);
	assert_int_equal(utf8_decode("\xed\xbf\xbf", 3, &c), 0);
	/* Past U+10FFFF. */
	assert_int_equal(utf8_decode("\xf4\x90\x80\x80", 4, &c), 0);
	assert_int_equal(utf8_decode("\xf7\xbf\xbf\xbf", 4, &c), 0);
	/* Bad continuation bytes. */
	assert_int_equal(utf8_decode("\xc3\x28", 2, &c), 0);
	assert_int_equal(utf8_decode("\xe4\xb8\x28", 3, &c), 0);
	assert_int_equal(utf8_decode("\xf0\x9f\xc3\xa9", 4, &c), 0);
	/* Truncated by the length, even with the bytes present after it. */
	assert_int_equal(utf8_decode("\xc3\xa9", 1, &c), 0);
	assert_int_equal(utf8_decode("\xe4\xb8\xad", 2, &c), 0);
	assert_int_equal(utf8_decode("\xf0\x9f\x98\x80", 3, &c), 0);
}

static void
test_utf8_encode(void **state)
{
	static const uint32_t	cps[] = {
		0, 'a', 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0x4e2d, 0xfffd,
		0xffff, 0x10000, 0x1f600, 0x10ffff
	};
	static const size_t	lens[] = { 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4 };
	struct buf		b = BUF_INITIALIZER;
	uint32_t		c;
	size_t			i;

	for (i = 0; i < nitems(cps); i++) {
		buf_reset(&b);
		utf8_encode(&b, cps[i]);
		assert_int_equal(b.len, lens[i]);
		assert_int_equal(utf8_decode(b.data, b.len, &c), lens[i]);
		assert_int_equal(c, cps[i]);
	}
	buf_reset(&b);
	utf8_encode(&b, 0x4e2d);
	assert_string_equal(buf_str(&b), "\xe4\xb8\xad");
	buf_free(&b);
}

/* --- json.c -------------------------------------------------------------- */

static void
test_json_document(void **state)
{
	struct buf	b = BUF_INITIALIZER;
	struct json	j;

	json_init(&j, &b);
	json_object_begin(&j);
	json_key(&j, "a");
	json_int(&j, 1);
	json_key(&j, "b");
	json_array_begin(&j);
	json_int(&j, -2);
	json_uint(&j, 18446744073709551615ULL);
	json_object_begin(&j);
	json_key(&j, "c");
	json_null(&j);
	json_key(&j, "d");
	json_bool(&j, 0);
	json_object_end(&j);
	json_array_end(&j);
	json_key(&j, "e");
	json_object_begin(&j);
	json_object_end(&j);
	json_key(&j, "f");
	json_array_begin(&j);
	json_array_end(&j);
	json_key(&j, "g");
	json_array_begin(&j);
	json_array_begin(&j);
	json_array_end(&j);
	json_array_begin(&j);
	json_string(&j, "x");
	json_array_end(&j);
	json_array_end(&j);
	json_key(&j, "h");
	json_bool(&j, 1);
	json_key(&j, "i");
	json_string(&j, NULL);
	json_object_end(&j);
	assert_string_equal(buf_str(&b),
	    "{\"a\":1,\"b\":[-2,18446744073709551615,{\"c\":null,\"d\":false}],"
	    "\"e\":{},\"f\":[],\"g\":[[],[\"x\"]],\"h\":true,\"i\":null}");
	assert_int_equal(j.depth, 0);

	/* One document after another (one per line): no stray comma. */
	buf_reset(&b);
	json_init(&j, &b);
	json_object_begin(&j);
	json_key(&j, "n");
	json_int(&j, 1);
	json_object_end(&j);
	json_object_begin(&j);
	json_key(&j, "n");
	json_int(&j, 2);
	json_object_end(&j);
	assert_string_equal(buf_str(&b), "{\"n\":1}{\"n\":2}");
	buf_free(&b);
}

static void
test_json_deep(void **state)
{
	struct buf	b = BUF_INITIALIZER, want = BUF_INITIALIZER;
	struct json	j;
	int		i;

	/* The full depth, so the highest bit of nonempty is used too. */
	json_init(&j, &b);
	for (i = 0; i < JSON_MAX_DEPTH; i++) {
		json_array_begin(&j);
		buf_addc(&want, '[');
	}
	json_int(&j, 1);
	json_int(&j, 2);
	buf_adds(&want, "1,2");
	for (i = 0; i < JSON_MAX_DEPTH; i++) {
		json_array_end(&j);
		buf_addc(&want, ']');
		if (i < JSON_MAX_DEPTH - 1) {
			json_int(&j, i);
			buf_printf(&want, ",%d", i);
		}
	}
	assert_string_equal(buf_str(&b), buf_str(&want));
	assert_int_equal(j.depth, 0);
	buf_free(&b);
	buf_free(&want);
}

static void
test_json_escape(void **state)
{
	struct buf	b = BUF_INITIALIZER;
	struct json	j;

	json_init(&j, &b);
	json_array_begin(&j);
	json_string(&j, "say \"hi\"");
	json_string(&j, "C:\\dir\\");
	json_string(&j, "a\nb\tc\x01\x1b[0m\x7f");
	json_string(&j, "\xc2\x9b" "1m");
	json_string(&j, "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80");
	json_stringn(&j, "x\0y", 3);
	json_array_end(&j);
	assert_string_equal(buf_str(&b),
	    "[\"say \\\"hi\\\"\","
	    "\"C:\\\\dir\\\\\","
	    "\"a\\u000ab\\u0009c\\u0001\\u001b[0m\\u007f\","
	    "\"\\u009b1m\","
	    "\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\","
	    "\"x\\u0000y\"]");

	/* Keys are escaped the same way. */
	buf_reset(&b);
	json_init(&j, &b);
	json_object_begin(&j);
	json_key(&j, "k\"\\\n");
	json_int(&j, 0);
	json_object_end(&j);
	assert_string_equal(buf_str(&b), "{\"k\\\"\\\\\\u000a\":0}");
	buf_free(&b);
}

static void
test_json_invalid_utf8(void **state)
{
	struct buf	b = BUF_INITIALIZER;
	struct json	j;

	json_init(&j, &b);
	json_array_begin(&j);
	json_string(&j, "a\xff" "b");
	json_string(&j, "\xc0\xaf");
	json_string(&j, "\xed\xa0\x80");
	json_string(&j, "\xe4\xb8");
	json_array_end(&j);
	assert_string_equal(buf_str(&b),
	    "[\"a" FFFD "b\","
	    "\"" FFFD FFFD "\","
	    "\"" FFFD FFFD FFFD "\","
	    "\"" FFFD FFFD "\"]");
	buf_free(&b);
}

static void
test_json_double(void **state)
{
	struct buf	b = BUF_INITIALIZER;
	struct json	j;

	json_init(&j, &b);
	json_array_begin(&j);
	json_double(&j, 1.5, 2);
	json_double(&j, -0.25, 1);
	json_double(&j, 3.0, 0);
	json_double(&j, NAN, 2);
	json_double(&j, INFINITY, 2);
	json_double(&j, -INFINITY, 2);
	json_int(&j, 7);
	json_array_end(&j);
	assert_string_equal(buf_str(&b),
	    "[1.50,-0.2,3,null,null,null,7]");
	buf_free(&b);
}

/* --- fmt.c --------------------------------------------------------------- */

/* The hand-written integer and TIME+ formats equal snprintf's. */
static void
test_fmt_uint_time(void **state)
{
	static const unsigned long long	 v[] = { 0, 7, 10, 99, 12345,
					     18446744073709551615ULL };
	static const double		 t[] = { 0, 0.004, 0.005, 1.5, 59.99,
					     61.25, 3599.994, 59999.99 };
	char				 a[32], b[32];
	unsigned long long		 cs, m;
	size_t				 i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		snprintf(b, sizeof b, "%llu", v[i]);
		assert_string_equal(fmt_uint(a, sizeof a, v[i], 0), b);
		snprintf(b, sizeof b, "%7llu", v[i]);
		assert_string_equal(fmt_uint(a, sizeof a, v[i], 7), b);
	}
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		cs = t[i] * 100 + 0.5;
		m = cs / 6000;
		snprintf(b, sizeof b, "%llu:%02llu.%02llu", m,
		    (cs / 100) % 60, cs % 100);
		assert_string_equal(fmt_time_plus(a, FMT_SIZE, t[i]), b);
	}
	assert_string_equal(fmt_time_plus(a, FMT_SIZE, 60000), "16h40");
}

static void
test_fmt_kib(void **state)
{
	char	s[FMT_SIZE];

	assert_string_equal(fmt_kib(s, sizeof s, 0), "0");
	assert_string_equal(fmt_kib(s, sizeof s, 1023), "1023");
	assert_string_equal(fmt_kib(s, sizeof s, 99999), "99999");
	/* From 100000 KiB on, a unit: 100000 / 1024 = 97.66 MiB. */
	assert_string_equal(fmt_kib(s, sizeof s, 100000), "97.7M");
	assert_string_equal(fmt_kib(s, sizeof s, 512 * 1024), "512M");
	assert_string_equal(fmt_kib(s, sizeof s, 1023 * 1024), "1023M");
	assert_string_equal(fmt_kib(s, sizeof s, 1024 * 1024), "1.00G");
	assert_string_equal(fmt_kib(s, sizeof s, 1536 * 1024), "1.50G");
	assert_string_equal(fmt_kib(s, sizeof s, 10ULL * 1024 * 1024),
	    "10.0G");
	assert_string_equal(fmt_kib(s, sizeof s, 250ULL * 1024 * 1024),
	    "250G");
	assert_string_equal(fmt_kib(s, sizeof s, 1ULL << 30), "1.00T");
	assert_string_equal(fmt_kib(s, sizeof s, 1ULL << 40), "1.00P");
	/* P is the last unit. */
	assert_string_equal(fmt_kib(s, sizeof s, 2048ULL << 40), "2048P");
	/* Truncated to the caller's size, still terminated. */
	assert_string_equal(fmt_kib(s, 3, 99999), "99");
}

static void
test_fmt_time_plus(void **state)
{
	char	s[FMT_SIZE];

	assert_string_equal(fmt_time_plus(s, sizeof s, 0), "0:00.00");
	assert_string_equal(fmt_time_plus(s, sizeof s, 0.01), "0:00.01");
	assert_string_equal(fmt_time_plus(s, sizeof s, 9.5), "0:09.50");
	assert_string_equal(fmt_time_plus(s, sizeof s, 61.5), "1:01.50");
	/* Rounds to the hundredth, carrying into the minutes. */
	assert_string_equal(fmt_time_plus(s, sizeof s, 59.999), "1:00.00");
	assert_string_equal(fmt_time_plus(s, sizeof s, 3600), "60:00.00");
	assert_string_equal(fmt_time_plus(s, sizeof s, 59999.99),
	    "999:59.99");
	/* 1000 minutes and more: hours and minutes. */
	assert_string_equal(fmt_time_plus(s, sizeof s, 60000), "16h40");
	assert_string_equal(fmt_time_plus(s, sizeof s, 360000), "100h00");
}

/*
 * The one short style of sizes and rates of growth: the heap view's
 * +67286K/min beside +216M/min was two styles on one screen.
 */
static void
test_fmt_size(void **state)
{
	char	s[FMT_SIZE];

	(void)state;
	assert_string_equal(fmt_size(s, sizeof s, 512, 0), "512K");
	assert_string_equal(fmt_size(s, sizeof s, 1023, 0), "1023K");
	assert_string_equal(fmt_size(s, sizeof s, 1660, 0), "1.62M");
	assert_string_equal(fmt_size(s, sizeof s, 67286, 1), "+65.7M");
	assert_string_equal(fmt_size(s, sizeof s, 221184, 1), "+216M");
	assert_string_equal(fmt_size(s, sizeof s, -12, 1), "-12K");
	assert_string_equal(fmt_size(s, sizeof s, 1258291, 0), "1.20G");
	assert_string_equal(fmt_size(s, sizeof s, 1048000, 0), "1023M");
	assert_string_equal(fmt_size(s, sizeof s, 1048500, 0), "1.00G");
	assert_string_equal(fmt_growth(s, sizeof s, 67286), "+65.7M/min");
	assert_string_equal(fmt_growth(s, sizeof s, 221184), "+216M/min");
	assert_string_equal(fmt_growth(s, sizeof s, -2048), "-2.00M/min");
}

static void
test_fmt_bytes(void **state)
{
	char	s[FMT_SIZE * 2];

	assert_string_equal(fmt_bytes(s, sizeof s, 312, 0), "312 B");
	assert_string_equal(fmt_bytes(s, sizeof s, 30 << 20, 0), "30.0 MiB");
	assert_string_equal(fmt_bytes(s, sizeof s, 1 << 20, 1), "+1.0 MiB");
	assert_string_equal(fmt_bytes(s, sizeof s, -1536, 1), "-1.5 KiB");
	assert_string_equal(fmt_bytes(s, sizeof s, 0, 1), "+0 B");
}

static void
test_fmt_rate(void **state)
{
	char	s[FMT_SIZE];

	assert_string_equal(fmt_rate(s, sizeof s, 0), "0B/s");
	assert_string_equal(fmt_rate(s, sizeof s, 1023), "1023B/s");
	assert_string_equal(fmt_rate(s, sizeof s, 1024), "1.0K/s");
	assert_string_equal(fmt_rate(s, sizeof s, 12.5 * 1024), "12.5K/s");
	assert_string_equal(fmt_rate(s, sizeof s, 100 * 1024), "100K/s");
	assert_string_equal(fmt_rate(s, sizeof s, 3.2 * 1024 * 1024),
	    "3.2M/s");
	assert_string_equal(fmt_rate(s, sizeof s, 5.0 * (1ULL << 30)),
	    "5.0G/s");
	/* T is the last unit. */
	assert_string_equal(fmt_rate(s, sizeof s, 2048.0 * (1ULL << 40)),
	    "2048T/s");
}

static void
test_fmt_uptime(void **state)
{
	char	s[32];

	assert_string_equal(fmt_uptime(s, sizeof s, 0), "00:00:00");
	assert_string_equal(fmt_uptime(s, sizeof s, 3661), "01:01:01");
	assert_string_equal(fmt_uptime(s, sizeof s, 86399), "23:59:59");
	assert_string_equal(fmt_uptime(s, sizeof s, 86400),
	    "1 day, 00:00:00");
	assert_string_equal(fmt_uptime(s, sizeof s, 3 * 86400 + 7200 + 5),
	    "3 days, 02:00:05");
}

/* --- rx.c ---------------------------------------------------------------- */

static void
test_rx_smartcase(void **state)
{
	struct rx	*rx;
	char		 err[256];

	/* All lowercase: case-insensitive. */
	rx = rx_compile("foo", RX_SMARTCASE, err, sizeof err);
	assert_non_null(rx);
	assert_string_equal(rx_pattern(rx), "foo");
	assert_true(rx_match(rx, "a FOO b", 7));
	assert_true(rx_match(rx, "foo", 3));
	assert_false(rx_match(rx, "fo o", 4));
	rx_free(rx);

	/* A capital: case-sensitive. */
	rx = rx_compile("Foo", RX_SMARTCASE, err, sizeof err);
	assert_non_null(rx);
	assert_true(rx_match(rx, "xFoo", 4));
	assert_false(rx_match(rx, "foo", 3));
	assert_false(rx_match(rx, "FOO", 3));
	rx_free(rx);

	/* \S and \W are escapes, not capitals. */
	rx = rx_compile("\\Sbar\\W", RX_SMARTCASE, err, sizeof err);
	assert_non_null(rx);
	assert_true(rx_match(rx, "xBAR!", 5));
	assert_false(rx_match(rx, " BAR!", 5));
	rx_free(rx);

	/* An escaped backslash before a capital: the capital counts. */
	rx = rx_compile("\\\\B", RX_SMARTCASE, err, sizeof err);
	assert_non_null(rx);
	assert_true(rx_match(rx, "a\\B", 3));
	assert_false(rx_match(rx, "a\\b", 3));
	rx_free(rx);
}

static void
test_rx_flags(void **state)
{
	struct rx	*rx;
	char		 err[256];

	/* Without flags: case-sensitive even when all lowercase. */
	rx = rx_compile("foo", 0, err, sizeof err);
	assert_non_null(rx);
	assert_true(rx_match(rx, "foo", 3));
	assert_false(rx_match(rx, "FOO", 3));
	rx_free(rx);

	rx = rx_compile("Foo", RX_ICASE, err, sizeof err);
	assert_non_null(rx);
	assert_true(rx_match(rx, "FOO", 3));
	assert_true(rx_match(rx, "foo", 3));
	rx_free(rx);

	/* Only len bytes are matched; invalid UTF-8 subjects still match. */
	rx = rx_compile("bar$", RX_SMARTCASE, err, sizeof err);
	assert_non_null(rx);
	assert_true(rx_match(rx, "foobar", 6));
	assert_false(rx_match(rx, "foobar", 5));
	assert_true(rx_match(rx, "\xff\xfe" "bar", 5));
	rx_free(rx);

	rx_free(NULL);
}

static void
test_rx_invalid(void **state)
{
	struct rx	*rx;
	char		 err[256], small[12];

	err[0] = '\0';
	rx = rx_compile("a(", RX_SMARTCASE, err, sizeof err);
	assert_null(rx);
	assert_non_null(strstr(err, "position"));
	assert_non_null(strstr(err, "2"));
	assert_null(strchr(err, '\n'));
	assert_true(strlen(err) > strlen("at position 2: "));

	err[0] = '\0';
	assert_null(rx_compile("[z-a]", 0, err, sizeof err));
	assert_non_null(strstr(err, "position"));

	/* A short buffer is truncated, never overrun. */
	memset(small, 'x', sizeof small);
	assert_null(rx_compile("a(", 0, small, sizeof small));
	assert_int_equal(strlen(small), sizeof small - 1);
}

/* --- buf.c --------------------------------------------------------------- */

static void
test_buf_printf_growth(void **state)
{
	struct buf	b = BUF_INITIALIZER;
	char		num[32];
	size_t		len = 0, off;
	int		i, n;

	assert_string_equal(buf_str(&b), "");
	for (i = 0; i < 10000; i++) {
		buf_printf(&b, "%d,", i);
		len += snprintf(num, sizeof num, "%d,", i);
		assert_int_equal(b.len, len);
		assert_true(b.cap > b.len);
		assert_int_equal(b.data[b.len], '\0');
	}
	/* Every append is where it should be. */
	off = 0;
	for (i = 0; i < 10000; i++) {
		n = snprintf(num, sizeof num, "%d,", i);
		assert_memory_equal(b.data + off, num, n);
		off += n;
	}
	assert_int_equal(strlen(buf_str(&b)), len);

	/* One append far larger than the buffer. */
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	buf_printf(&b, "<%5000d>", 7);
	assert_int_equal(b.len, 5002);
	assert_int_equal(b.data[0], '<');
	assert_int_equal(b.data[4999], ' ');
	assert_int_equal(b.data[5000], '7');
	assert_int_equal(b.data[5001], '>');
	assert_int_equal(b.data[5002], '\0');
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void
test_buf_add(void **state)
{
	struct buf	b;

	buf_init(&b);
	buf_printf(&b, "%s", "");
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	buf_adds(&b, "ab");
	buf_addc(&b, 'c');
	buf_add(&b, "d\0e", 3);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "abcd\0e", 7);
	buf_reserve(&b, 1000);
	assert_true(b.cap >= b.len + 1000 + 1);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "abcd\0e", 7);
	buf_free(&b);
}

/* Varints as protobuf writes them: 7 bits a byte, low first. */
static void
test_buf_add_varint(void **state)
{
	struct buf	b;

	buf_init(&b);
	buf_add_varint(&b, 0);
	buf_add_varint(&b, 127);
	buf_add_varint(&b, 128);
	buf_add_varint(&b, 300);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "\x00\x7f\x80\x01\xac\x02", 6);
	buf_reset(&b);
	buf_add_varint(&b, ~0ULL);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.data,
	    "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_ascii),
		cmocka_unit_test(test_sanitize_c0),
		cmocka_unit_test(test_sanitize_del_c1),
		cmocka_unit_test(test_sanitize_invalid_utf8),
		cmocka_unit_test(test_sanitize_multibyte),
		cmocka_unit_test(test_sanitize_long_line),
		cmocka_unit_test(test_sanitize_is_control),
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_utf8_decode_invalid),
		cmocka_unit_test(test_utf8_encode),
		cmocka_unit_test(test_json_document),
		cmocka_unit_test(test_json_deep),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_json_invalid_utf8),
		cmocka_unit_test(test_json_double),
		cmocka_unit_test(test_fmt_uint_time),
		cmocka_unit_test(test_fmt_kib),
		cmocka_unit_test(test_fmt_time_plus),
		cmocka_unit_test(test_fmt_bytes),
		cmocka_unit_test(test_fmt_size),
		cmocka_unit_test(test_fmt_rate),
		cmocka_unit_test(test_fmt_uptime),
		cmocka_unit_test(test_rx_smartcase),
		cmocka_unit_test(test_rx_flags),
		cmocka_unit_test(test_rx_invalid),
		cmocka_unit_test(test_buf_printf_growth),
		cmocka_unit_test(test_buf_add),
		cmocka_unit_test(test_buf_add_varint),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
