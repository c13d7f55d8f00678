/*
 * rdp-compare: measure how closely one stroke(5) stream reproduces another,
 * drawing by drawing (record i against record i, same key_id required).
 * Used by tests/test-rdp.sh to compare rdp-simplify -g on Google's raw
 * drawings with Google's simplified drawings.  Built by that script, not
 * by make: it is not a test on its own.
 *
 * usage: rdp-compare [-v] ours theirs
 *
 * Prints "name value" lines: drawings, the fractions of drawings with the
 * same stroke count, the same point count, the same point count in every
 * stroke, exactly the same points, the fraction of strokes with the same
 * point count, the ratio of total point counts, and the distance between
 * the polylines: for each pair of strokes, the largest distance from a
 * vertex of one to the other polyline, both ways (a discrete Hausdorff
 * distance); per drawing its maximum over strokes (hmean, hmedian, hp99,
 * hmax over drawings) and the mean vertex-to-polyline distance (dmean).
 * -v also prints each drawing that is not exactly reproduced.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stroke.h"
#include "util.h"

struct poly {
	double *x, *y;
	size_t *start; /* stroke k is points [start[k], start[k + 1]) */
	size_t n, ns;
};

static void to_poly(const struct drawing *d, struct poly *p, double scale)
{
	double x = 0, y = 0;
	size_t i;

	p->x = xreallocarray(p->x, d->n, sizeof *p->x);
	p->y = xreallocarray(p->y, d->n, sizeof *p->y);
	p->start = xreallocarray(p->start, d->n + 1, sizeof *p->start);
	p->ns = 0;
	p->start[0] = 0;
	for (i = 0; i < d->n; i++) {
		x += (double)d->p[i].dx * scale;
		y += (double)d->p[i].dy * scale;
		p->x[i] = x;
		p->y[i] = y;
		if (d->p[i].pen || i + 1 == d->n)
			p->start[++p->ns] = i + 1;
	}
	p->n = d->n;
}

/* Distance from (px, py) to the polyline of stroke k of q. */
static double to_line(double px, double py, const struct poly *q, size_t k)
{
	size_t a = q->start[k], b = q->start[k + 1], i;
	double best = hypot(px - q->x[a], py - q->y[a]);
	double dx, dy, l2, t, d;

	for (i = a; i + 1 < b; i++) {
		dx = q->x[i + 1] - q->x[i];
		dy = q->y[i + 1] - q->y[i];
		l2 = dx * dx + dy * dy;
		t = l2 > 0 ? ((px - q->x[i]) * dx + (py - q->y[i]) * dy) / l2
			   : 0;
		t = t < 0 ? 0 : t > 1 ? 1 : t;
		d = hypot(px - q->x[i] - t * dx, py - q->y[i] - t * dy);
		if (d < best)
			best = d;
	}
	return best;
}

/* One direction of the stroke-k distance: adds to *sum and *cnt. */
static double one_way(const struct poly *p, const struct poly *q, size_t k,
		      double *sum, size_t *cnt)
{
	double m = 0, d;
	size_t i;

	for (i = p->start[k]; i < p->start[k + 1]; i++) {
		d = to_line(p->x[i], p->y[i], q, k);
		*sum += d;
		(*cnt)++;
		if (d > m)
			m = d;
	}
	return m;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct tally {
	size_t drawings, same_strokes, same_points, same_per_stroke, exact;
	size_t strokes, strokes_same, points_ours, points_theirs;
	double dsum;
	size_t dcnt;
	double *h;
};

static void compare(const struct drawing *a, const struct drawing *b,
		    struct poly *p, struct poly *q, struct tally *t,
		    int verbose, double sa, double sb)
{
	size_t k, ns, all_same = 1;
	double h = 0, m1, m2;
	int exact;

	to_poly(a, p, sa);
	to_poly(b, q, sb);
	t->h = xreallocarray(t->h, t->drawings + 1, sizeof *t->h);
	t->points_ours += a->n;
	t->points_theirs += b->n;
	t->same_strokes += p->ns == q->ns;
	t->same_points += a->n == b->n;
	ns = p->ns < q->ns ? p->ns : q->ns;
	for (k = 0; k < ns; k++) {
		int same = p->start[k + 1] - p->start[k] ==
			   q->start[k + 1] - q->start[k];
		t->strokes_same += same;
		all_same &= same;
		m1 = one_way(p, q, k, &t->dsum, &t->dcnt);
		m2 = one_way(q, p, k, &t->dsum, &t->dcnt);
		h = fmax(h, fmax(m1, m2));
	}
	t->strokes += q->ns;
	all_same &= p->ns == q->ns;
	t->same_per_stroke += all_same;
	exact = all_same && a->n == b->n;
	for (k = 0; exact && k < a->n; k++)
		exact = p->x[k] == q->x[k] && p->y[k] == q->y[k];
	t->exact += exact;
	t->h[t->drawings++] = h;
	if (verbose && !exact)
		printf("differs %s %s points %zu %zu hausdorff %.3f\n",
		       a->key_id, a->word, a->n, b->n, h);
}

static void report(struct tally *t)
{
	double n = (double)t->drawings, hsum = 0;
	size_t i;

	if (t->drawings == 0)
		die("no drawings to compare");
	qsort(t->h, t->drawings, sizeof *t->h, cmp_double);
	for (i = 0; i < t->drawings; i++)
		hsum += t->h[i];
	printf("drawings %zu\n", t->drawings);
	printf("same_strokes %.4f\n", t->same_strokes / n);
	printf("same_points %.4f\n", t->same_points / n);
	printf("same_points_per_stroke %.4f\n", t->same_per_stroke / n);
	printf("exact %.4f\n", t->exact / n);
	printf("strokes_same_points %.4f\n",
	       (double)t->strokes_same / (double)t->strokes);
	printf("points_ratio %.4f\n",
	       (double)t->points_ours / (double)t->points_theirs);
	printf("hmean %.4f\n", hsum / n);
	printf("hmedian %.4f\n", t->h[t->drawings / 2]);
	printf("hp99 %.4f\n", t->h[(size_t)(0.99 * (n - 1))]);
	printf("hmax %.4f\n", t->h[t->drawings - 1]);
	printf("dmean %.5f\n", t->dsum / (double)t->dcnt);
}

int main(int argc, char **argv)
{
	struct stroke_reader ra, rb;
	struct drawing a, b;
	struct poly p, q;
	struct tally t;
	FILE *fa, *fb;
	int c, verbose = 0, ka, kb;

	util_init(argv[0]);
	while ((c = getopt(argc, argv, "v")) != -1) {
		if (c != 'v') {
			fprintf(stderr,
				"usage: rdp-compare [-v] ours theirs\n");
			return 1;
		}
		verbose = 1;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: rdp-compare [-v] ours theirs\n");
		return 1;
	}
	fa = xfopen(argv[optind], "rb");
	fb = xfopen(argv[optind + 1], "rb");
	if (stroke_open(&ra, fa, argv[optind]) < 0 ||
	    stroke_open(&rb, fb, argv[optind + 1]) < 0)
		return 1;
	memset(&t, 0, sizeof t);
	memset(&p, 0, sizeof p);
	memset(&q, 0, sizeof q);
	drawing_init(&a);
	drawing_init(&b);
	for (;;) {
		ka = stroke_read(&ra, &a);
		kb = stroke_read(&rb, &b);
		if (ka < 0 || kb < 0)
			return 1;
		if (ka != kb)
			die("the streams have different numbers of drawings");
		if (ka == 0)
			break;
		if (strcmp(a.key_id, b.key_id) != 0)
			die("record %lu: key_id %s against %s", ra.record,
			    a.key_id, b.key_id);
		compare(&a, &b, &p, &q, &t, verbose, ra.h.scale, rb.h.scale);
	}
	report(&t);
	drawing_free(&a);
	drawing_free(&b);
	free(p.x), free(p.y), free(p.start);
	free(q.x), free(q.y), free(q.start);
	free(t.h);
	xfclose(fa);
	xfclose(fb);
	out_close();
	return 0;
}
