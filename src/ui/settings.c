/* The screen's settings in the configuration file, and the delay prompt. */

#include "vigil.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "buf.h"
#include "configfile.h"
#include "duration.h"
#include "loop.h"
#include "model.h"
#include "options.h"
#include "ui-int.h"
#include "xalloc.h"

#define ESC	27

/* A column list the screen can draw: the same parse, on a scratch screen. */
static int
settings_columns_ok(const char *list)
{
	struct tui	scratch;

	memset(&scratch, 0, sizeof scratch);
	return (tui_columns_parse(&scratch, list));
}

/*
 * Before the refresh is made: the file's alarm rules, logs and log ring
 * size go into the options with the command line's, and its sort, tree
 * and delay where the command line did not set them. The history file is
 * named here too.
 */
void
tui_config_read(struct tui *t)
{
	char	*path;

	config_load(&t->cfg, t->o, 1, settings_columns_ok);
	if ((path = config_state_path("alarms.jsonl")) != NULL) {
		t->history = alarm_history_new(path);
		free(path);
	}
}

/*
 * Once the screen exists: the file's columns, and its first problem in the
 * status line (FILE:LINE: reason). What the screen starts with is what
 * tui_settings_sync() compares with.
 */
void
tui_config_load(struct tui *t)
{
	struct config	*cfg = &t->cfg;

	if (cfg->columns != NULL)
		tui_columns_parse(t, cfg->columns);
	if (cfg->io_columns != NULL)
		tui_io_columns_parse(t, cfg->io_columns);
	if (cfg->nerrors == 1)
		tui_status(t, 1, "%s", cfg->errors[0]);
	else if (cfg->nerrors > 1)
		tui_status(t, 1, _("%s (and %zu more problems)"),
		    cfg->errors[0], cfg->nerrors - 1);
	t->saved_sort = t->vo->sort;
	t->saved_descending = t->vo->descending;
	t->saved_tree = t->vo->tree;
	t->saved_delay = t->o->delay;
	config_free(cfg);
}

/*
 * Save the chosen columns of the screen shown; a file vigil cannot parse
 * is left alone.
 */
int
tui_config_save(struct tui *t, char *err, size_t errlen)
{
	struct buf	cols = BUF_INITIALIZER;
	int		rc;

	tui_columns_string(t, &cols);
	rc = config_save(t->screen == SCREEN_IO ? "io_columns" : "columns",
	    buf_str(&cols), settings_columns_ok, err, errlen);
	buf_free(&cols);
	return (rc);
}

/*
 * After each key: save the sort, tree and delay settings that changed
 * since the last look. Each change is one write (a temporary file
 * renamed); a failure is told once per change, in the status line.
 */
void
tui_settings_sync(struct tui *t)
{
	char	 value[64], err[300];
	int	 rc = 0;

	/* The sort saved is the main screen's; the I/O screen's is not. */
	if (t->screen == SCREEN_MAIN && (t->vo->sort != t->saved_sort ||
	    t->vo->descending != t->saved_descending)) {
		t->saved_sort = t->vo->sort;
		t->saved_descending = t->vo->descending;
		snprintf(value, sizeof value, "%s:%s",
		    model_col_name(t->vo->sort),
		    t->vo->descending ? "desc" : "asc");
		rc = config_save("sort", value, settings_columns_ok, err,
		    sizeof err);
	}
	if (rc == 0 && t->vo->tree != t->saved_tree) {
		t->saved_tree = t->vo->tree;
		rc = config_save("tree", t->vo->tree ? "on" : "off",
		    settings_columns_ok, err, sizeof err);
	}
	if (rc == 0 && t->o->delay != t->saved_delay) {
		t->saved_delay = t->o->delay;
		snprintf(value, sizeof value, "%ld", t->o->delay);
		rc = config_save("delay", value, settings_columns_ok, err,
		    sizeof err);
	}
	if (rc != 0) {
		/* Not tried again until the next change. */
		if (t->screen == SCREEN_MAIN) {
			t->saved_sort = t->vo->sort;
			t->saved_descending = t->vo->descending;
		}
		t->saved_tree = t->vo->tree;
		t->saved_delay = t->o->delay;
		tui_status(t, 1, _("could not save the settings: %s"), err);
	}
}

/* --- d: the delay, in seconds, as top asks for it -------------------- */

void
tui_delay_start(struct tui *t)
{
	char	now[32];

	t->mode = MODE_DELAY;
	buf_reset(&t->input);
	snprintf(now, sizeof now, "%g", t->o->delay / 10.0);
	buf_adds(&t->input, now);
}

/*
 * A duration (500ms, 2s, 1m; a bare number is seconds here, as the
 * prompt says), to tenths; 0 when it is no delay.
 */
static long
delay_parse(const char *s)
{
	double	 v;

	if (duration_parse(s, DURATION_SECONDS, &v) != 0 ||
	    v * 10 + 0.5 < 1 || v * 10 > OPTIONS_DELAY_MAX)
		return (0);
	return ((long)(v * 10 + 0.5));
}

void
tui_delay_key(struct tui *t, int c)
{
	long	tenths;
	char	ch;

	if (c == ESC) {
		t->mode = MODE_NORMAL;
		return;
	}
	if (c == '\r' || c == '\n' || c == KEY_ENTER) {
		t->mode = MODE_NORMAL;
		if ((tenths = delay_parse(buf_str(&t->input))) == 0) {
			tui_status(t, 1,
			    _("'%s' is not a delay in seconds (0.1 to %d)"),
			    buf_str(&t->input), OPTIONS_DELAY_MAX / 10);
			return;
		}
		t->o->delay = tenths;
		loop_rearm_timer(t->loop, t->timer, tenths / 10.0);
		tui_status(t, 0, _("refreshing every %g seconds"),
		    tenths / 10.0);
		return;
	}
	if (tui_input_edit(t, c))
		return;
	if ((c >= '0' && c <= '9') || c == '.' || c == 'm' ||
	    c == 's' || c == 'h' || c == 'i' || c == 'n') {
		ch = c;
		buf_add(&t->input, &ch, 1);
	}
}
