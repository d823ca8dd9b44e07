/* Alarm evaluation: one state machine per (rule, process) pair. */

/*
 * proc.* rules keep one state per (rule, PID, start time) among the
 * processes that pass the rule's 'where' filters (threads are skipped: the
 * rules are about processes), so a reused PID is a new pair. sys.*, log
 * and proc.missing rules keep one state per rule. Only pairs that are not
 * ok are stored.
 *
 *	ok	 -> pending	the condition holds (its time is kept)
 *	pending	 -> firing	it has held for the rule's 'for' (EV_FIRED;
 *				with no 'for', in the same tick)
 *	pending	 -> ok		it stopped holding before that
 *	firing	 -> resolved	it has been clear for ALARM_HOLD seconds, or
 *				'for', or two ticks, whichever is longest
 *				(EV_RESOLVED); then back to ok
 *
 * "Clear" for a numeric threshold means beyond a band of ALARM_BAND (5%) of
 * the threshold on the other side: "proc.cpu > 90%" clears at 85.5% or
 * less, "sys.mem < 10%" at 10.5% or more. A value wobbling around the
 * threshold, or dipping below the band for less than the hold time, gives
 * one EV_FIRED and no storm. A process that exits (or whose PID now belongs
 * to another start time) while firing resolves at once.
 *
 * proc.missing holds while no process passes the filters, from the first
 * tick on: a service that is already down when vigil starts is reported.
 *
 * proc.rss_growth is the least-squares slope of the process's RSS history
 * (one sample per tick, h_rss) over the rate's unit (1 s, 1 min or 1 h)
 * taken as evenly spaced by the last tick interval, at least 3 samples and
 * at most what the ring holds; with fewer than 3 samples it does not hold.
 * The 'for' duration then asks the slope to stay above the threshold.
 *
 * proc.state holds while the state is one of the rule's letters. proc.fds
 * compares the count of open files, which the caller reads only for the
 * processes alarm_wants_fds() names (struct proc's nfds; -1 when it could
 * not be read, and then the rule does not hold). sys.psi.* rules do
 * nothing on kernels without PSI.
 *
 * Log rules fire on the first matching line (alarm_log_line()), count
 * further matches while firing (the event's value), and resolve once no
 * line has matched for the rule's 'quiet' time (ALARM_LOG_QUIET seconds
 * unless given).
 *
 * Each alarm that fires gets an entry in the alarm list, with an id; it
 * stays while the alarm fires and, once resolved, among the ALARM_RECENT
 * newest resolved ones. Acknowledging marks the entry; silencing adds a
 * silence on its (rule, PID, start) until a time, which outlives the entry:
 * the same pair firing again within it stays hidden. Expired silences are
 * dropped at the next alarm_eval().
 *
 * An event's 'what' is "comm (PID)" for a process, the path for a log
 * rule, the metric ("sys.load1") for a system rule and "no matching
 * process" for proc.missing, raw: the screen sanitises it.
 *
 * Event values are in the metric's base unit: % for percentages, bytes for
 * proc.rss, bytes per second for proc.rss_growth, a count for threads,
 * processes (proc.missing) and log matches, the load for sys.load1.
 */

#include "vigil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "model.h"
#include "rx.h"
#include "xalloc.h"

#define ALARM_BAND	0.05	/* of the threshold, to clear */
#define ALARM_HOLD	5.0	/* seconds clear before resolving, at least */
#define ALARM_LOG_QUIET	60.0	/* seconds without a match to resolve */
#define ALARM_EPS	1e-9

struct alarm_pair {
	int			 pid;
	unsigned long long	 start;
	enum alarm_state	 state;
	double			 since;		/* the condition began to hold */
	double			 clear_since;	/* firing: began to clear, or -1 */
	double			 last;		/* log: last match */
	double			 value;
	unsigned long		 count;		/* log: matches */
	unsigned		 gen;
	unsigned long		 entry;		/* firing: its list entry */
	char			 what[128];
};

/* An alarm in the list. */
struct alarm_entry {
	unsigned long		 id;
	const struct alarm_rule	*rule;
	int			 pid;
	unsigned long long	 start;
	double			 since;
	double			 resolved;	/* -1 while firing */
	double			 value;
	int			 acked;
	char			 what[128];
};

struct alarm_silence {
	const struct alarm_rule	*rule;
	int			 pid;
	unsigned long long	 start;
	double			 until;
};

struct alarm_slot {
	struct alarm_rule	*rule;
	struct alarm_pair	*pairs;		/* sorted by (pid, start) */
	size_t			 npairs;
	size_t			 nalloc;
};

struct alarm_set {
	struct alarm_slot	*slots;
	size_t			 nslots;
	struct alarm_event	*events;
	size_t			 nevents;
	size_t			 nevalloc;
	unsigned		 gen;
	double			 tick;		/* last tick interval */
	double			 now;		/* last alarm_eval() */

	struct alarm_entry	*entries;	/* oldest first */
	size_t			 nentries;
	unsigned long		 next_id;
	struct alarm_silence	*silences;
	size_t			 nsilences;
	size_t			 nfds_rules;	/* proc.fds rules */
	int			 replay;	/* alarm_set_replay() decides */
};

static struct alarm_pair *eval_pair(struct alarm_slot *, int,
			     unsigned long long, int);
static void		 eval_drop(struct alarm_slot *, struct alarm_pair *);
static struct alarm_entry *eval_entry(const struct alarm_set *,
			     unsigned long);
static int		 eval_hidden(const struct alarm_set *,
			     const struct alarm_rule *,
			     const struct alarm_pair *, int);
static void		 eval_entry_fired(struct alarm_set *,
			     const struct alarm_rule *, struct alarm_pair *,
			     double);
static void		 eval_entry_resolved(struct alarm_set *,
			     struct alarm_pair *, double);
static void		 eval_event(struct alarm_set *, enum alarm_event_kind,
			     const struct alarm_rule *, struct alarm_pair *,
			     double);
static void		 eval_step(struct alarm_set *, struct alarm_slot *,
			     struct alarm_pair *, int, int, double, double);
static int		 eval_holds(enum alarm_op, double, double);
static int		 eval_clear(enum alarm_op, double, double);
static int		 eval_filters(const struct alarm_rule *,
			     const struct proc *);
static int		 eval_growth(const struct alarm_set *,
			     const struct alarm_rule *, const struct proc *,
			     double *);
static int		 eval_proc_value(const struct alarm_set *,
			     const struct alarm_rule *, const struct proc *,
			     double *);
static void		 eval_procs(struct alarm_set *, struct alarm_slot *,
			     const struct model *, double);
static void		 eval_missing(struct alarm_set *, struct alarm_slot *,
			     const struct model *, double);
static int		 eval_sys_value(const struct alarm_rule *,
			     const struct model *, double *, double *);
static void		 eval_sys(struct alarm_set *, struct alarm_slot *,
			     const struct model *, double);
static void		 eval_log(struct alarm_set *, struct alarm_slot *,
			     double);

struct alarm_set *
alarm_set_new(void)
{
	return (xcalloc(1, sizeof (struct alarm_set)));
}

void
alarm_set_free(struct alarm_set *set)
{
	size_t	i;

	if (set == NULL)
		return;
	for (i = 0; i < set->nslots; i++) {
		alarm_rule_free(set->slots[i].rule);
		free(set->slots[i].pairs);
	}
	free(set->slots);
	free(set->events);
	free(set->entries);
	free(set->silences);
	free(set);
}

void
alarm_set_add(struct alarm_set *set, struct alarm_rule *r)
{
	struct alarm_slot	*s;

	set->slots = xreallocarray(set->slots, set->nslots + 1,
	    sizeof *set->slots);
	s = &set->slots[set->nslots++];
	memset(s, 0, sizeof *s);
	s->rule = r;
	if (r->metric == AM_PROC_FDS)
		set->nfds_rules++;
}

size_t
alarm_firing(const struct alarm_set *set)
{
	size_t	i, j, n = 0;

	for (i = 0; i < set->nslots; i++) {
		for (j = 0; j < set->slots[i].npairs; j++) {
			if (set->slots[i].pairs[j].state == AL_FIRING)
				n++;
		}
	}
	return (n);
}

static int
eval_active_cmp(const void *va, const void *vb)
{
	const struct alarm_active	*a = va, *b = vb;

	if (a->rule->severity != b->rule->severity)
		return (a->rule->severity > b->rule->severity ? -1 : 1);
	if (a->since != b->since)
		return (a->since > b->since ? -1 : 1);
	return (0);
}

/*
 * The firing alarms, worst severity first and newest first within one, at
 * most max of them (out may be NULL when max is 0); returns how many there
 * are in all. Acknowledged and silenced alarms are left out. The pointers
 * stay valid until the next alarm_eval().
 */
size_t
alarm_active(const struct alarm_set *set, struct alarm_active *out,
    size_t max)
{
	const struct alarm_pair	*pr;
	struct alarm_active	*all = NULL;
	size_t			 i, j, n = 0;

	for (i = 0; i < set->nslots; i++) {
		for (j = 0; j < set->slots[i].npairs; j++) {
			pr = &set->slots[i].pairs[j];
			if (pr->state != AL_FIRING || eval_hidden(set,
			    set->slots[i].rule, pr, 1))
				continue;
			all = xreallocarray(all, n + 1, sizeof *all);
			all[n].rule = set->slots[i].rule;
			all[n].pid = pr->pid;
			all[n].start = pr->start;
			all[n].since = pr->since;
			all[n].value = pr->value;
			all[n].what = pr->what;
			n++;
		}
	}
	if (n == 0)
		return (0);
	qsort(all, n, sizeof *all, eval_active_cmp);
	if (max > 0)
		memcpy(out, all, (n < max ? n : max) * sizeof *out);
	free(all);
	return (n);
}

/* The worst severity firing for a process, or -1 when none fires. Silenced
 * alarms do not count; acknowledged ones still do. */
int
alarm_proc_severity(const struct alarm_set *set, int pid,
    unsigned long long start)
{
	const struct alarm_pair	*pr;
	size_t			 i, j;
	int			 worst = -1;

	for (i = 0; i < set->nslots; i++) {
		for (j = 0; j < set->slots[i].npairs; j++) {
			pr = &set->slots[i].pairs[j];
			if (pr->state == AL_FIRING && pr->pid == pid &&
			    pr->start == start &&
			    (int)set->slots[i].rule->severity > worst &&
			    !eval_hidden(set, set->slots[i].rule, pr, 0))
				worst = set->slots[i].rule->severity;
		}
	}
	return (worst);
}

const struct alarm_event *
alarm_events(const struct alarm_set *set, size_t *n)
{
	*n = set->nevents;
	return (set->events);
}

void
alarm_events_clear(struct alarm_set *set)
{
	set->nevents = 0;
}

/* Find the pair by binary search; make it (state ok) if asked. */
static struct alarm_pair *
eval_pair(struct alarm_slot *s, int pid, unsigned long long start, int make)
{
	struct alarm_pair	*pr;
	size_t			 lo = 0, hi = s->npairs, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		pr = &s->pairs[mid];
		if (pr->pid == pid && pr->start == start)
			return (pr);
		if (pr->pid < pid || (pr->pid == pid && pr->start < start))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!make)
		return (NULL);
	if (s->npairs == s->nalloc) {
		s->nalloc = s->nalloc != 0 ? s->nalloc * 2 : 8;
		s->pairs = xreallocarray(s->pairs, s->nalloc,
		    sizeof *s->pairs);
	}
	memmove(&s->pairs[lo + 1], &s->pairs[lo],
	    (s->npairs - lo) * sizeof *s->pairs);
	s->npairs++;
	pr = &s->pairs[lo];
	memset(pr, 0, sizeof *pr);
	pr->pid = pid;
	pr->start = start;
	pr->state = AL_OK;
	pr->clear_since = -1;
	return (pr);
}

static void
eval_drop(struct alarm_slot *s, struct alarm_pair *pr)
{
	size_t	i = pr - s->pairs;

	memmove(pr, pr + 1, (s->npairs - i - 1) * sizeof *s->pairs);
	s->npairs--;
}

static void
eval_event(struct alarm_set *set, enum alarm_event_kind kind,
    const struct alarm_rule *r, struct alarm_pair *pr, double now)
{
	struct alarm_event	*ev;

	if (set->nevents == set->nevalloc) {
		set->nevalloc = set->nevalloc != 0 ? set->nevalloc * 2 : 16;
		set->events = xreallocarray(set->events, set->nevalloc,
		    sizeof *set->events);
	}
	if (kind == EV_FIRED)
		eval_entry_fired(set, r, pr, now);
	else
		eval_entry_resolved(set, pr, now);
	ev = &set->events[set->nevents++];
	memset(ev, 0, sizeof *ev);
	ev->kind = kind;
	ev->id = pr->entry;
	ev->rule = r;
	ev->pid = pr->pid;
	ev->start = pr->start;
	ev->time = now;
	ev->value = pr->value;
	snprintf(ev->what, sizeof ev->what, "%s", pr->what);
}

/* --- The alarm list ------------------------------------------------ */

static struct alarm_entry *
eval_entry(const struct alarm_set *set, unsigned long id)
{
	size_t	i;

	for (i = set->nentries; i > 0; i--) {
		if (set->entries[i - 1].id == id)
			return (&set->entries[i - 1]);
	}
	return (NULL);
}

static void
eval_entry_fired(struct alarm_set *set, const struct alarm_rule *r,
    struct alarm_pair *pr, double now)
{
	struct alarm_entry	*e;

	set->entries = xreallocarray(set->entries, set->nentries + 1,
	    sizeof *set->entries);
	e = &set->entries[set->nentries++];
	memset(e, 0, sizeof *e);
	e->id = ++set->next_id;
	e->rule = r;
	e->pid = pr->pid;
	e->start = pr->start;
	e->since = r->metric == AM_LOG ? now : pr->since;
	e->resolved = -1;
	e->value = pr->value;
	snprintf(e->what, sizeof e->what, "%s", pr->what);
	pr->entry = e->id;
}

/* Resolved; then only the ALARM_RECENT newest resolved entries stay. */
static void
eval_entry_resolved(struct alarm_set *set, struct alarm_pair *pr, double now)
{
	struct alarm_entry	*e;
	size_t			 i, nresolved = 0;

	if ((e = eval_entry(set, pr->entry)) != NULL) {
		e->resolved = now;
		e->value = pr->value;
	}
	pr->entry = 0;
	for (i = 0; i < set->nentries; i++)
		nresolved += set->entries[i].resolved >= 0;
	for (i = 0; i < set->nentries && nresolved > ALARM_RECENT; ) {
		if (set->entries[i].resolved < 0) {
			i++;
			continue;
		}
		memmove(&set->entries[i], &set->entries[i + 1],
		    (set->nentries - i - 1) * sizeof *set->entries);
		set->nentries--;
		nresolved--;
	}
}

static struct alarm_silence *
eval_silence(const struct alarm_set *set, const struct alarm_rule *r,
    int pid, unsigned long long start)
{
	size_t	i;

	for (i = 0; i < set->nsilences; i++) {
		if (set->silences[i].rule == r && set->silences[i].pid == pid &&
		    set->silences[i].start == start)
			return (&set->silences[i]);
	}
	return (NULL);
}

/* Silenced (and, for the banner, acknowledged) pairs are not shown. */
static int
eval_hidden(const struct alarm_set *set, const struct alarm_rule *r,
    const struct alarm_pair *pr, int acked_too)
{
	const struct alarm_entry	*e;

	if (alarm_silenced(set, r, pr->pid, pr->start))
		return (1);
	return (acked_too && (e = eval_entry(set, pr->entry)) != NULL &&
	    e->acked);
}

int
alarm_silenced(const struct alarm_set *set, const struct alarm_rule *r,
    int pid, unsigned long long start)
{
	const struct alarm_silence	*si;

	si = eval_silence(set, r, pid, start);
	return (si != NULL && si->until > set->now);
}

/* An event that the list's user made: acknowledged or silenced. */
static void
eval_user_event(struct alarm_set *set, enum alarm_event_kind kind,
    const struct alarm_entry *e, double now, double until)
{
	struct alarm_event	*ev;

	if (set->nevents == set->nevalloc) {
		set->nevalloc = set->nevalloc != 0 ? set->nevalloc * 2 : 16;
		set->events = xreallocarray(set->events, set->nevalloc,
		    sizeof *set->events);
	}
	ev = &set->events[set->nevents++];
	memset(ev, 0, sizeof *ev);
	ev->kind = kind;
	ev->id = e->id;
	ev->rule = e->rule;
	ev->pid = e->pid;
	ev->start = e->start;
	ev->time = now;
	ev->value = e->value;
	ev->until = until;
	snprintf(ev->what, sizeof ev->what, "%s", e->what);
}

/* Acknowledge alarm id: it stays listed, and leaves the banner. */
int
alarm_ack(struct alarm_set *set, unsigned long id, double now)
{
	struct alarm_entry	*e;

	if ((e = eval_entry(set, id)) == NULL)
		return (-1);
	if (e->acked)
		return (0);
	e->acked = 1;
	eval_user_event(set, EV_ACKED, e, now, 0);
	return (0);
}

/*
 * Silence alarm id's rule and process for secs from now: neither banner
 * nor row mark until then, even if it resolves and fires again.
 */
int
alarm_silence(struct alarm_set *set, unsigned long id, double secs,
    double now)
{
	struct alarm_entry	*e;
	struct alarm_silence	*si;

	if ((e = eval_entry(set, id)) == NULL || secs <= 0)
		return (-1);
	if ((si = eval_silence(set, e->rule, e->pid, e->start)) == NULL) {
		set->silences = xreallocarray(set->silences,
		    set->nsilences + 1, sizeof *set->silences);
		si = &set->silences[set->nsilences++];
		si->rule = e->rule;
		si->pid = e->pid;
		si->start = e->start;
	}
	si->until = now + secs;
	if (set->now < now)
		set->now = now;
	eval_user_event(set, EV_SILENCED, e, now, si->until);
	return (0);
}

static int
eval_item_cmp(const void *va, const void *vb)
{
	const struct alarm_item	*a = va, *b = vb;
	int			 fa = a->resolved < 0, fb = b->resolved < 0;

	if (fa != fb)
		return (fa ? -1 : 1);
	if (a->since != b->since)
		return (a->since > b->since ? -1 : 1);
	return (a->id > b->id ? -1 : a->id < b->id);
}

/*
 * The list: firing alarms, then resolved ones, newest first in each; at
 * most max of them; returns how many there are. The pointers stay valid
 * until the next alarm_eval(), alarm_ack() or alarm_silence().
 */
size_t
alarm_list(const struct alarm_set *set, struct alarm_item *out, size_t max)
{
	const struct alarm_entry	*e;
	const struct alarm_silence	*si;
	struct alarm_item		*all;
	size_t				 i, n = set->nentries;

	if (n == 0)
		return (0);
	all = xreallocarray(NULL, n, sizeof *all);
	for (i = 0; i < n; i++) {
		e = &set->entries[i];
		all[i].id = e->id;
		all[i].rule = e->rule;
		all[i].pid = e->pid;
		all[i].start = e->start;
		all[i].since = e->since;
		all[i].resolved = e->resolved;
		all[i].value = e->value;
		all[i].acked = e->acked;
		si = eval_silence(set, e->rule, e->pid, e->start);
		all[i].silenced = si != NULL && si->until > set->now ?
		    si->until : 0;
		all[i].what = e->what;
	}
	qsort(all, n, sizeof *all, eval_item_cmp);
	if (max > 0)
		memcpy(out, all, (n < max ? n : max) * sizeof *out);
	free(all);
	return (n);
}

const char *
alarm_event_name(enum alarm_event_kind kind)
{
	switch (kind) {
	case EV_FIRED:
		return ("fired");
	case EV_RESOLVED:
		return ("resolved");
	case EV_ACKED:
		return ("acknowledged");
	case EV_SILENCED:
		return ("silenced");
	}
	return ("?");
}

const char *
alarm_severity_name(enum alarm_severity s)
{
	return (s == SEV_CRIT ? "crit" : s == SEV_WARN ? "warn" : "info");
}

/*
 * One step of the machine. "holds" moves ok and pending on; "clear" (the
 * condition false and, for thresholds, beyond the band) lets firing resolve
 * once it has lasted the hold time.
 */
static void
eval_step(struct alarm_set *set, struct alarm_slot *s, struct alarm_pair *pr,
    int holds, int clear, double value, double now)
{
	const struct alarm_rule	*r = s->rule;
	struct alarm_entry	*e;
	double			 hold;

	pr->value = value;
	switch (pr->state) {
	case AL_OK:
	case AL_RESOLVED:
		if (!holds) {
			pr->state = AL_OK;
			break;
		}
		pr->state = AL_PENDING;
		pr->since = now;
		/* FALLTHROUGH */
	case AL_PENDING:
		if (!holds) {
			pr->state = AL_OK;
			break;
		}
		if (now - pr->since + ALARM_EPS >= r->dur) {
			pr->state = AL_FIRING;
			pr->clear_since = -1;
			eval_event(set, EV_FIRED, r, pr, now);
		}
		break;
	case AL_FIRING:
		if ((e = eval_entry(set, pr->entry)) != NULL)
			e->value = value;
		if (!clear) {
			pr->clear_since = -1;
			break;
		}
		if (pr->clear_since < 0)
			pr->clear_since = now;
		hold = ALARM_HOLD;
		if (r->dur > hold)
			hold = r->dur;
		if (2 * set->tick > hold)
			hold = 2 * set->tick;
		if (now - pr->clear_since + ALARM_EPS >= hold) {
			eval_event(set, EV_RESOLVED, r, pr, now);
			pr->state = AL_RESOLVED;
		}
		break;
	}
	if (pr->state == AL_OK || pr->state == AL_RESOLVED)
		eval_drop(s, pr);
}

static int
eval_holds(enum alarm_op op, double v, double thr)
{
	switch (op) {
	case AO_GT:
		return (v > thr);
	case AO_GE:
		return (v >= thr);
	case AO_LT:
		return (v < thr);
	case AO_LE:
		return (v <= thr);
	}
	return (0);
}

static int
eval_clear(enum alarm_op op, double v, double thr)
{
	double	band = (thr < 0 ? -thr : thr) * ALARM_BAND;

	if (eval_holds(op, v, thr))
		return (0);
	if (op == AO_GT || op == AO_GE)
		return (v <= thr - band);
	return (v >= thr + band);
}

/* Whether p passes r's filters: a group's members (vigil serve). */
int
alarm_rule_match(const struct alarm_rule *r, const struct proc *p)
{
	return (eval_filters(r, p));
}

static int
eval_filters(const struct alarm_rule *r, const struct proc *p)
{
	const struct alarm_filter	*f;
	const char			*s;
	size_t				 i;

	for (i = 0; i < r->nfilters; i++) {
		f = &r->filters[i];
		switch (f->field) {
		case AF_COMM:
			s = p->comm;
			break;
		case AF_CMDLINE:
			/* A name of its own counts as part of it. */
			if (!model_proc_match(p, f->rx))
				return (0);
			continue;
		case AF_USER:
			s = p->user != NULL ? p->user : "";
			break;
		default:
			return (0);
		}
		if (!rx_match(f->rx, s, strlen(s)))
			return (0);
	}
	return (1);
}

/* Least-squares slope of the RSS history, in bytes per second. */
static int
eval_growth(const struct alarm_set *set, const struct alarm_rule *r,
    const struct proc *p, double *out)
{
	size_t		 n = ring_len(&p->h_rss), k, i;
	double		 x, y, mx = 0, my = 0, sxy = 0, sxx = 0;
	uint32_t	 kib;

	if (set->tick <= 0 || n < 3)
		return (-1);
	k = (size_t)(r->rate_unit / set->tick + 0.5) + 1;
	if (k < 3)
		k = 3;
	if (k > n)
		k = n;
	for (i = 0; i < k; i++) {
		memcpy(&kib, ring_get(&p->h_rss, n - k + i), sizeof kib);
		mx += i * set->tick;
		my += kib * 1024.0;
	}
	mx /= k;
	my /= k;
	for (i = 0; i < k; i++) {
		memcpy(&kib, ring_get(&p->h_rss, n - k + i), sizeof kib);
		x = i * set->tick - mx;
		y = kib * 1024.0 - my;
		sxy += x * y;
		sxx += x * x;
	}
	*out = sxy / sxx;
	return (0);
}

/* The rule's metric for one process; -1 if it cannot be told. */
static int
eval_proc_value(const struct alarm_set *set, const struct alarm_rule *r,
    const struct proc *p, double *v)
{
	switch (r->metric) {
	case AM_PROC_CPU:
		*v = p->cpu_pct;
		return (0);
	case AM_PROC_RSS:
		*v = p->rss_kb * 1024.0;
		return (0);
	case AM_PROC_RSS_GROWTH:
		return (eval_growth(set, r, p, v));
	case AM_PROC_THREADS:
		*v = p->nlwp;
		return (0);
	case AM_PROC_STATE:
		*v = p->state;
		return (0);
	case AM_PROC_FDS:
		if (p->nfds < 0)
			return (-1);
		*v = p->nfds;
		return (0);
	default:
		return (-1);
	}
}

static void
eval_procs(struct alarm_set *set, struct alarm_slot *s,
    const struct model *m, double now)
{
	const struct alarm_rule	*r = s->rule;
	struct alarm_pair	*pr;
	const struct proc	*p;
	size_t			 i;
	double			 v = 0;
	int			 holds, clear;

	for (i = 0; i < m->nrows; i++) {
		p = m->rows[i];
		if (p->thread)
			continue;
		holds = 0;
		clear = 1;
		v = 0;
		if (eval_filters(r, p) && eval_proc_value(set, r, p, &v) == 0) {
			if (r->metric == AM_PROC_STATE) {
				holds = p->state != '\0' &&
				    strchr(r->states, p->state) != NULL;
				clear = !holds;
			} else {
				holds = eval_holds(r->op, v, r->value);
				clear = eval_clear(r->op, v, r->value);
			}
		}
		if ((pr = eval_pair(s, p->pid, p->start, holds)) == NULL)
			continue;
		pr->gen = set->gen;
		snprintf(pr->what, sizeof pr->what, "%s (%d)", p->comm, p->pid);
		eval_step(set, s, pr, holds, clear, v, now);
	}

	/* Gone: exited, or the PID now has another start time. */
	for (i = s->npairs; i > 0; i--) {
		pr = &s->pairs[i - 1];
		if (pr->gen == set->gen)
			continue;
		if (pr->state == AL_FIRING)
			eval_event(set, EV_RESOLVED, r, pr, now);
		eval_drop(s, pr);
	}
}

static void
eval_missing(struct alarm_set *set, struct alarm_slot *s,
    const struct model *m, double now)
{
	const struct alarm_rule	*r = s->rule;
	struct alarm_pair	*pr;
	size_t			 i, n = 0;

	for (i = 0; i < m->nrows; i++) {
		if (!m->rows[i]->thread && eval_filters(r, m->rows[i]))
			n++;
	}
	if ((pr = eval_pair(s, 0, 0, n == 0)) == NULL)
		return;
	if (pr->state == AL_OK)
		snprintf(pr->what, sizeof pr->what, "%s",
		    _("no matching process"));
	eval_step(set, s, pr, n == 0, n != 0, n, now);
}

/* The system metric and the threshold it is compared with. */
static int
eval_sys_value(const struct alarm_rule *r, const struct model *m, double *v,
    double *thr)
{
	const struct sysinfo_view	*sys = &m->sys;
	int				 ncpu;

	*thr = r->value;
	switch (r->metric) {
	case AM_SYS_CPU:
		*v = sys->total.busy;
		return (0);
	case AM_SYS_MEM:
		*v = sys->cur.mem_total > 0 ?
		    sys->mem_used * 100.0 / sys->cur.mem_total : 0;
		return (0);
	case AM_SYS_SWAP:
		*v = sys->cur.swap_total > 0 ?
		    sys->swap_used * 100.0 / sys->cur.swap_total : 0;
		return (0);
	case AM_SYS_LOAD1:
		*v = sys->cur.load[0];
		ncpu = sys->ncpu > 0 ? sys->ncpu : 1;
		if (r->per_cpu)
			*thr = r->value * ncpu;
		return (0);
	case AM_SYS_PSI_CPU:
		*v = sys->cur.psi_cpu.some10;
		return (sys->cur.has_psi ? 0 : -1);
	case AM_SYS_PSI_MEM:
		*v = sys->cur.psi_mem.some10;
		return (sys->cur.has_psi ? 0 : -1);
	case AM_SYS_PSI_IO:
		*v = sys->cur.psi_io.some10;
		return (sys->cur.has_psi ? 0 : -1);
	default:
		return (-1);
	}
}

static void
eval_sys(struct alarm_set *set, struct alarm_slot *s, const struct model *m,
    double now)
{
	const struct alarm_rule	*r = s->rule;
	struct alarm_pair	*pr;
	double			 v, thr;
	int			 holds;

	if (!m->have_sys || eval_sys_value(r, m, &v, &thr) != 0)
		return;
	holds = eval_holds(r->op, v, thr);
	if ((pr = eval_pair(s, 0, 0, holds)) == NULL)
		return;
	if (pr->state == AL_OK)
		snprintf(pr->what, sizeof pr->what, "%s",
		    alarm_metric_name(r->metric));
	eval_step(set, s, pr, holds, eval_clear(r->op, v, thr), v, now);
}

static void
eval_log(struct alarm_set *set, struct alarm_slot *s, double now)
{
	struct alarm_pair	*pr;

	double			 quiet;

	if ((pr = eval_pair(s, 0, 0, 0)) == NULL || pr->state != AL_FIRING)
		return;
	quiet = s->rule->quiet > 0 ? s->rule->quiet : ALARM_LOG_QUIET;
	if (now - pr->last + ALARM_EPS >= quiet) {
		pr->value = pr->count;
		eval_event(set, EV_RESOLVED, s->rule, pr, now);
		eval_drop(s, pr);
	}
}

void
alarm_eval(struct alarm_set *set, const struct model *m, double now)
{
	struct alarm_slot	*s;
	size_t			 i;

	set->gen++;
	set->tick = m->ticks_seen > 1 ? m->now - m->prev : 0;
	set->now = now;
	if (set->replay)
		return;
	for (i = set->nsilences; i > 0; i--) {
		if (set->silences[i - 1].until <= now) {
			memmove(&set->silences[i - 1], &set->silences[i],
			    (set->nsilences - i) * sizeof *set->silences);
			set->nsilences--;
		}
	}
	for (i = 0; i < set->nslots; i++) {
		s = &set->slots[i];
		switch (s->rule->metric) {
		case AM_LOG:
			eval_log(set, s, now);
			break;
		case AM_PROC_MISSING:
			if (m->ticks_seen > 0)
				eval_missing(set, s, m, now);
			break;
		case AM_SYS_CPU:
		case AM_SYS_MEM:
		case AM_SYS_SWAP:
		case AM_SYS_LOAD1:
		case AM_SYS_PSI_CPU:
		case AM_SYS_PSI_MEM:
		case AM_SYS_PSI_IO:
			eval_sys(set, s, m, now);
			break;
		default:
			if (m->ticks_seen > 0)
				eval_procs(set, s, m, now);
			break;
		}
	}
}

void
alarm_log_line(struct alarm_set *set, const char *path, const char *line,
    size_t len, double now)
{
	struct alarm_slot	*s;
	struct alarm_pair	*pr;
	struct alarm_entry	*e;
	size_t			 i;

	if (set->replay)
		return;		/* the recorded alarms are shown */
	for (i = 0; i < set->nslots; i++) {
		s = &set->slots[i];
		if (s->rule->metric != AM_LOG ||
		    strcmp(s->rule->log_path, path) != 0 ||
		    !rx_match(s->rule->log_rx, line, len))
			continue;
		pr = eval_pair(s, 0, 0, 1);
		pr->count++;
		pr->last = now;
		pr->value = pr->count;
		if (pr->state != AL_FIRING) {
			pr->state = AL_FIRING;
			pr->since = now;
			snprintf(pr->what, sizeof pr->what, "%s", path);
			eval_event(set, EV_FIRED, s->rule, pr, now);
		} else if ((e = eval_entry(set, pr->entry)) != NULL)
			e->value = pr->value;
	}
}

/* Whether some proc.fds rule's filters pass this process. */
int
alarm_wants_fds(const struct alarm_set *set, const struct proc *p)
{
	size_t	i;

	if (set->nfds_rules == 0 || p->thread)
		return (0);
	for (i = 0; i < set->nslots; i++) {
		if (set->slots[i].rule->metric == AM_PROC_FDS &&
		    eval_filters(set->slots[i].rule, p))
			return (1);
	}
	return (0);
}

/* --- Replay ---------------------------------------------------------- */

/*
 * Forget every alarm state, event and list entry, keeping the rules: the
 * time shown jumped (replay), and what held before says nothing of then.
 */
void
alarm_set_restart(struct alarm_set *set)
{
	size_t	i;

	for (i = 0; i < set->nslots; i++)
		set->slots[i].npairs = 0;
	set->nentries = 0;
	set->nevents = 0;
	set->nsilences = 0;
}

/* The slot of a recorded rule: the set's own of that name, or a stand-in. */
static struct alarm_slot *
eval_replay_slot(struct alarm_set *set, const struct alarm_note *n)
{
	struct alarm_rule	*r;
	size_t			 i;

	for (i = 0; i < set->nslots; i++) {
		r = set->slots[i].rule;
		if (strcmp(r->name, n->rule) == 0 && r->severity == n->severity)
			return (&set->slots[i]);
	}
	/* Never evaluated: only its name and severity are shown. */
	r = xcalloc(1, sizeof *r);
	r->name = xstrdup(n->rule);
	r->metric = AM_SYS_CPU;
	r->severity = n->severity;
	alarm_set_add(set, r);
	return (&set->slots[set->nslots - 1]);
}

static struct alarm_pair *
eval_replay_fire(struct alarm_set *set, struct alarm_slot *s,
    const struct alarm_note *n, double since, int listed)
{
	struct alarm_pair	*pr = eval_pair(s, n->pid, n->start, 1);

	pr->value = n->value;
	snprintf(pr->what, sizeof pr->what, "%s", n->what);
	if (pr->state != AL_FIRING) {
		pr->state = AL_FIRING;
		pr->since = since;
		eval_entry_fired(set, s->rule, pr, since);
	}
	if (listed)
		pr->gen = set->gen;
	return (pr);
}

void
alarm_set_replay(struct alarm_set *set, const struct alarm_note *firing,
    size_t nfiring, const struct alarm_note *events, size_t nevents,
    double now)
{
	struct alarm_slot	*s;
	struct alarm_pair	*pr;
	struct alarm_event	*ev;
	size_t			 i, j;

	if (!set->replay) {
		/* What the set's rules made of the frames so far goes. */
		alarm_set_restart(set);
		set->replay = 1;
	}
	set->now = now;
	set->gen++;
	set->nevents = 0;
	for (i = 0; i < nevents; i++) {
		s = eval_replay_slot(set, &events[i]);
		if (events[i].kind == EV_FIRED)
			pr = eval_replay_fire(set, s, &events[i],
			    events[i].time, 0);
		else if ((pr = eval_pair(s, events[i].pid, events[i].start,
		    0)) != NULL && pr->state == AL_FIRING) {
			pr->value = events[i].value;
			eval_entry_resolved(set, pr, events[i].time);
			pr->state = AL_OK;
		}
		if (set->nevents == set->nevalloc) {
			set->nevalloc = set->nevalloc != 0 ?
			    set->nevalloc * 2 : 16;
			set->events = xreallocarray(set->events,
			    set->nevalloc, sizeof *set->events);
		}
		ev = &set->events[set->nevents++];
		memset(ev, 0, sizeof *ev);
		ev->kind = events[i].kind;
		ev->id = pr != NULL ? pr->entry : 0;
		ev->rule = s->rule;
		ev->pid = events[i].pid;
		ev->start = events[i].start;
		ev->time = events[i].time;
		ev->value = events[i].value;
		snprintf(ev->what, sizeof ev->what, "%s", events[i].what);
	}
	/* The firing list is the truth: it also holds what fired before. */
	for (i = 0; i < nfiring; i++)
		eval_replay_fire(set, eval_replay_slot(set, &firing[i]),
		    &firing[i], firing[i].time, 1);
	for (i = 0; i < set->nslots; i++) {
		s = &set->slots[i];
		for (j = 0; j < s->npairs; j++) {
			pr = &s->pairs[j];
			if (pr->state == AL_FIRING && pr->gen != set->gen) {
				eval_entry_resolved(set, pr, now);
				pr->state = AL_OK;
			}
		}
	}
}
