/* The profile: interned frames, threads and per-thread stacks with counts. */

#include "vigil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "prof.h"
#include "sanitize.h"
#include "xalloc.h"

/*
 * An open-addressing hash set of indices into one of the profile's arrays.
 * A slot holds the entry's hash and its index plus one (0: empty).
 */
struct prof_slot {
	uint64_t	 hash;
	size_t		 idx1;
};

struct prof_htab {
	struct prof_slot	*slots;
	size_t			 cap;		/* a power of two, or 0 */
	size_t			 n;
};

struct prof_index {
	struct prof_htab	 frames;
	struct prof_htab	 threads;
	struct prof_htab	 stacks;
	size_t			 capframes;
	size_t			 capstacks;
	size_t			 capthreads;
	size_t			 capmappings;
};

typedef int	(*prof_eq_fn)(const struct prof *, size_t, const void *);

static uint64_t	prof_hash_bytes(uint64_t, const void *, size_t);
static uint64_t	prof_hash_str(uint64_t, const char *);
static uint64_t	prof_frame_hash(const struct prof_frame *);
static int	prof_frame_eq(const struct prof *, size_t, const void *);
static int	prof_thread_eq(const struct prof *, size_t, const void *);
static int	prof_stack_eq(const struct prof *, size_t, const void *);
static size_t	prof_htab_find(const struct prof *, const struct prof_htab *,
		    uint64_t, prof_eq_fn, const void *);
static void	prof_htab_insert(struct prof_htab *, uint64_t, size_t);
static void	prof_htab_free(struct prof_htab *);
static int	prof_streq(const char *, const char *);
static char	*prof_strdup(const char *);

#define PROF_FNV_BASIS	0xcbf29ce484222325ULL
#define PROF_FNV_PRIME	0x100000001b3ULL
#define PROF_NONE	((size_t)-1)

/* The key prof_stack_eq() compares a stack with. */
struct prof_stack_key {
	size_t		 thread;
	const size_t	*frames;
	size_t		 depth;
};

static uint64_t
prof_hash_bytes(uint64_t h, const void *p, size_t len)
{
	const unsigned char	*u = p;

	while (len-- > 0) {
		h ^= *u++;
		h *= PROF_FNV_PRIME;
	}
	return (h);
}

/* NULL hashes differently from "". */
static uint64_t
prof_hash_str(uint64_t h, const char *s)
{
	static const unsigned char	null = 0xff;

	if (s == NULL)
		return (prof_hash_bytes(h, &null, 1));
	return (prof_hash_bytes(h, s, strlen(s) + 1));
}

static uint64_t
prof_frame_hash(const struct prof_frame *f)
{
	uint64_t	h = PROF_FNV_BASIS;
	int		kind = f->kind;

	h = prof_hash_bytes(h, &kind, sizeof kind);
	h = prof_hash_str(h, f->func);
	h = prof_hash_str(h, f->sysname);
	h = prof_hash_bytes(h, &f->flags, sizeof f->flags);
	h = prof_hash_str(h, f->file);
	h = prof_hash_bytes(h, &f->line, sizeof f->line);
	h = prof_hash_str(h, f->module);
	h = prof_hash_bytes(h, &f->offset, sizeof f->offset);
	return (h);
}

static int
prof_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

static char *
prof_strdup(const char *s)
{
	return (s == NULL ? NULL : xstrdup(s));
}

static int
prof_frame_eq(const struct prof *p, size_t i, const void *key)
{
	const struct prof_frame	*a = &p->frames[i], *b = key;

	return (a->kind == b->kind && a->line == b->line &&
	    a->offset == b->offset && a->flags == b->flags &&
	    prof_streq(a->func, b->func) &&
	    prof_streq(a->sysname, b->sysname) &&
	    prof_streq(a->file, b->file) && prof_streq(a->module, b->module));
}

static int
prof_thread_eq(const struct prof *p, size_t i, const void *key)
{
	return (p->threads[i].tid == *(const int *)key);
}

static int
prof_stack_eq(const struct prof *p, size_t i, const void *key)
{
	const struct prof_stack		*s = &p->stacks[i];
	const struct prof_stack_key	*k = key;

	if (s->thread != k->thread || s->depth != k->depth)
		return (0);
	if (k->depth == 0)
		return (1);
	return (memcmp(s->frames, k->frames, k->depth * sizeof *k->frames) == 0);
}

/* The index of the entry equal to key, or PROF_NONE. */
static size_t
prof_htab_find(const struct prof *p, const struct prof_htab *t, uint64_t h,
    prof_eq_fn eq, const void *key)
{
	size_t	i, mask;

	if (t->cap == 0)
		return (PROF_NONE);
	mask = t->cap - 1;
	for (i = h & mask; t->slots[i].idx1 != 0; i = (i + 1) & mask) {
		if (t->slots[i].hash == h && eq(p, t->slots[i].idx1 - 1, key))
			return (t->slots[i].idx1 - 1);
	}
	return (PROF_NONE);
}

/* Add an entry known to be absent, growing the table past 3/4 full. */
static void
prof_htab_insert(struct prof_htab *t, uint64_t h, size_t idx)
{
	struct prof_slot	*old = t->slots;
	size_t			 oldcap = t->cap, i, j, mask;

	if ((t->n + 1) * 4 > t->cap * 3) {
		t->cap = oldcap == 0 ? 64 : oldcap * 2;
		t->slots = xcalloc(t->cap, sizeof *t->slots);
		mask = t->cap - 1;
		for (i = 0; i < oldcap; i++) {
			if (old[i].idx1 == 0)
				continue;
			for (j = old[i].hash & mask; t->slots[j].idx1 != 0;
			    j = (j + 1) & mask)
				;
			t->slots[j] = old[i];
		}
		free(old);
	}
	mask = t->cap - 1;
	for (i = h & mask; t->slots[i].idx1 != 0; i = (i + 1) & mask)
		;
	t->slots[i].hash = h;
	t->slots[i].idx1 = idx + 1;
	t->n++;
}

static void
prof_htab_free(struct prof_htab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->n = 0;
}

struct prof *
prof_new(int pid, const char *comm, double rate_hz)
{
	struct prof	*p;

	p = xcalloc(1, sizeof *p);
	p->pid = pid;
	p->comm = prof_strdup(comm);
	p->rate_hz = rate_hz;
	p->index = xcalloc(1, sizeof *p->index);
	return (p);
}

/* Forget the samples: stacks, counts and times. */
static void
prof_clear_stacks(struct prof *p)
{
	size_t	i;

	for (i = 0; i < p->nstacks; i++)
		free(p->stacks[i].frames);
	p->nstacks = 0;
	p->total = 0;
	p->duration_ns = 0;
	prof_htab_free(&p->index->stacks);
}

void
prof_free(struct prof *p)
{
	size_t	i;

	if (p == NULL)
		return;
	prof_clear_stacks(p);
	free(p->stacks);
	for (i = 0; i < p->nframes; i++) {
		free(p->frames[i].func);
		free(p->frames[i].sysname);
		free(p->frames[i].file);
		free(p->frames[i].module);
	}
	free(p->frames);
	for (i = 0; i < p->nthreads; i++)
		free(p->threads[i].name);
	free(p->threads);
	for (i = 0; i < p->nmappings; i++) {
		free(p->mappings[i].path);
		free(p->mappings[i].build_id);
	}
	free(p->mappings);
	prof_htab_free(&p->index->frames);
	prof_htab_free(&p->index->threads);
	free(p->index);
	free(p->comm);
	free(p);
}

/*
 * Start counting again. Frames, threads and mappings stay, so indices the
 * sampler holds remain valid; stacks, total and duration go.
 */
void
prof_reset(struct prof *p)
{
	prof_clear_stacks(p);
}

size_t
prof_frame_intern(struct prof *p, const struct prof_frame *f)
{
	struct prof_index	*ix = p->index;
	struct prof_frame	*nf;
	uint64_t		 h = prof_frame_hash(f);
	size_t			 i;

	i = prof_htab_find(p, &ix->frames, h, prof_frame_eq, f);
	if (i != PROF_NONE)
		return (i);
	if (p->nframes == ix->capframes) {
		ix->capframes = ix->capframes == 0 ? 64 : ix->capframes * 2;
		p->frames = xreallocarray(p->frames, ix->capframes,
		    sizeof *p->frames);
	}
	i = p->nframes++;
	nf = &p->frames[i];
	nf->kind = f->kind;
	nf->func = prof_strdup(f->func);
	nf->sysname = prof_strdup(f->sysname);
	nf->flags = f->flags;
	nf->file = prof_strdup(f->file);
	nf->line = f->line;
	nf->module = prof_strdup(f->module);
	nf->offset = f->offset;
	prof_htab_insert(&ix->frames, h, i);
	return (i);
}

/* One entry per TID; a thread that renamed itself keeps its newest name. */
size_t
prof_thread_intern(struct prof *p, int tid, const char *name)
{
	struct prof_index	*ix = p->index;
	struct prof_thread	*t;
	uint64_t		 h;
	size_t			 i;

	h = prof_hash_bytes(PROF_FNV_BASIS, &tid, sizeof tid);
	i = prof_htab_find(p, &ix->threads, h, prof_thread_eq, &tid);
	if (i != PROF_NONE) {
		t = &p->threads[i];
		if (name != NULL && !prof_streq(t->name, name)) {
			free(t->name);
			t->name = xstrdup(name);
		}
		return (i);
	}
	if (p->nthreads == ix->capthreads) {
		ix->capthreads = ix->capthreads == 0 ? 16 : ix->capthreads * 2;
		p->threads = xreallocarray(p->threads, ix->capthreads,
		    sizeof *p->threads);
	}
	i = p->nthreads++;
	p->threads[i].tid = tid;
	p->threads[i].name = prof_strdup(name);
	prof_htab_insert(&ix->threads, h, i);
	return (i);
}

/* Count a stack (root first) of a thread count more times; its index. */
size_t
prof_add(struct prof *p, size_t thread, const size_t *frames, size_t depth,
    uint64_t count)
{
	struct prof_index	*ix = p->index;
	struct prof_stack_key	 key = { thread, frames, depth };
	struct prof_stack	*s;
	uint64_t		 h;
	size_t			 i;

	h = prof_hash_bytes(PROF_FNV_BASIS, &thread, sizeof thread);
	h = prof_hash_bytes(h, &depth, sizeof depth);
	if (depth > 0)
		h = prof_hash_bytes(h, frames, depth * sizeof *frames);
	i = prof_htab_find(p, &ix->stacks, h, prof_stack_eq, &key);
	if (i == PROF_NONE) {
		if (p->nstacks == ix->capstacks) {
			ix->capstacks = ix->capstacks == 0 ? 64 :
			    ix->capstacks * 2;
			p->stacks = xreallocarray(p->stacks, ix->capstacks,
			    sizeof *p->stacks);
		}
		i = p->nstacks++;
		s = &p->stacks[i];
		s->thread = thread;
		s->depth = depth;
		s->count = 0;
		s->frames = NULL;
		if (depth > 0) {
			s->frames = xreallocarray(NULL, depth,
			    sizeof *s->frames);
			memcpy(s->frames, frames, depth * sizeof *frames);
		}
		prof_htab_insert(&ix->stacks, h, i);
	}
	p->stacks[i].count += count;
	p->total += count;
	return (i);
}

/* Add a mapping of the target, once: the same range and path is kept once. */
void
prof_mapping_add(struct prof *p, const struct prof_mapping *m)
{
	struct prof_index	*ix = p->index;
	struct prof_mapping	*nm;
	size_t			 i;

	for (i = 0; i < p->nmappings; i++) {
		nm = &p->mappings[i];
		if (nm->start == m->start && nm->end == m->end &&
		    nm->offset == m->offset && prof_streq(nm->path, m->path))
			return;
	}
	if (p->nmappings == ix->capmappings) {
		ix->capmappings = ix->capmappings == 0 ? 16 :
		    ix->capmappings * 2;
		p->mappings = xreallocarray(p->mappings, ix->capmappings,
		    sizeof *p->mappings);
	}
	nm = &p->mappings[p->nmappings++];
	nm->start = m->start;
	nm->end = m->end;
	nm->offset = m->offset;
	nm->path = prof_strdup(m->path);
	nm->build_id = prof_strdup(m->build_id);
}

/* The last component of a path. */
const char *
prof_basename(const char *path)
{
	const char	*s;

	if (path == NULL)
		return (NULL);
	s = strrchr(path, '/');
	return (s != NULL && s[1] != '\0' ? s + 1 : path);
}

/* The label, unsanitised: what a frame is called in every export. */
void
prof_frame_label_raw(const struct prof_frame *f, struct buf *b)
{
	if (f->kind == PF_PYTHON) {
		buf_adds(b, f->func != NULL ? f->func : "[unknown]");
		if (f->file == NULL)
			return;
		buf_printf(b, " (%s", prof_basename(f->file));
		if (f->line > 0)
			buf_printf(b, ":%d", f->line);
		buf_addc(b, ')');
		return;
	}
	if (f->func != NULL) {
		buf_adds(b, f->func);
		if (f->flags & PF_INLINED)
			buf_adds(b, " (inlined)");
	} else if (f->module != NULL && (f->flags & PF_FDE))
		buf_printf(b, "%s!fde@0x%llx", prof_basename(f->module),
		    (unsigned long long)f->offset);
	else if (f->module != NULL)
		buf_printf(b, "%s+0x%llx", prof_basename(f->module),
		    (unsigned long long)f->offset);
	else
		buf_adds(b, "[unknown]");
}

/* The label, safe to show: escape sequences and bad UTF-8 are escaped. */
void
prof_frame_label_buf(const struct prof_frame *f, struct buf *b)
{
	struct buf	raw = BUF_INITIALIZER;

	prof_frame_label_raw(f, &raw);
	sanitize(b, raw.data != NULL ? raw.data : "", raw.len, 0);
	buf_free(&raw);
}

/*
 * The safe label into s, cut at a character boundary to fit size; returns
 * the label's whole length, like snprintf(3).
 */
size_t
prof_frame_label(const struct prof_frame *f, char *s, size_t size)
{
	struct buf	b = BUF_INITIALIZER;
	size_t		n;

	prof_frame_label_buf(f, &b);
	if (size > 0) {
		n = b.len < size - 1 ? b.len : size - 1;
		/* Do not end inside a UTF-8 sequence. */
		while (n > 0 && n < b.len &&
		    ((unsigned char)b.data[n] & 0xc0) == 0x80)
			n--;
		if (n > 0)
			memcpy(s, b.data, n);
		s[n] = '\0';
	}
	n = b.len;
	buf_free(&b);
	return (n);
}
