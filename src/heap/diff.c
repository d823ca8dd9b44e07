/* Mappings grouped per file, and the growth between two snapshots. */

#include "vigil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "heap.h"
#include "json.h"
#include "xalloc.h"

static void
usage_add(struct heap_usage *a, const struct heap_usage *b)
{
	a->size += b->size;
	a->rss += b->rss;
	a->pss += b->pss;
	a->private_dirty += b->private_dirty;
	a->swap += b->swap;
}

static int
reserved(const struct heap_map *m)
{
	return (strncmp(m->perms, "---", 3) == 0);
}

/*
 * Whether mapping i continues the group of mapping i - 1: the reserved
 * rest of an arena after it, a thread's stack above its guard page.
 */
static int
group_continues(const struct heap_snap *s, size_t i)
{
	const struct heap_map	*a, *b;

	if (i == 0)
		return (0);
	a = &s->maps[i - 1];
	b = &s->maps[i];
	if (a->end != b->start || a->cls != b->cls || a->name[0] != '\0' ||
	    b->name[0] != '\0')
		return (0);
	/* Arenas and stacks lie side by side: only these pairs join. */
	if (b->cls == HEAP_C_ARENA)
		return (!reserved(a) && reserved(b));
	if (b->cls == HEAP_C_THREAD_STACK)
		return (reserved(a) && !reserved(b));
	return (0);
}

static int
group_cmp_rss(const void *a, const void *b)
{
	const struct heap_group	*x = a, *y = b;

	if (x->u.rss != y->u.rss)
		return (x->u.rss < y->u.rss ? 1 : -1);
	if (x->u.size != y->u.size)
		return (x->u.size < y->u.size ? 1 : -1);
	return (strcmp(x->key, y->key));
}

static int
group_cmp_key(const void *a, const void *b)
{
	return (strcmp(((const struct heap_group *)a)->key,
	    ((const struct heap_group *)b)->key));
}

/*
 * The mappings of s as the lists show them, largest RSS first: one row
 * per file (its code, data and bss together), one per anonymous mapping
 * (an arena heap with its reserved rest, a stack with its guard page).
 * An arena is matched across snapshots by its start, which is fixed;
 * other anonymous memory by its end, since mappings grow downwards and
 * the kernel merges a new neighbour below into an old one.
 */
size_t
heap_groups(const struct heap_snap *s, struct heap_group **out)
{
	struct heap_group	*g = NULL, *cur;
	const struct heap_map	*m;
	size_t			 n = 0, i, k;

	for (i = 0; i < s->nmaps; i++) {
		m = &s->maps[i];
		if (group_continues(s, i)) {
			cur = &g[n - 1];
			usage_add(&cur->u, &m->u);
			cur->count++;
			free(cur->label);
			xasprintf(&cur->label, "[%s %llx-%llx]",
			    heap_class_name(m->cls),
			    (unsigned long long)s->maps[i - cur->count + 1].start,
			    (unsigned long long)m->end);
			continue;
		}
		if ((n & (n - 1)) == 0)		/* 0, 1, 2, 4...: double */
			g = xreallocarray(g, n == 0 ? 16 : n * 2, sizeof *g);
		cur = &g[n++];
		memset(cur, 0, sizeof *cur);
		cur->cls = m->cls;
		cur->count = 1;
		cur->u = m->u;
		if (m->name[0] != '\0') {
			cur->label = xstrdup(m->name);
			xasprintf(&cur->key, "%s:%s", heap_class_name(m->cls),
			    m->name);
		} else {
			xasprintf(&cur->label, "[%s %llx-%llx]",
			    heap_class_name(m->cls),
			    (unsigned long long)m->start,
			    (unsigned long long)m->end);
			if (m->cls == HEAP_C_ARENA)
				xasprintf(&cur->key, "%s@%llx",
				    heap_class_name(m->cls),
				    (unsigned long long)m->start);
			else
				xasprintf(&cur->key, "%s-%llx",
				    heap_class_name(m->cls),
				    (unsigned long long)m->end);
		}
	}
	/* A thread stack's key is its top, the end of its last mapping. */
	for (i = 0; i < n; i++) {
		if (g[i].cls != HEAP_C_THREAD_STACK || g[i].label[0] != '[')
			continue;
		free(g[i].key);
		xasprintf(&g[i].key, "%s-%s", heap_class_name(g[i].cls),
		    strrchr(g[i].label, '-') + 1);
	}
	/* One row per file: the rows of one key become one. */
	if (n > 0)
		qsort(g, n, sizeof *g, group_cmp_key);
	for (i = 0, k = 0; i < n; i++) {
		if (k > 0 && strcmp(g[k - 1].key, g[i].key) == 0) {
			usage_add(&g[k - 1].u, &g[i].u);
			g[k - 1].count += g[i].count;
			free(g[i].label);
			free(g[i].key);
			continue;
		}
		g[k++] = g[i];
	}
	n = k;
	if (n > 0)
		qsort(g, n, sizeof *g, group_cmp_rss);
	*out = g;
	return (n);
}

void
heap_groups_free(struct heap_group *g, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(g[i].label);
		free(g[i].key);
	}
	free(g);
}

static void
delta_set(struct heap_delta *d, const struct heap_usage *o,
    const struct heap_usage *n)
{
	static const struct heap_usage	zero;

	if (o == NULL)
		o = &zero;
	if (n == NULL)
		n = &zero;
	d->size = (int64_t)n->size - (int64_t)o->size;
	d->rss = (int64_t)n->rss - (int64_t)o->rss;
	d->pss = (int64_t)n->pss - (int64_t)o->pss;
	d->private_dirty = (int64_t)n->private_dirty -
	    (int64_t)o->private_dirty;
	d->swap = (int64_t)n->swap - (int64_t)o->swap;
	d->old_rss = o->rss;
	d->new_rss = n->rss;
}

static int
delta_cmp(const void *a, const void *b)
{
	const struct heap_delta	*x = a, *y = b;

	if (x->rss != y->rss)
		return (x->rss < y->rss ? 1 : -1);
	if (x->size != y->size)
		return (x->size < y->size ? 1 : -1);
	return (strcmp(x->label, y->label));
}

static int
delta_changed(const struct heap_delta *d)
{
	return (d->size != 0 || d->rss != 0 || d->pss != 0 ||
	    d->private_dirty != 0 || d->swap != 0);
}

/* What changed from snapshot a to snapshot b, by class and by group. */
void
heap_diff(const struct heap_snap *a, const struct heap_snap *b,
    struct heap_diff *d)
{
	struct heap_group	*ga, *gb;
	struct heap_delta	 x;
	size_t			 na, nb, i = 0, j = 0;
	int			 c, cmp;

	memset(d, 0, sizeof *d);
	d->seconds = b->time - a->time;
	for (c = 0; c < HEAP_C__COUNT; c++) {
		delta_set(&d->cls[c], &a->cls[c], &b->cls[c]);
		d->cls[c].cls = c;
	}
	delta_set(&d->total, &a->total, &b->total);
	d->total.cls = HEAP_C__COUNT;
	na = heap_groups(a, &ga);
	nb = heap_groups(b, &gb);
	if (na > 0)
		qsort(ga, na, sizeof *ga, group_cmp_key);
	if (nb > 0)
		qsort(gb, nb, sizeof *gb, group_cmp_key);
	while (i < na || j < nb) {
		memset(&x, 0, sizeof x);
		cmp = i >= na ? 1 : j >= nb ? -1 : strcmp(ga[i].key, gb[j].key);
		if (cmp < 0) {
			delta_set(&x, &ga[i].u, NULL);
			x.cls = ga[i].cls;
			x.label = xstrdup(ga[i++].label);
		} else if (cmp > 0) {
			delta_set(&x, NULL, &gb[j].u);
			x.cls = gb[j].cls;
			x.label = xstrdup(gb[j++].label);
		} else {
			delta_set(&x, &ga[i++].u, &gb[j].u);
			x.cls = gb[j].cls;
			x.label = xstrdup(gb[j++].label);
		}
		if (!delta_changed(&x)) {
			free(x.label);
			continue;
		}
		if ((d->ngroups & (d->ngroups - 1)) == 0)
			d->groups = xreallocarray(d->groups, d->ngroups == 0 ?
			    16 : d->ngroups * 2, sizeof *d->groups);
		d->groups[d->ngroups++] = x;
	}
	if (d->ngroups > 0)
		qsort(d->groups, d->ngroups, sizeof *d->groups, delta_cmp);
	heap_groups_free(ga, na);
	heap_groups_free(gb, nb);
}

void
heap_diff_free(struct heap_diff *d)
{
	size_t	i;

	for (i = 0; i < d->ngroups; i++)
		free(d->groups[i].label);
	free(d->groups);
	d->groups = NULL;
	d->ngroups = 0;
}

/* KiB per minute, for a change over seconds; 0 when no time passed. */
double
heap_per_minute(int64_t kib, double seconds)
{
	return (seconds > 0 ? kib * 60.0 / seconds : 0);
}

static void
delta_json(struct json *j, const struct heap_delta *x, double seconds)
{
	json_key(j, "size_kb");
	json_int(j, x->size);
	json_key(j, "rss_kb");
	json_int(j, x->rss);
	json_key(j, "pss_kb");
	json_int(j, x->pss);
	json_key(j, "private_dirty_kb");
	json_int(j, x->private_dirty);
	json_key(j, "swap_kb");
	json_int(j, x->swap);
	json_key(j, "old_rss_kb");
	json_uint(j, x->old_rss);
	json_key(j, "new_rss_kb");
	json_uint(j, x->new_rss);
	json_key(j, "rss_kb_per_min");
	json_double(j, heap_per_minute(x->rss, seconds), 1);
}

void
heap_diff_json(struct json *j, const struct heap_diff *d)
{
	size_t	i;
	int	c;

	json_object_begin(j);
	json_key(j, "seconds");
	json_double(j, d->seconds, 3);
	json_key(j, "total");
	json_object_begin(j);
	delta_json(j, &d->total, d->seconds);
	json_object_end(j);
	json_key(j, "classes");
	json_object_begin(j);
	for (c = 0; c < HEAP_C__COUNT; c++) {
		json_key(j, heap_class_name(c));
		json_object_begin(j);
		delta_json(j, &d->cls[c], d->seconds);
		json_object_end(j);
	}
	json_object_end(j);
	json_key(j, "mappings");
	json_array_begin(j);
	for (i = 0; i < d->ngroups; i++) {
		json_object_begin(j);
		json_key(j, "name");
		json_string(j, d->groups[i].label);
		json_key(j, "class");
		json_string(j, heap_class_name(d->groups[i].cls));
		delta_json(j, &d->groups[i], d->seconds);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

/* A size in KiB with its unit: "512K", "64.0M" (fmt_size()'s style). */
char *
heap_fmt_size(char *out, size_t len, uint64_t kib)
{
	return (fmt_size(out, len, (double)kib, 0));
}

/* A change in KiB with its sign: "+64.0M", "-12K", "0". */
char *
heap_fmt_delta(char *out, size_t len, int64_t kib)
{
	if (kib == 0)
		snprintf(out, len, "0");
	else
		fmt_size(out, len, (double)kib, 1);
	return (out);
}
