/*
 * lists.h: the loops that read the lists of a stroke and turn its points
 * into offsets, in copies that give the same results:
 *
 *   lists_plain  numbers.c: item by item through scan_number, in plain C;
 *                the reference the others are tested against, and the
 *                loops of a build for another processor than x86-64;
 *   lists_base   lists.c, built for the baseline (x86-64: SSE2): kernels
 *                of 16 bytes;
 *   lists_v3     lists.c again, built with -march=x86-64-v3 (AVX2,
 *                BMI2) and -DLISTS_NAME=lists_v3: kernels of 32 bytes;
 *                only for a CPU that has them.
 *
 * The Makefile builds both copies of lists.c on x86-64 only.  numbers.c
 * chooses one when the program starts (scan_wide).
 */
#ifndef NDJSON2STROKE_LISTS_H
#define NDJSON2STROKE_LISTS_H

#include <stddef.h>

#include "internal.h"

struct lists {
	/* values: list k (x: 0, y: 1) of a stroke into s->v[k]; times: the
	 * times (s->v[2]), checked, not kept.  The count, or -1. */
	long (*values)(struct scan *s, int k);
	long (*times)(struct scan *s);
	/* offsets: the points x[i], y[i] (n of them) as offsets from the
	 * one before, the first from (*px, *py), into o, the pen lifted
	 * after the last; *px, *py become the last point.  -1 (o then
	 * holds junk) if a coordinate is not a number within
	 * SCAN_MAX_COORD. */
	int (*offsets)(const double *x, const double *y, long n, double *px,
		       double *py, struct stroke_point *o);
};

extern const struct lists lists_plain, lists_base, lists_v3;

/* scan_grow: room for 64 more values in s->v[k] past n (numbers.c). */
int scan_grow(struct scan *s, int k, size_t n);

#endif
