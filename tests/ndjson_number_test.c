/*
 * ndjson_number_test: ndjson2stroke's number scanner gives exactly the
 * double strtod gives, bit for bit, on a million generated numbers of the
 * shapes Quick, Draw! files hold (float32 values printed with 17 digits,
 * integers, short decimals) and on edge cases (19-20 digits, 22-27
 * decimals, exponents, ties between two doubles, powers of two), and
 * that the short-integer path of lists agrees with it.
 *
 * The scanner is static in the filter, so this test includes the filter's
 * source with its main renamed.
 */
#define main ndjson2stroke_main
#include "../filters/ndjson2stroke.c"
#undef main

#include <inttypes.h>

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
	struct scan s;
	double got, want;
	size_t n = strlen(text);

	memset(buf, 0, sizeof buf);
	memcpy(buf, text, n);
	memset(&s, 0, sizeof s);
	s.p = s.start = buf;
	s.end = buf + n;
	want = strtod(buf, NULL);
	if (scan_number(&s, &got) < 0 || s.p != buf + n)
		return printf("# %s: not scanned\n", text), 1;
	if (memcmp(&got, &want, sizeof got) != 0)
		return printf("# %s: got %.17g, strtod %.17g\n", text, got,
			      want),
		       1;
	buf[n] = n % 2 ? ',' : ']'; /* as a list item */
	if (short_int(buf, &got) &&
	    (memcmp(&got, &want, sizeof got) != 0 ||
	     strspn(text, "0123456789") != n || (text[0] == '0' && n > 1)))
		return printf("# %s: short_int gives %.17g\n", text, got), 1;
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
	/* what short_int must leave to scan_number (which rejects or reads
	 * them): a leading zero, 8 digits, a sign, no delimiter after */
	static const char *const not_short[] = {"007,", "00]", "12345678,",
						"-5,",	"5 ,", "5}"};
	double v;

	for (i = 0; i < (long)(sizeof not_short / sizeof *not_short); i++) {
		char buf[16] = {0};

		memcpy(buf, not_short[i], strlen(not_short[i]));
		if (short_int(buf, &v) != 0)
			bad +=
			    printf("# short_int took '%s'\n", not_short[i]) > 0;
	}
	printf("%s - %ld numbers scan to strtod's double (%d differ)\n",
	       bad ? "not ok" : "ok", n, bad);
	return bad != 0;
}
