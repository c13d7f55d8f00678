/*
 * mdn.h: the output head of the sketch-rnn decoder (a mixture of M
 * bivariate normals for the offset and a 3-way softmax for the pen) with
 * its loss, and the KL term of the latent code.  Graves 2013 eq. 24-26;
 * Ha and Eck 2017 eq. 9-11.
 *
 * A head output row y has 6M+3 values in the reference layout: 3 pen
 * logits, then six blocks of M: pi-hat, mu_x, mu_y, sigma-hat_x,
 * sigma-hat_y, rho-hat.  pi = softmax(pi-hat), sigma = exp(sigma-hat),
 * rho = tanh(rho-hat), q = softmax(pen logits); nothing is clamped.
 * A target row is stroke-5 (dx, dy, p1, p2, p3).
 *
 * Loss per row: Ls = -ln(sum_k pi_k N_k(dx, dy) + 1e-6) (1 - p3) and
 * Lp = -sum_k p_k ln q_k (times (1 - p3) too when pen_masked, as in
 * evaluation graphs).  No allocation; callers own every buffer.
 */
#ifndef SKETCHRNN_MDN_H
#define SKETCHRNN_MDN_H

#include "gemm.h"

#define MDN_EPS 1e-6

/* MDN_WIDTH: values per head row, 6M+3. */
#define MDN_WIDTH(M) (6 * (M) + 3)

/*
 * mdn_loss_forward: sums over n rows of y [n, 6M+3] against target [n, 5].
 * Writes the sum of Ls to *ls and of Lp to *lp (accumulated in double, in
 * row order).
 */
void mdn_loss_forward(const real *y, const real *target, long n, int M,
		      int pen_masked, double *ls, double *lp);

/* mdn_loss_backward: dy [n, 6M+3] = scale * d(sum Ls + sum Lp)/dy
 * (overwritten). */
void mdn_loss_backward(const real *y, const real *target, long n, int M,
		       int pen_masked, real scale, real *dy);

/*
 * mdn_kl_forward: KL = -0.5 mean over n values of (1 + sh - mu^2 - e^sh),
 * mu and sh (sigma-hat) [n].
 */
double mdn_kl_forward(const real *mu, const real *sh, long n);
/* mdn_kl_backward: dmu, dsh [n] += scale * dKL/d(mu, sh). */
void mdn_kl_backward(const real *mu, const real *sh, long n, real scale,
		     real *dmu, real *dsh);

#endif
