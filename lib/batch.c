/*
 * batch.c: the data loader and the batch(5) reader and writer.  See
 * batch.h for the contracts; the rules follow the reference DataLoader
 * (random_scale, augment_strokes, pad_batch, get_batch).  It does not
 * normalise or clamp: that is normalize(1)'s job, before the loader.
 */
#include "batch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "util.h"

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t batch_seed(uint64_t seed, uint64_t k)
{
	return mix(mix(seed + 0x9e3779b97f4a7c15ull) ^ k);
}

static const char *split_names[3] = {"train", "valid", "test"};

int batch_key_split(const char *key)
{
	const char *last = strrchr(key, ':'), *prev;
	size_t n;
	int i;

	if (!last || last == key)
		return -1;
	for (prev = last - 1; prev > key && *prev != ':'; prev--)
		;
	if (*prev != ':')
		return -1;
	n = (size_t)(last - prev - 1);
	for (i = 0; i < 3; i++)
		if (strlen(split_names[i]) == n &&
		    memcmp(split_names[i], prev + 1, n) == 0)
			return i;
	return -1;
}

int batch_hash_split(const char *key, double ftrain, double fvalid)
{
	uint64_t h = 0xcbf29ce484222325ull;
	double u;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 0x100000001b3ull;
	u = (double)(mix(h) >> 11) * 0x1.0p-53;
	if (u < ftrain)
		return SPLIT_TRAIN;
	return u < ftrain + fvalid ? SPLIT_VALID : SPLIT_TEST;
}

void loader_init(struct loader *l, unsigned split)
{
	memset(l, 0, sizeof *l);
	l->split = split;
	l->factor = 1.0f;
}

void loader_free(struct loader *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		drawing_free(&l->d[i]);
	free(l->d);
	free(l->pos);
	memset(l, 0, sizeof *l);
}

void loader_add(struct loader *l, const struct drawing *d)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->d = xreallocarray(l->d, l->cap, sizeof *l->d);
		l->pos = xreallocarray(l->pos, l->cap, sizeof *l->pos);
	}
	drawing_init(&l->d[l->n]);
	drawing_copy(&l->d[l->n], d);
	l->pos[l->n] = (uint32_t)l->n;
	l->n++;
}

struct order {
	size_t n, pos, i;
};

static int by_length(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Sort by length, ties in input order (the reference's stable argsort). */
static void sort_by_length(struct loader *l)
{
	struct order *o = xreallocarray(NULL, l->n, sizeof *o);
	struct drawing *d = xreallocarray(NULL, l->n, sizeof *d);
	uint32_t *pos = xreallocarray(NULL, l->n, sizeof *pos);
	size_t i;

	for (i = 0; i < l->n; i++) {
		o[i].n = l->d[i].n;
		o[i].pos = l->pos[i];
		o[i].i = i;
	}
	qsort(o, l->n, sizeof *o, by_length);
	for (i = 0; i < l->n; i++) {
		d[i] = l->d[o[i].i];
		pos[i] = l->pos[o[i].i];
	}
	free(l->d);
	free(l->pos);
	free(o);
	l->d = d;
	l->pos = pos;
	l->cap = l->n;
}

const char *loader_ready(struct loader *l, size_t nmax, size_t size)
{
	size_t i;

	if (l->n == 0)
		return "no drawings in the split";
	if (l->n < size)
		return "fewer drawings in the split than in one batch";
	for (i = 0; i < l->n; i++)
		if (l->d[i].n > nmax)
			return "a drawing is longer than N_max";
	if ((nmax + 1) * 5 > BATCH_MAX_FLOATS / size)
		return "batch too large (B * (N_max+1) * 5 over 2^28 floats)";
	l->nmax = nmax;
	if (l->split != SPLIT_TRAIN)
		sort_by_length(l);
	return NULL;
}

uint64_t loader_batches(const struct loader *l, size_t size)
{
	return l->n / size;
}

size_t batch_augment(const struct stroke_point *in, size_t n, double sx,
		     double sy, double prob, struct rng *r,
		     struct stroke_point *out, unsigned char *kept)
{
	double ax = 0, ay = 0, u;
	size_t i, m = 0, count = 0;
	int prev = 1, pen, drop;

	for (i = 0; i < n; i++) {
		pen = in[i].pen;
		if (pen == 1 || prev == 1)
			count = 0;
		else
			count++;
		u = prob > 0 ? rng_uniform(r) : 1.0;
		drop = pen == 0 && prev == 0 && count > 2 && u < prob;
		if (drop) {
			ax += (double)in[i].dx * sx;
			ay += (double)in[i].dy * sy;
		} else {
			if (m > 0) {
				out[m - 1].dx = (float)ax;
				out[m - 1].dy = (float)ay;
			}
			ax = (double)in[i].dx * sx;
			ay = (double)in[i].dy * sy;
			out[m].pen = (unsigned char)pen;
			m++;
			prev = pen;
		}
		if (kept)
			kept[i] = (unsigned char)!drop;
	}
	if (m > 0) {
		out[m - 1].dx = (float)ax;
		out[m - 1].dy = (float)ay;
	}
	return m;
}

void batch_init(struct batch *b)
{
	memset(b, 0, sizeof *b);
}

void batch_free(struct batch *b)
{
	free(b->len);
	free(b->id);
	free(b->x);
	batch_init(b);
}

/* Room for size sketches of nmax+1 rows. */
/* reserve_x: room for nx floats of rows in b->x. */
static void reserve_x(struct batch *b, size_t nx)
{
	if (nx > b->capx) {
		b->x = xreallocarray(b->x, nx, sizeof *b->x);
		b->capx = nx;
	}
}

/* reserve_lengths: room for size lengths and ids; sets the shape. */
static void reserve_lengths(struct batch *b, size_t size, size_t nmax)
{
	if (size > b->cap) {
		b->len = xreallocarray(b->len, size, sizeof *b->len);
		b->id = xreallocarray(b->id, size, sizeof *b->id);
		b->cap = size;
	}
	b->size = size;
	b->nmax = nmax;
}

static void batch_reserve(struct batch *b, size_t size, size_t nmax)
{
	reserve_lengths(b, size, nmax);
	reserve_x(b, size * (nmax + 1) * 5);
}

/* Stroke-5 rows of one sketch (pad_batch): start token, the m rows, end
 * rows up to nmax. */
static void pad(float *x, const struct stroke_point *p, size_t m, size_t nmax)
{
	size_t i;

	memset(x, 0, (nmax + 1) * 5 * sizeof *x);
	x[2] = 1;
	for (i = 0; i < m; i++) {
		x[(i + 1) * 5 + 0] = p[i].dx;
		x[(i + 1) * 5 + 1] = p[i].dy;
		x[(i + 1) * 5 + 2] = (float)(1 - p[i].pen);
		x[(i + 1) * 5 + 3] = (float)p[i].pen;
	}
	for (i = m + 1; i <= nmax; i++)
		x[i * 5 + 4] = 1;
}

/* The B drawings of training batch k: the first B of a random permutation
 * (a partial Fisher-Yates shuffle), as random_batch takes them. */
static void pick(const struct loader *l, size_t size, struct rng *r,
		 size_t *idx, size_t *out)
{
	size_t i, j, t;

	for (i = 0; i < l->n; i++)
		idx[i] = i;
	for (i = 0; i < size; i++) {
		j = i + (size_t)(rng_uniform(r) * (double)(l->n - i));
		if (j >= l->n)
			j = l->n - 1;
		t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
		out[i] = idx[i];
	}
}

void batch_make(const struct loader *l, const struct batch_params *p,
		uint64_t k, struct batch *b)
{
	struct stroke_point *tmp =
	    xreallocarray(NULL, l->nmax + 1, sizeof *tmp);
	size_t *idx = NULL, *sel = xreallocarray(NULL, p->size, sizeof *sel);
	size_t i, m, stride = (l->nmax + 1) * 5;
	struct rng r;
	const struct drawing *d;
	double sx, sy;
	int train = l->split == SPLIT_TRAIN;

	batch_reserve(b, p->size, l->nmax);
	b->flags = l->flags;
	if (train && (p->scale > 0 || p->drop > 0))
		b->flags |= BATCH_FLAG_AUGMENTED;
	b->split = l->split;
	b->factor = l->factor;
	b->seed = p->seed;
	b->index = k;
	b->count = (uint32_t)l->n;
	rng_seed(&r, batch_seed(p->seed, k));
	if (train) {
		idx = xreallocarray(NULL, l->n, sizeof *idx);
		pick(l, p->size, &r, idx, sel);
	} else {
		for (i = 0; i < p->size; i++)
			sel[i] = (size_t)k * p->size + i;
	}
	for (i = 0; i < p->size; i++) {
		d = &l->d[sel[i]];
		if (train) {
			sx = 1 + (2 * rng_uniform(&r) - 1) * p->scale;
			sy = 1 + (2 * rng_uniform(&r) - 1) * p->scale;
			m = batch_augment(d->p, d->n, sx, sy, p->drop, &r, tmp,
					  NULL);
		} else {
			m = d->n;
			memcpy(tmp, d->p, m * sizeof *tmp);
		}
		pad(b->x + i * stride, tmp, m, l->nmax);
		b->len[i] = (uint32_t)m;
		b->id[i] = l->pos[sel[i]];
	}
	free(idx);
	free(sel);
	free(tmp);
}

/* ---- batch(5) ---- */

void batch_write(FILE *f, const struct batch *b)
{
	unsigned char h[BATCH_HEADER_SIZE], buf[4 * 1024];
	size_t i, n = b->size * (b->nmax + 1) * 5, k;

	memset(h, 0, sizeof h);
	memcpy(h, BATCH_MAGIC, 4);
	put_u16(h + 4, BATCH_VERSION);
	put_u16(h + 6, (uint16_t)b->flags);
	put_u32(h + 8, b->split);
	put_u32(h + 12, (uint32_t)b->size);
	put_u32(h + 16, (uint32_t)b->nmax);
	put_f32(h + 20, b->factor);
	put_u64(h + 24, b->seed);
	put_u64(h + 32, b->index);
	put_u32(h + 40, b->count);
	fwrite(h, 1, sizeof h, f);
	for (i = 0; i < b->size; i++) {
		put_u32(buf, b->len[i]);
		put_u32(buf + 4, b->id[i]);
		fwrite(buf, 1, 8, f);
	}
	for (i = 0; i < n; i += k) {
		for (k = 0; k < sizeof buf / 4 && i + k < n; k++)
			put_f32(buf + 4 * k, b->x[i + k]);
		fwrite(buf, 1, 4 * k, f);
	}
	out_check(f);
}

static int read_full(FILE *f, void *p, size_t n)
{
	return fread(p, 1, n, f) == n;
}

static const char *header_fields(const unsigned char *h, struct batch *b,
				 size_t *size, size_t *nmax)
{
	if (memcmp(h, BATCH_MAGIC, 4) != 0)
		return "not a batch stream (bad magic)";
	if (get_u16(h + 4) != BATCH_VERSION)
		return "unsupported version";
	b->flags = get_u16(h + 6);
	if (b->flags & ~BATCH_KNOWN_FLAGS)
		return "unknown flags";
	b->split = get_u32(h + 8);
	if (b->split > SPLIT_TEST)
		return "bad split";
	*size = get_u32(h + 12);
	*nmax = get_u32(h + 16);
	if (*size < 1 || *size > BATCH_MAX_SIZE)
		return "batch size out of range (1 to 100000)";
	if (*nmax < 1 || *nmax > STROKE_MAX_POINTS)
		return "N_max out of range (1 to 100000)";
	if ((*nmax + 1) * 5 > BATCH_MAX_FLOATS / *size)
		return "batch too large (over 2^28 floats)";
	b->factor = get_f32(h + 20);
	if (!isfinite(b->factor) || b->factor <= 0 ||
	    b->factor > STROKE_MAX_SCALE)
		return "scale factor is not a positive finite number";
	b->seed = get_u64(h + 24);
	b->index = get_u64(h + 32);
	b->count = get_u32(h + 40);
	if (get_u32(h + 44) != 0)
		return "reserved field is not 0";
	return NULL;
}

/* read_body: the lengths, ids and rows of a batch of size sketches of
 * nmax + 1 rows; NULL, or what is wrong. */
static const char *read_body(FILE *f, struct batch *b, size_t size, size_t nmax)
{
	unsigned char buf[4 * 1024];
	size_t i, j, k, n, want;

	for (i = 0; i < size; i++) {
		if (!read_full(f, buf, 8))
			return "truncated batch (lengths)";
		b->len[i] = get_u32(buf);
		b->id[i] = get_u32(buf + 4);
	}
	n = size * (nmax + 1) * 5;
	for (i = 0; i < n; i += k) {
		k = n - i < sizeof buf / 4 ? n - i : sizeof buf / 4;
		if (!read_full(f, buf, 4 * k))
			return "truncated batch (rows)";
		/* the rows' room grows with what has been read, so that a
		 * header alone cannot ask for 2^28 floats */
		if (i + k > b->capx) {
			want = 2 * b->capx > i + k ? 2 * b->capx : i + k;
			reserve_x(b, want < n ? want : n);
		}
		for (j = 0; j < k; j++)
			b->x[i + j] = get_f32(buf + 4 * j);
	}
	return NULL;
}

int batch_read(FILE *f, const char *name, unsigned long nread, struct batch *b)
{
	unsigned char h[BATCH_HEADER_SIZE];
	size_t size, nmax, sk, row;
	const char *why;
	int c = getc(f);

	if (c == EOF)
		return ferror(f)
			   ? data_error(name, "batch", nread + 1, "read error")
			   : 0;
	h[0] = (unsigned char)c;
	if (!read_full(f, h + 1, sizeof h - 1))
		why = "truncated batch header";
	else if (!(why = header_fields(h, b, &size, &nmax))) {
		reserve_lengths(b, size, nmax);
		why = read_body(f, b, size, nmax);
	}
	if (why)
		return data_error(name, "batch", nread + 1, "%s", why);
	if ((why = batch_check(b, &sk, &row)))
		return data_error(name, "batch", nread + 1,
				  "sketch %zu row %zu: %s", sk, row, why);
	return 1;
}

static int row_is(const float *r, float a, float b, float c, float d, float e)
{
	return r[0] == a && r[1] == b && r[2] == c && r[3] == d && r[4] == e;
}

const char *batch_check(const struct batch *b, size_t *sketch, size_t *row)
{
	size_t i, j, stride = (b->nmax + 1) * 5;
	const float *x, *r;

	for (i = 0; i < b->size; i++) {
		x = b->x + i * stride;
		*sketch = i;
		*row = 0;
		if (b->len[i] < 1 || b->len[i] > b->nmax)
			return "length out of range (1 to N_max)";
		if (b->id[i] >= b->count)
			return "drawing index not below the split's count";
		if (!row_is(x, 0, 0, 1, 0, 0))
			return "row 0 is not the start token (0,0,1,0,0)";
		for (j = 1; j <= b->nmax; j++) {
			r = x + j * 5;
			*row = j;
			if (j > b->len[i]) {
				if (!row_is(r, 0, 0, 0, 0, 1))
					return "padding row is not (0,0,0,0,1)";
				continue;
			}
			if (!isfinite(r[0]) || !isfinite(r[1]) ||
			    fabsf(r[0]) > 2 * STROKE_MAX_ABS ||
			    fabsf(r[1]) > 2 * STROKE_MAX_ABS)
				return "offset is not a finite number in range";
			if (r[4] != 0 || !((r[2] == 1 && r[3] == 0) ||
					   (r[2] == 0 && r[3] == 1)))
				return "pen state is not one-hot (p1 or p2)";
		}
	}
	return NULL;
}
