/*
 * lstm.h: the LSTM and layer-normalised LSTM cells of sketch-rnn, forward
 * and backward over all time steps of a batch at once.
 *
 * Gate order is i, j, f, o (j is the candidate); the forget bias 1.0 is
 * added inside the step, it is not stored in b.  Per step and sample:
 *   a = x W_x + h W_h + b                          (LSTM; [4H])
 *   a = LN_k(x W_x + h W_h) per H-block k          (layer norm; no b)
 *   g = tanh(a_j) * mask   (recurrent dropout on the candidate only)
 *   c' = c sigmoid(a_f + 1) + sigmoid(a_i) g
 *   h' = tanh(c') sigmoid(a_o)                     (LSTM)
 *   h' = tanh(LN_c(c')) sigmoid(a_o)               (layer norm; c' stored
 *                                                   unnormalised)
 * LN(v) = gamma (v - mean) / sqrt(var + 1e-3) + beta, population variance.
 *
 * Layout is time-major and contiguous: x [T, B, in], h and c [T+1, B, H]
 * with row 0 the initial state.  The input projection of every step is one
 * GEMM, each step is one [B,H]x[H,4H] GEMM plus fused element-wise gate
 * math, and the weight gradients are one GEMM each after the backward time
 * loop.  With len[] given, sample b is updated only at steps t < len[b]
 * and carries its state unchanged afterwards, so h[T] is its state after
 * step len[b] (how the encoder respects each drawing's length).
 *
 * CELL_HYPER is the HyperLSTM of hyper.h: lstm_params_count,
 * lstm_acts_alloc/free, lstm_forward and lstm_backward hand it to hyper.c.
 * Its state rows are [h, h^] and [c, c^], lstm_state_size() = H + Nh
 * values each (H for the other cells), and its per-sample input bias has
 * lstm_xbias_size() = 4H + 4Nh values (4H for the other cells).
 *
 * Ownership: struct lstm_params holds pointers into a parameter (or
 * gradient) buffer that the caller owns.  lstm_acts_alloc() allocates the
 * activation buffers of struct lstm_acts; lstm_acts_free() frees them.
 */
#ifndef SKETCHRNN_LSTM_H
#define SKETCHRNN_LSTM_H

#include "gemm.h"

enum { CELL_LSTM = 0, CELL_LAYER_NORM = 1, CELL_HYPER = 2 };

#define LSTM_FORGET_BIAS 1.0
#define LSTM_LN_EPS 1e-3

struct lstm {
	int cell; /* CELL_LSTM, CELL_LAYER_NORM or CELL_HYPER */
	int in;	  /* input width */
	int H;	  /* hidden units */
	int Nh;	  /* hyper cell units (CELL_HYPER, else 0) */
	int E;	  /* hyper embedding size (CELL_HYPER, else 0) */
};

struct lstm_params {
	real *wx;    /* [in, 4H] input weights, columns i, j, f, o */
	real *wh;    /* [H, 4H] recurrent weights */
	real *b;     /* [4H] bias (CELL_LSTM, CELL_HYPER, else NULL) */
	real *ln_g;  /* [4H] gate layer-norm gain (not CELL_LSTM) */
	real *ln_b;  /* [4H] gate layer-norm shift */
	real *lnc_g; /* [H] cell layer-norm gain */
	real *lnc_b; /* [H] cell layer-norm shift */
	/* CELL_HYPER only (see hyper.h), else NULL: */
	real *hyp_wx;		     /* [in, 4Nh] the hyper cell's x weights */
	real *hyp_wh;		     /* [H + Nh, 4Nh] its weights of [h, h^] */
	real *hyp_ln_g, *hyp_ln_b;   /* [4Nh] its gate layer norm */
	real *hyp_lnc_g, *hyp_lnc_b; /* [Nh] its cell layer norm */
	real *zw_w;		     /* [Nh, 8E] the 8 scalers' h^ -> zw */
	real *zw_b;		     /* [8E] their zw bias */
	real *alpha_w;		     /* [8E, H] 8 row blocks: zw -> alpha */
	real *zb_w;		     /* [Nh, 4E] the 4 h scalers' h^ -> zb */
	real *beta_w;		     /* [4E, H] 4 row blocks: zb -> beta */
};

struct hyper_acts;

struct lstm_acts {
	int T, B;    /* capacity: steps and batch */
	real *act;   /* [T, B, 4H] gates sigm(i) tanh(j) sigm(f+1) sigm(o) */
	real *xhat;  /* [T, B, 4H] normalised pre-activations (layer norm) */
	real *rstd;  /* [T, B, 4] 1/sqrt(var+eps) per gate block (layer norm) */
	real *chat;  /* [T, B, H] normalised c' (layer norm) */
	real *rstdc; /* [T, B] its 1/sqrt(var+eps) (layer norm) */
	real *c;     /* [T+1, B, H] cell states, c[0] the initial one */
	real *h;     /* [T+1, B, H] outputs, h[0] the initial state */
	real *tc;    /* [T, B, H] tanh(c') (LSTM) or tanh(LN_c(c')) */
	real *mask;  /* [T, B, H] room for a dropout mask, or NULL */
	real *dact;  /* [T, B, 4H] gradient of the pre-activations a */
	real *dh;    /* [B, H] backward scratch: gradient of h[t] */
	real *dc;    /* [B, H] backward scratch: gradient of c[t] */
	struct hyper_acts *hy; /* CELL_HYPER's own buffers, else NULL */
};
/* For CELL_HYPER, c, h, dh and dc are lstm_state_size() wide, not H. */

/* lstm_state_size: values of h (and of c) in a state row. */
int lstm_state_size(const struct lstm *l);
/* lstm_xbias_size: values of a per-sample input bias row. */
int lstm_xbias_size(const struct lstm *l);

/* lstm_params_count: number of reals of the cell's parameters. */
long lstm_params_count(const struct lstm *l);

/* lstm_acts_alloc: buffers for up to T steps of B samples; with_mask
 * allocates the dropout mask.  h[0] and c[0] start at zero. */
void lstm_acts_alloc(struct lstm_acts *a, const struct lstm *l, int T, int B,
		     int with_mask);
void lstm_acts_free(struct lstm_acts *a);

/* lstm_mask_fill: n values of a fresh inverted-dropout mask: 1/keep with
 * probability keep, else 0; two 32-bit uniforms per rng_u64 draw. */
struct rng;
void lstm_mask_fill(real *mask, long n, double keep, struct rng *r);

/*
 * lstm_cell_forward: one sample r (= t B + b) of one step of a CELL_LSTM
 * or CELL_LAYER_NORM cell, for the cells built on it (hyper.c).
 * ar [4H]: the pre-activations in (normalised in place per gate block for
 * layer norm), the gate activations out; m [H] mask or NULL; cp [H] the
 * previous c; cn, hn [H] the new c and h.  Fills row r of a->tc and, for
 * layer norm, of a->xhat, a->rstd, a->chat, a->rstdc.
 */
void lstm_cell_forward(const struct lstm *l, struct lstm_acts *a,
		       const struct lstm_params *p, long r, real *ar,
		       const real *m, const real *cp, real *cn, real *hn);
/*
 * lstm_cell_backward: the gradient of the same sample and step.  dh [H] is
 * the gradient of hn; dc [H] that of cn in, of cp out.  dar [4H] gets the
 * gradient of the pre-activations (before layer norm); the layer-norm
 * gains and shifts accumulate into g.
 */
void lstm_cell_backward(const struct lstm *l, const struct lstm_params *p,
			const struct lstm_params *g, const struct lstm_acts *a,
			long r, const real *m, const real *cp, const real *dh,
			real *dc, real *dar);

/*
 * lstm_forward: run T steps from the state in a->h[0], a->c[0].
 * x: [T, B, in] inputs.  xbias: [B, lstm_xbias_size()] added to the
 * input projection of sample b at every step (a per-sample input
 * projection), or NULL.
 * len: [B] lengths or NULL.  mask: dropout mask [T, B, H] or NULL.
 * Writes a->act, a->c[1..T], a->h[1..T] (and the layer-norm buffers).
 */
void lstm_forward(const struct lstm *l, struct lstm_acts *a,
		  const struct lstm_params *p, const real *x, const real *xbias,
		  const int *len, const real *mask, int T, int B);

/*
 * lstm_backward: gradients of the T steps of the last lstm_forward call.
 * In: dh [T, B, H], the loss gradient of h[1..T] (NULL if none);
 * dhT, dcT [B, S], the gradient of the final state (NULL if none), S =
 * lstm_state_size().  Accumulated (+=): the parameter gradients in g; dx
 * [T, B, in] (NULL to skip); dxbias [B, lstm_xbias_size()] (NULL to
 * skip); dh0, dc0 [B, S], the gradient of the initial state (NULL to
 * skip).  Fills a->dact.
 */
void lstm_backward(const struct lstm *l, struct lstm_acts *a,
		   const struct lstm_params *p, const struct lstm_params *g,
		   const real *x, const int *len, const real *mask, int T,
		   int B, const real *dh, const real *dhT, const real *dcT,
		   real *dx, real *dxbias, real *dh0, real *dc0);

#endif
