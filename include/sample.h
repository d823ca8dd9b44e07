/*
 * Reading the kernel. Processes come from /proc/PID/stat (and statm) every
 * tick, through files kept open or libproc2 (procps-ng 4) for threads;
 * /proc/PID/io only with SAMPLE_IO, which the caller sets while a screen,
 * column, sort or option needs the counters; cmdline only for processes
 * the model has not seen yet. System counters
 * come from libproc2 (CPU ticks, memory, load, uptime) and from the few
 * files it does not cover (PSI, disk and network byte counts).
 *
 * The sampler owns what it returns: process records and their strings stay
 * valid until the next sampler_read_procs() call.
 */
#ifndef VIGIL_SAMPLE_H
#define VIGIL_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#define SAMPLE_THREADS	0x1	/* list every thread, not just processes */
#define SAMPLE_IO	0x2	/* read /proc/PID/io (bytes and chars) */
#define SAMPLE_STATM	0x4	/* read SHR (statm) for every process */

struct sample_proc {
	int			 pid;		/* the task id for threads */
	int			 ppid;
	int			 tgid;
	unsigned		 uid;
	const char		*user;
	const char		*comm;
	char			 state;
	int			 prio;
	int			 nice;
	int			 nlwp;
	int			 kthread;
	unsigned long long	 start;		/* clock ticks after boot */
	unsigned long long	 ticks;		/* utime + stime */
	unsigned long long	 stime;		/* of which in the kernel */
	unsigned long		 minflt;
	unsigned long		 majflt;
	unsigned long		 vsz_kb;
	unsigned long		 rss_kb;
	unsigned long		 shr_kb;
	int			 has_shr;	/* else shr_kb is unknown */
	int			 has_io;	/* else the io_ are unknown */
	unsigned long long	 io_read;	/* read_bytes: storage */
	unsigned long long	 io_write;	/* write_bytes */
	unsigned long long	 io_rchar;	/* rchar: every read call */
	unsigned long long	 io_wchar;	/* wchar */
};

struct sample_cpu {
	unsigned long long	 user, nice, system, idle, iowait, irq,
				 softirq, steal;
};

struct sample_psi {
	double			 some10;	/* % of time, over 10 s */
	double			 full10;
};

struct sample_sys {
	double			 time;		/* CLOCK_BOOTTIME, seconds */
	int			 ncpu;
	struct sample_cpu	 total;
	struct sample_cpu	*cpus;		/* ncpu entries */
	unsigned long		 mem_total;	/* KiB */
	unsigned long		 mem_free;
	unsigned long		 mem_available;
	unsigned long		 mem_buffers;
	unsigned long		 mem_cached;
	unsigned long		 swap_total;
	unsigned long		 swap_free;
	double			 load[3];
	double			 uptime;
	int			 has_psi;
	struct sample_psi	 psi_cpu, psi_mem, psi_io;
	unsigned long long	 disk_read;	/* bytes since boot */
	unsigned long long	 disk_write;
	unsigned long long	 net_rx;
	unsigned long long	 net_tx;
};

/* A process that exited, as the proc connector told it (exits.c). */
struct sample_exit {
	int			 pid;
	int			 ppid;
	unsigned long long	 start;		/* ticks after boot */
	unsigned long long	 ticks;		/* CPU used */
	char			 comm[64];
	char			*cmdline;	/* NULL: not known */
	int			 exit_code;	/* as wait(2) gives it */
	double			 end;		/* boot seconds */
};

struct sample_exits;

struct sample_exits *sample_exits_open(char *, size_t);
int		 sample_exits_fd(const struct sample_exits *);
void		 sample_exits_read(struct sample_exits *);
size_t		 sample_exits_take(struct sample_exits *,
		     struct sample_exit **, unsigned long *);
void		 sample_exits_close(struct sample_exits *);

struct sampler;

typedef void (*sample_cmdline_cb)(int, const char *, const char *, void *);
typedef void (*sample_shr_cb)(int, unsigned long, void *);

struct sampler	*sampler_new(int);
void		 sampler_free(struct sampler *);
void		 sampler_set_flags(struct sampler *, int);
int		 sampler_flags(const struct sampler *);
int		 sampler_read_procs(struct sampler *, struct sample_proc **,
		     size_t *);
void		 sampler_read_cmdlines(struct sampler *, int *, size_t,
		     sample_cmdline_cb, void *);
void		 sampler_read_shr(struct sampler *, int *, size_t,
		     sample_shr_cb, void *);
int		 sampler_read_sys(struct sampler *, struct sample_sys *);
void		 sample_sys_free(struct sample_sys *);
void		 sample_sys_copy(struct sample_sys *, const struct sample_sys *);
int		 sample_start_time(int, unsigned long long *);
int		 sample_parse_stat(char *, int, struct sample_proc *);
int		 sample_start_time_at(int, unsigned long long *);
int		 sample_fd_count(int);
long		 sample_swap_kb(int);
long		 sample_hertz(void);
double		 sample_now(void);

#endif
