/* Unit tests of vigil heaptrack's client: the agent's answer, the history, leak suspects. */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "htrack.h"

static const char *answer(long long, long long);
static void	snapshot(struct htrack_snap *, long long, long long);
static FILE	*history_step(struct htrack_snap *, FILE *);

/* An answer with a growing site (A) and a steady one (B). */
static const char *
answer(long long a, long long b)
{
	static char	text[1024];

	snprintf(text, sizeof text,
	    "vigil-heap 1\n"
	    "pid 42\n"
	    "mode sampled\n"
	    "rate 524288\n"
	    "depth 64\n"
	    "time 1000.5\n"
	    "site heap %lld 3 %lld 7 3 401000 401100 7f0000001000\n"
	    "site heap %lld 1 5000 2 2 402000 401100\n"
	    "site mmap 8192 1 8192 1 1 403000\n"
	    "map 00400000-00401000 r-xp 00000000 08:01 1 /bin/x\n"
	    "end\n", a, a + 100, b);
	return (text);
}

static void
snapshot(struct htrack_snap *s, long long a, long long b)
{
	char	err[256];

	assert_int_equal(htrack_parse(s, answer(a, b), err, sizeof err), 0);
}

/* Apply the history in 'in' (may be NULL); the new history, rewound. */
static FILE *
history_step(struct htrack_snap *s, FILE *in)
{
	FILE	*out = tmpfile();

	assert_non_null(out);
	assert_int_equal(htrack_history_apply(s, in, out), 0);
	if (in != NULL)
		fclose(in);
	rewind(out);
	return (out);
}

static void
test_htrack_parse(void **state)
{
	struct htrack_snap	s;

	(void)state;
	snapshot(&s, 1000, 2000);
	assert_int_equal(s.pid, 42);
	assert_int_equal(s.sampled, 1);
	assert_int_equal(s.rate, 524288);
	assert_true(s.time > 1000.4 && s.time < 1000.6);
	assert_int_equal(s.nsites, 3);
	assert_int_equal(s.sites[0].live_bytes, 1000);
	assert_int_equal(s.sites[0].live_objs, 3);
	assert_int_equal(s.sites[0].cum_bytes, 1100);
	assert_int_equal(s.sites[0].cum_objs, 7);
	assert_int_equal(s.sites[0].depth, 3);
	assert_int_equal(s.sites[0].ips[0], 0x401000);
	assert_int_equal(s.sites[0].ips[2], 0x7f0000001000ULL);
	assert_false(s.sites[0].mmap);
	assert_true(s.sites[2].mmap);
	/* Same stack, different kind: different keys; different stacks too. */
	assert_true(s.sites[0].key != s.sites[1].key);
	assert_true(s.sites[1].key != s.sites[2].key);
	assert_non_null(strstr(s.maps, "/bin/x"));
	htrack_snap_free(&s);
}

static void
test_htrack_parse_bad(void **state)
{
	static const char	*bad[] = {
		"",
		"hello\n",
		"vigil-heap 2\npid 1\nend\n",
		"vigil-heap 1\npid 1\n",			/* no end */
		"vigil-heap 1\nend\n",				/* no pid */
		"vigil-heap 1\npid 1\nsite heap 1 1 1 1 2 400000\nend\n",
		"vigil-heap 1\npid 1\nsite what 1 1 1 1 0\nend\n",
		"vigil-heap 1\npid 1\nsite heap 1 1 1 1 1 zz\nend\n",
		"vigil-heap 1\npid 1\nend",			/* cut short */
	};
	struct htrack_snap	s;
	char			err[256];
	size_t			i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		err[0] = '\0';
		assert_int_equal(htrack_parse(&s, bad[i], err, sizeof err), -1);
		assert_true(err[0] != '\0');
		assert_int_equal(s.nsites, 0);
	}
}

static void
test_htrack_history(void **state)
{
	struct htrack_snap	s;
	FILE			*h;
	int			 round;

	(void)state;
	/* First snapshot: nothing known, nothing suspect. */
	snapshot(&s, 1000, 5000);
	h = history_step(&s, NULL);
	assert_false(s.sites[0].known);
	assert_false(s.sites[0].suspect);
	assert_true(s.prev_time == 0);
	htrack_snap_free(&s);

	/* Second: A grew by 500 and is suspect; B did not move. */
	snapshot(&s, 1500, 5000);
	h = history_step(&s, h);
	assert_true(s.prev_time > 1000.4);
	assert_true(s.sites[0].known);
	assert_int_equal(s.sites[0].growth, 500);
	assert_true(s.sites[0].suspect);
	assert_int_equal(s.sites[1].growth, 0);
	assert_false(s.sites[1].suspect);
	assert_int_equal(s.sites[0].seen, 2);
	htrack_snap_free(&s);

	/* A shrinks once: no longer a suspect. */
	snapshot(&s, 1200, 5000);
	h = history_step(&s, h);
	assert_int_equal(s.sites[0].growth, -300);
	assert_false(s.sites[0].suspect);
	htrack_snap_free(&s);

	/* Growing again for a full window: suspect once the dip is gone. */
	for (round = 1; round <= HTRACK_HISTORY; round++) {
		snapshot(&s, 1200 + 100 * round, 5000);
		h = history_step(&s, h);
		assert_int_equal(s.sites[0].seen, round + 3 < HTRACK_HISTORY ?
		    round + 3 : HTRACK_HISTORY);
		/* The window holds the shrink until it slides out. */
		assert_int_equal(s.sites[0].suspect,
		    round >= HTRACK_HISTORY - 1);
		htrack_snap_free(&s);
	}
	fclose(h);
}

static void
test_htrack_sort(void **state)
{
	struct htrack_snap	s;

	(void)state;
	snapshot(&s, 10, 5000);
	htrack_sort(&s);
	assert_int_equal(s.sites[0].live_bytes, 8192);
	assert_int_equal(s.sites[1].live_bytes, 5000);
	assert_int_equal(s.sites[2].live_bytes, 10);
	htrack_snap_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_htrack_parse),
		cmocka_unit_test(test_htrack_parse_bad),
		cmocka_unit_test(test_htrack_history),
		cmocka_unit_test(test_htrack_sort),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
