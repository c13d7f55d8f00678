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
 * flags and metadata pass through.  Computing the factor reads files
 * three times (sum, squared deviations, output) in constant memory and
 * holds a piped input whole; with -f or -F it streams.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* What one pass over the input does with each drawing kept (in pixels):
 * keep it, write it scaled, or add up its offsets or their squared
 * deviations, in the order stroke_offsets_std() takes them. */
enum pass_kind { PASS_POOL, PASS_WRITE, PASS_SUM, PASS_SQUARES };

struct pass {
	enum pass_kind kind;
	struct pool *pl;	 /* PASS_POOL */
	struct stroke_writer *w; /* PASS_WRITE: to w, divided by factor */
	double factor;
	double sum, ss, mean; /* PASS_SUM: sum; PASS_SQUARES: ss about mean */
	size_t count;	      /* offsets seen (2 per point) */
	int rewind;	      /* standard input is a file: seek back to start */
	off_t start;
};

static void visit(struct pass *p, struct drawing *d)
{
	struct pool *pl = p->pl;
	size_t k;

	p->count += 2 * d->n;
	switch (p->kind) {
	case PASS_POOL:
		if (pl->n == pl->cap) {
			pl->cap = pl->cap ? 2 * pl->cap : 1024;
			pl->d = xreallocarray(pl->d, pl->cap, sizeof *pl->d);
		}
		drawing_init(&pl->d[pl->n]);
		drawing_copy(&pl->d[pl->n++], d);
		break;
	case PASS_WRITE:
		apply(d, p->factor);
		stroke_put(p->w, d);
		break;
	case PASS_SUM:
		for (k = 0; k < d->n; k++)
			p->sum += d->p[k].dx + (double)d->p[k].dy;
		break;
	case PASS_SQUARES:
		for (k = 0; k < d->n; k++) {
			p->ss +=
			    (d->p[k].dx - p->mean) * (d->p[k].dx - p->mean);
			p->ss +=
			    (d->p[k].dy - p->mean) * (d->p[k].dy - p->mean);
		}
		break;
	}
}

/* read_all: read every drawing of the named files (or stdin), in pixels,
 * and give each one kept to visit(). */
static int read_all(char **files, int nfiles, const struct options *o,
		    struct pass *p)
{
	struct stroke_reader r;
	struct drawing d;
	const char *name;
	FILE *f;
	int i, rc = 0;

	if (p->rewind && fseeko(stdin, p->start, SEEK_SET) != 0)
		die("<stdin>:");
	drawing_init(&d);
	for (i = 0; rc == 0 && (i < nfiles || (i == 0 && nfiles == 0)); i++) {
		name =
		    i < nfiles && strcmp(files[i], "-") ? files[i] : "<stdin>";
		f = i < nfiles ? xfopen(files[i], "rb") : stdin;
		if (stroke_open(&r, f, name) < 0)
			rc = -1;
		while (rc == 0 && (rc = stroke_read(&r, &d)) > 0) {
			rc = 0;
			if (to_pixels(&d, r.h.scale, o) == 0)
				visit(p, &d);
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

/* rereadable: every input a regular file (standard input too, when it is
 * the only one), so that it can be read again instead of held. */
static int rereadable(char **files, int nfiles, struct pass *p)
{
	struct stat sb;

	if (nfiles == 0) {
		if (fstat(0, &sb) != 0 || !S_ISREG(sb.st_mode) ||
		    (p->start = ftello(stdin)) < 0)
			return 0;
		p->rewind = 1;
		return 1;
	}
	for (int i = 0; i < nfiles; i++)
		if (strcmp(files[i], "-") == 0 || stat(files[i], &sb) != 0 ||
		    !S_ISREG(sb.st_mode))
			return 0;
	return 1;
}

static void write_all(const struct stroke_header *h, struct pool *pl,
		      double factor, struct stroke_writer *w)
{
	stroke_start(w, stdout, h);
	for (size_t i = 0; i < pl->n; i++) {
		apply(&pl->d[i], factor);
		stroke_put(w, &pl->d[i]);
	}
}

/* run_computed: compute the factor, then write the stream scaled by it
 * (or, with -p, the factor).  Files are read three times (the mean, the
 * deviations, the output) in constant memory; a pipe is read once and
 * held. */
static int run_computed(char **files, int nfiles, const struct options *o,
			struct stroke_writer *w)
{
	struct pool pl = {NULL, 0, 0};
	struct pass p = {.kind = PASS_POOL, .pl = &pl};
	struct stroke_header h;
	double factor = 0;
	size_t count, i;
	int rc, again = rereadable(files, nfiles, &p);

	if (again)
		p.kind = PASS_SUM;
	rc = read_all(files, nfiles, o, &p);
	count = p.count;
	if (rc == 0 && count == 0)
		die("no drawings to compute a scale factor from");
	if (rc == 0 && !again) {
		factor = (float)stroke_offsets_std(pl.d, pl.n);
	} else if (rc == 0) {
		p.mean = p.sum / (double)count;
		p.kind = PASS_SQUARES;
		p.count = 0;
		rc = read_all(files, nfiles, o, &p);
		factor = (float)sqrt(p.ss / (double)count);
	}
	if (rc == 0 && again && p.count != count)
		die("the input changed while it was read");
	if (rc == 0) {
		h = out_header(factor);
		if (o->print_only) {
			printf("%.9g\n", factor);
		} else if (!again) {
			write_all(&h, &pl, factor, w);
		} else {
			stroke_start(w, stdout, &h);
			p.kind = PASS_WRITE;
			p.w = w;
			p.factor = factor;
			p.count = 0;
			rc = read_all(files, nfiles, o, &p);
			if (rc == 0 && p.count != count)
				die("the input changed while it was read");
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
	struct pass p = {.kind = PASS_WRITE};
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
		status = run_computed(argv + optind, argc - optind, &o, &w) < 0;
		return out_finish(status);
	}
	o.factor = (float)o.factor;
	h = out_header(o.factor);
	stroke_start(&w, stdout, &h);
	p.w = &w;
	p.factor = o.factor;
	status = read_all(argv + optind, argc - optind, &o, &p) < 0;
	return out_finish(status);
}
