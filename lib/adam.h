/*
 * adam.h: the optimizer of sketch-rnn training: element-wise gradient
 * clipping, Adam with TensorFlow's update (epsilon added to sqrt(v)
 * without bias correction), and the learning-rate and KL-weight schedules.
 *
 * Ownership: adam_init() allocates the moment buffers m and v, mirroring
 * the parameter buffer; adam_free() releases them.  The step counter t is
 * part of the state a checkpoint must keep.
 */
#ifndef SKETCHRNN_ADAM_H
#define SKETCHRNN_ADAM_H

#include "gemm.h"

struct adam {
	long n;	      /* parameters */
	real *m, *v;  /* [n] first and second moments */
	long t;	      /* updates done so far */
	double beta1; /* 0.9 */
	double beta2; /* 0.999 */
	double eps;   /* 1e-8 */
};

void adam_init(struct adam *a, long n);
void adam_free(struct adam *a);

/*
 * adam_step: clip every gradient element to [-clip, clip] (in place; clip
 * <= 0 disables it), then one Adam update of params [n] with learning rate
 * lr:  lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t),
 *      p -= lr_t m / (sqrt(v) + eps).
 */
void adam_step(struct adam *a, real *params, real *grads, double lr,
	       double clip);

/* adam_lr: (lr - min_lr) decay^step + min_lr. */
double adam_lr(double lr, double min_lr, double decay, long step);
/* adam_kl_weight: w - (w - w0) R^step. */
double adam_kl_weight(double w, double w0, double R, long step);

#endif
