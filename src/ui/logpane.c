/* The log pane: the selected process's log files and --log files, merged. */

#include "vigil.h"

#include <curses.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "logs.h"
#include "model.h"
#include "refresh.h"
#include "rx.h"
#include "ui-int.h"
#include "xalloc.h"

#define LP_MIN_ROWS	3	/* log lines in the split, at least */
#define LP_MIN_TABLE	3	/* process rows the split leaves, at least */

static void	lp_drop(struct tui *);
static size_t	lp_after(const struct logs *, int, uint64_t);
static void	lp_iter(struct tui *, const struct logs *, uint64_t);
static const struct logline *lp_prev(struct tui *, const struct logs *,
		    int *);
static const struct logline *lp_next(struct tui *, const struct logs *,
		    int *);
static int	lp_shows(const struct tui *, const struct logline *);
static uint64_t	lp_bottom(const struct tui *);
static struct logs *lp_logs(struct tui *);

/* What the pane shows: strace's output while it runs, else the logs. */
static struct logs *
lp_logs(struct tui *t)
{
	return (t->st.logs != NULL ? t->st.logs : refresh_logs(t->r));
}

/*
 * Lines are merged across sources by their sequence numbers, which grow
 * across all sources in arrival order. lp.pos holds, per source, how many
 * of its lines are at or before the point of the walk.
 */
static size_t
lp_after(const struct logs *logs, int id, uint64_t seq)
{
	size_t	lo = 0, hi = logs_count(logs, id), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (logs_line(logs, id, mid)->seq <= seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

static void
lp_iter(struct tui *t, const struct logs *logs, uint64_t seq)
{
	struct tui_logpane	*lp = &t->lp;
	int			 id, n = logs_nids(logs);

	if ((size_t)n > lp->npos) {
		lp->pos = xreallocarray(lp->pos, n, sizeof *lp->pos);
		lp->npos = n;
	}
	for (id = 0; id < n; id++)
		lp->pos[id] = lp_after(logs, id, seq);
}

/* The next line back from the walk's point, newest first. */
static const struct logline *
lp_prev(struct tui *t, const struct logs *logs, int *idp)
{
	const struct logline	*l, *best = NULL;
	int			 id, n = logs_nids(logs);

	for (id = 0; id < n; id++) {
		if (t->lp.pos[id] == 0)
			continue;
		l = logs_line(logs, id, t->lp.pos[id] - 1);
		if (best == NULL || l->seq > best->seq) {
			best = l;
			*idp = id;
		}
	}
	if (best != NULL)
		t->lp.pos[*idp]--;
	return (best);
}

/* The next line forward from the walk's point, oldest first. */
static const struct logline *
lp_next(struct tui *t, const struct logs *logs, int *idp)
{
	const struct logline	*l, *best = NULL;
	int			 id, n = logs_nids(logs);

	for (id = 0; id < n; id++) {
		if (t->lp.pos[id] >= logs_count(logs, id))
			continue;
		l = logs_line(logs, id, t->lp.pos[id]);
		if (best == NULL || l->seq < best->seq) {
			best = l;
			*idp = id;
		}
	}
	if (best != NULL)
		t->lp.pos[*idp]++;
	return (best);
}

static int
lp_shows(const struct tui *t, const struct logline *l)
{
	return (t->lp.filter == NULL || rx_match(t->lp.filter, l->text,
	    l->len));
}

/* The newest line the pane may show: all of them while following. */
static uint64_t
lp_bottom(const struct tui *t)
{
	return (t->lp.anchor != 0 ? t->lp.anchor : UINT64_MAX);
}

/* Stop following the files of the process the pane was showing. */
static void
lp_drop(struct tui *t)
{
	struct tui_logpane	*lp = &t->lp;
	struct logs		*logs = refresh_logs(t->r);
	size_t			 i;

	for (i = 0; logs != NULL && i < lp->nids; i++)
		logs_remove(logs, lp->ids[i]);
	free(lp->ids);
	lp->ids = NULL;
	lp->nids = 0;
	lp->pid = 0;
	lp->start = 0;
	lp->anchor = 0;
	lp->match = 0;
	lp->why[0] = '\0';
}

/*
 * Follow the log files of the selected process: its regular files open
 * for writing, stdout and stderr among them. On a new selection the old
 * process's files are dropped (unless pinned); rescan looks again for
 * files the same process opened since.
 */
void
tui_logpane_follow(struct tui *t, int rescan)
{
	struct tui_logpane	*lp = &t->lp;
	struct logs		*logs = refresh_logs(t->r);
	struct proc		*p = tui_selected(t);
	char			**paths;
	const char		*suplog;
	size_t			 n, i;

	if (!lp->shown || lp->pinned || p == NULL || logs == NULL ||
	    tui_strace_shown(t))
		return;
	if (p->pid != lp->pid || p->start != lp->start) {
		lp_drop(t);
		lp->pid = p->pid;
		lp->start = p->start;
		snprintf(lp->comm, sizeof lp->comm, "%s", p->comm);
		rescan = 1;
	}
	if (!rescan)
		return;
	if (logs_discover(p->pid, &paths, &n) != 0) {
		snprintf(lp->why, sizeof lp->why, _("cannot read /proc/%d/fd: %s"),
		    p->pid, errno == ENOENT ? _("the process has exited") :
		    strerror(errno));
		return;
	}
	lp->why[0] = '\0';
	for (i = 0; i < n; i++) {
		/* A --log file is followed already, under its own id. */
		if (logs_find(logs, paths[i]) != -1)
			continue;
		lp->ids = xreallocarray(lp->ids, lp->nids + 1,
		    sizeof *lp->ids);
		lp->ids[lp->nids++] = logs_add(logs, paths[i], paths[i]);
	}
	logs_discover_free(paths, n);
	/*
	 * A child of vigil run writes into its supervisor's pipe, not to a
	 * file: follow the log the supervisor writes for it (restart.c).
	 */
	if ((suplog = tui_sup_log(t, p->pid)) != NULL &&
	    logs_find(logs, suplog) == -1) {
		lp->ids = xreallocarray(lp->ids, lp->nids + 1,
		    sizeof *lp->ids);
		lp->ids[lp->nids++] = logs_add(logs, suplog, suplog);
	}
}

void
tui_logpane_toggle(struct tui *t)
{
	struct tui_logpane	*lp = &t->lp;

	/* Over strace: strace stops, the logs take its place. */
	if (tui_strace_shown(t))
		tui_strace_close(t);
	else if (lp->shown) {
		lp_drop(t);
		lp->shown = lp->focus = lp->full = lp->pinned = 0;
		return;
	}
	if (refresh_logs(t->r) == NULL) {
		tui_status(t, 1, _("cannot follow logs: inotify: %s"),
		    strerror(errno));
		return;
	}
	lp->shown = lp->focus = 1;
	tui_logpane_follow(t, 1);
}

void
tui_logpane_free(struct tui *t)
{
	free(t->lp.ids);
	free(t->lp.pos);
	free(t->lp.shown_lines);
	free(t->lp.shown_ids);
	rx_free(t->lp.filter);
	rx_free(t->lp.search);
}

/*
 * Where the pane goes: below the table, or over everything but the
 * bottom line when full screen. Returns the rows it leaves the table.
 */
int
tui_logpane_layout(struct tui *t, int table_y, int table_h)
{
	struct tui_logpane	*lp = &t->lp;
	int			 h;

	if (!lp->shown)
		return (table_h);
	if (lp->full) {
		lp->y = 0;
		lp->h = t->rows - 2;
		return (table_h);
	}
	h = lp->height != 0 ? lp->height : (table_h + 1) / 3;
	if (h > table_h - LP_MIN_TABLE - 1)
		h = table_h - LP_MIN_TABLE - 1;
	if (h < LP_MIN_ROWS)
		h = LP_MIN_ROWS;
	if (h + 1 > table_h) {
		/* No room for a split: the pane is not drawn. */
		lp->h = 0;
		return (table_h);
	}
	lp->h = h;
	lp->y = table_y + table_h - h - 1;
	return (table_h - h - 1);
}

/* "[app.log] " then the text, matches of the search in colour. */
static void
lp_line_draw(struct tui *t, int y, int id, const struct logline *l)
{
	const char	*label = logs_label(lp_logs(t), id), *slash;
	size_t		 from = 0, so, eo, lim;
	int		 x = 0, w = t->cols, cur = l->seq == t->lp.match;
	char		 pre[96];

	if ((slash = strrchr(label, '/')) != NULL && slash[1] != '\0')
		label = slash + 1;
	snprintf(pre, sizeof pre, "[%s] ", label);
	/* strace has one source: its lines need no label. */
	if (!tui_strace_shown(t))
		x += tui_textp(t, y, x, w / 3, pre, strlen(pre),
		    tui_attr(t, cur ? C_SELECTED : C_LABEL), 0);
	else if (cur)
		x += tui_textp(t, y, x, 1, ">", 1, tui_attr(t, C_SELECTED), 0);
	/* Nothing past the right edge can show: match only what can. */
	lim = l->len < (size_t)(t->cols * 4 + 16) ? l->len :
	    (size_t)(t->cols * 4 + 16);
	while (t->lp.search != NULL && x < w &&
	    rx_find(t->lp.search, l->text, lim, from, &so, &eo) &&
	    eo > so && so >= from) {
		x += tui_textp(t, y, x, w - x, l->text + from, so - from,
		    A_NORMAL, 0);
		x += tui_textp(t, y, x, w - x, l->text + so, eo - so,
		    tui_attr(t, C_MATCH), 0);
		from = eo;
	}
	if (x < w)
		tui_textp(t, y, x, w - x, l->text + from, lim - from,
		    A_NORMAL, 0);
}

/* The title row: whose logs, which files, and whether it follows. */
static void
lp_title(struct tui *t, const struct logs *logs)
{
	struct tui_logpane	*lp = &t->lp;
	struct buf		 b = BUF_INITIALIZER;
	const char		*label, *status, *slash;
	uint64_t		 newer = 0;
	int			 id, n = logs_nids(logs), any = 0;

	if (tui_strace_shown(t)) {
		tui_strace_title(t, &b);
		goto scroll;
	}
	if (lp->pid != 0)
		buf_printf(&b, _(" Logs of %s (%d)%s:"), lp->comm, lp->pid,
		    lp->pinned ? _(", pinned") : "");
	else
		buf_adds(&b, _(" Logs:"));
	for (id = 0; id < n; id++) {
		if ((label = logs_label(logs, id)) == NULL)
			continue;
		if ((slash = strrchr(label, '/')) != NULL && slash[1] != '\0')
			label = slash + 1;
		buf_printf(&b, " %s", label);
		if ((status = logs_status(logs, id)) != NULL)
			buf_printf(&b, " (%s)", status);
		any = 1;
	}
	if (lp->why[0] != '\0')
		buf_printf(&b, " %s", lp->why);
	else if (!any)
		buf_adds(&b, lp->pid != 0 ?
		    _(" no log files open for writing") : _(" none"));
scroll:
	if (lp->anchor != 0) {
		lp_iter(t, logs, lp->anchor);
		for (id = 0; id < n; id++)
			newer += logs_count(logs, id) - lp->pos[id];
		buf_printf(&b, _("  [paused, %llu newer; End follows]"),
		    (unsigned long long)newer);
	}
	if (lp->filter != NULL)
		buf_printf(&b, _("  filter: %s"), rx_pattern(lp->filter));
	if (lp->search != NULL)
		buf_printf(&b, _("  search: %s"), rx_pattern(lp->search));
	/* The process name and the paths are untrusted: tui_text escapes. */
	tui_text(t, lp->y, 0, t->cols, buf_str(&b), b.len,
	    tui_attr(t, lp->focus ? C_HEADER : C_FLABEL));
	buf_free(&b);
}

void
tui_logpane_draw(struct tui *t)
{
	struct tui_logpane	*lp = &t->lp;
	struct logs		*logs = lp_logs(t);
	const struct logline	*l;
	size_t			 k = 0, i;
	int			 id;

	if (!lp->shown || lp->h <= 0 || logs == NULL)
		return;
	lp_title(t, logs);
	if ((size_t)lp->h > lp->nshown_cap) {
		lp->shown_lines = xreallocarray(lp->shown_lines, lp->h,
		    sizeof *lp->shown_lines);
		lp->shown_ids = xreallocarray(lp->shown_ids, lp->h,
		    sizeof *lp->shown_ids);
		lp->nshown_cap = lp->h;
	}
	/* Newest at the bottom: walk back from the bottom line. */
	lp_iter(t, logs, lp_bottom(t));
	while (k < (size_t)lp->h && (l = lp_prev(t, logs, &id)) != NULL) {
		if (!lp_shows(t, l))
			continue;
		lp->shown_lines[k] = l;
		lp->shown_ids[k] = id;
		k++;
	}
	for (i = 0; i < k; i++) {
		lp_line_draw(t, lp->y + 1 + i, lp->shown_ids[k - 1 - i],
		    lp->shown_lines[k - 1 - i]);
	}
}

/* The oldest bottom line that still fills the pane; 0: all lines fit. */
static uint64_t
lp_floor(struct tui *t, const struct logs *logs)
{
	const struct logline	*l;
	int			 id, n = t->lp.h;

	lp_iter(t, logs, 0);
	while (n > 0 && (l = lp_next(t, logs, &id)) != NULL) {
		if (lp_shows(t, l) && --n == 0)
			return (l->seq);
	}
	return (0);
}

/* Scrolled to the newest shown line is following again. */
static void
lp_settle(struct tui *t, const struct logs *logs)
{
	const struct logline	*l;
	int			 id;

	if (t->lp.anchor == 0)
		return;
	lp_iter(t, logs, t->lp.anchor);
	while ((l = lp_next(t, logs, &id)) != NULL) {
		if (lp_shows(t, l))
			return;
	}
	t->lp.anchor = 0;
}

/*
 * Move the bottom of the pane by n shown lines (back when n < 0), never
 * so far back that the page is not full.
 */
static void
lp_scroll(struct tui *t, long n)
{
	struct tui_logpane	*lp = &t->lp;
	struct logs		*logs = lp_logs(t);
	const struct logline	*l, *last = NULL;
	uint64_t		 oldest;
	int			 id;

	if (n < 0) {
		/* The bottom line, then -n lines before it. */
		lp_iter(t, logs, lp_bottom(t));
		for (n = -n; n >= 0 && (l = lp_prev(t, logs, &id)) != NULL;) {
			if (lp_shows(t, l)) {
				last = l;
				n--;
			}
		}
		if (last == NULL)
			return;
		oldest = lp_floor(t, logs);
		lp->anchor = oldest == 0 ? 0 : last->seq > oldest ? last->seq :
		    oldest;
	} else if (lp->anchor != 0) {
		lp_iter(t, logs, lp->anchor);
		while (n > 0 && (l = lp_next(t, logs, &id)) != NULL) {
			if (lp_shows(t, l)) {
				last = l;
				n--;
			}
		}
		if (last != NULL)
			lp->anchor = last->seq;
	}
	lp_settle(t, logs);
}

/*
 * The search: the newest match older than the current one (dir < 0) or
 * the oldest newer one (dir > 0), scrolled into view.
 */
static void
lp_search_step(struct tui *t, int dir)
{
	struct tui_logpane	*lp = &t->lp;
	struct logs		*logs = lp_logs(t);
	const struct logline	*l = NULL;
	int			 id;

	if (lp->search == NULL)
		return;
	if (dir < 0) {
		lp_iter(t, logs, lp->match != 0 ? lp->match - 1 :
		    lp_bottom(t));
		while ((l = lp_prev(t, logs, &id)) != NULL &&
		    !(lp_shows(t, l) && rx_match(lp->search, l->text, l->len)))
			;
	} else if (lp->match != 0) {
		lp_iter(t, logs, lp->match);
		while ((l = lp_next(t, logs, &id)) != NULL &&
		    !(lp_shows(t, l) && rx_match(lp->search, l->text, l->len)))
			;
	}
	if (l == NULL) {
		tui_status(t, 1, dir < 0 ? _("no older match for %s") :
		    _("no newer match for %s"), rx_pattern(lp->search));
		return;
	}
	lp->match = l->seq;
	/* Scroll only when the match is not on screen already. */
	if (!tui_logpane_visible(t, l->seq))
		lp->anchor = l->seq;
	lp_settle(t, logs);
}

/* Is the line with this sequence number among those drawn last? */
int
tui_logpane_visible(struct tui *t, uint64_t seq)
{
	struct tui_logpane	*lp = &t->lp;
	struct logs		*logs = lp_logs(t);
	const struct logline	*l;
	int			 id, k = 0;

	lp_iter(t, logs, lp_bottom(t));
	while (k < lp->h && (l = lp_prev(t, logs, &id)) != NULL) {
		if (!lp_shows(t, l))
			continue;
		if (l->seq == seq)
			return (1);
		k++;
	}
	return (0);
}

/* A pattern typed at the pane's search or filter prompt; rx is owned. */
void
tui_logpane_pattern(struct tui *t, int filter, struct rx *rx)
{
	struct tui_logpane	*lp = &t->lp;

	if (filter) {
		rx_free(lp->filter);
		lp->filter = rx;
		lp->anchor = 0;		/* what was the bottom may be gone */
		return;
	}
	rx_free(lp->search);
	lp->search = rx;
	lp->match = 0;
	if (rx != NULL)
		lp_search_step(t, -1);
}

/* --- Keys of the pane, called from the key table (keys.c) ----------- */

void
tui_logpane_up(struct tui *t)
{
	lp_scroll(t, -1);
}

void
tui_logpane_down(struct tui *t)
{
	lp_scroll(t, 1);
}

void
tui_logpane_pgup(struct tui *t)
{
	lp_scroll(t, -(t->lp.h > 1 ? t->lp.h - 1 : 1));
}

void
tui_logpane_pgdn(struct tui *t)
{
	lp_scroll(t, t->lp.h > 1 ? t->lp.h - 1 : 1);
}

void
tui_logpane_home(struct tui *t)
{
	struct logs	*logs = lp_logs(t);

	t->lp.anchor = lp_floor(t, logs);
	lp_settle(t, logs);
}

void
tui_logpane_end(struct tui *t)
{
	t->lp.anchor = 0;
	t->lp.match = 0;
}

void
tui_logpane_search(struct tui *t)
{
	t->mode = MODE_LOG_SEARCH;
	buf_reset(&t->input);
}

void
tui_logpane_search_older(struct tui *t)
{
	lp_search_step(t, -1);
}

void
tui_logpane_search_newer(struct tui *t)
{
	lp_search_step(t, 1);
}

void
tui_logpane_filter(struct tui *t)
{
	t->mode = MODE_LOG_FILTER;
	buf_reset(&t->saved_filter);
	if (t->lp.filter != NULL)
		buf_adds(&t->saved_filter, rx_pattern(t->lp.filter));
	buf_reset(&t->input);
	buf_adds(&t->input, buf_str(&t->saved_filter));
}

void
tui_logpane_pin(struct tui *t)
{
	struct tui_logpane	*lp = &t->lp;

	if (tui_strace_shown(t)) {
		tui_status(t, 0, _("strace stays on %s (%d)"), t->st.comm,
		    t->st.pid);
		return;
	}
	lp->pinned = !lp->pinned;
	if (lp->pinned)
		tui_status(t, 0, _("log sources pinned to %s (%d)"), lp->comm,
		    lp->pid);
	else {
		tui_status(t, 0, _("log sources follow the selection"));
		tui_logpane_follow(t, 1);
	}
}

void
tui_logpane_zoom(struct tui *t)
{
	t->lp.full = !t->lp.full;
}

void
tui_logpane_shrink(struct tui *t)
{
	if (t->lp.full)
		return;
	t->lp.height = (t->lp.height != 0 ? t->lp.height : t->lp.h) - 1;
	if (t->lp.height < LP_MIN_ROWS)
		t->lp.height = LP_MIN_ROWS;
}

void
tui_logpane_grow(struct tui *t)
{
	if (t->lp.full)
		return;
	/* tui_logpane_layout() keeps the table's rows. */
	t->lp.height = (t->lp.height != 0 ? t->lp.height : t->lp.h) + 1;
}

/* Esc: back to the table; over strace, strace stops and the pane closes. */
void
tui_logpane_unfocus(struct tui *t)
{
	if (tui_strace_shown(t)) {
		tui_strace_close(t);
		return;
	}
	t->lp.focus = 0;
	t->lp.full = 0;
}
