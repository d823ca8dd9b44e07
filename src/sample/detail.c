/* The detail pane's facts about one process, read from /proc/PID. */

#include "vigil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ioprio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "detail.h"
#include "file.h"
#include "procaccess.h"
#include "xalloc.h"

/* What the kernel's d_path() appends to the name of an unlinked file. */
#define DETAIL_DELETED		" (deleted)"

/* /proc/PID/limits is 17 lines of 80 columns. */
#define DETAIL_LIMITS_SIZE	4096

enum detail_unit_kind {
	DETAIL_NOT_UNIT,
	DETAIL_UNIT,		/* a slice, socket, mount … */
	DETAIL_UNIT_TASKS	/* a service or scope: where processes live */
};

static char	*detail_readlink(int, const char *, int *);
static void	 detail_read_exe(int, struct proc_detail *);
static void	 detail_read_fds(int, struct proc_detail *);
static void	 detail_read_cgroup(int, struct proc_detail *);
static void	 detail_read_limits(int, struct proc_detail *);
static void	 detail_read_sched(int, int, struct proc_detail *);
static void	 detail_read_env(int, struct proc_detail *);
static int	 detail_cgroup_line(const char *, const char *, int *,
		     const char **);
static char	*detail_cgroup_unit(const char *);
static enum detail_unit_kind detail_unit_kind(const char *, size_t);
static int	 detail_limit_line(const char *, const char *,
		     struct detail_limit *);
static void	 detail_copy(char *, size_t, const char *, size_t);
static int	 detail_isblank(char);

/*
 * Returns 0 if /proc/PID existed when it was opened, whatever could or could
 * not be read inside it; -1 with errno ESRCH if there is no such process.
 */
int
detail_read(int pid, int flags, struct proc_detail *d)
{
	char	path[32];
	int	dirfd;

	memset(d, 0, sizeof *d);
	d->pid = pid;
	if (pid <= 0) {
		errno = ESRCH;
		return (-1);
	}
	snprintf(path, sizeof path, "/proc/%d", pid);
	if ((dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			errno = ESRCH;
		return (-1);
	}

	detail_read_exe(dirfd, d);
	d->cwd = detail_readlink(dirfd, "cwd", &d->cwd_errno);
	detail_read_fds(dirfd, d);
	detail_read_cgroup(dirfd, d);
	detail_read_limits(dirfd, d);
	detail_read_sched(dirfd, pid, d);
	if (flags & DETAIL_ENV)
		detail_read_env(dirfd, d);

	close(dirfd);
	return (0);
}

void
detail_free(struct proc_detail *d)
{
	size_t	i;

	if (d == NULL)
		return;
	free(d->exe);
	free(d->cwd);
	free(d->cgroup);
	free(d->unit);
	free(d->limits);
	for (i = 0; i < d->nenv; i++)
		free(d->env[i]);
	free(d->env);
	memset(d, 0, sizeof *d);
}

/* A symbolic link's target, however long; NULL with *error set. */
static char *
detail_readlink(int dirfd, const char *name, int *error)
{
	char	*target = NULL;
	size_t	 len = 256;
	ssize_t	 n;

	/* A target that fills the buffer may have been cut: grow, retry. */
	for (;;) {
		target = xreallocarray(target, len, 1);
		if ((n = readlinkat(dirfd, name, target, len)) == -1) {
			*error = errno;
			free(target);
			return (NULL);
		}
		if ((size_t)n < len)
			break;
		len *= 2;
	}
	target[n] = '\0';
	return (target);
}

/*
 * The kernel marks an executable that was unlinked (or replaced by an
 * upgrade) by appending " (deleted)" to its path. A file really named
 * "x (deleted)" looks the same; the kernel gives no other way to tell from
 * the link alone, so it is taken as deleted too.
 */
static void
detail_read_exe(int dirfd, struct proc_detail *d)
{
	size_t	len, slen = sizeof DETAIL_DELETED - 1;

	if ((d->exe = detail_readlink(dirfd, "exe", &d->exe_errno)) == NULL)
		return;
	len = strlen(d->exe);
	if (len > slen && strcmp(d->exe + len - slen, DETAIL_DELETED) == 0) {
		d->exe[len - slen] = '\0';
		d->exe_deleted = 1;
	}
}

/*
 * Counted by listing fd/: stat(2) of the directory gives the count only
 * since Linux 6.2, and the listing works everywhere.
 */
static void
detail_read_fds(int dirfd, struct proc_detail *d)
{
	struct dirent	*de;
	DIR		*dir;
	int		 fd, n = 0;

	d->nfds = -1;
	fd = openat(dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		d->fds_errno = errno;
		return;
	}
	if ((dir = fdopendir(fd)) == NULL) {
		d->fds_errno = errno;
		close(fd);
		return;
	}
	errno = 0;
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	}
	if (errno != 0)
		d->fds_errno = errno;
	else
		d->nfds = n;
	closedir(dir);
}

static void
detail_read_cgroup(int dirfd, struct proc_detail *d)
{
	char	*text;

	/* Deep v1 paths in a dozen hierarchies can outgrow a page. */
	if (file_read_all_at(dirfd, "cgroup", &text) == -1)
		return;
	detail_parse_cgroup(text, &d->cgroup, &d->unit);
	free(text);
}

static void
detail_read_limits(int dirfd, struct proc_detail *d)
{
	char	text[DETAIL_LIMITS_SIZE];

	if (file_read_at(dirfd, "limits", text, sizeof text) == -1) {
		d->limits_errno = errno;
		return;
	}
	if (detail_parse_limits(text, &d->limits, &d->nlimits) == -1)
		d->limits_errno = EINVAL;
}

/*
 * What vigil's a and o keys change: the CPUs the process may run on
 * (Cpus_allowed_list) and its I/O priority (glibc has no ioprio_get()).
 */
static void
detail_read_sched(int dirfd, int pid, struct proc_detail *d)
{
	char	text[4096];

	if (file_read_at(dirfd, "status", text, sizeof text) < 0 ||
	    proc_status_field(text, "Cpus_allowed_list", d->cpus,
	    sizeof d->cpus) != 0)
		d->cpus[0] = '\0';
	if ((d->ioprio = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, pid)) ==
	    -1)
		d->ioprio_errno = errno;
}

/* Empty strings (an environment block a process overwrote) are skipped. */
static void
detail_read_env(int dirfd, struct proc_detail *d)
{
	char	*data;
	ssize_t	 len;
	size_t	 i, n = 0;

	if ((len = file_read_all_at(dirfd, "environ", &data)) == -1) {
		d->env_errno = errno;
		return;
	}
	/* data[len] is NUL, so an unterminated last string ends there. */
	for (i = 0; i < (size_t)len; i += strlen(data + i) + 1) {
		if (data[i] != '\0')
			n++;
	}
	if (n != 0)
		d->env = xcalloc(n, sizeof *d->env);
	for (i = 0; i < (size_t)len; i += strlen(data + i) + 1) {
		if (data[i] != '\0')
			d->env[d->nenv++] = xstrdup(data + i);
	}
	free(data);
}

/*
 * Each line of /proc/PID/cgroup is "ID:CONTROLLERS:PATH"; cgroup v2's is
 * "0::PATH". The v2 path wins, then v1's name=systemd hierarchy, then the
 * first v1 line. Lines that do not parse are skipped; -1 if none did.
 */
int
detail_parse_cgroup(const char *text, char **path, char **unit)
{
	const char	*line, *end, *p, *best = NULL, *best_end = NULL;
	int		 rank, best_rank = 0;

	*path = *unit = NULL;
	for (line = text; *line != '\0'; line = end + (*end == '\n')) {
		end = strchrnul(line, '\n');
		if (detail_cgroup_line(line, end, &rank, &p) == -1)
			continue;
		if (rank > best_rank) {
			best = p;
			best_end = end;
			best_rank = rank;
		}
	}
	if (best == NULL)
		return (-1);
	*path = xstrndup(best, best_end - best);
	*unit = detail_cgroup_unit(*path);
	return (0);
}

/* One line: its rank (3 v2, 2 name=systemd, 1 other v1) and its path. */
static int
detail_cgroup_line(const char *line, const char *end, int *rank,
    const char **path)
{
	static const char	 systemd[] = "name=systemd";
	const char		*p = line, *ctl;
	size_t			 ctllen;
	int			 v2;

	if (p == end || *p < '0' || *p > '9')
		return (-1);
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	v2 = (p - line == 1 && *line == '0');
	if (p == end || *p++ != ':')
		return (-1);
	ctl = p;
	while (p < end && *p != ':')
		p++;
	ctllen = p - ctl;
	if (p == end || *p++ != ':' || p == end || *p != '/')
		return (-1);

	if (v2 && ctllen == 0)
		*rank = 3;
	else if (ctllen == sizeof systemd - 1 &&
	    memcmp(ctl, systemd, ctllen) == 0)
		*rank = 2;
	else
		*rank = 1;
	*path = p;
	return (0);
}

/*
 * The systemd unit a cgroup path belongs to. Processes live in services and
 * scopes, so the innermost of those wins, even over a slice nested inside it
 * (user@1000.service/app.slice); failing that, the innermost unit of any
 * type. Unit suffixes are systemd's (systemd.unit(5)) for units that have a
 * cgroup.
 */
static char *
detail_cgroup_unit(const char *path)
{
	const char		*start, *end, *any = NULL;
	size_t			 len, anylen = 0;
	enum detail_unit_kind	 kind;

	end = path + strlen(path);
	while (end > path) {
		start = end;
		while (start > path && start[-1] != '/')
			start--;
		len = end - start;
		kind = detail_unit_kind(start, len);
		if (kind == DETAIL_UNIT_TASKS)
			return (xstrndup(start, len));
		if (kind == DETAIL_UNIT && any == NULL) {
			any = start;
			anylen = len;
		}
		end = start;
		while (end > path && end[-1] == '/')
			end--;
	}
	if (any == NULL)
		return (NULL);
	return (xstrndup(any, anylen));
}

static enum detail_unit_kind
detail_unit_kind(const char *name, size_t len)
{
	static const struct {
		const char		*suffix;
		enum detail_unit_kind	 kind;
	} units[] = {
		{ ".service", DETAIL_UNIT_TASKS },
		{ ".scope", DETAIL_UNIT_TASKS },
		{ ".slice", DETAIL_UNIT },
		{ ".socket", DETAIL_UNIT },
		{ ".mount", DETAIL_UNIT },
		{ ".swap", DETAIL_UNIT },
		{ ".timer", DETAIL_UNIT }
	};
	size_t	i, slen;

	for (i = 0; i < nitems(units); i++) {
		slen = strlen(units[i].suffix);
		if (len > slen &&
		    memcmp(name + len - slen, units[i].suffix, slen) == 0)
			return (units[i].kind);
	}
	return (DETAIL_NOT_UNIT);
}

/*
 * The kernel writes each limit as "%-25s %-20s %-20s %-10s" (fs/proc/base.c,
 * proc_pid_limits), under a header line. Columns are not trusted: the name
 * ends at the first run of two blanks, then come soft, hard and the units.
 * Lines that do not parse are skipped; -1 if none did.
 */
int
detail_parse_limits(const char *text, struct detail_limit **out, size_t *nout)
{
	struct detail_limit	*l = NULL, one;
	const char		*line, *end;
	size_t			 n = 0;

	*out = NULL;
	*nout = 0;
	for (line = text; *line != '\0'; line = end + (*end == '\n')) {
		end = strchrnul(line, '\n');
		if (detail_limit_line(line, end, &one) == -1)
			continue;
		if (strcmp(one.name, "Limit") == 0)	/* the header */
			continue;
		l = xreallocarray(l, n + 1, sizeof *l);
		l[n++] = one;
	}
	if (n == 0)
		return (-1);
	*out = l;
	*nout = n;
	return (0);
}

static int
detail_limit_line(const char *line, const char *end, struct detail_limit *l)
{
	const char	*p = line, *name, *name_end, *tok;

	memset(l, 0, sizeof *l);
	while (p < end && detail_isblank(*p))
		p++;
	name = p;
	while (p < end && *p != '\t' && !(*p == ' ' && p + 1 < end &&
	    detail_isblank(p[1])))
		p++;
	name_end = p;
	while (name_end > name && detail_isblank(name_end[-1]))
		name_end--;
	if (name_end == name)
		return (-1);
	detail_copy(l->name, sizeof l->name, name, name_end - name);

	while (p < end && detail_isblank(*p))
		p++;
	for (tok = p; p < end && !detail_isblank(*p); p++)
		;
	if (p == tok)
		return (-1);
	detail_copy(l->soft, sizeof l->soft, tok, p - tok);

	while (p < end && detail_isblank(*p))
		p++;
	for (tok = p; p < end && !detail_isblank(*p); p++)
		;
	if (p == tok)
		return (-1);
	detail_copy(l->hard, sizeof l->hard, tok, p - tok);

	/* The units are the rest of the line, if anything. */
	while (p < end && detail_isblank(*p))
		p++;
	while (end > p && detail_isblank(end[-1]))
		end--;
	detail_copy(l->units, sizeof l->units, p, end - p);
	return (0);
}

/* Copies at most len bytes of src, truncated to fit and NUL-terminated. */
static void
detail_copy(char *dst, size_t size, const char *src, size_t len)
{
	if (len > size - 1)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int
detail_isblank(char c)
{
	return (c == ' ' || c == '\t');
}
