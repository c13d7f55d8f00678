/*
 * ndjson_number_test: ndjson2stroke's number scanner gives exactly the
 * double strtod gives, bit for bit, on a million generated numbers of the
 * shapes Quick, Draw! files hold (float32 values printed with 17 digits,
 * integers, short decimals) and on edge cases (19-20 digits, 22-27
 * decimals, exponents, ties between two doubles, powers of two); and that
 * the scanner's list path (64 bytes at a time) and json-c agree on random
 * lines, valid and not, to the bit; with each copy of the list loops
 * this build and processor have (the plain ones, and the SSE2 and AVX2
 * kernels of filters/ndjson2stroke/lists.c), each of the vector ones
 * also against the plain ones, line by line: the same drawing, or the
 * same message at the same place.  It takes the parsers through their
 * interface (filters/ndjson2stroke/scan.h).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../filters/ndjson2stroke/scan.h"
#include "stroke.h"

static uint64_t state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

/* check: scan text (NUL-padded like read_line's buffer) and compare. */
static int check(const char *text)
{
	char buf[96];
	double got, want;
	size_t n = strlen(text);

	memset(buf, 0, sizeof buf);
	memcpy(buf, text, n);
	want = strtod(buf, NULL);
	if (scan_number_at(buf, buf + n, &got) != (long)n)
		return printf("# %s: not scanned\n", text), 1;
	if (memcmp(&got, &want, sizeof got) != 0)
		return printf("# %s: got %.17g, strtod %.17g\n", text, got,
			      want),
		       1;
	return 0;
}

static void gen(char *out, int kind)
{
	float f;
	uint64_t r = rnd();
	int digits, point, i;

	switch (kind) {
	case 0: /* float32 printed with 17 significant digits */
		f = (float)((double)(r >> 11) / 9007199254740992.0 * 4000.0 -
			    1000.0);
		snprintf(out, 64, "%.17g", (double)f);
		break;
	case 1: /* integer */
		snprintf(out, 64, "%" PRId64, (int64_t)(r % 200000) - 100000);
		break;
	case 2: /* random digits with a random decimal point */
		digits = 1 + (int)(r % 20);
		point = (int)((r >> 8) % (uint64_t)(digits + 8));
		i = 0;
		if (r >> 63)
			out[i++] = '-';
		out[i++] = (char)('1' + rnd() % 9);
		for (int k = 1; k < digits; k++) {
			if (k == point)
				out[i++] = '.';
			out[i++] = (char)('0' + rnd() % 10);
		}
		out[i] = '\0';
		break;
	case 3: /* a tie for the 128-bit product: an odd multiple of 2 between
		 * 2^54 and 2^55 (halfway between two doubles 4 apart), with
		 * one to three decimal zeros */
		snprintf(
		    out, 64, "%" PRIu64 ".%.*s",
		    (uint64_t)((1ull << 54) + 2 * (2 * (r % (1ull << 40)) + 1)),
		    1 + (int)(r >> 62) % 3, "000");
		break;
	default: /* a double printed exactly, then its midpoint with the next */
	{
		double d = (double)(r >> 11) / (double)(1 << (r % 20));
		uint64_t b;

		memcpy(&b, &d, 8);
		b++;
		double up;
		memcpy(&up, &b, 8);
		snprintf(out, 64, "%.25Lf", ((long double)d + up) / 2);
	} break;
	}
}

/* item: one random list item: mostly the shapes Quick, Draw! files hold
 * (integers, float32 values printed with 17 digits), often other valid
 * numbers (signs, exponents, long integers and fractions, zeros), spaces
 * around them, and now and then something JSON does not allow. */
static void item(char *out, int valid)
{
	/* not JSON (json-c in strict mode still takes 00.5, 5., -.5 and
	 * 1.e3 and -01, so they are left out here; test-ndjson checks that the
	 * scanner refuses them) */
	static const char *const invalid[] = {
	    "01",   "0.5e",  ".5",   "-",   "+5",  "1.2.3", "",	    "1e",
	    "0x10", "\"5\"", "[5]",  "nan", "1 2", "--1",   "0.-1", "1,",
	    "5]",   "{}",    "true", "1e+", "\t",  "1e5.5", "0.5.", "05"};
	static const char *const space[] = {"", "", "", "", " ", "\t", "\r"};
	uint64_t r = rnd();
	char num[80];
	int i, n;

	switch (r % 10) {
	case 0:
	case 1:
	case 2:
	case 3:
		snprintf(num, sizeof num, "%d", (int)(rnd() % 1000));
		break;
	case 4:
	case 5:
		snprintf(num, sizeof num, "%.17g",
			 (double)(float)((double)(rnd() % 2000000) / 1999.0));
		break;
	case 6: /* digits, maybe a point, up to 24 of them */
		n = 1 + (int)(rnd() % 24);
		i = 0;
		num[i++] = (char)('1' + rnd() % 9);
		for (int k = 1; k < n; k++) {
			if (rnd() % 6 == 0 && !strchr(num, '.')) {
				num[i] = '\0';
				num[i++] = '.';
			}
			num[i++] = (char)('0' + rnd() % 10);
		}
		num[i] = '\0';
		if (atof(num) > 999999)
			snprintf(num, sizeof num, "0.%d", (int)(rnd() % 1000));
		break;
	case 7:
		snprintf(num, sizeof num, "%s%d%s%s", rnd() % 2 ? "-" : "",
			 (int)(rnd() % 100), rnd() % 2 ? ".25" : "",
			 rnd() % 2 ? "e2" : "E-1");
		break;
	case 8: /* zeros; now and then an integer too long for a
		 * coordinate */
		snprintf(num, sizeof num, "%s",
			 rnd() % 25  ? (rnd() % 2 ? "0" : "-0.0")
			 : rnd() % 2 ? "123456789"
				     : "99999999999");
		break;
	default:
		snprintf(num, sizeof num, "%s%d", rnd() % 2 ? "-" : "",
			 (int)(rnd() % 100000));
	}
	if (!valid)
		snprintf(num, sizeof num, "%s",
			 invalid[rnd() % (sizeof invalid / sizeof *invalid)]);
	snprintf(out, 100, "%s%s%s", space[rnd() % 7], num, space[rnd() % 7]);
}

/* stroke_list: n items, one in 'bad' of them invalid (0: none). */
static char *stroke_list(char *p, int n, int bad, int times)
{
	char it[100];

	*p++ = '[';
	for (int i = 0; i < n; i++) {
		if (times && rnd() % 4)
			snprintf(it, sizeof it, "%d", (int)(rnd() % 10000000));
		else
			item(it, !(bad && rnd() % (uint64_t)bad == 0));
		p += sprintf(p, "%s%s", i ? "," : "", it);
	}
	*p++ = ']';
	return p;
}

/* same_points: a and b hold the same points, bit for bit. */
static int same_points(const struct drawing *a, const struct drawing *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (memcmp(&a->p[i].dx, &b->p[i].dx, 4) ||
		    memcmp(&a->p[i].dy, &b->p[i].dy, 4) ||
		    a->p[i].pen != b->p[i].pen)
			return 0;
	return 1;
}

/* in_place: scan line (len bytes) as map_scan does in a mapped file: the
 * line then its newline and more lines, with no bound at the newline.
 * Returns 0 when that takes the line (ending at its newline), else -1. */
static int in_place(struct scan *s, const char *line, long len,
		    struct drawing *d)
{
	static char buf[40000 + 200];
	struct scan_result r;
	long n = len;

	memcpy(buf, line, (size_t)len);
	buf[n++] = '\n';
	for (int j = 0; j < 80; j++)
		buf[n++] = "0123456789,]. \n{}[\"\t"[rnd() % 19];
	memset(buf + n, 0, SCAN_SLACK);
	if (scan_line(s, buf, n, d, &r) || r.stop != buf + len)
		return -1;
	return 0;
}

/* same_as_plain: the line (len bytes), scanned by the plain list loops,
 * gives what the loops of this level gave (why, r, d). */
static int same_as_plain(struct scan *s, int level, const char *line, long len,
			 const char *why, const struct scan_result *r,
			 const struct drawing *d, struct drawing *e)
{
	struct scan_result re;
	const char *we;

	scan_wide(0);
	we = scan_line(s, line, len, e, &re);
	scan_wide(level);
	if (!we != !why)
		return 0;
	if (we)
		return !strcmp(we, why) && !strcmp(re.where, r->where) &&
		       re.stop == r->stop;
	return same_points(e, d);
}

/* lists: random drawings of one to three raw or simplified strokes, each
 * list 0 to 80 items; the bytes after the line's end are junk of the
 * kind a scanner could misread (digits, separators).  The scanner and
 * json-c must both reject a line or both give the same points; and so
 * must the scanner when it takes the line in place, with the next line
 * after its newline (in_place); and the plain loops must give what the
 * loops of this level (scan_wide) give. */
static int lists(int level, const char *loops)
{
	static char line[40000];
	struct scan *s = scan_new();
	struct drawing a, b, c, e;
	struct jsonc *tok = jsonc_new();
	struct scan_result ra, rb;
	const char *wa, *wb;
	long len, accepted = 0, rejected = 0;
	int bad = 0;

	drawing_init(&a);
	drawing_init(&b);
	drawing_init(&c);
	drawing_init(&e);
	for (int t = 0; t < 20000 && bad < 10; t++) {
		int strokes = 1 + (int)(rnd() % 3),
		    arity = 2 + (int)(rnd() % 2);
		int badness = rnd() % 2 ? 0 : 1 + (int)(rnd() % 200);
		char *p = line;

		p += sprintf(
		    p, "{\"key_id\":\"%d\",\"word\":\"w\",\"drawing\":[", t);
		for (int k = 0; k < strokes; k++) {
			int n = (int)(rnd() % 81);

			if (k)
				*p++ = ',';
			*p++ = '[';
			for (int j = 0; j < arity; j++) {
				if (j)
					*p++ = ',';
				p = stroke_list(p, n, badness, j == 2);
			}
			*p++ = ']';
		}
		p += sprintf(p, "]}");
		len = p - line;
		*p++ = '\0';
		for (int j = 0; j < 80; j++)
			*p++ = "0123456789,]. "[rnd() % 14];
		wa = scan_line(s, line, len, &a, &ra);
		wb = jsonc_line(tok, line, len, &b, &rb);
		if (!wa != !wb || (!wa && !same_points(&a, &b))) {
			printf("# scanner: %s, json-c: %s, on %.*s\n",
			       wa ? wa : "ok", wb ? wb : "ok", (int)len, line);
			bad++;
		}
		if (level &&
		    !same_as_plain(s, level, line, len, wa, &ra, &a, &e)) {
			printf("# %s loops: %s, plain loops: the other, on "
			       "%.*s\n",
			       loops, wa ? wa : "ok", (int)len, line);
			bad++;
		}
		if (!wa != !in_place(s, line, len, &c) ||
		    (!wa && !same_points(&a, &c))) {
			printf("# scanner: %s, in place: the other, on %.*s\n",
			       wa ? wa : "ok", (int)len, line);
			bad++;
		}
		if (wa)
			rejected++;
		else
			accepted++;
	}
	printf("%s - scanner (%s loops)%s and json-c agree on %ld random "
	       "lines (%ld accepted, %ld rejected)\n",
	       bad ? "not ok" : "ok", loops, level ? ", the plain loops" : "",
	       accepted + rejected, accepted, rejected);
	jsonc_free(tok);
	drawing_free(&a);
	drawing_free(&b);
	drawing_free(&c);
	drawing_free(&e);
	scan_free(s);
	return bad != 0;
}

/* in_lists: the numbers of gen(), 64 to a list, scanned as a list of x
 * (with the list loops scan_wide took) must give strtod's doubles too. */
static int in_lists(const char *loops)
{
	static char buf[64 * 64 + 200];
	double want[64];
	struct scan *s = scan_new();
	long lists = 0;
	int bad = 0;

	for (int kind = 0; kind < 5; kind++)
		for (int t = 0; t < 4000 && bad < 20; t++, lists++) {
			/* a line's start before the list, as in a real line */
			char *p = buf + sprintf(buf, "{\"drawing\":[[");
			char *list = p;
			const double *v;
			const char *stop;
			long got;

			*p++ = '[';
			for (int i = 0; i < 64; i++) {
				gen(p, kind);
				want[i] = strtod(p, NULL);
				p += strlen(p);
				*p++ = i < 63 ? ',' : ']';
			}
			memset(p, 0, SCAN_SLACK + 1);
			got = scan_list_at(s, list, p, &v, &stop);
			if (got != 64 || stop != p) {
				printf("# list %ld: %ld items\n", lists, got);
				bad++;
				continue;
			}
			for (int i = 0; i < 64; i++)
				if (memcmp(&v[i], &want[i], 8) != 0) {
					printf("# list %ld item %d: got %.17g, "
					       "strtod %.17g\n",
					       lists, i, v[i], want[i]);
					bad++;
				}
		}
	printf("%s - %ld lists of 64 numbers scan to strtod's doubles (%s "
	       "loops, %d differ)\n",
	       bad ? "not ok" : "ok", lists, loops, bad);
	scan_free(s);
	return bad != 0;
}

int main(void)
{
	static const char *edge[] = {"0",
				     "-0",
				     "0.0",
				     "1e5",
				     "1E-5",
				     "2.5e+3",
				     "9007199254740993",
				     "9007199254740992.5",
				     "123456789012345678901",
				     "0.1",
				     "0.3",
				     "4503599627370496.5",
				     "1.7976931348623157e308",
				     "5e-324",
				     "0.000000000000000000000000001",
				     "33.507999420166016",
				     "12345678901234567.89"};
	static const char *const names[] = {"plain", "SSE2", "AVX2"};
	char text[64];
	int bad = 0, kind;
	long i, n = 0;

	for (i = 0; i < (long)(sizeof edge / sizeof *edge); i++, n++)
		bad += check(edge[i]);
	for (kind = 0; kind < 5; kind++)
		for (i = 0; i < 250000; i++, n++) {
			gen(text, kind);
			bad += check(text);
			if (bad > 20)
				break;
		}
	printf("%s - %ld numbers scan to strtod's double (%d differ)\n",
	       bad ? "not ok" : "ok", n, bad);
	for (int level = 0; level <= SCAN_WIDEST; level++)
		if (scan_wide(level) == level)
			bad +=
			    in_lists(names[level]) | lists(level, names[level]);
	return bad != 0;
}
