/*
 * numbers.c: the scanner's numbers: one by the RFC 8259 grammar, converted
 * exactly as strtod(3) would (scan_number), and the lists of a stroke
 * (scan_stroke).  The lists are read by one of the copies of lists.h:
 * here the plain one, item by item through scan_number, which the tests
 * compare with the others; lists.c has the fast ones, 64 bytes at a time,
 * of which scan_wide takes the widest the CPU runs.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lists.h"
#include "numbers.h"
#include "util.h"

struct scan_recip scan_recip;

/* recip_init: scan_recip (numbers.h). */
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
		scan_recip.hi[k] = (uint64_t)(q >> 64);
		scan_recip.lo[k] = (uint64_t)q;
		scan_recip.e[k] = e;
	}
}

/* decimal_long: m / 10^k (k <= 27) in long double, where m and 10^k are
 * exact, so the quotient is within 2^-64 relative of the truth; rounding
 * it to double is then correct unless it lies that close to a midpoint
 * between two doubles (-1). */
int decimal_long(unsigned long long m, int k, double *out)
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

/* scan_grow: lists.h. */
int scan_grow(struct scan *s, int k, size_t n)
{
	if (n >= STROKE_MAX_POINTS)
		return scan_fail(s, "too many points (limit 100000)");
	while (s->vcap[k] < n + 64)
		s->vcap[k] = s->vcap[k] ? 2 * s->vcap[k] : 256;
	s->v[k] = xreallocarray(s->v[k], s->vcap[k], sizeof(double));
	return 0;
}

/* plain_values: [n, n, ...] into s->v[k], item by item through
 * scan_number, with the checks of lists.c's list in the same order;
 * returns the count or -1.  (A list of more than STROKE_MAX_POINTS items
 * is refused by both, but lists.c's, which checks between runs of
 * blocks, may stop a few items further on.) */
static long plain_values(struct scan *s, int k)
{
	size_t n = 0;

	if (eat(s, '[') < 0)
		return scan_fail(s, "x, y or t is not a list");
	if (eat(s, ']') == 0)
		return 0;
	for (;;) {
		if (s->vcap[k] < n + 64 && scan_grow(s, k, n) < 0)
			return -1;
		if (scan_number(s, &s->v[k][n]) < 0)
			return -1;
		n++;
		if (*s->p == ',')
			s->p++;
		else if (eat(s, ',') < 0)
			break;
	}
	if (eat(s, ']') < 0)
		return scan_fail(s, "expected ',' or ']' in a list");
	return (long)n;
}

static long plain_times(struct scan *s)
{
	return plain_values(s, 2);
}

/* plain_offsets: lists.h, a point at a time. */
static int plain_offsets(const double *x, const double *y, long n, double *px,
			 double *py, struct stroke_point *o)
{
	double x0 = *px, y0 = *py;

	for (long i = 0; i < n; i++)
		if (!(fabs(x[i]) <= SCAN_MAX_COORD) ||
		    !(fabs(y[i]) <= SCAN_MAX_COORD))
			return -1;
	for (long i = 0; i < n; i++) {
		o[i].dx = (float)(x[i] - x0) + 0.0f; /* -0 becomes 0 */
		o[i].dy = (float)(y[i] - y0) + 0.0f;
		o[i].pen = i == n - 1;
		x0 = x[i];
		y0 = y[i];
	}
	*px = x0;
	*py = y0;
	return 0;
}

const struct lists lists_plain = {plain_values, plain_times, plain_offsets};

/* copies: the copies of the list loops in this build, plainest first
 * (lists.h); loops: the one taken. */
static const struct lists *const copies[] = {
    &lists_plain,
#ifdef __x86_64__
    &lists_base,
    &lists_v3,
#endif
};
static const struct lists *loops = &lists_plain;

/* cpu_runs: the CPU runs the copy l. */
static int cpu_runs(const struct lists *l)
{
#ifdef __x86_64__
	if (l == &lists_v3) {
		__builtin_cpu_init(); /* constructors may run before its own */
		return __builtin_cpu_supports("avx2") &&
		       __builtin_cpu_supports("bmi2");
	}
#endif
	return 1;
}

int scan_wide(int level)
{
	int i = (int)(sizeof copies / sizeof *copies) - 1;

	if (level < i)
		i = level < 0 ? 0 : level;
	while (i > 0 && !cpu_runs(copies[i]))
		i--;
	loops = copies[i];
	return i;
}

__attribute__((constructor)) static void loops_init(void)
{
	scan_wide(SCAN_WIDEST);
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
		if ((n[k] = k == 2 ? loops->times(s) : loops->values(s, k)) < 0)
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
	if (loops->offsets(s->v[0], s->v[1], n[0], px, py, d->p + d->n) < 0)
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
	n = loops->values(s, 0);
	*values = s->v[0];
	*stop = s->p;
	return n;
}
