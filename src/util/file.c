/* Small-file reading. */

#include "vigil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "xalloc.h"

/*
 * Read from fd into buf at *off until it holds room bytes or the file
 * ends. Returns 0, or -1 with errno set.
 */
static int
file_fill(int fd, char *buf, size_t room, size_t *off)
{
	ssize_t	n;

	while (*off < room) {
		n = read(fd, buf + *off, room - *off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		if (n == 0)
			break;
		*off += n;
	}
	return (0);
}

/* Returns the length read, or -1 with errno set; truncates at len - 1. */
ssize_t
file_read_at(int dirfd, const char *path, char *buf, size_t len)
{
	size_t	off = 0;
	int	fd, saved;

	if (len == 0) {
		errno = EINVAL;
		return (-1);
	}
	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	if (file_fill(fd, buf, len - 1, &off) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return (-1);
	}
	close(fd);
	buf[off] = '\0';
	return (off);
}

ssize_t
file_read(const char *path, char *buf, size_t len)
{
	return (file_read_at(AT_FDCWD, path, buf, len));
}

/*
 * The whole file, however long, into *out: allocated, NUL-terminated (the
 * contents may hold NULs too, so use the length). Returns the length, or -1
 * with errno set and *out NULL.
 */
ssize_t
file_read_all_at(int dirfd, const char *path, char **out)
{
	char	*data;
	size_t	 off = 0, cap = 4096;
	int	 fd, saved;

	*out = NULL;
	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	data = xmalloc(cap);
	for (;;) {
		if (file_fill(fd, data, cap - 1, &off) != 0) {
			saved = errno;
			free(data);
			close(fd);
			errno = saved;
			return (-1);
		}
		if (off < cap - 1)
			break;		/* the file ended before the buffer */
		data = xreallocarray(data, cap, 2);
		cap *= 2;
	}
	close(fd);
	data[off] = '\0';
	*out = data;
	return (off);
}

ssize_t
file_read_all(const char *path, char **out)
{
	return (file_read_all_at(AT_FDCWD, path, out));
}

/* Make the directories above path (mode 0700) that do not exist yet. */
int
file_mkdirs(const char *path)
{
	char	*dir = xstrdup(path), *p;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			free(dir);
			return (-1);
		}
		*p = '/';
	}
	free(dir);
	return (0);
}
