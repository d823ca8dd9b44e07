/* Shared by the exporters: interned names, the call tree, XML escaping. */

#include "vigil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "prof.h"
#include "sanitize.h"
#include "xalloc.h"
#include "prof-int.h"

static int	prof_tree_cmp(const void *, const void *, void *);

/* A name set is a scratch profile whose frames are bare names. */
void
prof_names_init(struct prof_names *n)
{
	n->set = prof_new(0, NULL, 0);
}

void
prof_names_free(struct prof_names *n)
{
	prof_free(n->set);
	n->set = NULL;
}

size_t
prof_names_intern(struct prof_names *n, const char *name)
{
	struct prof_frame	f = { .kind = PF_NATIVE };

	f.func = (char *)name;
	return (prof_frame_intern(n->set, &f));
}

const char *
prof_names_get(const struct prof_names *n, size_t id)
{
	return (n->set->frames[id].func);
}

size_t
prof_names_count(const struct prof_names *n)
{
	return (n->set->nframes);
}

/*
 * The folded-safe label of frame i: one field of a `a;b;c COUNT` line. The
 * count is what follows the last space, so a space inside a name is fine;
 * trailing spaces are dropped, so a leaf never runs into the count.
 */
void
prof_label_folded(const struct prof *p, size_t i, struct buf *b)
{
	size_t	start = b->len, j;

	prof_frame_label_buf(&p->frames[i], b);
	while (b->len > start && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
	if (b->len == start) {
		buf_adds(b, "[unknown]");
		return;
	}
	for (j = start; j < b->len; j++) {
		if (b->data[j] == ';')
			b->data[j] = ':';
	}
}

/* The name id of each of p's frames; the caller frees the array. */
size_t *
prof_names_map(struct prof_names *n, const struct prof *p, int flags)
{
	struct buf	 b = BUF_INITIALIZER;
	size_t		*ids, i;

	ids = xreallocarray(NULL, p->nframes + 1, sizeof *ids);
	for (i = 0; i < p->nframes; i++) {
		buf_reset(&b);
		if (flags & PROF_NAME_FOLDED)
			prof_label_folded(p, i, &b);
		else
			prof_frame_label_buf(&p->frames[i], &b);
		ids[i] = prof_names_intern(n, buf_str(&b));
	}
	buf_free(&b);
	return (ids);
}

void
prof_tree_init(struct prof_tree *t)
{
	memset(t, 0, sizeof *t);
	t->cap = 64;
	t->nodes = xcalloc(t->cap, sizeof *t->nodes);
	t->n = 1;
	t->nodes[0].parent = 0;
}

void
prof_tree_free(struct prof_tree *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		free(t->nodes[i].kids);
	free(t->nodes);
	memset(t, 0, sizeof *t);
}

/* The child of node named name, made if missing. */
static size_t
prof_tree_child(struct prof_tree *t, size_t node, size_t name)
{
	struct prof_node	*pn = &t->nodes[node], *c;
	size_t			 i, id;

	for (i = 0; i < pn->nkids; i++) {
		if (t->nodes[pn->kids[i]].name == name)
			return (pn->kids[i]);
	}
	if (t->n == t->cap) {
		t->cap *= 2;
		t->nodes = xreallocarray(t->nodes, t->cap, sizeof *t->nodes);
		pn = &t->nodes[node];
	}
	id = t->n++;
	c = &t->nodes[id];
	memset(c, 0, sizeof *c);
	c->name = name;
	c->parent = node;
	c->depth = pn->depth + 1;
	if (c->depth > t->maxdepth)
		t->maxdepth = c->depth;
	if (pn->nkids == pn->capkids) {
		pn->capkids = pn->capkids == 0 ? 4 : pn->capkids * 2;
		pn->kids = xreallocarray(pn->kids, pn->capkids,
		    sizeof *pn->kids);
	}
	pn->kids[pn->nkids++] = id;
	return (id);
}

/* Add every stack of p to the tree's counts number which (0 or 1). */
void
prof_tree_add(struct prof_tree *t, int which, const struct prof *p,
    const size_t *ids)
{
	const struct prof_stack	*s;
	size_t			 i, d, node;

	for (i = 0; i < p->nstacks; i++) {
		s = &p->stacks[i];
		node = 0;
		t->nodes[0].total[which] += s->count;
		for (d = 0; d < s->depth; d++) {
			node = prof_tree_child(t, node, ids[s->frames[d]]);
			t->nodes[node].total[which] += s->count;
		}
		t->nodes[node].self[which] += s->count;
	}
}

static int
prof_tree_cmp(const void *a, const void *b, void *arg)
{
	const struct prof_tree	*t = ((const void **)arg)[0];
	const struct prof_names	*n = ((const void **)arg)[1];
	size_t			 x = *(const size_t *)a, y = *(const size_t *)b;

	return (strcmp(prof_names_get(n, t->nodes[x].name),
	    prof_names_get(n, t->nodes[y].name)));
}

/* Children in name order, as flamegraphs draw them. */
void
prof_tree_sort(struct prof_tree *t, const struct prof_names *n)
{
	const void	*arg[2] = { t, n };
	size_t		 i;

	for (i = 0; i < t->n; i++) {
		if (t->nodes[i].nkids > 1)
			qsort_r(t->nodes[i].kids, t->nodes[i].nkids,
			    sizeof *t->nodes[i].kids, prof_tree_cmp, arg);
	}
}

/*
 * Text for XML content or attributes: markup characters as entities, and
 * what XML 1.0 forbids (controls, U+FFFE, U+FFFF, bad UTF-8) as U+FFFD.
 * Names reach here sanitised; this is the last line of defence.
 */
void
prof_xml_escape(struct buf *b, const char *s)
{
	size_t		len = strlen(s), n;
	uint32_t	c;

	while (len > 0) {
		if ((n = utf8_decode(s, len, &c)) == 0) {
			c = UTF8_REPLACEMENT;
			n = 1;
		}
		switch (c) {
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		case '\'':
			buf_adds(b, "&#39;");
			break;
		default:
			if (sanitize_is_control(c) || c == 0xfffe ||
			    c == 0xffff)
				c = UTF8_REPLACEMENT;
			utf8_encode(b, c);
			break;
		}
		s += n;
		len -= n;
	}
}

/* Write out what b holds and empty it. */
int
prof_write_buf(FILE *fp, struct buf *b, char *err, size_t errlen)
{
	if (b->len > 0 && fwrite(b->data, 1, b->len, fp) != b->len) {
		snprintf(err, errlen, _("cannot write the profile: %s"),
		    strerror(errno));
		buf_reset(b);
		return (-1);
	}
	buf_reset(b);
	return (0);
}

int
prof_write_done(FILE *fp, char *err, size_t errlen)
{
	if (fflush(fp) != 0 || ferror(fp)) {
		snprintf(err, errlen, _("cannot write the profile: %s"),
		    strerror(errno != 0 ? errno : EIO));
		return (-1);
	}
	return (0);
}
