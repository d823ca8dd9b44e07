/* The store: chunk files of zstd-compressed frames, their index, retention. */

#include "vigil.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "buf.h"
#include "file.h"
#include "record.h"
#include "xalloc.h"

#define FILE_MAGIC	"VIGILREC"
#define FILE_VERSION	1
#define FILE_HDR	64
#define REC_MAGIC	0x31465256U	/* "VRF1" */
#define REC_HDR		24
#define REC_MAX		(64U << 20)	/* no frame is this big */
#define IDX_ENTRY	24
#define ZSTD_LEVEL	3
#define SUFFIX		".vrec"
#define IDX_SUFFIX	".vidx"

struct record_writer {
	char			*dir;
	struct record_wopts	 o;
	char			 host[36];
	int			 lockfd;
	int			 fd;
	int			 idxfd;
	char			*name;		/* the file being written */
	double			 file_start;
	unsigned long long	 file_bytes;
	size_t			 seq;
	ZSTD_CCtx		*cctx;
	struct record_codec	*codec;
	struct buf		 raw;
	struct buf		 rec;
};

/* A walk through one file's image: records to frames. */
struct scan {
	ZSTD_DCtx		*dctx;
	struct record_codec	*codec;
	struct buf		 out;
	int			 chunk_ok;	/* decoding a chunk */
	int			 broken;	/* told; skipping to a keyframe */
	uint32_t		 seq;
	record_warn_cb		 warn;
	void			*arg;
	const char		*name;
	int			 live;		/* may still grow */
};

struct rfile {
	char			*name;
	double			 start;
};

struct record_reader {
	char			*dir;
	struct rfile		*files;
	size_t			 nfiles;
	size_t			 cur;		/* nfiles: none loaded */
	unsigned char		*img;
	size_t			 len;
	size_t			 off;
	struct scan		 sc;
	struct record_frame	 frame;
	long			 hz;
	char			 host[36];
};

static void	 scan_warn(struct scan *, size_t, const char *);

/* --- little-endian fields ------------------------------------------- */

static void
le32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t
rd32(const unsigned char *p)
{
	return (p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

static void
le64d(unsigned char *p, double d)
{
	uint64_t	v;

	memcpy(&v, &d, sizeof v);
	le32(p, v);
	le32(p + 4, v >> 32);
}

static double
rd64d(const unsigned char *p)
{
	uint64_t	v = rd32(p) | (uint64_t)rd32(p + 4) << 32;
	double		d;

	memcpy(&d, &v, sizeof d);
	return (d);
}

static uint32_t
crc(const void *p, size_t len, uint32_t c)
{
	return (crc32(c, p, len));
}

/* --- writing -------------------------------------------------------- */

void
record_wopts_init(struct record_wopts *o)
{
	memset(o, 0, sizeof *o);
	o->chunk_frames = RECORD_CHUNK_FRAMES;
	o->file_secs = RECORD_FILE_SECS;
	o->file_max = RECORD_FILE_MAX;
	o->keep = RECORD_KEEP_DEFAULT;
	o->max_size = RECORD_MAX_SIZE_DEFAULT;
}

static int
store_err(char *err, size_t len, const char *what, const char *path)
{
	snprintf(err, len, "%s %s: %s", what, path, strerror(errno));
	return (-1);
}

/*
 * One recorder per directory: two would interleave their chunks in one
 * file's name. A lock, not a PID file, so a killed recorder leaves none.
 */
struct record_writer *
record_writer_open(const char *dir, const struct record_wopts *o, char *err,
    size_t errlen)
{
	struct record_writer	*w;
	char			*path;
	int			 fd;

	if (file_mkdirs(dir) != 0 || (mkdir(dir, 0755) != 0 &&
	    errno != EEXIST)) {
		store_err(err, errlen, _("cannot create"), dir);
		return (NULL);
	}
	xasprintf(&path, "%s/.lock", dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		store_err(err, errlen, _("cannot open"), path);
		free(path);
		return (NULL);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(err, errlen, _("%s: another vigil record writes there"),
		    dir);
		close(fd);
		free(path);
		return (NULL);
	}
	free(path);
	w = xcalloc(1, sizeof *w);
	w->dir = xstrdup(dir);
	w->o = *o;
	if (w->o.chunk_frames == 0)
		w->o.chunk_frames = RECORD_CHUNK_FRAMES;
	snprintf(w->host, sizeof w->host, "%s", o->host != NULL ? o->host :
	    "");
	w->o.host = NULL;
	w->lockfd = fd;
	w->fd = w->idxfd = -1;
	w->cctx = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	w->codec = record_codec_new();
	return (w);
}

static void
writer_close_file(struct record_writer *w)
{
	if (w->fd != -1)
		close(w->fd);
	if (w->idxfd != -1)
		close(w->idxfd);
	w->fd = w->idxfd = -1;
	free(w->name);
	w->name = NULL;
}

/* A new file named by the time of its first frame; -1 with err. */
static int
writer_new_file(struct record_writer *w, double wall, char *err,
    size_t errlen)
{
	unsigned char	 hdr[FILE_HDR];
	char		 stamp[32], *path = NULL, *ipath;
	time_t		 t = (time_t)wall;
	struct tm	 tm;
	int		 n;

	writer_close_file(w);
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	for (n = 0; n < 1000; n++) {
		free(path);
		if (n == 0)
			xasprintf(&path, "%s/%s" SUFFIX, w->dir, stamp);
		else
			xasprintf(&path, "%s/%s-%d" SUFFIX, w->dir, stamp, n);
		w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND |
		    O_CLOEXEC, 0644);
		if (w->fd != -1 || errno != EEXIST)
			break;
	}
	if (w->fd == -1) {
		store_err(err, errlen, _("cannot create"), path);
		free(path);
		return (-1);
	}
	memset(hdr, 0, sizeof hdr);
	memcpy(hdr, FILE_MAGIC, 8);
	le32(hdr + 8, FILE_VERSION);
	le32(hdr + 12, (uint32_t)w->o.hz);
	le64d(hdr + 16, wall);
	memcpy(hdr + 24, w->host, strlen(w->host));
	le32(hdr + 60, crc(hdr, 60, 0));
	if (write(w->fd, hdr, sizeof hdr) != sizeof hdr) {
		store_err(err, errlen, _("cannot write"), path);
		free(path);
		return (-1);
	}
	/* The index is a convenience: without it readers walk the file. */
	xasprintf(&ipath, "%.*s" IDX_SUFFIX, (int)(strlen(path) -
	    strlen(SUFFIX)), path);
	w->idxfd = open(ipath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
	    O_CLOEXEC, 0644);
	free(ipath);
	w->name = xstrdup(strrchr(path, '/') + 1);
	free(path);
	w->file_start = wall;
	w->file_bytes = FILE_HDR;
	w->seq = 0;
	record_retention(w->dir, w->name, w->o.keep, w->o.max_size, wall);
	return (0);
}

static int
writer_rollover(const struct record_writer *w, double wall)
{
	if (w->fd == -1)
		return (1);
	if (w->file_bytes >= w->o.file_max)
		return (1);
	/* Files on whole periods (hours), so names read as a clock. */
	return ((long long)(wall / w->o.file_secs) !=
	    (long long)(w->file_start / w->o.file_secs));
}

/* The frame compressed, with its record header, in w->rec. */
static int
writer_compress(struct record_writer *w, const struct record_frame *f)
{
	ZSTD_inBuffer	 in;
	ZSTD_outBuffer	 out;
	size_t		 left, room;
	unsigned char	*h;

	buf_reset(&w->raw);
	record_encode(w->codec, f, &w->raw);
	buf_reset(&w->rec);
	buf_reserve(&w->rec, REC_HDR + ZSTD_compressBound(w->raw.len) + 64);
	in.src = w->raw.data;
	in.size = w->raw.len;
	in.pos = 0;
	w->rec.len = REC_HDR;
	do {
		room = w->rec.cap - w->rec.len;
		if (room < 4096) {
			buf_reserve(&w->rec, w->rec.cap + 65536);
			room = w->rec.cap - w->rec.len;
		}
		out.dst = w->rec.data + w->rec.len;
		out.size = room;
		out.pos = 0;
		left = ZSTD_compressStream2(w->cctx, &out, &in, ZSTD_e_flush);
		if (ZSTD_isError(left))
			return (-1);
		w->rec.len += out.pos;
	} while (left != 0);
	if (w->rec.len - REC_HDR > REC_MAX)
		return (-1);
	h = (unsigned char *)w->rec.data;
	le32(h, REC_MAGIC);
	le32(h + 4, w->rec.len - REC_HDR);
	le32(h + 12, w->seq);
	le64d(h + 16, f->wall);
	le32(h + 8, crc(h + 12, w->rec.len - 12, 0));
	return (0);
}

static void
writer_index(struct record_writer *w, double wall)
{
	unsigned char	e[IDX_ENTRY];
	uint64_t	off = w->file_bytes;

	if (w->idxfd == -1)
		return;
	le32(e, off);
	le32(e + 4, off >> 32);
	le64d(e + 8, wall);
	le32(e + 16, crc(e, 16, 0));
	le32(e + 20, 0);
	if (write(w->idxfd, e, sizeof e) != sizeof e) {
		close(w->idxfd);	/* readers walk the file instead */
		w->idxfd = -1;
	}
}

/*
 * Append one frame. A record goes out in one write(): killed before it, the
 * frame is lost; during it, a reader finds a record whose CRC fails. After
 * a failed write the next frame starts a new chunk, as it must once a
 * record may be missing from the delta chain.
 */
int
record_writer_put(struct record_writer *w, const struct record_frame *f,
    char *err, size_t errlen)
{
	ssize_t	n;

	if (writer_rollover(w, f->wall) &&
	    writer_new_file(w, f->wall, err, errlen) != 0)
		return (-1);
	if (w->seq == 0) {
		record_codec_reset(w->codec);
		ZSTD_CCtx_reset(w->cctx, ZSTD_reset_session_only);
	}
	if (writer_compress(w, f) != 0) {
		snprintf(err, errlen, _("cannot compress a frame"));
		w->seq = 0;
		return (-1);
	}
	if (w->seq == 0)
		writer_index(w, f->wall);
	n = write(w->fd, w->rec.data, w->rec.len);
	if (n != (ssize_t)w->rec.len) {
		if (n == -1)
			store_err(err, errlen, _("cannot write"), w->name);
		else
			snprintf(err, errlen, _("%s: short write"), w->name);
		if (n > 0)
			w->file_bytes += n;
		w->seq = 0;
		return (-1);
	}
	w->file_bytes += n;
	if (++w->seq >= w->o.chunk_frames)
		w->seq = 0;
	return (0);
}

void
record_writer_close(struct record_writer *w)
{
	if (w == NULL)
		return;
	writer_close_file(w);
	close(w->lockfd);
	ZSTD_freeCCtx(w->cctx);
	record_codec_free(w->codec);
	buf_free(&w->raw);
	buf_free(&w->rec);
	free(w->dir);
	free(w);
}

/* --- the directory -------------------------------------------------- */

static int
rfile_cmp(const void *a, const void *b)
{
	const struct rfile	*x = a, *y = b;

	return (strcmp(x->name, y->name));
}

/* The start time a file's name gives, or -1. */
static double
store_name_time(const char *name)
{
	struct tm	tm;
	const char	*end;

	memset(&tm, 0, sizeof tm);
	if ((end = strptime(name, "%Y%m%dT%H%M%SZ", &tm)) == NULL)
		return (-1);
	if (strcmp(end, SUFFIX) != 0 && *end != '-')
		return (-1);
	return ((double)timegm(&tm));
}

static size_t
store_list(const char *dir, struct rfile **out)
{
	DIR		*d;
	struct dirent	*de;
	struct rfile	*f = NULL;
	size_t		 n = 0, len;
	double		 t;

	*out = NULL;
	if ((d = opendir(dir)) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= strlen(SUFFIX) || strcmp(de->d_name + len -
		    strlen(SUFFIX), SUFFIX) != 0)
			continue;
		if ((t = store_name_time(de->d_name)) < 0)
			continue;
		f = xreallocarray(f, n + 1, sizeof *f);
		f[n].name = xstrdup(de->d_name);
		f[n].start = t;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(f, n, sizeof *f, rfile_cmp);
	*out = f;
	return (n);
}

static void
store_list_free(struct rfile *f, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(f[i].name);
	free(f);
}

static unsigned long long
store_file_size(const char *dir, const char *name, const char *suffix,
    double *mtime)
{
	struct stat	 st;
	char		*path;
	size_t		 len = strlen(name) - strlen(SUFFIX);

	xasprintf(&path, "%s/%.*s%s", dir, (int)len, name, suffix);
	if (stat(path, &st) != 0)
		memset(&st, 0, sizeof st);
	free(path);
	if (mtime != NULL)
		*mtime = st.st_mtime;
	return (st.st_size);
}

static void
store_unlink(const char *dir, const char *name)
{
	char	*path;
	size_t	 len = strlen(name) - strlen(SUFFIX);

	xasprintf(&path, "%s/%s", dir, name);
	unlink(path);
	free(path);
	xasprintf(&path, "%s/%.*s" IDX_SUFFIX, dir, (int)len, name);
	unlink(path);
	free(path);
}

/*
 * Delete whole files, oldest first, while the store is over max_size bytes
 * or a file's last write is older than keep seconds; never current (the
 * file being written). Returns the number of files deleted.
 */
int
record_retention(const char *dir, const char *current, double keep,
    unsigned long long max_size, double now)
{
	struct rfile		*f;
	unsigned long long	*size, total = 0;
	double			*mtime;
	size_t			 n, i;
	int			 deleted = 0;

	n = store_list(dir, &f);
	size = xcalloc(n + 1, sizeof *size);
	mtime = xcalloc(n + 1, sizeof *mtime);
	for (i = 0; i < n; i++) {
		size[i] = store_file_size(dir, f[i].name, SUFFIX, &mtime[i]) +
		    store_file_size(dir, f[i].name, IDX_SUFFIX, NULL);
		total += size[i];
	}
	for (i = 0; i < n; i++) {
		if (current != NULL && strcmp(f[i].name, current) == 0)
			continue;
		if (!(max_size > 0 && total > max_size) &&
		    !(keep > 0 && now - mtime[i] > keep))
			continue;
		store_unlink(dir, f[i].name);
		total -= size[i];
		deleted++;
	}
	free(size);
	free(mtime);
	store_list_free(f, n);
	return (deleted);
}

/* --- reading one image ---------------------------------------------- */

static void
scan_init(struct scan *sc, record_warn_cb warn, void *arg)
{
	memset(sc, 0, sizeof *sc);
	sc->dctx = ZSTD_createDCtx();
	sc->codec = record_codec_new();
	sc->warn = warn;
	sc->arg = arg;
}

static void
scan_free(struct scan *sc)
{
	ZSTD_freeDCtx(sc->dctx);
	record_codec_free(sc->codec);
	buf_free(&sc->out);
}

static void
scan_warn(struct scan *sc, size_t off, const char *why)
{
	char	msg[512];

	if (sc->broken)
		return;		/* one word per damaged stretch */
	sc->broken = 1;
	sc->chunk_ok = 0;
	if (sc->warn == NULL)
		return;
	snprintf(msg, sizeof msg, _("%s: offset %zu: %s; skipped to the next chunk"),
	    sc->name != NULL ? sc->name : "-", off, why);
	sc->warn(msg, sc->arg);
}

static int
scan_header_ok(const unsigned char *img, size_t len, size_t off)
{
	return (off + REC_HDR <= len && rd32(img + off) == REC_MAGIC &&
	    rd32(img + off + 4) <= REC_MAX);
}

/* The next offset after off where a record may start. */
static size_t
scan_resync(const unsigned char *img, size_t len, size_t off)
{
	const unsigned char	*p;

	for (off++; off + 4 <= len; off++) {
		if ((p = memchr(img + off, 'V', len - off)) == NULL)
			return (len);
		off = p - img;
		if (off + 4 <= len && rd32(p) == REC_MAGIC)
			return (off);
	}
	return (len);
}

static int
scan_inflate(struct scan *sc, const unsigned char *p, size_t len)
{
	ZSTD_inBuffer	 in = { p, len, 0 };
	ZSTD_outBuffer	 out;
	size_t		 rc;

	buf_reset(&sc->out);
	do {
		if (sc->out.cap - sc->out.len < 65536)
			buf_reserve(&sc->out, sc->out.cap + 65536);
		if (sc->out.len > REC_MAX * 4)
			return (-1);
		out.dst = sc->out.data + sc->out.len;
		out.size = sc->out.cap - sc->out.len;
		out.pos = 0;
		rc = ZSTD_decompressStream(sc->dctx, &out, &in);
		if (ZSTD_isError(rc))
			return (-1);
		sc->out.len += out.pos;
	} while (in.pos < in.size || out.pos == out.size);
	return (0);
}

/*
 * The next frame of img from *off: 1 with f filled, 0 at the end (a live
 * image leaves *off at a record not complete yet). Damage is told once
 * and skipped: a bad record ends its chunk, the next keyframe resumes.
 */
static int
scan_next(struct scan *sc, const unsigned char *img, size_t len, size_t *off,
    struct record_frame *f)
{
	const unsigned char	*h;
	uint32_t		 plen, seq;

	while (*off < len) {
		if (*off + REC_HDR > len || (scan_header_ok(img, len, *off) &&
		    *off + REC_HDR + rd32(img + *off + 4) > len)) {
			if (sc->live)
				return (0);
			/* A length cut short, or one that lies. */
			scan_warn(sc, *off, _("truncated record"));
			*off = scan_resync(img, len, *off);
			continue;
		}
		h = img + *off;
		if (!scan_header_ok(img, len, *off)) {
			scan_warn(sc, *off, _("not a record"));
			*off = scan_resync(img, len, *off);
			continue;
		}
		plen = rd32(h + 4);
		if (crc(h + 12, REC_HDR - 12 + plen, 0) != rd32(h + 8)) {
			scan_warn(sc, *off, _("bad checksum"));
			*off = scan_resync(img, len, *off);
			continue;
		}
		seq = rd32(h + 12);
		*off += REC_HDR + plen;
		if (seq == 0) {
			ZSTD_DCtx_reset(sc->dctx, ZSTD_reset_session_only);
			record_codec_reset(sc->codec);
			sc->chunk_ok = 1;
			sc->broken = 0;
			sc->seq = 0;
		} else if (!sc->chunk_ok)
			continue;	/* in a chunk already given up */
		else if (seq != sc->seq) {
			scan_warn(sc, *off - REC_HDR - plen,
			    _("a record is missing"));
			continue;
		}
		if (scan_inflate(sc, h + REC_HDR, plen) != 0) {
			scan_warn(sc, *off - REC_HDR - plen,
			    _("cannot decompress"));
			continue;
		}
		if (record_decode(sc->codec, sc->out.data, sc->out.len,
		    f) != 0) {
			scan_warn(sc, *off - REC_HDR - plen,
			    _("not a valid frame"));
			continue;
		}
		f->wall = rd64d(h + 16);
		sc->seq = seq + 1;
		return (1);
	}
	return (0);
}

/* A file header's fields; -1 if it is not one. */
static int
store_file_header(const unsigned char *img, size_t len, long *hz, char *host,
    size_t hostlen)
{
	if (len < FILE_HDR || memcmp(img, FILE_MAGIC, 8) != 0 ||
	    crc(img, 60, 0) != rd32(img + 60) || rd32(img + 8) !=
	    FILE_VERSION)
		return (-1);
	*hz = rd32(img + 12);
	snprintf(host, hostlen, "%.*s", 35, (const char *)img + 24);
	return (0);
}

size_t
record_scan_image(const void *img, size_t len, record_warn_cb warn,
    void *arg, void (*cb)(const struct record_frame *, void *), void *cbarg)
{
	struct scan		 sc;
	struct record_frame	 f;
	char			 host[36];
	long			 hz;
	size_t			 off = FILE_HDR, n = 0;

	if (store_file_header(img, len, &hz, host, sizeof host) != 0) {
		if (warn != NULL)
			warn(_("not a vigil record file"), arg);
		return (0);
	}
	scan_init(&sc, warn, arg);
	while (scan_next(&sc, img, len, &off, &f) == 1) {
		if (cb != NULL)
			cb(&f, cbarg);
		n++;
	}
	scan_free(&sc);
	return (n);
}

/* --- the reader ----------------------------------------------------- */

struct record_reader *
record_reader_open(const char *dir, record_warn_cb warn, void *arg,
    char *err, size_t errlen)
{
	struct record_reader	*r;
	struct stat		 st;

	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		if (errno == 0 || S_ISDIR(st.st_mode) == 0)
			errno = ENOTDIR;
		store_err(err, errlen, _("cannot read"), dir);
		return (NULL);
	}
	r = xcalloc(1, sizeof *r);
	r->dir = xstrdup(dir);
	scan_init(&r->sc, warn, arg);
	r->nfiles = store_list(dir, &r->files);
	r->cur = r->nfiles;
	if (r->nfiles == 0) {
		snprintf(err, errlen, _("%s: no recording there"), dir);
		record_reader_free(r);
		return (NULL);
	}
	return (r);
}

void
record_reader_free(struct record_reader *r)
{
	if (r == NULL)
		return;
	scan_free(&r->sc);
	store_list_free(r->files, r->nfiles);
	free(r->img);
	free(r->dir);
	free(r);
}

/* Read file i whole (or what was added since: grow). */
static int
reader_load(struct record_reader *r, size_t i, int grow)
{
	struct stat	 st;
	char		*path;
	size_t		 have = grow ? r->len : 0;
	ssize_t		 n;
	int		 fd;

	xasprintf(&path, "%s/%s", r->dir, r->files[i].name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd == -1 || fstat(fd, &st) != 0) {
		if (fd != -1)
			close(fd);
		return (-1);
	}
	if (grow && (size_t)st.st_size <= have) {
		close(fd);
		return (0);
	}
	if (!grow) {
		free(r->img);
		r->img = NULL;
		r->len = 0;
	}
	r->img = xreallocarray(r->img, st.st_size + 1, 1);
	while (have < (size_t)st.st_size) {
		n = pread(fd, r->img + have, st.st_size - have, have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += n;
	}
	close(fd);
	r->len = have;
	if (!grow) {
		r->cur = i;
		r->sc.name = r->files[i].name;
		r->sc.live = i + 1 == r->nfiles;
		r->sc.chunk_ok = 0;
		r->sc.broken = 0;
		r->off = FILE_HDR;
		if (store_file_header(r->img, r->len, &r->hz, r->host,
		    sizeof r->host) != 0) {
			if (r->sc.warn != NULL && !r->sc.live) {
				char	msg[512];

				snprintf(msg, sizeof msg,
				    _("%s: not a vigil record file; skipped"),
				    r->files[i].name);
				r->sc.warn(msg, r->sc.arg);
			}
			r->off = r->len;
		}
	}
	return (0);
}

/* The offset of the last keyframe at or before t in the loaded file. */
static size_t
reader_find(struct record_reader *r, double t)
{
	unsigned char	*idx = NULL;
	char		*path;
	size_t		 best = FILE_HDR, off, i;
	ssize_t		 n;
	uint64_t	 o;

	/* The index first; each entry is checked against the file. */
	xasprintf(&path, "%s/%.*s" IDX_SUFFIX, r->dir,
	    (int)(strlen(r->files[r->cur].name) - strlen(SUFFIX)),
	    r->files[r->cur].name);
	n = file_read_all(path, (char **)&idx);
	free(path);
	for (i = 0; n > 0 && i + IDX_ENTRY <= (size_t)n; i += IDX_ENTRY) {
		if (crc(idx + i, 16, 0) != rd32(idx + i + 16))
			break;
		o = rd32(idx + i) | (uint64_t)rd32(idx + i + 4) << 32;
		if (rd64d(idx + i + 8) > t)
			break;
		if (o > r->len || !scan_header_ok(r->img, r->len, o) ||
		    rd32(r->img + o + 12) != 0)
			break;
		best = o;
	}
	free(idx);
	if (best > FILE_HDR || n > 0)
		return (best);
	/* No index: walk the record headers. */
	for (off = FILE_HDR; scan_header_ok(r->img, r->len, off);
	    off += REC_HDR + rd32(r->img + off + 4)) {
		if (rd64d(r->img + off + 16) > t)
			break;
		if (rd32(r->img + off + 12) == 0)
			best = off;
	}
	return (best);
}

/*
 * Position the reader at the chunk holding the last frame at or before t
 * (the first frame if t is before them all). The frames from there up to t
 * are read by the caller, who feeds them to its model for their history.
 */
int
record_reader_seek(struct record_reader *r, double t)
{
	size_t	i, f = 0;

	store_list_free(r->files, r->nfiles);
	r->nfiles = store_list(r->dir, &r->files);
	r->cur = r->nfiles;
	if (r->nfiles == 0)
		return (-1);
	for (i = 0; i < r->nfiles; i++)
		if (r->files[i].start <= t)
			f = i;
	if (reader_load(r, f, 0) != 0)
		return (-1);
	if (r->off < r->len)
		r->off = reader_find(r, t);
	return (0);
}

/* The next frame: 1, or 0 at the end of the recording (so far). */
int
record_reader_next(struct record_reader *r, const struct record_frame **out)
{
	if (r->cur == r->nfiles && reader_load(r, 0, 0) != 0)
		return (0);
	for (;;) {
		if (scan_next(&r->sc, r->img, r->len, &r->off,
		    &r->frame) == 1) {
			*out = &r->frame;
			return (1);
		}
		if (r->cur + 1 < r->nfiles) {
			if (reader_load(r, r->cur + 1, 0) != 0)
				return (0);
			continue;
		}
		/* The file being written may have grown. */
		if (reader_load(r, r->cur, 1) != 0)
			return (0);
		if (scan_next(&r->sc, r->img, r->len, &r->off,
		    &r->frame) == 1) {
			*out = &r->frame;
			return (1);
		}
		return (0);
	}
}

long
record_reader_hz(const struct record_reader *r)
{
	return (r->hz > 0 ? r->hz : 100);
}

const char *
record_reader_host(const struct record_reader *r)
{
	return (r->host);
}

/* The times of the first and last records (not decoded). */
int
record_reader_span(struct record_reader *r, double *first, double *last)
{
	size_t	off;
	int	have = 0;

	if (r->nfiles == 0 || reader_load(r, 0, 0) != 0)
		return (-1);
	if (scan_header_ok(r->img, r->len, FILE_HDR)) {
		*first = rd64d(r->img + FILE_HDR + 16);
		have = 1;
	}
	if (reader_load(r, r->nfiles - 1, 0) != 0)
		return (-1);
	for (off = FILE_HDR; scan_header_ok(r->img, r->len, off) &&
	    off + REC_HDR + rd32(r->img + off + 4) <= r->len;
	    off += REC_HDR + rd32(r->img + off + 4)) {
		*last = rd64d(r->img + off + 16);
		if (!have)
			*first = *last;
		have = 1;
	}
	r->cur = r->nfiles;	/* next() starts from the first file */
	return (have ? 0 : -1);
}
