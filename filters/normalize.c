/*
 * normalize: scale stroke offsets to unit standard deviation, as the
 * sketch-rnn reference does, and record the factor in the stream header.
 *
 * Offsets are first brought back to pixels with the input's own factor (so
 * a normalised stream can be normalised again), drawings longer than -m
 * points are dropped, dx and dy are clamped to +-limit, and then divided by
 * one factor: the population standard deviation of all dx and dy pooled
 * together (computed here, or given with -f / taken from another stream
 * with -F, so that valid and test sets use the training factor).  Pen
 * flags and metadata pass through.  Computing the factor reads the whole
 * input into memory; with -f or -F it streams.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stroke.h"
#include "util.h"

struct options {
	double factor;	 /* -f, or from -F; 0: compute it */
	double limit;	 /* -l: clamp |dx|, |dy| in pixels (0: no clamp) */
	long max_points; /* -m: drop longer drawings (0: keep all) */
	int print_only;	 /* -p: print the factor, write no stream */
};

struct pool {
	struct drawing *d;
	size_t n, cap;
};

static void usage(void)
{
	fprintf(stderr, "usage: normalize [-p] [-F stream | -f factor] "
			"[-l limit] [-m points] [file ...]\n");
	exit(1);
}

/* to_pixels: undo the input's normalisation and clamp; 0 if d is kept. */
static int to_pixels(struct drawing *d, float scale, const struct options *o)
{
	size_t i;
	double v;

	if (o->max_points && d->n > (size_t)o->max_points)
		return -1;
	for (i = 0; i < d->n; i++) {
		v = (double)d->p[i].dx * scale;
		if (o->limit > 0)
			v = fmin(fmax(v, -o->limit), o->limit);
		d->p[i].dx = (float)v;
		v = (double)d->p[i].dy * scale;
		if (o->limit > 0)
			v = fmin(fmax(v, -o->limit), o->limit);
		d->p[i].dy = (float)v;
	}
	return 0;
}

static void apply(struct drawing *d, double factor)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		d->p[i].dx = (float)(d->p[i].dx / factor);
		d->p[i].dy = (float)(d->p[i].dy / factor);
	}
}

static struct stroke_header out_header(double factor)
{
	struct stroke_header h = {STROKE_VERSION, STROKE_FLAG_NORMALIZED,
				  (float)factor};

	if (!isfinite(factor) || factor <= 0 || factor > STROKE_MAX_SCALE)
		die("cannot normalise: the scale factor would be %g (all "
		    "offsets equal?)",
		    factor);
	return h;
}

/* read_all: read every drawing of the named files (or stdin), in
 * pixels; keep it in pool, or (pool NULL) write it to w scaled by
 * o->factor. */
static int read_all(char **files, int nfiles, const struct options *o,
		    struct pool *pl, struct stroke_writer *w)
{
	struct stroke_reader r;
	struct drawing d;
	const char *name;
	FILE *f;
	int i, rc = 0;

	drawing_init(&d);
	for (i = 0; rc == 0 && (i < nfiles || (i == 0 && nfiles == 0)); i++) {
		name =
		    i < nfiles && strcmp(files[i], "-") ? files[i] : "<stdin>";
		f = i < nfiles ? xfopen(files[i], "rb") : stdin;
		if (stroke_open(&r, f, name) < 0)
			rc = -1;
		while (rc == 0 && (rc = stroke_read(&r, &d)) > 0) {
			rc = 0;
			if (to_pixels(&d, r.h.scale, o) < 0)
				continue;
			if (!pl) {
				apply(&d, o->factor);
				stroke_put(w, &d);
				continue;
			}
			if (pl->n == pl->cap) {
				pl->cap = pl->cap ? 2 * pl->cap : 1024;
				pl->d = xreallocarray(pl->d, pl->cap,
						      sizeof *pl->d);
			}
			drawing_init(&pl->d[pl->n]);
			drawing_copy(&pl->d[pl->n++], &d);
		}
		xfclose(f);
	}
	drawing_free(&d);
	return rc;
}

static double factor_from(const char *path)
{
	struct stroke_reader r;
	FILE *f = xfopen(path, "rb");

	if (stroke_open(&r, f, path) < 0)
		exit(1);
	xfclose(f);
	if (!(r.h.flags & STROKE_FLAG_NORMALIZED))
		die("-F %s: that stream is not normalised", path);
	return r.h.scale;
}

static int run_pooled(char **files, int nfiles, const struct options *o,
		      struct stroke_writer *w)
{
	struct pool pl = {NULL, 0, 0};
	struct stroke_header h;
	double factor;
	size_t i;
	int rc;

	rc = read_all(files, nfiles, o, &pl, NULL);
	if (rc == 0) {
		if (stroke_offsets_count(pl.d, pl.n) == 0)
			die("no drawings to compute a scale factor from");
		factor = (float)stroke_offsets_std(pl.d, pl.n);
		h = out_header(factor);
		if (o->print_only) {
			printf("%.9g\n", factor);
		} else {
			stroke_start(w, stdout, &h);
			for (i = 0; i < pl.n; i++) {
				apply(&pl.d[i], factor);
				stroke_put(w, &pl.d[i]);
			}
		}
	}
	for (i = 0; i < pl.n; i++)
		drawing_free(&pl.d[i]);
	free(pl.d);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = {0, 1000, 0, 0};
	struct stroke_header h;
	struct stroke_writer w; /* ended by out_close() */
	int c, status;

	util_init(argv[0]);
	while ((c = getopt(argc, argv, "F:f:l:m:p")) != -1) {
		switch (c) {
		case 'F':
			o.factor = factor_from(optarg);
			break;
		case 'f':
			o.factor =
			    parse_double(c, optarg, 1e-6, STROKE_MAX_SCALE);
			break;
		case 'l':
			o.limit = parse_double(c, optarg, 0, STROKE_MAX_ABS);
			break;
		case 'm':
			o.max_points =
			    parse_long(c, optarg, 1, STROKE_MAX_POINTS);
			break;
		case 'p':
			o.print_only = 1;
			break;
		default:
			usage();
		}
	}
	if (o.factor > 0 && o.print_only) {
		printf("%.9g\n", (double)(float)o.factor);
		return out_finish(0);
	}
	if (o.factor == 0) {
		status = run_pooled(argv + optind, argc - optind, &o, &w) < 0;
		return out_finish(status);
	}
	o.factor = (float)o.factor;
	h = out_header(o.factor);
	stroke_start(&w, stdout, &h);
	status = read_all(argv + optind, argc - optind, &o, NULL, &w) < 0;
	return out_finish(status);
}
