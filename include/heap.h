/*
 * Heap snapshots: every mapping of a process from /proc/PID/smaps, each
 * put in a class (main heap, thread arenas, other anonymous memory, thread
 * stacks, files, shared memory, ...), with size, RSS, PSS, private dirty
 * and swap per mapping and per class; saved as JSON and diffed.
 *
 * heap_smaps_parse() and heap_classify() are pure functions over text and
 * numbers, so tests feed them captured smaps. A struct heap_snap owns its
 * mappings and their names (heap_snap_free); a struct heap_diff owns its
 * rows (heap_diff_free). Sizes are in KiB, as smaps gives them.
 */
#ifndef VIGIL_HEAP_H
#define VIGIL_HEAP_H

#include <stddef.h>
#include <stdint.h>

struct json;
struct jsonv;

enum heap_class {
	HEAP_C_HEAP,		/* [heap]: the main arena, grown by brk */
	HEAP_C_ARENA,		/* glibc thread arenas (64 MiB-aligned) */
	HEAP_C_ANON,		/* other private anonymous memory */
	HEAP_C_THREAD_STACK,	/* a thread's stack (and its guard page) */
	HEAP_C_STACK,		/* [stack]: the main thread's */
	HEAP_C_FILE,		/* mapped files: code, data, mmap'd files */
	HEAP_C_SHMEM,		/* /dev/shm, SysV, memfd, shared anonymous */
	HEAP_C_SPECIAL,		/* [vdso], [vvar], [vsyscall] */
	HEAP_C_OTHER,
	HEAP_C__COUNT
};

/* glibc's HEAP_MAX_SIZE on 64-bit: 2 * DEFAULT_MMAP_THRESHOLD_MAX. */
#define HEAP_ARENA_ALIGN	(64ULL << 20)

#define HEAP_FMT_SIZE		24	/* heap_fmt_size(), heap_fmt_delta() */

struct heap_usage {
	uint64_t	size;
	uint64_t	rss;
	uint64_t	pss;
	uint64_t	private_dirty;
	uint64_t	swap;
};

struct heap_map {
	uint64_t		 start;
	uint64_t		 end;
	char			 perms[5];
	uint64_t		 offset;
	uint64_t		 inode;
	char			*name;		/* as the kernel wrote it */
	int			 deleted;	/* ends in " (deleted)" */
	enum heap_class		 cls;
	struct heap_usage	 u;
};

struct heap_snap {
	int			 pid;
	unsigned long long	 start_time;	/* /proc/PID/stat field 22 */
	double			 time;		/* when, seconds since 1970 */
	char			 comm[64];
	char			 stacks_from[16]; /* "sp", "sp+guard", "guard" */
	int			 threads;
	struct heap_map		*maps;
	size_t			 nmaps;
	struct heap_usage	 cls[HEAP_C__COUNT];
	struct heap_usage	 total;
};

/* Mappings of one file (or one anonymous mapping): what the lists show. */
struct heap_group {
	enum heap_class		 cls;
	char			*label;		/* path, or "[anon 7f..-7f..]" */
	char			*key;		/* what matches it in a diff */
	size_t			 count;
	struct heap_usage	 u;
};

/* Growth of one class or one group between two snapshots (KiB). */
struct heap_delta {
	enum heap_class		 cls;
	char			*label;		/* NULL for a class row */
	int64_t			 size;
	int64_t			 rss;
	int64_t			 pss;
	int64_t			 private_dirty;
	int64_t			 swap;
	uint64_t		 old_rss;
	uint64_t		 new_rss;
};

struct heap_diff {
	double			 seconds;
	struct heap_delta	 cls[HEAP_C__COUNT];	/* class order */
	struct heap_delta	 total;
	struct heap_delta	*groups;	/* changed ones, by growth */
	size_t			 ngroups;
};

const char	*heap_class_name(enum heap_class);
const char	*heap_class_label(enum heap_class);
int		 heap_class_from_name(const char *);

/* smaps.c: pure */
int	heap_smaps_parse(const char *, size_t, struct heap_snap *);
int	heap_syscall_sp(const char *, uint64_t *);
void	heap_classify(struct heap_snap *, const uint64_t *, size_t, int);
void	heap_snap_free(struct heap_snap *);

/* snap.c: reading a live process, JSON both ways, files */
int	heap_snap_read(int, struct heap_snap *, char *, size_t);
void	heap_snap_json(struct json *, const struct heap_snap *);
int	heap_snap_from_json(const struct jsonv *, struct heap_snap *, char *,
	    size_t);
int	heap_snap_load(const char *, struct heap_snap *, char *, size_t);
char	*heap_state_dir(char *, size_t);
int	heap_snap_save(const struct heap_snap *, char **, char *, size_t);
char	*heap_snap_previous(int, unsigned long long, const char *);

/* diff.c */
size_t	heap_groups(const struct heap_snap *, struct heap_group **);
void	heap_groups_free(struct heap_group *, size_t);
void	heap_diff(const struct heap_snap *, const struct heap_snap *,
	    struct heap_diff *);
void	heap_diff_free(struct heap_diff *);
void	heap_diff_json(struct json *, const struct heap_diff *);
double	heap_per_minute(int64_t, double);
char	*heap_fmt_size(char *, size_t, uint64_t);
char	*heap_fmt_delta(char *, size_t, int64_t);

/* cli.c: vigil heap */
int	heap_main(int, char **);

#endif
