/* The process table: rows keyed by (PID, start time), with histories. */

#include "vigil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "rx.h"
#include "xalloc.h"

static void		 ptable_want_cmdline(struct model *, int);
static struct proc	*ptable_add(struct model *, const struct sample_proc *);
static void		 ptable_remove(struct model *, struct proc *);
static void		 ptable_rehash(struct model *, size_t);
static void		 ptable_set(struct model *, struct proc *,
			     const struct sample_proc *, double);
static void		 ptable_minute(struct model *);
static void		 ptable_count(struct model *);

struct model *
model_new(size_t history, long hz)
{
	struct model	*m;

	m = xcalloc(1, sizeof *m);
	m->history = history != 0 ? history : MODEL_HISTORY_DEFAULT;
	m->hz = hz > 0 ? hz : 100;
	ptable_rehash(m, 1024);
	ring_init(&m->sys.h_cpu, sizeof(float), m->history);
	ring_init(&m->sys.h_mem, sizeof(float), m->history);
	ring_init(&m->sys.h_disk, sizeof(float), m->history);
	ring_init(&m->sys.h_net, sizeof(float), m->history);
	return (m);
}

static void
ptable_free_row(struct proc *p)
{
	ring_free(&p->h_cpu);
	ring_free(&p->h_rss);
	ring_free(&p->h_io);
	ring_free(&p->m_cpu);
	ring_free(&p->m_rss);
	ring_free(&p->m_io);
	free(p->cmdline);
	free(p);
}

void
model_free(struct model *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nrows; i++)
		ptable_free_row(m->rows[i]);
	free(m->rows);
	free(m->hash);
	free(m->view);
	free(m->pending);
	free(m->sys.cpus);
	ring_free(&m->sys.h_cpu);
	ring_free(&m->sys.h_mem);
	ring_free(&m->sys.h_disk);
	ring_free(&m->sys.h_net);
	sample_sys_free(&m->sys.cur);
	sample_sys_free(&m->prev_sys);
	free(m);
}

/* Change how many samples each history keeps; the newest are kept. */
void
model_set_history(struct model *m, size_t history)
{
	size_t	i;

	if (history == 0 || history == m->history)
		return;
	m->history = history;
	for (i = 0; i < m->nrows; i++) {
		ring_resize(&m->rows[i]->h_cpu, history);
		ring_resize(&m->rows[i]->h_rss, history);
		if (m->rows[i]->h_io.cap != 0)
			ring_resize(&m->rows[i]->h_io, history);
	}
	ring_resize(&m->sys.h_cpu, history);
	ring_resize(&m->sys.h_mem, history);
	ring_resize(&m->sys.h_disk, history);
	ring_resize(&m->sys.h_net, history);
}

static size_t
ptable_bucket(const struct model *m, int pid)
{
	return ((unsigned)pid * 2654435761U) & (m->nhash - 1);
}

static void
ptable_rehash(struct model *m, size_t nhash)
{
	struct proc	*p;
	size_t		 i, b;

	free(m->hash);
	m->nhash = nhash;
	m->hash = xcalloc(nhash, sizeof *m->hash);
	for (i = 0; i < m->nrows; i++) {
		p = m->rows[i];
		b = ptable_bucket(m, p->pid);
		p->hnext = m->hash[b];
		m->hash[b] = p;
	}
}

struct proc *
model_find(const struct model *m, int pid)
{
	struct proc	*p;

	for (p = m->hash[ptable_bucket(m, pid)]; p != NULL; p = p->hnext) {
		if (p->pid == pid)
			return (p);
	}
	return (NULL);
}

static struct proc *
ptable_add(struct model *m, const struct sample_proc *s)
{
	struct proc	*p;
	size_t		 b;

	p = xcalloc(1, sizeof *p);
	p->pid = s->pid;
	p->start = s->start;
	ring_init(&p->h_cpu, sizeof(uint16_t), m->history);
	ring_init(&p->h_rss, sizeof(uint32_t), m->history);
	ring_init(&p->m_cpu, sizeof(uint16_t), MODEL_MINUTES);
	ring_init(&p->m_rss, sizeof(uint32_t), MODEL_MINUTES);

	if (m->nrows == m->nalloc) {
		m->nalloc = m->nalloc != 0 ? m->nalloc * 2 : 512;
		m->rows = xreallocarray(m->rows, m->nalloc, sizeof *m->rows);
	}
	p->index = m->nrows;
	m->rows[m->nrows++] = p;
	if (m->nrows > m->nhash)
		ptable_rehash(m, m->nhash * 2);
	else {
		b = ptable_bucket(m, p->pid);
		p->hnext = m->hash[b];
		m->hash[b] = p;
	}

	/* Its command line is read once, after this update. */
	ptable_want_cmdline(m, p->pid);
	return (p);
}

static void
ptable_remove(struct model *m, struct proc *p)
{
	struct proc	**pp;

	for (pp = &m->hash[ptable_bucket(m, p->pid)]; *pp != NULL;
	    pp = &(*pp)->hnext) {
		if (*pp == p) {
			*pp = p->hnext;
			break;
		}
	}
	m->rows[p->index] = m->rows[--m->nrows];
	m->rows[p->index]->index = p->index;
	ptable_free_row(p);
}

static uint32_t
ptable_clamp32(double v)
{
	if (v <= 0)
		return (0);
	if (v >= UINT32_MAX)
		return (UINT32_MAX);
	return ((uint32_t)(v + 0.5));
}

static uint16_t
ptable_clamp16(double v)
{
	if (v <= 0)
		return (0);
	if (v >= UINT16_MAX)
		return (UINT16_MAX);
	return ((uint16_t)(v + 0.5));
}

/*
 * CPU% over the interval since the last update, 100 meaning one core, as in
 * top and htop. A counter that went backwards (it cannot for one process,
 * but a kernel could reset it) counts as no time rather than as a huge one.
 */
static double
ptable_cpu_pct(const struct model *m, unsigned long long prev_ticks,
    unsigned long long ticks)
{
	double	interval = m->now - m->prev;

	if (m->ticks_seen == 0 || interval <= 0 || ticks < prev_ticks)
		return (0);
	return ((double)(ticks - prev_ticks) / m->hz / interval * 100.0);
}

static void
ptable_want_cmdline(struct model *m, int pid)
{
	if (m->npending == m->npendalloc) {
		m->npendalloc = m->npendalloc != 0 ? m->npendalloc * 2 : 256;
		m->pending = xreallocarray(m->pending, m->npendalloc,
		    sizeof *m->pending);
	}
	m->pending[m->npending++] = pid;
}

/*
 * Bytes per second of a counter read twice, interval seconds apart; -1
 * when that is not known: no interval, or a counter that went backwards
 * (a reader that lost access, a kernel that reset it), which is no rate
 * rather than a huge or negative one.
 */
double
model_rate(unsigned long long prev, unsigned long long cur, double interval)
{
	if (interval <= 0 || cur < prev)
		return (-1);
	return ((double)(cur - prev) / interval);
}

/*
 * The I/O rates of one row from the counters of this tick and the last.
 * A row has rates only when both ticks read its counters: the first
 * reading of a process (or of one reused PID: a new row) shows none,
 * rather than the whole of its past as one interval's.
 */
static void
ptable_io(struct model *m, struct proc *p, const struct sample_proc *s,
    int known)
{
	double	interval = m->now - m->prev, r, w, rc, wc;
	uint32_t v32;

	p->has_io_rate = 0;
	if (s->has_io && known && p->has_io) {
		r = model_rate(p->io_read, s->io_read, interval);
		w = model_rate(p->io_write, s->io_write, interval);
		rc = model_rate(p->io_rchar, s->io_rchar, interval);
		wc = model_rate(p->io_wchar, s->io_wchar, interval);
		if (r >= 0 && w >= 0 && rc >= 0 && wc >= 0) {
			p->io_read_rate = r;
			p->io_write_rate = w;
			p->io_rchar_rate = rc;
			p->io_wchar_rate = wc;
			p->io_rate = r + w;
			p->has_io_rate = 1;
		}
	}
	if (!p->has_io_rate)
		p->io_rate = p->io_read_rate = p->io_write_rate =
		    p->io_rchar_rate = p->io_wchar_rate = 0;
	p->has_io = s->has_io;
	p->io_read = s->io_read;
	p->io_write = s->io_write;
	p->io_rchar = s->io_rchar;
	p->io_wchar = s->io_wchar;
	if (!s->has_io)
		return;
	/* Allocated on the first I/O reading: I/O is read on demand. */
	if (p->h_io.cap == 0) {
		ring_init(&p->h_io, sizeof(uint32_t), m->history);
		ring_init(&p->m_io, sizeof(uint32_t), MODEL_MINUTES);
	}
	v32 = ptable_clamp32(p->io_rate / 1024);
	ring_push(&p->h_io, &v32);
	p->acc_io += p->io_rate / 1024;
}

static void
ptable_set(struct model *m, struct proc *p, const struct sample_proc *s,
    double mem_total)
{
	int			 known = p->gen != 0;
	uint16_t		 c16;
	uint32_t		 v32;

	/*
	 * A process first seen now that started after the last update ran
	 * all its ticks within the interval; one that was there before we
	 * looked has no known interval yet.
	 */
	if (known)
		p->cpu_pct = ptable_cpu_pct(m, p->ticks, s->ticks);
	else if ((double)s->start / m->hz >= m->prev)
		p->cpu_pct = ptable_cpu_pct(m, 0, s->ticks);
	else
		p->cpu_pct = 0;

	if (strcmp(p->seen_comm, s->comm) != 0) {
		/*
		 * A new name under the same PID and start: it exec'd (or
		 * renamed itself). Its command line and raw name are read
		 * again; until then the name is libproc2's.
		 */
		if (p->seen_comm[0] != '\0' && p->cmdline != NULL) {
			free(p->cmdline);
			p->cmdline = NULL;
			p->cmdline_len = 0;
			ptable_want_cmdline(m, p->pid);
		}
		snprintf(p->seen_comm, sizeof p->seen_comm, "%s", s->comm);
		snprintf(p->comm, sizeof p->comm, "%s", s->comm);
	}
	p->ppid = s->ppid;
	p->tgid = s->tgid;
	p->uid = s->uid;
	p->user = s->user;
	p->kthread = s->kthread;
	p->thread = s->pid != s->tgid;
	p->state = s->state;
	p->prio = s->prio;
	p->nice = s->nice;
	p->nlwp = s->nlwp;
	p->nfds = -1;		/* read after the update, if a rule asks */
	p->ticks = s->ticks;
	p->stime = s->stime;
	p->minflt = s->minflt;
	p->majflt = s->majflt;
	p->vsz_kb = s->vsz_kb;
	p->rss_kb = s->rss_kb;
	if (s->has_shr)
		p->shr_kb = s->shr_kb;	/* else kept: model_set_shr() */
	p->mem_pct = mem_total > 0 ? p->rss_kb * 100.0 / mem_total : 0;

	ptable_io(m, p, s, known);

	c16 = ptable_clamp16(p->cpu_pct * MODEL_CPU_SCALE);
	ring_push(&p->h_cpu, &c16);
	v32 = ptable_clamp32(p->rss_kb);
	ring_push(&p->h_rss, &v32);
	p->acc_cpu += p->cpu_pct * MODEL_CPU_SCALE;
	p->acc_rss += p->rss_kb;
	p->acc_n++;
}

/* Every minute, each row's averages go into its coarse history. */
static void
ptable_minute(struct model *m)
{
	struct proc	*p;
	size_t		 i;
	uint16_t	 c16;
	uint32_t	 v32;

	for (i = 0; i < m->nrows; i++) {
		p = m->rows[i];
		if (p->acc_n == 0)
			continue;
		c16 = ptable_clamp16(p->acc_cpu / p->acc_n);
		ring_push(&p->m_cpu, &c16);
		v32 = ptable_clamp32(p->acc_rss / p->acc_n);
		ring_push(&p->m_rss, &v32);
		if (p->m_io.cap != 0) {
			v32 = ptable_clamp32(p->acc_io / p->acc_n);
			ring_push(&p->m_io, &v32);
		}
		p->acc_cpu = p->acc_rss = p->acc_io = 0;
		p->acc_n = 0;
	}
}

/* Task counts by state, as top's and htop's header show them. */
static void
ptable_count(struct model *m)
{
	struct tasks	*t = &m->sys.tasks;
	struct proc	*p;
	size_t		 i;

	memset(t, 0, sizeof *t);
	for (i = 0; i < m->nrows; i++) {
		p = m->rows[i];
		if (p->thread)
			continue;
		t->total++;
		if (p->kthread)
			t->kthreads++;
		else
			t->threads += p->nlwp;
		switch (p->state) {
		case 'R':
			t->running++;
			break;
		case 'D':
			t->disk++;
			break;
		case 'T':
		case 't':
			t->stopped++;
			break;
		case 'Z':
			t->zombie++;
			break;
		case 'I':
			t->idle++;
			break;
		default:
			t->sleeping++;
			break;
		}
	}
}

/*
 * One tick: mark every row stale, update the rows seen, drop the rows not
 * seen. A PID seen with another start time is a new process: its old row
 * goes, with its history.
 */
void
model_update(struct model *m, const struct sample_proc *procs, size_t n,
    double now)
{
	const struct sample_proc	*s;
	struct proc			*p;
	double				 mem_total;
	size_t				 i;

	m->prev = m->now;
	m->now = now;
	m->gen++;
	if (m->gen == 0)
		m->gen = 1;
	mem_total = m->have_sys ? m->sys.cur.mem_total : 0;

	for (i = 0; i < n; i++) {
		s = &procs[i];
		p = model_find(m, s->pid);
		if (p != NULL && p->gen == m->gen)
			continue;	/* listed twice: keep the first */
		if (p != NULL && p->start != s->start) {
			ptable_remove(m, p);
			p = NULL;
		}
		if (p == NULL)
			p = ptable_add(m, s);
		ptable_set(m, p, s, mem_total);
		p->gen = m->gen;
	}
	for (i = 0; i < m->nrows; /* nothing */) {
		p = m->rows[i];
		if (p->gen != m->gen)
			ptable_remove(m, p);	/* moves another row to i */
		else
			i++;
	}

	ptable_count(m);

	if (m->ticks_seen == 0)
		m->minute_start = now;
	else if (now - m->minute_start >= 60) {
		ptable_minute(m);
		m->minute_start = now;
	}
	m->ticks_seen++;
}

/*
 * The command line and raw name of a process, as read once when it was
 * first seen (a NULL name keeps the one there is).
 */
void
model_set_cmdline(struct model *m, int pid, const char *cmdline,
    const char *comm)
{
	struct proc	*p;

	if ((p = model_find(m, pid)) == NULL || cmdline == NULL)
		return;
	free(p->cmdline);
	p->cmdline = xstrdup(cmdline);
	p->cmdline_len = strlen(p->cmdline);
	if (comm != NULL && *comm != '\0')
		snprintf(p->comm, sizeof p->comm, "%s", comm);
}

void
model_set_shr(struct model *m, int pid, unsigned long shr_kb)
{
	struct proc	*p;

	if ((p = model_find(m, pid)) != NULL)
		p->shr_kb = shr_kb;
}

/* What to show and match as the command line: its name when none is known. */
const char *
model_proc_cmdline(const struct proc *p)
{
	return (p->cmdline != NULL && p->cmdline[0] != '\0' ? p->cmdline :
	    p->comm);
}

/*
 * Does the word w (wl bytes) show the name comm already: its base name (a
 * login shell's '-' left out) starts with it. That covers the name the
 * kernel gave from the path (cut at 15 bytes), a program that rewrote its
 * argv ("postgres: checkpointer") and an argv[0] that only adds to the
 * name (exec -a family-1 family): a name shown before it would add
 * nothing.
 */
static int
ptable_word_names(const char *w, size_t wl, const char *comm, size_t cl)
{
	size_t	b;

	for (b = wl; b > 0 && w[b - 1] != '/'; b--)
		;
	w += b;
	wl -= b;
	if (wl > 0 && w[0] == '-') {
		w++;
		wl--;
	}
	return (wl >= cl && memcmp(w, comm, cl) == 0);
}

/*
 * Has the process a name of its own (prctl(PR_SET_NAME), a thread named
 * by its program), one that none of the first words of its command line
 * gives? The first three: an interpreter, its options and the script
 * are named by one of them ("python3 -u /srv/app.py" is "app.py").
 */
int
model_proc_renamed(const struct proc *p)
{
	const char	*c = p->cmdline, *w;
	size_t		 cl = strlen(p->comm), wl;
	int		 k;

	if (p->kthread || c == NULL || *c == '\0' || cl == 0)
		return (0);
	for (k = 0; k < 3 && *c != '\0'; k++) {
		c += strspn(c, " ");
		w = c;
		wl = strcspn(c, " ");
		if (wl > 0 && ptable_word_names(w, wl, p->comm, cl))
			return (0);
		c += wl;
	}
	return (1);
}

/* Does rx match the command line, or the name where it is its own? */
int
model_proc_match(const struct proc *p, const struct rx *rx)
{
	const char	*cmd = model_proc_cmdline(p);

	if (rx_match(rx, cmd, strlen(cmd)))
		return (1);
	return (model_proc_renamed(p) &&
	    rx_match(rx, p->comm, strlen(p->comm)));
}

/*
 * What a row shows (raw, for the sanitiser): the command line, after the
 * name and ": " where the name is its own ("kid1-web: /usr/bin/app web"),
 * which reads the same with and without colours and UTF-8.
 */
void
model_proc_label(const struct proc *p, struct buf *b)
{
	if (model_proc_renamed(p)) {
		buf_adds(b, p->comm);
		buf_adds(b, ": ");
	}
	buf_adds(b, model_proc_cmdline(p));
}
