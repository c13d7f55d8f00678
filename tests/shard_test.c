/*
 * shard_test: data-parallel passes (shard.h) against the single model.
 * For a VAE with layer-norm cells and a decoder-only model, a batch of 13
 * drawings cut into 1, 2, 3 and 5 shards (threads) gives the single
 * model's cost (relative 1e-6) and gradients (max difference 1e-5 of the
 * largest gradient); one shard gives them bit for bit.  Without dropout
 * the eps of z are the same for every cut.  A KL tolerance between the
 * shards' own KLs and the batch's KL checks that the floor is decided on
 * the whole batch, not per shard.
 *
 * Processes (shard_comm): k threads standing in for processes, each with
 * n shards and a comm over shared memory, give every process the cost and
 * gradient bytes that one process of k n shards gives, dropout included.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdn.h"
#include "rng.h"
#include "shard.h"
#include "sketchrnn.h"
#include "synth.h"
#include "util.h"

enum { B = 13, T = 30 };

static int failures;

static void check(int ok, const char *what, int n, double v)
{
	printf("%s - %s, %d shards (%.3g)\n", ok ? "ok" : "not ok", what, n, v);
	failures += !ok;
}

static double max_abs(const real *x, long n)
{
	double m = 0;

	for (long i = 0; i < n; i++)
		if (fabs((double)x[i]) > m)
			m = fabs((double)x[i]);
	return m;
}

/* compare: n shards against the single model m (already run). */
static void compare(struct sketchrnn *m, const real *ref, double cost,
		    const real *s, const int *len, int n, double tol)
{
	struct shards sh;
	struct rng r;
	real *g = xmalloc((size_t)m->nparams * sizeof(real));
	double c, worst = 0, scale = max_abs(ref, m->nparams);

	shards_init(&sh, m, n, B, T, 0);
	rng_seed(&r, 7);
	shards_noise(&sh, &r, 1.0);
	c = shards_forward(&sh, m, s, len, 0.3, tol);
	shards_backward(&sh, m);
	memcpy(g, m->grads, (size_t)m->nparams * sizeof(real));
	for (long i = 0; i < m->nparams; i++)
		if (fabs((double)(g[i] - ref[i])) > worst)
			worst = fabs((double)(g[i] - ref[i]));
	if (n == 1) {
		check(c == cost, "cost bit for bit", n, c - cost);
		check(memcmp(g, ref, (size_t)m->nparams * sizeof(real)) == 0,
		      "gradients bit for bit", n, worst);
	} else {
		check(fabs(c - cost) <= 1e-6 * fabs(cost), "cost", n,
		      fabs(c - cost) / fabs(cost));
		check(worst <= 1e-5 * scale, "gradients", n, worst / scale);
	}
	shards_free(&sh);
	free(g);
}

/* shard_kls: the KL of each of 2 shards, to place a tolerance between. */
static void shard_kls(struct sketchrnn *m, const real *s, const int *len,
		      double *lo, double *hi)
{
	struct shards sh;
	struct rng r;

	shards_init(&sh, m, 2, B, T, 0);
	rng_seed(&r, 7);
	shards_noise(&sh, &r, 1.0);
	shards_forward(&sh, m, s, len, 0.3, 0);
	for (int j = 0; j < 2; j++) { /* net[j].kl now holds the batch's */
		const struct sketchrnn *n = &sh.net[j];
		double kl =
		    mdn_kl_forward(n->mu, n->sh, (long)n->B * n->cfg.z_size);

		*lo = j == 0 ? kl : fmin(*lo, kl);
	}
	*hi = m->kl;
	shards_free(&sh);
}

static void run(int conditional, int cell, int floor_case)
{
	struct sketchrnn_config c = {conditional, cell, cell, 12, 24,
				     6,		  5,	0,    0};
	struct sketchrnn m;
	struct rng r;
	real *s = xmalloc((size_t)B * (T + 1) * 5 * sizeof(real));
	real *ref;
	int len[B];
	double cost, tol = 0.2, lo, hi;
	int cuts[] = {1, 2, 3, 5};

	sketchrnn_build(&m, &c);
	rng_seed(&r, 3);
	sketchrnn_init(&m, &r);
	for (long i = 0; i < m.nparams; i++) /* move off the initial point */
		m.params[i] += (real)(0.2 * rng_normal(&r));
	synth_batch(s, len, B, T, 3, &r);
	if (floor_case) {
		shard_kls(&m, s, len, &lo, &hi);
		tol = (lo + hi) / 2; /* a shard below, the batch above */
		printf("# KL floor case: shard KL %.4g, batch KL %.4g, "
		       "tolerance %.4g\n",
		       lo, hi, tol);
	}
	sketchrnn_batch(&m, B, T, 0);
	rng_seed(&r, 7);
	sketchrnn_noise(&m, &r, 1.0);
	cost = sketchrnn_forward(&m, s, len, 0.3, tol);
	sketchrnn_backward(&m);
	ref = xmalloc((size_t)m.nparams * sizeof(real));
	memcpy(ref, m.grads, (size_t)m.nparams * sizeof(real));
	printf("# %s, %s cells: cost %.6g\n", conditional ? "vae" : "gen",
	       cell ? "layer_norm" : "lstm", cost);
	for (size_t k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++)
		compare(&m, ref, cost, s, len, cuts[k], tol);
	sketchrnn_free(&m);
	free(ref);
	free(s);
}

/* ---- processes: threads with a comm over shared memory ---- */

enum { PROC_MAX = 4 };

struct world {
	int size;
	pthread_barrier_t bar;
	void *slot[PROC_MAX]; /* each process's buffer in a collective */
};

struct proc {
	struct world *w;
	struct shard_comm comm;
	struct sketchrnn m; /* a replica: this process's grads and losses */
	const real *s;
	const int *len;
	int n;
	double cost;
};

static void w_allgather(void *ctx, double *x, int n)
{
	struct proc *p = ctx;
	struct world *w = p->w;

	w->slot[p->comm.rank] = x;
	pthread_barrier_wait(&w->bar);
	for (int r = 0; r < w->size; r++)
		if (r != p->comm.rank)
			memcpy(x + r * n, (double *)w->slot[r] + r * n,
			       (size_t)n * sizeof(double));
	pthread_barrier_wait(&w->bar);
}

/* w_reduce: x = the maximum or the sum over every process's x. */
#define W_REDUCE(name, type, op)                                               \
	static void name(void *ctx, type *x, long n)                           \
	{                                                                      \
		struct proc *p = ctx;                                          \
		struct world *w = p->w;                                        \
		type *y = xcalloc((size_t)n, sizeof(type));                    \
                                                                               \
		w->slot[p->comm.rank] = x;                                     \
		pthread_barrier_wait(&w->bar);                                 \
		for (long i = 0; i < n; i++) {                                 \
			y[i] = ((type *)w->slot[0])[i];                        \
			for (int r = 1; r < w->size; r++)                      \
				op(y[i], ((type *)w->slot[r])[i]);             \
		}                                                              \
		pthread_barrier_wait(&w->bar);                                 \
		memcpy(x, y, (size_t)n * sizeof(type));                        \
		free(y);                                                       \
	}
#define OP_MAX(a, b) ((a) = (b) > (a) ? (b) : (a))
#define OP_SUM(a, b) ((a) += (b))
W_REDUCE(w_max, int16_t, OP_MAX)
W_REDUCE(w_sum, int64_t, OP_SUM)

static void *proc_run(void *arg)
{
	struct proc *p = arg;
	struct shards sh;
	struct rng r;

	shards_init_comm(&sh, &p->m, p->n, B, T, 1, &p->comm);
	rng_seed(&r, 11);
	shards_noise(&sh, &r, 0.8);
	p->cost = shards_forward(&sh, &p->m, p->s, p->len, 0.3, 0.1);
	shards_backward(&sh, &p->m);
	shards_free(&sh);
	return NULL;
}

/* processes: k processes of n shards against one of k n shards. */
static void processes(struct sketchrnn *m, const real *s, const int *len, int k,
		      int n)
{
	struct world w = {.size = k};
	struct proc p[PROC_MAX];
	pthread_t tid[PROC_MAX];
	struct shards sh;
	struct rng r;
	double cost;
	int same = 1;

	shards_init(&sh, m, k * n, B, T, 1);
	rng_seed(&r, 11);
	shards_noise(&sh, &r, 0.8);
	cost = shards_forward(&sh, m, s, len, 0.3, 0.1);
	shards_backward(&sh, m);
	shards_free(&sh);
	pthread_barrier_init(&w.bar, NULL, (unsigned)k);
	for (int i = 0; i < k; i++) {
		p[i] = (struct proc){.w = &w, .s = s, .len = len, .n = n};
		p[i].comm =
		    (struct shard_comm){i, k, &p[i], w_allgather, w_max, w_sum};
		sketchrnn_replica(&p[i].m, m);
		pthread_create(&tid[i], NULL, proc_run, &p[i]);
	}
	for (int i = 0; i < k; i++)
		pthread_join(tid[i], NULL);
	for (int i = 0; i < k; i++) {
		same &= p[i].cost == cost;
		same &= memcmp(p[i].m.grads, m->grads,
			       (size_t)m->nparams * sizeof(real)) == 0;
		sketchrnn_free(&p[i].m);
	}
	pthread_barrier_destroy(&w.bar);
	printf("%s - %d processes of %d shards = 1 of %d, bit for bit\n",
	       same ? "ok" : "not ok", k, n, k * n);
	failures += !same;
}

static void run_processes(void)
{
	struct sketchrnn_config c = {
	    1, CELL_LAYER_NORM, CELL_LAYER_NORM, 12, 24, 6, 5, 0, 0};
	struct sketchrnn m;
	struct rng r;
	real *s = xmalloc((size_t)B * (T + 1) * 5 * sizeof(real));
	int len[B];

	sketchrnn_build(&m, &c);
	rng_seed(&r, 3);
	sketchrnn_init(&m, &r);
	synth_batch(s, len, B, T, 3, &r);
	processes(&m, s, len, 2, 1);
	processes(&m, s, len, 2, 2);
	processes(&m, s, len, 3, 1);
	processes(&m, s, len, 4, 3);
	sketchrnn_free(&m);
	free(s);
}

int main(void)
{
	run(1, CELL_LAYER_NORM, 0);
	run(1, CELL_LSTM, 1);
	run(0, CELL_LSTM, 0);
	run_processes();
	printf("# %d failures\n", failures);
	return failures != 0;
}
