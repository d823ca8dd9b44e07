/* The heap view: a snapshot taken by a child vigil heap, and its growth. */

#include "vigil.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "heap.h"
#include "jsonv.h"
#include "loop.h"
#include "sample.h"
#include "spawn.h"
#include "ui-int.h"
#include "xalloc.h"

#define ESC		27
#define HEAP_GROWTH_ROWS	10
#define HEAP_TOP_ROWS	30
#define HEAP_END_WAIT	0.5	/* seconds a child is given to end */

/*
 * The child runs "vigil heap --json PID" (spawn.h): smaps of a big process
 * can take long to read, and a crash or a hang there must not be the
 * monitor's. Its output comes through the event loop: the JSON is its one
 * line that starts with '{'; its messages ("vigil heap: ...") are the rest.
 */
struct tui_heap {
	int			 pid;
	unsigned long long	 start;
	char			 comm[64];

	pid_t			 child;		/* -1: none running */
	int			 fd;		/* its output, -1: none */
	struct buf		 out;
	int			 reap_timer;	/* waiting for it to exit */

	int			 have;		/* snap holds a snapshot */
	struct heap_snap	 snap;
	int			 have_diff;
	struct heap_diff	 diff;
	char			*file;
	char			*prev_file;
	time_t			 when;

	char			 msg[512];
	int			 msg_error;
	size_t			 scroll;
};

static void	heap_child_read(int, short, void *);

static void
heap_msg(struct tui_heap *h, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
heap_msg(struct tui_heap *h, int error, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(h->msg, sizeof h->msg, fmt, ap);
	va_end(ap);
	h->msg_error = error;
}

static void
heap_result_clear(struct tui_heap *h)
{
	if (h->have)
		heap_snap_free(&h->snap);
	if (h->have_diff)
		heap_diff_free(&h->diff);
	free(h->file);
	free(h->prev_file);
	h->file = h->prev_file = NULL;
	h->have = h->have_diff = 0;
}

/* Stop listening to the child; end it if it still runs. */
static void
heap_child_stop(struct tui *t, int end_it)
{
	struct tui_heap	*h = t->heap;

	if (h->fd != -1) {
		loop_del_fd(t->loop, h->fd);
		close(h->fd);
		h->fd = -1;
	}
	if (h->reap_timer > 0) {
		loop_del_timer(t->loop, h->reap_timer);
		h->reap_timer = 0;
	}
	if (h->child > 0 && end_it)
		spawn_end(h->child, HEAP_END_WAIT);
	h->child = -1;
	buf_reset(&h->out);
}

/* The JSON line of the child's output, or NULL. */
static const char *
heap_child_json(struct tui_heap *h, size_t *len)
{
	const char	*p = h->out.data, *end, *nl;

	if (p == NULL)
		return (NULL);
	for (end = p + h->out.len; p != NULL && p < end;) {
		nl = memchr(p, '\n', end - p);
		if (*p == '{') {
			*len = (nl != NULL ? nl : end) - p;
			return (p);
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
	return (NULL);
}

/* The child's first message, without "vigil heap: ". */
static void
heap_child_error(struct tui_heap *h, int status)
{
	char	 text[512], *nl, *p = text;

	snprintf(text, sizeof text, "%.*s", (int)h->out.len,
	    h->out.data != NULL ? h->out.data : "");
	if ((nl = strchr(text, '\n')) != NULL)
		*nl = '\0';
	if (strncmp(p, "vigil heap: ", 12) == 0)
		p += 12;
	if (*p != '\0' && *p != '{')
		heap_msg(h, 1, "%s", p);
	else if (WIFSIGNALED(status))
		heap_msg(h, 1, _("the snapshot failed: vigil heap died of signal %d"),
		    WTERMSIG(status));
	else
		heap_msg(h, 1, _("the snapshot failed (status %d)"),
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* The child's JSON: the new snapshot and the previous one, if any. */
static void
heap_child_result(struct tui *t)
{
	struct tui_heap		*h = t->heap;
	struct heap_snap	 prev;
	struct jsonv		*v;
	const struct jsonv	*pv;
	char			 err[256];
	const char		*s, *text;
	size_t			 len;

	heap_result_clear(h);
	if ((text = heap_child_json(h, &len)) == NULL) {
		heap_msg(h, 1, "%s", _("vigil heap printed no snapshot"));
		return;
	}
	if ((v = jsonv_parse(text, len, err, sizeof err)) == NULL ||
	    heap_snap_from_json(jsonv_get(v, "snapshot"), &h->snap, err,
	    sizeof err) != 0) {
		heap_msg(h, 1, _("cannot read the snapshot: %s"), err);
		jsonv_free(v);
		return;
	}
	h->have = 1;
	h->when = (time_t)h->snap.time;
	if ((s = jsonv_str(jsonv_get(v, "file"))) != NULL)
		h->file = xstrdup(s);
	if ((s = jsonv_str(jsonv_get(v, "previous_file"))) != NULL)
		h->prev_file = xstrdup(s);
	pv = jsonv_get(v, "previous");
	if (pv != NULL && pv->type == JSONV_OBJECT &&
	    heap_snap_from_json(pv, &prev, err, sizeof err) == 0) {
		heap_diff(&prev, &h->snap, &h->diff);
		heap_snap_free(&prev);
		h->have_diff = 1;
	}
	jsonv_free(v);
	if (h->snap.pid != h->pid || h->snap.start_time != h->start) {
		heap_result_clear(h);
		heap_msg(h, 1, _("process %d has exited; its PID now belongs to another process"),
		    h->pid);
		return;
	}
	h->msg[0] = '\0';
}

static void
heap_child_reap(void *arg)
{
	struct tui	*t = arg;
	struct tui_heap	*h = t->heap;
	int		 status;
	pid_t		 r;

	r = waitpid(h->child, &status, WNOHANG);
	if (r == 0) {
		/* Its output is closed, so it is exiting: soon. */
		if (h->reap_timer <= 0)
			h->reap_timer = loop_add_timer(t->loop, 0.02, 0,
			    heap_child_reap, t);
		else
			loop_rearm_timer(t->loop, h->reap_timer, 0.02);
		return;
	}
	if (r == h->child && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		heap_child_result(t);
	else if (r == h->child)
		heap_child_error(h, status);
	else
		heap_msg(h, 1, _("the snapshot failed: %s"), strerror(errno));
	h->child = -1;
	heap_child_stop(t, 0);
	tui_draw(t);
}

static void
heap_child_read(int fd, short revents, void *arg)
{
	struct tui	*t = arg;
	struct tui_heap	*h = t->heap;
	char		 chunk[65536];
	ssize_t		 n;

	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n > 0) {
			buf_add(&h->out, chunk, n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		break;		/* the end, or an error: the child is done */
	}
	loop_del_fd(t->loop, h->fd);
	close(h->fd);
	h->fd = -1;
	heap_child_reap(t);
}

/* Start "vigil heap --json PID", its output read through the loop. */
static int
heap_child_start(struct tui *t, char *err, size_t errlen)
{
	struct tui_heap	*h = t->heap;
	char		 pid[16];
	char		*argv[] = { "vigil", "heap", "--json", pid, NULL };

	snprintf(pid, sizeof pid, "%d", h->pid);
	if ((h->child = spawn_self(argv, &h->fd, err, errlen)) == -1) {
		h->fd = -1;
		return (-1);
	}
	buf_reset(&h->out);
	loop_add_fd(t->loop, h->fd, POLLIN, heap_child_read, t);
	return (0);
}

/* Take a snapshot of the view's process, unless one is being taken. */
static void
heap_take(struct tui *t)
{
	struct tui_heap		*h = t->heap;
	unsigned long long	 now;
	char			 err[256];

	if (h->child > 0) {
		heap_msg(h, 0, _("a snapshot is being taken..."));
		return;
	}
	if (sample_start_time(h->pid, &now) != 0 || now != h->start) {
		heap_msg(h, 1, _("process %d has exited"), h->pid);
		return;
	}
	if (heap_child_start(t, err, sizeof err) != 0) {
		heap_msg(h, 1, _("cannot start vigil heap: %s"), err);
		return;
	}
	heap_msg(h, 0, _("taking a snapshot of process %d..."), h->pid);
}

void
tui_heap_open(struct tui *t)
{
	struct proc	*p = tui_selected(t);
	struct tui_heap	*h;

	if (p == NULL)
		return;
	if (t->heap == NULL) {
		h = t->heap = xcalloc(1, sizeof *t->heap);
		h->child = -1;
		h->fd = -1;
	}
	h = t->heap;
	if (h->pid != p->pid || h->start != p->start) {
		heap_child_stop(t, 1);
		heap_result_clear(h);
	}
	h->pid = p->pid;
	h->start = p->start;
	snprintf(h->comm, sizeof h->comm, "%s", p->comm);
	h->scroll = 0;
	t->mode = MODE_HEAP;
	heap_take(t);
}

/* Leave the view; a snapshot under way is abandoned. */
void
tui_heap_close(struct tui *t)
{
	if (t->heap != NULL)
		heap_child_stop(t, 1);
	if (t->mode == MODE_HEAP)
		t->mode = MODE_NORMAL;
}

void
tui_heap_free(struct tui *t)
{
	if (t->heap == NULL)
		return;
	heap_child_stop(t, 1);
	heap_result_clear(t->heap);
	buf_free(&t->heap->out);
	free(t->heap);
	t->heap = NULL;
}

void
tui_heap_key(struct tui *t, int c)
{
	struct tui_heap	*h = t->heap;
	size_t		 page = t->rows > 4 ? t->rows - 4 : 1;

	switch (c) {
	case 'm':
		h->scroll = 0;
		heap_take(t);
		break;
	case KEY_DOWN:
		h->scroll++;
		break;
	case KEY_NPAGE:
		h->scroll += page;
		break;
	case KEY_UP:
		if (h->scroll > 0)
			h->scroll--;
		break;
	case KEY_PPAGE:
		h->scroll = h->scroll > page ? h->scroll - page : 0;
		break;
	case KEY_HOME:
		h->scroll = 0;
		break;
	case ESC:
	case 'q':
	case KEY_F(10):
		tui_heap_close(t);
		break;
	default:
		break;
	}
}

/* A line of the view: text (untrusted parts included), maybe a bar. */
struct hline {
	char	*text;
	int	 attr;
	int	 bar;		/* its width, after the first bar_x columns */
	int	 bar_x;
	double	 frac;
};

struct hlines {
	struct hline	*v;
	size_t		 n;
};

static void
hl_add(struct hlines *l, int attr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
hl_add(struct hlines *l, int attr, const char *fmt, ...)
{
	struct hline	*x;
	va_list		 ap;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	x = &l->v[l->n++];
	memset(x, 0, sizeof *x);
	va_start(ap, fmt);
	if (vasprintf(&x->text, fmt, ap) == -1)
		x->text = xstrdup("");
	va_end(ap);
	x->attr = attr;
}

static void
hl_free(struct hlines *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
}

#define CLS_W	16
#define BAR_MAX	40
#define PSS_COLS	100	/* a PSS column from this width on */

/* The class table's bar: what the line leaves of the screen, or none. */
static int
heap_bar_width(const struct tui *t)
{
	int	w = t->cols - (CLS_W + 1 + 8 + 1 + 8 + 1 + 8 + 1 + 7 + 1 + 9 +
		    1 + 10) - 1 - (t->cols >= PSS_COLS ? 9 : 0);

	return (w < 5 ? 0 : w > BAR_MAX ? BAR_MAX : w);
}

/* " PSS" as a column of width 9, or nothing on a narrow screen. */
static char *
heap_pss(const struct tui *t, char *out, size_t len, const char *title,
    uint64_t kib)
{
	char	tmp[HEAP_FMT_SIZE];

	if (t->cols < PSS_COLS)
		out[0] = '\0';
	else
		snprintf(out, len, " %8s", title != NULL ? title :
		    heap_fmt_size(tmp, sizeof tmp, kib));
	return (out);
}

static void
heap_lines(struct tui *t, struct hlines *l)
{
	struct tui_heap		*h = t->heap;
	struct heap_snap	*s = &h->snap;
	struct heap_group	*g;
	const struct heap_delta	*d;
	char			 a[6][HEAP_FMT_SIZE], when[32];
	char			 pss[HEAP_FMT_SIZE + 2];
	size_t			 n, i;
	struct tm		 tm;
	int			 c, bold = A_BOLD, bw = heap_bar_width(t);

	localtime_r(&h->when, &tm);
	strftime(when, sizeof when, "%H:%M:%S", &tm);
	hl_add(l, A_NORMAL, _("Snapshot at %s: %d threads, thread stacks found by %s"),
	    when, s->threads, s->stacks_from);
	if (h->file != NULL)
		hl_add(l, A_NORMAL, _("Saved as %s"), h->file);
	hl_add(l, A_NORMAL, "%s", "");
	hl_add(l, bold, "%-*s %8s %*s%8s%s %8s %7s %9s %10s", CLS_W,
	    _("CLASS"), _("RSS"), bw, "", _("SIZE"),
	    heap_pss(t, pss, sizeof pss, _("PSS"), 0), _("DIRTY"), _("SWAP"),
	    _("CHANGE"), _("PER MIN"));
	for (c = 0; c <= HEAP_C__COUNT; c++) {
		const struct heap_usage	*u = c < HEAP_C__COUNT ? &s->cls[c] :
					    &s->total;
		const struct heap_delta	*x = c < HEAP_C__COUNT ?
					    &h->diff.cls[c] : &h->diff.total;

		if (h->have_diff) {
			double pm = heap_per_minute(x->rss, h->diff.seconds);

			heap_fmt_delta(a[4], sizeof a[4], x->rss);
			heap_fmt_delta(a[5], sizeof a[5],
			    (int64_t)(pm < 0 ? pm - 0.5 : pm + 0.5));
		} else
			a[4][0] = a[5][0] = '\0';
		hl_add(l, c < HEAP_C__COUNT ? (int)A_NORMAL : bold,
		    "%-*s %8s %*s%8s%s %8s %7s %9s %10s", CLS_W,
		    c < HEAP_C__COUNT ? heap_class_label(c) : _("total"),
		    heap_fmt_size(a[0], sizeof a[0], u->rss), bw, "",
		    heap_fmt_size(a[1], sizeof a[1], u->size),
		    heap_pss(t, pss, sizeof pss, NULL, u->pss),
		    heap_fmt_size(a[2], sizeof a[2], u->private_dirty),
		    heap_fmt_size(a[3], sizeof a[3], u->swap), a[4], a[5]);
		if (c < HEAP_C__COUNT && bw > 0) {
			l->v[l->n - 1].bar = bw;
			l->v[l->n - 1].bar_x = CLS_W + 10;
			l->v[l->n - 1].frac = s->total.rss > 0 ?
			    (double)u->rss / s->total.rss : 0;
		}
	}

	hl_add(l, A_NORMAL, "%s", "");
	if (!h->have_diff)
		hl_add(l, bold, "%s", _("No earlier snapshot of this process: m takes one more to show growth."));
	else {
		hl_add(l, bold, _("Growth since the previous snapshot, %.0f s earlier (%zu mappings changed):"),
		    h->diff.seconds, h->diff.ngroups);
		hl_add(l, bold, "%9s %10s %9s  %-*s %s", _("RSS"), _("PER MIN"),
		    _("SIZE"), CLS_W, _("CLASS"), _("MAPPING"));
		for (i = 0; i < h->diff.ngroups && i < HEAP_GROWTH_ROWS; i++) {
			double	pm;

			d = &h->diff.groups[i];
			pm = heap_per_minute(d->rss, h->diff.seconds);
			hl_add(l, A_NORMAL, "%9s %10s %9s  %-*s %s",
			    heap_fmt_delta(a[0], sizeof a[0], d->rss),
			    heap_fmt_delta(a[1], sizeof a[1],
			    (int64_t)(pm < 0 ? pm - 0.5 : pm + 0.5)),
			    heap_fmt_delta(a[2], sizeof a[2], d->size), CLS_W,
			    heap_class_label(d->cls), d->label);
		}
	}

	n = heap_groups(s, &g);
	hl_add(l, A_NORMAL, "%s", "");
	hl_add(l, bold, _("Top mappings by RSS (%zu of %zu):"),
	    n < HEAP_TOP_ROWS ? n : HEAP_TOP_ROWS, n);
	hl_add(l, bold, "%9s %9s%s %9s  %-*s %s", _("RSS"), _("SIZE"),
	    heap_pss(t, pss, sizeof pss, _("PSS"), 0), _("DIRTY"), CLS_W,
	    _("CLASS"), _("MAPPING"));
	for (i = 0; i < n && i < HEAP_TOP_ROWS; i++) {
		hl_add(l, A_NORMAL, "%9s %9s%s %9s  %-*s %s",
		    heap_fmt_size(a[0], sizeof a[0], g[i].u.rss),
		    heap_fmt_size(a[1], sizeof a[1], g[i].u.size),
		    heap_pss(t, pss, sizeof pss, NULL, g[i].u.pss),
		    heap_fmt_size(a[2], sizeof a[2], g[i].u.private_dirty),
		    CLS_W, heap_class_label(g[i].cls), g[i].label);
	}
	heap_groups_free(g, n);
}

static void
heap_bar(struct tui *t, int y, int x, int w, double frac)
{
	int	i, fill = (int)(frac * w + 0.5);

	if (x + w + 2 > t->cols)
		return;
	mvaddch(y, x, '[');
	attron(tui_attr(t, C_MEM_USED));
	for (i = 0; i < fill && i < w; i++)
		addch('|');
	attroff(tui_attr(t, C_MEM_USED));
	mvaddch(y, x + w + 1, ']');
}

void
tui_heap_draw(struct tui *t)
{
	struct tui_heap	*h = t->heap;
	struct hlines	 l = { NULL, 0 };
	char		 title[256];
	size_t		 i;
	int		 y = 1;

	snprintf(title, sizeof title, _("Heap of process %d (%s) - m takes another snapshot, Esc returns"),
	    h->pid, h->comm);
	/* comm is the process's: tui_text escapes it. */
	tui_text(t, 0, 0, t->cols, title, strlen(title),
	    tui_attr(t, C_HEADER));
	if (h->msg[0] != '\0')
		tui_text(t, y++, 0, t->cols, h->msg, strlen(h->msg),
		    tui_attr(t, h->msg_error ? C_ERROR : C_STATUS));
	if (!h->have) {
		if (h->msg[0] == '\0')
			tui_cstr(t, y, 0, t->cols, _("No snapshot yet."),
			    A_NORMAL);
		return;
	}
	heap_lines(t, &l);
	if (h->scroll >= l.n)
		h->scroll = l.n > 0 ? l.n - 1 : 0;
	for (i = h->scroll; i < l.n && y < t->rows; i++, y++) {
		/* Names of files and mappings are untrusted: tui_text. */
		tui_text(t, y, 0, t->cols, l.v[i].text, strlen(l.v[i].text),
		    l.v[i].attr);
		if (l.v[i].bar)
			heap_bar(t, y, l.v[i].bar_x, l.v[i].bar - 3,
			    l.v[i].frac);
	}
	hl_free(&l);
}
