/*
 * Following log files like tail -F: one inotify descriptor for every
 * source (the file and its directory are watched), surviving rotation by
 * rename (the old file is finished, then the new one opened), truncation
 * (copytruncate: read again from the top), deletion and re-creation. A
 * source starts from its last LOGS_START_LINES lines without reading the
 * whole file, and keeps a bounded ring of lines. A source that cannot be
 * opened says why and is retried by logs_poll(); logs_status() is NULL
 * while a source is followed.
 *
 * Lines are raw, untrusted bytes (the screen sanitises them); a line
 * longer than the bound is kept cut, and says so. Every line gets a
 * sequence number that grows across all sources, so a caller can merge
 * sources in arrival order. The set owns its sources and lines. A stream
 * source is fed by the caller instead of read from a file (strace's
 * output, from a pipe): the same lines, bound and ring.
 */
#ifndef VIGIL_LOGS_H
#define VIGIL_LOGS_H

#include <stddef.h>
#include <stdint.h>

#define LOGS_START_LINES	200
#define LOGS_RING_DEFAULT	5000
#define LOGS_LINE_MAX		65536	/* bytes kept of one line */

struct logline {
	uint64_t	 seq;		/* across all sources, from 1 */
	int		 source;	/* id from logs_add() */
	char		*text;		/* raw, NUL-terminated, no newline */
	size_t		 len;
	int		 cut;		/* longer than LOGS_LINE_MAX */
};

struct logs;

struct logs		*logs_new(size_t);
struct logs		*logs_new_streams(size_t);
void			 logs_free(struct logs *);
int			 logs_fd(const struct logs *);
int			 logs_add(struct logs *, const char *, const char *);
int			 logs_find(const struct logs *, const char *);
void			 logs_remove(struct logs *, int);
int			 logs_add_stream(struct logs *, const char *);
int			 logs_stream_feed(struct logs *, int, const char *,
			     size_t);
int			 logs_stream_end(struct logs *, int, const char *);
int			 logs_process(struct logs *);
int			 logs_poll(struct logs *);
int			 logs_nids(const struct logs *);
size_t			 logs_count(const struct logs *, int);
const struct logline	*logs_line(const struct logs *, int, size_t);
const char		*logs_label(const struct logs *, int);
const char		*logs_status(const struct logs *, int);

/* The log files a process writes (see logs_discover() in discover.c). */
int			 logs_discover(int, char ***, size_t *);
void			 logs_discover_free(char **, size_t);

#endif
