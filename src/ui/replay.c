/* Replay in the monitor: the screens drawn from recorded frames. */

#include "vigil.h"

#include <sys/resource.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "model.h"
#include "options.h"
#include "record.h"
#include "recordcmd.h"
#include "refresh.h"
#include "tui.h"
#include "ui-int.h"
#include "when.h"
#include "xalloc.h"

/* Frames read before the one shown, for the sparklines and the rates. */
#define REPLAY_BEFORE	120.0

#define ESC	27

/* Recorded seconds per second of play. */
static const int replay_speeds[] = { 1, 10, 60, 600 };

struct tui_replay {
	struct record_reader	*rd;
	double			 cur;		/* the frame shown */
	double			 prev;		/* the one before; 0: none */
	double			 next;		/* the one after; 0: none */
	const struct record_frame *ahead;	/* next's frame, decoded */
	FILE			*times;		/* VIGIL_REPLAY_TIMES */
	int			 playing;
	int			 speed;		/* index in replay_speeds */
	double			 play_at;	/* recorded time reached */
	double			 play_clock;	/* tui_clock() of play_at */
	char			 warning[512];	/* the last damage told */
};

static void	replay_goto(struct tui *, double);
static void	replay_forward(struct tui *);
static double	replay_cpu(void);
static void	replay_time(struct tui_replay *, const char *, double);

static void
replay_warn(const char *msg, void *arg)
{
	struct tui_replay	*rp = arg;

	snprintf(rp->warning, sizeof rp->warning, "%s", msg);
}

/*
 * Open the store of --replay at --at (else its last frame). Before the
 * screen starts: a store that cannot be read is said on standard error.
 */
int
tui_replay_open(struct tui *t)
{
	struct tui_replay	*rp;
	char			*dir, err[512];
	const char		*tp;
	double			 first, last, c0;

	if ((dir = t->o->replay_dir != NULL ? xstrdup(t->o->replay_dir) :
	    record_default_dir()) == NULL) {
		fprintf(stderr, _("vigil: --replay: no store given and neither XDG_STATE_HOME nor HOME is set\n"));
		return (-1);
	}
	rp = xcalloc(1, sizeof *rp);
	/* For bench/bench_record.sh: the CPU each move costs. */
	if ((tp = getenv("VIGIL_REPLAY_TIMES")) != NULL && *tp != '\0')
		rp->times = fopen(tp, "a");
	c0 = replay_cpu();
	rp->rd = record_reader_open(dir, replay_warn, rp, err, sizeof err);
	free(dir);
	if (rp->rd == NULL || record_reader_span(rp->rd, &first,
	    &last) != 0) {
		fprintf(stderr, "vigil: --replay: %s\n", rp->rd == NULL ? err :
		    _("the store has no frame"));
		record_reader_free(rp->rd);
		if (rp->times != NULL)
			fclose(rp->times);
		free(rp);
		return (-1);
	}
	t->replay = rp;
	/* What changes a process is refused: the one shown may be gone. */
	t->o->readonly = 1;
	action_set_replay(1);
	replay_goto(t, t->o->at != 0 ? t->o->at : last);
	replay_time(rp, "open", c0);
	return (0);
}

void
tui_replay_free(struct tui *t)
{
	if (t->replay == NULL)
		return;
	record_reader_free(t->replay->rd);
	if (t->replay->times != NULL)
		fclose(t->replay->times);
	free(t->replay);
	t->replay = NULL;
}

/*
 * Show the last frame at or before when (the first frame if none is):
 * a fresh model fed the frames of the REPLAY_BEFORE seconds before it, so
 * its rates and sparklines are those the live monitor had then.
 */
static void
replay_goto(struct tui *t, double when)
{
	struct tui_replay		*rp = t->replay;
	const struct record_frame	*f;

	refresh_reset(t->r);
	t->m = refresh_model(t->r);
	rp->cur = rp->prev = rp->next = 0;
	rp->ahead = NULL;
	record_reader_seek(rp->rd, when - REPLAY_BEFORE);
	while (record_reader_next(rp->rd, &f) == 1) {
		if (f->wall > when + 1e-3 && rp->cur != 0) {
			rp->next = f->wall;
			rp->ahead = f;
			break;
		}
		replay_feed(t->r, f);
		rp->prev = rp->cur;
		rp->cur = f->wall;
	}
	tui_apply_view(t);
	if (rp->warning[0] != '\0') {
		tui_status(t, 1, "%s", rp->warning);
		rp->warning[0] = '\0';
	}
}

/*
 * A frame forward without a rebuild: the frame after the one shown was
 * decoded already by the last read (the reader keeps it until its next
 * read), so the model takes just that one, as the live monitor takes a
 * tick, and one more read finds the frame after it.
 */
static void
replay_forward(struct tui *t)
{
	struct tui_replay		*rp = t->replay;
	const struct record_frame	*f = rp->ahead;

	replay_feed(t->r, f);
	rp->prev = rp->cur;
	rp->cur = f->wall;
	rp->next = 0;
	rp->ahead = NULL;
	if (record_reader_next(rp->rd, &f) == 1) {
		rp->next = f->wall;
		rp->ahead = f;
	}
	tui_apply_view(t);
	if (rp->warning[0] != '\0') {
		tui_status(t, 1, "%s", rp->warning);
		rp->warning[0] = '\0';
	}
}

/* CPU seconds used by this process so far. */
static double
replay_cpu(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
}

/* "step 1.234" (CPU ms since c0) to VIGIL_REPLAY_TIMES, if set. */
static void
replay_time(struct tui_replay *rp, const char *what, double c0)
{
	if (rp->times == NULL)
		return;
	fprintf(rp->times, "%s %.3f\n", what, (replay_cpu() - c0) * 1e3);
	fflush(rp->times);
}

int
tui_replaying(const struct tui *t)
{
	return (t->replay != NULL);
}

/* A frame forward (dir 1) or back (-1). */
void
tui_replay_step(struct tui *t, int dir)
{
	struct tui_replay	*rp = t->replay;
	double			 c0;

	if (rp == NULL) {
		tui_status(t, 1, _("not replaying: vigil --replay opens a recording"));
		return;
	}
	c0 = replay_cpu();
	if (dir > 0 && rp->next == 0) {
		/* The recorder may have written more since. */
		replay_goto(t, rp->cur + 1e9);
		if (rp->next == 0)
			tui_status(t, 0, _("the last frame recorded"));
		replay_time(rp, "step", c0);
		return;
	}
	if (dir < 0 && rp->prev == 0) {
		tui_status(t, 0, _("the first frame recorded"));
		return;
	}
	if (dir > 0 && rp->ahead != NULL)
		replay_forward(t);
	else
		replay_goto(t, dir > 0 ? rp->next : rp->prev);
	replay_time(rp, dir > 0 ? "step" : "back", c0);
}

/* Seconds forward (or back, negative): the frame at or before that time. */
void
tui_replay_jump(struct tui *t, double secs)
{
	if (t->replay == NULL) {
		tui_status(t, 1, _("not replaying: vigil --replay opens a recording"));
		return;
	}
	double	c0 = replay_cpu();

	replay_goto(t, t->replay->cur + secs);
	replay_time(t->replay, "jump", c0);
}

/* "REPLAY host 2026-12-03 19:14:17" at the right of the first row. */
void
tui_replay_draw(struct tui *t)
{
	struct tui_replay	*rp = t->replay;
	char			 when[32], text[128];
	time_t			 s;
	struct tm		 tm;
	int			 len;

	if (rp == NULL)
		return;
	s = (time_t)rp->cur;
	localtime_r(&s, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	if (rp->playing)
		len = snprintf(text, sizeof text, " %s %s%dx %.32s %s ",
		    _("REPLAY"), t->utf8 ? "\xe2\x96\xb6 " : "> ",
		    replay_speeds[rp->speed], record_reader_host(rp->rd), when);
	else
		len = snprintf(text, sizeof text, " %s %.32s %s ",
		    _("REPLAY"), record_reader_host(rp->rd), when);
	if (len >= (int)sizeof text)
		len = sizeof text - 1;
	if (len > t->cols)
		len = t->cols;
	attron(A_REVERSE | A_BOLD);
	mvaddnstr(0, t->cols - len, text, len);
	attroff(A_REVERSE | A_BOLD);
}

/* w: play from the frame shown, or pause. */
void
tui_replay_play(struct tui *t)
{
	struct tui_replay	*rp = t->replay;

	if (rp == NULL) {
		tui_status(t, 1, _("not replaying: vigil --replay opens a recording"));
		return;
	}
	rp->playing = !rp->playing;
	rp->play_at = rp->cur;
	rp->play_clock = tui_clock();
	tui_status(t, 0, rp->playing ? _("playing at %dx") : _("paused"),
	    replay_speeds[rp->speed]);
}

/* W: the next speed, from the moment shown. */
void
tui_replay_speed(struct tui *t)
{
	struct tui_replay	*rp = t->replay;

	if (rp == NULL) {
		tui_status(t, 1, _("not replaying: vigil --replay opens a recording"));
		return;
	}
	rp->speed = (rp->speed + 1) % (int)nitems(replay_speeds);
	rp->play_at = rp->cur;
	rp->play_clock = tui_clock();
	tui_status(t, 0, _("play speed %dx"), replay_speeds[rp->speed]);
}

/*
 * The refresh tick while playing: the frames recorded up to the time
 * reached at this speed, each fed as a step is, so playing costs what
 * stepping does. At the last frame recorded, play stops there.
 */
void
tui_replay_tick(struct tui *t)
{
	struct tui_replay	*rp = t->replay;
	double			 now;

	if (rp == NULL || !rp->playing)
		return;
	now = tui_clock();
	rp->play_at += (now - rp->play_clock) * replay_speeds[rp->speed];
	rp->play_clock = now;
	while (rp->ahead != NULL && rp->next <= rp->play_at + 1e-3)
		replay_forward(t);
	if (rp->ahead == NULL) {
		rp->playing = 0;
		tui_status(t, 0, _("the last frame recorded"));
	}
}

/* g: a prompt for a time, in the grammar of --at. */
void
tui_replay_goto_start(struct tui *t)
{
	if (t->replay == NULL) {
		tui_status(t, 1, _("not replaying: vigil --replay opens a recording"));
		return;
	}
	t->mode = MODE_GOTO;
	buf_reset(&t->input);
}

void
tui_replay_goto_key(struct tui *t, int c)
{
	char	ch, err[256];
	double	when, c0;

	if (c == ESC) {
		t->mode = MODE_NORMAL;
		return;
	}
	if (c == '\r' || c == '\n' || c == KEY_ENTER) {
		t->mode = MODE_NORMAL;
		if (when_parse(buf_str(&t->input), (double)time(NULL),
		    &when) != 0) {
			tui_status(t, 1, "%s", when_error(err, sizeof err,
			    "g", buf_str(&t->input)));
			return;
		}
		c0 = replay_cpu();
		replay_goto(t, when);
		t->replay->play_at = t->replay->cur;
		replay_time(t->replay, "goto", c0);
		return;
	}
	if (c == KEY_BACKSPACE || c == 127 || c == 8) {
		if (t->input.len > 0)
			t->input.data[--t->input.len] = '\0';
	} else if (c == 21)		/* Ctrl-U */
		buf_reset(&t->input);
	else if (c >= 32 && c < 127) {
		ch = c;
		buf_add(&t->input, &ch, 1);
	}
}
