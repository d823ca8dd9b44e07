/* strace of the selected process, in the log pane's place (s). */

#include "vigil.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "action.h"
#include "buf.h"
#include "inspect.h"
#include "logs.h"
#include "loop.h"
#include "options.h"
#include "procaccess.h"
#include "sample.h"
#include "spawn.h"
#include "ui-int.h"

#define ST_END_WAIT	2.0	/* seconds strace has to detach */
#define ST_LINES	5000	/* the lines kept */
#define ST_READ_MAX	(256 * 1024)	/* bytes read per wakeup */

static void	st_read(int, short, void *);
static void	st_ended(struct tui *, int);
static void	st_stop(struct tui *);
static void	st_close_pidfd(struct tui_strace *);
static int	st_attached_wrong(struct tui *, const char *, size_t);

static void
st_close_pidfd(struct tui_strace *st)
{
	if (st->pidfd > 0)
		close(st->pidfd);
	st->pidfd = -1;
}

/*
 * strace said it attached: if the chosen process has exited by now, its
 * PID may have named another process when strace took it, so strace is
 * stopped at once. Returns 1 if it was.
 */
static int
st_attached_wrong(struct tui *t, const char *buf, size_t n)
{
	struct tui_strace	*st = &t->st;

	if (st->attached || memmem(buf, n, " attached", 9) == NULL)
		return (0);
	st->attached = 1;
	if (st->pidfd == -1 || syscall(SYS_pidfd_send_signal, st->pidfd, 0,
	    NULL, 0) == 0 || errno != ESRCH)
		return (0);
	st_stop(t);
	snprintf(st->ended, sizeof st->ended, _("process %d exited before "
	    "strace attached: strace stopped"), st->pid);
	logs_stream_end(st->logs, st->id, st->ended);
	return (1);
}

int
tui_strace_shown(const struct tui *t)
{
	return (t->st.logs != NULL);
}

/*
 * s: strace the selected process in the pane, or stop it if it runs. The
 * target is the process selected now (PID and start time), checked again
 * before strace starts; the log pane, if open, gives its place.
 */
void
tui_strace_toggle(struct tui *t)
{
	struct tui_strace	*st = &t->st;
	struct proc		*p = tui_selected(t);
	struct action_target	 target;
	struct logs		*logs;
	const char		*why;
	char			 err[512];
	int			 pidfd;

	if (tui_strace_shown(t)) {
		tui_strace_close(t);
		return;
	}
	if (p == NULL)
		return;
	if (t->o->readonly) {
		tui_status(t, 1, "%s", action_readonly_refusal());
		return;
	}
	memset(&target, 0, sizeof target);
	target.pid = p->pid;
	target.start = p->start;
	snprintf(target.comm, sizeof target.comm, "%s", p->comm);
	/*
	 * strace takes a PID. A pidfd opened before the start time is
	 * checked names the chosen process; once strace says it attached,
	 * that process still living means the PID named it all along.
	 */
	pidfd = syscall(SYS_pidfd_open, target.pid, 0);
	if ((why = action_strace.refuse(&target, 1)) != NULL) {
		tui_status(t, 1, "%s", why);
		if (pidfd != -1)
			close(pidfd);
		return;
	}
	memset(st, 0, sizeof *st);
	st->pidfd = pidfd;
	st->fd = -1;
	st->pid = target.pid;
	st->start = target.start;
	snprintf(st->comm, sizeof st->comm, "%s", target.comm);
	if (inspect_strace_start(st->pid, &st->child, &st->fd, err,
	    sizeof err) != 0) {
		st->child = 0;
		st_close_pidfd(st);
		tui_status(t, 1, _("cannot strace: %s"), err);
		return;
	}
	logs = logs_new_streams(ST_LINES);
	/* The pane, in the place and size the log pane had. */
	if (t->lp.shown)
		tui_logpane_toggle(t);
	st->logs = logs;
	st->id = logs_add_stream(st->logs, "strace");
	loop_add_fd(t->loop, st->fd, POLLIN, st_read, t);
	t->lp.shown = t->lp.focus = 1;
	t->lp.anchor = t->lp.match = 0;
}

/* What strace wrote; its end (EOF) says whether the target went too. */
static void
st_read(int fd, short revents, void *arg)
{
	struct tui		*t = arg;
	struct tui_strace	*st = &t->st;
	char			 buf[16384];
	ssize_t			 n;
	size_t			 total = 0;

	/* A busy target makes lines faster than a screen: take a bite. */
	while (total < ST_READ_MAX) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			st_ended(t, n == 0 ? 0 : errno);
			break;
		}
		total += n;
		/* "strace: attach: ptrace(PTRACE_SEIZE, 42): Operation ..." */
		if (memmem(buf, n, "attach: ptrace(", 15) != NULL)
			st->denied = 1;
		logs_stream_feed(st->logs, st->id, buf, n);
		if (st_attached_wrong(t, buf, n))
			break;
	}
	tui_redraw_soon(t);
}

/*
 * strace has closed its output: it exited, because the target did or
 * because it could not trace it. Reap it, and say which in the pane.
 */
static void
st_ended(struct tui *t, int e)
{
	struct tui_strace	*st = &t->st;
	unsigned long long	 start;
	int			 status, gone;

	loop_del_fd(t->loop, st->fd);
	close(st->fd);
	st->fd = -1;
	status = spawn_end(st->child, ST_END_WAIT);
	st->child = 0;
	gone = sample_start_time(st->pid, &start) != 0 ||
	    start != st->start || inspect_exited(st->pid);
	if (gone)
		snprintf(st->ended, sizeof st->ended,
		    _("process %d exited; strace ended"), st->pid);
	else if (st->denied)
		proc_access_explain(st->pid, PROC_ACCESS_TRACE, NULL, EPERM,
		    st->ended, sizeof st->ended);
	else if (WIFEXITED(status))
		snprintf(st->ended, sizeof st->ended,
		    _("strace ended with status %d"), WEXITSTATUS(status));
	else
		snprintf(st->ended, sizeof st->ended,
		    _("strace ended (signal %d)"), WTERMSIG(status));
	if (e != 0)
		snprintf(st->ended + strlen(st->ended),
		    sizeof st->ended - strlen(st->ended), ": %s", strerror(e));
	logs_stream_end(st->logs, st->id, st->ended);
}

/*
 * Stop strace: its pipe closed first (a strace blocked writing to it gets
 * EPIPE and exits), then SIGTERM, on which it detaches from every thread
 * it traces; SIGKILL if it has not ended in ST_END_WAIT seconds, when the
 * kernel detaches them. Reaped either way.
 */
static void
st_stop(struct tui *t)
{
	tui_child_end(t, &t->st.fd, &t->st.child, ST_END_WAIT);
}

/* s again, Esc, l, or vigil's exit: strace stops and the pane closes. */
void
tui_strace_close(struct tui *t)
{
	struct tui_strace	*st = &t->st;

	st_stop(t);
	st_close_pidfd(st);
	if (st->logs == NULL)
		return;
	logs_free(st->logs);
	st->logs = NULL;
	t->lp.shown = t->lp.focus = t->lp.full = 0;
	t->lp.anchor = t->lp.match = 0;
}

/* The pane's title: whose system calls, and whether strace still runs. */
void
tui_strace_title(struct tui *t, struct buf *b)
{
	struct tui_strace	*st = &t->st;

	buf_printf(b, _(" strace of %s (%d)"), st->comm, st->pid);
	if (st->ended[0] != '\0')
		buf_printf(b, "  [%s]", st->ended);
	else
		buf_adds(b, _("  [s or Esc stops]"));
}
