/* The detail pane: everything about one process, and its whole history. */

#include "vigil.h"

#include <curses.h>
#include <linux/ioprio.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "detail.h"
#include "fmt.h"
#include "model.h"
#include "sample.h"
#include "sanitize.h"
#include "ui-int.h"
#include "xalloc.h"

#define ESC	27
#define LABEL_W	12

static void	detail_read_selected(struct tui *);

/*
 * Read the facts of the selected process, checking the start time before
 * and after so a PID reused meanwhile never lends its facts to the pane.
 */
static void
detail_read_selected(struct tui *t)
{
	unsigned long long	before, after;

	detail_free(&t->detail);
	if (sample_start_time(t->sel_pid, &before) != 0 ||
	    before != t->sel_start ||
	    detail_read(t->sel_pid, t->detail_env ? DETAIL_ENV : 0,
	    &t->detail) != 0 ||
	    sample_start_time(t->sel_pid, &after) != 0 ||
	    after != t->sel_start) {
		detail_free(&t->detail);
		t->detail.pid = -1;
		tui_status(t, 1, _("process %d has exited"), t->sel_pid);
	}
}

void
tui_detail_open(struct tui *t)
{
	t->detail_env = 0;
	t->detail_scroll = 0;
	detail_read_selected(t);
	t->mode = MODE_DETAIL;
}

void
tui_detail_close(struct tui *t)
{
	detail_free(&t->detail);
	if (t->mode == MODE_DETAIL)
		t->mode = MODE_NORMAL;
}

void
tui_detail_key(struct tui *t, int c)
{
	switch (c) {
	case 'e':
		t->detail_env = !t->detail_env;
		detail_read_selected(t);
		break;
	case KEY_DOWN:
		t->detail_scroll++;
		break;
	case KEY_NPAGE:
		t->detail_scroll += t->rows / 2;
		break;
	case KEY_UP:
		if (t->detail_scroll > 0)
			t->detail_scroll--;
		break;
	case KEY_PPAGE:
		t->detail_scroll = t->detail_scroll > (size_t)t->rows / 2 ?
		    t->detail_scroll - t->rows / 2 : 0;
		break;
	case KEY_F(9):
	case 'k':
		tui_detail_close(t);
		tui_key(t, c);
		break;
	default:
		tui_detail_close(t);
		break;
	}
}

/* Lines are laid out first, then the visible ones drawn. */
struct dline {
	char	*label;
	char	*text;		/* raw: sanitised when drawn */
	size_t	 len;
	int	 spark;		/* 1 CPU, 2 RSS, 3 I/O: a sparkline row */
};

struct dlines {
	struct dline	*v;
	size_t		 n;
};

static void
dl_add(struct dlines *d, const char *label, const char *text, size_t len,
    int spark)
{
	struct dline	*l;

	d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
	l = &d->v[d->n++];
	l->label = xstrdup(label);
	l->text = xstrndup(text, len);
	l->len = len;
	l->spark = spark;
}

static void
dl_addf(struct dlines *d, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
dl_addf(struct dlines *d, const char *label, const char *fmt, ...)
{
	char	text[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	dl_add(d, label, text, strlen(text), 0);
}

static void
dl_free(struct dlines *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].label);
		free(d->v[i].text);
	}
	free(d->v);
}

/* Split a long untrusted text into rows of the given width. */
static void
dl_wrap(struct tui *t, struct dlines *d, const char *label, const char *s,
    size_t len, int width)
{
	struct buf	b = BUF_INITIALIZER;
	const char	*p;
	size_t		 n, left;
	int		 used, first = 1;

	sanitize(&b, s, len, t->utf8 ? 0 : SAN_ASCII);
	p = buf_str(&b);
	left = b.len;
	do {
		n = tui_fit(p, left, width, &used);
		if (n == 0 && left > 0)
			n = 1;
		dl_add(d, first ? label : "", p, n, 0);
		first = 0;
		p += n;
		left -= n;
	} while (left > 0 && d->n < 2000);
	buf_free(&b);
}

static const char *
dl_err(int e)
{
	return (e != 0 ? strerror(e) : _("unknown"));
}

/* A size with its unit, small ones too ("512K", "1.50G"). */
static char *
detail_size(char *out, size_t len, unsigned long kib)
{
	char	tmp[FMT_SIZE];

	fmt_kib(tmp, sizeof tmp, kib);
	snprintf(out, len, kib < 100000 ? "%sK" : "%s", tmp);
	return (out);
}

static void
detail_lines(struct tui *t, struct proc *p, struct dlines *d)
{
	const struct proc_detail	*dt = &t->detail;
	char				 when[64], a[FMT_SIZE], b[FMT_SIZE];
	int				 w = t->cols - LABEL_W - 1;
	time_t				 start;
	struct tm			 tm;
	size_t				 i;

	if (dt->pid != p->pid) {
		dl_addf(d, _("Exited"), "%s",
		    _("the process has exited; its PID may now be another's"));
		return;
	}
	dl_wrap(t, d, _("Name"), p->comm, strlen(p->comm), w);
	dl_wrap(t, d, _("Command"), model_proc_cmdline(p),
	    strlen(model_proc_cmdline(p)), w);
	if (dt->exe != NULL) {
		dl_wrap(t, d, _("Executable"), dt->exe, strlen(dt->exe), w);
		if (dt->exe_deleted)
			dl_addf(d, "", "%s", _("(the file has been deleted)"));
	} else
		dl_addf(d, _("Executable"), "(%s)", dl_err(dt->exe_errno));
	if (dt->cwd != NULL)
		dl_wrap(t, d, _("Directory"), dt->cwd, strlen(dt->cwd), w);
	else
		dl_addf(d, _("Directory"), "(%s)", dl_err(dt->cwd_errno));
	dl_addf(d, _("User"), "%s (uid %u)", p->user != NULL ? p->user : "?",
	    p->uid);
	start = time(NULL) - (time_t)(t->m->now - (double)p->start / t->m->hz);
	localtime_r(&start, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	dl_addf(d, _("Started"), "%s", when);
	dl_addf(d, _("State"), "%c, nice %d, priority %d", p->state, p->nice,
	    p->prio);
	if (dt->cpus[0] != '\0')
		dl_wrap(t, d, _("CPUs"), dt->cpus, strlen(dt->cpus), w);
	/* Class none: the kernel takes the level from the nice value. */
	if (dt->ioprio >= 0 && IOPRIO_PRIO_CLASS(dt->ioprio) ==
	    IOPRIO_CLASS_NONE)
		dl_addf(d, _("I/O prio"), _("none (level %d, from nice %d)"),
		    (p->nice + 20) / 5, p->nice);
	else if (dt->ioprio >= 0)
		dl_addf(d, _("I/O prio"), "%s", fmt_ioprio(a, sizeof a,
		    dt->ioprio));
	else
		dl_addf(d, _("I/O prio"), "(%s)", dl_err(dt->ioprio_errno));
	dl_addf(d, _("Threads"), "%d", p->nlwp);
	dl_addf(d, _("Memory"), _("RSS %s, virtual %s, shared %s"),
	    detail_size(a, sizeof a, p->rss_kb),
	    detail_size(b, sizeof b, p->vsz_kb),
	    detail_size(when, sizeof when, p->shr_kb));
	if (dt->nfds >= 0)
		dl_addf(d, _("Open files"), "%d", dt->nfds);
	else
		dl_addf(d, _("Open files"), "(%s)", dl_err(dt->fds_errno));
	if (dt->cgroup != NULL)
		dl_wrap(t, d, _("Cgroup"), dt->cgroup, strlen(dt->cgroup), w);
	if (dt->unit != NULL)
		dl_wrap(t, d, _("Unit"), dt->unit, strlen(dt->unit), w);

	dl_add(d, _("CPU"), "", 0, 1);
	dl_add(d, _("RSS"), "", 0, 2);
	if (p->h_io.cap != 0)
		dl_add(d, _("I/O"), "", 0, 3);

	for (i = 0; i < dt->nlimits; i++) {
		const struct detail_limit *l = &dt->limits[i];

		dl_addf(d, i == 0 ? _("Limits") : "", "%-26s %-12s %-12s %s",
		    l->name, l->soft, l->hard, l->units);
	}
	if (!t->detail_env)
		dl_addf(d, _("Environment"), "%s", _("(press e to show)"));
	else if (dt->env == NULL)
		dl_addf(d, _("Environment"), "(%s)", dl_err(dt->env_errno));
	for (i = 0; t->detail_env && i < dt->nenv; i++)
		dl_wrap(t, d, i == 0 ? _("Environment") : "", dt->env[i],
		    strlen(dt->env[i]), w);
}

/*
 * The whole history in the width there is: when it holds more samples
 * than cells, each cell is the mean of its share of samples.
 */
static void
detail_spark(struct tui *t, int y, int x, int w, const struct proc *p,
    int which)
{
	const struct ring	*r = which == 1 ? &p->h_cpu : which == 2 ?
				    &p->h_rss : &p->h_io;
	size_t			 n = ring_len(r), k, i, j, a, b;
	int			 cells = w > 24 ? w - 24 : 1;
	double			*all, *v, max = 0, sum;
	char			 note[48], tmp[FMT_SIZE];

	all = xcalloc(n > 0 ? n : 1, sizeof *all);
	v = xcalloc(cells, sizeof *v);
	n = tui_ring_tail(r, 0, all, n);
	for (i = 0; i < n; i++)
		if (all[i] > max)
			max = all[i];
	if (n <= (size_t)cells) {
		memcpy(v, all, n * sizeof *v);
		k = n;
	} else {
		for (j = 0; j < (size_t)cells; j++) {
			a = j * n / cells;
			b = (j + 1) * n / cells;
			for (sum = 0, i = a; i < b; i++)
				sum += all[i];
			v[j] = b > a ? sum / (b - a) : 0;
		}
		k = cells;
	}
	if (which == 1)
		snprintf(note, sizeof note, _(" %zu samples, peak %.1f%%"), n,
		    max / MODEL_CPU_SCALE);
	else if (which == 2)
		snprintf(note, sizeof note, _(" %zu samples, peak %s"), n,
		    fmt_size(tmp, sizeof tmp, max, 0));
	else
		snprintf(note, sizeof note, _(" %zu samples, peak %s"), n,
		    fmt_rate(tmp, sizeof tmp, max * 1024));
	buf_reset(&t->scratch);
	tui_sparkline(t, &t->scratch, v, k, cells,
	    which == 1 ? 100 * MODEL_CPU_SCALE : 0);
	attron(tui_attr(t, which == 1 ? C_SPARK_CPU : C_SPARK_MEM));
	mvaddstr(y, x, buf_str(&t->scratch));
	attroff(tui_attr(t, which == 1 ? C_SPARK_CPU : C_SPARK_MEM));
	tui_cstr(t, y, x + cells, w - cells, note, A_NORMAL);
	free(all);
	free(v);
}

void
tui_detail_draw(struct tui *t)
{
	struct dlines	 d = { NULL, 0 };
	struct proc	*p = NULL;
	char		 title[128];
	size_t		 i;
	int		 y;

	for (i = 0; i < t->m->nview; i++) {
		if (t->m->view[i].p->pid == t->sel_pid &&
		    t->m->view[i].p->start == t->sel_start)
			p = t->m->view[i].p;
	}
	snprintf(title, sizeof title, _("Process %d - Esc returns, e shows the environment, k kills"),
	    t->sel_pid);
	tui_cstr(t, 0, 0, t->cols, title, tui_attr(t, C_HEADER));
	if (p == NULL) {
		tui_cstr(t, 2, 1, t->cols - 1, _("The process has exited."),
		    tui_attr(t, C_ERROR));
		return;
	}
	detail_lines(t, p, &d);
	if (t->detail_scroll >= d.n)
		t->detail_scroll = d.n > 0 ? d.n - 1 : 0;
	for (y = 1, i = t->detail_scroll; i < d.n && y < t->rows; i++, y++) {
		tui_cstr(t, y, 0, LABEL_W, d.v[i].label, tui_attr(t, C_LABEL));
		if (d.v[i].spark)
			detail_spark(t, y, LABEL_W + 1, t->cols - LABEL_W - 1,
			    p, d.v[i].spark);
		else
			/* Already sanitised by dl_wrap, or our own text. */
			tui_text(t, y, LABEL_W + 1, t->cols - LABEL_W - 1,
			    d.v[i].text, d.v[i].len, A_NORMAL);
	}
	dl_free(&d);
}
