/* The smaps parser and the mapping classifier: pure functions over text. */

#include "vigil.h"

#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "procmaps.h"
#include "xalloc.h"

static const struct {
	const char	*name;		/* in JSON */
	const char	*label;		/* on screen */
} heap_classes[HEAP_C__COUNT] = {
	{ "heap", N_("main heap") },
	{ "arena", N_("thread arenas") },
	{ "anon", N_("other anonymous") },
	{ "thread_stack", N_("thread stacks") },
	{ "stack", N_("main stack") },
	{ "file", N_("files") },
	{ "shmem", N_("shared memory") },
	{ "special", N_("vdso, vvar") },
	{ "other", N_("other") },
};

const char *
heap_class_name(enum heap_class c)
{
	return (c < HEAP_C__COUNT ? heap_classes[c].name : "other");
}

const char *
heap_class_label(enum heap_class c)
{
	return (_(heap_classes[c < HEAP_C__COUNT ? c : HEAP_C_OTHER].label));
}

int
heap_class_from_name(const char *s)
{
	int	i;

	for (i = 0; i < HEAP_C__COUNT; i++)
		if (s != NULL && strcmp(s, heap_classes[i].name) == 0)
			return (i);
	return (-1);
}

void
heap_snap_free(struct heap_snap *s)
{
	size_t	i;

	for (i = 0; i < s->nmaps; i++)
		free(s->maps[i].name);
	free(s->maps);
	s->maps = NULL;
	s->nmaps = 0;
}

static int
is_hex(char c)
{
	return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
}

/*
 * A mapping's header line: "START-END PERMS OFFSET MAJ:MIN INODE   NAME".
 * The name runs to the end of the line: it may hold spaces, and the kernel
 * writes a newline in it as "\012", so a line is always one mapping. The
 * name is kept as the kernel wrote it; " (deleted)" is also noted apart.
 */
static int
smaps_header(const char *l, const char *eol, struct heap_map *m)
{
	struct procmaps_line	pl;

	memset(m, 0, sizeof *m);
	if (procmaps_parse_line(l, eol, &pl) != 0)
		return (-1);
	m->start = pl.start;
	m->end = pl.end;
	memcpy(m->perms, pl.perms, sizeof m->perms);
	m->offset = pl.offset;
	m->inode = pl.inode;
	m->name = xstrndup(pl.name, pl.namelen);
	m->deleted = pl.deleted;
	return (0);
}

/* One "Key:   123 kB" line into the mapping's numbers. */
static void
smaps_field(const char *l, const char *eol, struct heap_map *m)
{
	static const struct {
		const char	*key;
		size_t		 off;
	} fields[] = {
		{ "Size:", offsetof(struct heap_usage, size) },
		{ "Rss:", offsetof(struct heap_usage, rss) },
		{ "Pss:", offsetof(struct heap_usage, pss) },
		{ "Private_Dirty:", offsetof(struct heap_usage, private_dirty) },
		{ "Swap:", offsetof(struct heap_usage, swap) },
	};
	size_t	i, n;

	for (i = 0; i < nitems(fields); i++) {
		n = strlen(fields[i].key);
		if ((size_t)(eol - l) > n && memcmp(l, fields[i].key, n) == 0) {
			*(uint64_t *)((char *)&m->u + fields[i].off) =
			    strtoull(l + n, NULL, 10);
			return;
		}
	}
}

/*
 * Append the mappings of smaps text to s. A header is a line that starts
 * "hex-hex "; the field lines after it belong to it. Lines of neither kind
 * are skipped, so a field a newer kernel adds costs nothing. Returns the
 * number of mappings read, or -1 if a header line is malformed.
 */
int
heap_smaps_parse(const char *text, size_t len, struct heap_snap *s)
{
	const char	*l = text, *end = text + len, *eol, *q;
	struct heap_map	 m, *cur = NULL;
	int		 n = 0;

	for (; l < end; l = eol + 1) {
		if ((eol = memchr(l, '\n', end - l)) == NULL)
			eol = end;
		for (q = l; q < eol && is_hex(*q); q++)
			;
		if (q > l && q < eol && *q == '-') {
			if (smaps_header(l, eol, &m) != 0) {
				free(m.name);
				return (-1);
			}
			/* Capacity doubles at each power of two (0: 16). */
			if ((s->nmaps & (s->nmaps - 1)) == 0)
				s->maps = xreallocarray(s->maps, s->nmaps == 0 ?
				    16 : s->nmaps * 2, sizeof *s->maps);
			s->maps[s->nmaps] = m;
			cur = &s->maps[s->nmaps++];
			n++;
		} else if (cur != NULL)
			smaps_field(l, eol, cur);
		if (eol == end)
			break;
	}
	return (n);
}

/*
 * The stack pointer in /proc/PID/task/TID/syscall: "NR A1..A6 SP PC" while
 * in a system call, "-1 SP PC" while blocked outside one, "running" while
 * on a CPU (then there is none). Returns 0 with *sp set, or -1.
 */
int
heap_syscall_sp(const char *text, uint64_t *sp)
{
	const char	*tok[9];
	const char	*p = text;
	int		 n = 0;
	char		*end;

	while (*p != '\0' && n < 9) {
		while (*p == ' ' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		tok[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\n')
			p++;
	}
	while (*p == ' ' || *p == '\n')
		p++;
	if ((n != 3 && n != 9) || *p != '\0' ||
	    strncmp(tok[n - 2], "0x", 2) != 0)
		return (-1);
	*sp = strtoull(tok[n - 2], &end, 16);
	return (end == tok[n - 2] + 2 ? -1 : 0);
}

static int
map_anon(const struct heap_map *m)
{
	return (m->name[0] == '\0' || strncmp(m->name, "[anon:", 6) == 0);
}

static int
map_private(const struct heap_map *m)
{
	return (m->perms[3] == 'p');
}

static int
map_reserved(const struct heap_map *m)
{
	return (strncmp(m->perms, "---", 3) == 0);
}

/*
 * A glibc thread-arena heap: mmap'd HEAP_MAX_SIZE-aligned, made readable
 * as it grows, the rest PROT_NONE. So the first mapping starts on a 64 MiB
 * boundary and, with its reserved rest after it, ends on the next one.
 */
static int
map_arena_at(const struct heap_snap *s, size_t i)
{
	const struct heap_map	*m = &s->maps[i], *n;

	if (!map_anon(m) || !map_private(m) || m->start % HEAP_ARENA_ALIGN != 0)
		return (0);
	if (m->end - m->start == HEAP_ARENA_ALIGN)
		return (1);
	if (i + 1 >= s->nmaps || map_reserved(m))
		return (0);
	n = &s->maps[i + 1];
	return (n->start == m->end && map_anon(n) && map_reserved(n) &&
	    n->end == m->start + HEAP_ARENA_ALIGN);
}

/*
 * A pthread stack without a known stack pointer: writable anonymous memory
 * right above a small PROT_NONE guard (glibc puts the guard below).
 */
static int
map_guarded_at(const struct heap_snap *s, size_t i)
{
	const struct heap_map	*m = &s->maps[i], *g;

	if (i == 0 || !map_anon(m) || !map_private(m) || m->perms[1] != 'w')
		return (0);
	g = &s->maps[i - 1];
	return (g->end == m->start && map_anon(g) && map_reserved(g) &&
	    g->end - g->start <= (1 << 20) && g->cls != HEAP_C_ARENA);
}

static enum heap_class
map_class_by_name(const struct heap_map *m)
{
	const char	*n = m->name;

	if (strcmp(n, "[heap]") == 0)
		return (HEAP_C_HEAP);
	if (strcmp(n, "[stack]") == 0)
		return (HEAP_C_STACK);
	if (strcmp(n, "[vdso]") == 0 || strcmp(n, "[vvar]") == 0 ||
	    strcmp(n, "[vsyscall]") == 0 || strncmp(n, "[vvar_", 6) == 0)
		return (HEAP_C_SPECIAL);
	if (strncmp(n, "[anon_shmem:", 12) == 0 ||
	    strncmp(n, "/dev/shm/", 9) == 0 || strncmp(n, "/SYSV", 5) == 0 ||
	    strncmp(n, "/memfd:", 7) == 0 ||
	    (strncmp(n, "/dev/zero", 9) == 0 && !map_private(m)))
		return (HEAP_C_SHMEM);
	if (n[0] == '/')
		return (HEAP_C_FILE);
	if (map_anon(m))
		return (HEAP_C_ANON);
	return (HEAP_C_OTHER);
}

static int
map_has_sp(const struct heap_map *m, const uint64_t *sps, size_t nsps)
{
	size_t	i;

	for (i = 0; i < nsps; i++)
		if (sps[i] >= m->start && sps[i] < m->end)
			return (1);
	return (0);
}

/*
 * Put each mapping of s in its class and add up the classes. sps are the
 * stack pointers of the threads; with guess set (some thread's was not
 * known), a guarded writable mapping is taken for a thread stack too.
 */
void
heap_classify(struct heap_snap *s, const uint64_t *sps, size_t nsps,
    int guess)
{
	struct heap_map		*m;
	struct heap_usage	*c;
	size_t			 i;

	for (i = 0; i < s->nmaps; i++) {
		m = &s->maps[i];
		m->cls = map_class_by_name(m);
		if (m->cls != HEAP_C_ANON || !map_private(m))
			continue;
		if (map_has_sp(m, sps, nsps) || (guess && map_guarded_at(s, i)))
			m->cls = HEAP_C_THREAD_STACK;
		else if (map_arena_at(s, i)) {
			m->cls = HEAP_C_ARENA;
			/* Its reserved rest. */
			if (i + 1 < s->nmaps && map_reserved(&s->maps[i + 1]) &&
			    s->maps[i + 1].start == m->end) {
				s->maps[++i].cls = HEAP_C_ARENA;
			}
		}
	}
	/* A thread stack's guard page is part of it. */
	for (i = 0; i + 1 < s->nmaps; i++) {
		if (s->maps[i + 1].cls == HEAP_C_THREAD_STACK &&
		    s->maps[i].cls == HEAP_C_ANON &&
		    map_reserved(&s->maps[i]) &&
		    s->maps[i].end == s->maps[i + 1].start)
			s->maps[i].cls = HEAP_C_THREAD_STACK;
	}
	memset(s->cls, 0, sizeof s->cls);
	memset(&s->total, 0, sizeof s->total);
	for (i = 0; i < s->nmaps; i++) {
		m = &s->maps[i];
		c = &s->cls[m->cls];
		c->size += m->u.size;
		c->rss += m->u.rss;
		c->pss += m->u.pss;
		c->private_dirty += m->u.private_dirty;
		c->swap += m->u.swap;
		s->total.size += m->u.size;
		s->total.rss += m->u.rss;
		s->total.pss += m->u.pss;
		s->total.private_dirty += m->u.private_dirty;
		s->total.swap += m->u.swap;
	}
}
