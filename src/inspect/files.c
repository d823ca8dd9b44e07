/* A process's open files, as lsof lists them: /proc/PID/fd and fdinfo. */

#include "vigil.h"

#include <sys/stat.h>
#include <sys/xattr.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "inspect.h"
#include "procaccess.h"
#include "xalloc.h"

/* A socket of the target's network namespace, by inode. */
struct files_sock {
	unsigned long	 inode;
	char		 type[8];	/* lsof's TYPE: IPv4, IPv6, unix */
	char		*name;
};

struct files_socks {
	struct files_sock	*v;
	size_t			 n;
	int			 read;		/* the tables were read */
};

static void	files_sock_add(struct files_socks *, unsigned long,
		    const char *, const char *);
static void	files_socks_read(int, struct files_socks *);
static void	files_socks_free(struct files_socks *);
static int	files_one(int, int, int, struct files_socks *,
		    struct inspect_fd *);
static const char *files_type(mode_t);
static void	files_fdinfo(int, int, struct inspect_fd *);
static int	files_cmp(const void *, const void *);
static int	files_sock_cmp(const void *, const void *);

/* The tables lsof reads for inet and unix sockets, in their netns. */
static const struct {
	const char	*file;
	const char	*proto;
	int		 v6;
} files_tables[] = {
	{ "tcp", "TCP", 0 }, { "tcp6", "TCP", 1 },
	{ "udp", "UDP", 0 }, { "udp6", "UDP", 1 },
	{ "udplite", "UDPLITE", 0 }, { "udplite6", "UDPLITE", 1 },
};

static void
files_sock_add(struct files_socks *s, unsigned long inode, const char *type,
    const char *name)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n].inode = inode;
	snprintf(s->v[s->n].type, sizeof s->v[s->n].type, "%s", type);
	s->v[s->n].name = xstrdup(name);
	s->n++;
}

/* Read the tables only once a socket is seen, and only once a listing. */
static void
files_socks_read(int pid, struct files_socks *s)
{
	struct inspect_inet	 in;
	struct buf		 b = BUF_INITIALIZER;
	unsigned long		 inode;
	char			 path[64], *text, *line, *next;
	size_t			 i;

	s->read = 1;
	for (i = 0; i < nitems(files_tables); i++) {
		snprintf(path, sizeof path, "/proc/%d/net/%s", pid,
		    files_tables[i].file);
		if (file_read_all(path, &text) < 0)
			continue;
		for (line = text; line != NULL && *line != '\0'; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			if (inspect_inet_parse(line, files_tables[i].v6,
			    &in) != 0)
				continue;
			buf_reset(&b);
			inspect_inet_name(&b, &in, files_tables[i].proto);
			files_sock_add(s, in.inode, in.v6 ? "IPv6" : "IPv4",
			    buf_str(&b));
		}
		free(text);
	}
	snprintf(path, sizeof path, "/proc/%d/net/unix", pid);
	if (file_read_all(path, &text) >= 0) {
		for (line = text; *line != '\0'; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			else
				next = line + strlen(line);
			buf_reset(&b);
			if (inspect_unix_parse(line, &inode, &b) == 0)
				files_sock_add(s, inode, "unix", buf_str(&b));
		}
		free(text);
	}
	buf_free(&b);
	/* A server may hold thousands: found by bsearch, not a walk each. */
	qsort(s->v, s->n, sizeof *s->v, files_sock_cmp);
}

static int
files_sock_cmp(const void *a, const void *b)
{
	const struct files_sock	*x = a, *y = b;

	return (x->inode < y->inode ? -1 : x->inode > y->inode);
}

static void
files_socks_free(struct files_socks *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
}

/* lsof's TYPE for a file mode. */
static const char *
files_type(mode_t m)
{
	if (S_ISREG(m))
		return ("REG");
	if (S_ISDIR(m))
		return ("DIR");
	if (S_ISCHR(m))
		return ("CHR");
	if (S_ISBLK(m))
		return ("BLK");
	if (S_ISFIFO(m))
		return ("FIFO");
	if (S_ISSOCK(m))
		return ("sock");
	if (S_ISLNK(m))
		return ("LINK");
	return ("unknown");
}

/* fdinfo's pos and flags (octal): the mode, lsof's +fg flag names. */
static void
files_fdinfo(int dfd, int fd, struct inspect_fd *f)
{
	static const struct {
		int		 flag;
		const char	*name;
	} names[] = {
		{ O_APPEND, "AP" }, { O_NONBLOCK, "NB" }, { O_CLOEXEC, "CX" },
		{ O_SYNC, "SYN" }, { O_DSYNC, "DSYN" }, { O_DIRECT, "DIR" },
		{ O_NOATIME, "NATM" }, { O_PATH, "PATH" },
	};
	char		 path[64], text[4096], v[64];
	unsigned long	 flags;
	size_t		 i, n = 0;
	int		 acc;

	snprintf(path, sizeof path, "fdinfo/%d", fd);
	if (file_read_at(dfd, path, text, sizeof text) < 0)
		return;
	if (proc_status_field(text, "pos", v, sizeof v) == 0) {
		f->pos = strtoull(v, NULL, 10);
		f->has_pos = 1;
	}
	if (proc_status_field(text, "flags", v, sizeof v) != 0)
		return;
	flags = strtoul(v, NULL, 8);
	acc = flags & O_ACCMODE;
	snprintf(f->mode, sizeof f->mode, "%s", acc == O_RDONLY ? "r" :
	    acc == O_WRONLY ? "w" : "rw");
	/* O_SYNC holds O_DSYNC's bit: name only the wider one. */
	for (i = 0; i < nitems(names); i++) {
		if ((flags & names[i].flag) != (unsigned long)names[i].flag)
			continue;
		if (names[i].flag == O_DSYNC && (flags & O_SYNC) == O_SYNC)
			continue;
		n += snprintf(f->flags + n, sizeof f->flags - n, "%s%s",
		    n > 0 ? "," : "", names[i].name);
		if (n >= sizeof f->flags)
			break;
	}
}

/*
 * One descriptor: where it points, its type, fdinfo, a socket's name.
 * Returns 0, or the errno of readlink (the name then says it).
 */
static int
files_one(int pid, int dfd, int fd, struct files_socks *socks,
    struct inspect_fd *f)
{
	struct files_sock	 key, *found;
	struct stat		 st;
	char			 path[64], link[4096], proto[32];
	unsigned long		 inode;
	ssize_t			 n;
	int			 e = 0;

	memset(f, 0, sizeof *f);
	f->fd = fd;
	snprintf(path, sizeof path, "fd/%d", fd);
	if ((n = readlinkat(dfd, path, link, sizeof link - 1)) < 0) {
		e = errno;
		n = snprintf(link, sizeof link, "(%s)", strerror(e));
	}
	link[n] = '\0';
	/* stat follows the link to the open file, a socket or a pipe too. */
	if (fstatat(dfd, path, &st, 0) == 0) {
		snprintf(f->type, sizeof f->type, "%s",
		    files_type(st.st_mode));
		if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) {
			f->size = st.st_size;
			f->has_size = S_ISREG(st.st_mode);
		}
	} else
		snprintf(f->type, sizeof f->type, "?");
	if (strncmp(link, "anon_inode:", 11) == 0)
		snprintf(f->type, sizeof f->type, "a_inode");
	files_fdinfo(dfd, fd, f);
	f->name = xstrdup(link);
	if (e != 0 || sscanf(link, "socket:[%lu]", &inode) != 1)
		return (e);
	if (!socks->read)
		files_socks_read(pid, socks);
	key.inode = inode;
	if (socks->n > 0 && (found = bsearch(&key, socks->v, socks->n,
	    sizeof *socks->v, files_sock_cmp)) != NULL) {
		snprintf(f->type, sizeof f->type, "%s", found->type);
		free(f->name);
		f->name = xstrdup(found->name);
		return (0);
	}
	/* Not inet or unix (netlink, packet): the protocol, as lsof says it. */
	snprintf(path, sizeof path, "/proc/%d/fd/%d", pid, fd);
	if ((n = getxattr(path, "system.sockprotoname", proto,
	    sizeof proto - 1)) > 0) {
		proto[n] = '\0';
		free(f->name);
		xasprintf(&f->name, "%s %s", proto, link);
	}
	return (0);
}

static int
files_cmp(const void *a, const void *b)
{
	const struct inspect_fd	*x = a, *y = b;

	return (x->fd < y->fd ? -1 : x->fd > y->fd);
}

/*
 * The open files of pid, by descriptor. Returns 0, or -1 with err saying
 * why (an exited process, another user's, by procaccess's causes).
 */
int
inspect_files(int pid, struct inspect_fd **fv, size_t *nfv, char *err,
    size_t errlen)
{
	struct files_socks	 socks = { NULL, 0, 0 };
	struct inspect_fd	*v = NULL;
	struct dirent		*de;
	DIR			*d;
	char			 path[64], *end;
	size_t			 n = 0, denied = 0;
	long			 fd;
	int			 dfd, fdd, e;

	*fv = NULL;
	*nfv = 0;
	snprintf(path, sizeof path, "/proc/%d", pid);
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			snprintf(err, errlen, _("process %d has exited"), pid);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if ((fdd = openat(dfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || (d = fdopendir(fdd)) == NULL) {
		if (errno == ENOENT)
			snprintf(err, errlen, _("process %d has exited"), pid);
		else
			proc_access_explain(pid, PROC_ACCESS_READ, "fd", errno,
			    err, errlen);
		if (fdd != -1)
			close(fdd);
		close(dfd);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		fd = strtol(de->d_name, &end, 10);
		if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end != '\0')
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		e = files_one(pid, dfd, fd, &socks, &v[n++]);
		denied += e == EACCES || e == EPERM;
	}
	closedir(d);
	close(dfd);
	files_socks_free(&socks);
	/* The list but none of the names: a lockdown, not one odd file. */
	if (n > 0 && denied == n) {
		proc_access_explain(pid, PROC_ACCESS_READ, "fd", EACCES, err,
		    errlen);
		inspect_files_free(v, n);
		return (-1);
	}
	qsort(v, n, sizeof *v, files_cmp);
	*fv = v;
	*nfv = n;
	return (0);
}

void
inspect_files_free(struct inspect_fd *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

#define FILES_ROW	"%4s %-7s %-4s %-8s %10s %10s  "
#define FILES_NARROW	"%4s %-7s %-4s %-8s  "

/* narrow: without OFFSET and SIZE, so names fit 80 columns. */
void
inspect_files_header(struct buf *b, int narrow)
{
	if (narrow)
		buf_printf(b, FILES_NARROW "%s", _("FD"), _("TYPE"),
		    _("MODE"), _("FLAGS"), _("NAME"));
	else
		buf_printf(b, FILES_ROW "%s", _("FD"), _("TYPE"), _("MODE"),
		    _("FLAGS"), _("OFFSET"), _("SIZE"), _("NAME"));
}

/* A row as the header lays it out; the name raw (sanitise to print). */
void
inspect_files_row(struct buf *b, const struct inspect_fd *f, int narrow)
{
	const char	*mode = f->mode[0] != '\0' ? f->mode : "-";
	const char	*flags = f->flags[0] != '\0' ? f->flags : "-";
	char		 fd[16], pos[24], size[24];

	snprintf(fd, sizeof fd, "%d", f->fd);
	snprintf(pos, sizeof pos, "%llu", f->pos);
	snprintf(size, sizeof size, "%llu", f->size);
	if (narrow)
		buf_printf(b, FILES_NARROW, fd, f->type, mode, flags);
	else
		buf_printf(b, FILES_ROW, fd, f->type, mode, flags,
		    f->has_pos ? pos : "-", f->has_size ? size : "-");
	buf_adds(b, f->name);
}
