/* Parsing a line of /proc/PID/maps, for the profiler and heap snapshots. */

#include "vigil.h"

#include <stdlib.h>
#include <string.h>

#include "procmaps.h"

/*
 * Parse the line from l up to eol (its newline or end). Returns 0, or -1
 * when it is not a mapping line.
 */
int
procmaps_parse_line(const char *l, const char *eol, struct procmaps_line *m)
{
	const char	*p = l;
	char		*end;
	size_t		 dl = strlen(PROCMAPS_DELETED);

	memset(m, 0, sizeof *m);
	m->start = strtoull(p, &end, 16);
	if (end == p || *end != '-')
		return (-1);
	p = end + 1;
	m->end = strtoull(p, &end, 16);
	if (end == p || *end != ' ' || eol - end < 6 || m->end < m->start)
		return (-1);
	memcpy(m->perms, end + 1, 4);
	m->perms[4] = '\0';
	p = end + 5;
	if (*p != ' ')
		return (-1);
	m->offset = strtoull(p + 1, &end, 16);
	p = end;
	while (p < eol && *p == ' ')
		p++;
	while (p < eol && *p != ' ')	/* the device, MAJ:MIN */
		p++;
	m->inode = strtoull(p, &end, 10);
	p = end;
	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	if (p > eol)
		return (-1);
	m->name = p;
	m->namelen = eol - p;
	m->deleted = m->namelen >= dl &&
	    memcmp(p + m->namelen - dl, PROCMAPS_DELETED, dl) == 0;
	return (0);
}
