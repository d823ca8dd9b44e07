/* vigil run: its command line, backoff, restart policy, rotation names. */

#include "vigil.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sup.h"
#include "xalloc.h"

enum {
	OPT_NAME = 256, OPT_RESTART, OPT_MAX_RESTARTS, OPT_BACKOFF, OPT_LOG,
	OPT_LOG_SIZE, OPT_LOG_KEEP, OPT_STOP_TIMEOUT, OPT_FOREGROUND,
	OPT_LIST, OPT_STATUS, OPT_STOP, OPT_RESTART_NOW, OPT_HELP,
	OPT_HEAP, OPT_HEAP_FULL, OPT_HEAP_RATE
};

static const struct option sup_long[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "restart", required_argument, NULL, OPT_RESTART },
	{ "max-restarts", required_argument, NULL, OPT_MAX_RESTARTS },
	{ "backoff", required_argument, NULL, OPT_BACKOFF },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "log-size", required_argument, NULL, OPT_LOG_SIZE },
	{ "log-keep", required_argument, NULL, OPT_LOG_KEEP },
	{ "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
	{ "foreground", no_argument, NULL, OPT_FOREGROUND },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "stop", required_argument, NULL, OPT_STOP },
	{ "restart-now", required_argument, NULL, OPT_RESTART_NOW },
	{ "heap", no_argument, NULL, OPT_HEAP },
	{ "heap-full", no_argument, NULL, OPT_HEAP_FULL },
	{ "heap-rate", required_argument, NULL, OPT_HEAP_RATE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static int
sup_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return (-1);
}

void
sup_opts_init(struct sup_opts *o)
{
	memset(o, 0, sizeof *o);
	o->cmd = SUP_CMD_START;
	o->policy = SUP_RESTART_ON_FAILURE;
	o->max_restarts = -1;
	o->backoff_min = SUP_BACKOFF_MIN;
	o->backoff_max = SUP_BACKOFF_MAX;
	o->log_size = SUP_LOG_SIZE_DEFAULT;
	o->log_keep = SUP_LOG_KEEP_DEFAULT;
	o->stop_timeout = SUP_STOP_TIMEOUT;
}

void
sup_opts_free(struct sup_opts *o)
{
	free(o->name);
	free(o->target);
	free(o->log);
	free(o->heap_rate);
	memset(o, 0, sizeof *o);
}

int
sup_parse_policy(const char *s, enum sup_policy *p)
{
	if (strcmp(s, "no") == 0)
		*p = SUP_RESTART_NO;
	else if (strcmp(s, "on-failure") == 0)
		*p = SUP_RESTART_ON_FAILURE;
	else if (strcmp(s, "always") == 0)
		*p = SUP_RESTART_ALWAYS;
	else
		return (-1);
	return (0);
}

const char *
sup_policy_name(enum sup_policy p)
{
	return (p == SUP_RESTART_NO ? "no" : p == SUP_RESTART_ALWAYS ?
	    "always" : "on-failure");
}

static int
sup_parse_seconds(const char *s, const char *end, double *out)
{
	char	*e;
	double	 v;

	if (s == end || *s == '-' || *s == '+')
		return (-1);
	errno = 0;
	v = strtod(s, &e);
	if (errno != 0 || e != end || !isfinite(v) || v < 0 || v > 86400)
		return (-1);
	*out = v;
	return (0);
}

/* "MIN..MAX" in seconds, MIN > 0 and MIN <= MAX; or one number for both. */
int
sup_parse_backoff(const char *s, double *min, double *max)
{
	const char	*dots = strstr(s, "..");

	if (dots == NULL) {
		if (sup_parse_seconds(s, s + strlen(s), min) != 0)
			return (-1);
		*max = *min;
	} else if (sup_parse_seconds(s, dots, min) != 0 ||
	    sup_parse_seconds(dots + 2, dots + 2 + strlen(dots + 2), max) != 0)
		return (-1);
	if (*min <= 0 || *min > *max)
		return (-1);
	return (0);
}

/* Bytes, with an optional k, M or G suffix (powers of 1024). */
int
sup_parse_size(const char *s, long *out)
{
	char		*e;
	long long	 v;
	int		 shift = 0;

	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	v = strtoll(s, &e, 10);
	if (errno != 0)
		return (-1);
	if (*e == 'k' || *e == 'K')
		shift = 10;
	else if (*e == 'M')
		shift = 20;
	else if (*e == 'G')
		shift = 30;
	if (shift != 0)
		e++;
	if (*e != '\0' || v <= 0 || v > (0x7fffffffLL >> shift))
		return (-1);
	*out = (long)(v << shift);
	return (0);
}

/* A name becomes a file name: letters, digits, . _ - only, not hidden. */
int
sup_name_valid(const char *s)
{
	size_t	len = strlen(s);

	if (len == 0 || len >= SUP_NAME_MAX || s[0] == '.')
		return (0);
	return (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") == len);
}

static int
sup_long_arg(const char *s, long min, long max, long *out)
{
	char	*e;
	long	 v;

	errno = 0;
	v = strtol(s, &e, 10);
	if (errno != 0 || e == s || *e != '\0' || v < min || v > max)
		return (-1);
	*out = v;
	return (0);
}

static int
sup_target(struct sup_opts *o, enum sup_cmd cmd, const char *name,
    char *err, size_t errlen)
{
	if (o->cmd != SUP_CMD_START)
		return (sup_error(err, errlen,
		    _("--list, --status, --stop and --restart-now go alone")));
	o->cmd = cmd;
	if (name != NULL) {
		if (!sup_name_valid(name))
			return (sup_error(err, errlen,
			    _("'%s' is not a supervisor name"), name));
		o->target = xstrdup(name);
	}
	return (0);
}

static int
sup_opt_one(struct sup_opts *o, int c, char *err, size_t errlen)
{
	long	 v;
	char	*end;

	switch (c) {
	case OPT_NAME:
		if (!sup_name_valid(optarg))
			return (sup_error(err, errlen,
			    _("--name: '%s' must be letters, digits, '.', '_' or '-' (up to %d, not starting with '.')"),
			    optarg, SUP_NAME_MAX - 1));
		free(o->name);
		o->name = xstrdup(optarg);
		return (0);
	case OPT_RESTART:
		if (sup_parse_policy(optarg, &o->policy) != 0)
			return (sup_error(err, errlen,
			    _("--restart: '%s' is not no, on-failure or always"),
			    optarg));
		return (0);
	case OPT_MAX_RESTARTS:
		if (sup_long_arg(optarg, 0, 1000000000L, &o->max_restarts) != 0)
			return (sup_error(err, errlen,
			    _("--max-restarts: '%s' is not a number of restarts"),
			    optarg));
		return (0);
	case OPT_BACKOFF:
		if (sup_parse_backoff(optarg, &o->backoff_min,
		    &o->backoff_max) != 0)
			return (sup_error(err, errlen,
			    _("--backoff: '%s' is not MIN..MAX in seconds (0 < MIN <= MAX)"),
			    optarg));
		return (0);
	case OPT_LOG:
		if (*optarg == '\0')
			return (sup_error(err, errlen,
			    _("--log needs a file name")));
		free(o->log);
		o->log = xstrdup(optarg);
		return (0);
	case OPT_LOG_SIZE:
		if (sup_parse_size(optarg, &o->log_size) != 0 ||
		    o->log_size < 1024)
			return (sup_error(err, errlen,
			    _("--log-size: '%s' is not a size of at least 1k"),
			    optarg));
		return (0);
	case OPT_LOG_KEEP:
		if (sup_long_arg(optarg, 0, 100, &v) != 0)
			return (sup_error(err, errlen,
			    _("--log-keep: '%s' is not a number from 0 to 100"),
			    optarg));
		o->log_keep = v;
		return (0);
	case OPT_STOP_TIMEOUT:
		if (sup_parse_seconds(optarg, optarg + strlen(optarg),
		    &o->stop_timeout) != 0)
			return (sup_error(err, errlen,
			    _("--stop-timeout: '%s' is not a number of seconds"),
			    optarg));
		return (0);
	case OPT_FOREGROUND:
		o->foreground = 1;
		return (0);
	case OPT_HEAP:
		o->heap = 1;
		return (0);
	case OPT_HEAP_FULL:
		o->heap = o->heap_full = 1;
		return (0);
	case OPT_HEAP_RATE:
		errno = 0;
		if (strtoull(optarg, &end, 10) == 0 || errno != 0 ||
		    strspn(end, "kKmMgGiB") != strlen(end))
			return (sup_error(err, errlen,
			    _("--heap-rate: '%s' is not a size in bytes (k, m, g for KiB, MiB, GiB)"),
			    optarg));
		free(o->heap_rate);
		o->heap_rate = xstrdup(optarg);
		o->heap = 1;
		return (0);
	case OPT_LIST:
		return (sup_target(o, SUP_CMD_LIST, NULL, err, errlen));
	case OPT_STATUS:
		return (sup_target(o, SUP_CMD_STATUS, optarg, err, errlen));
	case OPT_STOP:
		return (sup_target(o, SUP_CMD_STOP, optarg, err, errlen));
	case OPT_RESTART_NOW:
		return (sup_target(o, SUP_CMD_RESTART, optarg, err, errlen));
	case OPT_HELP:
		o->help = 1;
		return (0);
	case ':':
		return (sup_error(err, errlen, _("option '%s' needs a value"),
		    optarg != NULL ? optarg : "?"));
	default:
		return (sup_error(err, errlen, _("unknown option")));
	}
}

/*
 * argv[0] is "run". Options stop at "--" or at the first word that is not
 * one: what follows is the command, run as given.
 */
int
sup_opts_parse(struct sup_opts *o, int argc, char **argv, char *err,
    size_t errlen)
{
	int	c, idx;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", sup_long, &idx)) != -1) {
		if (c == 'h')
			c = OPT_HELP;
		if (c == '?') {
			if (optopt != 0)
				return (sup_error(err, errlen,
				    _("unknown option '-%c'"), optopt));
			return (sup_error(err, errlen,
			    _("unknown option '%s'"), argv[optind - 1]));
		}
		if (c == ':')
			optarg = argv[optind - 1];
		if (sup_opt_one(o, c, err, errlen) != 0)
			return (-1);
	}
	if (o->help)
		return (0);
	o->argv = argv + optind;
	o->argc = argc - optind;
	if (o->cmd != SUP_CMD_START) {
		if (o->argc > 0)
			return (sup_error(err, errlen,
			    _("no command goes with --list, --status, --stop or --restart-now")));
		return (0);
	}
	if (o->argc == 0)
		return (sup_error(err, errlen,
		    _("no command to run: vigil run [OPTION]... -- COMMAND [ARG]...")));
	if (o->argv[0][0] == '\0')
		return (sup_error(err, errlen, _("the command is empty")));
	return (0);
}

/*
 * The delay before restart number attempt (0 for the first): MIN, then
 * doubling, never above MAX.
 */
double
sup_backoff(double min, double max, unsigned attempt)
{
	double	d = min;

	while (attempt-- > 0 && d < max)
		d *= 2;
	return (d < max ? d : max);
}

/*
 * Whether a child that ended with wait status `status` is started again,
 * after `restarts` restarts out of at most `max` (-1: no limit).
 */
int
sup_should_restart(enum sup_policy p, int status, long restarts, long max)
{
	int	failed;

	if (max >= 0 && restarts >= max)
		return (0);
	failed = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	switch (p) {
	case SUP_RESTART_ALWAYS:
		return (1);
	case SUP_RESTART_ON_FAILURE:
		return (failed);
	default:
		return (0);
	}
}

/* The n-th rotated file of log (log.1 is the newest); n == 0: log. */
void
sup_rotate_name(char *out, size_t len, const char *log, int n)
{
	if (n == 0)
		snprintf(out, len, "%s", log);
	else
		snprintf(out, len, "%s.%d", log, n);
}

void
sup_usage(void)
{
	printf(_(
"Usage: vigil run [OPTION]... [--] COMMAND [ARG]...\n"
"       vigil run --list | --status NAME | --stop NAME | --restart-now NAME\n"
"Start COMMAND under a supervisor that outlives the terminal, capture its\n"
"output, and restart it by policy.\n"
"\n"
"      --name=NAME          the supervisor's name (default: COMMAND's base\n"
"                           name)\n"
"      --restart=POLICY     no, on-failure (default) or always\n"
"      --max-restarts=N     give up after N restarts (default: no limit)\n"
"      --backoff=MIN..MAX   seconds before a restart: MIN, doubling on each\n"
"                           quick failure, at most MAX (default 1..60)\n"
"      --log=FILE           the output log (default\n"
"                           $XDG_STATE_HOME/vigil/run/NAME.log)\n"
"      --log-size=SIZE      rotate the log past SIZE bytes (k, M, G;\n"
"                           default 10M)\n"
"      --log-keep=N         rotated logs kept (default 5)\n"
"      --stop-timeout=SECS  SIGKILL after SECS if SIGTERM did not stop it\n"
"                           (default 5)\n"
"      --foreground         do not detach from the terminal\n"
"      --heap               track the command's allocations (libvigil-heap.so\n"
"                           preloaded, sampled): see them with vigil heaptrack\n"
"                           PID or m in the monitor\n"
"      --heap-full          --heap, every allocation instead of samples\n"
"      --heap-rate=BYTES    --heap, one sample per BYTES on average (k, m, g;\n"
"                           default 512k)\n"
"      --list               list the supervisors of this user\n"
"      --status=NAME        a supervisor's state, as JSON\n"
"      --stop=NAME          stop the command and its supervisor\n"
"      --restart-now=NAME   restart the command now\n"
"  -h, --help               show this help and exit\n"
"\n"
"See SUPERVISION in vigil(1).\n"));
}
