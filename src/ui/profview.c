/* The live profile view: f on a process samples it in a child. */

#include "vigil.h"

#include <sys/stat.h>

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "buf.h"
#include "configfile.h"
#include "file.h"
#include "loop.h"
#include "options.h"
#include "prof.h"
#include "proflive.h"
#include "spawn.h"
#include "ui-int.h"
#include "xalloc.h"

#define ESC		27
#define PV_END_WAIT	2.0	/* seconds the sampler has to let go */

static void	pv_read(int, short, void *);
static int	pv_start(struct tui *);
static void	pv_mode(struct tui *);
static void	pv_stop(struct tui *);
static void	pv_save(struct tui *, const char *, const char *);

static const struct {
	int		 key;
	const char	*format;
	const char	*ext;
	const char	*label;
} pv_formats[] = {
	{ 's', "svg", "svg", N_("s SVG flamegraph") },
	{ 'p', "pprof", "pb.gz", N_("p pprof") },
	{ 'f', "folded", "folded", N_("f folded stacks") },
	{ 'j', "speedscope", "speedscope.json", N_("j speedscope") },
};

/*
 * Start `vigil profile --stream --MODE PID` for the view: a fresh live
 * profile, of the process the view was opened on. Its PID may name
 * another process by now (m starts the sampler again after the view's
 * process has exited): then nothing starts. Returns 0, or -1 with the
 * status line saying why.
 */
static int
pv_start(struct tui *t)
{
	struct tui_profview	*pv = &t->pv;
	struct action_target	 target;
	const char		*why;
	char			 pid[32], rate[32], mode[32], err[256];
	char			*argv[] = { "vigil", "profile", "--stream", "--rate",
				    rate, mode, pid, NULL };

	memset(&target, 0, sizeof target);
	target.pid = pv->pid;
	target.start = pv->start;
	if ((why = action_target_gone(&target)) != NULL) {
		tui_status(t, 1, _("cannot profile: %s"), why);
		return (-1);
	}
	snprintf(pid, sizeof pid, "%d", pv->pid);
	snprintf(rate, sizeof rate, "%d", PROF_LIVE_RATE);
	snprintf(mode, sizeof mode, "--%s", prof_mode_name(pv->measure));
	if ((pv->child = spawn_self(argv, &pv->fd, err, sizeof err)) == -1) {
		pv->child = 0;
		pv->fd = -1;
		tui_status(t, 1, _("cannot profile: %s"), err);
		return (-1);
	}
	pv->paused = 0;
	pv->live = prof_live_new(pv->pid, pv->comm);
	loop_add_fd(t->loop, pv->fd, POLLIN, pv_read, t);
	return (0);
}

/* f: start `vigil profile --stream PID` and open the view on it. */
void
tui_profile_open(struct tui *t)
{
	struct tui_profview	*pv = &t->pv;
	struct proc		*p = tui_selected(t);
	const char		*why;
	struct action_target	 target;

	if (p == NULL)
		return;
	if (t->o->readonly) {
		tui_status(t, 1, "%s", action_readonly_refusal());
		return;
	}
	target.pid = p->pid;
	target.start = p->start;
	snprintf(target.comm, sizeof target.comm, "%s", p->comm);
	if ((why = action_profile.refuse(&target, 1)) != NULL) {
		tui_status(t, 1, "%s", why);
		return;
	}
	memset(pv, 0, sizeof *pv);
	pv->fd = -1;
	pv->pid = p->pid;
	pv->start = p->start;
	pv->measure = PROF_MODE_ON_CPU;
	snprintf(pv->comm, sizeof pv->comm, "%s", p->comm);
	if (pv_start(t) != 0)
		return;
	t->mode = MODE_PROFILE;
}

/*
 * m: the next mode (on-CPU, wall, off-CPU). The sampler is started again
 * with it: the old one lets go of the target first, and the counts start
 * from nothing, as a profile holds one mode.
 */
static void
pv_mode(struct tui *t)
{
	struct tui_profview	*pv = &t->pv;

	pv_stop(t);
	prof_live_free(pv->live);
	pv->live = NULL;
	pv->measure = prof_mode_next(pv->measure);
	pv->sel = pv->top = 0;
	if (pv_start(t) != 0) {
		/* Keep the view open, empty, on what it says. */
		pv->live = prof_live_new(pv->pid, pv->comm);
		return;
	}
	tui_status(t, 0, _("profiling %s: %s"), prof_mode_name(pv->measure),
	    prof_mode_what(pv->measure));
}

/* What the sampler wrote; a finished snapshot redraws the view. */
static void
pv_read(int fd, short revents, void *arg)
{
	struct tui		*t = arg;
	struct tui_profview	*pv = &t->pv;
	char			 buf[65536];
	ssize_t			 n;
	int			 news = 0;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			/* The sampler is gone: keep what it sent. */
			loop_del_fd(t->loop, fd);
			close(fd);
			pv->fd = -1;
			spawn_end(pv->child, PV_END_WAIT);
			pv->child = 0;
			news = 1;
			break;
		}
		news |= prof_live_feed(pv->live, buf, n);
	}
	if (news && t->mode == MODE_PROFILE)
		tui_draw(t);
}

/* Stop the sampler; the target is released by it (or by the kernel). */
static void
pv_stop(struct tui *t)
{
	tui_child_end(t, &t->pv.fd, &t->pv.child, PV_END_WAIT);
}

void
tui_profile_close(struct tui *t)
{
	if (t->pv.live == NULL)
		return;		/* never opened */
	pv_stop(t);
	prof_live_free(t->pv.live);
	t->pv.live = NULL;
	prof_top_free(t->pv.topf, t->pv.ntop);
	t->pv.topf = NULL;
	t->pv.ntop = 0;
	if (t->mode == MODE_PROFILE)
		t->mode = MODE_NORMAL;
}

/* The profile so far, written to the state directory in one format. */
static void
pv_save(struct tui *t, const char *format, const char *ext)
{
	struct tui_profview	*pv = &t->pv;
	const struct prof	*p = prof_live_profile(pv->live);
	char			 name[128], when[32], err[256], *path;
	struct tm		 tm;
	time_t			 now = time(NULL);
	FILE			*f;
	int			 rc;

	if (p == NULL || p->total == 0) {
		tui_status(t, 1, _("nothing sampled yet"));
		return;
	}
	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y%m%d-%H%M%S", &tm);
	snprintf(name, sizeof name, "profiles/%d-%s.%s", pv->pid, when, ext);
	if ((path = config_state_path(name)) == NULL) {
		tui_status(t, 1, _("neither XDG_STATE_HOME nor HOME is set"));
		return;
	}
	if (file_mkdirs(path) != 0) {
		tui_status(t, 1, _("cannot make the directory of %s: %s"), path,
		    strerror(errno));
		free(path);
		return;
	}
	if ((f = fopen(path, "we")) == NULL) {
		tui_status(t, 1, _("cannot write %s: %s"), path,
		    strerror(errno));
		free(path);
		return;
	}
	rc = prof_export(p, format, f, err, sizeof err);
	if (fclose(f) != 0 && rc == 0) {
		snprintf(err, sizeof err, "%s", strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		tui_status(t, 1, _("cannot write %s: %s"), path, err);
		unlink(path);
	} else {
		snprintf(pv->saved, sizeof pv->saved, "%s", path);
		tui_status(t, 0, _("saved %s"), path);
	}
	free(path);
}

static size_t
pv_count(struct tui *t)
{
	const struct prof_live_row	*rows;

	if (t->pv.tree)
		return (prof_live_rows(t->pv.live, &rows));
	return (t->pv.ntop);
}

void
tui_profile_key(struct tui *t, int c)
{
	struct tui_profview		*pv = &t->pv;
	const struct prof_live_row	*rows;
	size_t				 i, n, page;

	if (pv->saving) {
		pv->saving = 0;
		for (i = 0; i < nitems(pv_formats); i++) {
			if (c == pv_formats[i].key)
				pv_save(t, pv_formats[i].format,
				    pv_formats[i].ext);
		}
		return;
	}
	n = pv_count(t);
	page = pv->h > 1 ? pv->h - 1 : 1;
	switch (c) {
	case 'q':
	case ESC:
	case KEY_F(10):
		tui_profile_close(t);
		break;
	case '\t':
		pv->tree = !pv->tree;
		pv->sel = pv->top = 0;
		break;
	case KEY_UP:
		pv->sel -= pv->sel > 0;
		break;
	case KEY_DOWN:
		pv->sel += pv->sel + 1 < n;
		break;
	case KEY_PPAGE:
		pv->sel = pv->sel > page ? pv->sel - page : 0;
		break;
	case KEY_NPAGE:
		pv->sel = pv->sel + page < n ? pv->sel + page :
		    n > 0 ? n - 1 : 0;
		break;
	case KEY_HOME:
		pv->sel = 0;
		break;
	case KEY_END:
		pv->sel = n > 0 ? n - 1 : 0;
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
	case KEY_RIGHT:
	case KEY_LEFT:
	case '+':
	case '-':
		if (!pv->tree || pv->sel >= n)
			break;
		prof_live_rows(pv->live, &rows);
		if (rows[pv->sel].kids && ((c != KEY_LEFT && c != '-') ||
		    rows[pv->sel].open) && ((c != KEY_RIGHT && c != '+') ||
		    !rows[pv->sel].open))
			prof_live_toggle(pv->live, rows[pv->sel].node);
		break;
	case ' ':
		/* Before the first snapshot its handler may not be there. */
		if (pv->child <= 0 || prof_live_profile(pv->live) == NULL)
			break;
		/* The sampler pauses between samples: no thread stays stopped. */
		pv->paused = !pv->paused;
		kill(pv->child, SIGUSR1);
		break;
	case 'r':
		prof_live_reset(pv->live);
		pv->sel = pv->top = 0;
		tui_status(t, 0, _("profile reset"));
		break;
	case 's':
		pv->saving = 1;
		break;
	case 'm':
		pv_mode(t);
		break;
	}
}

/* One row of the top functions: SELF% TOTAL% SAMPLES FUNCTION. */
static void
pv_top_row(struct tui *t, int y, const struct prof_func *f, uint64_t total,
    int attr)
{
	char	line[64];
	int	x;

	snprintf(line, sizeof line, "%6.1f %6.1f %8llu  ",
	    total ? 100.0 * f->self / total : 0.0,
	    total ? 100.0 * f->total / total : 0.0,
	    (unsigned long long)f->self);
	x = tui_cstr(t, y, 0, strlen(line), line, attr);
	tui_cstr(t, y, x, t->cols - x, f->name, attr);
}

/* One row of the call tree: TOTAL% SELF% and the name, indented. */
static void
pv_tree_row(struct tui *t, int y, const struct prof_live_row *r,
    uint64_t total, int attr)
{
	char	line[64];
	int	x, indent;

	snprintf(line, sizeof line, "%6.1f %6.1f  ",
	    total ? 100.0 * r->total / total : 0.0,
	    total ? 100.0 * r->self / total : 0.0);
	x = tui_cstr(t, y, 0, strlen(line), line, attr);
	indent = r->depth * 2 < (size_t)t->cols / 2 ? (int)r->depth * 2 :
	    t->cols / 2;
	x += tui_textp(t, y, x, indent, "", 0, attr, 1);
	x += tui_cstr(t, y, x, 2, !r->kids ? " " : r->open ?
	    (t->utf8 ? "\xe2\x96\xbe" : "-") :
	    (t->utf8 ? "\xe2\x96\xb8" : "+"), attr | A_BOLD);
	tui_cstr(t, y, x, t->cols - x, r->name, attr);
}

void
tui_profile_draw(struct tui *t)
{
	struct tui_profview		*pv = &t->pv;
	const struct prof		*p = prof_live_profile(pv->live);
	const struct prof_live_row	*rows;
	const char			*msg, *ended, *method;
	struct buf			 b = BUF_INITIALIZER;
	uint64_t			 total = p != NULL ? p->total : 0;
	size_t				 i, n;
	int				 y, attr;

	method = prof_live_method(pv->live);
	buf_printf(&b, _(" Profile of %s (%d), %s%s%s: %.0f Hz, %llu samples, %.1f s, %zu threads"),
	    pv->comm, pv->pid, prof_mode_name(pv->measure),
	    method != NULL ? ", " : "", method != NULL ? method : "",
	    prof_live_rate(pv->live),
	    (unsigned long long)prof_live_samples(pv->live),
	    prof_live_elapsed(pv->live), prof_live_threads(pv->live));
	if ((ended = prof_live_ended(pv->live)) != NULL)
		buf_printf(&b, _("  [ended: %s]"), ended);
	else if (pv->child <= 0)
		buf_adds(&b, _("  [sampler gone]"));
	else if (pv->paused)
		buf_adds(&b, _("  [paused]"));
	tui_text(t, 0, 0, t->cols, buf_str(&b), b.len, tui_attr(t, C_HEADER));
	buf_free(&b);
	tui_cstr(t, 1, 0, t->cols, pv->tree ?
	    _(" TOTAL%  SELF%  CALL TREE (Enter opens and closes)") :
	    _("  SELF% TOTAL%  SAMPLES  FUNCTION"), tui_attr(t, C_LABEL));

	/* The top functions, made again from each snapshot. */
	prof_top_free(pv->topf, pv->ntop);
	pv->topf = NULL;
	pv->ntop = 0;
	if (p != NULL && !pv->tree)
		pv->topf = prof_top(p, &pv->ntop);
	n = pv_count(t);
	pv->h = t->rows - 3;
	if (pv->sel >= n)
		pv->sel = n > 0 ? n - 1 : 0;
	if (pv->sel < pv->top)
		pv->top = pv->sel;
	if (pv->h > 0 && pv->sel >= pv->top + (size_t)pv->h)
		pv->top = pv->sel - pv->h + 1;
	if (pv->tree)
		prof_live_rows(pv->live, &rows);
	for (i = pv->top, y = 2; i < n && y < t->rows - 1; i++, y++) {
		attr = i == pv->sel ? tui_attr(t, C_SELECTED) : (int)A_NORMAL;
		if (pv->tree)
			pv_tree_row(t, y, &rows[i], total, attr);
		else
			pv_top_row(t, y, &pv->topf[i], total, attr);
	}
	if (n == 0 && (msg = prof_live_message(pv->live)) != NULL)
		tui_cstr(t, 3, 2, t->cols - 2, msg, tui_attr(t, C_ERROR));
	else if (n == 0)
		tui_cstr(t, 3, 2, t->cols - 2, _("waiting for samples..."),
		    A_NORMAL);
}

/* The bottom line's keys while the view is open. */
void
tui_profile_bottom(struct tui *t)
{
	struct buf	b = BUF_INITIALIZER;
	size_t		i;
	int		y = t->rows - 1;

	if (t->pv.saving) {
		buf_adds(&b, _("Save as: "));
		for (i = 0; i < nitems(pv_formats); i++)
			buf_printf(&b, "%s%s", i > 0 ? ", " : "",
			    _(pv_formats[i].label));
		buf_adds(&b, _(" (other keys cancel)"));
		tui_cstr(t, y, 0, t->cols, buf_str(&b), tui_attr(t, C_STATUS));
		buf_free(&b);
		return;
	}
	tui_cstr(t, y, 0, t->cols,
	    _("Tab top/tree  Enter open/close  m mode  Space pause  r reset  s save  q back"),
	    tui_attr(t, C_FLABEL));
}
