/* vigil run: the socket directory, state files, and the socket's clients. */

#include "vigil.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "file.h"
#include "sup.h"
#include "xalloc.h"

static int	sup_mkdir(const char *, int, char *, size_t);

/*
 * Make dir (mode 0700) if it is missing; with check, refuse a directory
 * that another user owns or that others may enter, as a shared /tmp
 * could hold one planted there.
 */
static int
sup_mkdir(const char *dir, int check, char *err, size_t errlen)
{
	struct stat	st;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, _("cannot create %s: %s"), dir,
		    strerror(errno));
		return (-1);
	}
	if (lstat(dir, &st) == -1) {
		snprintf(err, errlen, _("cannot use %s: %s"), dir,
		    strerror(errno));
		return (-1);
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, _("%s is not a directory"), dir);
		return (-1);
	}
	if (check && st.st_uid != geteuid()) {
		snprintf(err, errlen,
		    _("refusing to use %s: it belongs to uid %u, not to you"),
		    dir, (unsigned)st.st_uid);
		return (-1);
	}
	if (check && (st.st_mode & 077) != 0 && chmod(dir, 0700) == -1) {
		snprintf(err, errlen, _("cannot make %s private: %s"), dir,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * Where the sockets and state files are: $XDG_RUNTIME_DIR/vigil, else
 * /tmp/vigil-UID. With create, the directory is made private (0700).
 */
int
sup_dir(char *out, size_t len, int create, char *err, size_t errlen)
{
	const char	*rt = getenv("XDG_RUNTIME_DIR");
	char		 base[4096];

	if (rt != NULL && rt[0] == '/') {
		snprintf(out, len, "%s/vigil", rt);
		if (!create)
			return (0);
		return (sup_mkdir(out, 1, err, errlen));
	}
	snprintf(base, sizeof base, "/tmp/vigil-%u", (unsigned)geteuid());
	snprintf(out, len, "%s", base);
	if (!create)
		return (0);
	return (sup_mkdir(out, 1, err, errlen));
}

/* $XDG_STATE_HOME/vigil/run (else ~/.local/state/vigil/run). */
int
sup_state_dir(char *out, size_t len, int create, char *err, size_t errlen)
{
	const char	*sh = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char		 p[4096];
	size_t		 i;

	if (sh != NULL && sh[0] == '/')
		snprintf(out, len, "%s/vigil/run", sh);
	else if (home != NULL && home[0] == '/')
		snprintf(out, len, "%s/.local/state/vigil/run", home);
	else {
		snprintf(err, errlen,
		    _("neither XDG_STATE_HOME nor HOME is set: use --log"));
		return (-1);
	}
	if (!create)
		return (0);
	/* mkdir -p, each level as private as the last one must be. */
	snprintf(p, sizeof p, "%s", out);
	for (i = 1; p[i] != '\0'; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			snprintf(err, errlen, _("cannot create %s: %s"), p,
			    strerror(errno));
			return (-1);
		}
		p[i] = '/';
	}
	return (sup_mkdir(p, 0, err, errlen));
}

/* dir/NAME.SUFFIX */
void
sup_path(char *out, size_t len, const char *dir, const char *name,
    const char *suffix)
{
	snprintf(out, len, "%s/%s.%s", dir, name, suffix);
}

/*
 * A state file: "SUPPID CHILDPID CHILDSTART RESTARTS STATE" on the first
 * line, the log's path on the second.
 */
int
sup_read_state(const char *path, struct sup_entry *e)
{
	char	text[8192], *nl, *log;
	size_t	n;

	if (file_read(path, text, sizeof text) < 0)
		return (-1);
	if ((nl = strchr(text, '\n')) == NULL)
		return (-1);
	*nl = '\0';
	log = nl + 1;
	if (sscanf(text, "%d %d %llu %ld %15s", &e->sup_pid, &e->child_pid,
	    &e->child_start, &e->restarts, e->state) != 5)
		return (-1);
	n = strcspn(log, "\n");
	if (n >= sizeof e->log)
		return (-1);
	memcpy(e->log, log, n);
	e->log[n] = '\0';
	return (0);
}

/* The supervisors of this user that are alive, by their state files. */
int
sup_list(struct sup_entry **out, size_t *nout)
{
	struct sup_entry	*v = NULL, e;
	struct dirent		*de;
	DIR			*d;
	char			 dir[4096], path[8192], err[256];
	size_t			 n = 0, len;

	*out = NULL;
	*nout = 0;
	if (sup_dir(dir, sizeof dir, 0, err, sizeof err) != 0)
		return (-1);
	if ((d = opendir(dir)) == NULL)
		return (errno == ENOENT ? 0 : -1);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 6 || len - 6 >= SUP_NAME_MAX ||
		    strcmp(de->d_name + len - 6, ".state") != 0)
			continue;
		memset(&e, 0, sizeof e);
		memcpy(e.name, de->d_name, len - 6);
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (sup_read_state(path, &e) != 0)
			continue;
		if (kill(e.sup_pid, 0) == -1 && errno == ESRCH)
			continue;	/* left behind by a crash */
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = e;
	}
	closedir(d);
	*out = v;
	*nout = n;
	return (0);
}

/* The supervisor whose child, or which itself, is pid. */
const struct sup_entry *
sup_find_pid(const struct sup_entry *v, size_t n, int pid)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (pid > 0 && (v[i].child_pid == pid || v[i].sup_pid == pid))
			return (&v[i]);
	}
	return (NULL);
}

/*
 * Send one request line to supervisor name and read its one reply line
 * (without the newline) into reply. Returns 0 if it answered "ok ..." or
 * with JSON, -1 otherwise (reply then says why, in plain words).
 */
int
sup_request(const char *name, const char *req, char *reply, size_t len,
    double timeout)
{
	struct sockaddr_un	 sa;
	struct timeval		 tv;
	char			 dir[4096], path[8192], err[256], line[64];
	size_t			 got = 0;
	ssize_t			 r = 0;
	int			 fd;

	reply[0] = '\0';
	if (sup_dir(dir, sizeof dir, 0, err, sizeof err) != 0) {
		snprintf(reply, len, "%s", err);
		return (-1);
	}
	sup_path(path, sizeof path, dir, name, "sock");
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(reply, len, _("socket path too long: %s"), path);
		return (-1);
	}
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(reply, len, _("socket: %s"), strerror(errno));
		return (-1);
	}
	tv.tv_sec = (time_t)timeout;
	tv.tv_usec = (suseconds_t)((timeout - tv.tv_sec) * 1e6);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == -1) {
		if (errno == ENOENT)
			snprintf(reply, len,
			    _("no supervisor named %s (no %s)"), name, path);
		else if (errno == ECONNREFUSED)
			snprintf(reply, len,
			    _("supervisor %s is not running (%s is left over)"),
			    name, path);
		else
			snprintf(reply, len, _("cannot reach supervisor %s: %s"),
			    name, strerror(errno));
		close(fd);
		return (-1);
	}
	/*
	 * A supervisor that refuses us answers and closes at once: a failed
	 * send (no SIGPIPE) still leaves its answer to read.
	 */
	snprintf(line, sizeof line, "%s\n", req);
	send(fd, line, strlen(line), MSG_NOSIGNAL);
	while (got + 1 < len &&
	    (r = read(fd, reply + got, len - 1 - got)) > 0)
		got += r;
	if (got == 0 && r == -1) {
		snprintf(reply, len, _("supervisor %s did not answer: %s"),
		    name, errno == EAGAIN ? _("timed out") : strerror(errno));
		close(fd);
		return (-1);
	}
	close(fd);
	reply[got] = '\0';
	reply[strcspn(reply, "\n")] = '\0';
	if (got == 0) {
		snprintf(reply, len, _("supervisor %s closed the connection"),
		    name);
		return (-1);
	}
	if (strncmp(reply, "ok", 2) == 0 || reply[0] == '{')
		return (0);
	if (strncmp(reply, "error ", 6) == 0)
		memmove(reply, reply + 6, strlen(reply + 6) + 1);
	return (-1);
}
