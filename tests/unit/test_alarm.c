/* Unit tests of alarms: the rule parser and the state machine. */

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

#include "alarm.h"
#include "buf.h"
#include "model.h"
#include "rx.h"

#define HZ	100
#define T0	100.0
#define MIB	(1024.0 * 1024.0)

static struct alarm_rule *
parse(const char *text)
{
	struct alarm_rule	*r;
	char			 err[256] = "";

	r = alarm_parse(text, err, sizeof err);
	if (r == NULL)
		fail_msg("'%s' did not parse: %s", text, err);
	return (r);
}

static struct alarm_set *
set_of(const char *text)
{
	struct alarm_set	*set = alarm_set_new();

	alarm_set_add(set, parse(text));
	return (set);
}

static size_t
count(const struct alarm_set *set, enum alarm_event_kind kind)
{
	const struct alarm_event	*ev;
	size_t				 n, i, c = 0;

	ev = alarm_events(set, &n);
	for (i = 0; i < n; i++) {
		if (ev[i].kind == kind)
			c++;
	}
	return (c);
}

static const struct alarm_event *
last_event(const struct alarm_set *set)
{
	const struct alarm_event	*ev;
	size_t				 n;

	ev = alarm_events(set, &n);
	assert_true(n > 0);
	return (&ev[n - 1]);
}

static struct sample_proc
sp(int pid, unsigned long long start, const char *comm, const char *user)
{
	struct sample_proc	s;

	memset(&s, 0, sizeof s);
	s.pid = s.tgid = pid;
	s.ppid = 1;
	s.start = start;
	s.user = user;
	s.comm = comm;
	s.state = 'S';
	s.nlwp = 1;
	s.rss_kb = 1000;
	return (s);
}

/* One tick: the model sees the samples, then the rules are evaluated. */
static void
tick(struct model *m, struct alarm_set *set, struct sample_proc *s, size_t n,
    double now)
{
	model_update(m, s, n, now);
	alarm_eval(set, m, now);
}

/* A tick where each process used cpu[i]% of a core over one second. */
static void
tick_cpu(struct model *m, struct alarm_set *set, struct sample_proc *s,
    const double *cpu, size_t n, double now)
{
	size_t	i;

	for (i = 0; i < n; i++)
		s[i].ticks += (unsigned long long)(cpu[i] * HZ / 100 + 0.5);
	tick(m, set, s, n, now);
}

static void
sys_tick(struct model *m, struct alarm_set *set, struct sample_sys *s,
    double now)
{
	s->time = now;
	model_update_sys(m, s);
	alarm_eval(set, m, now);
}

/* Parser. */

static void
test_parse_issue_examples(void **state)
{
	struct alarm_rule	*r;

	r = parse("hot-cpu: proc.cpu > 90% for 10s");
	assert_string_equal(alarm_rule_name(r), "hot-cpu");
	assert_int_equal(r->metric, AM_PROC_CPU);
	assert_int_equal(r->op, AO_GT);
	assert_float_equal(r->value, 90, 1e-9);
	assert_float_equal(r->dur, 10, 1e-9);
	assert_int_equal(alarm_rule_severity(r), SEV_WARN);
	alarm_rule_free(r);

	r = parse("leak:    proc.rss_growth > 50M/min for 2m "
	    "where comm ~ /^java$/");
	assert_string_equal(alarm_rule_name(r), "leak");
	assert_int_equal(r->metric, AM_PROC_RSS_GROWTH);
	assert_float_equal(r->value, 50 * MIB / 60, 1e-6);
	assert_float_equal(r->rate_unit, 60, 1e-9);
	assert_float_equal(r->dur, 120, 1e-9);
	assert_int_equal(r->nfilters, 1);
	assert_int_equal(r->filters[0].field, AF_COMM);
	assert_string_equal(rx_pattern(r->filters[0].rx), "^java$");
	assert_true(rx_match(r->filters[0].rx, "java", 4));
	assert_false(rx_match(r->filters[0].rx, "javac", 5));
	alarm_rule_free(r);

	r = parse("big:     proc.rss > 2G severity crit");
	assert_int_equal(r->metric, AM_PROC_RSS);
	assert_float_equal(r->value, 2.0 * 1024 * MIB, 1e-3);
	assert_int_equal(alarm_rule_severity(r), SEV_CRIT);
	assert_float_equal(r->dur, 0, 1e-9);
	alarm_rule_free(r);

	r = parse("panic:   log ~ /panic|FATAL|Traceback/ in /var/log/app.log");
	assert_int_equal(r->metric, AM_LOG);
	assert_string_equal(r->log_path, "/var/log/app.log");
	assert_string_equal(rx_pattern(r->log_rx), "panic|FATAL|Traceback");
	alarm_rule_free(r);

	r = parse("gone:    proc.missing where cmdline ~ /nginx: master/");
	assert_int_equal(r->metric, AM_PROC_MISSING);
	assert_int_equal(r->nfilters, 1);
	assert_int_equal(r->filters[0].field, AF_CMDLINE);
	assert_string_equal(rx_pattern(r->filters[0].rx), "nginx: master");
	alarm_rule_free(r);

	r = parse("swap:    sys.swap > 50%");
	assert_int_equal(r->metric, AM_SYS_SWAP);
	assert_float_equal(r->value, 50, 1e-9);
	alarm_rule_free(r);

	r = parse("load:    sys.load1 > 2x cpus for 1m");
	assert_int_equal(r->metric, AM_SYS_LOAD1);
	assert_float_equal(r->value, 2, 1e-9);
	assert_int_equal(r->per_cpu, 1);
	assert_float_equal(r->dur, 60, 1e-9);
	alarm_rule_free(r);
}

static void
test_parse_forms(void **state)
{
	struct alarm_rule	*r;

	r = parse("a:proc.rss>=512K");
	assert_int_equal(r->op, AO_GE);
	assert_float_equal(r->value, 512 * 1024, 1e-9);
	alarm_rule_free(r);

	r = parse("a: proc.rss < 1TiB");
	assert_int_equal(r->op, AO_LT);
	assert_float_equal(r->value, 1024.0 * 1024 * MIB, 1);
	alarm_rule_free(r);

	r = parse("a: proc.rss <= 4096");
	assert_int_equal(r->op, AO_LE);
	assert_float_equal(r->value, 4096, 1e-9);
	alarm_rule_free(r);

	r = parse("a: sys.cpu > 87.5 for 1.5m");
	assert_float_equal(r->value, 87.5, 1e-9);
	assert_float_equal(r->dur, 90, 1e-9);
	alarm_rule_free(r);

	r = parse("a: proc.rss_growth > 1G/h for 1h");
	assert_float_equal(r->value, 1024 * MIB / 3600, 1e-6);
	assert_float_equal(r->dur, 3600, 1e-9);
	alarm_rule_free(r);

	r = parse("a: proc.rss_growth >= 2M/s");
	assert_float_equal(r->value, 2 * MIB, 1e-6);
	alarm_rule_free(r);

	r = parse("a: sys.load1 > 3.5");
	assert_int_equal(r->per_cpu, 0);
	assert_float_equal(r->value, 3.5, 1e-9);
	alarm_rule_free(r);

	r = parse("a: proc.state ~ DZ for 30s");
	assert_int_equal(r->metric, AM_PROC_STATE);
	assert_string_equal(r->states, "DZ");
	alarm_rule_free(r);

	/* Clauses in any order; several filters; escaped slash; /i. */
	r = parse("x.y_z-1 : proc.threads > 100 severity info where "
	    "user ~ /^www$/ and cmdline ~ /\\/usr\\/bin\\/app/i "
	    "and comm ~ /a\\d/ for 5s");
	assert_string_equal(alarm_rule_name(r), "x.y_z-1");
	assert_int_equal(alarm_rule_severity(r), SEV_INFO);
	assert_float_equal(r->dur, 5, 1e-9);
	assert_int_equal(r->nfilters, 3);
	assert_int_equal(r->filters[0].field, AF_USER);
	assert_int_equal(r->filters[1].field, AF_CMDLINE);
	assert_int_equal(r->filters[2].field, AF_COMM);
	assert_string_equal(rx_pattern(r->filters[1].rx), "/usr/bin/app");
	assert_true(rx_match(r->filters[1].rx, "/USR/BIN/APP -x", 15));
	assert_string_equal(rx_pattern(r->filters[2].rx), "a\\d");
	assert_true(rx_match(r->filters[2].rx, "a7", 2));
	alarm_rule_free(r);

	r = parse("p: sys.psi.memory >= 20% severity warn");
	assert_int_equal(r->metric, AM_SYS_PSI_MEM);
	alarm_rule_free(r);
	r = parse("p: proc.fds > 1000");
	assert_int_equal(r->metric, AM_PROC_FDS);
	alarm_rule_free(r);
}

static const struct {
	const char	*rule;
	const char	*msg;
	int		 column;
} bad_rules[] = {
	{ "", "empty rule", 1 },
	{ "hot proc.cpu > 90%", "missing ':' after the rule name", 5 },
	{ ": proc.cpu > 90%", "missing the rule name before ':'", 1 },
	{ "h@t: proc.cpu > 1", "missing ':' after the rule name", 2 },
	{ "a: proc.cpus > 90%", "unknown metric 'proc.cpus'", 4 },
	{ "a:", "expected a metric after ':', got the end of the rule", 3 },
	{ "a: > 5", "expected a metric after ':', got '>'", 4 },
	{ "a: proc.cpu = 90%",
	    "expected >, >=, < or <= after 'proc.cpu', got '='", 13 },
	{ "a: proc.cpu >", "expected a number after the comparison, "
	    "got the end of the rule", 14 },
	{ "a: proc.cpu > -5", "expected a number after the comparison, "
	    "got '-5'", 15 },
	{ "a: proc.rss > 2%", "unit '%' does not fit proc.rss", 16 },
	{ "a: proc.rss > 2Q", "unit 'Q' does not fit proc.rss", 16 },
	{ "a: sys.swap > 50G", "unit 'G' does not fit sys.swap", 17 },
	{ "a: proc.threads > 5%", "unit '%' does not fit proc.threads", 20 },
	{ "a: proc.rss_growth > 50M",
	    "proc.rss_growth needs a rate such as 50M/min, got '50M'", 22 },
	{ "a: proc.rss_growth > 50M/day",
	    "unknown time unit 'day' in the rate", 26 },
	{ "a: proc.rss_growth > 50%/min",
	    "unit '%' does not fit proc.rss_growth", 24 },
	{ "a: sys.load1 > 2x", "expected 'cpus' after '2x', got the "
	    "end of the rule", 18 },
	{ "a: sys.load1 > 2x cores", "expected 'cpus' after '2x', "
	    "got 'cores'", 19 },
	{ "a: proc.cpu > 90% for 10x",
	    "expected a duration after 'for' (10s, 2m, 1h), got '10x'", 23 },
	{ "a: proc.cpu > 90% for",
	    "expected a duration after 'for' (10s, 2m, 1h), "
	    "got the end of the rule", 22 },
	{ "a: proc.cpu > 90% for 10", "expected a duration after 'for' "
	    "(10s, 2m, 1h), got '10'", 23 },
	{ "a: proc.cpu > 90% for 1s for 2s", "'for' given twice", 26 },
	{ "a: proc.cpu > 90% severity fatal",
	    "unknown severity 'fatal' (use info, warn or crit)", 28 },
	{ "a: proc.cpu > 90% when x", "unexpected 'when'; expected 'for', "
	    "'where' or 'severity'", 19 },
	{ "a: proc.cpu > 90% where pid ~ /1/",
	    "expected comm, cmdline or user as a filter, got 'pid'", 25 },
	{ "a: proc.cpu > 90% where comm = /x/",
	    "expected '~' after 'comm', got '='", 30 },
	{ "a: proc.cpu > 90% where comm ~ java",
	    "expected /REGEX/ after '~', got 'java'", 32 },
	{ "a: proc.cpu > 90% where comm ~ /java",
	    "regex not closed: missing '/'", 32 },
	{ "a: proc.cpu > 90% where comm ~ //", "empty regex", 32 },
	{ "a: proc.cpu > 90% where comm ~ /a(b/",
	    "missing closing parenthesis", 32 },
	{ "a: proc.cpu > 90% where comm ~ /x/ and", "expected comm, cmdline "
	    "or user as a filter, got the end of the rule", 39 },
	{ "a: proc.cpu > 90% severity", "expected info, warn or crit after "
	    "'severity', got the end of the rule", 27 },
	{ "a: proc.cpu > 90% where comm ~ /x/ or user ~ /y/",
	    "unexpected 'or'; expected 'for', 'where' or 'severity'", 36 },
	{ "a: proc.cpu > 90% where comm ~ /x/ and where comm ~ /y/",
	    "expected comm, cmdline or user as a filter, got 'where'", 40 },
	{ "a: proc.cpu > 90% where comm ~ /x/ where user ~ /y/",
	    "'where' given twice", 36 },
	{ "a: sys.swap > 50% where comm ~ /x/",
	    "'where' applies only to proc.* rules", 19 },
	{ "a: log ~ /x/ in /f for 10s", "'for' does not apply to log rules",
	    20 },
	{ "a: log /x/ in /f", "expected '~' after 'log', got '/x/'", 8 },
	{ "a: log ~ /x/ at /f",
	    "expected 'in PATH' after the regex, got 'at'", 14 },
	{ "a: log ~ /x/ in", "missing the log file path after 'in'", 16 },
	{ "a: log ~ /[x/ in /f", "regex: at position", 10 },
	{ "a: proc.missing", "proc.missing needs a 'where' filter", 16 },
	{ "a: proc.state > D", "expected '=' or '~' after 'proc.state', "
	    "got '>'", 15 },
	{ "a: proc.state = DZ", "'=' takes one state letter, got 'DZ'", 17 },
	{ "a: proc.state ~ DQ", "unknown process state 'Q'", 18 },
	{ "a: proc.state =", "expected process state letters after '='", 16 },
	{ "a: proc.cpu > 90% quiet 10s", "'quiet' applies only to log rules",
	    19 },
	{ "a: log ~ /x/ in /f quiet", "expected a duration after 'quiet' "
	    "(10s, 2m, 1h), got the end of the rule", 25 },
	{ "a: log ~ /x/ in /f quiet 5s quiet 5s", "'quiet' given twice", 29 },
	{ "a: log ~ /x/ in /f quiet 5 s", "expected a duration after 'quiet'",
	    26 },
	{ "a: proc.fds > lots", "expected a number after the comparison, "
	    "got 'lots'", 15 },
	{ "a: proc.fds > 10%", "unit '%' does not fit proc.fds", 17 },
	{ "hot cpu: proc.cpu > 1", "missing ':' after the rule name", 5 },
	{ "a: sys.load1 > 2x cores", "expected 'cpus' after '2x', got 'cores'",
	    19 },
	{ "a: proc.rss_growth > 5M/day", "unknown time unit 'day'", 25 },
	{ "a: proc.cpu > -5", "expected a number after the comparison, "
	    "got '-5'", 15 },
	{ "a: proc.threads > 10 for", "expected a duration after 'for'", 25 },
	{ "a: proc.threads > 10 severity loud",
	    "unknown severity 'loud' (use info, warn or crit)", 31 },
};

/* Every bad rule is checked; each wrong message is printed, then counted. */
static void
test_parse_errors(void **state)
{
	struct alarm_rule	*r;
	char			 err[256], col[32];
	size_t			 i;
	int			 wrong = 0;

	assert_true(nitems(bad_rules) >= 25);
	for (i = 0; i < nitems(bad_rules); i++) {
		memset(err, 0, sizeof err);
		r = alarm_parse(bad_rules[i].rule, err, sizeof err);
		snprintf(col, sizeof col, "(column %d)", bad_rules[i].column);
		if (r != NULL) {
			alarm_rule_free(r);
			print_message("# '%s' parsed\n", bad_rules[i].rule);
			wrong++;
		} else if (strstr(err, bad_rules[i].msg) == NULL ||
		    strstr(err, col) == NULL) {
			print_message("# '%s': got \"%s\", wanted \"%s\" %s\n",
			    bad_rules[i].rule, err, bad_rules[i].msg, col);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

static void
test_parse_error_small_buffer(void **state)
{
	char	err[8];

	/* The message is cut, never overrun; no buffer at all is fine. */
	memset(err, 'x', sizeof err);
	assert_null(alarm_parse("a: nope > 1", err, sizeof err));
	assert_int_equal(strlen(err), sizeof err - 1);
	assert_null(alarm_parse("a: nope > 1", NULL, 0));
}

/* State machine. */

static void
test_threshold_for_duration(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("hot: proc.cpu > 90% for 10s");
	struct sample_proc	 s = sp(10, 5, "burn", "root");
	double			 cpu = 95;
	int			 i;

	tick(m, set, &s, 1, T0);			/* first: 0% */
	/* Holds from T0 + 1; firing is due at T0 + 11. */
	for (i = 1; i <= 10; i++) {
		tick_cpu(m, set, &s, &cpu, 1, T0 + i);
		assert_int_equal(count(set, EV_FIRED), 0);
	}
	assert_int_equal(alarm_firing(set), 0);
	tick_cpu(m, set, &s, &cpu, 1, T0 + 11);
	assert_int_equal(count(set, EV_FIRED), 1);
	assert_int_equal(alarm_firing(set), 1);
	assert_int_equal(last_event(set)->pid, 10);
	assert_int_equal(last_event(set)->start, 5);
	assert_string_equal(last_event(set)->what, "burn (10)");
	assert_float_equal(last_event(set)->value, 95, 1e-6);
	assert_float_equal(last_event(set)->time, T0 + 11, 1e-9);
	assert_ptr_equal(last_event(set)->rule->name, alarm_rule_name(
	    last_event(set)->rule));
	alarm_set_free(set);
	model_free(m);
}

static void
test_pending_interrupted(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("hot: proc.cpu > 90% for 5s");
	struct sample_proc	 s = sp(10, 5, "burn", "root");
	double			 hot = 95, cold = 10;
	int			 i;

	tick(m, set, &s, 1, T0);
	for (i = 1; i <= 4; i++)
		tick_cpu(m, set, &s, &hot, 1, T0 + i);
	tick_cpu(m, set, &s, &cold, 1, T0 + 5);	/* back to ok */
	for (i = 6; i <= 10; i++)
		tick_cpu(m, set, &s, &hot, 1, T0 + i);
	assert_int_equal(count(set, EV_FIRED), 0);
	tick_cpu(m, set, &s, &hot, 1, T0 + 11);
	assert_int_equal(count(set, EV_FIRED), 1);
	alarm_set_free(set);
	model_free(m);
}

static void
test_wobble_one_event(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("hot: proc.cpu > 90%");
	struct sample_proc	 s = sp(10, 5, "burn", "root");
	double			 cpu;
	int			 i;

	tick(m, set, &s, 1, T0);
	/*
	 * 10 s at 92%, 10 s at 88%, ...: the dips outlast the hold time but
	 * stay inside the band (85.5%), so they never count as clear.
	 */
	for (i = 1; i <= 100; i++) {
		cpu = (i - 1) / 10 % 2 ? 88 : 92;
		tick_cpu(m, set, &s, &cpu, 1, T0 + i);
	}
	assert_int_equal(count(set, EV_FIRED), 1);
	assert_int_equal(count(set, EV_RESOLVED), 0);
	assert_int_equal(alarm_firing(set), 1);
	alarm_set_free(set);
	model_free(m);
}

static void
test_wobble_deep_dips(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("hot: proc.cpu > 90%");
	struct sample_proc	 s = sp(10, 5, "burn", "root");
	double			 cpu;
	int			 i;

	tick(m, set, &s, 1, T0);
	/* Clear for 3 s out of every 4: shorter than the hold time. */
	for (i = 1; i <= 100; i++) {
		cpu = i % 4 == 1 ? 95 : 50;
		tick_cpu(m, set, &s, &cpu, 1, T0 + i);
	}
	assert_int_equal(count(set, EV_FIRED), 1);
	assert_int_equal(count(set, EV_RESOLVED), 0);
	alarm_set_free(set);
	model_free(m);
}

static void
test_resolve_after_clear(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("hot: proc.cpu > 90%");
	struct sample_proc	 s = sp(10, 5, "burn", "root");
	double			 hot = 95, cold = 20;
	int			 i;

	tick(m, set, &s, 1, T0);
	tick_cpu(m, set, &s, &hot, 1, T0 + 1);
	assert_int_equal(count(set, EV_FIRED), 1);
	alarm_events_clear(set);
	/* Clear from T0 + 2: the hold is 5 s, so resolved at T0 + 7. */
	for (i = 2; i <= 6; i++) {
		tick_cpu(m, set, &s, &cold, 1, T0 + i);
		assert_int_equal(count(set, EV_RESOLVED), 0);
	}
	tick_cpu(m, set, &s, &cold, 1, T0 + 7);
	assert_int_equal(count(set, EV_RESOLVED), 1);
	assert_int_equal(count(set, EV_FIRED), 0);
	assert_int_equal(last_event(set)->pid, 10);
	assert_float_equal(last_event(set)->value, 20, 1e-6);
	assert_int_equal(alarm_firing(set), 0);
	/* And it can fire again. */
	tick_cpu(m, set, &s, &hot, 1, T0 + 8);
	assert_int_equal(count(set, EV_FIRED), 1);
	alarm_set_free(set);
	model_free(m);
}

static void
test_resolve_hold_is_for(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("hot: proc.cpu > 90% for 8s");
	struct sample_proc	 s = sp(10, 5, "burn", "root");
	double			 hot = 95, cold = 20;
	int			 i;

	tick(m, set, &s, 1, T0);
	for (i = 1; i <= 9; i++)
		tick_cpu(m, set, &s, &hot, 1, T0 + i);
	assert_int_equal(count(set, EV_FIRED), 1);
	/* Clear from T0 + 10; a hold of 8 s ends at T0 + 18. */
	for (i = 10; i <= 17; i++)
		tick_cpu(m, set, &s, &cold, 1, T0 + i);
	assert_int_equal(count(set, EV_RESOLVED), 0);
	tick_cpu(m, set, &s, &cold, 1, T0 + 18);
	assert_int_equal(count(set, EV_RESOLVED), 1);
	alarm_set_free(set);
	model_free(m);
}

static void
test_exit_while_firing(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("big: proc.rss > 1M");
	struct sample_proc	 s[2];
	const struct alarm_event *ev;

	s[0] = sp(10, 5, "small", "root");
	s[1] = sp(11, 6, "fat", "root");
	s[1].rss_kb = 4096;
	tick(m, set, s, 2, T0);
	assert_int_equal(count(set, EV_FIRED), 1);
	assert_int_equal(last_event(set)->pid, 11);
	assert_float_equal(last_event(set)->value, 4096 * 1024.0, 1e-6);
	alarm_events_clear(set);
	tick(m, set, s, 1, T0 + 1);		/* pid 11 exited */
	assert_int_equal(count(set, EV_RESOLVED), 1);
	ev = last_event(set);
	assert_int_equal(ev->pid, 11);
	assert_int_equal(ev->start, 6);
	assert_string_equal(ev->what, "fat (11)");
	assert_int_equal(alarm_firing(set), 0);
	alarm_set_free(set);
	model_free(m);
}

static void
test_pid_reuse_new_pair(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("big: proc.rss > 1M");
	struct sample_proc	 s = sp(42, 100, "old", "root");
	const struct alarm_event *ev;
	size_t			 n;

	s.rss_kb = 4096;
	tick(m, set, &s, 1, T0);
	assert_int_equal(count(set, EV_FIRED), 1);
	alarm_events_clear(set);
	/* Same PID, another start: the old pair resolves, a new one fires. */
	s = sp(42, 9000, "new", "root");
	s.rss_kb = 4096;
	tick(m, set, &s, 1, T0 + 1);
	ev = alarm_events(set, &n);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0].kind, EV_FIRED);
	assert_int_equal(ev[0].start, 9000);
	assert_string_equal(ev[0].what, "new (42)");
	assert_int_equal(ev[1].kind, EV_RESOLVED);
	assert_int_equal(ev[1].start, 100);
	assert_string_equal(ev[1].what, "old (42)");
	assert_int_equal(alarm_firing(set), 1);
	alarm_set_free(set);
	model_free(m);
}

static void
test_missing(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set;
	struct sample_proc	 s[2];
	int			 i;

	set = set_of("gone: proc.missing where cmdline ~ /nginx: master/");
	s[0] = sp(1, 0, "init", "root");
	s[1] = sp(50, 10, "nginx", "root");
	model_update(m, s, 2, T0);
	model_set_cmdline(m, 50, "nginx: master process /usr/sbin/nginx",
	    NULL);
	alarm_eval(set, m, T0);
	assert_int_equal(count(set, EV_FIRED), 0);
	tick(m, set, s, 1, T0 + 1);			/* nginx died */
	assert_int_equal(count(set, EV_FIRED), 1);
	assert_string_equal(last_event(set)->what, "no matching process");
	assert_int_equal(last_event(set)->pid, 0);
	assert_int_equal(alarm_firing(set), 1);
	tick(m, set, s, 1, T0 + 2);
	assert_int_equal(count(set, EV_FIRED), 1);
	alarm_events_clear(set);
	/* A worker is not the master: still missing. */
	s[1] = sp(60, 300, "nginx", "www");
	model_update(m, s, 2, T0 + 3);
	model_set_cmdline(m, 60, "nginx: worker process", NULL);
	alarm_eval(set, m, T0 + 3);
	assert_int_equal(alarm_firing(set), 1);
	/* The master is back: resolved after the hold. */
	s[1] = sp(61, 400, "nginx", "root");
	for (i = 4; i <= 9; i++) {
		model_update(m, s, 2, T0 + i);
		model_set_cmdline(m, 61, "nginx: master process", NULL);
		alarm_eval(set, m, T0 + i);
	}
	assert_int_equal(count(set, EV_RESOLVED), 1);
	assert_float_equal(last_event(set)->value, 1, 1e-9);
	assert_int_equal(alarm_firing(set), 0);
	alarm_set_free(set);
	model_free(m);
}

static void
test_missing_from_start(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set;
	struct sample_proc	 s = sp(1, 0, "init", "root");

	set = set_of("gone: proc.missing where comm ~ /^sshd$/ for 3s");
	alarm_eval(set, m, T0 - 1);		/* no tick yet: nothing */
	assert_int_equal(alarm_firing(set), 0);
	tick(m, set, &s, 1, T0);
	tick(m, set, &s, 1, T0 + 2);
	assert_int_equal(count(set, EV_FIRED), 0);
	tick(m, set, &s, 1, T0 + 3);
	assert_int_equal(count(set, EV_FIRED), 1);
	alarm_set_free(set);
	model_free(m);
}

static void
test_rss_growth_ramp(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set;
	struct sample_proc	 s[3];
	int			 i;

	set = set_of("leak: proc.rss_growth > 50M/min for 2m "
	    "where comm ~ /^java$/");
	s[0] = sp(10, 5, "java", "app");	/* 1 MiB/s = 60M/min */
	s[1] = sp(11, 6, "java", "app");	/* 40M/min */
	s[2] = sp(12, 7, "python", "app");	/* 2 MiB/s, not java */
	for (i = 0; i <= 125; i++) {
		s[0].rss_kb = 100000 + 1024 * i;
		s[1].rss_kb = 100000 + 1024 * 40 * i / 60;
		s[2].rss_kb = 100000 + 2048 * i;
		tick(m, set, s, 3, T0 + i);
		/* Three samples from T0 + 2, 120 s more: T0 + 122. */
		if (i < 122)
			assert_int_equal(count(set, EV_FIRED), 0);
	}
	assert_int_equal(count(set, EV_FIRED), 1);
	assert_int_equal(last_event(set)->pid, 10);
	assert_float_equal(last_event(set)->value, MIB, 1);
	assert_float_equal(last_event(set)->time, T0 + 122, 1e-9);
	/*
	 * Flat again: the slope over the last minute (61 samples) falls to
	 * 47.5M/min, the band, at T0 + 143; 'for' 2m is the hold.
	 */
	for (i = 126; i <= 320; i++) {
		s[0].rss_kb = 100000 + 1024 * 125;
		tick(m, set, s, 1, T0 + i);
		if (i < 263)
			assert_int_equal(count(set, EV_RESOLVED), 0);
	}
	assert_int_equal(count(set, EV_RESOLVED), 1);
	assert_float_equal(last_event(set)->time, T0 + 263, 1e-9);
	assert_int_equal(alarm_firing(set), 0);
	alarm_set_free(set);
	model_free(m);
}

static void
test_sys_swap(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("swap: sys.swap > 50%");
	struct sample_cpu	 cpus[1];
	struct sample_sys	 s;
	int			 i;

	memset(&s, 0, sizeof s);
	memset(cpus, 0, sizeof cpus);
	s.ncpu = 1;
	s.cpus = cpus;
	s.mem_total = s.mem_available = 1000;
	s.swap_total = 1000;
	s.swap_free = 600;				/* 40% */
	alarm_eval(set, m, T0 - 1);			/* no system yet */
	sys_tick(m, set, &s, T0);
	assert_int_equal(count(set, EV_FIRED), 0);
	s.swap_free = 400;				/* 60% */
	sys_tick(m, set, &s, T0 + 1);
	assert_int_equal(count(set, EV_FIRED), 1);
	assert_float_equal(last_event(set)->value, 60, 1e-9);
	assert_string_equal(last_event(set)->what, "sys.swap");
	/* 48% is inside the band (47.5%): stays firing. */
	s.swap_free = 520;
	for (i = 2; i <= 20; i++)
		sys_tick(m, set, &s, T0 + i);
	assert_int_equal(count(set, EV_RESOLVED), 0);
	s.swap_free = 800;				/* 20% */
	for (i = 21; i <= 26; i++)
		sys_tick(m, set, &s, T0 + i);
	assert_int_equal(count(set, EV_RESOLVED), 1);
	assert_int_equal(count(set, EV_FIRED), 1);
	/* No swap at all is 0%, not a division by zero. */
	s.swap_total = s.swap_free = 0;
	sys_tick(m, set, &s, T0 + 27);
	assert_int_equal(alarm_firing(set), 0);
	alarm_set_free(set);
	model_free(m);
}

static void
test_sys_load_cpus(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("load: sys.load1 > 2x cpus for 1m");
	struct sample_cpu	 cpus[4];
	struct sample_sys	 s;
	int			 i;

	memset(&s, 0, sizeof s);
	memset(cpus, 0, sizeof cpus);
	s.ncpu = 4;
	s.cpus = cpus;
	s.load[0] = 7.5;				/* under 8 */
	for (i = 0; i <= 100; i++)
		sys_tick(m, set, &s, T0 + i);
	assert_int_equal(count(set, EV_FIRED), 0);
	s.load[0] = 9;
	for (i = 101; i <= 160; i++)
		sys_tick(m, set, &s, T0 + i);
	assert_int_equal(count(set, EV_FIRED), 0);
	sys_tick(m, set, &s, T0 + 161);
	assert_int_equal(count(set, EV_FIRED), 1);
	assert_float_equal(last_event(set)->value, 9, 1e-9);
	alarm_set_free(set);
	model_free(m);
}

static void
test_sys_psi(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("io: sys.psi.io > 20%");
	struct sample_cpu	 cpus[1];
	struct sample_sys	 s;

	memset(&s, 0, sizeof s);
	memset(cpus, 0, sizeof cpus);
	s.ncpu = 1;
	s.cpus = cpus;
	s.psi_io.some10 = 50;
	sys_tick(m, set, &s, T0);		/* no PSI: never fires */
	assert_int_equal(count(set, EV_FIRED), 0);
	s.has_psi = 1;
	sys_tick(m, set, &s, T0 + 1);
	assert_int_equal(count(set, EV_FIRED), 1);
	alarm_set_free(set);
	model_free(m);
}

static void
test_state_d_for_duration(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = alarm_set_new();
	struct sample_proc	 s[2];
	const struct alarm_event *ev;
	size_t			 n;
	int			 i;

	alarm_set_add(set, parse("stuck: proc.state = D for 30s"));
	alarm_set_add(set, parse("dead: proc.state ~ DZ for 30s"));
	s[0] = sp(10, 5, "nfs", "root");
	s[1] = sp(11, 6, "zombie", "root");
	s[0].state = 'D';
	s[1].state = 'Z';
	for (i = 0; i <= 29; i++) {
		if (i == 15)
			s[0].state = 'S';	/* woke up once */
		else
			s[0].state = 'D';
		tick(m, set, s, 2, T0 + i);
	}
	/* The zombie has been Z for 29 s, the other D for 14 s. */
	assert_int_equal(count(set, EV_FIRED), 0);
	tick(m, set, s, 2, T0 + 30);
	ev = alarm_events(set, &n);
	assert_int_equal(n, 1);
	assert_string_equal(alarm_rule_name(ev[0].rule), "dead");
	assert_int_equal(ev[0].pid, 11);
	for (i = 31; i <= 46; i++)
		tick(m, set, s, 2, T0 + i);
	/* D since T0 + 16: both rules fire for it at T0 + 46. */
	assert_int_equal(count(set, EV_FIRED), 3);
	assert_int_equal(alarm_firing(set), 3);
	alarm_set_free(set);
	model_free(m);
}

static void
test_log_match_and_quiet(void **state)
{
	struct alarm_set	*set;
	const char		*l1 = "INFO all good";
	const char		*l2 = "kernel panic: oops";
	const char		*l3 = "Traceback (most recent call last):";
	struct model		*m = model_new(300, HZ);
	struct sample_proc	 s = sp(1, 0, "init", "root");

	set = set_of("panic: log ~ /panic|FATAL|Traceback/ in /var/log/a.log");
	tick(m, set, &s, 1, T0);
	alarm_log_line(set, "/var/log/a.log", l1, strlen(l1), T0);
	alarm_log_line(set, "/var/log/b.log", l2, strlen(l2), T0);
	assert_int_equal(count(set, EV_FIRED), 0);
	/* Matching is on the given length only. */
	alarm_log_line(set, "/var/log/a.log", l2, 6, T0);
	assert_int_equal(count(set, EV_FIRED), 0);
	alarm_log_line(set, "/var/log/a.log", l2, strlen(l2), T0 + 1);
	assert_int_equal(count(set, EV_FIRED), 1);
	assert_string_equal(last_event(set)->what, "/var/log/a.log");
	assert_float_equal(last_event(set)->value, 1, 1e-9);
	assert_int_equal(alarm_firing(set), 1);
	alarm_log_line(set, "/var/log/a.log", l3, strlen(l3), T0 + 10);
	alarm_log_line(set, "/var/log/a.log", l2, strlen(l2), T0 + 20);
	assert_int_equal(count(set, EV_FIRED), 1);
	/* Quiet for 60 s after the last match at T0 + 20. */
	tick(m, set, &s, 1, T0 + 79);
	assert_int_equal(count(set, EV_RESOLVED), 0);
	tick(m, set, &s, 1, T0 + 80);
	assert_int_equal(count(set, EV_RESOLVED), 1);
	assert_float_equal(last_event(set)->value, 3, 1e-9);
	assert_int_equal(alarm_firing(set), 0);
	alarm_events_clear(set);
	alarm_log_line(set, "/var/log/a.log", l3, strlen(l3), T0 + 90);
	assert_int_equal(count(set, EV_FIRED), 1);
	assert_float_equal(last_event(set)->value, 1, 1e-9);
	alarm_set_free(set);
	model_free(m);
}

static void
test_where_filters(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = alarm_set_new();
	struct sample_proc	 s[4];
	const struct alarm_event *ev;
	size_t			 n, i;

	alarm_set_add(set, parse("a: proc.threads >= 10 "
	    "where user ~ /^alice$/ and comm ~ /java/"));
	alarm_set_add(set, parse("b: proc.threads >= 10 "
	    "where cmdline ~ /--server/"));
	s[0] = sp(10, 1, "java", "alice");
	s[1] = sp(11, 1, "java", "bob");
	s[2] = sp(12, 1, "python", "alice");
	s[3] = sp(13, 1, "javad", "alice");
	for (i = 0; i < 4; i++)
		s[i].nlwp = 20;
	s[3].nlwp = 5;				/* matches, but below */
	model_update(m, s, 4, T0);
	model_set_cmdline(m, 12, "python app.py --server", NULL);
	model_set_cmdline(m, 11, "java -jar x.jar", NULL);
	alarm_eval(set, m, T0);
	ev = alarm_events(set, &n);
	assert_int_equal(n, 2);
	assert_string_equal(alarm_rule_name(ev[0].rule), "a");
	assert_int_equal(ev[0].pid, 10);
	assert_float_equal(ev[0].value, 20, 1e-9);
	assert_string_equal(alarm_rule_name(ev[1].rule), "b");
	assert_int_equal(ev[1].pid, 12);
	alarm_set_free(set);
	model_free(m);
}

/* proc.fds compares the count the caller read; unread counts never hold. */
static void
test_fds_from_count(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("fds: proc.fds > 100 where comm ~ /^db$/");
	struct alarm_set	*none = set_of("hot: proc.cpu > 90%");
	struct sample_proc	 s[3];
	struct proc		*p;
	int			 i;

	s[0] = sp(10, 5, "db", "root");
	s[1] = sp(11, 5, "web", "root");
	s[2] = sp(12, 5, "db", "root");
	s[2].tgid = 10;				/* a thread of 10 */
	for (i = 0; i < 3; i++) {
		model_update(m, s, 3, T0 + i);
		p = model_find(m, 10);
		assert_int_equal(p->nfds, -1);	/* reset by each update */
		assert_true(alarm_wants_fds(set, p));
		assert_false(alarm_wants_fds(set, model_find(m, 11)));
		assert_false(alarm_wants_fds(set, model_find(m, 12)));
		assert_false(alarm_wants_fds(none, p));
		if (i == 1)
			p->nfds = 300;
		model_find(m, 11)->nfds = 500;	/* filtered out */
		alarm_eval(set, m, T0 + i);
		assert_int_equal(count(set, EV_FIRED), i >= 1);
	}
	assert_int_equal(last_event(set)->pid, 10);
	assert_float_equal(last_event(set)->value, 300, 1e-9);
	alarm_set_free(none);
	alarm_set_free(set);
	model_free(m);
}

/* A firing pair on one process, and its list entry's id. */
static unsigned long
fire_rss(struct model *m, struct alarm_set *set, struct sample_proc *s,
    double now)
{
	struct alarm_item	it[4];

	s->rss_kb = 4096;
	tick(m, set, s, 1, now);
	assert_int_equal(alarm_list(set, it, 4), 1);
	assert_true(it[0].resolved < 0);
	return (it[0].id);
}

static void
test_ack(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("big: proc.rss > 1M severity crit");
	struct sample_proc	 s = sp(10, 5, "app", "root");
	struct alarm_active	 act[2];
	struct alarm_item	 it[4];
	unsigned long		 id;
	int			 i;

	id = fire_rss(m, set, &s, T0);
	assert_int_equal(alarm_active(set, act, 2), 1);
	assert_int_equal(alarm_ack(set, id + 100, T0 + 1), -1);
	alarm_events_clear(set);
	assert_int_equal(alarm_ack(set, id, T0 + 1), 0);
	assert_int_equal(count(set, EV_ACKED), 1);
	assert_int_equal(last_event(set)->id, id);
	assert_float_equal(last_event(set)->time, T0 + 1, 1e-9);
	assert_int_equal(last_event(set)->pid, 10);
	assert_int_equal(alarm_ack(set, id, T0 + 2), 0);	/* once */
	assert_int_equal(count(set, EV_ACKED), 1);

	/* Off the banner, still firing, still marking its row, listed. */
	assert_int_equal(alarm_active(set, act, 2), 0);
	assert_int_equal(alarm_active(set, NULL, 0), 0);
	assert_int_equal(alarm_firing(set), 1);
	assert_int_equal(alarm_proc_severity(set, 10, 5), SEV_CRIT);
	assert_int_equal(alarm_list(set, it, 4), 1);
	assert_true(it[0].acked);
	assert_float_equal(it[0].silenced, 0, 1e-9);

	/* Resolved: listed as such; firing again is a new, unacked alarm. */
	s.rss_kb = 100;
	for (i = 1; i <= 6; i++)
		tick(m, set, &s, 1, T0 + 2 + i);
	assert_int_equal(alarm_firing(set), 0);
	assert_int_equal(alarm_list(set, it, 4), 1);
	assert_true(it[0].resolved > 0);
	assert_true(it[0].acked);
	s.rss_kb = 4096;
	tick(m, set, &s, 1, T0 + 20);
	assert_int_equal(alarm_active(set, act, 2), 1);
	assert_int_equal(alarm_list(set, it, 4), 2);
	assert_true(it[0].resolved < 0);		/* firing first */
	assert_false(it[0].acked);
	assert_true(it[1].acked);
	alarm_set_free(set);
	model_free(m);
}

static void
test_silence_expiry(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("big: proc.rss > 1M");
	struct sample_proc	 s = sp(10, 5, "app", "root");
	struct sample_proc	 other = sp(11, 5, "app", "root");
	struct alarm_active	 act[2];
	struct alarm_item	 it[4];
	unsigned long		 id;
	double			 t;

	id = fire_rss(m, set, &s, T0);
	alarm_events_clear(set);
	assert_int_equal(alarm_silence(set, id, 0, T0 + 1), -1);
	assert_int_equal(alarm_silence(set, id, 900, T0 + 1), 0);
	assert_int_equal(count(set, EV_SILENCED), 1);
	assert_float_equal(last_event(set)->until, T0 + 901, 1e-9);
	assert_true(alarm_silenced(set, last_event(set)->rule, 10, 5));
	assert_int_equal(alarm_active(set, act, 2), 0);
	assert_int_equal(alarm_proc_severity(set, 10, 5), -1);
	assert_int_equal(alarm_firing(set), 1);	/* still evaluated */
	assert_int_equal(alarm_list(set, it, 4), 1);
	assert_float_equal(it[0].silenced, T0 + 901, 1e-9);

	/* Resolving and firing again within the silence: still hidden. */
	s.rss_kb = 100;
	for (t = T0 + 2; t <= T0 + 10; t++)
		tick(m, set, &s, 1, t);
	assert_int_equal(alarm_firing(set), 0);
	s.rss_kb = 4096;
	tick(m, set, &s, 1, T0 + 11);
	assert_int_equal(alarm_firing(set), 1);
	assert_int_equal(alarm_active(set, act, 2), 0);

	/* Another process of the same rule is not silenced. */
	{
		struct sample_proc	both[2] = { s, other };

		both[1].rss_kb = 4096;
		tick(m, set, both, 2, T0 + 12);
		assert_int_equal(alarm_active(set, act, 2), 1);
		assert_int_equal(act[0].pid, 11);
		assert_int_equal(alarm_proc_severity(set, 11, 5), SEV_WARN);
		tick(m, set, &s, 1, T0 + 13);	/* 11 exits */
	}

	/* Until it expires, then shown again. */
	tick(m, set, &s, 1, T0 + 900.5);
	assert_int_equal(alarm_active(set, act, 2), 0);
	tick(m, set, &s, 1, T0 + 901);
	assert_false(alarm_silenced(set, act[0].rule, 10, 5));
	assert_int_equal(alarm_active(set, act, 2), 1);
	assert_int_equal(act[0].pid, 10);
	assert_int_equal(alarm_proc_severity(set, 10, 5), SEV_WARN);
	alarm_set_free(set);
	model_free(m);
}

/* Firing first, then resolved, newest first; ALARM_RECENT resolved kept. */
static void
test_list_recent(void **state)
{
	struct alarm_set	*set = alarm_set_new();
	struct model		*m = model_new(300, HZ);
	struct sample_proc	 s = sp(1, 0, "init", "root");
	struct alarm_item	 it[ALARM_RECENT + 10];
	char			 err[256];
	size_t			 n;
	int			 i;

	alarm_set_add(set, alarm_parse("a: log ~ /x/ in /a quiet 5s", err,
	    sizeof err));
	alarm_set_add(set, alarm_parse("b: log ~ /y/ in /b", err,
	    sizeof err));
	alarm_log_line(set, "/b", "y", 1, T0);		/* stays firing */
	for (i = 0; i < ALARM_RECENT + 5; i++) {
		alarm_log_line(set, "/a", "x", 1, T0 + i * 10);
		alarm_log_line(set, "/b", "y", 1, T0 + i * 10);
		tick(m, set, &s, 1, T0 + i * 10 + 4);
		tick(m, set, &s, 1, T0 + i * 10 + 5);	/* quiet 5 s */
	}
	n = alarm_list(set, it, nitems(it));
	assert_int_equal(n, ALARM_RECENT + 1);
	assert_string_equal(alarm_rule_name(it[0].rule), "b");
	assert_true(it[0].resolved < 0);
	assert_float_equal(it[1].since, T0 + (ALARM_RECENT + 4) * 10, 1e-9);
	assert_float_equal(it[1].resolved, T0 + (ALARM_RECENT + 4) * 10 + 5,
	    1e-9);
	assert_float_equal(it[n - 1].since, T0 + 5 * 10, 1e-9);
	for (i = 2; i < (int)n; i++)
		assert_true(it[i].since < it[i - 1].since);
	assert_int_equal(alarm_list(set, NULL, 0), n);
	alarm_set_free(set);
	model_free(m);
}

static void
test_quiet_clause(void **state)
{
	struct alarm_rule	*r;

	r = parse("panic: log ~ /x/ in /f quiet 2m severity crit");
	assert_float_equal(r->quiet, 120, 1e-9);
	assert_int_equal(r->severity, SEV_CRIT);
	alarm_rule_free(r);
	r = parse("panic: log ~ /x/ in /f");
	assert_float_equal(r->quiet, 0, 1e-9);
	alarm_rule_free(r);
}

static void
test_threads_skipped_and_clear(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct alarm_set	*set = set_of("big: proc.rss > 1M severity crit");
	struct sample_proc	 s[2];
	size_t			 n;

	s[0] = sp(10, 5, "app", "root");
	s[1] = sp(12, 5, "app", "root");
	s[1].tgid = 10;				/* a thread of 10 */
	s[0].rss_kb = s[1].rss_kb = 4096;
	tick(m, set, s, 2, T0);
	assert_int_equal(count(set, EV_FIRED), 1);
	assert_int_equal(last_event(set)->pid, 10);
	assert_int_equal(alarm_rule_severity(last_event(set)->rule),
	    SEV_CRIT);
	alarm_events_clear(set);
	assert_non_null(alarm_events(set, &n));
	assert_int_equal(n, 0);
	assert_int_equal(alarm_firing(set), 1);
	alarm_set_free(set);
	model_free(m);
}

/* The banner's list: empty when nothing fires, the worst first. */
static void
test_active_list(void **state)
{
	struct alarm_set	*set = alarm_set_new();
	struct alarm_active	 act[4];
	char			 err[256];

	assert_int_equal(alarm_active(set, act, 4), 0);
	assert_int_equal(alarm_proc_severity(set, 1, 0), -1);
	alarm_set_add(set, alarm_parse("a: log ~ /x/ in /l1 severity info",
	    err, sizeof err));
	alarm_set_add(set, alarm_parse("b: log ~ /x/ in /l2 severity crit",
	    err, sizeof err));
	alarm_set_add(set, alarm_parse("c: log ~ /x/ in /l3 severity info",
	    err, sizeof err));
	alarm_log_line(set, "/l1", "x", 1, 10.0);
	alarm_log_line(set, "/l2", "x", 1, 11.0);
	alarm_log_line(set, "/l3", "x", 1, 12.0);
	assert_int_equal(alarm_active(set, act, 2), 3);
	assert_string_equal(alarm_rule_name(act[0].rule), "b");	/* worst */
	assert_int_equal(alarm_rule_severity(act[1].rule), SEV_INFO);
	alarm_set_free(set);
}

/*
 * Replay: the recorded alarms replace what the set's own rules would say,
 * the list and banner follow them, and a jump forgets what held before.
 */
static void
test_replay_notes(void **state)
{
	struct alarm_set	*set = alarm_set_new();
	struct alarm_note	 fire[2], ev[2];
	struct alarm_active	 act[4];
	struct alarm_item	 items[4];
	const struct alarm_event *e;
	char			 err[256];
	size_t			 n;

	/* A rule of this side that would fire on these lines. */
	alarm_set_add(set, alarm_parse("mine: log ~ /x/ in /l1", err,
	    sizeof err));
	alarm_log_line(set, "/l1", "x", 1, 10.0);
	assert_int_equal(alarm_active(set, act, 4), 1);

	memset(fire, 0, sizeof fire);
	fire[0].kind = EV_FIRED;
	fire[0].rule = "hot";
	fire[0].severity = SEV_CRIT;
	fire[0].pid = 42;
	fire[0].start = 7;
	fire[0].time = 95.0;
	fire[0].value = 99.0;
	fire[0].what = "burn (42)";
	ev[0] = fire[0];
	ev[0].time = 100.0;
	alarm_set_replay(set, fire, 1, ev, 1, 100.0);
	/* Only the recorded one: "mine" is not what the recorder saw. */
	assert_int_equal(alarm_active(set, act, 4), 1);
	assert_string_equal(alarm_rule_name(act[0].rule), "hot");
	assert_int_equal(alarm_rule_severity(act[0].rule), SEV_CRIT);
	assert_int_equal(act[0].pid, 42);
	assert_int_equal(alarm_proc_severity(set, 42, 7), SEV_CRIT);
	e = alarm_events(set, &n);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].kind, EV_FIRED);
	assert_string_equal(e[0].what, "burn (42)");
	assert_int_equal(alarm_list(set, items, 4), 1);
	/* The set's own evaluation no longer counts. */
	alarm_log_line(set, "/l1", "x", 1, 101.0);
	assert_int_equal(alarm_firing(set), 1);

	/* Still firing: no new event, one list entry. */
	alarm_set_replay(set, fire, 1, NULL, 0, 105.0);
	alarm_events(set, &n);
	assert_int_equal(n, 0);
	assert_int_equal(alarm_list(set, items, 4), 1);

	/* Resolved, and a short one that fired and resolved in between. */
	ev[0].kind = EV_RESOLVED;
	ev[0].time = 108.0;
	ev[1] = fire[0];
	ev[1].rule = "blip";
	ev[1].severity = SEV_WARN;
	ev[1].time = 107.0;
	alarm_set_replay(set, NULL, 0, ev, 2, 110.0);
	/* No resolve told for blip, but the firing list is the truth. */
	assert_int_equal(alarm_firing(set), 0);
	alarm_events(set, &n);
	assert_int_equal(n, 2);
	assert_int_equal(alarm_list(set, items, 4), 2);
	assert_true(items[0].resolved >= 0 && items[1].resolved >= 0);

	/* A jump: nothing of before stays. */
	alarm_set_restart(set);
	assert_int_equal(alarm_list(set, items, 4), 0);
	alarm_set_replay(set, fire, 1, NULL, 0, 50.0);
	assert_int_equal(alarm_list(set, items, 4), 1);
	assert_true(items[0].since == 95.0);
	alarm_set_free(set);
}

/* History: one JSON line per event, wall-clock times from the alarm clock. */
static void
test_history_line(void **state)
{
	struct alarm_rule	*r = parse("hot: proc.cpu > 90% severity crit");
	struct alarm_event	 ev;
	struct buf		 b = BUF_INITIALIZER;

	memset(&ev, 0, sizeof ev);
	ev.kind = EV_FIRED;
	ev.rule = r;
	ev.pid = 42;
	ev.start = 1234;
	ev.time = 100.0;
	ev.value = 97.5;
	snprintf(ev.what, sizeof ev.what, "ja\"va\x1b (42)");
	/* Now is 110 on the alarm clock and 1700000010.5 on the wall. */
	alarm_history_line(&b, &ev, 110.0, 1700000010.5);
	assert_string_equal(buf_str(&b),
	    "{\"time\":\"2023-11-14T22:13:20.500Z\",\"epoch\":1700000000.500,"
	    "\"event\":\"fired\",\"rule\":\"hot\",\"severity\":\"crit\","
	    "\"what\":\"ja\\\"va\\u001b (42)\",\"pid\":42,\"start\":1234,"
	    "\"value\":97.50}\n");
	buf_reset(&b);

	/* A silence says until when; a system alarm has no PID. */
	ev.kind = EV_SILENCED;
	ev.pid = 0;
	ev.until = 100.0 + 900;
	snprintf(ev.what, sizeof ev.what, "hot");
	alarm_history_line(&b, &ev, 110.0, 1700000010.5);
	assert_non_null(strstr(buf_str(&b), "\"event\":\"silenced\""));
	assert_null(strstr(buf_str(&b), "\"pid\""));
	assert_non_null(strstr(buf_str(&b),
	    "\"until\":\"2023-11-14T22:28:20.500Z\",\"until_epoch\":1700000900.500}"));
	buf_free(&b);
	alarm_rule_free(r);
}

static void
test_history_write(void **state)
{
	struct alarm_rule	*r = parse("hot: proc.cpu > 90%");
	struct alarm_history	*h;
	struct alarm_event	 ev[2];
	struct stat		 st;
	char			 dir[] = "/tmp/vigil-hist.XXXXXX", path[256],
				 err[300] = "", line[1024];
	FILE			*f;
	int			 n = 0;

	assert_non_null(mkdtemp(dir));
	memset(ev, 0, sizeof ev);
	ev[0].kind = EV_FIRED;
	ev[1].kind = EV_RESOLVED;
	ev[0].rule = ev[1].rule = r;
	snprintf(path, sizeof path, "%s/state/vigil/alarms.jsonl", dir);
	h = alarm_history_new(path);
	assert_int_equal(alarm_history_write(h, ev, 2, 10, err, sizeof err), 0);
	assert_int_equal(alarm_history_write(h, ev, 1, 10, err, sizeof err), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL)
		n++;
	fclose(f);
	assert_int_equal(n, 3);			/* appended */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(line, sizeof line, "%s/state/vigil", dir);
	assert_int_equal(stat(line, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	unlink(path);
	rmdir(line);
	snprintf(line, sizeof line, "%s/state", dir);
	rmdir(line);
	alarm_history_free(h);

	/* A failure is told once, never again. */
	snprintf(path, sizeof path, "%s/file", dir);
	f = fopen(path, "w");
	fclose(f);
	snprintf(line, sizeof line, "%s/file/vigil/alarms.jsonl", dir);
	h = alarm_history_new(line);
	assert_int_equal(alarm_history_write(h, ev, 1, 10, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "Not a directory"));
	assert_non_null(strstr(err, line));
	err[0] = '\0';
	assert_int_equal(alarm_history_write(h, ev, 1, 10, err, sizeof err), 0);
	assert_string_equal(err, "");
	alarm_history_free(h);
	unlink(path);
	rmdir(dir);
	alarm_rule_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_issue_examples),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_error_small_buffer),
		cmocka_unit_test(test_threshold_for_duration),
		cmocka_unit_test(test_pending_interrupted),
		cmocka_unit_test(test_wobble_one_event),
		cmocka_unit_test(test_wobble_deep_dips),
		cmocka_unit_test(test_resolve_after_clear),
		cmocka_unit_test(test_resolve_hold_is_for),
		cmocka_unit_test(test_exit_while_firing),
		cmocka_unit_test(test_pid_reuse_new_pair),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_missing_from_start),
		cmocka_unit_test(test_rss_growth_ramp),
		cmocka_unit_test(test_sys_swap),
		cmocka_unit_test(test_sys_load_cpus),
		cmocka_unit_test(test_sys_psi),
		cmocka_unit_test(test_state_d_for_duration),
		cmocka_unit_test(test_log_match_and_quiet),
		cmocka_unit_test(test_where_filters),
		cmocka_unit_test(test_fds_from_count),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_silence_expiry),
		cmocka_unit_test(test_list_recent),
		cmocka_unit_test(test_quiet_clause),
		cmocka_unit_test(test_history_line),
		cmocka_unit_test(test_history_write),
		cmocka_unit_test(test_threads_skipped_and_clear),
		cmocka_unit_test(test_active_list),
		cmocka_unit_test(test_replay_notes),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
