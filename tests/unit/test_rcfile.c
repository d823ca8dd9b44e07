/* Unit tests of the configuration file: errors name file and line. */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rcfile.h"

struct seen {
	char	keys[8][32];
	char	values[8][64];
	int	n;
};

static int
collect(const char *key, const char *value, void *arg, char *err,
    size_t errlen)
{
	struct seen	*s = arg;

	if (strcmp(key, "bad") == 0) {
		snprintf(err, errlen, "unknown setting '%s'", key);
		return (-1);
	}
	if (s->n < 8) {
		snprintf(s->keys[s->n], 32, "%s", key);
		snprintf(s->values[s->n], 64, "%s", value);
		s->n++;
	}
	return (0);
}

static char *
write_file(const char *text)
{
	char	*path = strdup("/tmp/vigil-rc-test.XXXXXX");
	int	 fd = mkstemp(path);
	FILE	*f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	return (path);
}

static void
test_load_good(void **state)
{
	struct seen	 s = { .n = 0 };
	char		 err[256] = "";
	char		*path = write_file(
	    "# comment\n\n  columns =  PID USER COMMAND  \ndelay=5\n");

	assert_int_equal(rcfile_load(path, collect, &s, err, sizeof err), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.keys[0], "columns");
	assert_string_equal(s.values[0], "PID USER COMMAND");
	assert_string_equal(s.keys[1], "delay");
	assert_string_equal(s.values[1], "5");
	unlink(path);
	free(path);
}

/* A bad line names file and line; the lines around it still apply. */
static void
test_load_bad_line(void **state)
{
	struct seen	 s = { .n = 0 };
	char		 err[256] = "", want[300];
	char		*path = write_file("a = 1\nno equals sign\nbad = x\nb = 2\n");

	assert_int_equal(rcfile_load(path, collect, &s, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:2: ", path);
	assert_true(strncmp(err, want, strlen(want)) == 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.keys[1], "b");
	unlink(path);
	free(path);
}

static void
test_load_missing_is_fine(void **state)
{
	struct seen	s = { .n = 0 };
	char		err[256] = "";

	assert_int_equal(rcfile_load("/nonexistent/vigilrc", collect, &s,
	    err, sizeof err), 0);
	assert_int_equal(s.n, 0);
}

static void
test_set_keeps_other_lines(void **state)
{
	char	 err[256] = "", text[512];
	char	*path = write_file(
	    "# mine\ncolumns = PID\nother = 7\ncolumns = USER\n");
	FILE	*f;
	size_t	 n;

	assert_int_equal(rcfile_set(path, "columns", "PID USER COMMAND", err,
	    sizeof err), 0);
	f = fopen(path, "r");
	n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_string_equal(text,
	    "# mine\ncolumns = PID USER COMMAND\nother = 7\n");

	assert_int_equal(rcfile_set(path, "tree", "yes", err, sizeof err), 0);
	f = fopen(path, "r");
	n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_non_null(strstr(text, "\ntree = yes\n"));
	unlink(path);
	free(path);
}

static void
test_set_creates_directories(void **state)
{
	char	dir[] = "/tmp/vigil-rc-dir.XXXXXX", path[256], err[256];
	struct stat st;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a/b/vigilrc", dir);
	assert_int_equal(rcfile_set(path, "columns", "PID", err, sizeof err),
	    0);
	assert_int_equal(stat(path, &st), 0);
	unlink(path);
	snprintf(path, sizeof path, "%s/a/b", dir);
	rmdir(path);
	snprintf(path, sizeof path, "%s/a", dir);
	rmdir(path);
	rmdir(dir);
}

static void
test_set_unwritable(void **state)
{
	char	err[256] = "";

	/* Not even root can create files in /proc. */
	assert_int_equal(rcfile_set("/proc/vigilrc", "columns", "PID", err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "/proc/vigilrc"));
}

static void
test_path_follows_xdg(void **state)
{
	char	*p;

	setenv("XDG_CONFIG_HOME", "/somewhere", 1);
	p = rcfile_path();
	assert_string_equal(p, "/somewhere/vigil/vigilrc");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative/ignored", 1);
	setenv("HOME", "/home/u", 1);
	p = rcfile_path();
	assert_string_equal(p, "/home/u/.config/vigil/vigilrc");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_null(rcfile_path());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_good),
		cmocka_unit_test(test_load_bad_line),
		cmocka_unit_test(test_load_missing_is_fine),
		cmocka_unit_test(test_set_keeps_other_lines),
		cmocka_unit_test(test_set_creates_directories),
		cmocka_unit_test(test_set_unwritable),
		cmocka_unit_test(test_path_follows_xdg),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
