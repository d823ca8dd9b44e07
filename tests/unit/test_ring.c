/* Unit tests of the ring buffer. */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ring.h"

static void	push_u32(struct ring *, uint32_t);
static uint32_t	get_u32(const struct ring *, size_t);
static void	assert_u32(const struct ring *, const uint32_t *, size_t);

static void
push_u32(struct ring *r, uint32_t v)
{
	ring_push(r, &v);
}

static uint32_t
get_u32(const struct ring *r, size_t i)
{
	const void	*p;
	uint32_t	 v;

	p = ring_get(r, i);
	assert_non_null(p);
	memcpy(&v, p, sizeof v);
	return (v);
}

/* The ring holds exactly want[0..n), oldest first. */
static void
assert_u32(const struct ring *r, const uint32_t *want, size_t n)
{
	uint32_t	last;
	size_t		i;

	assert_int_equal(ring_len(r), n);
	for (i = 0; i < n; i++)
		assert_int_equal(get_u32(r, i), want[i]);
	assert_null(ring_get(r, n));
	if (n == 0)
		assert_null(ring_last(r));
	else {
		assert_non_null(ring_last(r));
		memcpy(&last, ring_last(r), sizeof last);
		assert_int_equal(last, want[n - 1]);
	}
}

static void
test_ring_init(void **state)
{
	struct ring	r;

	ring_init(&r, sizeof(uint32_t), 8);
	assert_non_null(r.data);
	assert_int_equal(r.cap, 8);
	assert_int_equal(r.size, 4);
	assert_int_equal(ring_len(&r), 0);
	assert_null(ring_get(&r, 0));
	assert_null(ring_last(&r));
	ring_free(&r);
	assert_null(r.data);
	assert_int_equal(r.cap, 0);
	assert_int_equal(ring_len(&r), 0);
}

static void
test_ring_push_order(void **state)
{
	static const uint32_t	want[] = { 10, 20, 30 };
	struct ring		r;

	ring_init(&r, sizeof(uint32_t), 5);
	push_u32(&r, 10);
	assert_u32(&r, want, 1);
	push_u32(&r, 20);
	push_u32(&r, 30);
	assert_u32(&r, want, 3);
	assert_null(ring_get(&r, 3));
	assert_null(ring_get(&r, 4));
	assert_null(ring_get(&r, (size_t)-1));
	ring_free(&r);
}

static void
test_ring_wrap(void **state)
{
	static const uint32_t	full[] = { 1, 2, 3, 4 };
	static const uint32_t	want1[] = { 2, 3, 4, 5 };
	static const uint32_t	want2[] = { 7, 8, 9, 10 };
	struct ring		r;
	uint32_t		i;

	ring_init(&r, sizeof(uint32_t), 4);
	for (i = 1; i <= 4; i++)
		push_u32(&r, i);
	assert_u32(&r, full, 4);
	push_u32(&r, 5);
	assert_u32(&r, want1, 4);
	/* Many laps round the storage. */
	for (i = 6; i <= 10; i++)
		push_u32(&r, i);
	assert_u32(&r, want2, 4);
	ring_free(&r);
}

static void
test_ring_copy(void **state)
{
	struct ring	r;
	uint32_t	out[8], i;
	size_t		n;

	ring_init(&r, sizeof(uint32_t), 5);
	assert_int_equal(ring_copy(&r, out, 8), 0);
	for (i = 1; i <= 7; i++)	/* holds 3 4 5 6 7 */
		push_u32(&r, i);

	for (i = 0; i < nitems(out); i++)
		out[i] = 0xeeeeeeee;
	n = ring_copy(&r, out, 3);
	assert_int_equal(n, 3);
	assert_int_equal(out[0], 5);
	assert_int_equal(out[1], 6);
	assert_int_equal(out[2], 7);
	assert_int_equal(out[3], 0xeeeeeeee);	/* nothing past max */

	for (i = 0; i < nitems(out); i++)
		out[i] = 0xeeeeeeee;
	n = ring_copy(&r, out, 8);
	assert_int_equal(n, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(out[i], 3 + i);
	assert_int_equal(out[5], 0xeeeeeeee);

	out[0] = 0xeeeeeeee;
	assert_int_equal(ring_copy(&r, out, 0), 0);
	assert_int_equal(out[0], 0xeeeeeeee);
	ring_free(&r);
}

static void
test_ring_clear(void **state)
{
	static const uint32_t	want[] = { 42, 43 };
	struct ring		r;
	uint32_t		i, out[4];

	ring_init(&r, sizeof(uint32_t), 3);
	for (i = 1; i <= 5; i++)
		push_u32(&r, i);
	ring_clear(&r);
	assert_u32(&r, want, 0);
	assert_int_equal(ring_copy(&r, out, 4), 0);
	assert_int_equal(r.cap, 3);
	push_u32(&r, 42);
	push_u32(&r, 43);
	assert_u32(&r, want, 2);
	ring_free(&r);
}

static void
test_ring_resize_larger(void **state)
{
	static const uint32_t	want1[] = { 1, 2 };
	static const uint32_t	want2[] = { 1, 2, 3, 4, 5 };
	static const uint32_t	want3[] = { 3, 4, 5, 6, 7 };
	struct ring		r;
	uint32_t		i;

	ring_init(&r, sizeof(uint32_t), 3);
	push_u32(&r, 1);
	push_u32(&r, 2);
	ring_resize(&r, 5);
	assert_int_equal(r.cap, 5);
	assert_u32(&r, want1, 2);
	for (i = 3; i <= 5; i++)
		push_u32(&r, i);
	assert_u32(&r, want2, 5);
	/* Full at the new capacity: the oldest goes next. */
	push_u32(&r, 6);
	push_u32(&r, 7);
	assert_u32(&r, want3, 5);
	ring_free(&r);
}

static void
test_ring_resize_smaller(void **state)
{
	static const uint32_t	want1[] = { 3, 4, 5 };
	static const uint32_t	want2[] = { 4, 5, 6 };
	static const uint32_t	want3[] = { 1, 2 };
	struct ring		r;
	uint32_t		i;

	ring_init(&r, sizeof(uint32_t), 6);
	for (i = 1; i <= 5; i++)
		push_u32(&r, i);
	ring_resize(&r, 3);
	assert_int_equal(r.cap, 3);
	assert_u32(&r, want1, 3);
	push_u32(&r, 6);
	assert_u32(&r, want2, 3);
	ring_free(&r);

	/* Fewer elements than the new capacity: all kept. */
	ring_init(&r, sizeof(uint32_t), 6);
	push_u32(&r, 1);
	push_u32(&r, 2);
	ring_resize(&r, 4);
	assert_u32(&r, want3, 2);
	ring_free(&r);
}

static void
test_ring_resize_wrapped(void **state)
{
	static const uint32_t	want1[] = { 3, 4, 5, 6 };
	static const uint32_t	want2[] = { 5, 6, 7, 8, 9, 10, 11, 12 };
	static const uint32_t	want3[] = { 5, 6, 7 };
	static const uint32_t	want4[] = { 6, 7, 8 };
	static const uint32_t	want5[] = { 3, 4, 5, 6 };
	struct ring		r;
	uint32_t		i;

	/* Wrapped (head in the middle), then larger. */
	ring_init(&r, sizeof(uint32_t), 4);
	for (i = 1; i <= 6; i++)
		push_u32(&r, i);
	assert_int_not_equal(r.head, 0);
	ring_resize(&r, 8);
	assert_u32(&r, want1, 4);
	for (i = 7; i <= 12; i++)
		push_u32(&r, i);
	assert_u32(&r, want2, 8);
	ring_free(&r);

	/* Wrapped, then smaller. */
	ring_init(&r, sizeof(uint32_t), 5);
	for (i = 1; i <= 7; i++)
		push_u32(&r, i);
	ring_resize(&r, 3);
	assert_u32(&r, want3, 3);
	push_u32(&r, 8);
	assert_u32(&r, want4, 3);
	ring_free(&r);

	/* Same capacity: nothing changes. */
	ring_init(&r, sizeof(uint32_t), 4);
	for (i = 1; i <= 6; i++)
		push_u32(&r, i);
	ring_resize(&r, 4);
	assert_u32(&r, want5, 4);
	ring_free(&r);
}

static void
test_ring_cap_zero(void **state)
{
	static const uint32_t	want[] = { 8, 9 };
	struct ring		r;
	uint32_t		out[2] = { 77, 77 };

	ring_init(&r, sizeof(uint32_t), 0);
	assert_null(r.data);
	push_u32(&r, 1);
	push_u32(&r, 2);
	assert_int_equal(ring_len(&r), 0);
	assert_null(ring_get(&r, 0));
	assert_null(ring_last(&r));
	assert_int_equal(ring_copy(&r, out, 2), 0);
	assert_int_equal(out[0], 77);
	ring_clear(&r);
	assert_int_equal(ring_len(&r), 0);

	/* Growing from nothing gives a working ring. */
	ring_resize(&r, 2);
	push_u32(&r, 7);
	push_u32(&r, 8);
	push_u32(&r, 9);
	assert_u32(&r, want, 2);

	/* Shrinking to nothing drops everything and pushes are ignored. */
	ring_resize(&r, 0);
	assert_null(r.data);
	assert_int_equal(ring_len(&r), 0);
	push_u32(&r, 10);
	assert_int_equal(ring_len(&r), 0);
	assert_null(ring_last(&r));
	ring_free(&r);
}

static void
test_ring_u16(void **state)
{
	struct ring	r;
	uint16_t	v, out[3];
	static const uint16_t in[] = { 0xffff, 0x0001, 0xabcd, 0x1234 };
	size_t		i;

	ring_init(&r, sizeof(uint16_t), 3);
	assert_int_equal(r.size, 2);
	for (i = 0; i < nitems(in); i++)
		ring_push(&r, &in[i]);
	assert_int_equal(ring_len(&r), 3);
	for (i = 0; i < 3; i++) {
		memcpy(&v, ring_get(&r, i), sizeof v);
		assert_int_equal(v, in[i + 1]);
	}
	memcpy(&v, ring_last(&r), sizeof v);
	assert_int_equal(v, 0x1234);
	assert_int_equal(ring_copy(&r, out, 3), 3);
	assert_int_equal(out[0], 0x0001);
	assert_int_equal(out[1], 0xabcd);
	assert_int_equal(out[2], 0x1234);
	ring_free(&r);
}

static void
test_ring_u32(void **state)
{
	struct ring	r;
	uint32_t	v;
	static const uint32_t in[] = { 0xdeadbeef, 0xffffffff, 0, 0x80000001 };
	size_t		i;

	ring_init(&r, sizeof(uint32_t), 4);
	for (i = 0; i < nitems(in); i++)
		ring_push(&r, &in[i]);
	for (i = 0; i < nitems(in); i++) {
		memcpy(&v, ring_get(&r, i), sizeof v);
		assert_int_equal(v, in[i]);
	}
	ring_free(&r);
}

/* An odd element size, so no index arithmetic can assume a power of two. */
static void
test_ring_odd_size(void **state)
{
	struct ring	r;
	char		e[7];
	int		i;

	ring_init(&r, sizeof e, 3);
	for (i = 0; i < 5; i++) {
		memset(e, 'a' + i, sizeof e);
		ring_push(&r, e);
	}
	assert_int_equal(ring_len(&r), 3);
	assert_memory_equal(ring_get(&r, 0), "ccccccc", 7);
	assert_memory_equal(ring_get(&r, 1), "ddddddd", 7);
	assert_memory_equal(ring_last(&r), "eeeeeee", 7);
	ring_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_init),
		cmocka_unit_test(test_ring_push_order),
		cmocka_unit_test(test_ring_wrap),
		cmocka_unit_test(test_ring_copy),
		cmocka_unit_test(test_ring_clear),
		cmocka_unit_test(test_ring_resize_larger),
		cmocka_unit_test(test_ring_resize_smaller),
		cmocka_unit_test(test_ring_resize_wrapped),
		cmocka_unit_test(test_ring_cap_zero),
		cmocka_unit_test(test_ring_u16),
		cmocka_unit_test(test_ring_u32),
		cmocka_unit_test(test_ring_odd_size),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
