/* The live profile: the --stream protocol read into profiles and a tree. */

#include "vigil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "prof.h"
#include "proflive.h"
#include "xalloc.h"
#include "prof-int.h"

#define LIVE_LINE_MAX	(1024 * 1024)	/* a longer line is not ours */
#define LIVE_OPEN_DEPTH	24		/* the hot path opens this deep */

/* A stack as the name ids of its frames, "3;17;4;", with its count. */
struct live_key {
	char		*path;
	uint64_t	 count;
};

struct prof_live {
	int			 pid;
	char			*comm;
	struct buf		 partial;	/* a line not ended yet */
	size_t			 lineno;

	struct prof		*next;		/* the snapshot being read */
	struct prof		*cur;		/* the last whole one */
	struct prof		*shown;		/* cur minus base */
	double			 elapsed, next_elapsed, base_elapsed;
	double			 rate;
	enum prof_mode		 mode, next_mode;
	uint64_t		 samples, next_samples, base_samples;
	size_t			 threads, next_threads;
	char			 message[256];
	char			 ended[64];
	char			 method[16], next_method[16];

	struct prof_names	 names;
	struct prof_tree	 tree;
	int			 tree_valid;
	struct prof_live_row	*rows;
	size_t			 nrows;
	struct live_key		*keys;		/* the baseline's stacks */
	size_t			 nkeys;
	char			**open;		/* paths of open nodes */
	size_t			 nopen;
	int			 opened_hot;
};

static void	live_line(struct prof_live *, char *);
static void	live_key(const size_t *, const struct prof_stack *,
		    struct buf *);
static int	live_key_cmp(const void *, const void *);
static void	live_keys_free(struct prof_live *);
static void	live_snapshot(struct prof_live *);
static void	live_path(const struct prof_live *, size_t, struct buf *);
static int	live_is_open(const struct prof_live *, const char *);
static void	live_rows(struct prof_live *, size_t, struct buf *);
static void	live_tree(struct prof_live *);

struct prof_live *
prof_live_new(int pid, const char *comm)
{
	struct prof_live	*l;

	l = xcalloc(1, sizeof *l);
	l->pid = pid;
	l->comm = xstrdup(comm != NULL ? comm : "");
	buf_init(&l->partial);
	prof_names_init(&l->names);
	return (l);
}

void
prof_live_free(struct prof_live *l)
{
	size_t	i;

	if (l == NULL)
		return;
	buf_free(&l->partial);
	prof_free(l->next);
	prof_free(l->cur);
	live_keys_free(l);
	prof_free(l->shown);
	if (l->tree_valid)
		prof_tree_free(&l->tree);
	prof_names_free(&l->names);
	free(l->rows);
	for (i = 0; i < l->nopen; i++)
		free(l->open[i]);
	free(l->open);
	free(l->comm);
	free(l);
}

/*
 * Bytes from the stream. Returns 1 when a snapshot was completed by them,
 * else 0.
 */
int
prof_live_feed(struct prof_live *l, const char *p, size_t n)
{
	const char	*nl;
	uint64_t	 before = l->samples;
	double		 when = l->elapsed;
	size_t		 take;

	while (n > 0) {
		nl = memchr(p, '\n', n);
		take = nl != NULL ? (size_t)(nl - p) : n;
		if (l->partial.len + take <= LIVE_LINE_MAX)
			buf_add(&l->partial, p, take);
		if (nl == NULL)
			break;
		l->lineno++;
		live_line(l, l->partial.data != NULL ? l->partial.data : "");
		buf_reset(&l->partial);
		p = nl + 1;
		n -= take + 1;
	}
	return (l->samples != before || l->elapsed != when);
}

static void
live_line(struct prof_live *l, char *line)
{
	struct buf		 b = BUF_INITIALIZER;
	char			 err[128], *stack;
	unsigned long long	 count, samples;
	double			 elapsed, rate;
	size_t			 threads;
	char			 mode[16], method[16];
	enum prof_mode		 m = PROF_MODE_NONE;

	if (strncmp(line, "S ", 2) == 0) {
		/*
		 * The mode is a sixth field and the method a seventh, each
		 * newer than the one before; both optional.
		 */
		mode[0] = method[0] = '\0';
		if (sscanf(line + 2, "%lf %llu %lf %zu %15s %15s", &elapsed,
		    &samples, &rate, &threads, mode, method) < 4)
			return;
		if (strcmp(method, "perf") != 0 && strcmp(method, "ptrace") != 0)
			method[0] = '\0';
		snprintf(l->next_method, sizeof l->next_method, "%s", method);
		if (prof_mode_parse(mode, &m) != 0)
			m = PROF_MODE_NONE;
		prof_free(l->next);
		l->next = prof_new(l->pid, l->comm, rate);
		l->next->mode = m;
		l->next_mode = m;
		l->next_elapsed = elapsed;
		l->next_samples = samples;
		l->next_threads = threads;
		l->rate = rate;
		return;
	}
	if (strncmp(line, "F ", 2) == 0 && l->next != NULL) {
		count = strtoull(line + 2, &stack, 10);
		if (*stack != ' ')
			return;
		/* As a folded line: the stack, then its count. */
		buf_printf(&b, "%s %llu", stack + 1, count);
		if (prof_folded_line(l->next, prof_thread_intern(l->next,
		    l->pid, l->comm), b.data, l->lineno, err, sizeof err) != 0)
			snprintf(l->message, sizeof l->message, "%s", err);
		buf_free(&b);
		return;
	}
	if (strcmp(line, "E") == 0 && l->next != NULL) {
		live_snapshot(l);
		return;
	}
	if (strncmp(line, "X ", 2) == 0) {
		snprintf(l->ended, sizeof l->ended, "%s", line + 2);
		return;
	}
	/* Anything else is the sampler telling why: keep the last word. */
	if (*line != '\0')
		snprintf(l->message, sizeof l->message, "%s", line);
}

static void
live_key(const size_t *ids, const struct prof_stack *s, struct buf *b)
{
	size_t	d;

	buf_reset(b);
	for (d = 0; d < s->depth; d++)
		buf_printf(b, "%zu;", ids[s->frames[d]]);
}

static int
live_key_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct live_key *)a)->path,
	    ((const struct live_key *)b)->path));
}

static void
live_keys_free(struct prof_live *l)
{
	size_t	i;

	for (i = 0; i < l->nkeys; i++)
		free(l->keys[i].path);
	free(l->keys);
	l->keys = NULL;
	l->nkeys = 0;
}

/* A whole snapshot: it becomes the current one, less the baseline. */
static void
live_snapshot(struct prof_live *l)
{
	struct buf		 b = BUF_INITIALIZER;
	const struct prof_stack	*s;
	struct prof		*p = l->next, *shown;
	struct live_key		 want, *have;
	size_t			*ids, *frames = NULL, i, d, t, cap = 0;
	uint64_t		 old;

	prof_free(l->cur);
	l->cur = p;
	l->next = NULL;
	l->elapsed = l->next_elapsed;
	l->samples = l->next_samples;
	l->threads = l->next_threads;
	l->mode = l->next_mode;
	memcpy(l->method, l->next_method, sizeof l->method);

	shown = prof_new(l->pid, l->comm, p->rate_hz);
	shown->mode = l->mode;
	shown->duration_ns = (uint64_t)((l->elapsed - l->base_elapsed) * 1e9);
	t = prof_thread_intern(shown, l->pid, l->comm);
	/* Stacks compare by their names, so any two snapshots compare. */
	ids = prof_names_map(&l->names, p, 0);
	for (i = 0; i < p->nstacks; i++) {
		s = &p->stacks[i];
		old = 0;
		if (l->nkeys > 0) {
			live_key(ids, s, &b);
			want.path = b.data != NULL ? b.data : "";
			if ((have = bsearch(&want, l->keys, l->nkeys,
			    sizeof *l->keys, live_key_cmp)) != NULL)
				old = have->count;
		}
		if (s->count <= old)
			continue;
		if (s->depth > cap) {
			cap = s->depth;
			frames = xreallocarray(frames, cap, sizeof *frames);
		}
		for (d = 0; d < s->depth; d++)
			frames[d] = prof_frame_intern(shown,
			    &p->frames[s->frames[d]]);
		prof_add(shown, t, frames, s->depth, s->count - old);
	}
	free(frames);
	free(ids);
	buf_free(&b);
	prof_free(l->shown);
	l->shown = shown;
	if (l->tree_valid)
		prof_tree_free(&l->tree);
	l->tree_valid = 0;
}

/* From now on, show only what is sampled after this moment. */
void
prof_live_reset(struct prof_live *l)
{
	struct buf	 b = BUF_INITIALIZER;
	size_t		*ids, i;

	if (l->cur == NULL)
		return;
	live_keys_free(l);
	ids = prof_names_map(&l->names, l->cur, 0);
	l->keys = xcalloc(l->cur->nstacks + 1, sizeof *l->keys);
	for (i = 0; i < l->cur->nstacks; i++) {
		live_key(ids, &l->cur->stacks[i], &b);
		l->keys[l->nkeys].path = xstrdup(buf_str(&b));
		l->keys[l->nkeys++].count = l->cur->stacks[i].count;
	}
	qsort(l->keys, l->nkeys, sizeof *l->keys, live_key_cmp);
	free(ids);
	buf_free(&b);
	l->base_elapsed = l->elapsed;
	l->base_samples = l->samples;
	/* The current snapshot again, now less itself: empty. */
	l->next = l->cur;
	l->cur = NULL;
	l->next_elapsed = l->elapsed;
	l->next_samples = l->samples;
	l->next_threads = l->threads;
	l->next_mode = l->mode;
	memcpy(l->next_method, l->method, sizeof l->method);
	live_snapshot(l);
}

const struct prof *
prof_live_profile(const struct prof_live *l)
{
	return (l->shown);
}

double
prof_live_elapsed(const struct prof_live *l)
{
	return (l->elapsed - l->base_elapsed);
}

double
prof_live_rate(const struct prof_live *l)
{
	return (l->rate);
}

uint64_t
prof_live_samples(const struct prof_live *l)
{
	return (l->samples - l->base_samples);
}

size_t
prof_live_threads(const struct prof_live *l)
{
	return (l->threads);
}

/* What the stream's samples measure; NONE until its first snapshot. */
enum prof_mode
prof_live_mode(const struct prof_live *l)
{
	return (l->mode);
}

/* How the stream's samples are taken: "perf", "ptrace"; NULL: not said. */
const char *
prof_live_method(const struct prof_live *l)
{
	return (l->method[0] != '\0' ? l->method : NULL);
}

/* The sampler's last message (an error, say), or NULL. */
const char *
prof_live_message(const struct prof_live *l)
{
	return (l->message[0] != '\0' ? l->message : NULL);
}

/* Why the session ended (exit, exec, signal), or NULL while it runs. */
const char *
prof_live_ended(const struct prof_live *l)
{
	return (l->ended[0] != '\0' ? l->ended : NULL);
}

/* A node's path: the name ids from the root, "3;17;4". */
static void
live_path(const struct prof_live *l, size_t node, struct buf *b)
{
	size_t	chain[256], n = 0;

	buf_reset(b);
	for (; node != 0 && n < nitems(chain);
	    node = l->tree.nodes[node].parent)
		chain[n++] = l->tree.nodes[node].name;
	while (n > 0)
		buf_printf(b, "%zu;", chain[--n]);
}

static int
live_is_open(const struct prof_live *l, const char *path)
{
	size_t	i;

	for (i = 0; i < l->nopen; i++) {
		if (strcmp(l->open[i], path) == 0)
			return (1);
	}
	return (0);
}

static int
live_kid_cmp(const void *a, const void *b, void *arg)
{
	const struct prof_tree	*t = arg;
	uint64_t		 x = t->nodes[*(const size_t *)a].total[0];
	uint64_t		 y = t->nodes[*(const size_t *)b].total[0];

	return (x < y ? 1 : x > y ? -1 : 0);
}

/* The rows under node: its children, hottest first, and theirs if open. */
static void
live_rows(struct prof_live *l, size_t node, struct buf *path)
{
	struct prof_node	*pn = &l->tree.nodes[node];
	struct prof_live_row	*r;
	size_t			 i, kid;

	if (pn->nkids > 1)
		qsort_r(pn->kids, pn->nkids, sizeof *pn->kids, live_kid_cmp,
		    &l->tree);
	for (i = 0; i < l->tree.nodes[node].nkids; i++) {
		kid = l->tree.nodes[node].kids[i];
		l->rows = xreallocarray(l->rows, l->nrows + 1,
		    sizeof *l->rows);
		r = &l->rows[l->nrows++];
		r->name = prof_names_get(&l->names, l->tree.nodes[kid].name);
		r->depth = l->tree.nodes[kid].depth - 1;
		r->self = l->tree.nodes[kid].self[0];
		r->total = l->tree.nodes[kid].total[0];
		r->kids = l->tree.nodes[kid].nkids > 0;
		r->node = kid;
		live_path(l, kid, path);
		r->open = r->kids && live_is_open(l, buf_str(path));
		if (r->open)
			live_rows(l, kid, path);
	}
}

static void
live_open(struct prof_live *l, const char *path)
{
	l->open = xreallocarray(l->open, l->nopen + 1, sizeof *l->open);
	l->open[l->nopen++] = xstrdup(path);
}

static void
live_tree(struct prof_live *l)
{
	struct buf	 path = BUF_INITIALIZER;
	size_t		*ids, node, i, best, depth;

	prof_tree_init(&l->tree);
	l->tree_valid = 1;
	l->nrows = 0;
	if (l->shown == NULL)
		return;
	ids = prof_names_map(&l->names, l->shown, 0);
	prof_tree_add(&l->tree, 0, l->shown, ids);
	free(ids);
	/* The first time there are samples, open the hottest path. */
	if (!l->opened_hot && l->tree.nodes[0].total[0] > 0) {
		l->opened_hot = 1;
		for (node = 0, depth = 0; depth < LIVE_OPEN_DEPTH &&
		    l->tree.nodes[node].nkids > 0; depth++) {
			best = l->tree.nodes[node].kids[0];
			for (i = 1; i < l->tree.nodes[node].nkids; i++) {
				if (l->tree.nodes[l->tree.nodes[node].kids[i]].
				    total[0] > l->tree.nodes[best].total[0])
					best = l->tree.nodes[node].kids[i];
			}
			node = best;
			if (l->tree.nodes[node].nkids == 0)
				break;
			live_path(l, node, &path);
			live_open(l, buf_str(&path));
		}
	}
	live_rows(l, 0, &path);
	buf_free(&path);
}

/* The call tree as screen rows: the open nodes' children shown. */
size_t
prof_live_rows(struct prof_live *l, const struct prof_live_row **rows)
{
	if (!l->tree_valid)
		live_tree(l);
	*rows = l->rows;
	return (l->nrows);
}

/* Open a closed node of the tree, or close an open one. */
void
prof_live_toggle(struct prof_live *l, size_t node)
{
	struct buf	path = BUF_INITIALIZER;
	size_t		i;

	if (!l->tree_valid || node == 0 || node >= l->tree.n)
		return;
	live_path(l, node, &path);
	for (i = 0; i < l->nopen; i++) {
		if (strcmp(l->open[i], buf_str(&path)) == 0)
			break;
	}
	if (i < l->nopen) {
		free(l->open[i]);
		l->open[i] = l->open[--l->nopen];
	} else
		live_open(l, buf_str(&path));
	buf_free(&path);
	prof_tree_free(&l->tree);
	l->tree_valid = 0;
}
