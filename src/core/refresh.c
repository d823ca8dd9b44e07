/* One refresh: sample, update the model, rebuild the view. */

#include "vigil.h"

#include <stdio.h>
#include <stdlib.h>

#include "model.h"
#include "options.h"
#include "refresh.h"
#include "rx.h"
#include "sample.h"
#include "xalloc.h"

struct refresh {
	const struct options	*o;
	struct sampler		*sampler;
	struct model		*model;
	struct sample_sys	 sys;
	struct rx		*filter;
	struct view_opts	 vo;
};

/* Returns NULL after printing why (a bad -F pattern). */
struct refresh *
refresh_new(const struct options *o)
{
	struct refresh	*r;
	struct rx	*filter = NULL;
	char		 err[256];
	int		 flags = 0;

	if (o->filter != NULL && (filter = rx_compile(o->filter,
	    RX_SMARTCASE, err, sizeof err)) == NULL) {
		fprintf(stderr, _("vigil: -F: invalid pattern %s\n"), err);
		return (NULL);
	}
	r = xcalloc(1, sizeof *r);
	r->o = o;
	r->filter = filter;
	if (o->threads)
		flags |= SAMPLE_THREADS;
	if (o->io)
		flags |= SAMPLE_IO;
	/* Batch output shows SHR for every process; the screen, for its rows. */
	if (o->batch)
		flags |= SAMPLE_STATM;
	r->sampler = sampler_new(flags);
	r->model = model_new(o->history_size, sample_hertz());

	r->vo.sort = o->sort;
	r->vo.descending = o->descending;
	r->vo.tree = o->tree;
	r->vo.show_kthreads = o->kthreads;
	r->vo.show_threads = o->threads;
	r->vo.filter = filter;
	r->vo.uid = o->uid;
	r->vo.pids = o->pids;
	r->vo.npids = o->npids;
	return (r);
}

void
refresh_free(struct refresh *r)
{
	if (r == NULL)
		return;
	model_free(r->model);
	sampler_free(r->sampler);
	sample_sys_free(&r->sys);
	rx_free(r->filter);
	free(r);
}

static void
refresh_cmdline(int pid, const char *cmdline, const char *comm, void *arg)
{
	model_set_cmdline(arg, pid, cmdline, comm);
}

void
refresh_tick(struct refresh *r)
{
	struct sample_proc	*procs;
	size_t			 n;

	if (sampler_read_sys(r->sampler, &r->sys) == 0)
		model_update_sys(r->model, &r->sys);
	if (sampler_read_procs(r->sampler, &procs, &n) == 0)
		model_update(r->model, procs, n, r->sys.time);
	sampler_read_cmdlines(r->sampler, r->model->pending,
	    r->model->npending, refresh_cmdline, r->model);
	r->model->npending = 0;
	refresh_view(r);
}

void
refresh_view(struct refresh *r)
{
	model_view(r->model, &r->vo);
}

struct model *
refresh_model(struct refresh *r)
{
	return (r->model);
}

/* The screen changes sorting, filters and tree mode through this. */
struct view_opts *
refresh_view_opts(struct refresh *r)
{
	return (&r->vo);
}

/* SHR for every process, when the screen sorts by it. */
void
refresh_set_statm(struct refresh *r, int on)
{
	int	flags = sampler_flags(r->sampler);

	flags = on ? flags | SAMPLE_STATM : flags & ~SAMPLE_STATM;
	sampler_set_flags(r->sampler, flags);
}

/* Threads are read only while they are shown. */
void
refresh_set_threads(struct refresh *r, int on)
{
	int	flags = sampler_flags(r->sampler);

	flags = on ? flags | SAMPLE_THREADS : flags & ~SAMPLE_THREADS;
	sampler_set_flags(r->sampler, flags);
	r->vo.show_threads = on;
}

static void
refresh_shr_cb(int pid, unsigned long shr_kb, void *arg)
{
	model_set_shr(arg, pid, shr_kb);
}

/* Read SHR for n rows of the view from first: the rows on screen. */
void
refresh_shr(struct refresh *r, size_t first, size_t n)
{
	struct model	*m = r->model;
	int		*pids;
	size_t		 i;

	if (first >= m->nview || n == 0)
		return;
	if (n > m->nview - first)
		n = m->nview - first;
	pids = xreallocarray(NULL, n, sizeof *pids);
	for (i = 0; i < n; i++)
		pids[i] = m->view[first + i].p->pid;
	sampler_read_shr(r->sampler, pids, n, refresh_shr_cb, m);
	free(pids);
}
