/* The tracker's tables: distinct stacks (lock-free) and live pointers (sharded). */

#include "vigil.h"

#include <sys/mman.h>
#include <sys/syscall.h>

#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "preload-int.h"

/*
 * Stacks: an open-addressing table of 2^20 slots, each 0 or the arena
 * offset (in 8-byte words) of a struct ht_stack. A new stack is written in
 * the arena, then published with one compare-and-swap; two threads racing
 * for the same stack both end up with the winner's entry (the loser's
 * arena bytes are wasted, which is rare and bounded). Entries are never
 * removed. When the table or the arena is full, new stacks count against
 * one stack of depth 0, reported as such: nothing is lost from the totals.
 */
#define HT_SLOTS_BITS	20
#define HT_SLOTS	(1U << HT_SLOTS_BITS)
#define HT_PROBES	64
#define HT_ARENA_SIZE	((size_t)512 << 20)

/*
 * Live pointers: HT_SHARDS small hash tables, each behind its own lock,
 * chosen by the pointer's hash, linear probing with backward-shift
 * deletion (no tombstones). A shard grows by mapping a table twice the
 * size. In sampled mode a counting filter, lock-free, answers "certainly
 * not sampled" for almost every free without touching a shard.
 */
#define HT_SHARDS	128
#define HT_SHARD_MIN	32

struct ht_ent {
	uintptr_t		 key;		/* 0: empty */
	uint64_t		 size;
	struct ht_stack		*st;
};

struct ht_shard {
	atomic_flag		 lock;
	struct ht_ent		*v;
	size_t			 cap;
	size_t			 n;
} __attribute__((aligned(64)));

static _Atomic uint32_t	*ht_slots;
static char		*ht_arena;
static _Atomic size_t	 ht_arena_used;
static struct ht_stack	*ht_lost[2];		/* per kind */
static struct ht_shard	 ht_shards[HT_SHARDS];
_Atomic uint16_t	*ht_filter;

static void		 ht_lock(struct ht_shard *);
static void		 ht_unlock(struct ht_shard *);
static void		*ht_arena_alloc(size_t);
static int		 ht_shard_grow(struct ht_shard *);
static struct ht_ent	*ht_shard_find(struct ht_shard *, uintptr_t,
			     uint64_t);
static void		 ht_shard_del(struct ht_shard *, struct ht_ent *,
			     uint64_t);

/* Our own memory, straight from the kernel: never the host's malloc. */
void *
ht_map(size_t n)
{
	long	r;

	r = syscall(SYS_mmap, NULL, n, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r < 0 && r > -4096)
		return (NULL);
	if ((void *)r == MAP_FAILED)
		return (NULL);
	return ((void *)r);
}

void
ht_unmap(void *p, size_t n)
{
	syscall(SYS_munmap, p, n);
}

/*
 * A spinlock: held for a few dozen instructions, never across a call
 * that could block or allocate. A holder preempted on a busy machine is
 * waited for with sched_yield() rather than by burning the CPU.
 */
static void
ht_lock(struct ht_shard *s)
{
	int	spins = 0;

	while (atomic_flag_test_and_set_explicit(&s->lock,
	    memory_order_acquire)) {
		if (++spins < 64)
			__builtin_ia32_pause();
		else
			sched_yield();
	}
}

static void
ht_unlock(struct ht_shard *s)
{
	atomic_flag_clear_explicit(&s->lock, memory_order_release);
}

static void *
ht_arena_alloc(size_t n)
{
	size_t	off;

	n = (n + 7) & ~(size_t)7;
	off = atomic_fetch_add_explicit(&ht_arena_used, n,
	    memory_order_relaxed);
	if (off + n > HT_ARENA_SIZE)
		return (NULL);
	return (ht_arena + off);
}

int
ht_table_init(void)
{
	size_t	i;
	int	k;

	ht_slots = ht_map(HT_SLOTS * sizeof *ht_slots);
	ht_arena = ht_map(HT_ARENA_SIZE);
	ht_filter = ht_map(((size_t)1 << HT_FILTER_BITS) * sizeof *ht_filter);
	if (ht_slots == NULL || ht_arena == NULL || ht_filter == NULL)
		return (-1);
	/* Offset 0 means "empty": burn the first word. */
	atomic_store(&ht_arena_used, 8);
	for (k = 0; k < 2; k++) {
		if ((ht_lost[k] = ht_arena_alloc(sizeof *ht_lost[k])) == NULL)
			return (-1);
		ht_lost[k]->kind = k;
	}
	for (i = 0; i < HT_SHARDS; i++)
		atomic_flag_clear(&ht_shards[i].lock);
	return (0);
}

/* The entry of a stack (leaf first), made and published if new. */
struct ht_stack *
ht_stack_get(const uintptr_t *ips, int depth, enum ht_kind kind)
{
	struct ht_stack	*st, *fresh = NULL;
	uint64_t	 h = 0xcbf29ce484222325ULL ^ kind;
	uint32_t	 v, off;
	size_t		 i;
	int		 d, probe;

	for (d = 0; d < depth; d++) {
		h ^= ips[d];
		h *= 0x100000001b3ULL;
		h ^= h >> 29;
	}
	i = (h ^ (h >> 32)) & (HT_SLOTS - 1);
	for (probe = 0; probe < HT_PROBES; probe++) {
		v = atomic_load_explicit(&ht_slots[i], memory_order_acquire);
		if (v == 0) {
			if (fresh == NULL) {
				fresh = ht_arena_alloc(sizeof *fresh +
				    depth * sizeof *ips);
				if (fresh == NULL)
					break;
				fresh->hash = h;
				fresh->depth = depth;
				fresh->kind = kind;
				memcpy(fresh->ips, ips, depth * sizeof *ips);
			}
			off = ((char *)fresh - ht_arena) / 8;
			if (atomic_compare_exchange_strong_explicit(
			    &ht_slots[i], &v, off, memory_order_acq_rel,
			    memory_order_acquire))
				return (fresh);
			/* Lost the race: v is the winner's entry. */
		}
		st = (struct ht_stack *)(ht_arena + (size_t)v * 8);
		if (st->hash == h && st->depth == (uint32_t)depth &&
		    st->kind == (uint32_t)kind &&
		    memcmp(st->ips, ips, depth * sizeof *ips) == 0)
			return (st);
		i = (i + 1) & (HT_SLOTS - 1);
	}
	return (ht_lost[kind]);
}

/*
 * Count one allocation of size bytes (sign 1), its free (-1), or undo a
 * free that did not happen (2: a failed realloc). Sampled heap
 * allocations count with their weight, computed again from the size on
 * free so the two always cancel.
 */
void
ht_stack_add(struct ht_stack *st, uint64_t size, int sign)
{
	int64_t	b = size, o = HT_ONE;

	if (st->kind == HT_HEAP && ht_config.sampled)
		ht_weigh(size, &b, &o);
	if (sign == 1) {
		atomic_fetch_add_explicit(&st->cum_bytes, b,
		    memory_order_release);
		atomic_fetch_add_explicit(&st->cum_objs, o,
		    memory_order_release);
		return;
	}
	if (sign == 2) {		/* the free did not happen */
		b = -b;
		o = -o;
	}
	atomic_fetch_add_explicit(&st->freed_bytes, b, memory_order_release);
	atomic_fetch_add_explicit(&st->freed_objs, o, memory_order_release);
}

static struct ht_ent *
ht_shard_find(struct ht_shard *s, uintptr_t key, uint64_t h)
{
	size_t	i, n;

	if (s->v == NULL)
		return (NULL);
	i = (h >> 9) & (s->cap - 1);
	for (n = 0; n < s->cap && s->v[i].key != 0; n++) {
		if (s->v[i].key == key)
			return (&s->v[i]);
		i = (i + 1) & (s->cap - 1);
	}
	return (NULL);
}

/* Remove e, moving later entries of its run back into the hole. */
static void
ht_shard_del(struct ht_shard *s, struct ht_ent *e, uint64_t h)
{
	size_t	hole = e - s->v, i = hole, want, mask = s->cap - 1;

	(void)h;
	for (;;) {
		i = (i + 1) & mask;
		if (s->v[i].key == 0)
			break;
		want = (ht_hash_ptr(s->v[i].key) >> 9) & mask;
		/* It may move back if the hole lies on its probe path,
		 * [want, i) taken cyclically. */
		if (want <= i ? want <= hole && hole < i :
		    hole >= want || hole < i) {
			s->v[hole] = s->v[i];
			hole = i;
		}
	}
	s->v[hole].key = 0;
	s->n--;
}

static int
ht_shard_grow(struct ht_shard *s)
{
	struct ht_ent	*old = s->v, *nv;
	size_t		 ocap = s->cap, cap, i, j;

	cap = ocap == 0 ? HT_SHARD_MIN : ocap * 2;
	if ((nv = ht_map(cap * sizeof *nv)) == NULL)
		return (-1);
	for (i = 0; i < ocap; i++) {
		if (old[i].key == 0)
			continue;
		j = (ht_hash_ptr(old[i].key) >> 9) & (cap - 1);
		while (nv[j].key != 0)
			j = (j + 1) & (cap - 1);
		nv[j] = old[i];
	}
	s->v = nv;
	s->cap = cap;
	if (old != NULL)
		ht_unmap(old, ocap * sizeof *old);
	return (0);
}

/*
 * Remember that key came from st with size bytes; 0, or -1 if no memory
 * (the caller then does not count it, so a later free finds nothing).
 * A key already present is a free we never saw (made while the hooks
 * were busy): it is counted as freed first.
 */
int
ht_ptr_put(uintptr_t key, uint64_t size, struct ht_stack *st)
{
	uint64_t	 h = ht_hash_ptr(key);
	struct ht_shard	*s = &ht_shards[h >> 57];
	struct ht_ent	*e;
	size_t		 i;

	ht_lock(s);
	if ((e = ht_shard_find(s, key, h)) != NULL) {
		ht_stack_add(e->st, e->size, -1);
		e->size = size;
		e->st = st;
		ht_unlock(s);
		return (0);
	}
	if ((s->n + 1) * 4 > s->cap * 3 && ht_shard_grow(s) != 0 &&
	    s->n + 1 >= s->cap) {
		ht_unlock(s);
		return (-1);
	}
	i = (h >> 9) & (s->cap - 1);
	while (s->v[i].key != 0)
		i = (i + 1) & (s->cap - 1);
	s->v[i].key = key;
	s->v[i].size = size;
	s->v[i].st = st;
	s->n++;
	if (ht_config.sampled)
		atomic_fetch_add_explicit(&ht_filter[h >> (64 -
		    HT_FILTER_BITS)], 1, memory_order_relaxed);
	ht_unlock(s);
	return (0);
}

/* Forget key: its stack and size, or NULL if it was not tracked. */
struct ht_stack *
ht_ptr_take(uintptr_t key, uint64_t *size)
{
	uint64_t	 h = ht_hash_ptr(key);
	struct ht_shard	*s = &ht_shards[h >> 57];
	struct ht_ent	*e;
	struct ht_stack	*st = NULL;

	ht_lock(s);
	if ((e = ht_shard_find(s, key, h)) != NULL) {
		st = e->st;
		*size = e->size;
		ht_shard_del(s, e, h);
		if (ht_config.sampled)
			atomic_fetch_sub_explicit(&ht_filter[h >> (64 -
			    HT_FILTER_BITS)], 1, memory_order_relaxed);
	}
	ht_unlock(s);
	return (st);
}

/* Around fork(): no shard is half-changed in the child. */
void
ht_table_lock(void)
{
	size_t	i;

	for (i = 0; i < HT_SHARDS; i++)
		ht_lock(&ht_shards[i]);
}

void
ht_table_unlock(void)
{
	size_t	i;

	for (i = HT_SHARDS; i > 0; i--)
		ht_unlock(&ht_shards[i - 1]);
}

/* In a child: the locks are new, whoever held them in the parent. */
void
ht_table_reinit(void)
{
	size_t	i;

	for (i = 0; i < HT_SHARDS; i++)
		atomic_flag_clear(&ht_shards[i].lock);
}

/* Every published stack, and the overflow ones if they counted anything. */
void
ht_stack_each(ht_stack_cb cb, void *arg)
{
	uint32_t	v;
	size_t		i;
	int		k;

	if (ht_slots == NULL)
		return;
	for (i = 0; i < HT_SLOTS; i++) {
		v = atomic_load_explicit(&ht_slots[i], memory_order_acquire);
		if (v != 0)
			cb((struct ht_stack *)(ht_arena + (size_t)v * 8), arg);
	}
	for (k = 0; k < 2; k++) {
		if (atomic_load(&ht_lost[k]->cum_objs) != 0)
			cb(ht_lost[k], arg);
	}
}
