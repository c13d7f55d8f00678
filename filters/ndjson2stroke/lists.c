/*
 * lists.c: the scanner's fast path, the lists of a stroke (nearly all of
 * a line), 64 bytes at a time: bit masks (block_masks: separators, ']',
 * '0', bytes that are not digits) give where every item ends and whether
 * it is plain digits or digits '.' digits, and the times of raw strokes,
 * which are only checked, are checked a block at once.  Blocks of x or y
 * that are all short integers convert without a test per item
 * (int_block, short_values).  Anything else goes through scan_number.
 * The points then become offsets, VN at a time (offsets).
 *
 * The kernels are written once, with the compilers' vector types, VW
 * bytes wide; the Makefile builds this file twice (lists.h): for the
 * baseline, VW 16 (SSE2), as lists_base, and with -march=x86-64-v3, VW 32
 * (AVX2), as lists_v3.  Only byte_mask and pairs, below, are written for
 * each width; frac_digits works on 16 bytes in both.  The loops over a
 * block's vectors are unrolled by pragma (as loops, the AVX2 copy was 18%
 * slower: bench/README.md).  numbers.c has the plain loops the tests
 * compare these with.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <immintrin.h>

#include "lists.h"
#include "numbers.h"

#ifndef LISTS_NAME
#define LISTS_NAME lists_base
#endif

#ifdef __AVX2__
#define VW 32
#else
#define VW 16
#endif
#define VN (VW / 8) /* points (doubles) in a vector */

typedef unsigned char u8v __attribute__((vector_size(VW)));
typedef uint16_t u16v __attribute__((vector_size(VW)));
typedef uint16_t u16w __attribute__((vector_size(2 * VW))); /* u8v, wide */
typedef double f64v __attribute__((vector_size(VW)));
typedef int64_t i64v __attribute__((vector_size(VW)));
typedef float f32h __attribute__((vector_size(VW / 2))); /* f64v's floats */
typedef float f32v __attribute__((vector_size(VW)));
typedef unsigned char u8x16 __attribute__((vector_size(16)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));
typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef uint64_t u64x2 __attribute__((vector_size(16)));

static inline u8v load8(const char *p)
{
	u8v v;

	memcpy(&v, p, VW);
	return v;
}

static inline f64v load64(const double *p)
{
	f64v v;

	memcpy(&v, p, VW);
	return v;
}

/* byte_mask: bit i set when byte i of m (a comparison's result: 0 or
 * all ones) is set. */
static inline uint64_t byte_mask(u8v m)
{
#ifdef __AVX2__
	return (uint32_t)_mm256_movemask_epi8((__m256i)m);
#else
	return (uint32_t)_mm_movemask_epi8((__m128i)m);
#endif
}

/* pairs: dx[0] dy[0] dx[1] dy[1] ... */
static inline f32v pairs(f32h dx, f32h dy)
{
#ifdef __AVX2__
	return __builtin_shufflevector(dx, dy, 0, 4, 1, 5, 2, 6, 3, 7);
#else
	return __builtin_shufflevector(dx, dy, 0, 2, 1, 3);
#endif
}

/* block_masks: for the 64 bytes at p (the buffer has SCAN_SLACK readable
 * bytes past every line), bit i of *sep is set when p[i] is ',' or ']',
 * of *close when it is ']', of *zero when it is '0', and of *other when
 * it is not a digit. */
static ALWAYS_INLINE void block_masks(const char *p, uint64_t *sep,
				      uint64_t *close, uint64_t *zero,
				      uint64_t *other)
{
	uint64_t s = 0, e = 0, z = 0, d = 0;

#pragma GCC unroll 4
	for (int i = 0; i < 64; i += VW) {
		u8v c = load8(p + i), v = c - '0'; /* digits: 0 to 9 */
		u8v cl = (u8v)(c == ']');

		s |= byte_mask(cl | (u8v)(c == ',')) << i;
		e |= byte_mask(cl) << i;
		z |= byte_mask((u8v)(v == 0)) << i;
		d |= byte_mask((u8v)(v <= 9)) << i;
	}
	*sep = s;
	*close = e;
	*zero = z;
	*other = ~d;
}

/* frac_digits: the value of the n (1 to 16) digits that end at end, from
 * one 16-byte load (the 16 bytes before end are readable: a list never
 * starts a line), the bytes before the digits cleared: pairs, quads, then
 * two halves of 8 digits, each step a multiply of the lanes that hold
 * the first of two by 10, 100 or 10000 and an add of the others (the
 * first digit is the lowest byte). */
static ALWAYS_INLINE uint64_t frac_digits(const char *end, int n)
{
	static const unsigned char keep[32] = {
	    0,	 0,   0,   0,	0,   0,	  0,   0,   0,	 0,   0,
	    0,	 0,   0,   0,	0,   255, 255, 255, 255, 255, 255,
	    255, 255, 255, 255, 255, 255, 255, 255, 255, 255};
	u8x16 v, k;
	u16x8 p;
	u32x4 q;
	u64x2 h;

	memcpy(&v, end - 16, 16);
	memcpy(&k, keep + n, 16);
	v = (v - '0') & k;
	p = ((u16x8)v & 0xff) * 10 + ((u16x8)v >> 8);
	p *= (u16x8){100, 1, 100, 1, 100, 1, 100, 1};
	q = ((u32x4)p & 0xffff) + ((u32x4)p >> 16);
	q *= (u32x4){10000, 1, 10000, 1};
	h = ((u64x2)q & 0xffffffff) + ((u64x2)q >> 32);
	return h[0] * 100000000 + h[1];
}

/* block_item: one list item that starts at bit 'start' of a block whose
 * masks are sep and other (with the bits below start cleared) and ends
 * at the next separator, bit e: digits, or digits '.' digits, with at
 * most 8 digits before the point, 16 after and 19 in all, no leading
 * zero.  Its value goes to *out unless keep is 0 (the times, which are
 * only checked).  Returns 0, or -1 for any other shape (scan_number
 * decides those). */
static ALWAYS_INLINE int block_item(const char *q, int start, int e,
				    uint64_t sep, uint64_t other, double *out,
				    int keep)
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
	m = digits_at(q + start, il) * pow10_int[fl] + frac_digits(q + e, fl);
	if (decimal(m, fl, out) < 0)
		*out = strtod(q + start, NULL);
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

/* times10: 10 t for bytes t up to 9 (8 t stays within its byte, so a
 * shift of 16-bit lanes does for a shift of bytes). */
static inline u8v times10(u8v t)
{
	return (u8v)((u16v)t << 3) + t + t;
}

/* short_values: for each byte j of the 64 at q, v[j] = the value of the
 * digits that end at j, four at most (the run of digits ending there, cut
 * to its last four); bytes that are not digits get junk.  From the bytes
 * at q, q - 1, q - 2 and q - 3 (q - 3 is readable: a list never starts a
 * line): digit j - k counts when bytes j - 1 to j - k are all digits. */
static ALWAYS_INLINE void short_values(const char *q, uint16_t *v)
{
#pragma GCC unroll 4
	for (int h = 0; h < 64; h += VW) {
		u8v d0 = load8(q + h) - '0', d1 = load8(q + h - 1) - '0',
		    d2 = load8(q + h - 2) - '0', d3 = load8(q + h - 3) - '0';
		u8v m1 = (u8v)(d1 <= 9), m2 = m1 & (u8v)(d2 <= 9),
		    m3 = m2 & (u8v)(d3 <= 9);
		u8v lo = d0 + times10(d1 & m1),
		    hi = (d2 & m2) + times10(d3 & m3);
		u16w w = __builtin_convertvector(lo, u16w) +
			 __builtin_convertvector(hi, u16w) * 100;

		memcpy(v + h, &w, sizeof w);
	}
}

/* int_block: when the block at q is a plain_block of integers of 1 to 8
 * digits, all of them go to out without a test per item: returns their
 * count, with *used the bytes taken and *closed set at the ']'.  Else 0.
 * Where none has more than four digits, their values come from
 * short_values. */
static ALWAYS_INLINE int int_block(const char *q, uint64_t sep, uint64_t close,
				   uint64_t zero, uint64_t other, double *out,
				   int *used, int *closed)
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

		short_values(q, v);
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
				    int times, int *closed)
{
	const char *q = *pp;
	double *out = v, *last = v + room - 32; /* a block holds <= 32 */
	uint64_t sep, close, zero, other;
	int start = 0, e, used;

	*closed = 0;
	for (;;) {
		block_masks(q, &sep, &close, &zero, &other);
		if (!times) { /* a block of short integers at once */
			int n = int_block(q, sep, close, zero, other, out,
					  &used, closed);

			out += n;
			start = n ? used : 0;
			if (*closed)
				break;
			if (n)
				goto next;
		}
		while (sep) {
			e = __builtin_ctzll(sep);
			if (block_item(q, start, e, sep, other, out, !times) <
			    0)
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
static ALWAYS_INLINE int time_run(const char **pp, int *closed)
{
	uint64_t sep, close, zero, other, upto;
	int end;

	block_masks(*pp, &sep, &close, &zero, &other);
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
 * Inlined into values and times (times set), so that each is compiled
 * for its own kind of list. */
static ALWAYS_INLINE long list(struct scan *s, int k, int times)
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
		if (s->vcap[k] < n + 64 && scan_grow(s, k, n) < 0)
			return -1;
		run = times ? time_run(&s->p, &closed) : 0;
		if (run == 0)
			run = block_run(&s->p, s->v[k] + n, s->vcap[k] - n,
					times, &closed);
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

static __attribute__((noinline)) long values(struct scan *s, int k)
{
	return list(s, k, 0);
}

static __attribute__((noinline)) long times(struct scan *s)
{
	return list(s, 2, 1);
}

/* in_range: all ones in the lanes where |x| is within SCAN_MAX_COORD (not
 * where it is NaN). */
static inline i64v in_range(f64v x)
{
	return (i64v)((f64v)((i64v)x & INT64_MAX) <= SCAN_MAX_COORD);
}

/* offset: point i's offset from the one before, (x0, y0). */
static inline void offset(struct stroke_point *o, double x, double y, double x0,
			  double y0)
{
	o->dx = (float)(x - x0) + 0.0f; /* -0 becomes 0 */
	o->dy = (float)(y - y0) + 0.0f;
	o->pen = 0;
}

/* offsets: lists.h; VN points at a time, checking them on the way: each
 * lane of 'in' counts down the coordinates it found in range (a sum of
 * comparisons, where an and of them would leave SSE2 code scalar). */
static int offsets(const double *x, const double *y, long n, double *px,
		   double *py, struct stroke_point *o)
{
	i64v in = {0};
	long i = 1, rounds = 0;
	int bad =
	    !(fabs(x[0]) <= SCAN_MAX_COORD) | !(fabs(y[0]) <= SCAN_MAX_COORD);

	offset(&o[0], x[0], y[0], *px, *py);
	for (; i + VN <= n; i += VN, rounds++) {
		f64v X = load64(x + i), Y = load64(y + i);
		f32h dx = __builtin_convertvector(X - load64(x + i - 1), f32h),
		     dy = __builtin_convertvector(Y - load64(y + i - 1), f32h);
		f32v f = pairs(dx, dy) + 0.0f; /* -0 becomes 0 */

		in += in_range(X) + in_range(Y);
#pragma GCC unroll 4
		for (int j = 0; j < VN; j++) {
			memcpy(&o[i + j], (const char *)&f + 8 * j, 8);
			o[i + j].pen = 0;
		}
	}
	for (int j = 0; j < VN; j++)
		bad |= in[j] != -2 * rounds;
	for (; i < n; i++) {
		bad |= !(fabs(x[i]) <= SCAN_MAX_COORD) |
		       !(fabs(y[i]) <= SCAN_MAX_COORD);
		offset(&o[i], x[i], y[i], x[i - 1], y[i - 1]);
	}
	if (bad)
		return -1;
	o[n - 1].pen = 1;
	*px = x[n - 1];
	*py = y[n - 1];
	return 0;
}

const struct lists LISTS_NAME = {values, times, offsets};
