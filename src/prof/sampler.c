/*
 * The ptrace sampler: seize each thread once, and per sample interrupt the
 * threads that ran, unwind each as its stop arrives and resume it at once.
 */

#include "vigil.h"

#include <sys/ptrace.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libunwind-ptrace.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "sampler-int.h"
#include "unwind-int.h"
#include "xalloc.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP	128
#endif

#define PAGE		4096
#define PAGE_SLOTS	32		/* a stack walk touches a few pages */
#define WAIT_LIMIT_US	250000		/* a thread slower to stop is skipped */

/* What the unwinder's accessors need for one thread. */
struct prof_uarg {
	void			*upt;		/* _UPT_create()'s, for the rest */
	int			 tid;
	struct prof_sampler	*s;
	struct user_regs_struct	 regs;
	int			 have_regs;
};

struct prof_sthread {
	int		 tid;
	int		 slot;		/* in prof_reg */
	char		*name;
	int		 statfd;	/* schedstat, kept open */
	int		 pstatfd;	/* stat (state, utime, stime), open */
	uint64_t	 oncpu;		/* ns on CPU when last looked at */
	int		 running;	/* state R at this sample */
	char		 state;		/* as last read from stat */
	char		 wait[96];	/* off-CPU leaf label; "" not read */
	int		 named;		/* wait names a kernel function */
	int		 listening;	/* in a group-stop, PTRACE_LISTEN */
	int		 unwind;	/* unwind at its next interrupt stop */
	int		 fresh;
	int		 seen;		/* in the last /proc scan */
	int		 dead;
	unsigned	 nfresh;	/* stacks unwound */
	struct prof_uarg u;
	uint64_t	 ips[PROF_MAX_DEPTH];
	size_t		 depth;		/* 0: no stack yet */
};

struct prof_page {
	uint64_t	 addr;
	uint64_t	 gen;
	unsigned char	 data[PAGE];
};

struct prof_sampler {
	int			 pid;
	int			*only;
	size_t			 nonly;
	struct prof_sthread	**t;
	size_t			 n;
	unw_addr_space_t	 as;
	unw_accessors_t		 acc;
	struct prof_page	*pages;
	uint64_t		 gen;		/* pages of older gens are stale */
	uint64_t		 unwound;
	enum prof_end		 end;
	DIR			*taskdir;
	struct prof_ehtab	*eh;		/* deleted files' tables */
	size_t			 neh;
	int			 zombie_leader;	/* not traceable, skipped */
	void			(*stopped)(int, void *);
	void			*stopped_arg;
	enum prof_mode		 mode;		/* which stacks are needed */
	long			 hz;		/* clock ticks a second */
};

static int	prof_u_find_proc_info(unw_addr_space_t, unw_word_t,
		    unw_proc_info_t *, int, void *);
static int	prof_u_access_mem(unw_addr_space_t, unw_word_t,
		    unw_word_t *, int, void *);
static int	prof_u_access_reg(unw_addr_space_t, unw_regnum_t,
		    unw_word_t *, int, void *);
static struct prof_sthread *prof_sampler_find(struct prof_sampler *, int);
static int	prof_sampler_seize(struct prof_sampler *, int, char *,
		    size_t);
static int	prof_sampler_scan(struct prof_sampler *, char *, size_t);
static void	prof_sampler_drop(struct prof_sampler *, size_t);
static void	prof_sampler_event(struct prof_sampler *, int, int);
static void	prof_sampler_unwind(struct prof_sampler *,
		    struct prof_sthread *);
static int	prof_oncpu(struct prof_sampler *, struct prof_sthread *,
		    uint64_t *);
static int	prof_sampler_state(struct prof_sthread *, char *);
static void	prof_sampler_wait(struct prof_sampler *,
		    struct prof_sthread *, char);
static int	prof_sampler_look(struct prof_sampler *,
		    struct prof_sthread *);
static int	prof_sampler_zombie(struct prof_sampler *, int);
static void	prof_sampler_name(struct prof_sampler *,
		    struct prof_sthread *);

/*
 * --- accessors: _UPT's, but memory and registers read in bulk ----------
 *
 * libunwind hands every accessor the argument of unw_init_remote(), and
 * _UPT's own code calls back into them with its own argument, so that
 * argument stays _UPT's and the thread being walked is prof_cur.
 */

static struct prof_uarg *prof_cur;

/*
 * _UPT's, and where it finds nothing, the tables of the mappings it cannot
 * open by their names in /proc/PID/maps: deleted files and the [vdso].
 */
static int
prof_u_find_proc_info(unw_addr_space_t as, unw_word_t ip,
    unw_proc_info_t *pi, int need, void *arg)
{
	struct prof_sampler	*s;
	size_t			 i;
	int			 rc;

	rc = _UPT_find_proc_info(as, ip, pi, need, arg);
	if (rc == 0 || prof_cur == NULL)
		return (rc);
	s = prof_cur->s;
	for (i = 0; i < s->neh; i++) {
		if (ip >= s->eh[i].start && ip < s->eh[i].end)
			return (_Ux86_64_dwarf_search_unwind_table(as, ip,
			    &s->eh[i].di, pi, need, arg));
	}
	return (rc);
}

/*
 * Memory in whole pages with process_vm_readv(2): a stack walk reads a few
 * dozen words from a handful of pages, which is one system call per page
 * instead of one PTRACE_PEEKDATA per word. The pages are valid for one
 * thread's walk (the generation changes before each).
 */
static int
prof_u_access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val,
    int write, void *arg)
{
	struct prof_uarg	*u = prof_cur;
	struct prof_sampler	*s = u->s;
	struct prof_page	*pg;
	struct iovec		 local, remote;
	uint64_t		 base = addr & ~(uint64_t)(PAGE - 1);

	if (write || (addr & (PAGE - 1)) > PAGE - sizeof *val)
		return (_UPT_access_mem(as, addr, val, write, arg));
	pg = &s->pages[(base / PAGE) % PAGE_SLOTS];
	if (pg->gen != s->gen || pg->addr != base) {
		local.iov_base = pg->data;
		local.iov_len = PAGE;
		remote.iov_base = (void *)(uintptr_t)base;
		remote.iov_len = PAGE;
		if (process_vm_readv(u->tid, &local, 1, &remote, 1, 0) !=
		    PAGE) {
			pg->gen = 0;
			return (_UPT_access_mem(as, addr, val, write, arg));
		}
		pg->gen = s->gen;
		pg->addr = base;
	}
	memcpy(val, pg->data + (addr - base), sizeof *val);
	return (0);
}

/* Registers with one PTRACE_GETREGS per walk, not one PEEKUSER each. */
static int
prof_u_access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val,
    int write, void *arg)
{
	struct prof_uarg	*u = prof_cur;
	const struct user_regs_struct *r = &u->regs;

	if (write)
		return (_UPT_access_reg(as, reg, val, write, arg));
	if (!u->have_regs) {
		if (ptrace(PTRACE_GETREGS, u->tid, NULL, &u->regs) == -1)
			return (_UPT_access_reg(as, reg, val, write, arg));
		u->have_regs = 1;
	}
	switch (reg) {
	case UNW_X86_64_RAX: *val = r->rax; break;
	case UNW_X86_64_RDX: *val = r->rdx; break;
	case UNW_X86_64_RCX: *val = r->rcx; break;
	case UNW_X86_64_RBX: *val = r->rbx; break;
	case UNW_X86_64_RSI: *val = r->rsi; break;
	case UNW_X86_64_RDI: *val = r->rdi; break;
	case UNW_X86_64_RBP: *val = r->rbp; break;
	case UNW_X86_64_RSP: *val = r->rsp; break;
	case UNW_X86_64_R8: *val = r->r8; break;
	case UNW_X86_64_R9: *val = r->r9; break;
	case UNW_X86_64_R10: *val = r->r10; break;
	case UNW_X86_64_R11: *val = r->r11; break;
	case UNW_X86_64_R12: *val = r->r12; break;
	case UNW_X86_64_R13: *val = r->r13; break;
	case UNW_X86_64_R14: *val = r->r14; break;
	case UNW_X86_64_R15: *val = r->r15; break;
	case UNW_X86_64_RIP: *val = r->rip; break;
	default:
		return (_UPT_access_reg(as, reg, val, write, arg));
	}
	return (0);
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

/*
 * The table of a mapping _UPT cannot open by the name /proc/PID/maps
 * gives: a deleted file, through the copy the kernel keeps in map_files;
 * the [vdso], from the target's memory.
 */
static int
prof_sampler_ehtab(struct prof_sampler *s, const struct prof_map *m,
    struct prof_ehtab *t)
{
	struct iovec	 local, remote;
	Elf		*elf = NULL;
	char		 path[128], *image = NULL;
	size_t		 size = m->end - m->start;
	int		 fd = -1, rc = -1;

	elf_version(EV_CURRENT);
	if (m->deleted) {
		snprintf(path, sizeof path, "/proc/%d/map_files/%" PRIx64
		    "-%" PRIx64, prof_sampler_live_tid(s), m->start, m->end);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			return (-1);
		elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	} else if (size <= 64 * PAGE) {
		image = xmalloc(size);
		local.iov_base = image;
		local.iov_len = size;
		remote.iov_base = (void *)(uintptr_t)m->start;
		remote.iov_len = size;
		if (process_vm_readv(prof_sampler_live_tid(s), &local, 1,
		    &remote, 1, 0) == (ssize_t)size)
			elf = elf_memory(image, size);
	}
	if (elf != NULL) {
		rc = prof_ehtab_elf(elf, m, t);
		elf_end(elf);
	}
	if (fd != -1)
		close(fd);
	free(image);
	return (rc);
}

/* Tables for the executable mappings of deleted files and the [vdso]. */
static void
prof_sampler_deleted(struct prof_sampler *s)
{
	struct prof_maps	 maps = { NULL, 0 };
	struct prof_ehtab	 t;
	const struct prof_map	*m;
	size_t			 i;

	if (prof_maps_read(&maps, prof_sampler_live_tid(s)) != 0)
		return;
	for (i = 0; i < maps.n; i++) {
		m = &maps.v[i];
		if (!m->exec || m->path == NULL || (!m->deleted &&
		    strcmp(m->path, "[vdso]") != 0))
			continue;
		if (prof_sampler_ehtab(s, m, &t) != 0)
			continue;
		s->eh = xreallocarray(s->eh, s->neh + 1, sizeof *s->eh);
		s->eh[s->neh++] = t;
	}
	prof_maps_free(&maps);
}

/* --- threads ------------------------------------------------------------ */

static struct prof_sthread *
prof_sampler_find(struct prof_sampler *s, int tid)
{
	size_t	i;

	for (i = 0; i < s->n; i++) {
		if (s->t[i]->tid == tid)
			return (s->t[i]);
	}
	return (NULL);
}

/*
 * Nanoseconds on CPU: the first field of schedstat, or where the kernel
 * has none (no CONFIG_SCHED_INFO), utime + stime of stat, coarser.
 */
static int
prof_oncpu(struct prof_sampler *s, struct prof_sthread *t, uint64_t *ns)
{
	char		buf[512], state;
	uint64_t	ticks;
	ssize_t		n;

	if (t->statfd != -1) {
		if ((n = pread(t->statfd, buf, sizeof buf - 1, 0)) <= 0)
			return (-1);
		buf[n] = '\0';
		*ns = strtoull(buf, NULL, 10);
		return (0);
	}
	if (t->pstatfd == -1 ||
	    (n = pread(t->pstatfd, buf, sizeof buf - 1, 0)) <= 0)
		return (-1);
	buf[n] = '\0';
	if (prof_stat_parse(buf, &state, &ticks) != 0)
		return (-1);
	*ns = ticks * (1000000000ULL / (uint64_t)s->hz);
	return (0);
}

/* The state letter of the thread now: R running or runnable, S, D... */
static int
prof_sampler_state(struct prof_sthread *t, char *state)
{
	char		buf[512];
	uint64_t	ticks;
	ssize_t		n;

	if (t->pstatfd == -1 ||
	    (n = pread(t->pstatfd, buf, sizeof buf - 1, 0)) <= 0)
		return (-1);
	buf[n] = '\0';
	return (prof_stat_parse(buf, state, &ticks));
}

/* What a waiting thread waits in: its wchan, else its state. */
static void
prof_sampler_wait(struct prof_sampler *s, struct prof_sthread *t, char state)
{
	struct buf	b = BUF_INITIALIZER;
	char		path[96], wchan[128];
	ssize_t		n;
	int		named;

	snprintf(path, sizeof path, "/proc/%d/task/%d/wchan", s->pid, t->tid);
	n = file_read(path, wchan, sizeof wchan);
	named = prof_offcpu_label(n > 0 ? wchan : NULL, state, &b);
	/* A wait named before is kept over one the kernel cannot name. */
	if (named || !t->named) {
		snprintf(t->wait, sizeof t->wait, "%s", buf_str(&b));
		t->named = named;
	}
	buf_free(&b);
}

/*
 * Look at a thread before a sample: whether it runs now (it ran since it
 * was last looked at, and its state is R), and for off-CPU what it waits
 * in. Returns whether its stack is needed now.
 */
static int
prof_sampler_look(struct prof_sampler *s, struct prof_sthread *t)
{
	uint64_t	ns = 0;
	char		state = '?';
	int		moved, known;

	known = prof_oncpu(s, t, &ns) == 0;
	moved = !known || ns != t->oncpu;
	/*
	 * A thread that did not run is in the state it was last seen in: it
	 * cannot fall asleep without running, and one runnable all along
	 * was preempted (on-CPU, as perf would have it had it had the CPU).
	 */
	if (moved && prof_sampler_state(t, &state) == 0)
		t->state = state;
	else if (moved)
		t->state = 'R';		/* it ran: say so */
	state = t->state;
	t->running = state == 'R';
	if (s->mode == PROF_MODE_OFF_CPU && !t->running &&
	    (moved || t->wait[0] == '\0'))
		prof_sampler_wait(s, t, state);
	if (s->mode == PROF_MODE_ON_CPU) {
		/* A thread that ran and sleeps again: a new baseline. */
		if (!t->running && known)
			t->oncpu = ns;
		return (t->running && (moved || t->depth == 0));
	}
	return (t->depth == 0 || moved);
}

/* Whether a thread has exited and waits to be reaped. */
static int
prof_sampler_zombie(struct prof_sampler *s, int tid)
{
	char	path[96], stat[512], *p;

	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", s->pid, tid);
	if (file_read(path, stat, sizeof stat) < 0 ||
	    (p = strrchr(stat, ')')) == NULL)
		return (0);
	return (p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

/* The thread's name; read again later, as a new thread names itself. */
static void
prof_sampler_name(struct prof_sampler *s, struct prof_sthread *t)
{
	char	path[96], comm[64];

	snprintf(path, sizeof path, "/proc/%d/task/%d/comm", s->pid, t->tid);
	if (file_read(path, comm, sizeof comm) > 0) {
		comm[strcspn(comm, "\n")] = '\0';
		if (t->name == NULL || strcmp(t->name, comm) != 0) {
			free(t->name);
			t->name = xstrdup(comm);
		}
	}
}

/*
 * PTRACE_SEIZE one thread (no stop, no signal: it runs on). Returns 0, 1 if
 * it is gone, -1 with err set if ptrace is refused.
 */
static int
prof_sampler_seize(struct prof_sampler *s, int tid, char *err, size_t errlen)
{
	struct prof_sthread	*t;
	char			 path[96];
	int			 slot;

	if ((slot = prof_reg_add(tid)) == -1)
		return (1);	/* more threads than we follow */
	if (ptrace(PTRACE_SEIZE, tid, NULL,
	    (void *)(long)PTRACE_O_TRACEEXEC) == -1) {
		prof_reg_del(slot);
		if (errno == ESRCH)
			return (1);
		if (errno == EPERM && prof_sampler_zombie(s, tid)) {
			/* A leader gone by pthread_exit(); its threads run. */
			if (tid == s->pid)
				s->zombie_leader = 1;
			return (1);
		}
		if (errno == EPERM)
			prof_explain_eperm(s->pid, tid, err, errlen);
		else
			snprintf(err, errlen, _("cannot trace thread %d: %s"),
			    tid, strerror(errno));
		return (-1);
	}
	t = xcalloc(1, sizeof *t);
	t->tid = tid;
	t->slot = slot;
	prof_sampler_name(s, t);
	snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", s->pid, tid);
	t->statfd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", s->pid, tid);
	t->pstatfd = open(path, O_RDONLY | O_CLOEXEC);
	/* The baseline: what it runs from now on is what the first sees. */
	if (prof_oncpu(s, t, &t->oncpu) != 0)
		t->oncpu = 0;
	if (prof_sampler_state(t, &t->state) != 0)
		t->state = '?';
	t->u.upt = _UPT_create(tid);
	t->u.tid = tid;
	t->u.s = s;
	t->seen = 1;
	s->t = xreallocarray(s->t, s->n + 1, sizeof *s->t);
	s->t[s->n++] = t;
	return (0);
}

static int
prof_sampler_wanted(struct prof_sampler *s, int tid)
{
	size_t	i;

	if (s->only == NULL)
		return (1);
	for (i = 0; i < s->nonly; i++) {
		if (s->only[i] == tid)
			return (1);
	}
	return (0);
}

/*
 * Seize the threads that appeared since the last scan and drop those that
 * are gone. Returns 0, 1 when the process is gone, -1 with err set.
 */
static int
prof_sampler_scan(struct prof_sampler *s, char *err, size_t errlen)
{
	char		 path[64], *end;
	DIR		*d;
	struct dirent	*de;
	long		 tid;
	size_t		 i;
	int		 rc = 0;

	/* Kept open and rewound: cheaper than opening it each sample. */
	if (s->taskdir == NULL) {
		snprintf(path, sizeof path, "/proc/%d/task", s->pid);
		if ((s->taskdir = opendir(path)) == NULL)
			return (1);
	} else
		rewinddir(s->taskdir);
	d = s->taskdir;
	for (i = 0; i < s->n; i++)
		s->t[i]->seen = 0;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno == ENOENT || errno == ESRCH)
				rc = 1;		/* the process is gone */
			break;
		}
		tid = strtol(de->d_name, &end, 10);
		if (de->d_name[0] == '.' || *end != '\0' || tid <= 0)
			continue;
		if (!prof_sampler_wanted(s, tid) ||
		    (tid == s->pid && s->zombie_leader))
			continue;
		if (prof_sampler_find(s, tid) != NULL) {
			prof_sampler_find(s, tid)->seen = 1;
			continue;
		}
		if (prof_sampler_seize(s, tid, err, errlen) == -1) {
			rc = -1;
			break;
		}
	}
	for (i = s->n; i > 0; i--) {
		if (rc == 0 && (!s->t[i - 1]->seen || s->t[i - 1]->dead))
			prof_sampler_drop(s, i - 1);
	}
	return (rc);
}

static void
prof_sampler_drop(struct prof_sampler *s, size_t i)
{
	struct prof_sthread	*t = s->t[i];

	if (!t->dead)
		ptrace(PTRACE_DETACH, t->tid, NULL, NULL);
	prof_reg_del(t->slot);
	if (t->statfd != -1)
		close(t->statfd);
	if (t->pstatfd != -1)
		close(t->pstatfd);
	if (t->u.upt != NULL)
		_UPT_destroy(t->u.upt);
	free(t->name);
	free(t);
	s->t[i] = s->t[--s->n];
}

/* The stack of a thread in an interrupt stop, leaf first. */
static void
prof_sampler_unwind(struct prof_sampler *s, struct prof_sthread *t)
{
	unw_cursor_t	c;
	unw_word_t	ip;
	size_t		d = 0;

	s->gen++;
	t->u.have_regs = 0;
	prof_cur = &t->u;
	if (unw_init_remote(&c, s->as, t->u.upt) == 0) {
		do {
			if (unw_get_reg(&c, UNW_REG_IP, &ip) != 0 || ip == 0)
				break;
			t->ips[d++] = ip;
		} while (d < PROF_MAX_DEPTH && unw_step(&c) > 0);
	}
	if (d > 0) {
		t->depth = d;
		t->fresh = 1;
		s->unwound++;
		if (s->stopped != NULL)
			s->stopped(t->tid, s->stopped_arg);
	}
}

/*
 * One wait status of a traced thread. Our interrupt stops are unwound (if
 * asked) and resumed; the target's own signals go back to it; a group-stop
 * is left in place with PTRACE_LISTEN; exec ends the session.
 */
static void
prof_sampler_event(struct prof_sampler *s, int tid, int status)
{
	struct prof_sthread	*t;
	int			 event, sig;

	if ((t = prof_sampler_find(s, tid)) == NULL)
		return;
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		t->dead = 1;
		prof_reg[t->slot].pending = 0;
		if (tid == s->pid && s->end == PROF_END_NONE)
			s->end = PROF_END_EXIT;
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	event = status >> 16;
	sig = WSTOPSIG(status);
	prof_reg[t->slot].stopped = 1;
	switch (event) {
	case PTRACE_EVENT_STOP:
		prof_reg[t->slot].pending = 0;
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
		    sig == SIGTTOU) {
			/* A real group-stop: the target stays stopped. */
			t->listening = 1;
			ptrace(PTRACE_LISTEN, tid, NULL, NULL);
			prof_reg[t->slot].stopped = 0;
			return;
		}
		t->listening = 0;
		if (t->unwind) {
			prof_sampler_unwind(s, t);
			t->unwind = 0;
		}
		break;
	case PTRACE_EVENT_EXEC:
		s->end = PROF_END_EXEC;
		return;		/* stays stopped: released at the end */
	case 0:
		/* A signal for the target: deliver it. */
		ptrace(PTRACE_CONT, tid, NULL, (void *)(long)sig);
		prof_reg[t->slot].stopped = 0;
		return;
	}
	ptrace(PTRACE_CONT, tid, NULL, NULL);
	prof_reg[t->slot].stopped = 0;
}

/*
 * Handle what happened to the threads between samples without waiting.
 * Returns 0, or -1 when the session must end (*end says why).
 */
int
prof_sampler_drain(struct prof_sampler *s, enum prof_end *end)
{
	int	status, tid;

	for (;;) {
		tid = waitpid(-1, &status, __WALL | WNOHANG);
		if (tid == -1 && errno == EINTR)
			continue;
		if (tid <= 0)
			break;
		prof_sampler_event(s, tid, status);
	}
	if (prof_signals_pending() && s->end == PROF_END_NONE)
		s->end = PROF_END_SIGNAL;
	*end = s->end;
	return (s->end == PROF_END_NONE ? 0 : -1);
}

/* --- the session --------------------------------------------------------- */

struct prof_sampler *
prof_sampler_new(const struct prof_sampler_opts *o, char *err, size_t errlen)
{
	struct prof_sampler	*s;
	size_t			 i;
	int			 rc;

	if (prof_check_target(o->pid, err, errlen) != 0)
		return (NULL);
	s = xcalloc(1, sizeof *s);
	s->pid = o->pid;
	s->stopped = o->stopped;
	s->stopped_arg = o->stopped_arg;
	s->mode = o->mode;
	if ((s->hz = sysconf(_SC_CLK_TCK)) <= 0)
		s->hz = 100;
	if (o->tids != NULL) {
		s->only = xreallocarray(NULL, o->ntids, sizeof *s->only);
		memcpy(s->only, o->tids, o->ntids * sizeof *s->only);
		s->nonly = o->ntids;
	}
	s->acc = _UPT_accessors;
	s->acc.find_proc_info = prof_u_find_proc_info;
	s->acc.access_mem = prof_u_access_mem;
	s->acc.access_reg = prof_u_access_reg;
	s->as = unw_create_addr_space(&s->acc, 0);
	/* Without the global cache a sample costs many times more. */
	unw_set_caching_policy(s->as, UNW_CACHE_GLOBAL);
	s->pages = xcalloc(PAGE_SLOTS, sizeof *s->pages);
	s->gen = 1;

	/* The leader first, so a refusal names the process. */
	if (prof_sampler_wanted(s, s->pid))
		rc = prof_sampler_seize(s, s->pid, err, errlen);
	else
		rc = 0;
	if (rc == 1 && s->zombie_leader)
		rc = 0;
	else if (rc == 1)
		snprintf(err, errlen, _("no process with PID %d"), s->pid);
	if (rc == 0 && (rc = prof_sampler_scan(s, err, errlen)) == 1)
		snprintf(err, errlen, _("process %d exited"), s->pid);
	if (rc == 0 && s->only != NULL) {
		for (i = 0; i < s->nonly; i++) {
			if (prof_sampler_find(s, s->only[i]) == NULL) {
				snprintf(err, errlen,
				    _("thread %d is not a thread of process %d"),
				    s->only[i], s->pid);
				rc = -1;
				break;
			}
		}
	}
	if (rc == 0 && s->n == 0) {
		snprintf(err, errlen,
		    _("process %d has no thread left to sample"), s->pid);
		rc = -1;
	}
	if (rc != 0) {
		prof_sampler_free(s);
		return (NULL);
	}
	prof_sampler_deleted(s);
	return (s);
}

/*
 * One sample: every thread that ran since it was last looked at is
 * interrupted, unwound as its stop arrives, and resumed at once; the others
 * keep their last stack. cb gets each thread's stack (depth 0: none yet,
 * as it did not stop in time or could not be unwound). Returns 0, or -1 when
 * the session is over (*end says why; what was sampled is kept).
 */
int
prof_sampler_sample(struct prof_sampler *s, prof_sample_cb cb, void *arg,
    enum prof_end *end)
{
	struct prof_sthread	*t;
	struct prof_tstack	 ts;
	struct itimerval	 itv;
	char			 err[256];
	size_t			 i, waiting = 0;
	uint64_t		 ns;
	int			 status, tid, armed = 0;

	if (prof_sampler_drain(s, end) != 0)
		return (-1);
	if (prof_sampler_scan(s, err, sizeof err) != 0 || s->n == 0) {
		s->end = PROF_END_EXIT;
		*end = s->end;
		return (-1);
	}
	for (i = 0; i < s->n; i++) {
		t = s->t[i];
		t->fresh = 0;
		t->running = 0;
		if (t->dead || prof_reg[t->slot].pending)
			continue;
		if (t->listening) {
			/* Stopped by a signal, and waiting in that. */
			if (s->mode == PROF_MODE_OFF_CPU)
				prof_sampler_wait(s, t, 'T');
			continue;
		}
		if (!prof_sampler_look(s, t))
			continue;
		if (ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL) == -1)
			continue;
		prof_reg[t->slot].pending = 1;
		t->unwind = 1;
		waiting++;
	}
	if (waiting > 0) {
		memset(&itv, 0, sizeof itv);
		itv.it_value.tv_usec = WAIT_LIMIT_US;
		prof_signals_alarm();
		setitimer(ITIMER_REAL, &itv, NULL);
		armed = 1;
	}
	while (waiting > 0) {
		tid = waitpid(-1, &status, __WALL);
		if (tid == -1 && errno == EINTR) {
			/* A stop signal, or too slow a thread; else SIGCHLD. */
			if (prof_signals_pending() || prof_signals_alarm())
				break;
			continue;
		}
		if (tid == -1)
			break;
		t = prof_sampler_find(s, tid);
		if (t != NULL && t->unwind && (WIFEXITED(status) ||
		    WIFSIGNALED(status) || (WIFSTOPPED(status) &&
		    (status >> 16) == PTRACE_EVENT_STOP)))
			waiting--;
		prof_sampler_event(s, tid, status);
		if (t != NULL && t->listening)
			t->unwind = 0;
		if (s->end != PROF_END_NONE)
			break;
	}
	if (armed) {
		memset(&itv, 0, sizeof itv);
		setitimer(ITIMER_REAL, &itv, NULL);
	}
	for (i = 0; i < s->n; i++) {
		t = s->t[i];
		t->unwind = 0;
		if (t->dead)
			continue;
		if (t->fresh && (++t->nfresh == 2 || t->nfresh % 128 == 0))
			prof_sampler_name(s, t);
		ts.tid = t->tid;
		ts.name = t->name;
		ts.ips = t->ips;
		ts.depth = t->depth;
		ts.fresh = t->fresh;
		ts.running = t->running;
		ts.wait = t->wait[0] != '\0' ? t->wait : NULL;
		cb(&ts, arg);
	}
	/*
	 * Baselines after the callbacks: a sleeping thread our interrupt woke
	 * has gone back to sleep by now, so its time does not seem to move.
	 */
	for (i = 0; i < s->n; i++) {
		t = s->t[i];
		if (t->fresh && prof_oncpu(s, t, &ns) == 0)
			t->oncpu = ns;
	}
	if (prof_signals_pending() && s->end == PROF_END_NONE)
		s->end = PROF_END_SIGNAL;
	*end = s->end;
	return (s->end == PROF_END_NONE ? 0 : -1);
}

size_t
prof_sampler_nthreads(const struct prof_sampler *s)
{
	return (s->n);
}

/* A thread whose /proc entries show the process's memory map. */
int
prof_sampler_live_tid(const struct prof_sampler *s)
{
	if (s->zombie_leader && s->n > 0)
		return (s->t[0]->tid);
	return (s->pid);
}

uint64_t
prof_sampler_unwound(const struct prof_sampler *s)
{
	return (s->unwound);
}

/* Release every thread (running, unless the target stopped itself). */
void
prof_sampler_free(struct prof_sampler *s)
{
	if (s == NULL)
		return;
	prof_release();
	while (s->n > 0) {
		s->t[0]->dead = 1;	/* detached: nothing more to do */
		prof_sampler_drop(s, 0);
	}
	free(s->t);
	if (s->as != NULL)
		unw_destroy_addr_space(s->as);
	if (s->taskdir != NULL)
		closedir(s->taskdir);
	free(s->pages);
	free(s->eh);
	free(s->only);
	free(s);
}
