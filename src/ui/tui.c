/* The interactive monitor: screen setup, the loop's callbacks, drawing. */

#include "vigil.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "alarm.h"
#include "loop.h"
#include "model.h"
#include "options.h"
#include "recordcmd.h"
#include "refresh.h"
#include "rx.h"
#include "sample.h"
#include "spawn.h"
#include "tui.h"
#include "ui-int.h"
#include "xalloc.h"

#define TUI_STATUS_SECONDS	5

static void	tui_colors(struct tui *);
static void	tui_tick(void *);
static void	tui_input(int, short, void *);
static void	tui_signal(int, void *);
static void	tui_layout(struct tui *);
static void	tui_bottom(struct tui *);

double
tui_clock(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

void
tui_status(struct tui *t, int error, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(t->status, sizeof t->status, fmt, ap);
	va_end(ap);
	t->status_error = error;
	t->status_until = tui_clock() + TUI_STATUS_SECONDS;
}

static void
tui_colors(struct tui *t)
{
	static const struct {
		enum tui_color	c;
		short		fg, bg;
	} pairs[] = {
		{ C_HEADER, COLOR_BLACK, COLOR_GREEN },
		{ C_SELECTED, COLOR_BLACK, COLOR_CYAN },
		{ C_LABEL, COLOR_CYAN, -1 },
		{ C_BAR_USER, COLOR_GREEN, -1 },
		{ C_BAR_NICE, COLOR_BLUE, -1 },
		{ C_BAR_SYSTEM, COLOR_RED, -1 },
		{ C_BAR_IOWAIT, COLOR_WHITE, -1 },
		{ C_BAR_IRQ, COLOR_YELLOW, -1 },
		{ C_BAR_STEAL, COLOR_CYAN, -1 },
		{ C_MEM_USED, COLOR_GREEN, -1 },
		{ C_MEM_BUFFERS, COLOR_BLUE, -1 },
		{ C_MEM_CACHE, COLOR_YELLOW, -1 },
		{ C_SWAP, COLOR_RED, -1 },
		{ C_SPARK_CPU, COLOR_GREEN, -1 },
		{ C_SPARK_MEM, COLOR_MAGENTA, -1 },
		{ C_BASENAME, COLOR_CYAN, -1 },
		{ C_TREE, COLOR_CYAN, -1 },
		{ C_TAGGED, COLOR_YELLOW, -1 },
		{ C_KTHREAD, COLOR_GREEN, -1 },
		{ C_STATE_R, COLOR_GREEN, -1 },
		{ C_STATE_D, COLOR_RED, -1 },
		{ C_FKEY, COLOR_WHITE, COLOR_BLACK },
		{ C_FLABEL, COLOR_BLACK, COLOR_CYAN },
		{ C_STATUS, COLOR_BLACK, COLOR_YELLOW },
		{ C_ERROR, COLOR_WHITE, COLOR_RED },
		{ C_MATCH, COLOR_BLACK, COLOR_YELLOW },
		{ C_DIALOG, COLOR_BLACK, COLOR_WHITE },
		{ C_ALARM_INFO, COLOR_BLACK, COLOR_CYAN },
		{ C_ALARM_WARN, COLOR_BLACK, COLOR_YELLOW },
		{ C_ALARM_CRIT, COLOR_WHITE, COLOR_RED },
		{ C_COMM, COLOR_MAGENTA, -1 },
	};
	size_t	i;
	short	bg;

	t->color = !t->o->no_color && has_colors();
	if (!t->color)
		return;
	start_color();
	/* -1 is the terminal's own background, where the terminal has it. */
	bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
	for (i = 0; i < nitems(pairs); i++)
		init_pair(pairs[i].c, pairs[i].fg, pairs[i].bg == -1 ? bg :
		    pairs[i].bg);
}

/* Header, title row, process rows, and the bottom line. */
static void
tui_layout(struct tui *t)
{
	int	h;

	getmaxyx(stdscr, t->rows, t->cols);
	h = tui_header_height(t);
	/* A line for the alarm banner while any alarm fires. */
	if (alarm_active(refresh_alarms(t->r), NULL, 0) > 0 && t->rows >= 8) {
		t->banner_y = h;
		h++;
	} else
		t->banner_y = -1;
	t->table_y = h + 1;
	t->table_h = t->rows - t->table_y - 1;
	if (t->table_h < 0)
		t->table_h = 0;
	t->table_h = tui_logpane_layout(t, t->table_y, t->table_h);
}

struct proc *
tui_selected(struct tui *t)
{
	if (t->sel >= t->m->nview)
		return (NULL);
	return (t->m->view[t->sel].p);
}

/* Select row i and scroll so it is visible. */
void
tui_select_index(struct tui *t, size_t i)
{
	struct proc	*p;

	if (t->m->nview == 0) {
		t->sel = t->top = 0;
		return;
	}
	if (i >= t->m->nview)
		i = t->m->nview - 1;
	t->sel = i;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->table_h > 0 && t->sel >= t->top + t->table_h)
		t->top = t->sel - t->table_h + 1;
	if (t->top + t->table_h > t->m->nview)
		t->top = t->m->nview > (size_t)t->table_h ?
		    t->m->nview - t->table_h : 0;
	p = t->m->view[t->sel].p;
	t->sel_pid = p->pid;
	t->sel_start = p->start;
	snprintf(t->sel_comm, sizeof t->sel_comm, "%s", p->comm);
}

/*
 * Select row i because the user moved or searched there: from now on the
 * selection stays on that process while rows move under it, so a key
 * pressed a moment later acts on what the user saw selected.
 */
void
tui_select_user(struct tui *t, size_t i)
{
	tui_select_index(t, i);
	t->sel_user = t->m->nview > 0;
}

/*
 * Rebuild the view, then place the selection: on the same process once
 * the user has moved to it (or follows it with F), as htop does; before
 * that, on the same row. When that process has exited, the status line
 * says so and the row now at its place is selected.
 */
void
tui_apply_view(struct tui *t)
{
	const struct proc	*p;
	size_t			 i;
	int			 keep;

	/* The detail pane and the kill dialogs stay on their process. */
	keep = t->follow || t->sel_user || t->mode == MODE_DETAIL ||
	    t->mode == MODE_SIGNAL || t->mode == MODE_CONFIRM ||
	    t->mode == MODE_RESTART || t->mode == MODE_HEAP ||
	    t->mode == MODE_AFFINITY || t->mode == MODE_IOPRIO;
	refresh_view(t->r);
	if (keep && t->sel_pid > 0) {
		for (i = 0; i < t->m->nview; i++) {
			if (t->m->view[i].p->pid == t->sel_pid &&
			    t->m->view[i].p->start == t->sel_start) {
				tui_select_index(t, i);
				return;
			}
		}
		/* Gone from the view: exited, or hidden by a filter. */
		p = model_find(t->m, t->sel_pid);
		if (p == NULL || p->start != t->sel_start || p->state == 'Z')
			tui_status(t, 0, _("process %d (%s) exited"),
			    t->sel_pid, t->sel_comm);
		t->follow = 0;
		if (t->mode == MODE_DETAIL || t->mode == MODE_HEAP)
			return;	/* the pane says it has exited */
	}
	tui_select_index(t, t->sel);
}

int
tui_alarm_color(int severity)
{
	return (severity == SEV_CRIT ? C_ALARM_CRIT : severity == SEV_WARN ?
	    C_ALARM_WARN : C_ALARM_INFO);
}

/*
 * The banner: the worst and newest firing alarm, and how many more, in
 * the colour of the worst severity ("3 alarms: [crit] hot: java (42); ...").
 */
static void
tui_banner(struct tui *t)
{
	struct alarm_active	 act[4];
	struct buf		 b = BUF_INITIALIZER;
	size_t			 n, i, k;
	static const char	*sev[] = { "info", "warn", "crit" };

	n = alarm_active(refresh_alarms(t->r), act, nitems(act));
	if (n == 0 || t->banner_y < 0)
		return;
	if (n > 1)
		buf_printf(&b, _("%zu alarms: "), n);
	k = n < nitems(act) ? n : nitems(act);
	for (i = 0; i < k; i++) {
		buf_printf(&b, "%s[%s] %s: %s", i > 0 ? "; " : "",
		    sev[act[i].rule->severity], alarm_rule_name(act[i].rule),
		    act[i].what);
	}
	if (n > k)
		buf_adds(&b, "; ...");
	/* what is raw: tui_text escapes it. */
	tui_text(t, t->banner_y, 0, t->cols, buf_str(&b), b.len,
	    tui_attr(t, tui_alarm_color(act[0].rule->severity)));
	buf_free(&b);
}

struct tui_hint {
	const char	*key;
	const char	*label;
};

static void
tui_bottom(struct tui *t)
{
	static const struct tui_hint lpkeys[] = {
		{ "Tab", N_("Table") }, { "/", N_("Search") },
		{ "n N", N_("Next") }, { "\\", N_("Filter") },
		{ "p", N_("Pin") }, { "z", N_("Zoom") },
		{ "[ ]", N_("Size") }, { "End", N_("Follow") },
		{ "l", N_("Close") },
	};
	static const struct tui_hint stkeys[] = {
		{ "Tab", N_("Table") }, { "/", N_("Search") },
		{ "n N", N_("Next") }, { "\\", N_("Filter") },
		{ "z", N_("Zoom") }, { "[ ]", N_("Size") },
		{ "End", N_("Follow") }, { "s Esc", N_("Stop") },
	};
	static const struct tui_hint fkeys[] = {
		{ "F1", N_("Help") }, { "F2", N_("Setup") },
		{ "F3", N_("Search") }, { "F4", N_("Filter") },
		{ "F5", N_("Tree") }, { "F6", N_("SortBy") },
		{ "F9", N_("Kill") }, { "F10", N_("Quit") },
	};
	const struct tui_hint	*keys;
	size_t			 i, n;
	int			 y = t->rows - 1, x = 0, w;

	if (t->mode == MODE_SEARCH || t->mode == MODE_FILTER ||
	    t->mode == MODE_DELAY || t->mode == MODE_GOTO ||
	    t->mode == MODE_LOG_SEARCH || t->mode == MODE_LOG_FILTER) {
		tui_prompt_draw(t);
		return;
	}
	if (t->status[0] != '\0' && tui_clock() < t->status_until) {
		tui_cstr(t, y, 0, t->cols, t->status,
		    tui_attr(t, t->status_error ? C_ERROR : C_STATUS));
		return;
	}
	t->status[0] = '\0';
	move(y, 0);
	clrtoeol();
	keys = t->lp.shown && t->lp.focus ? lpkeys : fkeys;
	n = t->lp.shown && t->lp.focus ? nitems(lpkeys) : nitems(fkeys);
	if (t->lp.shown && t->lp.focus && tui_strace_shown(t)) {
		keys = stkeys;
		n = nitems(stkeys);
	}
	for (i = 0; i < n && x < t->cols; i++) {
		/* The pane's keys are words: a space before the label. */
		w = strlen(keys[i].key) + (keys != fkeys);
		x += tui_cstr(t, y, x, w, keys[i].key, tui_attr(t, C_FKEY));
		w = strlen(_(keys[i].label)) + 1;
		if (x + w > t->cols)
			w = t->cols - x;
		x += tui_cstr(t, y, x, w, _(keys[i].label),
		    tui_attr(t, C_FLABEL));
	}
	if (x < t->cols && t->vo->filter != NULL) {
		char	note[128];

		snprintf(note, sizeof note, _(" filter: %s"),
		    rx_pattern(t->vo->filter));
		tui_cstr(t, y, x, t->cols - x, note, A_BOLD);
	}
}

void
tui_draw(struct tui *t)
{
	tui_layout(t);
	erase();
	switch (t->mode) {
	case MODE_HELP:
		tui_help_draw(t);
		break;
	case MODE_DETAIL:
		tui_detail_draw(t);
		break;
	case MODE_HEAP:
		tui_heap_draw(t);
		break;
	case MODE_PROFILE:
		tui_profile_draw(t);
		if (t->status[0] != '\0' && tui_clock() < t->status_until)
			tui_bottom(t);
		else
			tui_profile_bottom(t);
		break;
	case MODE_ALARMS:
		tui_alarms_draw(t);
		break;
	case MODE_FILES:
		tui_files_draw(t);
		break;
	default:
		tui_logpane_follow(t, 0);
		if (t->lp.shown && t->lp.full) {
			tui_logpane_draw(t);
			tui_bottom(t);
			break;
		}
		tui_header_draw(t, t->banner_y >= 0 ? t->banner_y :
		    t->table_y - 1);
		tui_replay_draw(t);
		tui_banner(t);
		if (tui_column_shown(t, COL_SHR))
			refresh_shr(t->r, t->top, t->table_h);
		tui_table_draw(t);
		tui_logpane_draw(t);
		if (t->mode == MODE_SIGNAL)
			tui_signal_draw(t);
		else if (t->mode == MODE_RESTART)
			tui_restart_draw(t);
		else if (t->mode == MODE_AFFINITY || t->mode == MODE_IOPRIO)
			tui_sched_draw(t);
		else if (t->mode == MODE_SORT || t->mode == MODE_USER ||
		    t->mode == MODE_SETUP)
			tui_pick_draw(t);
		tui_bottom(t);
		break;
	}
	refresh();
}

static void
tui_logs_redraw(void *arg)
{
	struct tui	*t = arg;

	t->log_pending = 0;
	tui_draw(t);
}

/*
 * New lines: drawn within a tenth of a second, and no more often than
 * that however fast the log grows.
 */
static void
tui_logs(int fd, short revents, void *arg)
{
	struct tui	*t = arg;

	refresh_logs_read(t->r);
	if (!t->lp.shown || tui_strace_shown(t))
		return;
	tui_redraw_soon(t);
}

void
tui_redraw_soon(struct tui *t)
{
	if (t->log_pending)
		return;
	t->log_pending = 1;
	if (t->log_timer <= 0)
		t->log_timer = loop_add_timer(t->loop, 0.1, 0,
		    tui_logs_redraw, t);
	else
		loop_rearm_timer(t->loop, t->log_timer, 0.1);
}

/*
 * End a child a pane reads (the profiler, strace): its pipe closed first,
 * so one blocked writing to it gets EPIPE, then spawn_end() (SIGTERM, and
 * SIGKILL after wait seconds), reaped either way.
 */
void
tui_child_end(struct tui *t, int *fd, pid_t *child, double wait)
{
	if (*fd != -1) {
		loop_del_fd(t->loop, *fd);
		close(*fd);
		*fd = -1;
	}
	if (*child > 0) {
		spawn_end(*child, wait);
		*child = 0;
	}
}

static void
tui_logs_poll(void *arg)
{
	struct tui	*t = arg;

	refresh_logs_poll(t->r);
}

static void
tui_tick(void *arg)
{
	struct tui	*t = arg;

	refresh_set_statm(t->r, t->vo->sort == COL_SHR);
	refresh_set_io(t->r, tui_wants_io(t));
	/* Replay: the frame stays until a key moves it. */
	if (!tui_replaying(t))
		refresh_tick(t->r);
	else
		tui_replay_tick(t);	/* playing: on by recorded time */
	tui_alarm_events(t);
	tui_apply_view(t);
	tui_logpane_follow(t, 1);	/* files opened since */
	tui_files_tick(t);
	tui_draw(t);
	loop_rearm_timer(t->loop, t->timer, t->o->delay / 10.0);
}

static void
tui_input(int fd, short revents, void *arg)
{
	struct tui	*t = arg;
	int		 c;

	if (revents & (POLLHUP | POLLERR)) {
		loop_exit(t->loop, 0);	/* the terminal went away */
		return;
	}
	while ((c = getch()) != ERR) {
		tui_key(t, c);
		tui_settings_sync(t);	/* what the key changed is saved */
		if (t->quit) {
			loop_exit(t->loop, 0);
			return;
		}
	}
	tui_draw(t);
}

static void
tui_signal(int signo, void *arg)
{
	struct tui	*t = arg;
	struct winsize	 ws;

	if (signo == SIGWINCH) {
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
		    ws.ws_row > 0 && ws.ws_col > 0)
			resizeterm(ws.ws_row, ws.ws_col);
		clearok(curscr, TRUE);
		tui_layout(t);
		tui_select_index(t, t->sel);
		tui_draw(t);
		return;
	}
	loop_exit(t->loop, signo == SIGINT ? 0 : 128 + signo);
}

/* What the start had to say (a log rule's missing file), on the status line. */
static void
tui_start_warnings(struct tui *t)
{
	const char	*w;
	size_t		 n;

	if ((w = refresh_warning(t->r, 0)) == NULL)
		return;
	for (n = 1; refresh_warning(t->r, n) != NULL; n++)
		;
	if (n == 1)
		tui_status(t, 1, "%s", w);
	else
		tui_status(t, 1,
		    _("%s (and %zu more: vigil --batch -n 1 lists them)"), w,
		    n - 1);
	/* Longer than a key's answer: it may be the first thing read. */
	t->status_until = tui_clock() + TUI_STATUS_SECONDS * 6;
}

int
tui_run(struct options *o)
{
	struct tui	 t;
	SCREEN		*screen;
	double		 delay;
	int		 status;

	memset(&t, 0, sizeof t);
	t.o = o;
	/* The file's rules, logs and settings join the command line's. */
	tui_config_read(&t);
	delay = o->delay / 10.0;
	/* Bad -F patterns and --alarm rules are usage errors, terminal or not. */
	if ((t.r = refresh_new(o)) == NULL) {
		config_free(&t.cfg);
		tui_alarms_close(&t);
		return (2);
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, _("vigil: the monitor needs a terminal; use --batch for snapshots\n"));
		config_free(&t.cfg);
		tui_alarms_close(&t);
		refresh_free(t.r);
		return (1);
	}
	t.m = refresh_model(t.r);
	t.vo = refresh_view_opts(t.r);
	if (o->replay && tui_replay_open(&t) != 0) {
		config_free(&t.cfg);
		tui_alarms_close(&t);
		refresh_free(t.r);
		return (1);
	}
	t.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	tui_columns_default(&t);
	tui_config_load(&t);
	/* --io: the I/O screen first, in the order -s gives if given. */
	if (o->io) {
		tui_screen_switch(&t);
		if (o->sort_given) {
			t.vo->sort = o->sort;
			t.vo->descending = o->descending;
		}
	}

	/*
	 * With TERM=linux ncurses would ask gpm for the mouse: the mouse of
	 * the console of this machine, not of the SSH client's terminal (and
	 * libgpm leaks on the way). A user who wants gpm sets the variable.
	 */
	setenv("NCURSES_GPM_TERMS", "", 0);
	if ((screen = newterm(NULL, stdout, stdin)) == NULL) {
		fprintf(stderr, _("vigil: cannot use terminal type '%s'\n"),
		    getenv("TERM") != NULL ? getenv("TERM") : "");
		tui_alarms_close(&t);
		refresh_free(t.r);
		return (1);
	}
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	/* No typeahead check: it polls stdin every few lines of a refresh. */
	typeahead(-1);
	tui_colors(&t);
	/*
	 * Until the screen has been suspended and resumed once, ncurses 6
	 * flushes its output at every cursor movement: tens of write(2)
	 * calls a refresh instead of one. Going through endwin() once, before
	 * anything is drawn, puts it in its running state.
	 */
	endwin();
	refresh();
	if (!o->no_mouse)
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED |
		    BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);

	t.loop = loop_new();
	loop_add_fd(t.loop, STDIN_FILENO, POLLIN, tui_input, &t);
	loop_add_signal(t.loop, SIGWINCH, tui_signal, &t);
	loop_add_signal(t.loop, SIGINT, tui_signal, &t);
	loop_add_signal(t.loop, SIGTERM, tui_signal, &t);
	loop_add_signal(t.loop, SIGHUP, tui_signal, &t);
	/* The log pane adds sources at any time: have the set from now. */
	refresh_logs(t.r);
	if (refresh_logs_fd(t.r) != -1) {
		loop_add_fd(t.loop, refresh_logs_fd(t.r), POLLIN, tui_logs,
		    &t);
		loop_add_timer(t.loop, 1, 1, tui_logs_poll, &t);
	}

	/* A first look at once, then real deltas after a short interval. */
	if (!o->replay) {
		replay_prefill(t.r, o);
		refresh_tick(t.r);
	}
	tui_layout(&t);
	tui_apply_view(&t);
	tui_start_warnings(&t);
	tui_draw(&t);
	t.timer = loop_add_timer(t.loop, delay < 0.5 ? delay : 0.5, 0,
	    tui_tick, &t);
	status = loop_run(t.loop);

	endwin();
	delscreen(screen);
	tui_heap_free(&t);	/* before the loop: it ends a child's fd */
	tui_profile_close(&t);		/* uses the loop */
	tui_strace_close(&t);		/* strace detaches, and is reaped */
	tui_files_close(&t);
	loop_free(t.loop);
	tui_detail_close(&t);
	tui_logpane_free(&t);
	tui_restart_free(&t);
	tui_users_free(&t);
	tui_sched_free(&t);
	rx_free(t.search);
	rx_free(t.filter);
	free(t.targets);
	buf_free(&t.input);
	buf_free(&t.saved_filter);
	buf_free(&t.scratch);
	tui_alarms_close(&t);
	tui_replay_free(&t);
	if (t.live != NULL)
		refresh_unstash(t.r, t.live);
	refresh_free(t.r);
	return (status);
}
