/* Unit tests of vigil serve: group lines, group counters, the exposition. */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "buf.h"
#include "model.h"
#include "serve-int.h"

#define HZ	100

static struct sample_proc
sp(int pid, const char *comm, unsigned long long ticks,
    unsigned long long stime)
{
	struct sample_proc	s;

	memset(&s, 0, sizeof s);
	s.pid = s.tgid = pid;
	s.ppid = 1;
	s.start = pid * 10;
	s.ticks = ticks;
	s.stime = stime;
	s.user = "root";
	s.comm = comm;
	s.state = 'R';
	s.nlwp = 2;
	s.rss_kb = 100;
	s.vsz_kb = 1000;
	s.has_io = 1;
	s.io_read = ticks * 10;
	s.io_write = 7;
	return (s);
}

static void
test_group_parse(void **state)
{
	struct alarm_rule	*r;
	char			 err[256];

	r = alarm_parse_group("web: comm ~ /^nginx$/ and user ~ /www/", err,
	    sizeof err);
	assert_non_null(r);
	assert_string_equal(alarm_rule_name(r), "web");
	assert_int_equal(r->nfilters, 2);
	alarm_rule_free(r);

	assert_null(alarm_parse_group("web comm ~ /x/", err, sizeof err));
	assert_non_null(strstr(err, "':'"));
	assert_null(alarm_parse_group("web: name ~ /x/", err, sizeof err));
	assert_non_null(strstr(err, "comm, cmdline or user"));
	assert_null(alarm_parse_group("web: comm ~ /x/ extra", err,
	    sizeof err));
	assert_non_null(strstr(err, "'extra'"));
	assert_null(alarm_parse_group("web: comm ~ /(/", err, sizeof err));
}

static struct serve_group *
group_named(struct serve_snap *s, const char *name)
{
	size_t	i;

	for (i = 0; i < s->ngroups; i++) {
		if (strcmp(s->groups[i].name, name) == 0)
			return (&s->groups[i]);
	}
	return (NULL);
}

/* A member that exits keeps its CPU in the group: counters never drop. */
static void
test_groups_counters(void **state)
{
	char			*lines[] = { "a: comm ~ /^a/", "b: comm ~ /./" };
	struct serve_groups	*g;
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 p[3];
	struct serve_snap	 s;
	struct serve_group	*ga, *gb;
	char			 err[256];

	g = serve_groups_new(lines, 2, err, sizeof err);
	assert_non_null(g);
	p[0] = sp(100, "aa", 300, 100);
	p[1] = sp(101, "ab", 200, 0);
	p[2] = sp(102, "bb", 50, 50);
	model_update(m, p, 3, 10.0);
	memset(&s, 0, sizeof s);
	serve_groups_update(g, m, 1000.0, &s);
	ga = group_named(&s, "a");
	gb = group_named(&s, "b");
	assert_int_equal(ga->nprocs, 2);	/* the first match wins */
	assert_int_equal(gb->nprocs, 1);
	assert_float_equal(ga->user_s, 4.0, 1e-9);
	assert_float_equal(ga->system_s, 1.0, 1e-9);
	assert_float_equal(ga->rss, 200 * 1024.0, 1e-9);
	assert_int_equal(ga->threads, 4);
	assert_int_equal(ga->states[SST_RUNNING], 2);
	assert_float_equal(ga->read_bytes, 5000, 1e-9);
	assert_float_equal(ga->oldest, 1000.0 + 1000.0 / HZ, 1e-9);
	free(s.groups);

	/* 101 exits, 100 runs on, 103 is new. */
	p[0] = sp(100, "aa", 400, 100);
	p[1] = sp(103, "ac", 10, 0);
	model_update(m, p, 2, 11.0);
	memset(&s, 0, sizeof s);
	serve_groups_update(g, m, 1000.0, &s);
	ga = group_named(&s, "a");
	assert_int_equal(ga->nprocs, 2);
	assert_float_equal(ga->user_s, (300 + 200 + 10) / (double)HZ, 1e-9);
	assert_float_equal(ga->read_bytes, 4000 + 2000 + 100, 1e-9);
	assert_int_equal(group_named(&s, "b")->nprocs, 0);
	assert_float_equal(group_named(&s, "b")->user_s, 0, 1e-9);
	free(s.groups);
	serve_groups_free(g);
	model_free(m);
}

static void
test_metrics_text(void **state)
{
	struct serve_snap	*s = calloc(1, sizeof *s);
	struct buf		 b = BUF_INITIALIZER;

	s->ngroups = 1;
	s->groups = calloc(1, sizeof *s->groups);
	strcpy(s->groups[0].name, "we\"b");
	s->groups[0].nprocs = 3;
	s->groups[0].user_s = 1.5;
	s->nalarms = 1;
	s->alarms = calloc(1, sizeof *s->alarms);
	strcpy(s->alarms[0].name, "hot");
	s->alarms[0].severity = "crit";
	s->alarms[0].firing = 2;
	serve_metrics(&b, s, 0, 7);
	assert_non_null(strstr(buf_str(&b),
	    "\nnamedprocess_namegroup_num_procs{groupname=\"we\\\"b\"} 3\n"));
	assert_non_null(strstr(buf_str(&b),
	    "\nnamedprocess_namegroup_cpu_seconds_total{groupname=\"we\\\"b\",mode=\"user\"} 1.5\n"));
	assert_non_null(strstr(buf_str(&b),
	    "# TYPE namedprocess_namegroup_cpu_seconds_total counter\n"));
	assert_non_null(strstr(buf_str(&b),
	    "\nvigil_alarm_firing{alarm=\"hot\",severity=\"crit\"} 2\n"));
	assert_non_null(strstr(buf_str(&b), "\nvigil_scrapes_total 7\n"));
	assert_null(strstr(buf_str(&b), "# EOF"));
	assert_null(strstr(buf_str(&b), "vigil_pressure"));	/* no PSI */

	buf_reset(&b);
	serve_metrics(&b, s, SERVE_OPENMETRICS, 8);
	assert_non_null(strstr(buf_str(&b),
	    "# TYPE namedprocess_namegroup_cpu_seconds counter\n"));
	assert_non_null(strstr(buf_str(&b),
	    "# TYPE namedprocess_namegroup_num_procs gauge\n"));
	assert_string_equal(buf_str(&b) + b.len - 6, "# EOF\n");
	buf_free(&b);
	serve_snap_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_parse),
		cmocka_unit_test(test_groups_counters),
		cmocka_unit_test(test_metrics_text),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
