/* Parsing /proc/PID/maps and the JIT symbol files /tmp/perf-PID.map. */

#include "vigil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "sampler-int.h"
#include "procmaps.h"
#include "xalloc.h"


static int	prof_jitsym_cmp(const void *, const void *);

/*
 * One line of /proc/PID/maps:
 *   START-END PERMS OFFSET DEV INODE [PATH]
 * Returns 0 with m filled (m->path allocated or NULL), -1 if malformed.
 */
int
prof_maps_parse_line(const char *line, struct prof_map *m)
{
	struct procmaps_line	pl;
	size_t			len;

	memset(m, 0, sizeof *m);
	if (procmaps_parse_line(line, line + strcspn(line, "\n"), &pl) != 0)
		return (-1);
	m->start = pl.start;
	m->end = pl.end;
	m->offset = pl.offset;
	m->exec = pl.perms[2] == 'x';
	if ((len = pl.namelen) == 0)
		return (0);
	/* The path without the kernel's note, which says so in deleted. */
	if ((m->deleted = pl.deleted) && len > strlen(PROCMAPS_DELETED))
		len -= strlen(PROCMAPS_DELETED);
	m->path = xstrndup(pl.name, len);
	return (0);
}

/* Every well-formed line of text, appended in order. */
void
prof_maps_parse(struct prof_maps *maps, const char *text)
{
	struct prof_map	 m;
	const char	*line, *nl;

	for (line = text; *line != '\0'; line = nl + 1) {
		if (prof_maps_parse_line(line, &m) == 0) {
			maps->v = xreallocarray(maps->v, maps->n + 1,
			    sizeof *maps->v);
			maps->v[maps->n++] = m;
		}
		if ((nl = strchr(line, '\n')) == NULL)
			break;
	}
}

/* Read /proc/PID/maps afresh. Returns 0, or -1 with errno set. */
int
prof_maps_read(struct prof_maps *maps, int pid)
{
	char	 path[64], *text;

	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	if (file_read_all(path, &text) < 0)
		return (-1);
	prof_maps_free(maps);
	prof_maps_parse(maps, text);
	free(text);
	return (0);
}

/* The mapping holding addr, or NULL. Maps are sorted, as the kernel lists them. */
const struct prof_map *
prof_maps_find(const struct prof_maps *maps, uint64_t addr)
{
	size_t	lo = 0, hi = maps->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (addr < maps->v[mid].start)
			hi = mid;
		else if (addr >= maps->v[mid].end)
			lo = mid + 1;
		else
			return (&maps->v[mid]);
	}
	return (NULL);
}

void
prof_maps_free(struct prof_maps *maps)
{
	size_t	i;

	for (i = 0; i < maps->n; i++)
		free(maps->v[i].path);
	free(maps->v);
	maps->v = NULL;
	maps->n = 0;
}

/*
 * One line of a perf map, as JITs write them (Linux tools/perf
 * Documentation/jit-interface.txt): "START SIZE NAME", hex numbers with or
 * without 0x, the name to the end of the line. Returns 0 or -1.
 */
int
prof_jitmap_parse_line(const char *line, struct prof_jitsym *s)
{
	const char	*p;
	char		*end;
	size_t		 len;

	memset(s, 0, sizeof *s);
	p = line + strspn(line, " \t");
	s->start = strtoull(p, &end, 16);
	if (end == p || (*end != ' ' && *end != '\t'))
		return (-1);
	p = end + strspn(end, " \t");
	s->size = strtoull(p, &end, 16);
	if (end == p || (*end != ' ' && *end != '\t') || s->size == 0)
		return (-1);
	p = end + strspn(end, " \t");
	len = strcspn(p, "\n");
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\r'))
		len--;
	if (len == 0)
		return (-1);
	s->name = xstrndup(p, len);
	return (0);
}

static int
prof_jitsym_cmp(const void *a, const void *b)
{
	const struct prof_jitsym	*x = a, *y = b;

	if (x->start != y->start)
		return (x->start < y->start ? -1 : 1);
	return (0);
}

/* Every well-formed line of text, sorted by address. */
void
prof_jitmap_parse(struct prof_jitmap *jm, const char *text)
{
	struct prof_jitsym	 s;
	const char		*line, *nl;

	for (line = text; *line != '\0'; line = nl + 1) {
		if (prof_jitmap_parse_line(line, &s) == 0) {
			jm->v = xreallocarray(jm->v, jm->n + 1, sizeof *jm->v);
			jm->v[jm->n++] = s;
		}
		if ((nl = strchr(line, '\n')) == NULL)
			break;
	}
	if (jm->n > 1)
		qsort(jm->v, jm->n, sizeof *jm->v, prof_jitsym_cmp);
}

/*
 * The symbol holding addr: the one starting last at or below it that still
 * covers it (a JIT may reuse an old symbol's range).
 */
const struct prof_jitsym *
prof_jitmap_find(const struct prof_jitmap *jm, uint64_t addr)
{
	size_t	lo = 0, hi = jm->n, mid, i;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (jm->v[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Look back a little for an older, longer symbol still covering it. */
	for (i = lo; i > 0 && lo - i < 16; i--) {
		if (addr - jm->v[i - 1].start < jm->v[i - 1].size)
			return (&jm->v[i - 1]);
	}
	return (NULL);
}

void
prof_jitmap_free(struct prof_jitmap *jm)
{
	size_t	i;

	for (i = 0; i < jm->n; i++)
		free(jm->v[i].name);
	free(jm->v);
	jm->v = NULL;
	jm->n = 0;
}
