/* The alarm history file: one JSON line per alarm event. */

/*
 * Each event becomes a line such as
 *
 *	{"time":"2026-11-22T02:30:00.123Z","epoch":1795314600.123,
 *	 "event":"fired","rule":"hot","severity":"crit","what":"burn (42)",
 *	 "pid":42,"start":123456,"value":97.5}
 *
 * (one line in the file): pid and start only for process alarms, and for
 * "silenced" the end of the silence as "until" and "until_epoch". The
 * file is opened for appending at each write and closed after, so a file
 * rotated or removed meanwhile is simply started again; its directories
 * are made (mode 0700) and the file is mode 0600. A failure is returned
 * once, with the reason; later failures are quiet, and each write tries
 * again.
 */

#include "vigil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alarm.h"
#include "buf.h"
#include "file.h"
#include "json.h"
#include "xalloc.h"

struct alarm_history {
	char	*path;
	int	 failed;	/* reported already */
};

static void
history_time(struct json *j, const char *key, double epoch)
{
	struct tm	tm;
	time_t		secs = (time_t)epoch;
	char		text[64], iso[80];
	int		ms = (int)((epoch - secs) * 1000);

	if (ms < 0 || ms > 999)
		ms = 0;
	gmtime_r(&secs, &tm);
	strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(iso, sizeof iso, "%s.%03dZ", text, ms);
	json_key(j, key);
	json_string(j, iso);
}

/*
 * One event as a JSON line into b. The event's times are on the alarm
 * clock; now and epoch_now are the same moment on it and in wall-clock
 * seconds since 1970.
 */
void
alarm_history_line(struct buf *b, const struct alarm_event *ev, double now,
    double epoch_now)
{
	struct json	j;
	double		epoch = epoch_now - (now - ev->time);

	json_init(&j, b);
	json_object_begin(&j);
	history_time(&j, "time", epoch);
	json_key(&j, "epoch");
	json_double(&j, epoch, 3);
	json_key(&j, "event");
	json_string(&j, alarm_event_name(ev->kind));
	json_key(&j, "rule");
	json_string(&j, alarm_rule_name(ev->rule));
	json_key(&j, "severity");
	json_string(&j, alarm_severity_name(alarm_rule_severity(ev->rule)));
	json_key(&j, "what");
	json_string(&j, ev->what);
	if (ev->pid != 0) {
		json_key(&j, "pid");
		json_int(&j, ev->pid);
		json_key(&j, "start");
		json_uint(&j, ev->start);
	}
	json_key(&j, "value");
	json_double(&j, ev->value, 2);
	if (ev->kind == EV_SILENCED) {
		history_time(&j, "until", epoch_now - (now - ev->until));
		json_key(&j, "until_epoch");
		json_double(&j, epoch_now - (now - ev->until), 3);
	}
	json_object_end(&j);
	buf_addc(b, '\n');
}

struct alarm_history *
alarm_history_new(const char *path)
{
	struct alarm_history	*h = xcalloc(1, sizeof *h);

	h->path = xstrdup(path);
	return (h);
}

void
alarm_history_free(struct alarm_history *h)
{
	if (h == NULL)
		return;
	free(h->path);
	free(h);
}

static double
history_clock(clockid_t id)
{
	struct timespec	ts;

	clock_gettime(id, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/*
 * Append n events; now is the present on the alarm clock. Returns 0, or
 * -1 with the reason in err the first time a write fails (later failures
 * return 0: the caller has told the user already).
 */
int
alarm_history_write(struct alarm_history *h, const struct alarm_event *ev,
    size_t n, double now, char *err, size_t errlen)
{
	struct buf	 b = BUF_INITIALIZER;
	size_t		 i, off = 0;
	ssize_t		 w;
	int		 fd = -1, saved = 0;

	if (h == NULL || n == 0)
		return (0);
	for (i = 0; i < n; i++)
		alarm_history_line(&b, &ev[i], now,
		    history_clock(CLOCK_REALTIME));
	if (file_mkdirs(h->path) != 0 || (fd = open(h->path,
	    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) == -1)
		saved = errno;
	while (saved == 0 && off < b.len) {
		w = write(fd, b.data + off, b.len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			saved = errno;
		else
			off += w;
	}
	if (fd != -1 && close(fd) == -1 && saved == 0)
		saved = errno;
	buf_free(&b);
	if (saved == 0)
		return (0);
	if (h->failed++ > 0)
		return (0);
	snprintf(err, errlen, _("alarm history %s: %s"), h->path,
	    strerror(saved));
	return (-1);
}
