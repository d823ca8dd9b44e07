/*
 * Symbols with libdwfl (elfutils): function names (demangled, the mangled
 * one kept), file:line where debug information exists (found the standard
 * way, /usr/lib/debug/.build-id included), a frame per inlined call from
 * the DWARF scopes, JIT code from /tmp/perf-PID.map, the start of the
 * enclosing FDE for code no symbol covers, and module+offset for the rest.
 * Every address is resolved once; libdwfl keeps each module.
 */

#include "vigil.h"

#include <sys/stat.h>

#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "debuginfo-int.h"
#include "file.h"
#include "sampler-int.h"
#include "xalloc.h"

#define DELETED		" (deleted)"
#define REPORT_EVERY	1	/* seconds between rereading the maps */

struct prof_syms {
	int			 pid;		/* for /tmp/perf-PID.map */
	int			 mpid;		/* a live thread, for maps */
	struct prof		*p;
	Dwfl			*dwfl;
	Dwfl_Callbacks		 cb;
	char			*debuginfo_path;
	struct prof_dbg		*dbg;		/* debuginfod, DWARF checks */
	struct prof_maps	 maps;
	time_t			 reported;

	struct prof_jitmap	 jit;
	struct timespec		 jit_mtime;
	off_t			 jit_size;

	uint64_t		*keys;		/* address + 1; 0: empty */
	size_t			*vals;		/* into chain */
	size_t			 cap, n;

	Dwarf_Die		 cu;		/* prof_syms_cu()'s answer */

	/* Per address: how many frames, then each, innermost first. */
	size_t			*chain;
	size_t			 nchain, capchain;
};

#define INLINE_MAX	32	/* inlined calls kept per address */

/* libdwfl's find_elf has no argument of ours; one symboliser at a time. */
static struct prof_syms *prof_syms_current;

static int	prof_syms_find_elf(Dwfl_Module *, void **, const char *,
		    Dwarf_Addr, char **, Elf **);
static int	prof_syms_find_debuginfo(Dwfl_Module *, void **,
		    const char *, Dwarf_Addr, const char *, const char *,
		    GElf_Word, char **);
static void	prof_syms_report(struct prof_syms *);
static void	prof_syms_mappings(struct prof_syms *);
static void	prof_syms_jit(struct prof_syms *);
static size_t	prof_syms_resolve(struct prof_syms *, uint64_t);
static size_t	prof_syms_inline(struct prof_syms *, Dwfl_Module *, uint64_t,
		    const struct prof_frame *, size_t *, size_t);
static void	prof_syms_name(struct prof_frame *, const char *, char **,
		    char **);
static Dwarf_Die *prof_syms_cu(struct prof_syms *, Dwfl_Module *, uint64_t,
		    Dwarf_Addr *);
static int	prof_syms_line(struct prof_syms *, Dwfl_Module *, uint64_t,
		    const char **, int *);
static size_t	prof_syms_chain(struct prof_syms *, const size_t *, size_t);
static int	prof_syms_fde_start(Dwfl_Module *, uint64_t, uint64_t *);
static void	prof_syms_put(struct prof_syms *, uint64_t, size_t);

/*
 * libdwfl's own finder, and for a file deleted since it was mapped (an
 * upgraded package, a rebuilt binary) the copy the kernel still holds,
 * through /proc/PID/map_files or /proc/PID/exe.
 */
static int
prof_syms_find_elf(Dwfl_Module *mod, void **ud, const char *name,
    Dwarf_Addr base, char **file_name, Elf **elfp)
{
	struct prof_syms	*sy = prof_syms_current;
	char			 path[128], *want;
	size_t			 i, len;
	int			 fd;

	fd = dwfl_linux_proc_find_elf(mod, ud, name, base, file_name, elfp);
	if (fd >= 0 || *elfp != NULL || sy == NULL || name[0] != '/')
		return (fd);
	want = xstrdup(name);
	len = strlen(want);
	if (len > strlen(DELETED) &&
	    strcmp(want + len - strlen(DELETED), DELETED) == 0)
		want[len - strlen(DELETED)] = '\0';
	for (i = 0; i < sy->maps.n && fd == -1; i++) {
		if (sy->maps.v[i].path == NULL ||
		    strcmp(sy->maps.v[i].path, want) != 0)
			continue;
		snprintf(path, sizeof path, "/proc/%d/map_files/%" PRIx64
		    "-%" PRIx64, sy->mpid, sy->maps.v[i].start,
		    sy->maps.v[i].end);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	free(want);
	if (fd == -1)
		return (-1);
	if ((*elfp = elf_begin(fd, ELF_C_READ_MMAP, NULL)) == NULL) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/*
 * The debug file of a module: where libdwfl looks (next to it, in
 * /usr/lib/debug, by build-id), then from debuginfod (debuginfo.c).
 */
static int
prof_syms_find_debuginfo(Dwfl_Module *mod, void **ud, const char *name,
    Dwarf_Addr base, const char *file, const char *link, GElf_Word crc,
    char **debug_name)
{
	struct prof_syms	*sy = prof_syms_current;
	int			 fd;

	fd = dwfl_standard_find_debuginfo(mod, ud, name, base, file, link,
	    crc, debug_name);
	if (fd >= 0 || sy == NULL)
		return (fd);
	return (prof_dbg_find(sy->dbg, mod, name, debug_name));
}

/* (Re)read the target's modules from /proc/PID/maps. */
static void
prof_syms_report(struct prof_syms *sy)
{
	prof_maps_read(&sy->maps, sy->mpid);
	dwfl_report_begin(sy->dwfl);
	dwfl_linux_proc_report(sy->dwfl, sy->mpid);
	dwfl_report_end(sy->dwfl, NULL, NULL);
	sy->reported = time(NULL);
}

/* The executable mappings, with their build-ids, into the profile. */
static void
prof_syms_mappings(struct prof_syms *sy)
{
	struct prof_mapping	 pm;
	const struct prof_map	*m;
	Dwfl_Module		*mod;
	const unsigned char	*id;
	GElf_Addr		 vaddr;
	char			*hex;
	size_t			 i;
	int			 len, k;

	for (i = 0; i < sy->maps.n; i++) {
		m = &sy->maps.v[i];
		if (!m->exec || m->path == NULL)
			continue;
		memset(&pm, 0, sizeof pm);
		pm.start = m->start;
		pm.end = m->end;
		pm.offset = m->offset;
		pm.path = m->path;
		hex = NULL;
		if ((mod = dwfl_addrmodule(sy->dwfl, m->start)) != NULL &&
		    (len = dwfl_module_build_id(mod, &id, &vaddr)) > 0) {
			hex = xmalloc(2 * len + 1);
			for (k = 0; k < len; k++)
				snprintf(hex + 2 * k, 3, "%02x", id[k]);
			pm.build_id = hex;
		}
		prof_mapping_add(sy->p, &pm);
		free(hex);
	}
}

/*
 * Symbols of process pid, whose maps are read through the thread mpid (the
 * pid itself, unless its leader is gone and only its threads run).
 */
struct prof_syms *
prof_syms_new(int pid, int mpid, struct prof *p)
{
	struct prof_syms	*sy;

	sy = xcalloc(1, sizeof *sy);
	sy->pid = pid;
	sy->mpid = mpid;
	sy->p = p;
	sy->cb.find_elf = prof_syms_find_elf;
	sy->cb.find_debuginfo = prof_syms_find_debuginfo;
	sy->dbg = prof_dbg_new();
	sy->cb.debuginfo_path = &sy->debuginfo_path;	/* NULL: default */
	sy->dwfl = dwfl_begin(&sy->cb);
	prof_syms_current = sy;
	if (sy->dwfl != NULL)
		prof_syms_report(sy);
	else
		prof_maps_read(&sy->maps, mpid);
	if (sy->dwfl != NULL)
		prof_syms_mappings(sy);
	sy->cap = 1024;
	sy->keys = xcalloc(sy->cap, sizeof *sy->keys);
	sy->vals = xcalloc(sy->cap, sizeof *sy->vals);
	return (sy);
}

void
prof_syms_free(struct prof_syms *sy)
{
	if (sy == NULL)
		return;
	if (sy->dwfl != NULL)
		dwfl_end(sy->dwfl);
	if (prof_syms_current == sy)
		prof_syms_current = NULL;
	prof_dbg_free(sy->dbg);
	prof_maps_free(&sy->maps);
	prof_jitmap_free(&sy->jit);
	free(sy->keys);
	free(sy->vals);
	free(sy->chain);
	free(sy);
}

/* Reread /tmp/perf-PID.map when the JIT has written to it. */
static void
prof_syms_jit(struct prof_syms *sy)
{
	struct stat	 st;
	char		 path[64], *text;

	snprintf(path, sizeof path, "/tmp/perf-%d.map", sy->pid);
	if (stat(path, &st) != 0)
		return;
	if (st.st_size == sy->jit_size &&
	    st.st_mtim.tv_sec == sy->jit_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == sy->jit_mtime.tv_nsec)
		return;
	if (file_read_all(path, &text) < 0)
		return;
	prof_jitmap_free(&sy->jit);
	prof_jitmap_parse(&sy->jit, text);
	free(text);
	sy->jit_size = st.st_size;
	sy->jit_mtime = st.st_mtim;
}

/*
 * The start of the function holding addr (an ELF address of the module),
 * from its unwind table: what names a function when no symbol does.
 */
static int
prof_syms_fde_start(Dwfl_Module *mod, uint64_t addr, uint64_t *start)
{
	Dwarf_CFI	*cfi;
	Dwarf_Frame	*fr;
	Dwarf_Addr	 bias, s, e;
	int		 i, rc = -1;

	for (i = 0; i < 2 && rc != 0; i++) {
		cfi = i == 0 ? dwfl_module_eh_cfi(mod, &bias) :
		    dwfl_module_dwarf_cfi(mod, &bias);
		if (cfi == NULL)
			continue;
		if (dwarf_cfi_addrframe(cfi, addr + 0, &fr) != 0)
			continue;
		if (dwarf_frame_info(fr, &s, &e, NULL) >= 0) {
			*start = s;
			rc = 0;
		}
		free(fr);
	}
	return (rc);
}

/* The name of a native frame: demangled, the raw one kept as sysname. */
static void
prof_syms_name(struct prof_frame *f, const char *raw, char **fname,
    char **sysname)
{
	*fname = *sysname = NULL;
	if (raw == NULL)
		return;
	if ((*fname = prof_demangle(raw)) != NULL)
		*sysname = xstrdup(raw);
	else
		*fname = xstrdup(raw);
	f->func = *fname;
	f->sysname = *sysname;
}

/*
 * The compile unit holding addr. libdwfl finds it through .debug_aranges,
 * which Go's linker does not write (nor some others): then each unit's
 * own ranges are asked, the way the DWARF reader of Go's debug/dwarf does.
 */
static Dwarf_Die *
prof_syms_cu(struct prof_syms *sy, Dwfl_Module *mod, uint64_t addr,
    Dwarf_Addr *bias)
{
	Dwarf_Die	*cu;
	Dwarf		*dw;
	Dwarf_Aranges	*ar;
	Dwarf_Off	 off = 0, next;
	size_t		 hsize, nar;

	if ((cu = dwfl_module_addrdie(mod, addr, bias)) != NULL)
		return (cu);
	if ((dw = dwfl_module_getdwarf(mod, bias)) == NULL)
		return (NULL);
	/* With aranges, a miss is code no unit covers: do not scan. */
	if (dwarf_getaranges(dw, &ar, &nar) == 0 && nar > 0)
		return (NULL);
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		if (dwarf_offdie(dw, off + hsize, &sy->cu) != NULL &&
		    dwarf_haspc(&sy->cu, addr - *bias) == 1)
			return (&sy->cu);
		off = next;
	}
	return (NULL);
}

/* The file:line of addr, from the line table of its compile unit. */
static int
prof_syms_line(struct prof_syms *sy, Dwfl_Module *mod, uint64_t addr,
    const char **file, int *lineno)
{
	Dwfl_Line	*line;
	Dwarf_Line	*dl;
	Dwarf_Die	*cu;
	Dwarf_Addr	 bias;

	if ((line = dwfl_module_getsrc(mod, addr)) != NULL &&
	    (*file = dwfl_lineinfo(line, NULL, lineno, NULL, NULL,
	    NULL)) != NULL)
		return (0);
	if ((cu = prof_syms_cu(sy, mod, addr, &bias)) == NULL ||
	    (dl = dwarf_getsrc_die(cu, addr - bias)) == NULL ||
	    (*file = dwarf_linesrc(dl, NULL, NULL)) == NULL ||
	    dwarf_lineno(dl, lineno) != 0)
		return (-1);
	return (0);
}

/* The name DWARF gives a function: its linkage name, else its own. */
static const char *
prof_syms_die_name(Dwarf_Die *die)
{
	Dwarf_Attribute	 at;
	const char	*name;

	if ((name = dwarf_formstring(dwarf_attr_integrate(die,
	    DW_AT_linkage_name, &at))) != NULL)
		return (name);
	if ((name = dwarf_formstring(dwarf_attr_integrate(die,
	    DW_AT_MIPS_linkage_name, &at))) != NULL)
		return (name);
	return (dwarf_diename(die));
}

/*
 * The inlined calls at addr from the DWARF scopes holding it, innermost
 * first, each with its own file:line (the innermost the address's, each
 * outer one the line it was called from), then the function itself
 * (outer, given, with the line of the outermost call). 0 when nothing is
 * inlined there, or the DWARF cannot say (missing or corrupt: libdw
 * reports an error and the frame keeps what the symbols gave).
 */
static size_t
prof_syms_inline(struct prof_syms *sy, Dwfl_Module *mod, uint64_t addr,
    const struct prof_frame *outer, size_t *out, size_t max)
{
	struct prof_frame	 f;
	Dwarf_Die		*cu, *scopes = NULL;
	Dwarf_Files		*files = NULL;
	Dwarf_Attribute		 at;
	Dwarf_Addr		 bias;
	Dwarf_Word		 cfile, cline;
	const char		*file;
	char			*fname, *sysname;
	size_t			 k = 0;
	int			 n, i, line, tag;

	if (max < 2 || (cu = prof_syms_cu(sy, mod, addr, &bias)) == NULL)
		return (0);
	if ((n = dwarf_getscopes(cu, addr - bias, &scopes)) <= 0)
		return (0);
	for (i = 0; i < n; i++) {
		tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram)
			break;
	}
	if (i == n || tag != DW_TAG_inlined_subroutine) {
		free(scopes);
		return (0);
	}
	if (dwarf_getsrcfiles(cu, &files, NULL) != 0)
		files = NULL;
	file = outer->file;
	line = outer->line;
	for (; i < n && k + 1 < max && k < INLINE_MAX; i++) {
		tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_subprogram)
			break;
		if (tag != DW_TAG_inlined_subroutine)
			continue;
		memset(&f, 0, sizeof f);
		f.kind = PF_NATIVE;
		f.flags = PF_INLINED;
		f.module = outer->module;
		f.offset = outer->offset;
		f.file = (char *)file;
		f.line = line;
		prof_syms_name(&f, prof_syms_die_name(&scopes[i]), &fname,
		    &sysname);
		out[k++] = prof_frame_intern(sy->p, &f);
		free(fname);
		free(sysname);
		file = NULL;
		line = 0;
		if (files != NULL && dwarf_formudata(dwarf_attr(&scopes[i],
		    DW_AT_call_file, &at), &cfile) == 0)
			file = dwarf_filesrc(files, cfile, NULL, NULL);
		if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line,
		    &at), &cline) == 0)
			line = (int)cline;
	}
	f = *outer;
	f.file = (char *)file;
	f.line = line;
	out[k++] = prof_frame_intern(sy->p, &f);
	free(scopes);
	return (k);
}

/* Keep the frames of one address; their place in the chain array. */
static size_t
prof_syms_chain(struct prof_syms *sy, const size_t *v, size_t n)
{
	size_t	at = sy->nchain;

	if (sy->nchain + n + 1 > sy->capchain) {
		sy->capchain = 2 * (sy->nchain + n + 1) + 1024;
		sy->chain = xreallocarray(sy->chain, sy->capchain,
		    sizeof *sy->chain);
	}
	sy->chain[sy->nchain++] = n;
	memcpy(sy->chain + sy->nchain, v, n * sizeof *v);
	sy->nchain += n;
	return (at);
}

/* Name one address: the work behind the cache. Returns its chain. */
static size_t
prof_syms_resolve(struct prof_syms *sy, uint64_t addr)
{
	struct prof_frame	 f;
	const struct prof_map	*m;
	const struct prof_jitsym *js;
	Dwfl_Module		*mod = NULL;
	GElf_Sym		 sym;
	GElf_Off		 off;
	Dwarf_Addr		 bias = 0, low;
	const char		*name, *fn, *file;
	char			*modname = NULL, *fname = NULL, *sysname = NULL;
	char			*raw;
	uint64_t		 start;
	size_t			 len, v[INLINE_MAX + 1], n = 0;
	int			 lineno;

	memset(&f, 0, sizeof f);
	f.kind = PF_NATIVE;
	/*
	 * Anonymous memory (or memory mapped since the maps were read) is
	 * the JIT's first: a module's range as libdwfl sees it may run past
	 * its files into the anonymous pages next to it.
	 */
	m = prof_maps_find(&sy->maps, addr);
	if (m == NULL || m->path == NULL) {
		prof_syms_jit(sy);
		if ((js = prof_jitmap_find(&sy->jit, addr)) != NULL) {
			f.func = js->name;
			f.offset = addr - js->start;
			v[0] = prof_frame_intern(sy->p, &f);
			return (prof_syms_chain(sy, v, 1));
		}
	}
	if (sy->dwfl != NULL) {
		mod = dwfl_addrmodule(sy->dwfl, addr);
		if (mod == NULL && time(NULL) - sy->reported >= REPORT_EVERY) {
			prof_syms_report(sy);	/* dlopen()ed since? */
			mod = dwfl_addrmodule(sy->dwfl, addr);
		}
	}
	if (mod != NULL) {
		name = dwfl_module_info(mod, NULL, &low, NULL, NULL, NULL,
		    NULL, NULL);
		modname = xstrdup(name != NULL ? name : "[unknown]");
		len = strlen(modname);
		if (len > strlen(DELETED) &&
		    strcmp(modname + len - strlen(DELETED), DELETED) == 0)
			modname[len - strlen(DELETED)] = '\0';
		f.module = modname;
		if (dwfl_module_getelf(mod, &bias) == NULL)
			bias = low;
		f.offset = addr - bias;
		fn = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL,
		    NULL);
		/* A stripped file's nearest dynamic symbol is not its name. */
		if (fn != NULL && (GELF_ST_TYPE(sym.st_info) == STT_FUNC ||
		    GELF_ST_TYPE(sym.st_info) == STT_GNU_IFUNC) &&
		    (sym.st_size == 0 ? off == 0 : off < sym.st_size)) {
			/* Without the version: __libc_start_main@@GLIBC_2.34 */
			raw = xstrndup(fn, strcspn(fn, "@"));
			prof_syms_name(&f, raw, &fname, &sysname);
			free(raw);
		}
		if (prof_dbg_dwarf_ok(sy->dbg, mod, modname) &&
		    prof_syms_line(sy, mod, addr, &file, &lineno) == 0) {
			f.file = (char *)file;
			f.line = lineno;
		}
		/* Unnamed: one label per function, from the unwind table. */
		if (f.func == NULL && prof_syms_fde_start(mod, addr - bias,
		    &start) == 0) {
			f.offset = start;
			f.flags = PF_FDE;
		}
		if (f.func != NULL)
			n = prof_syms_inline(sy, mod, addr, &f, v, nitems(v));
	} else {
		if ((m = prof_maps_find(&sy->maps, addr)) != NULL &&
		    m->path != NULL) {
			f.module = m->path;
			f.offset = addr - m->start + m->offset;
		} else
			f.offset = addr;
	}
	if (n == 0)
		v[n++] = prof_frame_intern(sy->p, &f);
	free(modname);
	free(fname);
	free(sysname);
	return (prof_syms_chain(sy, v, n));
}

static void
prof_syms_put(struct prof_syms *sy, uint64_t key, size_t val)
{
	uint64_t	*ok = sy->keys;
	size_t		*ov = sy->vals, ocap = sy->cap, i, h;

	if (2 * (sy->n + 1) > sy->cap) {
		sy->cap *= 2;
		sy->keys = xcalloc(sy->cap, sizeof *sy->keys);
		sy->vals = xcalloc(sy->cap, sizeof *sy->vals);
		sy->n = 0;
		for (i = 0; i < ocap; i++) {
			if (ok[i] != 0)
				prof_syms_put(sy, ok[i], ov[i]);
		}
		free(ok);
		free(ov);
	}
	h = (key * 0x9e3779b97f4a7c15ULL) >> 20;
	for (i = h & (sy->cap - 1); sy->keys[i] != 0; i = (i + 1) &
	    (sy->cap - 1)) {
		if (sy->keys[i] == key)
			return;
	}
	sy->keys[i] = key;
	sy->vals[i] = val;
	sy->n++;
}

/*
 * The profile's frames for an address of the stack, innermost first. A
 * return address (not the leaf) is looked up one byte back, inside the
 * call.
 */
size_t
prof_syms_frames(struct prof_syms *sy, uint64_t ip, int leaf, size_t *out,
    size_t max)
{
	uint64_t	addr = leaf || ip == 0 ? ip : ip - 1, key = addr + 1;
	size_t		i, at, n;

	i = ((key * 0x9e3779b97f4a7c15ULL) >> 20) & (sy->cap - 1);
	for (; sy->keys[i] != 0; i = (i + 1) & (sy->cap - 1)) {
		if (sy->keys[i] == key)
			break;
	}
	if (sy->keys[i] == key)
		at = sy->vals[i];
	else {
		at = prof_syms_resolve(sy, addr);
		prof_syms_put(sy, key, at);
	}
	n = sy->chain[at] < max ? sy->chain[at] : max;
	memcpy(out, sy->chain + at + 1, n * sizeof *out);
	return (n);
}

/* The innermost frame of an address. */
size_t
prof_syms_frame(struct prof_syms *sy, uint64_t ip, int leaf)
{
	size_t	idx;

	prof_syms_frames(sy, ip, leaf, &idx, 1);
	return (idx);
}
