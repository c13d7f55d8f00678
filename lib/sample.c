/*
 * sample.c: sampling drawings from a decoder.  See sample.h for the
 * conventions and the order of the random draws.  It runs the decoder one
 * step at a time over B drawings (lstm_forward with T = 1, so a batch of 1
 * goes through gemm's matrix-vector path); it does not train anything.
 */
#include "sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lstm.h"
#include "mdn.h"
#include "util.h"

/* softmax_t: out = softmax(in / t), in float like the head it reads. */
static void softmax_t(const real *in, int n, double t, float *out)
{
	double mx = in[0], sum = 0;
	int i;

	for (i = 1; i < n; i++)
		mx = in[i] > mx ? in[i] : mx;
	for (i = 0; i < n; i++) {
		out[i] = (float)exp((in[i] - mx) / t);
		sum += out[i];
	}
	for (i = 0; i < n; i++)
		out[i] = (float)(out[i] / sum);
}

void sample_mixture(const real *y, const struct sample_opts *o,
		    struct mixture *mx)
{
	int M = mx->M, k;
	double tau = o->greedy ? 1 : o->tau;
	double td = o->convention == SAMPLE_MAGENTA ? 0.5 + 0.5 * tau : tau;
	double st = sqrt(tau);

	softmax_t(y, 3, td, mx->pen);
	softmax_t(y + 3, M, td, mx->pi);
	for (k = 0; k < M; k++) {
		mx->mux[k] = (float)y[3 + M + k];
		mx->muy[k] = (float)y[3 + 2 * M + k];
		mx->sx[k] = (float)(exp(y[3 + 3 * M + k]) * st);
		mx->sy[k] = (float)(exp(y[3 + 4 * M + k]) * st);
		mx->rho[k] = (float)tanh(y[3 + 5 * M + k]);
	}
}

int sample_choose(const float *p, int n, double u)
{
	double sum = 0;
	int i;

	for (i = 0; i < n; i++) {
		sum += p[i];
		if (sum >= u)
			return i;
	}
	return n - 1;
}

static int argmax(const float *p, int n)
{
	int i, best = 0;

	for (i = 1; i < n; i++)
		if (p[i] > p[best])
			best = i;
	return best;
}

/* polar: two standard normals by Marsaglia's polar method. */
static void polar(struct rng *r, double *z1, double *z2, int *draws)
{
	double u, v, s, c;

	do {
		u = 2 * rng_uniform(r) - 1;
		v = 2 * rng_uniform(r) - 1;
		*draws += 2;
		s = u * u + v * v;
	} while (s == 0 || s > 1);
	c = sqrt(-2 * log(s) / s);
	*z1 = u * c;
	*z2 = v * c;
}

void sample_point(const struct mixture *mx, const struct sample_opts *o,
		  struct rng *r, struct sample_row *row)
{
	double z1, z2, sx, sy, rho;
	int k;

	row->draws = 0;
	if (o->greedy) {
		row->k = argmax(mx->pi, mx->M);
		row->pen = argmax(mx->pen, 3);
		row->dx = mx->mux[row->k];
		row->dy = mx->muy[row->k];
		return;
	}
	row->k = k = sample_choose(mx->pi, mx->M, rng_uniform(r));
	row->pen = sample_choose(mx->pen, 3, rng_uniform(r));
	row->draws = 2;
	polar(r, &z1, &z2, &row->draws);
	sx = mx->sx[k];
	sy = mx->sy[k];
	rho = mx->rho[k];
	row->dx = sqrt(1 - rho * rho) * sx * z1 + rho * sx * z2 + mx->mux[k];
	row->dy = sy * z2 + mx->muy[k];
}

/* The decoder's working state for B drawings. */
struct run {
	struct sketchrnn *m;
	int B, H, S, W;	    /* S: state size, H (+ Nh for a hyper cell) */
	struct lstm_acts a; /* one step: h[0], c[0] in; h[1], c[1] out */
	real *x;	    /* [B, 5] the step's input rows */
	real *zproj;	    /* [B, 4S] z's part of the gates, or NULL */
	real *y;	    /* [B, 6M+3] head outputs */
};

static real *reals(long n)
{
	return xcalloc((size_t)n, sizeof(real));
}

/* start: initial states tanh(z init_w + init_b) (state layout: LSTM
 * [c, h], layer norm [h, c], hyper [h, h^, c, c^]; see model(5)) and z's
 * gate projection, or zeros without z. */
static void start(struct run *u, const real *z)
{
	struct sketchrnn *m = u->m;
	int B = u->B, S = u->S;
	real *init;

	lstm_acts_alloc(&u->a, &m->dec, 1, B, 0);
	u->x = reals(5L * B);
	u->y = reals((long)u->W * B);
	if (!z)
		return;
	init = reals(2L * B * S);
	u->zproj = reals(4L * B * S);
	sketchrnn_decoder_start(m, z, B, init, u->a.c, u->a.h, u->zproj);
	free(init);
}

/* step: one decoder step on u->x; the new state becomes the current one
 * and u->y gets the head outputs. */
static void step(struct run *u)
{
	struct sketchrnn *m = u->m;
	long BS = (long)u->B * u->S;

	lstm_forward(&m->dec, &u->a, &m->w.dec, u->x, u->zproj, NULL, NULL, 1,
		     u->B);
	memcpy(u->a.h, u->a.h + BS, BS * sizeof(real));
	memcpy(u->a.c, u->a.c + BS, BS * sizeof(real));
	gemm(0, 0, u->B, u->W, u->H, 1, u->a.h, u->S, m->w.out_w, u->W, 0, u->y,
	     u->W);
	for (long i = 0; i < (long)u->B * u->W; i++)
		u->y[i] += m->w.out_b[i % u->W];
}

static void set_row(real *x, double dx, double dy, int pen)
{
	x[0] = (real)dx;
	x[1] = (real)dy;
	x[2] = pen == PEN_DOWN;
	x[3] = pen == PEN_UP;
	x[4] = pen == PEN_END;
}

/* keep_row: row b of n-wide rows from src into dst. */
static void keep_row(real *dst, const real *src, int b, int n)
{
	memcpy(dst + (long)b * n, src + (long)b * n, (size_t)n * sizeof(real));
}

/* feed: run the longest prefix through the decoder, each drawing over its
 * own points.  A drawing whose prefix is done keeps its whole state (h, c
 * and a hyper cell's h^, c^) and the head output y of its last given row
 * (in y), while the others go on. */
static void feed(struct run *u, const struct drawing *prefix, real *h, real *c,
		 real *y)
{
	long BS = (long)u->B * u->S;
	size_t t, most = 0;
	int b;

	for (b = 0; b < u->B; b++)
		most = prefix[b].n > most ? prefix[b].n : most;
	for (t = 0; t < most; t++) {
		memcpy(h, u->a.h, BS * sizeof(real));
		memcpy(c, u->a.c, BS * sizeof(real));
		for (b = 0; b < u->B; b++)
			if (t < prefix[b].n)
				set_row(u->x + 5L * b, prefix[b].p[t].dx,
					prefix[b].p[t].dy,
					prefix[b].p[t].pen ? PEN_UP : PEN_DOWN);
		step(u);
		for (b = 0; b < u->B; b++) {
			if (t + 1 == prefix[b].n)
				keep_row(y, u->y, b, u->W);
			if (t >= prefix[b].n) { /* finished: keep its state */
				keep_row(u->a.h, h, b, u->S);
				keep_row(u->a.c, c, b, u->S);
			}
		}
	}
}

/* first_step: the start token, then the prefixes; afterwards u->y holds,
 * for every drawing, the head output after its last given row (the start
 * token's for an empty prefix). */
static void first_step(struct run *u, const struct drawing *prefix)
{
	real *h, *c, *y;
	long BS = (long)u->B * u->S;
	int b;

	for (b = 0; b < u->B; b++)
		set_row(u->x + 5L * b, 0, 0, PEN_DOWN);
	step(u);
	if (!prefix)
		return;
	h = reals(BS);
	c = reals(BS);
	y = reals((long)u->B * u->W);
	memcpy(y, u->y, (size_t)u->B * u->W * sizeof(real));
	feed(u, prefix, h, c, y);
	memcpy(u->y, y, (size_t)u->B * u->W * sizeof(real));
	free(h);
	free(c);
	free(y);
}

int sample_decode(struct sketchrnn *m, const real *z, int B,
		  const struct drawing *prefix, const struct sample_opts *o,
		  struct rng *r, struct drawing *out, struct sample_row *trace,
		  int *ntrace)
{
	struct run u;
	int M = m->cfg.num_mixture, b, i, live = B, rc = 0;
	float *buf = xcalloc(6L * M, sizeof(float));
	struct mixture mx = {M,		  {0},	       buf,
			     buf + M,	  buf + 2 * M, buf + 3 * M,
			     buf + 4 * M, buf + 5 * M};
	unsigned char *done = xcalloc((size_t)B, 1);
	struct sample_row row;

	memset(&u, 0, sizeof u);
	u.m = m;
	u.B = B;
	u.H = m->dec.H;
	u.S = lstm_state_size(&m->dec);
	u.W = MDN_WIDTH(M);
	start(&u, z);
	for (b = 0; b < B; b++) {
		if (prefix)
			drawing_copy(&out[b], &prefix[b]);
		if (ntrace)
			ntrace[b] = 0;
	}
	first_step(&u, prefix);
	for (i = 0; i < o->maxlen && live > 0 && rc == 0; i++) {
		for (b = 0; b < B; b++) {
			if (done[b])
				continue;
			sample_mixture(u.y + (long)b * u.W, o, &mx);
			sample_point(&mx, o, &r[b], &row);
			if (trace)
				trace[(long)b * o->maxlen + ntrace[b]++] = row;
			set_row(u.x + 5L * b, (float)row.dx, (float)row.dy,
				row.pen);
			if (row.pen == PEN_END || i + 1 == o->maxlen) {
				done[b] = 1;
				live--;
			}
			if (row.pen != PEN_END &&
			    drawing_push(&out[b], (float)row.dx, (float)row.dy,
					 row.pen == PEN_UP) < 0)
				rc = -1;
		}
		if (live > 0)
			step(&u);
	}
	lstm_acts_free(&u.a);
	free(u.x);
	free(u.y);
	free(u.zproj);
	free(buf);
	free(done);
	return rc;
}
