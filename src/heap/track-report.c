/* Allocation tracking, client side: symbols, the top call sites, pprof heap profiles and folded stacks. */

#include "vigil.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fmt.h"
#include "htrack.h"
#include "json.h"
#include "prof.h"
#include "xalloc.h"

#define HTRACK_SITE_FRAMES	4	/* frames shown per call site */
#define HTRACK_INLINE		8	/* frames kept per address (inlined calls) */

static size_t	htrack_mmap_frame(struct prof *);

/*
 * The stacks through the profiler's symboliser (libdw, on the live
 * process). Every address is a return address, so each is looked up one
 * byte back. An mmap site gets a leaf frame "[anonymous mmap]".
 */
void
htrack_symbolise(const struct htrack_snap *s, struct htrack_sym *sy)
{
	const struct htrack_site	*site;
	struct prof_syms		*syms;
	size_t				 i, d, n, k;
	size_t				 chain[HTRACK_INLINE];

	memset(sy, 0, sizeof *sy);
	sy->p = prof_new(s->pid, NULL, 0);
	sy->p->start_ns = (uint64_t)(s->time * 1e9);
	sy->n = s->nsites;
	sy->frames = xcalloc(s->nsites + 1, sizeof *sy->frames);
	sy->depth = xcalloc(s->nsites + 1, sizeof *sy->depth);
	syms = prof_syms_new(s->pid, s->pid, sy->p);
	for (i = 0; i < s->nsites; i++) {
		site = &s->sites[i];
		sy->frames[i] = xcalloc(HTRACK_INLINE * site->depth + 2,
		    sizeof *sy->frames[i]);
		n = 0;
		/* Root first: an address's outermost function, then inward. */
		for (d = site->depth; d > 0; d--) {
			k = prof_syms_frames(syms, site->ips[d - 1], 0, chain,
			    nitems(chain));
			while (k > 0)
				sy->frames[i][n++] = chain[--k];
		}
		if (site->mmap)
			sy->frames[i][n++] = htrack_mmap_frame(sy->p);
		sy->depth[i] = n;
	}
	prof_syms_free(syms);
}

static size_t
htrack_mmap_frame(struct prof *p)
{
	struct prof_frame	f;

	memset(&f, 0, sizeof f);
	f.kind = PF_NATIVE;
	f.func = (char *)"[anonymous mmap]";
	return (prof_frame_intern(p, &f));
}

void
htrack_sym_free(struct htrack_sym *sy)
{
	size_t	i;

	for (i = 0; i < sy->n; i++)
		free(sy->frames[i]);
	free(sy->frames);
	free(sy->depth);
	prof_free(sy->p);
	memset(sy, 0, sizeof *sy);
}

/*
 * The report: totals, growth since the previous snapshot, then the top
 * call sites by live bytes (most first; the snapshot must be sorted),
 * each as its innermost frames, leaf first.
 */
int
htrack_write_top(const struct htrack_snap *s, const struct htrack_sym *sy,
    FILE *fp, size_t max, char *err, size_t errlen)
{
	const struct htrack_site	*site;
	struct buf			 b = BUF_INITIALIZER;
	char				 lb[32], gb[32], cb[32], tb[32];
	int64_t				 live = 0, lobj = 0, cum = 0, cobj = 0;
	int64_t				 growth = 0;
	size_t				 i, d, shown, suspects = 0;
	double				 dt;

	for (i = 0; i < s->nsites; i++) {
		site = &s->sites[i];
		live += site->live_bytes;
		lobj += site->live_objs;
		cum += site->cum_bytes;
		cobj += site->cum_objs;
		growth += site->growth;
		suspects += site->suspect;
	}
	if (s->sampled)
		fprintf(fp, _("process %d: sampled tracking (one sample per "
		    "%s on average; numbers are estimates), %zu call sites\n"),
		    s->pid, fmt_bytes(tb, sizeof tb, s->rate, 0), s->nsites);
	else
		fprintf(fp, _("process %d: every allocation tracked, %zu call "
		    "sites\n"), s->pid, s->nsites);
	fprintf(fp, _("live: %s in %" PRId64 " objects; allocated since the "
	    "start: %s in %" PRId64 " objects\n"),
	    fmt_bytes(lb, sizeof lb, live, 0), lobj,
	    fmt_bytes(cb, sizeof cb, cum, 0), cobj);
	if (s->prev_time > 0 && s->time > s->prev_time) {
		dt = s->time - s->prev_time;
		fprintf(fp, _("growth since the previous snapshot %.1f s ago: "
		    "%s (%s per minute); leak suspects: %zu\n"), dt,
		    fmt_bytes(gb, sizeof gb, growth, 1),
		    fmt_bytes(tb, sizeof tb, (int64_t)(growth * 60 / dt), 1),
		    suspects);
	} else
		fprintf(fp, _("first snapshot of this process: growth is "
		    "shown from the next one\n"));
	fprintf(fp, "\n%10s %9s %11s %10s %-5s %s\n", _("LIVE"), _("OBJECTS"),
	    _("GROWTH"), _("ALLOCATED"), _("FLAG"), _("CALL SITE"));
	for (i = 0, shown = 0; i < s->nsites && (max == 0 || shown < max);
	    i++) {
		site = &s->sites[i];
		if (site->live_bytes == 0 && site->cum_bytes == 0)
			continue;
		buf_reset(&b);
		for (d = 0; d < sy->depth[i] && d < HTRACK_SITE_FRAMES; d++) {
			if (d > 0)
				buf_adds(&b, " < ");
			prof_frame_label_buf(
			    &sy->p->frames[sy->frames[i][sy->depth[i] - 1 - d]],
			    &b);
		}
		if (sy->depth[i] == 0)
			buf_adds(&b, _("[stack not recorded]"));
		fprintf(fp, "%10s %9" PRId64 " %11s %10s %-5s %s\n",
		    fmt_bytes(lb, sizeof lb, site->live_bytes, 0),
		    site->live_objs,
		    site->known || s->prev_time > 0 ?
		    fmt_bytes(gb, sizeof gb, site->growth, 1) : "-",
		    fmt_bytes(cb, sizeof cb, site->cum_bytes, 0),
		    site->suspect ? _("leak?") : "", buf_str(&b));
		shown++;
	}
	buf_free(&b);
	if (fflush(fp) != 0 || ferror(fp)) {
		snprintf(err, errlen, _("cannot write the report: %s"),
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * pprof's heap profile, as Go writes one: alloc_objects, alloc_space,
 * inuse_objects, inuse_space (the default); the period is the sampling
 * rate in bytes (1 when every allocation is tracked).
 */
int
htrack_write_pprof(const struct htrack_snap *s, const struct htrack_sym *sy,
    FILE *fp, char *err, size_t errlen)
{
	static const struct prof_vtype	 types[] = {
		{ "alloc_objects", "count" }, { "alloc_space", "bytes" },
		{ "inuse_objects", "count" }, { "inuse_space", "bytes" }
	};
	struct prof_values		 v;
	struct prof_vsample		*samples;
	int64_t				*vals;
	size_t				 i, n = 0;
	int				 rc;

	samples = xcalloc(s->nsites + 1, sizeof *samples);
	vals = xcalloc(4 * (s->nsites + 1), sizeof *vals);
	for (i = 0; i < s->nsites; i++) {
		if (s->sites[i].cum_objs == 0 && s->sites[i].live_objs == 0)
			continue;
		vals[4 * n] = s->sites[i].cum_objs;
		vals[4 * n + 1] = s->sites[i].cum_bytes;
		vals[4 * n + 2] = s->sites[i].live_objs;
		vals[4 * n + 3] = s->sites[i].live_bytes;
		samples[n].frames = sy->frames[i];
		samples[n].depth = sy->depth[i];
		samples[n].values = &vals[4 * n];
		n++;
	}
	memset(&v, 0, sizeof v);
	v.types = types;
	v.ntypes = nitems(types);
	v.samples = samples;
	v.nsamples = n;
	v.period_type.type = "space";
	v.period_type.unit = "bytes";
	v.period = s->sampled ? (int64_t)s->rate : 1;
	v.default_type = "inuse_space";
	rc = prof_write_pprof_values(sy->p, &v, fp, err, errlen);
	free(vals);
	free(samples);
	return (rc);
}

/* Folded stacks (root;...;leaf LIVE-BYTES), the sites with live bytes. */
int
htrack_write_folded(const struct htrack_snap *s, const struct htrack_sym *sy,
    FILE *fp, char *err, size_t errlen)
{
	size_t	i, thread;

	prof_reset(sy->p);
	thread = prof_thread_intern(sy->p, s->pid, NULL);
	for (i = 0; i < s->nsites; i++) {
		if (s->sites[i].live_bytes > 0)
			prof_add(sy->p, thread, sy->frames[i], sy->depth[i],
			    (uint64_t)s->sites[i].live_bytes);
	}
	return (prof_write_folded(sy->p, fp, err, errlen));
}

/*
 * The top call sites as one JSON object on one line (what the monitor's
 * heap view reads): per site its numbers, growth (null when unknown),
 * leak_suspect and its frames' labels, root first. The snapshot must be
 * sorted; at most max sites (0: all) with live or allocated bytes.
 */
int
htrack_write_json(const struct htrack_snap *s, const struct htrack_sym *sy,
    FILE *fp, size_t max, char *err, size_t errlen)
{
	const struct htrack_site	*site;
	struct buf			 b = BUF_INITIALIZER, label = BUF_INITIALIZER;
	struct json			 j;
	size_t				 i, d, shown;

	json_init(&j, &b);
	json_object_begin(&j);
	json_key(&j, "pid");
	json_int(&j, s->pid);
	json_key(&j, "sampled");
	json_bool(&j, s->sampled);
	json_key(&j, "rate");
	json_uint(&j, s->sampled ? s->rate : 1);
	json_key(&j, "time");
	json_double(&j, s->time, 3);
	json_key(&j, "previous_time");
	if (s->prev_time > 0)
		json_double(&j, s->prev_time, 3);
	else
		json_null(&j);
	json_key(&j, "nsites");
	json_uint(&j, s->nsites);
	json_key(&j, "sites");
	json_array_begin(&j);
	for (i = 0, shown = 0; i < s->nsites && (max == 0 || shown < max);
	    i++) {
		site = &s->sites[i];
		if (site->live_bytes == 0 && site->cum_bytes == 0)
			continue;
		json_object_begin(&j);
		json_key(&j, "kind");
		json_string(&j, site->mmap ? "mmap" : "heap");
		json_key(&j, "live_bytes");
		json_int(&j, site->live_bytes);
		json_key(&j, "live_objects");
		json_int(&j, site->live_objs);
		json_key(&j, "allocated_bytes");
		json_int(&j, site->cum_bytes);
		json_key(&j, "allocated_objects");
		json_int(&j, site->cum_objs);
		json_key(&j, "growth");
		if (site->known || s->prev_time > 0)
			json_int(&j, site->growth);
		else
			json_null(&j);
		json_key(&j, "leak_suspect");
		json_bool(&j, site->suspect);
		json_key(&j, "frames");
		json_array_begin(&j);
		for (d = 0; d < sy->depth[i]; d++) {
			buf_reset(&label);
			prof_frame_label_buf(&sy->p->frames[sy->frames[i][d]],
			    &label);
			json_string(&j, buf_str(&label));
		}
		json_array_end(&j);
		json_object_end(&j);
		shown++;
	}
	json_array_end(&j);
	json_object_end(&j);
	fprintf(fp, "%s\n", buf_str(&b));
	buf_free(&b);
	buf_free(&label);
	if (fflush(fp) != 0 || ferror(fp)) {
		snprintf(err, errlen, _("cannot write the report: %s"),
		    strerror(errno));
		return (-1);
	}
	return (0);
}
