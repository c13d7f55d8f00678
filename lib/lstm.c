/*
 * lstm.c: LSTM and layer-norm LSTM cells over all time steps (see lstm.h
 * for the equations and layouts).  Hochreiter and Schmidhuber 1997 with the
 * TF BasicLSTMCell gate order; layer norm as Ba et al. 2016, per gate
 * block; recurrent dropout on the candidate as Semeniuta et al. 2016.
 * Every reduction runs in a fixed order, so results do not depend on
 * anything but the inputs and the BLAS thread count.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hyper.h"
#include "lstm.h"
#include "rng.h"
#include "util.h"

long lstm_params_count(const struct lstm *l)
{
	long G = 4L * l->H;
	long n = (long)l->in * G + (long)l->H * G;

	if (l->cell == CELL_HYPER)
		return hyper_params_count(l);
	if (l->cell == CELL_LAYER_NORM)
		return n + 2 * G + 2L * l->H;
	return n + G;
}

int lstm_state_size(const struct lstm *l)
{
	return l->H + (l->cell == CELL_HYPER ? l->Nh : 0);
}

int lstm_xbias_size(const struct lstm *l)
{
	return 4 * lstm_state_size(l);
}

static real *alloc_reals(long n)
{
	return xcalloc((size_t)n, sizeof(real));
}

void lstm_acts_alloc(struct lstm_acts *a, const struct lstm *l, int T, int B,
		     int with_mask)
{
	long H = l->H, S = lstm_state_size(l), TB = (long)T * B;

	memset(a, 0, sizeof(*a));
	a->T = T;
	a->B = B;
	a->act = alloc_reals(TB * 4 * H);
	a->dact = alloc_reals(TB * 4 * H);
	a->c = alloc_reals((TB + B) * S);
	a->h = alloc_reals((TB + B) * S);
	a->tc = alloc_reals(TB * H);
	a->dh = alloc_reals(B * S);
	a->dc = alloc_reals(B * S);
	if (with_mask)
		a->mask = alloc_reals(TB * H);
	if (l->cell == CELL_HYPER)
		a->hy = hyper_acts_alloc(l, T, B);
	if (l->cell != CELL_LSTM) {
		a->xhat = alloc_reals(TB * 4 * H);
		a->rstd = alloc_reals(TB * 4);
		a->chat = alloc_reals(TB * H);
		a->rstdc = alloc_reals(TB);
	}
}

void lstm_acts_free(struct lstm_acts *a)
{
	free(a->act);
	free(a->dact);
	free(a->c);
	free(a->h);
	free(a->tc);
	free(a->dh);
	free(a->dc);
	free(a->mask);
	free(a->xhat);
	free(a->rstd);
	free(a->chat);
	free(a->rstdc);
	hyper_acts_free(a->hy);
	memset(a, 0, sizeof(*a));
}

void lstm_mask_fill(real *mask, long n, double keep, struct rng *r)
{
	uint64_t lim = (uint64_t)(keep * 4294967296.0);
	real scale = (real)(1.0 / keep);

	for (long i = 0; i < n; i += 2) {
		uint64_t u = rng_u64(r);

		mask[i] = (u >> 32) < lim ? scale : 0;
		if (i + 1 < n)
			mask[i + 1] = (u & 0xffffffffu) < lim ? scale : 0;
	}
}

static real sigm(real x)
{
	return 1 / (1 + r_exp(-x));
}

/*
 * tanh_fast: tanh through one exp, about three times cheaper than libm's
 * tanhf: 1 - 2 / (e^2x + 1), with the Taylor series below |x| = 0.1 where
 * that form cancels.  Absolute error about 1e-7 in float; the double
 * build (the finite-difference test) uses libm's tanh.
 */
static real tanh_fast(real x)
{
#ifdef SKETCH_DOUBLE
	return tanh(x);
#else
	real a = x < 0 ? -x : x, x2 = x * x, t;

	if (a < 0.1f)
		return x * (1 + x2 * (-1.0f / 3 +
				      x2 * (2.0f / 15 + x2 * (-17.0f / 315))));
	t = 1 - 2 / (r_exp(2 * a) + 1);
	return x < 0 ? -t : t;
#endif
}

/* ln_forward: normalise v[n] in place to g * xhat + b; xhat[n] out;
 * returns 1/sqrt(var + eps). */
static real ln_forward(real *v, real *xhat, const real *g, const real *b, int n)
{
	real mean = 0, var = 0, rs;

	for (int i = 0; i < n; i++)
		mean += v[i];
	mean /= n;
	for (int i = 0; i < n; i++)
		var += (v[i] - mean) * (v[i] - mean);
	var /= n;
	rs = 1 / r_sqrt(var + (real)LSTM_LN_EPS);
	for (int i = 0; i < n; i++) {
		xhat[i] = (v[i] - mean) * rs;
		v[i] = g[i] * xhat[i] + b[i];
	}
	return rs;
}

/* ln_backward: dy[n] (gradient of g * xhat + b) -> dx[n], accumulating
 * dg, db.  dx may alias dy. */
static void ln_backward(const real *dy, const real *xhat, real rs,
			const real *g, real *dg, real *db, real *dx, int n)
{
	real m1 = 0, m2 = 0;

	for (int i = 0; i < n; i++) {
		real dxh = dy[i] * g[i];

		dg[i] += dy[i] * xhat[i];
		db[i] += dy[i];
		m1 += dxh;
		m2 += dxh * xhat[i];
	}
	m1 /= n;
	m2 /= n;
	for (int i = 0; i < n; i++)
		dx[i] = rs * (dy[i] * g[i] - m1 - xhat[i] * m2);
}

#ifndef SKETCH_DOUBLE
/*
 * Four-wide exp, sigmoid and tanh with GCC/Clang vector extensions (SSE2
 * on any x86-64, NEON on arm64, plain code elsewhere).  exp(x) = 2^i e^r
 * with i = round(x / ln 2), r = x - i ln 2 in two parts (Cody-Waite), and
 * a degree-7 Taylor polynomial for e^r, |r| <= ln 2 / 2: relative error
 * below 1e-7 (measured).  x is clamped to [-87, 88].
 */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

static v4f v4_select(v4i mask, v4f a, v4f b)
{
	return (v4f)((mask & (v4i)a) | (~mask & (v4i)b));
}

static v4f v4_exp(v4f x)
{
	const v4f lo = {-87, -87, -87, -87}, hi = {88, 88, 88, 88};
	const v4f magic = {12582912, 12582912, 12582912, 12582912};
	v4f fi, r, p;
	v4i e;

	x = v4_select(x < lo, lo, x);
	x = v4_select(x > hi, hi, x);
	fi = (x * 1.44269504f + magic) - magic; /* round to nearest */
	r = x - fi * 0.693145752f;
	r = r - fi * 1.42860677e-6f;
	p = r * (1.0f / 5040) + 1.0f / 720;
	p = p * r + 1.0f / 120;
	p = p * r + 1.0f / 24;
	p = p * r + 1.0f / 6;
	p = p * r + 0.5f;
	p = p * r + 1;
	p = p * r + 1;
	e = (__builtin_convertvector(fi, v4i) + 127) << 23;
	return p * (v4f)e;
}

static v4f v4_sigmoid(v4f x)
{
	return 1 / (1 + v4_exp(-x));
}

/* v4_tanh: 1 - 2/(e^2|x| + 1) with the sign of x; Taylor below 0.1. */
static v4f v4_tanh(v4f x)
{
	const v4f small = {0.1f, 0.1f, 0.1f, 0.1f};
	v4i neg = x < 0;
	v4f a = v4_select(neg, -x, x), x2 = x * x, t, s;

	t = 1 - 2 / (v4_exp(2 * a) + 1);
	t = v4_select(neg, -t, t);
	s = x * (1 + x2 * (-1.0f / 3 + x2 * (2.0f / 15 + x2 * (-17.0f / 315))));
	return v4_select(a < small, s, t);
}
#endif

/* act_sigmoid: y[n] = sigmoid(x[n] + bias); y may be x. */
static void act_sigmoid(const real *x, real *y, int n, real bias)
{
	int j = 0;

#ifndef SKETCH_DOUBLE
	for (; j + 4 <= n; j += 4) {
		v4f v;

		memcpy(&v, x + j, sizeof(v));
		v = v4_sigmoid(v + bias);
		memcpy(y + j, &v, sizeof(v));
	}
#endif
	for (; j < n; j++)
		y[j] = sigm(x[j] + bias);
}

/* act_tanh: y[n] = tanh(x[n]); y may be x. */
static void act_tanh(const real *x, real *y, int n)
{
	int j = 0;

#ifndef SKETCH_DOUBLE
	for (; j + 4 <= n; j += 4) {
		v4f v;

		memcpy(&v, x + j, sizeof(v));
		v = v4_tanh(v);
		memcpy(y + j, &v, sizeof(v));
	}
#endif
	for (; j < n; j++)
		y[j] = tanh_fast(x[j]);
}

/* cell_forward: gate math of one sample.  ar [4H] pre-activations in,
 * activations out; m [H] mask or NULL; cp [H] previous c; cn, hn, tc [H]
 * out. */
static void cell_forward(const struct lstm *l, const struct lstm_params *p,
			 real *ar, const real *m, const real *cp, real *cn,
			 real *hn, real *tc, real *chat, real *rstdc)
{
	int H = l->H;
	real *ai = ar, *ag = ar + H, *af = ar + 2 * H, *ao = ar + 3 * H;

	act_sigmoid(ai, ai, H, 0);
	act_tanh(ag, ag, H);
	act_sigmoid(af, af, H, (real)LSTM_FORGET_BIAS);
	act_sigmoid(ao, ao, H, 0);
	if (m)
		for (int j = 0; j < H; j++)
			cn[j] = cp[j] * af[j] + ai[j] * (ag[j] * m[j]);
	else
		for (int j = 0; j < H; j++)
			cn[j] = cp[j] * af[j] + ai[j] * ag[j];
	if (l->cell == CELL_LSTM) {
		act_tanh(cn, tc, H);
	} else {
		memcpy(tc, cn, H * sizeof(real));
		*rstdc = ln_forward(tc, chat, p->lnc_g, p->lnc_b, H);
		act_tanh(tc, tc, H);
	}
	for (int j = 0; j < H; j++)
		hn[j] = tc[j] * ao[j];
}

void lstm_cell_forward(const struct lstm *l, struct lstm_acts *a,
		       const struct lstm_params *p, long r, real *ar,
		       const real *m, const real *cp, real *cn, real *hn)
{
	int H = l->H, G = 4 * H;

	if (l->cell == CELL_LAYER_NORM)
		for (int k = 0; k < 4; k++)
			a->rstd[r * 4 + k] =
			    ln_forward(ar + k * H, a->xhat + r * G + k * H,
				       p->ln_g + k * H, p->ln_b + k * H, H);
	cell_forward(l, p, ar, m, cp, cn, hn, a->tc + r * H,
		     a->chat ? a->chat + r * H : NULL,
		     a->rstdc ? a->rstdc + r : NULL);
}

void lstm_forward(const struct lstm *l, struct lstm_acts *a,
		  const struct lstm_params *p, const real *x, const real *xbias,
		  const int *len, const real *mask, int T, int B)
{
	int H = l->H, G = 4 * H;
	long BH = (long)B * H, BG = (long)B * G;

	if (T > a->T || B > a->B)
		die("lstm_forward: %d x %d exceeds the buffers", T, B);
	if (l->cell == CELL_HYPER) {
		hyper_forward(l, a, p, x, xbias, len, mask, T, B);
		return;
	}
	gemm(0, 0, T * B, G, l->in, 1, x, l->in, p->wx, G, 0, a->act, G);
	if (p->b || xbias) {
		/* per-sample bias b + xbias[b], built in the backward scratch
		 */
		real *bias = a->dact;

		for (int b = 0; b < B; b++)
			for (int k = 0; k < G; k++)
				bias[(long)b * G + k] =
				    (p->b ? p->b[k] : 0) +
				    (xbias ? xbias[(long)b * G + k] : 0);
		for (long r = 0; r < (long)T * B; r++) {
			real *ar = a->act + r * G;
			const real *br = bias + (r % B) * G;

			for (int k = 0; k < G; k++)
				ar[k] += br[k];
		}
	}
	for (int t = 0; t < T; t++) {
		real *at = a->act + t * BG;
		const real *hp = a->h + t * BH, *cp = a->c + t * BH;
		real *hn = a->h + (t + 1) * BH, *cn = a->c + (t + 1) * BH;

		gemm(0, 0, B, G, H, 1, hp, H, p->wh, G, 1, at, G);
		for (int b = 0; b < B; b++) {
			long r = (long)t * B + b;
			real *ar = at + (long)b * G;

			if (len && t >= len[b]) {
				memcpy(hn + b * H, hp + b * H,
				       H * sizeof(real));
				memcpy(cn + b * H, cp + b * H,
				       H * sizeof(real));
				continue;
			}
			lstm_cell_forward(l, a, p, r, ar,
					  mask ? mask + r * H : NULL,
					  cp + b * H, cn + b * H, hn + b * H);
		}
	}
}

void lstm_cell_backward(const struct lstm *l, const struct lstm_params *p,
			const struct lstm_params *gr, const struct lstm_acts *a,
			long r, const real *m, const real *cp, const real *dh,
			real *dc, real *dar)
{
	int H = l->H;
	const real *ar = a->act + r * 4 * H, *tcr = a->tc + r * H;
	real m1 = 0, m2 = 0, rs = 0;
	const real *chat = NULL;

	if (l->cell == CELL_LAYER_NORM) {
		/* h' = tanh(y) o, y = g_c chat + b_c: fold dL/dc' of LN_c. */
		chat = a->chat + r * H;
		rs = a->rstdc[r];
		for (int j = 0; j < H; j++) {
			real tc = tcr[j];
			real dy = dh[j] * ar[3 * H + j] * (1 - tc * tc);
			real dxh = dy * p->lnc_g[j];

			gr->lnc_g[j] += dy * chat[j];
			gr->lnc_b[j] += dy;
			m1 += dxh;
			m2 += dxh * chat[j];
			dar[3 * H + j] = dh[j] * tc; /* d o */
		}
		m1 /= H;
		m2 /= H;
	}
	for (int j = 0; j < H; j++) {
		real i = ar[j], g = ar[H + j], f = ar[2 * H + j];
		real o = ar[3 * H + j], mj = m ? m[j] : 1, dcj, dout;

		if (l->cell == CELL_LSTM) {
			real tc = tcr[j];

			dout = dh[j] * tc;
			dcj = dc[j] + dh[j] * o * (1 - tc * tc);
		} else {
			real tc = tcr[j];
			real dxh = dh[j] * o * (1 - tc * tc) * p->lnc_g[j];

			dout = dar[3 * H + j];
			dcj = dc[j] + rs * (dxh - m1 - chat[j] * m2);
		}
		dc[j] = dcj * f;
		dar[j] = dcj * g * mj * i * (1 - i);
		dar[H + j] = dcj * i * mj * (1 - g * g);
		dar[2 * H + j] = dcj * cp[j] * f * (1 - f);
		dar[3 * H + j] = dout * o * (1 - o);
	}
	if (l->cell == CELL_LAYER_NORM)
		for (int k = 0; k < 4; k++)
			ln_backward(dar + k * H, a->xhat + r * 4 * H + k * H,
				    a->rstd[r * 4 + k], p->ln_g + k * H,
				    gr->ln_g + k * H, gr->ln_b + k * H,
				    dar + k * H, H);
}

void lstm_backward(const struct lstm *l, struct lstm_acts *a,
		   const struct lstm_params *p, const struct lstm_params *g,
		   const real *x, const int *len, const real *mask, int T,
		   int B, const real *dh, const real *dhT, const real *dcT,
		   real *dx, real *dxbias, real *dh0, real *dc0)
{
	int H = l->H, G = 4 * H;
	long BH = (long)B * H, BG = (long)B * G, TB = (long)T * B;
	real *dhn = a->dh, *dcn = a->dc;

	if (l->cell == CELL_HYPER) {
		hyper_backward(l, a, p, g, x, len, mask, T, B, dh, dhT, dcT, dx,
			       dxbias, dh0, dc0);
		return;
	}

	for (long k = 0; k < BH; k++) {
		dhn[k] = dhT ? dhT[k] : 0;
		dcn[k] = dcT ? dcT[k] : 0;
	}
	for (int t = T - 1; t >= 0; t--) {
		real *dat = a->dact + t * BG;

		for (int b = 0; b < B; b++) {
			long r = (long)t * B + b;
			real *dhb = dhn + b * H;

			if (dh)
				for (int j = 0; j < H; j++)
					dhb[j] += dh[r * H + j];
			if (len && t >= len[b]) {
				memset(dat + b * G, 0, G * sizeof(real));
				continue;
			}
			lstm_cell_backward(l, p, g, a, r,
					   mask ? mask + r * H : NULL,
					   a->c + t * BH + b * H, dhb,
					   dcn + b * H, dat + b * G);
			memset(dhb, 0, H * sizeof(real));
		}
		gemm(0, 1, B, H, G, 1, dat, G, p->wh, G, 1, dhn, H);
	}
	for (long k = 0; k < BH; k++) {
		if (dh0)
			dh0[k] += dhn[k];
		if (dc0)
			dc0[k] += dcn[k];
	}
	gemm(1, 0, H, G, (int)TB, 1, a->h, H, a->dact, G, 1, g->wh, G);
	gemm(1, 0, l->in, G, (int)TB, 1, x, l->in, a->dact, G, 1, g->wx, G);
	if (g->b)
		for (long r = 0; r < TB; r++)
			for (int k = 0; k < G; k++)
				g->b[k] += a->dact[r * G + k];
	if (dxbias)
		for (long r = 0; r < TB; r++)
			for (int k = 0; k < G; k++)
				dxbias[(r % B) * G + k] += a->dact[r * G + k];
	if (dx)
		gemm(0, 1, (int)TB, l->in, G, 1, a->dact, G, p->wx, G, 1, dx,
		     l->in);
}
