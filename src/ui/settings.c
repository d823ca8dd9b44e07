/* The screen's settings in the configuration file. */

#include "vigil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "rcfile.h"
#include "ui-int.h"
#include "xalloc.h"

static int
settings_apply(const char *key, const char *value, void *arg, char *err,
    size_t errlen)
{
	struct tui	*t = arg;

	if (strcmp(key, "columns") == 0) {
		if (tui_columns_parse(t, value) != 0) {
			snprintf(err, errlen, _("bad column list '%s'"), value);
			return (-1);
		}
		return (0);
	}
	snprintf(err, errlen, _("unknown setting '%s'"), key);
	return (-1);
}

/* The system-wide file, read when the user has none. */
#define SETTINGS_SYSTEM	"/etc/vigil/vigilrc"

/* Check a line without applying it: the same parse, on a scratch screen. */
static int
settings_check(const char *key, const char *value, void *arg, char *err,
    size_t errlen)
{
	struct tui	scratch;

	memset(&scratch, 0, sizeof scratch);
	return (settings_apply(key, value, &scratch, err, errlen));
}

/*
 * The user's file, else the system's. A bad line is shown in the status
 * line; the other lines apply.
 */
void
tui_config_load(struct tui *t)
{
	char	*path = rcfile_path(), err[300];

	if (path == NULL || access(path, F_OK) != 0) {
		free(path);
		path = xstrdup(SETTINGS_SYSTEM);
	}
	if (rcfile_load(path, settings_apply, t, err, sizeof err) != 0)
		tui_status(t, 1, "%s", err);
	free(path);
}

int
tui_config_save(struct tui *t, char *err, size_t errlen)
{
	struct buf	 cols = BUF_INITIALIZER;
	char		*path = rcfile_path();
	int		 rc;

	if (path == NULL) {
		snprintf(err, errlen, _("neither XDG_CONFIG_HOME nor HOME is set"));
		return (-1);
	}
	/* A file vigil cannot parse is the user's to fix, never overwritten. */
	if (rcfile_load(path, settings_check, NULL, err, errlen) != 0) {
		free(path);
		return (-1);
	}
	tui_columns_string(t, &cols);
	rc = rcfile_set(path, "columns", buf_str(&cols), err, errlen);
	buf_free(&cols);
	free(path);
	return (rc);
}
