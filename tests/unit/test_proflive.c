/* Unit tests of the live profile: the stream read in pieces, reset, tree. */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "prof.h"
#include "proflive.h"

static const char first[] =
    "S 1.00 100 99 2\n"
    "F 60 main;run;a\n"
    "F 30 main;run;b\n"
    "F 10 main;c\n"
    "E\n";

static const char second[] =
    "S 2.00 200 99 2\n"
    "F 100 main;run;a\n"
    "F 70 main;run;b\n"
    "F 30 main;c\n"
    "E\n";

/* Feed s a byte at a time: no line may need to arrive whole. */
static int
feed_bytes(struct prof_live *l, const char *s)
{
	int	done = 0;

	for (; *s != '\0'; s++)
		done |= prof_live_feed(l, s, 1);
	return (done);
}

static uint64_t
leaf_count(const struct prof *p, const char *leaf)
{
	uint64_t	n = 0;
	size_t		i;

	for (i = 0; i < p->nstacks; i++) {
		const struct prof_stack *s = &p->stacks[i];

		if (s->depth > 0 &&
		    strcmp(p->frames[s->frames[s->depth - 1]].func, leaf) == 0)
			n += s->count;
	}
	return (n);
}

static void
test_snapshot(void **state)
{
	struct prof_live	*l = prof_live_new(42, "fixture");
	const struct prof	*p;

	assert_null(prof_live_profile(l));
	/* Half a snapshot completes nothing. */
	assert_int_equal(feed_bytes(l, "S 1.00 100 99 2\nF 60 main;run;a\n"),
	    0);
	assert_null(prof_live_profile(l));
	assert_int_equal(feed_bytes(l, first + strlen("S 1.00 100 99 2\n"
	    "F 60 main;run;a\n")), 1);
	p = prof_live_profile(l);
	assert_non_null(p);
	assert_int_equal(p->total, 100);
	assert_int_equal(leaf_count(p, "a"), 60);
	assert_int_equal(leaf_count(p, "c"), 10);
	assert_int_equal(prof_live_samples(l), 100);
	assert_int_equal(prof_live_threads(l), 2);
	assert_true(prof_live_rate(l) == 99);
	assert_null(prof_live_ended(l));
	prof_live_free(l);
}

/* After a reset only what came later shows. */
static void
test_reset(void **state)
{
	struct prof_live	*l = prof_live_new(42, "fixture");
	const struct prof	*p;

	feed_bytes(l, first);
	prof_live_reset(l);
	p = prof_live_profile(l);
	assert_int_equal(p->total, 0);
	assert_int_equal(prof_live_samples(l), 0);
	feed_bytes(l, second);
	p = prof_live_profile(l);
	assert_int_equal(p->total, 100);
	assert_int_equal(leaf_count(p, "a"), 40);
	assert_int_equal(leaf_count(p, "b"), 40);
	assert_int_equal(leaf_count(p, "c"), 20);
	assert_int_equal(prof_live_samples(l), 100);
	assert_true(prof_live_elapsed(l) > 0.99 && prof_live_elapsed(l) < 1.01);
	prof_live_free(l);
}

/* The hottest path opens by itself; a toggle closes and opens a node. */
static void
test_tree(void **state)
{
	struct prof_live		*l = prof_live_new(42, "fixture");
	const struct prof_live_row	*r;
	size_t				 n;

	feed_bytes(l, first);
	n = prof_live_rows(l, &r);
	/* main (open), run (open), a, b, c. */
	assert_int_equal(n, 5);
	assert_string_equal(r[0].name, "main");
	assert_int_equal(r[0].total, 100);
	assert_true(r[0].open);
	assert_string_equal(r[1].name, "run");
	assert_int_equal(r[1].depth, 1);
	assert_int_equal(r[1].total, 90);
	assert_true(r[1].open);
	assert_string_equal(r[2].name, "a");
	assert_int_equal(r[2].self, 60);
	assert_false(r[2].kids);
	assert_string_equal(r[3].name, "b");
	assert_string_equal(r[4].name, "c");
	assert_int_equal(r[4].depth, 1);

	prof_live_toggle(l, r[1].node);		/* close run */
	n = prof_live_rows(l, &r);
	assert_int_equal(n, 3);
	assert_false(r[1].open);
	/* The state survives a new snapshot. */
	feed_bytes(l, second);
	n = prof_live_rows(l, &r);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].total, 200);
	prof_live_toggle(l, r[1].node);		/* open it again */
	n = prof_live_rows(l, &r);
	assert_int_equal(n, 5);
	prof_live_free(l);
}

/* What is not the protocol is the sampler's message; X says why it ended. */
static void
test_messages(void **state)
{
	struct prof_live	*l = prof_live_new(42, "fixture");

	feed_bytes(l, "vigil: cannot attach to 42: Operation not permitted\n");
	assert_string_equal(prof_live_message(l),
	    "vigil: cannot attach to 42: Operation not permitted");
	feed_bytes(l, first);
	feed_bytes(l, "X exit\n");
	assert_string_equal(prof_live_ended(l), "exit");
	/* A malformed snapshot line is skipped, not fatal. */
	feed_bytes(l, "S nonsense\nF x y\nE\n");
	assert_int_equal(prof_live_profile(l)->total, 100);
	prof_live_free(l);
}

/* The mode of the stream's header: a sixth field, optional. */
static void
test_mode(void **state)
{
	struct prof_live	*l = prof_live_new(42, "fixture");

	(void)state;
	assert_int_equal(prof_live_mode(l), PROF_MODE_NONE);
	feed_bytes(l, "S 1.00 10 99 2 off-cpu\nF 10 main;[off-cpu: S]\nE\n");
	assert_int_equal(prof_live_mode(l), PROF_MODE_OFF_CPU);
	assert_int_equal(prof_live_profile(l)->mode, PROF_MODE_OFF_CPU);
	assert_int_equal(leaf_count(prof_live_profile(l), "[off-cpu: S]"), 10);
	prof_live_reset(l);
	assert_int_equal(prof_live_mode(l), PROF_MODE_OFF_CPU);
	feed_bytes(l, "S 2.00 20 99 2\nF 20 main;a\nE\n");
	assert_int_equal(prof_live_mode(l), PROF_MODE_NONE);
	feed_bytes(l, "S 3.00 30 99 2 bogus\nF 30 main;a\nE\n");
	assert_int_equal(prof_live_mode(l), PROF_MODE_NONE);
	assert_int_equal(prof_live_samples(l), 30 - 10);
	prof_live_free(l);
}

/* The method of the stream's header: a seventh field, optional. */
static void
test_method(void **state)
{
	struct prof_live	*l = prof_live_new(42, "fixture");

	(void)state;
	assert_null(prof_live_method(l));
	feed_bytes(l, "S 1.00 10 99 2 on-cpu perf\nF 10 main;a\nE\n");
	assert_string_equal(prof_live_method(l), "perf");
	assert_int_equal(prof_live_mode(l), PROF_MODE_ON_CPU);
	prof_live_reset(l);
	assert_string_equal(prof_live_method(l), "perf");
	feed_bytes(l, "S 2.00 20 99 2 wall ptrace\nF 20 main;a\nE\n");
	assert_string_equal(prof_live_method(l), "ptrace");
	feed_bytes(l, "S 3.00 30 99 2 wall\nF 30 main;a\nE\n");
	assert_null(prof_live_method(l));
	feed_bytes(l, "S 4.00 40 99 2 wall \x1b[2Jx\nF 40 main;a\nE\n");
	assert_null(prof_live_method(l));
	prof_live_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_method),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
