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
 * Ownership: struct lstm_params holds pointers into a parameter (or
 * gradient) buffer that the caller owns.  lstm_acts_alloc() allocates the
 * activation buffers of struct lstm_acts; lstm_acts_free() frees them.
 */
#ifndef SKETCHRNN_LSTM_H
#define SKETCHRNN_LSTM_H

#include "gemm.h"

enum { CELL_LSTM = 0, CELL_LAYER_NORM = 1 };

#define LSTM_FORGET_BIAS 1.0
#define LSTM_LN_EPS 1e-3

struct lstm {
	int cell; /* CELL_LSTM or CELL_LAYER_NORM */
	int in;	  /* input width */
	int H;	  /* hidden units */
};

struct lstm_params {
	real *wx;    /* [in, 4H] input weights, columns i, j, f, o */
	real *wh;    /* [H, 4H] recurrent weights */
	real *b;     /* [4H] bias (CELL_LSTM only, else NULL) */
	real *ln_g;  /* [4H] gate layer-norm gain (CELL_LAYER_NORM only) */
	real *ln_b;  /* [4H] gate layer-norm shift */
	real *lnc_g; /* [H] cell layer-norm gain */
	real *lnc_b; /* [H] cell layer-norm shift */
};

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
};

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
 * lstm_forward: run T steps from the state in a->h[0], a->c[0].
 * x: [T, B, in] inputs.  xbias: [B, 4H] added to the pre-activation of
 * sample b at every step (a per-sample input projection), or NULL.
 * len: [B] lengths or NULL.  mask: dropout mask [T, B, H] or NULL.
 * Writes a->act, a->c[1..T], a->h[1..T] (and the layer-norm buffers).
 */
void lstm_forward(const struct lstm *l, struct lstm_acts *a,
		  const struct lstm_params *p, const real *x, const real *xbias,
		  const int *len, const real *mask, int T, int B);

/*
 * lstm_backward: gradients of the T steps of the last lstm_forward call.
 * In: dh [T, B, H], the loss gradient of h[1..T] (NULL if none);
 * dhT, dcT [B, H], the gradient of the final state (NULL if none).
 * Accumulated (+=): the parameter gradients in g; dx [T, B, in] (NULL to
 * skip); dxbias [B, 4H] (NULL to skip); dh0, dc0 [B, H], the gradient of
 * the initial state (NULL to skip).  Fills a->dact.
 */
void lstm_backward(const struct lstm *l, struct lstm_acts *a,
		   const struct lstm_params *p, const struct lstm_params *g,
		   const real *x, const int *len, const real *mask, int T,
		   int B, const real *dh, const real *dhT, const real *dcT,
		   real *dx, real *dxbias, real *dh0, real *dc0);

#endif
