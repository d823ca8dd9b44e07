/* Prompts (search, filter), the signal picker and confirmation, pickers. */

#include "vigil.h"

#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "buf.h"
#include "model.h"
#include "refresh.h"
#include "rx.h"
#include "ui-int.h"
#include "xalloc.h"

#define ESC	27

static void	pick_box(struct tui *, const char *, size_t);
static size_t	pick_count(struct tui *);

/* --- Search and filter prompts -------------------------------------- */

static int
prompt_backspace(int c)
{
	return (c == KEY_BACKSPACE || c == 127 || c == 8);
}

/* Remove the last character, whole, from the input. */
static void
prompt_erase(struct buf *b)
{
	while (b->len > 0) {
		unsigned char last = b->data[--b->len];

		if ((last & 0xc0) != 0x80)
			break;
	}
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

/*
 * The editing keys every prompt shares: Backspace takes the last
 * character, Ctrl-U the whole line. 1 if c was one of them.
 */
int
tui_input_edit(struct tui *t, int c)
{
	if (prompt_backspace(c))
		prompt_erase(&t->input);
	else if (c == 21)		/* Ctrl-U */
		buf_reset(&t->input);
	else
		return (0);
	return (1);
}

/* Select the first match at or after the selection. */
static void
prompt_search_from(struct tui *t, size_t from)
{
	size_t		 i, n = t->m->nview;

	for (i = 0; i < n; i++) {
		if (model_proc_match(t->m->view[(from + i) % n].p,
		    t->search)) {
			tui_select_user(t, (from + i) % n);
			return;
		}
	}
}

/*
 * Compile what has been typed so far. A pattern pcre2 refuses leaves the
 * search or filter as it was and shows pcre2's message.
 */
static void
prompt_update(struct tui *t)
{
	struct rx	*rx = NULL;
	char		 err[200];
	const char	*pat = buf_str(&t->input);

	t->status[0] = '\0';
	if (*pat != '\0' && (rx = rx_compile(pat, RX_SMARTCASE, err,
	    sizeof err)) == NULL) {
		tui_status(t, 1, _("invalid pattern %s"), err);
		return;
	}
	if (t->mode == MODE_LOG_SEARCH || t->mode == MODE_LOG_FILTER) {
		tui_logpane_pattern(t, t->mode == MODE_LOG_FILTER, rx);
		return;
	}
	if (t->mode == MODE_SEARCH) {
		rx_free(t->search);
		t->search = rx;
		if (rx != NULL)
			prompt_search_from(t, t->sel);
		return;
	}
	t->vo->filter = rx;
	rx_free(t->filter);
	t->filter = rx;
	tui_apply_view(t);
}

void
tui_prompt_key(struct tui *t, int c)
{
	char	ch;

	if (c == ESC) {
		if (t->mode == MODE_FILTER || t->mode == MODE_LOG_FILTER) {
			/* Put back the filter there was before editing. */
			buf_reset(&t->input);
			buf_adds(&t->input, buf_str(&t->saved_filter));
			prompt_update(t);
		}
		t->status[0] = '\0';
		t->mode = MODE_NORMAL;
		return;
	}
	if (c == '\r' || c == '\n' || c == KEY_ENTER) {
		t->mode = MODE_NORMAL;
		return;
	}
	if (t->mode == MODE_SEARCH && (c == KEY_F(3) || c == KEY_DOWN)) {
		if (t->search != NULL)
			prompt_search_from(t, t->sel + 1);
		return;
	}
	if (t->mode == MODE_LOG_SEARCH && (c == KEY_F(3) || c == KEY_UP)) {
		tui_logpane_search_older(t);
		return;
	}
	if (!tui_input_edit(t, c)) {
		if (c < 32 || c >= 256 || c == 127)
			return;
		ch = c;
		buf_add(&t->input, &ch, 1);
	}
	prompt_update(t);
}

void
tui_prompt_draw(struct tui *t)
{
	const char	*label = t->mode == MODE_SEARCH ? _("Search: ") :
			    t->mode == MODE_FILTER ? _("Filter: ") :
			    t->mode == MODE_DELAY ? _("Delay (seconds): ") :
			    t->mode == MODE_GOTO ?
			    _("Go to (as --at: 03:10, 3h ago): ") :
			    t->mode == MODE_LOG_SEARCH ? _("Log search: ") :
			    _("Log filter: ");
	int		 y = t->rows - 1, x, w;

	move(y, 0);
	clrtoeol();
	x = tui_cstr(t, y, 0, strlen(label), label, tui_attr(t, C_FLABEL));
	w = t->cols - x;
	if (t->status[0] != '\0' && t->status_error) {
		/* The pattern, then pcre2's message. */
		x += tui_textp(t, y, x, w, t->input.data != NULL ?
		    t->input.data : "", t->input.len, A_BOLD, 0);
		if (x < t->cols - 2)
			tui_cstr(t, y, x + 2, t->cols - x - 2, t->status,
			    tui_attr(t, C_ERROR));
		return;
	}
	tui_textp(t, y, x, w, t->input.data != NULL ? t->input.data : "",
	    t->input.len, A_BOLD, 0);
}

/* --- Kill: signal picker, then confirmation -------------------------- */

static void
kill_target(struct action_target *a, const struct proc *p)
{
	memset(a, 0, sizeof *a);
	a->pid = p->pid;
	a->start = p->start;
	a->thread = p->thread;
	snprintf(a->comm, sizeof a->comm, "%s", p->comm);
}

/*
 * The tagged processes, or else the selected one, as the user sees them
 * now, into t->targets: what an action (kill, renice, affinity, I/O
 * priority) applies to, each by PID and start time.
 */
void
tui_targets_gather(struct tui *t)
{
	struct proc	*p;
	size_t		 i, n = 0;

	free(t->targets);
	t->targets = NULL;
	t->ntargets = 0;
	for (i = 0; i < t->m->nrows; i++)
		n += t->m->rows[i]->tagged != 0;
	if (n > 0) {
		t->targets = xreallocarray(NULL, n, sizeof *t->targets);
		for (i = 0; i < t->m->nrows; i++) {
			if (t->m->rows[i]->tagged)
				kill_target(&t->targets[t->ntargets++],
				    t->m->rows[i]);
		}
	} else if ((p = tui_selected(t)) != NULL) {
		t->targets = xmalloc(sizeof *t->targets);
		kill_target(&t->targets[t->ntargets++], p);
	}
}

void
tui_kill_start(struct tui *t)
{
	const char	*why;
	size_t		 i;

	tui_targets_gather(t);
	if ((why = action_kill.refuse(t->targets, t->ntargets)) != NULL) {
		tui_status(t, 1, "%s", why);
		return;
	}
	for (i = 0; i < action_nsignals; i++) {
		if (action_signals[i].signo == SIGTERM)
			t->pick = i;
	}
	t->pick_top = 0;
	t->mode = MODE_SIGNAL;
}

static void
kill_confirm_text(struct tui *t, char *out, size_t len)
{
	const struct action_signal	*s = &action_signals[t->pick];
	const struct action_target	*a = t->targets;
	char				 who[128];

	if (t->ntargets == 1)
		snprintf(who, sizeof who, _("process %d (%s)"), a->pid,
		    a->comm);
	else
		snprintf(who, sizeof who, _("%zu tagged processes"),
		    t->ntargets);
	if (t->confirm_stage == 0)
		snprintf(out, len, _("Send %s (%d) to %s? [y/N]"), s->name,
		    s->signo, who);
	else
		snprintf(out, len,
		    _("This includes PID 1 or vigil itself. Really send %s to %s? [y/N]"),
		    s->name, who);
}

/* Up and Down in a list of n items; returns 1 if c was one of them. */
static int
pick_move(struct tui *t, int c, size_t n)
{
	if (c == KEY_UP && t->pick > 0)
		t->pick--;
	else if (c == KEY_DOWN && t->pick + 1 < n)
		t->pick++;
	return (c == KEY_UP || c == KEY_DOWN);
}

void
tui_signal_key(struct tui *t, int c)
{
	char	text[256];

	if (pick_move(t, c, action_nsignals))
		return;
	switch (c) {
	case ESC:
	case 'q':
		t->mode = MODE_NORMAL;
		tui_status(t, 0, _("nothing was sent"));
		return;
	case '\r':
	case '\n':
	case KEY_ENTER:
		t->confirm_stage = 0;
		t->mode = MODE_CONFIRM;
		kill_confirm_text(t, text, sizeof text);
		tui_status(t, 0, "%s", text);
		t->status_until = 1e18;	/* until answered */
		return;
	}
}

/* Send; what happened goes in msg. Returns 1 if any target failed. */
static int
kill_send(struct tui *t, char *msg, size_t len)
{
	const struct action_signal	*s = &action_signals[t->pick];
	char				 err[200] = "";
	size_t				 i, sent = 0, failed = 0;

	for (i = 0; i < t->ntargets; i++) {
		if (action_kill_one(&t->targets[i], s->signo, err,
		    sizeof err) == 0)
			sent++;
		else
			failed++;
	}
	if (failed > 0 && t->ntargets == 1)
		snprintf(msg, len, "%s", err);
	else if (failed > 0)
		snprintf(msg, len, _("sent %s to %zu of %zu; last error: %s"),
		    s->name, sent, t->ntargets, err);
	else if (t->ntargets == 1)
		snprintf(msg, len, _("sent %s to %d (%s)"), s->name,
		    t->targets[0].pid, t->targets[0].comm);
	else
		snprintf(msg, len, _("sent %s to %zu processes"), s->name,
		    sent);
	return (failed > 0);
}

void
tui_confirm_key(struct tui *t, int c)
{
	char	text[256], msg[512];
	int	failed;

	if (c != 'y' && c != 'Y') {
		t->mode = MODE_NORMAL;
		tui_status(t, 0, _("nothing was sent"));
		return;
	}
	if (t->confirm_stage == 0 &&
	    action_needs_second_confirm(t->targets, t->ntargets)) {
		t->confirm_stage = 1;
		kill_confirm_text(t, text, sizeof text);
		tui_status(t, 1, "%s", text);
		t->status_until = 1e18;
		return;
	}
	t->mode = MODE_NORMAL;
	failed = kill_send(t, msg, sizeof msg);
	refresh_tick(t->r);
	tui_apply_view(t);
	/* What happened, over the "exited" of a target that is gone. */
	tui_status(t, failed, "%s", msg);
}

void
tui_signal_draw(struct tui *t)
{
	char	item[32];
	size_t	i;
	int	y;

	pick_box(t, _("Send signal:"), action_nsignals);
	for (y = 0; y < t->table_h - 1; y++) {
		i = t->pick_top + y;
		if (i >= action_nsignals)
			break;
		snprintf(item, sizeof item, "%3d %s", action_signals[i].signo,
		    action_signals[i].name);
		tui_cstr(t, t->table_y + y, 0, 20, item, i == t->pick ?
		    tui_attr(t, C_SELECTED) : tui_attr(t, C_DIALOG));
	}
}

/* --- Pickers: sort column, user, columns ----------------------------- */

static int
pick_cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char * const *)a, *(char * const *)b));
}

void
tui_sort_start(struct tui *t)
{
	t->pick = t->vo->sort;
	t->pick_top = 0;
	t->mode = MODE_SORT;
}

void
tui_users_free(struct tui *t)
{
	size_t	i;

	for (i = 0; i < t->nusers; i++)
		free(t->users[i]);
	free(t->users);
	t->users = NULL;
	t->nusers = 0;
}

void
tui_user_start(struct tui *t)
{
	const char	*u;
	size_t		 i, j;

	tui_users_free(t);
	for (i = 0; i < t->m->nrows; i++) {
		if ((u = t->m->rows[i]->user) == NULL)
			continue;
		for (j = 0; j < t->nusers && strcmp(t->users[j], u) != 0; j++)
			;
		if (j < t->nusers)
			continue;
		t->users = xreallocarray(t->users, t->nusers + 1,
		    sizeof *t->users);
		t->users[t->nusers++] = xstrdup(u);
	}
	qsort(t->users, t->nusers, sizeof *t->users, pick_cmp_str);
	t->pick = 0;
	t->pick_top = 0;
	t->mode = MODE_USER;
}

void
tui_setup_start(struct tui *t)
{
	t->pick = 0;
	t->pick_top = 0;
	t->mode = MODE_SETUP;
}

static size_t
pick_count(struct tui *t)
{
	switch (t->mode) {
	case MODE_SORT:
		return (COL__COUNT);
	case MODE_USER:
		return (t->nusers + 1);
	case MODE_SETUP:
		return (tui_nall_columns - 1);	/* Command always shows */
	default:
		return (0);
	}
}

static int
pick_shown(struct tui *t, const struct tui_column *c)
{
	size_t	i;

	for (i = 0; i < t->ncolumns; i++) {
		if (t->columns[i] == c)
			return (1);
	}
	return (0);
}

/* Show or hide a column, keeping the table's order of columns. */
static void
pick_toggle_column(struct tui *t, const struct tui_column *c)
{
	struct buf	b = BUF_INITIALIZER;
	size_t		i;

	for (i = 0; i < tui_nall_columns; i++) {
		const struct tui_column *a = &tui_all_columns[i];
		int on = pick_shown(t, a);

		if (a == c)
			on = !on;
		if (on) {
			buf_adds(&b, a->name);
			buf_addc(&b, ' ');
		}
	}
	tui_columns_parse(t, buf_str(&b));
	buf_free(&b);
}

static void
pick_choose(struct tui *t)
{
	switch (t->mode) {
	case MODE_SORT:
		t->vo->sort = t->pick;
		t->vo->descending = model_col_descending(t->pick);
		t->mode = MODE_NORMAL;
		tui_apply_view(t);
		break;
	case MODE_USER:
		if (t->pick == 0)
			t->vo->uid = -1;
		else {
			size_t i;

			for (i = 0; i < t->m->nrows; i++) {
				const char *u = t->m->rows[i]->user;

				if (u != NULL &&
				    strcmp(u, t->users[t->pick - 1]) == 0) {
					t->vo->uid = t->m->rows[i]->uid;
					break;
				}
			}
		}
		t->mode = MODE_NORMAL;
		tui_apply_view(t);
		break;
	case MODE_SETUP:
		pick_toggle_column(t, &tui_all_columns[t->pick]);
		break;
	default:
		break;
	}
}

void
tui_pick_key(struct tui *t, int c)
{
	if (pick_move(t, c, pick_count(t)))
		return;
	switch (c) {
	case ESC:
	case 'q':
	case KEY_F(10):
		if (t->mode == MODE_SETUP) {
			char	err[200];

			/* The column choice persists in the config file. */
			if (tui_config_save(t, err, sizeof err) != 0)
				tui_status(t, 1,
				    _("could not save the columns: %s"), err);
			else
				tui_status(t, 0, _("columns saved"));
		}
		t->mode = MODE_NORMAL;
		return;
	case ' ':
	case '\r':
	case '\n':
	case KEY_ENTER:
		pick_choose(t);
		return;
	}
}

static void
pick_box(struct tui *t, const char *title, size_t n)
{
	int	y, h = t->table_h;

	if (h < 2)
		return;
	if (t->pick < t->pick_top)
		t->pick_top = t->pick;
	if (t->pick >= t->pick_top + (h - 1))
		t->pick_top = t->pick - (h - 2);
	tui_cstr(t, t->table_y - 1, 0, 20, title, tui_attr(t, C_HEADER));
	for (y = 0; y < h; y++)
		tui_fill(t->table_y + y, 0, 20, tui_attr(t, C_DIALOG));
	(void)n;
}

void
tui_pick_draw(struct tui *t)
{
	char	item[64];
	size_t	n = pick_count(t), i;
	int	y;

	pick_box(t, t->mode == MODE_SORT ? _("Sort by:") :
	    t->mode == MODE_USER ? _("Show user:") : _("Columns:"), n);
	for (y = 0; y < t->table_h - 1; y++) {
		i = t->pick_top + y;
		if (i >= n)
			break;
		if (t->mode == MODE_SORT)
			snprintf(item, sizeof item, "%s", model_col_name(i));
		else if (t->mode == MODE_USER)
			snprintf(item, sizeof item, "%s", i == 0 ?
			    _("All users") : t->users[i - 1]);
		else
			snprintf(item, sizeof item, "[%c] %s",
			    pick_shown(t, &tui_all_columns[i]) ? 'x' : ' ',
			    tui_all_columns[i].name);
		tui_cstr(t, t->table_y + y, 0, 20, item, i == t->pick ?
		    tui_attr(t, C_SELECTED) : tui_attr(t, C_DIALOG));
	}
}
