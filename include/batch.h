/*
 * Batch mode: snapshots of the model printed to standard output, as text
 * (like top -b) or as one JSON object per line. batch_format() renders one
 * snapshot into a caller's buffer, so it is testable without a terminal.
 */
#ifndef VIGIL_BATCH_H
#define VIGIL_BATCH_H

struct alarm_set;
struct model;
struct options;
struct record_exit;

#include "buf.h"

#define BATCH_ASCII	0x1	/* the terminal is not UTF-8 */

/* Where a snapshot goes: a buffer, written to fd as it fills (fd -1: not). */
struct batch_out {
	struct buf		 b;
	int			 fd;
	int			 error;		/* errno of the first failed write */
	struct alarm_set	*alarms;	/* events to report, or NULL */
	/* Replay: the frame's own time, and who left since the last one. */
	double			 wall;		/* 0: live, the clock's */
	int			 replay;
	int			 exits_seen;	/* every exit, or only seen ones */
	const struct record_exit *exits;
	size_t			 nexits;
};

void	batch_format(struct batch_out *, struct model *,
	    const struct options *, int);
void	batch_spill(struct batch_out *, size_t);
int	batch_run(struct options *);

#endif
