/* pprof: profile.proto, encoded here by hand, gzipped with zlib. */

#include "vigil.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "prof.h"
#include "sanitize.h"
#include "xalloc.h"
#include "prof-int.h"

/*
 * Field numbers of github.com/google/pprof proto/profile.proto (package
 * perftools.profiles), the messages and fields this file writes.
 */
#define PB_PROFILE_SAMPLE_TYPE		1
#define PB_PROFILE_SAMPLE		2
#define PB_PROFILE_MAPPING		3
#define PB_PROFILE_LOCATION		4
#define PB_PROFILE_FUNCTION		5
#define PB_PROFILE_STRING_TABLE		6
#define PB_PROFILE_TIME_NANOS		9
#define PB_PROFILE_DURATION_NANOS	10
#define PB_PROFILE_PERIOD_TYPE		11
#define PB_PROFILE_PERIOD		12
#define PB_PROFILE_COMMENT		13
#define PB_PROFILE_DEFAULT_SAMPLE_TYPE	14
#define PB_VALUETYPE_TYPE		1
#define PB_VALUETYPE_UNIT		2
#define PB_SAMPLE_LOCATION_ID		1
#define PB_SAMPLE_VALUE			2
#define PB_SAMPLE_LABEL			3
#define PB_LABEL_KEY			1
#define PB_LABEL_STR			2
#define PB_LABEL_NUM			3
#define PB_MAPPING_ID			1
#define PB_MAPPING_MEMORY_START		2
#define PB_MAPPING_MEMORY_LIMIT		3
#define PB_MAPPING_FILE_OFFSET		4
#define PB_MAPPING_FILENAME		5
#define PB_MAPPING_BUILD_ID		6
#define PB_MAPPING_HAS_FUNCTIONS	7
#define PB_MAPPING_HAS_FILENAMES	8
#define PB_MAPPING_HAS_LINE_NUMBERS	9
#define PB_LOCATION_ID			1
#define PB_LOCATION_MAPPING_ID		2
#define PB_LOCATION_ADDRESS		3
#define PB_LOCATION_LINE		4
#define PB_LINE_FUNCTION_ID		1
#define PB_LINE_LINE			2
#define PB_FUNCTION_ID			1
#define PB_FUNCTION_NAME		2
#define PB_FUNCTION_SYSTEM_NAME		3
#define PB_FUNCTION_FILENAME		4
#define PB_FUNCTION_START_LINE		5

/* Wire types. */
#define PB_VARINT	0
#define PB_LEN		2

/* What the encoder needs while it writes one profile. */
struct pprof {
	const struct prof	*p;
	const struct prof_values *v;		/* NULL: the sampler's values */
	struct prof_names	 strings;	/* the string table */
	struct prof		*funcs;		/* (name, file) as frames */
	int			*funcline;	/* per function: first line */
	size_t			*fid;		/* per frame: its function + 1 */
	struct prof		*locs;		/* locations as runs of frames */
	struct buf		 tmp;
};

static void	pb_key(struct buf *, int, int);
static void	pb_uint(struct buf *, int, uint64_t);
static void	pb_int(struct buf *, int, int64_t);
static void	pb_bytes(struct buf *, int, const void *, size_t);
static void	pb_msg(struct buf *, int, const struct buf *);
static int64_t	pprof_str(struct pprof *, const char *);
static int64_t	pprof_str_safe(struct pprof *, const char *);
static void	pprof_value_type(struct pprof *, struct buf *, int,
		    const char *, const char *);
static void	pprof_mappings(struct pprof *, struct buf *);
static size_t	pprof_mapping_of(const struct prof *,
		    const struct prof_frame *, uint64_t *);
static size_t	pprof_function(struct pprof *, size_t);
static void	pprof_sample_locs(struct pprof *, struct buf *,
		    const size_t *, size_t);
static void	pprof_locations(struct pprof *, struct buf *);
static void	pprof_functions(struct pprof *, struct buf *);
static void	pprof_samples(struct pprof *, struct buf *);
static void	pprof_vsamples(struct pprof *, struct buf *);
static int	pprof_gzip(FILE *, const struct buf *, char *, size_t);

static void
pb_key(struct buf *b, int field, int wire)
{
	buf_add_varint(b, ((uint64_t)field << 3) | wire);
}

static void
pb_uint(struct buf *b, int field, uint64_t v)
{
	pb_key(b, field, PB_VARINT);
	buf_add_varint(b, v);
}

/* int64, not sint64: negative numbers take ten bytes, as proto3 says. */
static void
pb_int(struct buf *b, int field, int64_t v)
{
	pb_uint(b, field, (uint64_t)v);
}

static void
pb_bytes(struct buf *b, int field, const void *data, size_t len)
{
	pb_key(b, field, PB_LEN);
	buf_add_varint(b, len);
	if (len > 0)
		buf_add(b, data, len);
}

static void
pb_msg(struct buf *b, int field, const struct buf *m)
{
	pb_bytes(b, field, m->data, m->len);
}

/* The index of s in the string table. */
static int64_t
pprof_str(struct pprof *pp, const char *s)
{
	return (prof_names_intern(&pp->strings, s));
}

/* Untrusted text (paths, names) goes in sanitised. */
static int64_t
pprof_str_safe(struct pprof *pp, const char *s)
{
	if (s == NULL)
		return (0);
	buf_reset(&pp->tmp);
	sanitize(&pp->tmp, s, strlen(s), 0);
	return (pprof_str(pp, buf_str(&pp->tmp)));
}

static void
pprof_value_type(struct pprof *pp, struct buf *out, int field,
    const char *type, const char *unit)
{
	struct buf	m = BUF_INITIALIZER;

	pb_int(&m, PB_VALUETYPE_TYPE, pprof_str(pp, type));
	pb_int(&m, PB_VALUETYPE_UNIT, pprof_str(pp, unit));
	pb_msg(out, field, &m);
	buf_free(&m);
}

/*
 * The mapping (id) holding a module's frame, and the frame's address in
 * the target. The offset is the frame's ELF address in the module: for a
 * position-independent module the mapping's start less its file offset is
 * the load bias to add; a fixed-address executable's offset already is the
 * address. Neither found: the module's first mapping, address unknown.
 */
static size_t
pprof_mapping_of(const struct prof *p, const struct prof_frame *f,
    uint64_t *addr)
{
	const struct prof_mapping	*m;
	size_t				 i, first = 0;
	uint64_t			 a;

	*addr = 0;
	if (f->kind != PF_NATIVE || f->module == NULL)
		return (0);
	for (i = 0; i < p->nmappings; i++) {
		m = &p->mappings[i];
		if (m->path == NULL || strcmp(m->path, f->module) != 0)
			continue;
		if (first == 0)
			first = i + 1;
		a = m->start - m->offset + f->offset;
		if (a >= m->start && a < m->end) {
			*addr = a;
			return (i + 1);
		}
		if (f->offset >= m->start && f->offset < m->end) {
			*addr = f->offset;
			return (i + 1);
		}
	}
	return (first);
}

static void
pprof_mappings(struct pprof *pp, struct buf *out)
{
	const struct prof_mapping	*m;
	struct buf			 b = BUF_INITIALIZER;
	size_t				 i;

	for (i = 0; i < pp->p->nmappings; i++) {
		m = &pp->p->mappings[i];
		buf_reset(&b);
		pb_uint(&b, PB_MAPPING_ID, i + 1);
		pb_uint(&b, PB_MAPPING_MEMORY_START, m->start);
		pb_uint(&b, PB_MAPPING_MEMORY_LIMIT, m->end);
		pb_uint(&b, PB_MAPPING_FILE_OFFSET, m->offset);
		pb_int(&b, PB_MAPPING_FILENAME, pprof_str_safe(pp, m->path));
		pb_int(&b, PB_MAPPING_BUILD_ID,
		    pprof_str_safe(pp, m->build_id));
		/*
		 * Every location carries its function already (a name, or
		 * module+offset): nothing is left for pprof to symbolise.
		 */
		pb_uint(&b, PB_MAPPING_HAS_FUNCTIONS, 1);
		pb_uint(&b, PB_MAPPING_HAS_FILENAMES, 1);
		pb_uint(&b, PB_MAPPING_HAS_LINE_NUMBERS, 1);
		pb_msg(out, PB_PROFILE_MAPPING, &b);
	}
	buf_free(&b);
}

/*
 * The function of frame i (its index in pp->funcs): the frame's (name,
 * system name, file), a Python frame's qualname, a native frame's
 * demangled name (system name: the mangled one), or its label.
 */
static size_t
pprof_function(struct pprof *pp, size_t i)
{
	const struct prof_frame	*f = &pp->p->frames[i];
	struct prof_frame	 key;
	struct buf		 name = BUF_INITIALIZER, sys = BUF_INITIALIZER;
	size_t			 fid, nfuncs, cap;

	if (pp->fid[i] != 0)
		return (pp->fid[i] - 1);
	/* A native function's name without " (inlined)": its line says. */
	if (f->func != NULL)
		sanitize(&name, f->func, strlen(f->func), 0);
	else
		prof_frame_label_buf(f, &name);
	if (f->sysname != NULL)
		sanitize(&sys, f->sysname, strlen(f->sysname), 0);
	memset(&key, 0, sizeof key);
	key.kind = f->kind;
	key.func = (char *)buf_str(&name);
	key.sysname = f->sysname != NULL ? (char *)buf_str(&sys) : NULL;
	key.file = f->file;
	nfuncs = pp->funcs->nframes;
	fid = prof_frame_intern(pp->funcs, &key);
	if (pp->funcs->nframes > nfuncs) {
		cap = pp->funcs->nframes;
		pp->funcline = xreallocarray(pp->funcline, cap,
		    sizeof *pp->funcline);
		pp->funcline[fid] = 0;
	}
	if (f->line > 0 && (pp->funcline[fid] == 0 ||
	    f->line < pp->funcline[fid]))
		pp->funcline[fid] = f->line;
	buf_free(&name);
	buf_free(&sys);
	pp->fid[i] = fid + 1;
	return (fid);
}

/*
 * A stack's location ids, leaf first, into ids. A frame inlined at the
 * same address as its caller is not a location of its own: as perf and
 * pprof's own symbolizer have it, one location holds the run of frames
 * at one address, one line each.
 */
static void
pprof_sample_locs(struct pprof *pp, struct buf *ids, const size_t *frames,
    size_t depth)
{
	const struct prof_frame	*f, *g;
	size_t			*loc, nloc = 0, d, e;

	if (depth == 0)
		return;
	loc = xreallocarray(NULL, depth, sizeof *loc);
	for (d = 0; d < depth; d = e) {
		f = &pp->p->frames[frames[d]];
		for (e = d + 1; e < depth; e++) {
			g = &pp->p->frames[frames[e]];
			if (!(g->flags & PF_INLINED) || g->module == NULL ||
			    f->module == NULL || g->offset != f->offset ||
			    strcmp(g->module, f->module) != 0)
				break;
		}
		loc[nloc++] = prof_add(pp->locs, 0, frames + d, e - d, 0);
	}
	while (nloc > 0)
		buf_add_varint(ids, loc[--nloc] + 1);
	free(loc);
}

/* The locations the samples named: each a run of frames, innermost line first. */
static void
pprof_locations(struct pprof *pp, struct buf *out)
{
	const struct prof_stack	*run;
	const struct prof_frame	*f;
	struct buf		 b = BUF_INITIALIZER, l = BUF_INITIALIZER;
	size_t			 i, d, mid;
	uint64_t		 addr;

	for (i = 0; i < pp->locs->nstacks; i++) {
		run = &pp->locs->stacks[i];
		f = &pp->p->frames[run->frames[0]];
		buf_reset(&b);
		pb_uint(&b, PB_LOCATION_ID, i + 1);
		if ((mid = pprof_mapping_of(pp->p, f, &addr)) != 0)
			pb_uint(&b, PB_LOCATION_MAPPING_ID, mid);
		if (addr != 0)
			pb_uint(&b, PB_LOCATION_ADDRESS, addr);
		for (d = run->depth; d > 0; d--) {
			f = &pp->p->frames[run->frames[d - 1]];
			buf_reset(&l);
			pb_uint(&l, PB_LINE_FUNCTION_ID,
			    pprof_function(pp, run->frames[d - 1]) + 1);
			if (f->line > 0)
				pb_int(&l, PB_LINE_LINE, f->line);
			pb_msg(&b, PB_LOCATION_LINE, &l);
		}
		pb_msg(out, PB_PROFILE_LOCATION, &b);
	}
	buf_free(&l);
	buf_free(&b);
}

/*
 * Start line: the symbols do not say where a function starts; the lowest
 * line seen in it is the best known.
 */
static void
pprof_functions(struct pprof *pp, struct buf *out)
{
	const struct prof_frame	*fn;
	struct buf		 b = BUF_INITIALIZER;
	size_t			 i;
	int64_t			 name;

	for (i = 0; i < pp->funcs->nframes; i++) {
		fn = &pp->funcs->frames[i];
		buf_reset(&b);
		pb_uint(&b, PB_FUNCTION_ID, i + 1);
		name = pprof_str(pp, fn->func);
		pb_int(&b, PB_FUNCTION_NAME, name);
		/* The symbol as the linker knows it: mangled. */
		if (fn->sysname != NULL)
			name = pprof_str(pp, fn->sysname);
		pb_int(&b, PB_FUNCTION_SYSTEM_NAME, name);
		pb_int(&b, PB_FUNCTION_FILENAME, pprof_str_safe(pp, fn->file));
		if (pp->funcline[i] > 0)
			pb_int(&b, PB_FUNCTION_START_LINE, pp->funcline[i]);
		pb_msg(out, PB_PROFILE_FUNCTION, &b);
	}
	buf_free(&b);
}

/* One sample per stack of a thread, leaf first, labelled with the thread. */
static void
pprof_samples(struct pprof *pp, struct buf *out)
{
	const struct prof		*p = pp->p;
	const struct prof_stack		*s;
	const struct prof_thread	*th;
	struct buf			 b = BUF_INITIALIZER;
	struct buf			 ids = BUF_INITIALIZER;
	struct buf			 lab = BUF_INITIALIZER;
	double				 period;
	size_t				 i;

	period = p->rate_hz > 0 ? 1e9 / p->rate_hz : 0;
	for (i = 0; i < p->nstacks; i++) {
		s = &p->stacks[i];
		if (s->count == 0)
			continue;
		buf_reset(&b);
		buf_reset(&ids);
		pprof_sample_locs(pp, &ids, s->frames, s->depth);
		pb_bytes(&b, PB_SAMPLE_LOCATION_ID, ids.data, ids.len);
		buf_reset(&ids);
		buf_add_varint(&ids, s->count);
		buf_add_varint(&ids, (uint64_t)llround(s->count * period));
		pb_bytes(&b, PB_SAMPLE_VALUE, ids.data, ids.len);

		th = &p->threads[s->thread];
		buf_reset(&lab);
		pb_int(&lab, PB_LABEL_KEY, pprof_str(pp, "thread id"));
		pb_int(&lab, PB_LABEL_NUM, th->tid);
		pb_msg(&b, PB_SAMPLE_LABEL, &lab);
		if (th->name != NULL) {
			buf_reset(&lab);
			pb_int(&lab, PB_LABEL_KEY, pprof_str(pp, "thread"));
			pb_int(&lab, PB_LABEL_STR,
			    pprof_str_safe(pp, th->name));
			pb_msg(&b, PB_SAMPLE_LABEL, &lab);
		}
		pb_msg(out, PB_PROFILE_SAMPLE, &b);
	}
	buf_free(&lab);
	buf_free(&ids);
	buf_free(&b);
}

/* Samples with their own values (prof_write_pprof_values()). */
static void
pprof_vsamples(struct pprof *pp, struct buf *out)
{
	const struct prof_vsample	*s;
	struct buf			 b = BUF_INITIALIZER;
	struct buf			 ids = BUF_INITIALIZER;
	size_t				 i, k;

	for (i = 0; i < pp->v->nsamples; i++) {
		s = &pp->v->samples[i];
		buf_reset(&b);
		buf_reset(&ids);
		pprof_sample_locs(pp, &ids, s->frames, s->depth);
		pb_bytes(&b, PB_SAMPLE_LOCATION_ID, ids.data, ids.len);
		buf_reset(&ids);
		for (k = 0; k < pp->v->ntypes; k++)
			buf_add_varint(&ids, (uint64_t)s->values[k]);
		pb_bytes(&b, PB_SAMPLE_VALUE, ids.data, ids.len);
		pb_msg(out, PB_PROFILE_SAMPLE, &b);
	}
	buf_free(&ids);
	buf_free(&b);
}

/* gzip (zlib's deflate with a gzip header: windowBits 16 + 15). */
static int
pprof_gzip(FILE *fp, const struct buf *in, char *err, size_t errlen)
{
	z_stream	z;
	unsigned char	out[16384];
	size_t		n;
	int		zr;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		snprintf(err, errlen, _("cannot compress the profile"));
		return (-1);
	}
	z.next_in = (unsigned char *)in->data;
	z.avail_in = in->len;
	do {
		z.next_out = out;
		z.avail_out = sizeof out;
		zr = deflate(&z, Z_FINISH);
		if (zr == Z_STREAM_ERROR) {
			deflateEnd(&z);
			snprintf(err, errlen, _("cannot compress the profile"));
			return (-1);
		}
		n = sizeof out - z.avail_out;
		if (n > 0 && fwrite(out, 1, n, fp) != n) {
			deflateEnd(&z);
			snprintf(err, errlen, _("cannot write the profile: %s"),
			    strerror(errno));
			return (-1);
		}
	} while (zr != Z_STREAM_END);
	deflateEnd(&z);
	return (prof_write_done(fp, err, errlen));
}

int
prof_write_pprof(const struct prof *p, FILE *fp, char *err, size_t errlen)
{
	return (prof_write_pprof_values(p, NULL, fp, err, errlen));
}

/*
 * The sampler's value type after samples/count, named by what it
 * measured, so `go tool pprof` says "Type: cpu", "wall" or "off-cpu".
 */
static const char *
pprof_mode_type(const struct prof *p)
{
	switch (p->mode) {
	case PROF_MODE_WALL:
		return ("wall");
	case PROF_MODE_OFF_CPU:
		return ("off-cpu");
	default:
		return ("cpu");
	}
}

/* v NULL: the sampler's (samples, cpu|wall|off-cpu) from its stacks. */
int
prof_write_pprof_values(const struct prof *p, const struct prof_values *v,
    FILE *fp, char *err, size_t errlen)
{
	struct pprof	 pp;
	struct buf	 out = BUF_INITIALIZER, body = BUF_INITIALIZER;
	size_t		 i;
	const char	*s;
	int		 rc;

	memset(&pp, 0, sizeof pp);
	pp.p = p;
	pp.v = v;
	prof_names_init(&pp.strings);
	pprof_str(&pp, "");		/* string_table[0] must be "" */
	pp.funcs = prof_new(0, NULL, 0);
	pp.locs = prof_new(0, NULL, 0);
	pp.fid = xcalloc(p->nframes + 1, sizeof *pp.fid);
	buf_init(&pp.tmp);

	if (v != NULL) {
		for (i = 0; i < v->ntypes; i++)
			pprof_value_type(&pp, &body, PB_PROFILE_SAMPLE_TYPE,
			    v->types[i].type, v->types[i].unit);
		pprof_vsamples(&pp, &body);
	} else {
		pprof_value_type(&pp, &body, PB_PROFILE_SAMPLE_TYPE,
		    "samples", "count");
		pprof_value_type(&pp, &body, PB_PROFILE_SAMPLE_TYPE,
		    pprof_mode_type(p), "nanoseconds");
		pprof_samples(&pp, &body);
	}
	pprof_mappings(&pp, &body);
	pprof_locations(&pp, &body);
	pprof_functions(&pp, &body);
	pb_int(&body, PB_PROFILE_TIME_NANOS, p->start_ns);
	pb_int(&body, PB_PROFILE_DURATION_NANOS, p->duration_ns);
	if (v != NULL) {
		pprof_value_type(&pp, &body, PB_PROFILE_PERIOD_TYPE,
		    v->period_type.type, v->period_type.unit);
		pb_int(&body, PB_PROFILE_PERIOD, v->period);
		if (v->default_type != NULL)
			pb_int(&body, PB_PROFILE_DEFAULT_SAMPLE_TYPE,
			    pprof_str(&pp, v->default_type));
	} else {
		pprof_value_type(&pp, &body, PB_PROFILE_PERIOD_TYPE,
		    pprof_mode_type(p), "nanoseconds");
		pb_int(&body, PB_PROFILE_PERIOD,
		    p->rate_hz > 0 ? llround(1e9 / p->rate_hz) : 0);
		if (prof_mode_name(p->mode) != NULL) {
			buf_reset(&pp.tmp);
			buf_printf(&pp.tmp, "vigil profile --%s: %s",
			    prof_mode_name(p->mode), prof_mode_what(p->mode));
			pb_int(&body, PB_PROFILE_COMMENT,
			    pprof_str(&pp, buf_str(&pp.tmp)));
		}
		pb_int(&body, PB_PROFILE_DEFAULT_SAMPLE_TYPE,
		    pprof_str(&pp, pprof_mode_type(p)));
	}

	/* The string table last: only now is every string in it. */
	for (i = 0; i < prof_names_count(&pp.strings); i++) {
		s = prof_names_get(&pp.strings, i);
		pb_bytes(&out, PB_PROFILE_STRING_TABLE, s, strlen(s));
	}
	buf_add(&out, body.data != NULL ? body.data : "", body.len);
	rc = pprof_gzip(fp, &out, err, errlen);

	buf_free(&pp.tmp);
	free(pp.funcline);
	free(pp.fid);
	prof_free(pp.locs);
	prof_free(pp.funcs);
	prof_names_free(&pp.strings);
	buf_free(&body);
	buf_free(&out);
	return (rc);
}
