/* The command `vigil heaptrack`: a tracked process's call sites, or a command started tracked. */

#include "vigil.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmdline.h"
#include "htrack.h"
#include "xalloc.h"

#define HTRACK_LIB	"libvigil-heap.so"
#define HTRACK_TOP	20

enum {
	OPT_FORMAT = 256, OPT_RUN, OPT_FULL, OPT_RATE, OPT_NO_HISTORY
};

static const struct option htrack_long[] = {
	{ "format",	required_argument,	NULL, OPT_FORMAT },
	{ "output",	required_argument,	NULL, 'o' },
	{ "count",	required_argument,	NULL, 'n' },
	{ "run",	no_argument,		NULL, OPT_RUN },
	{ "full",	no_argument,		NULL, OPT_FULL },
	{ "rate",	required_argument,	NULL, OPT_RATE },
	{ "no-history",	no_argument,		NULL, OPT_NO_HISTORY },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

struct htrack_opts {
	const char	*format;
	const char	*output;
	long		 count;
	int		 run;
	int		 full;
	const char	*rate;
	int		 history;
};

static int	htrack_usage_error(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static int	htrack_lib(char *, size_t);
static int	htrack_run(const struct htrack_opts *, char **);
static int	htrack_report(const struct htrack_opts *, int);

static int
htrack_usage_error(const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return (cmdline_fail("heaptrack", "%s", msg));
}

static void
htrack_usage(void)
{
	printf("%s", _(
"Usage: vigil heaptrack PID [OPTION]...\n"
"       vigil heaptrack --run [--full] [--rate=BYTES] [--] COMMAND [ARG]...\n"
"The call sites of a tracked process's live allocations (a process started\n"
"with vigil heaptrack --run or vigil run --heap), or a command started\n"
"tracked.\n"
"\n"
"      --format=FORMAT      top (default), folded, pprof or json\n"
"  -o, --output=FILE        write to FILE instead of standard output\n"
"  -n, --count=N            call sites that top shows (default 20; 0: all)\n"
"      --no-history         neither read nor write the snapshot history\n"
"      --run                run COMMAND with libvigil-heap.so preloaded;\n"
"                           options end at COMMAND, whose own they are\n"
"      --full               every allocation (default: sampled, one sample\n"
"                           per 512 KiB allocated on average)\n"
"      --rate=BYTES         mean bytes between samples (k, m, g: KiB...)\n"
"  -h, --help               show this help and exit\n"
"\n"
"See ALLOCATION TRACKING in vigil(1).\n"));
}

/*
 * The library to preload: $VIGIL_HEAP_LIB, else the installed one, else
 * the one built next to this vigil (running from the build tree).
 */
static int
htrack_lib(char *path, size_t len)
{
	const char	*env = getenv("VIGIL_HEAP_LIB");
	char		 exe[PATH_MAX], *slash;
	ssize_t		 n;

	if (env != NULL && *env != '\0') {
		if (realpath(env, path) == NULL || access(path, R_OK) != 0)
			return (-1);
		return (0);
	}
	snprintf(path, len, "%s/%s", PKGLIBDIR, HTRACK_LIB);
	if (access(path, R_OK) == 0)
		return (0);
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return (-1);
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return (-1);
	*slash = '\0';
	if ((size_t)snprintf(path, len, "%s/heap/.libs/%s", exe,
	    HTRACK_LIB) >= len)
		return (-1);
	return (access(path, R_OK) == 0 ? 0 : -1);
}

/*
 * This process's environment made to start programs tracked: the library
 * first in LD_PRELOAD, the mode and rate (NULL: the default) set. Also
 * what `vigil run --heap` calls before it spawns its command.
 */
int
htrack_preload_env(int full, const char *rate, char *err, size_t errlen)
{
	struct buf	 pre = BUF_INITIALIZER;
	const char	*old = getenv("LD_PRELOAD");
	char		 lib[PATH_MAX];

	if (htrack_lib(lib, sizeof lib) != 0) {
		snprintf(err, errlen, _("cannot find %s (set VIGIL_HEAP_LIB to "
		    "its path)"), HTRACK_LIB);
		return (-1);
	}
	buf_adds(&pre, lib);
	if (old != NULL && *old != '\0') {
		buf_addc(&pre, ' ');
		buf_adds(&pre, old);
	}
	setenv("LD_PRELOAD", buf_str(&pre), 1);
	buf_free(&pre);
	setenv("VIGIL_HEAP_MODE", full ? "full" : "sampled", 1);
	if (rate != NULL)
		setenv("VIGIL_HEAP_RATE", rate, 1);
	return (0);
}

/* Become the command, with the tracker preloaded. */
static int
htrack_run(const struct htrack_opts *o, char **argv)
{
	char	err[PATH_MAX + 128];

	if (htrack_preload_env(o->full, o->rate, err, sizeof err) != 0) {
		fprintf(stderr, "vigil heaptrack: %s\n", err);
		return (1);
	}
	fprintf(stderr, _("vigil heaptrack: tracking process %d; see its "
	    "call sites with: vigil heaptrack %d\n"), (int)getpid(),
	    (int)getpid());
	execvp(argv[0], argv);
	fprintf(stderr, _("vigil heaptrack: cannot run %s: %s\n"), argv[0],
	    strerror(errno));
	return (127);
}

static int
htrack_report(const struct htrack_opts *o, int pid)
{
	struct htrack_snap	 s;
	struct htrack_sym	 sy;
	FILE			*fp = stdout;
	char			 err[512];
	int			 rc;

	if (htrack_fetch(pid, &s, err, sizeof err) != 0) {
		fprintf(stderr, "vigil heaptrack: %s\n", err);
		return (1);
	}
	htrack_sort(&s);
	if (o->history && htrack_history(&s, err, sizeof err) != 0)
		fprintf(stderr, "vigil heaptrack: %s\n", err);
	if (o->output != NULL && (fp = fopen(o->output, "we")) == NULL) {
		fprintf(stderr, _("vigil heaptrack: cannot write %s: %s\n"),
		    o->output, strerror(errno));
		htrack_snap_free(&s);
		return (1);
	}
	htrack_symbolise(&s, &sy);
	if (strcmp(o->format, "pprof") == 0)
		rc = htrack_write_pprof(&s, &sy, fp, err, sizeof err);
	else if (strcmp(o->format, "folded") == 0)
		rc = htrack_write_folded(&s, &sy, fp, err, sizeof err);
	else if (strcmp(o->format, "json") == 0)
		rc = htrack_write_json(&s, &sy, fp, o->count, err, sizeof err);
	else
		rc = htrack_write_top(&s, &sy, fp, o->count, err, sizeof err);
	if (fp != stdout && fclose(fp) != 0 && rc == 0) {
		snprintf(err, sizeof err, _("cannot write %s: %s"), o->output,
		    strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		fprintf(stderr, "vigil heaptrack: %s\n", err);
	htrack_sym_free(&sy);
	htrack_snap_free(&s);
	return (rc == 0 ? 0 : 1);
}

int
htrack_cmd(int argc, char **argv)
{
	struct htrack_opts	 o;
	struct cmdline		 cl;
	const char		*arg, *pid_arg = NULL, *extra = NULL;
	char			*end, **cmd = NULL;
	int			 c, pid, ncmd = 0;

	memset(&o, 0, sizeof o);
	o.format = "top";
	o.count = HTRACK_TOP;
	o.history = 1;
	cmdline_init(&cl, "heaptrack", argc, argv, "o:n:h", htrack_long);
	while (cmd == NULL && (c = cmdline_next(&cl)) != -1) {
		arg = cl.arg;
		switch (c) {
		case OPT_FORMAT:
			if (strcmp(arg, "top") != 0 &&
			    strcmp(arg, "folded") != 0 &&
			    strcmp(arg, "pprof") != 0 &&
			    strcmp(arg, "json") != 0)
				return (htrack_usage_error(_("--format: '%s' is "
				    "not top, folded, pprof or json"), arg));
			o.format = arg;
			break;
		case 'o':
			o.output = arg;
			break;
		case 'n':
			errno = 0;
			o.count = strtol(arg, &end, 10);
			if (*arg == '\0' || *end != '\0' || errno != 0 ||
			    o.count < 0)
				return (htrack_usage_error(_("-n: '%s' is not a "
				    "number of call sites"), arg));
			break;
		case OPT_RUN:
			o.run = 1;
			break;
		case OPT_FULL:
			o.full = 1;
			break;
		case OPT_RATE:
			errno = 0;
			if (strtoull(arg, &end, 10) == 0 || errno != 0 ||
			    strspn(end, "kKmMgGiB") != strlen(end))
				return (htrack_usage_error(_("--rate: '%s' is not "
				    "a size in bytes (k, m, g for KiB, MiB, "
				    "GiB)"), arg));
			o.rate = arg;
			break;
		case OPT_NO_HISTORY:
			o.history = 0;
			break;
		case 'h':
			htrack_usage();
			return (0);
		case CMDLINE_OPERAND:
			/* With --run, the command: its options are its own. */
			if (o.run)
				cmd = cmdline_rest(&cl, &ncmd);
			else if (pid_arg == NULL)
				pid_arg = arg;
			else if (extra == NULL)
				extra = arg;
			break;
		default:
			return (htrack_usage_error("%s", cl.err));
		}
	}
	if (o.run) {
		if (pid_arg != NULL)
			return (htrack_usage_error(_("--run starts a command; "
			    "it goes before COMMAND, not after '%s'"), pid_arg));
		if (cmd == NULL || ncmd == 0)
			return (htrack_usage_error(_("--run wants a command")));
		return (htrack_run(&o, cmd));
	}
	if (o.full || o.rate != NULL)
		return (htrack_usage_error(_("--full and --rate go with "
		    "--run")));
	if (pid_arg == NULL)
		return (htrack_usage_error(_("which process? vigil heaptrack "
		    "PID")));
	if (extra != NULL)
		return (htrack_usage_error(_("unexpected argument '%s'"),
		    extra));
	if (cmdline_pid(pid_arg, &pid) != 0)
		return (htrack_usage_error(_("'%s' is not a process ID"),
		    pid_arg));
	return (htrack_report(&o, pid));
}
