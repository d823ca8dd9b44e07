/* bench_heap: an allocation-heavy program for bench_heap.sh (malloc/free at eight call depths). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * bench_heap [OPS]: OPS (default 4 million) malloc+free pairs over a
 * working set of 4096 blocks of 16..1039 bytes, made from eight call
 * depths (2 to 16 frames below main), so each backtrace has some length.
 */
#define SLOTS	4096

static void	*slots[SLOTS];
static unsigned	 seed = 1;

static void __attribute__((noinline))
churn(long n)
{
	unsigned	k;
	long		i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		k = (seed >> 12) % SLOTS;
		free(slots[k]);
		slots[k] = malloc(16 + (seed >> 8) % 1024);
		*(volatile char *)slots[k] = 1;
	}
}

static void __attribute__((noinline))
nest(int depth, long n)
{
	if (depth > 0)
		nest(depth - 1, n);
	else
		churn(n);
	__asm__ volatile("" ::: "memory");	/* no tail call */
}

int
main(int argc, char **argv)
{
	long	ops = argc > 1 ? atol(argv[1]) : 4000000;
	int	d, k;

	for (d = 0; d < 8; d++)
		nest(2 * d, ops / 8);
	for (k = 0; k < SLOTS; k++)
		free(slots[k]);
	printf("%ld\n", ops);
	return (0);
}
