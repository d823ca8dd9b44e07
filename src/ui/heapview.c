/* The heap view: a snapshot taken by a child vigil heap, and its growth; a tracked process's call sites and their flame view. */

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
#include "fmt.h"
#include "heap.h"
#include "htrack.h"
#include "jsonv.h"
#include "loop.h"
#include "proflive.h"
#include "sample.h"
#include "spawn.h"
#include "ui-int.h"
#include "xalloc.h"

#define ESC		27
#define HEAP_GROWTH_ROWS	10
#define HEAP_TOP_ROWS	30
#define HEAP_END_WAIT	0.5	/* seconds a child is given to end */
#define HEAP_SITE_ROWS	"500"	/* call sites asked of vigil heaptrack */
#define HEAP_SITE_FRAMES	4	/* frames shown per call site */

enum heap_view { HV_SMAPS, HV_SITES, HV_FLAME, HV__COUNT };

/*
 * One child: "vigil heap --json PID" (smaps), or, for a tracked process,
 * "vigil heaptrack --format json PID" (call sites, with the history of
 * that process's snapshots: growth and leak suspects).
 */
struct heap_child {
	struct tui		*t;
	int			 track;		/* the heaptrack child */
	pid_t			 pid;		/* -1: none running */
	int			 fd;		/* its output, -1: none */
	struct buf		 out;
	int			 reap_timer;	/* waiting for it to exit */
};

struct heap_site {
	int64_t			 live;
	int64_t			 objs;
	int64_t			 growth;
	int			 has_growth;
	int			 suspect;
	char			*where;		/* innermost frames, leaf first */
};

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

	struct heap_child	 c[2];		/* smaps, call sites */
	enum heap_view		 view;

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

	int			 tracked;	/* its agent socket was there */
	int			 have_sites;
	struct heap_site	*sites;
	size_t			 nsites;
	size_t			 all_sites;	/* before the child's cut */
	int			 sampled;
	uint64_t		 rate;
	double			 site_secs;	/* since the previous; 0: none */
	struct prof_live	*flame;		/* live bytes as a call tree */
	size_t			 sel;		/* the flame view's row */
	char			 tmsg[512];	/* the call sites' error */
};

static void	heap_child_read(int, short, void *);
static void	heap_child_reap(void *);

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
heap_sites_clear(struct tui_heap *h)
{
	size_t	i;

	for (i = 0; i < h->nsites; i++)
		free(h->sites[i].where);
	free(h->sites);
	h->sites = NULL;
	h->nsites = h->all_sites = 0;
	h->have_sites = 0;
	if (h->flame != NULL)
		prof_live_free(h->flame);
	h->flame = NULL;
	h->sel = 0;
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
	heap_sites_clear(h);
	h->tmsg[0] = '\0';
}

/* Stop listening to a child; end it if it still runs. */
static void
heap_child_stop(struct heap_child *c, int end_it)
{
	struct tui	*t = c->t;

	if (c->fd != -1) {
		loop_del_fd(t->loop, c->fd);
		close(c->fd);
		c->fd = -1;
	}
	if (c->reap_timer > 0) {
		loop_del_timer(t->loop, c->reap_timer);
		c->reap_timer = 0;
	}
	if (c->pid > 0 && end_it)
		spawn_end(c->pid, HEAP_END_WAIT);
	c->pid = -1;
	buf_reset(&c->out);
}

static void
heap_children_stop(struct tui_heap *h, int end_it)
{
	heap_child_stop(&h->c[0], end_it);
	heap_child_stop(&h->c[1], end_it);
}

/* The JSON line of a child's output, or NULL. */
static const char *
heap_child_json(struct heap_child *c, size_t *len)
{
	const char	*p = c->out.data, *end, *nl;

	if (p == NULL)
		return (NULL);
	for (end = p + c->out.len; p != NULL && p < end;) {
		nl = memchr(p, '\n', end - p);
		if (*p == '{') {
			*len = (nl != NULL ? nl : end) - p;
			return (p);
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
	return (NULL);
}

/* A child's first message, without "vigil heap: " or "vigil heaptrack: ". */
static void
heap_child_error(struct tui_heap *h, struct heap_child *c, int status)
{
	const char	*prefix = c->track ? "vigil heaptrack: " : "vigil heap: ";
	const char	*what = c->track ? "vigil heaptrack" : "vigil heap";
	char		 text[512], msg[600], *nl, *p = text;

	snprintf(text, sizeof text, "%.*s", (int)c->out.len,
	    c->out.data != NULL ? c->out.data : "");
	if ((nl = strchr(text, '\n')) != NULL)
		*nl = '\0';
	if (strncmp(p, prefix, strlen(prefix)) == 0)
		p += strlen(prefix);
	if (*p != '\0' && *p != '{')
		snprintf(msg, sizeof msg, "%s", p);
	else if (WIFSIGNALED(status))
		snprintf(msg, sizeof msg, _("the snapshot failed: %s died of signal %d"),
		    what, WTERMSIG(status));
	else
		snprintf(msg, sizeof msg, _("the snapshot failed (status %d)"),
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (c->track)
		snprintf(h->tmsg, sizeof h->tmsg, _("call sites: %s"), msg);
	else
		heap_msg(h, 1, "%s", msg);
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

	if (h->have)
		heap_snap_free(&h->snap);
	if (h->have_diff)
		heap_diff_free(&h->diff);
	free(h->file);
	free(h->prev_file);
	h->file = h->prev_file = NULL;
	h->have = h->have_diff = 0;
	if ((text = heap_child_json(&h->c[0], &len)) == NULL) {
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
	if (h->c[1].pid <= 0)
		h->msg[0] = '\0';
}

/*
 * The heaptrack child's JSON: the sites for their list, and their live
 * bytes as the stream of a live profile (include/profcmd.h), so the
 * flame view is the profiler's call tree, counting bytes.
 */
static void
heap_track_result(struct tui *t)
{
	struct tui_heap		*h = t->heap;
	struct jsonv		*v;
	const struct jsonv	*sites, *x, *frames;
	struct heap_site	*hs;
	struct buf		 feed = BUF_INITIALIZER, stack = BUF_INITIALIZER;
	struct buf		 all = BUF_INITIALIZER;
	const char		*text, *name;
	char			 err[256];
	size_t			 len, i, d, depth;
	double			 now, prev;
	int64_t			 total = 0;

	heap_sites_clear(h);
	if ((text = heap_child_json(&h->c[1], &len)) == NULL) {
		snprintf(h->tmsg, sizeof h->tmsg, "%s",
		    _("call sites: vigil heaptrack printed nothing"));
		return;
	}
	if ((v = jsonv_parse(text, len, err, sizeof err)) == NULL ||
	    (sites = jsonv_get(v, "sites")) == NULL ||
	    sites->type != JSONV_ARRAY) {
		snprintf(h->tmsg, sizeof h->tmsg,
		    _("call sites: cannot read them: %s"), v == NULL ? err :
		    _("no sites"));
		jsonv_free(v);
		return;
	}
	h->sampled = jsonv_get(v, "sampled") != NULL &&
	    jsonv_get(v, "sampled")->type == JSONV_BOOL &&
	    jsonv_get(v, "sampled")->b;
	h->rate = jsonv_uint(jsonv_get(v, "rate"), 1);
	now = jsonv_num(jsonv_get(v, "time"), 0);
	prev = jsonv_num(jsonv_get(v, "previous_time"), 0);
	h->site_secs = prev > 0 && now > prev ? now - prev : 0;
	h->all_sites = jsonv_uint(jsonv_get(v, "nsites"), 0);
	h->sites = xcalloc(sites->n + 1, sizeof *h->sites);
	for (i = 0; i < sites->n; i++) {
		x = jsonv_at(sites, i);
		hs = &h->sites[h->nsites++];
		hs->live = jsonv_int(jsonv_get(x, "live_bytes"), 0);
		hs->objs = jsonv_int(jsonv_get(x, "live_objects"), 0);
		hs->has_growth = jsonv_get(x, "growth") != NULL &&
		    jsonv_get(x, "growth")->type == JSONV_NUMBER;
		hs->growth = jsonv_int(jsonv_get(x, "growth"), 0);
		hs->suspect = jsonv_get(x, "leak_suspect") != NULL &&
		    jsonv_get(x, "leak_suspect")->type == JSONV_BOOL &&
		    jsonv_get(x, "leak_suspect")->b;
		frames = jsonv_get(x, "frames");
		depth = frames != NULL && frames->type == JSONV_ARRAY ?
		    frames->n : 0;
		buf_reset(&stack);
		for (d = 0; d < depth && d < HEAP_SITE_FRAMES; d++) {
			name = jsonv_str(jsonv_at(frames, depth - 1 - d));
			buf_printf(&stack, "%s%s", d > 0 ? " < " : "",
			    name != NULL ? name : "?");
		}
		hs->where = xstrdup(depth > 0 ? buf_str(&stack) :
		    _("[stack not recorded]"));
		if (hs->live <= 0 || depth == 0)
			continue;
		/* Folded: root;...;leaf. */
		buf_reset(&stack);
		for (d = 0; d < depth; d++) {
			name = jsonv_str(jsonv_at(frames, d));
			buf_printf(&stack, "%s%s", d > 0 ? ";" : "",
			    name != NULL && *name != '\0' ? name : "?");
		}
		buf_printf(&feed, "F %lld %s\n", (long long)hs->live,
		    buf_str(&stack));
		total += hs->live;
	}
	jsonv_free(v);
	h->flame = prof_live_new(h->pid, h->comm);
	buf_printf(&all, "S 0 %lld 0 1\n", (long long)total);
	if (feed.data != NULL)
		buf_add(&all, feed.data, feed.len);
	buf_adds(&all, "E\n");
	prof_live_feed(h->flame, all.data, all.len);
	buf_free(&all);
	buf_free(&feed);
	buf_free(&stack);
	h->have_sites = 1;
	h->tmsg[0] = '\0';
}

static void
heap_child_reap(void *arg)
{
	struct heap_child	*c = arg;
	struct tui		*t = c->t;
	struct tui_heap		*h = t->heap;
	int			 status;
	pid_t			 r;

	r = waitpid(c->pid, &status, WNOHANG);
	if (r == 0) {
		/* Its output is closed, so it is exiting: soon. */
		if (c->reap_timer <= 0)
			c->reap_timer = loop_add_timer(t->loop, 0.02, 0,
			    heap_child_reap, c);
		else
			loop_rearm_timer(t->loop, c->reap_timer, 0.02);
		return;
	}
	if (r == c->pid && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (c->track)
			heap_track_result(t);
		else
			heap_child_result(t);
	} else if (r == c->pid)
		heap_child_error(h, c, status);
	else
		heap_msg(h, 1, _("the snapshot failed: %s"), strerror(errno));
	c->pid = -1;
	heap_child_stop(c, 0);
	if (h->c[0].pid <= 0 && h->c[1].pid <= 0 && !h->msg_error)
		h->msg[0] = '\0';
	tui_draw(t);
}

static void
heap_child_read(int fd, short revents, void *arg)
{
	struct heap_child	*c = arg;
	struct tui		*t = c->t;
	char			 chunk[65536];
	ssize_t			 n;

	(void)revents;
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n > 0) {
			buf_add(&c->out, chunk, n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		break;		/* the end, or an error: the child is done */
	}
	loop_del_fd(t->loop, c->fd);
	close(c->fd);
	c->fd = -1;
	heap_child_reap(c);
}

/* Start a child, its output read through the loop. */
static int
heap_child_start(struct heap_child *c, char **argv, char *err,
    size_t errlen)
{
	if ((c->pid = spawn_self(argv, &c->fd, err, errlen)) == -1) {
		c->fd = -1;
		return (-1);
	}
	buf_reset(&c->out);
	loop_add_fd(c->t->loop, c->fd, POLLIN, heap_child_read, c);
	return (0);
}

/*
 * Take a snapshot of the view's process, unless one is being taken; and
 * its call sites too when it is tracked (its agent's socket is there).
 */
static void
heap_take(struct tui *t)
{
	struct tui_heap		*h = t->heap;
	unsigned long long	 now;
	char			 err[256], pid[16];
	char			*smaps[] = { "vigil", "heap", "--json", pid, NULL };
	char			*sites[] = { "vigil", "heaptrack", "--format",
				    "json", "-n", HEAP_SITE_ROWS, pid, NULL };

	if (h->c[0].pid > 0 || h->c[1].pid > 0) {
		heap_msg(h, 0, _("a snapshot is being taken..."));
		return;
	}
	if (sample_start_time(h->pid, &now) != 0 || now != h->start) {
		heap_msg(h, 1, _("process %d has exited"), h->pid);
		return;
	}
	snprintf(pid, sizeof pid, "%d", h->pid);
	if (heap_child_start(&h->c[0], smaps, err, sizeof err) != 0) {
		heap_msg(h, 1, _("cannot start vigil heap: %s"), err);
		return;
	}
	h->tracked = htrack_tracked(h->pid);
	if (h->tracked && heap_child_start(&h->c[1], sites, err,
	    sizeof err) != 0)
		snprintf(h->tmsg, sizeof h->tmsg,
		    _("call sites: cannot start vigil heaptrack: %s"), err);
	heap_msg(h, 0, _("taking a snapshot of process %d..."), h->pid);
}

void
tui_heap_open(struct tui *t)
{
	struct proc	*p = tui_selected(t);
	struct tui_heap	*h;
	int		 i;

	if (p == NULL)
		return;
	if (t->heap == NULL) {
		h = t->heap = xcalloc(1, sizeof *t->heap);
		for (i = 0; i < 2; i++) {
			h->c[i].t = t;
			h->c[i].track = i;
			h->c[i].pid = -1;
			h->c[i].fd = -1;
		}
	}
	h = t->heap;
	if (h->pid != p->pid || h->start != p->start) {
		heap_children_stop(h, 1);
		heap_result_clear(h);
		h->view = HV_SMAPS;
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
		heap_children_stop(t->heap, 1);
	if (t->mode == MODE_HEAP)
		t->mode = MODE_NORMAL;
}

void
tui_heap_free(struct tui *t)
{
	if (t->heap == NULL)
		return;
	heap_children_stop(t->heap, 1);
	heap_result_clear(t->heap);
	buf_free(&t->heap->c[0].out);
	buf_free(&t->heap->c[1].out);
	free(t->heap);
	t->heap = NULL;
}

/* v: the smaps classes, the call sites, the flame view, in turn. */
static void
heap_next_view(struct tui_heap *h)
{
	if (!h->tracked && !h->have_sites) {
		heap_msg(h, 1, _("process %d is not tracked: start it with vigil run --heap or vigil heaptrack --run to see its call sites"),
		    h->pid);
		return;
	}
	h->view = (h->view + 1) % HV__COUNT;
	h->scroll = 0;
}

/* The flame view's keys: a row selected, Enter opens or closes it. */
static int
heap_flame_key(struct tui *t, int c)
{
	struct tui_heap			*h = t->heap;
	const struct prof_live_row	*rows;
	size_t				 n;

	if (h->view != HV_FLAME || h->flame == NULL)
		return (0);
	n = prof_live_rows(h->flame, &rows);
	switch (c) {
	case KEY_DOWN:
		if (h->sel + 1 < n)
			h->sel++;
		return (1);
	case KEY_UP:
		if (h->sel > 0)
			h->sel--;
		return (1);
	case '\r':
	case '\n':
	case KEY_ENTER:
	case KEY_RIGHT:
	case KEY_LEFT:
		if (h->sel < n && rows[h->sel].kids &&
		    (c != KEY_LEFT || rows[h->sel].open) &&
		    (c != KEY_RIGHT || !rows[h->sel].open))
			prof_live_toggle(h->flame, rows[h->sel].node);
		return (1);
	}
	return (0);
}

void
tui_heap_key(struct tui *t, int c)
{
	struct tui_heap	*h = t->heap;
	size_t		 page = t->rows > 4 ? t->rows - 4 : 1;

	if (heap_flame_key(t, c))
		return;
	switch (c) {
	case 'm':
		h->scroll = 0;
		heap_take(t);
		break;
	case 'v':
		heap_next_view(h);
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
			fmt_growth(a[5], sizeof a[5], pm);
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
			    fmt_growth(a[1], sizeof a[1], pm),
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

/* Bytes as the class table shows KiB: "30720K", "+1024K". */
static char *
heap_bytes(char *out, size_t len, int64_t bytes, int delta)
{
	int64_t	kib = bytes / 1024;

	if (delta)
		return (heap_fmt_delta(out, len, kib));
	return (heap_fmt_size(out, len, kib < 0 ? 0 : (uint64_t)kib));
}

/* The call sites by live bytes, their growth and the leak suspects. */
static void
heap_site_lines(struct tui *t, struct hlines *l)
{
	struct tui_heap		*h = t->heap;
	const struct heap_site	*x;
	char			 a[3][HEAP_FMT_SIZE];
	int64_t			 live = 0, growth = 0;
	size_t			 i, suspects = 0;
	int			 bold = A_BOLD;

	for (i = 0; i < h->nsites; i++) {
		live += h->sites[i].live;
		growth += h->sites[i].growth;
		suspects += h->sites[i].suspect;
	}
	if (h->sampled)
		hl_add(l, A_NORMAL, _("Call sites: %zu, sampled (one per %s on average; estimates), live %s"),
		    h->all_sites, heap_bytes(a[0], sizeof a[0], h->rate, 0),
		    heap_bytes(a[1], sizeof a[1], live, 0));
	else
		hl_add(l, A_NORMAL, _("Call sites: %zu, every allocation tracked, live %s"),
		    h->all_sites, heap_bytes(a[1], sizeof a[1], live, 0));
	if (h->site_secs > 0)
		hl_add(l, A_NORMAL, _("Growth since the previous snapshot, %.0f s earlier: %s; leak suspects: %zu"),
		    h->site_secs, heap_bytes(a[0], sizeof a[0], growth, 1),
		    suspects);
	else
		hl_add(l, A_NORMAL, "%s", _("First snapshot of these call sites: m takes one more to show growth and leak suspects."));
	hl_add(l, A_NORMAL, "%s", "");
	hl_add(l, bold, "%9s %9s %9s %-5s %s", _("LIVE"), _("OBJECTS"),
	    _("GROWTH"), _("FLAG"), _("CALL SITE"));
	for (i = 0; i < h->nsites; i++) {
		x = &h->sites[i];
		if (x->live == 0 && x->growth == 0)
			continue;
		hl_add(l, x->suspect ? bold : (int)A_NORMAL,
		    "%9s %9lld %9s %-5s %s",
		    heap_bytes(a[0], sizeof a[0], x->live, 0),
		    (long long)x->objs, x->has_growth ?
		    heap_bytes(a[1], sizeof a[1], x->growth, 1) : "-",
		    x->suspect ? _("leak?") : "", x->where);
	}
}

/* The flame view: live bytes as a call tree, the profile view's rows. */
static void
heap_flame_draw(struct tui *t, int y)
{
	struct tui_heap			*h = t->heap;
	const struct prof_live_row	*rows, *r;
	struct buf			 b = BUF_INITIALIZER;
	char				 a[2][HEAP_FMT_SIZE];
	uint64_t			 all = 0;
	size_t				 n, i, top, height;

	n = prof_live_rows(h->flame, &rows);
	for (i = 0; i < n; i++)
		if (rows[i].depth == 0)
			all += rows[i].total;
	tui_cstr(t, y++, 0, t->cols, _("Live bytes by call path (Enter opens or closes a row):"),
	    A_BOLD);
	snprintf(a[0], sizeof a[0], "%s", _("TOTAL"));
	buf_printf(&b, "%9s %6s %9s  %s", a[0], "%", _("SELF"),
	    _("FUNCTION"));
	tui_cstr(t, y++, 0, t->cols, buf_str(&b), A_BOLD);
	if (n == 0) {
		tui_cstr(t, y, 0, t->cols, _("No live bytes."), A_NORMAL);
		buf_free(&b);
		return;
	}
	if (h->sel >= n)
		h->sel = n - 1;
	height = t->rows > y ? (size_t)(t->rows - y) : 1;
	top = h->sel >= height ? h->sel - height + 1 : 0;
	for (i = top; i < n && y < t->rows; i++, y++) {
		r = &rows[i];
		buf_reset(&b);
		buf_printf(&b, "%9s %5.1f%% %9s  %*s%s %s",
		    heap_bytes(a[0], sizeof a[0], (int64_t)r->total, 0),
		    all > 0 ? 100.0 * r->total / all : 0.0,
		    heap_bytes(a[1], sizeof a[1], (int64_t)r->self, 0),
		    (int)(2 * r->depth), "", !r->kids ? " " : r->open ?
		    "-" : "+", r->name);
		/* Names are the process's symbols: tui_text escapes them. */
		tui_text(t, y, 0, t->cols, b.data, b.len, i == h->sel ?
		    tui_attr(t, C_SELECTED) : (int)A_NORMAL);
	}
	buf_free(&b);
}

void
tui_heap_draw(struct tui *t)
{
	struct tui_heap	*h = t->heap;
	struct hlines	 l = { NULL, 0 };
	char		 title[256];
	size_t		 i;
	int		 y = 1;

	if (h->tracked || h->have_sites)
		snprintf(title, sizeof title, _("Heap of process %d (%s) - m takes another snapshot, v switches %s, Esc returns"),
		    h->pid, h->comm, h->view == HV_SMAPS ? _("to call sites") :
		    h->view == HV_SITES ? _("to the flame view") :
		    _("to the classes"));
	else
		snprintf(title, sizeof title, _("Heap of process %d (%s) - m takes another snapshot, Esc returns"),
		    h->pid, h->comm);
	/* comm is the process's: tui_text escapes it. */
	tui_text(t, 0, 0, t->cols, title, strlen(title),
	    tui_attr(t, C_HEADER));
	if (h->msg[0] != '\0')
		tui_text(t, y++, 0, t->cols, h->msg, strlen(h->msg),
		    tui_attr(t, h->msg_error ? C_ERROR : C_STATUS));
	if (h->view != HV_SMAPS && h->tmsg[0] != '\0')
		tui_text(t, y++, 0, t->cols, h->tmsg, strlen(h->tmsg),
		    tui_attr(t, C_ERROR));
	if (h->view != HV_SMAPS && !h->have_sites) {
		if (h->tmsg[0] == '\0')
			tui_cstr(t, y, 0, t->cols, _("No call sites yet."),
			    A_NORMAL);
		return;
	}
	if (h->view == HV_FLAME) {
		heap_flame_draw(t, y);
		return;
	}
	if (h->view == HV_SMAPS && !h->have) {
		if (h->msg[0] == '\0')
			tui_cstr(t, y, 0, t->cols, _("No snapshot yet."),
			    A_NORMAL);
		return;
	}
	if (h->view == HV_SITES)
		heap_site_lines(t, &l);
	else
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
