/*
 * sample.h: drawing from a trained decoder (Ha and Eck 2017, section 3.3
 * and 4): the mixture parameters of a head row at a temperature, one
 * sampled stroke-5 row, and the whole loop that decodes B drawings at once
 * from latent vectors, from nothing (decoder-only models) or after a given
 * beginning (completion).
 *
 * Temperature, two conventions:
 *   SAMPLE_PAPER    pi and pen = softmax(logits / tau), sigma * sqrt(tau)
 *                   (the paper: the variance times tau);
 *   SAMPLE_MAGENTA  pi and pen = softmax(logits / (0.5 + 0.5 tau)),
 *                   sigma * sqrt(tau) (@magenta/sketch's getPDF default).
 * The TensorFlow reference sampler scales sigma by tau instead; neither
 * convention here does that (see decode(1)).
 *
 * Draws, in this order per row and drawing (Magenta's sample()): one
 * uniform u1 picks the mixture (the first k whose running sum of pi,
 * accumulated in double, is >= u1), one u2 the pen the same way, then
 * standard normals by Marsaglia's polar method from pairs of uniforms
 * (rejected while r == 0 or r > 1):
 *   dx = mu_x + sigma_x (sqrt(1 - rho^2) z1 + rho z2),
 *   dy = mu_y + sigma_y z2.
 * Greedy decoding takes the largest pi and pen and the means, and draws
 * nothing.  Each drawing draws from its own struct rng, so a drawing does
 * not depend on which others are decoded with it.
 *
 * Ownership: the caller owns every buffer it passes; sample_decode()
 * allocates its working memory and frees it before returning.
 */
#ifndef SKETCHRNN_SAMPLE_H
#define SKETCHRNN_SAMPLE_H

#include "gemm.h"
#include "rng.h"
#include "sketchrnn.h"
#include "stroke.h"

enum { SAMPLE_PAPER = 0, SAMPLE_MAGENTA = 1 };
enum { PEN_DOWN = 0, PEN_UP = 1, PEN_END = 2 };

/* The parameters of one head row, as float, in the layout of mdn.h. */
struct mixture {
	int M;
	float pen[3];
	float *pi, *mux, *muy, *sx, *sy, *rho; /* [M] each, caller's memory */
};

/* One sampled row, with what a test needs to follow the draws. */
struct sample_row {
	int k;	       /* mixture component chosen */
	int pen;       /* PEN_DOWN, PEN_UP or PEN_END */
	double dx, dy; /* offset in model units */
	int draws;     /* uniforms consumed */
};

struct sample_opts {
	double tau;	/* temperature (> 0) */
	int convention; /* SAMPLE_PAPER or SAMPLE_MAGENTA */
	int greedy;	/* 1: means and argmax, no draws */
	int maxlen;	/* most rows to sample per drawing */
};

/* sample_mixture: the parameters of head row y [6M+3] at o's temperature
 * (tau ignored when greedy). */
void sample_mixture(const real *y, const struct sample_opts *o,
		    struct mixture *mx);

/* sample_choose: the first i < n with p[0] + ... + p[i] >= u (summed in
 * double), or n - 1. */
int sample_choose(const float *p, int n, double u);

/* sample_point: one row from mx (draws from r unless greedy). */
void sample_point(const struct mixture *mx, const struct sample_opts *o,
		  struct rng *r, struct sample_row *row);

/*
 * sample_decode: decode B drawings with the decoder of m.
 * z: [B, N_z] latent vectors (conditional models), or NULL for a zero
 * initial state and no z (decoder-only models; a conditional model needs
 * z).  prefix: [B] drawings in model units to feed before sampling
 * (completion), or NULL.  out: [B] initialised drawings; each gets its
 * prefix, then the sampled rows up to (not including) the end row, with
 * pen 1 after a PEN_UP row.  trace: NULL, or [B * o->maxlen] rows
 * recording every sampled row (drawing b's row i at b * maxlen + i); ntrace
 * [B] gets how many (the end row included).  r: [B] generators, drawing
 * b's draws come from r[b].  Returns 0, or -1 when a drawing would exceed
 * stroke(5) limits.
 */
int sample_decode(struct sketchrnn *m, const real *z, int B,
		  const struct drawing *prefix, const struct sample_opts *o,
		  struct rng *r, struct drawing *out, struct sample_row *trace,
		  int *ntrace);

#endif
