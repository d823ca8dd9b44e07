/* The tracker's agent thread: answers snapshot requests on a Unix socket. */

#include "vigil.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "preload-int.h"

/*
 * The socket is $XDG_RUNTIME_DIR/vigil/heap-PID.sock, else
 * /tmp/vigil-UID/heap-PID.sock: the directory is made 0700 and must be
 * ours, the socket is 0600, and a peer is served only if it runs as our
 * user or as root (SO_PEERCRED). One request per connection, one line:
 * "snapshot". The answer is text, one record a line:
 *
 *	vigil-heap 1
 *	pid PID
 *	mode full|sampled
 *	rate BYTES
 *	depth FRAMES
 *	time SECONDS.NANOSECONDS
 *	site heap|mmap LIVE_BYTES LIVE_OBJS CUM_BYTES CUM_OBJS DEPTH IP...
 *	map LINE-OF-/proc/self/maps
 *	end
 *
 * IPs are hex, leaf first; the client symbolises them against the maps.
 * The agent thread runs with every signal blocked and with ht_busy set,
 * so what it allocates (stdio, the kernel's buffers) is never counted.
 */

#define HT_AGENT_BUF	16384

/*
 * Clients are read a few at once, without blocking, each within a
 * deadline: one that connects and says nothing holds a slot for
 * HT_CLIENT_SECONDS, never the agent, so a real request is answered
 * whatever the others do. One that never reads its answer is dropped
 * when a write has waited HT_CLIENT_SECONDS.
 */
#define HT_CLIENTS		8
#define HT_CLIENT_SECONDS	2
#define HT_REQ_MAX		64

struct ht_client {
	int		 fd;		/* -1: free */
	char		 req[HT_REQ_MAX];
	size_t		 got;
	time_t		 deadline;
};

struct ht_out {
	int		 fd;
	size_t		 len;
	int		 failed;
	char		 buf[HT_AGENT_BUF];
};

static int		 ht_agent_fd = -1;
static pid_t		 ht_agent_pid;
static char		 ht_agent_path[sizeof ((struct sockaddr_un *)0)->sun_path];
static _Atomic int	 ht_agent_pending;

static int	 ht_agent_dir(char *, size_t);
static void	 ht_agent_sweep(const char *);
static void	*ht_agent_main(void *);
static void	 ht_agent_serve(int, const char *);
static void	 ht_out_flush(struct ht_out *);
static void	 ht_out_printf(struct ht_out *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 ht_out_site(const struct ht_stack *, void *);
static void	 ht_out_maps(struct ht_out *);

/* Make (or check) a private directory: ours, not a link, no group/other. */
static int
ht_agent_mkdir(const char *dir)
{
	struct stat	st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return (-1);
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077) != 0)
		return (-1);
	return (0);
}

static int
ht_agent_dir(char *dir, size_t len)
{
	const char	*xdg = getenv("XDG_RUNTIME_DIR");
	int		 n;

	if (xdg != NULL && xdg[0] == '/') {
		n = snprintf(dir, len, "%s/vigil", xdg);
		if (n > 0 && (size_t)n < len && ht_agent_mkdir(dir) == 0)
			return (0);
	}
	n = snprintf(dir, len, "/tmp/vigil-%u", (unsigned)geteuid());
	if (n > 0 && (size_t)n < len && ht_agent_mkdir(dir) == 0)
		return (0);
	return (-1);
}

/*
 * Sockets of processes that are gone (killed, or ended by _exit(), so
 * no destructor ran): removed, so the directory does not fill up.
 */
static void
ht_agent_sweep(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[sizeof ((struct sockaddr_un *)0)->sun_path];
	char		 tail;
	int		 pid, n;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (sscanf(e->d_name, "heap-%d.soc%c", &pid, &tail) != 2 ||
		    tail != 'k' || pid <= 0)
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (n > 0 && (size_t)n < sizeof path)
			unlink(path);
	}
	closedir(d);
}

/* Listen, and start the thread; -1 if either cannot be done. */
int
ht_agent_start(void)
{
	struct sockaddr_un	 sun;
	pthread_attr_t		 attr;
	pthread_t		 tid;
	sigset_t		 all, old;
	char			 dir[sizeof sun.sun_path];
	int			 fd, n, rc;

	if (ht_agent_dir(dir, sizeof dir) != 0)
		return (-1);
	ht_agent_sweep(dir);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path, sizeof sun.sun_path, "%s/heap-%d.sock",
	    dir, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof sun.sun_path)
		return (-1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return (-1);
	unlink(sun.sun_path);		/* a dead process with our PID */
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) != 0 ||
	    chmod(sun.sun_path, 0600) != 0 || listen(fd, 8) != 0) {
		close(fd);
		return (-1);
	}
	memcpy(ht_agent_path, sun.sun_path, sizeof ht_agent_path);
	ht_agent_fd = fd;
	ht_agent_pid = getpid();

	sigfillset(&all);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&tid, &attr, ht_agent_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		ht_agent_stop();
		return (-1);
	}
	return (0);
}

/*
 * In a forked child: the parent's socket is not ours to answer on or to
 * remove. A new agent starts at the child's next tracked allocation, so
 * a child that only execs never starts one.
 */
void
ht_agent_forked(void)
{
	if (ht_agent_fd >= 0)
		close(ht_agent_fd);
	ht_agent_fd = -1;
	ht_agent_path[0] = '\0';
	atomic_store(&ht_agent_pending, 1);
}

/* Called from a hook (ht_busy set): start the child's agent, once. */
void
ht_agent_poll(void)
{
	int	want = 1;

	if (atomic_load_explicit(&ht_agent_pending, memory_order_relaxed) &&
	    atomic_compare_exchange_strong(&ht_agent_pending, &want, 0))
		ht_agent_start();
}

void
ht_agent_stop(void)
{
	if (ht_agent_path[0] != '\0' && ht_agent_pid == getpid())
		unlink(ht_agent_path);
	ht_agent_path[0] = '\0';
}

static time_t
ht_agent_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

/* A new connection: ours or root's, and while a slot is free. */
static void
ht_agent_accept(int fd, struct ht_client *cl)
{
	static const char	busy[] = "error too many clients\n";
	struct ucred		cred;
	socklen_t		len = sizeof cred;
	int			c, i, o;

	c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c < 0) {
		/* Out of descriptors: wait rather than spin. */
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			sleep(1);
		return;
	}
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
	    (cred.uid != geteuid() && cred.uid != 0)) {
		close(c);
		return;
	}
	/* All taken: the oldest, which has said nothing yet, gives way. */
	for (i = 0, o = 0; i < HT_CLIENTS; i++) {
		if (cl[i].fd == -1) {
			o = i;
			break;
		}
		if (cl[i].deadline < cl[o].deadline)
			o = i;
	}
	if (cl[o].fd != -1) {
		(void)send(cl[o].fd, busy, sizeof busy - 1,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		close(cl[o].fd);
	}
	cl[o].fd = c;
	cl[o].got = 0;
	cl[o].deadline = ht_agent_now() + HT_CLIENT_SECONDS;
}

/* Read what a client sent; answer once its line is whole. */
static void
ht_agent_read(struct ht_client *c)
{
	static const char	toolong[] = "error request too long\n";
	struct timeval		tv = { HT_CLIENT_SECONDS, 0 };
	ssize_t			r;

	r = read(c->fd, c->req + c->got, sizeof c->req - 1 - c->got);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r > 0)
		c->got += r;
	if (r > 0 && memchr(c->req, '\n', c->got) == NULL) {
		if (c->got + 1 < sizeof c->req)
			return;
		(void)send(c->fd, toolong, sizeof toolong - 1,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
	} else if (r > 0 || (r == 0 && c->got > 0)) {
		/* A line, or a request half-closed without its newline. */
		c->req[c->got] = '\0';
		c->req[strcspn(c->req, "\r\n")] = '\0';
		fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
		setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		ht_agent_serve(c->fd, c->req);
	}
	close(c->fd);
	c->fd = -1;
}

static void *
ht_agent_main(void *arg)
{
	struct ht_client	cl[HT_CLIENTS];
	struct pollfd		pfd[1 + HT_CLIENTS];
	int			map[1 + HT_CLIENTS], fd = ht_agent_fd;
	int			i, n;
	time_t			now;

	(void)arg;
	ht_busy = 1;
	for (i = 0; i < HT_CLIENTS; i++)
		cl[i].fd = -1;
	for (;;) {
		pfd[0].fd = fd;
		pfd[0].events = POLLIN;
		n = 1;
		for (i = 0; i < HT_CLIENTS; i++) {
			if (cl[i].fd == -1)
				continue;
			pfd[n].fd = cl[i].fd;
			pfd[n].events = POLLIN;
			map[n++] = i;
		}
		if (poll(pfd, n, 500) < 0) {
			if (errno == EINTR || errno == ENOMEM)
				continue;
			break;
		}
		if (pfd[0].revents & (POLLERR | POLLNVAL))
			break;
		for (i = 1; i < n; i++) {
			if (pfd[i].revents != 0)
				ht_agent_read(&cl[map[i]]);
		}
		if (pfd[0].revents & POLLIN)
			ht_agent_accept(fd, cl);
		now = ht_agent_now();
		for (i = 0; i < HT_CLIENTS; i++) {
			if (cl[i].fd != -1 && now > cl[i].deadline) {
				close(cl[i].fd);
				cl[i].fd = -1;
			}
		}
	}
	return (NULL);
}

static void
ht_agent_serve(int c, const char *req)
{
	struct timespec	 ts;
	struct ht_out	*o;

	/* The agent's own memory: passes through to the real malloc. */
	if ((o = malloc(sizeof *o)) == NULL)
		return;
	o->fd = c;
	o->len = 0;
	o->failed = 0;
	if (strcmp(req, "snapshot") != 0) {
		ht_out_printf(o, "error unknown request\n");
		ht_out_flush(o);
		free(o);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ht_out_printf(o, "vigil-heap 1\npid %d\nmode %s\nrate %" PRIu64
	    "\ndepth %d\ntime %lld.%09ld\n", (int)getpid(),
	    ht_config.sampled ? "sampled" : "full", ht_config.rate,
	    ht_config.depth, (long long)ts.tv_sec, ts.tv_nsec);
	ht_stack_each(ht_out_site, o);
	ht_out_maps(o);
	ht_out_printf(o, "end\n");
	ht_out_flush(o);
	free(o);
}

static void
ht_out_flush(struct ht_out *o)
{
	size_t	off = 0;
	ssize_t	r;

	while (off < o->len && !o->failed) {
		r = write(o->fd, o->buf + off, o->len - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			o->failed = 1;
		else
			off += r;
	}
	o->len = 0;
}

static void
ht_out_printf(struct ht_out *o, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (sizeof o->buf - o->len < 4096)
		ht_out_flush(o);
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, sizeof o->buf - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n < sizeof o->buf - o->len ? (size_t)n :
		    sizeof o->buf - o->len - 1;
}

static void
ht_out_site(const struct ht_stack *st, void *arg)
{
	struct ht_out	*o = arg;
	int64_t		 fb, fo, cb, co;
	uint32_t	 d;

	/* Freed first (see struct ht_stack): live within [0, allocated]. */
	fb = atomic_load_explicit(&st->freed_bytes, memory_order_acquire);
	fo = atomic_load_explicit(&st->freed_objs, memory_order_acquire);
	cb = atomic_load_explicit(&st->cum_bytes, memory_order_acquire);
	co = atomic_load_explicit(&st->cum_objs, memory_order_acquire);
	ht_out_printf(o, "site %s %" PRId64 " %" PRId64 " %" PRId64 " %"
	    PRId64 " %u", st->kind == HT_MMAP ? "mmap" : "heap", cb - fb,
	    (co - fo + HT_ONE / 2) / HT_ONE, cb, (co + HT_ONE / 2) / HT_ONE,
	    st->depth);
	for (d = 0; d < st->depth; d++)
		ht_out_printf(o, " %" PRIxPTR, st->ips[d]);
	ht_out_printf(o, "\n");
}

/* Each line of /proc/self/maps, as "map LINE". */
static void
ht_out_maps(struct ht_out *o)
{
	char	chunk[4096];
	ssize_t	r, i;
	int	fd, start = 1;

	if ((fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)) < 0)
		return;
	while ((r = read(fd, chunk, sizeof chunk)) > 0) {
		for (i = 0; i < r; i++) {
			if (sizeof o->buf - o->len < 16)
				ht_out_flush(o);
			if (start) {
				memcpy(o->buf + o->len, "map ", 4);
				o->len += 4;
			}
			o->buf[o->len++] = chunk[i];
			start = chunk[i] == '\n';
		}
	}
	if (!start)
		o->buf[o->len++] = '\n';
	close(fd);
}
