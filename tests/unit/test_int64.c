/* test_int64.c: 64-bit /, % and shifts as C defines them. On mips and
 * mipsel (no abicalls) these are src/mips_int64.c's; elsewhere the
 * compiler's own, which the same checks hold for. */
#include <limits.h>
#include "unit.h"

/* Operands through volatile, so that the compiler divides at run time. */
static volatile unsigned long long vu[2];
static volatile long long vs[2];

static unsigned long long uq(unsigned long long n, unsigned long long d)
{
	vu[0] = n, vu[1] = d;
	return vu[0] / vu[1];
}

static unsigned long long ur(unsigned long long n, unsigned long long d)
{
	vu[0] = n, vu[1] = d;
	return vu[0] % vu[1];
}

static long long sq(long long n, long long d)
{
	vs[0] = n, vs[1] = d;
	return vs[0] / vs[1];
}

static long long sr(long long n, long long d)
{
	vs[0] = n, vs[1] = d;
	return vs[0] % vs[1];
}

static void known_values(void)
{
	CHECK(uq(1000000000000ULL, 86400) == 11574074ULL);
	CHECK(ur(1000000000000ULL, 86400) == 6400);
	CHECK(uq(ULLONG_MAX, 10) == 1844674407370955161ULL);
	CHECK(ur(ULLONG_MAX, 10) == 5);
	CHECK(uq(ULLONG_MAX, ULLONG_MAX) == 1 && ur(ULLONG_MAX, ULLONG_MAX) == 0);
	CHECK(uq(ULLONG_MAX, 1ULL << 63) == 1);
	CHECK(ur(ULLONG_MAX, 1ULL << 63) == (1ULL << 63) - 1);
	CHECK(uq(0x100000000ULL, 0x100000001ULL) == 0);
	CHECK(ur(0x100000000ULL, 0x100000001ULL) == 0x100000000ULL);
	CHECK(uq(7, 0x100000000ULL) == 0 && ur(7, 0x100000000ULL) == 7);
	CHECK(uq(0xfffffffeULL, 3) == 0x55555554ULL);
	CHECK(sq(-7, 2) == -3 && sr(-7, 2) == -1);
	CHECK(sq(7, -2) == -3 && sr(7, -2) == 1);
	CHECK(sq(-7, -2) == 3 && sr(-7, -2) == -1);
	CHECK(sq(LLONG_MIN, 1) == LLONG_MIN && sr(LLONG_MIN, 1) == 0);
	CHECK(sq(LLONG_MIN, 2) == LLONG_MIN / 2 && sr(LLONG_MIN, 3) == -2);
	CHECK(sq(LLONG_MIN, LLONG_MAX) == -1 && sr(LLONG_MIN, LLONG_MAX) == -1);
	CHECK(sq(-1000000000000LL, 86400) == -11574074LL);
	CHECK(sr(-1000000000000LL, 86400) == -6400);
}

/* Any operands: q * d + r == n with r below d (unsigned), and C's signs
 * with |r| below |d| (signed). Operands of every width, from a fixed
 * xorshift sequence. */
static void any_operands(void)
{
	unsigned long long x = 0x9e3779b97f4a7c15ULL;
	int i, bad = 0;

	for (i = 0; i < 20000; i++) {
		unsigned long long n, d, q, r;
		long long a, b, sqv, srv;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		n = x >> (i % 64);
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		d = x >> ((i / 64) % 64);
		if (!d)
			d = 1;
		q = uq(n, d), r = ur(n, d);
		bad += q * d + r != n || r >= d;
		a = (long long)n, b = (long long)d;
		if (b == -1)
			continue;   /* LLONG_MIN / -1 overflows */
		sqv = sq(a, b), srv = sr(a, b);
		bad += sqv * b + srv != a;
		bad += srv != 0 && (srv < 0) != (a < 0);
		bad += (srv < 0 ? -(unsigned long long)srv : (unsigned long long)srv) >=
		       (b < 0 ? -(unsigned long long)b : (unsigned long long)b);
	}
	CHECK(bad == 0);
}

/* Shifts by every count against multiplication and division by the
 * power of two. s is negative: its right shift is floor division, one
 * below C's truncating division when that leaves a remainder, and -1 at
 * 63 (where 2^63 is no long long). */
static volatile int vn;

static void shifts(void)
{
	unsigned long long x = 0xf0e1d2c3b4a59687ULL, p = 1;
	long long s = (long long)x, want;
	int n, bad = 0;

	for (n = 0; n < 64; n++, p <<= 1) {
		vn = n;
		bad += (x << vn) != x * p;
		bad += (x >> vn) != x / p;
		want = -1;
		if (n < 63)
			want = s / (long long)p - (s % (long long)p != 0);
		bad += (s >> vn) != want;
		bad += ((long long)(x >> 1) >> vn) != (long long)((x >> 1) / p);
	}
	CHECK(bad == 0);
}

UNIT_SUITE(int64_tests) = {
	{ "int64: 64-bit / and % give C's values", known_values },
	{ "int64: q * d + r == n for operands of every width", any_operands },
	{ "int64: shifts by every count", shifts },
	UNIT_END
};
