/* The exporter: snapshots of each refresh served as Prometheus metrics. */

/*
 * Whoever samples (vigil serve's timer, or vigil record's) calls
 * serve_export_refreshed() after each refresh, on its own thread; that
 * publishes an immutable snapshot of plain numbers. libmicrohttpd's
 * threads answer scrapes: each takes a reference to the newest snapshot
 * under a mutex held for a pointer copy, renders it into its own buffer
 * and lets the library send that. No lock is held while a client is
 * written to, so a client that never reads, or a thousand that never
 * send, cost sockets and nothing else; the library drops them at the
 * connection timeout and refuses requests that do not fit its
 * per-connection memory (a 1 MB header gets 431).
 *
 * libmicrohttpd as in its own examples and its manual (src/examples/,
 * doc/libmicrohttpd.texi): MHD_USE_EPOLL_INTERNAL_THREAD with a small
 * thread pool, the limits as MHD_OPTION_* settings.
 */

#include "vigil.h"

#include <sys/socket.h>

#include <crypt.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "alarm.h"
#include "file.h"
#include "model.h"
#include "options.h"
#include "refresh.h"
#include "sample.h"
#include "serve.h"
#include "serve-int.h"
#include "sup.h"
#include "xalloc.h"

#define SERVE_CONN_LIMIT	2000	/* connections at once */
#define SERVE_CONN_TIMEOUT	10	/* seconds a connection may idle */
#define SERVE_CONN_MEMORY	(32 * 1024)	/* a request's headers */
#define SERVE_THREADS		2

struct serve_export {
	const struct options	*o;
	struct refresh		*r;
	char			*listen;
	struct sockaddr_storage	 ss;
	int			 fd;		/* bound, listening */
	struct MHD_Daemon	*d;
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
serve_snap_get(struct serve_export *e, unsigned long *scrape)
{
	struct serve_snap	*s;

	pthread_mutex_lock(&e->lock);
	if ((s = e->snap) != NULL)
		s->refs++;
	*scrape = ++e->scrapes;
	pthread_mutex_unlock(&e->lock);
	return (s);
}

static void
serve_snap_put(struct serve_export *e, struct serve_snap *s)
{
	int	last;

	pthread_mutex_lock(&e->lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&e->lock);
	if (last)
		serve_snap_free(s);
}

static void
serve_publish(struct serve_export *e, struct serve_snap *s)
{
	struct serve_snap	*old;

	s->refs = 1;		/* the server's own */
	pthread_mutex_lock(&e->lock);
	old = e->snap;
	e->snap = s;
	pthread_mutex_unlock(&e->lock);
	if (old != NULL)
		serve_snap_put(e, old);
}

/* Firing pairs per rule, from the alarm list. */
static void
serve_snap_alarms(struct serve_export *e, struct serve_snap *s)
{
	struct alarm_set	*set = refresh_alarms(e->r);
	struct alarm_item	*items;
	size_t			 n, cap, i, j;

	s->nalarms = e->nrules;
	s->alarms = xcalloc(e->nrules + 1, sizeof *s->alarms);
	memcpy(s->alarms, e->rules, e->nrules * sizeof *s->alarms);
	cap = alarm_firing(set) + ALARM_RECENT;
	items = xreallocarray(NULL, cap, sizeof *items);
	n = alarm_list(set, items, cap);
	for (i = 0; i < n; i++) {
		if (items[i].resolved >= 0)
			continue;
		for (j = 0; j < e->nrules; j++) {
			if (strcmp(s->alarms[j].name,
			    alarm_rule_name(items[i].rule)) == 0) {
				s->alarms[j].firing++;
				break;
			}
		}
	}
	free(items);
}

/*
 * The supervisors of vigil run (this user's): their state files, one
 * small read each, so the restarts of a service are a metric.
 */
static void
serve_snap_services(struct serve_snap *s)
{
	struct sup_entry	*v;
	size_t			 n, i;

	if (sup_list(&v, &n) != 0 || n == 0)
		return;
	s->services = xcalloc(n, sizeof *s->services);
	for (i = 0; i < n; i++) {
		snprintf(s->services[i].name, sizeof s->services[i].name,
		    "%s", v[i].name);
		s->services[i].restarts = v[i].restarts;
		s->services[i].up = v[i].child_pid != 0;
	}
	s->nservices = n;
	free(v);
}

static struct serve_snap *
serve_snap_make(struct serve_export *e, double took)
{
	struct model		*m = refresh_model(e->r);
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
	s->refreshes = e->refreshes;
	serve_groups_update(e->groups, m, s->boot_epoch, s);
	serve_snap_alarms(e, s);
	serve_snap_services(s);
	return (s);
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
serve_authorized(struct serve_export *e, struct MHD_Connection *c)
{
	struct crypt_data	*cd;
	const char		*hdr;
	char			*user, *pass = NULL, *h;
	int			 ok;

	if (e->o->serve_user == NULL)
		return (1);
	hdr = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (hdr == NULL)
		return (0);
	pthread_mutex_lock(&e->auth_lock);
	ok = e->auth_ok != NULL && serve_same(hdr, e->auth_ok);
	pthread_mutex_unlock(&e->auth_lock);
	if (ok)
		return (1);
	if ((user = MHD_basic_auth_get_username_password(c, &pass)) == NULL)
		return (0);
	cd = xcalloc(1, sizeof *cd);
	h = crypt_rn(pass != NULL ? pass : "", e->o->serve_pwhash, cd,
	    sizeof *cd);
	/* Both compared, whichever is wrong: the time says nothing. */
	ok = serve_same(user, e->o->serve_user);
	ok &= h != NULL && h[0] != '*' && serve_same(h, e->o->serve_pwhash);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	if (pass != NULL) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	MHD_free(user);
	if (ok) {
		pthread_mutex_lock(&e->auth_lock);
		free(e->auth_ok);
		e->auth_ok = xstrdup(hdr);
		pthread_mutex_unlock(&e->auth_lock);
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
	struct serve_export	*e = arg;
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
	if (!serve_authorized(e, c))
		return (serve_unauthorized(c));
	if (strcmp(url, "/") == 0)
		return (serve_reply(c, MHD_HTTP_OK, "text/plain", index,
		    sizeof index - 1, 0));
	if (strcmp(url, "/metrics") != 0)
		return (serve_reply(c, MHD_HTTP_NOT_FOUND, "text/plain",
		    notfound, sizeof notfound - 1, 0));
	if ((s = serve_snap_get(e, &scrape)) == NULL)
		return (serve_reply(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "text/plain", starting, sizeof starting - 1, 0));
	om = serve_wants_openmetrics(c);
	buf_reserve(&b, 16384);
	serve_metrics(&b, s, om ? SERVE_OPENMETRICS : 0, scrape);
	serve_snap_put(e, s);
	return (serve_reply(c, MHD_HTTP_OK, om ?
	    "application/openmetrics-text; version=1.0.0; charset=utf-8" :
	    "text/plain; version=0.0.4; charset=utf-8", b.data, b.len, 1));
}

/* Every rule's name and severity, so a quiet rule is a 0, not missing. */
static int
serve_rules(struct serve_export *e, char *err, size_t errlen)
{
	struct alarm_rule	*r;
	size_t			 i;

	e->rules = xcalloc(e->o->nalarms + 1, sizeof *e->rules);
	for (i = 0; i < e->o->nalarms; i++) {
		if ((r = alarm_parse(e->o->alarms[i], err, errlen)) == NULL)
			return (-1);
		snprintf(e->rules[e->nrules].name,
		    sizeof e->rules[e->nrules].name, "%s",
		    alarm_rule_name(r));
		e->rules[e->nrules++].severity =
		    alarm_severity_name(alarm_rule_severity(r));
		alarm_rule_free(r);
	}
	return (0);
}

/*
 * Basic auth and TLS from vigilrc: both halves of each, and the PEM files
 * read now, before the sampler starts. -1 with err set.
 */
static void
serve_free_secrets(struct serve_export *e)
{
	if (e->tls_key != NULL)
		explicit_bzero(e->tls_key, strlen(e->tls_key));
	free(e->tls_key);
	free(e->tls_cert);
	free(e->auth_ok);
	e->tls_key = e->tls_cert = e->auth_ok = NULL;
}

static int
serve_secure(struct serve_export *e, char *err, size_t errlen)
{
	const struct options	*o = e->o;

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
	if (file_read_all(o->serve_tls_cert, &e->tls_cert) < 0) {
		snprintf(err, errlen, _("serve-tls-cert: %s: %s"),
		    o->serve_tls_cert, strerror(errno));
		return (-1);
	}
	if (file_read_all(o->serve_tls_key, &e->tls_key) < 0) {
		snprintf(err, errlen, _("serve-tls-key: %s: %s"),
		    o->serve_tls_key, strerror(errno));
		return (-1);
	}
	return (0);
}

static struct MHD_Daemon *
serve_start(struct serve_export *e)
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
	    MHD_USE_TURBO | (e->tls_cert != NULL ? MHD_USE_TLS : 0), 0,
	    NULL, NULL, serve_request, e,
	    MHD_OPTION_LISTEN_SOCKET, e->fd,
	    /* Ignored without MHD_USE_TLS; NULL would end the list. */
	    MHD_OPTION_HTTPS_MEM_CERT, e->tls_cert != NULL ? e->tls_cert : "",
	    MHD_OPTION_HTTPS_MEM_KEY, e->tls_key != NULL ? e->tls_key : "",
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)SERVE_THREADS,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_CONN_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_CONN_MEMORY,
	    MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return (d);
}

/*
 * The socket, bound now: a port in use is told while the command still
 * has a terminal (vigil record detaches after), and the library's
 * threads, which would not survive the fork, start later on it.
 */
static int
serve_bind(struct serve_export *e, socklen_t sslen, char *err,
    size_t errlen)
{
	int	on = 1;

	if ((e->fd = socket(e->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC,
	    0)) == -1 ||
	    setsockopt(e->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
	    bind(e->fd, (struct sockaddr *)&e->ss, sslen) != 0 ||
	    listen(e->fd, 1024) != 0) {
		snprintf(err, errlen, _("cannot listen on %s: %s"), e->listen,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * An exporter for the options' groups, rules, secrets and Alertmanager,
 * fed by r, to listen on listen ("ADDR:PORT"): checked here, so a bad
 * line stops the command before it detaches. The socket listens (the
 * kernel queues connections); nothing answers before
 * serve_export_start(). NULL with err set.
 */
struct serve_export *
serve_export_new(const struct options *o, struct refresh *r,
    const char *listen, char *err, size_t errlen)
{
	struct serve_export	*e;
	socklen_t		 sslen;

	e = xcalloc(1, sizeof *e);
	e->o = o;
	e->r = r;
	e->listen = xstrdup(listen);
	e->fd = -1;
	pthread_mutex_init(&e->lock, NULL);
	pthread_mutex_init(&e->auth_lock, NULL);
	if (serve_listen_parse(listen, &e->ss, &sslen, err, errlen) != 0 ||
	    serve_secure(e, err, errlen) != 0 ||
	    (e->groups = serve_groups_new(o->groups, o->ngroups, err,
	    errlen)) == NULL ||
	    serve_groups_per_pid(e->groups, o->serve_per_pid,
	    o->nserve_per_pid, err, errlen) != 0 ||
	    serve_rules(e, err, errlen) != 0 ||
	    serve_bind(e, sslen, err, errlen) != 0) {
		serve_export_free(e);
		return (NULL);
	}
	serve_groups_by(e->groups, o->serve_group_by, o->serve_max_groups);
	/* The group metrics need the I/O counters of every process. */
	refresh_set_io(r, 1);
	return (e);
}

/* Listen, and start the Alertmanager client; -1 with err set. */
int
serve_export_start(struct serve_export *e, char *err, size_t errlen)
{
	char	host[256];

	if ((e->d = serve_start(e)) == NULL) {
		snprintf(err, errlen, _("cannot serve on %s: %s"), e->listen,
		    strerror(errno));
		return (-1);
	}
	if (e->o->alertmanager != NULL) {
		if (gethostname(host, sizeof host) != 0)
			snprintf(host, sizeof host, "localhost");
		host[sizeof host - 1] = '\0';
		e->am = serve_am_new(e->o->alertmanager, host);
	}
	return (0);
}

/* Where it listens, for the command to say: "https://ADDR:PORT/metrics". */
void
serve_export_describe(const struct serve_export *e, char *out, size_t len)
{
	snprintf(out, len, "%s://%s/metrics%s",
	    e->tls_cert != NULL ? "https" : "http", e->listen,
	    e->o->serve_user != NULL ? _(" (basic auth)") : "");
}

/*
 * After a refresh of the exporter's refresh (which took took seconds):
 * the snapshot for scrapes, the alarms for Alertmanager. The caller
 * clears the alarm events afterwards, when everyone has seen them.
 */
void
serve_export_refreshed(struct serve_export *e, double took)
{
	e->refreshes++;
	serve_publish(e, serve_snap_make(e, took));
	if (e->am != NULL)
		serve_am_update(e->am, refresh_alarms(e->r),
		    refresh_model(e->r), serve_realtime());
}

void
serve_export_free(struct serve_export *e)
{
	if (e == NULL)
		return;
	/* The library closes the socket it was given. */
	if (e->d != NULL)
		MHD_stop_daemon(e->d);
	else if (e->fd != -1)
		close(e->fd);
	serve_am_free(e->am);
	if (e->snap != NULL)
		serve_snap_put(e, e->snap);
	serve_groups_free(e->groups);
	free(e->rules);
	serve_free_secrets(e);
	free(e->listen);
	pthread_mutex_destroy(&e->lock);
	pthread_mutex_destroy(&e->auth_lock);
	free(e);
}
