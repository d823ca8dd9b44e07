/* The view: rows filtered, then in tree order or sorted by a column. */

#include "vigil.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "rx.h"
#include "xalloc.h"

static const char *view_col_names[COL__COUNT] = {
	[COL_PID] = "pid", [COL_PPID] = "ppid", [COL_USER] = "user",
	[COL_PRIO] = "pri", [COL_NICE] = "ni", [COL_VIRT] = "virt",
	[COL_RES] = "res", [COL_SHR] = "shr", [COL_STATE] = "s",
	[COL_CPU] = "cpu", [COL_MEM] = "mem", [COL_TIME] = "time",
	[COL_THREADS] = "threads", [COL_START] = "start", [COL_COMM] = "comm",
	[COL_CMDLINE] = "command", [COL_IO] = "io", [COL_IO_READ] = "io_read",
	[COL_IO_WRITE] = "io_write", [COL_IO_RCHAR] = "rchar",
	[COL_IO_WCHAR] = "wchar"
};

/* Other names users type for the same columns (htop's and ps's). */
static const struct {
	const char	*name;
	enum model_col	 col;
} view_col_aliases[] = {
	{ "percent_cpu", COL_CPU }, { "%cpu", COL_CPU }, { "cpu%", COL_CPU },
	{ "percent_mem", COL_MEM }, { "%mem", COL_MEM }, { "mem%", COL_MEM },
	{ "m_resident", COL_RES }, { "rss", COL_RES }, { "rsz", COL_RES },
	{ "m_virt", COL_VIRT }, { "vsz", COL_VIRT }, { "m_share", COL_SHR },
	{ "priority", COL_PRIO }, { "pri", COL_PRIO }, { "nice", COL_NICE },
	{ "state", COL_STATE }, { "time+", COL_TIME }, { "nlwp", COL_THREADS },
	{ "starttime", COL_START }, { "name", COL_COMM }, { "cmd", COL_CMDLINE },
	{ "cmdline", COL_CMDLINE }, { "io_rate", COL_IO },
	{ "io_read_rate", COL_IO_READ }, { "disk_read", COL_IO_READ },
	{ "io_write_rate", COL_IO_WRITE }, { "disk_write", COL_IO_WRITE },
	{ "rchar_rate", COL_IO_RCHAR }, { "wchar_rate", COL_IO_WCHAR }
};

int
model_col_parse(const char *s, enum model_col *col)
{
	size_t	i;

	for (i = 0; i < COL__COUNT; i++) {
		if (strcasecmp(s, view_col_names[i]) == 0) {
			*col = i;
			return (0);
		}
	}
	for (i = 0; i < nitems(view_col_aliases); i++) {
		if (strcasecmp(s, view_col_aliases[i].name) == 0) {
			*col = view_col_aliases[i].col;
			return (0);
		}
	}
	return (-1);
}

/*
 * The way a column sorts unless told otherwise: names, identities and
 * priorities from low to high, amounts (CPU, memory, time) largest first.
 */
int
model_col_descending(enum model_col col)
{
	switch (col) {
	case COL_PID: case COL_PPID: case COL_USER: case COL_PRIO:
	case COL_NICE: case COL_STATE: case COL_START: case COL_COMM:
	case COL_CMDLINE:
		return (0);
	default:
		return (1);
	}
}

/* Does sorting by this column need the I/O counters? */
int
model_col_io(enum model_col col)
{
	return (col == COL_IO || col == COL_IO_READ || col == COL_IO_WRITE ||
	    col == COL_IO_RCHAR || col == COL_IO_WCHAR);
}

const char *
model_col_name(enum model_col col)
{
	return (col < COL__COUNT ? view_col_names[col] : "?");
}

#define CMP(a, b)	((a) < (b) ? -1 : (a) > (b))

/* A rate not known sorts below every known one, 0 included. */
#define RATE(p, r)	((p)->has_io_rate ? (p)->r : -1.0)

/* Compare two rows by one column, ascending; ties are left to the caller. */
int
model_proc_cmp(const struct proc *a, const struct proc *b, enum model_col col)
{
	switch (col) {
	case COL_PID:
		return (CMP(a->pid, b->pid));
	case COL_PPID:
		return (CMP(a->ppid, b->ppid));
	case COL_USER:
		return (strcmp(a->user != NULL ? a->user : "",
		    b->user != NULL ? b->user : ""));
	case COL_PRIO:
		return (CMP(a->prio, b->prio));
	case COL_NICE:
		return (CMP(a->nice, b->nice));
	case COL_VIRT:
		return (CMP(a->vsz_kb, b->vsz_kb));
	case COL_RES:
	case COL_MEM:
		return (CMP(a->rss_kb, b->rss_kb));
	case COL_SHR:
		return (CMP(a->shr_kb, b->shr_kb));
	case COL_STATE:
		return (CMP(a->state, b->state));
	case COL_CPU:
		return (CMP(a->cpu_pct, b->cpu_pct));
	case COL_TIME:
		return (CMP(a->ticks, b->ticks));
	case COL_THREADS:
		return (CMP(a->nlwp, b->nlwp));
	case COL_START:
		return (CMP(a->start, b->start));
	case COL_COMM:
		return (strcmp(a->comm, b->comm));
	case COL_CMDLINE:
		return (strcmp(model_proc_cmdline(a), model_proc_cmdline(b)));
	case COL_IO:
		return (CMP(RATE(a, io_rate), RATE(b, io_rate)));
	case COL_IO_READ:
		return (CMP(RATE(a, io_read_rate), RATE(b, io_read_rate)));
	case COL_IO_WRITE:
		return (CMP(RATE(a, io_write_rate), RATE(b, io_write_rate)));
	case COL_IO_RCHAR:
		return (CMP(RATE(a, io_rchar_rate), RATE(b, io_rchar_rate)));
	case COL_IO_WCHAR:
		return (CMP(RATE(a, io_wchar_rate), RATE(b, io_wchar_rate)));
	case COL__COUNT:
		break;
	}
	return (0);
}

#undef RATE
#undef CMP

/* qsort has no context argument: the sort key lives here for one call. */
static enum model_col	view_sort_col;
static int		view_sort_desc;

static int
view_cmp(const void *va, const void *vb)
{
	const struct proc	*a = *(struct proc * const *)va;
	const struct proc	*b = *(struct proc * const *)vb;
	int			 c;

	c = model_proc_cmp(a, b, view_sort_col);
	if (view_sort_desc)
		c = -c;
	if (c == 0)
		c = a->pid < b->pid ? -1 : a->pid > b->pid;
	return (c);
}

static int
view_wanted(const struct proc *p, const struct view_opts *o)
{
	size_t		 i;

	if (p->kthread && !o->show_kthreads)
		return (0);
	if (p->thread && !o->show_threads)
		return (0);
	if (o->uid >= 0 && p->uid != (unsigned)o->uid)
		return (0);
	if (o->pids != NULL) {
		for (i = 0; i < o->npids; i++) {
			if (o->pids[i] == p->pid)
				break;
		}
		if (i == o->npids)
			return (0);
	}
	if (o->filter != NULL && !model_proc_match(p, o->filter))
		return (0);
	return (1);
}

static void
view_push(struct model *m, struct proc *p, int depth, uint64_t guides,
    int last)
{
	struct view_row	*r;

	if (m->nview == m->nviewalloc) {
		m->nviewalloc = m->nviewalloc != 0 ? m->nviewalloc * 2 : 512;
		m->view = xreallocarray(m->view, m->nviewalloc,
		    sizeof *m->view);
	}
	r = &m->view[m->nview++];
	r->p = p;
	r->depth = depth;
	r->guides = guides;
	r->last = last;
	r->folded = p->collapsed && p->child != NULL;
}

/* Mark the descendants of a collapsed row as seen, without showing them. */
static void
view_hide(struct proc *p)
{
	struct proc	**stack, *c;
	size_t		  n = 0, cap = 32;

	stack = xreallocarray(NULL, cap, sizeof *stack);
	stack[n++] = p;
	while (n > 0) {
		p = stack[--n];
		for (c = p->child; c != NULL; c = c->sibling) {
			if (c->visited)
				continue;
			c->visited = 1;
			if (n == cap) {
				cap *= 2;
				stack = xreallocarray(stack, cap,
				    sizeof *stack);
			}
			stack[n++] = c;
		}
	}
	free(stack);
}

/*
 * Pre-order walk from one root, children in the order they were linked.
 * Iterative, so a deep chain of processes cannot exhaust the C stack; each
 * frame remembers the next child to visit at its depth.
 */
static void
view_walk(struct model *m, struct proc *root)
{
	struct frame {
		struct proc	*next;
		int		 depth;
		uint64_t	 guides;
	}		*stack;
	size_t		 n = 0, cap = 32;
	struct frame	*f;
	struct proc	*c;
	uint64_t	 g;
	int		 last;

	root->visited = 1;
	view_push(m, root, 0, 0, 1);
	if (root->child == NULL)
		return;
	if (root->collapsed) {
		view_hide(root);
		return;
	}
	stack = xreallocarray(NULL, cap, sizeof *stack);
	stack[n++] = (struct frame){ root->child, 1, 0 };
	while (n > 0) {
		f = &stack[n - 1];
		while ((c = f->next) != NULL && c->visited)
			f->next = c->sibling;
		if (c == NULL) {
			n--;
			continue;
		}
		f->next = c->sibling;
		while (f->next != NULL && f->next->visited)
			f->next = f->next->sibling;
		last = f->next == NULL;
		c->visited = 1;
		view_push(m, c, f->depth, f->guides, last);
		if (c->child == NULL)
			continue;
		if (c->collapsed) {
			view_hide(c);
			continue;
		}
		g = f->guides;
		if (!last && f->depth < 64)
			g |= 1ULL << f->depth;
		if (n == cap) {
			cap *= 2;
			stack = xreallocarray(stack, cap, sizeof *stack);
		}
		stack[n++] = (struct frame){ c->child, f->depth + 1, g };
	}
	free(stack);
}

/*
 * Build the view: keep the rows the options want, sort them, and in tree
 * mode link each under its parent (a thread under its process) and walk
 * from the roots, so siblings keep the sort order.
 */
void
model_view(struct model *m, const struct view_opts *o)
{
	struct proc	**sel, *p, *parent;
	size_t		  n = 0, i;

	sel = xreallocarray(NULL, m->nrows ? m->nrows : 1, sizeof *sel);
	for (i = 0; i < m->nrows; i++) {
		p = m->rows[i];
		p->parent = p->child = p->sibling = NULL;
		p->visited = 0;
		if (view_wanted(p, o))
			sel[n++] = p;
	}
	view_sort_col = o->sort;
	view_sort_desc = o->descending;
	qsort(sel, n, sizeof *sel, view_cmp);

	m->nview = 0;
	if (!o->tree) {
		for (i = 0; i < n; i++)
			view_push(m, sel[i], 0, 0, 1);
		free(sel);
		return;
	}

	/* Mark what is in the view, so parents outside it are not used. */
	for (i = 0; i < n; i++)
		sel[i]->visited = 2;
	for (i = n; i-- > 0; /* nothing */) {
		p = sel[i];
		parent = model_find(m, p->thread ? p->tgid : p->ppid);
		if (parent == NULL || parent == p || parent->visited != 2)
			continue;
		p->parent = parent;
		p->sibling = parent->child;	/* prepend: keeps sort order */
		parent->child = p;
	}
	for (i = 0; i < n; i++)
		sel[i]->visited = 0;
	for (i = 0; i < n; i++) {
		if (sel[i]->parent == NULL)
			view_walk(m, sel[i]);
	}
	/* Rows caught in a parent cycle: each becomes a root. */
	for (i = 0; i < n; i++) {
		if (!sel[i]->visited)
			view_walk(m, sel[i]);
	}
	free(sel);
}
