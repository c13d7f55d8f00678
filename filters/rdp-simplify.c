/*
 * rdp-simplify: Ramer-Douglas-Peucker simplification of each stroke of a
 * stroke(5) stream, optionally preceded by the steps of Quick, Draw!'s
 * "simplified" recipe: align to the origin, scale so the larger side is
 * 255, resample at 1-unit spacing, simplify with epsilon 2, round to
 * integers (-g).
 *
 * A stroke is a run of points ending at a point with pen 1; the last point
 * of a drawing ends the last stroke whatever its pen.  Work is done in
 * absolute coordinates (double); the output has the same strokes, the same
 * metadata and the same pen flags on each stroke's last point.  It does not
 * drop strokes, reorder them or normalise offsets (see normalize(1)).
 *
 * The arithmetic of -g follows, operation for operation, the order that
 * reproduces Google's published simplified drawings from the raw ones (see
 * AGREEMENT WITH QUICK, DRAW! in rdp-simplify(1)): changing the order of a
 * multiplication or the interpolation formula changes which of several
 * equidistant points RDP keeps.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stroke.h"
#include "util.h"

#define MAX_RESAMPLED 10000000 /* points in one resampled stroke */

struct options {
	int align;	/* -a: move the drawing's minimum x and y to 0 */
	double epsilon; /* -e: RDP tolerance; negative: no RDP */
	double size;	/* -s: larger side after scaling; 0: off */
	double spacing; /* -r: resample at this arc-length spacing; 0: off */
	int round;	/* -i: round coordinates to integers, half to even */
};

/* A polyline in absolute coordinates; grows as needed. */
struct line {
	double *x, *y;
	size_t n, cap;
};

static void usage(void)
{
	fprintf(stderr, "usage: rdp-simplify [-agi] [-e epsilon] "
			"[-r spacing] [-s size] [file ...]\n");
	exit(1);
}

static void line_reserve(struct line *l, size_t n)
{
	if (n <= l->cap)
		return;
	l->cap = n > 2 * l->cap ? n : 2 * l->cap;
	l->x = xreallocarray(l->x, l->cap, sizeof *l->x);
	l->y = xreallocarray(l->y, l->cap, sizeof *l->y);
}

static void line_push(struct line *l, double x, double y)
{
	line_reserve(l, l->n + 1);
	l->x[l->n] = x;
	l->y[l->n] = y;
	l->n++;
}

static void line_free(struct line *l)
{
	free(l->x);
	free(l->y);
}

/* The output, across inputs. */
struct output {
	struct stroke_writer w;
	struct stroke_header h; /* the first input's, once started */
	int started;
};

/* Scratch space reused from drawing to drawing. */
struct work {
	struct line abs;  /* the whole drawing, absolute, scaled */
	struct line a, b; /* one stroke: resampled, then simplified */
	double *cum;	  /* arc length at each vertex of a stroke */
	size_t cum_cap;
	unsigned char *keep; /* RDP: vertex survives */
	size_t keep_cap;
	size_t *stack; /* RDP: pending (first, last) index pairs */
	size_t stack_cap;
};

/*
 * to_absolute: cumulative sums of the offsets times the header's scale, so
 * that distances are in the units the stream had before normalisation.
 */
static void to_absolute(const struct drawing *d, double scale, struct line *l)
{
	line_reserve(l, d->n);
	stroke_positions(d, scale, l->x, l->y);
	l->n = d->n;
}

/*
 * align_scale: subtract the minimum x and y (-a) and/or scale uniformly by
 * size / max(width, height) about that corner (-s).  The product is
 * (x - min) * size / extent, in that order, as -g needs.  A drawing of
 * zero extent is not scaled.
 */
static void align_scale(struct line *l, const struct options *o)
{
	double mx = l->x[0], my = l->y[0], Mx = l->x[0], My = l->y[0];
	double ext, ox, oy;
	size_t i;

	for (i = 1; i < l->n; i++) {
		mx = fmin(mx, l->x[i]);
		my = fmin(my, l->y[i]);
		Mx = fmax(Mx, l->x[i]);
		My = fmax(My, l->y[i]);
	}
	ext = fmax(Mx - mx, My - my);
	ox = o->align ? 0 : mx;
	oy = o->align ? 0 : my;
	for (i = 0; i < l->n; i++) {
		if (o->size > 0 && ext > 0) {
			l->x[i] = (l->x[i] - mx) * o->size / ext + ox;
			l->y[i] = (l->y[i] - my) * o->size / ext + oy;
		} else {
			l->x[i] = l->x[i] - mx + ox;
			l->y[i] = l->y[i] - my + oy;
		}
	}
}

/*
 * resample: points at arc length 0, s, 2s, ... along the polyline
 * (x, y)[0..n), then its last point unless the last sample equals it.  A
 * sample at arc length p on segment j is a*(1-t) + b*t with
 * t = (p - cum[j]) / len[j].  A stroke of one point gives that point twice,
 * so that every resampled stroke has a first and a last point.  Returns
 * -1 (out unchanged) if that would be over MAX_RESAMPLED points.
 */
static int resample(const double *x, const double *y, size_t n, double s,
		    struct work *w, struct line *out)
{
	double pos = s, len, t, total = 0, need;
	size_t j;

	out->n = 0;
	if (n > w->cum_cap) {
		w->cum_cap = n;
		w->cum = xreallocarray(w->cum, n, sizeof *w->cum);
	}
	w->cum[0] = 0;
	for (j = 0; j + 1 < n; j++) {
		len = sqrt((x[j + 1] - x[j]) * (x[j + 1] - x[j]) +
			   (y[j + 1] - y[j]) * (y[j + 1] - y[j]));
		total += len;
		w->cum[j + 1] = total;
	}
	need = total / s + 2;
	if (!(need <= MAX_RESAMPLED))
		return -1;
	line_reserve(out, (size_t)need + 1);
	line_push(out, x[0], y[0]);
	for (j = 0; j + 1 < n; j++) {
		len = sqrt((x[j + 1] - x[j]) * (x[j + 1] - x[j]) +
			   (y[j + 1] - y[j]) * (y[j + 1] - y[j]));
		while (len > 0 && pos <= w->cum[j + 1]) {
			t = (pos - w->cum[j]) / len;
			line_push(out, x[j] * (1 - t) + x[j + 1] * t,
				  y[j] * (1 - t) + y[j + 1] * t);
			pos += s;
		}
	}
	if (n == 1 || total == 0 || out->x[out->n - 1] != x[n - 1] ||
	    out->y[out->n - 1] != y[n - 1])
		line_push(out, x[n - 1], y[n - 1]);
	return 0;
}

/* dist: distance from point i to the line through points a and b (to point
 * a when they coincide). */
static double dist(const struct line *l, size_t i, size_t a, size_t b)
{
	double dx = l->x[b] - l->x[a], dy = l->y[b] - l->y[a];
	double l2 = dx * dx + dy * dy;

	if (l2 == 0)
		return hypot(l->x[i] - l->x[a], l->y[i] - l->y[a]);
	return fabs(dx * (l->y[i] - l->y[a]) - dy * (l->x[i] - l->x[a])) /
	       sqrt(l2);
}

/*
 * rdp: Ramer-Douglas-Peucker on in[0..n) into out.  Between two kept
 * points, the point farthest from the line through them is kept when its
 * distance is greater than eps (strictly), the first one on a tie.  The
 * first and last points are always kept.
 */
static void rdp(const struct line *in, double eps, struct work *w,
		struct line *out)
{
	size_t n = in->n, top = 0, a, b, i, k;
	double d, dmax;

	out->n = 0;
	if (n > w->keep_cap) {
		w->keep_cap = n;
		w->keep = xreallocarray(w->keep, n, 1);
		w->stack = xreallocarray(w->stack, 2 * n, sizeof *w->stack);
	}
	memset(w->keep, 0, n);
	w->keep[0] = w->keep[n - 1] = 1;
	w->stack[top++] = 0;
	w->stack[top++] = n - 1;
	while (top > 0) {
		b = w->stack[--top];
		a = w->stack[--top];
		dmax = -1;
		k = a;
		for (i = a + 1; i < b; i++) {
			d = dist(in, i, a, b);
			if (d > dmax) {
				dmax = d;
				k = i;
			}
		}
		if (k == a || !(dmax > eps))
			continue;
		w->keep[k] = 1;
		w->stack[top++] = a;
		w->stack[top++] = k;
		w->stack[top++] = k;
		w->stack[top++] = b;
	}
	for (i = 0; i < n; i++)
		if (w->keep[i])
			line_push(out, in->x[i], in->y[i]);
}

/*
 * emit: append one processed stroke to d as offsets from (*px, *py),
 * divided by the stream's scale; pen 1 on its last point unless it is the
 * drawing's last point, which keeps the input's pen (last_pen).  Returns
 * NULL, or what makes the result unfit for stroke(5).
 */
static const char *emit(struct drawing *d, const struct line *s, double scale,
			int last, int last_pen, double *px, double *py)
{
	double dx, dy;
	size_t i;
	int pen;

	for (i = 0; i < s->n; i++) {
		pen = i + 1 < s->n ? 0 : last ? last_pen : 1;
		dx = (s->x[i] - *px) / scale;
		dy = (s->y[i] - *py) / scale;
		if (!(fabs(dx) <= STROKE_MAX_ABS && fabs(dy) <= STROKE_MAX_ABS))
			return "an offset over 1e7 after scaling";
		if (drawing_push(d, (float)dx, (float)dy, pen) < 0)
			return "more than 100000 points after resampling";
		*px = s->x[i];
		*py = s->y[i];
	}
	return NULL;
}

/* stroke_one: resample, simplify and round the stroke abs[first..last];
 * NULL if resampling would give too many points. */
static const struct line *stroke_one(struct work *w, size_t first, size_t last,
				     const struct options *o)
{
	struct line *cur = &w->a;
	size_t i, n = last - first + 1;

	if (o->spacing > 0) {
		if (resample(w->abs.x + first, w->abs.y + first, n, o->spacing,
			     w, &w->a) < 0)
			return NULL;
	} else {
		w->a.n = 0;
		line_reserve(&w->a, n);
		for (i = first; i <= last; i++)
			line_push(&w->a, w->abs.x[i], w->abs.y[i]);
	}
	if (o->epsilon >= 0) {
		rdp(&w->a, o->epsilon, w, &w->b);
		cur = &w->b;
	}
	if (o->round)
		for (i = 0; i < cur->n; i++) {
			cur->x[i] = rint(cur->x[i]);
			cur->y[i] = rint(cur->y[i]);
		}
	return cur;
}

/* simplify: in -> out (out's points replaced, metadata copied).  Returns
 * NULL, or what makes the result unfit for stroke(5). */
static const char *simplify(const struct drawing *in, struct drawing *out,
			    double scale, const struct options *o,
			    struct work *w)
{
	double px = 0, py = 0;
	const struct line *s;
	size_t first = 0, i;
	const char *why;
	int last;

	drawing_clear(out);
	memcpy(out->key_id, in->key_id, sizeof out->key_id);
	memcpy(out->word, in->word, sizeof out->word);
	memcpy(out->country, in->country, sizeof out->country);
	out->recognized = in->recognized;
	to_absolute(in, scale, &w->abs);
	if (o->align || o->size > 0)
		align_scale(&w->abs, o);
	for (i = 0; i < in->n; i++) {
		last = i + 1 == in->n;
		if (!in->p[i].pen && !last)
			continue;
		s = stroke_one(w, first, i, o);
		if (!s)
			return "a stroke over 10 million points after "
			       "resampling";
		why = emit(out, s, scale, last, in->p[i].pen, &px, &py);
		if (why)
			return why;
		first = i + 1;
	}
	return NULL;
}

/* run: one input stream to out; the first stream's header is written,
 * later ones must match it. */
static int run(FILE *f, const char *name, const struct options *o,
	       struct output *out, struct work *w)
{
	struct stroke_reader r;
	struct drawing in, simple;
	const char *why;
	int rc;

	if (stroke_open(&r, f, name) < 0)
		return -1;
	if ((r.h.flags & STROKE_FLAG_NORMALIZED) && o->size > 0) {
		warnmsg("%s: -g and -s need an unnormalised stream (simplify "
			"before normalize)",
			name);
		return -1;
	}
	if (!out->started) {
		out->h = r.h;
		stroke_start(&out->w, stdout, &out->h);
		out->started = 1;
	} else if (r.h.flags != out->h.flags || r.h.scale != out->h.scale) {
		warnmsg("%s: stream header differs from the first input's "
			"(flags or scale factor)",
			name);
		return -1;
	}
	drawing_init(&in);
	drawing_init(&simple);
	while ((rc = stroke_read(&r, &in)) > 0) {
		why = simplify(&in, &simple, r.h.scale, o, w);
		if (why) {
			rc = data_error(name, "record", r.record, "%s", why);
			break;
		}
		stroke_put(&out->w, &simple);
	}
	drawing_free(&in);
	drawing_free(&simple);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = {0, 2.0, 0, 0, 0};
	struct output out = {0}; /* its writer ended by out_close() */
	struct work w;
	int c, i, status = 0, google = 0;
	int eset = 0, rset = 0, sset = 0;
	FILE *f;

	util_init(argv[0]);
	memset(&w, 0, sizeof w);
	while ((c = getopt(argc, argv, "ae:gir:s:")) != -1) {
		switch (c) {
		case 'a':
			o.align = 1;
			break;
		case 'e':
			o.epsilon = parse_double('e', optarg, -1, 1e6);
			eset = 1;
			break;
		case 'g':
			google = 1;
			break;
		case 'i':
			o.round = 1;
			break;
		case 'r':
			o.spacing = parse_double('r', optarg, 0, 1e6);
			if (o.spacing > 0 && o.spacing < 1e-3)
				die("-r: bad value '%s' (want 0, or a number "
				    "from 0.001 to 1e6)",
				    optarg);
			rset = 1;
			break;
		case 's':
			o.size = parse_double('s', optarg, 0, 1e6);
			sset = 1;
			break;
		default:
			usage();
		}
	}
	if (google) {
		o.align = 1;
		o.round = 1;
		o.size = sset ? o.size : 255;
		o.spacing = rset ? o.spacing : 1;
		o.epsilon = eset ? o.epsilon : 2.0;
	}
	if (optind == argc)
		status = run(stdin, "<stdin>", &o, &out, &w) < 0;
	for (i = optind; i < argc && !status; i++) {
		f = xfopen(argv[i], "rb");
		status = run(f, argv[i], &o, &out, &w) < 0;
		xfclose(f);
	}
	line_free(&w.abs);
	line_free(&w.a);
	line_free(&w.b);
	free(w.cum);
	free(w.keep);
	free(w.stack);
	return out_finish(status);
}
