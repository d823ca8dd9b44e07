/* The process table: columns, rows, tree lines and history sparklines. */

#include "vigil.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "fmt.h"
#include "alarm.h"
#include "model.h"
#include "options.h"
#include "refresh.h"
#include "sup.h"
#include "ui-int.h"

enum {
	TC_PID, TC_PPID, TC_USER, TC_PRI, TC_NI, TC_VIRT, TC_RES, TC_SHR,
	TC_STATE, TC_CPU, TC_MEM, TC_TIME, TC_THREADS, TC_IO_READ, TC_IO_WRITE,
	TC_RCHAR, TC_WCHAR, TC_IO, TC_CPU_HIST, TC_MEM_HIST, TC_COMM,
	TC_COMMAND
};

const struct tui_column tui_all_columns[] = {
	{ "PID", "PID", 7, 0, COL_PID, TC_PID },
	{ "PPID", "PPID", 7, 0, COL_PPID, TC_PPID },
	{ "USER", "USER", 8, 1, COL_USER, TC_USER },
	{ "PRI", "PRI", 3, 0, COL_PRIO, TC_PRI },
	{ "NI", "NI", 3, 0, COL_NICE, TC_NI },
	{ "VIRT", "VIRT", 5, 0, COL_VIRT, TC_VIRT },
	{ "RES", "RES", 5, 0, COL_RES, TC_RES },
	{ "SHR", "SHR", 5, 0, COL_SHR, TC_SHR },
	{ "S", "S", 1, 1, COL_STATE, TC_STATE },
	{ "CPU%", "CPU%", 5, 0, COL_CPU, TC_CPU },
	{ "MEM%", "MEM%", 4, 0, COL_MEM, TC_MEM },
	{ "TIME+", "TIME+", 9, 0, COL_TIME, TC_TIME },
	{ "THREADS", "THR", 4, 0, COL_THREADS, TC_THREADS },
	/* In the I/O screen's order: S keeps this order. */
	{ "IO_READ_RATE", "DISK R/s", 8, 0, COL_IO_READ, TC_IO_READ },
	{ "IO_WRITE_RATE", "DISK W/s", 8, 0, COL_IO_WRITE, TC_IO_WRITE },
	{ "RCHAR_RATE", "RCHAR/s", 7, 0, COL_IO_RCHAR, TC_RCHAR },
	{ "WCHAR_RATE", "WCHAR/s", 7, 0, COL_IO_WCHAR, TC_WCHAR },
	{ "IO", "IO/s", 7, 0, COL_IO, TC_IO },
	{ "CPU_HISTORY", "CPU-HIST", -1, 1, COL_CPU, TC_CPU_HIST },
	{ "MEM_HISTORY", "MEM-HIST", -1, 1, COL_RES, TC_MEM_HIST },
	{ "COMM", "COMM", 15, 1, COL_COMM, TC_COMM },
	{ "COMMAND", "Command", 0, 1, COL_CMDLINE, TC_COMMAND },
};
const size_t tui_nall_columns = nitems(tui_all_columns);

static const char *tui_default_columns =
    "PID USER PRI NI VIRT RES SHR S CPU% MEM% TIME+ CPU_HISTORY MEM_HISTORY COMMAND";

/* htop's I/O tab, without its I/O priority and delay accounting. */
static const char *tui_default_io_columns =
    "PID USER IO_READ_RATE IO_WRITE_RATE RCHAR_RATE WCHAR_RATE IO COMMAND";

/* The tabs on the title row, the one shown in brackets. */
static const char *table_tabs[] = { N_("Main"), N_("I/O") };

static int	table_width(const struct tui *, const struct tui_column *,
		    int);
static int	columns_parse(const char *, const struct tui_column **,
		    size_t *);

/*
 * Parse a space-separated column list (names as in the config file) for
 * the screen shown. COMMAND always ends the line. Returns 0, or -1
 * leaving the columns as they were.
 */
int
tui_columns_parse(struct tui *t, const char *list)
{
	return (columns_parse(list, t->columns, &t->ncolumns));
}

/* The same for the I/O screen, shown or not. */
int
tui_io_columns_parse(struct tui *t, const char *list)
{
	if (t->screen == SCREEN_IO)
		return (columns_parse(list, t->columns, &t->ncolumns));
	return (columns_parse(list, t->other.columns, &t->other.ncolumns));
}

static int
columns_parse(const char *list, const struct tui_column **out, size_t *nout)
{
	const struct tui_column	*cols[TUI_MAX_COLUMNS];
	char			 word[32];
	size_t			 n = 0, i, len;
	const char		*p = list;

	while (*p != '\0') {
		p += strspn(p, " \t,");
		if ((len = strcspn(p, " \t,")) == 0)
			break;
		if (len >= sizeof word)
			return (-1);
		memcpy(word, p, len);
		word[len] = '\0';
		p += len;
		for (i = 0; i < tui_nall_columns; i++) {
			if (strcasecmp(word, tui_all_columns[i].name) == 0)
				break;
		}
		if (i == tui_nall_columns || n == TUI_MAX_COLUMNS - 1)
			return (-1);
		if (tui_all_columns[i].id != TC_COMMAND)
			cols[n++] = &tui_all_columns[i];
	}
	cols[n++] = &tui_all_columns[TC_COMMAND];
	memcpy(out, cols, n * sizeof *cols);
	*nout = n;
	return (0);
}

/*
 * Show the other screen: its columns and its sort come in, the shown
 * one's wait. Filter, tree, tags and the selection stay.
 */
void
tui_screen_switch(struct tui *t)
{
	struct tui_screen	shown;

	memcpy(shown.columns, t->columns, sizeof shown.columns);
	shown.ncolumns = t->ncolumns;
	shown.sort = t->vo->sort;
	shown.descending = t->vo->descending;
	memcpy(t->columns, t->other.columns, sizeof t->columns);
	t->ncolumns = t->other.ncolumns;
	t->vo->sort = t->other.sort;
	t->vo->descending = t->other.descending;
	t->other = shown;
	t->screen = t->screen == SCREEN_IO ? SCREEN_MAIN : SCREEN_IO;
}

/*
 * Are the I/O counters wanted this tick: the I/O screen, a column or sort
 * that shows them, or --io. Else the sampler does not read them.
 */
int
tui_wants_io(const struct tui *t)
{
	size_t	i;

	if (t->o->io || t->screen == SCREEN_IO || model_col_io(t->vo->sort))
		return (1);
	for (i = 0; i < t->ncolumns; i++) {
		if (model_col_io(t->columns[i]->sort))
			return (1);
	}
	return (0);
}

/* Is a column that shows this model column on screen? */
int
tui_column_shown(const struct tui *t, enum model_col col)
{
	size_t	i;

	for (i = 0; i < t->ncolumns; i++) {
		if (t->columns[i]->sort == col &&
		    t->columns[i]->id != TC_CPU_HIST &&
		    t->columns[i]->id != TC_MEM_HIST)
			return (1);
	}
	return (0);
}

/* The main screen shown, the I/O screen waiting with its own sort. */
void
tui_columns_default(struct tui *t)
{
	t->screen = SCREEN_MAIN;
	columns_parse(tui_default_io_columns, t->other.columns,
	    &t->other.ncolumns);
	t->other.sort = COL_IO;
	t->other.descending = 1;
	tui_columns_parse(t, tui_default_columns);
}

void
tui_columns_string(struct tui *t, struct buf *b)
{
	size_t	i;

	for (i = 0; i < t->ncolumns; i++) {
		if (i > 0)
			buf_addc(b, ' ');
		buf_adds(b, t->columns[i]->name);
	}
}

/* The command keeps at least this much of the line. */
#define TABLE_MIN_COMMAND	20

/*
 * History columns take what the fixed columns and the command leave, up to
 * TUI_SPARK_WIDTH cells; under 3 cells they are not drawn at all (at 80
 * columns the command keeps its room, as in htop).
 */
static void
table_fit(struct tui *t)
{
	size_t	i;
	int	fixed = 0, nhist = 0, w;

	for (i = 0; i < t->ncolumns; i++) {
		if (t->columns[i]->width > 0)
			fixed += t->columns[i]->width + 1;
		else if (t->columns[i]->width < 0)
			nhist++;
	}
	if (nhist == 0) {
		t->spark_w = 0;
		return;
	}
	w = (t->cols - fixed - TABLE_MIN_COMMAND) / nhist - 1;
	if (w > TUI_SPARK_WIDTH)
		w = TUI_SPARK_WIDTH;
	t->spark_w = w >= 3 ? w : -1;
}

/*
 * The cells a column takes when it starts at x: the command takes the
 * rest of the line, and every column is cut at the edge; -1: not drawn.
 */
static int
table_width(const struct tui *t, const struct tui_column *c, int x)
{
	int	w = c->width >= 0 ? c->width : t->spark_w;

	if (w < 0)
		return (-1);
	if (w == 0 || x + w > t->cols)
		w = t->cols - x;
	return (w);
}

/*
 * The screens' tabs on the title row, "[Main] I/O ", the one shown
 * bracketed and highlighted, as htop shows its tabs: at the right end
 * where the command's title leaves room, else over that title (what the
 * last column holds goes without saying), else not at all. Returns the
 * column they start at (t->cols when not drawn); tab i spans x0[i] to
 * before x1[i].
 */
static int
table_tabs_at(const struct tui *t, int cmd_x, int *x0, int *x1)
{
	size_t	i;
	int	w = 0, x;

	for (i = 0; i < nitems(table_tabs); i++)
		w += strlen(_(table_tabs[i])) + 2;
	x = t->cols - w;
	if (x < cmd_x + (int)strlen(tui_all_columns[TC_COMMAND].title) + 1)
		x = cmd_x;
	if (x + w > t->cols)
		return (t->cols);
	for (i = 0; i < nitems(table_tabs); i++) {
		x0[i] = x;
		x1[i] = x = x0[i] + strlen(_(table_tabs[i])) + 2;
	}
	return (x0[0]);
}

/* Where the command column starts. */
static int
table_command_x(struct tui *t)
{
	size_t	i;
	int	x = 0, w;

	for (i = 0; i < t->ncolumns && x < t->cols; i++) {
		if ((w = table_width(t, t->columns[i], x)) < 0)
			continue;
		if (t->columns[i]->id == TC_COMMAND)
			return (x);
		x += w + 1;
	}
	return (t->cols);
}

static void
table_tabs_draw(struct tui *t, int y)
{
	char	tab[32];
	int	x0[nitems(table_tabs)], x1[nitems(table_tabs)];
	size_t	i;
	int	on;

	if (table_tabs_at(t, table_command_x(t), x0, x1) >= t->cols)
		return;
	for (i = 0; i < nitems(table_tabs); i++) {
		on = (int)i == t->screen;
		snprintf(tab, sizeof tab, on ? "[%s]" : " %s ",
		    _(table_tabs[i]));
		tui_cstr(t, y, x0[i], x1[i] - x0[i], tab, on ?
		    (int)(tui_attr(t, C_SELECTED) | A_BOLD) : tui_attr(t, C_HEADER));
	}
}

static void
table_title(struct tui *t, int y)
{
	const struct tui_column	*c;
	const char		*name;
	size_t			 i;
	int			 x = 0, w, attr;
	char			 title[32];

	tui_fill(y, 0, t->cols, tui_attr(t, C_HEADER));
	for (i = 0; i < t->ncolumns && x < t->cols; i++) {
		c = t->columns[i];
		if ((w = table_width(t, c, x)) < 0)
			continue;
		attr = c->sort == t->vo->sort && c->id != TC_CPU_HIST &&
		    c->id != TC_MEM_HIST ? tui_attr(t, C_SELECTED) :
		    tui_attr(t, C_HEADER);
		name = c->title;
		if (w < (int)strlen(name) && c->id == TC_CPU_HIST)
			name = "CPU~";	/* a history that is narrow */
		else if (w < (int)strlen(name) && c->id == TC_MEM_HIST)
			name = "MEM~";
		if (c->left)
			snprintf(title, sizeof title, "%-*s", w, name);
		else
			snprintf(title, sizeof title, "%*s", w, name);
		tui_cstr(t, y, x, w, title, attr);
		x += w + 1;
	}
	table_tabs_draw(t, y);
}

/* The tree lines before a command, as htop draws them. */
static void
table_tree(struct tui *t, struct buf *b, const struct view_row *v)
{
	int	d;

	for (d = 1; d < v->depth; d++) {
		if (d < 64 && (v->guides & (1ULL << d)))
			buf_adds(b, t->utf8 ? "\xe2\x94\x82  " : "|  ");
		else
			buf_adds(b, "   ");
	}
	if (v->depth == 0)
		return;
	if (t->utf8)
		buf_adds(b, v->last ? "\xe2\x94\x94" : "\xe2\x94\x9c");
	else
		buf_adds(b, v->last ? "`" : "|");
	if (v->folded)
		buf_adds(b, "+ ");
	else
		buf_adds(b, t->utf8 ? "\xe2\x94\x80 " : "- ");
}

static void
table_command(struct tui *t, int y, int x, int w, const struct view_row *v,
    int attr, int selected)
{
	const struct proc	*p = v->p;
	const char		*cmd = model_proc_cmdline(p);
	size_t			 len = strlen(cmd), arg0, base;
	char			 mark[SUP_NAME_MAX + 32];
	int			 used;

	if (t->vo->tree && v->depth > 0) {
		struct buf	tree = BUF_INITIALIZER;

		/* Drawn through tui_textp, which cuts it at the edge. */
		table_tree(t, &tree, v);
		used = tui_textp(t, y, x, w, buf_str(&tree), tree.len,
		    selected ? attr : tui_attr(t, C_TREE), 0);
		buf_free(&tree);
		x += used;
		w -= used;
	} else if (v->folded) {
		tui_cstr(t, y, x, 2, "+ ", attr);
		x += 2;
		w -= 2;
	}
	if (w <= 0)
		return;
	/* A command vigil run supervises: its name and restarts first. */
	if (tui_sup_mark(t, p, mark, sizeof mark)) {
		used = tui_textp(t, y, x, w, mark, strlen(mark),
		    selected ? attr : tui_attr(t, C_LABEL), 0);
		x += used;
		w -= used;
		if (w <= 0)
			return;
	}
	if (p->kthread || p->cmdline == NULL || p->cmdline[0] == '\0') {
		tui_text(t, y, x, w, cmd, len, p->kthread && !selected ?
		    tui_attr(t, C_KTHREAD) : attr);
		return;
	}
	/* A name of its own first, highlighted (htop merges it so too). */
	if (model_proc_renamed(p)) {
		used = tui_textp(t, y, x, w, p->comm, strlen(p->comm),
		    selected ? attr : tui_attr(t, C_COMM), 0);
		used += tui_textp(t, y, x + used, w - used, ": ", 2, attr, 0);
		x += used;
		w -= used;
		if (w <= 0)
			return;
	}
	if (selected) {
		tui_text(t, y, x, w, cmd, len, attr);
		return;
	}
	/* The program's base name stands out, as in htop. */
	arg0 = strcspn(cmd, " ");
	for (base = arg0; base > 0 && cmd[base - 1] != '/'; base--)
		;
	used = tui_textp(t, y, x, w, cmd, base, attr, 0);
	used += tui_textp(t, y, x + used, w - used, cmd + base, arg0 - base,
	    tui_attr(t, C_BASENAME), 0);
	tui_textp(t, y, x + used, w - used, cmd + arg0, len - arg0, attr, 1);
}

static void
table_cell(struct tui *t, char *out, size_t len, const struct tui_column *c,
    const struct proc *p)
{
	char	tmp[FMT_SIZE];

	switch (c->id) {
	case TC_PID:
		snprintf(out, len, "%d", p->pid);
		break;
	case TC_PPID:
		snprintf(out, len, "%d", p->ppid);
		break;
	case TC_USER:
		if (p->user != NULL)
			snprintf(out, len, "%s", p->user);
		else
			snprintf(out, len, "%u", p->uid);
		break;
	case TC_PRI:
		if (p->prio < -99)
			snprintf(out, len, "RT");
		else
			snprintf(out, len, "%d", p->prio);
		break;
	case TC_NI:
		snprintf(out, len, "%d", p->nice);
		break;
	case TC_VIRT:
		snprintf(out, len, "%s", fmt_kib(tmp, sizeof tmp, p->vsz_kb));
		break;
	case TC_RES:
		snprintf(out, len, "%s", fmt_kib(tmp, sizeof tmp, p->rss_kb));
		break;
	case TC_SHR:
		snprintf(out, len, "%s", fmt_kib(tmp, sizeof tmp, p->shr_kb));
		break;
	case TC_STATE:
		snprintf(out, len, "%c", p->state);
		break;
	case TC_COMM:
		snprintf(out, len, "%s", p->comm);
		break;
	case TC_CPU:
		snprintf(out, len, p->cpu_pct < 999.95 ? "%.1f" : "%.0f",
		    p->cpu_pct);
		break;
	case TC_MEM:
		snprintf(out, len, p->mem_pct < 99.95 ? "%.1f" : "%.0f",
		    p->mem_pct);
		break;
	case TC_TIME:
		snprintf(out, len, "%s", fmt_time_plus(tmp, sizeof tmp,
		    (double)p->ticks / t->m->hz));
		break;
	case TC_THREADS:
		snprintf(out, len, "%d", p->nlwp);
		break;
	case TC_IO:
	case TC_IO_READ:
	case TC_IO_WRITE:
	case TC_RCHAR:
	case TC_WCHAR:
		/* Unknown (not readable, or first seen) is not 0. */
		if (!p->has_io_rate)
			snprintf(out, len, "-");
		else
			snprintf(out, len, "%s", fmt_rate(tmp, sizeof tmp,
			    c->id == TC_IO ? p->io_rate :
			    c->id == TC_IO_READ ? p->io_read_rate :
			    c->id == TC_IO_WRITE ? p->io_write_rate :
			    c->id == TC_RCHAR ? p->io_rchar_rate :
			    p->io_wchar_rate));
		break;
	default:
		out[0] = '\0';
		break;
	}
}

static void
table_row(struct tui *t, int y, const struct view_row *v, int selected)
{
	const struct tui_column	*c;
	const struct proc	*p = v->p;
	char			 cell[64];
	double			 hv[TUI_SPARK_WIDTH];
	size_t			 i, k;
	int			 x = 0, w, attr, cattr, sev;

	if (selected)
		attr = tui_attr(t, C_SELECTED);
	else if (p->tagged)
		attr = tui_attr(t, C_TAGGED);
	else
		attr = A_NORMAL;
	if (selected || p->tagged)
		tui_fill(y, 0, t->cols, attr);
	for (i = 0; i < t->ncolumns && x < t->cols; i++) {
		c = t->columns[i];
		if ((w = table_width(t, c, x)) < 0)
			continue;
		cattr = attr;
		switch (c->id) {
		case TC_COMMAND:
			table_command(t, y, x, w, v, attr, selected);
			break;
		case TC_CPU_HIST:
		case TC_MEM_HIST:
			k = tui_ring_tail(c->id == TC_CPU_HIST ? &p->h_cpu :
			    &p->h_rss, 0, hv, w);
			buf_reset(&t->scratch);
			tui_sparkline(t, &t->scratch, hv, k, w,
			    c->id == TC_CPU_HIST ? 100 * MODEL_CPU_SCALE : 0);
			if (!selected)
				cattr = tui_attr(t, c->id == TC_CPU_HIST ?
				    C_SPARK_CPU : C_SPARK_MEM);
			attron(cattr);
			mvaddstr(y, x, buf_str(&t->scratch));
			attroff(cattr);
			break;
		default:
			table_cell(t, cell, sizeof cell, c, p);
			/* A process whose alarm fires: its PID in that colour. */
			if (!selected && c->id == TC_PID && (sev =
			    alarm_proc_severity(refresh_alarms(t->r), p->pid,
			    p->start)) >= 0)
				cattr = tui_attr(t, tui_alarm_color(sev));
			if (!selected && c->id == TC_STATE)
				cattr = p->state == 'R' ? tui_attr(t, C_STATE_R) :
				    p->state == 'D' ? tui_attr(t, C_STATE_D) :
				    attr;
			if (!c->left) {
				char	right[64];

				snprintf(right, sizeof right, "%*s", w, cell);
				tui_cstr(t, y, x, w, right, cattr);
			} else
				tui_cstr(t, y, x, w, cell, cattr);
			break;
		}
		x += w + 1;
	}
}

void
tui_table_draw(struct tui *t)
{
	size_t	i;
	int	y;

	table_fit(t);
	table_title(t, t->table_y - 1);
	for (y = 0; y < t->table_h; y++) {
		i = t->top + y;
		if (i >= t->m->nview) {
			move(t->table_y + y, 0);
			clrtoeol();
			continue;
		}
		table_row(t, t->table_y + y, &t->m->view[i], i == t->sel);
	}
}

/*
 * A click on the title row sorts by that column (again: the other way);
 * on a process row, selects it. Returns 1 if the click was the table's.
 */
int
tui_table_click(struct tui *t, int y, int x)
{
	const struct tui_column	*c;
	size_t			 i;
	int			 cx = 0, w;

	table_fit(t);
	if (y == t->table_y - 1) {
		int	x0[nitems(table_tabs)], x1[nitems(table_tabs)];

		/* A tab: that screen, as v would show it. */
		if (x >= table_tabs_at(t, table_command_x(t), x0, x1)) {
			for (i = 0; i < nitems(table_tabs); i++) {
				if (x >= x0[i] && x < x1[i] &&
				    (int)i != t->screen)
					tui_screen_show(t);
			}
			return (1);
		}
		for (i = 0; i < t->ncolumns; i++) {
			c = t->columns[i];
			if ((w = table_width(t, c, cx)) < 0)
				continue;
			if (x >= cx && x < cx + w + 1) {
				if (c->sort == t->vo->sort)
					t->vo->descending = !t->vo->descending;
				else {
					t->vo->sort = c->sort;
					t->vo->descending =
					    model_col_descending(c->sort);
				}
				tui_apply_view(t);
				return (1);
			}
			cx += w + 1;
		}
		return (1);
	}
	if (y >= t->table_y && y < t->table_y + t->table_h) {
		i = t->top + (y - t->table_y);
		if (i < t->m->nview)
			tui_select_user(t, i);
		return (1);
	}
	return (0);
}
