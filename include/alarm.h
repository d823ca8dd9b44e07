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
 */
#ifndef VIGIL_ALARM_H
#define VIGIL_ALARM_H

#include <stddef.h>

struct model;
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
enum alarm_event_kind { EV_FIRED, EV_RESOLVED };

struct alarm_event {
	enum alarm_event_kind	 kind;
	const struct alarm_rule	*rule;
	int			 pid;		/* 0: a system or log alarm */
	unsigned long long	 start;		/* the process's start time */
	double			 time;		/* model clock, seconds */
	double			 value;		/* the metric when it changed */
	char			 what[128];	/* "java (1234)", "/var/log/x" */
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
	struct alarm_filter	*filters;	/* 'where', all must match */
	size_t			 nfilters;
	enum alarm_severity	 severity;
};

struct alarm_rule	*alarm_parse(const char *, char *, size_t);
void			 alarm_rule_free(struct alarm_rule *);
const char		*alarm_rule_name(const struct alarm_rule *);
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

#endif
