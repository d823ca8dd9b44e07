/* Frames to bytes: each process delta-encoded against its previous frame. */

#include "vigil.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "record.h"
#include "xalloc.h"

/*
 * A frame, decoded, is: flags, the system counters, then operations over
 * the previous frame's processes merged by (PID, start) with this one's:
 * SKIP n (unchanged), UPDATE n (each a mask of the fields that changed and
 * their new values as deltas), EXIT n, NEW n (identity, then every field).
 * Numbers are LEB128 varints, deltas zigzag-encoded; strings a length and
 * bytes. An idle process costs nothing beyond its share of a SKIP.
 * After the operations come the exits the proc connector told of (all of
 * them: those of processes never in a frame too), with their exit codes.
 * With RECORD_ALARMS in the flags, the recorder's alarms close the frame:
 * those firing, then the events since the frame before, each whole.
 */
enum { OP_SKIP, OP_UPDATE, OP_EXIT, OP_NEW };

/* The fields that may change in a process's lifetime, one mask bit each. */
enum {
	F_PPID, F_UID, F_STATE, F_PRIO, F_NICE, F_NLWP, F_TICKS, F_MINFLT,
	F_MAJFLT, F_VSZ, F_RSS, F_SHR, F_IOR, F_IOW, F_IORC, F_IOWC, F_FLAGS,
	F_COMM, F_USER, F_RAWCOMM, F_CMDLINE, F__COUNT
};
#define NNUM	(F_FLAGS + 1)
#define NSTR	(F__COUNT - F_COMM)

#define CODEC_STRMAX	(1U << 20)	/* longest string a frame may hold */
#define CODEC_NMAX	(1U << 22)	/* most processes a frame may hold */
#define CODEC_CPUMAX	8192

struct codec_proc {
	int			 pid;
	int			 tgid;
	int			 kthread;
	unsigned long long	 start;
	long long		 num[NNUM];
	char			*str[NSTR];	/* NULL: not known */
};

struct record_codec {
	struct codec_proc	*p;		/* previous frame, by key */
	size_t			 n;
	struct sample_sys	 sys;
	int			 have_sys;
	/* The decoded frame, owned here. */
	struct codec_proc	*next;
	size_t			 nnext;
	struct record_exit	*exits;
	struct codec_proc	*gone;		/* the exits' strings */
	size_t			 ngone;
	struct alarm_note	*notes;		/* firing, then events */
	size_t			 nnotes;
	struct sample_proc	*sp;
	const char		**cmd;
	const char		**raw;
	size_t			 alloc;
	/*
	 * User names, kept until the codec is freed: the model keeps the
	 * pointer (the sampler's are libproc2's, as lasting), and a reader
	 * decodes the frame after the one shown before the screen draws it.
	 */
	char			**users;
	size_t			 nusers;
};

struct rd {
	const unsigned char	*p;
	size_t			 left;
	int			 bad;
};

static void	codec_proc_free(struct codec_proc *);

struct record_codec *
record_codec_new(void)
{
	return (xcalloc(1, sizeof(struct record_codec)));
}

static void
codec_proc_free(struct codec_proc *p)
{
	int	i;

	for (i = 0; i < NSTR; i++) {
		free(p->str[i]);
		p->str[i] = NULL;
	}
}

static void
codec_gone_free(struct record_codec *c)
{
	size_t	i;

	for (i = 0; i < c->ngone; i++)
		codec_proc_free(&c->gone[i]);
	free(c->gone);
	free(c->exits);
	c->gone = NULL;
	c->exits = NULL;
	c->ngone = 0;
	for (i = 0; i < c->nnotes; i++) {
		free((char *)c->notes[i].rule);
		free((char *)c->notes[i].what);
	}
	free(c->notes);
	c->notes = NULL;
	c->nnotes = 0;
}

/* Forget the previous frame: the next one is a keyframe. */
void
record_codec_reset(struct record_codec *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		codec_proc_free(&c->p[i]);
	free(c->p);
	c->p = NULL;
	c->n = 0;
	sample_sys_free(&c->sys);
	memset(&c->sys, 0, sizeof c->sys);
	c->have_sys = 0;
	codec_gone_free(c);
}

void
record_codec_free(struct record_codec *c)
{
	size_t	i;

	if (c == NULL)
		return;
	record_codec_reset(c);
	free(c->sp);
	free(c->next);
	for (i = 0; i < c->nusers; i++)
		free(c->users[i]);
	free(c->users);
	free(c->cmd);
	free(c->raw);
	free(c);
}

/* --- writing -------------------------------------------------------- */

static void
put_s(struct buf *b, long long v)
{
	buf_add_varint(b, ((unsigned long long)v << 1) ^
	    (unsigned long long)(v >> 63));
}

static void
put_str(struct buf *b, const char *s)
{
	size_t	len = strlen(s);

	if (len > CODEC_STRMAX)
		len = CODEC_STRMAX;
	buf_add_varint(b, len);
	buf_add(b, s, len);
}

/* Fixed-point doubles (hundredths): loads, PSI, times. */
static long long
fix100(double v)
{
	v = v * 100 + (v < 0 ? -0.5 : 0.5);
	if (!(v > -9e18 && v < 9e18))
		return (0);	/* not a number a counter can be */
	return ((long long)v);
}

/* Sums and differences wrap as the counters they code do. */
static long long
wrap_add(long long a, long long b)
{
	return ((long long)((unsigned long long)a + (unsigned long long)b));
}

static long long
wrap_sub(long long a, long long b)
{
	return ((long long)((unsigned long long)a - (unsigned long long)b));
}

static void
codec_cpu_put(struct buf *b, const struct sample_cpu *c,
    const struct sample_cpu *prev)
{
	static const struct sample_cpu	zero;

	if (prev == NULL)
		prev = &zero;
	put_s(b, (long long)(c->user - prev->user));
	put_s(b, (long long)(c->nice - prev->nice));
	put_s(b, (long long)(c->system - prev->system));
	put_s(b, (long long)(c->idle - prev->idle));
	put_s(b, (long long)(c->iowait - prev->iowait));
	put_s(b, (long long)(c->irq - prev->irq));
	put_s(b, (long long)(c->softirq - prev->softirq));
	put_s(b, (long long)(c->steal - prev->steal));
}

#define D(f)	put_s(b, (long long)(s->f - (p != NULL ? p->f : 0)))

static void
codec_sys_put(struct record_codec *c, struct buf *b,
    const struct sample_sys *s)
{
	const struct sample_sys	*p = c->have_sys ? &c->sys : NULL;
	int			 i, same = p != NULL && p->ncpu == s->ncpu;

	put_s(b, wrap_sub(fix100(s->time), p != NULL ? fix100(p->time) : 0));
	put_s(b, wrap_sub(fix100(s->uptime), p != NULL ? fix100(p->uptime) :
	    0));
	buf_add_varint(b, s->ncpu);
	codec_cpu_put(b, &s->total, p != NULL ? &p->total : NULL);
	for (i = 0; i < s->ncpu; i++)
		codec_cpu_put(b, &s->cpus[i], same ? &p->cpus[i] : NULL);
	D(mem_total); D(mem_free); D(mem_available); D(mem_buffers);
	D(mem_cached); D(swap_total); D(swap_free);
	for (i = 0; i < 3; i++)
		put_s(b, fix100(s->load[i]));
	buf_add_varint(b, s->has_psi);
	if (s->has_psi) {
		put_s(b, fix100(s->psi_cpu.some10));
		put_s(b, fix100(s->psi_cpu.full10));
		put_s(b, fix100(s->psi_mem.some10));
		put_s(b, fix100(s->psi_mem.full10));
		put_s(b, fix100(s->psi_io.some10));
		put_s(b, fix100(s->psi_io.full10));
	}
	D(disk_read); D(disk_write); D(net_rx); D(net_tx);
	sample_sys_copy(&c->sys, s);
	c->have_sys = 1;
}

#undef D

/* A frame's process i as codec state (strings borrowed). */
static void
codec_from_frame(struct codec_proc *cp, const struct record_frame *f,
    size_t i)
{
	const struct sample_proc	*s = &f->procs[i];

	cp->pid = s->pid;
	cp->tgid = s->tgid;
	cp->kthread = s->kthread;
	cp->start = s->start;
	cp->num[F_PPID] = s->ppid;
	cp->num[F_UID] = s->uid;
	cp->num[F_STATE] = (unsigned char)s->state;
	cp->num[F_PRIO] = s->prio;
	cp->num[F_NICE] = s->nice;
	cp->num[F_NLWP] = s->nlwp;
	cp->num[F_TICKS] = (long long)s->ticks;
	cp->num[F_MINFLT] = (long long)s->minflt;
	cp->num[F_MAJFLT] = (long long)s->majflt;
	cp->num[F_VSZ] = (long long)s->vsz_kb;
	cp->num[F_RSS] = (long long)s->rss_kb;
	cp->num[F_SHR] = (long long)s->shr_kb;
	cp->num[F_IOR] = (long long)s->io_read;
	cp->num[F_IOW] = (long long)s->io_write;
	cp->num[F_IORC] = (long long)s->io_rchar;
	cp->num[F_IOWC] = (long long)s->io_wchar;
	cp->num[F_FLAGS] = (s->has_shr ? 1 : 0) | (s->has_io ? 2 : 0);
	cp->str[F_COMM - F_COMM] = (char *)(s->comm != NULL ? s->comm : "");
	cp->str[F_USER - F_COMM] = (char *)s->user;
	cp->str[F_RAWCOMM - F_COMM] = (char *)(f->rawcomm != NULL ?
	    f->rawcomm[i] : NULL);
	cp->str[F_CMDLINE - F_COMM] = (char *)(f->cmdline != NULL ?
	    f->cmdline[i] : NULL);
}

static int
codec_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (a == b || strcmp(a, b) == 0);
}

/*
 * The fields of cur that differ from prev (NULL: from nothing). A string
 * that became unknown stays as it was: names are not forgotten.
 */
static unsigned
codec_mask(const struct codec_proc *cur, const struct codec_proc *prev)
{
	unsigned	m = 0;
	int		i;

	for (i = 0; i < NNUM; i++)
		if (prev == NULL ? cur->num[i] != 0 :
		    cur->num[i] != prev->num[i])
			m |= 1U << i;
	for (i = 0; i < NSTR; i++)
		if (cur->str[i] != NULL && (prev == NULL ||
		    !codec_str_eq(cur->str[i], prev->str[i])))
			m |= 1U << (F_COMM + i);
	return (m);
}

static void
codec_fields_put(struct buf *b, const struct codec_proc *cur,
    const struct codec_proc *prev, unsigned m)
{
	int	i;

	buf_add_varint(b, m);
	for (i = 0; i < NNUM; i++)
		if (m & (1U << i))
			put_s(b, wrap_sub(cur->num[i], prev != NULL ?
			    prev->num[i] : 0));
	for (i = 0; i < NSTR; i++)
		if (m & (1U << (F_COMM + i)))
			put_str(b, cur->str[i]);
}

static int
codec_key_cmp(int pa, unsigned long long sa, int pb, unsigned long long sb)
{
	if (pa != pb)
		return (pa < pb ? -1 : 1);
	if (sa != sb)
		return (sa < sb ? -1 : 1);
	return (0);
}

/* An operation run: flushed when the kind changes. */
struct run {
	struct buf	*out;
	struct buf	 items;
	int		 kind;
	size_t		 n;
};

static void
run_flush(struct run *r)
{
	if (r->n == 0)
		return;
	buf_add_varint(r->out, ((unsigned long long)r->n << 2) | r->kind);
	if (r->items.len > 0)
		buf_add(r->out, r->items.data, r->items.len);
	buf_reset(&r->items);
	r->n = 0;
}

static struct buf *
run_op(struct run *r, int kind)
{
	if (r->n > 0 && r->kind != kind)
		run_flush(r);
	r->kind = kind;
	r->n++;
	return (&r->items);
}

/* The exits the recorder was told of, each whole. */
static void
codec_exits_put(struct buf *b, const struct record_frame *f)
{
	const struct record_exit	*e;
	size_t				 i;

	buf_add_varint(b, f->nexits);
	for (i = 0; i < f->nexits; i++) {
		e = &f->exits[i];
		buf_add_varint(b, e->pid);
		buf_add_varint(b, e->ppid);
		buf_add_varint(b, e->start);
		buf_add_varint(b, e->ticks);
		put_s(b, e->exit_code);
		put_s(b, fix100(e->last_seen));
		put_str(b, e->comm != NULL ? e->comm : "");
		buf_add_varint(b, e->cmdline != NULL);
		if (e->cmdline != NULL)
			put_str(b, e->cmdline);
	}
}

static void
codec_notes_put(struct buf *b, const struct alarm_note *n, size_t count)
{
	size_t	i;

	buf_add_varint(b, count);
	for (i = 0; i < count; i++) {
		buf_add_varint(b, n[i].kind);
		put_str(b, n[i].rule != NULL ? n[i].rule : "");
		buf_add_varint(b, n[i].severity);
		buf_add_varint(b, n[i].pid);
		buf_add_varint(b, n[i].start);
		put_s(b, fix100(n[i].time));
		put_s(b, fix100(n[i].value));
		put_str(b, n[i].what != NULL ? n[i].what : "");
	}
}

/* Keep cur as the new previous state, with strings of its own. */
static void
codec_keep(struct codec_proc *dst, const struct codec_proc *cur,
    struct codec_proc *old)
{
	int	i;

	*dst = *cur;
	for (i = 0; i < NSTR; i++) {
		if (cur->str[i] == NULL && old != NULL) {
			dst->str[i] = old->str[i];	/* kept, see mask */
			old->str[i] = NULL;
		} else if (old != NULL && old->str[i] != NULL &&
		    codec_str_eq(old->str[i], cur->str[i])) {
			dst->str[i] = old->str[i];
			old->str[i] = NULL;
		} else
			dst->str[i] = cur->str[i] != NULL ?
			    xstrdup(cur->str[i]) : NULL;
	}
}

static int
codec_frame_cmp(const void *a, const void *b)
{
	const struct codec_proc	*x = a, *y = b;

	return (codec_key_cmp(x->pid, x->start, y->pid, y->start));
}

/* Append frame f to out, as a delta against the previous frame. */
void
record_encode(struct record_codec *c, const struct record_frame *f,
    struct buf *out)
{
	struct codec_proc	*cur, *next;
	struct run		 r = { out, BUF_INITIALIZER, 0, 0 };
	size_t			 i = 0, j = 0, k = 0;
	unsigned		 m;
	int			 cmp;

	buf_add_varint(out, f->flags & (RECORD_EXITS_SEEN | RECORD_ALARMS));
	codec_sys_put(c, out, &f->sys);

	cur = xreallocarray(NULL, f->nprocs + 1, sizeof *cur);
	for (j = 0; j < f->nprocs; j++)
		codec_from_frame(&cur[j], f, j);
	qsort(cur, f->nprocs, sizeof *cur, codec_frame_cmp);
	next = xreallocarray(NULL, f->nprocs + 1, sizeof *next);
	j = 0;
	while (i < c->n || j < f->nprocs) {
		if (j < f->nprocs && k > 0 &&
		    codec_key_cmp(cur[j].pid, cur[j].start, next[k - 1].pid,
		    next[k - 1].start) == 0) {
			j++;	/* listed twice: the first counts */
			continue;
		}
		if (j == f->nprocs)
			cmp = -1;
		else if (i == c->n)
			cmp = 1;
		else
			cmp = codec_key_cmp(c->p[i].pid, c->p[i].start,
			    cur[j].pid, cur[j].start);
		if (cmp < 0) {
			run_op(&r, OP_EXIT);
			codec_proc_free(&c->p[i++]);
		} else if (cmp == 0) {
			if ((m = codec_mask(&cur[j], &c->p[i])) == 0)
				run_op(&r, OP_SKIP);
			else
				codec_fields_put(run_op(&r, OP_UPDATE),
				    &cur[j], &c->p[i], m);
			codec_keep(&next[k++], &cur[j++], &c->p[i]);
			codec_proc_free(&c->p[i++]);
		} else {
			struct buf	*b = run_op(&r, OP_NEW);

			buf_add_varint(b, cur[j].pid);
			buf_add_varint(b, cur[j].start);
			buf_add_varint(b, cur[j].tgid);
			buf_add_varint(b, cur[j].kthread);
			codec_fields_put(b, &cur[j], NULL,
			    codec_mask(&cur[j], NULL));
			codec_keep(&next[k++], &cur[j++], NULL);
		}
	}
	run_flush(&r);
	buf_add_varint(out, 0);		/* the end: a SKIP of none */
	codec_exits_put(out, f);
	if (f->flags & RECORD_ALARMS) {
		codec_notes_put(out, f->firing, f->nfiring);
		codec_notes_put(out, f->events, f->nevents);
	}
	buf_free(&r.items);
	free(cur);
	free(c->p);
	c->p = next;
	c->n = k;
}

/* --- reading -------------------------------------------------------- */

static unsigned long long
get_u(struct rd *r)
{
	unsigned long long	v = 0;
	int			shift = 0;
	unsigned char		byte;

	do {
		if (r->left == 0 || shift > 63) {
			r->bad = 1;
			return (0);
		}
		byte = *r->p++;
		r->left--;
		v |= (unsigned long long)(byte & 0x7f) << shift;
		shift += 7;
	} while (byte & 0x80);
	return (v);
}

static long long
get_s(struct rd *r)
{
	unsigned long long	v = get_u(r);

	return ((long long)(v >> 1) ^ -(long long)(v & 1));
}

static char *
get_str(struct rd *r)
{
	unsigned long long	len = get_u(r);
	char			*s;

	if (r->bad || len > CODEC_STRMAX || len > r->left) {
		r->bad = 1;
		return (NULL);
	}
	s = xmalloc(len + 1);
	memcpy(s, r->p, len);
	s[len] = '\0';
	/* A NUL inside would cut what is shown: what was written had none. */
	if (strlen(s) != len)
		r->bad = 1;
	r->p += len;
	r->left -= len;
	return (s);
}

static void
codec_cpu_get(struct rd *r, struct sample_cpu *c, const struct sample_cpu *p)
{
	static const struct sample_cpu	zero;

	if (p == NULL)
		p = &zero;
	c->user = p->user + get_s(r);
	c->nice = p->nice + get_s(r);
	c->system = p->system + get_s(r);
	c->idle = p->idle + get_s(r);
	c->iowait = p->iowait + get_s(r);
	c->irq = p->irq + get_s(r);
	c->softirq = p->softirq + get_s(r);
	c->steal = p->steal + get_s(r);
}

#define G(f)	(s->f = (p != NULL ? p->f : 0) + get_s(r))

static int
codec_sys_get(struct record_codec *c, struct rd *r, struct sample_sys *s)
{
	const struct sample_sys	*p = c->have_sys ? &c->sys : NULL;
	unsigned long long	 ncpu;
	int			 i, same;

	memset(s, 0, sizeof *s);
	s->time = wrap_add(p != NULL ? fix100(p->time) : 0, get_s(r)) / 100.0;
	s->uptime = wrap_add(p != NULL ? fix100(p->uptime) : 0, get_s(r)) /
	    100.0;
	if ((ncpu = get_u(r)) > CODEC_CPUMAX || r->bad)
		return (-1);
	s->ncpu = ncpu;
	same = p != NULL && p->ncpu == s->ncpu;
	codec_cpu_get(r, &s->total, p != NULL ? &p->total : NULL);
	s->cpus = xcalloc(s->ncpu + 1, sizeof *s->cpus);
	for (i = 0; i < s->ncpu && !r->bad; i++)
		codec_cpu_get(r, &s->cpus[i], same ? &p->cpus[i] : NULL);
	G(mem_total); G(mem_free); G(mem_available); G(mem_buffers);
	G(mem_cached); G(swap_total); G(swap_free);
	for (i = 0; i < 3; i++)
		s->load[i] = get_s(r) / 100.0;
	s->has_psi = get_u(r) != 0;
	if (s->has_psi) {
		s->psi_cpu.some10 = get_s(r) / 100.0;
		s->psi_cpu.full10 = get_s(r) / 100.0;
		s->psi_mem.some10 = get_s(r) / 100.0;
		s->psi_mem.full10 = get_s(r) / 100.0;
		s->psi_io.some10 = get_s(r) / 100.0;
		s->psi_io.full10 = get_s(r) / 100.0;
	}
	G(disk_read); G(disk_write); G(net_rx); G(net_tx);
	return (r->bad ? -1 : 0);
}

#undef G

/* Fields by mask over base (NULL: zero); strings replace base's. */
static int
codec_fields_get(struct rd *r, struct codec_proc *cp,
    const struct codec_proc *base)
{
	unsigned long long	m = get_u(r);
	int			i;

	if (r->bad || m >= (1ULL << F__COUNT))
		return (-1);
	for (i = 0; i < NNUM; i++) {
		cp->num[i] = base != NULL ? base->num[i] : 0;
		if (m & (1ULL << i))
			cp->num[i] = wrap_add(cp->num[i], get_s(r));
	}
	for (i = 0; i < NSTR; i++) {
		cp->str[i] = NULL;
		if (m & (1ULL << (F_COMM + i)))
			cp->str[i] = get_str(r);
		else if (base != NULL && base->str[i] != NULL)
			cp->str[i] = xstrdup(base->str[i]);
	}
	return (r->bad ? -1 : 0);
}

static void
codec_out_reserve(struct record_codec *c, size_t n)
{
	if (n <= c->alloc)
		return;
	c->alloc = n;
	c->sp = xreallocarray(c->sp, n, sizeof *c->sp);
	c->cmd = xreallocarray(c->cmd, n, sizeof *c->cmd);
	c->raw = xreallocarray(c->raw, n, sizeof *c->raw);
}

static const char *
codec_user(struct record_codec *c, const char *u)
{
	size_t	i;

	if (u == NULL)
		return (NULL);
	for (i = 0; i < c->nusers; i++)
		if (strcmp(c->users[i], u) == 0)
			return (c->users[i]);
	c->users = xreallocarray(c->users, c->nusers + 1, sizeof *c->users);
	c->users[c->nusers] = xstrdup(u);
	return (c->users[c->nusers++]);
}

/* The sampler's record of a decoded process; strings point into cp. */
static void
codec_to_sample(struct record_codec *c, struct sample_proc *s,
    const struct codec_proc *cp)
{
	memset(s, 0, sizeof *s);
	s->pid = cp->pid;
	s->tgid = cp->tgid;
	s->kthread = cp->kthread;
	s->start = cp->start;
	s->ppid = (int)cp->num[F_PPID];
	s->uid = (unsigned)cp->num[F_UID];
	s->state = (char)cp->num[F_STATE];
	s->prio = (int)cp->num[F_PRIO];
	s->nice = (int)cp->num[F_NICE];
	s->nlwp = (int)cp->num[F_NLWP];
	s->ticks = cp->num[F_TICKS];
	s->minflt = cp->num[F_MINFLT];
	s->majflt = cp->num[F_MAJFLT];
	s->vsz_kb = cp->num[F_VSZ];
	s->rss_kb = cp->num[F_RSS];
	s->shr_kb = cp->num[F_SHR];
	s->io_read = cp->num[F_IOR];
	s->io_write = cp->num[F_IOW];
	s->io_rchar = cp->num[F_IORC];
	s->io_wchar = cp->num[F_IOWC];
	s->has_shr = (cp->num[F_FLAGS] & 1) != 0;
	s->has_io = (cp->num[F_FLAGS] & 2) != 0;
	s->comm = cp->str[F_COMM - F_COMM] != NULL ?
	    cp->str[F_COMM - F_COMM] : "";
	s->user = codec_user(c, cp->str[F_USER - F_COMM]);
}

static void
codec_exit_add(struct record_codec *c, struct codec_proc *p, double seen)
{
	struct record_exit	*e;
	struct codec_proc	*g;

	c->gone = xreallocarray(c->gone, c->ngone + 1, sizeof *c->gone);
	c->exits = xreallocarray(c->exits, c->ngone + 1, sizeof *c->exits);
	g = &c->gone[c->ngone];
	*g = *p;
	memset(p->str, 0, sizeof p->str);
	e = &c->exits[c->ngone++];
	e->pid = g->pid;
	e->ppid = (int)g->num[F_PPID];
	e->start = g->start;
	e->ticks = g->num[F_TICKS];
	e->comm = g->str[F_RAWCOMM - F_COMM] != NULL ?
	    g->str[F_RAWCOMM - F_COMM] : g->str[F_COMM - F_COMM] != NULL ?
	    g->str[F_COMM - F_COMM] : "";
	e->cmdline = g->str[F_CMDLINE - F_COMM];
	e->last_seen = seen;
	e->exit_code = -1;
}

/*
 * The told exits: each completes the exit of a process of the previous
 * frame (its code, when it ended) or is one that no frame saw.
 */
static int
codec_exits_get(struct record_codec *c, struct rd *r)
{
	struct codec_proc	 cp;
	unsigned long long	 n, pid, ppid;
	long long		 code, end;
	size_t			 i, j, was = c->ngone;

	if ((n = get_u(r)) > CODEC_NMAX || r->bad)
		return (-1);
	for (i = 0; i < n; i++) {
		memset(&cp, 0, sizeof cp);
		pid = get_u(r);
		ppid = get_u(r);
		cp.start = get_u(r);
		cp.num[F_TICKS] = (long long)get_u(r);
		code = get_s(r);
		end = get_s(r);
		if (r->bad || pid > 0x7fffffff || ppid > 0x7fffffff ||
		    code < -1 || code > 0xffff)
			return (-1);
		cp.pid = pid;
		cp.num[F_PPID] = ppid;
		cp.str[F_RAWCOMM - F_COMM] = get_str(r);
		if (get_u(r) != 0)
			cp.str[F_CMDLINE - F_COMM] = get_str(r);
		if (r->bad) {
			codec_proc_free(&cp);
			return (-1);
		}
		for (j = 0; j < was; j++)
			/* Read too late, its start is not known: 0. */
			if (c->exits[j].pid == cp.pid &&
			    (c->exits[j].start == cp.start || cp.start == 0))
				break;
		if (j == was) {
			codec_exit_add(c, &cp, end / 100.0);
			j = c->ngone - 1;
		} else
			c->exits[j].last_seen = end / 100.0;
		c->exits[j].exit_code = (int)code;
		codec_proc_free(&cp);
	}
	return (0);
}

/* A list of alarm notes, appended to the codec's; 0 or -1. */
static int
codec_notes_get(struct record_codec *c, struct rd *r, size_t *count)
{
	struct alarm_note	*n;
	unsigned long long	 want, kind, sev, pid, i;

	if ((want = get_u(r)) > CODEC_NMAX || want > r->left || r->bad)
		return (-1);
	c->notes = xreallocarray(c->notes, c->nnotes + want + 1,
	    sizeof *c->notes);
	for (i = 0; i < want; i++) {
		n = &c->notes[c->nnotes];
		memset(n, 0, sizeof *n);
		kind = get_u(r);
		n->rule = get_str(r);
		sev = get_u(r);
		pid = get_u(r);
		n->start = get_u(r);
		n->time = get_s(r) / 100.0;
		n->value = get_s(r) / 100.0;
		n->what = get_str(r);
		c->nnotes++;	/* its strings are freed with the rest */
		if (r->bad || kind > EV_SILENCED || sev > SEV_CRIT ||
		    pid > 0x7fffffff)
			return (-1);
		n->kind = kind;
		n->severity = sev;
		n->pid = pid;
	}
	*count = want;
	return (0);
}

/* One operation run of n processes; 0, or -1 on bad input. */
static int
codec_run_get(struct record_codec *c, struct rd *r, int kind,
    unsigned long long n, size_t *i, size_t *k, double seen)
{
	struct codec_proc	 cp;
	unsigned long long	 pid, start, tgid;

	for (; n > 0; n--) {
		if (kind != OP_NEW && *i >= c->n)
			return (-1);
		if (*k >= CODEC_NMAX)
			return (-1);
		switch (kind) {
		case OP_SKIP:
			c->next[(*k)++] = c->p[*i];
			memset(c->p[(*i)++].str, 0, sizeof cp.str);
			break;
		case OP_UPDATE:
			cp = c->p[*i];
			if (codec_fields_get(r, &cp, &c->p[*i]) != 0) {
				codec_proc_free(&cp);
				return (-1);
			}
			codec_proc_free(&c->p[(*i)++]);
			c->next[(*k)++] = cp;
			break;
		case OP_EXIT:
			codec_exit_add(c, &c->p[(*i)++], seen);
			break;
		case OP_NEW:
			memset(&cp, 0, sizeof cp);
			pid = get_u(r);
			start = get_u(r);
			tgid = get_u(r);
			cp.kthread = get_u(r) != 0;
			if (r->bad || pid > 0x7fffffff || tgid > 0x7fffffff)
				return (-1);
			cp.pid = pid;
			cp.start = start;
			cp.tgid = tgid;
			/* In key order, after what came before it. */
			if ((*k > 0 && codec_key_cmp(c->next[*k - 1].pid,
			    c->next[*k - 1].start, cp.pid, cp.start) >= 0) ||
			    (*i < c->n && codec_key_cmp(cp.pid, cp.start,
			    c->p[*i].pid, c->p[*i].start) >= 0))
				return (-1);
			if (codec_fields_get(r, &cp, NULL) != 0) {
				codec_proc_free(&cp);
				return (-1);
			}
			c->next[(*k)++] = cp;
			break;
		}
		if (*k == c->nnext) {
			c->nnext = c->nnext * 2 + 64;
			c->next = xreallocarray(c->next, c->nnext,
			    sizeof *c->next);
		}
	}
	return (0);
}

static void
codec_next_drop(struct record_codec *c, size_t k)
{
	while (k > 0)
		codec_proc_free(&c->next[--k]);
}

/*
 * Decode one frame of len bytes at data into f. Returns 0, or -1 for
 * input that is not a frame following the previous one: the codec is then
 * reset, and a keyframe must come next.
 */
int
record_decode(struct record_codec *c, const void *data, size_t len,
    struct record_frame *f)
{
	struct rd		 r = { data, len, 0 };
	struct sample_sys	 sys;
	unsigned long long	 op;
	double			 seen = c->have_sys ? c->sys.time : 0;
	size_t			 i = 0, k = 0, j;

	memset(f, 0, sizeof *f);
	memset(&sys, 0, sizeof sys);
	codec_gone_free(c);
	f->flags = get_u(&r) & (RECORD_EXITS_SEEN | RECORD_ALARMS);
	if (r.bad || codec_sys_get(c, &r, &sys) != 0) {
		sample_sys_free(&sys);
		record_codec_reset(c);
		return (-1);
	}
	if (c->next == NULL) {
		c->nnext = 64;
		c->next = xreallocarray(NULL, c->nnext, sizeof *c->next);
	}
	for (;;) {
		op = get_u(&r);
		if (r.bad)
			break;
		if (op == 0) {
			/* The end: every previous process accounted for. */
			if (i != c->n || codec_exits_get(c, &r) != 0)
				r.bad = 1;
			else if ((f->flags & RECORD_ALARMS) &&
			    (codec_notes_get(c, &r, &f->nfiring) != 0 ||
			    codec_notes_get(c, &r, &f->nevents) != 0))
				r.bad = 1;
			else if (r.left != 0)
				r.bad = 1;
			break;
		}
		if (codec_run_get(c, &r, op & 3, op >> 2, &i, &k, seen) != 0) {
			r.bad = 1;
			break;
		}
	}
	if (r.bad) {
		codec_next_drop(c, k);
		sample_sys_free(&sys);
		record_codec_reset(c);
		return (-1);
	}
	for (j = 0; j < c->n; j++)
		codec_proc_free(&c->p[j]);
	free(c->p);
	c->p = c->next;
	c->n = k;
	c->nnext = k + 64;
	c->next = xreallocarray(NULL, c->nnext, sizeof *c->next);
	sample_sys_free(&c->sys);
	c->sys = sys;
	c->have_sys = 1;

	codec_out_reserve(c, c->n + 1);
	for (j = 0; j < c->n; j++) {
		codec_to_sample(c, &c->sp[j], &c->p[j]);
		c->cmd[j] = c->p[j].str[F_CMDLINE - F_COMM];
		c->raw[j] = c->p[j].str[F_RAWCOMM - F_COMM];
	}
	f->sys = c->sys;
	f->procs = c->sp;
	f->cmdline = c->cmd;
	f->rawcomm = c->raw;
	f->nprocs = c->n;
	f->exits = c->exits;
	f->nexits = c->ngone;
	f->firing = c->notes;
	f->events = c->notes != NULL ? c->notes + f->nfiring : NULL;
	return (0);
}
