/*
 * Alarm rules and their evaluation. A rule is plain data parsed from one
 * line of text ("hot-cpu: proc.cpu > 90% for 10s severity warn"); the
 * grammar is in vigil(1) and at the top of src/alarm/rule.c. Each tick,
 * alarm_eval() checks every rule against the model (and log matches fed
 * with alarm_log_line()); each (rule, process) pair moves ok -> pending ->
 * firing -> resolved, with hysteresis so a value wobbling around its
 * threshold raises one alarm, not a stream. The set owns its rules and
 * states; events since the last alarm_events_clear() are kept for the
 * caller (banner, history file, batch output). struct alarm_rule is
 * visible so the evaluator and the tests can read it; other modules use the
 * accessors.
 *
 * The set also keeps the alarm list: each alarm that fired, while it fires
 * and for a while after it resolved (the ALARM_RECENT newest), with its
 * acknowledgement; and the silences, each on a (rule, process) pair until
 * a time. An acknowledged alarm leaves the banner (alarm_active()); a
 * silenced pair leaves the banner and the row marks
 * (alarm_proc_severity()) until the silence expires. Times are on the
 * caller's clock (vigil uses CLOCK_BOOTTIME seconds); nothing here reads a
 * clock, so tests run on synthetic time. The history file (history.c)
 * turns events into JSON lines.
 */
#ifndef VIGIL_ALARM_H
#define VIGIL_ALARM_H

#include <stddef.h>

struct model;
struct proc;
struct rx;
struct alarm_set;

enum alarm_severity { SEV_INFO, SEV_WARN, SEV_CRIT };
enum alarm_metric {
	AM_PROC_CPU, AM_PROC_RSS, AM_PROC_RSS_GROWTH, AM_PROC_THREADS,
	AM_PROC_FDS, AM_PROC_STATE, AM_PROC_MISSING, AM_SYS_CPU, AM_SYS_MEM,
	AM_SYS_SWAP, AM_SYS_LOAD1, AM_SYS_PSI_CPU, AM_SYS_PSI_MEM,
	AM_SYS_PSI_IO, AM_LOG
};
enum alarm_op { AO_GT, AO_GE, AO_LT, AO_LE };
enum alarm_field { AF_COMM, AF_CMDLINE, AF_USER };
enum alarm_state { AL_OK, AL_PENDING, AL_FIRING, AL_RESOLVED };
enum alarm_event_kind { EV_FIRED, EV_RESOLVED, EV_ACKED, EV_SILENCED };

#define ALARM_RECENT	50	/* resolved alarms kept for the list */

struct alarm_event {
	enum alarm_event_kind	 kind;
	unsigned long		 id;		/* the alarm, as alarm_list() */
	const struct alarm_rule	*rule;
	int			 pid;		/* 0: a system or log alarm */
	unsigned long long	 start;		/* the process's start time */
	double			 time;		/* model clock, seconds */
	double			 value;		/* the metric when it changed */
	char			 what[128];	/* "java (1234)", "/var/log/x" */
	double			 until;		/* silenced: until this time */
};

/*
 * An alarm as a recording keeps it (vigil record, replay): one firing at a
 * frame, or an event between two frames. Rules are named, not held, since
 * the replaying side may have other rules or none.
 */
struct alarm_note {
	enum alarm_event_kind	 kind;		/* events: fired or resolved */
	const char		*rule;
	enum alarm_severity	 severity;
	int			 pid;		/* 0: a system or log alarm */
	unsigned long long	 start;
	double			 time;		/* firing: since; event: when */
	double			 value;
	const char		*what;
};

/* A parsed rule: plain data, read by src/alarm/ (and its unit tests). */
struct alarm_filter {
	enum alarm_field	 field;
	struct rx		*rx;
};

struct alarm_rule {
	char			*name;
	enum alarm_metric	 metric;
	enum alarm_op		 op;
	double			 value;		/* %, bytes, bytes/s, count */
	int			 per_cpu;	/* sys.load1: value x CPUs */
	double			 rate_unit;	/* rss_growth: 1, 60 or 3600 s */
	char			 states[16];	/* proc.state letters */
	struct rx		*log_rx;
	char			*log_path;
	double			 dur;		/* 'for', seconds */
	double			 quiet;		/* log: resolve after, or 0 */
	struct alarm_filter	*filters;	/* 'where', all must match */
	size_t			 nfilters;
	enum alarm_severity	 severity;
};

struct alarm_rule	*alarm_parse(const char *, char *, size_t);
struct alarm_rule	*alarm_parse_group(const char *, char *, size_t);
int			 alarm_rule_match(const struct alarm_rule *,
			     const struct proc *);
void			 alarm_rule_free(struct alarm_rule *);
const char		*alarm_rule_name(const struct alarm_rule *);
const char		*alarm_metric_name(enum alarm_metric);
enum alarm_severity	 alarm_rule_severity(const struct alarm_rule *);

struct alarm_set	*alarm_set_new(void);
void			 alarm_set_free(struct alarm_set *);
void			 alarm_set_add(struct alarm_set *, struct alarm_rule *);
void			 alarm_eval(struct alarm_set *, const struct model *,
			     double);
void			 alarm_log_line(struct alarm_set *, const char *,
			     const char *, size_t, double);
size_t			 alarm_firing(const struct alarm_set *);

struct alarm_active {
	const struct alarm_rule	*rule;
	int			 pid;
	unsigned long long	 start;
	double			 since;
	double			 value;
	const char		*what;
};
size_t			 alarm_active(const struct alarm_set *,
			     struct alarm_active *, size_t);
int			 alarm_proc_severity(const struct alarm_set *, int,
			     unsigned long long);
const struct alarm_event *alarm_events(const struct alarm_set *, size_t *);
void			 alarm_events_clear(struct alarm_set *);
const char		*alarm_event_name(enum alarm_event_kind);
const char		*alarm_severity_name(enum alarm_severity);

/* The alarm list: firing first, then resolved, newest first in each. */
struct alarm_item {
	unsigned long		 id;
	const struct alarm_rule	*rule;
	int			 pid;		/* 0: a system or log alarm */
	unsigned long long	 start;
	double			 since;		/* began to hold */
	double			 resolved;	/* when, or -1 while firing */
	double			 value;		/* latest */
	int			 acked;
	double			 silenced;	/* silenced until, or 0 */
	const char		*what;
};
size_t			 alarm_list(const struct alarm_set *,
			     struct alarm_item *, size_t);
int			 alarm_ack(struct alarm_set *, unsigned long, double);
int			 alarm_silence(struct alarm_set *, unsigned long,
			     double, double);
int			 alarm_silenced(const struct alarm_set *,
			     const struct alarm_rule *, int,
			     unsigned long long);

/*
 * Replay: the set shows the recorded alarms in place of its own rules'
 * (alarm_eval() no longer evaluates): the firing ones of a frame and the
 * events since the frame before, at model time now.
 */
void			 alarm_set_restart(struct alarm_set *);
void			 alarm_set_replay(struct alarm_set *,
			     const struct alarm_note *, size_t,
			     const struct alarm_note *, size_t, double);

/* proc.fds: whether any rule needs the fd count of this process. */
int			 alarm_wants_fds(const struct alarm_set *,
			     const struct proc *);

/* The history file: one JSON line per event (history.c). */
struct buf;
struct alarm_history;
void			 alarm_history_line(struct buf *,
			     const struct alarm_event *, double, double);
struct alarm_history	*alarm_history_new(const char *);
void			 alarm_history_free(struct alarm_history *);
int			 alarm_history_write(struct alarm_history *,
			     const struct alarm_event *, size_t, double,
			     char *, size_t);

#endif
