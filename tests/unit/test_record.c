/* Unit tests of record/: codec round trip, store, damage, retention; when. */

#include "vigil.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "record.h"
#include "when.h"
#include "xalloc.h"

#define POP	300		/* processes alive at once, about */
#define T0	1764730800.0	/* 2025-12-03T03:00:00Z, on an hour */

/* A made-up machine whose processes are born, change and die. */
struct world {
	struct sample_proc	 p[POP * 2];
	char			 comm[POP * 2][16];
	char			 cmd[POP * 2][64];
	const char		*cmdp[POP * 2];
	const char		*rawp[POP * 2];
	size_t			 n;
	int			 nextpid;
	unsigned		 seed;
	struct sample_cpu	 cpus[4];
	struct record_frame	 f;
	int			 exited[POP * 4];	/* PIDs gone, this step */
	size_t			 nexited;
};

static unsigned
rnd(struct world *w)
{
	w->seed = w->seed * 1103515245 + 12345;
	return ((w->seed >> 8) & 0xffffff);
}

static void
world_birth(struct world *w, int reuse)
{
	struct sample_proc	*s = &w->p[w->n];
	size_t			 i = w->n++;

	memset(s, 0, sizeof *s);
	/* Sometimes a PID just freed comes back: a new process all the same. */
	s->pid = reuse > 0 ? reuse : w->nextpid++;
	s->tgid = s->pid;
	s->ppid = 1 + rnd(w) % 50;
	s->uid = rnd(w) % 3 == 0 ? 0 : 1000;
	s->user = s->uid == 0 ? "root" : "alice";
	snprintf(w->comm[i], sizeof w->comm[i], "proc%u", rnd(w) % 1000);
	s->comm = w->comm[i];
	s->state = "SRD"[rnd(w) % 3];
	s->start = 1000 + rnd(w);
	s->ticks = rnd(w) % 1000;
	s->rss_kb = rnd(w) % 100000;
	s->vsz_kb = s->rss_kb * 3;
	s->nlwp = 1 + rnd(w) % 8;
	s->has_io = rnd(w) % 2;
	s->has_shr = 1;
	s->shr_kb = rnd(w) % 1000;
	s->io_read = s->has_io ? rnd(w) : 0;
	snprintf(w->cmd[i], sizeof w->cmd[i], "/usr/bin/proc --n=%u", rnd(w));
}

static int
world_cmp(const void *a, const void *b)
{
	const struct sample_proc	*x = a, *y = b;

	return (x->pid - y->pid);
}

/* One step: most processes idle, a few busy, some die, some are born. */
static void
world_step(struct world *w, double wall)
{
	struct sample_proc	*s;
	size_t			 i, j;
	int			 reuse = 0;

	w->nexited = 0;
	for (i = 0; i < w->n; /* nothing */) {
		if (rnd(w) % 40 == 0) {
			w->exited[w->nexited++] = w->p[i].pid;
			if (rnd(w) % 4 == 0)
				reuse = w->p[i].pid;
			w->p[i] = w->p[w->n - 1];
			memcpy(w->comm[i], w->comm[w->n - 1], 16);
			memcpy(w->cmd[i], w->cmd[w->n - 1], 64);
			w->p[i].comm = w->comm[i];
			w->n--;
			continue;
		}
		s = &w->p[i++];
		if (rnd(w) % 10 == 0) {
			s->ticks += rnd(w) % 500;
			s->rss_kb += rnd(w) % 64;
			s->state = "SR"[rnd(w) % 2];
			s->io_read += s->has_io ? rnd(w) % 9999 : 0;
			s->minflt += rnd(w) % 3;
		}
		if (rnd(w) % 200 == 0)
			s->user = "bob";	/* setuid */
	}
	while (w->n < POP * 2 - 1 && rnd(w) % 100 < 60) {
		world_birth(w, reuse);
		reuse = 0;
	}
	if (reuse > 0 && w->n < POP * 2 - 1)
		world_birth(w, reuse);
	/* Keep comm and cmd beside their process through the sort. */
	for (i = 0; i < w->n; i++)
		w->p[i].prio = (int)i;
	qsort(w->p, w->n, sizeof *w->p, world_cmp);
	{
		char	 comm[POP * 2][16], cmd[POP * 2][64];

		for (i = 0; i < w->n; i++) {
			j = w->p[i].prio;
			memcpy(comm[i], w->comm[j], 16);
			memcpy(cmd[i], w->cmd[j], 64);
		}
		memcpy(w->comm, comm, w->n * sizeof comm[0]);
		memcpy(w->cmd, cmd, w->n * sizeof cmd[0]);
	}
	for (i = 0; i < w->n; i++) {
		w->p[i].prio = 20;
		w->p[i].comm = w->comm[i];
		w->cmdp[i] = w->cmd[i];
		w->rawp[i] = w->comm[i];
	}
	memset(&w->f, 0, sizeof w->f);
	w->f.wall = wall;
	w->f.sys.time = 5000 + (wall - T0);
	w->f.sys.uptime = w->f.sys.time;
	w->f.sys.ncpu = 4;
	for (i = 0; i < 4; i++) {
		w->cpus[i].user += rnd(w) % 500;
		w->cpus[i].idle += rnd(w) % 500;
	}
	w->f.sys.cpus = w->cpus;
	w->f.sys.total = w->cpus[0];
	w->f.sys.mem_total = 16000000;
	w->f.sys.mem_available = 8000000 + rnd(w) % 1000;
	w->f.sys.load[0] = (rnd(w) % 1000) / 100.0;
	w->f.sys.has_psi = 1;
	w->f.sys.psi_io.some10 = 1.25;
	w->f.sys.disk_read += rnd(w);
	w->f.procs = w->p;
	w->f.cmdline = w->cmdp;
	w->f.rawcomm = w->rawp;
	w->f.nprocs = w->n;
}

static void
world_init(struct world *w, unsigned seed)
{
	size_t	i;

	memset(w, 0, sizeof *w);
	w->seed = seed;
	w->nextpid = 100;
	for (i = 0; i < POP; i++)
		world_birth(w, 0);
}

/* What was decoded is what was encoded, field by field. */
static void
assert_frame_equal(const struct record_frame *got,
    const struct record_frame *want)
{
	size_t	i;

	assert_int_equal(got->nprocs, want->nprocs);
	assert_true(got->sys.time > want->sys.time - 0.006 &&
	    got->sys.time < want->sys.time + 0.006);
	assert_int_equal(got->sys.ncpu, want->sys.ncpu);
	assert_int_equal(got->sys.cpus[3].user, want->sys.cpus[3].user);
	assert_int_equal(got->sys.mem_available, want->sys.mem_available);
	assert_int_equal(got->sys.disk_read, want->sys.disk_read);
	assert_true(got->sys.load[0] > want->sys.load[0] - 0.006 &&
	    got->sys.load[0] < want->sys.load[0] + 0.006);
	for (i = 0; i < want->nprocs; i++) {
		const struct sample_proc	*g = &got->procs[i],
						*e = &want->procs[i];

		assert_int_equal(g->pid, e->pid);
		assert_int_equal(g->start, e->start);
		assert_int_equal(g->ppid, e->ppid);
		assert_int_equal(g->uid, e->uid);
		assert_int_equal(g->state, e->state);
		assert_int_equal(g->ticks, e->ticks);
		assert_int_equal(g->rss_kb, e->rss_kb);
		assert_int_equal(g->vsz_kb, e->vsz_kb);
		assert_int_equal(g->minflt, e->minflt);
		assert_int_equal(g->nlwp, e->nlwp);
		assert_int_equal(g->has_io, e->has_io);
		assert_int_equal(g->io_read, e->io_read);
		assert_string_equal(g->comm, e->comm);
		assert_string_equal(g->user, e->user);
		assert_string_equal(got->cmdline[i], want->cmdline[i]);
	}
}

static int
int_cmp(const void *a, const void *b)
{
	return (*(const int *)a - *(const int *)b);
}

/* Random frames through the codec, and the exits it reports. */
static void
test_codec_round_trip(void **state)
{
	struct world		*w = xcalloc(1, sizeof *w);
	struct record_codec	*enc = record_codec_new(), *dec;
	struct record_frame	 got;
	struct buf		 b = BUF_INITIALIZER;
	int			 step, pids[POP * 4];
	size_t			 i;

	dec = record_codec_new();
	world_init(w, 7);
	for (step = 0; step < 200; step++) {
		world_step(w, T0 + step * 5);
		buf_reset(&b);
		record_encode(enc, &w->f, &b);
		assert_int_equal(record_decode(dec, b.data, b.len, &got), 0);
		assert_frame_equal(&got, &w->f);
		if (step == 0)
			continue;
		/* Every process that died (or whose PID was reused) exited. */
		assert_int_equal(got.nexits, w->nexited);
		for (i = 0; i < got.nexits; i++) {
			pids[i] = got.exits[i].pid;
			assert_non_null(got.exits[i].cmdline);
		}
		qsort(pids, got.nexits, sizeof *pids, int_cmp);
		qsort(w->exited, w->nexited, sizeof *w->exited, int_cmp);
		assert_memory_equal(pids, w->exited, got.nexits * sizeof *pids);
	}
	/* Idle processes cost next to nothing: a frame with no change. */
	buf_reset(&b);
	record_encode(enc, &w->f, &b);
	assert_true(b.len < 100);
	assert_int_equal(record_decode(dec, b.data, b.len, &got), 0);
	assert_int_equal(got.nexits, 0);
	/* Garbage is refused, not crashed on, and resets the decoder. */
	buf_reset(&b);
	buf_add(&b, "\x00\x02\x02\x04garbage", 11);
	assert_int_equal(record_decode(dec, b.data, b.len, &got), -1);
	buf_free(&b);
	record_codec_free(enc);
	record_codec_free(dec);
	free(w);
}

/* The recorder's alarms ride along with the frame, and only with it. */
static void
test_codec_alarms(void **state)
{
	struct world		*w = xcalloc(1, sizeof *w);
	struct record_codec	*enc = record_codec_new(), *dec;
	struct record_frame	 got;
	struct alarm_note	 fire[3], ev[2];
	struct buf		 b = BUF_INITIALIZER;
	char			 what[3][32];
	int			 step, i;

	dec = record_codec_new();
	world_init(w, 11);
	for (step = 0; step < 50; step++) {
		world_step(w, T0 + step * 5);
		memset(fire, 0, sizeof fire);
		memset(ev, 0, sizeof ev);
		for (i = 0; i < 3; i++) {
			snprintf(what[i], sizeof what[i], "burn (%d)",
			    1000 + step + i);
			fire[i].kind = EV_FIRED;
			fire[i].rule = i == 2 ? "sys-mem" : "hot-cpu";
			fire[i].severity = i == 2 ? SEV_WARN : SEV_CRIT;
			fire[i].pid = i == 2 ? 0 : 1000 + step + i;
			fire[i].start = 123456789ULL * (i + 1);
			fire[i].time = 5000 + step * 5 - 12.5;
			fire[i].value = i == 2 ? 1.5e12 : 97.25;
			fire[i].what = what[i];
		}
		ev[0] = fire[0];
		ev[1] = fire[1];
		ev[1].kind = EV_RESOLVED;
		ev[1].value = -3.5;
		/* Every third frame has alarms; the others say nothing. */
		if (step % 3 == 0) {
			w->f.flags |= RECORD_ALARMS;
			w->f.firing = fire;
			w->f.nfiring = step % 2 == 0 ? 3 : 0;
			w->f.events = ev;
			w->f.nevents = 2;
		}
		buf_reset(&b);
		record_encode(enc, &w->f, &b);
		assert_int_equal(record_decode(dec, b.data, b.len, &got), 0);
		assert_frame_equal(&got, &w->f);
		if (step % 3 != 0) {
			assert_false(got.flags & RECORD_ALARMS);
			assert_int_equal(got.nfiring + got.nevents, 0);
			continue;
		}
		assert_true(got.flags & RECORD_ALARMS);
		assert_int_equal(got.nfiring, w->f.nfiring);
		assert_int_equal(got.nevents, 2);
		for (i = 0; i < (int)got.nfiring; i++) {
			assert_string_equal(got.firing[i].rule, fire[i].rule);
			assert_string_equal(got.firing[i].what, fire[i].what);
			assert_int_equal(got.firing[i].severity,
			    fire[i].severity);
			assert_int_equal(got.firing[i].pid, fire[i].pid);
			assert_int_equal(got.firing[i].start, fire[i].start);
			assert_true(got.firing[i].time == fire[i].time);
			assert_true(got.firing[i].value == fire[i].value);
		}
		assert_int_equal(got.events[0].kind, EV_FIRED);
		assert_int_equal(got.events[1].kind, EV_RESOLVED);
		assert_true(got.events[1].value == -3.5);
		assert_string_equal(got.events[1].what, what[1]);
	}
	/* A note cut short is a bad frame, not a crash. */
	w->f.flags |= RECORD_ALARMS;
	w->f.firing = fire;
	w->f.nfiring = 3;
	w->f.events = ev;
	w->f.nevents = 2;
	buf_reset(&b);
	record_encode(enc, &w->f, &b);
	assert_int_equal(record_decode(dec, b.data, b.len - 3, &got), -1);
	buf_free(&b);
	record_codec_free(enc);
	record_codec_free(dec);
	free(w);
}

/*
 * Found by fuzz_record: a frame with no alarms left the decoder pointing
 * past a null list (undefined, though nothing read it). Its input, after
 * the harness's leading 0, decodes to an empty frame with empty lists.
 */
static void
test_codec_fuzz_empty(void **state)
{
	static const unsigned char in[] = {
		0x00, 0xa0, 0x9c, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0xa0,
		0x9c, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct record_codec	*c = record_codec_new();
	struct record_frame	 f;
	int			 pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		memset(&f, 0xa5, sizeof f);
		if (record_decode(c, in, sizeof in, &f) != 0)
			continue;
		assert_int_equal(f.nfiring, 0);
		assert_int_equal(f.nevents, 0);
		assert_null(f.firing);
		assert_null(f.events);
	}
	record_codec_free(c);
}

struct seen {
	size_t	warnings;
	char	last[512];
};

static void
warn_cb(const char *msg, void *arg)
{
	struct seen	*s = arg;

	s->warnings++;
	snprintf(s->last, sizeof s->last, "%s", msg);
}

static char *
tmpdir(void)
{
	char	*d = xstrdup("/tmp/vigil-test-record-XXXXXX");

	assert_non_null(mkdtemp(d));
	return (d);
}

static void
rmtree(const char *dir)
{
	DIR		*d = opendir(dir);
	struct dirent	*de;
	char		*p;

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".lock") != 0)
			continue;
		xasprintf(&p, "%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

/* Write nframes of the world at 5 s from T0 - 100 s: two hourly files. */
static void
store_write(const char *dir, struct world *w, int nframes, int chunk)
{
	struct record_wopts	 o;
	struct record_writer	*wr;
	char			 err[256];
	int			 i;

	record_wopts_init(&o);
	o.chunk_frames = chunk;
	o.hz = 100;
	o.host = "testhost";
	o.keep = 0;
	o.max_size = 0;
	wr = record_writer_open(dir, &o, err, sizeof err);
	assert_non_null(wr);
	/* A second recorder on the same directory is refused. */
	assert_null(record_writer_open(dir, &o, err, sizeof err));
	for (i = 0; i < nframes; i++) {
		world_step(w, T0 - 100 + i * 5);
		assert_int_equal(record_writer_put(wr, &w->f, err,
		    sizeof err), 0);
	}
	record_writer_close(wr);
}

static size_t
read_all(const char *dir, struct seen *s, double *first, double *last)
{
	struct record_reader		*r;
	const struct record_frame	*f;
	char				 err[256];
	size_t				 n = 0;

	r = record_reader_open(dir, warn_cb, s, err, sizeof err);
	assert_non_null(r);
	while (record_reader_next(r, &f) == 1) {
		if (n == 0 && first != NULL)
			*first = f->wall;
		if (last != NULL)
			*last = f->wall;
		assert_true(f->nprocs > 0);
		n++;
	}
	assert_int_equal(record_reader_hz(r), 100);
	assert_string_equal(record_reader_host(r), "testhost");
	record_reader_free(r);
	return (n);
}

static char *
store_file(const char *dir, int which, const char *suffix)
{
	DIR		*d = opendir(dir);
	struct dirent	*de;
	char		*names[16], *p;
	int		 n = 0, i;

	while ((de = readdir(d)) != NULL && n < 16)
		if (strstr(de->d_name, suffix) != NULL)
			names[n++] = xstrdup(de->d_name);
	closedir(d);
	assert_true(which < n);
	for (i = 0; i < n; i++) {
		int	j;

		for (j = i + 1; j < n; j++)
			if (strcmp(names[j], names[i]) < 0) {
				p = names[i];
				names[i] = names[j];
				names[j] = p;
			}
	}
	xasprintf(&p, "%s/%s", dir, names[which]);
	for (i = 0; i < n; i++)
		free(names[i]);
	return (p);
}

/* Frames written are read back in order, across files; seeks find them. */
static void
test_store_round_trip(void **state)
{
	struct world			*w = xcalloc(1, sizeof *w), *w2;
	struct record_reader		*r;
	const struct record_frame	*f;
	struct seen			 s = { 0, "" };
	char				*dir = tmpdir(), err[256], *path;
	double				 first, last;
	int				 i;

	world_init(w, 11);
	store_write(dir, w, 60, 7);
	/* Two files, the second starting on the hour. */
	path = store_file(dir, 1, ".vrec");
	assert_non_null(strstr(path, "T030000Z.vrec"));
	free(path);
	assert_int_equal(read_all(dir, &s, &first, &last), 60);
	assert_int_equal(s.warnings, 0);
	assert_true(first == T0 - 100);
	assert_true(last == T0 - 100 + 59 * 5);

	/* A seek lands on the keyframe before t; reading on reaches t. */
	w2 = xcalloc(1, sizeof *w2);
	world_init(w2, 11);
	for (i = 0; i <= 40; i++)
		world_step(w2, T0 - 100 + i * 5);
	r = record_reader_open(dir, warn_cb, &s, err, sizeof err);
	assert_int_equal(record_reader_seek(r, T0 - 100 + 40 * 5 + 2), 0);
	assert_int_equal(record_reader_next(r, &f), 1);
	assert_true(f->wall <= T0 - 100 + 40 * 5);
	assert_true(f->wall > T0 - 100 + 40 * 5 - 7 * 5);
	while (f->wall < T0 - 100 + 40 * 5)
		assert_int_equal(record_reader_next(r, &f), 1);
	assert_frame_equal(f, &w2->f);
	assert_int_equal(record_reader_span(r, &first, &last), 0);
	assert_true(first == T0 - 100 && last == T0 - 100 + 59 * 5);
	record_reader_free(r);
	rmtree(dir);
	free(dir);
	free(w);
	free(w2);
}

/* A file cut mid-record (a killed recorder) loses that frame, no more. */
static void
test_store_truncated(void **state)
{
	struct world	*w = xcalloc(1, sizeof *w);
	struct seen	 s = { 0, "" };
	struct stat	 st;
	char		*dir = tmpdir(), *path;

	world_init(w, 13);
	store_write(dir, w, 60, 7);
	/* The first file has the frames before 03:00: 20 of them. */
	path = store_file(dir, 0, ".vrec");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 10), 0);
	assert_int_equal(read_all(dir, &s, NULL, NULL), 59);
	assert_int_equal(s.warnings, 1);
	assert_non_null(strstr(s.last, "truncated"));
	/* The last file may be being written: a partial record is quiet. */
	free(path);
	path = store_file(dir, 1, ".vrec");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 10), 0);
	s.warnings = 0;
	assert_int_equal(read_all(dir, &s, NULL, NULL), 58);
	assert_int_equal(s.warnings, 1);
	free(path);
	rmtree(dir);
	free(dir);
	free(w);
}

/* A flipped byte costs the rest of its chunk; the next chunk reads. */
static void
test_store_corrupt(void **state)
{
	struct world	*w = xcalloc(1, sizeof *w);
	struct seen	 s = { 0, "" };
	struct stat	 st;
	char		*dir = tmpdir(), *path, *junk;
	unsigned char	 c;
	size_t		 n;
	int		 fd;

	world_init(w, 17);
	store_write(dir, w, 60, 7);
	path = store_file(dir, 0, ".vrec");
	assert_int_equal(stat(path, &st), 0);
	fd = open(path, O_RDWR);
	assert_true(fd != -1);
	assert_int_equal(pread(fd, &c, 1, st.st_size / 2), 1);
	c ^= 0x40;
	assert_int_equal(pwrite(fd, &c, 1, st.st_size / 2), 1);
	close(fd);
	n = read_all(dir, &s, NULL, NULL);
	assert_true(n < 60 && n >= 60 - 7);
	assert_int_equal(s.warnings, 1);
	assert_non_null(strstr(s.last, "skipped"));
	/* A file that is not one at all is skipped too. */
	free(path);
	xasprintf(&path, "%s/20251203T025000Z.vrec", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	junk = xcalloc(1, 5000);
	assert_int_equal(write(fd, junk, 5000), 5000);
	close(fd);
	free(junk);
	s.warnings = 0;
	assert_int_equal(read_all(dir, &s, NULL, NULL), n);
	assert_int_equal(s.warnings, 2);
	free(path);
	rmtree(dir);
	free(dir);
	free(w);
}

static void
make_file(const char *dir, const char *name, size_t size, double age)
{
	struct timeval	 tv[2];
	char		*path, *data = xcalloc(1, size + 1);
	int		 fd;

	xasprintf(&path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_int_equal(write(fd, data, size), (ssize_t)size);
	close(fd);
	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= (time_t)age;
	tv[1] = tv[0];
	assert_int_equal(utimes(path, tv), 0);
	free(path);
	free(data);
}

static int
exists(const char *dir, const char *name)
{
	char	*path;
	int	 rc;

	xasprintf(&path, "%s/%s", dir, name);
	rc = access(path, F_OK) == 0;
	free(path);
	return (rc);
}

/* Whole files go, oldest first, never the one being written. */
static void
test_retention(void **state)
{
	char	*dir = tmpdir();
	double	 now = (double)time(NULL);

	make_file(dir, "20251201T000000Z.vrec", 1000, 9 * 86400);
	make_file(dir, "20251201T000000Z.vidx", 48, 9 * 86400);
	make_file(dir, "20251205T000000Z.vrec", 1000, 5 * 86400);
	make_file(dir, "20251206T000000Z.vrec", 1000, 4 * 86400);
	make_file(dir, "20251207T000000Z.vrec", 1000, 3 * 86400);
	make_file(dir, "notours.txt", 100000, 30 * 86400);
	/* By age: the 9-day-old file and its index. */
	assert_int_equal(record_retention(dir, "20251207T000000Z.vrec",
	    7 * 86400, 0, now), 1);
	assert_false(exists(dir, "20251201T000000Z.vrec"));
	assert_false(exists(dir, "20251201T000000Z.vidx"));
	assert_true(exists(dir, "20251205T000000Z.vrec"));
	assert_true(exists(dir, "notours.txt"));
	/* By size: oldest first until 2000 bytes are left. */
	assert_int_equal(record_retention(dir, "20251207T000000Z.vrec", 0,
	    2000, now), 1);
	assert_false(exists(dir, "20251205T000000Z.vrec"));
	assert_true(exists(dir, "20251206T000000Z.vrec"));
	/* The current file stays even when it alone is over the limit. */
	assert_int_equal(record_retention(dir, "20251207T000000Z.vrec", 0,
	    10, now), 1);
	assert_false(exists(dir, "20251206T000000Z.vrec"));
	assert_true(exists(dir, "20251207T000000Z.vrec"));
	assert_int_equal(record_retention(dir, "20251207T000000Z.vrec", 1,
	    10, now), 0);
	unlink("notours.txt");
	{
		char	*p;

		xasprintf(&p, "%s/notours.txt", dir);
		unlink(p);
		free(p);
	}
	rmtree(dir);
	free(dir);
}

static void
test_when(void **state)
{
	double	v, now = 1764730800.0;	/* 2025-12-03T03:00:00Z */

	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(when_parse("2025-12-03T03:00:00Z", now, &v), 0);
	assert_true(v == now);
	assert_int_equal(when_parse("2025-12-03T05:00+02:00", now, &v), 0);
	assert_true(v == now);
	assert_int_equal(when_parse("2025-12-03 03:10", now, &v), 0);
	assert_true(v == now + 600);
	assert_int_equal(when_parse("2025-12-03", now, &v), 0);
	assert_true(v == now - 3 * 3600);
	assert_int_equal(when_parse("02:30", now, &v), 0);
	assert_true(v == now - 1800);
	assert_int_equal(when_parse("3h ago", now, &v), 0);
	assert_true(v == now - 3 * 3600);
	assert_int_equal(when_parse("1h30m ago", now, &v), 0);
	assert_true(v == now - 5400);
	assert_int_equal(when_parse("now", now, &v), 0);
	assert_true(v == now);
	assert_int_equal(when_parse("@1000.5", now, &v), 0);
	assert_true(v == 1000.5);
	assert_int_equal(when_parse("2025-02-31", now, &v), -1);
	assert_int_equal(when_parse("3 ago", now, &v), -1);
	assert_int_equal(when_parse("yesterday", now, &v), -1);
	assert_int_equal(when_parse("2025-12-03T25:00", now, &v), -1);
	assert_int_equal(when_parse("03:10Z", now, &v), -1);
	assert_int_equal(when_parse("", now, &v), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec_round_trip),
		cmocka_unit_test(test_codec_alarms),
		cmocka_unit_test(test_codec_fuzz_empty),
		cmocka_unit_test(test_store_round_trip),
		cmocka_unit_test(test_store_truncated),
		cmocka_unit_test(test_store_corrupt),
		cmocka_unit_test(test_retention),
		cmocka_unit_test(test_when),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
