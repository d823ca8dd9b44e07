/* vigil serve: the monitor's samples as Prometheus metrics over HTTP. */

/*
 * One thread samples, as batch mode does (refresh_tick() on a timer in
 * the event loop), and after each refresh publishes an immutable snapshot
 * of plain numbers. libmicrohttpd's threads answer scrapes: each takes a
 * reference to the newest snapshot under a mutex held for a pointer copy,
 * renders it into its own buffer and lets the library send that. No lock
 * is held while a client is written to, so a client that never reads, or
 * a thousand that never send, cost sockets and nothing else; the library
 * drops them at the connection timeout and refuses requests that do not
 * fit its per-connection memory (a 1 MB header gets 431).
 *
 * libmicrohttpd as in its own examples and its manual (src/examples/,
 * doc/libmicrohttpd.texi): MHD_USE_EPOLL_INTERNAL_THREAD with a small
 * thread pool, the limits as MHD_OPTION_* settings.
 */

#include "vigil.h"

#include <crypt.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "alarm.h"
#include "configfile.h"
#include "duration.h"
#include "file.h"
#include "loop.h"
#include "model.h"
#include "options.h"
#include "refresh.h"
#include "sample.h"
#include "serve.h"
#include "serve-int.h"
#include "xalloc.h"

#define SERVE_LISTEN_DEFAULT	"127.0.0.1:9256"
#define SERVE_DELAY_DEFAULT	10	/* tenths: one refresh a second */
#define SERVE_CONN_LIMIT	2000	/* connections at once */
#define SERVE_CONN_TIMEOUT	10	/* seconds a connection may idle */
#define SERVE_CONN_MEMORY	(32 * 1024)	/* a request's headers */
#define SERVE_THREADS		2

struct serve {
	struct options		 o;
	struct refresh		*r;
	struct loop		*loop;
	int			 timer;
	struct serve_groups	*groups;
	struct serve_am		*am;
	struct serve_alarm	*rules;		/* every rule, firing or not */
	size_t			 nrules;
	unsigned long		 refreshes;

	pthread_mutex_t		 lock;		/* snap and scrapes only */
	struct serve_snap	*snap;
	unsigned long		 scrapes;

	/* Basic auth: the last header that passed, so crypt runs once. */
	pthread_mutex_t		 auth_lock;
	char			*auth_ok;
	char			*tls_cert, *tls_key;	/* PEM text */
};

#define SERVE_REALM	"vigil"

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
"Groups come from \"group NAME: MATCHER\" lines in vigilrc; alarms are sent\n"
"to Alertmanager when vigilrc has \"alertmanager = URL\". Basic auth and\n"
"https come from vigilrc's serve-user, serve-password-hash (a crypt(3)\n"
"hash: mkpasswd, or openssl passwd -6), serve-tls-cert and serve-tls-key.\n"
"See EXPORTING in vigil(1).\n"), SERVE_LISTEN_DEFAULT);
}

/* "ADDR:PORT", "[V6ADDR]:PORT" or ":PORT" (every address) into ss. */
static int
serve_listen_parse(const char *arg, struct sockaddr_storage *ss,
    socklen_t *sslen, char *err, size_t errlen)
{
	struct addrinfo	 hints, *ai;
	char		*host, *port, *copy;
	int		 rc;

	copy = xstrdup(arg);
	if (copy[0] == '[') {
		host = copy + 1;
		if ((port = strchr(host, ']')) == NULL || port[1] != ':') {
			snprintf(err, errlen, _("--listen: '%s': expected [ADDR]:PORT"),
			    arg);
			free(copy);
			return (-1);
		}
		*port = '\0';
		port += 2;
	} else if ((port = strrchr(copy, ':')) == NULL) {
		snprintf(err, errlen, _("--listen: '%s': expected ADDR:PORT"),
		    arg);
		free(copy);
		return (-1);
	} else {
		*port++ = '\0';
		host = copy;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(*host != '\0' ? host : NULL, port, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errlen, _("--listen: '%s': %s"), arg,
		    gai_strerror(rc));
		free(copy);
		return (-1);
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sslen = ai->ai_addrlen;
	freeaddrinfo(ai);
	free(copy);
	return (0);
}

static double
serve_realtime(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* A reference to the newest snapshot, or NULL before the first. */
static struct serve_snap *
serve_snap_get(struct serve *sv, unsigned long *scrape)
{
	struct serve_snap	*s;

	pthread_mutex_lock(&sv->lock);
	if ((s = sv->snap) != NULL)
		s->refs++;
	*scrape = ++sv->scrapes;
	pthread_mutex_unlock(&sv->lock);
	return (s);
}

static void
serve_snap_put(struct serve *sv, struct serve_snap *s)
{
	int	last;

	pthread_mutex_lock(&sv->lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&sv->lock);
	if (last)
		serve_snap_free(s);
}

static void
serve_publish(struct serve *sv, struct serve_snap *s)
{
	struct serve_snap	*old;

	s->refs = 1;		/* the server's own */
	pthread_mutex_lock(&sv->lock);
	old = sv->snap;
	sv->snap = s;
	pthread_mutex_unlock(&sv->lock);
	if (old != NULL)
		serve_snap_put(sv, old);
}

/* Firing pairs per rule, from the alarm list. */
static void
serve_snap_alarms(struct serve *sv, struct serve_snap *s)
{
	struct alarm_set	*set = refresh_alarms(sv->r);
	struct alarm_item	*items;
	size_t			 n, cap, i, j;

	s->nalarms = sv->nrules;
	s->alarms = xcalloc(sv->nrules + 1, sizeof *s->alarms);
	memcpy(s->alarms, sv->rules, sv->nrules * sizeof *s->alarms);
	cap = alarm_firing(set) + ALARM_RECENT;
	items = xreallocarray(NULL, cap, sizeof *items);
	n = alarm_list(set, items, cap);
	for (i = 0; i < n; i++) {
		if (items[i].resolved >= 0)
			continue;
		for (j = 0; j < sv->nrules; j++) {
			if (strcmp(s->alarms[j].name,
			    alarm_rule_name(items[i].rule)) == 0) {
				s->alarms[j].firing++;
				break;
			}
		}
	}
	free(items);
}

static struct serve_snap *
serve_snap_make(struct serve *sv, double took)
{
	struct model		*m = refresh_model(sv->r);
	const struct sample_sys	*c = &m->sys.cur;
	struct serve_snap	*s;
	double			 hz = m->hz > 0 ? m->hz : 100;
	const struct sample_psi	*psi[3] = { &c->psi_cpu, &c->psi_mem,
				    &c->psi_io };
	int			 i;

	s = xcalloc(1, sizeof *s);
	s->epoch = serve_realtime();
	s->boot_epoch = s->epoch - m->now;
	s->hz = m->hz;
	s->cpu[0] = c->total.user / hz;
	s->cpu[1] = c->total.nice / hz;
	s->cpu[2] = c->total.system / hz;
	s->cpu[3] = c->total.idle / hz;
	s->cpu[4] = c->total.iowait / hz;
	s->cpu[5] = c->total.irq / hz;
	s->cpu[6] = c->total.softirq / hz;
	s->cpu[7] = c->total.steal / hz;
	s->ncpu = c->ncpu;
	s->mem_total = c->mem_total * 1024.0;
	s->mem_free = c->mem_free * 1024.0;
	s->mem_available = c->mem_available * 1024.0;
	s->mem_buffers = c->mem_buffers * 1024.0;
	s->mem_cached = c->mem_cached * 1024.0;
	s->swap_total = c->swap_total * 1024.0;
	s->swap_free = c->swap_free * 1024.0;
	memcpy(s->load, c->load, sizeof s->load);
	s->has_psi = c->has_psi;
	for (i = 0; i < 3; i++) {
		s->psi_some[i] = psi[i]->some10 / 100;
		s->psi_full[i] = psi[i]->full10 / 100;
	}
	s->disk_read = c->disk_read;
	s->disk_write = c->disk_write;
	s->net_rx = c->net_rx;
	s->net_tx = c->net_tx;
	s->procs = m->sys.tasks.total;
	s->threads = m->sys.tasks.threads;
	s->refresh_s = took;
	s->refreshes = sv->refreshes;
	serve_groups_update(sv->groups, m, s->boot_epoch, s);
	serve_snap_alarms(sv, s);
	return (s);
}

static void
serve_tick(void *arg)
{
	struct serve	*sv = arg;
	struct model	*m;
	double		 t0 = sample_now();

	refresh_tick(sv->r);
	m = refresh_model(sv->r);
	sv->refreshes++;
	serve_publish(sv, serve_snap_make(sv, sample_now() - t0));
	if (sv->am != NULL)
		serve_am_update(sv->am, refresh_alarms(sv->r), m,
		    serve_realtime());
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

static enum MHD_Result
serve_reply(struct MHD_Connection *c, unsigned code, const char *type,
    char *body, size_t len, int owned)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 rc;

	resp = MHD_create_response_from_buffer(len, body, owned ?
	    MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (resp == NULL) {
		if (owned)
			free(body);
		return (MHD_NO);
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    "GET, HEAD");
	rc = MHD_queue_response(c, code, resp);
	MHD_destroy_response(resp);
	return (rc);
}

/* OpenMetrics when the scraper asks for it, as Prometheus does. */
static int
serve_wants_openmetrics(struct MHD_Connection *c)
{
	const char	*accept;

	accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT);
	return (accept != NULL &&
	    strstr(accept, "application/openmetrics-text") != NULL);
}

/* Equal strings, in a time that does not say where they differ. */
static int
serve_same(const char *a, const char *b)
{
	size_t		 la = strlen(a), lb = strlen(b), i;
	unsigned char	 d = la != lb;

	for (i = 0; i < la; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i % (lb + 1)];
	return (d == 0);
}

/*
 * The request's user and password against serve-user and the crypt(3)
 * hash of serve-password-hash. A yescrypt hash costs milliseconds by
 * design, too much for each scrape of a Prometheus that scrapes every
 * second: the Authorization header that last passed is kept, and the same
 * header again passes on a constant-time comparison.
 */
static int
serve_authorized(struct serve *sv, struct MHD_Connection *c)
{
	struct crypt_data	*cd;
	const char		*hdr;
	char			*user, *pass = NULL, *h;
	int			 ok;

	if (sv->o.serve_user == NULL)
		return (1);
	hdr = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (hdr == NULL)
		return (0);
	pthread_mutex_lock(&sv->auth_lock);
	ok = sv->auth_ok != NULL && serve_same(hdr, sv->auth_ok);
	pthread_mutex_unlock(&sv->auth_lock);
	if (ok)
		return (1);
	if ((user = MHD_basic_auth_get_username_password(c, &pass)) == NULL)
		return (0);
	cd = xcalloc(1, sizeof *cd);
	h = crypt_rn(pass != NULL ? pass : "", sv->o.serve_pwhash, cd,
	    sizeof *cd);
	/* Both compared, whichever is wrong: the time says nothing. */
	ok = serve_same(user, sv->o.serve_user);
	ok &= h != NULL && h[0] != '*' && serve_same(h, sv->o.serve_pwhash);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	if (pass != NULL) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	MHD_free(user);
	if (ok) {
		pthread_mutex_lock(&sv->auth_lock);
		free(sv->auth_ok);
		sv->auth_ok = xstrdup(hdr);
		pthread_mutex_unlock(&sv->auth_lock);
	}
	return (ok);
}

static enum MHD_Result
serve_unauthorized(struct MHD_Connection *c)
{
	static char		 denied[] = "Unauthorized\n";
	struct MHD_Response	*resp;
	enum MHD_Result		 rc;

	resp = MHD_create_response_from_buffer(sizeof denied - 1, denied,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return (MHD_NO);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain");
	rc = MHD_queue_basic_auth_fail_response(c, SERVE_REALM, resp);
	MHD_destroy_response(resp);
	return (rc);
}

static enum MHD_Result
serve_request(void *arg, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **state)
{
	static char		 notfound[] = "Not found: try /metrics\n";
	static char		 notallowed[] = "Only GET and HEAD\n";
	static char		 starting[] = "No refresh yet\n";
	static char		 index[] = "vigil serve: /metrics\n";
	struct serve		*sv = arg;
	struct serve_snap	*s;
	struct buf		 b = BUF_INITIALIZER;
	unsigned long		 scrape;
	int			 om;

	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return (serve_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "text/plain", notallowed, sizeof notallowed - 1, 0));
	/* A GET with a body: ignored. */
	*upload_len = 0;
	if (!serve_authorized(sv, c))
		return (serve_unauthorized(c));
	if (strcmp(url, "/") == 0)
		return (serve_reply(c, MHD_HTTP_OK, "text/plain", index,
		    sizeof index - 1, 0));
	if (strcmp(url, "/metrics") != 0)
		return (serve_reply(c, MHD_HTTP_NOT_FOUND, "text/plain",
		    notfound, sizeof notfound - 1, 0));
	if ((s = serve_snap_get(sv, &scrape)) == NULL)
		return (serve_reply(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "text/plain", starting, sizeof starting - 1, 0));
	om = serve_wants_openmetrics(c);
	buf_reserve(&b, 16384);
	serve_metrics(&b, s, om ? SERVE_OPENMETRICS : 0, scrape);
	serve_snap_put(sv, s);
	return (serve_reply(c, MHD_HTTP_OK, om ?
	    "application/openmetrics-text; version=1.0.0; charset=utf-8" :
	    "text/plain; version=0.0.4; charset=utf-8", b.data, b.len, 1));
}

/* Every rule's name and severity, so a quiet rule is a 0, not missing. */
static int
serve_rules(struct serve *sv)
{
	struct alarm_rule	*r;
	char			 err[256];
	size_t			 i;

	sv->rules = xcalloc(sv->o.nalarms + 1, sizeof *sv->rules);
	for (i = 0; i < sv->o.nalarms; i++) {
		if ((r = alarm_parse(sv->o.alarms[i], err, sizeof err)) ==
		    NULL)
			return (-1);	/* refresh_new() said why */
		snprintf(sv->rules[sv->nrules].name,
		    sizeof sv->rules[sv->nrules].name, "%s",
		    alarm_rule_name(r));
		sv->rules[sv->nrules++].severity =
		    alarm_severity_name(alarm_rule_severity(r));
		alarm_rule_free(r);
	}
	return (0);
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
			sv->o.alarms = xreallocarray(sv->o.alarms,
			    sv->o.nalarms + 1, sizeof *sv->o.alarms);
			sv->o.alarms[sv->o.nalarms++] = xstrdup(optarg);
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

/*
 * Basic auth and TLS from vigilrc: both halves of each, and the PEM files
 * read now, before the sampler starts. -1 with err set.
 */
static void
serve_free_secrets(struct serve *sv)
{
	if (sv->tls_key != NULL)
		explicit_bzero(sv->tls_key, strlen(sv->tls_key));
	free(sv->tls_key);
	free(sv->tls_cert);
	free(sv->auth_ok);
	sv->tls_key = sv->tls_cert = sv->auth_ok = NULL;
}

static int
serve_secure(struct serve *sv, char *err, size_t errlen)
{
	struct options	*o = &sv->o;

	if ((o->serve_user == NULL) != (o->serve_pwhash == NULL)) {
		snprintf(err, errlen, _("basic auth needs both serve-user and serve-password-hash in vigilrc"));
		return (-1);
	}
	if ((o->serve_tls_cert == NULL) != (o->serve_tls_key == NULL)) {
		snprintf(err, errlen, _("TLS needs both serve-tls-cert and serve-tls-key in vigilrc"));
		return (-1);
	}
	if (o->serve_tls_cert == NULL)
		return (0);
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(err, errlen, _("this libmicrohttpd was built without TLS"));
		return (-1);
	}
	if (file_read_all(o->serve_tls_cert, &sv->tls_cert) < 0) {
		snprintf(err, errlen, _("serve-tls-cert: %s: %s"),
		    o->serve_tls_cert, strerror(errno));
		return (-1);
	}
	if (file_read_all(o->serve_tls_key, &sv->tls_key) < 0) {
		snprintf(err, errlen, _("serve-tls-key: %s: %s"),
		    o->serve_tls_key, strerror(errno));
		return (-1);
	}
	return (0);
}

static struct MHD_Daemon *
serve_start(struct serve *sv, const struct sockaddr_storage *ss)
{
	struct MHD_Daemon	*d;
	sigset_t		 all, old;

	/*
	 * The library's threads take no signal: they are the event loop's,
	 * through its signalfd. A thread inherits the mask it was made with.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD |
	    MHD_USE_TURBO | (sv->tls_cert != NULL ? MHD_USE_TLS : 0), 0,
	    NULL, NULL, serve_request, sv,
	    MHD_OPTION_SOCK_ADDR, ss,
	    /* Ignored without MHD_USE_TLS; NULL would end the list. */
	    MHD_OPTION_HTTPS_MEM_CERT, sv->tls_cert != NULL ? sv->tls_cert : "",
	    MHD_OPTION_HTTPS_MEM_KEY, sv->tls_key != NULL ? sv->tls_key : "",
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)SERVE_THREADS,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_CONN_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_CONN_MEMORY,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	    MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return (d);
}

int
serve_main(int argc, char **argv)
{
	struct serve		 sv;
	struct config		 cfg;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	struct MHD_Daemon	*d;
	const char		*listen = SERVE_LISTEN_DEFAULT, *w;
	char			 err[512], host[256];
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
	if (serve_listen_parse(listen, &ss, &sslen, err, sizeof err) != 0) {
		fprintf(stderr, "vigil serve: %s\n", err);
		options_free(&sv.o);
		return (2);
	}
	if (serve_secure(&sv, err, sizeof err) != 0) {
		fprintf(stderr, "vigil serve: %s\n", err);
		serve_free_secrets(&sv);
		options_free(&sv.o);
		return (2);
	}
	if ((sv.groups = serve_groups_new(sv.o.groups, sv.o.ngroups, err,
	    sizeof err)) == NULL) {
		fprintf(stderr, "vigil serve: %s\n", err);
		serve_free_secrets(&sv);
		options_free(&sv.o);
		return (2);
	}
	if ((sv.r = refresh_new(&sv.o)) == NULL || serve_rules(&sv) != 0)
		goto out;
	for (i = 0; (w = refresh_warning(sv.r, i)) != NULL; i++)
		fprintf(stderr, "vigil: %s\n", w);
	/* The group metrics need the I/O counters of every process. */
	refresh_set_io(sv.r, 1);
	pthread_mutex_init(&sv.lock, NULL);
	pthread_mutex_init(&sv.auth_lock, NULL);
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
	if (sv.o.alertmanager != NULL) {
		if (gethostname(host, sizeof host) != 0)
			snprintf(host, sizeof host, "localhost");
		host[sizeof host - 1] = '\0';
		sv.am = serve_am_new(sv.o.alertmanager, host);
	}
	/* The first rates need one interval, as top's do. */
	refresh_tick(sv.r);
	if ((d = serve_start(&sv, &ss)) == NULL) {
		fprintf(stderr, _("vigil serve: cannot listen on %s: %s\n"),
		    listen, strerror(errno));
		goto out;
	}
	fprintf(stderr, _("vigil serve: listening on %s://%s/metrics%s\n"),
	    sv.tls_cert != NULL ? "https" : "http", listen,
	    sv.o.serve_user != NULL ? _(" (basic auth)") : "");
	if ((sv.timer = loop_add_timer(sv.loop, sv.o.delay / 10.0, 0,
	    serve_tick, &sv)) == -1)
		fprintf(stderr, _("vigil: cannot create a timer: %s\n"),
		    strerror(errno));
	else
		status = loop_run(sv.loop);
	MHD_stop_daemon(d);
out:
	serve_am_free(sv.am);
	if (sv.snap != NULL)
		serve_snap_put(&sv, sv.snap);
	if (sv.loop != NULL)
		loop_free(sv.loop);
	refresh_free(sv.r);
	serve_groups_free(sv.groups);
	free(sv.rules);
	serve_free_secrets(&sv);
	options_free(&sv.o);
	return (status);
}
