/* Unit tests of the log follower and of log file discovery. */

#include "vigil.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "logs.h"
#include "xalloc.h"

struct tmp {
	char	dir[64];
	char	path[128];	/* dir/app.log */
};

static void	tmp_make(struct tmp *);
static void	tmp_clean(struct tmp *);
static void	put(const char *, const char *, int);
static void	assert_line(struct logs *, int, size_t, const char *);
static int	has(char **, size_t, const char *);

static void
tmp_make(struct tmp *t)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/test_logs.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/app.log", t->dir);
}

static void
tmp_clean(struct tmp *t)
{
	char	*cmd;

	xasprintf(&cmd, "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Write s to path, opened with flags (O_APPEND or O_TRUNC) and O_CREAT. */
static void
put(const char *path, const char *s, int flags)
{
	size_t	len = strlen(s);
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
	assert_true(fd != -1);
	assert_int_equal(write(fd, s, len), (ssize_t)len);
	close(fd);
}

static void
assert_line(struct logs *set, int id, size_t i, const char *want)
{
	const struct logline	*l;

	l = logs_line(set, id, i);
	assert_non_null(l);
	assert_string_equal(l->text, want);
	assert_int_equal(l->len, strlen(want));
	assert_int_equal(l->cut, 0);
}

/* The last 200 lines of 100,000, and only those. */
static void
test_logs_start_tail(void **state __unused)
{
	struct tmp	 t;
	struct buf	 b;
	struct logs	*set;
	int		 id, i;

	tmp_make(&t);
	buf_init(&b);
	for (i = 1; i <= 100000; i++)
		buf_printf(&b, "line %d\n", i);
	put(t.path, buf_str(&b), O_TRUNC);
	buf_free(&b);

	set = logs_new(LOGS_RING_DEFAULT);
	assert_non_null(set);
	id = logs_add(set, t.path, "app");
	assert_string_equal(logs_label(set, id), "app");
	assert_null(logs_status(set, id));
	assert_int_equal(logs_count(set, id), LOGS_START_LINES);
	assert_line(set, id, 0, "line 99801");
	assert_line(set, id, LOGS_START_LINES - 1, "line 100000");
	assert_int_equal(logs_line(set, id, 0)->seq, 1);

	put(t.path, "line 100001\n", O_APPEND);
	assert_int_equal(logs_process(set), 1);
	assert_line(set, id, LOGS_START_LINES, "line 100001");
	logs_free(set);
	tmp_clean(&t);
}

/* An unended last line counts as one of the start lines. */
static void
test_logs_start_partial(void **state __unused)
{
	struct tmp	 t;
	struct logs	*set;
	struct buf	 b;
	int		 id, i;

	tmp_make(&t);
	buf_init(&b);
	for (i = 1; i <= 300; i++)
		buf_printf(&b, "%d\n", i);
	buf_adds(&b, "tail");
	put(t.path, buf_str(&b), O_TRUNC);
	buf_free(&b);
	set = logs_new(0);
	id = logs_add(set, t.path, NULL);
	assert_string_equal(logs_label(set, id), t.path);
	assert_int_equal(logs_count(set, id), LOGS_START_LINES - 1);
	assert_line(set, id, 0, "102");
	put(t.path, "-end\n", O_APPEND);
	assert_int_equal(logs_process(set), 1);
	assert_line(set, id, LOGS_START_LINES - 1, "tail-end");
	logs_free(set);
	tmp_clean(&t);
}

/* A partial line waits for its newline; sequences grow across sources. */
static void
test_logs_partial(void **state __unused)
{
	struct tmp	 t;
	struct logs	*set;
	char		 other[160];
	int		 a, b;

	tmp_make(&t);
	snprintf(other, sizeof other, "%s/other.log", t.dir);
	put(t.path, "one\ntw", O_TRUNC);
	put(other, "", O_TRUNC);
	set = logs_new(0);
	a = logs_add(set, t.path, "a");
	b = logs_add(set, other, "b");
	assert_int_equal(logs_count(set, a), 1);
	assert_line(set, a, 0, "one");

	put(t.path, "o", O_APPEND);
	assert_int_equal(logs_process(set), 0);
	assert_int_equal(logs_count(set, a), 1);
	put(other, "from b\n", O_APPEND);
	put(t.path, "\nthree\n", O_APPEND);
	assert_int_equal(logs_process(set), 3);
	assert_line(set, a, 1, "two");
	assert_line(set, a, 2, "three");
	assert_line(set, b, 0, "from b");
	assert_true(logs_line(set, b, 0)->seq > logs_line(set, a, 0)->seq);
	assert_int_equal(logs_line(set, b, 0)->source, b);
	assert_int_not_equal(logs_line(set, a, 1)->seq,
	    logs_line(set, b, 0)->seq);
	assert_null(logs_line(set, a, 3));
	assert_null(logs_line(set, 7, 0));
	logs_free(set);
	tmp_clean(&t);
}

/* copytruncate: the file shrinks, and is read again from the start. */
static void
test_logs_truncate(void **state __unused)
{
	struct tmp	 t;
	struct logs	*set;
	int		 id;

	tmp_make(&t);
	put(t.path, "1\n2\n3\n", O_TRUNC);
	set = logs_new(0);
	id = logs_add(set, t.path, NULL);
	assert_int_equal(logs_count(set, id), 3);
	assert_int_equal(truncate(t.path, 0), 0);
	assert_int_equal(logs_process(set), 0);
	put(t.path, "4\n", O_APPEND);
	assert_int_equal(logs_process(set), 1);
	assert_line(set, id, 3, "4");

	/* Missed events: logs_poll() sees the truncation by itself. */
	put(t.path, "5\n6\n", O_APPEND);
	assert_int_equal(logs_poll(set), 2);
	assert_int_equal(truncate(t.path, 0), 0);
	put(t.path, "7\n", O_APPEND);
	assert_int_equal(logs_poll(set), 1);
	assert_int_equal(logs_count(set, id), 7);
	assert_line(set, id, 6, "7");
	logs_free(set);
	tmp_clean(&t);
}

/* Rotation by rename: the old file is finished before the new one starts. */
static void
test_logs_rename(void **state __unused)
{
	struct tmp	 t;
	struct logs	*set;
	char		 old[160];
	int		 id;

	tmp_make(&t);
	snprintf(old, sizeof old, "%s.1", t.path);
	put(t.path, "old 1\n", O_TRUNC);
	set = logs_new(0);
	id = logs_add(set, t.path, NULL);
	assert_int_equal(rename(t.path, old), 0);
	logs_process(set);
	assert_non_null(logs_status(set, id));

	/* The writer still holds the old file. */
	put(old, "old 2\nold 3", O_APPEND);
	assert_int_equal(logs_process(set), 1);
	put(t.path, "new 1\n", O_TRUNC);
	put(old, "\nold 4\n", O_APPEND);
	logs_process(set);
	assert_null(logs_status(set, id));
	assert_int_equal(logs_count(set, id), 5);
	assert_line(set, id, 1, "old 2");
	assert_line(set, id, 2, "old 3");
	assert_line(set, id, 3, "old 4");
	assert_line(set, id, 4, "new 1");

	/* The old file is let go of. */
	put(old, "old 5\n", O_APPEND);
	put(t.path, "new 2\n", O_APPEND);
	assert_int_equal(logs_process(set), 1);
	assert_line(set, id, 5, "new 2");

	/* A rename and create between two polls, with no event read. */
	assert_int_equal(rename(t.path, old), 0);
	put(old, "new 3 unended", O_APPEND);
	put(t.path, "newer 1\n", O_TRUNC);
	assert_int_equal(logs_poll(set), 2);
	assert_line(set, id, 6, "new 3 unended");
	assert_line(set, id, 7, "newer 1");
	logs_free(set);
	tmp_clean(&t);
}

/* Deletion, then re-creation: like rotation. */
static void
test_logs_delete(void **state __unused)
{
	struct tmp	 t;
	struct logs	*set;
	int		 id;

	tmp_make(&t);
	put(t.path, "before\n", O_TRUNC);
	set = logs_new(0);
	id = logs_add(set, t.path, NULL);
	assert_int_equal(unlink(t.path), 0);
	assert_int_equal(logs_process(set), 0);
	assert_string_equal(logs_status(set, id),
	    _("gone: waiting for it to appear"));
	put(t.path, "after\n", O_TRUNC);
	assert_int_equal(logs_process(set), 1);
	assert_null(logs_status(set, id));
	assert_line(set, id, 0, "before");
	assert_line(set, id, 1, "after");
	logs_free(set);
	tmp_clean(&t);
}

/* A 1 MB line is kept cut; the next line is whole. */
static void
test_logs_long_line(void **state __unused)
{
	struct tmp		 t;
	struct logs		*set;
	const struct logline	*l;
	char			*big;
	size_t			 n = 1024 * 1024;
	int			 id;

	tmp_make(&t);
	put(t.path, "", O_TRUNC);
	set = logs_new(0);
	id = logs_add(set, t.path, NULL);
	big = xmalloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	put(t.path, big, O_APPEND);
	put(t.path, "\nnext\n", O_APPEND);
	assert_int_equal(logs_process(set), 2);
	l = logs_line(set, id, 0);
	assert_int_equal(l->len, LOGS_LINE_MAX);
	assert_int_equal(strlen(l->text), LOGS_LINE_MAX);
	assert_int_equal(l->cut, 1);
	assert_line(set, id, 1, "next");
	free(big);
	logs_free(set);
	tmp_clean(&t);
}

/* The ring keeps the newest lines only. */
static void
test_logs_ring_bound(void **state __unused)
{
	struct tmp	 t;
	struct logs	*set;
	char		 line[32];
	int		 id, i;

	tmp_make(&t);
	put(t.path, "", O_TRUNC);
	set = logs_new(10);
	id = logs_add(set, t.path, NULL);
	for (i = 1; i <= 25; i++) {
		snprintf(line, sizeof line, "%d\n", i);
		put(t.path, line, O_APPEND);
	}
	assert_int_equal(logs_process(set), 25);
	assert_int_equal(logs_count(set, id), 10);
	assert_line(set, id, 0, "16");
	assert_line(set, id, 9, "25");
	assert_int_equal(logs_line(set, id, 9)->seq, 25);
	logs_free(set);
	tmp_clean(&t);
}

/* A file in a missing directory says so, and is found once it exists. */
static void
test_logs_missing(void **state __unused)
{
	struct tmp	 t;
	struct logs	*set;
	char		 sub[96], path[160];
	int		 id;

	tmp_make(&t);
	snprintf(sub, sizeof sub, "%s/sub", t.dir);
	snprintf(path, sizeof path, "%s/app.log", sub);
	set = logs_new(0);
	id = logs_add(set, path, NULL);
	assert_string_equal(logs_status(set, id),
	    _("not found: waiting for it to appear"));
	assert_int_equal(logs_poll(set), 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	put(path, "first\nsecond\n", O_TRUNC);
	assert_int_equal(logs_poll(set), 2);
	assert_null(logs_status(set, id));
	assert_line(set, id, 0, "first");

	/* Now the directory is watched: events suffice. */
	put(path, "third\n", O_APPEND);
	assert_int_equal(logs_process(set), 1);

	logs_remove(set, id);
	assert_int_equal(logs_count(set, id), 0);
	assert_null(logs_status(set, id));
	logs_free(set);
	tmp_clean(&t);
}

/* Two sources on one directory share a watch; removing one keeps the other. */
static void
test_logs_shared_dir(void **state __unused)
{
	struct tmp	 t;
	struct logs	*set;
	char		 other[160];
	int		 a, b;

	tmp_make(&t);
	snprintf(other, sizeof other, "%s/other.log", t.dir);
	set = logs_new(0);
	a = logs_add(set, t.path, NULL);
	b = logs_add(set, other, NULL);
	logs_remove(set, a);
	put(other, "hello\n", O_TRUNC);
	assert_int_equal(logs_process(set), 1);
	assert_line(set, b, 0, "hello");
	logs_free(set);
	tmp_clean(&t);
}

static int
has(char **paths, size_t n, const char *want)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(paths[i], want) == 0)
			return (1);
	}
	return (0);
}

/* Only files open for writing or appending, stdout included, each once. */
static void
test_logs_discover(void **state __unused)
{
	struct tmp	  t;
	char		  app[160], ro[160], out[160], gone[160], **paths;
	size_t		  n;
	pid_t		  pid;
	int		  p[2], fd;
	char		  c;

	tmp_make(&t);
	snprintf(app, sizeof app, "%s/app.log", t.dir);
	snprintf(ro, sizeof ro, "%s/read.only", t.dir);
	snprintf(out, sizeof out, "%s/stdout.log", t.dir);
	snprintf(gone, sizeof gone, "%s/gone.log", t.dir);
	put(ro, "data\n", O_TRUNC);
	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		/* Only what this test opens: nothing inherited. */
		for (fd = 0; fd < 1024; fd++) {
			if (fd != p[1])
				close(fd);
		}
		open("/dev/null", O_RDWR);	/* 0, then 1 and 2 */
		dup2(0, 1);
		dup2(0, 2);
		open(app, O_WRONLY | O_APPEND | O_CREAT, 0644);
		open(app, O_WRONLY | O_APPEND, 0644);
		open(ro, O_RDONLY);
		open(gone, O_WRONLY | O_CREAT, 0644);
		unlink(gone);
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);

	assert_int_equal(logs_discover(pid, &paths, &n), 0);
	assert_int_equal(n, 2);
	assert_true(has(paths, n, app));
	assert_true(has(paths, n, out));
	assert_false(has(paths, n, ro));
	logs_discover_free(paths, n);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	assert_int_equal(logs_discover(pid, &paths, &n), -1);
	assert_int_equal(errno, ENOENT);
	assert_null(paths);
	assert_int_equal(n, 0);
	tmp_clean(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logs_start_tail),
		cmocka_unit_test(test_logs_start_partial),
		cmocka_unit_test(test_logs_partial),
		cmocka_unit_test(test_logs_truncate),
		cmocka_unit_test(test_logs_rename),
		cmocka_unit_test(test_logs_delete),
		cmocka_unit_test(test_logs_long_line),
		cmocka_unit_test(test_logs_ring_bound),
		cmocka_unit_test(test_logs_missing),
		cmocka_unit_test(test_logs_shared_dir),
		cmocka_unit_test(test_logs_discover),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
