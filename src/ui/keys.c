/* The key table: every key of the main screen, and the help built from it. */

#include "vigil.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "action.h"
#include "loop.h"
#include "model.h"
#include "options.h"
#include "refresh.h"
#include "rx.h"
#include "tui.h"
#include "ui-int.h"

struct tui_key {
	int		 keys[3];	/* 0 ends the list */
	const char	*label;
	const char	*help;
	void		(*fn)(struct tui *);
};

#define ESC	27

static void	key_quit(struct tui *);
static void	key_help(struct tui *);
static void	key_up(struct tui *);
static void	key_down(struct tui *);
static void	key_pgup(struct tui *);
static void	key_pgdn(struct tui *);
static void	key_home(struct tui *);
static void	key_end(struct tui *);
static void	key_tree(struct tui *);
static void	key_screen(struct tui *);
static void	key_collapse(struct tui *);
static void	key_expand(struct tui *);
static void	key_expand_all(struct tui *);
static void	key_sort_pick(struct tui *);
static void	key_sort_prev(struct tui *);
static void	key_sort_next(struct tui *);
static void	key_sort_cpu(struct tui *);
static void	key_sort_mem(struct tui *);
static void	key_sort_time(struct tui *);
static void	key_invert(struct tui *);
static void	key_search(struct tui *);
static void	key_search_next(struct tui *);
static void	key_filter(struct tui *);
static void	key_user(struct tui *);
static void	key_follow(struct tui *);
static void	key_tag(struct tui *);
static void	key_tag_children(struct tui *);
static void	key_untag(struct tui *);
static void	key_threads(struct tui *);
static void	key_kthreads(struct tui *);
static void	key_detail(struct tui *);
static void	key_kill(struct tui *);
static void	key_nice_lower(struct tui *);
static void	key_nice_raise(struct tui *);
static void	key_affinity(struct tui *);
static void	key_ioprio(struct tui *);
static void	key_restart(struct tui *);
static void	key_heap(struct tui *);
static void	key_setup(struct tui *);
static void	key_redraw(struct tui *);
static void	key_logs(struct tui *);
static void	key_profile(struct tui *);
static void	key_strace(struct tui *);
static void	key_files(struct tui *);
static void	key_escape(struct tui *);
static void	key_logs_focus(struct tui *);
static void	key_alarms(struct tui *);
static void	key_delay(struct tui *);
static void	key_replay_back(struct tui *);
static void	key_replay_fwd(struct tui *);
static void	key_replay_min_back(struct tui *);
static void	key_replay_min_fwd(struct tui *);
static void	key_replay_hour_back(struct tui *);
static void	key_replay_hour_fwd(struct tui *);

static const struct tui_key tui_keys[] = {
	{ { KEY_UP, 0 }, N_("Up"), N_("select the process above"), key_up },
	{ { KEY_DOWN, 0 }, N_("Down"), N_("select the process below"),
	    key_down },
	{ { KEY_PPAGE, 0 }, N_("PgUp"), N_("one page up"), key_pgup },
	{ { KEY_NPAGE, 0 }, N_("PgDn"), N_("one page down"), key_pgdn },
	{ { KEY_HOME, 0 }, N_("Home"), N_("first process"), key_home },
	{ { KEY_END, 0 }, N_("End"), N_("last process"), key_end },
	{ { '/', KEY_F(3), 0 }, N_("/ F3"),
	    N_("search the command lines (PCRE2, as you type)"), key_search },
	{ { 'n', 0 }, N_("n"), N_("next search match"), key_search_next },
	{ { '\\', KEY_F(4), 0 }, N_("\\ F4"),
	    N_("filter: show only matching processes (empty: all)"),
	    key_filter },
	{ { 't', KEY_F(5), 0 }, N_("t F5"), N_("tree view on/off"), key_tree },
	{ { 'v', 0 }, N_("v"),
	    N_("main screen or I/O screen: read/write rates per process"),
	    key_screen },
	{ { '-', 0 }, N_("-"), N_("collapse the selected subtree"),
	    key_collapse },
	{ { '+', '=', 0 }, N_("+"), N_("expand the selected subtree"),
	    key_expand },
	{ { '*', 0 }, N_("*"), N_("expand every subtree"), key_expand_all },
	{ { KEY_F(6), 0 }, N_("F6"), N_("choose the sort column"),
	    key_sort_pick },
	{ { '<', ',', 0 }, N_("< >"), N_("sort by the previous/next column"),
	    key_sort_prev },
	{ { '>', '.', 0 }, NULL, NULL, key_sort_next },
	{ { 'P', 0 }, N_("P"), N_("sort by CPU%"), key_sort_cpu },
	{ { 'M', 0 }, N_("M"), N_("sort by MEM%"), key_sort_mem },
	{ { 'T', 0 }, N_("T"), N_("sort by TIME+"), key_sort_time },
	{ { 'I', 0 }, N_("I"), N_("invert the sort order"), key_invert },
	{ { 'u', 0 }, N_("u"), N_("show one user's processes"), key_user },
	{ { 'F', 0 }, N_("F"), N_("follow the selected process"), key_follow },
	{ { ' ', 0 }, N_("Space"), N_("tag or untag the selected process"),
	    key_tag },
	{ { 'c', 0 }, N_("c"), N_("tag the selected process and its children"),
	    key_tag_children },
	{ { 'U', 0 }, N_("U"), N_("untag every process"), key_untag },
	{ { 'H', 0 }, N_("H"), N_("show or hide threads"), key_threads },
	{ { 'K', 0 }, N_("K"), N_("show or hide kernel threads"),
	    key_kthreads },
	{ { '\r', '\n', 'i' }, N_("Enter i"),
	    N_("details of the selected process"), key_detail },
	{ { 'k', KEY_F(9), 0 }, N_("k F9"),
	    N_("send a signal to the selected or tagged processes"), key_kill },
	{ { ']', KEY_F(7), 0 }, N_("] F7"),
	    N_("renice: nice -1, a higher priority (needs CAP_SYS_NICE)"),
	    key_nice_lower },
	{ { '[', KEY_F(8), 0 }, N_("[ F8"),
	    N_("renice: nice +1, a lower priority"),
	    key_nice_raise },
	{ { 'a', 0 }, N_("a"),
	    N_("CPU affinity (taskset) of the selected or tagged processes"),
	    key_affinity },
	{ { 'o', 0 }, N_("o"),
	    N_("I/O priority (ionice, htop's i) of the selected or tagged processes"),
	    key_ioprio },
	{ { 'f', 0 }, N_("f"),
	    N_("profile the selected process: live hot functions and call tree"),
	    key_profile },
	{ { 'R', 0 }, N_("R"),
	    N_("restart the selected process (its vigil run supervisor, systemd, or in place)"),
	    key_restart },
	{ { 'm', 0 }, N_("m"),
	    N_("heap snapshot of the selected process, and its growth since the last"),
	    key_heap },
	{ { 's', 0 }, N_("s"),
	    N_("strace the selected process in a pane (s or Esc stops it; not with --readonly)"),
	    key_strace },
	{ { 'L', 0 }, N_("L"),
	    N_("open files of the selected process, sockets by their addresses (lsof)"),
	    key_files },
	{ { 'S', KEY_F(2), 0 }, N_("S F2"),
	    N_("choose the columns (saved in the config file)"), key_setup },
	{ { 'l', 0 }, N_("l"),
	    N_("log pane on/off: the selected process's log files and --log files"),
	    key_logs },
	{ { '\t', 0 }, N_("Tab"),
	    N_("move between the process table and the log pane"),
	    key_logs_focus },
	{ { 'd', 0 }, N_("d"),
	    N_("set the refresh delay in seconds (saved in the config file)"),
	    key_delay },
	{ { '!', 0 }, N_("!"),
	    N_("alarm list: a acknowledges, s silences the selected alarm"),
	    key_alarms },
	{ { 'h', '?', KEY_F(1) }, N_("h ? F1"), N_("this help"), key_help },
	{ { 12, 0 }, N_("Ctrl-L"), N_("redraw the screen"), key_redraw },
	{ { 'q', KEY_F(10), 0 }, N_("q F10"), N_("quit"), key_quit },
	{ { ESC, 0 }, NULL, NULL, key_escape },
	{ { '(', 0 }, N_("( )"),
	    N_("replay: the previous/next frame; live, ( { 9 g open the recording"),
	    key_replay_back },
	{ { ')', 0 }, NULL, NULL, key_replay_fwd },
	{ { '{', 0 }, N_("{ }"), N_("replay: a minute back/forward"),
	    key_replay_min_back },
	{ { '}', 0 }, NULL, NULL, key_replay_min_fwd },
	/* The keys under ( and ) on most layouts. */
	{ { '9', 0 }, N_("9 0"), N_("replay: an hour back/forward"),
	    key_replay_hour_back },
	{ { '0', 0 }, NULL, NULL, key_replay_hour_fwd },
	{ { 'w', 0 }, N_("w"), N_("replay: play or pause, by recorded time"),
	    tui_replay_play },
	{ { 'W', 0 }, N_("W"), N_("replay: play speed 1x, 10x, 60x, 600x"),
	    tui_replay_speed },
	{ { 'g', 0 }, N_("g"),
	    N_("replay: go to a time (as --at: 2026-12-02 03:10, 3h ago)"),
	    tui_replay_goto_start },
	{ { 'b', 0 }, N_("b"),
	    N_("replay from live: back to live, its history as it was"),
	    tui_replay_live },
};

/* The log pane's own keys, while it has focus; the others as above. */
static const struct tui_key tui_lp_keys[] = {
	{ { KEY_UP, 0 }, N_("Up Down"), N_("scroll the log by a line"),
	    tui_logpane_up },
	{ { KEY_DOWN, 0 }, NULL, NULL, tui_logpane_down },
	{ { KEY_PPAGE, 0 }, N_("PgUp PgDn"),
	    N_("scroll the log by a page; following pauses until the bottom"),
	    tui_logpane_pgup },
	{ { KEY_NPAGE, 0 }, NULL, NULL, tui_logpane_pgdn },
	{ { KEY_HOME, 0 }, N_("Home"), N_("the oldest lines kept"),
	    tui_logpane_home },
	{ { KEY_END, 0 }, N_("End"), N_("the newest lines, following again"),
	    tui_logpane_end },
	{ { '/', KEY_F(3), 0 }, N_("/ F3"),
	    N_("search the log, matches highlighted (PCRE2, as you type)"),
	    tui_logpane_search },
	{ { 'n', 0 }, N_("n N"), N_("older/newer match"),
	    tui_logpane_search_older },
	{ { 'N', 0 }, NULL, NULL, tui_logpane_search_newer },
	{ { '\\', KEY_F(4), 0 }, N_("\\ F4"),
	    N_("show only matching log lines (empty: all)"),
	    tui_logpane_filter },
	{ { 'p', 0 }, N_("p"),
	    N_("pin the log sources: keep them when the selection moves"),
	    tui_logpane_pin },
	{ { 'z', 0 }, N_("z"), N_("log pane full screen or split"),
	    tui_logpane_zoom },
	{ { '[', 0 }, N_("[ ]"), N_("make the split smaller/larger"),
	    tui_logpane_shrink },
	{ { ']', 0 }, NULL, NULL, tui_logpane_grow },
	{ { ESC, 0 }, N_("Esc"),
	    N_("back to the process table (the strace pane: strace stops, the pane closes)"),
	    tui_logpane_unfocus },
};

static void
key_quit(struct tui *t)
{
	t->quit = 1;
}

static void
key_help(struct tui *t)
{
	t->mode = MODE_HELP;
	t->help_scroll = 0;
}

static void
key_redraw(struct tui *t)
{
	clearok(curscr, TRUE);
}

static void
key_up(struct tui *t)
{
	if (t->sel > 0)
		tui_select_user(t, t->sel - 1);
}

static void
key_down(struct tui *t)
{
	tui_select_user(t, t->sel + 1);
}

static void
key_pgup(struct tui *t)
{
	size_t	h = t->table_h > 1 ? t->table_h - 1 : 1;

	t->top = t->top > h ? t->top - h : 0;
	tui_select_user(t, t->sel > h ? t->sel - h : 0);
}

static void
key_pgdn(struct tui *t)
{
	size_t	h = t->table_h > 1 ? t->table_h - 1 : 1;

	t->top += h;
	tui_select_user(t, t->sel + h);
}

static void
key_home(struct tui *t)
{
	tui_select_user(t, 0);
}

static void
key_end(struct tui *t)
{
	tui_select_user(t, t->m->nview > 0 ? t->m->nview - 1 : 0);
}

static void
key_tree(struct tui *t)
{
	t->vo->tree = !t->vo->tree;
	t->follow = 1;		/* keep the same process selected */
	tui_apply_view(t);
	t->follow = 0;
}

/*
 * The other screen (htop's tabs). The I/O counters are read from now on
 * if it needs them, at once, so its rates show after one more refresh;
 * the selection stays on its process.
 */
void
tui_screen_show(struct tui *t)
{
	tui_screen_switch(t);
	if (tui_wants_io(t) && !refresh_io(t->r)) {
		refresh_set_io(t->r, 1);
		refresh_tick(t->r);
		/* The first rates over a whole delay, not what is left of one. */
		loop_rearm_timer(t->loop, t->timer, t->o->delay / 10.0);
	}
	t->follow = 1;
	tui_apply_view(t);
	t->follow = 0;
	tui_status(t, 0, t->screen == SCREEN_IO ?
	    _("I/O screen, sorted by %s (v: main screen)") :
	    _("main screen, sorted by %s (v: I/O screen)"),
	    model_col_name(t->vo->sort));
}

static void
key_screen(struct tui *t)
{
	tui_screen_show(t);
}

static void
key_fold(struct tui *t, int collapsed)
{
	struct proc	*p = tui_selected(t);

	if (p == NULL || !t->vo->tree)
		return;
	p->collapsed = collapsed;
	tui_apply_view(t);
}

static void
key_collapse(struct tui *t)
{
	key_fold(t, 1);
}

static void
key_expand(struct tui *t)
{
	key_fold(t, 0);
}

static void
key_expand_all(struct tui *t)
{
	size_t	i;

	for (i = 0; i < t->m->nrows; i++)
		t->m->rows[i]->collapsed = 0;
	tui_apply_view(t);
}

static void
key_sort_by(struct tui *t, enum model_col col, int descending)
{
	t->vo->sort = col;
	t->vo->descending = descending;
	tui_apply_view(t);
	tui_status(t, 0, _("sorted by %s%s"), model_col_name(col),
	    descending ? "" : _(" (ascending)"));
}

static void
key_sort_pick(struct tui *t)
{
	tui_sort_start(t);
}

/*
 * The columns on screen, in screen order, for < and >: the next one that
 * sorts differently (the history columns sort as CPU% and MEM% do).
 */
static void
key_sort_step(struct tui *t, int step)
{
	size_t	i, j, n = t->ncolumns, cur = 0;

	for (i = 0; i < n; i++) {
		if (t->columns[i]->sort == t->vo->sort) {
			cur = i;
			break;
		}
	}
	for (j = 1; j <= n; j++) {
		i = (cur + n * 2 + step * (long)j) % n;
		if (t->columns[i]->sort != t->vo->sort)
			break;
	}
	key_sort_by(t, t->columns[i]->sort,
	    model_col_descending(t->columns[i]->sort));
}

static void
key_sort_prev(struct tui *t)
{
	key_sort_step(t, -1);
}

static void
key_sort_next(struct tui *t)
{
	key_sort_step(t, 1);
}

static void
key_sort_cpu(struct tui *t)
{
	key_sort_by(t, COL_CPU, 1);
}

static void
key_sort_mem(struct tui *t)
{
	key_sort_by(t, COL_MEM, 1);
}

static void
key_sort_time(struct tui *t)
{
	key_sort_by(t, COL_TIME, 1);
}

static void
key_invert(struct tui *t)
{
	key_sort_by(t, t->vo->sort, !t->vo->descending);
}

static void
key_search(struct tui *t)
{
	t->mode = MODE_SEARCH;
	buf_reset(&t->input);
}

/* Select the next row whose command line matches the search. */
static void
key_search_next(struct tui *t)
{
	size_t		 i, n = t->m->nview;

	if (t->search == NULL || n == 0)
		return;
	for (i = 1; i <= n; i++) {
		if (model_proc_match(t->m->view[(t->sel + i) % n].p,
		    t->search)) {
			tui_select_user(t, (t->sel + i) % n);
			return;
		}
	}
	tui_status(t, 1, _("no match for %s"), rx_pattern(t->search));
}

static void
key_filter(struct tui *t)
{
	t->mode = MODE_FILTER;
	buf_reset(&t->saved_filter);
	if (t->vo->filter != NULL)
		buf_adds(&t->saved_filter, rx_pattern(t->vo->filter));
	buf_reset(&t->input);
	buf_adds(&t->input, buf_str(&t->saved_filter));
}

static void
key_user(struct tui *t)
{
	tui_user_start(t);
}

static void
key_follow(struct tui *t)
{
	t->follow = !t->follow;
	tui_status(t, 0, t->follow ? _("following the selected process") :
	    _("not following"));
}

static void
key_tag(struct tui *t)
{
	struct proc	*p = tui_selected(t);

	if (p == NULL)
		return;
	p->tagged = !p->tagged;
	key_down(t);
}

/* Tag a process and everything below it in the tree (by PPID). */
static void
key_tag_children(struct tui *t)
{
	struct proc	*p = tui_selected(t), *q, *a;
	size_t		 i;

	if (p == NULL)
		return;
	p->tagged = 1;
	for (i = 0; i < t->m->nrows; i++) {
		q = t->m->rows[i];
		for (a = model_find(t->m, q->ppid); a != NULL && a != q;
		    a = a->ppid != a->pid ? model_find(t->m, a->ppid) : NULL) {
			if (a == p) {
				q->tagged = 1;
				break;
			}
			if (a->pid <= 1)
				break;
		}
	}
}

static void
key_untag(struct tui *t)
{
	size_t	i;

	for (i = 0; i < t->m->nrows; i++)
		t->m->rows[i]->tagged = 0;
}

static void
key_replay_back(struct tui *t)
{
	tui_replay_step(t, -1);
}

static void
key_replay_fwd(struct tui *t)
{
	tui_replay_step(t, 1);
}

static void
key_replay_min_back(struct tui *t)
{
	tui_replay_jump(t, -60);
}

static void
key_replay_min_fwd(struct tui *t)
{
	tui_replay_jump(t, 60);
}

static void
key_replay_hour_back(struct tui *t)
{
	tui_replay_jump(t, -3600);
}

static void
key_replay_hour_fwd(struct tui *t)
{
	tui_replay_jump(t, 3600);
}

static void
key_threads(struct tui *t)
{
	if (tui_replaying(t)) {
		tui_status(t, 1, _("replay: threads were not recorded"));
		return;
	}
	refresh_set_threads(t->r, !t->vo->show_threads);
	refresh_tick(t->r);
	tui_apply_view(t);
	tui_status(t, 0, t->vo->show_threads ? _("showing threads") :
	    _("hiding threads"));
}

static void
key_kthreads(struct tui *t)
{
	t->vo->show_kthreads = !t->vo->show_kthreads;
	tui_apply_view(t);
	tui_status(t, 0, t->vo->show_kthreads ?
	    _("showing kernel threads") : _("hiding kernel threads"));
}

static void
key_detail(struct tui *t)
{
	if (tui_selected(t) != NULL)
		tui_detail_open(t);
}

static void
key_kill(struct tui *t)
{
	if (t->o->readonly) {
		tui_status(t, 1, "%s", action_readonly_refusal());
		return;
	}
	tui_kill_start(t);
}

static void
key_nice_lower(struct tui *t)
{
	tui_renice(t, -1);
}

static void
key_nice_raise(struct tui *t)
{
	tui_renice(t, 1);
}

static void
key_affinity(struct tui *t)
{
	tui_affinity_start(t);
}

static void
key_ioprio(struct tui *t)
{
	tui_ioprio_start(t);
}

static void
key_restart(struct tui *t)
{
	tui_restart_start(t);
}

static void
key_heap(struct tui *t)
{
	tui_heap_open(t);
}

static void
key_setup(struct tui *t)
{
	tui_setup_start(t);
}

static void
key_profile(struct tui *t)
{
	tui_profile_open(t);
}

static void
key_strace(struct tui *t)
{
	tui_strace_toggle(t);
}

static void
key_files(struct tui *t)
{
	tui_files_open(t);
}

/* Esc in the table: the strace pane stops, focused or not. */
static void
key_escape(struct tui *t)
{
	if (tui_strace_shown(t))
		tui_strace_close(t);
}

static void
key_logs(struct tui *t)
{
	tui_logpane_toggle(t);
}

static void
key_logs_focus(struct tui *t)
{
	if (!t->lp.shown) {
		tui_logpane_toggle(t);
		return;
	}
	t->lp.focus = !t->lp.focus;
	if (!t->lp.focus)
		t->lp.full = 0;
}

static void
key_alarms(struct tui *t)
{
	tui_alarms_open(t);
}

static void
key_delay(struct tui *t)
{
	tui_delay_start(t);
}

static void
key_mouse(struct tui *t)
{
	MEVENT	ev;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		key_up(t);
	else if (ev.bstate & BUTTON5_PRESSED)
		key_down(t);
	else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
		tui_table_click(t, ev.y, ev.x);
}

/* Run the entry of table tab bound to c; 0 if there is none. */
static int
key_find(const struct tui_key *tab, size_t n, struct tui *t, int c)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < nitems(tab[i].keys) && tab[i].keys[j] != 0;
		    j++) {
			if (tab[i].keys[j] == c) {
				tab[i].fn(t);
				return (1);
			}
		}
	}
	return (0);
}

/* One key, in whatever mode the screen is in. */
void
tui_key(struct tui *t, int c)
{
	size_t	page;

	switch (t->mode) {
	case MODE_SEARCH:
	case MODE_FILTER:
	case MODE_LOG_SEARCH:
	case MODE_LOG_FILTER:
		tui_prompt_key(t, c);
		return;
	case MODE_SIGNAL:
		tui_signal_key(t, c);
		return;
	case MODE_CONFIRM:
		tui_confirm_key(t, c);
		return;
	case MODE_RESTART:
		tui_restart_key(t, c);
		return;
	case MODE_SORT:
	case MODE_USER:
	case MODE_SETUP:
		tui_pick_key(t, c);
		return;
	case MODE_DETAIL:
		tui_detail_key(t, c);
		return;
	case MODE_HEAP:
		tui_heap_key(t, c);
		return;
	case MODE_PROFILE:
		tui_profile_key(t, c);
		return;
	case MODE_ALARMS:
		tui_alarms_key(t, c);
		return;
	case MODE_FILES:
		tui_files_key(t, c);
		return;
	case MODE_DELAY:
		tui_delay_key(t, c);
		return;
	case MODE_GOTO:
		tui_replay_goto_key(t, c);
		return;
	case MODE_AFFINITY:
	case MODE_IOPRIO:
		tui_sched_key(t, c);
		return;
	case MODE_HELP:
		/* A page is the key lines the help screen has room for. */
		page = t->rows > 5 ? (size_t)t->rows - 4 : 1;
		if (c == KEY_DOWN || c == KEY_NPAGE)
			t->help_scroll += c == KEY_DOWN ? 1 : page;
		else if (c == KEY_UP || c == KEY_PPAGE)
			t->help_scroll -= t->help_scroll < (c == KEY_UP ? 1U :
			    page) ? t->help_scroll : (c == KEY_UP ? 1 : page);
		else
			t->mode = MODE_NORMAL;
		return;
	case MODE_NORMAL:
		break;
	}
	if (c == KEY_MOUSE) {
		key_mouse(t);
		return;
	}
	if (c == KEY_RESIZE)
		return;
	if (tui_restart_pending_key(t, c))
		return;
	/* The pane's keys first while it has focus, then the table's. */
	if (t->lp.shown && t->lp.focus &&
	    key_find(tui_lp_keys, nitems(tui_lp_keys), t, c))
		return;
	key_find(tui_keys, nitems(tui_keys), t, c);
}

/*
 * The profile view's keys, for the help (src/ui/profview.c reads them
 * itself, in tui_profile_key()).
 */
static const struct tui_key tui_pv_keys[] = {
	{ { '\t', 0 }, N_("Tab"), N_("top functions or call tree"), NULL },
	{ { 'm', 0 }, N_("m"),
	    N_("mode: on-cpu (running threads; sampled with perf_event, "
	    "no thread stopped, where the kernel allows it; the title says "
	    "perf or ptrace), wall (every thread), off-cpu (waiting threads, "
	    "by their wait), both with ptrace; the sampler starts again"),
	    NULL },
	{ { ' ', 0 }, N_("Space"), N_("pause or resume the sampler"), NULL },
	{ { 'r', 0 }, N_("r"), N_("reset: count from now on"), NULL },
	{ { 's', 0 }, N_("s"),
	    N_("save: then s SVG, p pprof, f folded, j speedscope"), NULL },
};

/* The open files list's keys, for the help (filesview.c reads them). */
static const struct tui_key tui_fv_keys[] = {
	{ { KEY_UP, 0 }, N_("Up Down"), N_("scroll by a line"), NULL },
	{ { KEY_PPAGE, 0 }, N_("PgUp PgDn"), N_("scroll by a page"), NULL },
	{ { 'r', 0 }, N_("r"),
	    N_("read the list again (it is read again at every refresh)"),
	    NULL },
	{ { ESC, 'L', 'q' }, N_("Esc L q"), N_("back to the process table"),
	    NULL },
};

/* The tables, each under its heading, for --keys and the help screen. */
static const struct {
	const char		*heading;
	const struct tui_key	*keys;
	size_t			 n;
} tui_key_tables[] = {
	{ NULL, tui_keys, nitems(tui_keys) },
	{ N_("In the log pane (l, then Tab moves the focus) and the strace pane (s):"),
	    tui_lp_keys, nitems(tui_lp_keys) },
	{ N_("In the open files list (L):"), tui_fv_keys, nitems(tui_fv_keys) },
	{ N_("In the profile view (f):"), tui_pv_keys, nitems(tui_pv_keys) },
};

/* The key table as text, for --keys and the manual's test. */
void
tui_keys_print(FILE *f)
{
	const struct tui_key	*k;
	size_t			 i, j;

	for (i = 0; i < nitems(tui_key_tables); i++) {
		if (tui_key_tables[i].heading != NULL)
			fprintf(f, "\n%s\n", _(tui_key_tables[i].heading));
		for (j = 0; j < tui_key_tables[i].n; j++) {
			k = &tui_key_tables[i].keys[j];
			if (k->label != NULL)
				fprintf(f, "%-10s %s\n", _(k->label),
				    _(k->help));
		}
	}
}

/* The help screen, made from the key tables so it cannot drift. */
void
tui_help_draw(struct tui *t)
{
	const struct tui_key	*k;
	char			 line[256];
	size_t			 i, j, n = 0;
	int			 y = 2;

	snprintf(line, sizeof line,
	    _("vigil %s - keys (any other key returns; Up/Down scroll)"),
	    PACKAGE_VERSION);
	tui_cstr(t, 0, 0, t->cols, line, tui_attr(t, C_HEADER));
	/* Where it shows whatever the scroll and the size. */
	if (t->o->readonly)
		tui_cstr(t, 1, 1, t->cols - 1,
		    _("Read-only mode: actions are disabled."), A_BOLD);
	for (i = 0; i < nitems(tui_key_tables); i++) {
		if (tui_key_tables[i].heading != NULL &&
		    n++ >= t->help_scroll && y + 1 < t->rows) {
			tui_cstr(t, y + 1, 1, t->cols - 1,
			    _(tui_key_tables[i].heading), A_BOLD);
			y += 2;
		}
		for (j = 0; j < tui_key_tables[i].n && y < t->rows; j++) {
			k = &tui_key_tables[i].keys[j];
			if (k->label == NULL || n++ < t->help_scroll)
				continue;
			snprintf(line, sizeof line, "%-10s", _(k->label));
			tui_cstr(t, y, 1, 10, line, tui_attr(t, C_LABEL));
			tui_cstr(t, y, 12, t->cols - 12, _(k->help),
			    A_NORMAL);
			y++;
		}
	}
	if (y < t->rows - 1)
		tui_cstr(t, y + 1, 1, t->cols - 1,
		    _("Tagged processes are shown in yellow; actions apply to them when any are tagged."),
		    A_NORMAL);
}
