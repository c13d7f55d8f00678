/*
 * hyper.c: the HyperLSTM cell over all time steps (see hyper.h for the
 * equations and layouts).  Magenta's HyperLSTMCell with use_layer_norm:
 * the hyper cell and the main cell's gate math are lstm.c's layer-norm
 * cell (lstm_cell_forward, lstm_cell_backward); what is new here is the
 * hyper cell's input [x, h], the scalers and their gradients.  Every
 * reduction runs in a fixed order, as in lstm.c.
 */
#include <stdlib.h>
#include <string.h>

#include "hyper.h"
#include "util.h"

long hyper_params_count(const struct lstm *l)
{
	long in = l->in, H = l->H, Nh = l->Nh, E = l->E;
	long main = in * 4 * H + H * 4 * H + 4 * H + 8 * H + 2 * H;
	long hyp = in * 4 * Nh + (H + Nh) * 4 * Nh + 8 * Nh + 2 * Nh;

	return main + hyp + Nh * 8 * E + 8 * E + 8 * E * H + Nh * 4 * E +
	       4 * E * H;
}

static real *reals(long n)
{
	return xcalloc((size_t)n, sizeof(real));
}

struct hyper_acts *hyper_acts_alloc(const struct lstm *l, int T, int B)
{
	struct hyper_acts *y = xcalloc(1, sizeof(*y));
	long TB = (long)T * B, H = l->H, Nh = l->Nh, E = l->E;

	y->cell.T = T;
	y->cell.B = B;
	y->cell.act = reals(TB * 4 * Nh);
	y->cell.xhat = reals(TB * 4 * Nh);
	y->cell.rstd = reals(TB * 4);
	y->cell.chat = reals(TB * Nh);
	y->cell.rstdc = reals(TB);
	y->cell.tc = reals(TB * Nh);
	y->cell.dact = reals(TB * 4 * Nh);
	y->xh = reals(TB * 4 * H);
	y->hh = reals(TB * 4 * H);
	y->zw = reals(TB * 8 * E);
	y->zb = reals(TB * 4 * E);
	y->alpha = reals(TB * 8 * H);
	y->dxh = reals(TB * 4 * H);
	y->dhh = reals(TB * 4 * H);
	y->dalpha = reals(TB * 8 * H);
	y->dzw = reals(TB * 8 * E);
	y->dzb = reals(TB * 4 * E);
	return y;
}

void hyper_acts_free(struct hyper_acts *y)
{
	if (!y)
		return;
	lstm_acts_free(&y->cell);
	free(y->xh);
	free(y->hh);
	free(y->zw);
	free(y->zb);
	free(y->alpha);
	free(y->dxh);
	free(y->dhh);
	free(y->dalpha);
	free(y->dzw);
	free(y->dzb);
	free(y);
}

/* main_view, hyper_view: the two layer-norm cells inside, for lstm.c. */
static struct lstm main_view(const struct lstm *l)
{
	return (struct lstm){CELL_LAYER_NORM, l->in, l->H, 0, 0};
}

static struct lstm hyper_view(const struct lstm *l)
{
	return (struct lstm){CELL_LAYER_NORM, l->in + l->H, l->Nh, 0, 0};
}

/* hyper_params: the hyper cell's tensors of p as layer-norm cell
 * parameters (wx, wh are not used by the cell functions). */
static struct lstm_params hyper_params(const struct lstm_params *p)
{
	struct lstm_params q;

	memset(&q, 0, sizeof(q));
	q.wx = p->hyp_wx;
	q.wh = p->hyp_wh;
	q.ln_g = p->hyp_ln_g;
	q.ln_b = p->hyp_ln_b;
	q.lnc_g = p->hyp_lnc_g;
	q.lnc_b = p->hyp_lnc_b;
	return q;
}

static int frozen(const int *len, int t, int b)
{
	return len && t >= len[b];
}

/* add_xbias: y[rows, n] += xb[r mod B][0..n-1], xb rows ld apart. */
static void add_xbias(real *y, const real *xb, long rows, int B, int n, int ld)
{
	for (long r = 0; r < rows; r++)
		for (int k = 0; k < n; k++)
			y[r * n + k] += xb[(r % B) * ld + k];
}

/* sum_xbias: dxb[r mod B][0..n-1] += dy[rows, n], dxb rows ld apart. */
static void sum_xbias(real *dxb, const real *dy, long rows, int B, int n,
		      int ld)
{
	for (long r = 0; r < rows; r++)
		for (int k = 0; k < n; k++)
			dxb[(r % B) * ld + k] += dy[r * n + k];
}

/* hyper_step: step t of the hyper cell, from [h, h^][t] and c^[t] to
 * h^[t+1], c^[t+1]; a frozen sample's whole state is copied. */
static void hyper_step(const struct lstm *l, struct lstm_acts *a,
		       const struct lstm_params *p, const int *len, int t,
		       int B)
{
	struct hyper_acts *y = a->hy;
	struct lstm v = hyper_view(l);
	struct lstm_params q = hyper_params(p);
	int H = l->H, S = H + l->Nh, Gh = 4 * l->Nh;
	long BS = (long)B * S;
	const real *hp = a->h + t * BS, *cp = a->c + t * BS;
	real *hn = a->h + (t + 1) * BS, *cn = a->c + (t + 1) * BS;
	real *at = y->cell.act + (long)t * B * Gh;

	gemm(0, 0, B, Gh, S, 1, hp, S, p->hyp_wh, Gh, 1, at, Gh);
	for (int b = 0; b < B; b++) {
		if (frozen(len, t, b)) {
			memcpy(hn + b * S, hp + b * S, S * sizeof(real));
			memcpy(cn + b * S, cp + b * S, S * sizeof(real));
			continue;
		}
		lstm_cell_forward(&v, &y->cell, &q, (long)t * B + b,
				  at + (long)b * Gh, NULL, cp + b * S + H,
				  cn + b * S + H, hn + b * S + H);
	}
}

/* scalers_step: zw, zb and alpha of step t from h^[t+1]; beta goes
 * straight into the main cell's pre-activations a->act. */
static void scalers_step(const struct lstm *l, struct lstm_acts *a,
			 const struct lstm_params *p, int t, int B)
{
	struct hyper_acts *y = a->hy;
	int H = l->H, Nh = l->Nh, E = l->E, S = H + Nh, G = 4 * H;
	long TB = (long)t * B;
	const real *hx = a->h + (TB + B) * S + H;
	real *zw = y->zw + TB * 8 * E, *zb = y->zb + TB * 4 * E;
	real *al = y->alpha + TB * 8 * H, *at = a->act + TB * G;

	gemm(0, 0, B, 8 * E, Nh, 1, hx, S, p->zw_w, 8 * E, 0, zw, 8 * E);
	for (int b = 0; b < B; b++)
		for (int k = 0; k < 8 * E; k++)
			zw[(long)b * 8 * E + k] += p->zw_b[k];
	gemm(0, 0, B, 4 * E, Nh, 1, hx, S, p->zb_w, 4 * E, 0, zb, 4 * E);
	for (int k = 0; k < 8; k++)
		gemm(0, 0, B, H, E, 1, zw + k * E, 8 * E,
		     p->alpha_w + (long)k * E * H, H, 0, al + k * H, 8 * H);
	for (int k = 0; k < 4; k++)
		gemm(0, 0, B, H, E, 1, zb + k * E, 4 * E,
		     p->beta_w + (long)k * E * H, H, 0, at + k * H, G);
}

/* main_step: step t of the main cell: a = alpha_x xh + alpha_h hh +
 * beta + b, then the layer-norm cell to h[t+1], c[t+1]. */
static void main_step(const struct lstm *l, struct lstm_acts *a,
		      const struct lstm_params *p, const int *len,
		      const real *mask, int t, int B)
{
	struct hyper_acts *y = a->hy;
	struct lstm v = main_view(l);
	int H = l->H, S = H + l->Nh, G = 4 * H;
	long BS = (long)B * S, TB = (long)t * B;
	const real *hp = a->h + t * BS, *cp = a->c + t * BS;
	real *hn = a->h + (t + 1) * BS, *cn = a->c + (t + 1) * BS;
	real *hh = y->hh + TB * G;

	gemm(0, 0, B, G, H, 1, hp, S, p->wh, G, 0, hh, G);
	for (int b = 0; b < B; b++) {
		long r = TB + b;
		real *ar = a->act + r * G;
		const real *al = y->alpha + r * 2 * G, *xh = y->xh + r * G;

		if (frozen(len, t, b))
			continue;
		for (int k = 0; k < G; k++)
			ar[k] +=
			    al[k] * xh[k] + al[G + k] * hh[b * G + k] + p->b[k];
		lstm_cell_forward(&v, a, p, r, ar, mask ? mask + r * H : NULL,
				  cp + b * S, cn + b * S, hn + b * S);
	}
}

void hyper_forward(const struct lstm *l, struct lstm_acts *a,
		   const struct lstm_params *p, const real *x,
		   const real *xbias, const int *len, const real *mask, int T,
		   int B)
{
	struct hyper_acts *y = a->hy;
	int G = 4 * l->H, Gh = 4 * l->Nh, TB = T * B;

	gemm(0, 0, TB, G, l->in, 1, x, l->in, p->wx, G, 0, y->xh, G);
	gemm(0, 0, TB, Gh, l->in, 1, x, l->in, p->hyp_wx, Gh, 0, y->cell.act,
	     Gh);
	if (xbias) {
		add_xbias(y->xh, xbias, TB, B, G, G + Gh);
		add_xbias(y->cell.act, xbias + G, TB, B, Gh, G + Gh);
	}
	for (int t = 0; t < T; t++) {
		hyper_step(l, a, p, len, t, B);
		scalers_step(l, a, p, t, B);
		main_step(l, a, p, len, mask, t, B);
	}
}

/* main_back: step t of the main cell: from the gradient of h[t+1], c[t+1]
 * (a->dh, a->dc, first H columns) to a->dact (da, before layer norm),
 * dxh, dhh, dalpha and the gradient of c[t]. */
static void main_back(const struct lstm *l, struct lstm_acts *a,
		      const struct lstm_params *p, const struct lstm_params *g,
		      const int *len, const real *mask, const real *dh, int t,
		      int B)
{
	struct hyper_acts *y = a->hy;
	struct lstm v = main_view(l);
	int H = l->H, S = H + l->Nh, G = 4 * H;
	long BS = (long)B * S;

	for (int b = 0; b < B; b++) {
		long r = (long)t * B + b;
		real *dhb = a->dh + b * S, *da = a->dact + r * G;
		real *dxh = y->dxh + r * G, *dhh = y->dhh + r * G;
		real *dal = y->dalpha + r * 2 * G;
		const real *al = y->alpha + r * 2 * G;
		const real *xh = y->xh + r * G, *hh = y->hh + r * G;

		if (dh)
			for (int j = 0; j < H; j++)
				dhb[j] += dh[r * H + j];
		if (frozen(len, t, b)) {
			memset(da, 0, G * sizeof(real));
			memset(dxh, 0, G * sizeof(real));
			memset(dhh, 0, G * sizeof(real));
			memset(dal, 0, 2 * G * sizeof(real));
			continue;
		}
		lstm_cell_backward(&v, p, g, a, r, mask ? mask + r * H : NULL,
				   a->c + t * BS + b * S, dhb, a->dc + b * S,
				   da);
		memset(dhb, 0, H * sizeof(real));
		for (int k = 0; k < G; k++) {
			dxh[k] = da[k] * al[k];
			dhh[k] = da[k] * al[G + k];
			dal[k] = da[k] * xh[k];
			dal[G + k] = da[k] * hh[k];
		}
	}
}

/* scalers_back: step t: dzw, dzb from dalpha and dbeta (= da), and their
 * part of the gradient of h^[t+1] (a->dh, last Nh columns). */
static void scalers_back(const struct lstm *l, struct lstm_acts *a,
			 const struct lstm_params *p, int t, int B)
{
	struct hyper_acts *y = a->hy;
	int H = l->H, Nh = l->Nh, E = l->E, S = H + Nh, G = 4 * H;
	long TB = (long)t * B;
	real *dzw = y->dzw + TB * 8 * E, *dzb = y->dzb + TB * 4 * E;
	const real *dal = y->dalpha + TB * 8 * H, *da = a->dact + TB * G;

	for (int k = 0; k < 8; k++)
		gemm(0, 1, B, E, H, 1, dal + k * H, 8 * H,
		     p->alpha_w + (long)k * E * H, H, 0, dzw + k * E, 8 * E);
	for (int k = 0; k < 4; k++)
		gemm(0, 1, B, E, H, 1, da + k * H, G,
		     p->beta_w + (long)k * E * H, H, 0, dzb + k * E, 4 * E);
	gemm(0, 1, B, Nh, 8 * E, 1, dzw, 8 * E, p->zw_w, 8 * E, 1, a->dh + H,
	     S);
	gemm(0, 1, B, Nh, 4 * E, 1, dzb, 4 * E, p->zb_w, 4 * E, 1, a->dh + H,
	     S);
}

/* hyper_back: step t of the hyper cell, from the gradient of h^[t+1],
 * c^[t+1] to its a->hy->cell.dact and the gradient of c^[t]; then the
 * recurrent products give the gradient of [h, h^][t]. */
static void hyper_back(const struct lstm *l, struct lstm_acts *a,
		       const struct lstm_params *p, const struct lstm_params *g,
		       const int *len, int t, int B)
{
	struct hyper_acts *y = a->hy;
	struct lstm v = hyper_view(l);
	struct lstm_params q = hyper_params(p), qg = hyper_params(g);
	int H = l->H, Nh = l->Nh, S = H + Nh, G = 4 * H, Gh = 4 * Nh;
	long BS = (long)B * S, TB = (long)t * B;
	real *dat = y->cell.dact + TB * Gh;

	for (int b = 0; b < B; b++) {
		real *dhb = a->dh + b * S + H;

		if (frozen(len, t, b)) {
			memset(dat + (long)b * Gh, 0, Gh * sizeof(real));
			continue;
		}
		lstm_cell_backward(&v, &q, &qg, &y->cell, TB + b, NULL,
				   a->c + t * BS + b * S + H, dhb,
				   a->dc + b * S + H, dat + (long)b * Gh);
		memset(dhb, 0, Nh * sizeof(real));
	}
	gemm(0, 1, B, H, G, 1, y->dhh + TB * G, G, p->wh, G, 1, a->dh, S);
	gemm(0, 1, B, S, Gh, 1, dat, Gh, p->hyp_wh, Gh, 1, a->dh, S);
}

/* colsum: db[n] += the sum of the rows of dy[rows, n]. */
static void colsum(real *db, const real *dy, long rows, int n)
{
	for (long r = 0; r < rows; r++)
		for (int k = 0; k < n; k++)
			db[k] += dy[r * n + k];
}

/* weights_back: every weight gradient, GEMMs over all T B rows. */
static void weights_back(const struct lstm *l, const struct lstm_acts *a,
			 const struct lstm_params *g, const real *x, int T,
			 int B)
{
	const struct hyper_acts *y = a->hy;
	int in = l->in, H = l->H, Nh = l->Nh, E = l->E, S = H + Nh;
	int G = 4 * H, Gh = 4 * Nh, TB = T * B;
	const real *hx = a->h + (long)B * S + H; /* h^[1..T] */

	gemm(1, 0, H, G, TB, 1, a->h, S, y->dhh, G, 1, g->wh, G);
	gemm(1, 0, in, G, TB, 1, x, in, y->dxh, G, 1, g->wx, G);
	colsum(g->b, a->dact, TB, G);
	for (int k = 0; k < 8; k++)
		gemm(1, 0, E, H, TB, 1, y->zw + k * E, 8 * E, y->dalpha + k * H,
		     8 * H, 1, g->alpha_w + (long)k * E * H, H);
	for (int k = 0; k < 4; k++)
		gemm(1, 0, E, H, TB, 1, y->zb + k * E, 4 * E, a->dact + k * H,
		     G, 1, g->beta_w + (long)k * E * H, H);
	gemm(1, 0, Nh, 8 * E, TB, 1, hx, S, y->dzw, 8 * E, 1, g->zw_w, 8 * E);
	colsum(g->zw_b, y->dzw, TB, 8 * E);
	gemm(1, 0, Nh, 4 * E, TB, 1, hx, S, y->dzb, 4 * E, 1, g->zb_w, 4 * E);
	gemm(1, 0, in, Gh, TB, 1, x, in, y->cell.dact, Gh, 1, g->hyp_wx, Gh);
	gemm(1, 0, S, Gh, TB, 1, a->h, S, y->cell.dact, Gh, 1, g->hyp_wh, Gh);
}

void hyper_backward(const struct lstm *l, struct lstm_acts *a,
		    const struct lstm_params *p, const struct lstm_params *g,
		    const real *x, const int *len, const real *mask, int T,
		    int B, const real *dh, const real *dhT, const real *dcT,
		    real *dx, real *dxbias, real *dh0, real *dc0)
{
	const struct hyper_acts *y = a->hy;
	int in = l->in, S = l->H + l->Nh, G = 4 * l->H, Gh = 4 * l->Nh;
	long BS = (long)B * S, TB = (long)T * B;

	for (long k = 0; k < BS; k++) {
		a->dh[k] = dhT ? dhT[k] : 0;
		a->dc[k] = dcT ? dcT[k] : 0;
	}
	for (int t = T - 1; t >= 0; t--) {
		main_back(l, a, p, g, len, mask, dh, t, B);
		scalers_back(l, a, p, t, B);
		hyper_back(l, a, p, g, len, t, B);
	}
	for (long k = 0; k < BS; k++) {
		if (dh0)
			dh0[k] += a->dh[k];
		if (dc0)
			dc0[k] += a->dc[k];
	}
	weights_back(l, a, g, x, T, B);
	if (dxbias) {
		sum_xbias(dxbias, y->dxh, TB, B, G, G + Gh);
		sum_xbias(dxbias + G, y->cell.dact, TB, B, Gh, G + Gh);
	}
	if (dx) {
		gemm(0, 1, (int)TB, in, G, 1, y->dxh, G, p->wx, G, 1, dx, in);
		gemm(0, 1, (int)TB, in, Gh, 1, y->cell.dact, Gh, p->hyp_wx, Gh,
		     1, dx, in);
	}
}
