/* Top functions: self and total (inclusive) share of the samples. */

#include "vigil.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fmt.h"
#include "prof.h"
#include "sanitize.h"
#include "xalloc.h"
#include "prof-int.h"

struct prof_topfn {
	size_t		 name;
	uint64_t	 self;
	uint64_t	 total;
};

static int	prof_topfn_cmp(const void *, const void *, void *);
static struct prof_topfn *prof_top_compute(const struct prof *,
		    struct prof_names *, size_t *);

/* More self first, then more total, then by name. */
static int
prof_topfn_cmp(const void *a, const void *b, void *arg)
{
	const struct prof_topfn	*x = a, *y = b;
	const struct prof_names	*n = arg;

	if (x->self != y->self)
		return (x->self < y->self ? 1 : -1);
	if (x->total != y->total)
		return (x->total < y->total ? 1 : -1);
	return (strcmp(prof_names_get(n, x->name), prof_names_get(n, y->name)));
}

/*
 * Every function's self samples (it was the leaf) and total samples (it was
 * on the stack, counted once per stack however deep it recurses), sorted;
 * frames with the same label are one function.
 */
static struct prof_topfn *
prof_top_compute(const struct prof *p, struct prof_names *names,
    size_t *nfn)
{
	struct prof_topfn	*fn;
	const struct prof_stack	*s;
	size_t			*ids, *seen, i, d, id, n;

	ids = prof_names_map(names, p, 0);
	n = prof_names_count(names);
	fn = xcalloc(n + 1, sizeof *fn);
	seen = xcalloc(n + 1, sizeof *seen);
	for (i = 0; i < n; i++)
		fn[i].name = i;
	for (i = 0; i < p->nstacks; i++) {
		s = &p->stacks[i];
		for (d = 0; d < s->depth; d++) {
			id = ids[s->frames[d]];
			if (seen[id] == i + 1)
				continue;
			seen[id] = i + 1;
			fn[id].total += s->count;
		}
		if (s->depth > 0)
			fn[ids[s->frames[s->depth - 1]]].self += s->count;
	}
	qsort_r(fn, n, sizeof *fn, prof_topfn_cmp, names);
	/* Names seen only in frames no stack uses any more are left out. */
	while (n > 0 && fn[n - 1].total == 0)
		n--;
	free(seen);
	free(ids);
	*nfn = n;
	return (fn);
}

static double
prof_pct(uint64_t n, uint64_t total)
{
	return (total == 0 ? 0 : 100.0 * n / total);
}

/* The table, limit rows at most (0: all), under a header on the profile. */
int
prof_write_top(const struct prof *p, FILE *fp, size_t limit, char *err,
    size_t errlen)
{
	struct prof_names	 names;
	struct prof_topfn	*fn;
	struct buf		 b = BUF_INITIALIZER;
	size_t			 nfn, i;
	int			 rc;

	prof_names_init(&names);
	fn = prof_top_compute(p, &names, &nfn);

	buf_printf(&b, _("PID %d"), p->pid);
	if (p->comm != NULL) {
		buf_adds(&b, " (");
		sanitize(&b, p->comm, strlen(p->comm), 0);
		buf_addc(&b, ')');
	}
	buf_printf(&b, _(": %llu samples at %g Hz over %.1f s, "),
	    (unsigned long long)p->total, p->rate_hz, p->duration_ns / 1e9);
	buf_printf(&b, ngettext("%zu thread\n", "%zu threads\n", p->nthreads),
	    p->nthreads);
	if (prof_mode_name(p->mode) != NULL)
		buf_printf(&b, _("mode %s: %s\n"), prof_mode_name(p->mode),
		    prof_mode_what(p->mode));
	buf_printf(&b, "%7s %8s %7s %8s  %s\n", _("SELF%"), _("SELF"),
	    _("TOTAL%"), _("TOTAL"), _("FUNCTION"));
	for (i = 0; i < nfn && (limit == 0 || i < limit); i++) {
		buf_printf(&b, "%6.1f%% %8llu %6.1f%% %8llu  %s\n",
		    prof_pct(fn[i].self, p->total),
		    (unsigned long long)fn[i].self,
		    prof_pct(fn[i].total, p->total),
		    (unsigned long long)fn[i].total,
		    prof_names_get(&names, fn[i].name));
	}
	rc = prof_write_buf(fp, &b, err, errlen);
	if (rc == 0)
		rc = prof_write_done(fp, err, errlen);
	buf_free(&b);
	free(fn);
	prof_names_free(&names);
	return (rc);
}

/* The table as data, for the monitor's live view; prof_top_free() it. */
struct prof_func *
prof_top(const struct prof *p, size_t *nfn)
{
	struct prof_names	 names;
	struct prof_topfn	*fn;
	struct prof_func	*out;
	size_t			 i;

	prof_names_init(&names);
	fn = prof_top_compute(p, &names, nfn);
	out = xcalloc(*nfn + 1, sizeof *out);
	for (i = 0; i < *nfn; i++) {
		out[i].name = xstrdup(prof_names_get(&names, fn[i].name));
		out[i].self = fn[i].self;
		out[i].total = fn[i].total;
	}
	free(fn);
	prof_names_free(&names);
	return (out);
}

void
prof_top_free(struct prof_func *fn, size_t n)
{
	size_t	i;

	if (fn == NULL)
		return;
	for (i = 0; i < n; i++)
		free(fn[i].name);
	free(fn);
}
