/*
 * The ptrace sampler: seize each thread once, and per sample interrupt the
 * threads that ran; as each stop arrives, copy the thread's registers and
 * stack, resume it, and only then unwind the copy (unwind.c, as the
 * perf_event sampler does): the thread is stopped for two system calls.
 */

#include "vigil.h"

#include <sys/ptrace.h>
#include <sys/time.h>
#include <time.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "sampler-int.h"
#include "unwind-int.h"
#include "xalloc.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP	128
#endif

#define STACK_COPY	32768		/* bytes of stack copied per stop */
#define RED_ZONE	128		/* x86-64 ABI: leaf data below SP */
#define WAIT_LIMIT_US	250000		/* a thread slower to stop is skipped */

struct prof_sthread {
	int		 tid;
	int		 slot;		/* in prof_reg */
	char		*name;
	int		 statfd;	/* schedstat, kept open */
	int		 pstatfd;	/* stat (state, utime, stime), open */
	uint64_t	 oncpu;		/* ns on CPU when last looked at */
	int		 running;	/* state R at this sample */
	char		 state;		/* as last read from stat */
	char		 wait[96];	/* off-CPU leaf label; "" not read */
	int		 named;		/* wait names a kernel function */
	int		 listening;	/* in a group-stop, PTRACE_LISTEN */
	int		 unwind;	/* unwind at its next interrupt stop */
	int		 fresh;
	int		 seen;		/* in the last /proc scan */
	int		 dead;
	unsigned	 nfresh;	/* stacks unwound */
	uint64_t	 asked;		/* when interrupted, monotonic ns */
	uint64_t	 ips[PROF_MAX_DEPTH];
	size_t		 depth;		/* 0: no stack yet */
};

struct prof_sampler {
	int			 pid;
	int			*only;
	size_t			 nonly;
	struct prof_sthread	**t;
	size_t			 n;
	struct prof_unw		*unw;
	struct prof_ustack	 copy;		/* of the thread just stopped */
	unsigned char		*stack;		/* copy.stack's buffer */
	uint64_t		 unwound;
	uint64_t		 stopped_ns;	/* interrupt to resume, summed */
	uint64_t		 held_ns;	/* stop seen to resume, summed */
	uint64_t		 stops;
	enum prof_end		 end;
	DIR			*taskdir;
	int			 zombie_leader;	/* not traceable, skipped */
	void			(*stopped)(int, void *);
	void			*stopped_arg;
	enum prof_mode		 mode;		/* which stacks are needed */
	long			 hz;		/* clock ticks a second */
};

static int	prof_sampler_live(const void *);
static struct prof_sthread *prof_sampler_find(struct prof_sampler *, int);
static int	prof_sampler_seize(struct prof_sampler *, int, char *,
		    size_t);
static int	prof_sampler_scan(struct prof_sampler *, char *, size_t);
static void	prof_sampler_drop(struct prof_sampler *, size_t);
static void	prof_sampler_event(struct prof_sampler *, int, int);
static int	prof_sampler_copy(struct prof_sampler *,
		    struct prof_sthread *);
static void	prof_sampler_unwind(struct prof_sampler *,
		    struct prof_sthread *);
static int	prof_oncpu(struct prof_sampler *, struct prof_sthread *,
		    uint64_t *);
static int	prof_sampler_state(struct prof_sthread *, char *);
static void	prof_sampler_wait(struct prof_sampler *,
		    struct prof_sthread *, char);
static int	prof_sampler_look(struct prof_sampler *,
		    struct prof_sthread *);
static int	prof_sampler_zombie(struct prof_sampler *, int);
static void	prof_sampler_name(struct prof_sampler *,
		    struct prof_sthread *);

/* --- threads ------------------------------------------------------------ */

static struct prof_sthread *
prof_sampler_find(struct prof_sampler *s, int tid)
{
	size_t	i;

	for (i = 0; i < s->n; i++) {
		if (s->t[i]->tid == tid)
			return (s->t[i]);
	}
	return (NULL);
}

/*
 * Nanoseconds on CPU: the first field of schedstat, or where the kernel
 * has none (no CONFIG_SCHED_INFO), utime + stime of stat, coarser.
 */
static int
prof_oncpu(struct prof_sampler *s, struct prof_sthread *t, uint64_t *ns)
{
	char		buf[512], state;
	uint64_t	ticks;
	ssize_t		n;

	if (t->statfd != -1) {
		if ((n = pread(t->statfd, buf, sizeof buf - 1, 0)) <= 0)
			return (-1);
		buf[n] = '\0';
		*ns = strtoull(buf, NULL, 10);
		return (0);
	}
	if (t->pstatfd == -1 ||
	    (n = pread(t->pstatfd, buf, sizeof buf - 1, 0)) <= 0)
		return (-1);
	buf[n] = '\0';
	if (prof_stat_parse(buf, &state, &ticks) != 0)
		return (-1);
	*ns = ticks * (1000000000ULL / (uint64_t)s->hz);
	return (0);
}

/* The state letter of the thread now: R running or runnable, S, D... */
static int
prof_sampler_state(struct prof_sthread *t, char *state)
{
	char		buf[512];
	uint64_t	ticks;
	ssize_t		n;

	if (t->pstatfd == -1 ||
	    (n = pread(t->pstatfd, buf, sizeof buf - 1, 0)) <= 0)
		return (-1);
	buf[n] = '\0';
	return (prof_stat_parse(buf, state, &ticks));
}

/* What a waiting thread waits in: its wchan, else its state. */
static void
prof_sampler_wait(struct prof_sampler *s, struct prof_sthread *t, char state)
{
	struct buf	b = BUF_INITIALIZER;
	char		path[96], wchan[128];
	ssize_t		n;
	int		named;

	snprintf(path, sizeof path, "/proc/%d/task/%d/wchan", s->pid, t->tid);
	n = file_read(path, wchan, sizeof wchan);
	named = prof_offcpu_label(n > 0 ? wchan : NULL, state, &b);
	/* A wait named before is kept over one the kernel cannot name. */
	if (named || !t->named) {
		snprintf(t->wait, sizeof t->wait, "%s", buf_str(&b));
		t->named = named;
	}
	buf_free(&b);
}

/*
 * Look at a thread before a sample: whether it runs now (it ran since it
 * was last looked at, and its state is R), and for off-CPU what it waits
 * in. Returns whether its stack is needed now.
 */
static int
prof_sampler_look(struct prof_sampler *s, struct prof_sthread *t)
{
	uint64_t	ns = 0;
	char		state = '?';
	int		moved, known;

	known = prof_oncpu(s, t, &ns) == 0;
	moved = !known || ns != t->oncpu;
	/*
	 * A thread that did not run is in the state it was last seen in: it
	 * cannot fall asleep without running, and one runnable all along
	 * was preempted (on-CPU, as perf would have it had it had the CPU).
	 */
	if (moved && prof_sampler_state(t, &state) == 0)
		t->state = state;
	else if (moved)
		t->state = 'R';		/* it ran: say so */
	state = t->state;
	t->running = state == 'R';
	if (s->mode == PROF_MODE_OFF_CPU && !t->running &&
	    (moved || t->wait[0] == '\0'))
		prof_sampler_wait(s, t, state);
	if (s->mode == PROF_MODE_ON_CPU) {
		/* A thread that ran and sleeps again: a new baseline. */
		if (!t->running && known)
			t->oncpu = ns;
		return (t->running && (moved || t->depth == 0));
	}
	return (t->depth == 0 || moved);
}

/* Whether a thread has exited and waits to be reaped. */
static int
prof_sampler_zombie(struct prof_sampler *s, int tid)
{
	char	path[96], stat[512], *p;

	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", s->pid, tid);
	if (file_read(path, stat, sizeof stat) < 0 ||
	    (p = strrchr(stat, ')')) == NULL)
		return (0);
	return (p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

/* The thread's name; read again later, as a new thread names itself. */
static void
prof_sampler_name(struct prof_sampler *s, struct prof_sthread *t)
{
	char	path[96], comm[64];

	snprintf(path, sizeof path, "/proc/%d/task/%d/comm", s->pid, t->tid);
	if (file_read(path, comm, sizeof comm) > 0) {
		comm[strcspn(comm, "\n")] = '\0';
		if (t->name == NULL || strcmp(t->name, comm) != 0) {
			free(t->name);
			t->name = xstrdup(comm);
		}
	}
}

/*
 * PTRACE_SEIZE one thread (no stop, no signal: it runs on). Returns 0, 1 if
 * it is gone, -1 with err set if ptrace is refused.
 */
static int
prof_sampler_seize(struct prof_sampler *s, int tid, char *err, size_t errlen)
{
	struct prof_sthread	*t;
	char			 path[96];
	int			 slot;

	if ((slot = prof_reg_add(tid)) == -1)
		return (1);	/* more threads than we follow */
	if (ptrace(PTRACE_SEIZE, tid, NULL,
	    (void *)(long)PTRACE_O_TRACEEXEC) == -1) {
		prof_reg_del(slot);
		if (errno == ESRCH)
			return (1);
		if (errno == EPERM && prof_sampler_zombie(s, tid)) {
			/* A leader gone by pthread_exit(); its threads run. */
			if (tid == s->pid)
				s->zombie_leader = 1;
			return (1);
		}
		if (errno == EPERM)
			prof_explain_eperm(s->pid, tid, err, errlen);
		else
			snprintf(err, errlen, _("cannot trace thread %d: %s"),
			    tid, strerror(errno));
		return (-1);
	}
	t = xcalloc(1, sizeof *t);
	t->tid = tid;
	t->slot = slot;
	prof_sampler_name(s, t);
	snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", s->pid, tid);
	t->statfd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", s->pid, tid);
	t->pstatfd = open(path, O_RDONLY | O_CLOEXEC);
	/* The baseline: what it runs from now on is what the first sees. */
	if (prof_oncpu(s, t, &t->oncpu) != 0)
		t->oncpu = 0;
	if (prof_sampler_state(t, &t->state) != 0)
		t->state = '?';
	t->seen = 1;
	s->t = xreallocarray(s->t, s->n + 1, sizeof *s->t);
	s->t[s->n++] = t;
	return (0);
}

static int
prof_sampler_wanted(struct prof_sampler *s, int tid)
{
	size_t	i;

	if (s->only == NULL)
		return (1);
	for (i = 0; i < s->nonly; i++) {
		if (s->only[i] == tid)
			return (1);
	}
	return (0);
}

/*
 * Seize the threads that appeared since the last scan and drop those that
 * are gone. Returns 0, 1 when the process is gone, -1 with err set.
 */
static int
prof_sampler_scan(struct prof_sampler *s, char *err, size_t errlen)
{
	char		 path[64], *end;
	DIR		*d;
	struct dirent	*de;
	long		 tid;
	size_t		 i;
	int		 rc = 0;

	/* Kept open and rewound: cheaper than opening it each sample. */
	if (s->taskdir == NULL) {
		snprintf(path, sizeof path, "/proc/%d/task", s->pid);
		if ((s->taskdir = opendir(path)) == NULL)
			return (1);
	} else
		rewinddir(s->taskdir);
	d = s->taskdir;
	for (i = 0; i < s->n; i++)
		s->t[i]->seen = 0;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno == ENOENT || errno == ESRCH)
				rc = 1;		/* the process is gone */
			break;
		}
		tid = strtol(de->d_name, &end, 10);
		if (de->d_name[0] == '.' || *end != '\0' || tid <= 0)
			continue;
		if (!prof_sampler_wanted(s, tid) ||
		    (tid == s->pid && s->zombie_leader))
			continue;
		if (prof_sampler_find(s, tid) != NULL) {
			prof_sampler_find(s, tid)->seen = 1;
			continue;
		}
		if (prof_sampler_seize(s, tid, err, errlen) == -1) {
			rc = -1;
			break;
		}
	}
	for (i = s->n; i > 0; i--) {
		if (rc == 0 && (!s->t[i - 1]->seen || s->t[i - 1]->dead))
			prof_sampler_drop(s, i - 1);
	}
	return (rc);
}

static void
prof_sampler_drop(struct prof_sampler *s, size_t i)
{
	struct prof_sthread	*t = s->t[i];

	if (!t->dead)
		ptrace(PTRACE_DETACH, t->tid, NULL, NULL);
	prof_reg_del(t->slot);
	if (t->statfd != -1)
		close(t->statfd);
	if (t->pstatfd != -1)
		close(t->pstatfd);
	free(t->name);
	free(t);
	s->t[i] = s->t[--s->n];
}

/* CLOCK_MONOTONIC in nanoseconds, for the samplers' deadlines and costs. */
uint64_t
prof_mono_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec);
}

/*
 * What the walk needs of a thread in an interrupt stop, taken while it is
 * stopped: its registers (one PTRACE_GETREGS) and its stack from the red
 * zone below the stack pointer up (one process_vm_readv(2); it ends early
 * where the stack's mapping does). A leaf function may keep saved
 * registers in the red zone, and its unwind rules then read them there.
 * Returns whether there is something to walk: not when the thread died
 * before its registers or stack could be read.
 */
static int
prof_sampler_copy(struct prof_sampler *s, struct prof_sthread *t)
{
	struct user_regs_struct	 r;
	struct iovec		 local, remote;
	ssize_t			 n;
	uint64_t		*g = s->copy.regs;

	if (ptrace(PTRACE_GETREGS, t->tid, NULL, &r) == -1)
		return (0);
	g[UNW_X86_64_RAX] = r.rax;
	g[UNW_X86_64_RDX] = r.rdx;
	g[UNW_X86_64_RCX] = r.rcx;
	g[UNW_X86_64_RBX] = r.rbx;
	g[UNW_X86_64_RSI] = r.rsi;
	g[UNW_X86_64_RDI] = r.rdi;
	g[UNW_X86_64_RBP] = r.rbp;
	g[UNW_X86_64_RSP] = r.rsp;
	g[UNW_X86_64_R8] = r.r8;
	g[UNW_X86_64_R9] = r.r9;
	g[UNW_X86_64_R10] = r.r10;
	g[UNW_X86_64_R11] = r.r11;
	g[UNW_X86_64_R12] = r.r12;
	g[UNW_X86_64_R13] = r.r13;
	g[UNW_X86_64_R14] = r.r14;
	g[UNW_X86_64_R15] = r.r15;
	g[UNW_X86_64_RIP] = r.rip;
	local.iov_base = s->stack;
	local.iov_len = STACK_COPY;
	s->copy.sp = r.rsp - RED_ZONE;
	remote.iov_base = (void *)(uintptr_t)s->copy.sp;
	remote.iov_len = STACK_COPY;
	n = process_vm_readv(t->tid, &local, 1, &remote, 1, 0);
	if (n == -1 && errno == EFAULT) {
		/* The red zone is below the stack's mapping: none in use. */
		s->copy.sp = r.rsp;
		remote.iov_base = (void *)(uintptr_t)s->copy.sp;
		n = process_vm_readv(t->tid, &local, 1, &remote, 1, 0);
	}
	if (n <= 0)
		return (0);
	s->copy.stack = s->stack;
	s->copy.len = (uint64_t)n;
	return (1);
}

/* The stack copied at the thread's stop, leaf first; it runs again. */
static void
prof_sampler_unwind(struct prof_sampler *s, struct prof_sthread *t)
{
	size_t	d;

	d = prof_unw_stack(s->unw, &s->copy, t->ips, PROF_MAX_DEPTH);
	if (d > 0) {
		t->depth = d;
		t->fresh = 1;
		s->unwound++;
	}
}

/*
 * One wait status of a traced thread. Our interrupt stops are unwound (if
 * asked) and resumed; the target's own signals go back to it; a group-stop
 * is left in place with PTRACE_LISTEN; exec ends the session.
 */
static void
prof_sampler_event(struct prof_sampler *s, int tid, int status)
{
	struct prof_sthread	*t;
	uint64_t		 seen = prof_mono_ns();
	int			 event, sig, copied = 0;

	if ((t = prof_sampler_find(s, tid)) == NULL)
		return;
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		t->dead = 1;
		prof_reg[t->slot].pending = 0;
		if (tid == s->pid && s->end == PROF_END_NONE)
			s->end = PROF_END_EXIT;
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	event = status >> 16;
	sig = WSTOPSIG(status);
	prof_reg[t->slot].stopped = 1;
	switch (event) {
	case PTRACE_EVENT_STOP:
		prof_reg[t->slot].pending = 0;
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
		    sig == SIGTTOU) {
			/* A real group-stop: the target stays stopped. */
			t->listening = 1;
			ptrace(PTRACE_LISTEN, tid, NULL, NULL);
			prof_reg[t->slot].stopped = 0;
			return;
		}
		t->listening = 0;
		if (t->unwind) {
			copied = prof_sampler_copy(s, t);
			/* Python's frames are the interpreter's, read now. */
			if (copied && s->stopped != NULL)
				s->stopped(t->tid, s->stopped_arg);
			t->unwind = 0;
		}
		break;
	case PTRACE_EVENT_EXEC:
		s->end = PROF_END_EXEC;
		return;		/* stays stopped: released at the end */
	case 0:
		/* A signal for the target: deliver it. */
		ptrace(PTRACE_CONT, tid, NULL, (void *)(long)sig);
		prof_reg[t->slot].stopped = 0;
		return;
	}
	ptrace(PTRACE_CONT, tid, NULL, NULL);
	prof_reg[t->slot].stopped = 0;
	if (t->asked != 0) {
		s->held_ns += prof_mono_ns() - seen;
		s->stopped_ns += prof_mono_ns() - t->asked;
		s->stops++;
		t->asked = 0;
	}
	if (copied)
		prof_sampler_unwind(s, t);
}

/*
 * Handle what happened to the threads between samples without waiting.
 * Returns 0, or -1 when the session must end (*end says why).
 */
int
prof_sampler_drain(struct prof_sampler *s, enum prof_end *end)
{
	int	status, tid;

	for (;;) {
		tid = waitpid(-1, &status, __WALL | WNOHANG);
		if (tid == -1 && errno == EINTR)
			continue;
		if (tid <= 0)
			break;
		prof_sampler_event(s, tid, status);
	}
	if (prof_signals_pending() && s->end == PROF_END_NONE)
		s->end = PROF_END_SIGNAL;
	*end = s->end;
	return (s->end == PROF_END_NONE ? 0 : -1);
}

/* --- the session --------------------------------------------------------- */

struct prof_sampler *
prof_sampler_new(const struct prof_sampler_opts *o, char *err, size_t errlen)
{
	struct prof_sampler	*s;
	size_t			 i;
	int			 rc;

	if (prof_check_target(o->pid, err, errlen) != 0)
		return (NULL);
	s = xcalloc(1, sizeof *s);
	s->pid = o->pid;
	s->stopped = o->stopped;
	s->stopped_arg = o->stopped_arg;
	s->mode = o->mode;
	if ((s->hz = sysconf(_SC_CLK_TCK)) <= 0)
		s->hz = 100;
	if (o->tids != NULL) {
		s->only = xreallocarray(NULL, o->ntids, sizeof *s->only);
		memcpy(s->only, o->tids, o->ntids * sizeof *s->only);
		s->nonly = o->ntids;
	}
	s->unw = prof_unw_new(prof_sampler_live, s);
	s->stack = xmalloc(STACK_COPY);

	/* The leader first, so a refusal names the process. */
	if (prof_sampler_wanted(s, s->pid))
		rc = prof_sampler_seize(s, s->pid, err, errlen);
	else
		rc = 0;
	if (rc == 1 && s->zombie_leader)
		rc = 0;
	else if (rc == 1)
		snprintf(err, errlen, _("no process with PID %d"), s->pid);
	if (rc == 0 && (rc = prof_sampler_scan(s, err, errlen)) == 1)
		snprintf(err, errlen, _("process %d exited"), s->pid);
	if (rc == 0 && s->only != NULL) {
		for (i = 0; i < s->nonly; i++) {
			if (prof_sampler_find(s, s->only[i]) == NULL) {
				snprintf(err, errlen,
				    _("thread %d is not a thread of process %d"),
				    s->only[i], s->pid);
				rc = -1;
				break;
			}
		}
	}
	if (rc == 0 && s->n == 0) {
		snprintf(err, errlen,
		    _("process %d has no thread left to sample"), s->pid);
		rc = -1;
	}
	if (rc != 0) {
		prof_sampler_free(s);
		return (NULL);
	}
	prof_unw_maps(s->unw);
	return (s);
}

/*
 * One sample: every thread that ran since it was last looked at is
 * interrupted, unwound as its stop arrives, and resumed at once; the others
 * keep their last stack. cb gets each thread's stack (depth 0: none yet,
 * as it did not stop in time or could not be unwound). Returns 0, or -1 when
 * the session is over (*end says why; what was sampled is kept).
 */
int
prof_sampler_sample(struct prof_sampler *s, prof_sample_cb cb, void *arg,
    enum prof_end *end)
{
	struct prof_sthread	*t;
	struct prof_tstack	 ts;
	struct itimerval	 itv;
	char			 err[256];
	size_t			 i, waiting = 0;
	uint64_t		 ns;
	int			 status, tid, armed = 0;

	if (prof_sampler_drain(s, end) != 0)
		return (-1);
	if (prof_sampler_scan(s, err, sizeof err) != 0 || s->n == 0) {
		s->end = PROF_END_EXIT;
		*end = s->end;
		return (-1);
	}
	for (i = 0; i < s->n; i++) {
		t = s->t[i];
		t->fresh = 0;
		t->running = 0;
		if (t->dead || prof_reg[t->slot].pending)
			continue;
		if (t->listening) {
			/* Stopped by a signal, and waiting in that. */
			if (s->mode == PROF_MODE_OFF_CPU)
				prof_sampler_wait(s, t, 'T');
			continue;
		}
		if (!prof_sampler_look(s, t))
			continue;
		t->asked = prof_mono_ns();
		if (ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL) == -1) {
			t->asked = 0;
			continue;
		}
		prof_reg[t->slot].pending = 1;
		t->unwind = 1;
		waiting++;
	}
	if (waiting > 0) {
		memset(&itv, 0, sizeof itv);
		itv.it_value.tv_usec = WAIT_LIMIT_US;
		prof_signals_alarm();
		setitimer(ITIMER_REAL, &itv, NULL);
		armed = 1;
	}
	while (waiting > 0) {
		tid = waitpid(-1, &status, __WALL);
		if (tid == -1 && errno == EINTR) {
			/* A stop signal, or too slow a thread; else SIGCHLD. */
			if (prof_signals_pending() || prof_signals_alarm())
				break;
			continue;
		}
		if (tid == -1)
			break;
		t = prof_sampler_find(s, tid);
		if (t != NULL && t->unwind && (WIFEXITED(status) ||
		    WIFSIGNALED(status) || (WIFSTOPPED(status) &&
		    (status >> 16) == PTRACE_EVENT_STOP)))
			waiting--;
		prof_sampler_event(s, tid, status);
		if (t != NULL && t->listening)
			t->unwind = 0;
		if (s->end != PROF_END_NONE)
			break;
	}
	if (armed) {
		memset(&itv, 0, sizeof itv);
		setitimer(ITIMER_REAL, &itv, NULL);
	}
	for (i = 0; i < s->n; i++) {
		t = s->t[i];
		t->unwind = 0;
		if (t->dead)
			continue;
		if (t->fresh && (++t->nfresh == 2 || t->nfresh % 128 == 0))
			prof_sampler_name(s, t);
		ts.tid = t->tid;
		ts.name = t->name;
		ts.ips = t->ips;
		ts.depth = t->depth;
		ts.fresh = t->fresh;
		ts.running = t->running;
		ts.wait = t->wait[0] != '\0' ? t->wait : NULL;
		cb(&ts, arg);
	}
	/*
	 * Baselines after the callbacks: a sleeping thread our interrupt woke
	 * has gone back to sleep by now, so its time does not seem to move.
	 */
	for (i = 0; i < s->n; i++) {
		t = s->t[i];
		if (t->fresh && prof_oncpu(s, t, &ns) == 0)
			t->oncpu = ns;
	}
	if (prof_signals_pending() && s->end == PROF_END_NONE)
		s->end = PROF_END_SIGNAL;
	*end = s->end;
	return (s->end == PROF_END_NONE ? 0 : -1);
}

size_t
prof_sampler_nthreads(const struct prof_sampler *s)
{
	return (s->n);
}

/* A thread whose /proc entries show the process's memory map. */
int
prof_sampler_live_tid(const struct prof_sampler *s)
{
	if (s->zombie_leader && s->n > 0)
		return (s->t[0]->tid);
	return (s->pid);
}

uint64_t
prof_sampler_unwound(const struct prof_sampler *s)
{
	return (s->unwound);
}

/*
 * Nanoseconds threads spent stopped (interrupt to resume), and stops; in
 * *held the part of it from the stop's wait status to the resume: what
 * vigil itself keeps a thread stopped, the rest is the time the thread
 * takes to reach the stop and vigil to be woken by it.
 */
uint64_t
prof_sampler_stopped_ns(const struct prof_sampler *s, uint64_t *stops,
    uint64_t *held)
{
	*stops = s->stops;
	*held = s->held_ns;
	return (s->stopped_ns);
}

static int
prof_sampler_live(const void *arg)
{
	return (prof_sampler_live_tid(arg));
}

/* Release every thread (running, unless the target stopped itself). */
void
prof_sampler_free(struct prof_sampler *s)
{
	if (s == NULL)
		return;
	prof_release();
	while (s->n > 0) {
		s->t[0]->dead = 1;	/* detached: nothing more to do */
		prof_sampler_drop(s, 0);
	}
	free(s->t);
	prof_unw_free(s->unw);
	if (s->taskdir != NULL)
		closedir(s->taskdir);
	free(s->stack);
	free(s->only);
	free(s);
}
