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
 * Read path, calling cb for each "key = value". Returns 0 when every line
 * was good (a missing file is good), else -1 with the first problem as
 * "FILE:LINE: message" in err; the good lines were still applied.
 */
int
rcfile_load(const char *path, rcfile_cb cb, void *arg, char *err,
    size_t errlen)
{
	FILE	*f;
	char	*line = NULL, *key, *value, *eq, msg[200];
	size_t	 cap = 0;
	int	 lineno = 0, rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return (0);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		key = rcfile_trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			snprintf(msg, sizeof msg, _("expected 'key = value'"));
			goto bad;
		}
		*eq = '\0';
		value = rcfile_trim(eq + 1);
		key = rcfile_trim(key);
		if (cb(key, value, arg, msg, sizeof msg) == 0)
			continue;
	bad:
		if (rc == 0)
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
		rc = -1;
	}
	free(line);
	fclose(f);
	return (rc);
}

static int
rcfile_mkdirs(const char *path)
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

	if (rcfile_mkdirs(path) != 0) {
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
