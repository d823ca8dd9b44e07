/*
 * The live profile the monitor shows: the stream of `vigil profile
 * --stream PID` (see include/profcmd.h) read as it arrives, each finished
 * snapshot becoming a profile of named frames. A reset takes the current
 * counts as the baseline, so the view shows only what came after. The
 * call tree is flattened into rows for the screen, each node open or
 * closed by the user; the hottest path opens by itself. The live object
 * owns its profiles, rows and messages.
 */
#ifndef VIGIL_PROFLIVE_H
#define VIGIL_PROFLIVE_H

#include <stddef.h>
#include <stdint.h>

#include "prof.h"

struct prof_live;

struct prof_live_row {
	const char	*name;
	size_t		 depth;		/* 0: a function called from the root */
	uint64_t	 self;
	uint64_t	 total;
	int		 kids;		/* has children */
	int		 open;
	size_t		 node;		/* for prof_live_toggle() */
};

struct prof_live	*prof_live_new(int, const char *);
void			 prof_live_free(struct prof_live *);
int			 prof_live_feed(struct prof_live *, const char *, size_t);
void			 prof_live_reset(struct prof_live *);
const struct prof	*prof_live_profile(const struct prof_live *);
double			 prof_live_elapsed(const struct prof_live *);
double			 prof_live_rate(const struct prof_live *);
uint64_t		 prof_live_samples(const struct prof_live *);
size_t			 prof_live_threads(const struct prof_live *);
enum prof_mode		 prof_live_mode(const struct prof_live *);
const char		*prof_live_method(const struct prof_live *);
const char		*prof_live_message(const struct prof_live *);
const char		*prof_live_ended(const struct prof_live *);
size_t			 prof_live_rows(struct prof_live *,
			     const struct prof_live_row **);
void			 prof_live_toggle(struct prof_live *, size_t);

#endif
