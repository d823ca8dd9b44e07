/* Unit tests of prof/: interning, labels, folded stacks, top functions. */

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

static size_t	native(struct prof *, const char *);
static void	add_path(struct prof *, size_t, const char *, uint64_t);
static char	*label_of(const struct prof_frame *);

/* Intern a native frame by function name. */
static size_t
native(struct prof *p, const char *func)
{
	struct prof_frame	f = { PF_NATIVE, NULL, NULL, 0, NULL, 0 };

	f.func = (char *)func;
	return (prof_frame_intern(p, &f));
}

/* Add "a;b;c" (native frames, root first) count times to a thread. */
static void
add_path(struct prof *p, size_t thread, const char *path, uint64_t count)
{
	size_t	 frames[64], depth = 0;
	char	*copy, *s, *tok, *save = NULL;

	copy = strdup(path);
	for (s = copy; (tok = strtok_r(s, ";", &save)) != NULL; s = NULL)
		frames[depth++] = native(p, tok);
	prof_add(p, thread, frames, depth, count);
	free(copy);
}

static char *
label_of(const struct prof_frame *f)
{
	static char	s[256];

	prof_frame_label(f, s, sizeof s);
	return (s);
}

static void
test_prof_frame_intern(void **state)
{
	struct prof		*p = prof_new(42, "app", 99);
	struct prof_frame	 f = { PF_NATIVE, NULL, NULL, 0, NULL, 0 };
	char			 name[32];
	size_t			 a, b, i;

	strcpy(name, "main");
	f.func = name;
	f.module = (char *)"/usr/bin/app";
	f.offset = 0x1234;
	a = prof_frame_intern(p, &f);
	/* The profile copies the strings. */
	strcpy(name, "xxxx");
	assert_string_equal(p->frames[a].func, "main");
	strcpy(name, "main");
	assert_int_equal(prof_frame_intern(p, &f), a);

	/* Every field of the key tells frames apart. */
	f.offset = 0x1235;
	b = prof_frame_intern(p, &f);
	assert_int_not_equal(a, b);
	f.offset = 0x1234;
	f.line = 7;
	assert_int_not_equal(prof_frame_intern(p, &f), a);
	f.line = 0;
	f.kind = PF_PYTHON;
	assert_int_not_equal(prof_frame_intern(p, &f), a);
	f.kind = PF_NATIVE;
	f.file = (char *)"";
	assert_int_not_equal(prof_frame_intern(p, &f), a);
	f.file = NULL;
	f.module = NULL;
	assert_int_not_equal(prof_frame_intern(p, &f), a);
	assert_int_equal(p->nframes, 6);

	/* Many frames: the hash table grows and keeps every one. */
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "f%zu", i);
		f.func = name;
		assert_int_equal(prof_frame_intern(p, &f), 6 + i);
	}
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "f%zu", i);
		assert_int_equal(prof_frame_intern(p, &f), 6 + i);
	}
	assert_int_equal(p->nframes, 5006);
	prof_free(p);
}

static void
test_prof_thread_intern(void **state)
{
	struct prof	*p = prof_new(42, "app", 99);
	size_t		 a, b, i;

	a = prof_thread_intern(p, 42, "app");
	b = prof_thread_intern(p, 43, NULL);
	assert_int_not_equal(a, b);
	assert_int_equal(prof_thread_intern(p, 42, NULL), a);
	assert_string_equal(p->threads[a].name, "app");
	/* A renamed thread keeps its newest name. */
	assert_int_equal(prof_thread_intern(p, 43, "worker"), b);
	assert_string_equal(p->threads[b].name, "worker");
	for (i = 0; i < 1000; i++)
		assert_int_equal(prof_thread_intern(p, 1000 + i, "t"), 2 + i);
	assert_int_equal(prof_thread_intern(p, 43, NULL), b);
	assert_int_equal(p->nthreads, 1002);
	prof_free(p);
}

static void
test_prof_add(void **state)
{
	struct prof	*p = prof_new(42, "app", 99);
	size_t		 t1, t2;

	t1 = prof_thread_intern(p, 42, "app");
	t2 = prof_thread_intern(p, 43, "worker");
	add_path(p, t1, "main;a", 5);
	add_path(p, t1, "main;a", 2);
	add_path(p, t1, "main;b", 1);
	/* The same stack in another thread is another stack. */
	add_path(p, t2, "main;a", 3);
	/* A prefix is another stack. */
	add_path(p, t1, "main", 4);
	prof_add(p, t1, NULL, 0, 1);
	assert_int_equal(p->nstacks, 5);
	assert_int_equal(p->total, 16);
	assert_int_equal(p->stacks[0].count, 7);
	assert_int_equal(p->stacks[0].depth, 2);
	assert_int_equal(p->stacks[0].thread, t1);
	assert_string_equal(p->frames[p->stacks[0].frames[0]].func, "main");
	assert_string_equal(p->frames[p->stacks[0].frames[1]].func, "a");
	assert_int_equal(p->stacks[2].count, 3);
	assert_int_equal(p->stacks[4].depth, 0);

	/* Reset forgets the samples, keeps frames and threads. */
	p->duration_ns = 1000;
	prof_reset(p);
	assert_int_equal(p->nstacks, 0);
	assert_int_equal(p->total, 0);
	assert_int_equal(p->duration_ns, 0);
	assert_int_equal(p->nframes, 3);
	assert_int_equal(p->nthreads, 2);
	add_path(p, t1, "main;a", 1);
	add_path(p, t1, "main;a", 1);
	assert_int_equal(p->nstacks, 1);
	assert_int_equal(p->stacks[0].count, 2);
	assert_int_equal(p->total, 2);
	prof_free(p);
}

static void
test_prof_mapping_add(void **state)
{
	struct prof		*p = prof_new(42, "app", 99);
	struct prof_mapping	 m = { 0x1000, 0x2000, 0, NULL, NULL };

	m.path = (char *)"/usr/bin/app";
	m.build_id = (char *)"abcdef";
	prof_mapping_add(p, &m);
	prof_mapping_add(p, &m);
	m.start = 0x3000;
	m.end = 0x4000;
	m.offset = 0x2000;
	m.build_id = NULL;
	prof_mapping_add(p, &m);
	assert_int_equal(p->nmappings, 2);
	assert_string_equal(p->mappings[0].path, "/usr/bin/app");
	assert_string_equal(p->mappings[0].build_id, "abcdef");
	assert_null(p->mappings[1].build_id);
	assert_int_equal(p->mappings[1].offset, 0x2000);
	prof_free(p);
	prof_free(NULL);
}

static void
test_prof_frame_label(void **state)
{
	struct prof_frame	f = { PF_NATIVE, NULL, NULL, 0, NULL, 0 };
	char			s[16];

	assert_string_equal(label_of(&f), "[unknown]");
	f.module = (char *)"/usr/lib/x86_64-linux-gnu/libc.so.6";
	f.offset = 0x2a1f0;
	assert_string_equal(label_of(&f), "libc.so.6+0x2a1f0");
	f.module = (char *)"[vdso]";
	f.offset = 0x10;
	assert_string_equal(label_of(&f), "[vdso]+0x10");
	f.func = (char *)"memcpy";
	f.file = (char *)"/src/memcpy.c";
	f.line = 10;
	assert_string_equal(label_of(&f), "memcpy");

	f.kind = PF_PYTHON;
	f.func = (char *)"Worker.run";
	f.file = (char *)"/usr/lib/python3/app/worker.py";
	f.line = 42;
	assert_string_equal(label_of(&f), "Worker.run (worker.py:42)");
	f.line = 0;
	assert_string_equal(label_of(&f), "Worker.run (worker.py)");
	f.file = NULL;
	assert_string_equal(label_of(&f), "Worker.run");

	/* Untrusted names: escapes and invalid UTF-8 cannot get through. */
	f.kind = PF_NATIVE;
	f.func = (char *)"evil\033]0;pwned\007\n\xff";
	assert_string_equal(label_of(&f),
	    "evil\\x1b]0;pwned\\x07\\n\xef\xbf\xbd");

	/* Cut to fit, like snprintf, never inside a UTF-8 sequence. */
	f.func = (char *)"abcdefghijklmn\xc3\xa9xyz";
	assert_int_equal(prof_frame_label(&f, s, sizeof s), 19);
	assert_string_equal(s, "abcdefghijklmn");
	f.func = (char *)"short";
	assert_int_equal(prof_frame_label(&f, s, sizeof s), 5);
	assert_string_equal(s, "short");
	assert_int_equal(prof_frame_label(&f, s, 0), 5);
	assert_int_equal(prof_frame_label(&f, s, 1), 5);
	assert_string_equal(s, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prof_frame_intern),
		cmocka_unit_test(test_prof_thread_intern),
		cmocka_unit_test(test_prof_add),
		cmocka_unit_test(test_prof_mapping_add),
		cmocka_unit_test(test_prof_frame_label),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
