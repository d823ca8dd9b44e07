/* Unit tests of the command line parser. */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model.h"
#include "options.h"

#define MAXARGS	16

static int	parse_args(struct options *, char *, size_t, const char **);
static void	assert_error(const char *, const char **);

/*
 * Run options_parse() on a fresh struct options with argv = { "vigil",
 * args... }. getopt permutes argv, so it gets writable copies.
 */
static int
parse_args(struct options *o, char *err, size_t errlen, const char **args)
{
	char	*argv[MAXARGS + 2];
	char	*copies[MAXARGS + 1];
	int	 argc = 0, i, rc;

	copies[argc] = argv[argc] = strdup("vigil");
	argc++;
	for (i = 0; args[i] != NULL; i++) {
		assert_true(argc <= MAXARGS);
		copies[argc] = argv[argc] = strdup(args[i]);
		argc++;
	}
	argv[argc] = NULL;

	options_init(o);
	err[0] = '\0';
	rc = options_parse(o, argc, argv, err, errlen);
	for (i = 0; i < argc; i++)
		free(copies[i]);
	return (rc);
}

/* args is rejected with a one-line message that names what. */
static void
assert_error(const char *what, const char **args)
{
	struct options	o;
	char		err[256];

	assert_int_equal(parse_args(&o, err, sizeof err, args), -1);
	assert_true(strlen(err) > 0);
	assert_null(strchr(err, '\n'));
	if (strstr(err, what) == NULL)
		fail_msg("message \"%s\" does not name \"%s\"", err, what);
	options_free(&o);
}

#define ARGS(...)	((const char *[]){ __VA_ARGS__, NULL })

static void
test_options_defaults(void **state)
{
	struct options	o;

	memset(&o, 0x5a, sizeof o);
	options_init(&o);
	assert_int_equal(o.batch, 0);
	assert_int_equal(o.help, 0);
	assert_int_equal(o.version, 0);
	assert_int_equal(o.count, 0);
	assert_int_equal(o.delay, OPTIONS_DELAY_DEFAULT);
	assert_int_equal(o.delay, 15);
	assert_int_equal(o.format, FORMAT_TEXT);
	assert_null(o.filter);
	assert_null(o.user);
	assert_int_equal(o.uid, -1);
	assert_null(o.pids);
	assert_int_equal(o.npids, 0);
	assert_int_equal(o.sort, COL_CPU);
	assert_int_equal(o.descending, 1);
	assert_int_equal(o.tree, 0);
	assert_int_equal(o.history, 0);
	assert_int_equal(o.history_size, MODEL_HISTORY_DEFAULT);
	assert_int_equal(o.readonly, 0);
	options_free(&o);
}

static void
test_options_no_args(void **state)
{
	struct options	o;
	char		err[256];

	assert_int_equal(parse_args(&o, err, sizeof err,
	    (const char *[]){ NULL }), 0);
	assert_int_equal(o.batch, 0);
	assert_int_equal(o.delay, 15);
	assert_int_equal(o.uid, -1);
	options_free(&o);
}

static void
test_options_batch(void **state)
{
	struct options	o;
	char		err[256];

	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("-b", "-n", "3", "-d", "5", "--format", "json")), 0);
	assert_int_equal(o.batch, 1);
	assert_int_equal(o.count, 3);
	assert_int_equal(o.delay, 5);
	assert_int_equal(o.format, FORMAT_JSON);
	options_free(&o);

	/* Long forms, = values and clustered short options. */
	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("--batch", "--count=2", "--delay=36000", "--format=text",
	    "-tCM", "--readonly", "--history", "--threads", "--io",
	    "-Fsleep|burn", "--kernel-threads", "-V", "-h")), 0);
	assert_int_equal(o.batch, 1);
	assert_int_equal(o.count, 2);
	assert_int_equal(o.delay, OPTIONS_DELAY_MAX);
	assert_int_equal(o.format, FORMAT_TEXT);
	assert_int_equal(o.tree, 1);
	assert_int_equal(o.no_color, 1);
	assert_int_equal(o.no_mouse, 1);
	assert_int_equal(o.readonly, 1);
	assert_int_equal(o.history, 1);
	assert_int_equal(o.threads, 1);
	assert_int_equal(o.io, 1);
	assert_int_equal(o.kthreads, 1);
	assert_int_equal(o.version, 1);
	assert_int_equal(o.help, 1);
	assert_string_equal(o.filter, "sleep|burn");
	options_free(&o);
}

static void
test_options_delay(void **state)
{
	struct options	o;
	char		err[256];

	assert_int_equal(parse_args(&o, err, sizeof err, ARGS("-d1")), 0);
	assert_int_equal(o.delay, 1);
	options_free(&o);

	assert_error("'0'", ARGS("-d", "0"));
	assert_error("'abc'", ARGS("-d", "abc"));
	assert_error("'99999999'", ARGS("-d", "99999999"));
	assert_error("'36001'", ARGS("-d", "36001"));
	assert_error("'5x'", ARGS("-d", "5x"));
	assert_error("'-3'", ARGS("--delay=-3"));
	assert_error("''", ARGS("-d", ""));
	/* Far past LONG_MAX: overflow is an error, not a clamp. */
	assert_error("'99999999999999999999999'",
	    ARGS("-d", "99999999999999999999999"));
	/*
	 * Found by tests/fuzz/fuzz_options: a duration too large for a long
	 * was converted before it was compared (undefined behaviour).
	 */
	assert_error("'111111111111111111110.5s'",
	    ARGS("-d", "111111111111111111110.5s"));
}

static void
test_options_count(void **state)
{
	assert_error("'0'", ARGS("-n", "0"));
	assert_error("'-1'", ARGS("-n", "-1"));
	assert_error("'ten'", ARGS("--count", "ten"));
	/* Past LONG_MAX: strtol's clamp must not pass as a count. */
	assert_error("'99999999999999999999999'",
	    ARGS("-n", "99999999999999999999999"));
}

static void
test_options_format(void **state)
{
	assert_error("'xml'", ARGS("--format", "xml"));
	assert_error("'JSON'", ARGS("--format=JSON"));
}

static void
test_options_pids(void **state)
{
	struct options	o;
	char		err[256];

	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("-p", "1,2,3")), 0);
	assert_int_equal(o.npids, 3);
	assert_non_null(o.pids);
	assert_int_equal(o.pids[0], 1);
	assert_int_equal(o.pids[1], 2);
	assert_int_equal(o.pids[2], 3);
	options_free(&o);
	assert_null(o.pids);

	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("--pid=4194304")), 0);
	assert_int_equal(o.npids, 1);
	assert_int_equal(o.pids[0], 4194304);
	options_free(&o);

	assert_error("'1,,x'", ARGS("-p", "1,,x"));
	assert_error("-p: ''", ARGS("-p", ""));
	assert_error("','", ARGS("-p", ","));
	assert_error("'0'", ARGS("-p", "0"));
	assert_error("'1,-2'", ARGS("-p", "1,-2"));
	assert_error("'9999999999'", ARGS("-p", "9999999999"));
}

static void
test_options_user(void **state)
{
	struct options	o;
	char		err[256];

	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("-u", "root")), 0);
	assert_int_equal(o.uid, 0);
	assert_string_equal(o.user, "root");
	options_free(&o);

	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("-u", "0")), 0);
	assert_int_equal(o.uid, 0);
	options_free(&o);

	/* A uid with no passwd entry is still a uid. */
	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("--user=54321")), 0);
	assert_int_equal(o.uid, 54321);
	options_free(&o);

	assert_error("'nosuchuser_zz'", ARGS("-u", "nosuchuser_zz"));
	assert_error("'-5'", ARGS("-u", "-5"));
}

static void
test_options_sort(void **state)
{
	struct options	o;
	char		err[256];

	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("-s", "pid")), 0);
	assert_int_equal(o.sort, COL_PID);
	assert_int_equal(o.descending, 0);
	options_free(&o);

	/* After an ascending column, cpu is descending again. */
	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("-s", "pid", "-s", "cpu")), 0);
	assert_int_equal(o.sort, COL_CPU);
	assert_int_equal(o.descending, 1);
	options_free(&o);

	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("-s", "mem:asc")), 0);
	assert_int_equal(o.sort, COL_MEM);
	assert_int_equal(o.descending, 0);
	options_free(&o);

	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("--sort-key=pid:desc")), 0);
	assert_int_equal(o.sort, COL_PID);
	assert_int_equal(o.descending, 1);
	options_free(&o);

	/* Aliases as htop and ps spell them, in any case. */
	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("-s", "RSS")), 0);
	assert_int_equal(o.sort, COL_RES);
	assert_int_equal(o.descending, 1);
	options_free(&o);

	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("-s", "command")), 0);
	assert_int_equal(o.sort, COL_CMDLINE);
	assert_int_equal(o.descending, 0);
	options_free(&o);

	assert_error("'bogus'", ARGS("-s", "bogus"));
	assert_error("'cpu:sideways'", ARGS("-s", "cpu:sideways"));
	assert_error("'cpu:'", ARGS("-s", "cpu:"));
	assert_error("':asc'", ARGS("-s", ":asc"));
}

static void
test_options_history_size(void **state)
{
	struct options	o;
	char		err[256];

	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("--history-size", "500")), 0);
	assert_int_equal(o.history_size, 500);
	options_free(&o);

	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("--history-size=2")), 0);
	assert_int_equal(o.history_size, 2);
	options_free(&o);

	assert_error("'1'", ARGS("--history-size", "1"));
	assert_error("'100001'", ARGS("--history-size", "100001"));
}

static void
test_options_unknown(void **state)
{
	assert_error("--frobnicate", ARGS("--frobnicate"));
	assert_error("--frobnicate", ARGS("-b", "--frobnicate=1"));
	assert_error("-x", ARGS("-x"));
	/* An unknown letter inside a cluster names that letter. */
	assert_error("-x", ARGS("-xb"));
	assert_error("-z", ARGS("-b", "-tzC"));
	/* A long option that takes no value given one. */
	assert_error("--batch", ARGS("--batch=3"));
}

static void
test_options_missing_value(void **state)
{
	assert_error("-d", ARGS("-b", "-d"));
	assert_error("--format", ARGS("--format"));
	assert_error("--history-size", ARGS("-t", "--history-size"));
	assert_error("-p", ARGS("-p"));
}

static void
test_options_positional(void **state)
{
	assert_error("'stray'", ARGS("-b", "stray"));
	assert_error("'stray'", ARGS("stray", "-b"));
	assert_error("'-b'", ARGS("--", "-b"));
}

static void
test_options_twice(void **state)
{
	struct options	o;
	char		err[256];

	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("-b", "-n", "3")), 0);
	assert_int_equal(o.count, 3);
	options_free(&o);

	/* As many arguments as before: a stale optind would skip them all. */
	assert_int_equal(parse_args(&o, err, sizeof err,
	    ARGS("-t", "-d", "7")), 0);
	assert_int_equal(o.tree, 1);
	assert_int_equal(o.delay, 7);
	assert_int_equal(o.batch, 0);
	options_free(&o);

	assert_error("'0'", ARGS("-d", "0"));
	assert_int_equal(parse_args(&o, err, sizeof err, ARGS("-d", "9")), 0);
	assert_int_equal(o.delay, 9);
	options_free(&o);
}

/*
 * An error in the middle of a cluster leaves getopt pointing at the rest of
 * it ("b" of "-xb"); the next parse must not carry on from there. The first
 * argv stays alive so that a stale pointer would really read "b".
 */
static void
test_options_twice_cluster(void **state)
{
	static char	 a0[] = "vigil", a1[] = "-xb", a2[] = "-t";
	char		*argv1[] = { a0, a1, NULL };
	char		*argv2[] = { a0, a2, NULL };
	struct options	 o;
	char		 err[256];

	options_init(&o);
	assert_int_equal(options_parse(&o, 2, argv1, err, sizeof err), -1);
	assert_non_null(strstr(err, "-x"));
	assert_int_equal(o.batch, 0);
	options_free(&o);

	options_init(&o);
	assert_int_equal(options_parse(&o, 2, argv2, err, sizeof err), 0);
	assert_int_equal(o.tree, 1);
	assert_int_equal(o.batch, 0);
	options_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_defaults),
		cmocka_unit_test(test_options_no_args),
		cmocka_unit_test(test_options_batch),
		cmocka_unit_test(test_options_delay),
		cmocka_unit_test(test_options_count),
		cmocka_unit_test(test_options_format),
		cmocka_unit_test(test_options_pids),
		cmocka_unit_test(test_options_user),
		cmocka_unit_test(test_options_sort),
		cmocka_unit_test(test_options_history_size),
		cmocka_unit_test(test_options_unknown),
		cmocka_unit_test(test_options_missing_value),
		cmocka_unit_test(test_options_positional),
		cmocka_unit_test(test_options_twice),
		cmocka_unit_test(test_options_twice_cluster),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
