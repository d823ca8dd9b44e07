/* libvigil-heap.so: malloc and friends interposed, each allocation counted against its call stack. */

#include "vigil.h"

#include <sys/mman.h>
#include <sys/syscall.h>

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "preload-int.h"

/*
 * How a call gets through, in order:
 *  - before dlsym has found the real functions (dlsym itself calls calloc
 *    while we ask it), memory comes from a static bootstrap buffer, whose
 *    frees are recognised by address and ignored;
 *  - in a thread already inside a hook (libunwind, dl_iterate_phdr, the
 *    agent thread, a signal handler interrupting a hook) the call passes
 *    straight through, untracked: ht_busy, initial-exec TLS so that
 *    reading it never allocates;
 *  - until the constructor has set everything up, or if anything in it
 *    failed, every call passes through: the host runs as without us.
 * A pointer is forgotten before the real free and remembered after the
 * real malloc, so an address reused by another thread is never confused.
 */

struct ht_real {
	void	*(*malloc)(size_t);
	void	 (*free)(void *);
	void	*(*calloc)(size_t, size_t);
	void	*(*realloc)(void *, size_t);
	void	*(*reallocarray)(void *, size_t, size_t);
	int	 (*posix_memalign)(void **, size_t, size_t);
	void	*(*aligned_alloc)(size_t, size_t);
	void	*(*memalign)(size_t, size_t);
	void	*(*valloc)(size_t);
	void	*(*pvalloc)(size_t);
};

/* glibc's own names: the fallback if dlsym finds nothing. */
extern void	*__libc_malloc(size_t);
extern void	 __libc_free(void *);
extern void	*__libc_calloc(size_t, size_t);
extern void	*__libc_realloc(void *, size_t);
extern void	*__libc_memalign(size_t, size_t);
extern void	*__libc_valloc(size_t);
extern void	*__libc_pvalloc(size_t);

#define HT_BOOT_SIZE	(256 * 1024)
#define HT_BOOT_HDR	16
#define HT_SKIP_MAX	8

struct ht_config	 ht_config;
__thread int		 ht_busy HT_TLS;

static struct ht_real	 real;
static _Atomic int	 ht_resolved;	/* 0, 1: in progress, 2: done */
static __thread int	 ht_resolving HT_TLS;
static int		 ht_active;
static int		 ht_fastfree;	/* active and sampled */
static int		 ht_forklocked;
static uintptr_t	 ht_self_lo, ht_self_hi;

static __thread int64_t	 ht_left HT_TLS;	/* bytes to the next sample */
static __thread uint64_t ht_rng HT_TLS;
static __thread int	 ht_seeded HT_TLS;
static __thread struct ht_stack *ht_last HT_TLS;	/* this thread's last */

static char		 ht_boot[HT_BOOT_SIZE] __attribute__((aligned(64)));
static _Atomic size_t	 ht_boot_used;

static void	*ht_boot_alloc(size_t);
static int	 ht_boot_owns(const void *);
static int	 ht_resolve(void);
static int	 ht_posix_memalign(void **, size_t, size_t);
static uint64_t	 ht_random(void);
static int64_t	 ht_draw(void);
static int	 ht_sample(size_t);
static void	 ht_track(void *, size_t, enum ht_kind);
static void	 ht_forget(void *);
static int	 ht_self_cb(struct dl_phdr_info *, size_t, void *);
static uint64_t	 ht_env_size(const char *, uint64_t);
static void	 ht_fork_prepare(void);
static void	 ht_fork_parent(void);
static void	 ht_fork_child(void);
static void	 ht_init(void) __attribute__((constructor));
static void	 ht_fini(void) __attribute__((destructor));

/* --- before dlsym: the bootstrap buffer ---------------------------- */

static void *
ht_boot_alloc(size_t n)
{
	size_t	off, need;
	char	*p;

	if (n > HT_BOOT_SIZE)
		return (NULL);
	need = HT_BOOT_HDR + ((n + 15) & ~(size_t)15);
	off = atomic_fetch_add(&ht_boot_used, need);
	if (off + need > HT_BOOT_SIZE)
		return (NULL);
	p = ht_boot + off;
	memcpy(p, &n, sizeof n);
	return (p + HT_BOOT_HDR);	/* zeroed: never handed out twice */
}

static int
ht_boot_owns(const void *p)
{
	return ((const char *)p >= ht_boot &&
	    (const char *)p < ht_boot + HT_BOOT_SIZE);
}

/*
 * Find the next definitions (another preloaded allocator, else libc's).
 * The thread doing it gets the bootstrap buffer for dlsym's own calls;
 * any other thread waits the few microseconds it takes.
 */
static int
ht_resolve(void)
{
	int	want = 0;

	if (atomic_load(&ht_resolved) == 2)
		return (0);
	if (ht_resolving)
		return (-1);
	if (!atomic_compare_exchange_strong(&ht_resolved, &want, 1)) {
		while (atomic_load(&ht_resolved) != 2)
			sched_yield();
		return (0);
	}
	ht_resolving = 1;
	real.malloc = dlsym(RTLD_NEXT, "malloc");
	real.free = dlsym(RTLD_NEXT, "free");
	real.calloc = dlsym(RTLD_NEXT, "calloc");
	real.realloc = dlsym(RTLD_NEXT, "realloc");
	real.reallocarray = dlsym(RTLD_NEXT, "reallocarray");
	real.posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
	real.aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
	real.memalign = dlsym(RTLD_NEXT, "memalign");
	real.valloc = dlsym(RTLD_NEXT, "valloc");
	real.pvalloc = dlsym(RTLD_NEXT, "pvalloc");
	if (real.malloc == NULL || real.free == NULL ||
	    real.calloc == NULL || real.realloc == NULL) {
		real.malloc = __libc_malloc;
		real.free = __libc_free;
		real.calloc = __libc_calloc;
		real.realloc = __libc_realloc;
	}
	if (real.memalign == NULL)
		real.memalign = __libc_memalign;
	if (real.valloc == NULL)
		real.valloc = __libc_valloc;
	if (real.pvalloc == NULL)
		real.pvalloc = __libc_pvalloc;
	ht_resolving = 0;
	atomic_store(&ht_resolved, 2);
	return (0);
}

/* --- sampling --------------------------------------------------------- */

/* xorshift64*: per thread, no lock, good enough to space samples. */
static uint64_t
ht_random(void)
{
	ht_rng ^= ht_rng >> 12;
	ht_rng ^= ht_rng << 25;
	ht_rng ^= ht_rng >> 27;
	return (ht_rng * 0x2545f4914f6cdd1dULL);
}

/* Bytes to the next sample: exponential with mean ht_config.rate. */
static int64_t
ht_draw(void)
{
	double	u, d;

	u = ((ht_random() >> 11) + 1) * 0x1.0p-53;	/* (0, 1] */
	d = -log(u) * (double)ht_config.rate;
	if (d < 1)
		return (1);
	if (d > 1e15)
		return ((int64_t)1e15);
	return ((int64_t)d);
}

/*
 * Is this allocation sampled? The bytes allocated form a Poisson process
 * of rate 1/ht_config.rate; an allocation is sampled if a point falls in
 * it, which happens with probability 1 - exp(-size/rate).
 */
static int
ht_sample(size_t size)
{
	struct timespec	ts;

	if (!ht_seeded) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ht_rng = ((uint64_t)(uintptr_t)&ht_left * 0x9e3779b97f4a7c15ULL)
		    ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32);
		if (ht_rng == 0)
			ht_rng = 1;
		ht_left = ht_draw();
		ht_seeded = 1;
	}
	ht_left -= (int64_t)size;
	if (ht_left > 0)
		return (0);
	ht_left = ht_draw();
	return (1);
}

/*
 * What one sampled allocation of size bytes stands for: 1/p of it, p the
 * chance it had to be sampled. Unbiased: the expected weighted sum is the
 * true one, for every size.
 */
void
ht_weigh(uint64_t size, int64_t *bytes, int64_t *objs)
{
	double	x, w;

	x = (double)(size == 0 ? 1 : size) / (double)ht_config.rate;
	w = 1.0 / -expm1(-x);
	*bytes = llround((double)size * w);
	*objs = llround(w * HT_ONE);
}

/* --- recording ------------------------------------------------------- */

static void __attribute__((noinline))
ht_track(void *p, size_t size, enum ht_kind kind)
{
	uintptr_t	 ips[HT_DEPTH_MAX + HT_SKIP_MAX];
	struct ht_stack	*st;
	int		 n, skip = 0;

	if (kind == HT_HEAP && ht_config.sampled && !ht_sample(size))
		return;
	ht_agent_poll();
	n = unw_backtrace((void **)ips, ht_config.depth + HT_SKIP_MAX);
	while (skip < n && skip < HT_SKIP_MAX && ips[skip] >= ht_self_lo &&
	    ips[skip] < ht_self_hi)
		skip++;
	n -= skip;
	if (n > ht_config.depth)
		n = ht_config.depth;
	if (n < 0)
		n = 0;
	/* Allocations in a loop repeat their stack: compare, do not hash. */
	st = ht_last;
	if (st == NULL || st->depth != (uint32_t)n || st->kind != kind ||
	    memcmp(st->ips, ips + skip, n * sizeof *ips) != 0)
		st = ht_last = ht_stack_get(ips + skip, n, kind);
	if (ht_ptr_put((uintptr_t)p, size, st) == 0)
		ht_stack_add(st, size, 1);
}

static void
ht_forget(void *p)
{
	struct ht_stack	*st;
	uint64_t	 size;

	if (!ht_ptr_maybe((uintptr_t)p))
		return;
	if ((st = ht_ptr_take((uintptr_t)p, &size)) != NULL)
		ht_stack_add(st, size, -1);
}

/* Shared shape of the allocating hooks: call, then record if we may. */
#define HT_ALLOC(call, size) do {					\
	if (ht_busy || !ht_active)					\
		return (call);						\
	ht_busy = 1;							\
	p = (call);							\
	if (p != NULL)							\
		ht_track(p, (size), HT_HEAP);				\
	ht_busy = 0;							\
	return (p);							\
} while (0)

/* --- the interposed functions ---------------------------------------- */

/*
 * malloc and free are the hot pair: in sampled mode an allocation that
 * is not sampled costs a subtraction, a free of a pointer not sampled a
 * hash and one load, and neither sets ht_busy.
 */
HT_EXPORT void *
malloc(size_t n)
{
	void	*p;

	/*
	 * ht_left is positive only in a thread that sampling has seeded,
	 * which needs the real functions and the library active.
	 */
	if (__builtin_expect(ht_left > (int64_t)n, 1)) {
		ht_left -= (int64_t)n;		/* as ht_sample(): not sampled */
		return (real.malloc(n));
	}
	if (__builtin_expect(real.malloc == NULL, 0) && ht_resolve() != 0)
		return (ht_boot_alloc(n));
	HT_ALLOC(real.malloc(n), n);
}

HT_EXPORT void
free(void *p)
{
	if (p == NULL || ht_boot_owns(p))
		return;
	if (ht_fastfree && !ht_ptr_maybe((uintptr_t)p)) {
		real.free(p);
		return;
	}
	if (__builtin_expect(real.free == NULL, 0) && ht_resolve() != 0)
		return;		/* cannot be ours, cannot be freed yet */
	if (ht_active && !ht_busy && ht_ptr_maybe((uintptr_t)p)) {
		ht_busy = 1;
		ht_forget(p);
		ht_busy = 0;
	}
	real.free(p);
}

HT_EXPORT void *
calloc(size_t n, size_t size)
{
	void	*p;

	if (__builtin_expect(real.calloc == NULL, 0) && ht_resolve() != 0) {
		if (size != 0 && n > SIZE_MAX / size)
			return (NULL);
		return (ht_boot_alloc(n * size));
	}
	if (ht_left > (int64_t)(n * size) && (size == 0 || n <= SIZE_MAX /
	    size)) {
		ht_left -= (int64_t)(n * size);	/* as in malloc() */
		return (real.calloc(n, size));
	}
	HT_ALLOC(real.calloc(n, size), n * size);
}

HT_EXPORT void *
realloc(void *old, size_t n)
{
	struct ht_stack	*st = NULL;
	uint64_t	 oldsize = 0;
	size_t		 have;
	void		*p;

	if (old != NULL && ht_boot_owns(old)) {
		/* Bootstrap memory moves to the real heap, once. */
		memcpy(&have, (char *)old - HT_BOOT_HDR, sizeof have);
		if ((p = malloc(n)) != NULL)
			memcpy(p, old, have < n ? have : n);
		return (p);
	}
	if (__builtin_expect(real.realloc == NULL, 0) && ht_resolve() != 0)
		return (old == NULL ? ht_boot_alloc(n) : NULL);
	if (ht_busy || !ht_active)
		return (real.realloc(old, n));
	ht_busy = 1;
	if (old != NULL && ht_ptr_maybe((uintptr_t)old) &&
	    (st = ht_ptr_take((uintptr_t)old, &oldsize)) != NULL)
		ht_stack_add(st, oldsize, -1);
	p = real.realloc(old, n);
	if (p == NULL && n != 0 && old != NULL) {
		/* Nothing moved, nothing freed: the old block is still live. */
		if (st != NULL && ht_ptr_put((uintptr_t)old, oldsize, st) == 0)
			ht_stack_add(st, oldsize, 2);
	} else if (p != NULL)
		ht_track(p, n, HT_HEAP);
	ht_busy = 0;
	return (p);
}

HT_EXPORT void *
reallocarray(void *old, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return (NULL);
	}
	return (realloc(old, n * size));
}

/* The real posix_memalign, else the same from memalign. */
static int
ht_posix_memalign(void **out, size_t align, size_t n)
{
	void	*p;

	if (real.posix_memalign != NULL)
		return (real.posix_memalign(out, align, n));
	if (align < sizeof (void *) || (align & (align - 1)) != 0)
		return (EINVAL);
	if ((p = real.memalign(align, n)) == NULL)
		return (ENOMEM);
	*out = p;
	return (0);
}

HT_EXPORT int
posix_memalign(void **out, size_t align, size_t n)
{
	int	rc;

	if (__builtin_expect(real.malloc == NULL, 0) && ht_resolve() != 0)
		return (ENOMEM);
	if (ht_busy || !ht_active)
		return (ht_posix_memalign(out, align, n));
	ht_busy = 1;
	rc = ht_posix_memalign(out, align, n);
	if (rc == 0 && *out != NULL)
		ht_track(*out, n, HT_HEAP);
	ht_busy = 0;
	return (rc);
}

HT_EXPORT void *
aligned_alloc(size_t align, size_t n)
{
	void	*p;

	if (__builtin_expect(real.malloc == NULL, 0) && ht_resolve() != 0)
		return (NULL);
	if (real.aligned_alloc == NULL)
		HT_ALLOC(real.memalign(align, n), n);
	HT_ALLOC(real.aligned_alloc(align, n), n);
}

HT_EXPORT void *
memalign(size_t align, size_t n)
{
	void	*p;

	if (__builtin_expect(real.malloc == NULL, 0) && ht_resolve() != 0)
		return (NULL);
	HT_ALLOC(real.memalign(align, n), n);
}

HT_EXPORT void *
valloc(size_t n)
{
	void	*p;

	if (__builtin_expect(real.malloc == NULL, 0) && ht_resolve() != 0)
		return (NULL);
	HT_ALLOC(real.valloc(n), n);
}

HT_EXPORT void *
pvalloc(size_t n)
{
	void	*p;
	size_t	 page = 4096;

	if (__builtin_expect(real.malloc == NULL, 0) && ht_resolve() != 0)
		return (NULL);
	if (ht_active)
		page = (size_t)sysconf(_SC_PAGESIZE);
	HT_ALLOC(real.pvalloc(n), n == 0 ? page : (n + page - 1) &
	    ~(page - 1));
}

/*
 * Anonymous mappings, a kind of their own, every one counted (they are
 * few and large). The kernel call is made directly: the library cannot
 * depend on finding mmap before dlsym works.
 */
HT_EXPORT void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void	*p;

	p = (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED && (flags & MAP_ANONYMOUS) && ht_config.mmap &&
	    !ht_busy && ht_active) {
		ht_busy = 1;
		ht_track(p, len, HT_MMAP);
		ht_busy = 0;
	}
	return (p);
}

HT_EXPORT void *
mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (mmap(addr, len, prot, flags, fd, off));
}

HT_EXPORT int
munmap(void *addr, size_t len)
{
	struct ht_stack	*st;
	uint64_t	 size, page, cut;

	if (ht_config.mmap && !ht_busy && ht_active &&
	    ht_ptr_maybe((uintptr_t)addr)) {
		ht_busy = 1;
		if ((st = ht_ptr_take((uintptr_t)addr, &size)) != NULL) {
			if (st->kind != HT_MMAP) {
				/* Not a mapping of ours: put it back. */
				if (ht_ptr_put((uintptr_t)addr, size, st) != 0)
					ht_stack_add(st, size, -1);
			} else {
				ht_stack_add(st, size, -1);
				page = (uint64_t)sysconf(_SC_PAGESIZE);
				cut = (len + page - 1) & ~(page - 1);
				/* The front of a mapping: the rest lives on. */
				if (cut < size && ht_ptr_put((uintptr_t)addr +
				    cut, size - cut, st) == 0)
					ht_stack_add(st, size - cut, 2);
			}
		}
		ht_busy = 0;
	}
	return ((int)syscall(SYS_munmap, addr, len));
}

/* --- set-up, fork and exit --------------------------------------------- */

/* Our own code's range: the frames a backtrace starts with, dropped. */
static int
ht_self_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t	 me = (uintptr_t)arg, lo, hi;
	int		 i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_LOAD ||
		    !(info->dlpi_phdr[i].p_flags & PF_X))
			continue;
		lo = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
		hi = lo + info->dlpi_phdr[i].p_memsz;
		if (me >= lo && me < hi) {
			ht_self_lo = lo;
			ht_self_hi = hi;
			return (1);
		}
	}
	return (0);
}

/* A size with an optional k, m or g (powers of 1024); bad: the default. */
static uint64_t
ht_env_size(const char *name, uint64_t dflt)
{
	const char		*s = getenv(name);
	char			*end;
	unsigned long long	 v;

	if (s == NULL || *s == '\0')
		return (dflt);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return (dflt);
	switch (*end) {
	case 'k': case 'K':
		v <<= 10, end++;
		break;
	case 'm': case 'M':
		v <<= 20, end++;
		break;
	case 'g': case 'G':
		v <<= 30, end++;
		break;
	}
	if (*end != '\0' && strcmp(end, "B") != 0 && strcmp(end, "iB") != 0)
		return (dflt);
	return (v);
}

static void
ht_fork_prepare(void)
{
	ht_forklocked = 0;
	if (ht_busy || !ht_active)
		return;		/* fork from inside a hook: nothing to wait for */
	ht_busy = 1;
	ht_table_lock();
	ht_forklocked = 1;
}

static void
ht_fork_parent(void)
{
	if (!ht_forklocked)
		return;
	ht_table_unlock();
	ht_busy = 0;
}

static void
ht_fork_child(void)
{
	if (!ht_active)
		return;
	ht_table_reinit();
	if (ht_forklocked)
		ht_busy = 0;
	ht_agent_forked();
}

static void
ht_init(void)
{
	const char	*mode;
	void		*ips[4];

	ht_busy = 1;
	if (ht_resolve() != 0)
		goto out;
	mode = getenv("VIGIL_HEAP_MODE");
	if (mode != NULL && strcmp(mode, "off") == 0)
		goto out;
	ht_config.sampled = mode == NULL || strcmp(mode, "full") != 0;
	ht_config.rate = ht_env_size("VIGIL_HEAP_RATE", HT_RATE_DEFAULT);
	if (ht_config.rate == 0)
		ht_config.sampled = 0;
	ht_config.depth = (int)ht_env_size("VIGIL_HEAP_DEPTH",
	    HT_DEPTH_DEFAULT);
	if (ht_config.depth < 1 || ht_config.depth > HT_DEPTH_MAX)
		ht_config.depth = HT_DEPTH_DEFAULT;
	ht_config.mmap = ht_env_size("VIGIL_HEAP_MMAP", 1) != 0;
	if (ht_table_init() != 0)
		goto out;
	dl_iterate_phdr(ht_self_cb, (void *)(uintptr_t)ht_track);
	/* libunwind sets itself up on its first call: here, not in a hook. */
	unw_backtrace(ips, nitems(ips));
	if (pthread_atfork(ht_fork_prepare, ht_fork_parent,
	    ht_fork_child) != 0)
		goto out;
	if (ht_agent_start() != 0)
		goto out;
	ht_active = 1;
	ht_fastfree = ht_config.sampled;
out:
	ht_busy = 0;
}

static void
ht_fini(void)
{
	ht_agent_stop();
}
