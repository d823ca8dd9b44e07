/* Process groups for vigil serve: members and counters that survive exits. */

/*
 * As process-exporter does, a group's counters (CPU seconds, bytes read
 * and written, page faults) are the sum over every process that was ever
 * in it: the live ones' totals plus what the ones that exited had
 * reached. A process belongs to the first group whose matcher it passes
 * (the order of the vigilrc lines), and stays there for its life, so a
 * renamed process does not move its history from one group to another.
 */

#include "vigil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "model.h"
#include "sample.h"
#include "serve-int.h"
#include "xalloc.h"

struct groups_member {
	int			 pid;
	unsigned long long	 start;
	size_t			 group;
	unsigned long long	 utime, stime;	/* ticks */
	unsigned long long	 rd, wr;
	unsigned long		 majflt, minflt;
};

struct groups_acc {
	double			 utime, stime, rd, wr, majflt, minflt;
};

struct serve_groups {
	struct alarm_rule	**rules;
	size_t			  n;
	struct groups_acc	 *gone;		/* of exited members, per group */
	struct groups_member	 *members;	/* by pid */
	size_t			  nmembers;
};

static int
groups_member_cmp(const void *a, const void *b)
{
	const struct groups_member	*x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid < y->pid ? -1 : 1);
	return (x->start < y->start ? -1 : x->start > y->start);
}

/* NULL with "group 'TEXT': reason" in err: config_load() checked it. */
struct serve_groups *
serve_groups_new(char **text, size_t n, char *err, size_t errlen)
{
	struct serve_groups	*g;
	char			 why[256];
	size_t			 i;

	g = xcalloc(1, sizeof *g);
	g->rules = xcalloc(n + 1, sizeof *g->rules);
	g->gone = xcalloc(n + 1, sizeof *g->gone);
	for (i = 0; i < n; i++) {
		if ((g->rules[i] = alarm_parse_group(text[i], why,
		    sizeof why)) == NULL) {
			snprintf(err, errlen, _("group '%s': %s"), text[i],
			    why);
			g->n = i;
			serve_groups_free(g);
			return (NULL);
		}
	}
	g->n = n;
	return (g);
}

void
serve_groups_free(struct serve_groups *g)
{
	size_t	i;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++)
		alarm_rule_free(g->rules[i]);
	free(g->rules);
	free(g->gone);
	free(g->members);
	free(g);
}

static struct groups_member *
groups_find(struct serve_groups *g, int pid, unsigned long long start)
{
	struct groups_member	key;

	if (g->nmembers == 0)
		return (NULL);
	key.pid = pid;
	key.start = start;
	return (bsearch(&key, g->members, g->nmembers, sizeof key,
	    groups_member_cmp));
}

static enum serve_state
groups_state(char c)
{
	switch (c) {
	case 'R':
		return (SST_RUNNING);
	case 'S':
	case 'I':
		return (SST_SLEEPING);
	case 'D':
		return (SST_WAITING);
	case 'Z':
		return (SST_ZOMBIE);
	default:
		return (SST_OTHER);
	}
}

/* The group of a process seen before, else of the first matcher it passes. */
static ssize_t
groups_of(struct serve_groups *g, const struct proc *p)
{
	struct groups_member	*old;
	size_t			 i;

	if ((old = groups_find(g, p->pid, p->start)) != NULL)
		return (old->group);
	for (i = 0; i < g->n; i++) {
		if (alarm_rule_match(g->rules[i], p))
			return (i);
	}
	return (-1);
}

static void
groups_add_counters(struct groups_acc *a, const struct groups_member *m)
{
	a->utime += m->utime;
	a->stime += m->stime;
	a->rd += m->rd;
	a->wr += m->wr;
	a->majflt += m->majflt;
	a->minflt += m->minflt;
}

/*
 * The groups of this refresh into s (s->groups allocated here): members
 * found, the members that are gone folded into the groups' counters.
 * boot_epoch turns start times into wall-clock seconds.
 */
void
serve_groups_update(struct serve_groups *g, const struct model *m,
    double boot_epoch, struct serve_snap *s)
{
	struct groups_member	*now, *e, *old;
	struct groups_acc	*live;
	struct serve_group	*sg;
	const struct proc	*p;
	size_t			 i, n = 0, j;
	ssize_t			 gi;
	double			 hz = m->hz > 0 ? m->hz : 100, st;
	int			 fds;

	s->ngroups = g->n;
	s->groups = xcalloc(g->n + 1, sizeof *s->groups);
	live = xcalloc(g->n + 1, sizeof *live);
	for (i = 0; i < g->n; i++)
		snprintf(s->groups[i].name, sizeof s->groups[i].name, "%s",
		    alarm_rule_name(g->rules[i]));
	now = xreallocarray(NULL, m->nrows + 1, sizeof *now);
	for (i = 0; i < m->nrows; i++) {
		p = m->rows[i];
		if (p->thread || p->kthread || (gi = groups_of(g, p)) < 0)
			continue;
		e = &now[n++];
		e->pid = p->pid;
		e->start = p->start;
		e->group = gi;
		e->stime = p->stime;
		e->utime = p->ticks >= p->stime ? p->ticks - p->stime : 0;
		/* Counters that could not be read keep their last value. */
		old = groups_find(g, p->pid, p->start);
		e->rd = p->has_io ? p->io_read : old != NULL ? old->rd : 0;
		e->wr = p->has_io ? p->io_write : old != NULL ? old->wr : 0;
		e->majflt = p->majflt;
		e->minflt = p->minflt;
		groups_add_counters(&live[gi], e);

		sg = &s->groups[gi];
		sg->nprocs++;
		sg->rss += p->rss_kb * 1024.0;
		sg->vsz += p->vsz_kb * 1024.0;
		sg->threads += p->nlwp;
		/* Read this tick already where a proc.fds rule wanted it. */
		fds = p->nfds >= 0 ? p->nfds : sample_fd_count(p->pid);
		if (fds > 0)
			sg->fds += fds;
		sg->states[groups_state(p->state)]++;
		st = boot_epoch + p->start / hz;
		if (sg->oldest == 0 || st < sg->oldest)
			sg->oldest = st;
	}
	qsort(now, n, sizeof *now, groups_member_cmp);

	/* Who was there last time and is not now: fold into the group. */
	for (i = 0, j = 0; i < g->nmembers; i++) {
		while (j < n && groups_member_cmp(&now[j], &g->members[i]) < 0)
			j++;
		if (j < n && groups_member_cmp(&now[j], &g->members[i]) == 0)
			continue;
		groups_add_counters(&g->gone[g->members[i].group],
		    &g->members[i]);
	}
	free(g->members);
	g->members = now;
	g->nmembers = n;

	for (i = 0; i < g->n; i++) {
		sg = &s->groups[i];
		sg->user_s = (live[i].utime + g->gone[i].utime) / hz;
		sg->system_s = (live[i].stime + g->gone[i].stime) / hz;
		sg->read_bytes = live[i].rd + g->gone[i].rd;
		sg->write_bytes = live[i].wr + g->gone[i].wr;
		sg->majflt = live[i].majflt + g->gone[i].majflt;
		sg->minflt = live[i].minflt + g->gone[i].minflt;
	}
	free(live);
}
