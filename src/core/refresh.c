/* One refresh: sample, update the model, rebuild the view. */

#include "vigil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "logs.h"
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
	struct alarm_set	*alarms;
	struct logs		*logs;
	uint64_t		 log_seq;	/* lines fed to the alarms */
	char			**warnings;	/* said once, at the start */
	size_t			 nwarnings;
};

static int	refresh_alarms_new(struct refresh *);
static struct alarm_set *refresh_rules(struct refresh *, int);
static int	refresh_log_add(struct refresh *, const char *);
static void	refresh_log_missing(struct refresh *, const struct alarm_rule *);

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
	/* The counters cost a read per process: only when asked for. */
	if (o->io || model_col_io(o->sort))
		flags |= SAMPLE_IO;
	/* Batch output shows SHR for every process; the screen, for its rows. */
	if (o->batch)
		flags |= SAMPLE_STATM;
	r->sampler = sampler_new(flags);
	r->model = model_new(o->history_size, sample_hertz());

	r->vo.sort = o->sort;
	r->vo.descending = o->descending;
	/* Batch --io is the I/O screen: sorted by the I/O rate unless -s. */
	if (o->batch && o->io && !o->sort_given) {
		r->vo.sort = COL_IO;
		r->vo.descending = 1;
	}
	r->vo.tree = o->tree;
	r->vo.show_kthreads = o->kthreads;
	r->vo.show_threads = o->threads;
	r->vo.filter = filter;
	r->vo.uid = o->uid;
	r->vo.pids = o->pids;
	r->vo.npids = o->npids;
	if (refresh_alarms_new(r) != 0) {
		refresh_free(r);
		return (NULL);
	}
	return (r);
}

/*
 * Follow path once, whoever asked for it (--log or a log rule). Returns
 * its source, or -1 without inotify.
 */
static int
refresh_log_add(struct refresh *r, const char *path)
{
	struct logs	*logs = refresh_logs(r);
	int		 id;

	if (logs == NULL)
		return (-1);
	/* Sources are labelled with their path: one source per path. */
	if ((id = logs_find(logs, path)) == -1)
		id = logs_add(logs, path, path);
	return (id);
}

/*
 * A log rule on a file that cannot be read now is kept: the file is
 * watched for, as the log pane does, and may appear (a service not
 * started yet). The user is told once, since a typing mistake in the
 * path would otherwise be an alarm that never fires.
 */
static void
refresh_log_missing(struct refresh *r, const struct alarm_rule *rule)
{
	const char	*path = rule->log_path, *why;
	char		*msg;
	int		 id;

	if ((id = refresh_log_add(r, path)) == -1)
		why = _("cannot watch files (inotify)");
	else if ((why = logs_status(r->logs, id)) == NULL)
		return;
	xasprintf(&msg, _("alarm '%s': %s: %s"), alarm_rule_name(rule), path,
	    why);
	r->warnings = xreallocarray(r->warnings, r->nwarnings + 1,
	    sizeof *r->warnings);
	r->warnings[r->nwarnings++] = msg;
}

/* The i-th thing to tell the user about the start, or NULL. */
const char *
refresh_warning(const struct refresh *r, size_t i)
{
	return (i < r->nwarnings ? r->warnings[i] : NULL);
}

/*
 * The --alarm rules, and the files to follow for them and for --log. A
 * rule that does not parse is an error naming it, as a bad -F is.
 */
/*
 * A set of the options' rules. The first time (first), a bad rule is
 * said and gives NULL, and a log rule's file is looked for; later sets
 * (replay from the live monitor) take the rules that parsed then.
 */
static struct alarm_set *
refresh_rules(struct refresh *r, int first)
{
	const struct options	*o = r->o;
	struct alarm_set	*set = alarm_set_new();
	struct alarm_rule	*rule;
	char			 err[256];
	size_t			 i;

	for (i = 0; i < o->nalarms; i++) {
		if ((rule = alarm_parse(o->alarms[i], err, sizeof err)) ==
		    NULL) {
			if (!first)
				continue;
			fprintf(stderr, _("vigil: --alarm '%s': %s\n"),
			    o->alarms[i], err);
			alarm_set_free(set);
			return (NULL);
		}
		if (first && rule->log_path != NULL)
			refresh_log_missing(r, rule);
		alarm_set_add(set, rule);
	}
	return (set);
}

static int
refresh_alarms_new(struct refresh *r)
{
	const struct options	*o = r->o;
	size_t			 i;

	r->alarms = refresh_rules(r, 1);
	if (r->alarms == NULL)
		return (-1);
	for (i = 0; i < o->nlogs; i++)
		refresh_log_add(r, o->logs[i]);
	return (0);
}

/* Feed the lines that arrived since the last call to the log alarms. */
static void
refresh_log_feed(struct refresh *r)
{
	const struct logline	*l;
	uint64_t		 newest = r->log_seq;
	size_t			 n, i;
	int			 id;

	for (id = 0; r->logs != NULL && id < logs_nids(r->logs); id++) {
		if ((n = logs_count(r->logs, id)) == 0)
			continue;
		/* Newest last: walk back to the first line not fed yet. */
		for (i = n; i > 0; i--) {
			if ((l = logs_line(r->logs, id, i - 1)) == NULL ||
			    l->seq <= r->log_seq)
				break;
		}
		for (; i < n; i++) {
			l = logs_line(r->logs, id, i);
			alarm_log_line(r->alarms, logs_label(r->logs, id),
			    l->text, l->len, sample_now());
			if (l->seq > newest)
				newest = l->seq;
		}
	}
	r->log_seq = newest;
}

/*
 * The log sources, made on first use: batch mode follows files only when
 * asked to; the screen's log pane adds the files of the selected process.
 * NULL if inotify cannot be had.
 */
struct logs *
refresh_logs(struct refresh *r)
{
	if (r->logs == NULL)
		r->logs = logs_new(r->o->log_lines);
	return (r->logs);
}

int
refresh_logs_fd(struct refresh *r)
{
	return (r->logs != NULL ? logs_fd(r->logs) : -1);
}

void
refresh_logs_read(struct refresh *r)
{
	if (r->logs == NULL)
		return;
	logs_process(r->logs);
	refresh_log_feed(r);
}

void
refresh_logs_poll(struct refresh *r)
{
	if (r->logs == NULL)
		return;
	logs_poll(r->logs);
	refresh_log_feed(r);
}

struct alarm_set *
refresh_alarms(struct refresh *r)
{
	return (r->alarms);
}

void
refresh_free(struct refresh *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	alarm_set_free(r->alarms);
	logs_free(r->logs);
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

/* Open-file counts, only for the processes a proc.fds rule selects. */
static void
refresh_fds(struct refresh *r)
{
	struct proc	*p;
	size_t		 i;

	for (i = 0; i < r->model->nrows; i++) {
		p = r->model->rows[i];
		if (alarm_wants_fds(r->alarms, p))
			p->nfds = sample_fd_count(p->pid);
	}
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
	refresh_fds(r);
	alarm_eval(r->alarms, r->model, r->model->now);
	refresh_view(r);
}

/*
 * A frame that was recorded, in place of a tick: the model is fed what the
 * sampler gave then, and the command lines read then, so everything drawn
 * from it (batch output, the screen) is as it was live.
 */
static void
refresh_feed_model(struct refresh *r, const struct sample_sys *sys,
    const struct sample_proc *procs, size_t n, const char **cmdline,
    const char **rawcomm)
{
	struct proc	*p;
	size_t		 i;

	model_update_sys(r->model, sys);
	model_update(r->model, procs, n, sys->time);
	for (i = 0; i < n; i++) {
		if (cmdline[i] == NULL ||
		    (p = model_find(r->model, procs[i].pid)) == NULL ||
		    p->cmdline != NULL)
			continue;
		model_set_cmdline(r->model, procs[i].pid, cmdline[i],
		    rawcomm[i]);
	}
	r->model->npending = 0;
}

/* A recorded frame as history only: no alarm sees it, no view is made. */
void
refresh_feed_history(struct refresh *r, const struct sample_sys *sys,
    const struct sample_proc *procs, size_t n, const char **cmdline,
    const char **rawcomm)
{
	refresh_feed_model(r, sys, procs, n, cmdline, rawcomm);
}

void
refresh_feed(struct refresh *r, const struct sample_sys *sys,
    const struct sample_proc *procs, size_t n, const char **cmdline,
    const char **rawcomm)
{
	refresh_feed_model(r, sys, procs, n, cmdline, rawcomm);
	alarm_eval(r->alarms, r->model, r->model->now);
	refresh_view(r);
}

/*
 * The live model and alarms put aside while the monitor replays the
 * recorded past (a key in the live monitor): the refresh gets an empty
 * model and a set of the same rules, which replay fills from the store;
 * refresh_unstash() gives the live ones back as they were. The view
 * options and the log sources stay the refresh's.
 */
struct refresh_stash {
	struct model		*model;
	struct alarm_set	*alarms;
};

struct refresh_stash *
refresh_stash(struct refresh *r)
{
	struct refresh_stash	*st = xcalloc(1, sizeof *st);

	st->model = r->model;
	st->alarms = r->alarms;
	r->model = model_new(r->o->history_size, sample_hertz());
	r->alarms = refresh_rules(r, 0);
	return (st);
}

void
refresh_unstash(struct refresh *r, struct refresh_stash *st)
{
	model_free(r->model);
	alarm_set_free(r->alarms);
	r->model = st->model;
	r->alarms = st->alarms;
	free(st);
	refresh_view(r);
}

/* A new, empty model (replay jumps in time); the view options stay. */
void
refresh_reset(struct refresh *r)
{
	model_free(r->model);
	r->model = model_new(r->o->history_size, sample_hertz());
	alarm_set_restart(r->alarms);
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

/* The I/O counters are read only while something shows them. */
void
refresh_set_io(struct refresh *r, int on)
{
	int	flags = sampler_flags(r->sampler);

	flags = on ? flags | SAMPLE_IO : flags & ~SAMPLE_IO;
	sampler_set_flags(r->sampler, flags);
}

int
refresh_io(struct refresh *r)
{
	return ((sampler_flags(r->sampler) & SAMPLE_IO) != 0);
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
