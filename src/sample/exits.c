/* Exits between frames: the kernel's process connector (netlink). */

#include "vigil.h"

#include <sys/socket.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "sample.h"
#include "sample-int.h"
#include "xalloc.h"

/*
 * The connector tells of every fork, exec and exit as it happens (root
 * only: CAP_NET_ADMIN). At an exit, /proc/PID/stat is still there (the
 * event is sent from do_exit, before the task is a zombie) with its CPU
 * time, parent and start; its command line is gone with its memory, so
 * the one read at its exec (or inherited at its fork) is kept until then.
 * Linux's own proc connector sample (samples/connector/) shows the
 * protocol; atop and below read it the same way.
 */
#define EXITS_BUCKETS	4096
#define EXITS_MAX	100000	/* between two takes; more are counted lost */

struct exits_name {
	int			 pid;
	char			*cmdline;
	struct exits_name	*next;
};

struct sample_exits {
	int			 fd;
	struct exits_name	*names[EXITS_BUCKETS];
	struct sample_exit	*list;
	size_t			 n;
	size_t			 alloc;
	struct sample_exit	*taken;		/* given to the caller */
	size_t			 ntaken;
	unsigned long		 lost;
};

static struct exits_name **
exits_slot(struct sample_exits *x, int pid)
{
	struct exits_name	**pp = &x->names[(unsigned)pid % EXITS_BUCKETS];

	while (*pp != NULL && (*pp)->pid != pid)
		pp = &(*pp)->next;
	return (pp);
}

static void
exits_name_set(struct sample_exits *x, int pid, char *cmdline)
{
	struct exits_name	**pp = exits_slot(x, pid), *e = *pp;

	if (e == NULL) {
		e = xcalloc(1, sizeof *e);
		e->pid = pid;
		*pp = e;
	}
	free(e->cmdline);
	e->cmdline = cmdline;
}

static char *
exits_name_take(struct sample_exits *x, int pid)
{
	struct exits_name	**pp = exits_slot(x, pid), *e = *pp;
	char			*s;

	if (e == NULL)
		return (NULL);
	*pp = e->next;
	s = e->cmdline;
	free(e);
	return (s);
}

/* /proc/PID/cmdline, NULs as spaces as the sampler shows it; NULL if gone. */
static char *
exits_cmdline(int pid)
{
	char	 path[64], *text;
	ssize_t	 len, i;

	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	if ((len = file_read_all(path, &text)) < 0)
		return (NULL);
	while (len > 0 && text[len - 1] == '\0')
		len--;
	for (i = 0; i < len; i++)
		if (text[i] == '\0')
			text[i] = ' ';
	text[len] = '\0';
	return (text);
}

/*
 * A forked child's command line: its parent's, which it has until it
 * runs exec (whose event reads the new one). A parent started before the
 * connector listened is read from /proc once and kept, so a shell's fork
 * loop costs one read, not one per child.
 */
static char *
exits_inherit(struct sample_exits *x, int ppid, int pid)
{
	struct exits_name	*e = *exits_slot(x, ppid);
	char			*cmd;

	if (e == NULL || e->cmdline == NULL) {
		if ((cmd = exits_cmdline(ppid)) == NULL)
			return (exits_cmdline(pid));
		exits_name_set(x, ppid, cmd);
		e = *exits_slot(x, ppid);
	}
	return (xstrdup(e->cmdline));
}

struct sample_exits *
sample_exits_open(char *err, size_t errlen)
{
	struct sample_exits	*x;
	struct sockaddr_nl	 sa;
	/* nlmsghdr, cn_msg, the operation: cn_msg ends in a flexible array. */
	char			 req[NLMSG_LENGTH(sizeof(struct cn_msg) +
				    sizeof(enum proc_cn_mcast_op))]
				    __attribute__((aligned(8)));
	struct nlmsghdr		*nl = (struct nlmsghdr *)req;
	struct cn_msg		*cn = NLMSG_DATA(nl);
	enum proc_cn_mcast_op	 op = PROC_CN_MCAST_LISTEN;
	int			 fd, size;

	fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_CONNECTOR);
	if (fd == -1) {
		snprintf(err, errlen, _("proc connector: %s"), strerror(errno));
		return (NULL);
	}
	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = CN_IDX_PROC;
	sa.nl_pid = 0;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		snprintf(err, errlen, _("proc connector: %s (it needs root)"),
		    strerror(errno));
		close(fd);
		return (NULL);
	}
	memset(req, 0, sizeof req);
	nl->nlmsg_len = sizeof req;
	nl->nlmsg_type = NLMSG_DONE;
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof op;
	memcpy(cn->data, &op, sizeof op);
	if (send(fd, req, sizeof req, 0) != (ssize_t)sizeof req) {
		snprintf(err, errlen, _("proc connector: %s (it needs root)"),
		    strerror(errno));
		close(fd);
		return (NULL);
	}
	/* A fork storm between two reads must fit: 4 MiB (root may). */
	size = 4 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof size) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	x = xcalloc(1, sizeof *x);
	x->fd = fd;
	return (x);
}

int
sample_exits_fd(const struct sample_exits *x)
{
	return (x->fd);
}

static void
exits_add(struct sample_exits *x, const struct proc_event *ev)
{
	struct sample_exit	*e;
	struct sample_proc	 p;
	char			 path[64], text[1024], comm[PROCFD_COMM];
	int			 pid = ev->event_data.exit.process_pid;

	if (x->n >= EXITS_MAX) {
		x->lost++;
		free(exits_name_take(x, pid));
		return;
	}
	if (x->n == x->alloc) {
		x->alloc = x->alloc * 2 + 64;
		x->list = xreallocarray(x->list, x->alloc, sizeof *x->list);
	}
	e = &x->list[x->n++];
	memset(e, 0, sizeof *e);
	e->pid = pid;
	e->ppid = ev->event_data.exit.parent_tgid;
	e->exit_code = ev->event_data.exit.exit_code;
	e->end = ev->timestamp_ns / 1e9;
	e->cmdline = exits_name_take(x, pid);
	memset(&p, 0, sizeof p);
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (file_read(path, text, sizeof text) > 0 &&
	    procfd_parse_stat(text, pid, &p, comm) == 0) {
		e->start = p.start;
		e->ticks = p.ticks;
		if (e->ppid == 0)
			e->ppid = p.ppid;
		snprintf(e->comm, sizeof e->comm, "%s", comm);
	}
}

/* Read what the kernel said since the last call; never blocks. */
void
sample_exits_read(struct sample_exits *x)
{
	char			 buf[8192] __attribute__((aligned(8)));
	struct nlmsghdr		*nl;
	struct cn_msg		*cn;
	struct proc_event	 evbuf, *ev = &evbuf;
	ssize_t			 n;
	char			*cmd;
	int			 pid;

	while ((n = recv(x->fd, buf, sizeof buf, 0)) > 0) {
		for (nl = (struct nlmsghdr *)buf; NLMSG_OK(nl, (size_t)n);
		    nl = NLMSG_NEXT(nl, n)) {
			if (nl->nlmsg_type != NLMSG_DONE)
				continue;
			cn = NLMSG_DATA(nl);
			if (cn->len < sizeof *ev)
				continue;
			/* At offset 36 of the message: copied to be aligned. */
			memcpy(ev, cn->data, sizeof *ev);
			switch (ev->what) {
			case PROC_EVENT_FORK:
				/* A process, not a thread: it has the parent's argv. */
				pid = ev->event_data.fork.child_pid;
				if (pid != ev->event_data.fork.child_tgid)
					break;
				if ((cmd = exits_inherit(x,
				    ev->event_data.fork.parent_tgid, pid)) != NULL)
					exits_name_set(x, pid, cmd);
				break;
			case PROC_EVENT_EXEC:
				pid = ev->event_data.exec.process_pid;
				if (pid != ev->event_data.exec.process_tgid)
					break;
				if ((cmd = exits_cmdline(pid)) != NULL)
					exits_name_set(x, pid, cmd);
				break;
			case PROC_EVENT_EXIT:
				if (ev->event_data.exit.process_pid !=
				    ev->event_data.exit.process_tgid)
					break;	/* a thread */
				exits_add(x, ev);
				break;
			default:
				break;
			}
		}
	}
	/* ENOBUFS: the kernel dropped events; the frame says so. */
	if (n == -1 && errno == ENOBUFS)
		x->lost++;
}

static void
exits_free_list(struct sample_exit *l, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(l[i].cmdline);
	free(l);
}

/*
 * The exits since the last take, owned by x until the next; *lost is how
 * many were missed (the kernel dropped events), 0 when the list is whole.
 */
size_t
sample_exits_take(struct sample_exits *x, struct sample_exit **out,
    unsigned long *lost)
{
	exits_free_list(x->taken, x->ntaken);
	x->taken = x->list;
	x->ntaken = x->n;
	x->list = NULL;
	x->n = x->alloc = 0;
	*out = x->taken;
	*lost = x->lost;
	x->lost = 0;
	return (x->ntaken);
}

void
sample_exits_close(struct sample_exits *x)
{
	struct exits_name	*e, *next;
	size_t			 i;

	if (x == NULL)
		return;
	close(x->fd);
	for (i = 0; i < EXITS_BUCKETS; i++)
		for (e = x->names[i]; e != NULL; e = next) {
			next = e->next;
			free(e->cmdline);
			free(e);
		}
	exits_free_list(x->list, x->n);
	exits_free_list(x->taken, x->ntaken);
	free(x);
}
