/*
 * Unit tests of the sampler's pure parts: /proc/PID/maps lines, perf map
 * (JIT symbol) files, the target checks, and the release table.
 */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../src/prof/sampler-int.h"

static void
test_maps_line_file(void **state)
{
	struct prof_map	m;

	(void)state;
	assert_int_equal(prof_maps_parse_line("55d0c8a00000-55d0c8a01000 r-xp "
	    "00001000 fd:01 1234567                    /usr/bin/hot3\n", &m), 0);
	assert_true(m.start == 0x55d0c8a00000ULL);
	assert_true(m.end == 0x55d0c8a01000ULL);
	assert_true(m.offset == 0x1000);
	assert_true(m.exec);
	assert_false(m.deleted);
	assert_string_equal(m.path, "/usr/bin/hot3");
	free(m.path);
}

static void
test_maps_line_special(void **state)
{
	struct prof_map	m;

	(void)state;
	/* Anonymous: no path. */
	assert_int_equal(prof_maps_parse_line("7f0000000000-7f0000021000 rw-p "
	    "00000000 00:00 0 \n", &m), 0);
	assert_null(m.path);
	assert_false(m.exec);
	/* [vdso] keeps its brackets. */
	assert_int_equal(prof_maps_parse_line("7ffd1c5f0000-7ffd1c5f2000 r-xp "
	    "00000000 00:00 0                          [vdso]", &m), 0);
	assert_string_equal(m.path, "[vdso]");
	assert_true(m.exec);
	free(m.path);
	/* A deleted file: the suffix is a flag, not part of the path. */
	assert_int_equal(prof_maps_parse_line("400000-401000 r-xp 00000000 "
	    "08:01 42 /tmp/my prog (deleted)\n", &m), 0);
	assert_string_equal(m.path, "/tmp/my prog");
	assert_true(m.deleted);
	free(m.path);
	/* Garbage and inverted ranges are refused. */
	assert_int_equal(prof_maps_parse_line("hello world\n", &m), -1);
	assert_int_equal(prof_maps_parse_line("2000-1000 r-xp 0 0:0 0\n", &m),
	    -1);
	assert_int_equal(prof_maps_parse_line("", &m), -1);
}

static void
test_maps_parse_find(void **state)
{
	struct prof_maps	 maps = { NULL, 0 };
	const struct prof_map	*m;

	(void)state;
	prof_maps_parse(&maps,
	    "1000-2000 r--p 00000000 08:01 1 /bin/a\n"
	    "bogus line\n"
	    "2000-3000 r-xp 00001000 08:01 1 /bin/a\n"
	    "5000-6000 rw-p 00000000 00:00 0\n"
	    "7000-8000 r-xp 00000000 08:01 2 /lib/b.so");
	assert_int_equal(maps.n, 4);
	assert_null(prof_maps_find(&maps, 0xfff));
	m = prof_maps_find(&maps, 0x1000);
	assert_non_null(m);
	assert_false(m->exec);
	m = prof_maps_find(&maps, 0x2fff);
	assert_non_null(m);
	assert_true(m->exec);
	assert_true(m->offset == 0x1000);
	assert_null(prof_maps_find(&maps, 0x3000));
	assert_null(prof_maps_find(&maps, 0x6000));
	m = prof_maps_find(&maps, 0x7abc);
	assert_non_null(m);
	assert_string_equal(m->path, "/lib/b.so");
	assert_null(prof_maps_find(&maps, 0x8000));
	prof_maps_free(&maps);
	assert_int_equal(maps.n, 0);
}

/* Our own maps: the code of this function is in an executable mapping. */
static void
test_maps_read_self(void **state)
{
	struct prof_maps	 maps = { NULL, 0 };
	const struct prof_map	*m;

	(void)state;
	assert_int_equal(prof_maps_read(&maps, getpid()), 0);
	m = prof_maps_find(&maps, (uint64_t)(uintptr_t)test_maps_read_self);
	assert_non_null(m);
	assert_true(m->exec);
	assert_non_null(m->path);
	assert_non_null(strstr(m->path, "test_sampler"));
	prof_maps_free(&maps);
	assert_int_equal(prof_maps_read(&maps, 0), -1);
}

static void
test_jitmap_line(void **state)
{
	struct prof_jitsym	s;

	(void)state;
	assert_int_equal(prof_jitmap_parse_line(
	    "7f3a2c001000 40 LazyCompile:~fib /app/fib.js:3\n", &s), 0);
	assert_true(s.start == 0x7f3a2c001000ULL);
	assert_true(s.size == 0x40);
	assert_string_equal(s.name, "LazyCompile:~fib /app/fib.js:3");
	free(s.name);
	/* 0x prefixes, as some JITs write them; trailing blanks dropped. */
	assert_int_equal(prof_jitmap_parse_line("0x1000 0x10 jit_func  \r\n",
	    &s), 0);
	assert_true(s.start == 0x1000 && s.size == 0x10);
	assert_string_equal(s.name, "jit_func");
	free(s.name);
	assert_int_equal(prof_jitmap_parse_line("1000 10\n", &s), -1);
	assert_int_equal(prof_jitmap_parse_line("1000 0 empty\n", &s), -1);
	assert_int_equal(prof_jitmap_parse_line("zz 10 name\n", &s), -1);
	assert_int_equal(prof_jitmap_parse_line("\n", &s), -1);
}

static void
test_jitmap_find(void **state)
{
	struct prof_jitmap		 jm = { NULL, 0 };
	const struct prof_jitsym	*s;

	(void)state;
	/* Out of order, one symbol inside another's range. */
	prof_jitmap_parse(&jm,
	    "3000 100 third\n"
	    "1000 1000 outer\n"
	    "garbage\n"
	    "1800 10 inner\n");
	assert_int_equal(jm.n, 3);
	assert_null(prof_jitmap_find(&jm, 0xfff));
	s = prof_jitmap_find(&jm, 0x1000);
	assert_non_null(s);
	assert_string_equal(s->name, "outer");
	s = prof_jitmap_find(&jm, 0x1805);
	assert_non_null(s);
	assert_string_equal(s->name, "inner");
	/* Past inner's end, still in outer. */
	s = prof_jitmap_find(&jm, 0x1900);
	assert_non_null(s);
	assert_string_equal(s->name, "outer");
	assert_null(prof_jitmap_find(&jm, 0x2000));
	s = prof_jitmap_find(&jm, 0x30ff);
	assert_non_null(s);
	assert_string_equal(s->name, "third");
	assert_null(prof_jitmap_find(&jm, 0x3100));
	prof_jitmap_free(&jm);
}

static void
test_check_target(void **state)
{
	char	err[256];

	(void)state;
	assert_int_equal(prof_check_target(getpid(), err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot profile itself"));
	assert_int_equal(prof_check_target(0, err, sizeof err), -1);
	assert_int_equal(prof_check_target(getppid(), err, sizeof err), 0);
	if (access("/proc/2/stat", R_OK) == 0) {
		FILE	*f = fopen("/proc/2/comm", "r");
		char	 comm[32] = "";

		if (f != NULL) {
			if (fgets(comm, sizeof comm, f) == NULL)
				comm[0] = '\0';
			fclose(f);
		}
		if (strncmp(comm, "kthreadd", 8) == 0) {
			assert_int_equal(prof_check_target(2, err, sizeof err),
			    -1);
			assert_non_null(strstr(err, "kernel thread"));
		}
	}
}

/* The release table reuses free slots and knows its length. */
static void
test_reg(void **state)
{
	int	a, b, c;

	(void)state;
	a = prof_reg_add(100);
	b = prof_reg_add(101);
	assert_true(a >= 0 && b == a + 1);
	prof_reg_del(a);
	c = prof_reg_add(102);
	assert_int_equal(c, a);
	assert_int_equal(prof_reg[c].tid, 102);
	assert_int_equal(prof_reg[c].stopped, 0);
	prof_reg_del(b);
	prof_reg_del(c);
	/* Nothing traced: release returns at once. */
	prof_release();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps_line_file),
		cmocka_unit_test(test_maps_line_special),
		cmocka_unit_test(test_maps_parse_find),
		cmocka_unit_test(test_maps_read_self),
		cmocka_unit_test(test_jitmap_line),
		cmocka_unit_test(test_jitmap_find),
		cmocka_unit_test(test_check_target),
		cmocka_unit_test(test_reg),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
