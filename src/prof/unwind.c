/*
 * Unwinding a copied stack: the registers and a copy of the user stack of
 * one thread at one moment, walked with libunwind against the target's
 * mapped files (code and .eh_frame_hdr tables read from vigil's own
 * mappings of them, cached). The perf_event sampler gets its copy from
 * the kernel at each sample, the ptrace sampler with one
 * process_vm_readv(2) while the thread is stopped; both walk it after
 * the thread runs on.
 *
 * Looked at: perf's own --call-graph dwarf (tools/perf/util/unwind-
 * libunwind-local.c) does the same with the same accessors; libdw's
 * dwfl_attach_state() would do too, but libunwind's global cache is what
 * makes a walk cheap.
 */

#include "vigil.h"

#if defined(__x86_64__)

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <limits.h>
#include <libunwind-ptrace.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sampler-int.h"
#include "unwind-int.h"
#include "xalloc.h"

#define UNW_PAGE	4096
#define UNW_MAPS_NS	100000000ULL	/* maps reread at most this often */

/* A mapped file (or the [vdso]) in vigil's memory, for reading code. */
struct unw_img {
	char		*key;
	unsigned char	*data;
	size_t		 size;
	int		 mapped;	/* munmap, not free */
};

/* What is known of one mapping of the target: its image, its table. */
struct unw_mapx {
	struct unw_img	*img;
	int		 img_tried;
	int		 tab_state;	/* 0 not tried, 1 have, -1 none */
	struct prof_ehtab tab;
};

struct prof_unw {
	int			(*live_tid)(const void *);
	const void		*live_arg;
	unw_addr_space_t	 as;
	unw_accessors_t		 acc;
	void			*upt;		/* _UPT's, for .debug_frame */
	struct prof_maps	 maps;
	struct unw_mapx		*mx;
	uint64_t		 maps_read;	/* when, monotonic ns */
	struct unw_img		**img;
	size_t			 nimg;
};

/* The walk under way, for the accessors: one at a time. */
static struct prof_unw		*unw_self;
static const struct prof_ustack	*unw_cur;

static int
unw_live(struct prof_unw *u)
{
	return (u->live_tid(u->live_arg));
}

/* --- the target's mappings, read from its files -------------------------- */

/* /proc/PID/maps again: a module loaded since the last read. */
static void
unw_maps_reread(struct prof_unw *u)
{
	struct prof_maps	 maps = { NULL, 0 };
	uint64_t		 now = prof_mono_ns();

	if (u->maps_read != 0 && now - u->maps_read < UNW_MAPS_NS)
		return;
	u->maps_read = now;
	if (prof_maps_read(&maps, unw_live(u)) != 0)
		return;
	prof_maps_free(&u->maps);
	u->maps = maps;
	free(u->mx);
	u->mx = xcalloc(maps.n + 1, sizeof *u->mx);
}

/* The mapping of addr (its index in *ip), reread once if none has it. */
static const struct prof_map *
unw_map(struct prof_unw *u, uint64_t addr, size_t *ip)
{
	const struct prof_map	*m;

	if ((m = prof_maps_find(&u->maps, addr)) == NULL) {
		unw_maps_reread(u);
		if ((m = prof_maps_find(&u->maps, addr)) == NULL)
			return (NULL);
	}
	*ip = m - u->maps.v;
	return (m);
}

/*
 * The image of mapping i: the file mapped whole and read-only (copy on
 * write, for libelf), kept by name; a deleted file through map_files; the
 * [vdso] copied from the target once. NULL for anonymous memory.
 */
static struct unw_img *
unw_image(struct prof_unw *u, size_t i)
{
	const struct prof_map	*m = &u->maps.v[i];
	struct unw_img		*img;
	struct iovec		 local, remote;
	struct stat		 st;
	char			 key[PATH_MAX + 64];
	size_t			 k;
	void			*p;
	int			 fd, vdso;

	if (u->mx[i].img_tried)
		return (u->mx[i].img);
	u->mx[i].img_tried = 1;
	if (m->path == NULL)
		return (NULL);
	vdso = strcmp(m->path, "[vdso]") == 0;
	if (!vdso && m->path[0] != '/')
		return (NULL);
	if (m->deleted)
		snprintf(key, sizeof key, "/proc/%d/map_files/%" PRIx64 "-%"
		    PRIx64, unw_live(u), m->start, m->end);
	else
		snprintf(key, sizeof key, "%s", m->path);
	for (k = 0; k < u->nimg; k++) {
		if (strcmp(u->img[k]->key, key) == 0)
			return (u->mx[i].img = u->img[k]);
	}
	img = xcalloc(1, sizeof *img);
	img->key = xstrdup(key);
	if (vdso && m->end - m->start <= 64 * UNW_PAGE) {
		img->size = m->end - m->start;
		img->data = xmalloc(img->size);
		local.iov_base = img->data;
		local.iov_len = img->size;
		remote.iov_base = (void *)(uintptr_t)m->start;
		remote.iov_len = img->size;
		if (process_vm_readv(unw_live(u), &local, 1, &remote, 1, 0) !=
		    (ssize_t)img->size) {
			free(img->data);
			img->data = NULL;
			img->size = 0;
		}
	} else if (!vdso && (fd = open(key, O_RDONLY | O_CLOEXEC)) != -1) {
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size > 0 && (p = mmap(NULL, st.st_size,
		    PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)) != MAP_FAILED) {
			img->data = p;
			img->size = st.st_size;
			img->mapped = 1;
		}
		close(fd);
	}
	u->img = xreallocarray(u->img, u->nimg + 1, sizeof *u->img);
	u->img[u->nimg++] = img;
	return (u->mx[i].img = img);
}

/*
 * The .eh_frame_hdr of an executable mapping, from its ELF image, as
 * libunwind would read it from the file: its binary-search table, in the
 * target's memory. Returns 0 with t filled, or -1.
 */
int
prof_ehtab_elf(Elf *elf, const struct prof_map *m, struct prof_ehtab *t)
{
	GElf_Phdr	 ph, load, eh;
	const unsigned char *hdr;
	const char	*raw;
	uint32_t	 count;
	size_t		 n, i, size;
	uint64_t	 bias, segbase;
	int		 have_load = 0, have_eh = 0;

	memset(&load, 0, sizeof load);
	memset(&eh, 0, sizeof eh);
	if (elf_getphdrnum(elf, &n) != 0 ||
	    (raw = elf_rawfile(elf, &size)) == NULL)
		return (-1);
	for (i = 0; i < n; i++) {
		if (gelf_getphdr(elf, i, &ph) == NULL)
			continue;
		if (ph.p_type == PT_LOAD && m->offset >= ph.p_offset &&
		    m->offset < ph.p_offset + ph.p_filesz + 4096) {
			load = ph;
			have_load = 1;
		}
		if (ph.p_type == PT_GNU_EH_FRAME) {
			eh = ph;
			have_eh = 1;
		}
	}
	if (!have_load || !have_eh || eh.p_offset > size ||
	    size - eh.p_offset < 12)
		return (-1);
	hdr = (const unsigned char *)raw + eh.p_offset;
	/*
	 * Version 1; the FDE count a udata4 and the table datarel sdata4
	 * pairs: the layout libunwind searches (Gfind_unwind_table.c).
	 */
	if (hdr[0] != 1 || hdr[2] != 0x03 || hdr[3] != 0x3b)
		return (-1);
	memcpy(&count, hdr + 8, sizeof count);
	bias = m->start - (load.p_vaddr - load.p_offset + m->offset);
	segbase = bias + eh.p_vaddr;
	memset(t, 0, sizeof *t);
	t->start = m->start;
	t->end = m->end;
	t->di.start_ip = m->start;
	t->di.end_ip = m->end;
	t->di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
	t->di.u.rti.segbase = segbase;
	t->di.u.rti.table_data = segbase + 12;
	t->di.u.rti.table_len = (uint64_t)count * 8 / sizeof (unw_word_t);
	return (0);
}

/* --- accessors: the copied stack, the mapped files, the registers -------- */

/*
 * Memory: the stack as it was copied, code and unwind tables from the
 * files. Anything else (a heap, the stack beyond the copy) was not copied
 * and cannot be read as it was: the walk ends there.
 */
static int
unw_u_access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val,
    int write, void *arg)
{
	struct prof_unw		*u = unw_self;
	const struct prof_ustack *c = unw_cur;
	const struct prof_map	*m;
	struct unw_img		*img;
	uint64_t		 off;
	size_t			 i;

	(void)as;
	(void)arg;
	if (write)
		return (-UNW_EINVAL);
	if (c != NULL && addr >= c->sp && c->len >= sizeof *val &&
	    addr - c->sp <= c->len - sizeof *val) {
		memcpy(val, c->stack + (addr - c->sp), sizeof *val);
		return (0);
	}
	if ((m = unw_map(u, addr, &i)) == NULL ||
	    (img = unw_image(u, i)) == NULL || img->data == NULL)
		return (-UNW_EINVAL);
	off = addr - m->start + (m->path[0] == '/' ? m->offset : 0);
	if (off > img->size || img->size - off < sizeof *val)
		return (-UNW_EINVAL);
	memcpy(val, img->data + off, sizeof *val);
	return (0);
}

static int
unw_u_access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val,
    int write, void *arg)
{
	(void)as;
	(void)arg;
	if (write || reg < 0 || reg >= PROF_UREGS || unw_cur == NULL)
		return (-UNW_EBADREG);
	*val = unw_cur->regs[reg];
	return (0);
}

static int
unw_u_access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val,
    int write, void *arg)
{
	(void)as;
	(void)reg;
	(void)val;
	(void)write;
	(void)arg;
	return (-UNW_EBADREG);
}

static int
unw_u_resume(unw_addr_space_t as, unw_cursor_t *c, void *arg)
{
	(void)as;
	(void)c;
	(void)arg;
	return (-UNW_EINVAL);
}

static int
unw_u_get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf,
    size_t len, unw_word_t *off, void *arg)
{
	(void)as;
	(void)addr;
	(void)buf;
	(void)len;
	(void)off;
	(void)arg;
	return (-UNW_ENOINFO);	/* names come from libdw, later */
}

static int
unw_u_get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr,
    void *arg)
{
	(void)as;
	(void)addr;
	(void)arg;
	return (-UNW_ENOINFO);
}

/*
 * The unwind entry of ip: the .eh_frame_hdr table of its mapping, made
 * from the file once; without one, _UPT's search (.debug_frame), which
 * reads through the same accessors.
 */
static int
unw_u_find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
    int need, void *arg)
{
	struct prof_unw		*u = unw_self;
	const struct prof_map	*m;
	struct unw_mapx		*x;
	struct unw_img		*img;
	unw_dyn_info_t		 di;
	Elf			*elf;
	size_t			 i;

	(void)arg;
	if ((m = unw_map(u, ip, &i)) == NULL || !m->exec)
		return (-UNW_ENOINFO);
	x = &u->mx[i];
	if (x->tab_state == 0) {
		x->tab_state = -1;
		elf_version(EV_CURRENT);
		if ((img = unw_image(u, i)) != NULL && img->data != NULL &&
		    (elf = elf_memory((char *)img->data, img->size)) != NULL) {
			if (prof_ehtab_elf(elf, m, &x->tab) == 0)
				x->tab_state = 1;
			elf_end(elf);
		}
	}
	/* A copy: the search reads memory, which may reread the maps. */
	if (x->tab_state == 1) {
		di = x->tab.di;
		return (_Ux86_64_dwarf_search_unwind_table(as, ip, &di, pi,
		    need, u));
	}
	if (u->upt == NULL)
		u->upt = _UPT_create(unw_live(u));
	return (_UPT_find_proc_info(as, ip, pi, need, u->upt));
}

static void
unw_u_put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
	_UPT_put_unwind_info(as, pi, arg);
}

/* --- the walker ------------------------------------------------------------ */

struct prof_unw *
prof_unw_new(int (*live_tid)(const void *), const void *arg)
{
	struct prof_unw	*u;

	u = xcalloc(1, sizeof *u);
	u->live_tid = live_tid;
	u->live_arg = arg;
	u->acc.find_proc_info = unw_u_find_proc_info;
	u->acc.put_unwind_info = unw_u_put_unwind_info;
	u->acc.get_dyn_info_list_addr = unw_u_get_dyn_info_list_addr;
	u->acc.access_mem = unw_u_access_mem;
	u->acc.access_reg = unw_u_access_reg;
	u->acc.access_fpreg = unw_u_access_fpreg;
	u->acc.resume = unw_u_resume;
	u->acc.get_proc_name = unw_u_get_proc_name;
	u->as = unw_create_addr_space(&u->acc, 0);
	/* Without a cache a walk costs many times more. */
	unw_set_caching_policy(u->as, UNW_CACHE_GLOBAL);
	return (u);
}

/* The maps read now (after the target is known to be there). */
void
prof_unw_maps(struct prof_unw *u)
{
	unw_maps_reread(u);
}

/* Walk one copied stack, leaf first, into ips. Returns the depth. */
size_t
prof_unw_stack(struct prof_unw *u, const struct prof_ustack *st,
    uint64_t *ips, size_t max)
{
	unw_cursor_t	c;
	unw_word_t	ip;
	size_t		d = 0;

	unw_self = u;
	unw_cur = st;
	if (unw_init_remote(&c, u->as, u) == 0) {
		do {
			if (unw_get_reg(&c, UNW_REG_IP, &ip) != 0 || ip == 0)
				break;
			ips[d++] = ip;
		} while (d < max && unw_step(&c) > 0);
	}
	unw_cur = NULL;
	return (d);
}

void
prof_unw_free(struct prof_unw *u)
{
	size_t	i;

	if (u == NULL)
		return;
	if (u->as != NULL)
		unw_destroy_addr_space(u->as);
	if (u->upt != NULL)
		_UPT_destroy(u->upt);
	for (i = 0; i < u->nimg; i++) {
		if (u->img[i]->mapped)
			munmap(u->img[i]->data, u->img[i]->size);
		else
			free(u->img[i]->data);
		free(u->img[i]->key);
		free(u->img[i]);
	}
	free(u->img);
	prof_maps_free(&u->maps);
	free(u->mx);
	if (unw_self == u)
		unw_self = NULL;
	free(u);
}

#endif	/* __x86_64__ */
