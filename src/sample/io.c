/* Per-process I/O counters: /proc/PID/io. */

#include "vigil.h"

#include <stdio.h>
#include <string.h>

#include "file.h"
#include "sample.h"
#include "sample-int.h"

/*
 * The counters of one /proc/PID/io text (proc(5)): rchar and wchar count
 * the bytes of every read and write call (pipes, sockets, the page cache
 * included), read_bytes and write_bytes what the process made the block
 * layer fetch or dirtied for it to write back. Returns -1 if the text
 * lacks any of them, and p is left without counters.
 */
int
sample_io_parse(const char *text, struct sample_proc *p)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} keys[] = {
		{ "rchar:", offsetof(struct sample_proc, io_rchar) },
		{ "wchar:", offsetof(struct sample_proc, io_wchar) },
		{ "read_bytes:", offsetof(struct sample_proc, io_read) },
		{ "write_bytes:", offsetof(struct sample_proc, io_write) },
	};
	unsigned long long	 v;
	const char		*line = text;
	size_t			 i, len;
	unsigned		 seen = 0;

	while (*line != '\0') {
		for (i = 0; i < nitems(keys); i++) {
			len = strlen(keys[i].name);
			if (strncmp(line, keys[i].name, len) != 0)
				continue;
			for (line += len; *line == ' '; line++)
				;
			for (v = 0; *line >= '0' && *line <= '9'; line++)
				v = v * 10 + (unsigned)(*line - '0');
			*(unsigned long long *)((char *)p + keys[i].off) = v;
			seen |= 1U << i;
			break;
		}
		if ((line = strchr(line, '\n')) == NULL)
			break;
		line++;
	}
	p->has_io = seen == (1U << nitems(keys)) - 1;
	if (!p->has_io)
		p->io_rchar = p->io_wchar = p->io_read = p->io_write = 0;
	return (p->has_io ? 0 : -1);
}

/*
 * The counters of task pid of process tgid, read by path (the way
 * libproc2 reads the rest of a thread): the process's own file for its
 * main thread, which sums every thread it had. Reading needs the right
 * to ptrace-read the process: other users' processes, without
 * CAP_SYS_PTRACE, have no counters (has_io 0), not zeros.
 */
int
sample_io_read(int tgid, int pid, struct sample_proc *p)
{
	char	path[64], text[512];

	if (pid == tgid)
		snprintf(path, sizeof path, "/proc/%d/io", pid);
	else
		snprintf(path, sizeof path, "/proc/%d/task/%d/io", tgid, pid);
	if (file_read(path, text, sizeof text) < 0) {
		p->has_io = 0;
		p->io_rchar = p->io_wchar = p->io_read = p->io_write = 0;
		return (-1);
	}
	return (sample_io_parse(text, p));
}
