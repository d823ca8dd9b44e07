/* Batch mode: snapshots to standard output, as text or JSON lines. */

#include "vigil.h"

#include <errno.h>
#include <poll.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alarm.h"
#include "batch.h"
#include "buf.h"
#include "configfile.h"
#include "fmt.h"
#include "json.h"
#include "loop.h"
#include "model.h"
#include "options.h"
#include "record.h"
#include "recordcmd.h"
#include "refresh.h"
#include "rx.h"
#include "sanitize.h"
#include "xalloc.h"

/* Longest command line printed in text mode; JSON has all of it. */
#define BATCH_CMDLINE_MAX	4096

/* Output is written in pieces of about this size, not a snapshot at once. */
#define BATCH_SPILL		65536

struct batch {
	struct options		*o;
	struct refresh		*r;
	struct loop		*loop;
	int			 timer;
	struct batch_out	 out;
	long			 printed;
	int			 flags;
	int			 status;
};

static void	batch_text_exits(struct buf *, const struct batch_out *,
		    const struct model *, int);
static void	batch_json_exits(struct json *, const struct batch_out *,
		    struct model *);

/* Wall-clock time of a moment given in seconds after boot. */
static double
batch_epoch(const struct batch_out *out, const struct model *m,
    double boot_secs)
{
	struct timespec	ts;

	/* A recorded frame has the time it was taken. */
	if (out->wall != 0)
		return (out->wall - (m->now - boot_secs));
	clock_gettime(CLOCK_REALTIME, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9 - (m->now - boot_secs));
}

static void
batch_text_header(struct buf *b, const struct batch_out *out,
    const struct model *m)
{
	const struct sysinfo_view	*s = &m->sys;
	const struct sample_sys		*c = &s->cur;
	char				 up[64], t[16], r1[FMT_SIZE],
					 r2[FMT_SIZE], r3[FMT_SIZE],
					 r4[FMT_SIZE];
	time_t				 now = out->wall != 0 ?
					    (time_t)out->wall : time(NULL);
	struct tm			 tm;

	localtime_r(&now, &tm);
	strftime(t, sizeof t, "%H:%M:%S", &tm);
	buf_printf(b, _("vigil - %s up %s, load average: %.2f, %.2f, %.2f\n"),
	    t, fmt_uptime(up, sizeof up, c->uptime), c->load[0], c->load[1],
	    c->load[2]);
	buf_printf(b, _("Tasks: %u total, %u running, %u sleeping, %u stopped, %u zombie, %u in D; %u threads, %u kthreads\n"),
	    s->tasks.total, s->tasks.running, s->tasks.sleeping + s->tasks.idle,
	    s->tasks.stopped, s->tasks.zombie, s->tasks.disk,
	    s->tasks.threads, s->tasks.kthreads);
	buf_printf(b, _("%%Cpu(s): %4.1f us, %4.1f ni, %4.1f sy, %4.1f id, %4.1f wa, %4.1f hi, %4.1f si, %4.1f st  (%d CPUs)\n"),
	    s->total.user, s->total.nice, s->total.system, s->total.idle,
	    s->total.iowait, s->total.irq, s->total.softirq, s->total.steal,
	    s->ncpu);
	buf_printf(b, _("KiB Mem : %lu total, %lu used, %lu available, %lu free, %lu buff/cache\n"),
	    c->mem_total, s->mem_used, c->mem_available, c->mem_free,
	    c->mem_buffers + c->mem_cached);
	buf_printf(b, _("KiB Swap: %lu total, %lu used, %lu free\n"),
	    c->swap_total, s->swap_used, c->swap_free);
	if (c->has_psi)
		buf_printf(b, _("PSI some avg10: cpu %.2f%%, memory %.2f%%, io %.2f%%\n"),
		    c->psi_cpu.some10, c->psi_mem.some10, c->psi_io.some10);
	buf_printf(b, _("Disk: read %s, write %s  Net: rx %s, tx %s\n"),
	    fmt_rate(r1, sizeof r1, s->disk_read_rate),
	    fmt_rate(r2, sizeof r2, s->disk_write_rate),
	    fmt_rate(r3, sizeof r3, s->net_rx_rate),
	    fmt_rate(r4, sizeof r4, s->net_tx_rate));
	buf_addc(b, '\n');
}

/* ps f's ASCII tree: "|  " under a sibling that continues, "\_ " here. */
static void
batch_tree_prefix(struct buf *b, const struct view_row *v)
{
	int	d;

	for (d = 1; d < v->depth; d++)
		buf_adds(b, d < 64 && (v->guides & (1ULL << d)) ? " |  " :
		    "    ");
	if (v->depth > 0)
		buf_adds(b, " \\_ ");
}

/*
 * The last column of a row: the tree's guides, then the name first where
 * it is its own, as on screen, and the command line, escaped and cut.
 */
static void
batch_command(struct buf *b, const struct view_row *v,
    const struct options *o, int flags)
{
	struct buf	label = BUF_INITIALIZER;
	size_t		len;

	if (o->tree)
		batch_tree_prefix(b, v);
	model_proc_label(v->p, &label);
	len = label.len;
	sanitize(b, buf_str(&label), len < BATCH_CMDLINE_MAX ? len :
	    BATCH_CMDLINE_MAX, (flags & BATCH_ASCII) ? SAN_ASCII : 0);
	buf_free(&label);
	buf_addc(b, '\n');
}

static void
batch_text_row(struct buf *b, const struct model *m, const struct view_row *v,
    const struct options *o, int flags)
{
	const struct proc	*p = v->p;
	char			 virt[FMT_SIZE], res[FMT_SIZE], shr[FMT_SIZE],
				 tm[FMT_SIZE];

	buf_printf(b, "%7d %-9.9s %3d %3d %6s %6s %6s %c %5.1f %5.1f %9s ",
	    p->pid, p->user != NULL ? p->user : "?", p->prio, p->nice,
	    fmt_kib(virt, sizeof virt, p->vsz_kb),
	    fmt_kib(res, sizeof res, p->rss_kb),
	    fmt_kib(shr, sizeof shr, p->shr_kb), p->state, p->cpu_pct,
	    p->mem_pct, fmt_time_plus(tm, sizeof tm, (double)p->ticks / m->hz));
	batch_command(b, v, o, flags);
}

/* A rate, or "-" where it is not known. */
static const char *
batch_rate(char *out, size_t len, const struct proc *p, double rate)
{
	if (!p->has_io_rate)
		return ("-");
	return (fmt_rate(out, len, rate));
}

/*
 * With --io, the monitor's I/O screen: PID, USER, the bytes per second
 * read from and written to storage (read_bytes, write_bytes), read and
 * written by any call (rchar, wchar), storage read + write, the command.
 */
static void
batch_text_io_row(struct buf *b, const struct view_row *v,
    const struct options *o, int flags)
{
	const struct proc	*p = v->p;
	char			 r[FMT_SIZE], w[FMT_SIZE], rc[FMT_SIZE],
				 wc[FMT_SIZE], t[FMT_SIZE];

	buf_printf(b, "%7d %-9.9s %8s %8s %8s %8s %8s ", p->pid,
	    p->user != NULL ? p->user : "?",
	    batch_rate(r, sizeof r, p, p->io_read_rate),
	    batch_rate(w, sizeof w, p, p->io_write_rate),
	    batch_rate(rc, sizeof rc, p, p->io_rchar_rate),
	    batch_rate(wc, sizeof wc, p, p->io_wchar_rate),
	    batch_rate(t, sizeof t, p, p->io_rate));
	batch_command(b, v, o, flags);
}

/* The alarm events since the last snapshot, one line each. */
static void
batch_text_alarms(struct buf *b, const struct alarm_set *a, int flags)
{
	const struct alarm_event	*ev;
	size_t				 n, i;

	if (a == NULL)
		return;
	ev = alarm_events(a, &n);
	for (i = 0; i < n; i++) {
		buf_printf(b, "ALARM %-8s [%s] %s: ",
		    alarm_event_name(ev[i].kind),
		    alarm_severity_name(alarm_rule_severity(ev[i].rule)),
		    alarm_rule_name(ev[i].rule));
		sanitize(b, ev[i].what, strlen(ev[i].what),
		    (flags & BATCH_ASCII) ? SAN_ASCII : 0);
		buf_printf(b, " (value %g)\n", ev[i].value);
	}
	if (n > 0 || alarm_firing(a) > 0)
		buf_printf(b, _("Alarms firing: %zu\n"), alarm_firing(a));
}

static void
batch_text(struct batch_out *out, struct model *m, const struct options *o,
    int flags)
{
	struct buf	*b = &out->b;
	size_t		 i;

	batch_text_header(b, out, m);
	batch_text_alarms(b, out->alarms, flags);
	if (o->io) {
		buf_adds(b, _("    PID USER      DISK R/s DISK W/s  RCHAR/s  WCHAR/s     IO/s COMMAND\n"));
		for (i = 0; i < m->nview; i++) {
			batch_text_io_row(b, &m->view[i], o, flags);
			batch_spill(out, BATCH_SPILL);
		}
		buf_addc(b, '\n');
		return;
	}
	buf_adds(b, _("    PID USER      PRI  NI   VIRT    RES    SHR S  CPU%  MEM%     TIME+ COMMAND\n"));
	for (i = 0; i < m->nview; i++) {
		batch_text_row(b, m, &m->view[i], o, flags);
		batch_spill(out, BATCH_SPILL);
	}
	buf_addc(b, '\n');
	if (out->replay)
		batch_text_exits(b, out, m, flags);
}

static void
batch_json_cpu(struct json *j, const struct cpu_pct *c)
{
	json_object_begin(j);
	json_key(j, "user"); json_double(j, c->user, 1);
	json_key(j, "nice"); json_double(j, c->nice, 1);
	json_key(j, "system"); json_double(j, c->system, 1);
	json_key(j, "iowait"); json_double(j, c->iowait, 1);
	json_key(j, "irq"); json_double(j, c->irq, 1);
	json_key(j, "softirq"); json_double(j, c->softirq, 1);
	json_key(j, "steal"); json_double(j, c->steal, 1);
	json_key(j, "idle"); json_double(j, c->idle, 1);
	json_key(j, "busy"); json_double(j, c->busy, 1);
	json_object_end(j);
}

static void
batch_json_psi(struct json *j, const char *key, const struct sample_psi *p)
{
	json_key(j, key);
	json_object_begin(j);
	json_key(j, "some_avg10"); json_double(j, p->some10, 2);
	json_key(j, "full_avg10"); json_double(j, p->full10, 2);
	json_object_end(j);
}

static void
batch_json_system(struct json *j, const struct batch_out *out,
    struct model *m)
{
	const struct sysinfo_view	*s = &m->sys;
	const struct sample_sys		*c = &s->cur;
	int				 i;

	json_key(j, "time"); json_double(j, batch_epoch(out, m, m->now), 3);
	json_key(j, "uptime"); json_double(j, c->uptime, 2);
	json_key(j, "cpus"); json_int(j, s->ncpu);
	json_key(j, "cpu"); batch_json_cpu(j, &s->total);
	json_key(j, "per_cpu");
	json_array_begin(j);
	for (i = 0; i < s->ncpu; i++)
		batch_json_cpu(j, &s->cpus[i]);
	json_array_end(j);

	json_key(j, "mem");
	json_object_begin(j);
	json_key(j, "total_kb"); json_uint(j, c->mem_total);
	json_key(j, "used_kb"); json_uint(j, s->mem_used);
	json_key(j, "available_kb"); json_uint(j, c->mem_available);
	json_key(j, "free_kb"); json_uint(j, c->mem_free);
	json_key(j, "buffers_kb"); json_uint(j, c->mem_buffers);
	json_key(j, "cached_kb"); json_uint(j, c->mem_cached);
	json_object_end(j);
	json_key(j, "swap");
	json_object_begin(j);
	json_key(j, "total_kb"); json_uint(j, c->swap_total);
	json_key(j, "used_kb"); json_uint(j, s->swap_used);
	json_key(j, "free_kb"); json_uint(j, c->swap_free);
	json_object_end(j);

	json_key(j, "load");
	json_array_begin(j);
	for (i = 0; i < 3; i++)
		json_double(j, c->load[i], 2);
	json_array_end(j);

	json_key(j, "psi");
	if (c->has_psi) {
		json_object_begin(j);
		batch_json_psi(j, "cpu", &c->psi_cpu);
		batch_json_psi(j, "memory", &c->psi_mem);
		batch_json_psi(j, "io", &c->psi_io);
		json_object_end(j);
	} else
		json_null(j);

	json_key(j, "disk");
	json_object_begin(j);
	json_key(j, "read_bps"); json_double(j, s->disk_read_rate, 0);
	json_key(j, "write_bps"); json_double(j, s->disk_write_rate, 0);
	json_object_end(j);
	json_key(j, "net");
	json_object_begin(j);
	json_key(j, "rx_bps"); json_double(j, s->net_rx_rate, 0);
	json_key(j, "tx_bps"); json_double(j, s->net_tx_rate, 0);
	json_object_end(j);

	json_key(j, "tasks");
	json_object_begin(j);
	json_key(j, "total"); json_uint(j, s->tasks.total);
	json_key(j, "running"); json_uint(j, s->tasks.running);
	json_key(j, "sleeping"); json_uint(j, s->tasks.sleeping);
	json_key(j, "idle"); json_uint(j, s->tasks.idle);
	json_key(j, "disk_sleep"); json_uint(j, s->tasks.disk);
	json_key(j, "stopped"); json_uint(j, s->tasks.stopped);
	json_key(j, "zombie"); json_uint(j, s->tasks.zombie);
	json_key(j, "threads"); json_uint(j, s->tasks.threads);
	json_key(j, "kthreads"); json_uint(j, s->tasks.kthreads);
	json_object_end(j);
}

static void
batch_json_hist(struct json *j, const struct ring *r, double scale)
{
	size_t	i;

	json_array_begin(j);
	for (i = 0; i < ring_len(r); i++) {
		const void *e = ring_get(r, i);

		if (r->size == sizeof(uint16_t))
			json_double(j, *(const uint16_t *)e / scale, 1);
		else
			json_uint(j, *(const uint32_t *)e);
	}
	json_array_end(j);
}

/* A counter, or null where it may not be read. */
static void
batch_json_count(struct json *j, const char *key, const struct proc *p,
    unsigned long long v)
{
	json_key(j, key);
	if (p->has_io)
		json_uint(j, v);
	else
		json_null(j);
}

/* A rate, or null where it is not known (first seen, unreadable). */
static void
batch_json_rate(struct json *j, const char *key, const struct proc *p,
    double v)
{
	json_key(j, key);
	if (p->has_io_rate)
		json_double(j, v, 0);
	else
		json_null(j);
}

static void
batch_json_io(struct json *j, const struct proc *p)
{
	batch_json_count(j, "io_read_bytes", p, p->io_read);
	batch_json_count(j, "io_write_bytes", p, p->io_write);
	batch_json_count(j, "io_rchar", p, p->io_rchar);
	batch_json_count(j, "io_wchar", p, p->io_wchar);
	batch_json_rate(j, "io_read_bps", p, p->io_read_rate);
	batch_json_rate(j, "io_write_bps", p, p->io_write_rate);
	batch_json_rate(j, "io_rchar_bps", p, p->io_rchar_rate);
	batch_json_rate(j, "io_wchar_bps", p, p->io_wchar_rate);
	batch_json_rate(j, "io_bps", p, p->io_rate);
}

static void
batch_json_proc(struct json *j, const struct batch_out *out,
    struct model *m, const struct view_row *v, const struct options *o)
{
	const struct proc	*p = v->p;
	char			 state[2] = { p->state, '\0' };

	json_object_begin(j);
	json_key(j, "pid"); json_int(j, p->pid);
	json_key(j, "ppid"); json_int(j, p->ppid);
	json_key(j, "tgid"); json_int(j, p->tgid);
	json_key(j, "uid"); json_uint(j, p->uid);
	json_key(j, "user"); json_string(j, p->user);
	json_key(j, "comm"); json_string(j, p->comm);
	json_key(j, "cmdline"); json_string(j, model_proc_cmdline(p));
	json_key(j, "state"); json_string(j, state);
	json_key(j, "priority"); json_int(j, p->prio);
	json_key(j, "nice"); json_int(j, p->nice);
	json_key(j, "threads"); json_int(j, p->nlwp);
	json_key(j, "start_time");
	json_double(j, batch_epoch(out, m, (double)p->start / m->hz), 2);
	json_key(j, "cpu_pct"); json_double(j, p->cpu_pct, 1);
	json_key(j, "mem_pct"); json_double(j, p->mem_pct, 1);
	json_key(j, "rss_kb"); json_uint(j, p->rss_kb);
	json_key(j, "vsz_kb"); json_uint(j, p->vsz_kb);
	json_key(j, "shr_kb"); json_uint(j, p->shr_kb);
	json_key(j, "time_s"); json_double(j, (double)p->ticks / m->hz, 2);
	json_key(j, "minflt"); json_uint(j, p->minflt);
	json_key(j, "majflt"); json_uint(j, p->majflt);
	json_key(j, "kthread"); json_bool(j, p->kthread);
	if (o->io || model_col_io(o->sort))
		batch_json_io(j, p);
	if (o->tree) {
		json_key(j, "depth"); json_int(j, v->depth);
	}
	if (o->history) {
		json_key(j, "cpu_hist");
		batch_json_hist(j, &p->h_cpu, MODEL_CPU_SCALE);
		json_key(j, "rss_hist");
		batch_json_hist(j, &p->h_rss, 1);
		if (p->h_io.cap != 0) {
			json_key(j, "io_hist");
			batch_json_hist(j, &p->h_io, 1);
		}
		json_key(j, "cpu_hist_1m");
		batch_json_hist(j, &p->m_cpu, MODEL_CPU_SCALE);
		json_key(j, "rss_hist_1m");
		batch_json_hist(j, &p->m_rss, 1);
	}
	json_object_end(j);
}

static void
batch_json_alarms(struct json *j, const struct batch_out *out,
    struct model *m, const struct alarm_set *a)
{
	const struct alarm_event	*ev = NULL;
	size_t				 n = 0, i;

	json_key(j, "alarms_firing");
	json_uint(j, a != NULL ? alarm_firing(a) : 0);
	json_key(j, "alarms");
	json_array_begin(j);
	if (a != NULL)
		ev = alarm_events(a, &n);
	for (i = 0; i < n; i++) {
		json_object_begin(j);
		json_key(j, "event");
		json_string(j, alarm_event_name(ev[i].kind));
		json_key(j, "rule");
		json_string(j, alarm_rule_name(ev[i].rule));
		json_key(j, "severity");
		json_string(j, alarm_severity_name(alarm_rule_severity(ev[i].rule)));
		json_key(j, "pid");
		json_int(j, ev[i].pid);
		json_key(j, "what");
		json_string(j, ev[i].what);
		json_key(j, "value");
		json_double(j, ev[i].value, 2);
		json_key(j, "time");
		json_double(j, batch_epoch(out, m, ev[i].time), 3);
		json_object_end(j);
	}
	json_array_end(j);
}

/* Replay: the processes that were in the previous frame and are gone. */
static void
batch_json_exits(struct json *j, const struct batch_out *out,
    struct model *m)
{
	const struct record_exit	*e;
	size_t				 i;

	json_key(j, "exits_complete");
	json_bool(j, out->exits_seen);
	json_key(j, "exited");
	json_array_begin(j);
	for (i = 0; i < out->nexits; i++) {
		e = &out->exits[i];
		json_object_begin(j);
		json_key(j, "pid"); json_int(j, e->pid);
		json_key(j, "ppid"); json_int(j, e->ppid);
		json_key(j, "comm"); json_string(j, e->comm);
		json_key(j, "cmdline");
		json_string(j, e->cmdline != NULL && *e->cmdline != '\0' ?
		    e->cmdline : e->comm);
		/* A process no frame saw and gone before it was read: null. */
		json_key(j, "start_time");
		if (e->start != 0)
			json_double(j, batch_epoch(out, m,
			    (double)e->start / m->hz), 2);
		else
			json_null(j);
		json_key(j, "run_s");
		if (e->start != 0)
			json_double(j, e->last_seen - (double)e->start / m->hz,
			    2);
		else
			json_null(j);
		json_key(j, "cpu_s");
		if (e->start != 0)
			json_double(j, (double)e->ticks / m->hz, 2);
		else
			json_null(j);
		json_key(j, "exit_code");
		if (e->exit_code >= 0)
			json_int(j, e->exit_code);
		else
			json_null(j);
		json_object_end(j);
	}
	json_array_end(j);
}

/* Replay, as text: the processes gone since the previous frame. */
static void
batch_text_exits(struct buf *b, const struct batch_out *out,
    const struct model *m, int flags)
{
	const struct record_exit	*e;
	const char			*cmd;
	size_t				 i, len;

	if (out->nexits == 0)
		return;
	buf_printf(b, _("Exited since the previous frame: %zu%s\n"),
	    out->nexits, out->exits_seen ? "" :
	    _(" (shorter-lived processes not seen)"));
	buf_adds(b, _("    PID    PPID   CPU s   RUN s COMMAND\n"));
	for (i = 0; i < out->nexits; i++) {
		e = &out->exits[i];
		if (e->start != 0)
			buf_printf(b, "%7d %7d %7.2f %7.1f ", e->pid, e->ppid,
			    (double)e->ticks / m->hz,
			    e->last_seen - (double)e->start / m->hz);
		else
			buf_printf(b, "%7d %7d %7s %7s ", e->pid, e->ppid, "-",
			    "-");
		cmd = e->cmdline != NULL && *e->cmdline != '\0' ? e->cmdline :
		    e->comm;
		len = strlen(cmd);
		sanitize(b, cmd, len < BATCH_CMDLINE_MAX ? len :
		    BATCH_CMDLINE_MAX, (flags & BATCH_ASCII) ? SAN_ASCII : 0);
		buf_addc(b, '\n');
	}
	buf_addc(b, '\n');
}

static void
batch_json(struct batch_out *out, struct model *m, const struct options *o)
{
	struct json	j;
	size_t		i;

	json_init(&j, &out->b);
	json_object_begin(&j);
	batch_json_system(&j, out, m);
	batch_json_alarms(&j, out, m, out->alarms);
	json_key(&j, "processes");
	json_array_begin(&j);
	for (i = 0; i < m->nview; i++) {
		batch_json_proc(&j, out, m, &m->view[i], o);
		batch_spill(out, BATCH_SPILL);
	}
	json_array_end(&j);
	if (out->replay)
		batch_json_exits(&j, out, m);
	json_object_end(&j);
	buf_addc(&out->b, '\n');
}

/*
 * Write what the buffer holds once it passes `at` bytes, so a snapshot of
 * 10,000 processes needs no 4 MB buffer. Without a descriptor (tests) the
 * buffer keeps everything. The first write error stops further writes.
 */
void
batch_spill(struct batch_out *out, size_t at)
{
	const char	*p = out->b.data;
	size_t		 left = out->b.len;
	ssize_t		 n;

	if (out->fd < 0 || left < at || left == 0)
		return;
	while (left > 0 && out->error == 0) {
		n = write(out->fd, p, left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			out->error = errno;
		else {
			p += n;
			left -= n;
		}
	}
	buf_reset(&out->b);
}

void
batch_format(struct batch_out *out, struct model *m,
    const struct options *o, int flags)
{
	if (o->format == FORMAT_JSON)
		batch_json(out, m, o);
	else
		batch_text(out, m, o, flags);
}

static void
batch_tick(void *arg)
{
	struct batch	*bt = arg;

	refresh_tick(bt->r);
	batch_format(&bt->out, refresh_model(bt->r), bt->o, bt->flags);
	batch_spill(&bt->out, 0);
	alarm_events_clear(bt->out.alarms);
	if (bt->out.error != 0) {
		/* A closed pipe (| head) is the reader's choice, not an error. */
		if (bt->out.error != EPIPE)
			fprintf(stderr, _("vigil: writing output: %s\n"),
			    strerror(bt->out.error));
		loop_exit(bt->loop, bt->out.error == EPIPE ? 0 : 1);
		return;
	}
	if (bt->o->count > 0 && ++bt->printed >= bt->o->count)
		loop_exit(bt->loop, 0);
	else
		loop_rearm_timer(bt->loop, bt->timer, bt->o->delay / 10.0);
}

static void
batch_logs(int fd, short revents, void *arg)
{
	struct batch	*bt = arg;

	refresh_logs_read(bt->r);
}

static void
batch_logs_poll(void *arg)
{
	struct batch	*bt = arg;

	refresh_logs_poll(bt->r);
}

static void
batch_signal(int signo, void *arg)
{
	struct batch	*bt = arg;

	loop_exit(bt->loop, 128 + signo);
}

int
batch_run(struct options *o)
{
	struct batch	 bt;
	struct config	 cfg;
	const char	*cs = nl_langinfo(CODESET), *w;
	double		 delay = o->delay / 10.0;
	size_t		 i;
	int		 status;

	/*
	 * The file's alarm rules and logs apply; its screen settings do not
	 * (scripts get the same output wherever they run). A bad line is
	 * told and skipped.
	 */
	config_load(&cfg, o, 0, NULL);
	for (i = 0; i < cfg.nerrors; i++)
		fprintf(stderr, "vigil: %s\n", cfg.errors[i]);
	config_free(&cfg);

	memset(&bt, 0, sizeof bt);
	bt.o = o;
	bt.out.fd = STDOUT_FILENO;
	if (o->format == FORMAT_TEXT && strcmp(cs, "UTF-8") != 0)
		bt.flags |= BATCH_ASCII;
	if ((bt.r = refresh_new(o)) == NULL)
		return (2);
	for (i = 0; (w = refresh_warning(bt.r, i)) != NULL; i++)
		fprintf(stderr, "vigil: %s\n", w);
	bt.loop = loop_new();
	signal(SIGPIPE, SIG_IGN);
	loop_add_signal(bt.loop, SIGINT, batch_signal, &bt);
	loop_add_signal(bt.loop, SIGTERM, batch_signal, &bt);
	loop_add_signal(bt.loop, SIGHUP, batch_signal, &bt);

	bt.out.alarms = refresh_alarms(bt.r);
	if (refresh_logs_fd(bt.r) != -1) {
		loop_add_fd(bt.loop, refresh_logs_fd(bt.r), POLLIN, batch_logs,
		    &bt);
		loop_add_timer(bt.loop, 1, 1, batch_logs_poll, &bt);
	}

	/*
	 * The first figures need one interval of deltas, as top's do. With
	 * --history, the rings start from a recorder's store where there is
	 * one, as the monitor's do.
	 */
	if (o->history)
		replay_prefill(bt.r, o);
	refresh_tick(bt.r);
	if ((bt.timer = loop_add_timer(bt.loop, delay, 0, batch_tick,
	    &bt)) == -1) {
		fprintf(stderr, _("vigil: cannot create a timer: %s\n"),
		    strerror(errno));
		status = 1;
	} else
		status = loop_run(bt.loop);
	loop_free(bt.loop);
	refresh_free(bt.r);
	buf_free(&bt.out.b);
	return (status);
}
