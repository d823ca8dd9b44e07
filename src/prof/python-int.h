/*
 * Python-aware stacks: CPython's own frames read from outside the target
 * with process_vm_readv(2), as py-spy and austin do. python.c finds the
 * interpreter (_PyRuntime, Py_Version), knows the layouts of 3.11 and 3.12
 * and reads 3.13's from _Py_DebugOffsets, and walks interpreters, thread
 * states and frames; python-table.c decodes a code object's location table
 * (co_linetable); python-mix.c splices Python frames into a native stack.
 *
 * A struct prof_py belongs to its caller; the frames it reads are interned
 * in the struct prof given to prof_py_open(), which owns their strings.
 */
#ifndef VIGIL_PYTHON_INT_H
#define VIGIL_PYTHON_INT_H

#include <stddef.h>
#include <stdint.h>

#include "prof.h"

enum prof_py_mode {
	PROF_PY_AUTO,		/* python for a CPython target, else native */
	PROF_PY_PYTHON,		/* Python frames only */
	PROF_PY_NATIVE,		/* machine frames only */
	PROF_PY_MIXED		/* Python frames inside the native stack */
};

/* --- python-table.c: co_linetable (3.11 and later) ---------------------- */

/* One run of bytecode with one line: [start, end) in bytes; line 0: none. */
struct prof_py_range {
	int	start, end;
	int	line;
};

/*
 * prof_py_ranges() walks the table like code.co_lines(): calls cb for each
 * entry and returns 0, or -1 if the table is malformed. prof_py_addr2line()
 * is the line of the instruction at byte offset addr: firstlineno for a
 * negative addr (a frame not started), 0 when the table says none or does
 * not reach addr.
 */
int	prof_py_ranges(const uint8_t *, size_t, int,
	    void (*)(const struct prof_py_range *, void *), void *);
int	prof_py_addr2line(const uint8_t *, size_t, int, int);

/* --- python-mix.c: Python frames into the native stack ----------------- */

/*
 * native: frame indices leaf first, with is_eval[i] set where the frame is
 * the interpreter's evaluation function (_PyEval_EvalFrameDefault). py:
 * Python frames leaf first, with entry[i] set on the rootmost frame of
 * each evaluation call. Writes the merged stack, leaf first, into out
 * (at most max) and returns its depth: each run of Python frames goes
 * just leafward of the evaluation frame that runs it, leaf to leaf; runs
 * left over (the native stack was cut short) go at the root end.
 */
size_t	prof_py_splice(const size_t *, const int *, size_t, const size_t *,
	    const int *, size_t, size_t *, size_t);

/* --- python.c: the interpreter in the target ---------------------------- */

struct prof_py;

/*
 * prof_py_open() returns NULL when the process is not CPython (note empty)
 * or cannot be read (note says why: "unsupported Python 3.10", a
 * free-threaded build, memory not readable). prof_py_read() reads the
 * Python stack of thread tid now and keeps it (call it while the thread is
 * stopped for a consistent stack); prof_py_stack() gives the last one read,
 * leaf first, as frame indices of the profile and entry flags, and returns
 * its depth (0: the thread runs no Python). prof_py_holds_gil() is 1 if the
 * thread held the GIL when last read, 0 if not, -1 if unknown.
 */
struct prof_py	*prof_py_open(int, struct prof *, char *, size_t);
void		 prof_py_free(struct prof_py *);
const char	*prof_py_version(const struct prof_py *);
int		 prof_py_read(struct prof_py *, int);
size_t		 prof_py_stack(struct prof_py *, int, const size_t **,
		     const int **);
int		 prof_py_holds_gil(struct prof_py *, int);

/*
 * vigil dump --locals. After prof_py_want_locals(py, 1), prof_py_read()
 * also reads each Python frame's arguments and locals while the thread is
 * stopped. prof_py_locals() gives those of the thread's i-th Python frame
 * (leaf first, as prof_py_stack() counts) as "name = value" lines,
 * sanitised, each NULL when there are none; -1 if there is no such frame.
 * Values are short reprs: ints, floats, str, bytes, None and bools by
 * value, a cell by its content, other objects as <type at 0xADDR>.
 */
void		 prof_py_want_locals(struct prof_py *, int);
int		 prof_py_locals(struct prof_py *, int, size_t, const char **,
		     const char **);
int		 prof_py_is_eval(const struct prof_frame *);

/*
 * python-stack.c: thread ts's stack as mode asks, leaf first, into out (at
 * most max; PROF_PY_MAX_DEPTH holds any), as frames of p. Native frames
 * come from the sampler's ips named by sy; Python ones from the last
 * prof_py_read() of the thread. py NULL: native. Returns the depth, 0 in
 * Python mode for a thread that runs no Python.
 */
#define PROF_PY_MAX_DEPTH	(2 * PROF_MAX_DEPTH)

struct prof_syms;
struct prof_tstack;

size_t		 prof_py_build(struct prof_py *, enum prof_py_mode,
		     struct prof_syms *, struct prof *,
		     const struct prof_tstack *, size_t *, size_t);

/*
 * For tests and fuzzing: an interpreter in memory that mem reads (0 when
 * all len bytes at addr were read, -1 otherwise) instead of a process's,
 * as prof_py_open() would find it: the address of _PyRuntime, the
 * version's PY_VERSION_HEX and the addresses of the code, str and bytes
 * types. Thread ids are then only the numbers the thread states hold.
 */
typedef int	(*prof_py_mem_cb)(void *, uint64_t, void *, size_t);

struct prof_py_image {
	prof_py_mem_cb	 mem;
	void		*arg;
	uint64_t	 runtime;
	uint64_t	 hexversion;
	uint64_t	 code_type, str_type, bytes_type;
};

struct prof_py	*prof_py_open_image(const struct prof_py_image *,
		     struct prof *, char *, size_t);

/* The version gate, for tests: 0 and the layout's name, or -1. */
int		 prof_py_supported(unsigned, unsigned, const char **);

#endif
