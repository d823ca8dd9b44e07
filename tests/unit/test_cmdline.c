/*
 * Unit tests of the one command-line grammar (src/util/cmdline.c), of the
 * subcommand parsers built on it that are pure (vigil's own options,
 * vigil run), and of the one duration parser (src/util/duration.c).
 */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cmdline.h"
#include "duration.h"
#include "options.h"
#include "sup.h"

#define MAXARGS	16
#define ARGS(...)	((const char *[]){ __VA_ARGS__, NULL })

enum { T_JSON = 256, T_TOP };

static const struct option t_long[] = {
	{ "json",	no_argument,		NULL, T_JSON },
	{ "top",	required_argument,	NULL, T_TOP },
	{ "output",	required_argument,	NULL, 'o' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

/* argv = { "heap", args... }, kept so tests can check it is not permuted. */
struct t_argv {
	char	*argv[MAXARGS + 2];
	char	*copies[MAXARGS + 2];
	int	 argc;
};

static void
t_argv(struct t_argv *a, const char *cmd, const char **args)
{
	int	i;

	a->argc = 0;
	a->copies[a->argc] = a->argv[a->argc] = strdup(cmd);
	a->argc++;
	for (i = 0; args[i] != NULL; i++) {
		assert_true(a->argc <= MAXARGS);
		a->copies[a->argc] = a->argv[a->argc] = strdup(args[i]);
		a->argc++;
	}
	a->argv[a->argc] = NULL;
}

static void
t_argv_free(struct t_argv *a)
{
	int	i;

	for (i = 0; i < a->argc; i++) {
		assert_ptr_equal(a->argv[i], a->copies[i]);	/* in order */
		free(a->copies[i]);
	}
}

static void
t_cat(char *out, const char *s, size_t len)
{
	size_t	n = strlen(out);

	snprintf(out + n, len - n, "%s", s);
}

/*
 * The options and operands a parse hands back, one letter or word each:
 * "j" --json, "t=N" --top, "o=F" -o, "h", "@X" operand X, "!MSG" error.
 * stop: an operand ends the parse ("|" then the rest), as vigil run does.
 */
static void
t_parse(char *out, size_t len, const char **args, int stop)
{
	struct t_argv	 a;
	struct cmdline	 cl;
	char		**rest;
	int		 c, n, i;

	t_argv(&a, "heap", args);
	cmdline_init(&cl, "heap", a.argc, a.argv, "ho:", t_long);
	out[0] = '\0';
	while ((c = cmdline_next(&cl)) != -1) {
		if (c == T_JSON)
			t_cat(out, "j ", len);
		else if (c == T_TOP || c == 'o') {
			t_cat(out, c == 'o' ? "o=" : "t=", len);
			t_cat(out, cl.arg, len);
			t_cat(out, " ", len);
		} else if (c == 'h')
			t_cat(out, "h ", len);
		else if (c == CMDLINE_OPERAND && stop) {
			rest = cmdline_rest(&cl, &n);
			t_cat(out, "|", len);
			for (i = 0; i < n; i++) {
				t_cat(out, " ", len);
				t_cat(out, rest[i], len);
			}
			break;
		} else if (c == CMDLINE_OPERAND) {
			t_cat(out, "@", len);
			t_cat(out, cl.arg, len);
			t_cat(out, " ", len);
		} else {
			assert_int_equal(c, '?');
			assert_null(strchr(cl.err, '\n'));
			t_cat(out, "!", len);
			t_cat(out, cl.err, len);
			break;
		}
	}
	t_argv_free(&a);
}

#define assert_parse(want, stop, ...) do {				\
	char	got_[512];						\
	t_parse(got_, sizeof got_, ARGS(__VA_ARGS__), stop);		\
	assert_string_equal(got_, want);				\
} while (0)

static void
test_cmdline_any_order(void **state)
{
	/* vigil heap PID -o FILE: options after operands, as before. */
	assert_parse("@42 o=f.json ", 0, "42", "-o", "f.json");
	assert_parse("o=f.json @42 ", 0, "-o", "f.json", "42");
	assert_parse("j @a t=3 @b o=x ", 0, "--json", "a", "--top=3", "b",
	    "-ox");
	assert_parse("@1 t=5 ", 0, "1", "--top", "5");
	assert_parse("h ", 0, "--help");
	/* "-" alone is an operand (standard input), not an option. */
	assert_parse("@- j ", 0, "-", "--json");
}

static void
test_cmdline_dashdash(void **state)
{
	/* "--" ends the options: what follows are operands, even "-o". */
	assert_parse("j @-o @--json ", 0, "--json", "--", "-o", "--json");
	assert_parse("@1 @-- ", 0, "1", "--", "--");
	assert_parse("", 0, "--");
}

static void
test_cmdline_stop(void **state)
{
	/* vigil run: the first operand ends the parse; the rest is as typed. */
	assert_parse("j | sh -c echo -o", 1, "--json", "sh", "-c", "echo",
	    "-o");
	assert_parse("t=1 | ls --json -- x", 1, "--top", "1", "ls", "--json",
	    "--", "x");
	/* After "--", the first word is the command, even one like an option. */
	assert_parse("j | -weird --json", 1, "--json", "--", "-weird",
	    "--json");
}

static void
test_cmdline_errors(void **state)
{
	assert_parse("@1 !unknown option '--bogus'", 0, "1", "--bogus");
	assert_parse("!unknown option '-x'", 0, "-x");
	/* A letter inside a cluster is named itself, whatever came before. */
	assert_parse("j h !unknown option '-z'", 0, "--json", "-hz");
	assert_parse("@1 !option '-o' needs a value", 0, "1", "-o");
	assert_parse("h !option '-o' needs a value", 0, "-ho");
	assert_parse("!option '--top' needs a value", 0, "--top");
	assert_parse("!option '--output' needs a value", 0, "--output");
	assert_parse("!option '--json' takes no value", 0, "--json=1");
	assert_parse("!option '--help' takes no value", 0, "--help=x");
}

static void
test_cmdline_pid(void **state)
{
	int	pid = 0;

	assert_int_equal(cmdline_pid("1", &pid), 0);
	assert_int_equal(pid, 1);
	assert_int_equal(cmdline_pid("4194304", &pid), 0);
	assert_int_equal(pid, 4194304);
	assert_int_equal(cmdline_pid("0", &pid), -1);
	assert_int_equal(cmdline_pid("-1", &pid), -1);
	assert_int_equal(cmdline_pid("+1", &pid), -1);
	assert_int_equal(cmdline_pid(" 1", &pid), -1);
	assert_int_equal(cmdline_pid("1x", &pid), -1);
	assert_int_equal(cmdline_pid("", &pid), -1);
	assert_int_equal(cmdline_pid("99999999999", &pid), -1);
}

/* vigil's own options: any order, operands refused, -d a duration. */
static int
t_options(struct options *o, char *err, size_t errlen, const char **args)
{
	struct t_argv	a;
	int		rc;

	t_argv(&a, "vigil", args);
	options_init(o);
	err[0] = '\0';
	rc = options_parse(o, a.argc, a.argv, err, errlen);
	t_argv_free(&a);
	return (rc);
}

static void
test_cmdline_vigil(void **state)
{
	struct options	o;
	char		err[256];

	assert_int_equal(t_options(&o, err, sizeof err, ARGS("-b", "-d",
	    "2s", "-n", "1", "--restart-timeout=1m")), 0);
	assert_int_equal(o.delay, 20);
	assert_int_equal(o.count, 1);
	assert_int_equal(o.restart_timeout, 60);
	options_free(&o);
	/* A bare -d is tenths of a second, as htop's. */
	assert_int_equal(t_options(&o, err, sizeof err, ARGS("-d", "5")), 0);
	assert_int_equal(o.delay, 5);
	options_free(&o);
	assert_int_equal(t_options(&o, err, sizeof err, ARGS("-d", "250ms")),
	    0);
	assert_int_equal(o.delay, 3);
	options_free(&o);
	assert_int_equal(t_options(&o, err, sizeof err, ARGS("-d", "2x")), -1);
	assert_string_equal(err,
	    "-d: '2x' is not a duration (e.g. 500ms, 2s, 1.5m)");
	options_free(&o);
	assert_int_equal(t_options(&o, err, sizeof err, ARGS("-d", "10ms")),
	    -1);
	assert_non_null(strstr(err, "out of range"));
	options_free(&o);
	assert_int_equal(t_options(&o, err, sizeof err,
	    ARGS("--restart-timeout", "2h")), -1);
	assert_non_null(strstr(err, "--restart-timeout"));
	options_free(&o);
	assert_int_equal(t_options(&o, err, sizeof err, ARGS("-b", "12")), -1);
	assert_string_equal(err, "unexpected argument '12'");
	options_free(&o);
}

/* vigil run: options stop at the command, whose own options they are. */
static int
t_run(struct sup_opts *o, struct t_argv *a, char *err, size_t errlen,
    const char **args)
{
	t_argv(a, "run", args);
	sup_opts_init(o);
	return (sup_opts_parse(o, a->argc, a->argv, err, errlen));
}

static void
test_cmdline_run(void **state)
{
	struct sup_opts	o;
	struct t_argv	a;
	char		err[256];

	assert_int_equal(t_run(&o, &a, err, sizeof err, ARGS("--backoff",
	    "0.2s..1s", "--stop-timeout", "1500ms", "--", "sh", "-c",
	    "exit 1")), 0);
	assert_true(o.backoff_min > 0.199 && o.backoff_min < 0.201);
	assert_true(o.backoff_max == 1);
	assert_true(o.stop_timeout == 1.5);
	assert_int_equal(o.argc, 3);
	assert_string_equal(o.argv[0], "sh");
	assert_string_equal(o.argv[1], "-c");
	sup_opts_free(&o);
	t_argv_free(&a);

	/* Without "--": the command's --restart is its own, not run's. */
	assert_int_equal(t_run(&o, &a, err, sizeof err, ARGS("--restart",
	    "always", "prog", "--restart", "no", "-h")), 0);
	assert_int_equal(o.policy, SUP_RESTART_ALWAYS);
	assert_int_equal(o.help, 0);
	assert_int_equal(o.argc, 4);
	assert_string_equal(o.argv[0], "prog");
	assert_string_equal(o.argv[3], "-h");
	sup_opts_free(&o);
	t_argv_free(&a);

	/* Bare numbers are seconds; minutes work too. */
	assert_int_equal(t_run(&o, &a, err, sizeof err, ARGS("--backoff",
	    "2..1m", "true")), 0);
	assert_true(o.backoff_min == 2 && o.backoff_max == 60);
	sup_opts_free(&o);
	t_argv_free(&a);

	assert_int_equal(t_run(&o, &a, err, sizeof err, ARGS("--backoff",
	    "1s..2x", "true")), -1);
	assert_non_null(strstr(err, "--backoff: '1s..2x'"));
	sup_opts_free(&o);
	t_argv_free(&a);
	assert_int_equal(t_run(&o, &a, err, sizeof err, ARGS("--stop-timeout",
	    "soon", "true")), -1);
	assert_string_equal(err,
	    "--stop-timeout: 'soon' is not a duration (e.g. 500ms, 2s, 1.5m)");
	sup_opts_free(&o);
	t_argv_free(&a);
	assert_int_equal(t_run(&o, &a, err, sizeof err, ARGS("--name")), -1);
	assert_string_equal(err, "option '--name' needs a value");
	sup_opts_free(&o);
	t_argv_free(&a);
	assert_int_equal(t_run(&o, &a, err, sizeof err, ARGS("-q", "true")),
	    -1);
	assert_string_equal(err, "unknown option '-q'");
	sup_opts_free(&o);
	t_argv_free(&a);
}

static void
assert_duration(const char *s, double bare, double want)
{
	double	v = -1;

	if (duration_parse(s, bare, &v) != 0)
		fail_msg("\"%s\" refused", s);
	if (v < want - 1e-9 || v > want + 1e-9)
		fail_msg("\"%s\": %g, not %g", s, v, want);
}

static void
assert_not_duration(const char *s, double bare)
{
	double	v = 12345;

	if (duration_parse(s, bare, &v) == 0)
		fail_msg("\"%s\" taken as %g", s, v);
	assert_true(v == 12345);	/* left alone */
}

static void
test_duration_units(void **state)
{
	assert_duration("250ms", 0, 0.25);
	assert_duration("2s", 0, 2);
	assert_duration("1.5m", 0, 90);
	assert_duration("2min", 0, 120);
	assert_duration("1h", 0, 3600);
	assert_duration("1d", 0, 86400);
	assert_duration("100us", 0, 0.0001);
	assert_duration("0s", 0, 0);
	assert_duration("0.5s", 0, 0.5);
	/* Combinations, largest unit first. */
	assert_duration("1m30s", 0, 90);
	assert_duration("1h2m3s", 0, 3723);
	assert_duration("2s500ms", 0, 2.5);
}

static void
test_duration_bare(void **state)
{
	/* A bare number is in the caller's unit. */
	assert_duration("5", DURATION_SECONDS, 5);
	assert_duration("5", DURATION_TENTHS, 0.5);
	assert_duration("2.5", DURATION_SECONDS, 2.5);
	assert_duration("15", DURATION_TENTHS, 1.5);
	/* ... and refused where a unit is required (alarm rules). */
	assert_not_duration("5", DURATION_NO_BARE);
	/* A unit always wins over the bare unit. */
	assert_duration("5s", DURATION_TENTHS, 5);
}

static void
test_duration_bad(void **state)
{
	static const char *bad[] = {
		"", "s", "ms", "x", "2x", "5 s", " 5s", "5s ", "-1s", "+1s",
		"1e3s", "1.s", ".5s", "1..2s", "5sec", "5S", "1s1m", "1s1s",
		"1m30", "inf", "nan", "0x10s", "5mss", "1.5.5s",
	};
	size_t	i;
	double	v;

	for (i = 0; i < nitems(bad); i++) {
		assert_not_duration(bad[i], DURATION_SECONDS);
		assert_not_duration(bad[i], DURATION_NO_BARE);
	}
	assert_int_equal(duration_parse(NULL, 1, &v), -1);
	/* A length bounds the text: "2s" of "2s5x". */
	assert_int_equal(duration_parse_len("2s5x", 2, 0, &v), 0);
	assert_true(v == 2);
	assert_int_equal(duration_parse_len("2s5x", 0, 1, &v), -1);
}

static void
test_duration_error(void **state)
{
	char	err[128];

	assert_ptr_equal(duration_error(err, sizeof err, "--duration", "2x"),
	    err);
	assert_string_equal(err,
	    "--duration: '2x' is not a duration (e.g. 500ms, 2s, 1.5m)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_any_order),
		cmocka_unit_test(test_cmdline_dashdash),
		cmocka_unit_test(test_cmdline_stop),
		cmocka_unit_test(test_cmdline_errors),
		cmocka_unit_test(test_cmdline_pid),
		cmocka_unit_test(test_cmdline_vigil),
		cmocka_unit_test(test_cmdline_run),
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_duration_bare),
		cmocka_unit_test(test_duration_bad),
		cmocka_unit_test(test_duration_error),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
