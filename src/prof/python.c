/*
 * CPython from outside: find the interpreter, then read thread states and
 * frames with process_vm_readv(2), code objects cached by address.
 */

#include "vigil.h"

#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "python-int.h"
#include "sampler-int.h"
#include "sanitize.h"
#include "xalloc.h"

#define PY_MAX_INTERPS	64
#define PY_MAX_TSTATES	4096
#define PY_MAX_WALK	1024		/* frames and shims, one thread */
#define PY_MAX_STR	1024		/* characters of a name kept */
#define PY_MAX_TABLE	(1 << 20)	/* bytes of a location table */
#define PY_CODE_SLOTS	4096		/* code objects cached, direct-mapped */
#define PY_HDR		256		/* bytes read of a code object */
#define PY_FRAME_HDR	256		/* of an interpreter frame */
#define PY_STR_HDR	128		/* of a str */
#define PY_BYTES_HDR	64		/* of a bytes */
#define PY_OWNED_BY_CSTACK 3		/* 3.12+: the entry shim of an eval */
#define PY_MAX_LOCALS	256		/* slots shown of one frame */
#define PY_REPR_MAX	64		/* characters of a value shown */
#define PY_TP_NAME	24		/* PyTypeObject.tp_name, 3.11 to 3.13 */
#define PY_OB_VAL	16		/* float, cell, int: after the head */
#define PY_TUPLE_SIZE	16
#define PY_TUPLE_ITEMS	24
#define PY_LONG_DIGITS	24
#define PY_CO_VARARGS	0x04		/* co_flags */
#define PY_CO_VARKEYWORDS 0x08
#define PY_FAST_HIDDEN	0x10		/* co_localspluskinds, 3.13 */

/*
 * Where the fields are. 3.11 and 3.12 from their internal headers (checked
 * against Debian's python3.11 and builds of 3.12); 3.13 from the
 * _Py_DebugOffsets the runtime starts with. -1: not there.
 */
struct prof_py_layout {
	int64_t		 rt_interp_head;	/* runtime */
	int64_t		 rt_tstate_current;	/* 3.11: the GIL holder */
	int64_t		 is_next;		/* interpreter */
	int64_t		 is_threads_head;
	int64_t		 is_gil;		/* 3.12+: pointer to the GIL */
	int64_t		 gil_locked;		/* in the GIL's state */
	int64_t		 gil_holder;
	int64_t		 ts_next;		/* thread state */
	int64_t		 ts_interp;
	int64_t		 ts_native_tid;
	int64_t		 ts_cframe;		/* 3.11, 3.12 */
	int64_t		 ts_current_frame;	/* in cframe, or in tstate */
	int64_t		 fr_code;		/* interpreter frame */
	int64_t		 fr_previous;
	int64_t		 fr_instr;
	int64_t		 fr_owner;
	int64_t		 fr_is_entry;		/* 3.11 */
	int64_t		 fr_localsplus;		/* the frame's local slots */
	int64_t		 ob_type;		/* objects */
	int64_t		 co_filename;		/* code */
	int64_t		 co_qualname;
	int64_t		 co_linetable;
	int64_t		 co_firstlineno;
	int64_t		 co_code;
	int64_t		 co_flags;		/* for vigil dump --locals */
	int64_t		 co_argcount;
	int64_t		 co_kwonlyargcount;
	int64_t		 co_localsplusnames;
	int64_t		 co_localspluskinds;
	int		 long_tagged;		/* 3.12+: int's lv_tag */
	int64_t		 str_state;		/* str */
	int64_t		 str_length;
	int64_t		 str_ascii;		/* sizeof PyASCIIObject */
	int64_t		 str_compact;		/* sizeof PyCompactUnicode... */
	int64_t		 bytes_size;		/* bytes */
	int64_t		 bytes_sval;
};

static const struct prof_py_layout prof_py_311 = {
	.rt_interp_head = 40, .rt_tstate_current = 576,
	.is_next = 0, .is_threads_head = 16, .is_gil = -1,
	.gil_locked = -1, .gil_holder = -1,
	.ts_next = 8, .ts_interp = 16, .ts_native_tid = 160, .ts_cframe = 56,
	.ts_current_frame = 8,
	.fr_code = 32, .fr_previous = 48, .fr_instr = 56, .fr_owner = 69,
	.fr_is_entry = 68, .fr_localsplus = 72,
	.ob_type = 8,
	.co_filename = 112, .co_qualname = 128, .co_linetable = 136,
	.co_firstlineno = 72, .co_code = 184,
	.co_flags = 48, .co_argcount = 56, .co_kwonlyargcount = 64,
	.co_localsplusnames = 96, .co_localspluskinds = 104,
	.long_tagged = 0,
	.str_state = 32, .str_length = 16, .str_ascii = 48, .str_compact = 72,
	.bytes_size = 16, .bytes_sval = 32
};

static const struct prof_py_layout prof_py_312 = {
	.rt_interp_head = 40, .rt_tstate_current = -1,
	.is_next = 0, .is_threads_head = 72, .is_gil = 384,
	.gil_locked = 16, .gil_holder = 8,
	.ts_next = 8, .ts_interp = 16, .ts_native_tid = 144, .ts_cframe = 56,
	.ts_current_frame = 0,
	.fr_code = 0, .fr_previous = 8, .fr_instr = 56, .fr_owner = 70,
	.fr_is_entry = -1, .fr_localsplus = 72,
	.ob_type = 8,
	.co_filename = 112, .co_qualname = 128, .co_linetable = 136,
	.co_firstlineno = 68, .co_code = 192,
	.co_flags = 48, .co_argcount = 52, .co_kwonlyargcount = 60,
	.co_localsplusnames = 96, .co_localspluskinds = 104,
	.long_tagged = 1,
	.str_state = 32, .str_length = 16, .str_ascii = 40, .str_compact = 56,
	.bytes_size = 16, .bytes_sval = 32
};

/*
 * _Py_DebugOffsets of 3.13, as 64-bit words: the cookie, the version, the
 * free-threaded flag, then one section per structure, each starting with
 * the structure's size. The indices of the words used.
 */
enum {
	DO_VERSION = 1, DO_FREE_THREADED = 2,
	DO_RT_INTERP_HEAD = 5,
	DO_IS_NEXT = 8, DO_IS_THREADS_HEAD = 9, DO_IS_CEVAL_GIL = 14,
	DO_IS_GIL_STATE = 15, DO_IS_GIL_LOCKED = 17, DO_IS_GIL_HOLDER = 18,
	DO_TS_NEXT = 21, DO_TS_INTERP = 22, DO_TS_CURRENT_FRAME = 23,
	DO_TS_NATIVE_TID = 25,
	DO_FR_SIZE = 28, DO_FR_PREVIOUS = 29, DO_FR_EXECUTABLE = 30,
	DO_FR_INSTR = 31, DO_FR_LOCALSPLUS = 32, DO_FR_OWNER = 33,
	DO_CO_FILENAME = 35, DO_CO_QUALNAME = 37, DO_CO_LINETABLE = 38,
	DO_CO_FIRSTLINENO = 39, DO_CO_ARGCOUNT = 40, DO_CO_LOCALSPLUSNAMES = 41,
	DO_CO_LOCALSPLUSKINDS = 42, DO_CO_CODE = 43,
	DO_OB_TYPE = 45,
	DO_BYTES_SIZE = 65, DO_BYTES_SVAL = 66,
	DO_STR_STATE = 68, DO_STR_LENGTH = 69, DO_STR_ASCII = 70,
	DO_WORDS = 73
};

struct prof_py_code {
	uint64_t	 addr;		/* 0: empty slot */
	unsigned char	 hdr[PY_HDR];	/* the fields it was decoded from */
	size_t		 hdrlen;
	char		*qualname;
	char		*filename;
	uint8_t		*table;
	size_t		 tablelen;
	int		 firstlineno;
	int		 last_line;	/* the frame of the line last asked */
	size_t		 last_frame;
	int		 have_last;
};

/* The arguments and locals of one frame, sanitised "name = value" lines. */
struct prof_py_vars {
	char		*args;
	char		*locals;
};

struct prof_py_thread {
	int		 tid;
	uint64_t	 tstate;
	size_t		 frames[PROF_MAX_DEPTH];
	int		 entry[PROF_MAX_DEPTH];
	size_t		 depth;
	int		 gil;
	struct prof_py_vars vars[PROF_MAX_DEPTH];	/* --locals */
};

struct prof_py {
	int			 pid;
	prof_py_mem_cb		 mem;		/* NULL: process_vm_readv */
	void			*mem_arg;
	struct prof		*p;
	char			 version[16];
	struct prof_py_layout	 l;
	uint64_t		 runtime;
	uint64_t		 code_type, str_type, bytes_type;
	struct prof_py_code	*codes;
	struct prof_py_thread	*t;
	size_t			 nt;
	int			 want_locals;
	size_t			 frlen;		/* bytes read of a frame */
};

/* What the ELF files of the target say. */
struct prof_py_syms {
	uint64_t	 runtime;	/* _PyRuntime, or section .PyRuntime */
	uint64_t	 version;	/* &Py_Version */
	uint64_t	 code_type, str_type, bytes_type;
	char		 file_version[16];	/* from python3.X in a name */
};

static struct prof_py_thread *prof_py_thread(struct prof_py *, int, int);
static void	prof_py_vars_clear(struct prof_py_thread *);

static int
prof_py_mem(const struct prof_py *py, uint64_t addr, void *buf, size_t len)
{
	struct iovec	local, remote;

	if (addr == 0 || len == 0)
		return (-1);
	if (py->mem != NULL)
		return (py->mem(py->mem_arg, addr, buf, len));
	local.iov_base = buf;
	local.iov_len = len;
	remote.iov_base = (void *)(uintptr_t)addr;
	remote.iov_len = len;
	return (process_vm_readv(py->pid, &local, 1, &remote, 1, 0) ==
	    (ssize_t)len ? 0 : -1);
}

static int
prof_py_ptr(const struct prof_py *py, uint64_t addr, uint64_t *out)
{
	return (prof_py_mem(py, addr, out, sizeof *out));
}

static uint64_t
prof_py_get64(const unsigned char *b, int64_t off)
{
	uint64_t	v;

	memcpy(&v, b + off, sizeof v);
	return (v);
}

static int32_t
prof_py_get32(const unsigned char *b, int64_t off)
{
	int32_t		v;

	memcpy(&v, b + off, sizeof v);
	return (v);
}

/* --- finding the interpreter ------------------------------------------- */

/* "python3.11", "libpython3.12.so.1.0": the version in a file's name. */
static void
prof_py_name_version(const char *path, char *out, size_t len)
{
	const char	*base = prof_basename(path), *s;
	unsigned	 major, minor;

	if ((s = strstr(base, "python")) == NULL)
		return;
	if (sscanf(s, "python%u.%u", &major, &minor) == 2)
		snprintf(out, len, "%u.%u", major, minor);
}

/* Could this mapped file hold the interpreter? */
static int
prof_py_candidate(const char *path, const char *exe)
{
	const char	*base = prof_basename(path);

	return (strcmp(path, exe) == 0 || strncmp(base, "libpython", 9) == 0 ||
	    strncmp(base, "python", 6) == 0);
}

/* The symbols we want from one ELF file, loaded at bias. */
static void
prof_py_elf(Elf *e, uint64_t bias, struct prof_py_syms *ps)
{
	Elf_Scn		*scn = NULL;
	GElf_Shdr	 sh;
	GElf_Sym	 sym;
	Elf_Data	*data;
	size_t		 shstrndx, i, n;
	const char	*name;

	if (elf_getshdrstrndx(e, &shstrndx) != 0)
		return;
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL)
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (name != NULL && strcmp(name, ".PyRuntime") == 0 &&
		    ps->runtime == 0 && sh.sh_addr != 0)
			ps->runtime = sh.sh_addr + bias;
		if (sh.sh_type != SHT_DYNSYM && sh.sh_type != SHT_SYMTAB)
			continue;
		if ((data = elf_getdata(scn, NULL)) == NULL ||
		    sh.sh_entsize == 0)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			if (gelf_getsym(data, i, &sym) == NULL ||
			    sym.st_shndx == SHN_UNDEF || sym.st_value == 0)
				continue;
			name = elf_strptr(e, sh.sh_link, sym.st_name);
			if (name == NULL || (name[0] != '_' && name[0] != 'P'))
				continue;
			if (strcmp(name, "_PyRuntime") == 0)
				ps->runtime = sym.st_value + bias;
			else if (strcmp(name, "Py_Version") == 0)
				ps->version = sym.st_value + bias;
			else if (strcmp(name, "PyCode_Type") == 0)
				ps->code_type = sym.st_value + bias;
			else if (strcmp(name, "PyUnicode_Type") == 0)
				ps->str_type = sym.st_value + bias;
			else if (strcmp(name, "PyBytes_Type") == 0)
				ps->bytes_type = sym.st_value + bias;
		}
	}
}

/*
 * One mapped file: opened through /proc/PID/map_files (the copy the target
 * has, even if deleted or in another mount namespace), else by its path.
 * bias: where its first mapping starts less the address it was linked at.
 */
static int
prof_py_file(int pid, const struct prof_map *m, struct prof_py_syms *ps)
{
	Elf		*e;
	GElf_Ehdr	 eh;
	GElf_Phdr	 ph;
	char		 path[128];
	uint64_t	 bias = 0;
	size_t		 i, nph;
	int		 fd, found = 0;

	snprintf(path, sizeof path, "/proc/%d/map_files/%" PRIx64 "-%" PRIx64,
	    pid, m->start, m->end);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 &&
	    (fd = open(m->path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	if ((e = elf_begin(fd, ELF_C_READ_MMAP, NULL)) == NULL) {
		close(fd);
		return (-1);
	}
	if (gelf_getehdr(e, &eh) != NULL && elf_getphdrnum(e, &nph) == 0) {
		for (i = 0; i < nph; i++) {
			if (gelf_getphdr(e, i, &ph) == NULL ||
			    ph.p_type != PT_LOAD || ph.p_offset != 0)
				continue;
			if (eh.e_type == ET_DYN)
				bias = m->start -
				    (ph.p_vaddr & ~(uint64_t)4095);
			found = 1;
			break;
		}
		if (found)
			prof_py_elf(e, bias, ps);
	}
	elf_end(e);
	close(fd);
	return (found ? 0 : -1);
}

/* Search the executable and any libpython for the runtime. */
static void
prof_py_find(int pid, struct prof_py_syms *ps)
{
	struct prof_maps	 maps;
	struct prof_py_syms	 one;
	char			 link[64], exe[4096];
	ssize_t			 n;
	size_t			 i;

	memset(ps, 0, sizeof *ps);
	memset(&maps, 0, sizeof maps);
	snprintf(link, sizeof link, "/proc/%d/exe", pid);
	if ((n = readlink(link, exe, sizeof exe - 1)) < 0)
		n = 0;
	exe[n] = '\0';
	if (n > 10 && strcmp(exe + n - 10, " (deleted)") == 0)
		exe[n - 10] = '\0';
	if (prof_maps_read(&maps, pid) != 0)
		return;
	elf_version(EV_CURRENT);
	for (i = 0; i < maps.n; i++) {
		/* The file's first mapping (offset 0) gives its bias. */
		if (maps.v[i].path == NULL || maps.v[i].offset != 0 ||
		    maps.v[i].path[0] != '/' ||
		    !prof_py_candidate(maps.v[i].path, exe))
			continue;
		memset(&one, 0, sizeof one);
		if (prof_py_file(pid, &maps.v[i], &one) != 0 ||
		    one.runtime == 0)
			continue;
		prof_py_name_version(maps.v[i].path, one.file_version,
		    sizeof one.file_version);
		*ps = one;
		break;
	}
	prof_maps_free(&maps);
}

int
prof_py_supported(unsigned major, unsigned minor, const char **layout)
{
	if (major != 3)
		return (-1);
	switch (minor) {
	case 11:
		*layout = "3.11";
		return (0);
	case 12:
		*layout = "3.12";
		return (0);
	case 13:
		*layout = "debug offsets";
		return (0);
	}
	return (-1);
}

/* 3.13: the layout from _Py_DebugOffsets, checked. */
static int
prof_py_debug_offsets(struct prof_py *py, uint64_t hexversion, char *note,
    size_t len)
{
	uint64_t	 w[DO_WORDS];
	char		 cookie[9];
	struct prof_py_layout *l = &py->l;
	size_t		 i;

	if (prof_py_mem(py, py->runtime, w, sizeof w) != 0) {
		snprintf(note, len, _("the memory of Python %s could not be "
		    "read"), py->version);
		return (-1);
	}
	memcpy(cookie, w, 8);
	cookie[8] = '\0';
	if (strcmp(cookie, "xdebugpy") != 0 || w[DO_VERSION] != hexversion) {
		snprintf(note, len, _("Python %s does not describe its "
		    "layout (no debug offsets)"), py->version);
		return (-1);
	}
	if (w[DO_FREE_THREADED] != 0) {
		snprintf(note, len, _("free-threaded Python %st is not "
		    "supported"), py->version);
		return (-1);
	}
	/* Offsets past any structure's size are not offsets. */
	for (i = 3; i < DO_WORDS; i++) {
		if (w[i] > (1 << 20)) {
			snprintf(note, len, _("Python %s describes its layout "
			    "in a way this vigil does not know"), py->version);
			return (-1);
		}
	}
	if (w[DO_FR_OWNER] >= w[DO_FR_SIZE]) {
		snprintf(note, len, _("Python %s describes its layout in a way "
		    "this vigil does not know"), py->version);
		return (-1);
	}
	memset(l, 0, sizeof *l);
	l->rt_interp_head = w[DO_RT_INTERP_HEAD];
	l->rt_tstate_current = -1;
	l->is_next = w[DO_IS_NEXT];
	l->is_threads_head = w[DO_IS_THREADS_HEAD];
	l->is_gil = w[DO_IS_CEVAL_GIL];
	l->gil_locked = w[DO_IS_GIL_LOCKED] - w[DO_IS_GIL_STATE];
	l->gil_holder = w[DO_IS_GIL_HOLDER] - w[DO_IS_GIL_STATE];
	l->ts_next = w[DO_TS_NEXT];
	l->ts_interp = w[DO_TS_INTERP];
	l->ts_native_tid = w[DO_TS_NATIVE_TID];
	l->ts_cframe = -1;
	l->ts_current_frame = w[DO_TS_CURRENT_FRAME];
	l->fr_code = w[DO_FR_EXECUTABLE];
	l->fr_previous = w[DO_FR_PREVIOUS];
	l->fr_instr = w[DO_FR_INSTR];
	l->fr_owner = w[DO_FR_OWNER];
	l->fr_is_entry = -1;
	l->fr_localsplus = w[DO_FR_LOCALSPLUS];
	l->ob_type = w[DO_OB_TYPE];
	l->co_filename = w[DO_CO_FILENAME];
	l->co_qualname = w[DO_CO_QUALNAME];
	l->co_linetable = w[DO_CO_LINETABLE];
	l->co_firstlineno = w[DO_CO_FIRSTLINENO];
	l->co_code = w[DO_CO_CODE];
	l->co_argcount = w[DO_CO_ARGCOUNT];
	l->co_localsplusnames = w[DO_CO_LOCALSPLUSNAMES];
	l->co_localspluskinds = w[DO_CO_LOCALSPLUSKINDS];
	/* Not in the debug offsets; as in 3.12 (checked against 3.13.0). */
	l->co_flags = 48;
	l->co_kwonlyargcount = 60;
	l->long_tagged = 1;
	l->str_state = w[DO_STR_STATE];
	l->str_length = w[DO_STR_LENGTH];
	l->str_ascii = w[DO_STR_ASCII];
	l->str_compact = w[DO_STR_ASCII] + 16;	/* utf8_length, utf8 */
	l->bytes_size = w[DO_BYTES_SIZE];
	l->bytes_sval = w[DO_BYTES_SVAL];
	return (0);
}

/* Does a field of width bytes at off lie within the first len bytes? */
static int
prof_py_fits(int64_t off, int64_t width, int64_t len)
{
	return (off >= 0 && off <= len - width);
}

/*
 * Every field read out of a buffer (a frame, a code object's first bytes,
 * a str or bytes header) must lie within what is read into it, whatever
 * the debug offsets of the target said: 0, or -1. Sets py->frlen, the
 * bytes of a frame to read.
 */
static int
prof_py_layout_ok(struct prof_py *py)
{
	const struct prof_py_layout *l = &py->l;
	int64_t		 fr = l->fr_owner + 1, co = l->co_code;

	if (l->fr_code + 8 > fr)
		fr = l->fr_code + 8;
	if (l->fr_previous + 8 > fr)
		fr = l->fr_previous + 8;
	if (l->fr_instr + 8 > fr)
		fr = l->fr_instr + 8;
	if (l->fr_is_entry + 1 > fr)
		fr = l->fr_is_entry + 1;
	if (!prof_py_fits(l->fr_owner, 1, PY_FRAME_HDR) ||
	    !prof_py_fits(l->fr_code, 8, PY_FRAME_HDR) ||
	    !prof_py_fits(l->fr_previous, 8, PY_FRAME_HDR) ||
	    !prof_py_fits(l->fr_instr, 8, PY_FRAME_HDR) ||
	    (l->fr_is_entry != -1 &&
	    !prof_py_fits(l->fr_is_entry, 1, PY_FRAME_HDR)) ||
	    l->fr_localsplus < 0)
		return (-1);
	if (!prof_py_fits(co, 0, PY_HDR) || !prof_py_fits(l->ob_type, 8, co) ||
	    !prof_py_fits(l->co_filename, 8, co) ||
	    !prof_py_fits(l->co_qualname, 8, co) ||
	    !prof_py_fits(l->co_linetable, 8, co) ||
	    !prof_py_fits(l->co_firstlineno, 4, co) ||
	    !prof_py_fits(l->co_flags, 4, co) ||
	    !prof_py_fits(l->co_argcount, 4, co) ||
	    !prof_py_fits(l->co_kwonlyargcount, 4, co) ||
	    !prof_py_fits(l->co_localsplusnames, 8, co) ||
	    !prof_py_fits(l->co_localspluskinds, 8, co))
		return (-1);
	if (!prof_py_fits(l->str_ascii, 0, PY_STR_HDR) ||
	    !prof_py_fits(l->str_compact, 0, PY_STR_HDR) ||
	    !prof_py_fits(l->ob_type, 8, l->str_ascii) ||
	    !prof_py_fits(l->str_length, 8, l->str_ascii) ||
	    !prof_py_fits(l->str_state, 4, l->str_ascii))
		return (-1);
	if (!prof_py_fits(l->bytes_sval, 0, PY_BYTES_HDR) ||
	    !prof_py_fits(l->ob_type, 8, l->bytes_sval) ||
	    !prof_py_fits(l->bytes_size, 8, l->bytes_sval))
		return (-1);
	py->frlen = fr;
	return (0);
}

/*
 * The layout of Python major.minor (hexversion hex) for py, whose runtime
 * and type addresses are set: 0, or -1 with note saying why not.
 */
static int
prof_py_setup(struct prof_py *py, unsigned major, unsigned minor,
    uint64_t hex, char *note, size_t len)
{
	const char	*layout;

	if (hex == 0 || prof_py_supported(major, minor, &layout) != 0) {
		snprintf(note, len, _("unsupported Python %s"), py->version);
		return (-1);
	}
	if (py->code_type == 0 || py->str_type == 0 || py->bytes_type == 0) {
		snprintf(note, len, _("Python %s without its type symbols"),
		    py->version);
		return (-1);
	}
	if (minor == 11)
		py->l = prof_py_311;
	else if (minor == 12)
		py->l = prof_py_312;
	else if (prof_py_debug_offsets(py, hex, note, len) != 0)
		return (-1);
	if (prof_py_layout_ok(py) != 0) {
		snprintf(note, len, _("Python %s describes its layout in a way "
		    "this vigil does not know"), py->version);
		return (-1);
	}
	py->codes = xcalloc(PY_CODE_SLOTS, sizeof *py->codes);
	return (0);
}

struct prof_py *
prof_py_open(int pid, struct prof *p, char *note, size_t len)
{
	struct prof_py_syms	 ps;
	struct prof_py		*py;
	uint64_t		 hex = 0;
	unsigned		 major = 0, minor = 0;

	note[0] = '\0';
	prof_py_find(pid, &ps);
	if (ps.runtime == 0)
		return (NULL);		/* not Python: no note */
	py = xcalloc(1, sizeof *py);
	py->pid = pid;
	py->p = p;
	py->runtime = ps.runtime;
	py->code_type = ps.code_type;
	py->str_type = ps.str_type;
	py->bytes_type = ps.bytes_type;
	if (ps.version != 0 && prof_py_ptr(py, ps.version, &hex) == 0 &&
	    (hex >> 24) == 3) {
		major = hex >> 24;
		minor = (hex >> 16) & 0xff;
		snprintf(py->version, sizeof py->version, "%u.%u", major,
		    minor);
	} else if (ps.file_version[0] != '\0') {
		snprintf(py->version, sizeof py->version, "%s",
		    ps.file_version);
		sscanf(py->version, "%u.%u", &major, &minor);
		hex = 0;
	}
	if (py->version[0] == '\0') {
		snprintf(note, len, _("a Python runtime of unknown version"));
		free(py);
		return (NULL);
	}
	if (prof_py_setup(py, major, minor, hex, note, len) != 0) {
		free(py);
		return (NULL);
	}
	return (py);
}

struct prof_py *
prof_py_open_image(const struct prof_py_image *im, struct prof *p,
    char *note, size_t len)
{
	struct prof_py	*py;
	unsigned	 major = im->hexversion >> 24;
	unsigned	 minor = (im->hexversion >> 16) & 0xff;

	note[0] = '\0';
	py = xcalloc(1, sizeof *py);
	py->pid = -1;
	py->mem = im->mem;
	py->mem_arg = im->arg;
	py->p = p;
	py->runtime = im->runtime;
	py->code_type = im->code_type;
	py->str_type = im->str_type;
	py->bytes_type = im->bytes_type;
	snprintf(py->version, sizeof py->version, "%u.%u", major, minor);
	if (prof_py_setup(py, major, minor, im->hexversion, note, len) != 0) {
		free(py);
		return (NULL);
	}
	return (py);
}

static void
prof_py_code_clear(struct prof_py_code *c)
{
	free(c->qualname);
	free(c->filename);
	free(c->table);
	memset(c, 0, sizeof *c);
}

void
prof_py_free(struct prof_py *py)
{
	size_t	i;

	if (py == NULL)
		return;
	if (py->codes != NULL) {
		for (i = 0; i < PY_CODE_SLOTS; i++)
			prof_py_code_clear(&py->codes[i]);
		free(py->codes);
	}
	for (i = 0; i < py->nt; i++)
		prof_py_vars_clear(&py->t[i]);
	free(py->t);
	free(py);
}

const char *
prof_py_version(const struct prof_py *py)
{
	return (py->version);
}

/* --- objects ------------------------------------------------------------ */

static void
prof_py_utf8(char **out, size_t *n, uint32_t c)
{
	char	*s = *out;

	if (c < 0x80)
		s[(*n)++] = c;
	else if (c < 0x800) {
		s[(*n)++] = 0xc0 | (c >> 6);
		s[(*n)++] = 0x80 | (c & 0x3f);
	} else if (c < 0x10000) {
		s[(*n)++] = 0xe0 | (c >> 12);
		s[(*n)++] = 0x80 | ((c >> 6) & 0x3f);
		s[(*n)++] = 0x80 | (c & 0x3f);
	} else {
		s[(*n)++] = 0xf0 | ((c >> 18) & 0x07);
		s[(*n)++] = 0x80 | ((c >> 12) & 0x3f);
		s[(*n)++] = 0x80 | ((c >> 6) & 0x3f);
		s[(*n)++] = 0x80 | (c & 0x3f);
	}
}

/* A str object as UTF-8 (compact strings only, as code objects hold). */
static char *
prof_py_str(struct prof_py *py, uint64_t addr)
{
	const struct prof_py_layout *l = &py->l;
	unsigned char	 hdr[PY_STR_HDR], *data;
	uint64_t	 type, length;
	uint32_t	 state, c;
	size_t		 kind, i, n = 0, chars;
	char		*s;
	int		 ascii;

	if (prof_py_mem(py, addr, hdr, l->str_ascii) != 0)
		return (NULL);
	type = prof_py_get64(hdr, l->ob_type);
	length = prof_py_get64(hdr, l->str_length);
	state = (uint32_t)prof_py_get32(hdr, l->str_state);
	kind = (state >> 2) & 7;
	ascii = (state >> 6) & 1;
	if (type != py->str_type || ((state >> 5) & 1) == 0 ||
	    (kind != 1 && kind != 2 && kind != 4) || (ascii && kind != 1) ||
	    length > (1 << 20))
		return (NULL);
	chars = length > PY_MAX_STR ? PY_MAX_STR : length;
	data = xmalloc(chars * kind + 1);
	if (prof_py_mem(py, addr + (ascii ? l->str_ascii : l->str_compact),
	    data, chars * kind + 1) != 0) {
		free(data);
		return (NULL);
	}
	s = xmalloc(chars * 4 + 1);
	for (i = 0; i < chars; i++) {
		if (kind == 1)
			c = data[i];
		else if (kind == 2)
			c = data[2 * i] | data[2 * i + 1] << 8;
		else
			c = data[4 * i] | data[4 * i + 1] << 8 |
			    data[4 * i + 2] << 16 |
			    (uint32_t)data[4 * i + 3] << 24;
		if (c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
			c = 0xfffd;
		prof_py_utf8(&s, &n, c);
	}
	s[n] = '\0';
	free(data);
	return (s);
}

/* A bytes object's contents. */
static uint8_t *
prof_py_bytes(struct prof_py *py, uint64_t addr, size_t *len)
{
	const struct prof_py_layout *l = &py->l;
	unsigned char	 hdr[PY_BYTES_HDR];
	uint64_t	 size;
	uint8_t		*b;

	if (prof_py_mem(py, addr, hdr, l->bytes_sval) != 0 ||
	    prof_py_get64(hdr, l->ob_type) != py->bytes_type)
		return (NULL);
	size = prof_py_get64(hdr, l->bytes_size);
	if (size > PY_MAX_TABLE)
		return (NULL);
	b = xmalloc(size + 1);
	if (prof_py_mem(py, addr + l->bytes_sval, b, size + 1) != 0) {
		free(b);
		return (NULL);
	}
	*len = size;
	return (b);
}

/*
 * The code object at addr, from the cache if the fields it was decoded from
 * are unchanged (a freed code object's memory is soon something else).
 * hdr holds the object's first bytes as just read.
 */
static struct prof_py_code *
prof_py_code(struct prof_py *py, uint64_t addr)
{
	const struct prof_py_layout *l = &py->l;
	struct prof_py_code	*c;
	unsigned char		 hdr[PY_HDR];
	size_t			 hdrlen = l->co_code;

	if (prof_py_mem(py, addr, hdr, hdrlen) != 0 ||
	    prof_py_get64(hdr, l->ob_type) != py->code_type)
		return (NULL);
	c = &py->codes[((addr * 0x9e3779b97f4a7c15ULL) >> 32) &
	    (PY_CODE_SLOTS - 1)];
	if (c->addr == addr && c->hdrlen == hdrlen &&
	    prof_py_get64(c->hdr, l->co_qualname) ==
	    prof_py_get64(hdr, l->co_qualname) &&
	    prof_py_get64(c->hdr, l->co_filename) ==
	    prof_py_get64(hdr, l->co_filename) &&
	    prof_py_get64(c->hdr, l->co_linetable) ==
	    prof_py_get64(hdr, l->co_linetable) &&
	    prof_py_get32(c->hdr, l->co_firstlineno) ==
	    prof_py_get32(hdr, l->co_firstlineno))
		return (c);
	prof_py_code_clear(c);
	c->qualname = prof_py_str(py, prof_py_get64(hdr, l->co_qualname));
	c->filename = prof_py_str(py, prof_py_get64(hdr, l->co_filename));
	c->table = prof_py_bytes(py, prof_py_get64(hdr, l->co_linetable),
	    &c->tablelen);
	if (c->qualname == NULL || c->filename == NULL || c->table == NULL) {
		prof_py_code_clear(c);
		return (NULL);
	}
	c->firstlineno = prof_py_get32(hdr, l->co_firstlineno);
	memcpy(c->hdr, hdr, hdrlen);
	c->hdrlen = hdrlen;
	c->addr = addr;
	return (c);
}

/* The profile's frame for a line of a code object. */
static size_t
prof_py_frame(struct prof_py *py, struct prof_py_code *c, int line)
{
	struct prof_frame	f;

	if (c->have_last && c->last_line == line)
		return (c->last_frame);
	memset(&f, 0, sizeof f);
	f.kind = PF_PYTHON;
	f.func = c->qualname;
	f.file = c->filename;
	f.line = line;
	c->last_frame = prof_frame_intern(py->p, &f);
	c->last_line = line;
	c->have_last = 1;
	return (c->last_frame);
}

/* --- arguments and locals (vigil dump --locals) ------------------------- */

/* The type name of an object (its tp_name), "" when it cannot be read. */
static void
prof_py_type_name(struct prof_py *py, uint64_t obj, char *out, size_t len)
{
	uint64_t	type, name;
	size_t		n = 0, k;
	char		chunk[16];

	out[0] = '\0';
	if (prof_py_ptr(py, obj + py->l.ob_type, &type) != 0 ||
	    prof_py_ptr(py, type + PY_TP_NAME, &name) != 0)
		return;
	/* In small pieces: a name may end just before unmapped memory. */
	while (n + 1 < len && prof_py_mem(py, name + n, chunk,
	    sizeof chunk) == 0) {
		for (k = 0; k < sizeof chunk && n + 1 < len; k++) {
			if ((out[n++] = chunk[k]) == '\0')
				return;
		}
	}
	out[n] = '\0';
}

/* An int past 64 bits: its number of decimal digits, from its bit length. */
static void
prof_py_repr_bigint(struct prof_py *py, uint64_t obj, size_t nd,
    struct buf *b)
{
	uint32_t	top;
	size_t		bits;

	if (nd > (1 << 24) || prof_py_mem(py, obj + PY_LONG_DIGITS +
	    (nd - 1) * sizeof top, &top, sizeof top) != 0 ||
	    (top & 0x3fffffff) == 0) {
		buf_adds(b, "<int>");
		return;
	}
	bits = (nd - 1) * 30;
	for (top &= 0x3fffffff; top != 0; top >>= 1)
		bits++;
	buf_printf(b, "<int of ~%zu digits>", (size_t)(bits * 0.30102999566) + 1);
}

/* An int (or bool): exact within 64 bits, else its size. */
static void
prof_py_repr_int(struct prof_py *py, uint64_t obj, int is_bool, struct buf *b)
{
	unsigned char	 h[PY_LONG_DIGITS];
	uint32_t	 d[3];
	uint64_t	 tag, v = 0;
	int64_t		 size;
	size_t		 nd, i;
	int		 neg;

	if (prof_py_mem(py, obj, h, sizeof h) != 0) {
		buf_adds(b, is_bool ? "<bool>" : "<int>");
		return;
	}
	if (py->l.long_tagged) {
		/* lv_tag: digits << 3 | sign (0 positive, 1 zero, 2 negative) */
		tag = prof_py_get64(h, PY_OB_VAL);
		nd = (tag & 3) == 1 ? 0 : tag >> 3;
		neg = (tag & 3) == 2;
	} else {
		size = (int64_t)prof_py_get64(h, PY_OB_VAL);
		neg = size < 0;
		nd = neg ? (uint64_t)-size : (uint64_t)size;
	}
	if (nd > 3 || (nd == 3 && prof_py_mem(py, obj + PY_LONG_DIGITS, d,
	    nd * sizeof *d) == 0 && d[2] >= 16)) {
		prof_py_repr_bigint(py, obj, nd, b);
		return;
	}
	if (nd > 0 && prof_py_mem(py, obj + PY_LONG_DIGITS, d,
	    nd * sizeof *d) != 0) {
		buf_adds(b, "<int>");
		return;
	}
	for (i = nd; i > 0; i--)
		v = v << 30 | (d[i - 1] & 0x3fffffff);
	if (is_bool)
		buf_adds(b, v != 0 ? "True" : "False");
	else
		buf_printf(b, "%s%" PRIu64, neg && v != 0 ? "-" : "", v);
}

/* A float as Python prints it: the shortest text that reads back. */
static void
prof_py_repr_float(struct prof_py *py, uint64_t obj, struct buf *b)
{
	char	s[40];
	double	v;
	int	prec;

	if (prof_py_mem(py, obj + PY_OB_VAL, &v, sizeof v) != 0) {
		buf_adds(b, "<float>");
		return;
	}
	if (v != v) {
		buf_adds(b, "nan");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(s, sizeof s, "%.*g", prec, v);
		if (strtod(s, NULL) == v)
			break;
	}
	buf_adds(b, s);
	if (strspn(s, "-0123456789") == strlen(s))
		buf_adds(b, ".0");
}

/* str: quoted, cut at PY_REPR_MAX characters; the sanitiser does the rest. */
static void
prof_py_repr_str(struct prof_py *py, uint64_t obj, struct buf *b)
{
	char		*s;
	size_t		 i, n, len, chars = 0;
	uint32_t	 c;

	if ((s = prof_py_str(py, obj)) == NULL) {
		buf_adds(b, "<str>");
		return;
	}
	len = strlen(s);
	buf_addc(b, '\'');
	for (i = 0; i < len && chars < PY_REPR_MAX; i += n, chars++) {
		n = utf8_decode(s + i, len - i, &c);
		if (c == '\'' || c == '\\')
			buf_addc(b, '\\');
		if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c == '\r')
			buf_adds(b, "\\r");
		else
			buf_add(b, s + i, n);
	}
	buf_addc(b, '\'');
	if (i < len)
		buf_adds(b, "...");
	free(s);
}

/* bytes: b'...', printable ASCII as it is, the rest as \xNN. */
static void
prof_py_repr_bytes(struct prof_py *py, uint64_t obj, struct buf *b)
{
	const struct prof_py_layout *l = &py->l;
	unsigned char	 hdr[PY_BYTES_HDR], data[PY_REPR_MAX];
	uint64_t	 size;
	size_t		 i, n;

	if (prof_py_mem(py, obj, hdr, l->bytes_sval) != 0) {
		buf_adds(b, "<bytes>");
		return;
	}
	size = prof_py_get64(hdr, l->bytes_size);
	n = size < sizeof data ? size : sizeof data;
	if (n > 0 && prof_py_mem(py, obj + l->bytes_sval, data, n) != 0) {
		buf_adds(b, "<bytes>");
		return;
	}
	buf_adds(b, "b'");
	for (i = 0; i < n; i++) {
		if (data[i] == '\'' || data[i] == '\\')
			buf_printf(b, "\\%c", data[i]);
		else if (data[i] >= 0x20 && data[i] < 0x7f)
			buf_addc(b, data[i]);
		else
			buf_printf(b, "\\x%02x", data[i]);
	}
	buf_addc(b, '\'');
	if (n < size)
		buf_adds(b, "...");
}

/*
 * A short repr of the object at obj, as py-spy's dump --locals shows:
 * ints, floats, str, bytes, None and bools by value, a cell by what it
 * holds, anything else by its type and address.
 */
static void
prof_py_repr(struct prof_py *py, uint64_t obj, int deref, struct buf *b)
{
	char		type[64];
	uint64_t	in;

	prof_py_type_name(py, obj, type, sizeof type);
	if (strcmp(type, "int") == 0)
		prof_py_repr_int(py, obj, 0, b);
	else if (strcmp(type, "bool") == 0)
		prof_py_repr_int(py, obj, 1, b);
	else if (strcmp(type, "float") == 0)
		prof_py_repr_float(py, obj, b);
	else if (strcmp(type, "str") == 0)
		prof_py_repr_str(py, obj, b);
	else if (strcmp(type, "bytes") == 0)
		prof_py_repr_bytes(py, obj, b);
	else if (strcmp(type, "NoneType") == 0)
		buf_adds(b, "None");
	else if (strcmp(type, "cell") == 0 && deref) {
		if (prof_py_ptr(py, obj + PY_OB_VAL, &in) != 0 || in == 0)
			buf_adds(b, "<empty cell>");
		else
			prof_py_repr(py, in, 0, b);
	} else if (type[0] != '\0')
		buf_printf(b, "<%s at 0x%" PRIx64 ">", type, obj);
	else
		buf_printf(b, "<object at 0x%" PRIx64 ">", obj);
}

static void
prof_py_vars_clear(struct prof_py_thread *t)
{
	size_t	i;

	for (i = 0; i < nitems(t->vars); i++) {
		free(t->vars[i].args);
		free(t->vars[i].locals);
	}
	memset(t->vars, 0, sizeof t->vars);
}

/*
 * The arguments and locals of the frame at frame running code c, read now
 * (the thread is stopped): one "name = value" line each, names and values
 * sanitised. A slot not yet set is left out.
 */
static void
prof_py_vars_read(struct prof_py *py, uint64_t frame, struct prof_py_code *c,
    struct prof_py_vars *v)
{
	const struct prof_py_layout *l = &py->l;
	struct buf	 args = BUF_INITIALIZER, locals = BUF_INITIALIZER;
	struct buf	 val = BUF_INITIALIZER, *to;
	uint64_t	 names, kinds, slots[PY_MAX_LOCALS], name;
	uint8_t		*kind;
	size_t		 nkinds, n, i;
	int		 flags, nargs;
	char		*s;

	names = prof_py_get64(c->hdr, l->co_localsplusnames);
	kinds = prof_py_get64(c->hdr, l->co_localspluskinds);
	if (prof_py_ptr(py, names + PY_TUPLE_SIZE, &n) != 0 ||
	    (kind = prof_py_bytes(py, kinds, &nkinds)) == NULL)
		return;
	if (n > nkinds)
		n = nkinds;
	if (n > PY_MAX_LOCALS)
		n = PY_MAX_LOCALS;
	if (n == 0 || prof_py_mem(py, frame + l->fr_localsplus, slots,
	    n * sizeof *slots) != 0) {
		free(kind);
		return;
	}
	flags = prof_py_get32(c->hdr, l->co_flags);
	nargs = prof_py_get32(c->hdr, l->co_argcount) +
	    prof_py_get32(c->hdr, l->co_kwonlyargcount) +
	    ((flags & PY_CO_VARARGS) != 0) + ((flags & PY_CO_VARKEYWORDS) != 0);
	for (i = 0; i < n; i++) {
		if (slots[i] == 0 || (kind[i] & PY_FAST_HIDDEN) != 0 ||
		    prof_py_ptr(py, names + PY_TUPLE_ITEMS + i * 8,
		    &name) != 0 || (s = prof_py_str(py, name)) == NULL)
			continue;
		to = (int64_t)i < nargs ? &args : &locals;
		if (to->len > 0)
			buf_addc(to, '\n');
		sanitize(to, s, strlen(s), 0);
		free(s);
		buf_adds(to, " = ");
		buf_reset(&val);
		prof_py_repr(py, slots[i], 1, &val);
		sanitize(to, val.data, val.len, 0);
	}
	v->args = args.len > 0 ? xstrdup(buf_str(&args)) : NULL;
	v->locals = locals.len > 0 ? xstrdup(buf_str(&locals)) : NULL;
	buf_free(&args);
	buf_free(&locals);
	buf_free(&val);
	free(kind);
}

void
prof_py_want_locals(struct prof_py *py, int on)
{
	py->want_locals = on;
}

int
prof_py_locals(struct prof_py *py, int tid, size_t i, const char **args,
    const char **locals)
{
	struct prof_py_thread	*t = prof_py_thread(py, tid, 0);

	*args = *locals = NULL;
	if (t == NULL || i >= t->depth)
		return (-1);
	*args = t->vars[i].args;
	*locals = t->vars[i].locals;
	return (0);
}

/* --- threads and frames ------------------------------------------------- */

static struct prof_py_thread *
prof_py_thread(struct prof_py *py, int tid, int add)
{
	size_t	i;

	for (i = 0; i < py->nt; i++) {
		if (py->t[i].tid == tid)
			return (&py->t[i]);
	}
	if (!add)
		return (NULL);
	py->t = xreallocarray(py->t, py->nt + 1, sizeof *py->t);
	memset(&py->t[py->nt], 0, sizeof *py->t);
	py->t[py->nt].tid = tid;
	return (&py->t[py->nt++]);
}

static int
prof_py_tstate_is(struct prof_py *py, uint64_t ts, int tid)
{
	uint64_t	v;

	return (prof_py_ptr(py, ts + py->l.ts_native_tid, &v) == 0 &&
	    v == (uint64_t)tid);
}

/* The thread state of a native thread: interpreters, then their threads. */
static uint64_t
prof_py_tstate(struct prof_py *py, int tid)
{
	const struct prof_py_layout *l = &py->l;
	uint64_t	interp, ts;
	int		ni, nt;

	if (prof_py_ptr(py, py->runtime + l->rt_interp_head, &interp) != 0)
		return (0);
	for (ni = 0; interp != 0 && ni < PY_MAX_INTERPS; ni++) {
		if (prof_py_ptr(py, interp + l->is_threads_head, &ts) != 0)
			return (0);
		for (nt = 0; ts != 0 && nt < PY_MAX_TSTATES; nt++) {
			if (prof_py_tstate_is(py, ts, tid))
				return (ts);
			if (prof_py_ptr(py, ts + l->ts_next, &ts) != 0)
				break;
		}
		if (prof_py_ptr(py, interp + l->is_next, &interp) != 0)
			break;
	}
	return (0);
}

/* Does the thread state hold its interpreter's GIL? -1: unknown. */
static int
prof_py_gil(struct prof_py *py, uint64_t ts)
{
	const struct prof_py_layout *l = &py->l;
	uint64_t	cur, interp, gil, holder;
	int32_t		locked;

	if (l->rt_tstate_current >= 0) {
		if (prof_py_ptr(py, py->runtime + l->rt_tstate_current,
		    &cur) != 0)
			return (-1);
		return (cur == ts);
	}
	if (l->is_gil < 0 ||
	    prof_py_ptr(py, ts + l->ts_interp, &interp) != 0 ||
	    prof_py_ptr(py, interp + l->is_gil, &gil) != 0 ||
	    prof_py_mem(py, gil + l->gil_locked, &locked, sizeof locked) != 0 ||
	    prof_py_ptr(py, gil + l->gil_holder, &holder) != 0)
		return (-1);
	return (locked != 0 && holder == ts);
}

int
prof_py_read(struct prof_py *py, int tid)
{
	const struct prof_py_layout *l = &py->l;
	struct prof_py_thread	*t = prof_py_thread(py, tid, 1);
	struct prof_py_code	*c;
	unsigned char		 fr[PY_FRAME_HDR];
	uint64_t		 ts, frame, frame_at, code, instr;
	size_t			 frlen;
	int			 n, owner, line;
	int64_t			 lasti;

	t->depth = 0;
	t->gil = -1;
	if (py->want_locals)
		prof_py_vars_clear(t);
	if (t->tstate != 0 && prof_py_tstate_is(py, t->tstate, tid))
		ts = t->tstate;
	else
		ts = prof_py_tstate(py, tid);
	t->tstate = ts;
	if (ts == 0)
		return (-1);
	t->gil = prof_py_gil(py, ts);
	if (l->ts_cframe >= 0) {
		if (prof_py_ptr(py, ts + l->ts_cframe, &frame) != 0 ||
		    prof_py_ptr(py, frame + l->ts_current_frame, &frame) != 0)
			return (-1);
	} else if (prof_py_ptr(py, ts + l->ts_current_frame, &frame) != 0)
		return (-1);
	frlen = py->frlen;
	for (n = 0; frame != 0 && n < PY_MAX_WALK &&
	    t->depth < PROF_MAX_DEPTH; n++) {
		if (prof_py_mem(py, frame, fr, frlen) != 0)
			break;
		frame_at = frame;
		owner = fr[l->fr_owner];
		code = prof_py_get64(fr, l->fr_code);
		instr = prof_py_get64(fr, l->fr_instr);
		frame = prof_py_get64(fr, l->fr_previous);
		if (owner == PY_OWNED_BY_CSTACK && l->fr_is_entry < 0) {
			/* An eval call's entry: what ran above is a run. */
			if (t->depth > 0)
				t->entry[t->depth - 1] = 1;
			continue;
		}
		if ((c = prof_py_code(py, code)) == NULL)
			continue;	/* not a code object: nothing to show */
		lasti = (int64_t)(instr - (code + l->co_code));
		if (lasti < -2 || lasti > (int64_t)c->tablelen * 16)
			line = 0;
		else
			line = prof_py_addr2line(c->table, c->tablelen,
			    c->firstlineno, lasti < 0 ? -1 : (int)lasti);
		t->frames[t->depth] = prof_py_frame(py, c, line);
		if (py->want_locals)
			prof_py_vars_read(py, frame_at, c, &t->vars[t->depth]);
		t->entry[t->depth] = l->fr_is_entry >= 0 &&
		    fr[l->fr_is_entry] != 0;
		t->depth++;
	}
	if (t->depth > 0)
		t->entry[t->depth - 1] = 1;
	return ((int)t->depth);
}

size_t
prof_py_stack(struct prof_py *py, int tid, const size_t **frames,
    const int **entry)
{
	struct prof_py_thread	*t = prof_py_thread(py, tid, 0);

	if (t == NULL)
		return (0);
	*frames = t->frames;
	*entry = t->entry;
	return (t->depth);
}

int
prof_py_holds_gil(struct prof_py *py, int tid)
{
	struct prof_py_thread	*t = prof_py_thread(py, tid, 0);

	return (t == NULL ? -1 : t->gil);
}

int
prof_py_is_eval(const struct prof_frame *f)
{
	return (f->kind == PF_NATIVE && f->func != NULL &&
	    strcmp(f->func, "_PyEval_EvalFrameDefault") == 0);
}
