/* The alarm list (!): acknowledge or silence alarms; the history file. */

#include "vigil.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alarm.h"
#include "fmt.h"
#include "buf.h"
#include "refresh.h"
#include "sample.h"
#include "ui-int.h"
#include "xalloc.h"

#define ESC		27
#define ALARMS_MAX	(ALARM_RECENT + 200)

static const struct {
	const char	*label;
	double		 secs;
} silence_times[] = {
	{ N_("15 minutes"), 15 * 60 },
	{ N_("1 hour"), 3600 },
	{ N_("4 hours"), 4 * 3600 },
	{ N_("1 day"), 86400 },
};

/*
 * The events since the last call: written to the history file, the newest
 * fired one (unless silenced) told in the status line, then cleared. A
 * history write failure is told once.
 */
void
tui_alarm_events(struct tui *t)
{
	struct alarm_set		*a = refresh_alarms(t->r);
	const struct alarm_event	*ev;
	char				 err[300];
	size_t				 n, i;

	ev = alarm_events(a, &n);
	for (i = n; i > 0; i--) {
		if (ev[i - 1].kind != EV_FIRED || alarm_silenced(a,
		    ev[i - 1].rule, ev[i - 1].pid, ev[i - 1].start))
			continue;
		tui_status(t, 1, _("alarm %s: %s (%zu firing)"),
		    alarm_rule_name(ev[i - 1].rule), ev[i - 1].what,
		    alarm_firing(a));
		break;
	}
	if (alarm_history_write(t->history, ev, n, sample_now(), err,
	    sizeof err) != 0)
		tui_status(t, 1, "%s", err);
	alarm_events_clear(a);
}

void
tui_alarms_open(struct tui *t)
{
	t->mode = MODE_ALARMS;
	t->alarm_sel = 0;
	t->alarm_top = 0;
	t->silence_open = 0;
}

void
tui_alarms_close(struct tui *t)
{
	alarm_history_free(t->history);
	t->history = NULL;
}

/* The list now, and the index of the selected alarm in it. */
static size_t
alarms_get(struct tui *t, struct alarm_item *items, size_t *sel)
{
	size_t	n, i;

	n = alarm_list(refresh_alarms(t->r), items, ALARMS_MAX);
	if (n > ALARMS_MAX)
		n = ALARMS_MAX;
	*sel = 0;
	for (i = 0; i < n; i++) {
		if (items[i].id == t->alarm_sel) {
			*sel = i;
			break;
		}
	}
	if (n > 0)
		t->alarm_sel = items[*sel].id;
	return (n);
}

static void
alarms_silence(struct tui *t, const struct alarm_item *it)
{
	double	secs = silence_times[t->silence_pick].secs;

	if (alarm_silence(refresh_alarms(t->r), it->id, secs,
	    sample_now()) == 0)
		tui_status(t, 0, _("%s: %s silenced for %s"),
		    alarm_rule_name(it->rule), it->what,
		    _(silence_times[t->silence_pick].label));
	t->silence_open = 0;
	tui_alarm_events(t);
}

void
tui_alarms_key(struct tui *t, int c)
{
	struct alarm_item	*items;
	size_t			 n, sel;

	items = xreallocarray(NULL, ALARMS_MAX, sizeof *items);
	n = alarms_get(t, items, &sel);
	if (t->silence_open) {
		if (c == KEY_UP && t->silence_pick > 0)
			t->silence_pick--;
		else if (c == KEY_DOWN &&
		    t->silence_pick + 1 < nitems(silence_times))
			t->silence_pick++;
		else if ((c == '\r' || c == '\n' || c == KEY_ENTER) && n > 0)
			alarms_silence(t, &items[sel]);
		else if (c == ESC || c == 'q')
			t->silence_open = 0;
		free(items);
		return;
	}
	switch (c) {
	case KEY_UP:
		if (sel > 0)
			t->alarm_sel = items[sel - 1].id;
		break;
	case KEY_DOWN:
		if (sel + 1 < n)
			t->alarm_sel = items[sel + 1].id;
		break;
	case KEY_HOME:
		if (n > 0)
			t->alarm_sel = items[0].id;
		break;
	case KEY_END:
		if (n > 0)
			t->alarm_sel = items[n - 1].id;
		break;
	case 'a':
		if (n == 0)
			break;
		alarm_ack(refresh_alarms(t->r), items[sel].id, sample_now());
		tui_status(t, 0, _("%s: %s acknowledged"),
		    alarm_rule_name(items[sel].rule), items[sel].what);
		tui_alarm_events(t);
		break;
	case 's':
		if (n == 0)
			break;
		t->silence_open = 1;
		t->silence_pick = 0;
		break;
	case ESC:
	case 'q':
	case '!':
		t->mode = MODE_NORMAL;
		break;
	}
	free(items);
}

/* A model-clock time as the wall clock shows it. */
static void
alarms_clock(double when, char *out, size_t len)
{
	time_t		secs = time(NULL) - (time_t)(sample_now() - when + 0.5);
	struct tm	tm;

	localtime_r(&secs, &tm);
	strftime(out, len, "%H:%M:%S", &tm);
}

/* The value in the rule's own terms. */
static void
alarms_value(const struct alarm_item *it, char *out, size_t len)
{
	switch (it->rule->metric) {
	case AM_PROC_CPU:
	case AM_SYS_CPU:
	case AM_SYS_MEM:
	case AM_SYS_SWAP:
	case AM_SYS_PSI_CPU:
	case AM_SYS_PSI_MEM:
	case AM_SYS_PSI_IO:
		snprintf(out, len, "%.1f%%", it->value);
		break;
	case AM_PROC_RSS:
		fmt_size(out, len, it->value / 1024, 0);
		break;
	case AM_PROC_RSS_GROWTH:
		/* Bytes per second, shown per minute as rules mostly say. */
		fmt_growth(out, len, it->value * 60 / 1024);
		break;
	case AM_PROC_STATE:
		snprintf(out, len, "%c", it->value >= 32 && it->value < 127 ?
		    (char)it->value : '?');
		break;
	case AM_SYS_LOAD1:
		snprintf(out, len, "%.2f", it->value);
		break;
	case AM_LOG:
		snprintf(out, len, _("%.0f lines"), it->value);
		break;
	default:
		snprintf(out, len, "%.0f", it->value);
		break;
	}
}

static void
alarms_state(const struct alarm_item *it, char *out, size_t len)
{
	long	left;

	if (it->silenced > 0) {
		/* Whole minutes left, rounded up; in hours from one hour. */
		left = (long)((it->silenced - sample_now()) / 60 + 0.999);
		if (left < 1)
			left = 1;
		if (left >= 60)
			snprintf(out, len, _("silenced %ldh"), (left + 30) / 60);
		else
			snprintf(out, len, _("silenced %ldm"), left);
	} else if (it->resolved >= 0)
		snprintf(out, len, "%s", _("resolved"));
	else if (it->acked)
		snprintf(out, len, "%s", _("acknowledged"));
	else
		snprintf(out, len, "%s", _("FIRING"));
	if (it->acked && it->silenced > 0)
		strncat(out, "*", len - strlen(out) - 1);
}

static void
alarms_row(struct tui *t, int y, const struct alarm_item *it, int selected)
{
	static const char	*sev[] = { "info", "warn", "crit" };
	struct buf		 b = BUF_INITIALIZER;
	char			 when[16], state[32], value[32], ended[16];
	int			 attr, x;

	alarms_clock(it->since, when, sizeof when);
	alarms_state(it, state, sizeof state);
	alarms_value(it, value, sizeof value);
	attr = selected ? tui_attr(t, C_SELECTED) : (int)A_NORMAL;
	tui_fill(y, 0, t->cols, attr);
	/* The severity in its colour, the rest plain (or selected). */
	x = tui_cstr(t, y, 0, 5, sev[it->rule->severity],
	    tui_attr(t, tui_alarm_color(it->rule->severity)));
	if (it->resolved >= 0) {
		alarms_clock(it->resolved, ended, sizeof ended);
		buf_printf(&b, " %-14s %s-%s ", state, when, ended);
	} else
		buf_printf(&b, " %-14s %-17s ", state, when);
	buf_printf(&b, "%-16s %10s  ", alarm_rule_name(it->rule), value);
	if (x < t->cols)
		x += tui_textp(t, y, x, t->cols - x, buf_str(&b), b.len, attr,
		    0);
	/* what is raw (a process name, a path): tui_text escapes it. */
	if (x < t->cols)
		tui_text(t, y, x, t->cols - x, it->what, strlen(it->what),
		    attr);
	buf_free(&b);
}

static void
alarms_picker(struct tui *t, int y0)
{
	size_t	i;
	int	y, w = 24, x = 10;

	if (y0 + (int)nitems(silence_times) + 1 >= t->rows)
		y0 = t->rows - nitems(silence_times) - 2;
	if (y0 < 1)
		y0 = 1;
	tui_cstr(t, y0, x, w, _(" Silence for: "), tui_attr(t, C_HEADER));
	for (i = 0; i < nitems(silence_times); i++) {
		y = y0 + 1 + i;
		tui_fill(y, x, w, tui_attr(t, C_DIALOG));
		tui_cstr(t, y, x + 1, w - 1, _(silence_times[i].label),
		    i == t->silence_pick ? tui_attr(t, C_SELECTED) :
		    tui_attr(t, C_DIALOG));
	}
}

void
tui_alarms_draw(struct tui *t)
{
	struct alarm_item	*items;
	struct timespec		 ts;
	char			 line[256];
	size_t			 n, sel, i, firing = 0;
	int			 h = t->rows - 3, y;

	items = xreallocarray(NULL, ALARMS_MAX, sizeof *items);
	n = alarms_get(t, items, &sel);
	for (i = 0; i < n; i++)
		firing += items[i].resolved < 0;
	snprintf(line, sizeof line, _("Alarms: %zu firing, %zu resolved"),
	    firing, n - firing);
	tui_fill(0, 0, t->cols, tui_attr(t, C_HEADER));
	tui_cstr(t, 0, 0, t->cols, line, tui_attr(t, C_HEADER));
	tui_cstr(t, 1, 0, t->cols,
	    _("SEV   STATE          SINCE             RULE                  VALUE  WHAT"),
	    A_BOLD);
	if (h < 1)
		h = 1;
	if (sel < t->alarm_top)
		t->alarm_top = sel;
	if (sel >= t->alarm_top + h)
		t->alarm_top = sel - h + 1;
	if (n == 0)
		tui_cstr(t, 2, 1, t->cols - 1, _("No alarm has fired."),
		    A_NORMAL);
	for (y = 0; y < h && t->alarm_top + y < n; y++)
		alarms_row(t, 2 + y, &items[t->alarm_top + y],
		    t->alarm_top + y == sel);
	if (t->silence_open && n > 0)
		alarms_picker(t, 2 + (int)(sel - t->alarm_top) + 1);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (t->status[0] != '\0' &&
	    ts.tv_sec + ts.tv_nsec / 1e9 < t->status_until)
		tui_cstr(t, t->rows - 1, 0, t->cols, t->status,
		    tui_attr(t, t->status_error ? C_ERROR : C_STATUS));
	else
		tui_cstr(t, t->rows - 1, 0, t->cols, t->silence_open ?
		    _("Up/Down choose  Enter silence  Esc cancel") :
		    _("a acknowledge  s silence  Up/Down select  Esc/q close"),
		    tui_attr(t, C_FLABEL));
	free(items);
}
