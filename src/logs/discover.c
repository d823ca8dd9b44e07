/* Discovering the log files a process writes, from /proc/PID/fd. */

#include "vigil.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "logs.h"
#include "xalloc.h"

#define DELETED	" (deleted)"

static int	discover_writing(int, const char *);
static int	discover_path(int, const char *, char *, size_t);
static int	discover_seen(char **, size_t, const char *);

/* Is the fd open for writing or appending? The flags are octal. */
static int
discover_writing(int pid, const char *fd)
{
	char		 path[32 + NAME_MAX], info[512], *p, *end;
	unsigned long	 flags;

	snprintf(path, sizeof path, "/proc/%d/fdinfo/%s", pid, fd);
	if (file_read(path, info, sizeof info) == -1)
		return (0);
	if ((p = strstr(info, "flags:")) == NULL)
		return (0);
	flags = strtoul(p + 6, &end, 8);
	if (end == p + 6)
		return (0);
	flags &= O_ACCMODE;
	return (flags == O_WRONLY || flags == O_RDWR);
}

/* The regular file behind an fd, if it still has a name. */
static int
discover_path(int dirfd, const char *fd, char *out, size_t len)
{
	struct stat	st;
	ssize_t		n;
	size_t		dl = sizeof DELETED - 1;

	if ((n = readlinkat(dirfd, fd, out, len - 1)) <= 0)
		return (0);
	out[n] = '\0';
	if (out[0] != '/')
		return (0);	/* pipe:[…], socket:[…], anon_inode:… */
	if ((size_t)n > dl && strcmp(out + n - dl, DELETED) == 0)
		return (0);
	if (fstatat(dirfd, fd, &st, 0) == -1 || !S_ISREG(st.st_mode))
		return (0);
	return (1);
}

static int
discover_seen(char **paths, size_t n, const char *path)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(paths[i], path) == 0)
			return (1);
	}
	return (0);
}

/*
 * The regular files process pid has open for writing or appending
 * (stdout and stderr included), each once. The caller frees them with
 * logs_discover_free(). Returns 0, or -1 with errno set.
 */
int
logs_discover(int pid, char ***pathsp, size_t *np)
{
	char		 dir[64], path[PATH_MAX], **paths = NULL;
	struct dirent	*de;
	DIR		*d;
	size_t		 n = 0;

	*pathsp = NULL;
	*np = 0;
	snprintf(dir, sizeof dir, "/proc/%d/fd", pid);
	if ((d = opendir(dir)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (!discover_path(dirfd(d), de->d_name, path, sizeof path))
			continue;
		if (!discover_writing(pid, de->d_name))
			continue;
		if (discover_seen(paths, n, path))
			continue;
		paths = xreallocarray(paths, n + 1, sizeof *paths);
		paths[n++] = xstrdup(path);
	}
	closedir(d);
	*pathsp = paths;
	*np = n;
	return (0);
}

void
logs_discover_free(char **paths, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
