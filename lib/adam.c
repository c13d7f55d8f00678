/*
 * adam.c: clipping, Adam (Kingma and Ba 2015, in the TensorFlow form of
 * its epsilon) and the schedules of the reference training script.
 */
#include <math.h>
#include <stdlib.h>

#include "adam.h"
#include "util.h"

void adam_init(struct adam *a, long n)
{
	a->n = n;
	a->m = xcalloc((size_t)n, sizeof(real));
	a->v = xcalloc((size_t)n, sizeof(real));
	a->t = 0;
	a->beta1 = 0.9;
	a->beta2 = 0.999;
	a->eps = 1e-8;
}

void adam_free(struct adam *a)
{
	free(a->m);
	free(a->v);
	a->m = a->v = NULL;
}

void adam_step(struct adam *a, real *params, real *grads, double lr,
	       double clip)
{
	real b1 = (real)a->beta1, b2 = (real)a->beta2, eps = (real)a->eps;
	real c = (real)clip, lrt;

	a->t++;
	lrt = (real)(lr * sqrt(1 - pow(a->beta2, (double)a->t)) /
		     (1 - pow(a->beta1, (double)a->t)));
	for (long i = 0; i < a->n; i++) {
		real g = grads[i];

		if (c > 0)
			g = g > c ? c : (g < -c ? -c : g);
		grads[i] = g;
		a->m[i] = b1 * a->m[i] + (1 - b1) * g;
		a->v[i] = b2 * a->v[i] + (1 - b2) * g * g;
		params[i] -= lrt * a->m[i] / (r_sqrt(a->v[i]) + eps);
	}
}

double adam_lr(double lr, double min_lr, double decay, long step)
{
	return (lr - min_lr) * pow(decay, (double)step) + min_lr;
}

double adam_kl_weight(double w, double w0, double R, long step)
{
	return w - (w - w0) * pow(R, (double)step);
}
