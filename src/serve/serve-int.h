/*
 * vigil serve's inside: the snapshot the sampling thread publishes after
 * each refresh (plain numbers, no pointers into the model), its rendering
 * in the Prometheus text format or OpenMetrics, the process groups, and
 * the Alertmanager client. The snapshot is immutable once published; a
 * scrape holds a reference while it renders, never the sampler's lock.
 */
#ifndef VIGIL_SERVE_INT_H
#define VIGIL_SERVE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct alarm_set;
struct model;

/* process-exporter's states: R, S (and I), D, Z, everything else. */
enum serve_state { SST_RUNNING, SST_SLEEPING, SST_WAITING, SST_ZOMBIE,
	SST_OTHER, SST__COUNT };

#define SERVE_GROUP_NAME	128

struct serve_group {
	char			 name[SERVE_GROUP_NAME];
	unsigned		 nprocs;
	double			 user_s;	/* counters: seconds, since start */
	double			 system_s;
	double			 rss;		/* gauges: bytes */
	double			 vsz;
	double			 swap;
	unsigned long		 threads;
	unsigned long		 fds;
	double			 read_bytes;	/* counters */
	double			 write_bytes;
	double			 majflt;
	double			 minflt;
	double			 oldest;	/* epoch seconds, 0: none */
	unsigned		 states[SST__COUNT];
};

/* One process of a group that serve-per-pid names. */
struct serve_pid {
	size_t			 group;
	int			 pid;
	double			 start;		/* epoch seconds */
	double			 user_s, system_s;
	double			 rss, vsz;	/* bytes */
	unsigned long		 threads;
};
#define SERVE_MAX_PIDS		1000	/* per-PID series per scrape */

/* A vigil run supervisor of this user, by its state file. */
struct serve_service {
	char			 name[64];
	long			 restarts;
	int			 up;		/* the command runs */
};

struct serve_alarm {
	char			 name[64];
	const char		*severity;	/* static */
	unsigned		 firing;	/* pairs of the rule firing */
};

struct serve_snap {
	int			 refs;
	double			 epoch;		/* wall clock of the refresh */
	long			 hz;
	double			 cpu[8];	/* seconds: user nice system
						   idle iowait irq softirq
						   steal */
	int			 ncpu;
	double			 mem_total, mem_free, mem_available,
				 mem_buffers, mem_cached, swap_total,
				 swap_free;	/* bytes */
	double			 load[3];
	double			 boot_epoch;
	int			 has_psi;
	double			 psi_some[3], psi_full[3];	/* cpu mem io, ratio */
	double			 disk_read, disk_write, net_rx, net_tx;
	unsigned		 procs, threads;
	struct serve_group	*groups;
	size_t			 ngroups;
	struct serve_pid	*pids;
	size_t			 npids;
	size_t			 pids_dropped;	/* past SERVE_MAX_PIDS */
	struct serve_alarm	*alarms;
	size_t			 nalarms;
	struct serve_service	*services;
	size_t			 nservices;
	double			 refresh_s;	/* the refresh's own time */
	unsigned long		 refreshes;
};

#define SERVE_OPENMETRICS	0x1

void	serve_metrics(struct buf *, const struct serve_snap *, int,
	    unsigned long);
void	serve_snap_free(struct serve_snap *);

/* Groups: matchers from "group NAME: MATCHER", counters across exits. */
struct serve_groups;
struct serve_groups	*serve_groups_new(char **, size_t, char *, size_t);
void			 serve_groups_free(struct serve_groups *);
void			 serve_groups_by(struct serve_groups *, int, size_t);
int			 serve_groups_per_pid(struct serve_groups *, char **,
			     size_t, char *, size_t);
void			 serve_groups_update(struct serve_groups *,
			     const struct model *, double, struct serve_snap *);

/* Alertmanager: a thread of its own; serve_am_update() never blocks. */
struct serve_am;
struct serve_am	*serve_am_new(const char *, const char *);
void		 serve_am_free(struct serve_am *);
void		 serve_am_update(struct serve_am *, const struct alarm_set *,
		     const struct model *, double);

#endif
