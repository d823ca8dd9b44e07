/*
 * What the exporters share: names (frame labels interned to small ids), the
 * call tree a flamegraph draws, XML escaping and write-error checks. The
 * caller owns every prof_names and prof_tree and frees it.
 */
#ifndef VIGIL_PROF_INT_H
#define VIGIL_PROF_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct buf;
struct prof;

/* Frame labels as ids: the same label in any profile is the same id. */
struct prof_names {
	struct prof	*set;		/* each "frame" is one name */
};

#define PROF_NAME_FOLDED	0x1	/* ';' in a name becomes ':' */

void		 prof_names_init(struct prof_names *);
void		 prof_names_free(struct prof_names *);
size_t		 prof_names_intern(struct prof_names *, const char *);
const char	*prof_names_get(const struct prof_names *, size_t);
size_t		 prof_names_count(const struct prof_names *);
size_t		*prof_names_map(struct prof_names *, const struct prof *,
		     int);
void		 prof_label_folded(const struct prof *, size_t, struct buf *);

/*
 * The call tree, merged over threads: node 0 is the root ("all"); a node's
 * children are the distinct names called from it. Counts are kept for two
 * profiles (0: new or only, 1: old) for the differential flamegraph.
 */
struct prof_node {
	size_t		 name;
	size_t		 parent;
	size_t		 depth;
	uint64_t	 total[2];
	uint64_t	 self[2];
	size_t		*kids;
	size_t		 nkids;
	size_t		 capkids;
};

struct prof_tree {
	struct prof_node	*nodes;
	size_t			 n;
	size_t			 cap;
	size_t			 maxdepth;
};

void	prof_tree_init(struct prof_tree *);
void	prof_tree_free(struct prof_tree *);
void	prof_tree_add(struct prof_tree *, int, const struct prof *,
	    const size_t *);
void	prof_tree_sort(struct prof_tree *, const struct prof_names *);

int	prof_folded_line(struct prof *, size_t, char *, size_t, char *,
	    size_t);

void	prof_xml_escape(struct buf *, const char *);
int	prof_write_buf(FILE *, struct buf *, char *, size_t);
int	prof_write_done(FILE *, char *, size_t);

#endif
