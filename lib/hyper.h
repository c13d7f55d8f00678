/*
 * hyper.h: the HyperLSTM cell of sketch-rnn's decoder (Ha, Dai and Le
 * 2016, "HyperNetworks"; Ha and Eck 2017 sec. 3.2), as Magenta's
 * HyperLSTMCell with layer norm on: a small layer-norm LSTM, the hyper
 * cell, whose output h^ scales the main cell's input and recurrent
 * products block by block.  Forward and backward over all time steps of a
 * batch, reached through lstm_forward() and lstm_backward() of lstm.h for
 * a struct lstm of cell CELL_HYPER.
 *
 * Sizes: H main units, Nh hyper units (reference 256), E the embedding
 * size (reference 32); x [in] the input.  State: [h, h^] and [c, c^], H +
 * Nh values each, in that order (Magenta's total_h and total_c).
 * Per step and sample, gates in the order i, j, f, o:
 *   1. the hyper cell, a layer-norm LSTM (lstm.h) without dropout, on its
 *      input [x, h]:  a^ = LN_k(x hyp_wx + [h, h^] hyp_wh)  -> h^', c^'
 *   2. xh = x wx, hh = h wh  [4H] each, blocks k = i, j, f, o
 *   3. the 8 scalers s = (x, k) and (h, k), from the new h^':
 *        zw_s = h^' zw_w_s + zw_b_s  [E];   alpha_s = zw_s alpha_w_s  [H]
 *      and for the h blocks only
 *        zb_k = h^' zb_w_k  [E];           beta_k = zb_k beta_w_k  [H]
 *   4. a_k = alpha_(x,k) xh_k + alpha_(h,k) hh_k + beta_k + b_k, then the
 *      layer-norm cell of lstm.h on a (LN per block with ln_g, ln_b;
 *      g = tanh(a_j) * mask; c' = c sigmoid(a_f + 1) + sigmoid(a_i) g;
 *      h' = tanh(LN_c(c')) sigmoid(a_o))
 * Column blocks of zw_w and zw_b, and row blocks of alpha_w, are the
 * scalers x_i, x_j, x_f, x_o, h_i, h_j, h_f, h_o; those of zb_w and beta_w
 * are h_i, h_j, h_f, h_o.  hyp_wx and the first H rows of hyp_wh are
 * Magenta's hyper W_xh (its input [x, h]), the last Nh rows its W_hh.
 *
 * Layout and costs as lstm.h: the input projections of all steps (of both
 * cells) are one GEMM each; a step is one [B, H+Nh] x [H+Nh, 4Nh] GEMM for
 * the hyper cell, one [B, H] x [H, 4H] for the main cell and small GEMMs
 * over the batch for the scalers; the weight gradients are GEMMs over all
 * T B rows after the backward time loop.  len[] freezes a sample's whole
 * state after its length, as lstm.h.
 *
 * Ownership: hyper_acts_alloc() returns buffers that hyper_acts_free()
 * releases (lstm_acts_alloc and lstm_acts_free call them).
 */
#ifndef SKETCHRNN_HYPER_H
#define SKETCHRNN_HYPER_H

#include "lstm.h"

#define HYPER_NUM_UNITS 256	/* Nh of the reference */
#define HYPER_EMBEDDING_SIZE 32 /* E of the reference */
#define HYPER_ALPHA_INIT 0.1	/* alpha at initialisation (alpha_w 0.1/E) */

struct hyper_acts {
	struct lstm_acts cell; /* the hyper cell: act, xhat, rstd, chat,
				  rstdc, tc, dact ([T, B, 4Nh] ...) */
	real *xh;	       /* [T, B, 4H] x wx, before scaling */
	real *hh;	       /* [T, B, 4H] h wh, before scaling */
	real *zw;	       /* [T, B, 8E] the scalers' embeddings */
	real *zb;	       /* [T, B, 4E] the h scalers' beta embeddings */
	real *alpha;	       /* [T, B, 8H] the scales, x then h blocks */
	real *dxh, *dhh;       /* [T, B, 4H] gradients of xh, hh */
	real *dalpha;	       /* [T, B, 8H] */
	real *dzw;	       /* [T, B, 8E] */
	real *dzb;	       /* [T, B, 4E] */
};

/* hyper_params_count: reals of the parameters of l (CELL_HYPER). */
long hyper_params_count(const struct lstm *l);

/* hyper_acts_alloc: the hyper cell's own buffers for T steps of B
 * samples; hyper_acts_free(NULL) does nothing. */
struct hyper_acts *hyper_acts_alloc(const struct lstm *l, int T, int B);
void hyper_acts_free(struct hyper_acts *y);

/* hyper_forward, hyper_backward: lstm_forward and lstm_backward for
 * CELL_HYPER (same contracts; state rows S = H + Nh wide; xbias rows
 * [4H z part of wx, 4Nh z part of hyp_wx]). */
void hyper_forward(const struct lstm *l, struct lstm_acts *a,
		   const struct lstm_params *p, const real *x,
		   const real *xbias, const int *len, const real *mask, int T,
		   int B);
void hyper_backward(const struct lstm *l, struct lstm_acts *a,
		    const struct lstm_params *p, const struct lstm_params *g,
		    const real *x, const int *len, const real *mask, int T,
		    int B, const real *dh, const real *dhT, const real *dcT,
		    real *dx, real *dxbias, real *dh0, real *dc0);

#endif
