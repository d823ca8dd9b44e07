/* The configuration file's settings, shared by batch mode and the monitor. */

#include "vigil.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alarm.h"
#include "configfile.h"
#include "model.h"
#include "options.h"
#include "rcfile.h"
#include "xalloc.h"

struct config_load {
	struct config		*cfg;
	struct options		*o;
	int			 screen;
	config_columns_check	 columns_ok;
	char			**alarms;	/* the file's, in order */
	size_t			 nalarms;
	char			**logs;
	size_t			 nlogs;
};

static void
config_push(char ***list, size_t *n, const char *s)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = xstrdup(s);
}

/* The file's entries first, then the command line's. */
static void
config_prepend(char ***list, size_t *n, char **first, size_t nfirst)
{
	size_t	i;

	if (nfirst == 0)
		return;
	*list = xreallocarray(*list, *n + nfirst, sizeof **list);
	memmove(*list + nfirst, *list, *n * sizeof **list);
	for (i = 0; i < nfirst; i++)
		(*list)[i] = first[i];
	*n += nfirst;
}

static int
config_bool(const char *v, int *out)
{
	if (strcmp(v, "on") == 0 || strcmp(v, "yes") == 0 ||
	    strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "off") == 0 || strcmp(v, "no") == 0 ||
	    strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else
		return (-1);
	return (0);
}

/*
 * vigil serve's basic auth and TLS. The hash is checked here, so a line
 * that could never let anyone in is named; the files are read when serve
 * starts.
 */
static int
config_serve(struct options *o, const char *key, const char *value,
    char *err, size_t errlen)
{
	char	**dst;

	/* A user name holds no ':' in basic auth, a hash no blank. */
	if (*value == '\0' || (strncmp(key, "serve-tls-", 10) != 0 &&
	    strpbrk(value, " \t:") != NULL)) {
		snprintf(err, errlen, _("%s: '%s': expected one word"), key,
		    value);
		return (-1);
	}
	if (strcmp(key, "serve-user") == 0)
		dst = &o->serve_user;
	else if (strcmp(key, "serve-password-hash") == 0) {
		if (value[0] != '$' || crypt_checksalt(value) != CRYPT_SALT_OK) {
			snprintf(err, errlen,
			    _("serve-password-hash: not a crypt(3) hash (make one with mkpasswd or openssl passwd -6)"));
			return (-1);
		}
		dst = &o->serve_pwhash;
	} else if (strcmp(key, "serve-tls-cert") == 0)
		dst = &o->serve_tls_cert;
	else if (strcmp(key, "serve-tls-key") == 0)
		dst = &o->serve_tls_key;
	else {
		snprintf(err, errlen, _("unknown setting '%s'"), key);
		return (-1);
	}
	free(*dst);
	*dst = xstrdup(value);
	return (0);
}

/*
 * One setting. The alarm rule is parsed to check it; the good ones are
 * kept as text, for refresh_new() to parse with the command line's.
 */
static int
config_setting(struct config_load *cl, const char *key, const char *value,
    char *err, size_t errlen)
{
	struct options		*o = cl->o;
	struct alarm_rule	*r;
	enum model_col		 col;
	long			 n;
	int			 desc, on;

	if (strcmp(key, "alarm") == 0) {
		if ((r = alarm_parse(value, err, errlen)) == NULL)
			return (-1);
		alarm_rule_free(r);
		config_push(&cl->alarms, &cl->nalarms, value);
		return (0);
	}
	if (strcmp(key, "group") == 0) {
		if ((r = alarm_parse_group(value, err, errlen)) == NULL)
			return (-1);
		alarm_rule_free(r);
		o->groups = xreallocarray(o->groups, o->ngroups + 1,
		    sizeof *o->groups);
		o->groups[o->ngroups++] = xstrdup(value);
		return (0);
	}
	if (strcmp(key, "alertmanager") == 0) {
		if (strncmp(value, "http://", 7) != 0 &&
		    strncmp(value, "https://", 8) != 0) {
			snprintf(err, errlen,
			    _("alertmanager: '%s' is not an http:// or https:// URL"),
			    value);
			return (-1);
		}
		free(o->alertmanager);
		o->alertmanager = xstrdup(value);
		return (0);
	}
	if (strcmp(key, "serve-group-by") == 0) {
		if (strcmp(value, "unit") == 0)
			o->serve_group_by = SERVE_BY_UNIT;
		else if (strcmp(value, "cgroup") == 0)
			o->serve_group_by = SERVE_BY_CGROUP;
		else if (strcmp(value, "none") == 0)
			o->serve_group_by = SERVE_BY_NONE;
		else {
			snprintf(err, errlen,
			    _("serve-group-by: '%s' is not unit, cgroup or none"),
			    value);
			return (-1);
		}
		return (0);
	}
	if (strcmp(key, "serve-per-pid") == 0) {
		if (*value == '\0' || strpbrk(value, " \t:") != NULL) {
			snprintf(err, errlen,
			    _("serve-per-pid: '%s': expected a group's name"),
			    value);
			return (-1);
		}
		options_push(&o->serve_per_pid, &o->nserve_per_pid, value);
		return (0);
	}
	if (strcmp(key, "serve-max-groups") == 0) {
		if (options_number(value, 1, 10000, &n) != 0) {
			snprintf(err, errlen,
			    _("serve-max-groups: '%s' is not a number from 1 to 10000"),
			    value);
			return (-1);
		}
		o->serve_max_groups = n;
		return (0);
	}
	if (strncmp(key, "serve-", 6) == 0)
		return (config_serve(o, key, value, err, errlen));
	if (strcmp(key, "log") == 0) {
		if (*value == '\0') {
			snprintf(err, errlen, _("'log' needs a file name"));
			return (-1);
		}
		config_push(&cl->logs, &cl->nlogs, value);
		return (0);
	}
	if (strcmp(key, "log_lines") == 0) {
		if (options_number(value, 1, OPTIONS_LOG_LINES_MAX, &n) != 0) {
			snprintf(err, errlen,
			    _("log_lines: '%s' is not a number of lines (1 to %d)"),
			    value, OPTIONS_LOG_LINES_MAX);
			return (-1);
		}
		o->log_lines = n;
		return (0);
	}
	if (strcmp(key, "columns") == 0 || strcmp(key, "io_columns") == 0) {
		if (cl->columns_ok != NULL && cl->columns_ok(value) != 0) {
			snprintf(err, errlen, _("bad column list '%s'"), value);
			return (-1);
		}
		if (cl->cfg != NULL && key[0] == 'c') {
			free(cl->cfg->columns);
			cl->cfg->columns = xstrdup(value);
		} else if (cl->cfg != NULL) {
			free(cl->cfg->io_columns);
			cl->cfg->io_columns = xstrdup(value);
		}
		return (0);
	}
	if (strcmp(key, "sort") == 0) {
		switch (options_sort_parse(value, &col, &desc)) {
		case -1:
			snprintf(err, errlen, _("sort: unknown column '%s'"),
			    value);
			return (-1);
		case -2:
			snprintf(err, errlen,
			    _("sort: '%s': the direction must be asc or desc"),
			    value);
			return (-1);
		}
		if (cl->screen && !o->sort_given) {
			o->sort = col;
			o->descending = desc;
		}
		return (0);
	}
	if (strcmp(key, "tree") == 0) {
		if (config_bool(value, &on) != 0) {
			snprintf(err, errlen, _("tree: '%s' is not on or off"),
			    value);
			return (-1);
		}
		if (cl->screen && !o->tree_given)
			o->tree = on;
		return (0);
	}
	if (strcmp(key, "delay") == 0) {
		if (options_delay("delay", value, &n, err, errlen) != 0)
			return (-1);
		if (cl->screen && !o->delay_given)
			o->delay = n;
		return (0);
	}
	snprintf(err, errlen, _("unknown setting '%s'"), key);
	return (-1);
}

static int
config_cb(const char *key, const char *value, void *arg, char *err,
    size_t errlen)
{
	return (config_setting(arg, key, value, err, errlen));
}

static void
config_report(const char *msg, void *arg)
{
	struct config_load	*cl = arg;
	struct config		*cfg = cl->cfg;

	if (cfg == NULL)
		return;
	cfg->errors = xreallocarray(cfg->errors, cfg->nerrors + 1,
	    sizeof *cfg->errors);
	cfg->errors[cfg->nerrors++] = xstrdup(msg);
}

/* The user's file when it exists, else the system's. */
char *
config_read_path(void)
{
	char	*path = rcfile_path();

	if (path == NULL || access(path, F_OK) != 0) {
		free(path);
		path = xstrdup(CONFIG_SYSTEM_PATH);
	}
	return (path);
}

/*
 * Read the configuration into cfg and o. screen: the monitor (the screen's
 * settings apply); batch mode checks them but leaves them. ok checks the
 * column list (NULL: not checked).
 */
void
config_load(struct config *cfg, struct options *o, int screen,
    config_columns_check ok)
{
	struct config_load	cl;

	memset(cfg, 0, sizeof *cfg);
	memset(&cl, 0, sizeof cl);
	cl.cfg = cfg;
	cl.o = o;
	cl.screen = screen;
	cl.columns_ok = ok;
	cfg->path = config_read_path();
	rcfile_load_report(cfg->path, config_cb, config_report, &cl);
	config_prepend(&o->alarms, &o->nalarms, cl.alarms, cl.nalarms);
	config_prepend(&o->logs, &o->nlogs, cl.logs, cl.nlogs);
	free(cl.alarms);
	free(cl.logs);
}

/* One "key = value" on its own, as a line of the file would apply it. */
int
config_apply(struct config *cfg, struct options *o, int screen,
    const char *key, const char *value, char *err, size_t errlen)
{
	struct config_load	cl;
	int			rc;

	memset(&cl, 0, sizeof cl);
	cl.cfg = cfg;
	cl.o = o;
	cl.screen = screen;
	rc = config_setting(&cl, key, value, err, errlen);
	config_prepend(&o->alarms, &o->nalarms, cl.alarms, cl.nalarms);
	config_prepend(&o->logs, &o->nlogs, cl.logs, cl.nlogs);
	free(cl.alarms);
	free(cl.logs);
	return (rc);
}

void
config_free(struct config *cfg)
{
	size_t	i;

	for (i = 0; i < cfg->nerrors; i++)
		free(cfg->errors[i]);
	free(cfg->errors);
	free(cfg->columns);
	free(cfg->io_columns);
	free(cfg->path);
	memset(cfg, 0, sizeof *cfg);
}

/* $XDG_STATE_HOME/vigil/NAME, else ~/.local/state/vigil/NAME; or NULL. */
char *
config_state_path(const char *name)
{
	const char	*xdg = getenv("XDG_STATE_HOME"), *home;
	char		*path;

	if (xdg != NULL && *xdg == '/')
		xasprintf(&path, "%s/vigil/%s", xdg, name);
	else if ((home = getenv("HOME")) != NULL && *home == '/')
		xasprintf(&path, "%s/.local/state/vigil/%s", home, name);
	else
		path = NULL;
	return (path);
}

/* Parse without applying: into scratch options, for config_save(). */
static int
config_check_cb(const char *key, const char *value, void *arg, char *err,
    size_t errlen)
{
	struct config_load	*cl = arg;
	struct options		 scratch;
	int			 rc;

	options_init(&scratch);
	cl->o = &scratch;
	rc = config_setting(cl, key, value, err, errlen);
	options_free(&scratch);
	cl->o = NULL;
	return (rc);
}

/*
 * Set key to value in the user's file. A file with a line vigil cannot
 * parse is the user's to fix, and is never overwritten: err names it.
 */
int
config_save(const char *key, const char *value, config_columns_check ok,
    char *err, size_t errlen)
{
	struct config_load	 cl;
	char			*path = rcfile_path();
	size_t			 i;
	int			 rc;

	if (path == NULL) {
		snprintf(err, errlen,
		    _("neither XDG_CONFIG_HOME nor HOME is set"));
		return (-1);
	}
	memset(&cl, 0, sizeof cl);
	cl.columns_ok = ok;
	rc = rcfile_load(path, config_check_cb, &cl, err, errlen);
	for (i = 0; i < cl.nalarms; i++)
		free(cl.alarms[i]);
	for (i = 0; i < cl.nlogs; i++)
		free(cl.logs[i]);
	free(cl.alarms);
	free(cl.logs);
	if (rc == 0)
		rc = rcfile_set(path, key, value, err, errlen);
	free(path);
	return (rc);
}
