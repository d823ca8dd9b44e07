/* Process groups for vigil serve: members and counters that survive exits. */

/*
 * As process-exporter does, a group's counters (CPU seconds, bytes read
 * and written, page faults) are the sum over every process that was ever
 * in it: the live ones' totals plus what the ones that exited had
 * reached. A process belongs to the first group whose matcher it passes
 * (the order of the vigilrc lines), and stays there for its life, so a
 * renamed process does not move its history from one group to another.
 *
 * With serve-group-by, a process no line names goes to the group of its
 * systemd unit (or its cgroup v2 path), read from /proc/PID/cgroup once,
 * when the process is first seen. Those groups are made as processes
 * arrive and last as long as vigil serve does (their counters must not
 * go back), at most serve-max-groups of them; the processes of units
 * beyond that count in one group, "other", so the labels stay bounded.
 */

#include "vigil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "file.h"
#include "options.h"
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
	size_t			  n;		/* groups named by a line */
	int			  by;		/* SERVE_BY_ */
	size_t			  max;		/* groups made by unit/cgroup */
	char			(*names)[SERVE_GROUP_NAME];	/* every group */
	size_t			  ngroups;
	ssize_t			  other;	/* beyond max; -1: none yet */
	int			 *per_pid;	/* of the named groups */
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
	g->names = xcalloc(n + 1, sizeof *g->names);
	g->per_pid = xcalloc(n + 1, sizeof *g->per_pid);
	g->other = -1;
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
	g->n = g->ngroups = n;
	for (i = 0; i < n; i++)
		snprintf(g->names[i], sizeof g->names[i], "%s",
		    alarm_rule_name(g->rules[i]));
	return (g);
}

/*
 * Per-PID series for the members of these named groups (serve-per-pid);
 * -1 with err set for a name no group line has.
 */
int
serve_groups_per_pid(struct serve_groups *g, char **names, size_t n,
    char *err, size_t errlen)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < g->n; j++) {
			if (strcmp(g->names[j], names[i]) == 0)
				break;
		}
		if (j == g->n) {
			snprintf(err, errlen,
			    _("serve-per-pid: no group line names '%s'"),
			    names[i]);
			return (-1);
		}
		g->per_pid[j] = 1;
	}
	return (0);
}

/* Groups for what no line names: by unit or cgroup, at most max of them. */
void
serve_groups_by(struct serve_groups *g, int by, size_t max)
{
	g->by = by;
	g->max = max;
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
	free(g->names);
	free(g->per_pid);
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

/*
 * The path of the hierarchy whose line starts with tag ("0::") or has it
 * past the number (":name=systemd:"), into out; -1: no such line.
 */
static int
groups_cgroup_line(const char *text, const char *tag, char *out,
    size_t len)
{
	const char	*line, *at;
	size_t		 n;

	for (line = text; *line != '\0'; line += n + (line[n] == '\n')) {
		n = strcspn(line, "\n");
		at = tag[0] == ':' ? memmem(line, n, tag, strlen(tag)) : line;
		if (at == NULL || strncmp(at, tag, strlen(tag)) != 0 ||
		    at[strlen(tag)] != '/')
			continue;
		at += strlen(tag);
		snprintf(out, len, "%.*s", (int)(line + n - at), at);
		return (0);
	}
	return (-1);
}

/* The end of a long path says more than its start: its last len - 1. */
static void
groups_tail(char *out, size_t len, const char *path)
{
	size_t	n = strlen(path);

	if (n >= len) {
		path += n - (len - 1);
		n = len - 1;
	}
	memcpy(out, path, n);
	out[n] = '\0';
}

/*
 * The cgroup v2 path of a process ("0::/system.slice/ssh.service"), or
 * with by unit the systemd unit in it: the last component that is a
 * .service or a .scope, else the last .slice, else the path. A process
 * whose file cannot be read (gone, or a v1-only machine) has none: -1.
 */
static int
groups_cgroup(int pid, int by, char *out, size_t len)
{
	char		 path[64], text[4096], cg[4096], *line, *end, *c;
	char		*best;
	const char	*kinds[] = { ".service", ".scope", ".slice" };
	size_t		 k, n;
	ssize_t		 got;

	snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
	if ((got = file_read(path, text, sizeof text)) <= 0)
		return (-1);
	text[got] = '\0';
	/* v2's line; on a v1 machine, systemd's own hierarchy. */
	line = cg;
	if ((groups_cgroup_line(text, "0::", cg, sizeof cg) != 0 ||
	    strcmp(cg, "/") == 0) &&
	    groups_cgroup_line(text, ":name=systemd:", cg, sizeof cg) != 0)
		return (-1);
	if (by == SERVE_BY_CGROUP) {
		groups_tail(out, len, line);
		return (0);
	}
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		best = NULL;
		for (c = line; c != NULL; ) {
			end = strchr(c, '/');
			n = end != NULL ? (size_t)(end - c) : strlen(c);
			if (n > strlen(kinds[k]) && strncmp(c + n -
			    strlen(kinds[k]), kinds[k], strlen(kinds[k])) == 0)
				best = c;
			c = end != NULL ? end + 1 : NULL;
		}
		if (best != NULL) {
			n = strcspn(best, "/");
			snprintf(out, len, "%.*s", (int)n, best);
			return (0);
		}
	}
	/* systemd's name for the root; a v2 path is never empty. */
	groups_tail(out, len, strcmp(line, "/") == 0 ? "-.slice" : line);
	return (0);
}

static size_t
groups_add(struct serve_groups *g, const char *name)
{
	g->names = xreallocarray(g->names, g->ngroups + 1, sizeof *g->names);
	g->gone = xreallocarray(g->gone, g->ngroups + 1, sizeof *g->gone);
	memset(&g->gone[g->ngroups], 0, sizeof *g->gone);
	snprintf(g->names[g->ngroups], sizeof g->names[g->ngroups], "%s",
	    name);
	return (g->ngroups++);
}

/*
 * The group made for this unit or cgroup, or "other" past the count
 * (no unit is so named: they end in .service, .scope or .slice, and
 * cgroup paths start with a slash).
 */
static ssize_t
groups_made(struct serve_groups *g, const char *name)
{
	size_t	i;

	for (i = g->n; i < g->ngroups; i++) {
		if ((ssize_t)i != g->other && strcmp(g->names[i], name) == 0)
			return (i);
	}
	if (g->ngroups - g->n - (g->other != -1) < g->max)
		return (groups_add(g, name));
	if (g->other == -1)
		g->other = groups_add(g, "other");
	return (g->other);
}

/*
 * The group of a process seen before, else of the first matcher it
 * passes, else of its unit or cgroup; -1: none.
 */
static ssize_t
groups_of(struct serve_groups *g, const struct proc *p)
{
	struct groups_member	*old;
	char			 name[SERVE_GROUP_NAME];
	size_t			 i;

	if ((old = groups_find(g, p->pid, p->start)) != NULL)
		return (old->group);
	for (i = 0; i < g->n; i++) {
		if (alarm_rule_match(g->rules[i], p))
			return (i);
	}
	if (g->by == SERVE_BY_NONE ||
	    groups_cgroup(p->pid, g->by, name, sizeof name) != 0)
		return (-1);
	return (groups_made(g, name));
}

/* The process's own series, as many as the cap allows. */
static void
groups_pid(struct serve_snap *s, size_t gi, const struct proc *p,
    const struct groups_member *e, double start, double hz)
{
	struct serve_pid	*sp;

	if (s->npids >= SERVE_MAX_PIDS) {
		s->pids_dropped++;
		return;
	}
	if (s->pids == NULL)
		s->pids = xreallocarray(NULL, SERVE_MAX_PIDS, sizeof *s->pids);
	sp = &s->pids[s->npids++];
	sp->group = gi;
	sp->pid = p->pid;
	sp->start = start;
	sp->user_s = e->utime / hz;
	sp->system_s = e->stime / hz;
	sp->rss = p->rss_kb * 1024.0;
	sp->vsz = p->vsz_kb * 1024.0;
	sp->threads = p->nlwp;
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
	ssize_t			 gi, *gi_of;
	double			 hz = m->hz > 0 ? m->hz : 100, st;
	int			 fds;
	long			 swap;

	now = xreallocarray(NULL, m->nrows + 1, sizeof *now);
	gi_of = xreallocarray(NULL, m->nrows + 1, sizeof *gi_of);
	/* Groups are made here: their count is known after. */
	for (i = 0; i < m->nrows; i++) {
		p = m->rows[i];
		gi_of[i] = p->thread || p->kthread ? -1 : groups_of(g, p);
	}
	s->ngroups = g->ngroups;
	s->groups = xcalloc(g->ngroups + 1, sizeof *s->groups);
	live = xcalloc(g->ngroups + 1, sizeof *live);
	for (i = 0; i < g->ngroups; i++)
		memcpy(s->groups[i].name, g->names[i], sizeof s->groups[i].name);
	for (i = 0; i < m->nrows; i++) {
		p = m->rows[i];
		if ((gi = gi_of[i]) < 0)
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
		/* Kernel threads are in no group: every member has a status. */
		if ((swap = sample_swap_kb(p->pid)) > 0)
			sg->swap += swap * 1024.0;
		sg->threads += p->nlwp;
		/* Read this tick already where a proc.fds rule wanted it. */
		fds = p->nfds >= 0 ? p->nfds : sample_fd_count(p->pid);
		if (fds > 0)
			sg->fds += fds;
		sg->states[groups_state(p->state)]++;
		st = boot_epoch + p->start / hz;
		if ((size_t)gi < g->n && g->per_pid[gi])
			groups_pid(s, gi, p, e, st, hz);
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

	for (i = 0; i < g->ngroups; i++) {
		sg = &s->groups[i];
		sg->user_s = (live[i].utime + g->gone[i].utime) / hz;
		sg->system_s = (live[i].stime + g->gone[i].stime) / hz;
		sg->read_bytes = live[i].rd + g->gone[i].rd;
		sg->write_bytes = live[i].wr + g->gone[i].wr;
		sg->majflt = live[i].majflt + g->gone[i].majflt;
		sg->minflt = live[i].minflt + g->gone[i].minflt;
	}
	free(live);
	free(gi_of);
}
