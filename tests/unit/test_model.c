/* Unit tests of the model: CPU% from deltas, PID reuse, tree and views. */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "model.h"
#include "rx.h"

#define HZ	100

static struct sample_proc
sp(int pid, int ppid, unsigned long long start, unsigned long long ticks)
{
	struct sample_proc	s;

	memset(&s, 0, sizeof s);
	s.pid = s.tgid = pid;
	s.ppid = ppid;
	s.start = start;
	s.ticks = ticks;
	s.user = "root";
	s.comm = "proc";
	s.state = 'S';
	s.nlwp = 1;
	return (s);
}

static struct view_opts
vo_default(void)
{
	struct view_opts	o;

	memset(&o, 0, sizeof o);
	o.sort = COL_PID;
	o.uid = -1;
	o.show_kthreads = 1;
	return (o);
}

static void
test_cpu_first_tick_is_zero(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 s = sp(5, 1, 0, 1000);

	model_update(m, &s, 1, 100.0);
	assert_float_equal(model_find(m, 5)->cpu_pct, 0, 1e-9);
	model_free(m);
}

static void
test_cpu_from_deltas(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 s = sp(5, 1, 0, 1000);

	model_update(m, &s, 1, 100.0);
	s.ticks = 1050;			/* 0.5 s of CPU in 1 s */
	model_update(m, &s, 1, 101.0);
	assert_float_equal(model_find(m, 5)->cpu_pct, 50.0, 1e-6);
	s.ticks = 1350;			/* 3 s of CPU in 2 s: two cores */
	model_update(m, &s, 1, 103.0);
	assert_float_equal(model_find(m, 5)->cpu_pct, 150.0, 1e-6);
	model_free(m);
}

static void
test_cpu_counter_reset(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 s = sp(5, 1, 0, 5000);

	model_update(m, &s, 1, 100.0);
	s.ticks = 20;			/* went backwards */
	model_update(m, &s, 1, 101.0);
	assert_float_equal(model_find(m, 5)->cpu_pct, 0, 1e-9);
	s.ticks = 70;			/* counts again from the new base */
	model_update(m, &s, 1, 102.0);
	assert_float_equal(model_find(m, 5)->cpu_pct, 50.0, 1e-6);
	model_free(m);
}

static void
test_cpu_new_between_ticks(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 s[2];

	s[0] = sp(1, 0, 0, 0);
	model_update(m, s, 1, 100.0);
	/* Started at 100.5 s, used 0.3 s of CPU before the 101 s tick. */
	s[1] = sp(7, 1, 10050, 30);
	model_update(m, s, 2, 101.0);
	assert_float_equal(model_find(m, 7)->cpu_pct, 30.0, 1e-6);
	model_free(m);
}

static void
test_cpu_unseen_old_process(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 s[2];

	s[0] = sp(1, 0, 0, 0);
	model_update(m, s, 1, 100.0);
	/* Started long before the last tick, yet not seen then: unknown. */
	s[1] = sp(8, 1, 500, 9000);
	model_update(m, s, 2, 101.0);
	assert_float_equal(model_find(m, 8)->cpu_pct, 0, 1e-9);
	model_free(m);
}

static void
test_pid_reuse_is_new_row(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 s = sp(9, 1, 100, 10);
	struct proc		*p;
	int			 i;

	for (i = 0; i < 4; i++)
		model_update(m, &s, 1, 100.0 + i);
	p = model_find(m, 9);
	assert_int_equal(ring_len(&p->h_cpu), 4);
	model_set_cmdline(m, 9, "old --process", NULL);

	/* Same PID, later start time: another process. */
	s = sp(9, 1, 10350, 20);
	model_update(m, &s, 1, 104.0);
	p = model_find(m, 9);
	assert_non_null(p);
	assert_int_equal(p->start, 10350);
	assert_int_equal(ring_len(&p->h_cpu), 1);
	assert_null(p->cmdline);
	assert_int_equal(m->nrows, 1);
	/* Its CPU is its own (0.2 s since it started after the last tick). */
	assert_float_equal(p->cpu_pct, 20.0, 1e-6);
	/* And its command line is due to be read. */
	assert_int_equal(m->pending[m->npending - 1], 9);
	model_free(m);
}

static void
test_exited_process_dropped(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 s[3] = { sp(1, 0, 0, 0), sp(2, 1, 0, 0),
				     sp(3, 1, 0, 0) };

	model_update(m, s, 3, 10.0);
	assert_int_equal(m->nrows, 3);
	s[1] = s[2];
	model_update(m, s, 2, 11.0);
	assert_int_equal(m->nrows, 2);
	assert_null(model_find(m, 2));
	assert_non_null(model_find(m, 3));
	assert_non_null(model_find(m, 1));
	model_free(m);
}

static void
test_history_rings(void **state)
{
	struct model		*m = model_new(3, HZ);
	struct sample_proc	 s = sp(5, 1, 0, 0);
	struct proc		*p;
	const uint16_t		*c;
	const uint32_t		*r;
	int			 i;

	for (i = 0; i < 5; i++) {
		s.ticks = i * 10 * (i + 1);	/* 0,20,60,120,200 */
		s.rss_kb = 1000 * (i + 1);
		model_update(m, &s, 1, 100.0 + i);
	}
	p = model_find(m, 5);
	assert_int_equal(ring_len(&p->h_cpu), 3);
	/* The newest three: 40%, 60%, 80% in tenths of a percent. */
	c = ring_get(&p->h_cpu, 0);
	assert_int_equal(*c, 400);
	c = ring_get(&p->h_cpu, 2);
	assert_int_equal(*c, 800);
	r = ring_get(&p->h_rss, 0);
	assert_int_equal(*r, 3000);
	r = ring_last(&p->h_rss);
	assert_int_equal(*r, 5000);

	model_set_history(m, 5);
	assert_int_equal(ring_len(&p->h_cpu), 3);
	s.ticks += 10;
	model_update(m, &s, 1, 105.0);
	assert_int_equal(ring_len(&p->h_cpu), 4);
	c = ring_last(&p->h_cpu);
	assert_int_equal(*c, 100);
	model_free(m);
}

static void
test_minute_averages(void **state)
{
	struct model		*m = model_new(300, HZ);
	struct sample_proc	 s = sp(5, 1, 0, 0);
	struct proc		*p;
	const uint16_t		*c;
	int			 i;

	/* 25% CPU for a minute and a bit, one tick a second. */
	for (i = 0; i <= 61; i++) {
		s.ticks = i * 25;
		model_update(m, &s, 1, 1000.0 + i);
	}
	p = model_find(m, 5);
	assert_int_equal(ring_len(&p->m_cpu), 1);
	c = ring_last(&p->m_cpu);
	/* The first tick has no delta (0%), the others 25%: ~24.6%. */
	assert_in_range(*c, 240, 250);
	model_free(m);
}

static void
test_pending_cmdlines(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 s[2] = { sp(1, 0, 0, 0), sp(2, 1, 0, 0) };

	model_update(m, s, 2, 10.0);
	assert_int_equal(m->npending, 2);
	model_set_cmdline(m, 2, "/bin/sleep 100", NULL);
	m->npending = 0;
	model_update(m, s, 2, 11.0);
	assert_int_equal(m->npending, 0);	/* read once per lifetime */
	assert_string_equal(model_proc_cmdline(model_find(m, 2)),
	    "/bin/sleep 100");
	assert_string_equal(model_proc_cmdline(model_find(m, 1)), "proc");

	/* An exec (new name, same PID and start) makes it due again. */
	s[1].comm = "python3";
	model_update(m, s, 2, 12.0);
	assert_int_equal(m->npending, 1);
	assert_int_equal(m->pending[0], 2);
	assert_null(model_find(m, 2)->cmdline);
	model_free(m);
}

static void
assert_view(struct model *m, const int *pids, const int *depths, size_t n)
{
	size_t	i;

	assert_int_equal(m->nview, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(m->view[i].p->pid, pids[i]);
		if (depths != NULL)
			assert_int_equal(m->view[i].depth, depths[i]);
	}
}

static void
test_tree_order(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct view_opts	 o = vo_default();
	struct sample_proc	 s[] = {
		sp(12, 10, 0, 0), sp(1, 0, 0, 0), sp(20, 999, 0, 0),
		sp(11, 10, 0, 0), sp(10, 1, 0, 0), sp(2, 1, 0, 0)
	};
	const int		 pids[] = { 1, 2, 10, 11, 12, 20 };
	const int		 depths[] = { 0, 1, 1, 2, 2, 0 };

	o.tree = 1;
	model_update(m, s, nitems(s), 10.0);
	model_view(m, &o);
	/* 20's parent is gone: an orphan shown as a root. */
	assert_view(m, pids, depths, nitems(pids));
	/* Children of 1 in PID order: 2, then 10, the last. */
	assert_true(m->view[2].last);
	assert_false(m->view[1].last);
	/* 11 has a sibling below it; 12 is the last. */
	assert_false(m->view[3].last);
	assert_true(m->view[4].last);
	model_free(m);
}

static void
test_tree_guides(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct view_opts	 o = vo_default();
	struct sample_proc	 s[] = {
		sp(1, 0, 0, 0), sp(2, 1, 0, 0), sp(3, 2, 0, 0),
		sp(4, 1, 0, 0)
	};

	o.tree = 1;
	model_update(m, s, nitems(s), 10.0);
	model_view(m, &o);
	/* 3 sits under 2, which has a later sibling (4): a guide at 1. */
	assert_int_equal(m->view[2].p->pid, 3);
	assert_true(m->view[2].guides & (1ULL << 1));
	assert_int_equal(m->view[3].p->pid, 4);
	assert_int_equal(m->view[3].guides, 0);
	model_free(m);
}

static void
test_tree_reparent_to_init(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct view_opts	 o = vo_default();
	struct sample_proc	 s[] = {
		sp(1, 0, 0, 0), sp(10, 1, 0, 0), sp(11, 10, 0, 0)
	};
	const int		 before[] = { 0, 1, 2 };
	const int		 pids_after[] = { 1, 11 };
	const int		 after[] = { 0, 1 };

	o.tree = 1;
	model_update(m, s, 3, 10.0);
	model_view(m, &o);
	assert_view(m, (int[]){ 1, 10, 11 }, before, 3);
	/* 10 exits; the kernel gives 11 to init. */
	s[1] = sp(11, 1, 0, 0);
	model_update(m, s, 2, 11.0);
	model_view(m, &o);
	assert_view(m, pids_after, after, 2);
	model_free(m);
}

static void
test_tree_cycle_terminates(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct view_opts	 o = vo_default();
	struct sample_proc	 s[] = {
		sp(30, 31, 0, 0), sp(31, 30, 0, 0), sp(32, 32, 0, 0)
	};

	o.tree = 1;
	model_update(m, s, 3, 10.0);
	model_view(m, &o);
	/* Each row exactly once, whatever the order. */
	assert_int_equal(m->nview, 3);
	assert_true(m->view[0].p != m->view[1].p);
	assert_true(m->view[1].p != m->view[2].p);
	assert_true(m->view[0].p != m->view[2].p);
	model_free(m);
}

static void
test_tree_siblings_sorted(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct view_opts	 o = vo_default();
	struct sample_proc	 s[] = {
		sp(1, 0, 0, 0), sp(2, 1, 0, 0), sp(3, 1, 0, 0),
		sp(4, 1, 0, 0)
	};

	s[1].rss_kb = 10;
	s[2].rss_kb = 30;
	s[3].rss_kb = 20;
	o.tree = 1;
	o.sort = COL_RES;
	o.descending = 1;
	model_update(m, s, 4, 10.0);
	model_view(m, &o);
	assert_view(m, (int[]){ 1, 3, 4, 2 }, (int[]){ 0, 1, 1, 1 }, 4);
	model_free(m);
}

static void
test_tree_collapse(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct view_opts	 o = vo_default();
	struct sample_proc	 s[] = {
		sp(1, 0, 0, 0), sp(10, 1, 0, 0), sp(11, 10, 0, 0),
		sp(12, 11, 0, 0), sp(20, 1, 0, 0)
	};

	o.tree = 1;
	model_update(m, s, nitems(s), 10.0);
	model_find(m, 10)->collapsed = 1;
	model_view(m, &o);
	/* 10's subtree is hidden, not shown again as roots. */
	assert_view(m, (int[]){ 1, 10, 20 }, (int[]){ 0, 1, 1 }, 3);
	assert_true(m->view[1].folded);
	assert_false(m->view[2].folded);
	/* The flag survives an update; expanding shows the subtree. */
	model_update(m, s, nitems(s), 11.0);
	model_view(m, &o);
	assert_int_equal(m->nview, 3);
	model_find(m, 10)->collapsed = 0;
	model_view(m, &o);
	assert_view(m, (int[]){ 1, 10, 11, 12, 20 }, (int[]){ 0, 1, 2, 3, 1 },
	    5);
	model_free(m);
}

static void
test_sort_columns(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct view_opts	 o = vo_default();
	struct sample_proc	 s[] = {
		sp(1, 0, 0, 0), sp(2, 0, 0, 0), sp(3, 0, 0, 0),
		sp(4, 0, 0, 0)
	};

	s[0].comm = "zsh"; s[1].comm = "bash"; s[2].comm = "ksh";
	s[3].comm = "bash";
	s[0].vsz_kb = 5; s[1].vsz_kb = 50; s[2].vsz_kb = 500;
	s[3].vsz_kb = 50;
	model_update(m, s, 4, 10.0);
	s[0].ticks = 50; s[1].ticks = 10; s[2].ticks = 30; s[3].ticks = 10;
	model_update(m, s, 4, 11.0);

	o.sort = COL_CPU;
	o.descending = 1;
	model_view(m, &o);
	/* Ties (2 and 4 at 10%) keep PID order. */
	assert_view(m, (int[]){ 1, 3, 2, 4 }, NULL, 4);

	o.sort = COL_COMM;
	o.descending = 0;
	model_view(m, &o);
	assert_view(m, (int[]){ 2, 4, 3, 1 }, NULL, 4);

	o.sort = COL_VIRT;
	o.descending = 1;
	model_view(m, &o);
	assert_view(m, (int[]){ 3, 2, 4, 1 }, NULL, 4);

	o.sort = COL_PID;
	o.descending = 1;
	model_view(m, &o);
	assert_view(m, (int[]){ 4, 3, 2, 1 }, NULL, 4);
	model_free(m);
}

/* When is a name a process's own, shown before its command line? */
static void
test_proc_renamed(void **state)
{
	static const struct {
		const char	*cmdline, *comm;
		int		 renamed;
	} c[] = {
		{ "/usr/bin/app web", "app", 0 },
		{ "/usr/bin/app web", "kid1-web", 1 },
		{ "-bash", "bash", 0 },			/* a login shell */
		{ "postgres: checkpointer", "postgres", 0 },
		{ "/usr/bin/python3 -u /srv/app.py", "app.py", 0 },
		{ "/opt/x/a-very-long-program-name --x", "a-very-long-pro", 0 },
		{ "family-t1", "family", 0 },		/* exec -a */
		{ "kid-t1 1000", "sleep", 1 },		/* exec -a */
		{ "/usr/bin/app web", "web-1", 1 },
	};
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 s[] = { sp(1, 0, 0, 0) };
	size_t			 i;

	(void)state;
	model_update(m, s, 1, 10.0);
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		model_set_cmdline(m, 1, c[i].cmdline, c[i].comm);
		assert_int_equal(model_proc_renamed(model_find(m, 1)),
		    c[i].renamed);
	}
	model_free(m);
}

static void
test_filter_regex(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct view_opts	 o = vo_default();
	struct sample_proc	 s[] = {
		sp(1, 0, 0, 0), sp(2, 1, 0, 0), sp(3, 1, 0, 0),
		sp(4, 1, 0, 0), sp(5, 1, 0, 0)
	};
	char			 err[128];
	struct rx		*rx;
	struct buf		 label = BUF_INITIALIZER;

	model_update(m, s, 5, 10.0);
	model_set_cmdline(m, 1, "/sbin/init", "init");
	model_set_cmdline(m, 2, "/usr/bin/python3 worker.py --queue=Mail",
	    "python3");
	model_set_cmdline(m, 3, "sleep 1000", "sleep");
	/* 4 has no command line: its name ("proc") is matched. */
	/* 5 named itself (prctl): its name is matched too, and shown. */
	model_set_cmdline(m, 5, "/usr/bin/app web", "kid1-web");

	rx = rx_compile("worker|sleep", RX_SMARTCASE, err, sizeof err);
	assert_non_null(rx);
	o.filter = rx;
	model_view(m, &o);
	assert_view(m, (int[]){ 2, 3 }, NULL, 2);
	rx_free(rx);

	rx = rx_compile("mail", RX_SMARTCASE, err, sizeof err);
	o.filter = rx;
	model_view(m, &o);
	assert_view(m, (int[]){ 2 }, NULL, 1);
	rx_free(rx);

	rx = rx_compile("Queue", RX_SMARTCASE, err, sizeof err);
	o.filter = rx;
	model_view(m, &o);
	assert_int_equal(m->nview, 0);		/* capitals: exact case */
	rx_free(rx);

	rx = rx_compile("^proc$", RX_SMARTCASE, err, sizeof err);
	o.filter = rx;
	model_view(m, &o);
	assert_view(m, (int[]){ 4 }, NULL, 1);
	rx_free(rx);

	rx = rx_compile("kid1-web", RX_SMARTCASE, err, sizeof err);
	o.filter = rx;
	model_view(m, &o);
	assert_view(m, (int[]){ 5 }, NULL, 1);
	rx_free(rx);
	assert_false(model_proc_renamed(model_find(m, 2)));
	assert_true(model_proc_renamed(model_find(m, 5)));
	model_proc_label(model_find(m, 5), &label);
	assert_string_equal(buf_str(&label), "kid1-web: /usr/bin/app web");
	buf_reset(&label);
	model_proc_label(model_find(m, 1), &label);
	assert_string_equal(buf_str(&label), "/sbin/init");
	buf_free(&label);
	model_free(m);
}

static void
test_filter_user_pid_kthreads(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct view_opts	 o = vo_default();
	struct sample_proc	 s[] = {
		sp(1, 0, 0, 0), sp(2, 0, 0, 0), sp(3, 2, 0, 0),
		sp(4, 1, 0, 0)
	};
	const int		 pids[] = { 4, 1 };

	s[1].kthread = s[2].kthread = 1;
	s[3].uid = 1000;
	model_update(m, s, 4, 10.0);

	o.show_kthreads = 0;
	model_view(m, &o);
	assert_view(m, (int[]){ 1, 4 }, NULL, 2);

	o.uid = 1000;
	model_view(m, &o);
	assert_view(m, (int[]){ 4 }, NULL, 1);

	o.uid = -1;
	o.show_kthreads = 1;
	o.pids = pids;
	o.npids = 2;
	model_view(m, &o);
	assert_view(m, (int[]){ 1, 4 }, NULL, 2);
	model_free(m);
}

static void
test_threads_under_process(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct view_opts	 o = vo_default();
	struct sample_proc	 s[] = {
		sp(1, 0, 0, 0), sp(50, 1, 0, 0), sp(51, 1, 0, 0),
		sp(60, 50, 0, 0)
	};

	s[2].tgid = 50;		/* a thread of 50 */
	o.tree = 1;
	model_update(m, s, 4, 10.0);
	model_view(m, &o);
	assert_view(m, (int[]){ 1, 50, 60 }, NULL, 3);	/* threads hidden */
	o.show_threads = 1;
	model_view(m, &o);
	assert_view(m, (int[]){ 1, 50, 51, 60 }, (int[]){ 0, 1, 2, 2 }, 4);
	assert_true(model_find(m, 51)->thread);
	model_free(m);
}

static void
test_tasks_counted(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 s[] = {
		sp(1, 0, 0, 0), sp(2, 0, 0, 0), sp(3, 1, 0, 0),
		sp(4, 1, 0, 0)
	};

	s[1].kthread = 1;
	s[1].state = 'I';
	s[2].state = 'R';
	s[2].nlwp = 4;
	s[3].state = 'Z';
	model_update(m, s, 4, 10.0);
	assert_int_equal(m->sys.tasks.total, 4);
	assert_int_equal(m->sys.tasks.running, 1);
	assert_int_equal(m->sys.tasks.zombie, 1);
	assert_int_equal(m->sys.tasks.kthreads, 1);
	assert_int_equal(m->sys.tasks.threads, 1 + 4 + 1);
	model_free(m);
}

static void
test_sys_cpu_split(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct sample_cpu	 cpus[1];
	struct sample_sys	 s;

	memset(&s, 0, sizeof s);
	s.ncpu = 1;
	s.cpus = cpus;
	s.mem_total = 1000;
	s.mem_available = 250;
	s.time = 10;
	s.total = (struct sample_cpu){ .user = 100, .idle = 100 };
	cpus[0] = s.total;
	s.disk_read = 1000;
	model_update_sys(m, &s);
	s.time = 12;
	s.total = (struct sample_cpu){ .user = 150, .system = 25,
	    .iowait = 25, .idle = 200 };
	cpus[0] = s.total;
	s.disk_read = 5000;
	model_update_sys(m, &s);
	assert_float_equal(m->sys.total.user, 25.0, 1e-6);
	assert_float_equal(m->sys.total.system, 12.5, 1e-6);
	assert_float_equal(m->sys.total.iowait, 12.5, 1e-6);
	assert_float_equal(m->sys.total.idle, 50.0, 1e-6);
	assert_float_equal(m->sys.total.busy, 37.5, 1e-6);
	assert_float_equal(m->sys.disk_read_rate, 2000.0, 1e-6);
	assert_int_equal(m->sys.mem_used, 750);
	assert_int_equal(ring_len(&m->sys.h_cpu), 2);
	model_free(m);
}

static void
test_col_names(void **state)
{
	enum model_col	c;

	assert_int_equal(model_col_parse("CPU", &c), 0);
	assert_int_equal(c, COL_CPU);
	assert_int_equal(model_col_parse("PERCENT_MEM", &c), 0);
	assert_int_equal(c, COL_MEM);
	assert_int_equal(model_col_parse("rss", &c), 0);
	assert_int_equal(c, COL_RES);
	assert_int_equal(model_col_parse("nonsense", &c), -1);
	for (c = 0; c < COL__COUNT; c++) {
		enum model_col back;

		assert_int_equal(model_col_parse(model_col_name(c), &back), 0);
		assert_int_equal(back, c);
	}
}

/* An I/O sample: counters as /proc/PID/io has them, all read. */
static struct sample_proc
sp_io(int pid, unsigned long long start, unsigned long long r,
    unsigned long long w, unsigned long long rc, unsigned long long wc)
{
	struct sample_proc	s = sp(pid, 1, start, 0);

	s.has_io = 1;
	s.io_read = r;
	s.io_write = w;
	s.io_rchar = rc;
	s.io_wchar = wc;
	return (s);
}

static void
test_rate(void **state)
{
	assert_float_equal(model_rate(1000, 5000, 2.0), 2000, 1e-9);
	assert_float_equal(model_rate(7, 7, 0.5), 0, 1e-9);
	/* Backwards, or no interval: not known, never negative or huge. */
	assert_true(model_rate(5000, 1000, 2.0) < 0);
	assert_true(model_rate(1000, 5000, 0) < 0);
	assert_true(model_rate(1000, 5000, -1) < 0);
}

/* The first reading has no rate; the second has one per counter. */
static void
test_io_rates(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 s = sp_io(5, 0, 0, 0, 0, 0);
	struct proc		*p;

	model_update(m, &s, 1, 100.0);
	p = model_find(m, 5);
	assert_true(p->has_io);
	assert_false(p->has_io_rate);
	assert_float_equal(p->io_rate, 0, 1e-9);
	s = sp_io(5, 0, 4096, 8 << 20, 1 << 20, 16 << 20);
	model_update(m, &s, 1, 102.0);
	p = model_find(m, 5);
	assert_true(p->has_io_rate);
	assert_float_equal(p->io_read_rate, 2048, 1e-6);
	assert_float_equal(p->io_write_rate, 4194304.0, 1e-6);
	assert_float_equal(p->io_rchar_rate, 524288.0, 1e-6);
	assert_float_equal(p->io_wchar_rate, 8388608.0, 1e-6);
	assert_float_equal(p->io_rate, 4196352.0, 1e-6);
	model_free(m);
}

/* A PID reused by a new process starts again: no rate from the old one. */
static void
test_io_pid_reuse(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 s = sp_io(5, 100, 0, 1 << 30, 0, 1 << 30);

	model_update(m, &s, 1, 100.0);
	s = sp_io(5, 100, 0, (1 << 30) + 1000, 0, (1 << 30) + 1000);
	model_update(m, &s, 1, 101.0);
	assert_true(model_find(m, 5)->has_io_rate);
	assert_float_equal(model_find(m, 5)->io_write_rate, 1000, 1e-6);
	s = sp_io(5, 9000, 0, 10, 0, 10);
	model_update(m, &s, 1, 102.0);
	assert_false(model_find(m, 5)->has_io_rate);
	s = sp_io(5, 9000, 0, 3010, 0, 10);
	model_update(m, &s, 1, 104.0);
	assert_true(model_find(m, 5)->has_io_rate);
	assert_float_equal(model_find(m, 5)->io_write_rate, 1500, 1e-6);
	model_free(m);
}

/*
 * A counter that went backwards gives no rate that tick (and the next
 * counts from the new reading); so does a tick whose counters could not
 * be read, and the one after it.
 */
static void
test_io_backwards_and_unread(void **state)
{
	struct model		*m = model_new(10, HZ);
	struct sample_proc	 s = sp_io(5, 0, 100, 100, 100, 100);
	struct view_opts	 o = vo_default();
	struct sample_proc	 two[2];

	model_update(m, &s, 1, 100.0);
	s = sp_io(5, 0, 100, 50, 100, 100);
	model_update(m, &s, 1, 101.0);
	assert_false(model_find(m, 5)->has_io_rate);
	s = sp_io(5, 0, 100, 150, 100, 100);
	model_update(m, &s, 1, 102.0);
	assert_true(model_find(m, 5)->has_io_rate);
	assert_float_equal(model_find(m, 5)->io_write_rate, 100, 1e-6);
	s = sp(5, 1, 0, 0);			/* not readable */
	model_update(m, &s, 1, 103.0);
	assert_false(model_find(m, 5)->has_io);
	assert_false(model_find(m, 5)->has_io_rate);
	s = sp_io(5, 0, 100, 250, 100, 100);
	model_update(m, &s, 1, 104.0);
	assert_false(model_find(m, 5)->has_io_rate);

	/* Sorted by a rate, a row without one comes after a row of 0. */
	two[0] = sp_io(5, 0, 100, 250, 100, 100);
	two[1] = sp_io(6, 0, 0, 0, 0, 0);
	model_update(m, two, 2, 105.0);
	assert_true(model_find(m, 5)->has_io_rate);
	assert_false(model_find(m, 6)->has_io_rate);
	o.sort = COL_IO_WRITE;
	o.descending = 1;
	model_view(m, &o);
	assert_int_equal(m->nview, 2);
	assert_int_equal(m->view[0].p->pid, 5);
	assert_int_equal(m->view[1].p->pid, 6);
	model_free(m);
}

static void
test_io_col_names(void **state)
{
	enum model_col	c;

	assert_int_equal(model_col_parse("io_write", &c), 0);
	assert_int_equal(c, COL_IO_WRITE);
	assert_int_equal(model_col_parse("IO_READ_RATE", &c), 0);
	assert_int_equal(c, COL_IO_READ);
	assert_int_equal(model_col_parse("wchar", &c), 0);
	assert_int_equal(c, COL_IO_WCHAR);
	assert_true(model_col_io(COL_IO_RCHAR));
	assert_false(model_col_io(COL_CPU));
	assert_true(model_col_descending(COL_IO_WRITE));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_first_tick_is_zero),
		cmocka_unit_test(test_cpu_from_deltas),
		cmocka_unit_test(test_cpu_counter_reset),
		cmocka_unit_test(test_cpu_new_between_ticks),
		cmocka_unit_test(test_cpu_unseen_old_process),
		cmocka_unit_test(test_pid_reuse_is_new_row),
		cmocka_unit_test(test_exited_process_dropped),
		cmocka_unit_test(test_history_rings),
		cmocka_unit_test(test_minute_averages),
		cmocka_unit_test(test_pending_cmdlines),
		cmocka_unit_test(test_tree_order),
		cmocka_unit_test(test_tree_guides),
		cmocka_unit_test(test_tree_reparent_to_init),
		cmocka_unit_test(test_tree_cycle_terminates),
		cmocka_unit_test(test_tree_siblings_sorted),
		cmocka_unit_test(test_tree_collapse),
		cmocka_unit_test(test_sort_columns),
		cmocka_unit_test(test_proc_renamed),
		cmocka_unit_test(test_filter_regex),
		cmocka_unit_test(test_filter_user_pid_kthreads),
		cmocka_unit_test(test_threads_under_process),
		cmocka_unit_test(test_tasks_counted),
		cmocka_unit_test(test_sys_cpu_split),
		cmocka_unit_test(test_col_names),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_io_rates),
		cmocka_unit_test(test_io_pid_reuse),
		cmocka_unit_test(test_io_backwards_and_unread),
		cmocka_unit_test(test_io_col_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
