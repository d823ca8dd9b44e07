/* Unit tests: what a sample counts (src/prof/mode.c). */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "prof.h"
#include "../../src/prof/sampler-int.h"

static void
test_mode_parse(void **state)
{
	enum prof_mode	m = PROF_MODE_NONE;

	(void)state;
	assert_int_equal(prof_mode_parse("on-cpu", &m), 0);
	assert_int_equal(m, PROF_MODE_ON_CPU);
	assert_int_equal(prof_mode_parse("wall", &m), 0);
	assert_int_equal(m, PROF_MODE_WALL);
	m = PROF_MODE_NONE;
	assert_int_equal(prof_mode_parse("idle", &m), 0);
	assert_int_equal(m, PROF_MODE_WALL);
	assert_int_equal(prof_mode_parse("off-cpu", &m), 0);
	assert_int_equal(m, PROF_MODE_OFF_CPU);
	assert_int_equal(prof_mode_parse("cpu", &m), -1);
	assert_int_equal(prof_mode_parse("", &m), -1);
	assert_int_equal(prof_mode_parse("On-CPU", &m), -1);
	assert_int_equal(prof_mode_parse(NULL, &m), -1);
	assert_int_equal(m, PROF_MODE_OFF_CPU);	/* untouched on error */

	assert_string_equal(prof_mode_name(PROF_MODE_ON_CPU), "on-cpu");
	assert_string_equal(prof_mode_name(PROF_MODE_WALL), "wall");
	assert_string_equal(prof_mode_name(PROF_MODE_OFF_CPU), "off-cpu");
	assert_null(prof_mode_name(PROF_MODE_NONE));
	assert_null(prof_mode_what(PROF_MODE_NONE));
	assert_non_null(prof_mode_what(PROF_MODE_WALL));

	/* The live view's key goes round the three. */
	assert_int_equal(prof_mode_next(PROF_MODE_ON_CPU), PROF_MODE_WALL);
	assert_int_equal(prof_mode_next(PROF_MODE_WALL), PROF_MODE_OFF_CPU);
	assert_int_equal(prof_mode_next(PROF_MODE_OFF_CPU), PROF_MODE_ON_CPU);
	assert_int_equal(prof_mode_next(PROF_MODE_NONE), PROF_MODE_ON_CPU);
}

static void
test_mode_keep(void **state)
{
	(void)state;
	assert_true(prof_mode_keep(PROF_MODE_ON_CPU, 1));
	assert_false(prof_mode_keep(PROF_MODE_ON_CPU, 0));
	assert_true(prof_mode_keep(PROF_MODE_OFF_CPU, 0));
	assert_false(prof_mode_keep(PROF_MODE_OFF_CPU, 1));
	assert_true(prof_mode_keep(PROF_MODE_WALL, 0));
	assert_true(prof_mode_keep(PROF_MODE_WALL, 1));
	assert_true(prof_mode_keep(PROF_MODE_NONE, 0));
}

/* The label of one wchan and state, as a string the test frees. */
static char *
label(const char *wchan, char st, int *named)
{
	struct buf	 b = BUF_INITIALIZER;
	char		*s;

	*named = prof_offcpu_label(wchan, st, &b);
	s = strdup(buf_str(&b));
	buf_free(&b);
	return (s);
}

static void
test_offcpu_label(void **state)
{
	static const struct {
		const char	*wchan;
		char		 state;
		const char	*want;
		int		 named;
	} cases[] = {
		{ "futex_wait_queue", 'S', "[off-cpu: futex_wait_queue]", 1 },
		{ "hrtimer_nanosleep\n", 'S', "[off-cpu: hrtimer_nanosleep]", 1 },
		{ "0", 'S', "[off-cpu: S]", 0 },
		{ "", 'D', "[off-cpu: D]", 0 },
		{ NULL, 'T', "[off-cpu: T]", 0 },
		{ NULL, '\0', "[off-cpu: ?]", 0 },
		{ NULL, ']', "[off-cpu: ?]", 0 },
		{ "do_syscall_64", 'S', "[off-cpu: S]", 0 },
		{ "do_syscall_64x", 'S', "[off-cpu: do_syscall_64x]", 1 },
		{ "pipe_read extra", 'S', "[off-cpu: pipe_read]", 1 },
		{ "ep_poll\033[2J", 'S', "[off-cpu: ep_poll]", 1 },
	};
	char	*s;
	size_t	 i;
	int	 named;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		s = label(cases[i].wchan, cases[i].state, &named);
		assert_string_equal(s, cases[i].want);
		assert_int_equal(named, cases[i].named);
		free(s);
	}
	/* Bad UTF-8 in a wchan does not reach a terminal as it is. */
	s = label("wait\xff", 'S', &named);
	assert_null(strchr(s, '\xff'));
	free(s);
}

static void
test_stat_parse(void **state)
{
	char		st = 0;
	uint64_t	ticks = 0;

	(void)state;
	assert_int_equal(prof_stat_parse("1234 (burn) R 1 1234 1234 0 -1 "
	    "4194304 100 0 0 0 250 50 0 0 20 0 1 0 100 0 0", &st, &ticks), 0);
	assert_int_equal(st, 'R');
	assert_int_equal(ticks, 300);
	/* A command name with ") S (" in it: the last ')' counts. */
	assert_int_equal(prof_stat_parse("7 (a) S (b) D 1 7 7 0 -1 0 0 0 0 0 "
	    "3 4 0 0", &st, &ticks), 0);
	assert_int_equal(st, 'D');
	assert_int_equal(ticks, 7);
	assert_int_equal(prof_stat_parse("7 (a) S 1 2", &st, &ticks), -1);
	assert_int_equal(prof_stat_parse("garbage", &st, &ticks), -1);
	assert_int_equal(prof_stat_parse("7 (a)", &st, &ticks), -1);
}

/* --format top, svg and speedscope say the mode; none when not known. */
static void
test_mode_exports(void **state)
{
	struct prof_frame	 f = { .kind = PF_NATIVE, .func = "hot" };
	struct prof		*p;
	char			*text = NULL, err[128];
	size_t			 len = 0, fr, th;
	FILE			*mem;

	(void)state;
	p = prof_new(9, "app", 99);
	fr = prof_frame_intern(p, &f);
	th = prof_thread_intern(p, 9, "app");
	prof_add(p, th, &fr, 1, 10);
	p->mode = PROF_MODE_OFF_CPU;
	mem = open_memstream(&text, &len);
	assert_int_equal(prof_export(p, "top", mem, err, sizeof err), 0);
	assert_int_equal(prof_export(p, "svg", mem, err, sizeof err), 0);
	assert_int_equal(prof_export(p, "speedscope", mem, err, sizeof err), 0);
	fclose(mem);
	assert_non_null(strstr(text, "\nmode off-cpu: "));
	assert_non_null(strstr(text, ">Flame graph: app (9), off-cpu<"));
	assert_non_null(strstr(text, "\"name\":\"app (9) off-cpu\""));
	free(text);
	text = NULL;
	p->mode = PROF_MODE_NONE;
	mem = open_memstream(&text, &len);
	assert_int_equal(prof_export(p, "top", mem, err, sizeof err), 0);
	fclose(mem);
	assert_null(strstr(text, "mode "));
	free(text);
	prof_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_parse),
		cmocka_unit_test(test_mode_keep),
		cmocka_unit_test(test_offcpu_label),
		cmocka_unit_test(test_stat_parse),
		cmocka_unit_test(test_mode_exports),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
