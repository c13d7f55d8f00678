/*
 * numbers.c: the scanner's numbers: one by the RFC 8259 grammar, converted
 * exactly as strtod(3) would (scan_number), and the lists of a stroke
 * (scan_stroke), nearly all of a line, 64 bytes at a time: bit masks
 * (block_masks: separators, ']', '0', bytes that are not digits) give
 * where every item ends and whether it is plain digits or digits '.'
 * digits, and the times of raw strokes, which are only checked, are
 * checked a block at once.  Blocks of x or y that are all short integers
 * convert without a test per item (int_block, short_values).  Anything
 * else goes through scan_number.  The points then become offsets.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"
#include "util.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))
/* The list loops are also compiled for x86-64-v3 (AVX2, BMI2), with
 * 32-byte kernels, and chosen at run time where the CPU has it (see
 * scan_list).  NDJSON_NO_CLONES leaves only the plain ones (the
 * sanitised build tests those); clang compiles them too with
 * NDJSON_CLANG_CLONES (the fuzz harness does). */
#if defined(__x86_64__) && defined(__GNUC__) &&                                \
    (!defined(__clang__) || defined(NDJSON_CLANG_CLONES)) &&                   \
    !defined(NDJSON_NO_CLONES)
#define WIDE 1
#include <immintrin.h>
#define V3 __attribute__((target("arch=x86-64-v3")))
#endif

/* recip: R[k] = floor(2^e[k] / 10^k), 2^127 <= R[k] < 2^128, for
 * 1 <= k <= 19, in two words (recip_hi, recip_lo), made by long division
 * (exact) when the program starts. */
static uint64_t recip_hi[20], recip_lo[20];
static int recip_e[20];

__attribute__((constructor)) static void recip_init(void)
{
	uint64_t d = 1;

	for (int k = 1; k < 20; k++) {
		unsigned __int128 r = 1, q = 0;
		int e;

		d *= 10;
		e = 128 + (63 - __builtin_clzll(d)); /* 128 + floor(log2 d) */
		for (int i = 0; i < e; i++) {	     /* 2^e / d, bit by bit */
			r <<= 1;
			q <<= 1;
			if (r >= d) {
				r -= d;
				q |= 1;
			}
		}
		recip_hi[k] = (uint64_t)(q >> 64);
		recip_lo[k] = (uint64_t)q;
		recip_e[k] = e;
	}
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
	unsigned __int128 top = (unsigned __int128)mn * recip_hi[k],
			  low = (unsigned __int128)mn * recip_lo[k];

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
	E = 1023 + 52 + s + 64 + 64 - lz - recip_e[k];
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

/* decimal_long: m / 10^k (k <= 27) in long double, where m and 10^k are
 * exact, so the quotient is within 2^-64 relative of the truth; rounding
 * it to double is then correct unless it lies that close to a midpoint
 * between two doubles (-1). */
static int decimal_long(unsigned long long m, int k, double *out)
{
	static const long double pow10[] = {
	    1e0L,  1e1L,  1e2L,	 1e3L,	1e4L,  1e5L,  1e6L,
	    1e7L,  1e8L,  1e9L,	 1e10L, 1e11L, 1e12L, 1e13L,
	    1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L,
	    1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
	long double r, half;
	uint64_t bits;
	double d, up;

	if (k > 27 || LDBL_MANT_DIG < 64)
		return -1;
	r = (long double)m / pow10[k];
	d = (double)r;
	memcpy(&bits, &d, 8);
	if ((bits & ((1ull << 52) - 1)) == 0)
		return -1; /* a power of two (or 0): uneven neighbours */
	bits++;
	memcpy(&up, &bits, 8);
	half = ((long double)up - d) / 2; /* half an ulp of d */
	if (fabsl(fabsl(r - d) - half) <= r * 0x1p-62L)
		return -1;
	*out = d;
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

/* eight: the value of 8 ASCII digits, the first in the lowest byte. */
static inline uint64_t eight(uint64_t v)
{
	return eight_bin(v - 0x3030303030303030ull);
}

/* digits: accumulate the decimal digits at *pp into *m, eight bytes at a
 * time (there are SCAN_SLACK readable bytes past the line's end); *m
 * wraps past 19 digits, which the caller checks.  Returns the count. */
static inline int digits(const char **pp, unsigned long long *m)
{
	const char *p = *pp;
	uint64_t x, nd, hi;
	int n, total = 0;

	do {
		memcpy(&x, p, 8);
		/* a byte is a digit iff its high nibble is 3 and low <= 9 */
		nd = ((x & 0xf0f0f0f0f0f0f0f0ull) ^ 0x3030303030303030ull) |
		     (((x + 0x0606060606060606ull) & 0xf0f0f0f0f0f0f0f0ull) ^
		      0x3030303030303030ull);
		hi = (((nd & 0x7f7f7f7f7f7f7f7full) + 0x7f7f7f7f7f7f7f7full) |
		      nd) &
		     0x8080808080808080ull;
		n = hi ? __builtin_ctzll(hi) / 8 : 8;
		if (n == 0)
			break;
		if (n < 8)
			x = x << (8 * (8 - n)) |
			    0x3030303030303030ull >> (8 * n);
		*m = *m * pow10_int[n] + eight(x);
		total += n;
		p += n;
	} while (n == 8);
	*pp = p;
	return total;
}

/* scan_number: RFC 8259 number grammar.  The line ends in a NUL or a
 * newline, so the digit loops stop there.  Up to 19 significant digits without
 * an exponent go through decimal(); the rest through strtod. */
int scan_number(struct scan *s, double *out)
{
	const char *p;
	int neg = 0, n, decimals = 0;
	unsigned long long m = 0;

	if (*s->p <= ' ')
		skip_ws(s);
	p = s->p;
	if (*p == '-')
		neg = 1, p++;
	if (*p == '0') {
		p++;
		n = 1;
	} else if ((n = digits(&p, &m)) == 0) {
		return scan_fail(s, "expected a number");
	}
	if (*p == '.') {
		p++;
		if ((decimals = digits(&p, &m)) == 0)
			return scan_fail(s, "bad number");
		n += decimals;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (digits(&p, &m) == 0)
			return scan_fail(s, "bad number");
		n = 99; /* strtod */
	}
	if (n > 19 || decimal(m, decimals, out) < 0)
		*out = strtod(s->p, NULL);
	else if (neg)
		*out = -*out;
	s->p = p;
	return 0;
}

/*
 * The kernels of the list loops: block_masks and short_values, here for
 * SSE2 (or plain C), and with the same names ending in _v3 for AVX2.
 * The loops take them as arguments (masks_fn, shorts_fn), always the
 * function itself, so each instance of the loops (scan_values and
 * scan_times, and their _v3 twins) has its kernels inlined.
 */
typedef void masks_fn(const char *p, uint64_t *sep, uint64_t *close,
		      uint64_t *zero, uint64_t *other);
typedef void shorts_fn(const char *q, uint16_t *v);
typedef uint64_t frac_fn(const char *end, int n);

/* block_masks: for the 64 bytes at p (the buffer has SCAN_SLACK readable
 * bytes past every line), bit i of *sep is set when p[i] is ',' or ']',
 * of *close when it is ']', of *zero when it is '0', and of *other when
 * it is not a digit. */
static ALWAYS_INLINE void block_masks(const char *p, uint64_t *sep,
				      uint64_t *close, uint64_t *zero,
				      uint64_t *other)
{
	uint64_t s = 0, e = 0, z = 0, d = 0;
#ifdef __SSE2__
	for (int i = 0; i < 4; i++) {
		__m128i c = _mm_loadu_si128((const __m128i *)(p + 16 * i));
		__m128i cl = _mm_cmpeq_epi8(c, _mm_set1_epi8(']'));
		__m128i v = _mm_sub_epi8(c, _mm_set1_epi8('0')); /* 0 to 9 */
		__m128i g =
		    _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(9)), v);

		s |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(
			 _mm_cmpeq_epi8(c, _mm_set1_epi8(',')), cl))
		     << (16 * i);
		e |= (uint64_t)(unsigned)_mm_movemask_epi8(cl) << (16 * i);
		z |= (uint64_t)(unsigned)_mm_movemask_epi8(
			 _mm_cmpeq_epi8(v, _mm_setzero_si128()))
		     << (16 * i);
		d |= (uint64_t)(unsigned)_mm_movemask_epi8(g) << (16 * i);
	}
#else
	for (int i = 0; i < 64; i++) {
		s |= (uint64_t)(p[i] == ',' || p[i] == ']') << i;
		e |= (uint64_t)(p[i] == ']') << i;
		z |= (uint64_t)(p[i] == '0') << i;
		d |= (uint64_t)(p[i] >= '0' && p[i] <= '9') << i;
	}
#endif
	*sep = s;
	*close = e;
	*zero = z;
	*other = ~d;
}

#ifdef WIDE
/* block_masks_v3: block_masks 32 bytes at a time. */
static ALWAYS_INLINE V3 void block_masks_v3(const char *p, uint64_t *sep,
					    uint64_t *close, uint64_t *zero,
					    uint64_t *other)
{
	uint64_t s = 0, e = 0, z = 0, d = 0;

	for (int i = 0; i < 2; i++) {
		__m256i c = _mm256_loadu_si256((const __m256i *)(p + 32 * i));
		__m256i cl = _mm256_cmpeq_epi8(c, _mm256_set1_epi8(']'));
		__m256i v = _mm256_sub_epi8(c, _mm256_set1_epi8('0'));
		__m256i g = _mm256_cmpeq_epi8(
		    _mm256_min_epu8(v, _mm256_set1_epi8(9)), v);

		s |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
			 _mm256_cmpeq_epi8(c, _mm256_set1_epi8(',')), cl))
		     << (32 * i);
		e |= (uint64_t)(uint32_t)_mm256_movemask_epi8(cl) << (32 * i);
		z |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
			 _mm256_cmpeq_epi8(v, _mm256_setzero_si256()))
		     << (32 * i);
		d |= (uint64_t)(uint32_t)_mm256_movemask_epi8(g) << (32 * i);
	}
	*sep = s;
	*close = e;
	*zero = z;
	*other = ~d;
}
#endif

/* digits_at: the value of the len (1 to 8) digits at p, by one 8-byte
 * load.  Subtracting '0' from every byte can only borrow from the bytes
 * after the digits (the digits are all >= '0'), which the shift drops. */
static inline uint64_t digits_at(const char *p, int len)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return eight_bin((x - 0x3030303030303030ull) << (8 * (8 - len)));
}

/* frac_digits: the value of the n (1 to 16) digits that end at end. */
static ALWAYS_INLINE uint64_t frac_digits(const char *end, int n)
{
	uint64_t f = digits_at(end - n, n < 8 ? n : 8);

	if (n > 8)
		f = f * pow10_int[n - 8] + digits_at(end - n + 8, n - 8);
	return f;
}

#ifdef WIDE
/* frac_digits_v3: frac_digits from one 16-byte load (the 16 bytes before
 * end are readable: a list never starts a line): pairs, quads, then two
 * halves of 8 digits by multiply-adds. */
static ALWAYS_INLINE V3 uint64_t frac_digits_v3(const char *end, int n)
{
	static const signed char keep[32] = {
	    0,	0,  0,	0,  0,	0,  0,	0,  0,	0,  0,	0,  0,	0,  0,	0,
	    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
	__m128i v = _mm_and_si128(
	    _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(end - 16)),
			 _mm_set1_epi8('0')),
	    _mm_loadu_si128((const __m128i *)(keep + n)));

	v = _mm_maddubs_epi16(v, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10,
					       1, 10, 1, 10, 1, 10, 1));
	v = _mm_madd_epi16(v, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
	v = _mm_packus_epi32(v, v);
	v = _mm_madd_epi16(
	    v, _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
	return (uint64_t)(uint32_t)_mm_cvtsi128_si32(v) * 100000000u +
	       (uint32_t)_mm_extract_epi32(v, 1);
}
#endif

/* block_item: one list item that starts at bit 'start' of a block whose
 * masks are sep and other (with the bits below start cleared) and ends
 * at the next separator, bit e: digits, or digits '.' digits, with at
 * most 8 digits before the point, 16 after and 19 in all, no leading
 * zero.  Its value goes to *out unless out is NULL (the times, which are
 * only checked).  Returns 0, or -1 for any other shape (scan_number
 * decides those). */
static ALWAYS_INLINE int block_item(const char *q, int start, int e,
				    uint64_t sep, uint64_t other, double *out,
				    int keep, frac_fn *frac)
{
	int len = e - start, d, il, fl;
	uint64_t m;

	if ((q[start] == '0' && len > 1 && q[start + 1] != '.') || len == 0)
		return -1;
	if ((other & -other) == (sep & -sep)) { /* digits only */
		if (len > 8)
			return -1;
		if (keep)
			*out = (double)(int64_t)digits_at(q + start, len);
		return 0;
	}
	d = __builtin_ctzll(other); /* the first byte that is not a digit */
	other &= other - 1;
	if (q[d] != '.' || (other & -other) != (sep & -sep))
		return -1;
	il = d - start;
	fl = e - d - 1;
	if (il < 1 || il > 8 || fl < 1 || fl > 16 || il + fl > 19)
		return -1;
	if (!keep)
		return 0;
	m = digits_at(q + start, il) * pow10_int[fl] + frac(q + e, fl);
	if (decimal(m, fl, out) < 0)
		*out = strtod(q + start, NULL);
	return 0;
}

/* grow_list: room for 64 more values in s->v[k] past n. */
static int grow_list(struct scan *s, int k, size_t n)
{
	if (n >= STROKE_MAX_POINTS)
		return scan_fail(s, "too many points (limit 100000)");
	while (s->vcap[k] < n + 64)
		s->vcap[k] = s->vcap[k] ? 2 * s->vcap[k] : 256;
	s->v[k] = xreallocarray(s->v[k], s->vcap[k], sizeof(double));
	return 0;
}

/* plain_block: from the masks of a block (block_masks), its bits 0 to
 * end, end being its first ']' or else its last separator, when all there
 * is integers: only digits and separators, no empty item, no leading
 * zero; else 0.  One test for the whole block, no loop. */
static ALWAYS_INLINE uint64_t plain_block(uint64_t sep, uint64_t close,
					  uint64_t zero, uint64_t other,
					  int *end)
{
	uint64_t upto, starts;

	if (close)
		*end = __builtin_ctzll(close);
	else if (sep)
		*end = 63 - __builtin_clzll(sep);
	else
		return 0;
	upto = (2ull << *end) - 1; /* bits 0 to end; end = 63 gives all */
	sep &= upto;
	starts = (sep << 1 | 1) & upto;
	if ((other & upto) != sep || (starts & sep) ||
	    (starts & zero & ~other >> 1))
		return 0;
	return upto;
}

/* short_values: for each byte j of the 64 at q, v[j] = the value of the
 * digits that end at j, four at most (the run of digits ending there, cut
 * to its last four); bytes that are not digits get junk.  From the bytes
 * at q, q - 1, q - 2 and q - 3 (q - 3 is readable: a list never starts a
 * line): digit j - k counts when bytes j - 1 to j - k are all digits.
 * 16 bytes at a time with SSE2. */
static ALWAYS_INLINE void short_values(const char *q, uint16_t *v)
{
#ifdef __SSE2__
	const __m128i zero = _mm_setzero_si128(), nine = _mm_set1_epi8(9),
		      ascii = _mm_set1_epi8('0'), hundred = _mm_set1_epi16(100);

	for (int h = 0; h < 64; h += 16) {
		__m128i d0 = _mm_sub_epi8(
			    _mm_loadu_si128((const __m128i *)(q + h)), ascii),
			d1 = _mm_sub_epi8(
			    _mm_loadu_si128((const __m128i *)(q + h - 1)),
			    ascii),
			d2 = _mm_sub_epi8(
			    _mm_loadu_si128((const __m128i *)(q + h - 2)),
			    ascii),
			d3 = _mm_sub_epi8(
			    _mm_loadu_si128((const __m128i *)(q + h - 3)),
			    ascii);
		__m128i m1 = _mm_cmpeq_epi8(_mm_min_epu8(d1, nine), d1),
			m2 = _mm_and_si128(
			    m1, _mm_cmpeq_epi8(_mm_min_epu8(d2, nine), d2)),
			m3 = _mm_and_si128(
			    m2, _mm_cmpeq_epi8(_mm_min_epu8(d3, nine), d3));
		__m128i t1 = _mm_and_si128(d1, m1), t2 = _mm_and_si128(d2, m2),
			t3 = _mm_and_si128(d3, m3);
		/* bytes up to 9 times 8 stay within their byte */
		__m128i lo = _mm_add_epi8(
			    d0, _mm_add_epi8(
				    _mm_slli_epi16(t1, 3),
				    _mm_add_epi8(t1, t1))), /* d0 + 10 t1 */
		    hi = _mm_add_epi8(
			t2,
			_mm_add_epi8(_mm_slli_epi16(t3, 3),
				     _mm_add_epi8(t3, t3))); /* t2 + 10 t3 */

		_mm_storeu_si128(
		    (__m128i *)(v + h),
		    _mm_add_epi16(
			_mm_unpacklo_epi8(lo, zero),
			_mm_mullo_epi16(_mm_unpacklo_epi8(hi, zero), hundred)));
		_mm_storeu_si128(
		    (__m128i *)(v + h + 8),
		    _mm_add_epi16(
			_mm_unpackhi_epi8(lo, zero),
			_mm_mullo_epi16(_mm_unpackhi_epi8(hi, zero), hundred)));
	}
#else
	for (int j = 0, k; j < 64; j++) {
		v[j] = (uint16_t)(q[j] - '0');
		for (k = 1; k < 4 && q[j - k] >= '0' && q[j - k] <= '9'; k++)
			v[j] = (uint16_t)(v[j] +
					  (q[j - k] - '0') * (k == 1   ? 10
							      : k == 2 ? 100
								       : 1000));
	}
#endif
}

#ifdef WIDE
/* short_values_v3: short_values 32 bytes at a time. */
static ALWAYS_INLINE V3 void short_values_v3(const char *q, uint16_t *v)
{
	const __m256i nine = _mm256_set1_epi8(9), ascii = _mm256_set1_epi8('0'),
		      hundred = _mm256_set1_epi16(100);

	for (int h = 0; h < 64; h += 32) {
		__m256i d0 = _mm256_sub_epi8(
			    _mm256_loadu_si256((const __m256i *)(q + h)),
			    ascii),
			d1 = _mm256_sub_epi8(
			    _mm256_loadu_si256((const __m256i *)(q + h - 1)),
			    ascii),
			d2 = _mm256_sub_epi8(
			    _mm256_loadu_si256((const __m256i *)(q + h - 2)),
			    ascii),
			d3 = _mm256_sub_epi8(
			    _mm256_loadu_si256((const __m256i *)(q + h - 3)),
			    ascii);
		__m256i m1 = _mm256_cmpeq_epi8(_mm256_min_epu8(d1, nine), d1),
			m2 = _mm256_and_si256(
			    m1,
			    _mm256_cmpeq_epi8(_mm256_min_epu8(d2, nine), d2)),
			m3 = _mm256_and_si256(
			    m2,
			    _mm256_cmpeq_epi8(_mm256_min_epu8(d3, nine), d3));
		__m256i t1 = _mm256_and_si256(d1, m1),
			t2 = _mm256_and_si256(d2, m2),
			t3 = _mm256_and_si256(d3, m3);
		__m256i lo = _mm256_add_epi8(
			    d0, _mm256_add_epi8(_mm256_slli_epi16(t1, 3),
						_mm256_add_epi8(t1, t1))),
			hi = _mm256_add_epi8(
			    t2, _mm256_add_epi8(_mm256_slli_epi16(t3, 3),
						_mm256_add_epi8(t3, t3)));

		_mm256_storeu_si256(
		    (__m256i *)(v + h),
		    _mm256_add_epi16(
			_mm256_cvtepu8_epi16(_mm256_castsi256_si128(lo)),
			_mm256_mullo_epi16(
			    _mm256_cvtepu8_epi16(_mm256_castsi256_si128(hi)),
			    hundred)));
		_mm256_storeu_si256(
		    (__m256i *)(v + h + 16),
		    _mm256_add_epi16(
			_mm256_cvtepu8_epi16(_mm256_extracti128_si256(lo, 1)),
			_mm256_mullo_epi16(_mm256_cvtepu8_epi16(
					       _mm256_extracti128_si256(hi, 1)),
					   hundred)));
	}
}
#endif

/* int_block: when the block at q is a plain_block of integers of 1 to 8
 * digits, all of them go to out without a test per item: returns their
 * count, with *used the bytes taken and *closed set at the ']'.  Else 0.
 * Where none has more than four digits, their values come from
 * short_values. */
static ALWAYS_INLINE int int_block(const char *q, uint64_t sep, uint64_t close,
				   uint64_t zero, uint64_t other, double *out,
				   int *used, int *closed, shorts_fn *shorts)
{
	uint64_t upto = plain_block(sep, close, zero, other, used), digit, run;
	int start = 0, n = 0, e;

	if (!upto)
		return 0;
	digit = ~other & upto;
	run = digit & digit >> 1;  /* 2 digits from here on */
	run &= run >> 2;	   /* 4 */
	if (!(run & digit >> 4)) { /* no run of 5 */
		uint16_t v[64];

		shorts(q, v);
		for (sep &= upto; sep; sep &= sep - 1)
			out[n++] = v[__builtin_ctzll(sep) - 1];
		*used += 1;
		*closed = close != 0;
		return n;
	}
	run &= run >> 4;   /* 8 */
	run &= digit >> 8; /* 9 */
	if (run)
		return 0;
	for (sep &= upto; sep; sep &= sep - 1) {
		e = __builtin_ctzll(sep);
		out[n++] = (double)(int64_t)digits_at(q + start, e - start);
		start = e + 1;
	}
	*used += 1;
	*closed = close != 0;
	return n;
}

/* block_run: the items of a list from *pp on, into v (room for 'room'
 * values, at least 64), 64 bytes at a time: x and y blocks of short
 * integers through int_block, the rest item by item as far as block_item
 * takes them (the times are checked, not kept).  Where each item ends comes
 * from the separator mask, so finding the next one does not wait for the
 * digits of this one; and the loop goes on into the next block rather
 * than ending with each one.  *pp moves past the items taken and their
 * commas; *closed is set when the list's ']' was reached (and passed).
 * Returns the count. */
static ALWAYS_INLINE long block_run(const char **pp, double *v, size_t room,
				    int times, int *closed, masks_fn *masks,
				    shorts_fn *shorts, frac_fn *frac)
{
	const char *q = *pp;
	double *out = v, *last = v + room - 32; /* a block holds <= 32 */
	uint64_t sep, close, zero, other;
	int start = 0, e, used;

	*closed = 0;
	for (;;) {
		masks(q, &sep, &close, &zero, &other);
		if (!times) { /* a block of short integers at once */
			int n = int_block(q, sep, close, zero, other, out,
					  &used, closed, shorts);

			out += n;
			start = n ? used : 0;
			if (*closed)
				break;
			if (n)
				goto next;
		}
		while (sep) {
			e = __builtin_ctzll(sep);
			if (block_item(q, start, e, sep, other, out, !times,
				       frac) < 0)
				goto done;
			out++;
			start = e + 1;
			if (q[e] == ']') {
				*closed = 1;
				goto done;
			}
			sep &= sep - 1;
			other &= ~((2ull << e) - 1); /* e = 63 clears it */
		}
	next: /* next block, from the item after the last */
		if (start == 0 || out > last)
			break;
		q += start;
		start = 0;
	}
done:
	*pp = q + start;
	return out - v;
}

/* popcount: the set bits of x (without needing the popcnt instruction). */
static inline int popcount(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (int)((x * 0x0101010101010101ull) >> 56);
}

/* time_run: the times of a raw stroke are checked, not kept, so a whole
 * plain_block of them is taken at once.  Returns the count of items and
 * moves *pp past them (setting *closed at the ']'), or 0 when the block
 * is not all plain integers (block_run and scan_number take it item by
 * item). */
static ALWAYS_INLINE int time_run(const char **pp, int *closed, masks_fn *masks)
{
	uint64_t sep, close, zero, other, upto;
	int end;

	masks(*pp, &sep, &close, &zero, &other);
	if (!(upto = plain_block(sep, close, zero, other, &end)))
		return 0;
	*closed = close != 0;
	*pp += end + 1;
	return popcount(sep & upto);
}

/* list: [n, n, ...] into s->v[k] (the times, k = 2, are checked but not
 * kept); returns the count or -1.  Items go through time_run and
 * block_run, 64 bytes at a time; any they do not take (a sign, an
 * exponent, spaces, more digits, an error) through scan_number and eat.
 * Inlined into scan_values and scan_times (times set), so that each is
 * compiled for its own kind of list, and with its own kernels. */
static ALWAYS_INLINE long list(struct scan *s, int k, int times,
			       masks_fn *masks, shorts_fn *shorts,
			       frac_fn *frac)
{
	size_t n = 0;
	long run;
	int closed;
	double x;

	if (eat(s, '[') < 0)
		return scan_fail(s, "x, y or t is not a list");
	if (eat(s, ']') == 0)
		return 0;
	for (;;) {
		if (s->vcap[k] < n + 64 && grow_list(s, k, n) < 0)
			return -1;
		run = times ? time_run(&s->p, &closed, masks) : 0;
		if (run == 0)
			run = block_run(&s->p, s->v[k] + n, s->vcap[k] - n,
					times, &closed, masks, shorts, frac);
		n += (size_t)run;
		if (closed)
			return (long)n;
		if (run > 0)
			continue; /* the block ended, or block_run left the
				     next item to scan_number */
		if (scan_number(s, &x) < 0)
			return -1;
		s->v[k][n++] = x;
		if (*s->p == ',')
			s->p++;
		else if (eat(s, ',') < 0)
			break;
	}
	if (eat(s, ']') < 0)
		return scan_fail(s, "expected ',' or ']' in a list");
	return (long)n;
}

static __attribute__((noinline)) long scan_values(struct scan *s, int k)
{
	return list(s, k, 0, block_masks, short_values, frac_digits);
}

static __attribute__((noinline)) long scan_times(struct scan *s)
{
	return list(s, 2, 1, block_masks, short_values, frac_digits);
}

#ifdef WIDE
static __attribute__((noinline)) V3 long scan_values_v3(struct scan *s, int k)
{
	return list(s, k, 0, block_masks_v3, short_values_v3, frac_digits_v3);
}

static __attribute__((noinline)) V3 long scan_times_v3(struct scan *s)
{
	return list(s, 2, 1, block_masks_v3, short_values_v3, frac_digits_v3);
}

/* cpu_v3: the CPU runs x86-64-v3 code (AVX2, BMI2). */
static int cpu_v3(void)
{
	__builtin_cpu_init(); /* other constructors may run before its own */
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2");
}

static int v3; /* the _v3 loops are taken */

__attribute__((constructor)) static void v3_init(void)
{
	v3 = cpu_v3();
}
#endif

/* scan_list: list k of a stroke: x (0), y (1) or t (2); through the _v3
 * loops where the CPU has AVX2 and BMI2 (about 15% faster: bench/README.md). */
static long scan_list(struct scan *s, int k)
{
#ifdef WIDE
	if (v3)
		return k == 2 ? scan_times_v3(s) : scan_values_v3(s, k);
#endif
	return k == 2 ? scan_times(s) : scan_values(s, k);
}

/* coords_ok: every |x[i]| and |y[i]| (n of each) is a number within
 * SCAN_MAX_COORD; two at a time with SSE2. */
static int coords_ok(const double *x, const double *y, long n)
{
	long i = 0;
	int bad = 0;
#ifdef __SSE2__
	const __m128d sign = _mm_set1_pd(-0.0),
		      max = _mm_set1_pd(SCAN_MAX_COORD);
	__m128d all = _mm_castsi128_pd(_mm_set1_epi32(-1));

	for (; i + 2 <= n; i += 2) /* NaN compares false */
		all = _mm_and_pd(
		    all,
		    _mm_and_pd(
			_mm_cmple_pd(_mm_andnot_pd(sign, _mm_loadu_pd(x + i)),
				     max),
			_mm_cmple_pd(_mm_andnot_pd(sign, _mm_loadu_pd(y + i)),
				     max)));
	bad = _mm_movemask_pd(all) != 3;
#endif
	for (; i < n; i++)
		bad |= !(fabs(x[i]) <= SCAN_MAX_COORD) |
		       !(fabs(y[i]) <= SCAN_MAX_COORD);
	return !bad;
}

/* offsets: points x[i], y[i] (n of them) as offsets from the one before,
 * the first from (*px, *py), into o, with the pen lifted after the last;
 * *px, *py become the last point.  -1 if a coordinate is not a number
 * within SCAN_MAX_COORD. */
static int offsets(const double *x, const double *y, long n, double *px,
		   double *py, struct stroke_point *o)
{
	long i;

	if (!coords_ok(x, y, n))
		return -1;
	o[0].dx = (float)(x[0] - *px) + 0.0f; /* -0 becomes 0 */
	o[0].dy = (float)(y[0] - *py) + 0.0f;
	o[0].pen = 0;
	i = 1;
#ifdef __SSE2__
	for (; i + 2 <= n; i += 2) { /* two points: dx0 dy0 dx1 dy1 */
		__m128d dx =
		    _mm_sub_pd(_mm_loadu_pd(x + i), _mm_loadu_pd(x + i - 1));
		__m128d dy =
		    _mm_sub_pd(_mm_loadu_pd(y + i), _mm_loadu_pd(y + i - 1));
		__m128 f = _mm_add_ps(
		    _mm_unpacklo_ps(_mm_cvtpd_ps(dx), _mm_cvtpd_ps(dy)),
		    _mm_setzero_ps());

		_mm_storel_pi((__m64 *)&o[i], f);
		_mm_storeh_pi((__m64 *)&o[i + 1], f);
		o[i].pen = 0;
		o[i + 1].pen = 0;
	}
#endif
	for (; i < n; i++) {
		o[i].dx = (float)(x[i] - x[i - 1]) + 0.0f;
		o[i].dy = (float)(y[i] - y[i - 1]) + 0.0f;
		o[i].pen = 0;
	}
	o[n - 1].pen = 1;
	*px = x[n - 1];
	*py = y[n - 1];
	return 0;
}

#ifdef WIDE
/* offsets_v3: offsets with AVX, four points at a time, checking them on
 * the way. */
static V3 int offsets_v3(const double *x, const double *y, long n, double *px,
			 double *py, struct stroke_point *o)
{
	const __m256d sign = _mm256_set1_pd(-0.0),
		      max = _mm256_set1_pd(SCAN_MAX_COORD);
	__m256d all = _mm256_castsi256_pd(_mm256_set1_epi32(-1));
	long i = 1;
	int bad =
	    !(fabs(x[0]) <= SCAN_MAX_COORD) | !(fabs(y[0]) <= SCAN_MAX_COORD);

	o[0].dx = (float)(x[0] - *px) + 0.0f; /* -0 becomes 0 */
	o[0].dy = (float)(y[0] - *py) + 0.0f;
	o[0].pen = 0;
	for (; i + 4 <= n; i += 4) {
		__m256d X = _mm256_loadu_pd(x + i), Y = _mm256_loadu_pd(y + i);
		__m128 dx = _mm256_cvtpd_ps(
			   _mm256_sub_pd(X, _mm256_loadu_pd(x + i - 1))),
		       dy = _mm256_cvtpd_ps(
			   _mm256_sub_pd(Y, _mm256_loadu_pd(y + i - 1)));
		__m128 a = _mm_add_ps(_mm_unpacklo_ps(dx, dy),
				      _mm_setzero_ps()),
		       b = _mm_add_ps(_mm_unpackhi_ps(dx, dy),
				      _mm_setzero_ps());

		all = _mm256_and_pd(/* NaN compares false */
				    all,
				    _mm256_and_pd(
					_mm256_cmp_pd(_mm256_andnot_pd(sign, X),
						      max, _CMP_LE_OQ),
					_mm256_cmp_pd(_mm256_andnot_pd(sign, Y),
						      max, _CMP_LE_OQ)));
		_mm_storel_pi((__m64 *)&o[i], a);
		_mm_storeh_pi((__m64 *)&o[i + 1], a);
		_mm_storel_pi((__m64 *)&o[i + 2], b);
		_mm_storeh_pi((__m64 *)&o[i + 3], b);
		o[i].pen = o[i + 1].pen = o[i + 2].pen = o[i + 3].pen = 0;
	}
	bad |= _mm256_movemask_pd(all) != 15;
	for (; i < n; i++) {
		bad |= !(fabs(x[i]) <= SCAN_MAX_COORD) |
		       !(fabs(y[i]) <= SCAN_MAX_COORD);
		o[i].dx = (float)(x[i] - x[i - 1]) + 0.0f;
		o[i].dy = (float)(y[i] - y[i - 1]) + 0.0f;
		o[i].pen = 0;
	}
	if (bad)
		return -1;
	o[n - 1].pen = 1;
	*px = x[n - 1];
	*py = y[n - 1];
	return 0;
}
#endif

/* stroke_offsets: offsets, through offsets_v3 where the CPU has it. */
static int stroke_offsets(const double *x, const double *y, long n, double *px,
			  double *py, struct stroke_point *o)
{
#ifdef WIDE
	if (v3)
		return offsets_v3(x, y, n, px, py, o);
#endif
	return offsets(x, y, n, px, py, o);
}

/* scan_stroke: [[x...],[y...]] or [[x...],[y...],[t...]] appended to d. */
int scan_stroke(struct scan *s, struct drawing *d, int *arity, double *px,
		double *py)
{
	long n[3] = {0, 0, 0};
	int k = 0;

	if (eat(s, '[') < 0)
		return scan_fail(s, "not a list");
	do {
		if (k == 3)
			return scan_fail(s,
					 "not 2 (simplified) or 3 (raw) lists");
		if ((n[k] = scan_list(s, k)) < 0)
			return -1;
		k++;
	} while (eat(s, ',') == 0);
	if (eat(s, ']') < 0)
		return scan_fail(s, "expected ',' or ']' after a list");
	if (k < 2)
		return scan_fail(s, "not 2 (simplified) or 3 (raw) lists");
	if (*arity && k != *arity)
		return scan_fail(s, "mixes raw and simplified strokes");
	*arity = k;
	if (n[0] != n[1] || (k == 3 && n[0] != n[2]))
		return scan_fail(s, "x, y and t lists differ in length");
	if (n[0] == 0)
		return scan_fail(s, "empty stroke");
	if (drawing_reserve(d, d->n + (size_t)n[0]) < 0)
		return scan_fail(s, "too many points (limit 100000)");
	if (stroke_offsets(s->v[0], s->v[1], n[0], px, py, d->p + d->n) < 0)
		return scan_fail(s, "coordinate is not a number within 1e6");
	d->n += (size_t)n[0];
	return 0;
}

long scan_number_at(const char *p, const char *end, double *out)
{
	struct scan s;

	memset(&s, 0, sizeof s);
	s.p = p;
	s.end = end;
	return scan_number(&s, out) < 0 ? -1 : s.p - p;
}

long scan_list_at(struct scan *s, const char *p, const char *end,
		  const double **values, const char **stop)
{
	long n;

	s->p = p;
	s->end = end;
	s->err = NULL;
	n = scan_list(s, 0);
	*values = s->v[0];
	*stop = s->p;
	return n;
}

int scan_wide(int on)
{
#ifdef WIDE
	v3 = on && cpu_v3();
	return v3;
#else
	(void)on;
	return 0;
#endif
}
