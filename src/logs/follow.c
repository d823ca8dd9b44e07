/* Following log files like tail -F. */

#include "vigil.h"

#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "logs.h"
#include "ring.h"
#include "xalloc.h"

#define LOGS_FILE_EVENTS	(IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | \
				    IN_DELETE_SELF)
#define LOGS_DIR_EVENTS		(IN_CREATE | IN_MOVED_TO | IN_DELETE | \
				    IN_MOVED_FROM | IN_ONLYDIR)
#define LOGS_BLOCK		65536

struct logs_source {
	int		 id;
	char		*path;
	char		*label;
	char		*dir;
	char		*base;
	char		*status;	/* NULL while following */
	int		 stream;	/* fed by the caller, no file */

	int		 fd;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 off;
	int		 opened;	/* was open once: new files from 0 */
	int		 wd_file;
	int		 wd_dir;
	int		 dirty;

	struct buf	 partial;	/* the line not yet ended */
	int		 partial_cut;
	struct ring	 lines;		/* of struct logline */
};

struct logs {
	int			  ifd;
	size_t			  cap;
	uint64_t		  seq;
	struct logs_source	**src;
	size_t			  nsrc;
};

static struct logs_source *logs_get(const struct logs *, int);
static int	logs_wd_used(const struct logs *, int);
static void	logs_unwatch(struct logs *, int);
static void	logs_set_status(struct logs_source *, const char *);
static void	logs_watch_dir(struct logs *, struct logs_source *);
static int	logs_emit(struct logs *, struct logs_source *);
static int	logs_feed(struct logs *, struct logs_source *, const char *,
		    size_t);
static int	logs_read(struct logs *, struct logs_source *);
static int	logs_finish(struct logs *, struct logs_source *);
static off_t	logs_tail_start(int, off_t);
static int	logs_open(struct logs *, struct logs_source *);
static int	logs_check(struct logs *, struct logs_source *);
static void	logs_mark(struct logs *, const struct inotify_event *);

static struct logs_source *
logs_get(const struct logs *set, int id)
{
	if (id < 0 || (size_t)id >= set->nsrc)
		return (NULL);
	return (set->src[id]);
}

/* Watches of the same inode or directory share one wd in the kernel. */
static int
logs_wd_used(const struct logs *set, int wd)
{
	size_t	i;

	for (i = 0; i < set->nsrc; i++) {
		if (set->src[i] == NULL)
			continue;
		if (set->src[i]->wd_file == wd || set->src[i]->wd_dir == wd)
			return (1);
	}
	return (0);
}

/* Drop a wd the caller no longer holds, unless another source holds it. */
static void
logs_unwatch(struct logs *set, int wd)
{
	if (wd != -1 && !logs_wd_used(set, wd))
		inotify_rm_watch(set->ifd, wd);
}

static void
logs_set_status(struct logs_source *s, const char *status)
{
	free(s->status);
	s->status = status != NULL ? xstrdup(status) : NULL;
}

static void
logs_watch_dir(struct logs *set, struct logs_source *s)
{
	if (s->wd_dir == -1)
		s->wd_dir = inotify_add_watch(set->ifd, s->dir, LOGS_DIR_EVENTS);
}

/* The partial line becomes a line of the ring. */
static int
logs_emit(struct logs *set, struct logs_source *s)
{
	struct logline		 l;
	const struct logline	*old;

	if (ring_len(&s->lines) == s->lines.cap) {
		old = ring_get(&s->lines, 0);
		free(old->text);
	}
	l.seq = ++set->seq;
	l.source = s->id;
	l.len = s->partial.len;
	l.text = xmalloc(l.len + 1);
	if (l.len != 0)
		memcpy(l.text, s->partial.data, l.len);
	l.text[l.len] = '\0';
	l.cut = s->partial_cut;
	ring_push(&s->lines, &l);
	buf_reset(&s->partial);
	s->partial_cut = 0;
	return (1);
}

/* Split bytes into lines; beyond LOGS_LINE_MAX a line is dropped, not kept. */
static int
logs_feed(struct logs *set, struct logs_source *s, const char *p, size_t n)
{
	const char	*nl;
	size_t		 take, room;
	int		 lines = 0;

	while (n > 0) {
		nl = memchr(p, '\n', n);
		take = nl != NULL ? (size_t)(nl - p) : n;
		room = LOGS_LINE_MAX - s->partial.len;
		if (take > room)
			s->partial_cut = 1;
		buf_add(&s->partial, p, take < room ? take : room);
		if (nl == NULL)
			break;
		lines += logs_emit(set, s);
		p = nl + 1;
		n -= take + 1;
	}
	return (lines);
}

/* Read the open file to its end. */
static int
logs_read(struct logs *set, struct logs_source *s)
{
	char	*block;
	ssize_t	 n;
	int	 lines = 0;

	block = xmalloc(LOGS_BLOCK);
	for (;;) {
		n = pread(s->fd, block, LOGS_BLOCK, s->off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		s->off += n;
		lines += logs_feed(set, s, block, n);
	}
	free(block);
	return (lines);
}

/* Done with the open file: read it to its end, end its last line, close. */
static int
logs_finish(struct logs *set, struct logs_source *s)
{
	int	lines, wd;

	if (s->fd == -1)
		return (0);
	lines = logs_read(set, s);
	if (s->partial.len != 0 || s->partial_cut)
		lines += logs_emit(set, s);
	close(s->fd);
	s->fd = -1;
	wd = s->wd_file;
	s->wd_file = -1;
	logs_unwatch(set, wd);
	return (lines);
}

/*
 * Where the last LOGS_START_LINES lines begin, found by reading blocks
 * backwards from the end (an unended last line counts as one).
 */
static off_t
logs_tail_start(int fd, off_t size)
{
	char	*block;
	off_t	 pos = size, start = 0;
	ssize_t	 n, i;
	int	 need = LOGS_START_LINES, seen = 0, last = 1;

	block = xmalloc(LOGS_BLOCK);
	while (pos > 0) {
		n = pos < LOGS_BLOCK ? pos : LOGS_BLOCK;
		pos -= n;
		if (pread(fd, block, n, pos) != n)
			break;
		for (i = n - 1; i >= 0; i--) {
			if (last && block[i] == '\n')
				need++;	/* the newline ending the last line */
			last = 0;
			if (block[i] == '\n' && ++seen == need) {
				start = pos + i + 1;
				goto out;
			}
		}
	}
out:
	free(block);
	return (start);
}

/* Open the path; a file seen before or new since we started is read from 0. */
static int
logs_open(struct logs *set, struct logs_source *s)
{
	struct stat	 st;
	char		 proc[64];
	int		 fd;

	fd = open(s->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		if (errno == EACCES || errno == EPERM)
			logs_set_status(s, _("permission denied"));
		else if (errno == ENOENT || errno == ENOTDIR)
			logs_set_status(s,
			    _("not found: waiting for it to appear"));
		else
			logs_set_status(s, strerror(errno));
		return (0);
	}
	if (fstat(fd, &st) == -1 || S_ISDIR(st.st_mode)) {
		logs_set_status(s, _("is a directory"));
		close(fd);
		return (0);
	}
	s->fd = fd;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->off = 0;
	if (!s->opened && S_ISREG(st.st_mode))
		s->off = logs_tail_start(fd, st.st_size);
	s->opened = 1;
	/* Watch the inode we opened, not whatever the name points to now. */
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	s->wd_file = inotify_add_watch(set->ifd, proc, LOGS_FILE_EVENTS);
	logs_set_status(s, NULL);
	return (logs_read(set, s));
}

/*
 * Bring a source up to date by its path, whatever inotify said: read
 * what is new, start again on truncation, switch to a new file at the
 * path once the old one is finished, or retry opening.
 */
static int
logs_check(struct logs *set, struct logs_source *s)
{
	struct stat	st, fst;
	int		lines = 0, found;

	s->dirty = 0;
	if (s->stream)
		return (0);
	logs_watch_dir(set, s);
	if (s->fd == -1)
		return (logs_open(set, s));
	found = stat(s->path, &st) == 0;
	if (found && (st.st_dev != s->dev || st.st_ino != s->ino)) {
		lines += logs_finish(set, s);
		return (lines + logs_open(set, s));
	}
	if (fstat(s->fd, &fst) == 0 && fst.st_size < s->off) {
		/* copytruncate: what is in the file now is new. */
		if (s->partial.len != 0 || s->partial_cut)
			lines += logs_emit(set, s);
		s->off = 0;
	}
	lines += logs_read(set, s);
	if (!found)
		logs_set_status(s, _("gone: waiting for it to appear"));
	else
		logs_set_status(s, NULL);
	return (lines);
}

/* Mark the sources an inotify event may concern. */
static void
logs_mark(struct logs *set, const struct inotify_event *ev)
{
	struct logs_source	*s;
	size_t			 i;

	for (i = 0; i < set->nsrc; i++) {
		if ((s = set->src[i]) == NULL)
			continue;
		if (ev->mask & IN_Q_OVERFLOW) {
			s->dirty = 1;
			continue;
		}
		if (ev->wd == s->wd_file) {
			s->dirty = 1;
			if (ev->mask & IN_IGNORED)
				s->wd_file = -1;
		}
		if (ev->wd == s->wd_dir) {
			if (ev->mask & IN_IGNORED) {
				s->wd_dir = -1;
				s->dirty = 1;
			} else if (ev->len != 0 &&
			    strcmp(ev->name, s->base) == 0)
				s->dirty = 1;
		}
	}
}

struct logs *
logs_new(size_t cap)
{
	struct logs	*set;
	int		 fd;

	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd == -1)
		return (NULL);
	set = xcalloc(1, sizeof *set);
	set->ifd = fd;
	set->cap = cap != 0 ? cap : LOGS_RING_DEFAULT;
	return (set);
}

/*
 * A set for stream sources only (logs_add_stream()): no inotify instance,
 * so it costs none of the user's; logs_fd() is -1.
 */
struct logs *
logs_new_streams(size_t cap)
{
	struct logs	*set;

	set = xcalloc(1, sizeof *set);
	set->ifd = -1;
	set->cap = cap != 0 ? cap : LOGS_RING_DEFAULT;
	return (set);
}

void
logs_free(struct logs *set)
{
	size_t	i;

	if (set == NULL)
		return;
	for (i = 0; i < set->nsrc; i++)
		logs_remove(set, i);
	free(set->src);
	if (set->ifd != -1)
		close(set->ifd);
	free(set);
}

int
logs_fd(const struct logs *set)
{
	return (set->ifd);
}

/* A new source of the set, labelled, with no file open yet. */
static struct logs_source *
logs_source_new(struct logs *set, const char *label)
{
	struct logs_source	*s;

	s = xcalloc(1, sizeof *s);
	s->id = set->nsrc;
	s->label = xstrdup(label);
	s->fd = -1;
	s->wd_file = s->wd_dir = -1;
	buf_init(&s->partial);
	ring_init(&s->lines, sizeof (struct logline), set->cap);
	set->src = xreallocarray(set->src, set->nsrc + 1, sizeof *set->src);
	set->src[set->nsrc++] = s;
	return (s);
}

/* Add a file to follow; the label defaults to the path. Returns its id. */
int
logs_add(struct logs *set, const char *path, const char *label)
{
	struct logs_source	*s;
	const char		*slash;

	s = logs_source_new(set, label != NULL ? label : path);
	s->path = xstrdup(path);
	if ((slash = strrchr(path, '/')) == NULL) {
		s->dir = xstrdup(".");
		s->base = xstrdup(path);
	} else {
		s->dir = slash == path ? xstrdup("/") :
		    xstrndup(path, slash - path);
		s->base = xstrdup(slash + 1);
	}
	logs_check(set, s);
	return (s->id);
}

/*
 * A source whose bytes the caller hands over with logs_stream_feed() (the
 * output of strace), split into lines and kept as a file's are. Returns
 * its id.
 */
int
logs_add_stream(struct logs *set, const char *label)
{
	struct logs_source	*s;

	s = logs_source_new(set, label);
	s->stream = 1;
	return (s->id);
}

/* Bytes of a stream; returns the number of lines they ended. */
int
logs_stream_feed(struct logs *set, int id, const char *p, size_t n)
{
	struct logs_source	*s;

	if ((s = logs_get(set, id)) == NULL || !s->stream)
		return (0);
	return (logs_feed(set, s, p, n));
}

/*
 * The stream has ended: its unended last line becomes a line, and status
 * (if not NULL) is what logs_status() says of it from now on.
 */
int
logs_stream_end(struct logs *set, int id, const char *status)
{
	struct logs_source	*s;
	int			 lines = 0;

	if ((s = logs_get(set, id)) == NULL || !s->stream)
		return (0);
	if (s->partial.len != 0 || s->partial_cut)
		lines = logs_emit(set, s);
	logs_set_status(s, status);
	return (lines);
}

void
logs_remove(struct logs *set, int id)
{
	struct logs_source	*s;
	const struct logline	*l;
	size_t			 i;
	int			 wd_file, wd_dir;

	if ((s = logs_get(set, id)) == NULL)
		return;
	set->src[id] = NULL;
	wd_file = s->wd_file;
	wd_dir = s->wd_dir;
	logs_unwatch(set, wd_file);
	if (wd_dir != wd_file)
		logs_unwatch(set, wd_dir);
	if (s->fd != -1)
		close(s->fd);
	for (i = 0; i < ring_len(&s->lines); i++) {
		l = ring_get(&s->lines, i);
		free(l->text);
	}
	ring_free(&s->lines);
	buf_free(&s->partial);
	free(s->status);
	free(s->path);
	free(s->label);
	free(s->dir);
	free(s->base);
	free(s);
}

/* Read the inotify events; returns the number of new lines, or -1. */
int
logs_process(struct logs *set)
{
	char				 ev[sizeof (struct inotify_event) +
					     NAME_MAX + 1]
					     __attribute__((aligned(8)));
	const struct inotify_event	*e;
	ssize_t				 n, off;
	size_t				 i;
	int				 lines = 0;

	for (;;) {
		n = read(set->ifd, ev, sizeof ev);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0)
			return (-1);
		for (off = 0; off < n; off += sizeof *e + e->len) {
			e = (const struct inotify_event *)(ev + off);
			logs_mark(set, e);
		}
	}
	for (i = 0; i < set->nsrc; i++) {
		if (set->src[i] != NULL && set->src[i]->dirty)
			lines += logs_check(set, set->src[i]);
	}
	return (lines);
}

/*
 * Every source by its path, as a safety net for missed events, and retry
 * the ones that could not be opened. Returns the number of new lines.
 */
int
logs_poll(struct logs *set)
{
	size_t	i;
	int	lines = 0;

	for (i = 0; i < set->nsrc; i++) {
		if (set->src[i] != NULL)
			lines += logs_check(set, set->src[i]);
	}
	return (lines);
}

/* Ids run from 0 to logs_nids() - 1; a removed source's id stays unused. */
int
logs_nids(const struct logs *set)
{
	return (set->nsrc);
}

/* The source following path, or -1. */
int
logs_find(const struct logs *set, const char *path)
{
	size_t	i;

	for (i = 0; i < set->nsrc; i++) {
		if (set->src[i] != NULL && set->src[i]->path != NULL &&
		    strcmp(set->src[i]->path, path) == 0)
			return (i);
	}
	return (-1);
}

size_t
logs_count(const struct logs *set, int id)
{
	const struct logs_source	*s;

	if ((s = logs_get(set, id)) == NULL)
		return (0);
	return (ring_len(&s->lines));
}

/* Line i of a source, 0 the oldest kept. */
const struct logline *
logs_line(const struct logs *set, int id, size_t i)
{
	const struct logs_source	*s;

	if ((s = logs_get(set, id)) == NULL || i >= ring_len(&s->lines))
		return (NULL);
	return (ring_get(&s->lines, i));
}

const char *
logs_label(const struct logs *set, int id)
{
	const struct logs_source	*s;

	if ((s = logs_get(set, id)) == NULL)
		return (NULL);
	return (s->label);
}

/* Why a source is not being followed, or NULL while it is. */
const char *
logs_status(const struct logs *set, int id)
{
	const struct logs_source	*s;

	if ((s = logs_get(set, id)) == NULL)
		return (NULL);
	return (s->status);
}
