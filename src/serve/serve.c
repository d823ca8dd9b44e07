/* vigil serve: the monitor's samples as Prometheus metrics over HTTP. */

/*
 * The command: one thread samples, as batch mode does (refresh_tick() on
 * a timer in the event loop), and hands each refresh to the exporter
 * (export.c), whose threads answer the scrapes.
 */

#include "vigil.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "configfile.h"
#include "duration.h"
#include "loop.h"
#include "options.h"
#include "refresh.h"
#include "sample.h"
#include "serve.h"

#define SERVE_LISTEN_DEFAULT	"127.0.0.1:9256"
#define SERVE_DELAY_DEFAULT	10	/* tenths: one refresh a second */
struct serve {
	struct options		 o;
	struct refresh		*r;
	struct loop		*loop;
	int			 timer;
	struct serve_export	*e;
};

static const struct option serve_long[] = {
	{ "listen",	required_argument,	NULL, 'l' },
	{ "delay",	required_argument,	NULL, 'd' },
	{ "alarm",	required_argument,	NULL, 'a' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

static void
serve_usage(FILE *f)
{
	fprintf(f, _(
"Usage: vigil serve [--listen ADDR:PORT] [-d TIME] [--alarm RULE]...\n"
"Serve the monitor's samples as Prometheus metrics on http://ADDR:PORT/metrics\n"
"(default %s; another address only with --listen).\n"
"\n"
"  -l, --listen=ADDR:PORT   listen there ([::1]:9256 for IPv6)\n"
"  -d, --delay=TIME         time between refreshes (default 1s)\n"
"      --alarm=RULE         an alarm rule, added to the config file's\n"
"  -h, --help               show this help and exit\n"
"\n"
"Groups come from \"group NAME: MATCHER\" lines in vigilrc, and the rest by\n"
"systemd unit or cgroup with \"serve-group-by unit\" (or cgroup); alarms are sent\n"
"to Alertmanager when vigilrc has \"alertmanager = URL\". Basic auth and\n"
"https come from vigilrc's serve-user, serve-password-hash (a crypt(3)\n"
"hash: mkpasswd, or openssl passwd -6), serve-tls-cert and serve-tls-key.\n"
"See EXPORTING in vigil(1).\n"), SERVE_LISTEN_DEFAULT);
}

static void
serve_tick(void *arg)
{
	struct serve	*sv = arg;
	double		 t0 = sample_now();

	refresh_tick(sv->r);
	serve_export_refreshed(sv->e, sample_now() - t0);
	alarm_events_clear(refresh_alarms(sv->r));
	loop_rearm_timer(sv->loop, sv->timer, sv->o.delay / 10.0);
}

static void
serve_logs(int fd, short revents, void *arg)
{
	struct serve	*sv = arg;

	refresh_logs_read(sv->r);
}

static void
serve_logs_poll(void *arg)
{
	struct serve	*sv = arg;

	refresh_logs_poll(sv->r);
}

static void
serve_signal(int signo, void *arg)
{
	struct serve	*sv = arg;

	loop_exit(sv->loop, 0);
}

static int
serve_args(struct serve *sv, int argc, char **argv, const char **listen)
{
	char	err[256];
	int	ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "l:d:h", serve_long, NULL)) !=
	    -1) {
		switch (ch) {
		case 'l':
			*listen = optarg;
			break;
		case 'd':
			if (options_delay("--delay", optarg, &sv->o.delay, err,
			    sizeof err) != 0) {
				fprintf(stderr, "vigil serve: %s\n", err);
				return (2);
			}
			sv->o.delay_given = 1;
			break;
		case 'a':
			options_push(&sv->o.alarms, &sv->o.nalarms, optarg);
			break;
		case 'h':
			serve_usage(stdout);
			return (0);
		default:
			fprintf(stderr,
			    _("Try 'vigil serve --help' for more information.\n"));
			return (2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("vigil serve: unexpected argument '%s'\n"),
		    argv[optind]);
		return (2);
	}
	return (-1);
}

int
serve_main(int argc, char **argv)
{
	struct serve		 sv;
	struct config		 cfg;
	const char		*listen = SERVE_LISTEN_DEFAULT, *w;
	char			 err[512], where[512];
	size_t			 i;
	int			 status;

	/* Prometheus reads "1.5" whatever the locale's decimal point. */
	setlocale(LC_NUMERIC, "C");
	memset(&sv, 0, sizeof sv);
	options_init(&sv.o);
	sv.o.delay = SERVE_DELAY_DEFAULT;
	if ((status = serve_args(&sv, argc, argv, &listen)) != -1) {
		options_free(&sv.o);
		return (status);
	}
	status = 1;
	/* The file's rules, logs, groups and Alertmanager; a bad line told. */
	config_load(&cfg, &sv.o, 0, NULL);
	for (i = 0; i < cfg.nerrors; i++)
		fprintf(stderr, "vigil: %s\n", cfg.errors[i]);
	config_free(&cfg);
	if ((sv.r = refresh_new(&sv.o)) == NULL)
		goto out;
	if ((sv.e = serve_export_new(&sv.o, sv.r, listen, err,
	    sizeof err)) == NULL) {
		fprintf(stderr, "vigil serve: %s\n", err);
		status = 2;
		goto out;
	}
	for (i = 0; (w = refresh_warning(sv.r, i)) != NULL; i++)
		fprintf(stderr, "vigil: %s\n", w);
	signal(SIGPIPE, SIG_IGN);

	sv.loop = loop_new();
	loop_add_signal(sv.loop, SIGINT, serve_signal, &sv);
	loop_add_signal(sv.loop, SIGTERM, serve_signal, &sv);
	loop_add_signal(sv.loop, SIGHUP, serve_signal, &sv);
	if (refresh_logs_fd(sv.r) != -1) {
		loop_add_fd(sv.loop, refresh_logs_fd(sv.r), POLLIN, serve_logs,
		    &sv);
		loop_add_timer(sv.loop, 1, 1, serve_logs_poll, &sv);
	}
	/* The first rates need one interval, as top's do. */
	refresh_tick(sv.r);
	if (serve_export_start(sv.e, err, sizeof err) != 0) {
		fprintf(stderr, "vigil serve: %s\n", err);
		goto out;
	}
	serve_export_describe(sv.e, where, sizeof where);
	fprintf(stderr, _("vigil serve: listening on %s\n"), where);
	if ((sv.timer = loop_add_timer(sv.loop, sv.o.delay / 10.0, 0,
	    serve_tick, &sv)) == -1)
		fprintf(stderr, _("vigil: cannot create a timer: %s\n"),
		    strerror(errno));
	else
		status = loop_run(sv.loop);
out:
	serve_export_free(sv.e);
	if (sv.loop != NULL)
		loop_free(sv.loop);
	refresh_free(sv.r);
	options_free(&sv.o);
	return (status);
}
