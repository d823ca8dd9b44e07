/* The configuration file. */

#include "vigil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "rcfile.h"
#include "xalloc.h"

/* NULL when there is no home to keep it in. */
char *
rcfile_path(void)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME"), *home;
	char		*path;

	if (xdg != NULL && *xdg == '/')
		xasprintf(&path, "%s/vigil/vigilrc", xdg);
	else if ((home = getenv("HOME")) != NULL && *home == '/')
		xasprintf(&path, "%s/.config/vigil/vigilrc", home);
	else
		path = NULL;
	return (path);
}

static char *
rcfile_trim(char *s)
{
	char	*end;

	s += strspn(s, " \t");
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return (s);
}

/*
 * The key and value of one trimmed line: "key = value", or "alarm RULE"
 * (an alarm rule reads best without '=', and a rule may itself hold one:
 * "proc.state = D"). Returns -1 if the line is neither.
 */
static int
rcfile_split(char *line, char **key, char **value)
{
	/*
	 * "group NAME: MATCHER" and vigil serve's "serve-user NAME" and the
	 * like read as an alarm rule does.
	 */
	static const char	*bare[] = { RCFILE_ALARM, RCFILE_GROUP,
				    "serve-user", "serve-password-hash",
				    "serve-tls-cert", "serve-tls-key",
				    "serve-group-by", "serve-max-groups",
				    "serve-per-pid" };
	char			*eq;
	size_t			 i, n = 0;

	for (i = 0; i < nitems(bare) && n == 0; i++) {
		if (strncmp(line, bare[i], strlen(bare[i])) == 0)
			n = strlen(bare[i]);
	}
	if (n > 0 && (line[n] == ' ' || line[n] == '\t') &&
	    line[n + strspn(line + n, " \t")] != '=') {
		line[n] = '\0';
		*key = line;
		*value = rcfile_trim(line + n + 1);
		return (0);
	}
	if ((eq = strchr(line, '=')) == NULL)
		return (-1);
	*eq = '\0';
	*value = rcfile_trim(eq + 1);
	*key = rcfile_trim(line);
	return (0);
}

/*
 * Read path, calling cb for each setting and report (if not NULL) with
 * "FILE:LINE: message" for each line that is wrong. Returns 0 when every
 * line was good (a missing file is good), else -1; the good lines were
 * still applied. A file that cannot be read is reported as "FILE: reason".
 */
int
rcfile_load_report(const char *path, rcfile_cb cb, rcfile_report_cb report,
    void *arg)
{
	FILE	*f;
	char	*line = NULL, *key, *value, msg[300], where[4400];
	size_t	 cap = 0;
	int	 lineno = 0, rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return (0);
		if (report != NULL) {
			snprintf(where, sizeof where, "%s: %s", path,
			    strerror(errno));
			report(where, arg);
		}
		return (-1);
	}
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		key = rcfile_trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		if (rcfile_split(key, &key, &value) != 0)
			snprintf(msg, sizeof msg, _("expected 'key = value'"));
		else if (cb(key, value, arg, msg, sizeof msg) == 0)
			continue;
		if (report != NULL) {
			snprintf(where, sizeof where, "%s:%d: %s", path, lineno,
			    msg);
			report(where, arg);
		}
		rc = -1;
	}
	free(line);
	fclose(f);
	return (rc);
}

struct rcfile_first {
	rcfile_cb	 cb;
	void		*arg;
	char		*err;
	size_t		 errlen;
	int		 seen;
};

static int
rcfile_first_cb(const char *key, const char *value, void *arg, char *err,
    size_t errlen)
{
	struct rcfile_first	*fi = arg;

	return (fi->cb(key, value, fi->arg, err, errlen));
}

static void
rcfile_first_report(const char *msg, void *arg)
{
	struct rcfile_first	*fi = arg;

	if (fi->seen++ == 0)
		snprintf(fi->err, fi->errlen, "%s", msg);
}

/*
 * Read path, calling cb for each "key = value". Returns 0 when every line
 * was good (a missing file is good), else -1 with the first problem as
 * "FILE:LINE: message" in err; the good lines were still applied.
 */
int
rcfile_load(const char *path, rcfile_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct rcfile_first	fi = { cb, arg, err, errlen, 0 };

	return (rcfile_load_report(path, rcfile_first_cb, rcfile_first_report,
	    &fi));
}

/* Set key to value in path, keeping every other line as it was. */
int
rcfile_set(const char *path, const char *key, const char *value, char *err,
    size_t errlen)
{
	struct buf	 out = BUF_INITIALIZER;
	FILE		*f;
	char		*line = NULL, *tmp, *k, *copy;
	size_t		 cap = 0, klen = strlen(key);
	int		 done = 0, fd, saved;

	if ((f = fopen(path, "r")) != NULL) {
		while (getline(&line, &cap, f) != -1) {
			copy = xstrdup(line);
			k = rcfile_trim(copy);
			if (strncmp(k, key, klen) == 0 &&
			    (k[klen] == ' ' || k[klen] == '\t' ||
			    k[klen] == '=')) {
				/* The first stays, in place; later ones go. */
				if (!done)
					buf_printf(&out, "%s = %s\n", key,
					    value);
				done = 1;
			} else
				buf_adds(&out, line);
			free(copy);
		}
		free(line);
		fclose(f);
	}
	if (!done)
		buf_printf(&out, "%s = %s\n", key, value);

	if (file_mkdirs(path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		buf_free(&out);
		return (-1);
	}
	xasprintf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1 ||
	    write(fd, out.data, out.len) != (ssize_t)out.len ||
	    fsync(fd) == -1 || close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		free(tmp);
		buf_free(&out);
		return (-1);
	}
	free(tmp);
	buf_free(&out);
	return (0);
}
