/*
 * The perf_event sampler: a cpu-clock event on each thread of the target
 * writes the thread's user registers and a copy of its user stack into a
 * ring buffer at every sample, and the stack is unwound here against the
 * target's mapped files (unwind.c, which the ptrace sampler shares). No
 * thread ever stops.
 */

#include "vigil.h"

#if defined(__x86_64__)

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <linux/perf_event.h>

#include <asm/perf_regs.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <limits.h>
#include <libunwind-ptrace.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "sampler-int.h"
#include "unwind-int.h"
#include "xalloc.h"

#define PERF_PAGE	4096
#define PERF_STACK	16384		/* bytes of user stack per sample */
#define PERF_PAGES_MAX	128		/* data pages per thread, at most */
#define PERF_PAGES_MIN	8		/* ... and at least (one sample fits) */
#define PERF_RINGS_MAX	(64 << 20)	/* bytes of rings, all threads */
#define PERF_TICK_NS	100000000ULL	/* buffers read, threads scanned */

/* The user registers asked for: all but the segment registers. */
#define PERF_REGS_MASK	(((1ULL << PERF_REG_X86_64_MAX) - 1) & \
			    ~((1ULL << PERF_REG_X86_DS) | \
			    (1ULL << PERF_REG_X86_ES) | \
			    (1ULL << PERF_REG_X86_FS) | \
			    (1ULL << PERF_REG_X86_GS)))
#define PERF_NREGS	__builtin_popcountll(PERF_REGS_MASK)

struct perf_thread {
	int		 tid;
	char		*name;
	int		 fd;
	unsigned char	*base;		/* the mapped ring: header page first */
	size_t		 len;
	size_t		 data_size;
	int		 seen;
	int		 hup;		/* the thread has exited */
};

struct prof_perf {
	int			 pid;
	int			*only;
	size_t			 nonly;
	struct perf_thread	**t;
	size_t			 n;
	double			 rate;
	int			 exclude_kernel;
	unsigned		 pages;
	int			 pidfd;
	DIR			*taskdir;
	enum prof_end		 end;
	int			 paused;
	uint64_t		 next_scan;
	uint64_t		 lost;
	uint64_t		 unwound;

	struct prof_unw		*unw;

	unsigned char		*rec;		/* a record that wraps the ring */
	size_t			 reccap;
	struct pollfd		*pfd;
	uint64_t		 ips[PROF_MAX_DEPTH];
	void			(*sampled)(int, void *);
	void			*sampled_arg;
};

static int	perf_live(const void *);
static int	perf_open(struct prof_perf *, int, char *, size_t);
static int	perf_scan(struct prof_perf *, int, char *, size_t);
static void	perf_drop(struct prof_perf *, size_t);
static void	perf_drain(struct prof_perf *, struct perf_thread *,
		    prof_sample_cb, void *);
static void	perf_record(struct prof_perf *, struct perf_thread *,
		    const unsigned char *, prof_sample_cb, void *);

/* --- threads and their events -------------------------------------------- */

static int
perf_event_open(struct perf_event_attr *attr, int tid)
{
	return (syscall(SYS_perf_event_open, attr, tid, -1, -1,
	    PERF_FLAG_FD_CLOEXEC));
}

/* What the kernel's refusal means, for the one line the user sees. */
static void
perf_denied(struct prof_perf *pf, int error, char *err, size_t errlen)
{
	char	buf[32];
	long	paranoid = 2;

	if (file_read("/proc/sys/kernel/perf_event_paranoid", buf,
	    sizeof buf) > 0)
		paranoid = strtol(buf, NULL, 10);
	if (error == EACCES && paranoid <= 2)
		snprintf(err, errlen, _("perf_event_open on process %d refused: "
		    "it is not yours (root or CAP_PERFMON may sample anyone's)"),
		    pf->pid);
	else if (error == EACCES || error == EPERM)
		snprintf(err, errlen, _("perf_event_open refused: "
		    "kernel.perf_event_paranoid is %ld (root or CAP_PERFMON, "
		    "or a value of 2 or less for one's own processes)"),
		    paranoid);
	else
		snprintf(err, errlen, _("perf_event_open failed: %s"),
		    strerror(error));
}

/*
 * An event and its ring on one thread. Returns 0, 1 if the thread is
 * gone, -1 with err set (errno kept) if the kernel refuses.
 */
static int
perf_open(struct prof_perf *pf, int tid, char *err, size_t errlen)
{
	struct perf_event_attr	 attr;
	struct perf_thread	*t;
	char			 path[96], comm[64];
	unsigned		 pages;
	void			*base = MAP_FAILED;
	int			 fd, saved;

	memset(&attr, 0, sizeof attr);
	attr.size = sizeof attr;
	attr.type = PERF_TYPE_SOFTWARE;
	/* Counts only while the thread runs: an on-CPU sample, as perf's. */
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = (uint64_t)(1e9 / pf->rate);
	attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID |
	    PERF_SAMPLE_TIME | PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
	attr.sample_regs_user = PERF_REGS_MASK;
	attr.sample_stack_user = PERF_STACK;
	attr.exclude_kernel = pf->exclude_kernel;
	attr.exclude_hv = 1;
	attr.comm = 1;
	attr.comm_exec = 1;
	attr.disabled = pf->paused;
	attr.watermark = 1;
	for (;;) {
		attr.wakeup_watermark = pf->pages * PERF_PAGE / 2;
		if ((fd = perf_event_open(&attr, tid)) != -1)
			break;
		/* Not allowed the kernel's side: the user's is all we need. */
		if ((errno == EACCES || errno == EPERM) &&
		    !attr.exclude_kernel) {
			attr.exclude_kernel = pf->exclude_kernel = 1;
			continue;
		}
		if (errno == ESRCH)
			return (1);
		saved = errno;
		perf_denied(pf, saved, err, errlen);
		errno = saved;
		return (-1);
	}
	/* Many threads, smaller rings: the memory is locked. */
	pages = pf->pages;
	while (pages > PERF_PAGES_MIN &&
	    (pf->n + 1) * (size_t)pages * PERF_PAGE > PERF_RINGS_MAX)
		pages /= 2;
	/* Locked memory is limited for users: smaller rings then. */
	for (; pages >= PERF_PAGES_MIN; pages /= 2) {
		base = mmap(NULL, (pages + 1) * PERF_PAGE,
		    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (base != MAP_FAILED)
			break;
		if (errno != EPERM && errno != ENOMEM)
			break;
	}
	if (base == MAP_FAILED) {
		saved = errno;
		close(fd);
		if (saved == EPERM)
			snprintf(err, errlen, _("no locked memory left for a "
			    "perf_event ring buffer (kernel.perf_event_mlock_kb "
			    "and ulimit -l limit it)"));
		else
			snprintf(err, errlen, _("cannot map a perf_event ring "
			    "buffer for thread %d: %s"), tid, strerror(saved));
		errno = saved;
		return (-1);
	}
	pf->pages = pages;
	t = xcalloc(1, sizeof *t);
	t->tid = tid;
	t->fd = fd;
	t->base = base;
	t->len = (pages + 1) * PERF_PAGE;
	t->data_size = pages * PERF_PAGE;
	t->seen = 1;
	snprintf(path, sizeof path, "/proc/%d/task/%d/comm", pf->pid, tid);
	if (file_read(path, comm, sizeof comm) > 0) {
		comm[strcspn(comm, "\n")] = '\0';
		t->name = xstrdup(comm);
	}
	pf->t = xreallocarray(pf->t, pf->n + 1, sizeof *pf->t);
	pf->t[pf->n++] = t;
	return (0);
}

static int
perf_wanted(struct prof_perf *pf, int tid)
{
	size_t	i;

	if (pf->only == NULL)
		return (1);
	for (i = 0; i < pf->nonly; i++) {
		if (pf->only[i] == tid)
			return (1);
	}
	return (0);
}

static struct perf_thread *
perf_find(struct prof_perf *pf, int tid)
{
	size_t	i;

	for (i = 0; i < pf->n; i++) {
		if (pf->t[i]->tid == tid)
			return (pf->t[i]);
	}
	return (NULL);
}

/*
 * An event on each thread that appeared since the last scan; the threads
 * gone are marked. Returns 0, 1 when the process is gone, -1 with err
 * when strict (at the start); later a thread refused is tried again at
 * the next scan, and the others are sampled meanwhile.
 */
static int
perf_scan(struct prof_perf *pf, int strict, char *err, size_t errlen)
{
	struct perf_thread	*t;
	struct dirent		*de;
	char			 path[64], *end;
	long			 tid;
	size_t			 i;

	if (pf->taskdir == NULL) {
		snprintf(path, sizeof path, "/proc/%d/task", pf->pid);
		if ((pf->taskdir = opendir(path)) == NULL)
			return (1);
	} else
		rewinddir(pf->taskdir);
	for (i = 0; i < pf->n; i++)
		pf->t[i]->seen = 0;
	for (;;) {
		errno = 0;
		if ((de = readdir(pf->taskdir)) == NULL) {
			if (errno == ENOENT || errno == ESRCH)
				return (1);
			break;
		}
		tid = strtol(de->d_name, &end, 10);
		if (de->d_name[0] == '.' || *end != '\0' || tid <= 0 ||
		    !perf_wanted(pf, tid))
			continue;
		if ((t = perf_find(pf, tid)) != NULL) {
			t->seen = 1;
			continue;
		}
		if (perf_open(pf, tid, err, errlen) == -1 && strict)
			return (-1);
	}
	for (i = 0; i < pf->n; i++) {
		if (!pf->t[i]->seen)
			pf->t[i]->hup = 1;
	}
	return (0);
}

static void
perf_drop(struct prof_perf *pf, size_t i)
{
	struct perf_thread	*t = pf->t[i];

	munmap(t->base, t->len);
	close(t->fd);
	free(t->name);
	free(t);
	pf->t[i] = pf->t[--pf->n];
}

/* --- samples --------------------------------------------------------------- */

/* Unwind one sample and hand its stack on. */
static void
perf_unwind(struct prof_perf *pf, struct perf_thread *t,
    const unsigned char *p, const unsigned char *end, prof_sample_cb cb,
    void *arg)
{
	static const int	 map[PROF_UREGS] = {
		[UNW_X86_64_RAX] = PERF_REG_X86_AX,
		[UNW_X86_64_RDX] = PERF_REG_X86_DX,
		[UNW_X86_64_RCX] = PERF_REG_X86_CX,
		[UNW_X86_64_RBX] = PERF_REG_X86_BX,
		[UNW_X86_64_RSI] = PERF_REG_X86_SI,
		[UNW_X86_64_RDI] = PERF_REG_X86_DI,
		[UNW_X86_64_RBP] = PERF_REG_X86_BP,
		[UNW_X86_64_RSP] = PERF_REG_X86_SP,
		[UNW_X86_64_R8] = PERF_REG_X86_R8,
		[UNW_X86_64_R9] = PERF_REG_X86_R9,
		[UNW_X86_64_R10] = PERF_REG_X86_R10,
		[UNW_X86_64_R11] = PERF_REG_X86_R11,
		[UNW_X86_64_R12] = PERF_REG_X86_R12,
		[UNW_X86_64_R13] = PERF_REG_X86_R13,
		[UNW_X86_64_R14] = PERF_REG_X86_R14,
		[UNW_X86_64_R15] = PERF_REG_X86_R15,
		[UNW_X86_64_RIP] = PERF_REG_X86_IP,
	};
	struct prof_tstack	 ts;
	struct prof_ustack	 st;
	uint64_t		 abi, size, dyn;
	const uint64_t		*regs;
	size_t			 d, r;

	/* ip, pid/tid, time: read, and not needed past the header's TID. */
	p += 8 + 8 + 8;
	if (p + 8 > end)
		return;
	memcpy(&abi, p, 8);
	p += 8;
	if (abi == PERF_SAMPLE_REGS_ABI_NONE)
		return;		/* no user state: a kernel thread */
	if (p + 8 * PERF_NREGS + 8 > end)
		return;
	regs = (const uint64_t *)p;
	p += 8 * PERF_NREGS;
	memcpy(&size, p, 8);
	p += 8;
	if (size == 0 || p + size + 8 > end)
		return;
	memcpy(&dyn, p + size, 8);
	/* Registers come in the order of their bits in the mask. */
	for (r = 0; r < PROF_UREGS; r++)
		st.regs[r] = regs[__builtin_popcountll(PERF_REGS_MASK &
		    ((1ULL << map[r]) - 1))];
	st.stack = p;
	st.sp = st.regs[UNW_X86_64_RSP];
	st.len = dyn < size ? dyn : size;
	if ((d = prof_unw_stack(pf->unw, &st, pf->ips, PROF_MAX_DEPTH)) == 0)
		return;
	pf->unwound++;
	if (pf->sampled != NULL)
		pf->sampled(t->tid, pf->sampled_arg);
	memset(&ts, 0, sizeof ts);
	ts.tid = t->tid;
	ts.name = t->name;
	ts.ips = pf->ips;
	ts.depth = d;
	ts.fresh = 1;
	ts.running = 1;
	cb(&ts, arg);
}

/* One record of a thread's ring, whole (copied out if it wrapped). */
static void
perf_record(struct prof_perf *pf, struct perf_thread *t,
    const unsigned char *p, prof_sample_cb cb, void *arg)
{
	struct perf_event_header	 h;
	const unsigned char		*end;
	uint64_t			 lost;
	size_t				 n;

	memcpy(&h, p, sizeof h);
	end = p + h.size;
	switch (h.type) {
	case PERF_RECORD_SAMPLE:
		perf_unwind(pf, t, p + sizeof h, end, cb, arg);
		break;
	case PERF_RECORD_LOST:
		if (h.size >= sizeof h + 16) {
			memcpy(&lost, p + sizeof h + 8, 8);
			pf->lost += lost;
		}
		break;
	case PERF_RECORD_COMM:
		if (h.misc & PERF_RECORD_MISC_COMM_EXEC) {
			if (pf->end == PROF_END_NONE)
				pf->end = PROF_END_EXEC;
			break;
		}
		/* A thread named itself: u32 pid, tid, then the name. */
		if (h.size <= sizeof h + 8)
			break;
		n = strnlen((const char *)p + sizeof h + 8,
		    h.size - sizeof h - 8);
		free(t->name);
		t->name = xmalloc(n + 1);
		memcpy(t->name, p + sizeof h + 8, n);
		t->name[n] = '\0';
		break;
	}
}

/* Everything in a thread's ring, then its tail moved on. */
static void
perf_drain(struct prof_perf *pf, struct perf_thread *t, prof_sample_cb cb,
    void *arg)
{
	struct perf_event_mmap_page	*mp = (void *)t->base;
	struct perf_event_header	 h;
	const unsigned char		*data = t->base + PERF_PAGE;
	uint64_t			 head, tail, off, first;

	head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
	tail = mp->data_tail;
	while (tail < head) {
		off = tail % t->data_size;
		/* Records are 8-byte aligned: a header never wraps. */
		memcpy(&h, data + off, sizeof h);
		if (h.size < sizeof h || h.size > head - tail)
			break;
		if (off + h.size <= t->data_size)
			perf_record(pf, t, data + off, cb, arg);
		else {
			if (h.size > pf->reccap) {
				pf->reccap = h.size;
				pf->rec = xreallocarray(pf->rec, pf->reccap, 1);
			}
			first = t->data_size - off;
			memcpy(pf->rec, data + off, first);
			memcpy(pf->rec + first, data, h.size - first);
			perf_record(pf, t, pf->rec, cb, arg);
		}
		tail += h.size;
	}
	__atomic_store_n(&mp->data_tail, tail, __ATOMIC_RELEASE);
}

/* --- the session --------------------------------------------------------- */

struct prof_perf *
prof_perf_new(const struct prof_perf_opts *o, char *err, size_t errlen,
    int *denied)
{
	struct prof_perf	*pf;
	char			 path[64];
	size_t			 i;
	int			 rc, first;

	*denied = 0;
	if (prof_check_target(o->pid, err, errlen) != 0)
		return (NULL);
	pf = xcalloc(1, sizeof *pf);
	pf->pid = o->pid;
	pf->rate = o->rate_hz;
	pf->pages = PERF_PAGES_MAX;
	/* Enabled when the caller is ready to read: nothing lost before. */
	pf->paused = 1;
	pf->pidfd = syscall(SYS_pidfd_open, o->pid, 0);
	pf->sampled = o->sampled;
	pf->sampled_arg = o->sampled_arg;
	if (o->tids != NULL) {
		pf->only = xreallocarray(NULL, o->ntids, sizeof *pf->only);
		memcpy(pf->only, o->tids, o->ntids * sizeof *pf->only);
		pf->nonly = o->ntids;
	}
	pf->unw = prof_unw_new(perf_live, pf);

	/* perf_event_open takes any TID: those asked for must be the PID's. */
	for (i = 0; i < pf->nonly; i++) {
		snprintf(path, sizeof path, "/proc/%d/task/%d", pf->pid,
		    pf->only[i]);
		if (access(path, F_OK) != 0) {
			snprintf(err, errlen,
			    _("thread %d is not a thread of process %d"),
			    pf->only[i], pf->pid);
			prof_perf_free(pf);
			return (NULL);
		}
	}
	/* One thread first, so a refusal is one line about the process. */
	first = pf->only != NULL ? pf->only[0] : pf->pid;
	rc = perf_open(pf, first, err, errlen);
	/* A leader gone by pthread_exit(): its threads run on. */
	if (rc == 1 && pf->only == NULL)
		rc = 0;
	else if (rc == 1)
		snprintf(err, errlen,
		    _("thread %d is not a thread of process %d"), first,
		    pf->pid);
	if (rc == 0 && (rc = perf_scan(pf, 1, err, errlen)) == 1)
		snprintf(err, errlen, _("process %d exited"), pf->pid);
	if (rc == -1 && (errno == EACCES || errno == EPERM))
		*denied = 1;
	if (rc == 0 && pf->n == 0) {
		snprintf(err, errlen,
		    _("process %d has no thread left to sample"), pf->pid);
		rc = -1;
	}
	for (i = 0; rc == 0 && i < pf->nonly; i++) {
		if (perf_find(pf, pf->only[i]) == NULL) {
			snprintf(err, errlen,
			    _("thread %d is not a thread of process %d"),
			    pf->only[i], pf->pid);
			rc = -1;
		}
	}
	if (rc != 0) {
		prof_perf_free(pf);
		return (NULL);
	}
	prof_unw_maps(pf->unw);
	pf->next_scan = prof_mono_ns() + PERF_TICK_NS;
	return (pf);
}

/*
 * Read every ring without waiting, and every tick look for new threads.
 * Returns 0, or -1 when the session is over (*end says why: exec, exit, a
 * signal); what was sampled until then has been handed on.
 */
int
prof_perf_read(struct prof_perf *pf, prof_sample_cb cb, void *arg,
    enum prof_end *end)
{
	struct pollfd	 p;
	char		 err[256];
	uint64_t	 now;
	size_t		 i;
	int		 gone = 0;

	for (i = 0; i < pf->n && pf->end == PROF_END_NONE; i++)
		perf_drain(pf, pf->t[i], cb, arg);
	if (pf->end == PROF_END_NONE && pf->pidfd != -1) {
		p.fd = pf->pidfd;
		p.events = POLLIN;
		if (poll(&p, 1, 0) == 1)
			gone = 1;
	}
	now = prof_mono_ns();
	if (pf->end == PROF_END_NONE && !gone && now >= pf->next_scan) {
		pf->next_scan = now + PERF_TICK_NS;
		if (perf_scan(pf, 0, err, sizeof err) == 1)
			gone = 1;
	}
	for (i = pf->n; i > 0; i--) {
		if (pf->t[i - 1]->hup)
			perf_drop(pf, i - 1);
	}
	if (pf->end == PROF_END_NONE && (gone || pf->n == 0))
		pf->end = PROF_END_EXIT;
	if (pf->end == PROF_END_NONE && prof_signals_pending())
		pf->end = PROF_END_SIGNAL;
	*end = pf->end;
	return (pf->end == PROF_END_NONE ? 0 : -1);
}

/*
 * Wait, without blocking the target, until a ring is half full, a thread
 * or the process ends, a signal comes, the next tick, or the monotonic
 * time until. Returns 0, or -1 on a signal that ends the session.
 */
int
prof_perf_wait(struct prof_perf *pf, uint64_t until, enum prof_end *end)
{
	uint64_t	now = prof_mono_ns(), wake;
	size_t		i, n = 0;
	int		ms;

	pf->pfd = xreallocarray(pf->pfd, pf->n + 1, sizeof *pf->pfd);
	for (i = 0; i < pf->n; i++) {
		pf->pfd[n].fd = pf->t[i]->fd;
		pf->pfd[n++].events = POLLIN;
	}
	if (pf->pidfd != -1) {
		pf->pfd[n].fd = pf->pidfd;
		pf->pfd[n++].events = POLLIN;
	}
	wake = pf->next_scan < until ? pf->next_scan : until;
	ms = wake > now ? (int)((wake - now + 999999) / 1000000) : 0;
	if (poll(pf->pfd, n, ms) > 0) {
		for (i = 0; i < pf->n; i++) {
			if (pf->pfd[i].revents & (POLLHUP | POLLERR))
				pf->t[i]->hup = 1;	/* it exited */
		}
	}
	if (prof_signals_pending() && pf->end == PROF_END_NONE)
		pf->end = PROF_END_SIGNAL;
	*end = pf->end;
	return (pf->end == PROF_END_NONE ? 0 : -1);
}

/* Paused: no event counts, so no sample is taken (SIGUSR1). */
void
prof_perf_pause(struct prof_perf *pf, int paused)
{
	size_t	i;

	if (pf->paused == paused)
		return;
	pf->paused = paused;
	for (i = 0; i < pf->n; i++)
		ioctl(pf->t[i]->fd, paused ? PERF_EVENT_IOC_DISABLE :
		    PERF_EVENT_IOC_ENABLE, 0);
}

size_t
prof_perf_nthreads(const struct prof_perf *pf)
{
	return (pf->n);
}

static int
perf_live(const void *arg)
{
	return (prof_perf_live_tid(arg));
}

/* A thread whose /proc entries show the memory map: the leader if alive. */
int
prof_perf_live_tid(const struct prof_perf *pf)
{
	char	path[64], stat[512], *p;

	snprintf(path, sizeof path, "/proc/%d/stat", pf->pid);
	if (pf->n > 0 && file_read(path, stat, sizeof stat) > 0 &&
	    (p = strrchr(stat, ')')) != NULL && p[1] == ' ' && p[2] == 'Z')
		return (pf->t[0]->tid);
	return (pf->pid);
}

uint64_t
prof_perf_lost(const struct prof_perf *pf)
{
	return (pf->lost);
}

uint64_t
prof_perf_unwound(const struct prof_perf *pf)
{
	return (pf->unwound);
}

/* The event, as the user may want it named. */
const char *
prof_perf_event(const struct prof_perf *pf)
{
	return (pf->exclude_kernel ? "cpu-clock:u" : "cpu-clock");
}

void
prof_perf_free(struct prof_perf *pf)
{
	if (pf == NULL)
		return;
	while (pf->n > 0)
		perf_drop(pf, 0);
	free(pf->t);
	if (pf->pidfd != -1)
		close(pf->pidfd);
	if (pf->taskdir != NULL)
		closedir(pf->taskdir);
	prof_unw_free(pf->unw);
	free(pf->rec);
	free(pf->pfd);
	free(pf->only);
	free(pf);
}

#else	/* !__x86_64__ */

#include <stdio.h>

#include "sampler-int.h"

struct prof_perf *
prof_perf_new(const struct prof_perf_opts *o, char *err, size_t errlen,
    int *denied)
{
	(void)o;
	*denied = 1;
	snprintf(err, errlen, "%s", _("the perf_event sampler unwinds x86-64 "
	    "stacks only"));
	return (NULL);
}

int
prof_perf_read(struct prof_perf *pf, prof_sample_cb cb, void *arg,
    enum prof_end *end)
{
	(void)pf; (void)cb; (void)arg;
	*end = PROF_END_EXIT;
	return (-1);
}

int
prof_perf_wait(struct prof_perf *pf, uint64_t until, enum prof_end *end)
{
	(void)pf; (void)until;
	*end = PROF_END_EXIT;
	return (-1);
}

void	prof_perf_pause(struct prof_perf *pf, int p) { (void)pf; (void)p; }
size_t	prof_perf_nthreads(const struct prof_perf *pf) { (void)pf; return (0); }
int	prof_perf_live_tid(const struct prof_perf *pf) { (void)pf; return (0); }
uint64_t prof_perf_lost(const struct prof_perf *pf) { (void)pf; return (0); }
uint64_t prof_perf_unwound(const struct prof_perf *pf) { (void)pf; return (0); }
const char *prof_perf_event(const struct prof_perf *pf) { (void)pf; return (""); }
void	prof_perf_free(struct prof_perf *pf) { (void)pf; }

#endif
