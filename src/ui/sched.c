/*
 * Renice (] [ F7 F8), the CPU affinity dialog (a) and the I/O priority
 * dialog (o), on the tagged processes or else the selected one, held by
 * PID and start time from the key on (src/action/renice.c, affinity.c,
 * ioprio.c change them).
 */

#include "vigil.h"

#include <curses.h>
#include <linux/ioprio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "cpulist.h"
#include "fmt.h"
#include "options.h"
#include "refresh.h"
#include "ui-int.h"
#include "xalloc.h"

#define ESC		27
#define AFF_W		30	/* the dialogs' widths */
#define IO_W		36

typedef int	(*sched_apply_fn)(struct tui *, const struct action_target *,
		    struct action_sched *, char *, size_t);

static int	sched_begin(struct tui *, const struct action *);
static void	sched_apply(struct tui *, const char *, sched_apply_fn);
static int	sched_renice_lower(struct tui *, const struct action_target *,
		    struct action_sched *, char *, size_t);
static int	sched_renice_raise(struct tui *, const struct action_target *,
		    struct action_sched *, char *, size_t);
static int	sched_affinity(struct tui *, const struct action_target *,
		    struct action_sched *, char *, size_t);
static int	sched_ioprio(struct tui *, const struct action_target *,
		    struct action_sched *, char *, size_t);
static void	sched_affinity_key(struct tui *, int);
static void	sched_ioprio_key(struct tui *, int);
static int	sched_box(struct tui *, const char *, int);
static void	sched_affinity_draw(struct tui *);
static void	sched_ioprio_draw(struct tui *);

/* Refused under --readonly, else the targets gathered; 0 if any. */
static int
sched_begin(struct tui *t, const struct action *a)
{
	const char	*why;

	if (t->o->readonly) {
		tui_status(t, 1, "%s", action_readonly_refusal());
		return (-1);
	}
	tui_targets_gather(t);
	if ((why = a->refuse(t->targets, t->ntargets)) != NULL) {
		tui_status(t, 1, "%s", why);
		return (-1);
	}
	return (0);
}

/*
 * fn on every target, then one status line: "nice 0 → 5 for PID 123
 * (3 threads)" for one, a count for several, the last error if any failed.
 */
static void
sched_apply(struct tui *t, const char *what, sched_apply_fn fn)
{
	struct action_sched	 r, one;
	char			 err[512] = "";
	const char		*arrow = t->utf8 ? "\xe2\x86\x92" : "->";
	size_t			 i, done = 0, failed = 0;
	int			 rc = -1, threads = 0;

	memset(&one, 0, sizeof one);
	for (i = 0; i < t->ntargets; i++) {
		rc = fn(t, &t->targets[i], &r, err, sizeof err);
		if (rc == 0) {
			done++;
			threads += r.ntasks;
			one = r;
		} else if (rc < 0)
			failed++;
	}
	/* The new values on screen; then what happened, over "exited". */
	refresh_tick(t->r);
	tui_apply_view(t);
	if (t->ntargets == 1 && rc == 0)
		tui_status(t, 0, ngettext("%s %s %s %s for PID %d (%d thread)",
		    "%s %s %s %s for PID %d (%d threads)", one.ntasks), what,
		    one.before, arrow, one.after, t->targets[0].pid,
		    one.ntasks);
	else if (t->ntargets == 1)
		tui_status(t, rc < 0, "%s", err);
	else if (failed > 0)
		tui_status(t, 1, _("%s changed for %zu of %zu processes; last "
		    "error: %s"), what, done, t->ntargets, err);
	else
		tui_status(t, 0, _("%s changed for %zu processes (%d threads)"),
		    what, done, threads);
}

/* --- Renice ------------------------------------------------------------ */

static int
sched_renice_lower(struct tui *t, const struct action_target *a,
    struct action_sched *r, char *err, size_t len)
{
	return (action_renice_one(a, -1, r, err, len));
}

static int
sched_renice_raise(struct tui *t, const struct action_target *a,
    struct action_sched *r, char *err, size_t len)
{
	return (action_renice_one(a, 1, r, err, len));
}

/* One step at once, as htop does: no dialog, nothing to confirm. */
void
tui_renice(struct tui *t, int delta)
{
	if (sched_begin(t, delta < 0 ? &action_nice_lower :
	    &action_nice_raise) != 0)
		return;
	sched_apply(t, _("nice"), delta < 0 ? sched_renice_lower :
	    sched_renice_raise);
}

/* --- CPU affinity ------------------------------------------------------- */

void
tui_sched_free(struct tui *t)
{
	free(t->sched_cpus);
	free(t->sched_on);
	t->sched_cpus = NULL;
	t->sched_on = NULL;
	t->sched_ncpus = 0;
}

/*
 * The online CPUs, each checked if the first target may run on it now.
 * Offline CPUs are not listed: the kernel refuses a set of only those.
 */
void
tui_affinity_start(struct tui *t)
{
	cpu_set_t	*online, *cur;
	size_t		 size, i, n;
	char		 err[512];

	if (sched_begin(t, &action_affinity) != 0)
		return;
	online = cpulist_alloc(&size);
	cur = cpulist_alloc(&size);
	if (cpulist_online(online, size) <= 0) {
		tui_status(t, 1, _("cannot tell which CPUs are online"));
		goto out;
	}
	if (action_affinity_get(&t->targets[0], cur, size, err,
	    sizeof err) != 0) {
		tui_status(t, 1, "%s", err);
		goto out;
	}
	tui_sched_free(t);
	n = CPU_COUNT_S(size, online);
	t->sched_cpus = xreallocarray(NULL, n, sizeof *t->sched_cpus);
	t->sched_on = xcalloc(n, 1);
	for (i = 0; i < size * 8 && t->sched_ncpus < n; i++) {
		if (!CPU_ISSET_S(i, size, online))
			continue;
		t->sched_on[t->sched_ncpus] = CPU_ISSET_S(i, size, cur) != 0;
		t->sched_cpus[t->sched_ncpus++] = i;
	}
	t->pick = 0;
	t->pick_top = 0;
	t->mode = MODE_AFFINITY;
out:
	free(online);
	free(cur);
}

static int
sched_affinity(struct tui *t, const struct action_target *a,
    struct action_sched *r, char *err, size_t len)
{
	cpu_set_t	*set;
	size_t		 size, i;
	int		 rc;

	set = cpulist_alloc(&size);
	for (i = 0; i < t->sched_ncpus; i++) {
		if (t->sched_on[i])
			CPU_SET_S(t->sched_cpus[i], size, set);
	}
	rc = action_affinity_one(a, set, size, r, err, len);
	free(set);
	return (rc);
}

static void
sched_affinity_key(struct tui *t, int c)
{
	size_t	i, n = t->sched_ncpus, on = 0;

	switch (c) {
	case KEY_UP:
		if (t->pick > 0)
			t->pick--;
		break;
	case KEY_DOWN:
		if (t->pick + 1 < n)
			t->pick++;
		break;
	case ' ':
		if (t->pick < n)
			t->sched_on[t->pick] = !t->sched_on[t->pick];
		break;
	case 'a':
		for (i = 0; i < n; i++)
			t->sched_on[i] = 1;
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
		for (i = 0; i < n; i++)
			on += t->sched_on[i];
		if (on == 0) {
			tui_status(t, 1, _("choose at least one CPU"));
			break;
		}
		t->mode = MODE_NORMAL;
		sched_apply(t, _("CPUs"), sched_affinity);
		tui_sched_free(t);
		break;
	case ESC:
	case 'q':
		t->mode = MODE_NORMAL;
		tui_sched_free(t);
		tui_status(t, 0, _("the CPU affinity was not changed"));
		break;
	}
}

/* --- I/O priority ------------------------------------------------------- */

/* The rows of the dialog are the classes, in the kernel's numbering. */
static const char *sched_io_classes[] = {
	N_("none (from nice)"), N_("realtime"), N_("best-effort"), N_("idle")
};

void
tui_ioprio_start(struct tui *t)
{
	char	err[512];
	int	v;

	if (sched_begin(t, &action_ioprio) != 0)
		return;
	if (action_ioprio_get(&t->targets[0], &v, err, sizeof err) != 0) {
		tui_status(t, 1, "%s", err);
		return;
	}
	t->pick = IOPRIO_PRIO_CLASS(v) < nitems(sched_io_classes) ?
	    IOPRIO_PRIO_CLASS(v) : IOPRIO_CLASS_BE;
	t->sched_level = t->pick == IOPRIO_CLASS_RT ||
	    t->pick == IOPRIO_CLASS_BE ? (int)IOPRIO_PRIO_DATA(v) :
	    IOPRIO_BE_NORM;
	if (t->sched_level >= IOPRIO_NR_LEVELS)
		t->sched_level = IOPRIO_BE_NORM;
	t->pick_top = 0;
	t->mode = MODE_IOPRIO;
}

static int
sched_ioprio(struct tui *t, const struct action_target *a,
    struct action_sched *r, char *err, size_t len)
{
	return (action_ioprio_one(a, action_ioprio_value(t->pick,
	    t->sched_level), r, err, len));
}

static void
sched_ioprio_key(struct tui *t, int c)
{
	switch (c) {
	case KEY_UP:
		if (t->pick > 0)
			t->pick--;
		break;
	case KEY_DOWN:
		if (t->pick + 1 < nitems(sched_io_classes))
			t->pick++;
		break;
	case KEY_LEFT:
	case '-':
		if (t->sched_level > 0)
			t->sched_level--;
		break;
	case KEY_RIGHT:
	case '+':
		if (t->sched_level + 1 < IOPRIO_NR_LEVELS)
			t->sched_level++;
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
		t->mode = MODE_NORMAL;
		sched_apply(t, _("I/O"), sched_ioprio);
		break;
	case ESC:
	case 'q':
		t->mode = MODE_NORMAL;
		tui_status(t, 0, _("the I/O priority was not changed"));
		break;
	default:
		if (c >= '0' && c < '0' + IOPRIO_NR_LEVELS)
			t->sched_level = c - '0';
		break;
	}
}

void
tui_sched_key(struct tui *t, int c)
{
	if (t->mode == MODE_AFFINITY)
		sched_affinity_key(t, c);
	else
		sched_ioprio_key(t, c);
}

/* --- Drawing ------------------------------------------------------------ */

/* The title row over the table's title, then rows of the dialog's colour. */
static int
sched_box(struct tui *t, const char *what, int w)
{
	char	title[160];
	int	y, tw, h = t->table_h;

	if (t->ntargets == 1)
		snprintf(title, sizeof title, _("%s of %d (%s):"), what,
		    t->targets[0].pid, t->targets[0].comm);
	else
		snprintf(title, sizeof title, _("%s of %zu processes:"), what,
		    t->ntargets);
	if (w > t->cols)
		w = t->cols;
	/* The title may be wider than the box: the table's titles give way. */
	tw = (int)strlen(title) + 1 > w ? (int)strlen(title) + 1 : w;
	if (tw > t->cols)
		tw = t->cols;
	tui_fill(t->table_y - 1, 0, tw, tui_attr(t, C_HEADER));
	tui_cstr(t, t->table_y - 1, 0, tw, title, tui_attr(t, C_HEADER));
	for (y = 0; y < h; y++)
		tui_fill(t->table_y + y, 0, w, tui_attr(t, C_DIALOG));
	return (w);
}

static void
sched_affinity_draw(struct tui *t)
{
	char	item[64];
	size_t	i;
	int	y, w, rows = t->table_h - 3;	/* two hint rows, a blank */

	w = sched_box(t, _("CPU affinity"), AFF_W);
	if (rows < 1)
		return;
	if (t->pick < t->pick_top)
		t->pick_top = t->pick;
	if (t->pick >= t->pick_top + rows)
		t->pick_top = t->pick - rows + 1;
	for (y = 0; y < rows; y++) {
		i = t->pick_top + y;
		if (i >= t->sched_ncpus)
			break;
		snprintf(item, sizeof item, "[%c] CPU %d",
		    t->sched_on[i] ? 'x' : ' ', t->sched_cpus[i]);
		tui_cstr(t, t->table_y + y, 0, w, item, i == t->pick ?
		    tui_attr(t, C_SELECTED) : tui_attr(t, C_DIALOG));
	}
	y = t->table_y + (y < rows ? y : rows) + 1;
	tui_cstr(t, y, 0, w, _("Space toggles, a all"),
	    tui_attr(t, C_DIALOG));
	tui_cstr(t, y + 1, 0, w, _("Enter applies, Esc cancels"),
	    tui_attr(t, C_DIALOG));
}

static void
sched_ioprio_draw(struct tui *t)
{
	char	item[64];
	size_t	i;
	int	y, w;

	w = sched_box(t, _("I/O priority"), IO_W);
	if (t->table_h < (int)nitems(sched_io_classes) + 3)
		return;
	for (i = 0; i < nitems(sched_io_classes); i++) {
		if (i == IOPRIO_CLASS_RT || i == IOPRIO_CLASS_BE)
			snprintf(item, sizeof item, _("%-17s level %d"),
			    _(sched_io_classes[i]), t->sched_level);
		else
			snprintf(item, sizeof item, "%s",
			    _(sched_io_classes[i]));
		tui_cstr(t, t->table_y + i, 0, w, item, i == t->pick ?
		    tui_attr(t, C_SELECTED) : tui_attr(t, C_DIALOG));
	}
	y = t->table_y + i + 1;
	tui_cstr(t, y, 0, w, _("Left/Right or 0-7: level"),
	    tui_attr(t, C_DIALOG));
	tui_cstr(t, y + 1, 0, w, _("Enter applies, Esc cancels"),
	    tui_attr(t, C_DIALOG));
}

void
tui_sched_draw(struct tui *t)
{
	if (t->mode == MODE_AFFINITY)
		sched_affinity_draw(t);
	else
		sched_ioprio_draw(t);
}
