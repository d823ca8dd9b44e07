/* Processes read through /proc files kept open between ticks. */

#include "vigil.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdlimit.h"
#include "sample.h"
#include "sample-int.h"
#include "xalloc.h"

/*
 * Why not libproc2 here: procps_pids_reap() opens, reads and closes
 * /proc/PID/stat (and statm) for every process on every tick. Reading the
 * same file with pread(2) through a descriptor kept open costs 0.66x of
 * open+read+close (measured on 2,111 processes); the open and the path
 * walk are most of a tick's system time. So for the common case (processes
 * only) the sampler lists /proc itself, keeps each process's stat (and
 * statm, when SHR is wanted for all; io, when I/O is) open, and parses
 * them here; threads still go through libproc2.
 *
 * A kept io descriptor gives nothing to a reader who has lost the right
 * to it (the kernel checks ptrace access at every read, so a process that
 * exec'd a setuid program is no longer readable through it).
 *
 * A kept descriptor belongs to one process: once that process is reaped,
 * reading it fails with ESRCH, even if its PID is reused. The cache still
 * checks the PID and start time of what it read, and a new start time
 * means a new process: its files are closed and opened again.
 *
 * The descriptors stay within a budget below RLIMIT_NOFILE (raised to the
 * hard limit at start, see fdlimit.c), leaving room for log tails, pipes
 * and children; past it a process's files are opened, read and closed each
 * tick as before.
 */

/* Descriptors left for everything else vigil opens. */
#define PROCFD_RESERVE	512

/* A kernel thread's name in stat can be longer than TASK_COMM_LEN. */

struct procfd {
	int			 pid;
	unsigned long long	 start;
	int			 stat_fd;
	int			 statm_fd;
	int			 io_fd;
	unsigned		 gen;
	struct procfd		*next;
};

struct procfd_user {
	unsigned		 uid;
	char			*name;
};

struct procfd_cache {
	int			 dirfd;		/* /proc */
	DIR			*dir;
	struct procfd		**hash;
	size_t			 nhash;
	size_t			 n;
	unsigned		 gen;
	int			 nopen;
	int			 budget;
	struct procfd_user	*users;
	size_t			 nusers;
	char			(*comms)[PROCFD_COMM];
	size_t			 ncomms;
	long			 pagekb;
};

static size_t
procfd_bucket(const struct procfd_cache *c, int pid)
{
	return (((unsigned)pid * 2654435761U) & (c->nhash - 1));
}

static void
procfd_rehash(struct procfd_cache *c, size_t nhash)
{
	struct procfd	**old = c->hash, *e, *next;
	size_t		  i, oldn = c->nhash, b;

	c->hash = xcalloc(nhash, sizeof *c->hash);
	c->nhash = nhash;
	for (i = 0; i < oldn; i++) {
		for (e = old[i]; e != NULL; e = next) {
			next = e->next;
			b = procfd_bucket(c, e->pid);
			e->next = c->hash[b];
			c->hash[b] = e;
		}
	}
	free(old);
}

struct procfd_cache *
procfd_new(void)
{
	struct procfd_cache	*c;
	rlim_t			 lim;
	int			 fd;

	if ((fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return (NULL);
	c = xcalloc(1, sizeof *c);
	c->dirfd = fd;
	/* Its own descriptor: the listing's offset is not the files'. */
	if ((fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (c->dir = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		close(c->dirfd);
		free(c);
		return (NULL);
	}
	lim = fdlimit_raise();
	c->budget = lim > PROCFD_RESERVE * 2 ? (lim > 1 << 30 ? 1 << 30 :
	    (int)lim) - PROCFD_RESERVE : 0;
	c->pagekb = sysconf(_SC_PAGESIZE) / 1024;
	procfd_rehash(c, 1024);
	return (c);
}

static void
procfd_close(struct procfd_cache *c, int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
		c->nopen--;
	}
}

void
procfd_free(struct procfd_cache *c)
{
	struct procfd	*e, *next;
	size_t		 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nhash; i++) {
		for (e = c->hash[i]; e != NULL; e = next) {
			next = e->next;
			procfd_close(c, &e->stat_fd);
			procfd_close(c, &e->statm_fd);
			procfd_close(c, &e->io_fd);
			free(e);
		}
	}
	for (i = 0; i < c->nusers; i++)
		free(c->users[i].name);
	free(c->users);
	free(c->comms);
	free(c->hash);
	closedir(c->dir);
	close(c->dirfd);
	free(c);
}

void
procfd_set_budget(struct procfd_cache *c, int budget)
{
	c->budget = budget;
}

int
procfd_open_count(const struct procfd_cache *c)
{
	return (c->nopen);
}

/* For tests: the kept stat descriptor of pid and its start time. */
int
procfd_peek(const struct procfd_cache *c, int pid, unsigned long long *start)
{
	struct procfd	*e;

	for (e = c->hash[procfd_bucket(c, pid)]; e != NULL; e = e->next) {
		if (e->pid == pid) {
			*start = e->start;
			return (e->stat_fd);
		}
	}
	return (-2);
}

/* For tests: make pid's kept stat descriptor read another file. */
void
procfd_poison(struct procfd_cache *c, int pid, int fd)
{
	struct procfd	*e;

	for (e = c->hash[procfd_bucket(c, pid)]; e != NULL; e = e->next) {
		if (e->pid == pid && e->stat_fd != -1) {
			close(e->stat_fd);
			e->stat_fd = fd;
		}
	}
}

static struct procfd *
procfd_get(struct procfd_cache *c, int pid)
{
	struct procfd	*e;
	size_t		 b = procfd_bucket(c, pid);

	for (e = c->hash[b]; e != NULL; e = e->next) {
		if (e->pid == pid)
			return (e);
	}
	e = xcalloc(1, sizeof *e);
	e->pid = pid;
	e->stat_fd = e->statm_fd = e->io_fd = -1;
	e->next = c->hash[b];
	c->hash[b] = e;
	if (++c->n > c->nhash)
		procfd_rehash(c, c->nhash * 2);
	return (e);
}

/* Drop the processes not listed this tick, closing their files. */
static void
procfd_sweep(struct procfd_cache *c)
{
	struct procfd	**ep, *e;
	size_t		  i;

	for (i = 0; i < c->nhash; i++) {
		for (ep = &c->hash[i]; (e = *ep) != NULL; /* nothing */) {
			if (e->gen == c->gen) {
				ep = &e->next;
				continue;
			}
			*ep = e->next;
			procfd_close(c, &e->stat_fd);
			procfd_close(c, &e->statm_fd);
			procfd_close(c, &e->io_fd);
			free(e);
			c->n--;
		}
	}
}

/*
 * Read one of pid's files through its kept descriptor *fd, or open it
 * (and keep it, within the budget). *kept says whether the text came
 * through a descriptor that was open before. Returns the length, or -1
 * if the process is gone.
 */
static ssize_t
procfd_read(struct procfd_cache *c, int pid, const char *name, int *fd,
    char *buf, size_t len, int *kept, struct stat *sb)
{
	char	path[32];
	ssize_t	n;
	int	f;

	*kept = 0;
	if (*fd != -1) {
		if ((n = pread(*fd, buf, len - 1, 0)) >= 0) {
			if (sb != NULL && fstat(*fd, sb) == -1)
				return (-1);
			buf[n] = '\0';
			*kept = 1;
			return (n);
		}
		/* ESRCH: its process was reaped; the PID may be another's. */
		procfd_close(c, fd);
	}
	snprintf(path, sizeof path, "%d/%s", pid, name);
	if ((f = openat(c->dirfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	n = read(f, buf, len - 1);
	if (n >= 0 && sb != NULL && fstat(f, sb) == -1)
		n = -1;
	if (n >= 0 && c->nopen < c->budget) {
		*fd = f;
		c->nopen++;
	} else
		close(f);
	if (n < 0)
		return (-1);
	buf[n] = '\0';
	return (n);
}

/* The next space-separated number of a stat line. */
static unsigned long long
procfd_num(char **pp)
{
	unsigned long long	 v = 0;
	char			*p = *pp;
	int			 neg = 0;

	while (*p == ' ')
		p++;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (unsigned)(*p++ - '0');
	*pp = p;
	return (neg ? -v : v);
}

static void
procfd_skip(char **pp, int n)
{
	while (n-- > 0)
		procfd_num(pp);
}

/*
 * Fill p from the text of /proc/PID/stat (fields as in proc(5); the name
 * is everything between the first '(' and the last ')'). Returns -1 if the
 * text is not a stat line of pid.
 */
int
procfd_parse_stat(char *text, int pid, struct sample_proc *p, char *comm)
{
	char		*open, *close, *q = text;
	size_t		 len;
	unsigned long	 flags;

	if ((int)procfd_num(&q) != pid ||
	    (open = strchr(text, '(')) == NULL ||
	    (close = strrchr(text, ')')) == NULL || close < open ||
	    close[1] != ' ' || close[2] == '\0')
		return (-1);
	len = close - open - 1;
	if (len >= PROCFD_COMM)
		len = PROCFD_COMM - 1;
	memcpy(comm, open + 1, len);
	comm[len] = '\0';
	p->comm = comm;
	p->pid = p->tgid = pid;
	p->state = close[2];
	q = close + 3;
	p->ppid = (int)procfd_num(&q);		/* 4 */
	procfd_skip(&q, 4);			/* pgrp .. tpgid */
	flags = procfd_num(&q);			/* 9 */
	p->kthread = (flags & SAMPLE_PF_KTHREAD) != 0;
	p->minflt = procfd_num(&q);		/* 10 */
	procfd_skip(&q, 1);
	p->majflt = procfd_num(&q);		/* 12 */
	procfd_skip(&q, 1);
	p->ticks = procfd_num(&q);		/* 14 utime */
	p->stime = procfd_num(&q);		/* 15 stime */
	p->ticks += p->stime;
	procfd_skip(&q, 2);
	p->prio = (int)procfd_num(&q);		/* 18 */
	p->nice = (int)procfd_num(&q);		/* 19 */
	p->nlwp = (int)procfd_num(&q);		/* 20 */
	procfd_skip(&q, 1);
	p->start = procfd_num(&q);		/* 22 */
	p->vsz_kb = procfd_num(&q) / 1024;	/* 23, bytes */
	p->rss_kb = procfd_num(&q);		/* 24, pages */
	return (0);
}

/* A user's name, looked up once per uid, as libproc2's pwcache does. */
static const char *
procfd_user(struct procfd_cache *c, unsigned uid)
{
	struct passwd	*pw;
	char		 num[16];
	size_t		 i;

	for (i = 0; i < c->nusers; i++) {
		if (c->users[i].uid == uid)
			return (c->users[i].name);
	}
	c->users = xreallocarray(c->users, c->nusers + 1, sizeof *c->users);
	c->users[c->nusers].uid = uid;
	if ((pw = getpwuid(uid)) != NULL)
		c->users[c->nusers].name = xstrdup(pw->pw_name);
	else {
		snprintf(num, sizeof num, "%u", uid);
		c->users[c->nusers].name = xstrdup(num);
	}
	return (c->users[c->nusers++].name);
}

/* SHR (and VIRT, RES as statm has them) of one process. */
static void
procfd_statm(struct procfd_cache *c, struct procfd *e, struct sample_proc *p)
{
	char	 text[128], *q = text;
	int	 kept;

	p->has_shr = 0;
	if (procfd_read(c, e->pid, "statm", &e->statm_fd, text, sizeof text,
	    &kept, NULL) < 0)
		return;
	p->vsz_kb = procfd_num(&q) * c->pagekb;
	p->rss_kb = procfd_num(&q) * c->pagekb;
	p->shr_kb = procfd_num(&q) * c->pagekb;
	p->has_shr = 1;
}

/* The I/O counters of one process; none where they may not be read. */
static void
procfd_io(struct procfd_cache *c, struct procfd *e, struct sample_proc *p)
{
	char	 text[512];
	int	 kept;

	p->has_io = 0;
	p->io_read = p->io_write = p->io_rchar = p->io_wchar = 0;
	if (procfd_read(c, e->pid, "io", &e->io_fd, text, sizeof text,
	    &kept, NULL) < 0)
		return;
	sample_io_parse(text, p);
}

/* One process: 0 if *p was filled, -1 if it is gone. */
static int
procfd_one(struct procfd_cache *c, struct procfd *e, int flags,
    struct sample_proc *p, char *comm)
{
	char		text[1024];
	struct stat	sb;
	int		kept, tries;

	for (tries = 0; tries < 2; tries++) {
		if (procfd_read(c, e->pid, "stat", &e->stat_fd, text,
		    sizeof text, &kept, &sb) < 0)
			return (-1);
		if (procfd_parse_stat(text, e->pid, p, comm) == 0 &&
		    (!kept || p->start == e->start))
			break;
		/* Not this process's: whatever that file was, open it anew. */
		procfd_close(c, &e->stat_fd);
		if (!kept)
			return (-1);
	}
	if (tries == 2)
		return (-1);
	if (e->start != p->start) {
		/* A new process under this PID: none of the old files. */
		procfd_close(c, &e->statm_fd);
		procfd_close(c, &e->io_fd);
		e->start = p->start;
	}
	p->uid = sb.st_uid;
	p->user = procfd_user(c, sb.st_uid);
	p->rss_kb *= c->pagekb;
	p->shr_kb = 0;
	p->has_shr = 0;
	if (flags & SAMPLE_STATM)
		procfd_statm(c, e, p);
	else
		procfd_close(c, &e->statm_fd);
	if (flags & SAMPLE_IO)
		procfd_io(c, e, p);
	else {
		procfd_close(c, &e->io_fd);
		p->has_io = 0;
		p->io_read = p->io_write = p->io_rchar = p->io_wchar = 0;
	}
	return (0);
}

/*
 * Every process in /proc once, into *procs (grown as needed, *nalloc
 * records); their names stay valid until the next call.
 */
int
procfd_scan(struct procfd_cache *c, int flags, struct sample_proc **procs,
    size_t *nalloc, size_t *n)
{
	struct dirent	*de;
	struct procfd	*e;
	const char	*q;
	size_t		 k = 0;
	int		 pid;

	if (++c->gen == 0)
		c->gen = 1;
	rewinddir(c->dir);
	while ((de = readdir(c->dir)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		for (pid = 0, q = de->d_name; *q >= '0' && *q <= '9'; q++)
			pid = pid * 10 + (*q - '0');
		if (*q != '\0')
			continue;
		if (k == *nalloc) {
			*nalloc = *nalloc + *nalloc / 4 + 256;
			*procs = xreallocarray(*procs, *nalloc, sizeof **procs);
		}
		if (k == c->ncomms) {
			c->ncomms = *nalloc;
			c->comms = xreallocarray(c->comms, c->ncomms,
			    sizeof *c->comms);
		}
		e = procfd_get(c, pid);
		e->gen = c->gen;
		if (procfd_one(c, e, flags, &(*procs)[k], c->comms[k]) == 0)
			k++;
	}
	procfd_sweep(c);
	/* The names last: comms may have moved while it grew. */
	for (n[0] = 0; *n < k; (*n)++)
		(*procs)[*n].comm = c->comms[*n];
	return (0);
}
