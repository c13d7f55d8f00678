/* shard.c: data-parallel passes over one batch (see shard.h). */
#include <cblas.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "shard.h"
#include "util.h"

struct job {
	struct sketchrnn *net;
	const real *strokes;
	const int *len;
	double kl_weight, kl_tolerance;
	int backward;
};

static void *run_job(void *arg)
{
	struct job *j = arg;

	if (j->backward)
		sketchrnn_backward(j->net);
	else
		sketchrnn_forward(j->net, j->strokes, j->len, j->kl_weight,
				  j->kl_tolerance);
	return NULL;
}

/* run_all: job j on shard j, shard 0 on the calling thread. */
static void run_all(struct shards *s, struct job *jobs)
{
	pthread_t tid[SHARD_MAX];
	int e;

	for (int j = 1; j < s->n; j++)
		if ((e = pthread_create(&tid[j], NULL, run_job, &jobs[j])) != 0)
			die("cannot start a thread: %s", strerror(e));
	run_job(&jobs[0]);
	for (int j = 1; j < s->n; j++)
		pthread_join(tid[j], NULL);
}

void shards_init(struct shards *s, const struct sketchrnn *m, int n, int B,
		 int T, int with_dropout)
{
	memset(s, 0, sizeof(*s));
	if (n > B)
		n = B;
	if (n > SHARD_MAX)
		n = SHARD_MAX;
	if (n < 1)
		n = 1;
	s->n = n;
	s->B = B;
	for (int j = 0; j <= n; j++)
		s->off[j] = (int)((long)j * B / n);
	for (int j = 0; j < n; j++) {
		sketchrnn_replica(&s->net[j], m);
		sketchrnn_batch(&s->net[j], s->off[j + 1] - s->off[j], T,
				with_dropout);
	}
	if (n > 1)
		openblas_set_num_threads(1);
}

void shards_free(struct shards *s)
{
	for (int j = 0; j < s->n; j++)
		sketchrnn_free(&s->net[j]);
	memset(s, 0, sizeof(*s));
}

void shards_noise(struct shards *s, struct rng *r, double keep)
{
	for (int j = 0; j < s->n; j++)
		sketchrnn_noise(&s->net[j], r, keep);
}

/* share: shard j's weight in the batch's means. */
static double share(const struct shards *s, int j)
{
	return (double)(s->off[j + 1] - s->off[j]) / (double)s->B;
}

double shards_forward(struct shards *s, struct sketchrnn *m,
		      const real *strokes, const int *len, double kl_weight,
		      double kl_tolerance)
{
	struct job jobs[SHARD_MAX];
	long row = (long)(s->net[0].T + 1) * 5;

	for (int j = 0; j < s->n; j++)
		jobs[j] =
		    (struct job){&s->net[j],	  strokes + s->off[j] * row,
				 len + s->off[j], kl_weight,
				 kl_tolerance,	  0};
	run_all(s, jobs);
	m->ls = m->lp = m->kl = 0;
	for (int j = 0; j < s->n; j++) {
		m->ls += share(s, j) * s->net[j].ls;
		m->lp += share(s, j) * s->net[j].lp;
		m->kl += share(s, j) * s->net[j].kl;
	}
	m->kl_c = 0;
	if (m->cfg.conditional)
		m->kl_c = m->kl > kl_tolerance ? m->kl : kl_tolerance;
	m->kl_weight = kl_weight;
	m->cost = m->ls + m->lp + kl_weight * m->kl_c;
	/* the floor is the whole batch's: make each shard's backward see it */
	for (int j = 0; j < s->n; j++) {
		s->net[j].kl = m->kl;
		s->net[j].kl_c = m->kl_c;
	}
	return m->cost;
}

void shards_backward(struct shards *s, struct sketchrnn *m)
{
	struct job jobs[SHARD_MAX];
	long n = m->nparams;

	for (int j = 0; j < s->n; j++)
		jobs[j] = (struct job){.net = &s->net[j], .backward = 1};
	run_all(s, jobs);
	for (long i = 0; i < n; i++)
		m->grads[i] = (real)share(s, 0) * s->net[0].grads[i];
	for (int j = 1; j < s->n; j++) {
		real a = (real)share(s, j);
		const real *g = s->net[j].grads;

		for (long i = 0; i < n; i++)
			m->grads[i] += a * g[i];
	}
}
