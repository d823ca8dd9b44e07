/* The command line. */

#include "vigil.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmdline.h"
#include "duration.h"
#include "model.h"
#include "options.h"
#include "when.h"
#include "xalloc.h"

enum {
	OPT_FORMAT = 256, OPT_HISTORY, OPT_HISTORY_SIZE, OPT_THREADS,
	OPT_KTHREADS, OPT_IO, OPT_READONLY, OPT_KEYS, OPT_ALARM, OPT_LOG,
	OPT_RESTART_TIMEOUT, OPT_REPLAY, OPT_FROM, OPT_TO, OPT_AT,
	OPT_HISTORY_FROM
};

static const struct option options_long[] = {
	{ "batch",		no_argument,		NULL, 'b' },
	{ "count",		required_argument,	NULL, 'n' },
	{ "delay",		required_argument,	NULL, 'd' },
	{ "format",		required_argument,	NULL, OPT_FORMAT },
	{ "filter",		required_argument,	NULL, 'F' },
	{ "user",		required_argument,	NULL, 'u' },
	{ "pid",		required_argument,	NULL, 'p' },
	{ "sort-key",		required_argument,	NULL, 's' },
	{ "tree",		no_argument,		NULL, 't' },
	{ "history",		no_argument,		NULL, OPT_HISTORY },
	{ "history-size",	required_argument,	NULL, OPT_HISTORY_SIZE },
	{ "threads",		no_argument,		NULL, OPT_THREADS },
	{ "kernel-threads",	no_argument,		NULL, OPT_KTHREADS },
	{ "io",			no_argument,		NULL, OPT_IO },
	{ "readonly",		no_argument,		NULL, OPT_READONLY },
	{ "restart-timeout",	required_argument,	NULL, OPT_RESTART_TIMEOUT },
	{ "alarm",		required_argument,	NULL, OPT_ALARM },
	{ "log",		required_argument,	NULL, OPT_LOG },
	{ "replay",		optional_argument,	NULL, OPT_REPLAY },
	{ "from",		required_argument,	NULL, OPT_FROM },
	{ "to",			required_argument,	NULL, OPT_TO },
	{ "at",			required_argument,	NULL, OPT_AT },
	{ "history-from",	required_argument,	NULL, OPT_HISTORY_FROM },
	{ "no-color",		no_argument,		NULL, 'C' },
	{ "no-colour",		no_argument,		NULL, 'C' },
	{ "no-mouse",		no_argument,		NULL, 'M' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "keys",		no_argument,		NULL, OPT_KEYS },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

void
options_init(struct options *o)
{
	memset(o, 0, sizeof *o);
	o->delay = OPTIONS_DELAY_DEFAULT;
	o->uid = -1;
	o->sort = COL_CPU;
	o->descending = 1;
	o->history_size = MODEL_HISTORY_DEFAULT;
	o->serve_max_groups = SERVE_MAX_GROUPS_DEFAULT;
	o->log_lines = OPTIONS_LOG_LINES_DEFAULT;
	o->restart_timeout = OPTIONS_RESTART_TIMEOUT_DEFAULT;
}

void
options_push(char ***list, size_t *n, const char *s)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = xstrdup(s);
}

static void
options_free_list(char ***list, size_t *n)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
}

void
options_free(struct options *o)
{
	options_free_list(&o->alarms, &o->nalarms);
	options_free_list(&o->logs, &o->nlogs);
	options_free_list(&o->groups, &o->ngroups);
	options_free_list(&o->serve_per_pid, &o->nserve_per_pid);
	free(o->alertmanager);
	o->alertmanager = NULL;
	free(o->serve_user);
	free(o->serve_pwhash);
	free(o->serve_tls_cert);
	free(o->serve_tls_key);
	o->serve_user = o->serve_pwhash = NULL;
	o->serve_tls_cert = o->serve_tls_key = NULL;
	free(o->filter);
	free(o->user);
	free(o->pids);
	free(o->replay_dir);
	o->replay_dir = NULL;
	free(o->history_from);
	o->history_from = NULL;
	o->filter = o->user = NULL;
	o->pids = NULL;
}

static int	options_error(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
options_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return (-1);
}

int
options_number(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		return (-1);
	*out = v;
	return (0);
}

/* A comma-separated list of PIDs, as htop's -p takes. */
static int
options_pids(struct options *o, const char *arg)
{
	char	*copy, *tok, *save = NULL;
	long	 v;

	copy = xstrdup(arg);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (options_number(tok, 1, INT_MAX, &v) != 0) {
			free(copy);
			return (-1);
		}
		o->pids = xreallocarray(o->pids, o->npids + 1,
		    sizeof *o->pids);
		o->pids[o->npids++] = v;
	}
	free(copy);
	return (o->npids > 0 ? 0 : -1);
}

static int
options_user(struct options *o, const char *arg)
{
	struct passwd	*pw;
	long		 v;

	free(o->user);
	o->user = xstrdup(arg);
	if ((pw = getpwnam(arg)) != NULL) {
		o->uid = pw->pw_uid;
		return (0);
	}
	if (options_number(arg, 0, INT_MAX, &v) == 0) {
		o->uid = v;
		return (0);
	}
	return (-1);
}

/*
 * COLUMN, with an optional :asc or :desc; else the column's own way (-s,
 * and "sort =" in the configuration file). Returns 0, -1 for an unknown
 * column, -2 for an unknown direction.
 */
int
options_sort_parse(const char *arg, enum model_col *colp, int *descending)
{
	char		*copy, *dir;
	enum model_col	 col;
	int		 rc = 0;

	copy = xstrdup(arg);
	if ((dir = strchr(copy, ':')) != NULL)
		*dir++ = '\0';
	if (model_col_parse(copy, &col) != 0)
		rc = -1;
	else {
		*colp = col;
		*descending = model_col_descending(col);
		if (dir != NULL && strcmp(dir, "asc") == 0)
			*descending = 0;
		else if (dir != NULL && strcmp(dir, "desc") == 0)
			*descending = 1;
		else if (dir != NULL)
			rc = -2;
	}
	free(copy);
	return (rc);
}

static int
options_sort(struct options *o, const char *arg)
{
	enum model_col	col;
	int		desc, rc;

	if ((rc = options_sort_parse(arg, &col, &desc)) == 0) {
		o->sort = col;
		o->descending = desc;
		o->sort_given = 1;
	}
	return (rc);
}

/*
 * -d and "delay =": a duration, a bare number in tenths of a second as
 * htop's -d (5 is half a second, 2s is 20).
 */
int
options_delay(const char *what, const char *arg, long *tenths, char *err,
    size_t errlen)
{
	double	secs;
	long	t;

	/* "2.5" is more likely seconds than a quarter of a second: ask. */
	if (strspn(arg, "0123456789.") == strlen(arg) &&
	    strchr(arg, '.') != NULL) {
		snprintf(err, errlen,
		    _("%s: '%s': a bare number is in tenths of a second; for seconds write %ss"),
		    what, arg, arg);
		return (-1);
	}
	if (duration_parse(arg, DURATION_TENTHS, &secs) != 0) {
		duration_error(err, errlen, what, arg);
		return (-1);
	}
	/* Compared as a double: a huge one does not fit a long. */
	if (secs * 10 + 0.5 < 1 || secs * 10 > OPTIONS_DELAY_MAX ||
	    (t = (long)(secs * 10 + 0.5)) > OPTIONS_DELAY_MAX) {
		snprintf(err, errlen,
		    _("%s: '%s' is out of range (0.1s to %ds; a bare number is tenths of a second)"),
		    what, arg, OPTIONS_DELAY_MAX / 10);
		return (-1);
	}
	*tenths = t;
	return (0);
}

/* --from, --to, --at: a moment, relative ones counted from now. */
static int
options_when(struct options *o, int c, const char *arg, char *err,
    size_t errlen)
{
	struct timespec	 ts;
	const char	*what = c == OPT_FROM ? "--from" : c == OPT_TO ? "--to" :
			    "--at";
	double		 v;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (when_parse(arg, ts.tv_sec + ts.tv_nsec / 1e9, &v) != 0 || v <= 0) {
		when_error(err, errlen, what, arg);
		return (-1);
	}
	if (c == OPT_FROM)
		o->from = v;
	else if (c == OPT_TO)
		o->to = v;
	else
		o->at = v;
	return (0);
}

/*
 * Parse argv into o. Returns 0, or -1 with a one-line message in err; the
 * caller prints it with a hint and exits with status 2.
 */
int
options_parse(struct options *o, int argc, char **argv, char *err,
    size_t errlen)
{
	struct cmdline	 cl;
	const char	*arg;
	double		 secs;
	int		 c;

	cmdline_init(&cl, NULL, argc, argv, "bn:d:F:u:p:s:tCMhV",
	    options_long);
	while ((c = cmdline_next(&cl)) != -1) {
		arg = cl.arg;
		switch (c) {
		case 'b':
			o->batch = 1;
			break;
		case 'n':
			if (options_number(arg, 1, LONG_MAX, &o->count) != 0)
				return (options_error(err, errlen,
				    _("-n: '%s' is not a positive count"),
				    arg));
			break;
		case 'd':
			if (options_delay("-d", arg, &o->delay, err,
			    errlen) != 0)
				return (-1);
			o->delay_given = 1;
			break;
		case OPT_FORMAT:
			if (strcmp(arg, "text") == 0)
				o->format = FORMAT_TEXT;
			else if (strcmp(arg, "json") == 0)
				o->format = FORMAT_JSON;
			else
				return (options_error(err, errlen,
				    _("--format: '%s' is not text or json"),
				    arg));
			break;
		case 'F':
			free(o->filter);
			o->filter = xstrdup(arg);
			break;
		case 'u':
			if (options_user(o, arg) != 0)
				return (options_error(err, errlen,
				    _("-u: no such user '%s'"), arg));
			break;
		case 'p':
			if (options_pids(o, arg) != 0)
				return (options_error(err, errlen,
				    _("-p: '%s' is not a comma-separated list of PIDs"),
				    arg));
			break;
		case 's':
			switch (options_sort(o, arg)) {
			case -1:
				return (options_error(err, errlen,
				    _("-s: unknown column '%s'"), arg));
			case -2:
				return (options_error(err, errlen,
				    _("-s: '%s': the direction must be asc or desc"),
				    arg));
			}
			break;
		case 't':
			o->tree = 1;
			o->tree_given = 1;
			break;
		case OPT_HISTORY:
			o->history = 1;
			break;
		case OPT_HISTORY_SIZE:
			if (options_number(arg, 2, 100000,
			    &o->history_size) != 0)
				return (options_error(err, errlen,
				    _("--history-size: '%s' is not a number of samples (2 to 100000)"),
				    arg));
			break;
		case OPT_RESTART_TIMEOUT:
			if (duration_parse(arg, DURATION_SECONDS,
			    &secs) != 0) {
				duration_error(err, errlen,
				    "--restart-timeout", arg);
				return (-1);
			}
			if (secs < 1 || secs > 3600)
				return (options_error(err, errlen,
				    _("--restart-timeout: '%s' is out of range (1s to 1h)"),
				    arg));
			o->restart_timeout = (long)(secs + 0.5);
			break;
		case OPT_THREADS:
			o->threads = 1;
			break;
		case OPT_KTHREADS:
			o->kthreads = 1;
			break;
		case OPT_IO:
			o->io = 1;
			break;
		case OPT_READONLY:
			o->readonly = 1;
			break;
		case 'C':
			o->no_color = 1;
			break;
		case 'M':
			o->no_mouse = 1;
			break;
		case 'h':
			o->help = 1;
			break;
		case 'V':
			o->version = 1;
			break;
		case OPT_KEYS:
			o->keys = 1;
			break;
		case OPT_ALARM:
			options_push(&o->alarms, &o->nalarms, arg);
			break;
		case OPT_LOG:
			options_push(&o->logs, &o->nlogs, arg);
			break;
		case OPT_REPLAY:
			o->replay = 1;
			if (arg != NULL) {
				free(o->replay_dir);
				o->replay_dir = xstrdup(arg);
			}
			break;
		case OPT_HISTORY_FROM:
			free(o->history_from);
			o->history_from = xstrdup(arg);
			break;
		case OPT_FROM:
		case OPT_TO:
		case OPT_AT:
			if (options_when(o, c, arg, err, errlen) != 0)
				return (-1);
			break;
		case CMDLINE_OPERAND:
			/* vigil --replay DIR: the store, as an operand. */
			if (o->replay && o->replay_dir == NULL) {
				o->replay_dir = xstrdup(cl.arg);
				break;
			}
			return (options_error(err, errlen,
			    _("unexpected argument '%s'"), cl.arg));
		default:
			return (options_error(err, errlen, "%s", cl.err));
		}
	}
	if ((o->from != 0 || o->to != 0 || o->at != 0) && !o->replay)
		return (options_error(err, errlen,
		    _("--from, --to and --at need --replay")));
	if (o->from != 0 && o->to != 0 && o->to < o->from)
		return (options_error(err, errlen,
		    _("--to is before --from")));
	return (0);
}

void
options_usage(void)
{
	printf(_(
"Usage: vigil [OPTION]...\n"
"A terminal monitor for troubleshooting Linux machines.\n"
"\n"
"  -b, --batch              print snapshots to standard output, like top -b\n"
"  -n, --count=N            with --batch, stop after N snapshots\n"
"  -d, --delay=TIME         time between updates: 500ms, 2s, or tenths of\n"
"                           a second as htop's -d (default 15)\n"
"      --format=FORMAT      batch output: text (default) or json, one\n"
"                           object per snapshot per line\n"
"  -F, --filter=REGEX       only processes whose command line matches the\n"
"                           PCRE2 pattern (case-insensitive unless it has\n"
"                           capitals)\n"
"  -u, --user=USER          only processes of USER (name or uid)\n"
"  -p, --pid=PID[,PID...]   only these processes\n"
"  -s, --sort-key=COLUMN[:asc|:desc]\n"
"                           sort by COLUMN: pid ppid user pri ni virt res\n"
"                           shr s cpu mem time threads start comm command io\n"
"                           io_read io_write rchar wchar\n"
"  -t, --tree               show processes as a tree\n"
"      --history            include the CPU, RSS (and with --io, I/O)\n"
"                           histories in JSON output\n"
"      --history-size=N     samples kept per process (default 300)\n"
"      --threads            list threads as well as processes\n"
"      --kernel-threads     list kernel threads too\n"
"      --io                 per-process I/O rates (/proc/PID/io): the\n"
"                           monitor starts on its I/O screen (v); batch\n"
"                           text prints its columns, sorted by I/O rate\n"
"                           unless -s; JSON gets the counters and rates\n"
"      --replay[=DIR]       show what vigil record recorded in DIR (default\n"
"                           its store): with --batch, its frames as batch\n"
"                           output, plus the processes that exited\n"
"      --from=TIME, --to=TIME\n"
"                           batch replay of this window only: ISO 8601\n"
"                           (2026-12-02T03:10Z, '2026-12-02 03:10'), 03:10,\n"
"                           now, '3h ago' or @EPOCH\n"
"      --at=TIME            replay in the monitor from this time\n"
"      --history-from=DIR   start the live monitor's history (and batch\n"
"                           --history) from the frames vigil record wrote in\n"
"                           DIR for this host and boot (default its store,\n"
"                           if there is one; none: start empty)\n"
"      --readonly           disable every action on processes (the strace\n"
"                           pane s too; the open files list L stays)\n"
"      --restart-timeout=SECS\n"
"                           restart (R): seconds from SIGTERM until SIGKILL\n"
"                           is offered (default 5)\n"
"      --alarm=RULE         raise an alarm when RULE holds (repeatable, and\n"
"                           added to the config file's; the grammar is in\n"
"                           vigil(1)); batch output reports alarms fired\n"
"                           and resolved\n"
"      --log=FILE           follow FILE like tail -F (repeatable): shown\n"
"                           in the log pane (l), matched by log alarms\n"
"  -C, --no-color, --no-colour\n"
"                           monochrome\n"
"  -M, --no-mouse           do not use the mouse\n"
"  -h, --help               show this help and exit\n"
"      --keys               list the monitor's keys and exit\n"
"  -V, --version            show the version and exit\n"
"\n"
"Without --batch, vigil opens the interactive monitor (press h for its keys).\n"
"\n"
"Profiling (PROFILING in vigil(1)):\n"
"  vigil profile PID [OPTION]...\n"
"                           sample PID's stacks and write where its time\n"
"                           went, until Ctrl-C or the end of --duration\n"
"      --duration=TIME      stop after this long (10s, 1.5m; bare: seconds)\n"
"      --rate=HZ            samples a second (default 99)\n"
"      --threads=all|TID,...\n"
"                           only these threads (default all)\n"
"      --on-cpu             count the threads running when sampled: where\n"
"                           the CPU time goes (the default, every format)\n"
"      --wall, --idle       count every thread, running or waiting\n"
"      --off-cpu            count only waiting threads, each stack ending\n"
"                           in its wait: [off-cpu: futex_wait_queue]\n"
"      --method=METHOD      perf: perf_event_open samples, no thread is\n"
"                           ever stopped (on-CPU only); ptrace: each\n"
"                           sample stops the threads that ran; auto (the\n"
"                           default): perf where the kernel allows it\n"
"      --format=FORMAT      top (default), folded, svg, pprof or speedscope\n"
"  -o, --output=FILE        write to FILE instead of standard output\n"
"      --python             Python functions only (the default for CPython)\n"
"      --native             machine-code functions only\n"
"      --mixed              Python functions inside the native stack\n"
"      --gil                only the samples of the thread holding the GIL\n"
"  vigil profile --stream PID\n"
"                           a snapshot of the profile every second, for\n"
"                           programs to read\n"
"  vigil profile --diff OLD.folded NEW.folded [-o FILE]\n"
"                           a differential flame graph (SVG)\n"
"  vigil dump PID [--python|--native|--mixed] [--locals]\n"
"                           print every thread's stack once; --locals adds\n"
"                           each Python frame's arguments and locals\n"
"\n"
"Supervision (SUPERVISION in vigil(1)):\n"
"  vigil run [OPTION]... -- COMMAND [ARG]...\n"
"                           run COMMAND under a supervisor that captures its\n"
"                           output and restarts it (vigil run --help)\n"
"      --heap, --heap-full, --heap-rate=BYTES\n"
"                           with allocation tracking, as vigil heaptrack\n"
"                           --run, --full, --rate\n"
"\n"
"Heap snapshots (HEAP SNAPSHOTS in vigil(1)):\n"
"  vigil heap [--json] [--top=N] [-o FILE] PID\n"
"                           a classified snapshot of PID's memory, saved\n"
"                           and compared with the previous one\n"
"  vigil heap --diff OLD.json NEW.json\n"
"                           growth between two snapshots\n"
"\n"
"Allocation tracking (ALLOCATION TRACKING in vigil(1)):\n"
"  vigil heaptrack --run [--full] [--rate=BYTES] -- COMMAND [ARG]...\n"
"                           run COMMAND with libvigil-heap.so preloaded:\n"
"                           the call stacks of its allocations recorded\n"
"      --full               every allocation (default: sampled, one sample\n"
"                           per 512 KiB allocated on average)\n"
"      --rate=BYTES         mean bytes between samples (k, m, g: KiB...)\n"
"  vigil heaptrack PID [OPTION]...\n"
"                           a tracked process's top call sites by live\n"
"                           bytes, growth since the last snapshot, leaks\n"
"      --format=FORMAT      top (default), folded, pprof or json\n"
"  -o, --output=FILE        write to FILE instead of standard output\n"
"  -n, --count=N            call sites that top shows (default 20; 0: all)\n"
"      --no-history         neither read nor write the snapshot history\n"
"\n"
"Open files (OPEN FILES in vigil(1)):\n"
"  vigil files PID          PID's open files as lsof lists them: type, mode,\n"
"                           flags, offset, size, sockets by their addresses\n"
"\n"
"Exporting (EXPORTING in vigil(1)):\n"
"  vigil serve [--listen=ADDR:PORT] [-d TIME] [--alarm=RULE]...\n"
"                           Prometheus metrics on http://ADDR:PORT/metrics\n"
"                           (default 127.0.0.1:9256): the host, the vigilrc\n"
"                           groups as process-exporter's, the alarms; alarms\n"
"                           sent to vigilrc's alertmanager = URL; https and\n"
"                           basic auth by vigilrc's serve-tls-cert, serve-user\n"
"\n"
"Recording (RECORDING AND REPLAY in vigil(1)):\n"
"  vigil record [--foreground] [--interval=TIME] [--dir=DIR] [--keep=TIME]\n"
"               [--max-size=BYTES]\n"
"                           record every process and the system counters\n"
"                           each interval (default 5s) for --replay\n"
"                           (vigil record --help)\n"
"\n"
"See vigil(1) for the JSON schema and everything else.\n"));
}
