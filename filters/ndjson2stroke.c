/*
 * ndjson2stroke: Quick, Draw! ndjson to a stroke(5) stream.
 *
 * Each input line is one drawing, in either published form, told apart per
 * line: raw strokes [[x...],[y...],[t...]] (screen coordinates, t in ms) or
 * simplified strokes [[x...],[y...]] (0-255).  Points become stroke-3
 * offsets; the first point's offset is from (0,0), so absolute positions
 * survive.  Timing is checked and dropped.  Memory is bounded by one line
 * (at most MAX_LINE bytes) and, for a file, which is mapped and read in
 * place, about twice DROP_EVERY bytes of it.  It does not simplify, scale or
 * normalise: see rdp-simplify(1) and normalize(1).
 *
 * Two parsers give the same result: a hand-written scanner (the default,
 * about 24 times faster: see bench/README.md) and json-c (-J), kept as an
 * independent check that tests compare against.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "stroke.h"
#include "util.h"

#define MAX_LINE (64L << 20) /* bytes in one ndjson line */
#define MAX_COORD 1e6	     /* largest |x| or |y| accepted */
#define ALWAYS_INLINE inline __attribute__((always_inline))
/* The list loops are also compiled for x86-64-v3 (AVX2, BMI2), with
 * 32-byte kernels, and chosen at run time where the CPU has it (see
 * scan_list).  NDJSON_NO_CLONES leaves only the plain ones (the
 * sanitised build tests those). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(NDJSON_NO_CLONES)
#define WIDE 1
#include <immintrin.h>
#define V3 __attribute__((target("arch=x86-64-v3")))
#endif
#define SLACK 72 /* readable bytes kept past the data (64 for block_masks) */
#define DROP_EVERY (2L << 20) /* a mapped file is let go in such steps */

struct options {
	const char *word;    /* -w: keep only this word */
	const char *country; /* -c: keep only this country code */
	int recognized;	     /* -r: keep only recognized drawings */
	int skip_bad;	     /* -k: skip malformed lines, count them */
	long limit;	     /* -n: stop after this many drawings (0: all) */
	int json_c;	     /* -J: parse with json-c instead of the scanner */
};

struct input {
	FILE *f;
	const char *name;
	unsigned long line;
	char *buf; /* buffered input: bytes [pos, len) are unread */
	size_t pos, len, cap;
	int eof;
	const char *map; /* the file mapped (map_open), or NULL */
	size_t size;	 /* its size: bytes [mpos, size) are unread */
	size_t mpos, dropped, map_len;
};

static void usage(void)
{
	fprintf(stderr, "usage: ndjson2stroke [-Jkr] [-c country] [-n count] "
			"[-w word] [file ...]\n");
	exit(1);
}

/* fill: move the unread bytes to the front and read more; grows the
 * buffer (up to MAX_LINE) when it is full of one partial line. */
static void fill(struct input *in)
{
	size_t got;

	if (!in->buf) {
		in->cap = 1 << 20;
		in->buf = xmalloc(in->cap);
	}
	memmove(in->buf, in->buf + in->pos, in->len - in->pos);
	in->len -= in->pos;
	in->pos = 0;
	if (in->len + SLACK >= in->cap && in->cap < (size_t)MAX_LINE + SLACK) {
		in->cap *= 2;
		in->buf = xreallocarray(in->buf, in->cap, 1);
	}
	got = fread(in->buf + in->len, 1, in->cap - SLACK - in->len, in->f);
	memset(in->buf + in->len + got, 0, SLACK);
	if (got == 0 && ferror(in->f))
		die("%s: read error:", in->name);
	in->eof = got == 0;
	in->len += got;
}

/*
 * A regular file is mapped whole where it can be, with zero bytes after
 * its end (at least SLACK), and read in place: the scanner takes each
 * line where it lies, with no copy and no search for its newline first
 * (next), which saves about a tenth of the time (bench/README.md).  A
 * line is copied out (map_line) only for json-c or when the scanner
 * refuses it, so that every message is the one read_line's copy gives.
 * Pages behind are given back as it goes (map_done), so memory stays
 * bounded.  Anything else (a pipe, a file too large for the address
 * space) is read through the buffer.
 */
static const struct input *mapped; /* the file mapped, for on_sigbus */

static void on_sigbus(int sig)
{
	(void)sig; /* the file shrank under the mapping */
	die("%s:line %lu: file changed while being read", mapped->name,
	    mapped->line + 1);
}

/* map_open: map the regular file of st, when it can be. */
static void map_open(struct input *in, const struct stat *st)
{
	long page = sysconf(_SC_PAGESIZE);
	void *base;

	if (st->st_size <= 0 || (unsigned long long)st->st_size > SIZE_MAX / 2)
		return;
	in->size = (size_t)st->st_size;
	in->map_len = (in->size + SLACK + (size_t)page) & ~((size_t)page - 1);
	/* zero pages for the whole length, then the file over them */
	base = mmap(NULL, in->map_len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (base == MAP_FAILED)
		return;
	if (mmap(base, in->size, PROT_READ, MAP_PRIVATE | MAP_FIXED,
		 fileno(in->f), 0) == MAP_FAILED) {
		munmap(base, in->map_len);
		return;
	}
	madvise(base, in->size, MADV_SEQUENTIAL);
	in->map = base;
	in->mpos = in->dropped = 0;
	mapped = in;
	signal(SIGBUS, on_sigbus);
}

/* input_open: how in->f is read: a regular file mapped (map_open); a
 * pipe given a 1 MiB buffer where the system allows it, so that the
 * program writing into it and this one take turns 16 times less often (a
 * fifth faster from cat: bench/README.md); anything else, or a file that
 * cannot be mapped, through the buffer. */
static void input_open(struct input *in)
{
	struct stat st;

	in->map = NULL;
	if (fstat(fileno(in->f), &st) < 0)
		return;
	if (S_ISREG(st.st_mode))
		map_open(in, &st);
#ifdef F_SETPIPE_SZ
	else if (S_ISFIFO(st.st_mode))
		fcntl(fileno(in->f), F_SETPIPE_SZ, 1 << 20);
#endif
}

static void map_close(struct input *in)
{
	if (in->map)
		munmap((void *)in->map, in->map_len);
	in->map = NULL;
}

/* map_done: the line up to *end (its newline, or the file's end) is
 * taken; the pages behind are given back up to a multiple of DROP_EVERY.
 * Up to a multiple, for a page fault maps the file's pages around the
 * one it needs (64 KiB of them, at most 2 MiB, aligned), so it would map
 * again the pages just given back that share its aligned window. */
static void map_done(struct input *in, const char *end)
{
	size_t upto;

	in->mpos = (size_t)(end - in->map) + (end < in->map + in->size);
	in->line++;
	upto = in->mpos & ~((size_t)DROP_EVERY - 1);
	if (upto <= in->dropped)
		return;
	madvise((void *)(in->map + in->dropped), upto - in->dropped,
		MADV_DONTNEED);
	in->dropped = upto;
}

/* map_line: read_line for a mapped file: the line copied into the
 * buffer, NUL-terminated, with SLACK zero bytes after it. */
static long map_line(struct input *in, char **line)
{
	const char *p = in->map + in->mpos, *nl;
	size_t left = in->size - in->mpos, n;

	if (left == 0)
		return -1;
	nl = memchr(p, '\n', left);
	n = nl ? (size_t)(nl - p) : left;
	if (n > (size_t)MAX_LINE) {
		map_done(in, p + n);
		return -2;
	}
	if (n + SLACK + 1 > in->cap) { /* as large as fill makes it */
		free(in->buf);
		in->cap = n + SLACK + 1 > 1 << 20 ? n + SLACK + 1 : 1 << 20;
		in->buf = xmalloc(in->cap);
	}
	memcpy(in->buf, p, n);
	memset(in->buf + n, 0, SLACK + 1);
	map_done(in, p + n);
	*line = in->buf;
	return (long)n;
}

/* read_line: the next line, NUL-terminated in place without its newline.
 * Returns its length, -1 at end of input, -2 for a line over MAX_LINE
 * (skipped). */
static long read_line(struct input *in, char **line)
{
	char *nl;
	size_t n;

	if (in->map)
		return map_line(in, line);
	for (;;) {
		nl = in->buf
			 ? memchr(in->buf + in->pos, '\n', in->len - in->pos)
			 : NULL; /* no buffer before the first fill */
		if (nl || in->eof)
			break;
		if (in->len - in->pos > (size_t)MAX_LINE) {
			do { /* skip the rest of this line */
				in->pos = in->len;
				fill(in);
				nl = memchr(in->buf, '\n', in->len);
			} while (!nl && !in->eof);
			in->pos = nl ? (size_t)(nl - in->buf) + 1 : in->len;
			in->line++;
			return -2;
		}
		fill(in);
	}
	if (!nl && in->pos == in->len)
		return -1;
	n = nl ? (size_t)(nl - in->buf) - in->pos : in->len - in->pos;
	*line = in->buf + in->pos;
	(*line)[n] = '\0';
	in->pos += n + (nl != NULL);
	in->line++;
	return n > (size_t)MAX_LINE ? -2 : (long)n; /* the buffer holds more */
}

/*
 * The hand-written scanner.  It accepts exactly RFC 8259 JSON (one object
 * per line), keeps the fields a drawing needs and skips the rest; it
 * builds no tree, so a line costs one pass over its bytes.  The lists of
 * numbers, nearly all of a line, go 64 bytes at a time: bit masks
 * (block_masks: separators, ']', '0', bytes that are not digits) give
 * where every item ends and whether it is plain digits or digits '.'
 * digits, and the times of raw strokes, which are only checked, are
 * checked a block at once.  Blocks of x or y that are all short integers
 * convert without a test per item (int_block, short_values).  Anything
 * else goes through the general number grammar.  bench/ndjson
 * compares it with json-c (-J) and with Python's json module;
 * ndjson_number_test checks it against strtod and json-c.
 */
#define MAX_DEPTH 64

struct scan {
	const char *p, *start, *end;
	const char *err; /* first error, or NULL */
	char where[64];	 /* field the error is in */
	double *v[3];	 /* x, y, t values of the current stroke */
	size_t vcap[3];
};

static int scan_fail(struct scan *s, const char *why)
{
	if (!s->err)
		s->err = why;
	return -1;
}

/* skip_ws: JSON whitespace but the newline, which ends a line: a mapped
 * file (map_scan) is scanned in place, where the newline is the line's
 * end and the next line follows it. */
static inline void skip_ws(struct scan *s)
{
	while (s->p < s->end &&
	       (*s->p == ' ' || *s->p == '\t' || *s->p == '\r'))
		s->p++;
}

static int eat_ws(struct scan *s, char c)
{
	skip_ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return 0;
	}
	return -1;
}

/* eat: c, after any whitespace; -1 if something else comes.  The line
 * ends in a NUL or a newline, so *s->p can always be read. */
static inline int eat(struct scan *s, char c)
{
	if (*s->p == c) {
		s->p++;
		return 0;
	}
	return eat_ws(s, c);
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			v |= (unsigned)(p[i] - '0');
		else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f')
			v |= (unsigned)((p[i] | 0x20) - 'a' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* put_utf8: append code point u to dst (cap bytes, NUL kept); *len grows
 * past cap when it does not fit, which the caller reports. */
static void put_utf8(char *dst, size_t cap, size_t *len, unsigned u)
{
	unsigned char b[4];
	size_t n, i;

	if (u < 0x80) {
		b[0] = (unsigned char)u;
		n = 1;
	} else if (u < 0x800) {
		b[0] = (unsigned char)(0xc0 | u >> 6);
		b[1] = (unsigned char)(0x80 | (u & 0x3f));
		n = 2;
	} else if (u < 0x10000) {
		b[0] = (unsigned char)(0xe0 | u >> 12);
		b[1] = (unsigned char)(0x80 | (u >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (u & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | u >> 18);
		b[1] = (unsigned char)(0x80 | (u >> 12 & 0x3f));
		b[2] = (unsigned char)(0x80 | (u >> 6 & 0x3f));
		b[3] = (unsigned char)(0x80 | (u & 0x3f));
		n = 4;
	}
	for (i = 0; i < n; i++, (*len)++)
		if (dst && *len < cap)
			dst[*len] = (char)b[i];
}

static int scan_escape(struct scan *s, char *dst, size_t cap, size_t *len)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	unsigned u, lo;

	if (s->p >= s->end)
		return scan_fail(s, "unterminated string");
	if (*s->p != 'u') {
		k = strchr(from, *s->p);
		if (!k || !*s->p)
			return scan_fail(s, "bad escape in string");
		put_utf8(dst, cap, len, (unsigned char)to[k - from]);
		s->p++;
		return 0;
	}
	if (s->end - s->p < 5 || hex4(s->p + 1, &u) < 0)
		return scan_fail(s, "bad \\u escape in string");
	s->p += 5;
	if (u >= 0xdc00 && u < 0xe000)
		return scan_fail(s, "lone low surrogate in string");
	if (u >= 0xd800 && u < 0xdc00) {
		if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' ||
		    hex4(s->p + 2, &lo) < 0 || lo < 0xdc00 || lo >= 0xe000)
			return scan_fail(s, "lone high surrogate in string");
		s->p += 6;
		u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
	}
	put_utf8(dst, cap, len, u);
	return 0;
}

/* plain_run: how many bytes from p on need no care in a string: not '"',
 * '\\' or a control character (the line's NUL or newline is one, so
 * the run ends there at the latest).  16 bytes at a time where SSE2 is. */
static inline size_t plain_run(const char *p)
{
	const char *q = p;
#ifdef __SSE2__
	for (;;) {
		__m128i c = _mm_loadu_si128((const __m128i *)q);
		__m128i bad = _mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('"')),
				 _mm_cmpeq_epi8(c, _mm_set1_epi8('\\'))),
		    _mm_cmpeq_epi8(_mm_min_epu8(c, _mm_set1_epi8(0x1f)), c));
		unsigned m = (unsigned)_mm_movemask_epi8(bad);

		if (m)
			return (size_t)(q - p) + (size_t)__builtin_ctz(m);
		q += 16;
	}
#else
	while (*q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
		q++;
	return (size_t)(q - p);
#endif
}

/* scan_string: a JSON string into dst (cap bytes before the NUL; NULL to
 * skip).  *len gets the decoded length, which may exceed cap. */
static int scan_string(struct scan *s, char *dst, size_t cap, size_t *len)
{
	unsigned char c;
	size_t run;

	*len = 0;
	if (eat(s, '"') < 0)
		return scan_fail(s, "expected a string");
	while (s->p < s->end) {
		run = plain_run(s->p);
		if (run > (size_t)(s->end - s->p))
			run = (size_t)(s->end - s->p);
		if (dst && *len < cap)
			memcpy(dst + *len, s->p,
			       cap - *len < run ? cap - *len : run);
		*len += run;
		s->p += run;
		if (s->p >= s->end)
			break;
		c = (unsigned char)*s->p++;
		if (c == '"') {
			if (dst)
				dst[*len < cap ? *len : cap] = '\0';
			return 0;
		}
		if (c < 0x20)
			return scan_fail(s, "control character in string");
		if (scan_escape(s, dst, cap, len) < 0) /* c is '\\' */
			return -1;
	}
	return scan_fail(s, "unterminated string");
}

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
 * time (there are SLACK readable bytes past the line's end); *m
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
static int scan_number(struct scan *s, double *out)
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

static int scan_literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return scan_fail(s, "bad value");
	s->p += n;
	return 0;
}

static int skip_value(struct scan *s, int depth);

/* skip_items: the rest of an array or object after its opening bracket. */
static int skip_items(struct scan *s, char close, int depth)
{
	size_t len;

	if (eat(s, close) == 0)
		return 0;
	do {
		if (close == '}' &&
		    (scan_string(s, NULL, 0, &len) < 0 || eat(s, ':') < 0))
			return scan_fail(s, "expected \"key\":");
		if (skip_value(s, depth + 1) < 0)
			return -1;
	} while (eat(s, ',') == 0);
	return eat(s, close) < 0 ? scan_fail(s, "expected ',' or a closing "
						"bracket")
				 : 0;
}

static int skip_value(struct scan *s, int depth)
{
	double v;
	size_t len;

	if (depth > MAX_DEPTH)
		return scan_fail(s, "nested too deeply");
	skip_ws(s);
	if (s->p >= s->end)
		return scan_fail(s, "unexpected end of line");
	switch (*s->p) {
	case '"':
		return scan_string(s, NULL, 0, &len);
	case '{':
		s->p++;
		return skip_items(s, '}', depth);
	case '[':
		s->p++;
		return skip_items(s, ']', depth);
	case 't':
		return scan_literal(s, "true");
	case 'f':
		return scan_literal(s, "false");
	case 'n':
		return scan_literal(s, "null");
	default:
		return scan_number(s, &v);
	}
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

/* block_masks: for the 64 bytes at p (the buffer has SLACK readable
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

static int v3; /* the CPU runs x86-64-v3 code (AVX2, BMI2) */

__attribute__((constructor)) static void v3_init(void)
{
	__builtin_cpu_init(); /* other constructors may run before its own */
	v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2");
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
 * MAX_COORD; two at a time with SSE2. */
static int coords_ok(const double *x, const double *y, long n)
{
	long i = 0;
	int bad = 0;
#ifdef __SSE2__
	const __m128d sign = _mm_set1_pd(-0.0), max = _mm_set1_pd(MAX_COORD);
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
		bad |= !(fabs(x[i]) <= MAX_COORD) | !(fabs(y[i]) <= MAX_COORD);
	return !bad;
}

/* offsets: points x[i], y[i] (n of them) as offsets from the one before,
 * the first from (*px, *py), into o, with the pen lifted after the last;
 * *px, *py become the last point.  -1 if a coordinate is not a number
 * within MAX_COORD. */
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
		      max = _mm256_set1_pd(MAX_COORD);
	__m256d all = _mm256_castsi256_pd(_mm256_set1_epi32(-1));
	long i = 1;
	int bad = !(fabs(x[0]) <= MAX_COORD) | !(fabs(y[0]) <= MAX_COORD);

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
		bad |= !(fabs(x[i]) <= MAX_COORD) | !(fabs(y[i]) <= MAX_COORD);
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
static int scan_stroke(struct scan *s, struct drawing *d, int *arity,
		       double *px, double *py)
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

static int scan_drawing(struct scan *s, struct drawing *d)
{
	double px = 0, py = 0;
	int arity = 0, k = 0;

	d->n = 0;
	if (eat(s, '[') < 0)
		return scan_fail(s, "not a list of strokes");
	if (eat(s, ']') == 0)
		return scan_fail(s, "empty drawing (no strokes)");
	do {
		k++;
		if (scan_stroke(s, d, &arity, &px, &py) < 0) {
			snprintf(s->where, sizeof s->where,
				 "drawing: stroke %d", k);
			return -1;
		}
	} while (eat(s, ',') == 0);
	if (eat(s, ']') < 0)
		return scan_fail(s, "expected ',' or ']' after a stroke");
	return 0;
}

/* has_control: whether s holds a character stroke(5) text may not. */
static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* country_bad: c is neither "" nor two printable ASCII characters, the
 * only country codes stroke(5) stores. */
static int country_bad(const char *c)
{
	if (!c[0])
		return 0;
	return !(c[0] > 0x20 && c[0] < 0x7f && c[1] > 0x20 && c[1] < 0x7f &&
		 !c[2]);
}

#define QUOTE(x) #x
#define TEXT_LIMIT(x) "field longer than " QUOTE(x) " bytes"
_Static_assert(sizeof((struct drawing *)0)->key_id == STROKE_MAX_TEXT + 1 &&
		   sizeof((struct drawing *)0)->word == STROKE_MAX_TEXT + 1 &&
		   sizeof((struct drawing *)0)->country == 3,
	       "too_long names these sizes");

/* too_long: the message for a text field over cap bytes (the size of its
 * buffer in struct drawing, less the NUL). */
static const char *too_long(size_t cap)
{
	return cap == 2 ? TEXT_LIMIT(2) : TEXT_LIMIT(STROKE_MAX_TEXT);
}

/* scan_text: a string field, or an integer (key_id is sometimes one),
 * into dst, which holds cap bytes and a NUL; longer is an error.  null is
 * "missing" when the field is required, else empty. */
static int scan_text(struct scan *s, char *dst, size_t cap, int required)
{
	const char *p;
	size_t len;
	double v;

	skip_ws(s);
	dst[0] = '\0';
	if (s->p < s->end && *s->p != '"') {
		p = s->p;
		if (*p == 'n') {
			if (scan_literal(s, "null") < 0)
				return -1;
			return required ? scan_fail(s, "missing field") : 0;
		}
		if (scan_number(s, &v) < 0)
			return scan_fail(s, "field is not a string");
		len = (size_t)(s->p - p);
		if (memchr(p, '.', len) || memchr(p, 'e', len) ||
		    memchr(p, 'E', len))
			return scan_fail(s, "field is not a string");
		if (len > cap)
			return scan_fail(s, too_long(cap));
		memcpy(dst, p, len);
		dst[len] = '\0';
		return 0;
	}
	if (scan_string(s, dst, cap, &len) < 0)
		return -1;
	if (memchr(dst, '\0', len < cap ? len : cap) || has_control(dst))
		return scan_fail(s, "control character in string");
	return len > cap ? scan_fail(s, too_long(cap)) : 0;
}

static int scan_bool(struct scan *s, int *out)
{
	skip_ws(s);
	if (s->p < s->end && *s->p == 't') {
		*out = RECOGNIZED_YES;
		return scan_literal(s, "true");
	}
	if (s->p < s->end && *s->p == 'f') {
		*out = RECOGNIZED_NO;
		return scan_literal(s, "false");
	}
	if (s->p < s->end && *s->p == 'n') {
		*out = RECOGNIZED_UNKNOWN;
		return scan_literal(s, "null");
	}
	return scan_fail(s, "not true or false");
}

/* scan_field: the value of one key of the top-level object. */
static int scan_field(struct scan *s, const char *key, size_t klen,
		      struct drawing *d, unsigned *seen)
{
	static const char *const keys[] = {"key_id", "word", "countrycode",
					   "recognized", "drawing"};
	static const size_t lens[] = {6, 4, 11, 10, 7};
	int k;

	for (k = 0; k < 5; k++) /* the length first: most keys differ there */
		if (klen == lens[k] && memcmp(key, keys[k], klen) == 0)
			break;
	if (k == 5)
		return skip_value(s, 1);
	*seen |= 1u << k;
	strcpy(s->where, keys[k]); /* all shorter than where */
	switch (k) {
	case 0:
		return scan_text(s, d->key_id, sizeof d->key_id - 1, 1);
	case 1:
		return scan_text(s, d->word, sizeof d->word - 1, 1);
	case 2: /* "" is all zero bytes, even after a first countrycode */
		memset(d->country, 0, sizeof d->country);
		if (scan_text(s, d->country, sizeof d->country - 1, 0) < 0)
			return -1;
		return country_bad(d->country)
			   ? scan_fail(s, "not two printable characters")
			   : 0;
	case 3:
		return scan_bool(s, &d->recognized);
	default:
		return scan_drawing(s, d);
	}
}

/* scan_line: one ndjson line into d.  line[len] is its end: a NUL (a
 * line read into a buffer) or the newline (a mapped file), with SLACK
 * readable bytes after it; or len reaches past the line's newline (the
 * mapped file), and the object must end at that newline: every loop of
 * the scanner stops at a newline, which no JSON line holds, and so does
 * the check for text after the object. */
static const char *scan_line(struct scan *s, const char *line, long len,
			     struct drawing *d)
{
	char key[32];
	unsigned seen = 0;
	size_t klen;

	s->p = s->start = line;
	s->end = line + len;
	s->err = NULL;
	s->where[0] = '\0';
	if (eat(s, '{') < 0)
		return scan_fail(s, "line is not a JSON object"), s->err;
	if (eat(s, '}') < 0) {
		do {
			s->where[0] = '\0';
			if (scan_string(s, key, sizeof key - 1, &klen) < 0 ||
			    eat(s, ':') < 0) {
				scan_fail(s, "expected \"key\":");
				return s->err;
			}
			if (klen >= sizeof key - 1)
				klen = 0; /* no key we know is that long */
			if (scan_field(s, key, klen, d, &seen) < 0)
				return s->err;
		} while (eat(s, ',') == 0);
		s->where[0] = '\0';
		if (eat(s, '}') < 0)
			return scan_fail(s, "expected ',' or '}'"), s->err;
	}
	skip_ws(s);
	if (s->p != s->end && *s->p != '\n')
		return scan_fail(s, "trailing text after the JSON object"),
		       s->err;
	if ((seen & 3) != 3 || !(seen & 16)) {
		strcpy(s->where, !(seen & 1)   ? "key_id"
				 : !(seen & 2) ? "word"
					       : "drawing");
		return "missing field";
	}
	return NULL;
}

/* The json-c parser (-J). */

static const char *get_text(json_object *o, const char *key, char *dst,
			    size_t cap, int required)
{
	json_object *v;
	const char *s;
	size_t len;

	dst[0] = '\0';
	if (!json_object_object_get_ex(o, key, &v) ||
	    json_object_is_type(v, json_type_null))
		return required ? "missing field" : NULL;
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_string))
		return "field is not a string";
	s = json_object_get_string(v);
	len = strlen(s);
	if (json_object_is_type(v, json_type_string) &&
	    len != (size_t)json_object_get_string_len(v))
		return "control character in string"; /* a \u0000 */
	/* json-c keeps an integer past 64 bits as the nearest of these */
	if (!strcmp(s, "18446744073709551615") ||
	    !strcmp(s, "-9223372036854775808"))
		return "integer out of range";
	if (len > cap)
		return too_long(cap);
	if (has_control(s))
		return "control character in string";
	memcpy(dst, s, len + 1);
	return NULL;
}

static const char *get_meta(json_object *o, struct drawing *d, char *where)
{
	json_object *v;
	const char *why;

	if ((why = get_text(o, "key_id", d->key_id, sizeof d->key_id - 1, 1)))
		return strcpy(where, "key_id"), why;
	if ((why = get_text(o, "word", d->word, sizeof d->word - 1, 1)))
		return strcpy(where, "word"), why;
	if ((why = get_text(o, "countrycode", d->country, sizeof d->country - 1,
			    0)))
		return strcpy(where, "countrycode"), why;
	if (country_bad(d->country))
		return strcpy(where, "countrycode"),
		       "not two printable characters";
	d->recognized = RECOGNIZED_UNKNOWN;
	if (json_object_object_get_ex(o, "recognized", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		if (!json_object_is_type(v, json_type_boolean))
			return strcpy(where, "recognized"), "not true or false";
		d->recognized =
		    json_object_get_boolean(v) ? RECOGNIZED_YES : RECOGNIZED_NO;
	}
	return NULL;
}

static int number(json_object *v, double *out)
{
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_double))
		return -1;
	*out = json_object_get_double(v);
	return isfinite(*out) && fabs(*out) <= MAX_COORD ? 0 : -1;
}

/* One stroke [[x...],[y...]] or [[x...],[y...],[t...]]; *arity is set by
 * the first stroke and must hold for the rest. */
static const char *add_stroke(json_object *s, struct drawing *d, int *arity,
			      double *px, double *py)
{
	json_object *xs, *ys, *ts = NULL;
	size_t n, i, k;
	double x, y, t;

	if (!json_object_is_type(s, json_type_array))
		return "not a list";
	k = json_object_array_length(s);
	if (k != 2 && k != 3)
		return "not 2 (simplified) or 3 (raw) lists";
	if (*arity && (int)k != *arity)
		return "mixes raw and simplified strokes";
	*arity = (int)k;
	xs = json_object_array_get_idx(s, 0);
	ys = json_object_array_get_idx(s, 1);
	if (k == 3)
		ts = json_object_array_get_idx(s, 2);
	if (!json_object_is_type(xs, json_type_array) ||
	    !json_object_is_type(ys, json_type_array) ||
	    (ts && !json_object_is_type(ts, json_type_array)))
		return "x, y or t is not a list";
	n = json_object_array_length(xs);
	if (n != json_object_array_length(ys) ||
	    (ts && n != json_object_array_length(ts)))
		return "x, y and t lists differ in length";
	if (n == 0)
		return "empty stroke";
	for (i = 0; i < n; i++) {
		if (number(json_object_array_get_idx(xs, i), &x) < 0 ||
		    number(json_object_array_get_idx(ys, i), &y) < 0)
			return "coordinate is not a number within 1e6";
		if (ts &&
		    (!json_object_is_type(json_object_array_get_idx(ts, i),
					  json_type_int) &&
		     !json_object_is_type(json_object_array_get_idx(ts, i),
					  json_type_double)))
			return "time is not a number";
		(void)t;
		if (drawing_push(d, (float)(x - *px) + 0.0f,
				 (float)(y - *py) + 0.0f, i + 1 == n) < 0)
			return "too many points (limit 100000)";
		*px = x;
		*py = y;
	}
	return NULL;
}

static const char *get_drawing(json_object *o, struct drawing *d, char *where)
{
	json_object *strokes;
	double px = 0, py = 0;
	size_t i, n;
	int arity = 0;
	const char *why;

	strcpy(where, "drawing");
	if (!json_object_object_get_ex(o, "drawing", &strokes))
		return "missing field";
	if (!json_object_is_type(strokes, json_type_array))
		return "not a list of strokes";
	n = json_object_array_length(strokes);
	if (n == 0)
		return "empty drawing (no strokes)";
	for (i = 0; i < n; i++) {
		why = add_stroke(json_object_array_get_idx(strokes, i), d,
				 &arity, &px, &py);
		if (why) {
			snprintf(where, 64, "drawing: stroke %zu", i + 1);
			return why;
		}
	}
	return NULL;
}

static int wanted(const struct drawing *d, const struct options *o)
{
	if (o->word && strcmp(d->word, o->word) != 0)
		return 0;
	if (o->country && strcmp(d->country, o->country) != 0)
		return 0;
	if (o->recognized && d->recognized != RECOGNIZED_YES)
		return 0;
	return 1;
}

/* convert_line: parse one line into d.  NULL on success, else the reason
 * (where names the field). */
static const char *convert_line(json_tokener *tok, const char *line, long len,
				struct drawing *d, char *where)
{
	json_object *o;
	const char *why;

	where[0] = '\0';
	json_tokener_reset(tok);
	o = json_tokener_parse_ex(tok, line, (int)len);
	if (!o) {
		strcpy(where, "JSON");
		return json_tokener_error_desc(json_tokener_get_error(tok));
	}
	if (json_tokener_get_parse_end(tok) != (size_t)len &&
	    strspn(line + json_tokener_get_parse_end(tok), " \t\r") !=
		len - json_tokener_get_parse_end(tok))
		why = "trailing text after the JSON object";
	else if (!json_object_is_type(o, json_type_object))
		why = "line is not a JSON object";
	else if (!(why = get_meta(o, d, where)))
		why = get_drawing(o, d, where);
	json_object_put(o);
	return why;
}

struct counts {
	long written; /* drawings written */
	long bad;     /* malformed lines skipped under -k */
};

struct parser {
	struct scan scan;  /* the scanner's state and buffers */
	json_tokener *tok; /* json-c, when -J */
};

/* parse: one line into d; NULL, or the reason with where/col filled. */
static const char *parse(struct parser *ps, const char *line, long len,
			 struct drawing *d, char *where, long *col)
{
	const char *why;

	*col = 0;
	if (ps->tok)
		return convert_line(ps->tok, line, len, d, where);
	why = scan_line(&ps->scan, line, len, d);
	if (why) {
		strcpy(where, ps->scan.where);
		*col = ps->scan.p - line + 1;
	}
	return why;
}

/* map_scan: the next line of a mapped file scanned where it lies, up to
 * MAX_LINE bytes: 1 when it is a good drawing (taken), 0 when not (it is
 * left for read_line), -1 at the end of the file.  A run of digits does
 * not stop at the MAX_LINE bound (it stops at a byte that is not one),
 * so a drawing that ends past it is left to read_line too, which says
 * the line is too long, as it does from a pipe. */
static int map_scan(struct input *in, struct scan *s, struct drawing *d)
{
	const char *line = in->map + in->mpos, *end = in->map + in->size;
	size_t left = in->size - in->mpos;

	if (left == 0)
		return -1;
	if (scan_line(s, line, (long)(left < MAX_LINE ? left : MAX_LINE), d) ||
	    (s->p < end && *s->p != '\n') || s->p - line > MAX_LINE)
		return 0;
	map_done(in, s->p);
	return 1;
}

static const char *next(struct input *in, struct parser *ps, struct drawing *d,
			char *where, long *col)
{
	char *line;
	long len;

	where[0] = '\0';
	*col = 0;
	drawing_clear(d);
	if (in->map && !ps->tok) {
		if (map_scan(in, &ps->scan, d) != 0)
			return NULL; /* taken, or the end */
		drawing_clear(d);
	}
	len = read_line(in, &line);
	if (len == -1)
		return NULL;
	if (len == -2)
		return "line longer than 64 MiB";
	if (strspn(line, " \t\r") == (size_t)len)
		return "empty line";
	return parse(ps, line, len, d, where, col);
}

static void report(const struct input *in, const char *where, long col,
		   const char *why)
{
	char at[32] = "";

	if (col)
		snprintf(at, sizeof at, " col %ld:", col);
	warnmsg("%s:line %lu:%s %s%s%s", in->name, in->line, at, where,
		where[0] ? ": " : "", why);
}

static int convert(struct input *in, struct parser *ps, const struct options *o,
		   struct counts *n)
{
	struct drawing d;
	char where[64];
	const char *why;
	unsigned long before;
	long col;
	int rc = 0;

	drawing_init(&d);
	while (o->limit == 0 || n->written < o->limit) {
		before = in->line;
		why = next(in, ps, &d, where, &col);
		if (in->line == before)
			break;
		if (why && !o->skip_bad) {
			report(in, where, col, why);
			rc = -1;
			break;
		}
		if (why)
			n->bad++;
		else if (wanted(&d, o)) {
			stroke_write(stdout, &d);
			n->written++;
		}
	}
	drawing_free(&d);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = {NULL, NULL, 0, 0, 0, 0};
	struct counts n = {0, 0};
	struct input in;
	struct parser ps;
	struct stroke_header h = stroke_header_plain();
	int c, i, status = 0;

	util_init(argv[0]);
	while ((c = getopt(argc, argv, "Jc:kn:rw:")) != -1) {
		switch (c) {
		case 'J':
			o.json_c = 1;
			break;
		case 'c':
			o.country = optarg;
			break;
		case 'k':
			o.skip_bad = 1;
			break;
		case 'n':
			o.limit = parse_long(c, optarg, 1, 1L << 40);
			break;
		case 'r':
			o.recognized = 1;
			break;
		case 'w':
			o.word = optarg;
			break;
		default:
			usage();
		}
	}
	memset(&in, 0, sizeof in);
	memset(&ps, 0, sizeof ps);
	if (o.json_c) {
		ps.tok = json_tokener_new_ex(MAX_DEPTH);
		if (!ps.tok)
			die("out of memory");
		json_tokener_set_flags(ps.tok, JSON_TOKENER_STRICT);
	}
	stroke_write_header(stdout, &h);
	for (i = optind; !status && (i < argc || i == optind); i++) {
		in.name =
		    i < argc && strcmp(argv[i], "-") ? argv[i] : "<stdin>";
		in.f = i < argc ? xfopen(argv[i], "r") : stdin;
		in.line = in.pos = in.len = 0;
		in.eof = 0;
		input_open(&in);
		status = convert(&in, &ps, &o, &n) < 0;
		map_close(&in);
		xfclose(in.f);
		if (o.limit && n.written >= o.limit)
			break;
	}
	free(in.buf);
	free(ps.scan.v[0]);
	free(ps.scan.v[1]);
	free(ps.scan.v[2]);
	if (ps.tok)
		json_tokener_free(ps.tok);
	if (n.bad)
		warnmsg("skipped %ld malformed line%s", n.bad,
			n.bad == 1 ? "" : "s");
	return out_finish(status);
}
