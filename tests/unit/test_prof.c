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
static struct prof *sample_prof(void);
static char	*export_text(const struct prof *, const char *, size_t *);
static int	read_folded_text(struct prof *, const char *, char *, size_t);
static void	add_path(struct prof *, size_t, const char *, uint64_t);
static char	*label_of(const struct prof_frame *);

/* Intern a native frame by function name. */
static size_t
native(struct prof *p, const char *func)
{
	struct prof_frame	f = { .kind = PF_NATIVE };

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
	struct prof_frame	 f = { .kind = PF_NATIVE };
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
	struct prof_frame	f = { .kind = PF_NATIVE };
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

/*
 * Native, Python, module+offset and unknown frames, a recursive function
 * and a hostile name, over two threads: 100 samples.
 */
static struct prof *
sample_prof(void)
{
	struct prof		*p = prof_new(7, "app", 100);
	struct prof_frame	 f = { .kind = PF_NATIVE };
	size_t			 t1, t2, s[4];

	t1 = prof_thread_intern(p, 7, "app");
	t2 = prof_thread_intern(p, 8, "worker");
	add_path(p, t1, "main;a", 40);
	add_path(p, t2, "main;a", 20);
	add_path(p, t1, "main;b;b;b", 20);
	s[0] = native(p, "main");
	f.module = (char *)"/lib/libc.so.6";
	f.offset = 0xbeef;
	s[1] = prof_frame_intern(p, &f);
	prof_add(p, t2, s, 2, 5);
	f.module = NULL;
	f.offset = 0;
	s[1] = prof_frame_intern(p, &f);
	prof_add(p, t2, s, 2, 5);
	f.kind = PF_PYTHON;
	f.func = (char *)"Worker.run";
	f.file = (char *)"/srv/worker.py";
	f.line = 42;
	s[1] = native(p, "_PyEval_EvalFrameDefault");
	s[2] = prof_frame_intern(p, &f);
	prof_add(p, t1, s, 3, 6);
	s[1] = native(p, "<x>&y;z w\033[31m\n");
	prof_add(p, t2, s, 2, 4);
	return (p);
}

/* What an exporter writes, as a string the caller frees. */
static char *
export_text(const struct prof *p, const char *format, size_t *len)
{
	char	*text = NULL, err[256];
	size_t	 n = 0;
	FILE	*fp;

	fp = open_memstream(&text, &n);
	assert_non_null(fp);
	assert_int_equal(prof_export(p, format, fp, err, sizeof err), 0);
	assert_int_equal(fclose(fp), 0);
	if (len != NULL)
		*len = n;
	return (text);
}

static int
read_folded_text(struct prof *p, const char *text, char *err, size_t errlen)
{
	FILE	*fp;
	int	 rc;

	fp = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(fp);
	rc = prof_read_folded(p, fp, err, errlen);
	fclose(fp);
	return (rc);
}

static void
test_prof_folded(void **state)
{
	struct prof	*p = sample_prof(), *q;
	char		*text, *again, err[256];
	size_t		 i;

	text = export_text(p, "folded", NULL);
	/* Threads merged, lines sorted, names kept to one field each. */
	assert_string_equal(text,
	    "main;<x>&y:z w\\x1b[31m\\n 4\n"
	    "main;[unknown] 5\n"
	    "main;_PyEval_EvalFrameDefault;Worker.run (worker.py:42) 6\n"
	    "main;a 60\n"
	    "main;b;b;b 20\n"
	    "main;libc.so.6+0xbeef 5\n");

	/* Read back, the frames are what gave the labels. */
	q = prof_new(9, "again", 100);
	assert_int_equal(read_folded_text(q, text, err, sizeof err), 0);
	assert_int_equal(q->total, 100);
	assert_int_equal(q->nthreads, 1);
	assert_int_equal(q->threads[0].tid, 9);
	for (i = 0; i < q->nframes; i++) {
		const struct prof_frame *f = &q->frames[i];

		if (f->kind == PF_PYTHON) {
			assert_string_equal(f->func, "Worker.run");
			assert_string_equal(f->file, "worker.py");
			assert_int_equal(f->line, 42);
		} else if (f->module != NULL) {
			assert_string_equal(f->module, "libc.so.6");
			assert_int_equal(f->offset, 0xbeef);
			assert_null(f->func);
		}
	}
	again = export_text(q, "folded", NULL);
	assert_string_equal(again, text);
	free(again);
	free(text);
	prof_free(q);

	/* Names of spaces, or ending in them, or in digits, stay apart. */
	add_path(p, 0, "r; ", 1);
	add_path(p, 0, "r;x 12", 2);
	add_path(p, 0, "r;y  ", 3);
	text = export_text(p, "folded", NULL);
	assert_non_null(strstr(text, "\nr;[unknown] 1\n"));
	assert_non_null(strstr(text, "\nr;x 12 2\n"));
	assert_non_null(strstr(text, "\nr;y 3\n"));
	q = prof_new(9, "again", 100);
	assert_int_equal(read_folded_text(q, text, err, sizeof err), 0);
	again = export_text(q, "folded", NULL);
	assert_string_equal(again, text);
	free(again);
	free(text);
	prof_free(q);
	prof_free(p);
}

static void
test_prof_folded_malformed(void **state)
{
	static const struct {
		const char	*text;
		const char	*err;
	} bad[] = {
		{ "main;a\n", "line 1: " },
		{ "main;a 5\n\nmain;b x\n", "line 3: " },
		{ "main;a -5\n", "line 1: " },
		{ "main;a 5x\n", "line 1: " },
		{ "main;a 99999999999999999999999\n", "line 1: " },
		{ "main;;a 3\n", "line 1: " },
		{ "main;a; 3\n", "line 1: " },
		{ "   7\n", "line 1: " },
		{ "a 1\nb 2\nc\td\n", "line 3: " },
	};
	struct prof	*p;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < nitems(bad); i++) {
		p = prof_new(1, NULL, 99);
		err[0] = '\0';
		assert_int_equal(read_folded_text(p, bad[i].text, err,
		    sizeof err), -1);
		assert_true(strncmp(err, bad[i].err, strlen(bad[i].err)) == 0);
		prof_free(p);
	}

	/* Blank lines, CRLF, tabs before the count and spaces in names. */
	p = prof_new(1, NULL, 99);
	assert_int_equal(read_folded_text(p,
	    "\nmain;f (x.py:3) 2\r\n  \nmain;a b\t3\n", err, sizeof err), 0);
	assert_int_equal(p->total, 5);
	assert_int_equal(p->nstacks, 2);
	assert_string_equal(p->frames[p->stacks[1].frames[1]].func, "a b");
	assert_int_equal(p->frames[p->stacks[0].frames[1]].kind, PF_PYTHON);
	prof_free(p);
}

static void
test_prof_top(void **state)
{
	struct prof		*p = sample_prof();
	struct prof_func	*fn;
	char			*text;
	size_t			 n, i;

	fn = prof_top(p, &n);
	assert_int_equal(n, 8);
	assert_string_equal(fn[0].name, "a");
	assert_int_equal(fn[0].self, 60);
	assert_int_equal(fn[0].total, 60);
	/* Recursion counts once in the total. */
	assert_string_equal(fn[1].name, "b");
	assert_int_equal(fn[1].self, 20);
	assert_int_equal(fn[1].total, 20);
	for (i = 0; i < n; i++) {
		if (strcmp(fn[i].name, "main") == 0) {
			assert_int_equal(fn[i].self, 0);
			assert_int_equal(fn[i].total, 100);
		}
		/* Names are sanitised. */
		assert_null(strchr(fn[i].name, '\033'));
	}
	prof_top_free(fn, n);

	text = export_text(p, "top", NULL);
	assert_non_null(strstr(text, "PID 7 (app): 100 samples at 100 Hz"));
	assert_non_null(strstr(text, "  60.0%       60   60.0%       60  a\n"));
	assert_non_null(strstr(text, "   0.0%        0  100.0%      100  main\n"));
	assert_null(strchr(text, '\033'));
	free(text);

	/* An empty profile is a header and nothing else. */
	prof_free(p);
	p = prof_new(1, NULL, 99);
	fn = prof_top(p, &n);
	assert_int_equal(n, 0);
	prof_top_free(fn, n);
	prof_free(p);
}

static void
test_prof_exports_escape(void **state)
{
	struct prof	*p = sample_prof();
	char		*text, err[128];
	size_t		 len;

	text = export_text(p, "svg", &len);
	assert_non_null(strstr(text, "&lt;x&gt;&amp;y;z w\\x1b[31m\\n"));
	assert_null(strstr(text, "<x>"));
	assert_null(memchr(text, '\033', len));
	assert_non_null(strstr(text, "</svg>\n"));
	free(text);

	text = export_text(p, "speedscope", &len);
	assert_non_null(strstr(text, "\"<x>&y;z w\\\\x1b[31m\\\\n\""));
	assert_null(memchr(text, '\033', len));
	free(text);

	text = export_text(p, "pprof", &len);
	assert_true(len > 20);
	assert_int_equal((unsigned char)text[0], 0x1f);
	assert_int_equal((unsigned char)text[1], 0x8b);
	free(text);

	assert_int_equal(prof_export(p, "png", stdout, err, sizeof err), -1);
	assert_non_null(strstr(err, "png"));
	assert_non_null(strstr(err, "speedscope"));
	prof_free(p);
}

/* Nothing sampled, or stacks without frames: every format still writes. */
static void
test_prof_exports_empty(void **state)
{
	static const char	*formats[] = {
		"top", "folded", "svg", "pprof", "speedscope"
	};
	struct prof		*p = prof_new(1, NULL, 0);
	char			*text;
	size_t			 i, len;

	for (i = 0; i < nitems(formats); i++) {
		text = export_text(p, formats[i], &len);
		free(text);
	}
	text = export_text(p, "folded", &len);
	assert_int_equal(len, 0);
	free(text);

	prof_add(p, prof_thread_intern(p, 1, NULL), NULL, 0, 3);
	for (i = 0; i < nitems(formats); i++) {
		text = export_text(p, formats[i], &len);
		assert_true(len > 0);
		free(text);
	}
	text = export_text(p, "folded", &len);
	assert_string_equal(text, "[unknown] 3\n");
	free(text);
	prof_free(p);
}

/* Names as c++filt and rustfilt give them; NULL for what is not mangled. */
static void
test_prof_demangle(void **state)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "_ZN3geo6EngineImE4stepEm",
		    "geo::Engine<unsigned long>::step(unsigned long)" },
		{ "_ZNSt6vectorIiSaIiEE9push_backERKi",
		    "std::vector<int, std::allocator<int> >::push_back(int const&)" },
		{ "_ZN3rsh3geo17Engine$LT$u64$GT$6crunch17hec4aabefe7e60ba7E",
		    "rsh::geo::Engine<u64>::crunch" },
		{ "_RNvMNtCsed9a4akER1k_3rsh3geoINtB2_6EngineyE6crunch",
		    "<rsh::geo::Engine<u64>>::crunch" },
		{ "_RNvCs15kBYyAo9fc_7mycrate4main", "mycrate::main" },
		{ "main", NULL },
		{ "main.(*Store).Fill", NULL },
		{ "_Zbogus", NULL },
		{ "_R", NULL },
		{ "", NULL },
	};
	char	*d;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		d = prof_demangle(t[i].in);
		if (t[i].out == NULL)
			assert_null(d);
		else {
			assert_non_null(d);
			assert_string_equal(d, t[i].out);
		}
		free(d);
	}
	assert_null(prof_demangle(NULL));
}

/* " (inlined)" after an inlined call's name; FDE-named code. */
static void
test_prof_frame_label_kinds(void **state)
{
	struct prof_frame	f = { .kind = PF_NATIVE };
	struct prof		*p = prof_new(1, "x", 99);
	size_t			 a, b;

	(void)state;
	f.func = "geo::Engine<int>::step(int)";
	f.sysname = "_ZN3geo6EngineIiE4stepEi";
	a = prof_frame_intern(p, &f);
	f.flags = PF_INLINED;
	assert_string_equal(label_of(&f),
	    "geo::Engine<int>::step(int) (inlined)");
	b = prof_frame_intern(p, &f);
	assert_int_not_equal(a, b);	/* inlined is another frame */
	assert_string_equal(p->frames[b].sysname, "_ZN3geo6EngineIiE4stepEi");
	assert_int_equal(p->frames[b].flags, PF_INLINED);

	memset(&f, 0, sizeof f);
	f.kind = PF_NATIVE;
	f.module = "/usr/lib/x86_64-linux-gnu/liblzma.so.5";
	f.offset = 0x16880;
	assert_string_equal(label_of(&f), "liblzma.so.5+0x16880");
	f.flags = PF_FDE;
	assert_string_equal(label_of(&f), "liblzma.so.5!fde@0x16880");
	/* A hostile mangled-looking name is still sanitised. */
	memset(&f, 0, sizeof f);
	f.func = "a\x1b[31mb";
	f.flags = PF_INLINED;
	assert_null(strchr(label_of(&f), '\x1b'));
	prof_free(p);
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
		cmocka_unit_test(test_prof_demangle),
		cmocka_unit_test(test_prof_frame_label_kinds),
		cmocka_unit_test(test_prof_folded),
		cmocka_unit_test(test_prof_folded_malformed),
		cmocka_unit_test(test_prof_top),
		cmocka_unit_test(test_prof_exports_escape),
		cmocka_unit_test(test_prof_exports_empty),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
