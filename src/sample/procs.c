/* Processes through libproc2. */

#include "vigil.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libproc2/misc.h>
#include <libproc2/pids.h>

#include "file.h"
#include "sample.h"
#include "sample-int.h"
#include "xalloc.h"

/*
 * The items read every tick come from /proc/PID/stat and the directory
 * itself, never from status (see the item table in procps-ng's
 * library/pids.c). VIRT and RES are in stat too; only SHR needs statm,
 * which costs a third more per process, so statm is read for every
 * process only with SAMPLE_STATM (batch output shows SHR for all), and
 * otherwise just for the rows on screen (sampler_read_shr()).
 */
enum {
	I_PID, I_TGID, I_PPID, I_EUID, I_EUSER, I_CMD, I_STATE, I_PRIO,
	I_NICE, I_NLWP, I_FLAGS, I_BEGAN, I_TICS, I_FLTMIN, I_FLTMAJ,
	I_STIME, I_VIRT, I_RES, I_SHR, I_COUNT
};

static const enum pids_item sampler_base[] = {
	PIDS_ID_PID, PIDS_ID_TGID, PIDS_ID_PPID, PIDS_ID_EUID, PIDS_ID_EUSER,
	PIDS_CMD, PIDS_STATE, PIDS_PRIORITY, PIDS_NICE, PIDS_NLWP, PIDS_FLAGS,
	PIDS_TICS_BEGAN, PIDS_TICS_ALL, PIDS_FLT_MIN, PIDS_FLT_MAJ,
	PIDS_TICS_SYSTEM
};

struct sampler {
	int			 flags;
	enum pids_item		 items[I_COUNT];
	int			 nitems;
	struct pids_info	*info;
	struct sample_proc	*procs;
	size_t			 nalloc;
	struct sysreader	*sys;
	struct procfd_cache	*fdc;		/* NULL: libproc2 reads all */
};

static int	procs_stat_start(const char *, unsigned long long *);

/*
 * Threads come from libproc2; processes from kept files (procfd.c). I/O
 * counters are read by either path itself (io.c), not by libproc2, whose
 * reading gives zeros for a file it may not read.
 */
#define SAMPLE_LIBPROC2	SAMPLE_THREADS

/* The item list for these flags, in the order of the I_ indices. */
static void
sampler_items(struct sampler *s, int flags)
{
	memcpy(s->items, sampler_base, sizeof sampler_base);
	if (flags & SAMPLE_STATM) {
		s->items[I_VIRT] = PIDS_MEM_VIRT;
		s->items[I_RES] = PIDS_MEM_RES;
		s->items[I_SHR] = PIDS_MEM_SHR;
	} else {
		s->items[I_VIRT] = PIDS_VSIZE_BYTES;
		s->items[I_RES] = PIDS_RSS;
		s->items[I_SHR] = PIDS_noop;
	}
	s->nitems = I_COUNT;
}

struct sampler *
sampler_new(int flags)
{
	struct sampler	*s;

	s = xcalloc(1, sizeof *s);
	s->flags = flags;
	sampler_items(s, flags);
	if (procps_pids_new(&s->info, s->items, s->nitems) < 0) {
		fprintf(stderr, _("vigil: cannot start libproc2: %s\n"),
		    strerror(errno));
		exit(1);
	}
	s->sys = sysreader_new();
	if ((flags & SAMPLE_LIBPROC2) == 0)
		s->fdc = procfd_new();
	return (s);
}

void
sampler_free(struct sampler *s)
{
	if (s == NULL)
		return;
	procps_pids_unref(&s->info);
	procfd_free(s->fdc);
	sysreader_free(s->sys);
	free(s->procs);
	free(s);
}

void
sampler_set_flags(struct sampler *s, int flags)
{
	if ((flags & SAMPLE_STATM) != (s->flags & SAMPLE_STATM)) {
		sampler_items(s, flags);
		procps_pids_reset(s->info, s->items, s->nitems);
	}
	/* No files kept open while libproc2 reads them all. */
	if ((flags & SAMPLE_LIBPROC2) != 0 && s->fdc != NULL) {
		procfd_free(s->fdc);
		s->fdc = NULL;
	} else if ((flags & SAMPLE_LIBPROC2) == 0 && s->fdc == NULL)
		s->fdc = procfd_new();
	s->flags = flags;
}

int
sampler_flags(const struct sampler *s)
{
	return (s->flags);
}

#define V(i, type)	(st->head[i].result.type)

static void
sampler_fill(struct sample_proc *p, struct pids_stack *st, int flags)
{
	static long	pagekb;

	if (pagekb == 0)
		pagekb = sysconf(_SC_PAGESIZE) / 1024;
	p->pid = V(I_PID, s_int);
	p->tgid = V(I_TGID, s_int);
	p->ppid = V(I_PPID, s_int);
	p->uid = V(I_EUID, u_int);
	p->user = V(I_EUSER, str);
	p->comm = V(I_CMD, str);
	p->state = V(I_STATE, s_ch);
	p->prio = V(I_PRIO, s_int);
	p->nice = V(I_NICE, s_int);
	p->nlwp = V(I_NLWP, s_int);
	p->kthread = (V(I_FLAGS, ul_int) & SAMPLE_PF_KTHREAD) != 0;
	p->start = V(I_BEGAN, ull_int);
	p->ticks = V(I_TICS, ull_int);
	p->stime = V(I_STIME, ull_int);
	p->minflt = V(I_FLTMIN, ul_int);
	p->majflt = V(I_FLTMAJ, ul_int);
	if (flags & SAMPLE_STATM) {
		p->vsz_kb = V(I_VIRT, ul_int);
		p->rss_kb = V(I_RES, ul_int);
		p->shr_kb = V(I_SHR, ul_int);
		p->has_shr = 1;
	} else {
		/* The same counters as statm's, from stat. */
		p->vsz_kb = V(I_VIRT, ul_int) / 1024;
		p->rss_kb = V(I_RES, ul_int) * pagekb;
		p->shr_kb = 0;
		p->has_shr = 0;
	}
	if (flags & SAMPLE_IO)
		sample_io_read(p->tgid, p->pid, p);
	else {
		p->has_io = 0;
		p->io_read = p->io_write = p->io_rchar = p->io_wchar = 0;
	}
}

#undef V

/* Read every process (and thread, with SAMPLE_THREADS) once. */
int
sampler_read_procs(struct sampler *s, struct sample_proc **out, size_t *n)
{
	struct pids_fetch	*f;
	enum pids_fetch_type	 which;
	int			 i, total;

	if (s->fdc != NULL && (s->flags & SAMPLE_LIBPROC2) == 0) {
		if (procfd_scan(s->fdc, s->flags, &s->procs, &s->nalloc,
		    n) != 0)
			return (-1);
		*out = s->procs;
		return (0);
	}
	which = (s->flags & SAMPLE_THREADS) ? PIDS_FETCH_THREADS_TOO :
	    PIDS_FETCH_TASKS_ONLY;
	if ((f = procps_pids_reap(s->info, which)) == NULL)
		return (-1);
	total = f->counts->total;
	if ((size_t)total > s->nalloc) {
		s->nalloc = total + total / 4 + 16;
		s->procs = xreallocarray(s->procs, s->nalloc, sizeof *s->procs);
	}
	for (i = 0; i < total; i++)
		sampler_fill(&s->procs[i], f->stacks[i], s->flags);
	*out = s->procs;
	*n = total;
	return (0);
}

/*
 * Read the command lines and names of the given processes, for processes
 * seen for the first time (or renamed): /proc/PID/cmdline and comm
 * themselves, raw, the command line's NUL separators turned into spaces as
 * ps and top show them. Read directly because libproc2's select
 * also parses /proc/PID/status for each PID, which costs more than the
 * command line; and raw because its joined form replaces control
 * characters with '?', losing what they were (vigil's sanitiser shows them
 * escaped when printed). A process without one (a kernel thread, a zombie)
 * gets "".
 */
void
sampler_read_cmdlines(struct sampler *s, int *pids, size_t n,
    sample_cmdline_cb cb, void *arg)
{
	char	 path[64], comm[64], *text;
	ssize_t	 len, i;
	size_t	 k;

	for (k = 0; k < n; k++) {
		snprintf(path, sizeof path, "/proc/%d/comm", pids[k]);
		if ((len = file_read(path, comm, sizeof comm)) < 0)
			continue;	/* gone: the next update drops it */
		if (len > 0 && comm[len - 1] == '\n')
			comm[len - 1] = '\0';
		snprintf(path, sizeof path, "/proc/%d/cmdline", pids[k]);
		if ((len = file_read_all(path, &text)) < 0)
			continue;
		while (len > 0 && text[len - 1] == '\0')
			len--;
		for (i = 0; i < len; i++) {
			if (text[i] == '\0')
				text[i] = ' ';
		}
		text[len] = '\0';
		cb(pids[k], text, comm, arg);
		free(text);
	}
}

/* SHR (the third field of statm, in pages) of a few processes on screen. */
void
sampler_read_shr(struct sampler *s, int *pids, size_t n,
    sample_shr_cb cb, void *arg)
{
	static long		 pagekb;
	char			 path[64], text[256], *p;
	unsigned long		 shared;
	size_t			 k;

	if (pagekb == 0)
		pagekb = sysconf(_SC_PAGESIZE) / 1024;
	for (k = 0; k < n; k++) {
		snprintf(path, sizeof path, "/proc/%d/statm", pids[k]);
		if (file_read(path, text, sizeof text) < 0)
			continue;
		p = text;
		strtoul(p, &p, 10);		/* size */
		strtoul(p, &p, 10);		/* resident */
		shared = strtoul(p, NULL, 10);
		cb(pids[k], shared * pagekb, arg);
	}
}

int
sampler_read_sys(struct sampler *s, struct sample_sys *out)
{
	return (sysreader_read(s->sys, out));
}

/*
 * The start time of one process (field 22 of /proc/PID/stat, counted after
 * the last ')' since the name may hold spaces and parentheses), to check
 * that a PID still names the process the user saw. With the _at form,
 * dirfd is an open /proc/PID (or /proc/PID/task/TID) directory: it keeps
 * naming that process after its PID is reused, so what is checked through
 * it is the process acted on through it.
 */
static int
procs_stat_start(const char *text, unsigned long long *start)
{
	const char	*p;
	int		 field;

	if ((p = strrchr(text, ')')) == NULL)
		return (-1);
	/* Field 2 ends at p; field 3 (state) follows. */
	for (field = 2; field < 22 && p != NULL; field++) {
		p = strchr(p + 1, ' ');
		while (p != NULL && p[1] == ' ')
			p++;
	}
	if (p == NULL)
		return (-1);
	*start = strtoull(p + 1, NULL, 10);
	return (0);
}

int
sample_start_time_at(int dirfd, unsigned long long *start)
{
	char	 text[1024];

	if (file_read_at(dirfd, "stat", text, sizeof text) < 0)
		return (-1);
	return (procs_stat_start(text, start));
}

int
sample_start_time(int pid, unsigned long long *start)
{
	char	 path[64], text[1024];

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (file_read(path, text, sizeof text) < 0)
		return (-1);
	return (procs_stat_start(text, start));
}

/*
 * A /proc/PID/stat text of pid as the sampler reads it (state, parent,
 * start, CPU time, sizes) into p; -1 if it is not one. For readers of a
 * process's stat outside the sampler (vigil profile --subprocesses).
 */
int
sample_parse_stat(char *text, int pid, struct sample_proc *p)
{
	char	comm[PROCFD_COMM];

	memset(p, 0, sizeof *p);
	return (procfd_parse_stat(text, pid, p, comm));
}

/*
 * The number of open files of a process: the entries of /proc/PID/fd
 * (readable for the user's own processes, or with CAP_SYS_PTRACE); -1 if
 * it cannot be read. Called only for processes a proc.fds rule selects.
 */
int
sample_fd_count(int pid)
{
	char		 path[64];
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", pid);
	if ((d = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return (n);
}

/*
 * VmSwap of /proc/PID/status in KiB (what process-exporter reports as
 * memtype="swapped"); -1 if the file cannot be read, 0 for a process
 * without memory of its own (a kernel thread, a zombie).
 */
long
sample_swap_kb(int pid)
{
	char	 path[64], text[4096], *p;

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if (file_read(path, text, sizeof text) < 0)
		return (-1);
	if ((p = strstr(text, "\nVmSwap:")) == NULL)
		return (0);
	return (strtol(p + 8, NULL, 10));
}

long
sample_hertz(void)
{
	static long	hz;

	if (hz == 0 && (hz = procps_hertz_get()) <= 0)
		hz = sysconf(_SC_CLK_TCK);
	return (hz);
}

/* The clock that process start times count on. */
double
sample_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}
