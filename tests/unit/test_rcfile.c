/*
 * Unit tests of the configuration file: errors name file and line; alarm
 * rules, logs and the screen's settings as configfile.c applies them.
 */

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

#include "configfile.h"
#include "options.h"
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

/* "alarm NAME: RULE" needs no '=', and may hold one itself. */
static void
test_load_alarm_form(void **state)
{
	struct seen	 s = { .n = 0 };
	char		 err[256] = "";
	char		*path = write_file(
	    "alarm stuck: proc.state = D for 30s\n"
	    "alarm = hot: proc.cpu > 90%\n"
	    "alarm\tlog: log ~ /x=y/ in /f\n"
	    "alarmist = 3\n");

	assert_int_equal(rcfile_load(path, collect, &s, err, sizeof err), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.keys[0], "alarm");
	assert_string_equal(s.values[0], "stuck: proc.state = D for 30s");
	assert_string_equal(s.keys[1], "alarm");
	assert_string_equal(s.values[1], "hot: proc.cpu > 90%");
	assert_string_equal(s.values[2], "log: log ~ /x=y/ in /f");
	assert_string_equal(s.keys[3], "alarmist");
	unlink(path);
	free(path);
}

static void
report(const char *msg, void *arg)
{
	struct seen	*s = arg;

	/* The values array doubles as the list of reports here. */
	if (s->n < 8)
		snprintf(s->values[s->n++], 64, "%s", msg);
}

static int
none(const char *key, const char *value, void *arg, char *err,
    size_t errlen)
{
	if (strcmp(key, "bad") == 0) {
		snprintf(err, errlen, "unknown setting '%s'", key);
		return (-1);
	}
	return (0);
}

/* Every bad line is reported, each with its own line number. */
static void
test_load_report_each(void **state)
{
	struct seen	 s = { .n = 0 };
	char		*path = write_file(
	    "a = 1\nbad = 1\n# c\n\nno equals\nb = 2\nbad = 2\n");

	assert_int_equal(rcfile_load_report(path, none, report, &s), -1);
	assert_int_equal(s.n, 3);
	assert_non_null(strstr(s.values[0], ":2: unknown setting 'bad'"));
	assert_non_null(strstr(s.values[1], ":5: expected 'key = value'"));
	assert_non_null(strstr(s.values[2], ":7: unknown setting 'bad'"));
	unlink(path);
	free(path);
}

static int
columns_ok(const char *list)
{
	return (strstr(list, "NOPE") != NULL ? -1 : 0);
}

/* Alarm rules, logs and the ring size; the file's first. */
static void
test_config_alarms_and_logs(void **state)
{
	struct options	 o;
	struct config	 cfg;
	char		 dir[] = "/tmp/vigil-cfg.XXXXXX", path[128];
	char		 err[256];
	FILE		*f;

	options_init(&o);
	memset(&cfg, 0, sizeof cfg);
	assert_int_equal(config_apply(&cfg, &o, 0, "alarm",
	    "hot: proc.cpu >> 5", err, sizeof err), -1);
	assert_non_null(strstr(err, "(column 16)"));
	assert_int_equal(config_apply(&cfg, &o, 0, "log_lines", "0", err,
	    sizeof err), -1);
	assert_int_equal(config_apply(&cfg, &o, 0, "log_lines", "250", err,
	    sizeof err), 0);
	assert_int_equal(o.log_lines, 250);
	assert_int_equal(config_apply(&cfg, &o, 0, "log", "", err,
	    sizeof err), -1);
	options_free(&o);

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/vigil", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/vigil/vigilrc", dir);
	f = fopen(path, "w");
	fputs("alarm a: proc.cpu > 90%\n"
	    "alarm b: proc.cpu >\n"
	    "alarm = c: sys.load1 > 2x cpus for 1m\n"
	    "log = /var/log/one\n"
	    "columns = PID NOPE\n"
	    "alarm d: what\n", f);
	fclose(f);
	setenv("XDG_CONFIG_HOME", dir, 1);
	options_init(&o);
	o.alarms = calloc(1, sizeof *o.alarms);
	o.alarms[0] = strdup("cli: proc.rss > 1G");
	o.nalarms = 1;
	config_load(&cfg, &o, 1, columns_ok);
	assert_string_equal(cfg.path, path);
	assert_int_equal(o.nalarms, 3);
	assert_string_equal(o.alarms[0], "a: proc.cpu > 90%");
	assert_string_equal(o.alarms[1], "c: sys.load1 > 2x cpus for 1m");
	assert_string_equal(o.alarms[2], "cli: proc.rss > 1G");
	assert_int_equal(o.nlogs, 1);
	assert_string_equal(o.logs[0], "/var/log/one");
	assert_int_equal(o.log_lines, OPTIONS_LOG_LINES_DEFAULT);
	assert_null(cfg.columns);
	assert_int_equal(cfg.nerrors, 3);
	snprintf(err, sizeof err, "%s:2: expected a number", path);
	assert_true(strncmp(cfg.errors[0], err, strlen(err)) == 0);
	snprintf(err, sizeof err, "%s:5: bad column list 'PID NOPE'", path);
	assert_string_equal(cfg.errors[1], err);
	snprintf(err, sizeof err, "%s:6: unknown metric 'what'", path);
	assert_true(strncmp(cfg.errors[2], err, strlen(err)) == 0);
	config_free(&cfg);
	options_free(&o);
	unlink(path);
	snprintf(path, sizeof path, "%s/vigil", dir);
	rmdir(path);
	rmdir(dir);
	unsetenv("XDG_CONFIG_HOME");
}

/* Sort, tree and delay: for the screen only, and the command line wins. */
static void
test_config_screen_settings(void **state)
{
	struct options	 o;
	struct config	 cfg;
	char		 err[256];

	memset(&cfg, 0, sizeof cfg);
	options_init(&o);
	assert_int_equal(config_apply(&cfg, &o, 0, "sort", "mem:asc", err,
	    sizeof err), 0);
	assert_int_equal(o.sort, COL_CPU);		/* batch: checked only */
	assert_int_equal(config_apply(&cfg, &o, 1, "sort", "mem:asc", err,
	    sizeof err), 0);
	assert_int_equal(o.sort, COL_MEM);
	assert_int_equal(o.descending, 0);
	assert_int_equal(config_apply(&cfg, &o, 1, "sort", "mem:up", err,
	    sizeof err), -1);
	assert_int_equal(config_apply(&cfg, &o, 1, "sort", "bogus", err,
	    sizeof err), -1);
	assert_string_equal(err, "sort: unknown column 'bogus'");
	assert_int_equal(config_apply(&cfg, &o, 1, "tree", "on", err,
	    sizeof err), 0);
	assert_int_equal(o.tree, 1);
	assert_int_equal(config_apply(&cfg, &o, 1, "tree", "maybe", err,
	    sizeof err), -1);
	assert_int_equal(config_apply(&cfg, &o, 1, "delay", "25", err,
	    sizeof err), 0);
	assert_int_equal(o.delay, 25);
	assert_int_equal(config_apply(&cfg, &o, 1, "delay", "2.5", err,
	    sizeof err), -1);
	assert_int_equal(config_apply(&cfg, &o, 1, "frob", "1", err,
	    sizeof err), -1);
	assert_string_equal(err, "unknown setting 'frob'");

	o.sort = COL_PID;
	o.sort_given = o.tree_given = o.delay_given = 1;
	o.tree = 0;
	o.delay = 10;
	config_apply(&cfg, &o, 1, "sort", "mem", err, sizeof err);
	config_apply(&cfg, &o, 1, "tree", "on", err, sizeof err);
	config_apply(&cfg, &o, 1, "delay", "50", err, sizeof err);
	assert_int_equal(o.sort, COL_PID);
	assert_int_equal(o.tree, 0);
	assert_int_equal(o.delay, 10);
	options_free(&o);
	config_free(&cfg);
}

/* Saving refuses a file with a bad line; else it sets the one key. */
static void
test_config_save(void **state)
{
	char	 dir[] = "/tmp/vigil-cfg.XXXXXX", path[256], err[300];
	char	 text[512];
	FILE	*f;
	size_t	 n;

	assert_non_null(mkdtemp(dir));
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(config_save("delay", "20", columns_ok, err,
	    sizeof err), 0);
	snprintf(path, sizeof path, "%s/vigil/vigilrc", dir);
	f = fopen(path, "a");
	fputs("alarm x: proc.cpu >\n", f);
	fclose(f);
	assert_int_equal(config_save("delay", "30", columns_ok, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "vigilrc:2: "));
	f = fopen(path, "r");
	n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_string_equal(text, "delay = 20\nalarm x: proc.cpu >\n");
	unlink(path);
	snprintf(path, sizeof path, "%s/vigil", dir);
	rmdir(path);
	rmdir(dir);
	unsetenv("XDG_CONFIG_HOME");
}

static void
test_state_path(void **state)
{
	char	*p;

	setenv("XDG_STATE_HOME", "/st", 1);
	p = config_state_path("alarms.jsonl");
	assert_string_equal(p, "/st/vigil/alarms.jsonl");
	free(p);
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/u", 1);
	p = config_state_path("alarms.jsonl");
	assert_string_equal(p, "/home/u/.local/state/vigil/alarms.jsonl");
	free(p);
	unsetenv("HOME");
	assert_null(config_state_path("alarms.jsonl"));
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
		cmocka_unit_test(test_load_alarm_form),
		cmocka_unit_test(test_load_report_each),
		cmocka_unit_test(test_config_alarms_and_logs),
		cmocka_unit_test(test_config_screen_settings),
		cmocka_unit_test(test_config_save),
		cmocka_unit_test(test_state_path),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
