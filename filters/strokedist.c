/*
 * strokedist: how far apart the drawings of two stroke(5) streams are.
 * Drawing i of the first stream is compared with drawing i of the second
 * (with -a, with every drawing of the second), by a chamfer distance in
 * the streams' own units (offsets times each stream's scale factor):
 *
 *   each drawing's pen-down strokes are resampled to K points evenly
 *   spaced along their length and moved so that the points' mean is at
 *   the origin; the distance of A and B is the mean, over A's points, of
 *   the distance to the nearest point of B, and the same from B to A,
 *   averaged.
 *
 * Writes CSV (libcsv): one row per drawing of the first stream, or with -m
 * one row of means.  Used by pipelines/fidelity.sh to score how well a
 * model reconstructs drawings.
 */
#include <csv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stroke.h"
#include "util.h"

struct options {
	int all;       /* -a: against every drawing of the second stream */
	int mean;      /* -m: one row of means */
	long samples;  /* -k: points per drawing */
	int translate; /* 0 with -T: no centring */
};

/* A drawing as K resampled points, with its key_id. */
struct shape {
	char key_id[STROKE_MAX_TEXT + 1];
	double *x, *y;
};

struct stream {
	struct shape *s;
	size_t n, cap;
	float scale;
};

static void usage(void)
{
	fprintf(stderr, "usage: strokedist [-amT] [-k points] first second\n");
	exit(1);
}

/* pen_length: the length of d's pen-down segments (x, y its positions). */
static double pen_length(const struct drawing *d, const double *x,
			 const double *y)
{
	double len = 0;

	for (size_t i = 1; i < d->n; i++)
		if (!d->p[i - 1].pen)
			len += hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
	return len;
}

/* resample: k points evenly spaced along d's pen-down segments, at arc
 * lengths (j + 1/2) len / k; a drawing with no length (only dots) gives
 * its points in turn. */
static void resample(const struct drawing *d, const double *x, const double *y,
		     long k, double *ox, double *oy)
{
	double len = pen_length(d, x, y), at = 0;
	size_t i = 1;
	long j = 0;

	if (len == 0) {
		for (j = 0; j < k; j++) {
			ox[j] = x[(size_t)j % d->n];
			oy[j] = y[(size_t)j % d->n];
		}
		return;
	}
	for (; i < d->n && j < k; i++) {
		double seg, want;

		if (d->p[i - 1].pen)
			continue;
		seg = hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
		while (j < k && (want = (j + 0.5) * len / k) <= at + seg) {
			double t = seg > 0 ? (want - at) / seg : 0;

			ox[j] = x[i - 1] + t * (x[i] - x[i - 1]);
			oy[j] = y[i - 1] + t * (y[i] - y[i - 1]);
			j++;
		}
		at += seg;
	}
	for (; j < k; j++) { /* rounding left the last few past the end */
		ox[j] = ox[j > 0 ? j - 1 : 0];
		oy[j] = oy[j > 0 ? j - 1 : 0];
	}
}

static void centre(double *x, double *y, long k)
{
	double mx = 0, my = 0;

	for (long j = 0; j < k; j++) {
		mx += x[j];
		my += y[j];
	}
	for (long j = 0; j < k; j++) {
		x[j] -= mx / k;
		y[j] -= my / k;
	}
}

/* load: every drawing of one stream as shapes; -1 on bad input. */
static int load(const char *path, const struct options *o, struct stream *st)
{
	FILE *f = xfopen(path, "rb");
	struct stroke_reader r;
	struct drawing d;
	int rc;

	if (stroke_open(&r, f, path) < 0)
		return -1;
	st->scale = r.h.scale;
	drawing_init(&d);
	while ((rc = stroke_read(&r, &d)) > 0) {
		struct shape *s;
		double *x, *y;

		if (d.n == 0) {
			rc = data_error(path, "record", r.record,
					"a drawing with no points");
			break;
		}
		if (st->n == st->cap) {
			st->cap = st->cap ? 2 * st->cap : 64;
			st->s = xreallocarray(st->s, st->cap, sizeof *st->s);
		}
		s = &st->s[st->n++];
		strcpy(s->key_id, d.key_id);
		s->x = xreallocarray(NULL, (size_t)o->samples, sizeof(double));
		s->y = xreallocarray(NULL, (size_t)o->samples, sizeof(double));
		x = xreallocarray(NULL, d.n, sizeof(double));
		y = xreallocarray(NULL, d.n, sizeof(double));
		stroke_positions(&d, r.h.scale, x, y);
		resample(&d, x, y, o->samples, s->x, s->y);
		if (o->translate)
			centre(s->x, s->y, o->samples);
		free(x);
		free(y);
	}
	drawing_free(&d);
	xfclose(f);
	return rc;
}

/* nearest_mean: the mean over a's k points of the distance to the
 * nearest of b's. */
static double nearest_mean(const struct shape *a, const struct shape *b, long k)
{
	double sum = 0;

	for (long i = 0; i < k; i++) {
		double best = INFINITY;

		for (long j = 0; j < k; j++) {
			double dx = a->x[i] - b->x[j], dy = a->y[i] - b->y[j];
			double d2 = dx * dx + dy * dy;

			if (d2 < best)
				best = d2;
		}
		sum += sqrt(best);
	}
	return sum / k;
}

static double chamfer(const struct shape *a, const struct shape *b, long k)
{
	return 0.5 * (nearest_mean(a, b, k) + nearest_mean(b, a, k));
}

static void put_text(const char *s, int last)
{
	if (csv_fwrite(stdout, s, strlen(s)) != 0)
		die("write error:");
	fputc(last ? '\n' : ',', stdout);
}

static void put_number(double v, int last)
{
	printf("%.6g%c", v, last ? '\n' : ',');
}

/* The columns of a row: drawing i's distance to its own partner and, with
 * -a, the mean distance to the others and the fraction of others farther
 * than its own partner (ties count half). */
struct row {
	double own, others, farther;
};

static struct row compare(const struct stream *a, const struct stream *b,
			  size_t i, const struct options *o)
{
	struct row w = {chamfer(&a->s[i], &b->s[i], o->samples), 0, 0};

	if (!o->all || b->n < 2)
		return w;
	for (size_t j = 0; j < b->n; j++) {
		double d;

		if (j == i)
			continue;
		d = chamfer(&a->s[i], &b->s[j], o->samples);
		w.others += d;
		w.farther += d > w.own ? 1 : d == w.own ? 0.5 : 0;
	}
	w.others /= (double)(b->n - 1);
	w.farther /= (double)(b->n - 1);
	return w;
}

static void header(const struct options *o)
{
	if (!o->mean) {
		put_text("index", 0);
		put_text("key_id", 0);
	} else {
		put_text("drawings", 0);
	}
	put_text("distance", !o->all);
	if (o->all) {
		put_text("others", 0);
		put_text("farther", 1);
	}
}

static void report(const struct stream *a, const struct stream *b,
		   const struct options *o)
{
	struct row sum = {0, 0, 0};

	header(o);
	for (size_t i = 0; i < a->n; i++) {
		struct row w = compare(a, b, i, o);

		sum.own += w.own;
		sum.others += w.others;
		sum.farther += w.farther;
		if (o->mean)
			continue;
		put_number((double)i, 0);
		put_text(a->s[i].key_id, 0);
		put_number(w.own, !o->all);
		if (o->all) {
			put_number(w.others, 0);
			put_number(w.farther, 1);
		}
		out_check(stdout);
	}
	if (o->mean) {
		double n = a->n ? (double)a->n : 1;

		put_number((double)a->n, 0);
		put_number(sum.own / n, !o->all);
		if (o->all) {
			put_number(sum.others / n, 0);
			put_number(sum.farther / n, 1);
		}
	}
}

static void stream_free(struct stream *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->s[i].x);
		free(st->s[i].y);
	}
	free(st->s);
}

int main(int argc, char **argv)
{
	struct options o = {0, 0, 100, 1};
	struct stream a = {0}, b = {0};
	int c, rc = 0;

	util_init(argv[0]);
	while ((c = getopt(argc, argv, "ak:mT")) != -1) {
		switch (c) {
		case 'a':
			o.all = 1;
			break;
		case 'k':
			o.samples = parse_long('k', optarg, 1, 100000);
			break;
		case 'm':
			o.mean = 1;
			break;
		case 'T':
			o.translate = 0;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 ||
	    (strcmp(argv[0], "-") == 0 && strcmp(argv[1], "-") == 0))
		usage();
	if (load(argv[0], &o, &a) < 0 || load(argv[1], &o, &b) < 0)
		rc = 1;
	else if (a.n != b.n) {
		warnmsg("%s has %zu drawings, %s %zu", argv[0], a.n, argv[1],
			b.n);
		rc = 1;
	} else {
		report(&a, &b, &o);
	}
	stream_free(&a);
	stream_free(&b);
	return out_finish(rc);
}
