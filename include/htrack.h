/*
 * Allocation tracking, the client side (`vigil heaptrack`): asking the
 * agent of libvigil-heap.so in a tracked process for a snapshot, parsing
 * it, the history of a process's snapshots (growth, leak suspects),
 * symbols (through the profiler's libdw code) and the reports: top call
 * sites, pprof heap profiles, folded stacks and the sites as JSON (what
 * the monitor's heap view reads). htrack_tracked(): has the process an
 * agent socket.
 *
 * A struct htrack_snap owns its sites, their stacks and the maps text;
 * htrack_snap_free() frees them. A struct htrack_sym owns its profile
 * (frames and mappings) and per-site frame lists. The wire format is
 * described in src/heap/preload-agent.c.
 */
#ifndef VIGIL_HTRACK_H
#define VIGIL_HTRACK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define HTRACK_HISTORY	8	/* snapshots remembered per process */

struct prof;

struct htrack_site {
	int		 mmap;		/* anonymous mmap, not malloc */
	int64_t		 live_bytes;
	int64_t		 live_objs;
	int64_t		 cum_bytes;	/* allocated since the start */
	int64_t		 cum_objs;
	uint64_t	*ips;		/* return addresses, leaf first */
	size_t		 depth;
	uint64_t	 key;		/* same kind and stack: same key */

	/* From the history (htrack_history_apply()). */
	int		 known;		/* in the previous snapshot */
	int64_t		 growth;	/* live bytes since then */
	int		 suspect;	/* live bytes grew at every snapshot */
	int		 seen;		/* snapshots it is in, up to HISTORY */
};

struct htrack_snap {
	int		 pid;
	int		 sampled;	/* 0: every allocation */
	uint64_t	 rate;		/* mean bytes between samples */
	double		 time;		/* CLOCK_REALTIME, seconds */
	double		 prev_time;	/* of the previous snapshot; 0: none */
	struct htrack_site *sites;
	size_t		 nsites;
	char		*maps;		/* the process's /proc/PID/maps */
};

int	htrack_tracked(int);
int	htrack_parse(struct htrack_snap *, const char *, char *, size_t);
int	htrack_fetch(int, struct htrack_snap *, char *, size_t);
void	htrack_snap_free(struct htrack_snap *);
void	htrack_sort(struct htrack_snap *);

/*
 * The history: read from in (NULL: none), growth and suspects set in the
 * snapshot, the new history written to out. A site is a leak suspect when
 * it is in at least two snapshots and its live bytes grew at each.
 */
int	htrack_history_apply(struct htrack_snap *, FILE *, FILE *);
int	htrack_history(struct htrack_snap *, char *, size_t);

/* Symbols: per site, its frames root first (indices into p->frames). */
struct htrack_sym {
	struct prof	*p;
	size_t		**frames;
	size_t		*depth;
	size_t		 n;
};

void	htrack_symbolise(const struct htrack_snap *, struct htrack_sym *);
void	htrack_sym_free(struct htrack_sym *);

int	htrack_write_top(const struct htrack_snap *, const struct htrack_sym *,
	    FILE *, size_t, char *, size_t);
int	htrack_write_pprof(const struct htrack_snap *,
	    const struct htrack_sym *, FILE *, char *, size_t);
int	htrack_write_folded(const struct htrack_snap *,
	    const struct htrack_sym *, FILE *, char *, size_t);
int	htrack_write_json(const struct htrack_snap *,
	    const struct htrack_sym *, FILE *, size_t, char *, size_t);

/*
 * `vigil heaptrack`: argv from the command's name on; the exit status.
 * htrack_preload_env() sets this process's environment so that programs
 * it starts are tracked (full: every allocation; rate: NULL or a size
 * like "64k"); 0, or -1 with err set when the library is not found.
 */
int	htrack_cmd(int, char **);
int	htrack_preload_env(int, const char *, char *, size_t);

#endif
