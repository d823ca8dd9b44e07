/* vigil record: the monitor's refresh, every interval, appended to a store. */

#include "vigil.h"

#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "alarm.h"
#include "cmdline.h"
#include "configfile.h"
#include "duration.h"
#include "loop.h"
#include "model.h"
#include "options.h"
#include "record.h"
#include "recordcmd.h"
#include "refresh.h"
#include "sample.h"
#include "serve.h"
#include "xalloc.h"

enum {
	OPT_FOREGROUND = 256, OPT_INTERVAL, OPT_DIR, OPT_KEEP, OPT_MAX_SIZE,
	OPT_COUNT, OPT_ALARM, OPT_LISTEN, OPT_HELP
};

static const struct option record_long[] = {
	{ "foreground",	no_argument,		NULL, OPT_FOREGROUND },
	{ "interval",	required_argument,	NULL, OPT_INTERVAL },
	{ "dir",	required_argument,	NULL, OPT_DIR },
	{ "keep",	required_argument,	NULL, OPT_KEEP },
	{ "max-size",	required_argument,	NULL, OPT_MAX_SIZE },
	{ "count",	required_argument,	NULL, OPT_COUNT },
	{ "alarm",	required_argument,	NULL, OPT_ALARM },
	{ "listen",	required_argument,	NULL, OPT_LISTEN },
	{ "help",	no_argument,		NULL, OPT_HELP },
	{ NULL,		0,			NULL, 0 }
};

struct recorder {
	struct options		 o;
	struct refresh		*r;
	struct record_writer	*w;
	struct loop		*loop;
	struct record_frame	 f;
	const char		**cmd;
	const char		**raw;
	struct sample_proc	*sp;
	size_t			 alloc;
	long			 count;		/* frames to write; 0: no end */
	long			 written;
	int			 foreground;
	int			 failing;	/* the last write failed */
	struct sample_exits	*exits;		/* NULL: not root */
	struct record_exit	*pend;		/* told, not written yet */
	size_t			 npend;
	unsigned long		 lost;		/* exits the kernel dropped */
	struct alarm_active	*act;		/* firing, this frame */
	const char		*listen;	/* --listen: serve metrics */
	struct serve_export	*serve;
};

static void
record_usage(void)
{
	printf(_(
"Usage: vigil record [OPTION]...\n"
"Record what the monitor sees (system counters and every process) at each\n"
"interval into a store that vigil --replay reads (RECORDING in vigil(1)).\n"
"\n"
"      --foreground         stay in the foreground, messages on standard\n"
"                           error (default: detach, messages to syslog)\n"
"      --interval=TIME      time between frames (default 5s)\n"
"      --dir=DIR            the store (default $XDG_STATE_HOME/vigil/record;\n"
"                           as root /var/lib/vigil/record)\n"
"      --keep=TIME          delete files older than this (default 7d; 0: no\n"
"                           limit)\n"
"      --max-size=BYTES     delete the oldest files beyond this total, with\n"
"                           k, M, G or T (default 2G; 0: no limit)\n"
"      --count=N            stop after N frames\n"
"      --alarm=RULE         an alarm rule to evaluate and record, as in the\n"
"                           config file (repeatable; the file's rules too)\n"
"      --listen=ADDR:PORT   serve each frame as Prometheus metrics there too,\n"
"                           as vigil serve does (EXPORTING in vigil(1))\n"
"      --help               show this help and exit\n"));
}

/* The default store: root's is the system's, a user's under XDG. */
char *
record_default_dir(void)
{
	const char	*xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char		*dir;

	if (geteuid() == 0)
		return (xstrdup("/var/lib/vigil/record"));
	if (xdg != NULL && *xdg == '/')
		xasprintf(&dir, "%s/vigil/record", xdg);
	else if (home != NULL && *home != '\0')
		xasprintf(&dir, "%s/.local/state/vigil/record", home);
	else
		return (NULL);
	return (dir);
}

/* Bytes, with k, M, G or T (powers of 1024); 0 allowed. */
static int
record_size(const char *s, unsigned long long *out)
{
	unsigned long long	 v;
	char			*e;
	int			 shift = 0;

	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno != 0)
		return (-1);
	switch (*e) {
	case 'k': case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	case 'T': shift = 40; break;
	}
	if (shift != 0)
		e++;
	if (*e == 'B' || *e == 'b')
		e++;
	if (*e != '\0' || v > (~0ULL >> shift))
		return (-1);
	*out = v << shift;
	return (0);
}

static void
record_say(struct recorder *rc, const char *msg)
{
	if (rc->foreground)
		fprintf(stderr, "vigil record: %s\n", msg);
	else
		syslog(LOG_WARNING, "%s", msg);
}

/* The model's processes as a frame: what the sampler gave, and the names. */
static void
record_frame_fill(struct recorder *rc, struct model *m)
{
	struct proc		*p;
	struct sample_proc	*s;
	struct timespec		 ts;
	size_t			 i, n = 0;

	if (m->nrows + 1 > rc->alloc) {
		rc->alloc = m->nrows + 64;
		rc->sp = xreallocarray(rc->sp, rc->alloc, sizeof *rc->sp);
		rc->cmd = xreallocarray(rc->cmd, rc->alloc, sizeof *rc->cmd);
		rc->raw = xreallocarray(rc->raw, rc->alloc, sizeof *rc->raw);
	}
	for (i = 0; i < m->nrows; i++) {
		p = m->rows[i];
		if (p->thread)
			continue;
		s = &rc->sp[n];
		memset(s, 0, sizeof *s);
		s->pid = p->pid;
		s->ppid = p->ppid;
		s->tgid = p->tgid;
		s->uid = p->uid;
		s->user = p->user;
		s->comm = p->seen_comm;
		s->state = p->state;
		s->prio = p->prio;
		s->nice = p->nice;
		s->nlwp = p->nlwp;
		s->kthread = p->kthread;
		s->start = p->start;
		s->ticks = p->ticks;
		s->minflt = p->minflt;
		s->majflt = p->majflt;
		s->vsz_kb = p->vsz_kb;
		s->rss_kb = p->rss_kb;
		s->shr_kb = p->shr_kb;
		s->has_shr = 1;
		s->has_io = p->has_io;
		s->io_read = p->io_read;
		s->io_write = p->io_write;
		s->io_rchar = p->io_rchar;
		s->io_wchar = p->io_wchar;
		rc->cmd[n] = p->cmdline;
		rc->raw[n] = p->cmdline != NULL ? p->comm : NULL;
		n++;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	rc->f.wall = ts.tv_sec + ts.tv_nsec / 1e9;
	/* Exits between frames are not seen without the proc connector. */
	rc->f.flags = 0;
	memset(&rc->f.sys, 0, sizeof rc->f.sys);
	rc->f.sys = m->sys.cur;
	rc->f.procs = rc->sp;
	rc->f.cmdline = rc->cmd;
	rc->f.rawcomm = rc->raw;
	rc->f.nprocs = n;
}

/* The shell's way: the code of exit(), or 128 + the signal. */
static int
record_exit_code(int status)
{
	if ((status & 0x7f) == 0)
		return ((status >> 8) & 0xff);
	return (128 + (status & 0x7f));
}

static void
record_exits_read(int fd, short revents, void *arg)
{
	struct recorder	*rc = arg;

	sample_exits_read(rc->exits);
}

/*
 * The exits the connector told of since the last frame. One of a process
 * the sampler still saw this tick (it ended in between) waits a frame, so
 * that it is written with the frame that no longer has it.
 */
static void
record_exits_take(struct recorder *rc, struct model *m)
{
	struct sample_exit	*l;
	struct record_exit	*e;
	struct proc		*p;
	size_t			 n, i, k;
	unsigned long		 lost;

	for (i = 0; i < rc->f.nexits; i++) {
		free((char *)rc->f.exits[i].comm);
		free((char *)rc->f.exits[i].cmdline);
	}
	free(rc->f.exits);
	rc->f.exits = NULL;
	rc->f.nexits = 0;
	if (rc->exits == NULL)
		return;
	sample_exits_read(rc->exits);
	n = sample_exits_take(rc->exits, &l, &lost);
	rc->lost += lost;
	rc->pend = xreallocarray(rc->pend, rc->npend + n + 1,
	    sizeof *rc->pend);
	for (i = 0; i < n; i++) {
		e = &rc->pend[rc->npend++];
		memset(e, 0, sizeof *e);
		e->pid = l[i].pid;
		e->ppid = l[i].ppid;
		e->start = l[i].start;
		e->ticks = l[i].ticks;
		e->comm = xstrdup(l[i].comm);
		e->cmdline = l[i].cmdline != NULL ? xstrdup(l[i].cmdline) :
		    NULL;
		e->last_seen = l[i].end;
		e->exit_code = record_exit_code(l[i].exit_code);
	}
	rc->f.exits = xreallocarray(NULL, rc->npend + 1, sizeof *rc->f.exits);
	for (i = k = 0; i < rc->npend; i++) {
		p = model_find(m, rc->pend[i].pid);
		/* A zombie stays in the table until it is reaped. */
		if (p != NULL && p->start == rc->pend[i].start)
			rc->pend[k++] = rc->pend[i];
		else
			rc->f.exits[rc->f.nexits++] = rc->pend[i];
	}
	rc->npend = k;
	if (rc->lost == 0)
		rc->f.flags |= RECORD_EXITS_SEEN;
	rc->lost = 0;
}

/*
 * The alarms as the recorder's rules see them: those firing and the events
 * since the last frame, so replay shows the banner as it was, not what
 * the replaying side's rules would make of the frames.
 */
static void
record_alarms_fill(struct recorder *rc)
{
	struct alarm_set		*set = refresh_alarms(rc->r);
	const struct alarm_event	*ev;
	struct alarm_note		*n;
	size_t				 i, nev, nact;

	free(rc->f.firing);
	free(rc->f.events);
	rc->f.firing = rc->f.events = NULL;
	rc->f.nfiring = rc->f.nevents = 0;
	if (rc->o.nalarms == 0)
		return;
	rc->f.flags |= RECORD_ALARMS;
	nact = alarm_active(set, NULL, 0);
	free(rc->act);
	rc->act = xreallocarray(NULL, nact + 1, sizeof *rc->act);
	alarm_active(set, rc->act, nact);
	rc->f.firing = xcalloc(nact + 1, sizeof *rc->f.firing);
	for (i = 0; i < nact; i++) {
		n = &rc->f.firing[rc->f.nfiring++];
		n->kind = EV_FIRED;
		n->rule = alarm_rule_name(rc->act[i].rule);
		n->severity = alarm_rule_severity(rc->act[i].rule);
		n->pid = rc->act[i].pid;
		n->start = rc->act[i].start;
		n->time = rc->act[i].since;
		n->value = rc->act[i].value;
		n->what = rc->act[i].what;
	}
	ev = alarm_events(set, &nev);
	rc->f.events = xcalloc(nev + 1, sizeof *rc->f.events);
	for (i = 0; i < nev; i++) {
		/* The recorder neither acknowledges nor silences. */
		if (ev[i].kind != EV_FIRED && ev[i].kind != EV_RESOLVED)
			continue;
		n = &rc->f.events[rc->f.nevents++];
		n->kind = ev[i].kind;
		n->rule = alarm_rule_name(ev[i].rule);
		n->severity = alarm_rule_severity(ev[i].rule);
		n->pid = ev[i].pid;
		n->start = ev[i].start;
		n->time = ev[i].time;
		n->value = ev[i].value;
		n->what = ev[i].what;
	}
}

static void
record_tick(void *arg)
{
	struct recorder	*rc = arg;
	char		 err[512];
	double		 t0 = sample_now();

	refresh_tick(rc->r);
	if (rc->serve != NULL)
		serve_export_refreshed(rc->serve, sample_now() - t0);
	record_frame_fill(rc, refresh_model(rc->r));
	record_exits_take(rc, refresh_model(rc->r));
	record_alarms_fill(rc);
	if (record_writer_put(rc->w, &rc->f, err, sizeof err) != 0) {
		/* Said once per failing stretch: a full disk is not news. */
		if (!rc->failing)
			record_say(rc, err);
		rc->failing = 1;
	} else if (rc->failing) {
		record_say(rc, _("writing again"));
		rc->failing = 0;
	}
	alarm_events_clear(refresh_alarms(rc->r));
	if (rc->count > 0 && ++rc->written >= rc->count)
		loop_exit(rc->loop, 0);
}

/* Log rules match lines as they arrive, as batch mode's do. */
static void
record_logs(int fd, short revents, void *arg)
{
	struct recorder	*rc = arg;

	refresh_logs_read(rc->r);
}

static void
record_logs_poll(void *arg)
{
	struct recorder	*rc = arg;

	refresh_logs_poll(rc->r);
}

static void
record_signal(int signo, void *arg)
{
	struct recorder	*rc = arg;

	loop_exit(rc->loop, signo == SIGTERM || signo == SIGINT ? 0 :
	    128 + signo);
}

/* Detach as a daemon does; the parent returns once the store is open. */
static int
record_detach(void)
{
	pid_t	pid;
	int	fd;

	if ((pid = fork()) == -1)
		return (-1);
	if (pid > 0)
		_exit(0);
	setsid();
	if ((pid = fork()) == -1)
		return (-1);
	if (pid > 0)
		_exit(0);
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	if (chdir("/") != 0)
		return (-1);
	openlog("vigil-record", LOG_PID, LOG_DAEMON);
	return (0);
}

static int
record_parse(struct recorder *rc, struct record_wopts *wo, double *interval,
    char **dir, int argc, char **argv)
{
	struct cmdline	cl;
	double		secs;
	long		n;
	int		c;

	cmdline_init(&cl, "record", argc, argv, "", record_long);
	while ((c = cmdline_next(&cl)) != -1) {
		switch (c) {
		case OPT_FOREGROUND:
			rc->foreground = 1;
			break;
		case OPT_INTERVAL:
			if (duration_parse(cl.arg, DURATION_SECONDS,
			    &secs) != 0 || secs < 0.1 || secs > 3600)
				return (cmdline_fail("record",
				    _("--interval: '%s' is not a time from 100ms to 1h"),
				    cl.arg));
			*interval = secs;
			break;
		case OPT_DIR:
			free(*dir);
			*dir = xstrdup(cl.arg);
			break;
		case OPT_KEEP:
			if (strcmp(cl.arg, "0") == 0)
				secs = 0;
			else if (duration_parse(cl.arg, DURATION_NO_BARE,
			    &secs) != 0 || secs < 60)
				return (cmdline_fail("record",
				    _("--keep: '%s' is not a time of at least 1m (7d, 12h) or 0"),
				    cl.arg));
			wo->keep = secs;
			break;
		case OPT_MAX_SIZE:
			if (record_size(cl.arg, &wo->max_size) != 0 ||
			    (wo->max_size > 0 && wo->max_size < (1U << 20)))
				return (cmdline_fail("record",
				    _("--max-size: '%s' is not a size of at least 1M (500M, 2G) or 0"),
				    cl.arg));
			break;
		case OPT_COUNT:
			if (options_number(cl.arg, 1, 1L << 40, &n) != 0)
				return (cmdline_fail("record",
				    _("--count: '%s' is not a positive count"),
				    cl.arg));
			rc->count = n;
			break;
		case OPT_ALARM:
			options_push(&rc->o.alarms, &rc->o.nalarms, cl.arg);
			break;
		case OPT_LISTEN:
			rc->listen = cl.arg;
			break;
		case OPT_HELP:
			record_usage();
			return (-1);
		case CMDLINE_OPERAND:
			return (cmdline_fail("record",
			    _("unexpected argument '%s'"), cl.arg));
		default:
			return (cmdline_fail("record", "%s", cl.err));
		}
	}
	return (0);
}

int
record_main(int argc, char **argv)
{
	struct recorder		 rc;
	struct record_wopts	 wo;
	struct config		 cfg;
	double			 interval = 5;
	char			*dir = NULL, host[256], err[512];
	char			 where[512];
	int			 status, timer;
	size_t			 i;

	memset(&rc, 0, sizeof rc);
	options_init(&rc.o);
	record_wopts_init(&wo);
	if ((status = record_parse(&rc, &wo, &interval, &dir, argc,
	    argv)) != 0) {
		free(dir);
		options_free(&rc.o);
		return (status == -1 ? 0 : status);
	}
	if (dir == NULL && (dir = record_default_dir()) == NULL) {
		free(dir);
		return (cmdline_fail("record",
		    _("neither XDG_STATE_HOME nor HOME is set: use --dir")));
	}
	if (gethostname(host, sizeof host) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	wo.host = host;
	wo.hz = sample_hertz();
	/* One frame per interval, so a chunk is a few minutes whatever it is. */
	wo.chunk_frames = interval >= 600 ? 1 : (size_t)(600 / interval);
	/*
	 * The monitor's own refresh: the same sampler, SHR and I/O counters
	 * of every process (what batch --io reads), command lines once; the
	 * config file's alarm rules and logs, as batch mode reads them. A
	 * bad rule is told here, before the recorder detaches.
	 */
	config_load(&cfg, &rc.o, 0, NULL);
	for (i = 0; i < cfg.nerrors; i++)
		fprintf(stderr, "vigil record: %s\n", cfg.errors[i]);
	config_free(&cfg);
	rc.o.batch = 1;
	rc.o.io = 1;
	rc.o.kthreads = 1;
	/* Rings only as long as a growth rule needs; else one delta. */
	rc.o.history_size = rc.o.nalarms > 0 ? 64 : 2;
	if ((rc.r = refresh_new(&rc.o)) == NULL) {
		options_free(&rc.o);
		free(dir);
		return (1);
	}
	/* --listen: the same refresh served; a port in use is told now. */
	if (rc.listen != NULL && (rc.serve = serve_export_new(&rc.o, rc.r,
	    rc.listen, err, sizeof err)) == NULL) {
		fprintf(stderr, "vigil record: %s\n", err);
		refresh_free(rc.r);
		options_free(&rc.o);
		free(dir);
		return (2);
	}
	if ((rc.w = record_writer_open(dir, &wo, err, sizeof err)) == NULL) {
		fprintf(stderr, "vigil record: %s\n", err);
		serve_export_free(rc.serve);
		refresh_free(rc.r);
		options_free(&rc.o);
		free(dir);
		return (1);
	}
	if (!rc.foreground && record_detach() != 0) {
		fprintf(stderr, "vigil record: %s\n", strerror(errno));
		record_writer_close(rc.w);
		free(dir);
		return (1);
	}

	rc.loop = loop_new();
	if (refresh_logs_fd(rc.r) != -1) {
		loop_add_fd(rc.loop, refresh_logs_fd(rc.r), POLLIN,
		    record_logs, &rc);
		loop_add_timer(rc.loop, 1, 1, record_logs_poll, &rc);
	}
	/* Root: every exit between frames, with its code. */
	if ((rc.exits = sample_exits_open(err, sizeof err)) != NULL)
		loop_add_fd(rc.loop, sample_exits_fd(rc.exits), POLLIN,
		    record_exits_read, &rc);
	else if (geteuid() == 0)
		record_say(&rc, err);
	signal(SIGPIPE, SIG_IGN);
	loop_add_signal(rc.loop, SIGINT, record_signal, &rc);
	loop_add_signal(rc.loop, SIGTERM, record_signal, &rc);
	loop_add_signal(rc.loop, SIGHUP, record_signal, &rc);
	if (rc.serve != NULL) {
		if (serve_export_start(rc.serve, err, sizeof err) != 0) {
			record_say(&rc, err);
			status = 1;
			goto out;
		}
		serve_export_describe(rc.serve, where, sizeof where);
		snprintf(err, sizeof err, _("serving metrics on %s"), where);
		record_say(&rc, err);
	}
	record_tick(&rc);
	if (rc.count > 0 && rc.written >= rc.count)
		status = 0;
	else if ((timer = loop_add_timer(rc.loop, interval, interval,
	    record_tick, &rc)) == -1) {
		fprintf(stderr, _("vigil: cannot create a timer: %s\n"),
		    strerror(errno));
		status = 1;
	} else
		status = loop_run(rc.loop);
out:
	serve_export_free(rc.serve);
	loop_free(rc.loop);
	sample_exits_close(rc.exits);
	rc.exits = NULL;
	record_exits_take(&rc, refresh_model(rc.r));	/* frees them */
	for (i = 0; i < rc.npend; i++) {
		free((char *)rc.pend[i].comm);
		free((char *)rc.pend[i].cmdline);
	}
	free(rc.pend);
	refresh_free(rc.r);
	record_writer_close(rc.w);
	options_free(&rc.o);
	free(rc.f.firing);
	free(rc.f.events);
	free(rc.act);
	free(rc.sp);
	free(rc.cmd);
	free(rc.raw);
	free(dir);
	return (status);
}
