/*
 * Inside the sampler: /proc maps and perf map parsing (pure, unit-tested),
 * the ptrace sampler and its release guarantee (its stacks unwound from
 * copies by unwind.c), and symbolisation with libdw. The sampler owns its
 * threads and their stacks; the symboliser owns its Dwfl and its caches;
 * frames go into a struct prof (include/prof.h), which owns their strings.
 */
#ifndef VIGIL_SAMPLER_INT_H
#define VIGIL_SAMPLER_INT_H

#include <sys/types.h>

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "prof.h"

/* --- maps.c: /proc/PID/maps and /tmp/perf-PID.map ------------------- */

struct prof_map {
	uint64_t	 start, end;
	uint64_t	 offset;	/* file offset of start */
	int		 exec;		/* 'x' in the permissions */
	int		 deleted;	/* the path ended in " (deleted)" */
	char		*path;		/* NULL: anonymous; "[vdso]" etc. */
};

struct prof_maps {
	struct prof_map	*v;
	size_t		 n;
};

int	prof_maps_parse_line(const char *, struct prof_map *);
void	prof_maps_parse(struct prof_maps *, const char *);
int	prof_maps_read(struct prof_maps *, int);
const struct prof_map *prof_maps_find(const struct prof_maps *, uint64_t);
void	prof_maps_free(struct prof_maps *);

struct prof_jitsym {
	uint64_t	 start, size;
	char		*name;
};

struct prof_jitmap {
	struct prof_jitsym *v;		/* sorted by start */
	size_t		 n;
};

int	prof_jitmap_parse_line(const char *, struct prof_jitsym *);
void	prof_jitmap_parse(struct prof_jitmap *, const char *);
const struct prof_jitsym *prof_jitmap_find(const struct prof_jitmap *,
	    uint64_t);
void	prof_jitmap_free(struct prof_jitmap *);

/* --- check.c: can this process be profiled, and if not, why ---------- */

int	prof_check_target(int, char *, size_t);
void	prof_explain_eperm(int, int, char *, size_t);

/* --- family.c: the descendants of a process ---------------------------- */

struct prof_kin {
	int			 pid;
	unsigned long long	 start;		/* /proc/PID/stat field 22 */
};

size_t	prof_family(int, struct prof_kin **);

/* --- mode.c: a thread's state and CPU time from /proc/.../stat ------- */

int	prof_stat_parse(const char *, char *, uint64_t *);

/* --- release.c: the threads traced, detached on every exit path ------- */

#define PROF_REG_MAX	8192

struct prof_reg {
	volatile int		 tid;		/* 0: free slot */
	volatile sig_atomic_t	 stopped;	/* in a ptrace stop we saw */
	volatile sig_atomic_t	 pending;	/* interrupted, stop not seen */
};

extern struct prof_reg	prof_reg[PROF_REG_MAX];
extern volatile sig_atomic_t prof_reg_n;

int	prof_reg_add(int);
void	prof_reg_del(int);
void	prof_release(void);
void	prof_signals_install(void);
int	prof_signals_pending(void);
int	prof_signals_paused(void);
int	prof_signals_alarm(void);
void	prof_signals_restore(void);

/* --- sampler.c: ptrace and unwinding -------------------------------- */

#define PROF_MAX_DEPTH	128

struct prof_sampler;

/*
 * opts.mode says which stacks the caller will keep (include/prof.h): for
 * on-CPU only running threads are stopped and unwound, for off-CPU the
 * waits are read too; NONE and wall: every thread's stack. Which stacks
 * count is the caller's decision (prof_mode_keep() on ts.running); the
 * mode here only spares work.
 */
struct prof_sampler_opts {
	int		 pid;
	int		*tids;		/* only these threads; NULL: all */
	size_t		 ntids;
	enum prof_mode	 mode;
	/*
	 * Called with a thread's TID while it is stopped, its registers and
	 * stack copied; its native stack is unwound after it runs on.
	 */
	void		(*stopped)(int, void *);
	void		*stopped_arg;
};

enum prof_end {
	PROF_END_NONE,
	PROF_END_EXIT,		/* the target exited */
	PROF_END_EXEC,		/* the target ran exec */
	PROF_END_SIGNAL		/* SIGINT, SIGTERM, SIGHUP or SIGPIPE */
};

/* One thread's stack of one sample, leaf first, as the unwinder saw it. */
struct prof_tstack {
	int		 tid;
	const char	*name;		/* owned by the sampler */
	const uint64_t	*ips;
	size_t		 depth;		/* 0: no stack (yet) */
	int		 fresh;		/* unwound now, not repeated */
	int		 running;	/* on a CPU (or runnable) at the sample */
	const char	*wait;		/* off-CPU: its leaf label; NULL */
};

typedef void (*prof_sample_cb)(const struct prof_tstack *, void *);

struct prof_sampler *prof_sampler_new(const struct prof_sampler_opts *,
	    char *, size_t);
int	prof_sampler_sample(struct prof_sampler *, prof_sample_cb, void *,
	    enum prof_end *);
int	prof_sampler_drain(struct prof_sampler *, enum prof_end *);
size_t	prof_sampler_nthreads(const struct prof_sampler *);
int	prof_sampler_live_tid(const struct prof_sampler *);
uint64_t prof_sampler_unwound(const struct prof_sampler *);
uint64_t prof_sampler_stopped_ns(const struct prof_sampler *, uint64_t *,
	    uint64_t *);
void	prof_sampler_free(struct prof_sampler *);

/* --- perf.c: perf_event sampling; the target is never stopped --------- */

struct prof_perf;

/*
 * A cpu-clock event per thread (of tids, or of every thread, new ones
 * found by a scan of /proc/PID/task every tick), each with its ring
 * buffer of samples: the user registers and a copy of the user stack,
 * unwound here against the target's mappings. sampled() is called with a
 * thread's TID after each of its samples is unwound (the thread runs on:
 * what it reads is not frozen). prof_perf_new() returns NULL with err set;
 * *denied is 1 when the kernel refused perf_event_open (the caller may
 * fall back to ptrace), 0 for any other failure.
 */
struct prof_perf_opts {
	int		 pid;
	int		*tids;		/* only these threads; NULL: all */
	size_t		 ntids;
	double		 rate_hz;
	void		(*sampled)(int, void *);
	void		*sampled_arg;
};

struct prof_perf *prof_perf_new(const struct prof_perf_opts *, char *,
	    size_t, int *);
int	prof_perf_read(struct prof_perf *, prof_sample_cb, void *,
	    enum prof_end *);
int	prof_perf_wait(struct prof_perf *, uint64_t, enum prof_end *);
void	prof_perf_pause(struct prof_perf *, int);
size_t	prof_perf_nthreads(const struct prof_perf *);
int	prof_perf_live_tid(const struct prof_perf *);
uint64_t prof_perf_lost(const struct prof_perf *);
uint64_t prof_perf_unwound(const struct prof_perf *);
const char *prof_perf_event(const struct prof_perf *);
void	prof_perf_free(struct prof_perf *);

/* sampler.c: the monotonic clock in nanoseconds, for every sampler. */
uint64_t prof_mono_ns(void);

/* symbols.c (libdw, cached per module and per address): in prof.h. */

#endif
