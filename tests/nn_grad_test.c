/*
 * nn_grad_test: every backward pass of the neural core against central
 * finite differences, in double precision (this program and the kernels
 * it links are compiled with -DSKETCH_DOUBLE), on tiny shapes.
 *
 * Checked: gemm against the naive loop; the LSTM, layer-norm LSTM and
 * HyperLSTM cells (lengths, dropout masks, per-sample input bias, initial
 * state: every parameter tensor and every input gradient); the mixture
 * loss; the KL term; the whole model in several configurations (hyper
 * decoders among them), every parameter tensor; the reference parameter
 * counts; one Adam step against its formula.  An element passes when
 * |analytic - numeric| <= ATOL + RTOL max(|analytic|, |numeric|).
 * One "ok"/"not ok" line per tensor; any failure makes the exit status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "hyper.h"
#include "lstm.h"
#include "mdn.h"
#include "rng.h"
#include "sketchrnn.h"
#include "util.h"

#ifndef SKETCH_DOUBLE
#error "nn_grad_test must be compiled with -DSKETCH_DOUBLE"
#endif

#define STEP 1e-5
#define ATOL 1e-8
#define RTOL 1e-5

static int failures;
static struct rng rng;

static void report(int ok, const char *fmt, const char *what, double err)
{
	printf("%s - ", ok ? "ok" : "not ok");
	printf(fmt, what);
	printf(" (max error %.3g)\n", err);
	if (!ok)
		failures++;
}

/* compare: analytic a[n] against numeric d[n]. */
static void compare(const char *what, const double *a, const double *d, long n)
{
	double worst = 0, rel = 0;
	int ok = n > 0;

	for (long i = 0; i < n; i++) {
		double e = fabs(a[i] - d[i]);
		double s = fabs(a[i]) > fabs(d[i]) ? fabs(a[i]) : fabs(d[i]);

		if (!(e <= ATOL + RTOL * s))
			ok = 0;
		worst = e > worst ? e : worst;
		if (s > 1e-6 && e / s > rel)
			rel = e / s;
	}
	printf("%s - gradient of %s (max error %.3g, max relative %.3g where "
	       "|g| > 1e-6)\n",
	       ok ? "ok" : "not ok", what, worst, rel);
	if (!ok)
		failures++;
}

static void randomize(double *p, long n, double scale)
{
	for (long i = 0; i < n; i++)
		p[i] = scale * (2 * rng_uniform(&rng) - 1);
}

/* Finite differences of f over v[n]: numeric gradient into d[n]. */
typedef double (*lossfn)(void *ctx);

static void numeric(lossfn f, void *ctx, double *v, long n, double *d)
{
	for (long i = 0; i < n; i++) {
		double keep = v[i], lp, lm;

		v[i] = keep + STEP;
		lp = f(ctx);
		v[i] = keep - STEP;
		lm = f(ctx);
		v[i] = keep;
		d[i] = (lp - lm) / (2 * STEP);
	}
}

static void check(const char *what, lossfn f, void *ctx, double *v, long n,
		  const double *analytic)
{
	double *d = xcalloc((size_t)n, sizeof(double));

	numeric(f, ctx, v, n, d);
	compare(what, analytic, d, n);
	free(d);
}

/* ---- gemm ---- */

static void test_gemm(void)
{
	int dims[][3] = {{3, 4, 5}, {1, 7, 3}, {1, 1, 6}, {6, 2, 1}};

	for (size_t c = 0; c < sizeof(dims) / sizeof(dims[0]); c++) {
		for (int ta = 0; ta < 2; ta++) {
			for (int tb = 0; tb < 2; tb++) {
				int m = dims[c][0], n = dims[c][1];
				int k = dims[c][2];
				double a[64], b[64], c1[64], c2[64], err = 0;
				char what[64];

				randomize(a, 64, 1);
				randomize(b, 64, 1);
				randomize(c1, 64, 1);
				memcpy(c2, c1, sizeof(c1));
				gemm(ta, tb, m, n, k, 0.7, a, ta ? m : k, b,
				     tb ? k : n, 0.3, c1, n);
				gemm_naive(ta, tb, m, n, k, 0.7, a, ta ? m : k,
					   b, tb ? k : n, 0.3, c2, n);
				for (int i = 0; i < m * n; i++)
					err = fmax(err, fabs(c1[i] - c2[i]));
				snprintf(what, sizeof(what),
					 "gemm %dx%dx%d ta=%d tb=%d", m, n, k,
					 ta, tb);
				report(err < 1e-12, "%s matches the naive loop",
				       what, err);
			}
		}
	}
}

/* ---- LSTM cells ---- */

struct lstm_case {
	struct lstm l;
	struct lstm_acts a;
	struct lstm_params p, g;
	double *params, *grads;
	long np;
	int T, B, len[3];
	double *x, *xbias, *h0, *c0, *R, *RhT, *RcT, *mask;
	double *dx, *dxbias, *dh0, *dc0;
};

/* point_hyper: a hyper cell's own tensors from base on (hyper.h). */
static void point_hyper(struct lstm_params *p, double *base,
			const struct lstm *l)
{
	long H = l->H, Nh = l->Nh, E = l->E, Gh = 4 * Nh;

	p->hyp_wx = base;
	p->hyp_wh = p->hyp_wx + l->in * Gh;
	p->hyp_ln_g = p->hyp_wh + (H + Nh) * Gh;
	p->hyp_ln_b = p->hyp_ln_g + Gh;
	p->hyp_lnc_g = p->hyp_ln_b + Gh;
	p->hyp_lnc_b = p->hyp_lnc_g + Nh;
	p->zw_w = p->hyp_lnc_b + Nh;
	p->zw_b = p->zw_w + Nh * 8 * E;
	p->alpha_w = p->zw_b + 8 * E;
	p->zb_w = p->alpha_w + 8 * E * H;
	p->beta_w = p->zb_w + Nh * 4 * E;
}

static void point_cell(struct lstm_params *p, double *base,
		       const struct lstm *l)
{
	long G = 4L * l->H;
	double *q;

	memset(p, 0, sizeof(*p));
	p->wx = base;
	p->wh = p->wx + l->in * G;
	q = p->wh + l->H * G;
	if (l->cell != CELL_LAYER_NORM) {
		p->b = q;
		q += G;
	}
	if (l->cell != CELL_LSTM) {
		p->ln_g = q;
		p->ln_b = p->ln_g + G;
		p->lnc_g = p->ln_b + G;
		p->lnc_b = p->lnc_g + l->H;
		q = p->lnc_b + l->H;
	}
	if (l->cell == CELL_HYPER)
		point_hyper(p, q, l);
}

/* gains_near_one: layer-norm gains (and a hyper cell's zw bias, which
 * starts at 1) moved to 1 + U(-0.8, 0.8). */
static void gains_near_one(const struct lstm_params *p, const struct lstm *l)
{
	struct {
		double *v;
		long n;
	} t[] = {{p->ln_g, 4L * l->H},
		 {p->lnc_g, l->H},
		 {p->hyp_ln_g, 4L * l->Nh},
		 {p->hyp_lnc_g, l->Nh},
		 {p->zw_b, 8L * l->E}};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (long k = 0; t[i].v && k < t[i].n; k++)
			t[i].v[k] += 1;
}

/* lstm_loss: sum of R times the outputs h[1..T] (the first H values of
 * each state row) plus RhT, RcT times the whole final state. */
static double lstm_loss(void *ctx)
{
	struct lstm_case *c = ctx;
	int H = c->l.H, S = lstm_state_size(&c->l);
	long BS = (long)c->B * S;
	double s = 0;

	memcpy(c->a.h, c->h0, BS * sizeof(double));
	memcpy(c->a.c, c->c0, BS * sizeof(double));
	lstm_forward(&c->l, &c->a, &c->p, c->x, c->xbias, c->len, c->mask, c->T,
		     c->B);
	for (long r = 0; r < (long)c->T * c->B; r++)
		for (int j = 0; j < H; j++)
			s += c->a.h[BS + r * S + j] * c->R[r * H + j];
	for (long i = 0; i < BS; i++)
		s += c->a.h[c->T * BS + i] * c->RhT[i] +
		     c->a.c[c->T * BS + i] * c->RcT[i];
	return s;
}

static double *dalloc(long n)
{
	return xcalloc((size_t)n, sizeof(double));
}

static void test_lstm(int cell, int use_len, int use_mask)
{
	struct lstm_case c;
	int hyper = cell == CELL_HYPER;
	int in = 3, H = 4, T = 5, B = 3;
	long BH = (long)B * H, BS, X;
	char what[96];
	const char *cname = cell == CELL_LSTM	      ? "lstm"
			    : cell == CELL_LAYER_NORM ? "layer_norm"
						      : "hyper";

	memset(&c, 0, sizeof(c));
	c.l = (struct lstm){cell, in, H, hyper ? 3 : 0, hyper ? 2 : 0};
	BS = (long)B * lstm_state_size(&c.l);
	X = (long)B * lstm_xbias_size(&c.l);
	c.T = T;
	c.B = B;
	c.len[0] = T;
	c.len[1] = use_len ? 3 : T;
	c.len[2] = use_len ? 1 : T;
	c.np = lstm_params_count(&c.l);
	c.params = dalloc(c.np);
	c.grads = dalloc(c.np);
	randomize(c.params, c.np, 0.8);
	point_cell(&c.p, c.params, &c.l);
	point_cell(&c.g, c.grads, &c.l);
	if (cell == CELL_LAYER_NORM)
		for (int k = 0; k < 5 * H; k++)
			c.p.ln_g[k] += 1; /* ln_g, ln_b, lnc_g follow */
	if (hyper)
		gains_near_one(&c.p, &c.l);
	lstm_acts_alloc(&c.a, &c.l, T, B, use_mask);
	c.x = dalloc((long)T * B * in);
	c.xbias = dalloc(X);
	c.h0 = dalloc(BS);
	c.c0 = dalloc(BS);
	c.R = dalloc(T * BH);
	c.RhT = dalloc(BS);
	c.RcT = dalloc(BS);
	randomize(c.x, (long)T * B * in, 1);
	randomize(c.xbias, X, 0.5);
	randomize(c.h0, BS, 0.5);
	randomize(c.c0, BS, 0.5);
	randomize(c.R, T * BH, 1);
	randomize(c.RhT, BS, 1);
	randomize(c.RcT, BS, 1);
	if (use_mask) {
		c.mask = c.a.mask;
		lstm_mask_fill(c.mask, T * BH, 0.7, &rng);
	}
	c.dx = dalloc((long)T * B * in);
	c.dxbias = dalloc(X);
	c.dh0 = dalloc(BS);
	c.dc0 = dalloc(BS);

	lstm_loss(&c);
	lstm_backward(&c.l, &c.a, &c.p, &c.g, c.x, c.len, c.mask, T, B, c.R,
		      c.RhT, c.RcT, c.dx, c.dxbias, c.dh0, c.dc0);

	struct {
		const char *name;
		double *v, *g;
		long n;
	} t[] = {
	    {"wx", c.p.wx, c.g.wx, (long)in * 4 * H},
	    {"wh", c.p.wh, c.g.wh, (long)H * 4 * H},
	    {"b", c.p.b, c.g.b, 4L * H},
	    {"ln_g", c.p.ln_g, c.g.ln_g, 4L * H},
	    {"ln_b", c.p.ln_b, c.g.ln_b, 4L * H},
	    {"lnc_g", c.p.lnc_g, c.g.lnc_g, H},
	    {"lnc_b", c.p.lnc_b, c.g.lnc_b, H},
	    {"hyp_wx", c.p.hyp_wx, c.g.hyp_wx, (long)in * 4 * c.l.Nh},
	    {"hyp_wh", c.p.hyp_wh, c.g.hyp_wh, (long)(H + c.l.Nh) * 4 * c.l.Nh},
	    {"hyp_ln_g", c.p.hyp_ln_g, c.g.hyp_ln_g, 4L * c.l.Nh},
	    {"hyp_ln_b", c.p.hyp_ln_b, c.g.hyp_ln_b, 4L * c.l.Nh},
	    {"hyp_lnc_g", c.p.hyp_lnc_g, c.g.hyp_lnc_g, c.l.Nh},
	    {"hyp_lnc_b", c.p.hyp_lnc_b, c.g.hyp_lnc_b, c.l.Nh},
	    {"zw_w", c.p.zw_w, c.g.zw_w, 8L * c.l.Nh * c.l.E},
	    {"zw_b", c.p.zw_b, c.g.zw_b, 8L * c.l.E},
	    {"alpha_w", c.p.alpha_w, c.g.alpha_w, 8L * c.l.E * H},
	    {"zb_w", c.p.zb_w, c.g.zb_w, 4L * c.l.Nh * c.l.E},
	    {"beta_w", c.p.beta_w, c.g.beta_w, 4L * c.l.E * H},
	    {"x", c.x, c.dx, (long)T * B * in},
	    {"xbias", c.xbias, c.dxbias, X},
	    {"h0", c.h0, c.dh0, BS},
	    {"c0", c.c0, c.dc0, BS},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!t[i].v)
			continue;
		snprintf(what, sizeof(what), "%s cell %s (lengths %s, %s)",
			 cname, t[i].name, use_len ? "mixed" : "full",
			 use_mask ? "dropout" : "no dropout");
		check(what, lstm_loss, &c, t[i].v, t[i].n, t[i].g);
	}
	lstm_acts_free(&c.a);
	free(c.params);
	free(c.grads);
	free(c.x);
	free(c.xbias);
	free(c.h0);
	free(c.c0);
	free(c.R);
	free(c.RhT);
	free(c.RcT);
	free(c.dx);
	free(c.dxbias);
	free(c.dh0);
	free(c.dc0);
}

/* ---- mixture loss and KL ---- */

struct mdn_case {
	double *y, *t, scale;
	long n;
	int M, pen_masked;
};

static double mdn_loss(void *ctx)
{
	struct mdn_case *c = ctx;
	double ls, lp;

	mdn_loss_forward(c->y, c->t, c->n, c->M, c->pen_masked, &ls, &lp);
	return c->scale * (ls + lp);
}

static void test_mdn(int pen_masked)
{
	struct mdn_case c = {0};
	int M = 3, W = MDN_WIDTH(M);
	long n = 6;
	double *dy;
	char what[64];

	c.n = n;
	c.M = M;
	c.pen_masked = pen_masked;
	c.scale = 0.3;
	c.y = dalloc(n * W);
	c.t = dalloc(n * 5);
	dy = dalloc(n * W);
	randomize(c.y, n * W, 1);
	for (long r = 0; r < n; r++) {
		c.t[r * 5] = 0.5 * (2 * rng_uniform(&rng) - 1);
		c.t[r * 5 + 1] = 0.5 * (2 * rng_uniform(&rng) - 1);
		c.t[r * 5 + 2 + (r < 4 ? r % 2 : 2)] = 1;
	}
	mdn_loss_backward(c.y, c.t, n, M, pen_masked, c.scale, dy);
	snprintf(what, sizeof(what), "mixture loss head output (pen %s)",
		 pen_masked ? "masked" : "unmasked");
	check(what, mdn_loss, &c, c.y, n * W, dy);
	free(c.y);
	free(c.t);
	free(dy);
}

struct kl_case {
	double *mu, *sh;
	long n;
};

static double kl_loss(void *ctx)
{
	struct kl_case *c = ctx;

	return 0.7 * mdn_kl_forward(c->mu, c->sh, c->n);
}

static void test_kl(void)
{
	struct kl_case c;
	long n = 8;
	double *dmu = dalloc(n), *dsh = dalloc(n);

	c.n = n;
	c.mu = dalloc(n);
	c.sh = dalloc(n);
	randomize(c.mu, n, 1);
	randomize(c.sh, n, 1);
	mdn_kl_backward(c.mu, c.sh, n, 0.7, dmu, dsh);
	check("KL mu", kl_loss, &c, c.mu, n, dmu);
	check("KL sigma-hat", kl_loss, &c, c.sh, n, dsh);
	free(c.mu);
	free(c.sh);
	free(dmu);
	free(dsh);
}

/* ---- whole model ---- */

struct model_case {
	struct sketchrnn m;
	double *strokes;
	int len[3];
	double klw, kltol;
};

static double model_loss(void *ctx)
{
	struct model_case *c = ctx;

	return sketchrnn_forward(&c->m, c->strokes, c->len, c->klw, c->kltol);
}

/* random_batch: B drawings of lengths len in [B, T+1, 5] stroke-5. */
static void random_batch(double *s, const int *len, int B, int T)
{
	memset(s, 0, (size_t)B * (T + 1) * 5 * sizeof(double));
	for (int b = 0; b < B; b++) {
		double *d = s + (long)b * (T + 1) * 5;

		d[2] = 1;
		for (int t = 1; t <= T; t++) {
			if (t > len[b]) {
				d[t * 5 + 4] = 1;
				continue;
			}
			d[t * 5] = 2 * rng_uniform(&rng) - 1;
			d[t * 5 + 1] = 2 * rng_uniform(&rng) - 1;
			d[t * 5 + 2 + (rng_uniform(&rng) < 0.3)] = 1;
		}
	}
}

static void test_model(const char *label, int conditional, int enc_cell,
		       int dec_cell, double keep, double kltol)
{
	struct model_case c;
	struct sketchrnn_config cfg = {conditional, enc_cell, dec_cell, 3, 4,
				       2,	    2,	      3,	2};
	int B = 3, T = 6;
	char what[96];

	memset(&c, 0, sizeof(c));
	c.len[0] = T;
	c.len[1] = 4;
	c.len[2] = 2;
	c.klw = 0.6;
	c.kltol = kltol;
	sketchrnn_build(&c.m, &cfg);
	sketchrnn_init(&c.m, &rng);
	for (long i = 0; i < c.m.nparams; i++)
		c.m.params[i] += 0.3 * rng_normal(&rng);
	sketchrnn_batch(&c.m, B, T, keep < 1);
	sketchrnn_noise(&c.m, &rng, keep);
	c.strokes = dalloc((long)B * (T + 1) * 5);
	random_batch(c.strokes, c.len, B, T);
	model_loss(&c);
	sketchrnn_backward(&c.m);
	for (int i = 0; i < c.m.ntensors; i++) {
		const struct sketchrnn_tensor *t = &c.m.tensor[i];

		snprintf(what, sizeof(what), "model (%s) %s", label, t->name);
		check(what, model_loss, &c, c.m.params + t->offset, t->size,
		      c.m.grads + t->offset);
	}
	model_loss(&c);
	report(!conditional || (kltol > 1 ? c.m.kl < kltol : c.m.kl > kltol),
	       "model (%s) KL on the intended side of the floor", label,
	       c.m.kl - kltol);
	free(c.strokes);
	sketchrnn_free(&c.m);
}

/* The reference's parameter counts for the default configuration, with
 * the lstm and with the hyper decoder (Magenta's variables counted by
 * hand: HyperLSTMCell W_xh, W_hh, bias, ln_all, ln_c; its
 * LayerNormLSTMCell of 256 on [x, h]; 8 zw and alpha, 4 zb and beta). */
static void test_count(void)
{
	struct sketchrnn m;
	struct sketchrnn_config cfg = {1,   CELL_LSTM, CELL_LSTM, 256, 512,
				       128, 20,	       256,	  32};

	sketchrnn_build(&m, &cfg);
	report(m.nparams == 2186107, "%s parameter count is 2186107",
	       "default model", (double)(m.nparams - 2186107));
	sketchrnn_free(&m);
	cfg.dec_cell = CELL_HYPER;
	sketchrnn_build(&m, &cfg);
	report(m.nparams == 3477627, "%s parameter count is 3477627",
	       "default model, hyper decoder", (double)(m.nparams - 3477627));
	sketchrnn_free(&m);
}

/* One Adam step against the TensorFlow formula, clipping included. */
static void test_adam(void)
{
	struct adam a;
	double p[4] = {0.5, -0.2, 0.1, 1}, g[4] = {0.3, -2, 1e-3, 5};
	double q[4], m[4] = {0}, v[4] = {0}, err = 0;

	adam_init(&a, 4);
	memcpy(q, p, sizeof(p));
	for (int s = 1; s <= 3; s++) {
		double gg[4], lr = adam_lr(1e-3, 1e-5, 0.9999, s - 1);
		double lrt = lr * sqrt(1 - pow(0.999, s)) / (1 - pow(0.9, s));

		memcpy(gg, g, sizeof(g));
		adam_step(&a, p, gg, lr, 1.0);
		for (int i = 0; i < 4; i++) {
			double c = fmax(-1, fmin(1, g[i]));

			m[i] = 0.9 * m[i] + 0.1 * c;
			v[i] = 0.999 * v[i] + 0.001 * c * c;
			q[i] -= lrt * m[i] / (sqrt(v[i]) + 1e-8);
		}
	}
	for (int i = 0; i < 4; i++)
		err = fmax(err, fabs(p[i] - q[i]));
	report(err < 1e-15, "%s matches the formula over 3 steps", "adam", err);
	adam_free(&a);
	err = fabs(adam_lr(1e-3, 1e-5, 0.9999, 10000) - 3.7414e-4);
	report(err < 1e-7, "%s at step 10000 is 3.74e-4", "learning rate", err);
	err = fabs(adam_kl_weight(0.5, 0.01, 0.99995, 10000) - 0.2028);
	report(err < 1e-4, "%s at step 10000 is 0.203", "KL weight", err);
}

int main(int argc, char **argv)
{
	(void)argc;
	util_init(argv[0]);
	rng_seed(&rng, 12345);
	test_gemm();
	for (int cell = 0; cell < 3; cell++)
		for (int v = 0; v < 3; v++)
			test_lstm(cell, v >= 1, v == 2);
	test_mdn(0);
	test_mdn(1);
	test_kl();
	test_model("lstm, KL above floor", 1, CELL_LSTM, CELL_LSTM, 1, 0.05);
	test_model("layer_norm, dropout", 1, CELL_LAYER_NORM, CELL_LAYER_NORM,
		   0.7, 0.05);
	test_model("lstm enc, layer_norm dec, KL floored", 1, CELL_LSTM,
		   CELL_LAYER_NORM, 1, 50);
	test_model("decoder only lstm", 0, CELL_LSTM, CELL_LSTM, 0.8, 0.2);
	test_model("decoder only layer_norm", 0, CELL_LAYER_NORM,
		   CELL_LAYER_NORM, 1, 0.2);
	test_model("lstm enc, hyper dec", 1, CELL_LSTM, CELL_HYPER, 1, 0.05);
	test_model("layer_norm enc, hyper dec, dropout", 1, CELL_LAYER_NORM,
		   CELL_HYPER, 0.7, 0.05);
	test_model("decoder only hyper, dropout", 0, CELL_LSTM, CELL_HYPER, 0.8,
		   0.2);
	test_count();
	test_adam();
	if (failures)
		printf("# %d checks failed\n", failures);
	return failures ? 1 : 0;
}
