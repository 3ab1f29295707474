/* mips_int64.c: the 64-bit integer helpers gcc calls on 32-bit MIPS
 * built without abicalls (board/mips.mk, board/mipsel.mk): __divdi3,
 * __moddi3, __udivdi3 and __umoddi3 for every / and % on 64-bit integers
 * (our time and number formatting, musl's __secs_to_tm), and __ashldi3,
 * __ashrdi3 and __lshrdi3 for shifts by a variable count in MIPS16e code.
 * The toolchain's libgcc.a holds them only as position-independent
 * (abicalls) code, which a link with the rest would warn of (and
 * --fatal-warnings refuse). Defined here, the link never takes libgcc's.
 * Elsewhere this file is empty.
 *
 * Shift-and-subtract, one quotient bit per step: at most 64 steps, and
 * one 32-bit hardware division when both operands fit 32 bits. Division
 * by zero is undefined in C; here it gives all ones and the dividend as
 * remainder, never a trap. Checked by tests/unit/test_int64.c under
 * qemu-mips and qemu-mipsel (q * d + r == n, r < d, C's signs; shifts
 * against multiplications and divisions by powers of two). */
#if defined(__mips__) && !defined(__mips_abicalls)

typedef unsigned long long u64;
typedef long long s64;

u64 __udivdi3(u64 n, u64 d);
u64 __umoddi3(u64 n, u64 d);
s64 __divdi3(s64 n, s64 d);
s64 __moddi3(s64 n, s64 d);
u64 __lshrdi3(u64 v, int s);
u64 __ashldi3(u64 v, int s);
s64 __ashrdi3(s64 v, int s);

/* Shifts by 0..63 (C leaves others undefined) on the two 32-bit halves:
 * a 64-bit shift by a variable count here would call these again. */
#define HI(v) ((unsigned)((v) >> 32))
#define JOIN(hi, lo) ((u64)(hi) << 32 | (lo))

u64 __lshrdi3(u64 v, int s)
{
	unsigned hi = HI(v), lo = (unsigned)v;

	if (s & 32)
		return JOIN(0, hi >> (s & 31));
	if (s & 31)
		lo = lo >> s | hi << (32 - s), hi >>= s;
	return JOIN(hi, lo);
}

u64 __ashldi3(u64 v, int s)
{
	unsigned hi = HI(v), lo = (unsigned)v;

	if (s & 32)
		return JOIN(lo << (s & 31), 0);
	if (s & 31)
		hi = hi << s | lo >> (32 - s), lo <<= s;
	return JOIN(hi, lo);
}

s64 __ashrdi3(s64 v, int s)
{
	int hi = (int)HI((u64)v);
	unsigned lo = (unsigned)v;

	if (s & 32)
		return (s64)JOIN((unsigned)(hi >> 31), (unsigned)(hi >> (s & 31)));
	if (s & 31)
		lo = lo >> s | (unsigned)hi << (32 - s), hi >>= s;
	return (s64)JOIN((unsigned)hi, lo);
}

static u64 udivmod(u64 n, u64 d, u64 *rem)
{
	u64 q = 0, bit = 1;

	if (d == 0) {
		*rem = n;
		return ~(u64)0;
	}
	if ((n >> 32) == 0) {   /* then d fits too, or d > n */
		unsigned nn = (unsigned)n, dd = (unsigned)d;
		if (d >> 32) {
			*rem = n;
			return 0;
		}
		*rem = nn % dd;
		return nn / dd;
	}
	/* d aligned under n's highest bit, then one bit of q per step. */
	while (!(d >> 63) && (d << 1) <= n) {
		d <<= 1;
		bit <<= 1;
	}
	while (bit) {
		if (n >= d) {
			n -= d;
			q |= bit;
		}
		d >>= 1;
		bit >>= 1;
	}
	*rem = n;
	return q;
}

u64 __udivdi3(u64 n, u64 d)
{
	u64 r;
	return udivmod(n, d, &r);
}

u64 __umoddi3(u64 n, u64 d)
{
	u64 r;
	udivmod(n, d, &r);
	return r;
}

/* C rounds toward zero: the quotient's sign is the operands' product's,
 * the remainder's the dividend's. Magnitudes as unsigned, so that
 * LLONG_MIN has one. */
static u64 mag(s64 v)
{
	return v < 0 ? (u64)0 - (u64)v : (u64)v;
}

s64 __divdi3(s64 n, s64 d)
{
	u64 r, q = udivmod(mag(n), mag(d), &r);
	return (s64)((n < 0) != (d < 0) ? (u64)0 - q : q);
}

s64 __moddi3(s64 n, s64 d)
{
	u64 r;
	udivmod(mag(n), mag(d), &r);
	return (s64)(n < 0 ? (u64)0 - r : r);
}

#endif
