/*
 * Small-file reading for /proc and /sys: the whole file into a caller's
 * array, NUL-terminated, in as few read(2) calls as it takes.
 * file_read_all() reads a file of unknown size (/proc/PID/environ) into a
 * buffer it allocates; the caller frees it. file_mkdirs() makes the
 * directories a file is to go in.
 */
#ifndef VIGIL_FILE_H
#define VIGIL_FILE_H

#include <sys/types.h>

ssize_t	file_read_at(int, const char *, char *, size_t);
ssize_t	file_read(const char *, char *, size_t);
ssize_t	file_read_all_at(int, const char *, char **);
ssize_t	file_read_all(const char *, char **);
int	file_mkdirs(const char *);

#endif
