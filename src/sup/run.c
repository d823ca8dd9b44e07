/* vigil run: the supervisor process, and the shell's side of its socket. */

#include "vigil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fdlimit.h"
#include "htrack.h"
#include "json.h"
#include "loop.h"
#include "sample.h"
#include "sanitize.h"
#include "sup.h"
#include "xalloc.h"

extern char **environ;

/*
 * Clients of the socket are read without blocking, a few at a time, each
 * within a deadline: one that connects and sends nothing (or never ends
 * its line) costs a slot for SUP_CLIENT_SECONDS, never the loop's time,
 * so the supervised command is watched and a legitimate client answered
 * whatever the others do.
 */
#define SUP_CLIENTS		16
#define SUP_CLIENT_SECONDS	2.0
#define SUP_REQ_MAX		64

struct sup_client {
	int	fd;		/* -1: free */
	char	req[SUP_REQ_MAX];
	size_t	got;
	double	deadline;
};

struct sup {
	struct sup_opts		*o;
	struct loop		*loop;
	char			 name[SUP_NAME_MAX];
	char			 exe[4096];
	char			 sock[4096];
	char			 state[4096];
	char			 log[4096];
	char			 events[4096];

	int			 listen_fd;
	int			 log_fd;
	off_t			 log_len;
	int			 events_fd;
	int			 out_fd;	/* the child's stdout and stderr */
	int			 ready_fd;	/* to the vigil run that started us */

	pid_t			 child;
	unsigned long long	 child_start;
	double			 started_at;
	long			 restarts;	/* all of them */
	long			 auto_restarts;	/* by policy */
	unsigned		 attempt;	/* backoff doubling so far */
	int			 backoff_timer;
	int			 kill_timer;
	int			 stopping;
	int			 restarting;	/* asked through the socket */
	int			 pending_fd;	/* a client waiting for the end */
	int			 status;

	struct sup_client	 clients[SUP_CLIENTS];
	int			 client_timer;
	unsigned long		 refused;	/* since the last said */
	double			 refused_said;
};

static void	sup_event(struct sup *, const char *, int, int, const char *,
		    ...) __attribute__((format(printf, 5, 6)));
static int	sup_start_child(struct sup *);
static void	sup_write_state(struct sup *);
static void	sup_finish(struct sup *, int);

static double
sup_clock(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static void
sup_timestamp(char *out, size_t len)
{
	struct timespec	ts;
	struct tm	tm;
	char		tmp[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(tmp, sizeof tmp, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, len, "%.24s.%03dZ", tmp, (int)(ts.tv_nsec / 1000000) % 1000);
}

static void
sup_write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0 && (w = write(fd, p, n)) != 0) {
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= w;
	}
}

/* Rotate by renaming: log.N-1 to log.N ... log to log.1, then reopen. */
static void
sup_rotate(struct sup *s)
{
	char	from[4200], to[4200];
	int	i;

	close(s->log_fd);
	for (i = s->o->log_keep; i > 0; i--) {
		sup_rotate_name(from, sizeof from, s->log, i - 1);
		sup_rotate_name(to, sizeof to, s->log, i);
		rename(from, to);
	}
	if (s->o->log_keep == 0)
		unlink(s->log);
	s->log_fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600);
	s->log_len = 0;
}

/*
 * Append to the log, rotating so no file grows past --log-size: a chunk
 * that does not fit is cut after its last whole line that does (a line
 * longer than the whole size is cut where the size ends).
 */
static void
sup_log_write(struct sup *s, const char *p, size_t n)
{
	const char	*nl;
	size_t		 room, cut;

	while (n > 0) {
		room = s->log_len < s->o->log_size ?
		    (size_t)(s->o->log_size - s->log_len) : 0;
		if (n <= room)
			cut = n;
		else if (room > 0 && (nl = memrchr(p, '\n', room)) != NULL)
			cut = nl - p + 1;
		else if (s->log_len > 0) {
			sup_rotate(s);
			continue;
		} else
			cut = room;
		if (s->log_fd == -1)
			return;
		sup_write_all(s->log_fd, p, cut);
		s->log_len += cut;
		p += cut;
		n -= cut;
		if (n > 0)
			sup_rotate(s);
	}
}

static void
sup_argv_text(struct sup *s, struct buf *b)
{
	int	i;

	for (i = 0; i < s->o->argc; i++) {
		if (i > 0)
			buf_addc(b, ' ');
		sanitize(b, s->o->argv[i], strlen(s->o->argv[i]), 0);
	}
}

/*
 * One event: a line in the log ("[vigil run TIME] NAME: what") and a JSON
 * line in the events file. pid, value: -1 when not part of the event.
 */
static void
sup_event(struct sup *s, const char *kind, int pid, int value,
    const char *fmt, ...)
{
	struct buf	 b = BUF_INITIALIZER, msg = BUF_INITIALIZER;
	struct json	 j;
	char		 ts[40];
	va_list		 ap;
	char		*text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) == -1)
		text = NULL;
	va_end(ap);
	sup_timestamp(ts, sizeof ts);
	buf_printf(&msg, "[vigil run %s] %s: %s\n", ts, s->name,
	    text != NULL ? text : kind);
	sup_log_write(s, msg.data, msg.len);

	json_init(&j, &b);
	json_object_begin(&j);
	json_key(&j, "time");
	json_string(&j, ts);
	json_key(&j, "name");
	json_string(&j, s->name);
	json_key(&j, "event");
	json_string(&j, kind);
	if (pid > 0) {
		json_key(&j, "pid");
		json_int(&j, pid);
	}
	if (strcmp(kind, "exit") == 0) {
		json_key(&j, "code");
		json_int(&j, value);
	} else if (strcmp(kind, "signal") == 0) {
		json_key(&j, "signal");
		json_int(&j, value);
	} else if (strcmp(kind, "backoff") == 0) {
		json_key(&j, "delay_ms");
		json_int(&j, value);
	}
	json_key(&j, "restarts");
	json_int(&j, s->restarts);
	json_key(&j, "message");
	json_string(&j, text != NULL ? text : kind);
	json_object_end(&j);
	buf_addc(&b, '\n');
	if (s->events_fd != -1)
		sup_write_all(s->events_fd, b.data, b.len);
	buf_free(&b);
	buf_free(&msg);
	free(text);
}

static void
sup_write_state(struct sup *s)
{
	char	tmp[4200];
	FILE	*f;

	snprintf(tmp, sizeof tmp, "%s.tmp", s->state);
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	fprintf(f, "%d %d %llu %ld %s\n%s\n", (int)getpid(), (int)s->child,
	    s->child_start, s->restarts, s->stopping ? "stopping" :
	    s->child > 0 ? "running" : "backoff", s->log);
	if (fclose(f) != 0 || rename(tmp, s->state) != 0)
		unlink(tmp);
}

static void
sup_output(int fd, short revents, void *arg)
{
	struct sup	*s = arg;
	char		 buf[65536];
	ssize_t		 n;

	while ((n = read(fd, buf, sizeof buf)) > 0)
		sup_log_write(s, buf, n);
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
		loop_del_fd(s->loop, fd);
		close(fd);
		if (s->out_fd == fd)
			s->out_fd = -1;
	}
}

static void
sup_reply(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
sup_reply(int fd, const char *fmt, ...)
{
	va_list	ap;
	char	line[1024];

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	sup_write_all(fd, line, strlen(line));
	sup_write_all(fd, "\n", 1);
}

static void
sup_kill_timeout(void *arg)
{
	struct sup	*s = arg;

	loop_del_timer(s->loop, s->kill_timer);
	s->kill_timer = -1;
	if (s->child > 0) {
		sup_event(s, "kill", s->child, SIGKILL,
		    _("pid %d did not exit %g s after SIGTERM: sending SIGKILL"),
		    (int)s->child, s->o->stop_timeout);
		kill(s->child, SIGKILL);
	}
}

/* SIGTERM the child; SIGKILL if it is still there after the timeout. */
static void
sup_terminate(struct sup *s)
{
	if (s->child <= 0)
		return;
	kill(s->child, SIGTERM);
	if (s->kill_timer == -1)
		s->kill_timer = loop_add_timer(s->loop, s->o->stop_timeout, 0,
		    sup_kill_timeout, s);
}

static void
sup_backoff_fire(void *arg)
{
	struct sup	*s = arg;

	loop_del_timer(s->loop, s->backoff_timer);
	s->backoff_timer = -1;
	if (!s->stopping && s->child == 0)
		sup_start_child(s);
}

/* What happens after the child ended with wait status. */
static void
sup_after_exit(struct sup *s, int status)
{
	double	ran = sup_clock() - s->started_at, delay;

	if (s->stopping) {
		if (s->pending_fd != -1) {
			sup_reply(s->pending_fd, "ok stopped %s", s->name);
			close(s->pending_fd);
			s->pending_fd = -1;
		}
		sup_event(s, "stop", -1, -1, _("supervisor stopped"));
		sup_finish(s, 0);
		return;
	}
	if (s->restarting) {
		s->restarting = 0;
		s->restarts++;
		if (sup_start_child(s) == 0 && s->pending_fd != -1)
			sup_reply(s->pending_fd, "ok %d", (int)s->child);
		else if (s->pending_fd != -1)
			sup_reply(s->pending_fd, "error %s",
			    _("the command could not be started again"));
		if (s->pending_fd != -1)
			close(s->pending_fd);
		s->pending_fd = -1;
		return;
	}
	/* A child that ran for the longest delay starts the doubling over. */
	if (ran >= s->o->backoff_max)
		s->attempt = 0;
	if (!sup_should_restart(s->o->policy, status, s->auto_restarts,
	    s->o->max_restarts)) {
		if (s->o->max_restarts >= 0 &&
		    s->auto_restarts >= s->o->max_restarts &&
		    sup_should_restart(s->o->policy, status, 0, -1))
			sup_event(s, "giveup", -1, -1,
			    _("giving up after %ld restarts (--max-restarts %ld)"),
			    s->auto_restarts, s->o->max_restarts);
		else
			sup_event(s, "done", -1, -1,
			    _("not restarting (--restart %s)"),
			    sup_policy_name(s->o->policy));
		sup_finish(s, 0);
		return;
	}
	delay = sup_backoff(s->o->backoff_min, s->o->backoff_max, s->attempt);
	s->attempt++;
	s->auto_restarts++;
	s->restarts++;
	sup_event(s, "backoff", -1, (int)(delay * 1000),
	    _("restart %ld in %.3g s"),
	    s->auto_restarts, delay);
	sup_write_state(s);
	s->backoff_timer = loop_add_timer(s->loop, delay, 0, sup_backoff_fire,
	    s);
}

static void
sup_reaped(struct sup *s, int status)
{
	int	pid = s->child;

	/* The last words first: what is in the pipe precedes the exit. */
	if (s->out_fd != -1)
		sup_output(s->out_fd, POLLIN, s);
	if (WIFEXITED(status))
		sup_event(s, "exit", pid, WEXITSTATUS(status),
		    _("pid %d exited with code %d"), pid, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		sup_event(s, "signal", pid, WTERMSIG(status),
		    _("pid %d was killed by signal %d (%s)%s"), pid,
		    WTERMSIG(status), strsignal(WTERMSIG(status)),
		    WCOREDUMP(status) ? _(", core dumped") : "");
	s->child = 0;
	s->child_start = 0;
	if (s->kill_timer != -1) {
		loop_del_timer(s->loop, s->kill_timer);
		s->kill_timer = -1;
	}
	sup_write_state(s);
	sup_after_exit(s, status);
}

static void
sup_signal(int signo, void *arg)
{
	struct sup	*s = arg;
	pid_t		 pid;
	int		 status;

	if (signo == SIGCHLD) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == s->child)
				sup_reaped(s, status);
		}
		return;
	}
	/* SIGTERM, SIGINT: stop the command, then ourselves. */
	s->stopping = 1;
	sup_event(s, "stopping", -1, -1, _("stopping on %s"),
	    strsignal(signo));
	if (s->child > 0)
		sup_terminate(s);
	else
		sup_finish(s, 0);
}

/* Run the command, its stdout and stderr into a pipe we read. */
static int
sup_start_child(struct sup *s)
{
	struct buf	b = BUF_INITIALIZER;
	sigset_t	all;
	pid_t		pid;
	int		p[2], devnull;

	if (pipe2(p, O_CLOEXEC) == -1) {
		sup_event(s, "error", -1, -1, _("pipe: %s"), strerror(errno));
		return (-1);
	}
	if ((pid = fork()) == -1) {
		sup_event(s, "error", -1, -1, _("fork: %s"), strerror(errno));
		close(p[0]);
		close(p[1]);
		return (-1);
	}
	if (pid == 0) {
		/* The loop blocked these for its signalfd: not the child's. */
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if ((devnull = open("/dev/null", O_RDONLY)) != -1) {
			dup2(devnull, 0);
			if (devnull != 0)
				close(devnull);
		}
		dup2(p[1], 1);
		dup2(p[1], 2);
		fdlimit_restore();
		execve(s->exe, s->o->argv, environ);
		dprintf(2, "vigil run: cannot run %s: %s\n", s->exe,
		    strerror(errno));
		_exit(127);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	if (s->out_fd != -1) {
		loop_del_fd(s->loop, s->out_fd);
		close(s->out_fd);
	}
	s->out_fd = p[0];
	loop_add_fd(s->loop, p[0], POLLIN, sup_output, s);
	s->child = pid;
	if (sample_start_time(pid, &s->child_start) != 0)
		s->child_start = 0;
	s->started_at = sup_clock();
	sup_argv_text(s, &b);
	sup_event(s, "start", pid, -1, _("started pid %d (restart %ld): %s"),
	    (int)pid, s->restarts, buf_str(&b));
	buf_free(&b);
	sup_write_state(s);
	return (0);
}

static void
sup_status_json(struct sup *s, struct buf *b)
{
	struct json	j;
	int		i;

	json_init(&j, b);
	json_object_begin(&j);
	json_key(&j, "name");
	json_string(&j, s->name);
	json_key(&j, "supervisor_pid");
	json_int(&j, getpid());
	json_key(&j, "pid");
	json_int(&j, s->child);
	json_key(&j, "state");
	json_string(&j, s->stopping ? "stopping" : s->child > 0 ? "running" :
	    "backoff");
	json_key(&j, "restarts");
	json_int(&j, s->restarts);
	json_key(&j, "policy");
	json_string(&j, sup_policy_name(s->o->policy));
	json_key(&j, "max_restarts");
	json_int(&j, s->o->max_restarts);
	json_key(&j, "log");
	json_string(&j, s->log);
	json_key(&j, "events");
	json_string(&j, s->events);
	json_key(&j, "command");
	json_array_begin(&j);
	for (i = 0; i < s->o->argc; i++)
		json_string(&j, s->o->argv[i]);
	json_array_end(&j);
	json_object_end(&j);
}

/*
 * "restart PID": restart the child only if it is still PID, the one the
 * monitor showed its user. The supervisor is its parent, so PID cannot
 * name another process unseen here: if the child has exited (and was
 * perhaps started again), the reply says so and nothing is restarted.
 * Returns 1 when it refused.
 */
static int
sup_restart_stale(struct sup *s, int fd, int pid)
{
	char	why[160];

	if (s->child > 0 && s->child == (pid_t)pid)
		return (0);
	if (s->child > 0)
		snprintf(why, sizeof why, _("process %d has exited; its "
		    "child is now PID %d: nothing was restarted"), pid,
		    (int)s->child);
	else
		snprintf(why, sizeof why, _("process %d has exited, and no "
		    "child runs now: nothing was restarted"), pid);
	sup_reply(fd, "error %s", why);
	return (1);
}

/* One request from a client the peer check let through. */
static void
sup_request_one(struct sup *s, int fd, const char *buf, size_t len)
{
	struct buf	b = BUF_INITIALIZER;
	struct sup_req	r;

	sup_parse_request(buf, len, &r);
	if (r.kind == SUP_REQ_STATUS) {
		sup_status_json(s, &b);
		sup_reply(fd, "%s", buf_str(&b));
		buf_free(&b);
	} else if (r.kind == SUP_REQ_UNKNOWN)
		sup_reply(fd, "error %s", _("unknown request (status, restart [PID], stop)"));
	else if (s->pending_fd != -1 || s->stopping) {
		sup_reply(fd, "error %s", _("busy with an earlier request"));
	} else if (r.kind == SUP_REQ_STOP) {
		s->stopping = 1;
		sup_event(s, "stopping", -1, -1, _("stop requested"));
		if (s->child > 0) {
			s->pending_fd = fd;
			sup_write_state(s);
			sup_terminate(s);
			return;
		}
		sup_reply(fd, "ok stopped %s", s->name);
		close(fd);
		sup_finish(s, 0);
		return;
	} else if (r.kind == SUP_REQ_BAD_PID)
		sup_reply(fd, "error %s", _("restart takes a PID, or nothing"));
	else {
		if (r.pid != 0 && sup_restart_stale(s, fd, r.pid)) {
			close(fd);
			return;
		}
		sup_event(s, "restart", s->child, -1, _("restart requested"));
		if (s->child > 0) {
			s->restarting = 1;
			s->pending_fd = fd;
			sup_terminate(s);
			return;
		}
		if (s->backoff_timer != -1) {
			loop_del_timer(s->loop, s->backoff_timer);
			s->backoff_timer = -1;
		}
		if (sup_start_child(s) == 0)
			sup_reply(fd, "ok %d", (int)s->child);
		else
			sup_reply(fd, "error %s", _("the command could not be started"));
	}
	close(fd);
}

/*
 * Refusals are said in the log, but a flood of them is said once a
 * second with its count, not a line per connection.
 */
static void
sup_refused(struct sup *s, const char *why)
{
	double	now = sup_clock();

	s->refused++;
	if (now - s->refused_said < 1.0)
		return;
	if (s->refused == 1)
		sup_event(s, "refused", -1, -1, "%s", why);
	else
		sup_event(s, "refused", -1, -1,
		    _("%s (and %lu more refused in the last second)"), why,
		    s->refused - 1);
	s->refused = 0;
	s->refused_said = now;
}

static void
sup_client_drop(struct sup *s, struct sup_client *c)
{
	loop_del_fd(s->loop, c->fd);
	close(c->fd);
	c->fd = -1;
}

/* The line is complete (or the client closed its end): answer it. */
static void
sup_client_done(struct sup *s, struct sup_client *c)
{
	struct timeval	tv = { 1, 0 };
	int		fd = c->fd;

	loop_del_fd(s->loop, fd);
	c->fd = -1;
	/* Replies are short: a client that does not read costs a second. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	sup_request_one(s, fd, c->req, c->got);
}

static void
sup_client_read(int fd, short revents, void *arg)
{
	struct sup		*s = arg;
	struct sup_client	*c = NULL;
	ssize_t			 n;
	size_t			 i;

	for (i = 0; i < SUP_CLIENTS; i++) {
		if (s->clients[i].fd == fd)
			c = &s->clients[i];
	}
	if (c == NULL)
		return;
	n = read(fd, c->req + c->got, sizeof c->req - 1 - c->got);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* Half-closed after a request without its newline: answer. */
		if (n == 0 && c->got > 0)
			sup_client_done(s, c);
		else
			sup_client_drop(s, c);
		return;
	}
	c->got += n;
	if (memchr(c->req, '\n', c->got) != NULL) {
		sup_client_done(s, c);
		return;
	}
	if (c->got + 1 >= sizeof c->req) {
		sup_reply(fd, "error %s", _("request too long"));
		sup_refused(s, _("dropped a client whose request was too long"));
		sup_client_drop(s, c);
	}
}

/* Clients past their deadline are dropped. */
static void
sup_client_timer(void *arg)
{
	struct sup	*s = arg;
	double		 now = sup_clock();
	size_t		 i;

	for (i = 0; i < SUP_CLIENTS; i++) {
		if (s->clients[i].fd != -1 && now > s->clients[i].deadline) {
			sup_refused(s, _("dropped a client that sent no request in time"));
			sup_client_drop(s, &s->clients[i]);
		}
	}
}

/*
 * A client: only our own user or root may ask anything; the socket's
 * mode says the same, this check holds even if the mode was loosened.
 */
static void
sup_accept(int lfd, short revents, void *arg)
{
	struct sup		*s = arg;
	struct sup_client	*c = NULL;
	struct ucred		 cr;
	socklen_t		 len = sizeof cr;
	char			 msg[512];
	size_t			 i;
	int			 fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) ==
	    -1)
		return;
	cr.uid = (uid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1 ||
	    (cr.uid != geteuid() && cr.uid != 0)) {
		snprintf(msg, sizeof msg,
		    _("supervisor %s refuses uid %u: only uid %u (its owner) or root may control it"),
		    s->name, (unsigned)cr.uid, (unsigned)geteuid());
		sup_reply(fd, "error %s", msg);
		snprintf(msg, sizeof msg, _("refused a client of uid %u"),
		    (unsigned)cr.uid);
		sup_refused(s, msg);
		close(fd);
		return;
	}
	/* All taken: the oldest, which has said nothing yet, gives way. */
	for (i = 0; i < SUP_CLIENTS && (c == NULL || c->fd != -1); i++) {
		if (c == NULL || s->clients[i].fd == -1 ||
		    s->clients[i].deadline < c->deadline)
			c = &s->clients[i];
	}
	if (c->fd != -1) {
		sup_reply(c->fd, "error %s", _("too many clients at once"));
		sup_refused(s, _("dropped an idle client: too many at once"));
		sup_client_drop(s, c);
	}
	c->fd = fd;
	c->got = 0;
	c->deadline = sup_clock() + SUP_CLIENT_SECONDS;
	loop_add_fd(s->loop, fd, POLLIN, sup_client_read, s);
}

static void
sup_finish(struct sup *s, int status)
{
	unlink(s->sock);
	unlink(s->state);
	s->status = status;
	loop_exit(s->loop, status);
}

/* Like execvp: a name without a slash is looked up in PATH. */
int
sup_find_command(const char *cmd, char *out, size_t len)
{
	const char	*path = getenv("PATH"), *p, *e;
	struct stat	 st;
	int		 saved = ENOENT;

	if (strchr(cmd, '/') != NULL) {
		snprintf(out, len, "%s", cmd);
		if (stat(out, &st) == -1)
			return (-1);
		if (S_ISDIR(st.st_mode) || access(out, X_OK) == -1) {
			errno = EACCES;
			return (-1);
		}
		return (0);
	}
	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = e + 1) {
		e = strchrnul(p, ':');
		snprintf(out, len, "%.*s%s%s", (int)(e - p), p,
		    e > p ? "/" : "./", cmd);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(out, X_OK) == 0)
				return (0);
			saved = EACCES;
		}
		if (*e == '\0')
			break;
	}
	errno = saved;
	return (-1);
}

/* Bind the socket, refusing to take over a supervisor that answers. */
static int
sup_listen(struct sup *s, char *err, size_t errlen)
{
	struct sockaddr_un	sa;
	mode_t			old;
	int			fd;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(s->sock) >= sizeof sa.sun_path) {
		snprintf(err, errlen, _("socket path too long: %s"), s->sock);
		return (-1);
	}
	strcpy(sa.sun_path, s->sock);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return (-1);
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
		close(fd);
		snprintf(err, errlen,
		    _("a supervisor named %s is already running (choose another --name, or vigil run --stop %s)"),
		    s->name, s->name);
		return (-1);
	}
	unlink(s->sock);	/* left by a supervisor that died */
	old = umask(077);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1 ||
	    chmod(s->sock, 0600) == -1 || listen(fd, 8) == -1) {
		umask(old);
		snprintf(err, errlen, _("cannot listen on %s: %s"), s->sock,
		    strerror(errno));
		close(fd);
		return (-1);
	}
	umask(old);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	s->listen_fd = fd;
	return (0);
}

/* Names, paths, the socket and the files, before anything detaches. */
static int
sup_prepare(struct sup *s, char *err, size_t errlen)
{
	char		 dir[4096], sdir[4096];
	const char	*base;

	if (sup_find_command(s->o->argv[0], s->exe, sizeof s->exe) != 0) {
		snprintf(err, errlen, _("cannot run %s: %s"), s->o->argv[0],
		    errno == ENOENT ? _("command not found") : strerror(errno));
		return (-1);
	}
	if (s->o->name != NULL)
		snprintf(s->name, sizeof s->name, "%s", s->o->name);
	else {
		base = strrchr(s->o->argv[0], '/');
		base = base != NULL ? base + 1 : s->o->argv[0];
		snprintf(s->name, sizeof s->name, "%s", base);
		if (!sup_name_valid(s->name)) {
			snprintf(err, errlen,
			    _("'%s' cannot be a supervisor name: give one with --name"),
			    base);
			return (-1);
		}
	}
	if (sup_dir(dir, sizeof dir, 1, err, errlen) != 0 ||
	    sup_state_dir(sdir, sizeof sdir, 1, err, errlen) != 0)
		return (-1);
	sup_path(s->sock, sizeof s->sock, dir, s->name, "sock");
	sup_path(s->state, sizeof s->state, dir, s->name, "state");
	sup_path(s->events, sizeof s->events, sdir, s->name, "events");
	if (s->o->log != NULL) {
		if (s->o->log[0] == '/')
			snprintf(s->log, sizeof s->log, "%s", s->o->log);
		else {
			char	cwd[4096];

			if (getcwd(cwd, sizeof cwd) == NULL)
				cwd[0] = '\0';
			snprintf(s->log, sizeof s->log, "%s/%s", cwd,
			    s->o->log);
		}
	} else
		sup_path(s->log, sizeof s->log, sdir, s->name, "log");
	if (sup_listen(s, err, errlen) != 0)
		return (-1);
	s->log_fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600);
	s->events_fd = open(s->events, O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC, 0600);
	if (s->log_fd == -1 || s->events_fd == -1) {
		snprintf(err, errlen, _("cannot open %s: %s"),
		    s->log_fd == -1 ? s->log : s->events, strerror(errno));
		close(s->listen_fd);
		unlink(s->sock);
		return (-1);
	}
	s->log_len = lseek(s->log_fd, 0, SEEK_END);
	return (0);
}

/*
 * Detach: the caller waits on a pipe for "ok SUP CHILD" or an error; the
 * supervisor is the grandchild, in a session of its own, stdin from
 * /dev/null, so closing the terminal does not reach it.
 */
static int
sup_detach(struct sup *s)
{
	char	msg[512];
	ssize_t	n;
	pid_t	pid;
	int	p[2], status, fd;

	if (pipe2(p, O_CLOEXEC) == -1)
		return (-1);
	if ((pid = fork()) == -1)
		return (-1);
	if (pid > 0) {
		close(p[1]);
		n = read(p[0], msg, sizeof msg - 1);
		waitpid(pid, &status, 0);
		msg[n > 0 ? n : 0] = '\0';
		if (strncmp(msg, "ok ", 3) != 0) {
			fprintf(stderr, _("vigil run: %s: the supervisor did not start%s%s\n"),
			    s->name, n > 0 ? ": " : "", msg);
			exit(1);
		}
		printf(_("vigil run: %s: supervisor %s, log %s\n"), s->name,
		    msg + 3, s->log);
		exit(0);
	}
	close(p[0]);
	setsid();
	if ((pid = fork()) == -1)
		_exit(1);
	if (pid > 0)
		_exit(0);
	s->ready_fd = p[1];
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return (0);
}

static int
sup_supervise(struct sup_opts *o)
{
	struct sup	s;
	char		err[512], msg[64];
	size_t		i;

	memset(&s, 0, sizeof s);
	s.o = o;
	s.listen_fd = s.log_fd = s.events_fd = s.out_fd = s.ready_fd = -1;
	s.backoff_timer = s.kill_timer = s.pending_fd = -1;
	for (i = 0; i < SUP_CLIENTS; i++)
		s.clients[i].fd = -1;
	/* The command and its restarts inherit the tracker's settings. */
	if (o->heap && htrack_preload_env(o->heap_full, o->heap_rate, err,
	    sizeof err) != 0) {
		fprintf(stderr, "vigil run: --heap: %s\n", err);
		return (1);
	}
	if (sup_prepare(&s, err, sizeof err) != 0) {
		fprintf(stderr, "vigil run: %s\n", err);
		return (1);
	}
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (!o->foreground && sup_detach(&s) != 0) {
		fprintf(stderr, "vigil run: %s\n", strerror(errno));
		return (1);
	}
	s.loop = loop_new();
	loop_add_signal(s.loop, SIGCHLD, sup_signal, &s);
	loop_add_signal(s.loop, SIGTERM, sup_signal, &s);
	loop_add_signal(s.loop, SIGINT, sup_signal, &s);
	loop_add_fd(s.loop, s.listen_fd, POLLIN, sup_accept, &s);
	s.client_timer = loop_add_timer(s.loop, SUP_CLIENT_SECONDS / 4,
	    SUP_CLIENT_SECONDS / 4, sup_client_timer, &s);
	sup_event(&s, "supervisor", getpid(), -1,
	    _("supervisor %d started (--restart %s)"), (int)getpid(),
	    sup_policy_name(o->policy));
	if (sup_start_child(&s) != 0) {
		if (s.ready_fd != -1)
			dprintf(s.ready_fd, "%s", _("cannot start the command"));
		sup_finish(&s, 1);
	} else {
		snprintf(msg, sizeof msg, "ok %d, command %d", (int)getpid(),
		    (int)s.child);
		if (s.ready_fd != -1)
			sup_write_all(s.ready_fd, msg, strlen(msg));
		else
			printf(_("vigil run: %s: supervisor %s, log %s\n"),
			    s.name, msg + 3, s.log);
		fflush(stdout);
	}
	if (s.ready_fd != -1)
		close(s.ready_fd);
	if (s.status != 0)
		goto out;
	loop_run(s.loop);
out:
	loop_free(s.loop);
	close(s.listen_fd);
	if (s.out_fd != -1)
		close(s.out_fd);
	close(s.log_fd);
	close(s.events_fd);
	return (s.status);
}

static int
sup_cmd_list(void)
{
	struct sup_entry	*v;
	size_t			 n, i;

	if (sup_list(&v, &n) != 0) {
		fprintf(stderr, _("vigil run: cannot list supervisors: %s\n"),
		    strerror(errno));
		return (1);
	}
	printf("%-20s %8s %8s %8s %-9s %s\n", _("NAME"), _("SUPPID"),
	    _("PID"), _("RESTARTS"), _("STATE"), _("LOG"));
	for (i = 0; i < n; i++)
		printf("%-20s %8d %8d %8ld %-9s %s\n", v[i].name, v[i].sup_pid,
		    v[i].child_pid, v[i].restarts, v[i].state, v[i].log);
	free(v);
	return (0);
}

static int
sup_cmd_request(const struct sup_opts *o)
{
	const char	*req = o->cmd == SUP_CMD_STATUS ? "status" :
			    o->cmd == SUP_CMD_STOP ? "stop" : "restart";
	char		 reply[4096];
	double		 timeout = o->cmd == SUP_CMD_STATUS ? 5 : 60;

	if (sup_request(o->target, req, reply, sizeof reply, timeout) != 0) {
		fprintf(stderr, "vigil run: %s\n", reply);
		return (1);
	}
	if (o->cmd == SUP_CMD_RESTART && strncmp(reply, "ok ", 3) == 0)
		printf(_("%s: restarted, pid %s\n"), o->target, reply + 3);
	else if (o->cmd == SUP_CMD_STOP)
		printf(_("%s: stopped\n"), o->target);
	else
		printf("%s\n", reply);
	return (0);
}

/* vigil run ...; argv[0] is "run". */
int
sup_main(int argc, char **argv)
{
	struct sup_opts	o;
	char		err[512];
	int		status;

	sup_opts_init(&o);
	if (sup_opts_parse(&o, argc, argv, err, sizeof err) != 0) {
		fprintf(stderr, "vigil run: %s\n", err);
		fprintf(stderr, _("Try 'vigil run --help' for more information.\n"));
		sup_opts_free(&o);
		return (2);
	}
	if (o.help) {
		sup_usage();
		status = 0;
	} else if (o.cmd == SUP_CMD_LIST)
		status = sup_cmd_list();
	else if (o.cmd != SUP_CMD_START)
		status = sup_cmd_request(&o);
	else
		status = sup_supervise(&o);
	sup_opts_free(&o);
	return (status);
}
