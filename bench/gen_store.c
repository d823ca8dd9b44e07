/*
 * Write a synthetic store for the replay benchmark: FRAMES frames SPACING
 * seconds apart, ending now, each with NPROCS processes, through the
 * project's own record writer. The reader cannot tell it from one vigil
 * record wrote: only the clock is simulated (wall and boot times advance by
 * the spacing, not by sleeping), so a day of frames takes seconds.
 *
 * Usage: gen_store DIR NPROCS [FRAMES [SPACING]]
 */

#include "vigil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "record.h"

int
main(int argc, char **argv)
{
	struct record_wopts	 wo;
	struct record_writer	*w;
	struct record_frame	 f;
	struct sample_cpu	 cpus[2];
	const char		**cmd, **raw;
	char			 err[512], (*names)[32], (*lines)[64];
	size_t			 n, frames = 17280, i, k;
	double			 spacing = 5, now = (double)time(NULL);

	if (argc < 3) {
		fprintf(stderr, "usage: gen_store DIR NPROCS [FRAMES [SPACING]]\n");
		return (2);
	}
	n = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		frames = strtoul(argv[3], NULL, 10);
	if (argc > 4)
		spacing = strtod(argv[4], NULL);
	record_wopts_init(&wo);
	wo.host = "bench-host";
	wo.hz = 100;
	wo.keep = 0;
	wo.max_size = 0;
	wo.chunk_frames = (size_t)(600 / spacing);
	if ((w = record_writer_open(argv[1], &wo, err, sizeof err)) == NULL) {
		fprintf(stderr, "gen_store: %s\n", err);
		return (1);
	}
	memset(&f, 0, sizeof f);
	memset(cpus, 0, sizeof cpus);
	f.procs = calloc(n, sizeof *f.procs);
	cmd = calloc(n, sizeof *cmd);
	raw = calloc(n, sizeof *raw);
	names = calloc(n, sizeof *names);
	lines = calloc(n, sizeof *lines);
	if (f.procs == NULL || cmd == NULL || raw == NULL || names == NULL ||
	    lines == NULL)
		return (1);
	f.nprocs = n;
	f.cmdline = cmd;
	f.rawcomm = raw;
	f.flags = RECORD_EXITS_SEEN;
	f.sys.ncpu = 2;
	f.sys.cpus = cpus;
	f.sys.mem_total = 8UL << 20;
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof names[i], "idle%zu", i);
		snprintf(lines[i], sizeof lines[i], "/usr/bin/idle%zu --serve", i);
		f.procs[i].pid = f.procs[i].tgid = 1000 + (int)i;
		f.procs[i].ppid = 1;
		f.procs[i].user = "bench";
		f.procs[i].comm = names[i];
		f.procs[i].state = 'S';
		f.procs[i].prio = 20;
		f.procs[i].nlwp = 1;
		f.procs[i].start = 100 + i;
		f.procs[i].rss_kb = 4000 + (i % 97) * 10;
		f.procs[i].vsz_kb = 20000;
		cmd[i] = lines[i];
		raw[i] = names[i];
	}
	for (k = 0; k < frames; k++) {
		f.wall = now - (double)(frames - 1 - k) * spacing;
		f.sys.time = f.sys.uptime = 1000 + (double)k * spacing;
		f.sys.total.user += 100;
		f.sys.total.idle += 900;
		cpus[0] = cpus[1] = f.sys.total;
		f.sys.mem_free = f.sys.mem_available = 4UL << 20;
		/* A few busy processes, the rest idle. */
		for (i = 0; i < n; i++)
			if (i % 100 == 0) {
				f.procs[i].ticks += 5 * spacing;
				f.procs[i].rss_kb += 4;
			}
		if (record_writer_put(w, &f, err, sizeof err) != 0) {
			fprintf(stderr, "gen_store: %s\n", err);
			return (1);
		}
	}
	record_writer_close(w);
	/* Freed, so that a sanitizer build (tui_replay.sh runs it) exits 0. */
	free(f.procs);
	free(cmd);
	free(raw);
	free(names);
	free(lines);
	return (0);
}
