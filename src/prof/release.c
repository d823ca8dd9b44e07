/*
 * The release guarantee: every thread vigil traces is in one static table,
 * and prof_release() detaches them all using nothing but system calls, so
 * it is safe in a signal handler. SIGINT, SIGTERM, SIGHUP and SIGPIPE only
 * set a flag (the sampler stops and releases on its normal path, keeping
 * what it collected); SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT release
 * in the handler and then die as they would have. SIGKILL cannot be
 * caught: the kernel then detaches every tracee itself (exit_ptrace() wakes
 * a thread in a ptrace stop, and delivers the signal a signal-delivery-stop
 * held), which tests/e2e/prof_release.sh checks.
 */

#include "vigil.h"

#include <sys/ptrace.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sampler-int.h"

struct prof_reg	prof_reg[PROF_REG_MAX];
volatile sig_atomic_t prof_reg_n;

static volatile sig_atomic_t prof_sig;
static volatile sig_atomic_t prof_paused;
static volatile sig_atomic_t prof_alarm;
static struct sigaction prof_old[NSIG];
static int	prof_installed;

static const int prof_stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
static const int prof_crash_signals[] = {
	SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT
};

static void	prof_on_stop(int);
static void	prof_on_crash(int);
static void	prof_on_alarm(int);
static void	prof_on_pause(int);
static void	prof_on_child(int);

/* A free slot for tid, or -1 when the table is full. */
int
prof_reg_add(int tid)
{
	int	i;

	for (i = 0; i < prof_reg_n; i++) {
		if (prof_reg[i].tid == 0)
			break;
	}
	if (i == PROF_REG_MAX)
		return (-1);
	prof_reg[i].stopped = 0;
	prof_reg[i].pending = 0;
	prof_reg[i].tid = tid;
	if (i == prof_reg_n)
		prof_reg_n = i + 1;
	return (i);
}

void
prof_reg_del(int slot)
{
	if (slot >= 0 && slot < PROF_REG_MAX) {
		prof_reg[slot].tid = 0;
		prof_reg[slot].stopped = prof_reg[slot].pending = 0;
	}
}

static int
prof_reg_find(int tid)
{
	int	i;

	for (i = 0; i < prof_reg_n; i++) {
		if (prof_reg[i].tid == tid)
			return (i);
	}
	return (-1);
}

/*
 * Detach every registered thread and leave it running (or stopped, if the
 * target itself is in a group-stop: that stop is the user's). A thread
 * must be in a ptrace stop to be detached: those running are interrupted
 * first, and a signal caught in a signal-delivery-stop goes back to it
 * with the detach. Gives up on a thread after about a second (it may be in
 * an uninterruptible sleep); vigil's exit then releases it. Async-signal-
 * safe.
 */
void
prof_release(void)
{
	struct timespec	 ms = { 0, 1000000 };
	int		 i, left = 0, tries, status, sig, tid, saved;

	saved = errno;
	for (i = 0; i < prof_reg_n; i++) {
		if ((tid = prof_reg[i].tid) == 0)
			continue;
		if (prof_reg[i].stopped) {
			ptrace(PTRACE_DETACH, tid, NULL, NULL);
			prof_reg[i].tid = 0;
			continue;
		}
		if (!prof_reg[i].pending &&
		    ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) == -1) {
			prof_reg[i].tid = 0;	/* gone */
			continue;
		}
		prof_reg[i].pending = 1;
		left++;
	}
	for (tries = 0; left > 0 && tries < 1000; ) {
		tid = waitpid(-1, &status, __WALL | WNOHANG);
		if (tid == -1 && errno == EINTR)
			continue;
		if (tid == -1)
			break;		/* ECHILD: nothing traced is left */
		if (tid == 0) {
			nanosleep(&ms, NULL);
			tries++;
			continue;
		}
		if ((i = prof_reg_find(tid)) == -1)
			continue;
		if (WIFSTOPPED(status)) {
			/* A signal-delivery-stop: give the signal back. */
			sig = (status >> 16) == 0 ? WSTOPSIG(status) : 0;
			ptrace(PTRACE_DETACH, tid, NULL,
			    (void *)(long)sig);
		}
		prof_reg[i].tid = 0;
		left--;
	}
	errno = saved;
}

static void
prof_on_stop(int sig)
{
	prof_sig = sig;
}

static void
prof_on_alarm(__unused int sig)
{
	prof_alarm = 1;		/* a wait took too long */
}

static void
prof_on_child(__unused int sig)
{
	/* Only wakes the sampler's sleep: a traced thread has news. */
}

/* SIGUSR1: the monitor's pause key; sampling stops, the target runs free. */
static void
prof_on_pause(__unused int sig)
{
	prof_paused = !prof_paused;
}

/* Whether SIGUSR1 has paused the sampling. */
int
prof_signals_paused(void)
{
	return (prof_paused);
}

static void
prof_on_crash(int sig)
{
	prof_release();
	sigaction(sig, &prof_old[sig], NULL);
	raise(sig);
}

/*
 * Handlers for the whole session. No SA_RESTART: a signal interrupts the
 * sampler's waits, so it stops within one sample, and SIGCHLD (a traced
 * thread stopped) wakes it between samples to pass the target's signals
 * on at once.
 */
void
prof_signals_install(void)
{
	struct sigaction	sa;
	size_t			i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = prof_on_stop;
	for (i = 0; i < nitems(prof_stop_signals); i++)
		sigaction(prof_stop_signals[i], &sa, &prof_old[prof_stop_signals[i]]);
	sa.sa_handler = prof_on_alarm;
	sigaction(SIGALRM, &sa, &prof_old[SIGALRM]);
	sa.sa_handler = prof_on_pause;
	sigaction(SIGUSR1, &sa, &prof_old[SIGUSR1]);
	sa.sa_handler = prof_on_child;
	sigaction(SIGCHLD, &sa, &prof_old[SIGCHLD]);
	sa.sa_handler = prof_on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < nitems(prof_crash_signals); i++)
		sigaction(prof_crash_signals[i], &sa,
		    &prof_old[prof_crash_signals[i]]);
	prof_installed = 1;
}

/* The signal that asked the session to stop, or 0. */
int
prof_signals_pending(void)
{
	return (prof_sig);
}

/*
 * Whether the wait limit's SIGALRM came since the last call (which clears
 * it).
 */
int
prof_signals_alarm(void)
{
	int	fired = prof_alarm;

	prof_alarm = 0;
	return (fired);
}

void
prof_signals_restore(void)
{
	size_t	i;

	if (!prof_installed)
		return;
	for (i = 0; i < nitems(prof_stop_signals); i++)
		sigaction(prof_stop_signals[i], &prof_old[prof_stop_signals[i]],
		    NULL);
	sigaction(SIGALRM, &prof_old[SIGALRM], NULL);
	sigaction(SIGUSR1, &prof_old[SIGUSR1], NULL);
	sigaction(SIGCHLD, &prof_old[SIGCHLD], NULL);
	for (i = 0; i < nitems(prof_crash_signals); i++)
		sigaction(prof_crash_signals[i],
		    &prof_old[prof_crash_signals[i]], NULL);
	prof_installed = 0;
}
