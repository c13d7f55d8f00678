/*
 * sketchrnn.c: the sketch-rnn VAE over flat buffers (see sketchrnn.h).
 * Encoder: Ha and Eck 2017 sec. 3.1; decoder and loss: sec. 3.2-3.3 and
 * the reference code's get_lossfunc; shapes follow model(5).  The z part
 * of the decoder input is projected once per drawing and added at every
 * step instead of being concatenated to every input row.  The decoder's
 * state row is Sd = lstm_state_size() wide (Hd, or Hd + Nh for a hyper
 * decoder, whose h^ and c^ follow h and c); the head reads its first Hd.
 */
#include <stdlib.h>
#include <string.h>

#include "hyper.h"
#include "mdn.h"
#include "rng.h"
#include "sketchrnn.h"
#include "util.h"

static void add_tensor(struct sketchrnn *m, const char *name, int rows,
		       int cols)
{
	struct sketchrnn_tensor *t = &m->tensor[m->ntensors++];

	if (m->ntensors > SKETCHRNN_MAX_TENSORS)
		die("sketchrnn: too many tensors");
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->ndim = cols > 0 ? 2 : 1;
	t->shape[0] = rows;
	t->shape[1] = cols > 0 ? cols : 1;
	t->offset = m->nparams;
	t->size = (long)rows * t->shape[1];
	m->nparams += t->size;
}

/* add_lstm: the tensors of cell l (l->in its whole input width) in the
 * order of model(5): the main cell, then a hyper cell's own. */
static void add_lstm(struct sketchrnn *m, const char *pre, const struct lstm *l)
{
	char name[16];
	int in = l->in, H = l->H, Nh = l->Nh, E = l->E;

#define T_(suffix, r, c)                                                       \
	do {                                                                   \
		snprintf(name, sizeof(name), "%s_" suffix, pre);               \
		add_tensor(m, name, r, c);                                     \
	} while (0)
	T_("wx", in, 4 * H);
	T_("wh", H, 4 * H);
	if (l->cell != CELL_LAYER_NORM)
		T_("b", 4 * H, 0);
	if (l->cell != CELL_LSTM) {
		T_("ln_g", 4 * H, 0);
		T_("ln_b", 4 * H, 0);
		T_("lnc_g", H, 0);
		T_("lnc_b", H, 0);
	}
	if (l->cell != CELL_HYPER)
		return;
	T_("hyp_wx", in, 4 * Nh);
	T_("hyp_wh", H + Nh, 4 * Nh);
	T_("hyp_ln_g", 4 * Nh, 0);
	T_("hyp_ln_b", 4 * Nh, 0);
	T_("hyp_lnc_g", Nh, 0);
	T_("hyp_lnc_b", Nh, 0);
	T_("zw_w", Nh, 8 * E);
	T_("zw_b", 8 * E, 0);
	T_("alpha_w", 8 * E, H);
	T_("zb_w", Nh, 4 * E);
	T_("beta_w", 4 * E, H);
#undef T_
}

const struct sketchrnn_tensor *sketchrnn_find(const struct sketchrnn *m,
					      const char *name)
{
	for (int i = 0; i < m->ntensors; i++)
		if (strcmp(m->tensor[i].name, name) == 0)
			return &m->tensor[i];
	return NULL;
}

static real *at(const struct sketchrnn *m, real *base, const char *pre,
		const char *name)
{
	char full[32];
	const struct sketchrnn_tensor *t;

	snprintf(full, sizeof(full), "%s%s", pre, name);
	t = sketchrnn_find(m, full);
	return t ? base + t->offset : NULL;
}

static void point_lstm(const struct sketchrnn *m, real *base, const char *pre,
		       struct lstm_params *p)
{
	p->wx = at(m, base, pre, "_wx");
	p->wh = at(m, base, pre, "_wh");
	p->b = at(m, base, pre, "_b");
	p->ln_g = at(m, base, pre, "_ln_g");
	p->ln_b = at(m, base, pre, "_ln_b");
	p->lnc_g = at(m, base, pre, "_lnc_g");
	p->lnc_b = at(m, base, pre, "_lnc_b");
	p->hyp_wx = at(m, base, pre, "_hyp_wx");
	p->hyp_wh = at(m, base, pre, "_hyp_wh");
	p->hyp_ln_g = at(m, base, pre, "_hyp_ln_g");
	p->hyp_ln_b = at(m, base, pre, "_hyp_ln_b");
	p->hyp_lnc_g = at(m, base, pre, "_hyp_lnc_g");
	p->hyp_lnc_b = at(m, base, pre, "_hyp_lnc_b");
	p->zw_w = at(m, base, pre, "_zw_w");
	p->zw_b = at(m, base, pre, "_zw_b");
	p->alpha_w = at(m, base, pre, "_alpha_w");
	p->zb_w = at(m, base, pre, "_zb_w");
	p->beta_w = at(m, base, pre, "_beta_w");
}

static void point(const struct sketchrnn *m, real *base,
		  struct sketchrnn_weights *w)
{
	memset(w, 0, sizeof(*w));
	point_lstm(m, base, "enc_fw", &w->enc_fw);
	point_lstm(m, base, "enc_bw", &w->enc_bw);
	point_lstm(m, base, "dec", &w->dec);
	w->mu_w = at(m, base, "", "mu_w");
	w->mu_b = at(m, base, "", "mu_b");
	w->sigma_w = at(m, base, "", "sigma_w");
	w->sigma_b = at(m, base, "", "sigma_b");
	w->init_w = at(m, base, "", "init_w");
	w->init_b = at(m, base, "", "init_b");
	w->out_w = at(m, base, "", "out_w");
	w->out_b = at(m, base, "", "out_b");
}

void sketchrnn_layout(struct sketchrnn *m, const struct sketchrnn_config *c)
{
	int He = c->enc_size, Hd = c->dec_size, Nz = c->z_size;
	int hyper = c->dec_cell == CELL_HYPER, Sd;
	struct lstm dec;

	memset(m, 0, sizeof(*m));
	m->cfg = *c;
	m->enc = (struct lstm){c->enc_cell, 5, He, 0, 0};
	m->dec =
	    (struct lstm){c->dec_cell, 5, Hd, hyper ? c->hyper_num_units : 0,
			  hyper ? c->hyper_embedding_size : 0};
	dec = m->dec;
	dec.in = 5 + (c->conditional ? Nz : 0);
	Sd = lstm_state_size(&dec);
	if (c->conditional) {
		add_lstm(m, "enc_fw", &m->enc);
		add_lstm(m, "enc_bw", &m->enc);
		add_tensor(m, "mu_w", 2 * He, Nz);
		add_tensor(m, "mu_b", Nz, 0);
		add_tensor(m, "sigma_w", 2 * He, Nz);
		add_tensor(m, "sigma_b", Nz, 0);
		add_tensor(m, "init_w", Nz, 2 * Sd);
		add_tensor(m, "init_b", 2 * Sd, 0);
	}
	add_lstm(m, "dec", &dec);
	add_tensor(m, "out_w", Hd, MDN_WIDTH(c->num_mixture));
	add_tensor(m, "out_b", MDN_WIDTH(c->num_mixture), 0);
}

void sketchrnn_build(struct sketchrnn *m, const struct sketchrnn_config *c)
{
	sketchrnn_layout(m, c);
	m->params = xcalloc((size_t)m->nparams, sizeof(real));
	m->grads = xcalloc((size_t)m->nparams, sizeof(real));
	point(m, m->params, &m->w);
	point(m, m->grads, &m->g);
}

static void fill_uniform(real *p, long n, double lim, struct rng *r)
{
	for (long i = 0; i < n; i++)
		p[i] = (real)((2 * rng_uniform(r) - 1) * lim);
}

static void fill_normal(real *p, long n, double sd, struct rng *r)
{
	for (long i = 0; i < n; i++)
		p[i] = (real)(sd * rng_normal(r));
}

static void fill_const(real *p, long n, real v)
{
	for (long i = 0; i < n; i++)
		if (p)
			p[i] = v;
}

/* orthogonal: an H x H orthogonal block written at w with row stride ld:
 * modified Gram-Schmidt on the rows of a Gaussian matrix (a Haar draw,
 * like the reference's SVD of a Gaussian). */
static void orthogonal(real *w, int H, int ld, struct rng *r)
{
	double *q = xmalloc((size_t)H * H * sizeof(double));

	for (long i = 0; i < (long)H * H; i++)
		q[i] = rng_normal(r);
	for (int j = 0; j < H; j++) {
		double *qj = q + (long)j * H, nrm = 0;

		for (int k = 0; k < j; k++) {
			const double *qk = q + (long)k * H;
			double d = 0;

			for (int i = 0; i < H; i++)
				d += qj[i] * qk[i];
			for (int i = 0; i < H; i++)
				qj[i] -= d * qk[i];
		}
		for (int i = 0; i < H; i++)
			nrm += qj[i] * qj[i];
		nrm = sqrt(nrm);
		for (int i = 0; i < H; i++)
			qj[i] /= nrm;
	}
	for (int i = 0; i < H; i++)
		for (int j = 0; j < H; j++)
			w[(long)i * ld + j] = (real)q[(long)i * H + j];
	free(q);
}

/* init_hyper: a hyper cell's own tensors, as Magenta's HyperLSTMCell:
 * the hyper cell's input weights (hyp_wx and the h rows of hyp_wh, its
 * W_xh) Glorot-uniform over their whole [in + H, 4Nh], its h^ rows
 * orthogonal blocks, layer norm 1 and 0; zw_w 0, zw_b 1, alpha_w 0.1/E,
 * zb_w normal with sd 0.01, beta_w 0. */
static void init_hyper(const struct lstm_params *p, const struct lstm *l,
		       struct rng *r)
{
	int in = l->in, H = l->H, Nh = l->Nh, E = l->E, Gh = 4 * Nh;
	double lim = sqrt(6.0 / (in + H + Gh));

	fill_uniform(p->hyp_wx, (long)in * Gh, lim, r);
	fill_uniform(p->hyp_wh, (long)H * Gh, lim, r);
	for (int k = 0; k < 4; k++)
		orthogonal(p->hyp_wh + (long)H * Gh + k * Nh, Nh, Gh, r);
	fill_const(p->hyp_ln_g, Gh, 1);
	fill_const(p->hyp_ln_b, Gh, 0);
	fill_const(p->hyp_lnc_g, Nh, 1);
	fill_const(p->hyp_lnc_b, Nh, 0);
	fill_const(p->zw_w, (long)Nh * 8 * E, 0);
	fill_const(p->zw_b, 8 * E, 1);
	fill_const(p->alpha_w, 8L * E * H, (real)(HYPER_ALPHA_INIT / E));
	fill_normal(p->zb_w, (long)Nh * 4 * E, 0.01, r);
	fill_const(p->beta_w, 4L * E * H, 0);
}

/* init_lstm: cell l (l->in its whole input width). */
static void init_lstm(const struct lstm_params *p, const struct lstm *l,
		      struct rng *r)
{
	int in = l->in, H = l->H;

	fill_uniform(p->wx, (long)in * 4 * H, sqrt(6.0 / (in + 4 * H)), r);
	for (int k = 0; k < 4; k++)
		orthogonal(p->wh + k * H, H, 4 * H, r);
	fill_const(p->b, 4 * H, 0);
	fill_const(p->ln_g, 4 * H, 1);
	fill_const(p->ln_b, 4 * H, 0);
	fill_const(p->lnc_g, H, 1);
	fill_const(p->lnc_b, H, 0);
	if (l->cell == CELL_HYPER)
		init_hyper(p, l, r);
}

void sketchrnn_init(struct sketchrnn *m, struct rng *r)
{
	const struct sketchrnn_config *c = &m->cfg;
	int He = c->enc_size, Hd = c->dec_size, Nz = c->z_size;
	int W = MDN_WIDTH(c->num_mixture), Sd = lstm_state_size(&m->dec);
	struct sketchrnn_weights *w = &m->w;
	struct lstm dec = m->dec;

	dec.in = 5 + (c->conditional ? Nz : 0);
	if (c->conditional) {
		init_lstm(&w->enc_fw, &m->enc, r);
		init_lstm(&w->enc_bw, &m->enc, r);
		fill_normal(w->mu_w, 2L * He * Nz, 0.001, r);
		fill_const(w->mu_b, Nz, 0);
		fill_normal(w->sigma_w, 2L * He * Nz, 0.001, r);
		fill_const(w->sigma_b, Nz, 0);
		fill_normal(w->init_w, 2L * Nz * Sd, 0.001, r);
		fill_const(w->init_b, 2 * Sd, 0);
	}
	init_lstm(&w->dec, &dec, r);
	fill_uniform(w->out_w, (long)Hd * W, sqrt(6.0 / (Hd + W)), r);
	fill_uniform(w->out_b, W, sqrt(3.0 / W), r);
}

static real *reals(long n)
{
	return xcalloc((size_t)n, sizeof(real));
}

/* batch_free: release the buffers of sketchrnn_batch(), if any. */
static void batch_free(struct sketchrnn *m)
{
	real **bufs[] = {&m->xdec,  &m->target, &m->xencr,  &m->henc, &m->dhenc,
			 &m->dhfw,  &m->dhbw,	&m->mu,	    &m->sh,   &m->eps,
			 &m->z,	    &m->dmu,	&m->dsh,    &m->dz,   &m->init,
			 &m->dinit, &m->zproj,	&m->dzproj, &m->dh0,  &m->dc0,
			 &m->y,	    &m->dy,	&m->ddec};

	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++) {
		free(*bufs[i]);
		*bufs[i] = NULL;
	}
	free(m->len);
	m->len = NULL;
	lstm_acts_free(&m->afw);
	lstm_acts_free(&m->abw);
	lstm_acts_free(&m->adec);
}

void sketchrnn_batch(struct sketchrnn *m, int B, int T, int with_dropout)
{
	int He = m->cfg.enc_size, Hd = m->cfg.dec_size, Nz = m->cfg.z_size;
	long TB = (long)T * B, W = MDN_WIDTH(m->cfg.num_mixture);
	long Sd = lstm_state_size(&m->dec), Xd = lstm_xbias_size(&m->dec);

	batch_free(m);
	m->B = B;
	m->T = T;
	m->len = xcalloc((size_t)B, sizeof(int));
	m->xdec = reals(TB * 5);
	m->target = reals(TB * 5);
	m->xencr = reals(TB * 5);
	lstm_acts_alloc(&m->adec, &m->dec, T, B, with_dropout);
	m->y = reals(TB * W);
	m->dy = reals(TB * W);
	m->ddec = reals(TB * Hd);
	m->dh0 = reals(B * Sd);
	m->dc0 = reals(B * Sd);
	if (!m->cfg.conditional)
		return;
	lstm_acts_alloc(&m->afw, &m->enc, T, B, with_dropout);
	lstm_acts_alloc(&m->abw, &m->enc, T, B, with_dropout);
	m->henc = reals(2L * B * He);
	m->dhenc = reals(2L * B * He);
	m->dhfw = reals((long)B * He);
	m->dhbw = reals((long)B * He);
	m->mu = reals((long)B * Nz);
	m->sh = reals((long)B * Nz);
	m->eps = reals((long)B * Nz);
	m->z = reals((long)B * Nz);
	m->dmu = reals((long)B * Nz);
	m->dsh = reals((long)B * Nz);
	m->dz = reals((long)B * Nz);
	m->init = reals(2 * B * Sd);
	m->dinit = reals(2 * B * Sd);
	m->zproj = reals(B * Xd);
	m->dzproj = reals(B * Xd);
}

void sketchrnn_replica(struct sketchrnn *r, const struct sketchrnn *m)
{
	memset(r, 0, sizeof(*r));
	r->cfg = m->cfg;
	r->enc = m->enc;
	r->dec = m->dec;
	r->ntensors = m->ntensors;
	memcpy(r->tensor, m->tensor, sizeof(r->tensor));
	r->nparams = m->nparams;
	r->params = m->params;
	r->shared = 1;
	r->grads = xcalloc((size_t)r->nparams, sizeof(real));
	point(r, r->params, &r->w);
	point(r, r->grads, &r->g);
}

void sketchrnn_free(struct sketchrnn *m)
{
	batch_free(m);
	if (!m->shared)
		free(m->params);
	free(m->grads);
	memset(m, 0, sizeof(*m));
}

void sketchrnn_noise(struct sketchrnn *m, struct rng *r, double keep)
{
	long n = (long)m->T * m->B;

	if (m->cfg.conditional)
		for (long i = 0; i < (long)m->B * m->cfg.z_size; i++)
			m->eps[i] = (real)rng_normal(r);
	m->use_mask = keep < 1 && m->adec.mask;
	if (!m->use_mask)
		return;
	if (m->cfg.conditional) {
		lstm_mask_fill(m->afw.mask, n * m->enc.H, keep, r);
		lstm_mask_fill(m->abw.mask, n * m->enc.H, keep, r);
	}
	lstm_mask_fill(m->adec.mask, n * m->dec.H, keep, r);
}

uint64_t sketchrnn_noise_draws(const struct sketchrnn *m, int B, double keep)
{
	uint64_t n = (uint64_t)m->T * (uint64_t)B, draws = 0;

	if (m->cfg.conditional) /* two uniforms a normal */
		draws += 2 * (uint64_t)B * (uint64_t)m->cfg.z_size;
	if (!(keep < 1 && m->adec.mask))
		return draws;
	if (m->cfg.conditional) /* lstm_mask_fill: one draw a pair */
		draws += 2 * ((n * (uint64_t)m->enc.H + 1) / 2);
	return draws + (n * (uint64_t)m->dec.H + 1) / 2;
}

/* add_rows: y[rows, n] += b[n]. */
static void add_rows(real *y, const real *b, long rows, int n)
{
	for (long r = 0; r < rows; r++)
		for (int k = 0; k < n; k++)
			y[r * n + k] += b[k];
}

/* add_colsum: db[n] += sum over rows of dy[rows, n]. */
static void add_colsum(real *db, const real *dy, long rows, int n)
{
	for (long r = 0; r < rows; r++)
		for (int k = 0; k < n; k++)
			db[k] += dy[r * n + k];
}

/* layout: transpose strokes [B, T+1, 5] into the time-major inputs. */
static void layout(struct sketchrnn *m, const real *strokes, const int *len)
{
	int B = m->B, T = m->T;

	m->Te = 0;
	for (int b = 0; b < B; b++) {
		if (len[b] < 0 || len[b] > T)
			die("sketchrnn: length %d outside 0..%d", len[b], T);
		m->len[b] = len[b];
		m->Te = len[b] > m->Te ? len[b] : m->Te;
	}
	for (int t = 0; t < T; t++) {
		for (int b = 0; b < B; b++) {
			const real *s = strokes + ((long)b * (T + 1)) * 5;
			long o = ((long)t * B + b) * 5;

			memcpy(m->xdec + o, s + t * 5, 5 * sizeof(real));
			memcpy(m->target + o, s + (t + 1) * 5,
			       5 * sizeof(real));
			if (t < len[b])
				memcpy(m->xencr + o, s + (len[b] - t) * 5,
				       5 * sizeof(real));
			else
				memset(m->xencr + o, 0, 5 * sizeof(real));
		}
	}
}

/* zproj_forward: zproj [B, Xd] = z [B, N_z] times the z rows of dec_wx
 * and, for a hyper decoder, of dec_hyp_wx. */
static void zproj_forward(const struct sketchrnn *m, const real *z, int B,
			  real *zproj)
{
	int Nz = m->cfg.z_size, G = 4 * m->dec.H, Gh = 4 * m->dec.Nh;
	int Xd = lstm_xbias_size(&m->dec);
	const struct lstm_params *p = &m->w.dec;

	gemm(0, 0, B, G, Nz, 1, z, Nz, p->wx + 5L * G, G, 0, zproj, Xd);
	if (m->dec.cell == CELL_HYPER)
		gemm(0, 0, B, Gh, Nz, 1, z, Nz, p->hyp_wx + 5L * Gh, Gh, 0,
		     zproj + G, Xd);
}

void sketchrnn_decoder_start(const struct sketchrnn *m, const real *z, int B,
			     real *init, real *c, real *h, real *zproj)
{
	int Nz = m->cfg.z_size, Sd = lstm_state_size(&m->dec);
	/* state layout: LSTM [c, h], layer-norm LSTM [h, c], hyper [h, c]
	 * with h = [h, h^] and c = [c, c^] */
	int coff = m->dec.cell == CELL_LSTM ? 0 : Sd;
	const struct sketchrnn_weights *w = &m->w;

	gemm(0, 0, B, 2 * Sd, Nz, 1, z, Nz, w->init_w, 2 * Sd, 0, init, 2 * Sd);
	add_rows(init, w->init_b, B, 2 * Sd);
	for (long i = 0; i < 2L * B * Sd; i++)
		init[i] = r_tanh(init[i]);
	for (int b = 0; b < B; b++) {
		memcpy(c + (long)b * Sd, init + 2L * b * Sd + coff,
		       Sd * sizeof(real));
		memcpy(h + (long)b * Sd, init + 2L * b * Sd + (Sd - coff),
		       Sd * sizeof(real));
	}
	zproj_forward(m, z, B, zproj);
}

/* encode: encoder, mu, sigma-hat, z, the decoder's initial state and the
 * z projection. */
static void encode(struct sketchrnn *m)
{
	int B = m->B, He = m->enc.H, Nz = m->cfg.z_size;
	int Te = m->Te;
	const real *hf = m->afw.h + (long)Te * B * He;
	const real *hb = m->abw.h + (long)Te * B * He;
	struct sketchrnn_weights *w = &m->w;

	lstm_forward(&m->enc, &m->afw, &w->enc_fw, m->target, NULL, m->len,
		     m->use_mask ? m->afw.mask : NULL, Te, B);
	lstm_forward(&m->enc, &m->abw, &w->enc_bw, m->xencr, NULL, m->len,
		     m->use_mask ? m->abw.mask : NULL, Te, B);
	for (int b = 0; b < B; b++) {
		memcpy(m->henc + 2L * b * He, hf + (long)b * He,
		       He * sizeof(real));
		memcpy(m->henc + 2L * b * He + He, hb + (long)b * He,
		       He * sizeof(real));
	}
	gemm(0, 0, B, Nz, 2 * He, 1, m->henc, 2 * He, w->mu_w, Nz, 0, m->mu,
	     Nz);
	add_rows(m->mu, w->mu_b, B, Nz);
	gemm(0, 0, B, Nz, 2 * He, 1, m->henc, 2 * He, w->sigma_w, Nz, 0, m->sh,
	     Nz);
	add_rows(m->sh, w->sigma_b, B, Nz);
	for (long i = 0; i < (long)B * Nz; i++)
		m->z[i] = m->mu[i] + r_exp(m->sh[i] / 2) * m->eps[i];
	sketchrnn_decoder_start(m, m->z, B, m->init, m->adec.c, m->adec.h,
				m->zproj);
}

void sketchrnn_encode(struct sketchrnn *m, const real *strokes, const int *len)
{
	if (!m->cfg.conditional)
		die("sketchrnn: a decoder-only model has no encoder");
	layout(m, strokes, len);
	m->use_mask = 0;
	memset(m->eps, 0, (size_t)m->B * m->cfg.z_size * sizeof(real));
	encode(m);
}

double sketchrnn_forward(struct sketchrnn *m, const real *strokes,
			 const int *len, double kl_weight, double kl_tolerance)
{
	int B = m->B, T = m->T, Hd = m->dec.H, Sd = lstm_state_size(&m->dec);
	int M = m->cfg.num_mixture, W = MDN_WIDTH(M);
	long TB = (long)T * B;

	layout(m, strokes, len);
	if (m->cfg.conditional) {
		encode(m);
	} else {
		memset(m->adec.h, 0, (size_t)B * Sd * sizeof(real));
		memset(m->adec.c, 0, (size_t)B * Sd * sizeof(real));
	}
	lstm_forward(&m->dec, &m->adec, &m->w.dec, m->xdec,
		     m->cfg.conditional ? m->zproj : NULL, NULL,
		     m->use_mask ? m->adec.mask : NULL, T, B);
	gemm(0, 0, (int)TB, W, Hd, 1, m->adec.h + (long)B * Sd, Sd, m->w.out_w,
	     W, 0, m->y, W);
	add_rows(m->y, m->w.out_b, TB, W);
	mdn_loss_forward(m->y, m->target, TB, M, m->pen_masked, &m->ls, &m->lp);
	m->ls /= (double)TB;
	m->lp /= (double)TB;
	m->kl = m->kl_c = 0;
	m->kl_weight = kl_weight;
	if (m->cfg.conditional) {
		m->kl = mdn_kl_forward(m->mu, m->sh, (long)B * m->cfg.z_size);
		m->kl_c = m->kl > kl_tolerance ? m->kl : kl_tolerance;
	}
	m->cost = m->ls + m->lp + kl_weight * m->kl_c;
	return m->cost;
}

/* zproj_backward: from dzproj to the z rows of dec_wx (and dec_hyp_wx)
 * and dz = their part of the gradient of z. */
static void zproj_backward(struct sketchrnn *m)
{
	int B = m->B, Nz = m->cfg.z_size, G = 4 * m->dec.H, Gh = 4 * m->dec.Nh;
	int Xd = lstm_xbias_size(&m->dec);
	const struct lstm_params *p = &m->w.dec, *g = &m->g.dec;

	gemm(1, 0, Nz, G, B, 1, m->z, Nz, m->dzproj, Xd, 1, g->wx + 5L * G, G);
	gemm(0, 1, B, Nz, G, 1, m->dzproj, Xd, p->wx + 5L * G, G, 0, m->dz, Nz);
	if (m->dec.cell != CELL_HYPER)
		return;
	gemm(1, 0, Nz, Gh, B, 1, m->z, Nz, m->dzproj + G, Xd, 1,
	     g->hyp_wx + 5L * Gh, Gh);
	gemm(0, 1, B, Nz, Gh, 1, m->dzproj + G, Xd, p->hyp_wx + 5L * Gh, Gh, 1,
	     m->dz, Nz);
}

/* init_backward: gradients of the decoder's initial state and z
 * projection into z, init_w, init_b and the z rows of the input weights. */
static void init_backward(struct sketchrnn *m)
{
	int B = m->B, Nz = m->cfg.z_size, Sd = lstm_state_size(&m->dec);
	int coff = m->dec.cell == CELL_LSTM ? 0 : Sd;
	struct sketchrnn_weights *w = &m->w, *g = &m->g;

	zproj_backward(m);
	for (int b = 0; b < B; b++) {
		real *di = m->dinit + 2L * b * Sd;
		const real *in = m->init + 2L * b * Sd;

		memcpy(di + coff, m->dc0 + (long)b * Sd, Sd * sizeof(real));
		memcpy(di + (Sd - coff), m->dh0 + (long)b * Sd,
		       Sd * sizeof(real));
		for (int k = 0; k < 2 * Sd; k++)
			di[k] *= 1 - in[k] * in[k];
	}
	gemm(1, 0, Nz, 2 * Sd, B, 1, m->z, Nz, m->dinit, 2 * Sd, 1, g->init_w,
	     2 * Sd);
	add_colsum(g->init_b, m->dinit, B, 2 * Sd);
	gemm(0, 1, B, Nz, 2 * Sd, 1, m->dinit, 2 * Sd, w->init_w, 2 * Sd, 1,
	     m->dz, Nz);
}

/* encode_backward: from dz to the encoder parameters. */
static void encode_backward(struct sketchrnn *m)
{
	int B = m->B, He = m->enc.H, Nz = m->cfg.z_size;
	long n = (long)B * Nz;
	struct sketchrnn_weights *w = &m->w, *g = &m->g;

	for (long i = 0; i < n; i++) {
		m->dmu[i] = m->dz[i];
		m->dsh[i] =
		    m->dz[i] * (real)0.5 * r_exp(m->sh[i] / 2) * m->eps[i];
	}
	/* d max(KL, tol): to KL when KL >= tol, as tf.maximum */
	if (m->kl_c == m->kl)
		mdn_kl_backward(m->mu, m->sh, n, (real)m->kl_weight, m->dmu,
				m->dsh);
	gemm(1, 0, 2 * He, Nz, B, 1, m->henc, 2 * He, m->dmu, Nz, 1, g->mu_w,
	     Nz);
	add_colsum(g->mu_b, m->dmu, B, Nz);
	gemm(1, 0, 2 * He, Nz, B, 1, m->henc, 2 * He, m->dsh, Nz, 1, g->sigma_w,
	     Nz);
	add_colsum(g->sigma_b, m->dsh, B, Nz);
	gemm(0, 1, B, 2 * He, Nz, 1, m->dmu, Nz, w->mu_w, Nz, 0, m->dhenc,
	     2 * He);
	gemm(0, 1, B, 2 * He, Nz, 1, m->dsh, Nz, w->sigma_w, Nz, 1, m->dhenc,
	     2 * He);
	for (int b = 0; b < B; b++) {
		memcpy(m->dhfw + (long)b * He, m->dhenc + 2L * b * He,
		       He * sizeof(real));
		memcpy(m->dhbw + (long)b * He, m->dhenc + 2L * b * He + He,
		       He * sizeof(real));
	}
	lstm_backward(&m->enc, &m->afw, &w->enc_fw, &g->enc_fw, m->target,
		      m->len, m->use_mask ? m->afw.mask : NULL, m->Te, B, NULL,
		      m->dhfw, NULL, NULL, NULL, NULL, NULL);
	lstm_backward(&m->enc, &m->abw, &w->enc_bw, &g->enc_bw, m->xencr,
		      m->len, m->use_mask ? m->abw.mask : NULL, m->Te, B, NULL,
		      m->dhbw, NULL, NULL, NULL, NULL, NULL);
}

void sketchrnn_backward(struct sketchrnn *m)
{
	int B = m->B, T = m->T, Hd = m->dec.H, Sd = lstm_state_size(&m->dec);
	int M = m->cfg.num_mixture, W = MDN_WIDTH(M);
	long TB = (long)T * B, Xd = lstm_xbias_size(&m->dec);
	int cond = m->cfg.conditional;

	memset(m->grads, 0, (size_t)m->nparams * sizeof(real));
	mdn_loss_backward(m->y, m->target, TB, M, m->pen_masked,
			  (real)(1.0 / (double)TB), m->dy);
	gemm(1, 0, Hd, W, (int)TB, 1, m->adec.h + (long)B * Sd, Sd, m->dy, W, 1,
	     m->g.out_w, W);
	add_colsum(m->g.out_b, m->dy, TB, W);
	gemm(0, 1, (int)TB, Hd, W, 1, m->dy, W, m->w.out_w, W, 0, m->ddec, Hd);
	if (cond) {
		memset(m->dzproj, 0, (size_t)(B * Xd) * sizeof(real));
		memset(m->dh0, 0, (size_t)B * Sd * sizeof(real));
		memset(m->dc0, 0, (size_t)B * Sd * sizeof(real));
	}
	lstm_backward(&m->dec, &m->adec, &m->w.dec, &m->g.dec, m->xdec, NULL,
		      m->use_mask ? m->adec.mask : NULL, T, B, m->ddec, NULL,
		      NULL, NULL, cond ? m->dzproj : NULL, cond ? m->dh0 : NULL,
		      cond ? m->dc0 : NULL);
	if (cond) {
		init_backward(m);
		encode_backward(m);
	}
}
