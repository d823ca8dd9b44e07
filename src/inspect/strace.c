/* Starting Debian's strace on a process, its output through a pipe. */

#include "vigil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "inspect.h"
#include "procaccess.h"
#include "spawn.h"

/* strace by $PATH (execvp's default without one), into buf; NULL if none. */
const char *
inspect_strace_path(char *buf, size_t len)
{
	const char	*path = getenv("PATH"), *p, *end;
	size_t		 n;

	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p != '\0'; p = *end == ':' ? end + 1 : end) {
		end = p + strcspn(p, ":");
		n = end - p;
		if (n == 0 || n + sizeof "/strace" > len)
			continue;
		snprintf(buf, len, "%.*s/strace", (int)n, p);
		if (access(buf, X_OK) == 0)
			return (buf);
	}
	return (NULL);
}

/* The process tracing pid (TracerPid), 0 if none, -1 if unreadable. */
int
inspect_tracer(int pid)
{
	char	path[64], text[4096], v[32];

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if (file_read(path, text, sizeof text) < 0 ||
	    proc_status_field(text, "TracerPid", v, sizeof v) != 0)
		return (-1);
	return (atoi(v));
}

/*
 * Whether pid has exited: no such process, or a zombie its parent has not
 * reaped yet (which strace has stopped tracing all the same).
 */
int
inspect_exited(int pid)
{
	char	path[64], text[4096], v[32];

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if (file_read(path, text, sizeof text) < 0)
		return (1);
	return (proc_status_field(text, "State", v, sizeof v) == 0 &&
	    (v[0] == 'Z' || v[0] == 'X'));
}

/*
 * Start `strace -f -tt -s 96 -p PID`: every thread, times to the
 * microsecond, strings cut at 96 bytes, its output (on its stderr) into
 * the pipe whose read end goes in *fdp. strace dies with vigil
 * (PR_SET_PDEATHSIG, SIGTERM), and on SIGTERM it detaches from its
 * tracees before it exits, so the target runs on untraced. The caller has
 * checked that pid is still the process the user chose. Returns 0, or -1
 * with err saying why (no strace, a tracer already there).
 */
int
inspect_strace_start(int pid, int *childp, int *fdp, char *err,
    size_t errlen)
{
	char	 path[4096], spid[32], ssize[32];
	char	*argv[] = { "strace", "-f", "-tt", "-s", ssize, "-p", spid,
		    NULL };
	pid_t	 child;
	int	 tracer;

	if (inspect_strace_path(path, sizeof path) == NULL) {
		snprintf(err, errlen, _("strace is not installed (on Debian: "
		    "apt install strace)"));
		return (-1);
	}
	tracer = inspect_tracer(pid);
	if (tracer < 0) {
		snprintf(err, errlen, _("process %d has already exited"), pid);
		return (-1);
	}
	if (tracer > 0) {
		proc_access_explain(pid, PROC_ACCESS_TRACE, NULL, EPERM, err,
		    errlen);
		return (-1);
	}
	snprintf(spid, sizeof spid, "%d", pid);
	snprintf(ssize, sizeof ssize, "%d", INSPECT_STRACE_STRSIZE);
	if ((child = spawn_prog(path, argv, fdp, err, errlen)) == -1)
		return (-1);
	*childp = child;
	return (0);
}
