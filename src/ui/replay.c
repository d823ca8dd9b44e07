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
static int	replay_shown(struct tui *);
static void	replay_moved(struct tui *, double);
static void	replay_play_clock(struct tui_replay *);
static int	replay_more(struct tui_replay *);
static double	replay_cpu(void);
static void	replay_time(struct tui_replay *, const char *, double);

static void
replay_warn(const char *msg, void *arg)
{
	struct tui_replay	*rp = arg;

	snprintf(rp->warning, sizeof rp->warning, "%s", msg);
}

/* The store in dir, or NULL with err set. */
static struct tui_replay *
replay_store(const char *dir, double *last, char *err, size_t errlen)
{
	struct tui_replay	*rp;
	const char		*tp;
	double			 first;

	rp = xcalloc(1, sizeof *rp);
	/* For bench/bench_record.sh: the CPU each move costs. */
	if ((tp = getenv("VIGIL_REPLAY_TIMES")) != NULL && *tp != '\0')
		rp->times = fopen(tp, "a");
	rp->rd = record_reader_open(dir, replay_warn, rp, err, errlen);
	if (rp->rd == NULL || record_reader_span(rp->rd, &first, last) != 0) {
		if (rp->rd != NULL)
			snprintf(err, errlen, _("the store has no frame"));
		record_reader_free(rp->rd);
		if (rp->times != NULL)
			fclose(rp->times);
		free(rp);
		return (NULL);
	}
	return (rp);
}

/* Replay on: what changes a process is refused, the one shown may be gone. */
static void
replay_start(struct tui *t, struct tui_replay *rp, double when, double c0)
{
	t->replay = rp;
	t->live_readonly = t->o->readonly;
	t->o->readonly = 1;
	action_set_replay(1);
	replay_goto(t, when);
	replay_moved(t, when);
	replay_time(rp, "open", c0);
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
	double			 last, c0 = replay_cpu();

	if ((dir = t->o->replay_dir != NULL ? xstrdup(t->o->replay_dir) :
	    record_default_dir()) == NULL) {
		fprintf(stderr, _("vigil: --replay: no store given and neither XDG_STATE_HOME nor HOME is set\n"));
		return (-1);
	}
	rp = replay_store(dir, &last, err, sizeof err);
	free(dir);
	if (rp == NULL) {
		fprintf(stderr, "vigil: --replay: %s\n", err);
		return (-1);
	}
	replay_start(t, rp, t->o->at != 0 ? t->o->at : last, c0);
	return (0);
}

/*
 * From the live monitor, into the recorded past: the store of
 * --history-from (else the recorder's default), at back seconds before
 * now (0: its last frame). The live model and alarms are put aside, as
 * they were, until b brings them back. -1 if there is no recording, said.
 */
static int
replay_enter(struct tui *t, double back)
{
	struct tui_replay	*rp;
	struct timespec		 ts;
	const char		*from = t->o->history_from;
	char			*dir, err[512];
	double			 last, c0 = replay_cpu();

	if (from != NULL && strcmp(from, "none") != 0)
		dir = xstrdup(from);
	else if ((dir = record_default_dir()) == NULL) {
		tui_status(t, 1, _("no recording: neither XDG_STATE_HOME nor HOME is set"));
		return (-1);
	}
	if ((rp = replay_store(dir, &last, err, sizeof err)) == NULL) {
		tui_status(t, 1, _("no recording in %s (vigil record makes one): %s"),
		    dir, err);
		free(dir);
		return (-1);
	}
	free(dir);
	clock_gettime(CLOCK_REALTIME, &ts);
	t->live = refresh_stash(t->r);
	replay_start(t, rp, back == 0 ? last : ts.tv_sec - back, c0);
	if (back == 0)
		tui_status(t, 0, _("replay of the recording: b goes back to live"));
	return (0);
}

/* b: back to the live monitor, its history as it was left. */
void
tui_replay_live(struct tui *t)
{
	if (t->replay == NULL) {
		tui_status(t, 0, _("already live"));
		return;
	}
	if (t->live == NULL) {
		tui_status(t, 1, _("started with --replay: there is no live view to go back to"));
		return;
	}
	tui_replay_free(t);
	refresh_unstash(t->r, t->live);
	t->live = NULL;
	t->m = refresh_model(t->r);
	t->o->readonly = t->live_readonly;
	action_set_replay(0);
	/* The gap: the next refresh, at once, spans the time away. */
	refresh_tick(t->r);
	t->m = refresh_model(t->r);
	tui_apply_view(t);
	tui_status(t, 0, _("live"));
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
}

/*
 * A frame forward without a rebuild: the frame after the one shown was
 * decoded already by the last read (the reader keeps it until its next
 * read), so the model takes just that one, as the live monitor takes a
 * tick, and one more read finds the frame after it. The view is left to
 * replay_shown(), so that playing feeds many frames for one sort.
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
	replay_more(rp);
}

/*
 * After the last frame known: one more read, as the file being written
 * may have grown. 1 if a frame is ahead now.
 */
static int
replay_more(struct tui_replay *rp)
{
	const struct record_frame	*f;

	if (rp->ahead == NULL && record_reader_next(rp->rd, &f) == 1) {
		rp->next = f->wall;
		rp->ahead = f;
	}
	return (rp->ahead != NULL);
}

/*
 * The model as moved, on screen: the view made again, and the damage the
 * reader met, if any, said. 1 if it was.
 */
static int
replay_shown(struct tui *t)
{
	struct tui_replay	*rp = t->replay;

	tui_apply_view(t);
	if (rp->warning[0] == '\0')
		return (0);
	tui_status(t, 1, "%s", rp->warning);
	rp->warning[0] = '\0';
	return (1);
}

/*
 * After a key moved to when: the screen, and, if the store ends before
 * or begins after it, that the frame shown is its last or first. Play
 * goes on from there, not from where it had reached.
 */
static void
replay_moved(struct tui *t, double when)
{
	struct tui_replay	*rp = t->replay;

	if (!replay_shown(t)) {
		if (rp->cur > when + 1e-3)
			tui_status(t, 0, _("the first frame recorded"));
		else if (rp->next == 0 && when > rp->cur + 1e-3)
			tui_status(t, 0, _("the last frame recorded"));
	}
	rp->play_at = rp->cur;
	rp->play_clock = tui_clock();
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
		/* ( in the live monitor: the last frame recorded. */
		if (dir > 0)
			tui_status(t, 1, _("live: ( { 9 g go into the recorded past"));
		else
			replay_enter(t, 0);
		return;
	}
	c0 = replay_cpu();
	if (dir > 0 && rp->next == 0) {
		/* The recorder may have written more since. */
		replay_goto(t, rp->cur + 1e9);
		replay_moved(t, rp->cur);
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
	replay_moved(t, rp->cur);
	replay_time(rp, dir > 0 ? "step" : "back", c0);
}

/*
 * Seconds forward (or back, negative): the frame at or before that time;
 * past either end of the store, the frame at that end, saying so.
 */
void
tui_replay_jump(struct tui *t, double secs)
{
	struct tui_replay	*rp = t->replay;
	double			 c0, when;

	if (rp == NULL) {
		if (secs > 0)
			tui_status(t, 1, _("live: ( { 9 g go into the recorded past"));
		else
			replay_enter(t, -secs);
		return;
	}
	c0 = replay_cpu();
	when = rp->cur + secs;
	replay_goto(t, when);
	replay_moved(t, when);
	replay_time(rp, "jump", c0);
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

/* The recorded time play has reached by now, at the speed it had. */
static void
replay_play_clock(struct tui_replay *rp)
{
	double	now = tui_clock();

	if (rp->playing)
		rp->play_at += (now - rp->play_clock) *
		    replay_speeds[rp->speed];
	rp->play_clock = now;
}

/* w: play from the frame shown, or pause. At the last frame, say so. */
void
tui_replay_play(struct tui *t)
{
	struct tui_replay	*rp = t->replay;

	if (rp == NULL) {
		tui_status(t, 1, _("live: ( { 9 g go into the recorded past"));
		return;
	}
	if (!rp->playing && !replay_more(rp)) {
		tui_status(t, 0, _("the last frame recorded"));
		return;
	}
	rp->playing = !rp->playing;
	rp->play_at = rp->cur;
	rp->play_clock = tui_clock();
	if (rp->playing)
		tui_status(t, 0, _("playing at %dx"), replay_speeds[rp->speed]);
	else
		tui_status(t, 0, _("paused"));
}

/* W: the next speed, from the time play has reached. */
void
tui_replay_speed(struct tui *t)
{
	struct tui_replay	*rp = t->replay;

	if (rp == NULL) {
		tui_status(t, 1, _("live: ( { 9 g go into the recorded past"));
		return;
	}
	replay_play_clock(rp);
	rp->speed = (rp->speed + 1) % (int)nitems(replay_speeds);
	tui_status(t, 0, _("play speed %dx"), replay_speeds[rp->speed]);
}

/*
 * The refresh tick while playing: the frames recorded up to the time
 * reached at this speed, each fed as a step feeds it, the view made once
 * for them all. At the last frame recorded, play stops there.
 */
void
tui_replay_tick(struct tui *t)
{
	struct tui_replay	*rp = t->replay;
	int			 warned;

	if (rp == NULL || !rp->playing)
		return;
	replay_play_clock(rp);
	while (replay_more(rp) && rp->next <= rp->play_at + 1e-3)
		replay_forward(t);
	warned = replay_shown(t);
	if (rp->ahead == NULL) {
		rp->playing = 0;
		if (!warned)
			tui_status(t, 0, _("the last frame recorded"));
	}
}

/* g: a prompt for a time, in the grammar of --at. */
void
tui_replay_goto_start(struct tui *t)
{
	if (t->replay == NULL && replay_enter(t, 0) != 0)
		return;
	t->mode = MODE_GOTO;
	buf_reset(&t->input);
}

/* Enter: to that time (empty: nowhere); a time when_parse refuses stays. */
static void
replay_goto_enter(struct tui *t)
{
	struct tui_replay	*rp = t->replay;
	const char		*text = buf_str(&t->input);
	char			 err[256];
	double			 when, c0;

	t->mode = MODE_NORMAL;
	if (text[strspn(text, " ")] == '\0')
		return;
	if (when_parse(text, (double)time(NULL), &when) != 0) {
		tui_status(t, 1, "%s", when_error(err, sizeof err, "g", text));
		return;
	}
	c0 = replay_cpu();
	replay_goto(t, when);
	replay_moved(t, when);
	replay_time(rp, "goto", c0);
}

void
tui_replay_goto_key(struct tui *t, int c)
{
	char	ch;

	if (c == ESC) {
		t->mode = MODE_NORMAL;
		return;
	}
	if (c == '\r' || c == '\n' || c == KEY_ENTER) {
		replay_goto_enter(t);
		return;
	}
	if (tui_input_edit(t, c))
		return;
	if (c >= 32 && c < 127) {
		ch = c;
		buf_add(&t->input, &ch, 1);
	}
}
