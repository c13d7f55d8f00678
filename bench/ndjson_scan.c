/*
 * ndjson_scan FILE [LEVEL...]: ndjson2stroke's scanner alone: scan_line
 * over every line of FILE, held in memory, with each copy of the list
 * loops asked for (scan_wide's LEVEL: 0 plain, 1 the baseline's vector
 * kernels, 2 the AVX2 ones; all three by default).  The copies take turns,
 * round after round, 30 rounds, so that a slow spell of the machine falls
 * on all alike; the best time of each is printed, with MB/s of the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../filters/ndjson2stroke/scan.h"
#include "util.h"

static const char *const names[] = {"plain", "baseline (SSE2)", "AVX2"};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* slurp: the file, with SCAN_SLACK zero bytes after it. */
static char *slurp(const char *name, long *len)
{
	FILE *f = fopen(name, "rb");
	char *buf;

	if (!f || fseek(f, 0, SEEK_END) < 0 || (*len = ftell(f)) < 0)
		die("%s: cannot read", name);
	rewind(f);
	buf = xmalloc((size_t)*len + SCAN_SLACK + 1);
	if (fread(buf, 1, (size_t)*len, f) != (size_t)*len)
		die("%s: cannot read", name);
	fclose(f);
	memset(buf + *len, 0, SCAN_SLACK + 1);
	return buf;
}

/* scan_all: every line of buf; returns the drawings taken. */
static long scan_all(struct scan *s, const char *buf, long len,
		     struct drawing *d)
{
	struct scan_result r;
	const char *p = buf, *end = buf + len, *nl;
	long taken = 0;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		taken += scan_line(s, p, nl - p, d, &r) == NULL;
	}
	return taken;
}

int main(int argc, char **argv)
{
	int levels[3] = {0, 1, 2}, n = 3;
	double best[3] = {1e9, 1e9, 1e9};
	struct scan *s = scan_new();
	struct drawing d;
	long len, taken[3];
	char *buf;

	if (argc < 2)
		die("usage: ndjson_scan FILE [LEVEL...]");
	buf = slurp(argv[1], &len);
	if (argc > 2)
		for (n = 0; n < argc - 2 && n < 3; n++)
			levels[n] = atoi(argv[n + 2]) % 3;
	drawing_init(&d);
	for (int round = 0; round < 30; round++)
		for (int i = 0; i < n; i++) {
			double t;

			scan_wide(levels[i]);
			t = now();
			taken[i] = scan_all(s, buf, len, &d);
			t = now() - t;
			if (t < best[i])
				best[i] = t;
		}
	for (int i = 0; i < n; i++)
		printf("%-16s %2d %8.2f ms %8.1f MB/s (%ld drawings)\n",
		       names[levels[i]], scan_wide(levels[i]), 1e3 * best[i],
		       (double)len / best[i] / 1e6, taken[i]);
	drawing_free(&d);
	scan_free(s);
	free(buf);
	return 0;
}
