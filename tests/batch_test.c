/*
 * batch_test: the data loader against the reference rules (sketch-rnn
 * spec sections 1 and 4), checked from the outside: which points may be
 * dropped is recomputed here from the pens alone, scale factors are
 * recovered from the rows that can never be merged, and totals per stroke
 * are compared after un-scaling.  Also: counter-based determinism, the
 * valid/test order, the batch(5) round trip and its validation, and the
 * pipeline "npz2stroke -s train | normalize | batch" read back with
 * batch_read.  Run from the repository root (tests/run.sh does).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "npz.h"
#include "util.h"

#define SHEEP "data/sketchrnn/aaron_sheep.npz"

static int failed;

static void check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	if (!ok)
		failed = 1;
}

static int close_to(double a, double b, double tol)
{
	return fabs(a - b) <= tol * (1 + fabs(b));
}

/* ---- the training split of the bundled aaron_sheep.npz ---- */

static int add_one(void *ctx, size_t index, const struct npy_num *a)
{
	struct loader *l = ctx;
	struct drawing d;
	const char *why;

	drawing_init(&d);
	why = npy_to_drawing(a, &d);
	if (!why)
		loader_add(l, &d);
	drawing_free(&d);
	return why ? -1 : 0;
}

static int load(struct loader *l, const char *split)
{
	struct npz z;
	FILE *f = fopen(SHEEP, "rb");
	unsigned char *buf;
	size_t len;
	long n = -1;

	if (!f)
		return -1;
	if (npz_open(&z, f, SHEEP) == 0 && npz_find(&z, split) &&
	    zip_extract(&z.zip, npz_find(&z, split), &buf, &len) == 0) {
		n = npz_each(buf, len, split, add_one, l);
		free(buf);
	}
	npz_close(&z);
	fclose(f);
	return n < 0 ? -1 : 0;
}

/* ---- augmentation, rule by rule ---- */

/* Row i may be dropped iff its pen and the previous row's pen are 0 and it
 * is at least the fourth row of its stroke (count > 2). */
static int droppable(const struct stroke_point *p, size_t i)
{
	size_t pos = 0, j = i;

	if (p[i].pen)
		return 0;
	while (j > 0 && p[j - 1].pen == 0) {
		pos++;
		j--;
	}
	return pos >= 3;
}

struct tally {
	size_t eligible, dropped, bad_drop, bad_sum, bad_len;
};

static void check_one(const struct drawing *d, double sx, double sy,
		      double prob, struct rng *r, struct tally *t)
{
	struct stroke_point *out = xreallocarray(NULL, d->n, sizeof *out);
	unsigned char *kept = xmalloc(d->n);
	size_t m = batch_augment(d->p, d->n, sx, sy, prob, r, out, kept);
	size_t i, j = 0, nk = 0;
	double x, y;

	for (i = 0; i < d->n; i++) {
		nk += kept[i];
		if (droppable(d->p, i))
			t->eligible++;
		if (!kept[i]) {
			t->dropped++;
			t->bad_drop += !droppable(d->p, i);
		}
	}
	t->bad_len += nk != m || !kept[0];
	/* walk the kept rows: each is its own offset plus the dropped rows
	 * that follow it, scaled */
	for (i = 0; i < d->n && j < m; j++) {
		x = d->p[i].dx * sx;
		y = d->p[i].dy * sy;
		t->bad_sum += out[j].pen != d->p[i].pen;
		for (i++; i < d->n && !kept[i]; i++) {
			x += d->p[i].dx * sx;
			y += d->p[i].dy * sy;
		}
		t->bad_sum += !close_to(out[j].dx, x, 1e-5) ||
			      !close_to(out[j].dy, y, 1e-5);
	}
	t->bad_len += i != d->n || j != m;
	free(out);
	free(kept);
}

/* Per-stroke totals of the input and of the un-scaled output, walking
 * stroke by stroke; returns how many differ. */
static size_t stroke_totals_differ(const struct drawing *d,
				   const struct stroke_point *out, size_t m,
				   double sx, double sy)
{
	size_t i = 0, j = 0, bad = 0;
	double ix, iy, ox, oy;

	while (i < d->n && j < m) {
		ix = iy = ox = oy = 0;
		for (; i < d->n; i++) {
			ix += d->p[i].dx;
			iy += d->p[i].dy;
			if (d->p[i].pen) {
				i++;
				break;
			}
		}
		for (; j < m; j++) {
			ox += out[j].dx / sx;
			oy += out[j].dy / sy;
			if (out[j].pen) {
				j++;
				break;
			}
		}
		bad += !close_to(ix, ox, 1e-4) || !close_to(iy, oy, 1e-4);
	}
	return bad + (i != d->n) + (j != m);
}

static void test_augment(const struct loader *l)
{
	struct tally t, t0;
	struct rng r;
	struct stroke_point *out;
	size_t i, m, bad = 0;
	double sx, sy, frac;

	memset(&t, 0, sizeof t);
	memset(&t0, 0, sizeof t0);
	rng_seed(&r, 42);
	for (i = 0; i < l->n; i++) {
		sx = 0.85 + 0.3 * rng_uniform(&r);
		sy = 0.85 + 0.3 * rng_uniform(&r);
		check_one(&l->d[i], sx, sy, 0.10, &r, &t);
		check_one(&l->d[i], sx, sy, 0.0, &r, &t0);
		out = xreallocarray(NULL, l->d[i].n, sizeof *out);
		m = batch_augment(l->d[i].p, l->d[i].n, sx, sy, 0.5, &r, out,
				  NULL);
		bad += stroke_totals_differ(&l->d[i], out, m, sx, sy);
		free(out);
	}
	check(t.dropped > 0 && t.bad_drop == 0,
	      "7400 sheep at p=0.1: points dropped only inside a stroke, "
	      "never its first three rows or its last");
	frac = (double)t.dropped / (double)t.eligible;
	printf("# dropped %zu of %zu eligible rows (%.4f)\n", t.dropped,
	       t.eligible, frac);
	check(frac > 0.095 && frac < 0.105,
	      "drop rate among eligible rows is p=0.10 (+-0.005)");
	check(t.bad_sum == 0 && t.bad_len == 0,
	      "each kept row is its scaled offset plus the dropped ones after "
	      "it, pen kept");
	check(bad == 0, "p=0.5: total displacement of every stroke is "
			"preserved after un-scaling");
	check(t0.dropped == 0 && t0.bad_sum == 0,
	      "p=0: nothing dropped, rows are scaled exactly");
}

/* ---- batches from the loader ---- */

/* Recover sx, sy of sketch i from the rows before the first droppable
 * one, less the row just before it (it may have received offsets), and
 * check everything else against drawing d (offsets divided by prescale). */
static const char *check_sketch(const struct batch *b, size_t i,
				const struct drawing *d, double prescale,
				double *sx, double *sy, int augmented)
{
	const float *x = b->x + i * (b->nmax + 1) * 5;
	size_t j, first = d->n, pens_in = 0, pens_out = 0;
	double ex = 0, ey = 0, v;
	int nx = 0, ny = 0;

	if (b->len[i] > d->n)
		return "longer than its drawing";
	if (!augmented && b->len[i] != d->n)
		return "valid/test sketch lost points";
	for (j = 0; j < d->n; j++)
		pens_in += d->p[j].pen;
	for (j = 1; j <= b->len[i]; j++)
		pens_out += x[j * 5 + 3] == 1;
	if (pens_in != pens_out)
		return "number of strokes changed";
	for (j = 0; j < d->n && first == d->n; j++)
		if (droppable(d->p, j))
			first = j;
	for (j = 0; j + 1 < first || (first == d->n && j < d->n); j++) {
		v = d->p[j].dx / prescale;
		if (fabs(v) > 1e-3) {
			if (nx && !close_to(x[(j + 1) * 5] / v, ex, 1e-4))
				return "x scale differs between rows";
			ex = x[(j + 1) * 5] / v;
			nx = 1;
		}
		v = d->p[j].dy / prescale;
		if (fabs(v) > 1e-3) {
			if (ny && !close_to(x[(j + 1) * 5 + 1] / v, ey, 1e-4))
				return "y scale differs between rows";
			ey = x[(j + 1) * 5 + 1] / v;
			ny = 1;
		}
		if ((int)x[(j + 1) * 5 + 3] != d->p[j].pen)
			return "pen differs from the drawing's";
	}
	*sx = nx ? ex : 1;
	*sy = ny ? ey : 1;
	if (*sx < 0.85 - 1e-6 || *sx > 1.15 + 1e-6 || *sy < 0.85 - 1e-6 ||
	    *sy > 1.15 + 1e-6)
		return "scale factor outside [0.85, 1.15]";
	if (!augmented && (!close_to(*sx, 1, 1e-6) || !close_to(*sy, 1, 1e-6)))
		return "valid/test sketch was scaled";
	return NULL;
}

struct range {
	double lo, hi;
};

static size_t check_batch(const struct batch *b, const struct loader *l,
			  double prescale, int augmented, struct range *r)
{
	size_t i, sk, row, bad = 0;
	double sx = 1, sy = 1;
	const char *why = batch_check(b, &sk, &row);

	if (why) {
		printf("# sketch %zu row %zu: %s\n", sk, row, why);
		return 1;
	}
	for (i = 0; i < b->size; i++) {
		why = check_sketch(b, i, &l->d[b->id[i]], prescale, &sx, &sy,
				   augmented);
		if (why) {
			printf("# sketch %zu (drawing %u): %s\n", i,
			       (unsigned)b->id[i], why);
			bad++;
		}
		if (sx < r->lo)
			r->lo = sx;
		if (sx > r->hi)
			r->hi = sx;
	}
	return bad;
}

static int batches_equal(const struct batch *a, const struct batch *b)
{
	return a->size == b->size && a->nmax == b->nmax &&
	       memcmp(a->len, b->len, a->size * 4) == 0 &&
	       memcmp(a->id, b->id, a->size * 4) == 0 &&
	       memcmp(a->x, b->x, a->size * (a->nmax + 1) * 5 * 4) == 0;
}

static void test_train(struct loader *l)
{
	struct batch_params p = {100, 0.15, 0.10, 7};
	struct batch a, b;
	struct range r = {10, -10};
	size_t k, bad = 0, distinct = 1, i, j;

	check(loader_ready(l, 250, 100) == NULL,
	      "train split ready, N_max 250");
	batch_init(&a);
	batch_init(&b);
	for (k = 0; k < 20; k++) {
		batch_make(l, &p, k, &a);
		bad += check_batch(&a, l, 1, 1, &r);
	}
	check(bad == 0, "20 train batches: start token, one-hot pens, end "
			"rows, lengths, scales in [0.85,1.15]");
	check(r.lo < 0.87 && r.hi > 1.13, "x scales cover [0.85, 1.15]");
	batch_make(l, &p, 3, &a);
	for (i = 0; i < a.size; i++)
		for (j = 0; j < i; j++)
			distinct &= a.id[i] != a.id[j];
	check(distinct, "a batch holds 100 different drawings");
	batch_make(l, &p, 5, &b);
	batch_make(l, &p, 3, &b);
	check(batches_equal(&a, &b), "batch 3 is the same made before or "
				     "after batch 5 (counter-based)");
	p.seed = 8;
	batch_make(l, &p, 3, &b);
	check(!batches_equal(&a, &b), "another seed gives another batch");
	p.seed = 7;
	batch_make(l, &p, 4, &b);
	check(!batches_equal(&a, &b), "another batch number gives another "
				      "batch");
	batch_free(&a);
	batch_free(&b);
}

static void test_valid(struct loader *l)
{
	struct batch_params p = {100, 0.15, 0.10, 7};
	struct batch b;
	struct range r = {10, -10};
	size_t k, i, bad = 0, order = 0, prev = 0;

	check(loader_ready(l, 250, 100) == NULL, "valid split ready");
	check(loader_batches(l, 100) == 3, "valid: floor(300/100) = 3 batches");
	batch_init(&b);
	for (k = 0; k < 3; k++) {
		batch_make(l, &p, k, &b);
		for (i = 0; i < b.size; i++) {
			order += b.len[i] < prev;
			prev = b.len[i];
		}
		/* l->d is sorted; id is the input position: compare rows
		 * against the sorted drawing of the same slot */
		for (i = 0; i < b.size; i++)
			if (l->pos[k * 100 + i] != b.id[i])
				bad++;
	}
	check(order == 0, "valid batches are sorted by length");
	check(bad == 0, "valid batches are contiguous blocks of the sorted "
			"split");
	bad = 0;
	for (k = 0; k < 3; k++) {
		struct loader view = *l;
		size_t n;

		batch_make(l, &p, k, &b);
		/* check_batch looks drawings up by id: give it input order */
		view.d = xreallocarray(NULL, l->n, sizeof *view.d);
		for (n = 0; n < l->n; n++)
			view.d[l->pos[n]] = l->d[n];
		bad += check_batch(&b, &view, 1, 0, &r);
		free(view.d);
	}
	check(bad == 0, "valid batches: exact rows, no scaling, no dropping");
	batch_free(&b);
}

static void test_padding(void)
{
	struct loader l;
	struct drawing d;
	struct batch b;
	struct batch_params p = {2, 0, 0, 1};

	loader_init(&l, SPLIT_VALID);
	drawing_init(&d);
	drawing_push(&d, 1, 2, 0);
	drawing_push(&d, 3, 4, 1);
	loader_add(&l, &d);
	drawing_push(&d, 5, 6, 1);
	loader_add(&l, &d);
	check(loader_ready(&l, 3, 2) == NULL, "two drawings, N_max 3");
	batch_init(&b);
	batch_make(&l, &p, 0, &b);
	{
		static const float want[2][20] = {
		    {0, 0, 1, 0, 0, 1, 2, 1, 0, 0,
		     3, 4, 0, 1, 0, 0, 0, 0, 0, 1},
		    {0, 0, 1, 0, 0, 1, 2, 1, 0, 0,
		     3, 4, 0, 1, 0, 5, 6, 0, 1, 0},
		};
		check(memcmp(b.x, want, sizeof want) == 0 && b.len[0] == 2 &&
			  b.len[1] == 3,
		      "stroke-5 rows: S0, (dx,dy,1-p,p,0), one end row; a "
		      "drawing of N_max rows gets none");
	}
	check(loader_ready(&l, 2, 2) != NULL, "a drawing longer than N_max "
					      "is refused");
	batch_free(&b);
	drawing_free(&d);
	loader_free(&l);
}

static void test_format(struct loader *l)
{
	struct batch_params p = {100, 0.15, 0.10, 7};
	struct batch a, b;
	FILE *f = tmpfile();
	long size;
	unsigned char c;
	int rc;

	batch_init(&a);
	batch_init(&b);
	batch_make(l, &p, 0, &a);
	batch_write(f, &a);
	batch_write(f, &a);
	size = ftell(f);
	check(size == 2 * (48 + 100 * 8 + 100 * 251 * 5 * 4),
	      "batch(5) size: 48 + 8B + 20B(N_max+1) bytes");
	rewind(f);
	rc = batch_read(f, "tmp", 0, &b);
	check(rc == 1 && batches_equal(&a, &b) && b.index == 0 && b.seed == 7 &&
		  b.count == 7400,
	      "batch_read gives back what batch_write wrote");
	check(batch_read(f, "tmp", 1, &b) == 1 &&
		  batch_read(f, "tmp", 2, &b) == 0,
	      "two batches, then a clean end");
	/* corrupt a padding row's p3 of sketch 0 */
	fseek(f, 48 + 800 + (long)(250 * 5 + 4) * 4, SEEK_SET);
	c = 0;
	fwrite(&c, 1, 1, f);
	fseek(f, 48 + 800 + (long)(250 * 5 + 4) * 4 + 3, SEEK_SET);
	fwrite(&c, 1, 1, f);
	rewind(f);
	check(a.len[0] < 250 && batch_read(f, "tmp", 0, &b) == -1,
	      "a broken end row is refused");
	rewind(f);
	fwrite("XXXX", 1, 4, f);
	rewind(f);
	check(batch_read(f, "tmp", 0, &b) == -1, "bad magic is refused");
	fclose(f);
	batch_free(&a);
	batch_free(&b);
}

/* The pipeline of the issue, read back with batch_read. */
static void test_pipeline(const struct loader *train)
{
	const char *cmd =
	    "npz2stroke -s train " SHEEP " | normalize | batch -S 3 -n 4";
	FILE *f = popen(cmd, "r");
	struct batch b;
	struct range r = {10, -10};
	unsigned long n = 0;
	size_t bad = 0;
	int rc;

	batch_init(&b);
	while (f && (rc = batch_read(f, "pipeline", n, &b)) > 0) {
		bad += check_batch(&b, train, b.factor, 1, &r);
		bad += b.index != n || b.nmax != 250 || b.size != 100 ||
		       !(b.flags & BATCH_FLAG_NORMALIZED) ||
		       !close_to(b.factor, 18.5198, 1e-4);
		n++;
	}
	check(f && pclose(f) == 0 && n == 4,
	      "npz2stroke -s train aaron_sheep.npz | normalize | batch: "
	      "4 batches");
	printf("# factor %.6f, x scales %.4f..%.4f\n", (double)b.factor, r.lo,
	       r.hi);
	check(n == 4 && bad == 0,
	      "pipeline batches obey every rule against the npz drawings / "
	      "18.5198 (the reference's factor)");
	batch_free(&b);
}

int main(int argc, char **argv)
{
	struct loader train, valid;

	util_init(argv[0]);
	(void)argc;
	loader_init(&train, SPLIT_TRAIN);
	loader_init(&valid, SPLIT_VALID);
	check(load(&train, "train") == 0 && train.n == 7400,
	      "aaron_sheep train: 7400 drawings");
	check(load(&valid, "valid") == 0 && valid.n == 300,
	      "aaron_sheep valid: 300 drawings");
	if (failed)
		return 1;
	test_augment(&train);
	test_train(&train);
	test_valid(&valid);
	test_padding();
	test_format(&train);
	test_pipeline(&train);
	loader_free(&train);
	loader_free(&valid);
	return failed;
}
