/* vigil run: its command line, backoff, restart policy, rotation names. */

#include "vigil.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cmdline.h"
#include "duration.h"
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

static int	sup_error(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

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

/* A duration (2s, 500ms, 1m; a bare number is seconds), 0 to a day. */
static int
sup_parse_seconds(const char *s, const char *end, double *out)
{
	double	v;

	if (duration_parse_len(s, end - s, DURATION_SECONDS, &v) != 0 ||
	    v < 0 || v > 86400)
		return (-1);
	*out = v;
	return (0);
}

/*
 * "MIN..MAX", each a duration (0.2s..1m; a bare number is seconds), with
 * 0 < MIN <= MAX; or one duration for both.
 */
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

void
sup_parse_request(const char *buf, size_t len, struct sup_req *r)
{
	char	 line[64], *end;
	size_t	 n;
	long	 pid;
	int	 cut;

	r->kind = SUP_REQ_UNKNOWN;
	r->pid = 0;
	for (n = 0; n < len; n++) {
		if (buf[n] == '\r' || buf[n] == '\n' || buf[n] == '\0')
			break;
	}
	/* Longer than any request: only what it begins with is looked at. */
	if ((cut = (n >= sizeof line)))
		n = sizeof line - 1;
	memcpy(line, buf, n);
	line[n] = '\0';
	if (cut) {
		if (strncmp(line, "restart ", 8) == 0)
			r->kind = SUP_REQ_BAD_PID;
	} else if (strcmp(line, "status") == 0)
		r->kind = SUP_REQ_STATUS;
	else if (strcmp(line, "stop") == 0)
		r->kind = SUP_REQ_STOP;
	else if (strcmp(line, "restart") == 0)
		r->kind = SUP_REQ_RESTART;
	else if (strncmp(line, "restart ", 8) == 0) {
		/* Digits only: no sign, no space, nothing after. */
		errno = 0;
		pid = strtol(line + 8, &end, 10);
		if (line[8] < '0' || line[8] > '9' || *end != '\0' ||
		    errno != 0 || pid <= 0 || pid > INT_MAX)
			r->kind = SUP_REQ_BAD_PID;
		else {
			r->kind = SUP_REQ_RESTART;
			r->pid = (int)pid;
		}
	}
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
sup_opt_one(struct sup_opts *o, int c, const char *arg, char *err,
    size_t errlen)
{
	long	 v;
	char	*end;

	switch (c) {
	case OPT_NAME:
		if (!sup_name_valid(arg))
			return (sup_error(err, errlen,
			    _("--name: '%s' must be letters, digits, '.', '_' or '-' (up to %d, not starting with '.')"),
			    arg, SUP_NAME_MAX - 1));
		free(o->name);
		o->name = xstrdup(arg);
		return (0);
	case OPT_RESTART:
		if (sup_parse_policy(arg, &o->policy) != 0)
			return (sup_error(err, errlen,
			    _("--restart: '%s' is not no, on-failure or always"),
			    arg));
		return (0);
	case OPT_MAX_RESTARTS:
		if (sup_long_arg(arg, 0, 1000000000L, &o->max_restarts) != 0)
			return (sup_error(err, errlen,
			    _("--max-restarts: '%s' is not a number of restarts"),
			    arg));
		return (0);
	case OPT_BACKOFF:
		if (sup_parse_backoff(arg, &o->backoff_min,
		    &o->backoff_max) != 0)
			return (sup_error(err, errlen,
			    _("--backoff: '%s' is not MIN..MAX, two durations such as 0.2s..1m (0 < MIN <= MAX)"),
			    arg));
		return (0);
	case OPT_LOG:
		if (*arg == '\0')
			return (sup_error(err, errlen,
			    _("--log needs a file name")));
		free(o->log);
		o->log = xstrdup(arg);
		return (0);
	case OPT_LOG_SIZE:
		if (sup_parse_size(arg, &o->log_size) != 0 ||
		    o->log_size < 1024)
			return (sup_error(err, errlen,
			    _("--log-size: '%s' is not a size of at least 1k"),
			    arg));
		return (0);
	case OPT_LOG_KEEP:
		if (sup_long_arg(arg, 0, 100, &v) != 0)
			return (sup_error(err, errlen,
			    _("--log-keep: '%s' is not a number from 0 to 100"),
			    arg));
		o->log_keep = v;
		return (0);
	case OPT_STOP_TIMEOUT:
		if (sup_parse_seconds(arg, arg + strlen(arg),
		    &o->stop_timeout) != 0) {
			duration_error(err, errlen, "--stop-timeout", arg);
			return (-1);
		}
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
		if (strtoull(arg, &end, 10) == 0 || errno != 0 ||
		    strspn(end, "kKmMgGiB") != strlen(end))
			return (sup_error(err, errlen,
			    _("--heap-rate: '%s' is not a size in bytes (k, m, g for KiB, MiB, GiB)"),
			    arg));
		free(o->heap_rate);
		o->heap_rate = xstrdup(arg);
		o->heap = 1;
		return (0);
	case OPT_LIST:
		return (sup_target(o, SUP_CMD_LIST, NULL, err, errlen));
	case OPT_STATUS:
		return (sup_target(o, SUP_CMD_STATUS, arg, err, errlen));
	case OPT_STOP:
		return (sup_target(o, SUP_CMD_STOP, arg, err, errlen));
	case OPT_RESTART_NOW:
		return (sup_target(o, SUP_CMD_RESTART, arg, err, errlen));
	case OPT_HELP:
		o->help = 1;
		return (0);
	default:
		return (sup_error(err, errlen, _("unknown option")));
	}
}

/*
 * argv[0] is "run". Options stop at "--" or at the first word that is not
 * one: what follows is the command, run as given, its options its own.
 */
int
sup_opts_parse(struct sup_opts *o, int argc, char **argv, char *err,
    size_t errlen)
{
	struct cmdline	cl;
	int		c;

	cmdline_init(&cl, "run", argc, argv, "h", sup_long);
	while ((c = cmdline_next(&cl)) != -1 && c != CMDLINE_OPERAND) {
		if (c == '?')
			return (sup_error(err, errlen, "%s", cl.err));
		if (sup_opt_one(o, c == 'h' ? OPT_HELP : c, cl.arg, err,
		    errlen) != 0)
			return (-1);
	}
	if (o->help)
		return (0);
	o->argv = cmdline_rest(&cl, &o->argc);
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
"      --backoff=MIN..MAX   time before a restart: MIN, doubling on each\n"
"                           quick failure, at most MAX (default 1s..60s;\n"
"                           durations such as 200ms, 2s, 1m; bare numbers\n"
"                           are seconds)\n"
"      --log=FILE           the output log (default\n"
"                           $XDG_STATE_HOME/vigil/run/NAME.log)\n"
"      --log-size=SIZE      rotate the log past SIZE bytes (k, M, G;\n"
"                           default 10M)\n"
"      --log-keep=N         rotated logs kept (default 5)\n"
"      --stop-timeout=TIME  SIGKILL after TIME if SIGTERM did not stop it\n"
"                           (default 5s)\n"
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
