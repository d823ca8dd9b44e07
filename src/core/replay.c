/* vigil --batch --replay: recorded frames printed as live batch mode does. */

#include "vigil.h"

#include <sys/stat.h>

#include <errno.h>
#include <langinfo.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alarm.h"
#include "batch.h"
#include "model.h"
#include "options.h"
#include "record.h"
#include "recordcmd.h"
#include "refresh.h"
#include "sample.h"
#include "xalloc.h"

static void
replay_warn(const char *msg, void *arg)
{
	fprintf(stderr, "vigil: %s\n", msg);
}

/*
 * A recorded frame into the model, in place of a tick. Where the recorder
 * evaluated alarm rules, their state as it was replaces what the rules of
 * this side would make of the frames (which may be other rules, or none).
 */
void
replay_feed(struct refresh *r, const struct record_frame *f)
{
	refresh_feed(r, &f->sys, f->procs, f->nprocs, f->cmdline, f->rawcomm);
	if (f->flags & RECORD_ALARMS)
		alarm_set_replay(refresh_alarms(r), f->firing, f->nfiring,
		    f->events, f->nevents, refresh_model(r)->now);
}

/* A damaged chunk is the recorder's to report, not the monitor's start. */
static void
replay_quiet(const char *msg, void *arg)
{
}

/*
 * The live monitor's rings, filled before its first tick from the frames
 * a recorder on this host wrote in the rings' span (history_size refreshes
 * of -d), so sparklines are full from the first refresh and the first
 * rates are over the interval since the last frame. Only frames of this
 * host and of this boot (the CLOCK_BOOTTIME the model counts in) count;
 * no alarm rule sees them. --history-from DIR names the store, "none"
 * turns it off; without it the default store is read if there is one.
 * The frames fed, or 0.
 */
size_t
replay_prefill(struct refresh *r, const struct options *o)
{
	struct record_reader		*rd;
	const struct record_frame	*f;
	struct timespec			 ts;
	struct stat			 st;
	char				*dir, host[256], err[512];
	double				 wall, boot, span;
	size_t				 fed = 0;

	if (o->history_from != NULL && strcmp(o->history_from, "none") == 0)
		return (0);
	if ((dir = o->history_from != NULL ? xstrdup(o->history_from) :
	    record_default_dir()) == NULL)
		return (0);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(dir);
		return (0);
	}
	rd = record_reader_open(dir, replay_quiet, NULL, err, sizeof err);
	free(dir);
	if (rd == NULL)
		return (0);
	if (gethostname(host, sizeof host) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	clock_gettime(CLOCK_REALTIME, &ts);
	wall = ts.tv_sec + ts.tv_nsec / 1e9;
	boot = wall - sample_now();
	span = o->history_size * (o->delay / 10.0);
	record_reader_seek(rd, wall - span);
	while (record_reader_next(rd, &f) == 1) {
		/* The host is known once a chunk is read. */
		if (f->wall > wall || strcmp(record_reader_host(rd), host) != 0)
			break;
		/* Another boot's clock would run the rates backwards. */
		if (f->wall < wall - span || f->sys.time > sample_now() ||
		    fabs((f->wall - f->sys.time) - boot) > 10)
			continue;
		refresh_feed_history(r, &f->sys, f->procs, f->nprocs,
		    f->cmdline, f->rawcomm);
		fed++;
	}
	record_reader_free(rd);
	return (fed);
}

/*
 * Frames from --from to --to (the whole recording without them). The frame
 * before --from is read too, unprinted, so the first one printed has its
 * rates as live batch mode's first snapshot has them after one interval.
 */
int
replay_batch(struct options *o)
{
	struct record_reader		*rd;
	const struct record_frame	*f;
	struct refresh			*r;
	struct batch_out		 out;
	const char			*cs = nl_langinfo(CODESET);
	char				*dir, err[512];
	long				 printed = 0;
	int				 flags = 0, fed = 0, status = 0;

	if ((dir = o->replay_dir != NULL ? xstrdup(o->replay_dir) :
	    record_default_dir()) == NULL) {
		fprintf(stderr, _("vigil: --replay: no store given and neither XDG_STATE_HOME nor HOME is set\n"));
		return (2);
	}
	rd = record_reader_open(dir, replay_warn, NULL, err, sizeof err);
	free(dir);
	if (rd == NULL) {
		fprintf(stderr, "vigil: --replay: %s\n", err);
		return (1);
	}
	if ((r = refresh_new(o)) == NULL) {
		record_reader_free(rd);
		return (2);
	}
	memset(&out, 0, sizeof out);
	out.fd = STDOUT_FILENO;
	out.replay = 1;
	out.alarms = refresh_alarms(r);
	if (o->format == FORMAT_TEXT && strcmp(cs, "UTF-8") != 0)
		flags |= BATCH_ASCII;
	signal(SIGPIPE, SIG_IGN);
	/* Times as printed (to the millisecond) name their frame. */
	if (o->from != 0)
		record_reader_seek(rd, o->from - 2e-3);
	while (record_reader_next(rd, &f) == 1) {
		if (o->to != 0 && f->wall > o->to + 1e-3)
			break;
		replay_feed(r, f);
		if (!fed++ || (o->from != 0 && f->wall < o->from - 1e-3)) {
			alarm_events_clear(out.alarms);
			continue;
		}
		out.wall = f->wall;
		out.exits = f->exits;
		out.nexits = f->nexits;
		out.exits_seen = (f->flags & RECORD_EXITS_SEEN) != 0;
		batch_format(&out, refresh_model(r), o, flags);
		batch_spill(&out, 0);
		alarm_events_clear(out.alarms);
		if (out.error != 0) {
			if (out.error != EPIPE) {
				fprintf(stderr, _("vigil: writing output: %s\n"),
				    strerror(out.error));
				status = 1;
			}
			break;
		}
		if (o->count > 0 && ++printed >= o->count)
			break;
	}
	refresh_free(r);
	record_reader_free(rd);
	buf_free(&out.b);
	return (status);
}
