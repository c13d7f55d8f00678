/*
 * scan.c: the hand-written scanner's grammar of a line.  It accepts
 * exactly RFC 8259 JSON (one object per line), keeps the fields a drawing
 * needs and skips the rest; it builds no tree, so a line costs one pass
 * over its bytes.  Here: the object and its keys, strings (16 bytes at a
 * time where SSE2 is), the text fields and the flag a drawing keeps, the
 * list of strokes, and values skipped whole.  The numbers, nearly all of
 * a line, are numbers.c's.  bench/ndjson compares the scanner with json-c
 * (-J) and with Python's json module; ndjson_number_test checks it
 * against strtod and json-c; tests/fuzz/ndjson_fuzz.c fuzzes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"
#include "util.h"

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

	if (depth > SCAN_MAX_DEPTH)
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

int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int country_bad(const char *c)
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

const char *too_long(size_t cap)
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
		if (len == 2 && p[0] == '-' && p[1] == '0')
			p++, len--; /* 0, as json-c has it */
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

/* scan_object: scan_line but for the result.  Where len reaches past the
 * line's newline, the object must end at that newline: every loop of the
 * scanner stops at a newline, which no JSON line holds, and so does the
 * check for text after the object. */
static const char *scan_object(struct scan *s, const char *line, long len,
			       struct drawing *d)
{
	char key[32];
	unsigned seen = 0;
	size_t klen;

	s->p = line;
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

const char *scan_line(struct scan *s, const char *line, long len,
		      struct drawing *d, struct scan_result *r)
{
	drawing_clear(d);
	r->why = scan_object(s, line, len, d);
	r->stop = s->p;
	if (r->why)
		strcpy(r->where, s->where);
	else
		r->where[0] = '\0';
	return r->why;
}

struct scan *scan_new(void)
{
	return xcalloc(1, sizeof(struct scan));
}

void scan_free(struct scan *s)
{
	if (!s)
		return;
	free(s->v[0]);
	free(s->v[1]);
	free(s->v[2]);
	free(s);
}
