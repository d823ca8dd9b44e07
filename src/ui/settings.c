/* The screen's settings in the configuration file. */

#include "vigil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rcfile.h"
#include "ui-int.h"

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

/* A bad line is shown in the status line; the lines before it apply. */
void
tui_config_load(struct tui *t)
{
	char	*path = rcfile_path(), err[300];

	if (path != NULL &&
	    rcfile_load(path, settings_apply, t, err, sizeof err) != 0)
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
	tui_columns_string(t, &cols);
	rc = rcfile_set(path, "columns", buf_str(&cols), err, errlen);
	buf_free(&cols);
	free(path);
	return (rc);
}
