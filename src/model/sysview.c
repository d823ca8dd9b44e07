/* System totals: CPU split, memory, rates and task counts from deltas. */

#include "vigil.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xalloc.h"

static unsigned long long
sysview_delta(unsigned long long now, unsigned long long before)
{
	return (now >= before ? now - before : 0);
}

/* Percentages of the ticks between two readings of one CPU. */
static void
sysview_cpu(struct cpu_pct *out, const struct sample_cpu *c,
    const struct sample_cpu *p)
{
	double	u, n, s, io, irq, sirq, st, id, total;

	u = sysview_delta(c->user, p->user);
	n = sysview_delta(c->nice, p->nice);
	s = sysview_delta(c->system, p->system);
	io = sysview_delta(c->iowait, p->iowait);
	irq = sysview_delta(c->irq, p->irq);
	sirq = sysview_delta(c->softirq, p->softirq);
	st = sysview_delta(c->steal, p->steal);
	id = sysview_delta(c->idle, p->idle);
	total = u + n + s + io + irq + sirq + st + id;
	memset(out, 0, sizeof *out);
	if (total <= 0) {
		out->idle = 100;
		return;
	}
	out->user = u * 100 / total;
	out->nice = n * 100 / total;
	out->system = s * 100 / total;
	out->iowait = io * 100 / total;
	out->irq = irq * 100 / total;
	out->softirq = sirq * 100 / total;
	out->steal = st * 100 / total;
	out->idle = id * 100 / total;
	/* iowait is idle time, as in htop's and top's busy figure. */
	out->busy = 100 - out->idle - out->iowait;
	if (out->busy < 0)
		out->busy = 0;
}

static double
sysview_rate(unsigned long long now, unsigned long long before,
    double interval)
{
	if (interval <= 0)
		return (0);
	return (sysview_delta(now, before) / interval);
}

void
model_update_sys(struct model *m, const struct sample_sys *s)
{
	struct sysinfo_view	*v = &m->sys;
	const struct sample_sys	*p = &m->prev_sys;
	double			 interval;
	float			 f;
	int			 i;

	sample_sys_copy(&v->cur, s);
	if (v->ncpu != s->ncpu) {
		v->ncpu = s->ncpu;
		v->cpus = xreallocarray(v->cpus, v->ncpu ? v->ncpu : 1,
		    sizeof *v->cpus);
	}
	v->mem_used = s->mem_total > s->mem_available ?
	    s->mem_total - s->mem_available : 0;
	v->swap_used = s->swap_total > s->swap_free ?
	    s->swap_total - s->swap_free : 0;

	if (!m->have_sys) {
		/* Since boot: the best first figure there is. */
		struct sample_cpu zero = { 0 };

		sysview_cpu(&v->total, &s->total, &zero);
		for (i = 0; i < v->ncpu; i++)
			sysview_cpu(&v->cpus[i], &s->cpus[i], &zero);
		v->disk_read_rate = v->disk_write_rate = 0;
		v->net_rx_rate = v->net_tx_rate = 0;
	} else {
		interval = s->time - p->time;
		sysview_cpu(&v->total, &s->total, &p->total);
		for (i = 0; i < v->ncpu; i++) {
			if (i < p->ncpu)
				sysview_cpu(&v->cpus[i], &s->cpus[i],
				    &p->cpus[i]);
			else
				memset(&v->cpus[i], 0, sizeof v->cpus[i]);
		}
		v->disk_read_rate = sysview_rate(s->disk_read, p->disk_read,
		    interval);
		v->disk_write_rate = sysview_rate(s->disk_write, p->disk_write,
		    interval);
		v->net_rx_rate = sysview_rate(s->net_rx, p->net_rx, interval);
		v->net_tx_rate = sysview_rate(s->net_tx, p->net_tx, interval);
	}
	sample_sys_copy(&m->prev_sys, s);
	m->have_sys = 1;

	f = v->total.busy;
	ring_push(&v->h_cpu, &f);
	f = s->mem_total > 0 ? v->mem_used * 100.0 / s->mem_total : 0;
	ring_push(&v->h_mem, &f);
	f = v->disk_read_rate + v->disk_write_rate;
	ring_push(&v->h_disk, &f);
	f = v->net_rx_rate + v->net_tx_rate;
	ring_push(&v->h_net, &f);
}
