/* System counters: CPU, memory, load, PSI, disk and network. */

#include "vigil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libproc2/diskstats.h>
#include <libproc2/meminfo.h>
#include <libproc2/misc.h>
#include <libproc2/stat.h>

#include "file.h"
#include "sample.h"
#include "sample-int.h"
#include "xalloc.h"

struct sysreader {
	struct stat_info	*stat;
	struct meminfo_info	*mem;
	struct diskstats_info	*disk;
	int			 no_psi;
	int			 no_disk;
	char			*scratch;
	size_t			 scratchlen;
};

static enum stat_item sys_cpu_items[] = {
	STAT_TIC_ID, STAT_TIC_USER, STAT_TIC_NICE, STAT_TIC_SYSTEM,
	STAT_TIC_IDLE, STAT_TIC_IOWAIT, STAT_TIC_IRQ, STAT_TIC_SOFTIRQ,
	STAT_TIC_STOLEN
};

static enum meminfo_item sys_mem_items[] = {
	MEMINFO_MEM_TOTAL, MEMINFO_MEM_FREE, MEMINFO_MEM_AVAILABLE,
	MEMINFO_MEM_BUFFERS, MEMINFO_MEM_CACHED, MEMINFO_SWAP_TOTAL,
	MEMINFO_SWAP_FREE
};

static enum diskstats_item sys_disk_items[] = {
	DISKSTATS_NAME, DISKSTATS_TYPE, DISKSTATS_READ_SECTORS,
	DISKSTATS_WRITE_SECTORS
};

struct sysreader *
sysreader_new(void)
{
	struct sysreader	*r;

	r = xcalloc(1, sizeof *r);
	if (procps_stat_new(&r->stat) < 0)
		r->stat = NULL;
	if (procps_meminfo_new(&r->mem) < 0)
		r->mem = NULL;
	if (procps_diskstats_new(&r->disk) < 0)
		r->disk = NULL;
	r->scratchlen = 16384;
	r->scratch = xmalloc(r->scratchlen);
	return (r);
}

void
sysreader_free(struct sysreader *r)
{
	if (r == NULL)
		return;
	if (r->stat != NULL)
		procps_stat_unref(&r->stat);
	if (r->mem != NULL)
		procps_meminfo_unref(&r->mem);
	if (r->disk != NULL)
		procps_diskstats_unref(&r->disk);
	free(r->scratch);
	free(r);
}

static void
sys_cpu_fill(struct sample_cpu *c, struct stat_stack *st)
{
	c->user = st->head[1].result.ull_int;
	c->nice = st->head[2].result.ull_int;
	c->system = st->head[3].result.ull_int;
	c->idle = st->head[4].result.ull_int;
	c->iowait = st->head[5].result.ull_int;
	c->irq = st->head[6].result.ull_int;
	c->softirq = st->head[7].result.ull_int;
	c->steal = st->head[8].result.ull_int;
}

static int
sys_read_cpus(struct sysreader *r, struct sample_sys *out)
{
	struct stat_reaped	*rp;
	int			 i, id;

	if (r->stat == NULL || (rp = procps_stat_reap(r->stat,
	    STAT_REAP_CPUS_ONLY, sys_cpu_items, nitems(sys_cpu_items))) == NULL)
		return (-1);
	sys_cpu_fill(&out->total, rp->summary);
	if (out->ncpu != rp->cpus->total) {
		out->ncpu = rp->cpus->total;
		out->cpus = xreallocarray(out->cpus, out->ncpu,
		    sizeof *out->cpus);
	}
	memset(out->cpus, 0, out->ncpu * sizeof *out->cpus);
	for (i = 0; i < rp->cpus->total; i++) {
		id = rp->cpus->stacks[i]->head[0].result.s_int;
		if (id < 0 || id >= out->ncpu)
			id = i;
		sys_cpu_fill(&out->cpus[id], rp->cpus->stacks[i]);
	}
	return (0);
}

static void
sys_read_mem(struct sysreader *r, struct sample_sys *out)
{
	struct meminfo_stack	*st;

	if (r->mem == NULL || (st = procps_meminfo_select(r->mem,
	    sys_mem_items, nitems(sys_mem_items))) == NULL)
		return;
	out->mem_total = st->head[0].result.ul_int;
	out->mem_free = st->head[1].result.ul_int;
	out->mem_available = st->head[2].result.ul_int;
	out->mem_buffers = st->head[3].result.ul_int;
	out->mem_cached = st->head[4].result.ul_int;
	out->swap_total = st->head[5].result.ul_int;
	out->swap_free = st->head[6].result.ul_int;
}

/* One /proc/pressure file: "some avg10=… …" and "full avg10=… …". */
static int
sys_read_psi(struct sysreader *r, const char *path, struct sample_psi *psi)
{
	char	*line, *p;

	if (file_read(path, r->scratch, r->scratchlen) < 0)
		return (-1);
	psi->some10 = psi->full10 = 0;
	for (line = r->scratch; line != NULL && *line != '\0'; line = p) {
		if ((p = strchr(line, '\n')) != NULL)
			*p++ = '\0';
		if (strncmp(line, "some avg10=", 11) == 0)
			psi->some10 = strtod(line + 11, NULL);
		else if (strncmp(line, "full avg10=", 11) == 0)
			psi->full10 = strtod(line + 11, NULL);
	}
	return (0);
}

/*
 * Disk bytes: whole disks only (partitions would count twice), and not the
 * device-mapper, loop and ram devices, whose I/O lands on a real disk too or
 * is memory.
 */
static void
sys_read_disk(struct sysreader *r, struct sample_sys *out)
{
	struct diskstats_reaped	*rp;
	const char		*name;
	int			 i;

	out->disk_read = out->disk_write = 0;
	if (r->disk == NULL || r->no_disk)
		return;
	if ((rp = procps_diskstats_reap(r->disk, sys_disk_items,
	    nitems(sys_disk_items))) == NULL) {
		r->no_disk = 1;
		return;
	}
	for (i = 0; i < rp->total; i++) {
		struct diskstats_stack *st = rp->stacks[i];

		name = st->head[0].result.str;
		if (st->head[1].result.s_int != DISKSTATS_TYPE_DISK)
			continue;
		if (strncmp(name, "dm-", 3) == 0 ||
		    strncmp(name, "loop", 4) == 0 ||
		    strncmp(name, "ram", 3) == 0 ||
		    strncmp(name, "zram", 4) == 0)
			continue;
		out->disk_read += st->head[2].result.ul_int * 512ULL;
		out->disk_write += st->head[3].result.ul_int * 512ULL;
	}
}

/* /proc/net/dev: every interface but loopback. */
static void
sys_read_net(struct sysreader *r, struct sample_sys *out)
{
	char			*line, *p, *colon;
	unsigned long long	 v[9];

	out->net_rx = out->net_tx = 0;
	if (file_read("/proc/net/dev", r->scratch, r->scratchlen) < 0)
		return;
	for (line = r->scratch; line != NULL && *line != '\0'; line = p) {
		if ((p = strchr(line, '\n')) != NULL)
			*p++ = '\0';
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon = '\0';
		line += strspn(line, " ");
		if (strcmp(line, "lo") == 0)
			continue;
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu",
		    &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
		    &v[8]) != 9)
			continue;
		out->net_rx += v[0];
		out->net_tx += v[8];
	}
}

int
sysreader_read(struct sysreader *r, struct sample_sys *out)
{
	out->time = sample_now();
	if (sys_read_cpus(r, out) != 0)
		return (-1);
	sys_read_mem(r, out);
	if (procps_loadavg(&out->load[0], &out->load[1], &out->load[2]) < 0)
		out->load[0] = out->load[1] = out->load[2] = 0;
	/* CLOCK_BOOTTIME is what /proc/uptime shows: no file to read. */
	out->uptime = out->time;

	out->has_psi = 0;
	if (!r->no_psi) {
		if (sys_read_psi(r, "/proc/pressure/cpu", &out->psi_cpu) == 0 &&
		    sys_read_psi(r, "/proc/pressure/memory", &out->psi_mem) == 0 &&
		    sys_read_psi(r, "/proc/pressure/io", &out->psi_io) == 0)
			out->has_psi = 1;
		else
			r->no_psi = 1;	/* not in this kernel: stop trying */
	}
	sys_read_disk(r, out);
	sys_read_net(r, out);
	return (0);
}

void
sample_sys_free(struct sample_sys *s)
{
	free(s->cpus);
	s->cpus = NULL;
	s->ncpu = 0;
}

/* Copy a system sample, reusing dst's CPU array. */
void
sample_sys_copy(struct sample_sys *dst, const struct sample_sys *src)
{
	struct sample_cpu	*cpus = dst->cpus;
	int			 ncpu = dst->ncpu;

	if (ncpu != src->ncpu) {
		cpus = xreallocarray(cpus, src->ncpu ? src->ncpu : 1,
		    sizeof *cpus);
		ncpu = src->ncpu;
	}
	*dst = *src;
	dst->cpus = cpus;
	dst->ncpu = ncpu;
	if (ncpu > 0)
		memcpy(cpus, src->cpus, ncpu * sizeof *cpus);
}
