/* Unit tests of heap snapshots: smaps parser, classifier, JSON, diff. */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "file.h"
#include "heap.h"
#include "json.h"
#include "jsonv.h"

/*
 * Captured from a python3 process (smaps fields trimmed) that had: a
 * thread and its arena, SysV shm, shared anonymous memory, /dev/shm and
 * memfd mappings, files in "/tmp/cap/dir with space/" named "plain file"
 * (shared), "new<newline>line", "gone" (deleted) and, not deleted, "ends
 * (deleted)". Thread stack pointers from /proc/PID/task/TID/syscall.
 */
#define CAPTURED	"tests/unit/data/smaps-hostile.txt"
static const uint64_t captured_sps[] = { 0x7fff245c34b0, 0x7f8b7515f8c0 };

static char *
captured(size_t *len)
{
	const char	*src = getenv("SRCDIR");
	char		 path[4096], *text = NULL;
	ssize_t		 n;

	snprintf(path, sizeof path, "%s/%s", src != NULL ? src : ".",
	    CAPTURED);
	n = file_read_all(path, &text);
	assert_true(n > 0);
	*len = n;
	return (text);
}

static const struct heap_map *
find(const struct heap_snap *s, uint64_t start)
{
	size_t	i;

	for (i = 0; i < s->nmaps; i++)
		if (s->maps[i].start == start)
			return (&s->maps[i]);
	fail_msg("no mapping at %llx", (unsigned long long)start);
	return (NULL);
}

static void
test_parse_captured(void **state)
{
	struct heap_snap	 s;
	const struct heap_map	*m;
	size_t			 len;
	char			*text = captured(&len);

	memset(&s, 0, sizeof s);
	assert_int_equal(heap_smaps_parse(text, len, &s), 21);
	assert_int_equal(s.nmaps, 21);
	m = find(&s, 0x563b386b3000);
	assert_string_equal(m->name, "[heap]");
	assert_int_equal(m->end, 0x563b38863000);
	assert_string_equal(m->perms, "rw-p");
	assert_int_equal(m->u.size, 1728);
	assert_int_equal(m->u.rss, 1680);
	assert_int_equal(m->u.pss, 1680);
	assert_int_equal(m->u.private_dirty, 1680);
	assert_int_equal(m->u.swap, 0);
	/* Anonymous: no name, even with the kernel's trailing blank. */
	assert_string_equal(find(&s, 0x7f8b70000000)->name, "");
	m = find(&s, 0x7f8b75391000);
	assert_string_equal(m->name, "/tmp/cap/dir with space/plain file");
	assert_int_equal(m->inode, 11012846);
	assert_false(m->deleted);
	/* The kernel's escape of a newline is kept as it wrote it. */
	assert_string_equal(find(&s, 0x7f8b7538f000)->name,
	    "/tmp/cap/dir with space/new\\012line");
	m = find(&s, 0x7f8b752d3000);
	assert_string_equal(m->name, "/tmp/cap/dir with space/gone (deleted)");
	assert_true(m->deleted);
	/* Indistinguishable from a deleted file, as the kernel writes it. */
	assert_true(find(&s, 0x7f8b752d1000)->deleted);
	assert_string_equal(find(&s, 0x7f8b752cf000)->name,
	    "/memfd:vigil test (deleted)");
	assert_int_equal(find(&s, 0xffffffffff600000)->end, 0xffffffffff601000);
	heap_snap_free(&s);
	free(text);
}

static void
test_classify_captured(void **state)
{
	struct heap_snap	 s;
	size_t			 len, i;
	char			*text = captured(&len);
	uint64_t		 sum = 0;
	static const struct {
		uint64_t	start;
		enum heap_class	cls;
	} want[] = {
		{ 0x563b386b3000, HEAP_C_HEAP },
		{ 0x7f8b70000000, HEAP_C_ARENA },
		{ 0x7f8b70021000, HEAP_C_ARENA },	/* its reserved rest */
		{ 0x7f8b74960000, HEAP_C_THREAD_STACK },	/* the guard */
		{ 0x7f8b74961000, HEAP_C_THREAD_STACK },
		{ 0x7f8b7516e000, HEAP_C_ANON },
		{ 0x7f8b75172000, HEAP_C_SHMEM },	/* SysV */
		{ 0x7f8b75174000, HEAP_C_SHMEM },	/* shared anonymous */
		{ 0x7f8b752cd000, HEAP_C_SHMEM },	/* /dev/shm */
		{ 0x7f8b752cf000, HEAP_C_SHMEM },	/* memfd */
		{ 0x7f8b752d1000, HEAP_C_FILE },
		{ 0x7f8b752d3000, HEAP_C_FILE },
		{ 0x7f8b7538f000, HEAP_C_FILE },
		{ 0x7f8b75391000, HEAP_C_FILE },	/* a shared file */
		{ 0x7f8b75fe1000, HEAP_C_FILE },
		{ 0x7f8b75fea000, HEAP_C_SPECIAL },
		{ 0x7f8b75fee000, HEAP_C_SPECIAL },
		{ 0x7f8b75ff0000, HEAP_C_SPECIAL },
		{ 0x7fff245a5000, HEAP_C_STACK },
		{ 0xffffffffff600000, HEAP_C_SPECIAL },
	};

	memset(&s, 0, sizeof s);
	assert_int_equal(heap_smaps_parse(text, len, &s), 21);
	heap_classify(&s, captured_sps, nitems(captured_sps), 0);
	for (i = 0; i < nitems(want); i++) {
		const struct heap_map *m = find(&s, want[i].start);

		if (m->cls != want[i].cls)
			fail_msg("%llx %s: class %s, want %s",
			    (unsigned long long)m->start, m->name,
			    heap_class_name(m->cls),
			    heap_class_name(want[i].cls));
	}
	assert_int_equal(s.cls[HEAP_C_HEAP].rss, 1680);
	assert_int_equal(s.cls[HEAP_C_ARENA].size, 65536);
	assert_int_equal(s.cls[HEAP_C_THREAD_STACK].size, 8196);
	for (i = 0; i < HEAP_C__COUNT; i++)
		sum += s.cls[i].rss;
	assert_int_equal(sum, s.total.rss);
	/* Without stack pointers, the guard page gives the stack away. */
	heap_classify(&s, NULL, 0, 1);
	assert_int_equal(find(&s, 0x7f8b74961000)->cls, HEAP_C_THREAD_STACK);
	assert_int_equal(find(&s, 0x7f8b74960000)->cls, HEAP_C_THREAD_STACK);
	assert_int_equal(find(&s, 0x7f8b70000000)->cls, HEAP_C_ARENA);
	/* Without either, it is just anonymous memory. */
	heap_classify(&s, NULL, 0, 0);
	assert_int_equal(find(&s, 0x7f8b74961000)->cls, HEAP_C_ANON);
	heap_snap_free(&s);
	free(text);
}

/* A mapping's smaps entry: header and the five fields we keep. */
static void
add_map(struct buf *b, uint64_t start, uint64_t end, const char *perms,
    const char *name, uint64_t rss)
{
	buf_printf(b, "%llx-%llx %s 00000000 00:00 0 %s%s\n",
	    (unsigned long long)start, (unsigned long long)end, perms,
	    *name != '\0' ? "                   " : "", name);
	buf_printf(b, "Size: %llu kB\nRss: %llu kB\nPss: %llu kB\n"
	    "Private_Dirty: %llu kB\nSwap: 0 kB\nVmFlags: rd wr\n",
	    (unsigned long long)(end - start) >> 10, (unsigned long long)rss,
	    (unsigned long long)rss, (unsigned long long)rss);
}

static void
test_classify_synthetic(void **state)
{
	struct heap_snap	 s;
	struct buf		 b = BUF_INITIALIZER;
	uint64_t		 a = 0x7f0000000000, mib = 1 << 20;

	/* A full 64 MiB arena heap: no reserved rest. */
	add_map(&b, a, a + 64 * mib, "rw-p", "", 1024);
	/* 32 MiB on a 64 MiB boundary, not an arena: it ends mid-way. */
	add_map(&b, a + 128 * mib, a + 160 * mib, "rw-p", "", 2048);
	/* Named anonymous memory. */
	add_map(&b, a + 200 * mib, a + 201 * mib, "rw-p", "[anon:cache]", 4);
	add_map(&b, a + 202 * mib, a + 203 * mib, "rw-s",
	    "[anon_shmem:ring]", 8);
	add_map(&b, a + 204 * mib, a + 205 * mib, "rw-p", "[uprobes]", 0);
	/* No trailing newline after the last field. */
	buf_adds(&b, "7f00d0000000-7f00d0001000 r--p 00000000 00:00 0 \nRss: 4 kB");
	memset(&s, 0, sizeof s);
	assert_int_equal(heap_smaps_parse(b.data, b.len, &s), 6);
	heap_classify(&s, NULL, 0, 0);
	assert_int_equal(s.maps[0].cls, HEAP_C_ARENA);
	assert_int_equal(s.maps[1].cls, HEAP_C_ANON);
	assert_int_equal(s.maps[2].cls, HEAP_C_ANON);
	assert_string_equal(s.maps[2].name, "[anon:cache]");
	assert_int_equal(s.maps[3].cls, HEAP_C_SHMEM);
	assert_int_equal(s.maps[4].cls, HEAP_C_OTHER);
	assert_int_equal(s.maps[5].u.rss, 4);
	assert_int_equal(s.total.rss, 1024 + 2048 + 4 + 8 + 4);
	heap_snap_free(&s);

	/* Nothing at all; then a broken header. */
	memset(&s, 0, sizeof s);
	assert_int_equal(heap_smaps_parse("", 0, &s), 0);
	assert_int_equal(heap_smaps_parse("7f-\n", 4, &s), -1);
	assert_int_equal(heap_smaps_parse("7f-80 rw\n", 9, &s), -1);
	heap_snap_free(&s);
	buf_free(&b);
}

static void
test_syscall_sp(void **state)
{
	uint64_t	sp = 0;

	assert_int_equal(heap_syscall_sp("202 0x7f8b70000ba0 0x189 0x0 0x0 0x0 0xffffffff 0x7f8b7515f8c0 0x7f8b758a3f16\n",
	    &sp), 0);
	assert_int_equal(sp, 0x7f8b7515f8c0);
	assert_int_equal(heap_syscall_sp("-1 0x7ffd1000 0x401000\n", &sp), 0);
	assert_int_equal(sp, 0x7ffd1000);
	assert_int_equal(heap_syscall_sp("running\n", &sp), -1);
	assert_int_equal(heap_syscall_sp("", &sp), -1);
	assert_int_equal(heap_syscall_sp("1 2 3 4\n", &sp), -1);
	assert_int_equal(heap_syscall_sp("-1 junk 0x1\n", &sp), -1);
}

static void
to_json(const struct heap_snap *s, struct buf *b)
{
	struct json	j;

	buf_reset(b);
	json_init(&j, b);
	heap_snap_json(&j, s);
}

static void
test_json_round_trip(void **state)
{
	struct heap_snap	 s, r;
	struct buf		 b = BUF_INITIALIZER, b2 = BUF_INITIALIZER;
	struct jsonv		*v;
	char			 err[256];
	size_t			 len;
	char			*text = captured(&len);

	memset(&s, 0, sizeof s);
	heap_smaps_parse(text, len, &s);
	heap_classify(&s, captured_sps, nitems(captured_sps), 0);
	s.pid = 4242;
	s.start_time = 123456789;
	s.time = 1700000000.5;
	s.threads = 2;
	snprintf(s.comm, sizeof s.comm, "py\x1b]0;x\a thon");
	snprintf(s.stacks_from, sizeof s.stacks_from, "sp");
	to_json(&s, &b);
	v = jsonv_parse(b.data, b.len, err, sizeof err);
	assert_non_null(v);
	assert_int_equal(heap_snap_from_json(v, &r, err, sizeof err), 0);
	jsonv_free(v);
	assert_int_equal(r.pid, 4242);
	assert_int_equal(r.start_time, 123456789);
	assert_true(r.time == 1700000000.5);
	assert_string_equal(r.comm, s.comm);
	assert_int_equal(r.nmaps, s.nmaps);
	assert_memory_equal(r.cls, s.cls, sizeof s.cls);
	/* Written again, it is the same text. */
	to_json(&r, &b2);
	assert_string_equal(b.data, b2.data);
	assert_string_equal(find(&r, 0x7f8b7538f000)->name,
	    "/tmp/cap/dir with space/new\\012line");
	assert_true(find(&r, 0x7f8b752d3000)->deleted);

	heap_snap_free(&r);

	/* Not a snapshot. */
	v = jsonv_parse("{\"a\":1}", 7, err, sizeof err);
	assert_int_equal(heap_snap_from_json(v, &r, err, sizeof err), -1);
	jsonv_free(v);
	heap_snap_free(&s);
	buf_free(&b);
	buf_free(&b2);
	free(text);
}

static void
test_diff(void **state)
{
	struct heap_snap	 a, b;
	struct heap_diff	 d;
	struct buf		 t = BUF_INITIALIZER;
	uint64_t		 x = 0x7f0000000000, mib = 1 << 20;
	char			 s[HEAP_FMT_SIZE];

	/* Before: an arena heap using 1 MiB, a library, a thread stack. */
	add_map(&t, x, x + mib, "rw-p", "", 1024);
	add_map(&t, x + mib, x + 64 * mib, "---p", "", 0);
	add_map(&t, x + 200 * mib, x + 201 * mib, "r-xp", "/lib/libc.so.6", 800);
	add_map(&t, x + 201 * mib, x + 202 * mib, "rw-p", "/lib/libc.so.6", 8);
	memset(&a, 0, sizeof a);
	heap_smaps_parse(t.data, t.len, &a);
	heap_classify(&a, NULL, 0, 0);
	a.time = 1000;
	/* After, 30 s later: the arena grew by 64 MiB into a second heap,
	 * a 32 MiB mapping appeared just below the library (the kernel
	 * places new ones downwards), the library's data grew. */
	buf_reset(&t);
	add_map(&t, x, x + 64 * mib, "rw-p", "", 65536);
	add_map(&t, x + 64 * mib, x + 65 * mib, "rw-p", "", 1024);
	add_map(&t, x + 65 * mib, x + 128 * mib, "---p", "", 0);
	add_map(&t, x + 168 * mib, x + 200 * mib, "rw-p", "", 32768);
	add_map(&t, x + 200 * mib, x + 201 * mib, "r-xp", "/lib/libc.so.6", 800);
	add_map(&t, x + 201 * mib, x + 202 * mib, "rw-p", "/lib/libc.so.6", 12);
	memset(&b, 0, sizeof b);
	heap_smaps_parse(t.data, t.len, &b);
	heap_classify(&b, NULL, 0, 0);
	b.time = 1030;
	assert_int_equal(b.maps[1].cls, HEAP_C_ARENA);
	assert_int_equal(b.maps[3].cls, HEAP_C_ANON);

	heap_diff(&a, &b, &d);
	assert_true(d.seconds == 30);
	assert_int_equal(d.cls[HEAP_C_ARENA].rss, 65536);
	assert_int_equal(d.cls[HEAP_C_ARENA].size, 64 * 1024);
	assert_int_equal(d.cls[HEAP_C_ANON].rss, 32768);
	assert_int_equal(d.cls[HEAP_C_FILE].rss, 4);
	assert_int_equal(d.total.rss, 65536 + 32768 + 4);
	assert_int_equal(d.total.old_rss, 1024 + 808);
	/* By growth: the first arena heap, the new mapping, then the new
	 * heap (1 MiB) and libc; nothing for what did not change. */
	assert_int_equal(d.ngroups, 4);
	assert_int_equal(d.groups[0].cls, HEAP_C_ARENA);
	assert_int_equal(d.groups[0].rss, 64512);
	assert_int_equal(d.groups[1].cls, HEAP_C_ANON);
	assert_int_equal(d.groups[1].rss, 32768);
	assert_int_equal(d.groups[2].rss, 1024);
	assert_string_equal(d.groups[3].label, "/lib/libc.so.6");
	assert_int_equal(d.groups[3].rss, 4);
	assert_true(heap_per_minute(d.groups[1].rss, d.seconds) == 65536);
	assert_true(heap_per_minute(100, 0) == 0);
	assert_string_equal(heap_fmt_delta(s, sizeof s, 32768), "+32.0M");
	assert_string_equal(heap_fmt_delta(s, sizeof s, 1000), "+1000K");
	assert_string_equal(heap_fmt_size(s, sizeof s, 67286), "65.7M");
	assert_string_equal(heap_fmt_delta(s, sizeof s, -65536 * 2), "-128M");
	assert_string_equal(heap_fmt_delta(s, sizeof s, 0), "0");
	heap_diff_free(&d);

	/* Growth the other way round is shrinkage, sorted last. */
	heap_diff(&b, &a, &d);
	assert_int_equal(d.cls[HEAP_C_ARENA].rss, -65536);
	assert_true(d.groups[0].rss >= d.groups[d.ngroups - 1].rss);
	assert_true(d.seconds == -30);
	heap_diff_free(&d);
	heap_snap_free(&a);
	heap_snap_free(&b);
	buf_free(&t);
}

static void
test_groups(void **state)
{
	struct heap_snap	 s;
	struct heap_group	*g;
	size_t			 len, n, i, files = 0;
	char			*text = captured(&len);

	memset(&s, 0, sizeof s);
	heap_smaps_parse(text, len, &s);
	heap_classify(&s, captured_sps, nitems(captured_sps), 0);
	n = heap_groups(&s, &g);
	/* The arena and its rest are one; a stack and its guard are one. */
	for (i = 0; i < n; i++) {
		if (g[i].cls == HEAP_C_ARENA) {
			assert_int_equal(g[i].count, 2);
			assert_int_equal(g[i].u.size, 65536);
		}
		if (g[i].cls == HEAP_C_THREAD_STACK)
			assert_int_equal(g[i].count, 2);
		if (g[i].cls == HEAP_C_FILE)
			files++;
		if (i > 0)
			assert_true(g[i - 1].u.rss >= g[i].u.rss);
	}
	assert_int_equal(files, 5);
	assert_int_equal(n, 19);
	heap_groups_free(g, n);
	heap_snap_free(&s);
	free(text);
}

/* Many mappings: one row per file, whatever their number. */
static void
test_many(void **state)
{
	struct heap_snap	 a, b;
	struct heap_group	*g;
	struct heap_diff	 d;
	struct buf		 t = BUF_INITIALIZER;
	char			 name[32];
	uint64_t		 x = 0x7f0000000000;
	size_t			 i, n, nmaps = 40000;

	for (i = 0; i < nmaps; i++) {
		snprintf(name, sizeof name, "/lib/f%zu.so", i / 2);
		add_map(&t, x + i * 4096, x + (i + 1) * 4096, "r--p", name, 4);
	}
	memset(&a, 0, sizeof a);
	assert_int_equal(heap_smaps_parse(t.data, t.len, &a), nmaps);
	heap_classify(&a, NULL, 0, 0);
	n = heap_groups(&a, &g);
	assert_int_equal(n, nmaps / 2);
	for (i = 0; i < n; i++) {
		assert_int_equal(g[i].count, 2);
		assert_int_equal(g[i].u.rss, 8);
	}
	heap_groups_free(g, n);
	/* One file more in b: the diff has just that one. */
	add_map(&t, x - 4096, x, "r--p", "/lib/new.so", 4);
	memset(&b, 0, sizeof b);
	heap_smaps_parse(t.data, t.len, &b);
	heap_classify(&b, NULL, 0, 0);
	heap_diff(&a, &b, &d);
	assert_int_equal(d.ngroups, 1);
	assert_string_equal(d.groups[0].label, "/lib/new.so");
	heap_diff_free(&d);
	heap_snap_free(&a);
	heap_snap_free(&b);
	buf_free(&t);
}

static void
test_jsonv(void **state)
{
	struct jsonv	*v;
	char		 err[128], deep[JSONV_MAX_DEPTH + 8];
	const char	*text = "{\"a\": [1, -2.5, true, false, null],"
			    " \"s\": \"\\u00e9\\ud83d\\ude00\\n\\\"\", "
			    "\"big\": 18446744073709551615, \"n\": 140737488355328}";

	v = jsonv_parse(text, strlen(text), err, sizeof err);
	assert_non_null(v);
	assert_int_equal(jsonv_get(v, "a")->n, 5);
	assert_int_equal(jsonv_int(jsonv_at(jsonv_get(v, "a"), 0), 0), 1);
	assert_true(jsonv_num(jsonv_at(jsonv_get(v, "a"), 1), 0) == -2.5);
	assert_true(jsonv_at(jsonv_get(v, "a"), 2)->b);
	assert_int_equal(jsonv_at(jsonv_get(v, "a"), 4)->type, JSONV_NULL);
	assert_string_equal(jsonv_str(jsonv_get(v, "s")),
	    "\xc3\xa9\xf0\x9f\x98\x80\n\"");
	assert_int_equal(jsonv_int(jsonv_get(v, "n"), 0), 140737488355328LL);
	assert_false(jsonv_get(v, "big")->is_int);
	assert_null(jsonv_get(v, "missing"));
	assert_null(jsonv_at(v, 0));
	jsonv_free(v);

	assert_null(jsonv_parse("{\"a\":1} x", 9, err, sizeof err));
	assert_non_null(strstr(err, "byte 8"));
	assert_null(jsonv_parse("\"abc", 4, err, sizeof err));
	assert_null(jsonv_parse("[1,]", 4, err, sizeof err));
	assert_null(jsonv_parse("", 0, err, sizeof err));
	assert_null(jsonv_parse("\"a\x01\"", 4, err, sizeof err));
	memset(deep, '[', sizeof deep);
	assert_null(jsonv_parse(deep, sizeof deep, err, sizeof err));
	assert_non_null(strstr(err, "nested"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_captured),
		cmocka_unit_test(test_classify_captured),
		cmocka_unit_test(test_classify_synthetic),
		cmocka_unit_test(test_syscall_sp),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_jsonv),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
