/*
 * ndjson_fuzz: a libFuzzer harness for ndjson2stroke's parsers
 * (filters/ndjson2stroke/scan.h).  The input up to its first newline is
 * one line; the rest stands for the lines after it.  The line is scanned
 * as ndjson2stroke does it:
 *
 *   - copied into a buffer as read_line leaves it: a NUL after it, then
 *     the next lines, then SCAN_SLACK zero bytes, and nothing more (the
 *     buffer is allocated to that size, so that AddressSanitizer sees a
 *     read past the slack);
 *   - the same with zero bytes after the NUL: the result must not change;
 *   - in place, as in a mapped file: the line, its newline and the rest,
 *     with len reaching to the end.  It must take the line exactly when
 *     the buffer's scan does, end at the newline and give the same
 *     drawing;
 *   - with each copy of the list loops this build and processor have
 *     (filters/ndjson2stroke/lists.h: the plain ones, the SSE2 and the
 *     AVX2 kernels), against the widest: the same result;
 *   - by json-c, which must take every line the scanner takes (it takes
 *     more: numbers such as 01 or 1.e3) and give the same drawing, but
 *     for a key_id or word that is an integer past 64 bits: json-c holds
 *     none and refuses it ("integer out of range"), the scanner keeps
 *     its digits (tests/test-ndjson.sh has both).
 *
 * Every drawing taken must pass drawing_check, as stroke_write needs.
 * Any difference aborts, so libFuzzer keeps the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../filters/ndjson2stroke/scan.h"
#include "stroke.h"

struct run {
	struct scan_result r;
	struct drawing d;
	long stop; /* r.stop less the line's start, or -1 */
};

static struct scan *scanner;
static struct jsonc *tok;
static struct run runs[5];

static void fail(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "ndjson_fuzz: %s on %zu bytes: %.*s\n", what, size,
		size < 200 ? (int)size : 200, (const char *)data);
	abort();
}

/* same: a and b say the same of the line, and hold the same drawing. */
static int same(const struct run *a, const struct run *b)
{
	const struct drawing *x = &a->d, *y = &b->d;

	if (!a->r.why != !b->r.why)
		return 0;
	if (a->r.why)
		return !strcmp(a->r.why, b->r.why) &&
		       !strcmp(a->r.where, b->r.where) && a->stop == b->stop;
	if (strcmp(x->key_id, y->key_id) || strcmp(x->word, y->word) ||
	    memcmp(x->country, y->country, sizeof x->country) ||
	    x->recognized != y->recognized || x->n != y->n)
		return 0;
	for (size_t i = 0; i < x->n; i++)
		if (memcmp(&x->p[i].dx, &y->p[i].dx, sizeof x->p[i].dx) ||
		    memcmp(&x->p[i].dy, &y->p[i].dy, sizeof x->p[i].dy) ||
		    x->p[i].pen != y->p[i].pen)
			return 0;
	return 1;
}

/* buffered: the line (n bytes) as read_line leaves it, then after (m
 * bytes), then the slack; scanned (or parsed by json-c) into run. */
static void buffered(const uint8_t *line, size_t n, const uint8_t *after,
		     size_t m, int json_c, struct run *run)
{
	char *buf = malloc(n + 1 + m + SCAN_SLACK);

	if (!buf)
		abort();
	memcpy(buf, line, n);
	buf[n] = '\0';
	if (m)
		memcpy(buf + n + 1, after, m);
	memset(buf + n + 1 + m, 0, SCAN_SLACK);
	if (json_c)
		jsonc_line(tok, buf, (long)n, &run->d, &run->r);
	else
		scan_line(scanner, buf, (long)n, &run->d, &run->r);
	run->stop = run->r.stop ? run->r.stop - buf : -1;
	free(buf);
}

/* in_place: the whole input, as a mapped file holds it. */
static void in_place(const uint8_t *data, size_t size, struct run *run)
{
	char *buf = malloc(size + SCAN_SLACK);

	if (!buf)
		abort();
	if (size)
		memcpy(buf, data, size);
	memset(buf + size, 0, SCAN_SLACK);
	scan_line(scanner, buf, (long)size, &run->d, &run->r);
	run->stop = run->r.stop - buf;
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl ? (size_t)(nl - data) : size;
	size_t m = nl ? size - n - 1 : 0;
	const uint8_t *after = nl ? nl + 1 : NULL;
	static const char *const differ[] = {
	    "the plain and the widest list loops differ",
	    "the SSE2 and the AVX2 list loops differ"};
	int wide;

	if (!scanner) {
		scanner = scan_new();
		tok = jsonc_new();
		for (int i = 0; i < 5; i++)
			drawing_init(&runs[i].d);
	}
	wide = scan_wide(SCAN_WIDEST);
	buffered(data, n, after, m, 0, &runs[0]);
	buffered(data, n, NULL, 0, 0, &runs[1]);
	if (!same(&runs[0], &runs[1]))
		fail("the bytes after the line changed the result", data, size);
	if (!runs[0].r.why && drawing_check(&runs[0].d))
		fail(drawing_check(&runs[0].d), data, size);
	in_place(data, size, &runs[2]);
	if (!runs[0].r.why != (!runs[2].r.why && runs[2].stop == (long)n) ||
	    (!runs[0].r.why && !same(&runs[0], &runs[2])))
		fail("scanned in place, another result", data, size);
	for (int level = 0; level < wide; level++) {
		scan_wide(level);
		buffered(data, n, after, m, 0, &runs[3]);
		if (!same(&runs[0], &runs[3]))
			fail(differ[level], data, size);
	}
	scan_wide(wide);
	buffered(data, n, after, m, 1, &runs[4]);
	if (!runs[0].r.why && !same(&runs[0], &runs[4]) &&
	    !(runs[4].r.why && !strcmp(runs[4].r.why, "integer out of range")))
		fail("json-c reads it otherwise", data, size);
	return 0;
}
