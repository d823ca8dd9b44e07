/*
 * The model: the process table keyed by (PID, start time), each row with
 * ring buffers of its recent history, the system totals with their own
 * history, and the view (filtered, then in tree or sorted order) that batch
 * output and the screen draw from.
 *
 * Rows are owned by the model; a row pointer stays valid until the next
 * model_update() that no longer sees the process. The model reads nothing
 * itself: it is fed plain sample records, so tests can feed it by hand.
 */
#ifndef VIGIL_MODEL_H
#define VIGIL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ring.h"
#include "sample.h"

#define MODEL_HISTORY_DEFAULT	300	/* samples per row */
#define MODEL_MINUTES		60	/* 1-minute averages kept */
#define MODEL_CPU_SCALE		10	/* CPU history in tenths of a percent */

enum model_col {
	COL_PID, COL_PPID, COL_USER, COL_PRIO, COL_NICE, COL_VIRT, COL_RES,
	COL_SHR, COL_STATE, COL_CPU, COL_MEM, COL_TIME, COL_THREADS,
	COL_START, COL_COMM, COL_CMDLINE, COL_IO, COL_IO_READ, COL_IO_WRITE,
	COL_IO_RCHAR, COL_IO_WCHAR, COL__COUNT
};

struct proc {
	/* Identity. */
	int			 pid;
	int			 ppid;
	int			 tgid;
	unsigned long long	 start;		/* ticks after boot */
	unsigned		 uid;
	const char		*user;
	char			 comm[32];	/* raw, once read */
	char			 seen_comm[32];	/* libproc2's, to see changes */
	char			*cmdline;	/* NULL until read */
	size_t			 cmdline_len;
	int			 kthread;
	int			 thread;	/* a thread, not its process */

	/* This tick. */
	char			 state;
	int			 prio;
	int			 nice;
	int			 nlwp;
	unsigned long long	 ticks;
	unsigned long long	 stime;		/* of ticks, in the kernel */
	unsigned long		 minflt;
	unsigned long		 majflt;
	unsigned long		 vsz_kb;
	unsigned long		 rss_kb;
	unsigned long		 shr_kb;
	unsigned long long	 io_read;	/* see struct sample_proc */
	unsigned long long	 io_write;
	unsigned long long	 io_rchar;
	unsigned long long	 io_wchar;
	int			 has_io;	/* counters read this tick */
	int			 has_io_rate;	/* and the tick before: rates */
	double			 cpu_pct;	/* 100 = one core */
	double			 mem_pct;
	double			 io_rate;	/* bytes/s, read + write */
	double			 io_read_rate;	/* bytes/s of each counter */
	double			 io_write_rate;
	double			 io_rchar_rate;
	double			 io_wchar_rate;
	int			 nfds;		/* open files; -1: not read */

	/* History: one sample per tick, and 1-minute averages. */
	struct ring		 h_cpu;		/* uint16_t, tenths of % */
	struct ring		 h_rss;		/* uint32_t, KiB */
	struct ring		 h_io;		/* uint32_t, KiB/s */
	struct ring		 m_cpu;
	struct ring		 m_rss;
	struct ring		 m_io;
	double			 acc_cpu;
	double			 acc_rss;
	double			 acc_io;
	unsigned		 acc_n;

	/* Set by the screen; kept across updates. */
	int			 tagged;
	int			 collapsed;	/* tree: children hidden */

	/* Bookkeeping. */
	unsigned		 gen;		/* last update that saw it */
	size_t			 index;		/* in model->rows */
	struct proc		*hnext;		/* hash chain */
	struct proc		*parent;	/* tree, rebuilt per view */
	struct proc		*child;
	struct proc		*sibling;
	int			 visited;
};

struct rx;

struct view_row {
	struct proc		*p;
	int			 depth;
	uint64_t		 guides;	/* bit d: more siblings at d */
	int			 last;		/* last among its siblings */
	int			 folded;	/* collapsed, with children */
};

struct view_opts {
	enum model_col		 sort;
	int			 descending;
	int			 tree;
	int			 show_kthreads;
	int			 show_threads;
	const struct rx		*filter;	/* command line and name */
	int			 uid;		/* -1: any */
	const int		*pids;		/* NULL: any */
	size_t			 npids;
};

struct cpu_pct {
	double			 user, nice, system, iowait, irq, softirq,
				 steal, idle, busy;
};

struct tasks {
	unsigned		 total, running, sleeping, disk, stopped,
				 zombie, idle, threads, kthreads;
};

struct sysinfo_view {
	struct sample_sys	 cur;
	struct cpu_pct		 total;
	struct cpu_pct		*cpus;
	int			 ncpu;
	unsigned long		 mem_used;	/* total - available, KiB */
	unsigned long		 swap_used;
	double			 disk_read_rate;	/* bytes/s */
	double			 disk_write_rate;
	double			 net_rx_rate;
	double			 net_tx_rate;
	struct tasks		 tasks;
	struct ring		 h_cpu;		/* float, total busy % */
	struct ring		 h_mem;		/* float, used % */
	struct ring		 h_disk;	/* float, bytes/s r+w */
	struct ring		 h_net;		/* float, bytes/s rx+tx */
};

struct model {
	struct proc		**hash;
	size_t			 nhash;
	struct proc		**rows;
	size_t			 nrows;
	size_t			 nalloc;
	unsigned		 gen;
	long			 hz;
	size_t			 history;	/* samples per ring */
	int			 ticks_seen;	/* updates so far */
	double			 now;		/* CLOCK_BOOTTIME seconds */
	double			 prev;
	double			 minute_start;

	struct sysinfo_view	 sys;
	int			 have_sys;
	struct sample_sys	 prev_sys;

	struct view_row		*view;
	size_t			 nview;
	size_t			 nviewalloc;

	int			*pending;	/* PIDs whose cmdline is due */
	size_t			 npending;
	size_t			 npendalloc;
};

struct model	*model_new(size_t, long);
void		 model_free(struct model *);
void		 model_set_history(struct model *, size_t);
void		 model_update(struct model *, const struct sample_proc *,
		     size_t, double);
void		 model_update_sys(struct model *, const struct sample_sys *);
void		 model_set_cmdline(struct model *, int, const char *,
		     const char *);
void		 model_set_shr(struct model *, int, unsigned long);
struct proc	*model_find(const struct model *, int);
void		 model_view(struct model *, const struct view_opts *);
int		 model_proc_cmp(const struct proc *, const struct proc *,
		     enum model_col);
const char	*model_proc_cmdline(const struct proc *);
int		 model_proc_renamed(const struct proc *);
int		 model_proc_match(const struct proc *, const struct rx *);
void		 model_proc_label(const struct proc *, struct buf *);

int		 model_col_parse(const char *, enum model_col *);
const char	*model_col_name(enum model_col);
int		 model_col_descending(enum model_col);
int		 model_col_io(enum model_col);
double		 model_rate(unsigned long long, unsigned long long, double);

#endif
