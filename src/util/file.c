/* Small-file reading. */

#include "vigil.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "file.h"

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
