/* Speedscope's JSON file format: shared frames, one profile per thread. */

#include "vigil.h"

#include <string.h>

#include "buf.h"
#include "json.h"
#include "prof.h"
#include "sanitize.h"
#include "prof-int.h"

#define PROF_SPEEDSCOPE_SCHEMA \
	"https://www.speedscope.app/file-format-schema.json"

static void	prof_speedscope_frame(struct json *, const struct prof_frame *,
		    struct buf *);
static void	prof_speedscope_thread(struct json *, const struct prof *,
		    size_t, struct buf *);

/* A frame: Python ones name the function and give file and line apart. */
static void
prof_speedscope_frame(struct json *j, const struct prof_frame *f,
    struct buf *tmp)
{
	buf_reset(tmp);
	if (f->kind == PF_PYTHON && f->func != NULL)
		sanitize(tmp, f->func, strlen(f->func), 0);
	else
		prof_frame_label_buf(f, tmp);
	json_object_begin(j);
	json_key(j, "name");
	json_string(j, buf_str(tmp));
	if (f->file != NULL) {
		buf_reset(tmp);
		sanitize(tmp, f->file, strlen(f->file), 0);
		json_key(j, "file");
		json_string(j, buf_str(tmp));
	}
	if (f->line > 0) {
		json_key(j, "line");
		json_int(j, f->line);
	}
	json_object_end(j);
}

/* One "sampled" profile: a thread's stacks, root first, weighed by count. */
static void
prof_speedscope_thread(struct json *j, const struct prof *p, size_t t,
    struct buf *tmp)
{
	const struct prof_thread	*th = &p->threads[t];
	const struct prof_stack		*s;
	uint64_t			 sum = 0;
	size_t				 i, d;

	buf_reset(tmp);
	if (th->name != NULL) {
		sanitize(tmp, th->name, strlen(th->name), 0);
		buf_addc(tmp, ' ');
	}
	buf_printf(tmp, "(%d)", th->tid);
	json_object_begin(j);
	json_key(j, "type");
	json_string(j, "sampled");
	json_key(j, "name");
	json_string(j, buf_str(tmp));
	json_key(j, "unit");
	json_string(j, "none");
	json_key(j, "startValue");
	json_int(j, 0);
	json_key(j, "samples");
	json_array_begin(j);
	for (i = 0; i < p->nstacks; i++) {
		s = &p->stacks[i];
		if (s->thread != t || s->count == 0)
			continue;
		json_array_begin(j);
		for (d = 0; d < s->depth; d++)
			json_uint(j, s->frames[d]);
		json_array_end(j);
		sum += s->count;
	}
	json_array_end(j);
	json_key(j, "weights");
	json_array_begin(j);
	for (i = 0; i < p->nstacks; i++) {
		s = &p->stacks[i];
		if (s->thread == t && s->count != 0)
			json_uint(j, s->count);
	}
	json_array_end(j);
	json_key(j, "endValue");
	json_uint(j, sum);
	json_object_end(j);
}

/*
 * Weights are sample counts (unit "none"): speedscope shows them as they
 * are, and they add up to the profile's total.
 */
int
prof_write_speedscope(const struct prof *p, FILE *fp, char *err,
    size_t errlen)
{
	struct buf	b = BUF_INITIALIZER, tmp = BUF_INITIALIZER;
	struct json	j;
	size_t		i;
	int		rc = 0;

	json_init(&j, &b);
	json_object_begin(&j);
	json_key(&j, "$schema");
	json_string(&j, PROF_SPEEDSCOPE_SCHEMA);
	json_key(&j, "name");
	buf_printf(&tmp, "%d", p->pid);
	if (p->comm != NULL) {
		buf_reset(&tmp);
		sanitize(&tmp, p->comm, strlen(p->comm), 0);
		buf_printf(&tmp, " (%d)", p->pid);
	}
	if (prof_mode_name(p->mode) != NULL)
		buf_printf(&tmp, " %s", prof_mode_name(p->mode));
	json_string(&j, buf_str(&tmp));
	json_key(&j, "exporter");
	json_string(&j, PACKAGE_NAME " " PACKAGE_VERSION);
	json_key(&j, "activeProfileIndex");
	json_int(&j, 0);
	json_key(&j, "shared");
	json_object_begin(&j);
	json_key(&j, "frames");
	json_array_begin(&j);
	for (i = 0; i < p->nframes; i++) {
		prof_speedscope_frame(&j, &p->frames[i], &tmp);
		if (b.len > 65536 && rc == 0)
			rc = prof_write_buf(fp, &b, err, errlen);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_key(&j, "profiles");
	json_array_begin(&j);
	for (i = 0; i < p->nthreads; i++) {
		prof_speedscope_thread(&j, p, i, &tmp);
		if (b.len > 65536 && rc == 0)
			rc = prof_write_buf(fp, &b, err, errlen);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_addc(&b, '\n');
	if (rc == 0)
		rc = prof_write_buf(fp, &b, err, errlen);
	if (rc == 0)
		rc = prof_write_done(fp, err, errlen);
	buf_free(&tmp);
	buf_free(&b);
	return (rc);
}
