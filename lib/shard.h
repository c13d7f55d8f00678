/*
 * shard.h: data-parallel forward and backward passes of sketch-rnn over
 * one batch, one thread per shard.
 *
 * A batch of B drawings is cut into n contiguous shards; shard j is run by
 * a replica of the model (sketchrnn_replica: the same parameters, its own
 * activations and gradients) on its own thread, with OpenBLAS kept to one
 * thread per caller.  The losses and gradients are combined weighted by
 * shard size, so the result is the full batch's: the offset and pen losses
 * are means over all B T rows, the KL a mean over all B N_z values, and the
 * KL floor max(KL, tolerance) is decided on the whole batch's KL before any
 * shard runs its backward pass.  Only the order of floating-point sums
 * differs with n; with n = 1 the result is bit for bit the single model's.
 *
 * Random draws (eps of z, dropout masks) are made by shards_noise() shard
 * after shard from one generator, before the threads start, so a run is
 * reproducible for a given n.  For evaluation (keep >= 1) the eps of
 * drawing b is the same for every n.
 */
#ifndef SKETCHRNN_SHARD_H
#define SKETCHRNN_SHARD_H

#include "sketchrnn.h"

#define SHARD_MAX 64

struct shards {
	int n;				 /* shards in use */
	int B;				 /* drawings per batch */
	int off[SHARD_MAX + 1];		 /* shard j has drawings off[j].. */
	struct sketchrnn net[SHARD_MAX]; /* replicas of the model */
};

/* shards_init: n shards (at most B and SHARD_MAX) of replicas of m for
 * batches of B drawings of up to T points; with n > 1 OpenBLAS is set to
 * one thread. */
void shards_init(struct shards *s, const struct sketchrnn *m, int n, int B,
		 int T, int with_dropout);
void shards_free(struct shards *s);
/* shards_noise: sketchrnn_noise() for each shard in turn. */
void shards_noise(struct shards *s, struct rng *r, double keep);
/* shards_forward: the loss of a batch (strokes [B, T+1, 5], len [B]) into
 * m->ls, lp, kl, kl_c, kl_weight and cost (m's own buffers are not used);
 * returns m->cost. */
double shards_forward(struct shards *s, struct sketchrnn *m,
		      const real *strokes, const int *len, double kl_weight,
		      double kl_tolerance);
/* shards_backward: m->grads = d cost / d params of the last forward. */
void shards_backward(struct shards *s, struct sketchrnn *m);

#endif
