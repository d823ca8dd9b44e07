/*
 * Unit tests of the Python stacks' pure parts: the location table decoder
 * against the lines CPython itself gives (tests/unit/data/py311_linetable.txt,
 * made by tests/fixtures/py/gen_linetable.py), the splice of Python frames
 * into native stacks, and the version gate.
 */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/prof/sampler-int.h"
#include "../../src/prof/python-int.h"

struct ranges {
	struct prof_py_range	v[4096];
	size_t			n;
};

static void
collect(const struct prof_py_range *r, void *arg)
{
	struct ranges	*rs = arg;

	if (rs->n < nitems(rs->v))
		rs->v[rs->n++] = *r;
}

static uint8_t *
unhex(const char *s, size_t *len)
{
	size_t		 n = strlen(s) / 2, i;
	uint8_t		*b = malloc(n + 1);
	unsigned	 v;

	for (i = 0; i < n; i++) {
		sscanf(s + 2 * i, "%2x", &v);
		b[i] = v;
	}
	*len = n;
	return (b);
}

/* Every code object CPython described: our lines are its lines. */
static void
test_linetable_cpython(void **state)
{
	const char	*src = getenv("SRCDIR");
	char		 path[4096], *line = NULL, name[512], *hex, *p, *end;
	size_t		 cap = 0, tlen = 0, codes = 0, checked = 0, unit;
	uint8_t		*table = NULL;
	struct ranges	*rs = calloc(1, sizeof *rs);
	int		 first = 0, start, stop, want, got, a, lastend = 0;
	FILE		*f;

	(void)state;
	snprintf(path, sizeof path, "%s/tests/unit/data/py311_linetable.txt",
	    src != NULL ? src : ".");
	f = fopen(path, "r");
	assert_non_null(f);
	while (getline(&line, &cap, f) != -1) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == 'F') {
			hex = calloc(1, strlen(line));
			assert_int_equal(sscanf(line, "F %511s %d %s", name,
			    &first, hex), 3);
			free(table);
			table = unhex(hex, &tlen);
			free(hex);
			rs->n = 0;
			assert_int_equal(prof_py_ranges(table, tlen, first,
			    collect, rs), 0);
			lastend = 0;
			codes++;
		} else if (line[0] == 'L') {
			assert_int_equal(sscanf(line, "L %d %d %d", &start,
			    &stop, &want), 3);
			for (a = start; a < stop; a += 2) {
				got = prof_py_addr2line(table, tlen, first,
				    a);
				if (got != want)
					fail_msg("%s: byte %d: line %d, "
					    "CPython says %d", name, a, got,
					    want);
				checked++;
			}
			lastend = stop;
		} else if (line[0] == 'P') {
			unit = 0;
			for (p = line + 1; *p != '\0'; p = end) {
				want = strtol(p, &end, 10);
				if (end == p)
					break;
				assert_int_equal(prof_py_addr2line(table, tlen,
				    first, (int)(2 * unit)), want);
				unit++;
				checked++;
			}
		} else if (line[0] == 'E') {
			/* Our ranges end where CPython's do. */
			assert_true(rs->n > 0);
			assert_int_equal(rs->v[rs->n - 1].end, lastend);
			/* Past the end: no line. */
			assert_int_equal(prof_py_addr2line(table, tlen, first,
			    lastend), 0);
		}
	}
	fclose(f);
	free(line);
	free(table);
	free(rs);
	assert_true(codes >= 10);
	assert_true(checked > 1000);
}

static void
test_linetable_edges(void **state)
{
	/* One entry: short form, 2 code units, line = firstlineno. */
	static const uint8_t	one[] = { 0x80 | (0 << 3) | 1, 0x05 };
	/* No-column form, delta -3 (svarint 7), 1 unit; then none, 1 unit. */
	static const uint8_t	back[] = { 0x80 | (13 << 3), 0x07,
	    0x80 | (15 << 3) };
	/* Long form, delta +100: 200 = 0x08 | 0x40, then 3. */
	static const uint8_t	lng[] = { 0x80 | (14 << 3), 0x48, 0x03, 0x00,
	    0x01, 0x01 };
	static const uint8_t	bad[] = { 0x05, 0x80 };
	static const uint8_t	cut[] = { 0x80 | (13 << 3), 0x40 };

	(void)state;
	assert_int_equal(prof_py_addr2line(one, sizeof one, 10, 0), 10);
	assert_int_equal(prof_py_addr2line(one, sizeof one, 10, 2), 10);
	assert_int_equal(prof_py_addr2line(one, sizeof one, 10, 4), 0);
	/* A frame that has not started is at its first line. */
	assert_int_equal(prof_py_addr2line(one, sizeof one, 10, -2), 10);
	assert_int_equal(prof_py_addr2line(back, sizeof back, 10, 0), 7);
	assert_int_equal(prof_py_addr2line(back, sizeof back, 10, 2), 0);
	assert_int_equal(prof_py_addr2line(lng, sizeof lng, 1, 0), 101);
	assert_int_equal(prof_py_ranges(bad, sizeof bad, 1, NULL, NULL), -1);
	assert_int_equal(prof_py_ranges(cut, sizeof cut, 1, NULL, NULL), -1);
	assert_int_equal(prof_py_addr2line(bad, sizeof bad, 1, 0), 0);
	assert_int_equal(prof_py_addr2line(NULL, 0, 1, 0), 0);
}

/*
 * Found by fuzz_pytable: long-form deltas near 2^29 that add up past
 * INT_MAX. A table whose line leaves the int range is refused, not
 * wrapped (signed overflow, undefined behaviour). The first byte was
 * co_firstlineno (15); the rest is the table.
 */
static void
test_linetable_overflow(void **state)
{
	static const uint8_t	t[] = {
		0xf6, 0xf6, 0xf6, 0xf6, 0xf6, 0x3f, 0xf6, 0xf6, 0xf0, 0xf0,
		0x10, 0xf6, 0xf6, 0xf6, 0xf6, 0xf6, 0x3f, 0x10, 0xf6, 0xf6,
		0xf6, 0xf6, 0xf6, 0x3f, 0xf6, 0xf6, 0xf6, 0x01, 0x07, 0xd1,
		0xf0, 0xf0, 0x10, 0xf6, 0xf6, 0xf6, 0xf6, 0xf6, 0x3f, 0xf6,
		0xf6, 0xf6, 0xf6, 0xf6, 0x01, 0x07, 0xd1, 0x7b, 0x0f
	};
	/* One long entry: a delta of 2^29 - 1 from a line near INT_MAX. */
	static const uint8_t	big[] = {
		0x80 | (14 << 3), 0x7e, 0x7f, 0x7f, 0x7f, 0x3f
	};

	(void)state;
	assert_int_equal(prof_py_ranges(t, sizeof t, 15, NULL, NULL), -1);
	assert_int_equal(prof_py_addr2line(t, sizeof t, 15, 0), 0);
	assert_int_equal(prof_py_ranges(big, sizeof big, INT_MAX - 5, NULL,
	    NULL), -1);
	assert_int_equal(prof_py_ranges(big, sizeof big, 1, NULL, NULL), 0);
}

/* Python runs go in just above the evaluation frames that run them. */
static void
test_splice(void **state)
{
	/* Native, leaf first: 100 leaf, 101 eval, 102, 103 eval, 104 root. */
	static const size_t	native[] = { 100, 101, 102, 103, 104 };
	static const int	is_eval[] = { 0, 1, 0, 1, 0 };
	/* Python, leaf first: two runs, [1 2] and [3]. */
	static const size_t	py[] = { 1, 2, 3 };
	static const int	entry[] = { 0, 1, 1 };
	static const size_t	want[] = { 100, 1, 2, 101, 102, 3, 103, 104 };
	static const size_t	want_cut[] = { 100, 1, 2, 101, 3 };
	size_t			out[16], n;

	(void)state;
	n = prof_py_splice(native, is_eval, 5, py, entry, 3, out, 16);
	assert_int_equal(n, nitems(want));
	assert_memory_equal(out, want, sizeof want);
	/* The native stack cut short: the rest of Python at the root. */
	n = prof_py_splice(native, is_eval, 2, py, entry, 3, out, 16);
	assert_int_equal(n, nitems(want_cut));
	assert_memory_equal(out, want_cut, sizeof want_cut);
	/* No room: cut at max. */
	n = prof_py_splice(native, is_eval, 5, py, entry, 3, out, 3);
	assert_int_equal(n, 3);
	/* No Python: the native stack. */
	n = prof_py_splice(native, is_eval, 5, py, entry, 0, out, 16);
	assert_int_equal(n, 5);
	assert_memory_equal(out, native, sizeof native);
}

static void
test_versions(void **state)
{
	const char	*layout = NULL;

	(void)state;
	assert_int_equal(prof_py_supported(3, 11, &layout), 0);
	assert_string_equal(layout, "3.11");
	assert_int_equal(prof_py_supported(3, 12, &layout), 0);
	assert_int_equal(prof_py_supported(3, 13, &layout), 0);
	assert_string_equal(layout, "debug offsets");
	assert_int_equal(prof_py_supported(3, 10, &layout), -1);
	assert_int_equal(prof_py_supported(3, 14, &layout), -1);
	assert_int_equal(prof_py_supported(2, 7, &layout), -1);
	assert_int_equal(prof_py_supported(4, 0, &layout), -1);
}

/* This test program is not Python: no interpreter, and no note. */
static void
test_open_not_python(void **state)
{
	struct prof	*p = prof_new(getpid(), "t", 1);
	char		 note[256];

	(void)state;
	assert_null(prof_py_open(getpid(), p, note, sizeof note));
	assert_string_equal(note, "");
	prof_free(p);
}

/*
 * The fuzz seeds of tests/fuzz/corpus/python (made by mkseed-python.py)
 * are address spaces of a thread in work() called by outer() called by
 * the module, in the layout of each version: read through the image seam,
 * they give the stack and locals CPython would.
 */
#define IMAGE_BASE	0x100000

struct image {
	uint8_t		*data;
	size_t		 size;
};

static int
image_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	const struct image	*im = arg;

	if (addr < IMAGE_BASE || addr - IMAGE_BASE > im->size ||
	    len > im->size - (addr - IMAGE_BASE))
		return (-1);
	memcpy(buf, im->data + (addr - IMAGE_BASE), len);
	return (0);
}

/* A seed's image in im; its locals flag in *locals. Returns its minor. */
static unsigned
load_seed(const char *name, struct image *im, int *locals)
{
	const char	*src = getenv("SRCDIR");
	char		 path[4096];
	unsigned	 minor;
	FILE		*f;

	snprintf(path, sizeof path, "%s/tests/fuzz/corpus/python/%s",
	    src != NULL ? src : ".", name);
	assert_non_null(f = fopen(path, "rb"));
	im->data = malloc(65536);
	im->size = fread(im->data, 1, 65536, f);
	fclose(f);
	assert_true(im->size > 2);
	minor = 11 + im->data[0] % 3;
	*locals = im->data[1] & 1;
	memmove(im->data, im->data + 2, im->size - 2);
	im->size -= 2;
	return (minor);
}

static struct prof_py *
open_image(unsigned minor, struct image *im, struct prof *p, char *note,
    size_t len)
{
	struct prof_py_image	 pi;

	memset(&pi, 0, sizeof pi);
	pi.mem = image_read;
	pi.arg = im;
	pi.runtime = IMAGE_BASE + 0x200;
	pi.hexversion = 0x030000f0 | minor << 16;
	pi.code_type = IMAGE_BASE;
	pi.str_type = IMAGE_BASE + 0x40;
	pi.bytes_type = IMAGE_BASE + 0x80;
	return (prof_py_open_image(&pi, p, note, len));
}

static struct prof_py *
open_seed(const char *name, struct image *im, struct prof *p, int *locals)
{
	struct prof_py	*py;
	char		 note[256];

	py = open_image(load_seed(name, im, locals), im, p, note, sizeof note);
	if (py == NULL)
		fail_msg("%s: %s", name, note);
	return (py);
}

static void
check_seed(const char *name)
{
	struct prof		*p = prof_new(1, "t", 1);
	struct prof_py		*py;
	struct image		 im;
	const size_t		*frames;
	const int		*entry;
	const char		*args, *locals;
	static const char	*funcs[] = { "work", "outer", "<module>" };
	static const int	 lines[] = { 4, 7, 8 };
	size_t			 depth, i;
	int			 want;

	py = open_seed(name, &im, p, &want);
	prof_py_want_locals(py, want);
	assert_int_equal(prof_py_read(py, 4242), 3);
	depth = prof_py_stack(py, 4242, &frames, &entry);
	assert_int_equal(depth, 3);
	for (i = 0; i < depth; i++) {
		assert_string_equal(p->frames[frames[i]].func, funcs[i]);
		assert_string_equal(p->frames[frames[i]].file, "/srv/app.py");
		assert_int_equal(p->frames[frames[i]].line, lines[i]);
	}
	assert_int_equal(entry[depth - 1], 1);
	assert_int_equal(prof_py_locals(py, 4242, 0, &args, &locals), 0);
	if (want) {
		assert_non_null(args);
		assert_string_equal(args, "n = 7");
		assert_non_null(locals);
		assert_string_equal(locals,
		    "s = 'hi'\nf = 2.5\nb = b'x\\x01'\nz = None");
	} else
		assert_null(locals);
	/* A thread the image does not have runs no Python. */
	assert_int_equal(prof_py_read(py, 4243), -1);
	assert_int_equal(prof_py_stack(py, 4243, &frames, &entry), 0);
	prof_py_free(py);
	prof_free(p);
	free(im.data);
}

static void
test_image_seeds(void **state)
{
	static const char	*seeds[] = { "311", "311-locals", "312",
	    "312-locals", "313", "313-locals" };
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
		check_seed(seeds[i]);
}

/*
 * 3.13 says where its fields are; one that would be read past the buffer
 * it is read into (found by fuzz_python: a type offset of 1 MB read far
 * off the stack) makes the layout refused, with a note.
 */
static void
test_image_bad_offsets(void **state)
{
	/* Debug offset words: ob_type, frame instr, code qualname, str length,
	 * bytes size; each as far as 3.13 may say and just past a buffer. */
	static const struct {
		int		word;
		uint64_t	value;
	} bad[] = {
		{ 45, 1 << 20 }, { 45, 60 }, { 31, 250 }, { 37, 190 },
		{ 69, 40 }, { 65, 30 }, { 28, 40 },
	};
	struct image	 im;
	struct prof	*p;
	struct prof_py	*py;
	char		 note[256];
	uint64_t	 keep;
	size_t		 i;
	int		 locals;

	(void)state;
	assert_int_equal(load_seed("313", &im, &locals), 13);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memcpy(&keep, im.data + 0x200 + 8 * bad[i].word, 8);
		memcpy(im.data + 0x200 + 8 * bad[i].word, &bad[i].value, 8);
		p = prof_new(1, "t", 1);
		py = open_image(13, &im, p, note, sizeof note);
		if (py != NULL)
			fail_msg("word %d = %llu accepted", bad[i].word,
			    (unsigned long long)bad[i].value);
		assert_non_null(strstr(note, "describes its layout"));
		prof_free(p);
		memcpy(im.data + 0x200 + 8 * bad[i].word, &keep, 8);
	}
	/* Restored, the image opens and walks. */
	p = prof_new(1, "t", 1);
	assert_non_null(py = open_image(13, &im, p, note, sizeof note));
	assert_int_equal(prof_py_read(py, 4242), 3);
	prof_py_free(py);
	prof_free(p);
	free(im.data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linetable_cpython),
		cmocka_unit_test(test_linetable_edges),
		cmocka_unit_test(test_linetable_overflow),
		cmocka_unit_test(test_splice),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_open_not_python),
		cmocka_unit_test(test_image_seeds),
		cmocka_unit_test(test_image_bad_offsets),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
