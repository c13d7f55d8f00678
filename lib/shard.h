/*
 * shard.h: data-parallel forward and backward passes of sketch-rnn over
 * one batch, one thread per shard, and across processes.
 *
 * A batch of B drawings is cut into `total` contiguous shards; shard j is
 * run by a replica of the model (sketchrnn_replica: the same parameters,
 * its own activations and gradients) on its own thread, with OpenBLAS kept
 * to one thread per caller.  The shards may be spread over several
 * processes (train -M: each one runs n consecutive shards, and a
 * shard_comm exchanges what they found); by itself a process runs them
 * all.  The losses and gradients are combined weighted by shard size, so
 * the result is the full batch's: the offset and pen losses are means over
 * all B T rows, the KL a mean over all B N_z values, and the KL floor
 * max(KL, tolerance) is decided on the whole batch's KL before any shard
 * runs its backward pass.
 *
 * The combination does not depend on how the shards are spread: the loss
 * parts are summed in shard order, and the gradients are summed exactly,
 * as integers.  Parameter i gets the exponent e of its largest term
 * (|share_j g_j[i]| < 2^e), every term is cut to a multiple of 2^(e-50)
 * and the sum of those integers is rounded once to a real.  So k processes
 * of n shards give the bytes one process of k n shards gives, in any order
 * of adding; with one shard the result is bit for bit the single model's.
 *
 * Random draws (eps of z, dropout masks) are made by shards_noise() shard
 * after shard from one generator (a process jumps the generator over the
 * draws of the other processes' shards), so a run is reproducible for a
 * given number of shards.  For evaluation (keep >= 1) the eps of drawing b is
 * the same for every cut.
 */
#ifndef SKETCHRNN_SHARD_H
#define SKETCHRNN_SHARD_H

#include <stdint.h>

#include "rng.h"
#include "sketchrnn.h"

#define SHARD_MAX 64 /* shards of one process */

/* How the processes sharing each batch exchange results (collectives in
 * which every process takes part, in the same order). */
struct shard_comm {
	int rank, size; /* this process, and how many there are */
	void *ctx;
	/* allgather: x[rank n .. rank n + n) of every process into x[0 ..
	 * size n) of every process */
	void (*allgather)(void *ctx, double *x, int n);
	/* max_i16, sum_i64: x[i] = the maximum (sum) over the processes */
	void (*max_i16)(void *ctx, int16_t *x, long n);
	void (*sum_i64)(void *ctx, int64_t *x, long n);
};

struct shards {
	int n;			/* shards of this process */
	int total;		/* shards of the batch, over all processes */
	int first;		/* this process's first shard */
	int B;			/* drawings per batch */
	int *off;		/* [total + 1]: shard j has drawings off[j].. */
	double *loss;		/* [total, 3]: each shard's ls, lp, kl */
	int16_t *expo;		/* [nparams]: exponents of the exact sum */
	int64_t *sum;		/* [nparams]: the exact sum */
	struct rng_jump *jumps; /* [njumps]: over other processes' draws */
	int njumps;
	const struct shard_comm *comm;	 /* NULL: one process */
	struct sketchrnn net[SHARD_MAX]; /* replicas of the model */
};

/* shards_init: n shards (at most B and SHARD_MAX) of replicas of m for
 * batches of B drawings of up to T points; with n > 1 OpenBLAS is set to
 * one thread. */
void shards_init(struct shards *s, const struct sketchrnn *m, int n, int B,
		 int T, int with_dropout);
/* shards_init_comm: shards_init for this process's n shards of the
 * comm->size * n of the batch (at most B; dies otherwise). */
void shards_init_comm(struct shards *s, const struct sketchrnn *m, int n, int B,
		      int T, int with_dropout, const struct shard_comm *comm);
void shards_free(struct shards *s);
/* shards_noise: sketchrnn_noise() for each shard of the batch in turn. */
void shards_noise(struct shards *s, struct rng *r, double keep);
/* shards_forward: the loss of a batch (strokes [B, T+1, 5], len [B]; the
 * whole batch in every process) into m->ls, lp, kl, kl_c, kl_weight and
 * cost (m's own buffers are not used); returns m->cost. */
double shards_forward(struct shards *s, struct sketchrnn *m,
		      const real *strokes, const int *len, double kl_weight,
		      double kl_tolerance);
/* shards_backward: m->grads = d cost / d params of the last forward. */
void shards_backward(struct shards *s, struct sketchrnn *m);

/* The exact sum itself: n arrays g[j] of values weighted by a[j] (|a| <=
 * 1).  shard_sum: out[i] = sum over j of a[j] g[j][i], exactly, rounded
 * once.  shard_sum_expo, _terms and _round: the same in three passes, for
 * processes that exchange the exponents (maximum) after the first and the
 * integer terms (sum) after the second; the same bytes as shard_sum when
 * alone. */
struct shard_terms {
	const real *g[SHARD_MAX];
	double a[SHARD_MAX];
	int n;
};
void shard_sum(const struct shard_terms *t, real *out, long n);
void shard_sum_expo(const struct shard_terms *t, int16_t *ex, long n);
void shard_sum_terms(const struct shard_terms *t, const int16_t *ex, int64_t *q,
		     long n);
void shard_sum_round(const int16_t *ex, const int64_t *q, real *out, long n);

#endif
