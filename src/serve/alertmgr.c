/* Alarms to Alertmanager's API v2, from a thread that may wait on it. */

/*
 * The sampling thread hands over the alarm list after each refresh
 * (serve_am_update(), a table update under a mutex, nothing sent); this
 * thread POSTs what changed to URL/api/v2/alerts with libcurl. As
 * Prometheus does (notifier/notifier.go), a firing alert is sent again
 * every SERVE_AM_RESEND seconds with an end time a few resends ahead, so
 * Alertmanager resolves it by itself if vigil goes away; a resolved one
 * is sent once with its end time. While Alertmanager cannot be reached
 * the table keeps everything (up to SERVE_AM_MAX alerts) and the thread
 * tries again, backing off up to SERVE_AM_BACKOFF seconds.
 */

#include "vigil.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "alarm.h"
#include "buf.h"
#include "json.h"
#include "model.h"
#include "sanitize.h"
#include "serve-int.h"
#include "xalloc.h"

#define SERVE_AM_RESEND		60	/* seconds between sends of a firing */
#define SERVE_AM_VALID		(4 * SERVE_AM_RESEND)
#define SERVE_AM_BACKOFF	5	/* longest wait before a retry */
#define SERVE_AM_MAX		1000	/* alerts kept */
#define SERVE_AM_TIMEOUT	10L	/* seconds for one POST */

struct am_alert {
	unsigned long		 id;		/* alarm_item's */
	char			 alarm[64];
	const char		*severity;
	char			 process[64];	/* sanitised, or "" */
	int			 pid;
	char			 what[160];	/* sanitised */
	double			 starts;	/* epoch */
	double			 ends;		/* epoch, 0 while firing */
	unsigned		 version;	/* bumped on each change */
	unsigned		 sent_version;
	double			 sent;		/* epoch of the last send */
	int			 done;		/* resolved and delivered */
	int			 seen;		/* in the last alarm list */
};

struct serve_am {
	char			*url;
	char			*host;
	pthread_t		 thread;
	int			 started;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	int			 quit;
	struct am_alert		*alerts;
	size_t			 n;
	int			 full_told;
};

static void	*am_main(void *);

static double
am_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

struct serve_am *
serve_am_new(const char *url, const char *host)
{
	struct serve_am	*am;
	sigset_t	 all, old;
	size_t		 len;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, _("vigil serve: libcurl cannot start: alarms will not be sent\n"));
		return (NULL);
	}
	am = xcalloc(1, sizeof *am);
	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		len--;
	xasprintf(&am->url, "%.*s/api/v2/alerts", (int)len, url);
	am->host = xstrdup(host);
	pthread_mutex_init(&am->lock, NULL);
	pthread_cond_init(&am->wake, NULL);
	/* Signals are the event loop's, never this thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	am->started = pthread_create(&am->thread, NULL, am_main, am) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!am->started)
		fprintf(stderr, _("vigil serve: cannot start the Alertmanager thread\n"));
	return (am);
}

void
serve_am_free(struct serve_am *am)
{
	if (am == NULL)
		return;
	if (am->started) {
		pthread_mutex_lock(&am->lock);
		am->quit = 1;
		pthread_cond_signal(&am->wake);
		pthread_mutex_unlock(&am->lock);
		pthread_join(am->thread, NULL);
	}
	pthread_mutex_destroy(&am->lock);
	pthread_cond_destroy(&am->wake);
	free(am->alerts);
	free(am->url);
	free(am->host);
	free(am);
	curl_global_cleanup();
}

static struct am_alert *
am_find(struct serve_am *am, unsigned long id)
{
	size_t	i;

	for (i = 0; i < am->n; i++) {
		if (am->alerts[i].id == id)
			return (&am->alerts[i]);
	}
	return (NULL);
}

static void
am_sanitized(char *out, size_t len, const char *s)
{
	struct buf	b = BUF_INITIALIZER;

	sanitize(&b, s, strlen(s), SAN_ASCII);
	snprintf(out, len, "%s", buf_str(&b));
	buf_free(&b);
}

/* A new alert from an item of the alarm list; NULL when the table is full. */
static struct am_alert *
am_add(struct serve_am *am, const struct alarm_item *it,
    const struct model *m, double epoch)
{
	struct am_alert		*a;
	const struct proc	*p;

	if (am->n >= SERVE_AM_MAX) {
		if (!am->full_told)
			fprintf(stderr, _("vigil serve: %d alerts wait for Alertmanager: newer ones are dropped\n"),
			    SERVE_AM_MAX);
		am->full_told = 1;
		return (NULL);
	}
	am->alerts = xreallocarray(am->alerts, am->n + 1, sizeof *am->alerts);
	a = &am->alerts[am->n++];
	memset(a, 0, sizeof *a);
	a->id = it->id;
	snprintf(a->alarm, sizeof a->alarm, "%s", alarm_rule_name(it->rule));
	a->severity = alarm_severity_name(alarm_rule_severity(it->rule));
	a->pid = it->pid;
	if (it->pid > 0 && (p = model_find(m, it->pid)) != NULL &&
	    p->start == it->start)
		am_sanitized(a->process, sizeof a->process, p->comm);
	am_sanitized(a->what, sizeof a->what, it->what != NULL ? it->what :
	    "");
	/* The model's clock is seconds after boot. */
	a->starts = epoch - (m->now - it->since);
	a->version = 1;
	return (a);
}

/*
 * The alarm list after a refresh into the table: new alarms added, the
 * resolved ones given their end, the delivered ones that left the list
 * forgotten. Never waits on the network.
 */
void
serve_am_update(struct serve_am *am, const struct alarm_set *set,
    const struct model *m, double epoch)
{
	struct alarm_item	*items;
	struct am_alert		*a;
	size_t			 n, cap, i, j;
	int			 changed = 0;

	if (am == NULL)
		return;
	cap = alarm_firing(set) + ALARM_RECENT;
	items = xreallocarray(NULL, cap, sizeof *items);
	n = alarm_list(set, items, cap);
	pthread_mutex_lock(&am->lock);
	for (i = 0; i < am->n; i++)
		am->alerts[i].seen = 0;
	for (i = 0; i < n; i++) {
		if ((a = am_find(am, items[i].id)) == NULL) {
			/* Resolved before we ever saw it fire: still news. */
			if ((a = am_add(am, &items[i], m, epoch)) == NULL)
				continue;
			changed = 1;
		}
		a->seen = 1;
		if (items[i].resolved >= 0 && a->ends == 0) {
			a->ends = epoch - (m->now - items[i].resolved);
			a->version++;
			changed = 1;
		}
	}
	/* Delivered and gone from the list: nothing more to send. */
	for (i = j = 0; i < am->n; i++) {
		if (!am->alerts[i].seen && am->alerts[i].done)
			continue;
		am->alerts[j++] = am->alerts[i];
	}
	am->n = j;
	if (changed)
		pthread_cond_signal(&am->wake);
	pthread_mutex_unlock(&am->lock);
	free(items);
}

static void
am_time(struct json *j, const char *key, double t)
{
	char		s[64];
	time_t		sec = (time_t)t;
	struct tm	tm;

	gmtime_r(&sec, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(s + strlen(s), sizeof s - strlen(s), ".%03dZ",
	    (int)((t - sec) * 1000));
	json_key(j, key);
	json_string(j, s);
}

static void
am_label(struct json *j, const char *k, const char *v)
{
	json_key(j, k);
	json_string(j, v);
}

static int
am_due(const struct am_alert *a, double now)
{
	if (a->done)
		return (0);
	return (a->version != a->sent_version ||
	    (a->ends == 0 && now - a->sent >= SERVE_AM_RESEND));
}

/* The alerts due, as Alertmanager's postableAlerts; 0 when none is. */
static size_t
am_body(struct serve_am *am, struct buf *b, double now)
{
	struct json	 j;
	struct am_alert	*a;
	char		 pid[16];
	size_t		 i, n = 0;

	json_init(&j, b);
	json_array_begin(&j);
	for (i = 0; i < am->n; i++) {
		a = &am->alerts[i];
		if (!am_due(a, now))
			continue;
		n++;
		json_object_begin(&j);
		json_key(&j, "labels");
		json_object_begin(&j);
		am_label(&j, "alertname", a->alarm);
		am_label(&j, "alarm", a->alarm);
		am_label(&j, "host", am->host);
		am_label(&j, "severity", a->severity);
		am_label(&j, "job", "vigil");
		if (a->pid > 0) {
			snprintf(pid, sizeof pid, "%d", a->pid);
			am_label(&j, "pid", pid);
			if (a->process[0] != '\0')
				am_label(&j, "process", a->process);
		}
		json_object_end(&j);
		json_key(&j, "annotations");
		json_object_begin(&j);
		am_label(&j, "summary", a->what);
		json_object_end(&j);
		am_time(&j, "startsAt", a->starts);
		am_time(&j, "endsAt", a->ends != 0 ? a->ends :
		    now + SERVE_AM_VALID);
		json_object_end(&j);
	}
	json_array_end(&j);
	return (n);
}

static size_t
am_discard(char *p, size_t size, size_t n, void *arg)
{
	return (size * n);
}

/* One POST; 0 when Alertmanager took it. */
static int
am_post(struct serve_am *am, CURL *c, const struct buf *body, char *err)
{
	struct curl_slist	*h;
	long			 code = 0;
	CURLcode		 rc;

	h = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, am->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body->len);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, SERVE_AM_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 3L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, am_discard);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	err[0] = '\0';
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	if (rc != CURLE_OK) {
		if (err[0] == '\0')
			snprintf(err, CURL_ERROR_SIZE, "%s",
			    curl_easy_strerror(rc));
		return (-1);
	}
	if (code != 200) {
		snprintf(err, CURL_ERROR_SIZE, "HTTP status %ld", code);
		return (-1);
	}
	return (0);
}

struct am_sending {
	unsigned long	 id;
	unsigned	 version;
};

/* What went, by id: the table may have changed during the POST. */
static void
am_sent(struct serve_am *am, const struct am_sending *sending, size_t n,
    double now)
{
	struct am_alert	*a;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if ((a = am_find(am, sending[i].id)) == NULL)
			continue;
		a->sent = now;
		a->sent_version = sending[i].version;
		if (a->ends != 0 && a->sent_version == a->version)
			a->done = 1;
	}
}

static void *
am_main(void *arg)
{
	struct serve_am	*am = arg;
	struct buf	 body = BUF_INITIALIZER;
	struct timespec	 until;
	CURL		*c;
	char		 err[CURL_ERROR_SIZE];
	struct am_sending *sending = NULL;
	size_t		 i, n;
	int		 rc;
	double		 now, wait = 1, backoff = 1;
	int		 down = 0;

	c = curl_easy_init();
	pthread_mutex_lock(&am->lock);
	while (!am->quit) {
		now = am_now();
		buf_reset(&body);
		if (c != NULL && am_body(am, &body, now) > 0) {
			/* Which version of each went: changes may come meanwhile. */
			sending = xreallocarray(sending, am->n + 1,
			    sizeof *sending);
			for (i = n = 0; i < am->n; i++) {
				if (!am_due(&am->alerts[i], now))
					continue;
				sending[n].id = am->alerts[i].id;
				sending[n++].version = am->alerts[i].version;
			}
			pthread_mutex_unlock(&am->lock);
			rc = am_post(am, c, &body, err);
			pthread_mutex_lock(&am->lock);
			if (rc == 0) {
				am_sent(am, sending, n, now);
				if (down)
					fprintf(stderr, _("vigil serve: Alertmanager %s answers again\n"),
					    am->url);
				down = 0;
				backoff = 1;
				wait = 1;
			} else {
				if (!down)
					fprintf(stderr, _("vigil serve: Alertmanager %s: %s; alarms are kept and sent again\n"),
					    am->url, err);
				down = 1;
				wait = backoff;
				if ((backoff *= 2) > SERVE_AM_BACKOFF)
					backoff = SERVE_AM_BACKOFF;
			}
		}
		if (am->quit)
			break;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)wait;
		until.tv_nsec += (long)((wait - (time_t)wait) * 1e9);
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&am->wake, &am->lock, &until);
	}
	pthread_mutex_unlock(&am->lock);
	free(sending);
	buf_free(&body);
	if (c != NULL)
		curl_easy_cleanup(c);
	return (NULL);
}
