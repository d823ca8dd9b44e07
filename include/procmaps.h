/*
 * One line of /proc/PID/maps (or a mapping's header line in smaps):
 * "START-END PERMS OFFSET MAJ:MIN INODE   NAME". The name runs to the end
 * of the line and may hold spaces (the kernel writes a newline in it as
 * "\012"). Parsing allocates nothing: name points into the line.
 */
#ifndef VIGIL_PROCMAPS_H
#define VIGIL_PROCMAPS_H

#include <stddef.h>
#include <stdint.h>

struct procmaps_line {
	uint64_t	 start, end;
	uint64_t	 offset;
	uint64_t	 inode;
	char		 perms[5];
	const char	*name;		/* into the line; namelen 0: none */
	size_t		 namelen;
	int		 deleted;	/* the name ends in " (deleted)" */
};

#define PROCMAPS_DELETED	" (deleted)"

int	procmaps_parse_line(const char *, const char *, struct procmaps_line *);

#endif
