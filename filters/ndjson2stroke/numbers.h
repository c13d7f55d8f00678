/*
 * numbers.h: the conversions numbers.c (scan_number, the plain list
 * loops) and lists.c (the vector list loops) share, inlined into both:
 * decimal digits held in a word to their value (eight_bin, digits_at),
 * and m / 10^k correctly rounded to double (decimal).  Everything here is
 * static, so the copy of lists.c built for x86-64-v3 has its own and
 * none of it can stand in for the baseline's.
 */
#ifndef NDJSON2STROKE_NUMBERS_H
#define NDJSON2STROKE_NUMBERS_H

#include <stdint.h>
#include <string.h>

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* scan_recip: R[k] = floor(2^e[k] / 10^k), 2^127 <= R[k] < 2^128, for
 * 1 <= k <= 19, in two words, made by long division (exact) when the
 * program starts (numbers.c). */
extern struct scan_recip {
	uint64_t hi[20], lo[20];
	int e[20];
} scan_recip;

/* decimal_long: m / 10^k (k <= 27) by long double, or -1 (numbers.c). */
int decimal_long(unsigned long long m, int k, double *out);

/* pow10_int: 10^k as an integer, 0 <= k <= 19. */
static const uint64_t pow10_int[] = {1ull,
				     10ull,
				     100ull,
				     1000ull,
				     10000ull,
				     100000ull,
				     1000000ull,
				     10000000ull,
				     100000000ull,
				     1000000000ull,
				     10000000000ull,
				     100000000000ull,
				     1000000000000ull,
				     10000000000000ull,
				     100000000000000ull,
				     1000000000000000ull,
				     10000000000000000ull,
				     100000000000000000ull,
				     1000000000000000000ull,
				     10000000000000000000ull};

/* eight_bin: the value of 8 decimal digits held one per byte (0 to 9),
 * the first in the lowest byte (pairs, then quads, then the whole, each
 * by one multiply). */
static inline uint64_t eight_bin(uint64_t v)
{
	const uint64_t mask = 0x000000ff000000ffull;

	v = v * 10 + (v >> 8);
	return ((v & mask) * (100 + (1000000ull << 32)) +
		((v >> 16) & mask) * (1 + (10000ull << 32))) >>
	       32;
}

/* digits_at: the value of the len (1 to 8) digits at p, by one 8-byte
 * load.  Subtracting '0' from every byte can only borrow from the bytes
 * after the digits (the digits are all >= '0'), which the shift drops. */
static inline uint64_t digits_at(const char *p, int len)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return eight_bin((x - 0x3030303030303030ull) << (8 * (8 - len)));
}

/* decimal_mul: m / 10^k (1 <= k <= 19, m > 0) correctly rounded to double
 * by one 64 x 128-bit product with R[k] (the Eisel-Lemire way); -1
 * when the product cannot decide the rounding (within 2^-64 of a tie) or
 * the result is not a normal double.  m is first shifted left until
 * its top bit is set, so the product's top 128 bits H (exact, from the
 * 192-bit product) lie in [2^126, 2^128) and the 53 bits kept are the
 * top word shifted right by 10 or 11, without a branch.  With mn = m
 * shifted and V = mn 2^e / 10^k, H <= V / 2^64 < H + 2, so the bits
 * below the 53 kept decide the rounding unless they sit at half an ulp or
 * one below. */
static inline int decimal_mul(uint64_t m, int k, double *out)
{
	int lz = __builtin_clzll(m), t, s, E;
	uint64_t mn = m << lz, hi, lo, half, rest, mant, bits;
	unsigned __int128 top = (unsigned __int128)mn * scan_recip.hi[k],
			  low = (unsigned __int128)mn * scan_recip.lo[k];

	/* H = top + the high word of low, in two 64-bit words */
	lo = (uint64_t)top + (uint64_t)(low >> 64);
	hi = (uint64_t)(top >> 64) + (lo < (uint64_t)top);
	t = (int)(hi >> 63); /* H >= 2^127 */
	s = 10 + t;	     /* bits of hi below the 53 kept */
	half = 1ull << (s - 1);
	rest = hi & ((1ull << s) - 1); /* with lo below it */
	if ((rest == half && lo == 0) || (rest == half - 1 && lo == ~0ull))
		return -1;
	mant = (hi >> s) + (rest >= half);
	E = 1023 + 52 + s + 64 + 64 - lz - scan_recip.e[k];
	if (mant >> 53) {
		mant >>= 1;
		E++;
	}
	if (E < 1 || E > 2046)
		return -1;
	bits = (uint64_t)E << 52 | (mant & ((1ull << 52) - 1));
	memcpy(out, &bits, 8);
	return 0;
}

/* decimal: m / 10^k correctly rounded to double, as strtod would give, or
 * -1 when that cannot be decided cheaply: decimal_mul; else, below 2^53
 * and 10^22, where both are exact doubles, one division; else
 * decimal_long. */
static ALWAYS_INLINE int decimal(unsigned long long m, int k, double *out)
{
	static const double exact[] = {1e0,  1e1,  1e2,	 1e3,  1e4,  1e5,
				       1e6,  1e7,  1e8,	 1e9,  1e10, 1e11,
				       1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
				       1e18, 1e19, 1e20, 1e21, 1e22};

	if (m == 0 || k == 0) { /* rounds to nearest, ties to even */
		*out = (double)m;
		return 0;
	}
	if (k <= 19 && decimal_mul(m, k, out) == 0)
		return 0;
	if (m < 1ull << 53 && k <= 22) {
		*out = (double)(int64_t)m / exact[k];
		return 0;
	}
	return decimal_long(m, k, out);
}

#endif
