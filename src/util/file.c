/* Small-file reading. */

#include "vigil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "file.h"
#include "xalloc.h"

/* Returns the length read, or -1 with errno set; truncates at len - 1. */
ssize_t
file_read_at(int dirfd, const char *path, char *buf, size_t len)
{
	ssize_t	n;
	size_t	off = 0;
	int	fd, saved;

	if (len == 0) {
		errno = EINVAL;
		return (-1);
	}
	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	while (off < len - 1) {
		n = read(fd, buf + off, len - 1 - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			close(fd);
			errno = saved;
			return (-1);
		}
		if (n == 0)
			break;
		off += n;
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
	ssize_t	 n;
	int	 fd, saved;

	*out = NULL;
	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	data = xmalloc(cap);
	for (;;) {
		if (off == cap - 1) {
			data = xreallocarray(data, cap, 2);
			cap *= 2;
		}
		n = read(fd, data + off, cap - 1 - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			free(data);
			close(fd);
			errno = saved;
			return (-1);
		}
		if (n == 0)
			break;
		off += n;
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
