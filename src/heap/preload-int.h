/*
 * Inside libvigil-heap.so, the allocation tracker loaded with LD_PRELOAD:
 * the hooks (preload.c), the tables they write (preload-table.c) and the
 * agent thread that answers snapshot requests (preload-agent.c).
 *
 * Nothing here uses the host's malloc: every table lives in memory the
 * library maps itself and never gives back while the process lives (the
 * pointer-map shards excepted, which it remaps as they grow). The library
 * links neither libncurses nor libproc2, only libunwind, libdl, libpthread
 * and libm.
 */
#ifndef VIGIL_PRELOAD_INT_H
#define VIGIL_PRELOAD_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define HT_TLS		__attribute__((tls_model("initial-exec")))
#define HT_EXPORT	__attribute__((visibility("default")))

#define HT_DEPTH_MAX	128
#define HT_DEPTH_DEFAULT 64
#define HT_RATE_DEFAULT	(512 * 1024)

/* Objects are counted in 1/HT_ONE so sampled weights stay exact enough. */
#define HT_ONE		65536

enum ht_kind {
	HT_HEAP,		/* malloc and friends */
	HT_MMAP			/* anonymous mmap */
};

/*
 * One distinct call stack (leaf first), its counters, in the arena.
 * Allocated and freed are counted apart (two atomic adds an allocation,
 * two a free); live is their difference. A reader takes freed first:
 * every free it sees had its allocation counted before, so live is never
 * negative and never more than allocated.
 */
struct ht_stack {
	uint64_t		 hash;
	uint32_t		 depth;
	uint32_t		 kind;
	_Atomic int64_t		 cum_bytes;
	_Atomic int64_t		 cum_objs;	/* in 1/HT_ONE */
	_Atomic int64_t		 freed_bytes;
	_Atomic int64_t		 freed_objs;	/* in 1/HT_ONE */
	uintptr_t		 ips[];
};

/* Settings, from VIGIL_HEAP_* at load time. */
struct ht_config {
	int			 sampled;	/* 0: every allocation */
	uint64_t		 rate;		/* mean bytes between samples */
	int			 depth;
	int			 mmap;		/* track anonymous mmap */
};

extern struct ht_config	 ht_config;
extern __thread int	 ht_busy HT_TLS;

/*
 * Sampled mode's counting filter over live sampled pointers: a zero
 * counter means "certainly not in the map", read without a lock on
 * every free (inline: it is the fast path).
 */
#define HT_FILTER_BITS	15

extern _Atomic uint16_t	*ht_filter;

static inline uint64_t
ht_hash_ptr(uintptr_t p)
{
	uint64_t	h = (uint64_t)p * 0x9e3779b97f4a7c15ULL;

	return (h ^ (h >> 31));
}

static inline int
ht_ptr_maybe(uintptr_t key)
{
	if (!ht_config.sampled)
		return (1);
	return (atomic_load_explicit(&ht_filter[ht_hash_ptr(key) >>
	    (64 - HT_FILTER_BITS)], memory_order_relaxed) != 0);
}

/* preload-table.c */
int		 ht_table_init(void);
struct ht_stack	*ht_stack_get(const uintptr_t *, int, enum ht_kind);
void		 ht_stack_add(struct ht_stack *, uint64_t, int);
int		 ht_ptr_put(uintptr_t, uint64_t, struct ht_stack *);
struct ht_stack	*ht_ptr_take(uintptr_t, uint64_t *);
void		 ht_table_lock(void);
void		 ht_table_unlock(void);
void		 ht_table_reinit(void);
typedef void	 (*ht_stack_cb)(const struct ht_stack *, void *);
void		 ht_stack_each(ht_stack_cb, void *);
void		*ht_map(size_t);
void		 ht_unmap(void *, size_t);

/* preload.c */
void		 ht_weigh(uint64_t, int64_t *, int64_t *);

/* preload-agent.c */
int		 ht_agent_start(void);
void		 ht_agent_forked(void);
void		 ht_agent_poll(void);
void		 ht_agent_stop(void);

#endif
