/* The commands `vigil profile` and `vigil dump`. */

#include "vigil.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "debuginfo-int.h"
#include "cmdline.h"
#include "duration.h"
#include "file.h"
#include "prof.h"
#include "options.h"
#include "profcmd.h"
#include "python-int.h"
#include "sampler-int.h"
#include "sanitize.h"
#include "xalloc.h"

#define RATE_DEFAULT	99
#define RATE_MAX	10000
#define STREAM_EVERY_NS	1000000000ULL

enum {
	OPT_DURATION = 256, OPT_RATE, OPT_THREADS, OPT_FORMAT, OPT_DIFF,
	OPT_STREAM, OPT_PYTHON, OPT_NATIVE, OPT_MIXED, OPT_GIL, OPT_LOCALS,
	OPT_ON_CPU, OPT_WALL, OPT_OFF_CPU, OPT_METHOD, OPT_SUBPROCESSES
};

static const struct option prof_cmd_long[] = {
	{ "duration",	required_argument,	NULL, OPT_DURATION },
	{ "rate",	required_argument,	NULL, OPT_RATE },
	{ "threads",	required_argument,	NULL, OPT_THREADS },
	{ "format",	required_argument,	NULL, OPT_FORMAT },
	{ "output",	required_argument,	NULL, 'o' },
	{ "diff",	no_argument,		NULL, OPT_DIFF },
	{ "stream",	no_argument,		NULL, OPT_STREAM },
	{ "python",	no_argument,		NULL, OPT_PYTHON },
	{ "native",	no_argument,		NULL, OPT_NATIVE },
	{ "mixed",	no_argument,		NULL, OPT_MIXED },
	{ "gil",	no_argument,		NULL, OPT_GIL },
	{ "locals",	no_argument,		NULL, OPT_LOCALS },
	{ "on-cpu",	no_argument,		NULL, OPT_ON_CPU },
	{ "wall",	no_argument,		NULL, OPT_WALL },
	{ "idle",	no_argument,		NULL, OPT_WALL },
	{ "off-cpu",	no_argument,		NULL, OPT_OFF_CPU },
	{ "method",	required_argument,	NULL, OPT_METHOD },
	{ "subprocesses", no_argument,		NULL, OPT_SUBPROCESSES },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

/* How stacks are taken: perf_event_open, ptrace, or perf where allowed. */
enum prof_method {
	PROF_METHOD_AUTO,
	PROF_METHOD_PERF,
	PROF_METHOD_PTRACE
};

struct prof_cmd {
	const char	*name;		/* profile, dump */
	int		 pid;
	double		 duration;	/* seconds; 0: until a signal */
	double		 rate;
	int		*tids;
	size_t		 ntids;
	const char	*format;
	const char	*output;
	int		 diff;
	int		 stream;
	enum prof_py_mode mode;
	int		 gil;		/* --gil: only threads holding it */
	int		 locals;	/* dump --locals */
	enum prof_mode	 measure;	/* on-CPU, wall or off-CPU */
	enum prof_method method;
	int		 subprocesses;	/* follow the children too */
	char		*args[2];
	int		 nargs;
};

/* What the per-sample callback adds to. */
struct prof_run {
	struct prof		*p;
	struct prof_syms	*syms;
	struct prof_py		*py;		/* NULL: native stacks */
	enum prof_py_mode	 mode;
	int			 gil;		/* --gil */
	int			 has_process;	/* stacks start at process */
	size_t			 process;	/* "process PID: command" */
	size_t			 leaf[PROF_PY_MAX_DEPTH];
	size_t			 frames[PROF_PY_MAX_DEPTH + 2];
};

static int	prof_cmd_usage_error(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	prof_cmd_parse(struct prof_cmd *, int, char **);
static int	prof_cmd_tids(struct prof_cmd *, const char *);
static uint64_t	prof_now(clockid_t);
static void	prof_cmd_add(const struct prof_tstack *, void *);
static int	prof_cmd_stream(struct prof *, uint64_t, size_t, const char *,
		    FILE *);
static int	prof_cmd_diff(struct prof_cmd *);
static int	prof_cmd_export(struct prof_cmd *, struct prof *);
static void	prof_cmd_nosyms(const struct prof *);
static int	prof_cmd_number(const char *, double, double, double *);

static int
prof_cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return (cmdline_fail(cmd, "%s", msg));
}

static void
prof_cmd_usage(const char *cmd)
{
	if (strcmp(cmd, "dump") == 0) {
		printf("%s", _(
"Usage: vigil dump [--python|--native|--mixed] [--locals] PID\n"
"Print every thread's current stack once (native and Python).\n"
"\n"
"      --python             Python functions only (the default for CPython)\n"
"      --native             machine-code functions only\n"
"      --mixed              Python functions inside the native stack\n"
"      --locals             each Python frame's arguments and locals\n"
"      --method=ptrace|auto how the stacks are taken: ptrace, the only\n"
"                           method that sees waiting threads (auto is\n"
"                           ptrace here)\n"
"  -h, --help               show this help and exit\n"
"\n"
"See PROFILING in vigil(1).\n"));
		return;
	}
	printf("%s", _(
"Usage: vigil profile [OPTION]... PID\n"
"       vigil profile --stream PID\n"
"       vigil profile --diff OLD.folded NEW.folded [-o FILE]\n"
"Sample PID's stacks and write where its time went, until Ctrl-C or the\n"
"end of --duration.\n"
"\n"
"      --duration=TIME      stop after TIME (10s, 1.5m, 500ms; a bare number\n"
"                           is seconds)\n"
"      --rate=HZ            samples a second (default 99)\n"
"      --threads=all|TID,...\n"
"                           only these threads (default all)\n"
"      --subprocesses       the processes below PID too, each under a root\n"
"                           frame \"process PID: command\" (perf method)\n"
"      --on-cpu             count the threads running when sampled (the\n"
"                           default)\n"
"      --wall, --idle       count every thread, running or waiting\n"
"      --off-cpu            count only waiting threads, by their wait\n"
"      --method=METHOD      perf: perf_event_open samples, no thread is\n"
"                           ever stopped (on-CPU only); ptrace: each\n"
"                           sample stops the threads that ran; auto (the\n"
"                           default): perf where the kernel allows it,\n"
"                           else ptrace\n"
"      --format=FORMAT      top (default), folded, svg, pprof or speedscope\n"
"  -o, --output=FILE        write to FILE instead of standard output\n"
"      --python             Python functions only (the default for CPython)\n"
"      --native             machine-code functions only\n"
"      --mixed              Python functions inside the native stack\n"
"      --stream             a snapshot of the profile every second, for\n"
"                           programs to read\n"
"      --diff               a differential flame graph (SVG) of two folded\n"
"                           files\n"
"  -h, --help               show this help and exit\n"
"\n"
"See PROFILING in vigil(1).\n"));
}

static int
prof_cmd_number(const char *s, double min, double max, double *out)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < min || v > max)
		return (-1);
	*out = v;
	return (0);
}

/* --threads all, or a comma-separated list of TIDs. */
static int
prof_cmd_tids(struct prof_cmd *c, const char *arg)
{
	char	*copy, *tok, *save = NULL, *end;
	long	 v;

	free(c->tids);
	c->tids = NULL;
	c->ntids = 0;
	if (strcmp(arg, "all") == 0)
		return (0);
	copy = xstrdup(arg);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		errno = 0;
		v = strtol(tok, &end, 10);
		if (*end != '\0' || errno != 0 || v <= 0 || v > INT_MAX) {
			free(copy);
			return (-1);
		}
		c->tids = xreallocarray(c->tids, c->ntids + 1,
		    sizeof *c->tids);
		c->tids[c->ntids++] = v;
	}
	free(copy);
	return (c->ntids > 0 ? 0 : -1);
}

/* An option as the user may have typed it, for a message. */
static const char *
prof_cmd_optname(int ch)
{
	static char	name[32];
	size_t		i;

	for (i = 0; prof_cmd_long[i].name != NULL; i++) {
		if (prof_cmd_long[i].val == ch) {
			snprintf(name, sizeof name, "--%s",
			    prof_cmd_long[i].name);
			return (name);
		}
	}
	snprintf(name, sizeof name, "-%c", ch);
	return (name);
}

/* Returns 0, or the exit status after printing the error. */
static int
prof_cmd_parse(struct prof_cmd *c, int argc, char **argv)
{
	static const char	 shortopts[] = "o:h";
	static const char	*formats[] = {
		"top", "folded", "svg", "pprof", "speedscope"
	};
	const char		*cmd = c->name;
	struct cmdline		 cl;
	const char		*arg;
	size_t			 i;
	int			 ch, dump = strcmp(cmd, "dump") == 0;

	cmdline_init(&cl, cmd, argc, argv, shortopts, prof_cmd_long);
	while ((ch = cmdline_next(&cl)) != -1) {
		arg = cl.arg;
		if (dump && ch != 'h' && ch != '?' && ch != CMDLINE_OPERAND &&
		    ch != OPT_PYTHON && ch != OPT_NATIVE && ch != OPT_MIXED &&
		    ch != OPT_LOCALS && ch != OPT_METHOD)
			return (prof_cmd_usage_error(cmd,
			    _("'%s' goes with vigil profile, not vigil dump"),
			    prof_cmd_optname(ch)));
		if (!dump && ch == OPT_LOCALS)
			return (prof_cmd_usage_error(cmd,
			    _("'%s' goes with vigil dump, not vigil profile"),
			    prof_cmd_optname(ch)));
		switch (ch) {
		case OPT_DURATION:
			if (duration_parse(arg, DURATION_SECONDS,
			    &c->duration) != 0) {
				char	msg[256];

				return (prof_cmd_usage_error(cmd, "%s",
				    duration_error(msg, sizeof msg,
				    "--duration", arg)));
			}
			if (c->duration < 0.001 || c->duration > 1e9)
				return (prof_cmd_usage_error(cmd,
				    _("--duration: '%s' is out of range (1ms "
				    "and up)"), arg));
			break;
		case OPT_RATE:
			if (prof_cmd_number(arg, 1, RATE_MAX, &c->rate) != 0)
				return (prof_cmd_usage_error(cmd,
				    _("--rate: '%s' is not a rate in Hz (1 to "
				    "%d)"), arg, RATE_MAX));
			break;
		case OPT_THREADS:
			if (prof_cmd_tids(c, arg) != 0)
				return (prof_cmd_usage_error(cmd,
				    _("--threads: '%s' is not 'all' or a "
				    "comma-separated list of thread IDs"),
				    arg));
			break;
		case OPT_FORMAT:
			for (i = 0; i < nitems(formats); i++) {
				if (strcmp(arg, formats[i]) == 0)
					break;
			}
			if (i == nitems(formats))
				return (prof_cmd_usage_error(cmd,
				    _("--format: '%s' is not top, folded, svg, "
				    "pprof or speedscope"), arg));
			c->format = formats[i];
			break;
		case 'o':
			c->output = arg;
			break;
		case OPT_DIFF:
			c->diff = 1;
			break;
		case OPT_STREAM:
			c->stream = 1;
			break;
		case OPT_PYTHON:
			c->mode = PROF_PY_PYTHON;
			break;
		case OPT_NATIVE:
			c->mode = PROF_PY_NATIVE;
			break;
		case OPT_MIXED:
			c->mode = PROF_PY_MIXED;
			break;
		case OPT_GIL:
			c->gil = 1;
			break;
		case OPT_SUBPROCESSES:
			c->subprocesses = 1;
			break;
		case OPT_LOCALS:
			c->locals = 1;
			break;
		case OPT_ON_CPU:
			c->measure = PROF_MODE_ON_CPU;
			break;
		case OPT_WALL:
			c->measure = PROF_MODE_WALL;
			break;
		case OPT_OFF_CPU:
			c->measure = PROF_MODE_OFF_CPU;
			break;
		case OPT_METHOD:
			if (strcmp(arg, "auto") == 0)
				c->method = PROF_METHOD_AUTO;
			else if (strcmp(arg, "perf") == 0)
				c->method = PROF_METHOD_PERF;
			else if (strcmp(arg, "ptrace") == 0)
				c->method = PROF_METHOD_PTRACE;
			else
				return (prof_cmd_usage_error(cmd,
				    _("--method: '%s' is not perf, ptrace or "
				    "auto"), arg));
			break;
		case 'h':
			prof_cmd_usage(cmd);
			return (-1);
		case CMDLINE_OPERAND:
			if (c->nargs == 2)
				return (prof_cmd_usage_error(cmd,
				    _("unexpected argument '%s'"), arg));
			c->args[c->nargs++] = (char *)arg;
			break;
		default:
			return (prof_cmd_usage_error(cmd, "%s", cl.err));
		}
	}
	if (c->diff) {
		if (c->nargs != 2)
			return (prof_cmd_usage_error(cmd,
			    _("--diff needs two folded files, OLD and NEW")));
		if (c->stream)
			return (prof_cmd_usage_error(cmd,
			    _("--diff and --stream do not go together")));
		return (0);
	}
	if (c->nargs == 0)
		return (prof_cmd_usage_error(cmd, _("which process? Give its PID")));
	if (c->nargs > 1)
		return (prof_cmd_usage_error(cmd, _("unexpected argument '%s'"),
		    c->args[1]));
	if (cmdline_pid(c->args[0], &c->pid) != 0)
		return (prof_cmd_usage_error(cmd, _("'%s' is not a PID"),
		    c->args[0]));
	if (c->gil && c->mode == PROF_PY_NATIVE)
		return (prof_cmd_usage_error(cmd,
		    _("--gil needs the interpreter's state; not with "
		    "--native")));
	if (dump && c->method == PROF_METHOD_PERF)
		return (prof_cmd_usage_error(cmd,
		    _("--method perf: a dump needs every thread's stack, "
		    "waiting ones too, which only ptrace takes")));
	if (c->method == PROF_METHOD_PERF && c->measure != PROF_MODE_ON_CPU &&
	    c->measure != PROF_MODE_NONE)
		return (prof_cmd_usage_error(cmd,
		    _("--method perf samples running threads only: it goes "
		    "with --on-cpu, not --wall or --off-cpu")));
	if (c->stream && (c->output != NULL || c->format != NULL))
		return (prof_cmd_usage_error(cmd,
		    _("--stream writes its own format to standard output")));
	/*
	 * The children are followed by the perf_event sampler alone: it
	 * stops no thread, so a child found late, gone early or running a
	 * new program never leaves another process's threads held.
	 */
	if (c->subprocesses && (c->method == PROF_METHOD_PTRACE ||
	    (c->measure != PROF_MODE_ON_CPU && c->measure != PROF_MODE_NONE)))
		return (prof_cmd_usage_error(cmd,
		    _("--subprocesses follows the children with the perf "
		    "sampler, which counts running threads: it goes with "
		    "--on-cpu and --method perf or auto")));
	if (c->subprocesses && c->tids != NULL)
		return (prof_cmd_usage_error(cmd,
		    _("--threads names threads of one process: not with "
		    "--subprocesses")));
	return (0);
}

static uint64_t
prof_now(clockid_t clock)
{
	struct timespec	ts;

	clock_gettime(clock, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec);
}

/*
 * CPython or not, and so which stacks: the mode decided, a note on
 * standard error when what was asked for cannot be had.
 */
static struct prof_py *
prof_cmd_python(const struct prof_cmd *c, int live, struct prof *p,
    enum prof_py_mode *mode)
{
	struct prof_py	*py;
	char		 note[256];

	*mode = c->mode;
	if (c->mode == PROF_PY_NATIVE)
		return (NULL);
	/* A live thread's ID: a leader that exited has no memory to read. */
	if ((py = prof_py_open(live, p, note, sizeof note)) == NULL) {
		if (note[0] != '\0')
			fprintf(stderr, _("vigil %s: %s: native stacks only\n"),
			    c->name, note);
		else if (c->mode != PROF_PY_AUTO)
			fprintf(stderr, _("vigil %s: process %d is not running "
			    "CPython: native stacks only\n"), c->name, c->pid);
		*mode = PROF_PY_NATIVE;
		return (NULL);
	}
	if (*mode == PROF_PY_AUTO)
		*mode = PROF_PY_PYTHON;
	return (py);
}

/* The sampler's hook: a thread's Python stack read while it is stopped. */
static void
prof_cmd_stopped(int tid, void *arg)
{
	struct prof_py	**py = arg;

	if (*py != NULL)
		prof_py_read(*py, tid);
}

/*
 * The leaf frame of an off-CPU stack, naming the wait. A label the
 * sampler could not give is the thread's state unknown.
 */
static size_t
prof_cmd_wait_frame(struct prof *p, const char *wait)
{
	struct prof_frame	 f;
	struct buf		 b = BUF_INITIALIZER;
	size_t			 i;

	if (wait == NULL)
		prof_offcpu_label(NULL, '?', &b);
	memset(&f, 0, sizeof f);
	f.kind = PF_NATIVE;
	f.func = (char *)(wait != NULL ? wait : buf_str(&b));
	i = prof_frame_intern(p, &f);
	buf_free(&b);
	return (i);
}

/*
 * One thread's stack into the profile, root first, named off the stop:
 * if the profile's mode counts it (the filter of every backend is here,
 * on what the sampler says of the thread), and for off-CPU with the wait
 * as its leaf.
 */
static void
prof_cmd_add(const struct prof_tstack *ts, void *arg)
{
	struct prof_run	*r = arg;
	size_t		 d, n, o, thread;

	if (ts->depth == 0 || !prof_mode_keep(r->p->mode, ts->running))
		return;
	/* py-spy's --gil: the thread that holds it is the one running Python. */
	if (r->gil && prof_py_holds_gil(r->py, ts->tid) != 1)
		return;
	n = prof_py_build(r->py, r->mode, r->syms, r->p, ts, r->leaf,
	    nitems(r->leaf));
	if (n == 0)
		return;		/* no Python in this thread */
	thread = prof_thread_intern(r->p, ts->tid, ts->name);
	/* With the children followed, each stack starts at its process. */
	o = r->has_process ? 1 : 0;
	if (o)
		r->frames[0] = r->process;
	for (d = 0; d < n; d++)
		r->frames[o + n - 1 - d] = r->leaf[d];
	n += o;
	if (r->p->mode == PROF_MODE_OFF_CPU)
		r->frames[n++] = prof_cmd_wait_frame(r->p, ts->wait);
	prof_add(r->p, thread, r->frames, n, 1);
}

/* One snapshot of the stream (see include/profcmd.h). */
static int
prof_cmd_stream(struct prof *p, uint64_t elapsed, size_t nthreads,
    const char *method, FILE *out)
{
	char	 err[256], *text = NULL, *line, *nl, *sp;
	size_t	 len = 0;
	FILE	*mem;

	if ((mem = open_memstream(&text, &len)) == NULL)
		return (-1);
	if (prof_write_folded(p, mem, err, sizeof err) != 0) {
		fclose(mem);
		free(text);
		return (-1);
	}
	fclose(mem);
	fprintf(out, "S %.3f %llu %g %zu %s %s\n", elapsed / 1e9,
	    (unsigned long long)p->total, p->rate_hz, nthreads,
	    prof_mode_name(p->mode), method);
	for (line = text; line != NULL && *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		if ((sp = strrchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		fprintf(out, "F %s %s\n", sp + 1, line);
	}
	fputs("E\n", out);
	free(text);
	return (fflush(out) == 0 && !ferror(out) ? 0 : -1);
}

static int
prof_cmd_diff(struct prof_cmd *c)
{
	FILE	*old, *new, *out = stdout;
	char	 err[512];
	int	 rc;

	if ((old = fopen(c->args[0], "r")) == NULL) {
		fprintf(stderr, "vigil profile: %s: %s\n", c->args[0],
		    strerror(errno));
		return (1);
	}
	if ((new = fopen(c->args[1], "r")) == NULL) {
		fprintf(stderr, "vigil profile: %s: %s\n", c->args[1],
		    strerror(errno));
		fclose(old);
		return (1);
	}
	if (c->output != NULL && (out = fopen(c->output, "w")) == NULL) {
		fprintf(stderr, "vigil profile: %s: %s\n", c->output,
		    strerror(errno));
		fclose(old);
		fclose(new);
		return (1);
	}
	rc = prof_diff(old, new, out, err, sizeof err);
	fclose(old);
	fclose(new);
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		snprintf(err, sizeof err, "%s: %s", c->output, strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		fprintf(stderr, "vigil profile: %s\n", err);
		return (1);
	}
	return (0);
}

/*
 * Say once which modules had code without symbols in the samples, and how
 * to get them: their names then are module!fde@START or module+0xOFFSET.
 */
static void
prof_cmd_nosyms(const struct prof *p)
{
	const struct prof_stack	*st;
	const struct prof_frame	*f;
	struct buf		 b = BUF_INITIALIZER;
	const char		**mods = NULL;
	uint64_t		*counts = NULL;
	size_t			*seen = NULL, i, d, k, n = 0, shown = 0;

	for (i = 0; i < p->nstacks; i++) {
		st = &p->stacks[i];
		for (d = 0; d < st->depth; d++) {
			f = &p->frames[st->frames[d]];
			if (f->kind != PF_NATIVE || f->func != NULL ||
			    f->module == NULL || f->module[0] != '/')
				continue;
			for (k = 0; k < n && strcmp(mods[k], f->module) != 0;
			    k++)
				;
			if (k == n) {
				mods = xreallocarray(mods, n + 1,
				    sizeof *mods);
				counts = xreallocarray(counts, n + 1,
				    sizeof *counts);
				seen = xreallocarray(seen, n + 1,
				    sizeof *seen);
				mods[n] = f->module;
				seen[n] = 0;
				counts[n++] = 0;
			}
			if (seen[k] == i + 1)
				continue;	/* once per stack */
			seen[k] = i + 1;
			counts[k] += st->count;
		}
	}
	for (k = 0; k < n && shown < 8; k++, shown++) {
		buf_reset(&b);
		sanitize(&b, mods[k], strlen(mods[k]), 0);
		fprintf(stderr, _("vigil profile: no symbols for code of %s "
		    "(in %llu samples)\n"), buf_str(&b),
		    (unsigned long long)counts[k]);
	}
	if (n > shown)
		fprintf(stderr, _("vigil profile: and %zu more modules without "
		    "symbols\n"), n - shown);
	if (n > 0)
		fprintf(stderr, "%s\n", _("vigil profile: to name their "
		    "functions, install their debug symbols (the package's "
		    "-dbgsym or -dbg package), or set DEBUGINFOD_URLS to a "
		    "debuginfod server"));
	buf_free(&b);
	free(mods);
	free(counts);
	free(seen);
}

static int
prof_cmd_export(struct prof_cmd *c, struct prof *p)
{
	FILE	*out = stdout;
	char	 err[512];
	int	 rc;

	if (c->output != NULL && (out = fopen(c->output, "w")) == NULL) {
		fprintf(stderr, "vigil profile: %s: %s\n", c->output,
		    strerror(errno));
		return (1);
	}
	rc = prof_export(p, c->format != NULL ? c->format : "top", out, err,
	    sizeof err);
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		snprintf(err, sizeof err, "%s: %s", c->output, strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		fprintf(stderr, "vigil profile: %s\n", err);
		return (1);
	}
	return (0);
}

/* Sleep until the monotonic time next, passing the target's signals on. */
static int
prof_cmd_sleep(struct prof_sampler *s, uint64_t next, enum prof_end *end)
{
	struct timespec	ts;

	ts.tv_sec = next / 1000000000ULL;
	ts.tv_nsec = next % 1000000000ULL;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
	    NULL) == EINTR) {
		if (prof_sampler_drain(s, end) != 0)
			return (-1);
	}
	return (prof_sampler_drain(s, end));
}

static const char *
prof_end_reason(enum prof_end end)
{
	switch (end) {
	case PROF_END_EXIT:
		return ("exit");
	case PROF_END_EXEC:
		return ("exec");
	case PROF_END_SIGNAL:
		return ("signal");
	default:
		return ("end");
	}
}

static char *
prof_cmd_comm(int pid)
{
	char	path[64], comm[64];

	snprintf(path, sizeof path, "/proc/%d/comm", pid);
	if (file_read(path, comm, sizeof comm) <= 0)
		return (xstrdup("?"));
	comm[strcspn(comm, "\n")] = '\0';
	return (xstrdup(comm));
}

/*
 * The sampler of a profile: perf_event's, or ptrace's. Exactly one is set;
 * the loop asks this for what either gives.
 */
struct prof_src {
	struct prof_sampler	*s;
	struct prof_perf	*pf;
	char			 said[256];	/* the method, said at start */
};

static int
prof_src_live_tid(const struct prof_src *src)
{
	return (src->pf != NULL ? prof_perf_live_tid(src->pf) :
	    prof_sampler_live_tid(src->s));
}

/*
 * For bench/bench_prof.sh: with VIGIL_PROF_TIMES=FILE, a ptrace session
 * appends "stops N stopped_ns NS held_ns NS" to FILE at its end: how
 * often and how long (interrupt to resume, summed; of it, from the stop's
 * wait status to the resume) the target's threads were stopped.
 */
static void
prof_src_times(const struct prof_src *src)
{
	const char	*path;
	FILE		*f;
	uint64_t	 stops, ns, held;

	if (src->s == NULL || (path = getenv("VIGIL_PROF_TIMES")) == NULL ||
	    *path == '\0' || (f = fopen(path, "a")) == NULL)
		return;
	ns = prof_sampler_stopped_ns(src->s, &stops, &held);
	fprintf(f, "stops %llu stopped_ns %llu held_ns %llu\n",
	    (unsigned long long)stops, (unsigned long long)ns,
	    (unsigned long long)held);
	fclose(f);
}

static void
prof_src_free(struct prof_src *src)
{
	prof_src_times(src);
	prof_perf_free(src->pf);
	prof_sampler_free(src->s);
	src->pf = NULL;
	src->s = NULL;
}

/*
 * Start the sampler the method asks for: perf_event where it is asked
 * for or allowed and the mode is on-CPU (a cpu-clock sample fires only on
 * a running thread), else ptrace. A fallback is said at once on standard
 * error; the method that runs is in src->said, for when sampling starts
 * (not with --stream: its header says it). Returns 0, or 1 after
 * printing why not.
 */
static int
prof_src_start(const struct prof_cmd *c, struct prof_src *src,
    struct prof_run *r)
{
	struct prof_sampler_opts so;
	struct prof_perf_opts	 po;
	char			 err[512], why[512];
	int			 denied;

	memset(src, 0, sizeof *src);
	why[0] = '\0';
	if (c->method != PROF_METHOD_PTRACE &&
	    c->measure == PROF_MODE_ON_CPU) {
		memset(&po, 0, sizeof po);
		po.pid = c->pid;
		po.tids = c->tids;
		po.ntids = c->ntids;
		po.rate_hz = c->rate;
		po.sampled = prof_cmd_stopped;
		po.sampled_arg = &r->py;
		src->pf = prof_perf_new(&po, err, sizeof err, &denied);
		if (src->pf == NULL && (c->method == PROF_METHOD_PERF ||
		    !denied)) {
			fprintf(stderr, "vigil profile: %s\n", err);
			return (1);
		}
		if (src->pf != NULL) {
			snprintf(src->said, sizeof src->said, _("vigil profile: "
			    "method perf: %s events at %g Hz, no thread is ever "
			    "stopped"), prof_perf_event(src->pf), c->rate);
			return (0);
		}
		snprintf(why, sizeof why, "%s", err);
	} else if (c->method != PROF_METHOD_PTRACE)
		snprintf(why, sizeof why, _("--%s needs every thread's stack"),
		    prof_mode_name(c->measure));
	/* A fallback is said first: if ptrace is refused too, both show. */
	if (!c->stream && why[0] != '\0')
		fprintf(stderr, _("vigil profile: method ptrace (%s): each "
		    "sample stops the threads that ran\n"), why);
	memset(&so, 0, sizeof so);
	so.pid = c->pid;
	so.tids = c->tids;
	so.ntids = c->ntids;
	so.mode = c->measure;
	so.stopped = prof_cmd_stopped;
	so.stopped_arg = &r->py;
	if ((src->s = prof_sampler_new(&so, err, sizeof err)) == NULL) {
		fprintf(stderr, "vigil profile: %s\n", err);
		return (1);
	}
	if (why[0] == '\0')
		snprintf(src->said, sizeof src->said, "%s", _("vigil profile: "
		    "method ptrace: each sample stops the threads that ran"));
	return (0);
}

/*
 * --subprocesses: the processes below the target, each sampled by a
 * perf_event sampler of its own into the one profile, its stacks under a
 * root frame naming it, as py-spy has them. Found by a look at /proc
 * every FAMILY_EVERY_NS; one that cannot be sampled is said once and
 * left; one that ends or runs a new program is let go (its samples stay)
 * and, if it runs on, found again as new.
 */
#define FAMILY_EVERY_NS		250000000ULL
#define FAMILY_MAX		256

struct prof_child {
	int			 pid;
	unsigned long long	 start;
	struct prof_perf	*pf;		/* NULL: not sampled */
	struct prof_run		 r;
};

/* Each child on its own: its sampler holds the address of its run. */
struct prof_family {
	struct prof_child	**v;
	size_t			 n;
	int			 full;		/* FAMILY_MAX said */
};

/* The root frame of a process's stacks: "process PID: its command". */
static size_t
prof_cmd_process_frame(struct prof *p, int pid)
{
	struct prof_frame	 f;
	struct buf		 b = BUF_INITIALIZER;
	char			 path[64], *cmd = NULL;
	ssize_t			 n, i;
	size_t			 idx;

	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	if ((n = file_read_all(path, &cmd)) > 0) {
		for (i = 0; i < n - 1; i++) {
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		}
	}
	buf_printf(&b, "process %d: ", pid);
	if (n > 0)
		sanitize(&b, cmd, strnlen(cmd, 200), 0);
	else
		buf_adds(&b, "?");
	memset(&f, 0, sizeof f);
	f.kind = PF_NATIVE;
	f.func = (char *)buf_str(&b);
	idx = prof_frame_intern(p, &f);
	buf_free(&b);
	free(cmd);
	return (idx);
}

static void
prof_child_free(struct prof_child *ch)
{
	prof_perf_free(ch->pf);
	prof_py_free(ch->r.py);
	prof_syms_free(ch->r.syms);
	ch->pf = NULL;
	ch->r.py = NULL;
	ch->r.syms = NULL;
}

static int
prof_family_has(const struct prof_family *fam, const struct prof_kin *k)
{
	size_t	i;

	for (i = 0; i < fam->n; i++) {
		if (fam->v[i]->pid == k->pid && fam->v[i]->start == k->start)
			return (1);
	}
	return (0);
}

/* Start sampling the children found since the last look. */
static void
prof_family_scan(const struct prof_cmd *c, struct prof_family *fam,
    struct prof *p)
{
	struct prof_perf_opts	 po;
	struct prof_cmd		 cc;
	struct prof_child	*ch;
	struct prof_kin		*kin;
	char			 err[512];
	size_t			 n, i;
	int			 denied;

	n = prof_family(c->pid, &kin);
	for (i = 0; i < n; i++) {
		if (prof_family_has(fam, &kin[i]))
			continue;
		if (fam->n == FAMILY_MAX) {
			if (!fam->full && !c->stream)
				fprintf(stderr, _("vigil profile: following "
				    "%d processes already: no more\n"),
				    FAMILY_MAX);
			fam->full = 1;
			break;
		}
		fam->v = xreallocarray(fam->v, fam->n + 1, sizeof *fam->v);
		ch = fam->v[fam->n++] = xcalloc(1, sizeof *ch);
		ch->pid = kin[i].pid;
		ch->start = kin[i].start;
		memset(&po, 0, sizeof po);
		po.pid = ch->pid;
		po.rate_hz = c->rate;
		po.sampled = prof_cmd_stopped;
		po.sampled_arg = &ch->r.py;
		if ((ch->pf = prof_perf_new(&po, err, sizeof err,
		    &denied)) == NULL) {
			/* Gone already, most often: said, and not tried again. */
			if (!c->stream && kill(ch->pid, 0) == 0)
				fprintf(stderr, _("vigil profile: not following "
				    "process %d: %s\n"), ch->pid, err);
			continue;
		}
		ch->r.p = p;
		ch->r.syms = prof_syms_new(ch->pid, prof_perf_live_tid(ch->pf),
		    p);
		cc = *c;
		cc.pid = ch->pid;
		ch->r.py = prof_cmd_python(&cc, prof_perf_live_tid(ch->pf), p,
		    &ch->r.mode);
		ch->r.gil = c->gil;
		ch->r.has_process = 1;
		ch->r.process = prof_cmd_process_frame(p, ch->pid);
		if (!c->stream)
			fprintf(stderr, _("vigil profile: following process "
			    "%d\n"), ch->pid);
	}
	free(kin);
}

/*
 * Read the children's rings (sampling paused or not, as the root is); let
 * go of those that ended (forgetting one that ran a new program, so that
 * the next look finds it anew). Returns their threads, or -1 on a signal
 * that ends the profile.
 */
static ssize_t
prof_family_read(struct prof_family *fam, int paused)
{
	struct prof_child	*ch;
	enum prof_end		 end;
	size_t			 i, threads = 0;

	for (i = 0; i < fam->n; i++) {
		ch = fam->v[i];
		if (ch->pf == NULL)
			continue;
		prof_perf_pause(ch->pf, paused);	/* starts it, at first */
		if (prof_perf_read(ch->pf, prof_cmd_add, &ch->r, &end) != 0) {
			if (end == PROF_END_SIGNAL)
				return (-1);
			prof_child_free(ch);
			if (end == PROF_END_EXEC) {
				free(ch);
				fam->v[i--] = fam->v[--fam->n];
			}
			continue;
		}
		threads += prof_perf_nthreads(ch->pf);
	}
	return ((ssize_t)threads);
}

static void
prof_family_free(struct prof_family *fam)
{
	enum prof_end	end;
	size_t		i;

	for (i = 0; i < fam->n; i++) {
		if (fam->v[i]->pf != NULL)
			prof_perf_read(fam->v[i]->pf, prof_cmd_add,
			    &fam->v[i]->r, &end);
		prof_child_free(fam->v[i]);
		free(fam->v[i]);
	}
	free(fam->v);
	fam->v = NULL;
	fam->n = 0;
}

int
prof_cmd_profile(int argc, char **argv)
{
	struct prof_cmd		 c;
	struct prof_src		 src;
	struct prof_run		 r;
	struct prof_family	 fam;
	enum prof_end		 end = PROF_END_NONE, ignored;
	const char		*method;
	char			*comm;
	uint64_t		 t0, now, next, period, emit, stop = 0, look = 0;
	size_t			 nthreads = 0;
	ssize_t			 kids;
	int			 rc, gone = 0, paused;

	memset(&c, 0, sizeof c);
	c.name = "profile";
	c.rate = RATE_DEFAULT;
	c.measure = PROF_MODE_ON_CPU;
	if ((rc = prof_cmd_parse(&c, argc, argv)) != 0) {
		free(c.tids);
		return (rc == -1 ? 0 : rc);
	}
	if (c.diff) {
		rc = prof_cmd_diff(&c);
		free(c.tids);
		return (rc);
	}

	prof_signals_install();
	memset(&fam, 0, sizeof fam);
	r.py = NULL;
	r.has_process = 0;
	if (prof_src_start(&c, &src, &r) != 0) {
		prof_signals_restore();
		free(c.tids);
		return (1);
	}
	if (c.subprocesses && src.pf == NULL) {
		prof_src_free(&src);
		prof_signals_restore();
		fprintf(stderr, _("vigil profile: --subprocesses needs the perf "
		    "sampler, which cannot sample process %d here\n"), c.pid);
		free(c.tids);
		return (1);
	}
	method = src.pf != NULL ? "perf" : "ptrace";
	comm = prof_cmd_comm(c.pid);
	r.p = prof_new(c.pid, comm, c.rate);
	r.p->mode = c.measure;
	free(comm);
	r.p->start_ns = prof_now(CLOCK_REALTIME);
	r.syms = prof_syms_new(c.pid, prof_src_live_tid(&src), r.p);
	r.py = prof_cmd_python(&c, prof_src_live_tid(&src), r.p, &r.mode);
	r.gil = c.gil;
	if (c.subprocesses) {
		r.has_process = 1;
		r.process = prof_cmd_process_frame(r.p, c.pid);
	}
	if (c.gil && r.py == NULL) {
		prof_src_free(&src);
		prof_signals_restore();
		fprintf(stderr, _("vigil profile: --gil: process %d runs no "
		    "CPython whose GIL vigil can read\n"), c.pid);
		prof_syms_free(r.syms);
		prof_free(r.p);
		free(c.tids);
		return (1);
	}

	/* Said when sampling starts: the symbols and Python are ready. */
	if (!c.stream && src.said[0] != '\0')
		fprintf(stderr, "%s\n", src.said);
	period = (uint64_t)(1e9 / c.rate);
	t0 = next = prof_now(CLOCK_MONOTONIC);
	emit = t0 + STREAM_EVERY_NS;
	if (c.duration > 0)
		stop = t0 + (uint64_t)(c.duration * 1e9);
	for (;;) {
		/* Paused (SIGUSR1), no thread is stopped; snapshots go on. */
		paused = prof_signals_paused();
		if (src.pf != NULL) {
			prof_perf_pause(src.pf, paused);
			if (prof_perf_read(src.pf, prof_cmd_add, &r, &end) != 0)
				break;
			nthreads = prof_perf_nthreads(src.pf);
			if (c.subprocesses) {
				if (prof_now(CLOCK_MONOTONIC) >= look) {
					prof_family_scan(&c, &fam, r.p);
					look = prof_now(CLOCK_MONOTONIC) +
					    FAMILY_EVERY_NS;
				}
				if ((kids = prof_family_read(&fam,
				    paused)) < 0) {
					end = PROF_END_SIGNAL;
					break;
				}
				nthreads += (size_t)kids;
			}
		} else {
			if (!paused && prof_sampler_sample(src.s, prof_cmd_add,
			    &r, &end) != 0)
				break;
			nthreads = prof_sampler_nthreads(src.s);
		}
		now = prof_now(CLOCK_MONOTONIC);
		if (stop != 0 && now >= stop)
			break;
		if (c.stream && now >= emit) {
			r.p->duration_ns = now - t0;
			if (prof_cmd_stream(r.p, now - t0, nthreads, method,
			    stdout) != 0) {
				gone = 1;	/* the reader left */
				break;
			}
			emit += STREAM_EVERY_NS;
		}
		if (src.pf != NULL) {
			/* The kernel samples; this only reads its rings. */
			next = c.stream ? emit : UINT64_MAX;
			if (stop != 0 && stop < next)
				next = stop;
			/* The children's rings are read between the root's. */
			if (c.subprocesses && next > now + 50000000ULL)
				next = now + 50000000ULL;
			if (prof_perf_wait(src.pf, next, &end) != 0)
				break;
			continue;
		}
		next += period;
		if (next < now)
			next = now;	/* late: do not catch up in a burst */
		if (stop != 0 && next > stop)
			next = stop;
		if (prof_cmd_sleep(src.s, next, &end) != 0)
			break;
	}
	/* What the rings still hold; then let go before anything slow. */
	prof_family_free(&fam);
	if (src.pf != NULL) {
		prof_perf_read(src.pf, prof_cmd_add, &r, &ignored);
		if (prof_perf_lost(src.pf) > 0 && !c.stream)
			fprintf(stderr, _("vigil profile: %llu samples lost "
			    "(the ring buffers were full)\n"),
			    (unsigned long long)prof_perf_lost(src.pf));
	}
	prof_src_free(&src);
	if (prof_signals_pending() == SIGPIPE)
		gone = 1;
	prof_signals_restore();
	now = prof_now(CLOCK_MONOTONIC);
	r.p->duration_ns = now - t0;

	rc = 0;
	if (c.stream && !gone) {
		if (prof_cmd_stream(r.p, now - t0, nthreads, method,
		    stdout) == 0)
			printf("X %s\n", prof_end_reason(end));
		fflush(stdout);
	} else if (!c.stream) {
		if (end == PROF_END_EXIT)
			fprintf(stderr, _("vigil profile: process %d exited; "
			    "%llu samples collected\n"), c.pid,
			    (unsigned long long)r.p->total);
		else if (end == PROF_END_EXEC)
			fprintf(stderr, _("vigil profile: process %d ran a new "
			    "program; %llu samples collected\n"), c.pid,
			    (unsigned long long)r.p->total);
		rc = prof_cmd_export(&c, r.p);
		prof_cmd_nosyms(r.p);
	}
	prof_py_free(r.py);
	prof_syms_free(r.syms);
	prof_free(r.p);
	free(c.tids);
	return (rc);
}

/* --- vigil dump ----------------------------------------------------------- */

struct prof_dump_thread {
	int		 tid;
	char		*name;
	size_t		*frames;	/* leaf first */
	size_t		 depth;
	size_t		 native;	/* depth of the native stack */
	int		 gil;		/* holds the GIL: 1, 0, -1 unknown */
};

struct prof_dump {
	struct prof		*p;
	struct prof_syms	*syms;
	struct prof_py		*py;
	enum prof_py_mode	 mode;
	size_t			 leaf[PROF_PY_MAX_DEPTH];
	struct prof_dump_thread	*t;
	size_t			 n;
};

static void
prof_dump_add(const struct prof_tstack *ts, void *arg)
{
	struct prof_dump	*d = arg;
	struct prof_dump_thread	*t;
	size_t			 i;

	d->t = xreallocarray(d->t, d->n + 1, sizeof *d->t);
	t = &d->t[d->n++];
	t->tid = ts->tid;
	t->name = xstrdup(ts->name != NULL ? ts->name : "?");
	t->native = ts->depth;
	t->depth = ts->depth == 0 ? 0 : prof_py_build(d->py, d->mode, d->syms,
	    d->p, ts, d->leaf, nitems(d->leaf));
	t->frames = xreallocarray(NULL, t->depth + 1, sizeof *t->frames);
	for (i = 0; i < t->depth; i++)
		t->frames[i] = d->leaf[i];
	t->gil = d->py != NULL ? prof_py_holds_gil(d->py, ts->tid) : -1;
}

static int
prof_dump_cmp(const void *a, const void *b)
{
	const struct prof_dump_thread	*x = a, *y = b;

	return (x->tid < y->tid ? -1 : x->tid > y->tid);
}

/* A Python frame in full: qualname (/path/to/file.py:LINE). */
static void
prof_cmd_dump_python(const struct prof_frame *f, struct buf *b)
{
	struct buf	raw = BUF_INITIALIZER;

	buf_adds(&raw, f->func != NULL ? f->func : "[unknown]");
	if (f->file != NULL) {
		buf_printf(&raw, " (%s", f->file);
		if (f->line > 0)
			buf_printf(&raw, ":%d", f->line);
		buf_addc(&raw, ')');
	}
	buf_reset(b);
	sanitize(b, buf_str(&raw), strlen(buf_str(&raw)), 0);
	buf_free(&raw);
}

/* dump --locals: a section of "name = value" lines under a Python frame. */
static void
prof_dump_vars(const char *title, const char *lines, FILE *out)
{
	const char	*nl;

	if (lines == NULL)
		return;
	fprintf(out, "        %s\n", title);
	for (; *lines != '\0'; lines = *nl == '\0' ? nl : nl + 1) {
		nl = strchrnul(lines, '\n');
		fprintf(out, "            %.*s\n", (int)(nl - lines), lines);
	}
}

static void
prof_dump_print(struct prof_dump *d, FILE *out)
{
	const struct prof_frame	*f;
	struct buf		 b = BUF_INITIALIZER;
	const char		*args, *locals;
	char			 label[512];
	size_t			 i, k, npy;

	qsort(d->t, d->n, sizeof *d->t, prof_dump_cmp);
	for (i = 0; i < d->n; i++) {
		npy = 0;
		buf_reset(&b);
		sanitize(&b, d->t[i].name, strlen(d->t[i].name), 0);
		fprintf(out, "%sThread %d (%s)%s:\n", i > 0 ? "\n" : "",
		    d->t[i].tid, buf_str(&b), d->t[i].gil == 1 ?
		    _(" [holds the GIL]") : "");
		if (d->t[i].native == 0)
			fprintf(out, "%s\n", _("(no stack: the thread did not "
			    "stop in time, or could not be unwound)"));
		else if (d->t[i].depth == 0 && d->mode == PROF_PY_PYTHON)
			fprintf(out, "%s\n", _("(no Python frames)"));
		for (k = 0; k < d->t[i].depth; k++) {
			f = &d->p->frames[d->t[i].frames[k]];
			if (f->kind == PF_PYTHON) {
				prof_cmd_dump_python(f, &b);
				fprintf(out, "#%-2zu %s\n", k, buf_str(&b));
				if (d->py != NULL && prof_py_locals(d->py,
				    d->t[i].tid, npy++, &args, &locals) == 0) {
					prof_dump_vars(_("Arguments:"), args, out);
					prof_dump_vars(_("Locals:"), locals, out);
				}
				continue;
			}
			prof_frame_label(f, label, sizeof label);
			fprintf(out, "#%-2zu %s", k, label);
			if (f->file != NULL) {
				buf_reset(&b);
				sanitize(&b, f->file, strlen(f->file), 0);
				if (f->line > 0)
					fprintf(out, " (%s:%d)", buf_str(&b),
					    f->line);
				else
					fprintf(out, " (%s)", buf_str(&b));
			} else if (f->func != NULL && f->module != NULL) {
				buf_reset(&b);
				sanitize(&b, prof_basename(f->module),
				    strlen(prof_basename(f->module)), 0);
				fprintf(out, " [%s]", buf_str(&b));
			}
			fputc('\n', out);
		}
	}
	buf_free(&b);
}

int
prof_cmd_dump(int argc, char **argv)
{
	struct prof_cmd		 c;
	struct prof_sampler_opts so;
	struct prof_sampler	*s;
	struct prof_dump	 d;
	enum prof_end		 end;
	char			 err[512];
	size_t			 i;
	int			 rc;

	memset(&c, 0, sizeof c);
	c.name = "dump";
	if ((rc = prof_cmd_parse(&c, argc, argv)) != 0)
		return (rc == -1 ? 0 : rc);
	prof_signals_install();
	memset(&so, 0, sizeof so);
	memset(&d, 0, sizeof d);
	so.pid = c.pid;
	so.mode = PROF_MODE_WALL;	/* every thread, waiting or not */
	so.stopped = prof_cmd_stopped;
	so.stopped_arg = &d.py;
	if ((s = prof_sampler_new(&so, err, sizeof err)) == NULL) {
		prof_signals_restore();
		fprintf(stderr, "vigil dump: %s\n", err);
		return (1);
	}
	d.p = prof_new(c.pid, NULL, 0);
	prof_dbg_command(c.name);
	d.syms = prof_syms_new(c.pid, prof_sampler_live_tid(s), d.p);
	d.py = prof_cmd_python(&c, prof_sampler_live_tid(s), d.p, &d.mode);
	if (d.py != NULL && c.locals)
		prof_py_want_locals(d.py, 1);
	else if (c.locals)
		fprintf(stderr, _("vigil dump: --locals: process %d runs no "
		    "CPython vigil can read: no locals shown\n"), c.pid);
	prof_sampler_sample(s, prof_dump_add, &d, &end);
	prof_sampler_free(s);
	prof_signals_restore();
	rc = 0;
	for (i = 0; i < d.n && d.t[i].native == 0; i++)
		;
	if (i == d.n) {
		fprintf(stderr, _("vigil dump: no stack could be read from "
		    "process %d\n"), c.pid);
		rc = 1;
	}
	prof_dump_print(&d, stdout);
	if (fflush(stdout) != 0)
		rc = 1;
	for (i = 0; i < d.n; i++) {
		free(d.t[i].name);
		free(d.t[i].frames);
	}
	free(d.t);
	prof_py_free(d.py);
	prof_syms_free(d.syms);
	prof_free(d.p);
	return (rc);
}
