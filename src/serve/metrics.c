/* The snapshot in the Prometheus text format (0.0.4) or OpenMetrics 1.0. */

/*
 * The group metrics have process-exporter's names, labels and types, so
 * dashboards made for it keep working; the host's and vigil's own are
 * vigil_*. Formats as in prometheus/docs exposition_formats.md and the
 * OpenMetrics specification: in OpenMetrics a counter's family is named
 * without the _total of its sample, and the text ends with "# EOF".
 */

#include "vigil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve-int.h"

struct metrics_out {
	struct buf	*b;
	int		 flags;
};

static const char *metrics_states[SST__COUNT] = {
	"Running", "Sleeping", "Waiting", "Zombie", "Other"
};

static const char *metrics_cpu_modes[8] = {
	"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"
};

static const char *metrics_psi[3] = { "cpu", "memory", "io" };

/*
 * HELP and TYPE of a family. name is the sample's name: for a counter it
 * ends in _total, which OpenMetrics leaves out of the family's name.
 */
static void
metrics_family(struct metrics_out *mo, const char *name, const char *type,
    const char *help)
{
	size_t	len = strlen(name);

	if ((mo->flags & SERVE_OPENMETRICS) && strcmp(type, "counter") == 0 &&
	    len > 6 && strcmp(name + len - 6, "_total") == 0)
		len -= 6;
	buf_printf(mo->b, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)len, name,
	    help, (int)len, name, type);
}

/* A label value: backslash, double quote and newline escaped. */
static void
metrics_label(struct buf *b, const char *key, const char *v, int first)
{
	if (!first)
		buf_addc(b, ',');
	buf_printf(b, "%s=\"", key);
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			buf_addc(b, '\\');
		if (*v == '\n')
			buf_adds(b, "\\n");
		else
			buf_addc(b, *v);
	}
	buf_addc(b, '"');
}

static void
metrics_value(struct buf *b, double v)
{
	if (isnan(v))
		buf_adds(b, " NaN\n");
	else if (v == floor(v) && fabs(v) < 1e15)
		buf_printf(b, " %.0f\n", v);
	else	/* 15 digits: an epoch keeps its milliseconds */
		buf_printf(b, " %.15g\n", v);
}

/* name{k1="v1"[,k2="v2"]} value; k1 NULL: no labels. */
static void
metrics_sample(struct metrics_out *mo, const char *name, const char *k1,
    const char *v1, const char *k2, const char *v2, double v)
{
	buf_adds(mo->b, name);
	if (k1 != NULL) {
		buf_addc(mo->b, '{');
		metrics_label(mo->b, k1, v1, 1);
		if (k2 != NULL)
			metrics_label(mo->b, k2, v2, 0);
		buf_addc(mo->b, '}');
	}
	metrics_value(mo->b, v);
}

static void
metrics_host(struct metrics_out *mo, const struct serve_snap *s)
{
	static const char	*mem[] = { "total", "free", "available",
				    "buffers", "cached" };
	const double		 memv[] = { s->mem_total, s->mem_free,
				    s->mem_available, s->mem_buffers,
				    s->mem_cached };
	size_t			 i;

	metrics_family(mo, "vigil_cpu_seconds_total", "counter",
	    "Seconds all CPUs spent in each mode, from /proc/stat.");
	for (i = 0; i < nitems(metrics_cpu_modes); i++)
		metrics_sample(mo, "vigil_cpu_seconds_total", "mode",
		    metrics_cpu_modes[i], NULL, NULL, s->cpu[i]);
	metrics_family(mo, "vigil_cpus", "gauge", "Online CPUs.");
	metrics_sample(mo, "vigil_cpus", NULL, NULL, NULL, NULL, s->ncpu);
	metrics_family(mo, "vigil_memory_bytes", "gauge",
	    "Memory, from /proc/meminfo.");
	for (i = 0; i < nitems(mem); i++)
		metrics_sample(mo, "vigil_memory_bytes", "type", mem[i], NULL,
		    NULL, memv[i]);
	metrics_family(mo, "vigil_swap_bytes", "gauge", "Swap space.");
	metrics_sample(mo, "vigil_swap_bytes", "type", "total", NULL, NULL,
	    s->swap_total);
	metrics_sample(mo, "vigil_swap_bytes", "type", "free", NULL, NULL,
	    s->swap_free);
	metrics_family(mo, "vigil_load_average", "gauge",
	    "Load average over 1, 5 and 15 minutes.");
	metrics_sample(mo, "vigil_load_average", "period", "1m", NULL, NULL,
	    s->load[0]);
	metrics_sample(mo, "vigil_load_average", "period", "5m", NULL, NULL,
	    s->load[1]);
	metrics_sample(mo, "vigil_load_average", "period", "15m", NULL, NULL,
	    s->load[2]);
	metrics_family(mo, "vigil_boot_time_seconds", "gauge",
	    "When the machine booted, seconds since the epoch.");
	metrics_sample(mo, "vigil_boot_time_seconds", NULL, NULL, NULL, NULL,
	    floor(s->boot_epoch));
	if (s->has_psi) {
		metrics_family(mo, "vigil_pressure_some_ratio", "gauge",
		    "PSI: share of the last 10 s some task stalled on the resource.");
		for (i = 0; i < 3; i++)
			metrics_sample(mo, "vigil_pressure_some_ratio",
			    "resource", metrics_psi[i], NULL, NULL,
			    s->psi_some[i]);
		metrics_family(mo, "vigil_pressure_full_ratio", "gauge",
		    "PSI: share of the last 10 s all tasks stalled on the resource.");
		for (i = 1; i < 3; i++)
			metrics_sample(mo, "vigil_pressure_full_ratio",
			    "resource", metrics_psi[i], NULL, NULL,
			    s->psi_full[i]);
	}
	metrics_family(mo, "vigil_disk_read_bytes_total", "counter",
	    "Bytes read from block devices.");
	metrics_sample(mo, "vigil_disk_read_bytes_total", NULL, NULL, NULL,
	    NULL, s->disk_read);
	metrics_family(mo, "vigil_disk_written_bytes_total", "counter",
	    "Bytes written to block devices.");
	metrics_sample(mo, "vigil_disk_written_bytes_total", NULL, NULL, NULL,
	    NULL, s->disk_write);
	metrics_family(mo, "vigil_network_receive_bytes_total", "counter",
	    "Bytes received by network interfaces but lo.");
	metrics_sample(mo, "vigil_network_receive_bytes_total", NULL, NULL,
	    NULL, NULL, s->net_rx);
	metrics_family(mo, "vigil_network_transmit_bytes_total", "counter",
	    "Bytes sent by network interfaces but lo.");
	metrics_sample(mo, "vigil_network_transmit_bytes_total", NULL, NULL,
	    NULL, NULL, s->net_tx);
	metrics_family(mo, "vigil_processes", "gauge",
	    "Processes and threads on the machine.");
	metrics_sample(mo, "vigil_processes", "kind", "process", NULL, NULL,
	    s->procs);
	metrics_sample(mo, "vigil_processes", "kind", "thread", NULL, NULL,
	    s->threads);
}

/* One family with one sample per group. */
static void
metrics_groups_one(struct metrics_out *mo, const struct serve_snap *s,
    const char *name, const char *type, const char *help, size_t off,
    int isdouble)
{
	const struct serve_group	*g;
	size_t				 i;
	double				 v;

	metrics_family(mo, name, type, help);
	for (i = 0; i < s->ngroups; i++) {
		g = &s->groups[i];
		if (isdouble)
			v = *(const double *)((const char *)g + off);
		else
			v = *(const unsigned long *)((const char *)g + off);
		metrics_sample(mo, name, "groupname", g->name, NULL, NULL, v);
	}
}

static void
metrics_groups(struct metrics_out *mo, const struct serve_snap *s)
{
	const struct serve_group	*g;
	size_t				 i, j;

	metrics_family(mo, "namedprocess_namegroup_num_procs", "gauge",
	    "number of processes in this group");
	for (i = 0; i < s->ngroups; i++)
		metrics_sample(mo, "namedprocess_namegroup_num_procs",
		    "groupname", s->groups[i].name, NULL, NULL,
		    s->groups[i].nprocs);
	metrics_family(mo, "namedprocess_namegroup_cpu_seconds_total",
	    "counter", "Cpu user usage in seconds");
	for (i = 0; i < s->ngroups; i++) {
		g = &s->groups[i];
		metrics_sample(mo, "namedprocess_namegroup_cpu_seconds_total",
		    "groupname", g->name, "mode", "user", g->user_s);
		metrics_sample(mo, "namedprocess_namegroup_cpu_seconds_total",
		    "groupname", g->name, "mode", "system", g->system_s);
	}
	metrics_family(mo, "namedprocess_namegroup_memory_bytes", "gauge",
	    "number of bytes of memory in use");
	for (i = 0; i < s->ngroups; i++) {
		g = &s->groups[i];
		metrics_sample(mo, "namedprocess_namegroup_memory_bytes",
		    "groupname", g->name, "memtype", "resident", g->rss);
		metrics_sample(mo, "namedprocess_namegroup_memory_bytes",
		    "groupname", g->name, "memtype", "virtual", g->vsz);
		metrics_sample(mo, "namedprocess_namegroup_memory_bytes",
		    "groupname", g->name, "memtype", "swapped", g->swap);
	}
	metrics_groups_one(mo, s, "namedprocess_namegroup_num_threads",
	    "gauge", "Number of threads",
	    offsetof(struct serve_group, threads), 0);
	metrics_groups_one(mo, s, "namedprocess_namegroup_open_filedesc",
	    "gauge", "number of open file descriptors for this group",
	    offsetof(struct serve_group, fds), 0);
	metrics_groups_one(mo, s, "namedprocess_namegroup_read_bytes_total",
	    "counter", "number of bytes read by this group",
	    offsetof(struct serve_group, read_bytes), 1);
	metrics_groups_one(mo, s, "namedprocess_namegroup_write_bytes_total",
	    "counter", "number of bytes written by this group",
	    offsetof(struct serve_group, write_bytes), 1);
	metrics_groups_one(mo, s,
	    "namedprocess_namegroup_major_page_faults_total", "counter",
	    "Major page faults", offsetof(struct serve_group, majflt), 1);
	metrics_groups_one(mo, s,
	    "namedprocess_namegroup_minor_page_faults_total", "counter",
	    "Minor page faults", offsetof(struct serve_group, minflt), 1);
	metrics_family(mo, "namedprocess_namegroup_oldest_start_time_seconds",
	    "gauge", "start time in seconds since 1970/01/01 of oldest process in group");
	for (i = 0; i < s->ngroups; i++)
		metrics_sample(mo,
		    "namedprocess_namegroup_oldest_start_time_seconds",
		    "groupname", s->groups[i].name, NULL, NULL,
		    s->groups[i].oldest);
	metrics_family(mo, "namedprocess_namegroup_states", "gauge",
	    "Number of processes in states Running, Sleeping, Waiting, Zombie, or Other");
	for (i = 0; i < s->ngroups; i++) {
		for (j = 0; j < SST__COUNT; j++)
			metrics_sample(mo, "namedprocess_namegroup_states",
			    "groupname", s->groups[i].name, "state",
			    metrics_states[j], s->groups[i].states[j]);
	}
}

/* name{groupname="G",pid="N"[,k="v"]} value */
static void
metrics_pid_sample(struct metrics_out *mo, const char *name,
    const struct serve_snap *s, const struct serve_pid *p, const char *k,
    const char *v, double value)
{
	char	pid[16];

	snprintf(pid, sizeof pid, "%d", p->pid);
	buf_printf(mo->b, "%s{", name);
	metrics_label(mo->b, "groupname", s->groups[p->group].name, 1);
	metrics_label(mo->b, "pid", pid, 0);
	if (k != NULL)
		metrics_label(mo->b, k, v, 0);
	buf_addc(mo->b, '}');
	metrics_value(mo->b, value);
}

/* serve-per-pid: each process of those groups, labelled by its PID. */
static void
metrics_pids(struct metrics_out *mo, const struct serve_snap *s)
{
	const struct serve_pid	*p;
	size_t			 i;

	if (s->npids == 0 && s->pids_dropped == 0)
		return;
	metrics_family(mo, "vigil_process_cpu_seconds_total", "counter",
	    "CPU seconds of the process, by mode.");
	for (i = 0, p = s->pids; i < s->npids; i++, p++) {
		metrics_pid_sample(mo, "vigil_process_cpu_seconds_total", s, p,
		    "mode", "user", p->user_s);
		metrics_pid_sample(mo, "vigil_process_cpu_seconds_total", s, p,
		    "mode", "system", p->system_s);
	}
	metrics_family(mo, "vigil_process_memory_bytes", "gauge",
	    "Memory of the process, by kind.");
	for (i = 0, p = s->pids; i < s->npids; i++, p++) {
		metrics_pid_sample(mo, "vigil_process_memory_bytes", s, p,
		    "memtype", "resident", p->rss);
		metrics_pid_sample(mo, "vigil_process_memory_bytes", s, p,
		    "memtype", "virtual", p->vsz);
	}
	metrics_family(mo, "vigil_process_threads", "gauge",
	    "Threads of the process.");
	for (i = 0, p = s->pids; i < s->npids; i++, p++)
		metrics_pid_sample(mo, "vigil_process_threads", s, p, NULL,
		    NULL, p->threads);
	metrics_family(mo, "vigil_process_start_time_seconds", "gauge",
	    "Start time of the process in seconds since 1970-01-01.");
	for (i = 0, p = s->pids; i < s->npids; i++, p++)
		metrics_pid_sample(mo, "vigil_process_start_time_seconds", s, p,
		    NULL, NULL, p->start);
	metrics_family(mo, "vigil_process_series_dropped", "gauge",
	    "Processes left without per-PID series, past the cap of 1000.");
	metrics_sample(mo, "vigil_process_series_dropped", NULL, NULL, NULL,
	    NULL, s->pids_dropped);
}

static void
metrics_alarms(struct metrics_out *mo, const struct serve_snap *s)
{
	size_t	i;

	metrics_family(mo, "vigil_alarm_firing", "gauge",
	    "Processes (or 1 for a system or log rule) for which the alarm rule fires.");
	for (i = 0; i < s->nalarms; i++)
		metrics_sample(mo, "vigil_alarm_firing", "alarm",
		    s->alarms[i].name, "severity", s->alarms[i].severity,
		    s->alarms[i].firing);
}

/* vigil run's services: restarts and whether the command runs. */
static void
metrics_services(struct metrics_out *mo, const struct serve_snap *s)
{
	size_t	i;

	metrics_family(mo, "vigil_run_restarts_total", "counter",
	    "Restarts of the command vigil run supervises, since its supervisor started.");
	for (i = 0; i < s->nservices; i++)
		metrics_sample(mo, "vigil_run_restarts_total", "service",
		    s->services[i].name, NULL, NULL, s->services[i].restarts);
	metrics_family(mo, "vigil_run_up", "gauge",
	    "1 while the supervised command runs, 0 while it waits to restart.");
	for (i = 0; i < s->nservices; i++)
		metrics_sample(mo, "vigil_run_up", "service",
		    s->services[i].name, NULL, NULL, s->services[i].up);
}

/* The whole exposition of s into b; scrapes counts this scrape. */
void
serve_metrics(struct buf *b, const struct serve_snap *s, int flags,
    unsigned long scrapes)
{
	struct metrics_out	mo = { b, flags };

	metrics_host(&mo, s);
	metrics_groups(&mo, s);
	metrics_pids(&mo, s);
	metrics_alarms(&mo, s);
	metrics_services(&mo, s);
	metrics_family(&mo, "vigil_refresh_seconds", "gauge",
	    "Time the last refresh of the process table took.");
	metrics_sample(&mo, "vigil_refresh_seconds", NULL, NULL, NULL, NULL,
	    s->refresh_s);
	metrics_family(&mo, "vigil_refreshes_total", "counter",
	    "Refreshes since vigil serve started.");
	metrics_sample(&mo, "vigil_refreshes_total", NULL, NULL, NULL, NULL,
	    s->refreshes);
	metrics_family(&mo, "vigil_scrapes_total", "counter",
	    "Scrapes answered since vigil serve started, this one included.");
	metrics_sample(&mo, "vigil_scrapes_total", NULL, NULL, NULL, NULL,
	    scrapes);
	if (flags & SERVE_OPENMETRICS)
		buf_adds(b, "# EOF\n");
}

void
serve_snap_free(struct serve_snap *s)
{
	if (s == NULL)
		return;
	free(s->pids);
	free(s->services);
	free(s->groups);
	free(s->alarms);
	free(s);
}
