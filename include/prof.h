/*
 * Profiles: the stacks a sampler collected, in the one form every export
 * reads. Frames are interned (one entry per distinct location); stacks are
 * interned per thread, root first, each with its sample count. The profile
 * owns every string and array in it; prof_frame_intern() and friends copy
 * what they are given.
 *
 * Written by the sampler (src/prof/sampler*.c), by prof_read_folded() (for
 * --diff), and read by the exporters: folded stacks, top functions, an SVG
 * flamegraph, gzipped pprof and speedscope JSON.
 */
#ifndef VIGIL_PROF_H
#define VIGIL_PROF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum prof_frame_kind {
	PF_NATIVE,		/* machine code, symbolised with libdw */
	PF_PYTHON		/* a CPython frame: func is the qualname */
};

#define PF_INLINED	0x1	/* inlined into the frame below it */
#define PF_FDE		0x2	/* unnamed: offset is its FDE's start */

struct prof_frame {
	enum prof_frame_kind	 kind;
	char			*func;		/* demangled; NULL: unknown */
	char			*sysname;	/* mangled; NULL: same as func */
	unsigned		 flags;		/* PF_INLINED, PF_FDE */
	char			*file;		/* source file, NULL: unknown */
	int			 line;		/* 0: unknown */
	char			*module;	/* ELF path, "[vdso]"; NULL */
	uint64_t		 offset;	/* address relative to the module */
};

struct prof_thread {
	int			 tid;
	char			*name;		/* comm of the thread; NULL */
};

struct prof_stack {
	size_t			*frames;	/* into prof.frames, root first */
	size_t			 depth;
	size_t			 thread;	/* into prof.threads */
	uint64_t		 count;
};

struct prof_mapping {
	uint64_t		 start, end;	/* in the target */
	uint64_t		 offset;	/* file offset of start */
	char			*path;
	char			*build_id;	/* hex; NULL: none */
};

struct prof_index;

/*
 * What a sample counts (src/prof/mode.c). On-CPU: the threads running (or
 * runnable) when the sample is taken, like perf's cpu-clock; wall: every
 * thread (py-spy's --idle); off-CPU: the threads waiting, each stack
 * ending in a frame "[off-cpu: WAIT]" that names the wait. On-CPU and
 * off-CPU split wall's samples between them. NONE: not known (a profile
 * read back from folded stacks, the heap tracker's).
 */
enum prof_mode {
	PROF_MODE_NONE,
	PROF_MODE_ON_CPU,
	PROF_MODE_WALL,
	PROF_MODE_OFF_CPU
};

struct prof {
	int			 pid;
	char			*comm;
	enum prof_mode		 mode;
	double			 rate_hz;
	uint64_t		 start_ns;	/* CLOCK_REALTIME at start */
	uint64_t		 duration_ns;
	uint64_t		 total;		/* samples, all stacks */

	struct prof_frame	*frames;
	size_t			 nframes;
	struct prof_stack	*stacks;
	size_t			 nstacks;
	struct prof_thread	*threads;
	size_t			 nthreads;
	struct prof_mapping	*mappings;
	size_t			 nmappings;

	struct prof_index	*index;		/* interning; private */
};

struct buf;

/*
 * prof_reset() forgets the samples (stacks, total, duration) but keeps
 * frames, threads and mappings, so indices a caller holds stay valid.
 * prof_frame_label() writes the frame's label, sanitised (controls
 * escaped, bad UTF-8 replaced), cut at a character boundary to fit, and
 * returns its whole length like snprintf(3). Native: func (with
 * " (inlined)" for an inlined call), else basename(module)!fde@0xSTART for
 * a function known by its unwind entry only, else basename(module)+0xOFFSET,
 * else [unknown]; Python: "qualname (file.py:N)".
 * prof_demangle() gives the demangled C++ or Rust (legacy, v0) name of a
 * symbol, allocated, or NULL when it is not mangled.
 */
struct prof	*prof_new(int, const char *, double);
void		 prof_free(struct prof *);
void		 prof_reset(struct prof *);
size_t		 prof_frame_intern(struct prof *, const struct prof_frame *);
size_t		 prof_thread_intern(struct prof *, int, const char *);
size_t		 prof_add(struct prof *, size_t, const size_t *, size_t,
		     uint64_t);
void		 prof_mapping_add(struct prof *, const struct prof_mapping *);
size_t		 prof_frame_label(const struct prof_frame *, char *, size_t);
void		 prof_frame_label_buf(const struct prof_frame *, struct buf *);
void		 prof_frame_label_raw(const struct prof_frame *, struct buf *);
const char	*prof_basename(const char *);
char		*prof_demangle(const char *);

/*
 * prof_mode_parse() takes on-cpu, wall, off-cpu or idle (wall) and
 * returns 0, or -1; prof_mode_name() is NULL for NONE, like
 * prof_mode_what() (a phrase saying what a sample is, translated).
 * prof_mode_keep() says whether a thread's stack counts in the mode;
 * prof_offcpu_label() appends the leaf of an off-CPU stack to the buffer:
 * "[off-cpu: WCHAN]", or "[off-cpu: STATE]" when the wchan is NULL, empty,
 * "0" or do_syscall_64 (and then returns 0; 1 when it named the wchan).
 */
int		 prof_mode_parse(const char *, enum prof_mode *);
const char	*prof_mode_name(enum prof_mode);
const char	*prof_mode_what(enum prof_mode);
enum prof_mode	 prof_mode_next(enum prof_mode);
int		 prof_mode_keep(enum prof_mode, int);
int		 prof_offcpu_label(const char *, char, struct buf *);

/*
 * Top functions by self samples (the leaf), then total (on the stack,
 * once per stack however deep it recurses): what `--format top` prints
 * and the live view shows. Names are sanitised labels; frames with the
 * same label are one function. prof_top_free() frees the array.
 */
struct prof_func {
	char		*name;
	uint64_t	 self;
	uint64_t	 total;
};

struct prof_func *prof_top(const struct prof *, size_t *);
void		 prof_top_free(struct prof_func *, size_t);

/*
 * Exports (src/prof/export-*.c). Each returns 0, or -1 with err set.
 * prof_export() picks one by name: top, folded, svg, pprof or speedscope.
 * prof_diff() reads two folded files (old, new) and writes the diff SVG.
 * prof_read_folded() adds the stacks to one thread of the profile (TID
 * its pid); a malformed line is an error naming its number.
 * prof_write_top()'s size_t is the most rows to print (0: all); the SVG
 * writers' string is the title (NULL: made from comm and pid).
 * prof_write_diff_svg() takes OLD, then NEW: widths from NEW, colour by
 * how each frame's self share changed.
 */
int		 prof_export(const struct prof *, const char *, FILE *, char *,
		     size_t);
const char	*prof_export_formats(void);
int		 prof_diff(FILE *, FILE *, FILE *, char *, size_t);
int		 prof_write_folded(const struct prof *, FILE *, char *, size_t);
int		 prof_read_folded(struct prof *, FILE *, char *, size_t);
int		 prof_write_top(const struct prof *, FILE *, size_t, char *,
		     size_t);
int		 prof_write_svg(const struct prof *, FILE *, const char *,
		     char *, size_t);
int		 prof_write_diff_svg(const struct prof *, const struct prof *,
		     FILE *, const char *, char *, size_t);
int		 prof_write_pprof(const struct prof *, FILE *, char *, size_t);

/*
 * A pprof profile whose samples carry their own values (the heap
 * tracker's: objects and bytes, allocated and in use). Frames and
 * mappings come from the struct prof, the samples from v: each a stack
 * (root first, indices into prof.frames) with one value per type. The
 * caller owns v and everything it points to.
 */
struct prof_vtype {
	const char		*type;
	const char		*unit;
};

struct prof_vsample {
	const size_t		*frames;
	size_t			 depth;
	const int64_t		*values;	/* ntypes of them */
};

struct prof_values {
	const struct prof_vtype	*types;
	size_t			 ntypes;
	const struct prof_vsample *samples;
	size_t			 nsamples;
	struct prof_vtype	 period_type;
	int64_t			 period;
	const char		*default_type;	/* NULL: pprof's choice */
};

int		 prof_write_pprof_values(const struct prof *,
		     const struct prof_values *, FILE *, char *, size_t);

/*
 * Symbols of a live process's addresses with libdw (src/prof/symbols.c):
 * prof_syms_new(pid, mpid, p), the maps read through thread mpid (the pid
 * itself unless its leader is gone); prof_syms_frame() gives the frame
 * (an index into the profile's frames) of an address; leaf 0 means a
 * return address, looked up one byte back. prof_syms_frames() gives all
 * the frames of the address, innermost first: one per inlined call, then
 * the function's own; it returns how many it wrote (at most max, at least
 * 1 when max > 0). The executable mappings go into the profile when the
 * symboliser is made.
 */
struct prof_syms;

struct prof_syms *prof_syms_new(int, int, struct prof *);
size_t		 prof_syms_frame(struct prof_syms *, uint64_t, int);
size_t		 prof_syms_frames(struct prof_syms *, uint64_t, int, size_t *,
		     size_t);
void		 prof_syms_free(struct prof_syms *);
int		 prof_write_speedscope(const struct prof *, FILE *, char *,
		     size_t);

#endif
