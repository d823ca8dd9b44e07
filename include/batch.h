/*
 * Batch mode: snapshots of the model printed to standard output, as text
 * (like top -b) or as one JSON object per line. batch_format() renders one
 * snapshot into a caller's buffer, so it is testable without a terminal.
 */
#ifndef VIGIL_BATCH_H
#define VIGIL_BATCH_H

struct buf;
struct model;
struct options;

#define BATCH_ASCII	0x1	/* the terminal is not UTF-8 */

void	batch_format(struct buf *, struct model *, const struct options *,
	    int);
int	batch_run(struct options *);

#endif
