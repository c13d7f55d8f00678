/* shard.c: data-parallel passes over one batch (see shard.h). */
#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "shard.h"
#include "util.h"

/* Bits of each term below its parameter's exponent: 8192 shards of terms
 * under 2^50 cannot overflow 63 bits. */
#define SUM_BITS 50
#define SUM_SHARDS_MAX 8192
#define EXPO_BAD INT16_MAX /* a term that is not finite */
/* Fewer draws than this are skipped one by one, more by a jump matrix. */
#define JUMP_MIN 4096
#define JUMPS_MAX 8

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

/* run_all: job j on local shard j, shard 0 on the calling thread. */
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

void shards_init_comm(struct shards *s, const struct sketchrnn *m, int n, int B,
		      int T, int with_dropout, const struct shard_comm *comm)
{
	int size = comm ? comm->size : 1, rank = comm ? comm->rank : 0;

	memset(s, 0, sizeof(*s));
	if (n < 1 || n > SHARD_MAX || (long)n * size > B ||
	    (long)n * size > SUM_SHARDS_MAX)
		die("%d process%s of %d shards: more shards than the %d "
		    "drawings of a batch (or than %d)",
		    size, size == 1 ? "" : "es", n, B, SUM_SHARDS_MAX);
	s->n = n;
	s->total = n * size;
	s->first = n * rank;
	s->B = B;
	s->comm = comm;
	s->off = xcalloc((size_t)s->total + 1, sizeof(int));
	s->loss = xcalloc((size_t)s->total * 3, sizeof(double));
	for (int j = 0; j <= s->total; j++)
		s->off[j] = (int)((long)j * B / s->total);
	for (int j = 0; j < n; j++) {
		int g = s->first + j;

		sketchrnn_replica(&s->net[j], m);
		sketchrnn_batch(&s->net[j], s->off[g + 1] - s->off[g], T,
				with_dropout);
	}
	if (comm) {
		s->expo = xcalloc((size_t)m->nparams, sizeof(int16_t));
		s->sum = xcalloc((size_t)m->nparams, sizeof(int64_t));
	}
	if (s->total > 1)
		openblas_set_num_threads(1);
}

void shards_init(struct shards *s, const struct sketchrnn *m, int n, int B,
		 int T, int with_dropout)
{
	if (n > B)
		n = B;
	if (n > SHARD_MAX)
		n = SHARD_MAX;
	if (n < 1)
		n = 1;
	shards_init_comm(s, m, n, B, T, with_dropout, NULL);
}

void shards_free(struct shards *s)
{
	for (int j = 0; j < s->n; j++)
		sketchrnn_free(&s->net[j]);
	free(s->off);
	free(s->loss);
	free(s->expo);
	free(s->sum);
	free(s->jumps);
	memset(s, 0, sizeof(*s));
}

/* jump: r ahead by n draws: one by one when few, else through the jump
 * matrix of n, built once (a run has few distinct n: the shards before and
 * after this process's, with dropout or not). */
static void jump(struct shards *s, struct rng *r, uint64_t n)
{
	int i;

	if (n < JUMP_MIN) {
		while (n--)
			rng_u64(r);
		return;
	}
	for (i = 0; i < s->njumps && s->jumps[i].n != n; i++)
		;
	if (i == s->njumps) {
		if (s->njumps < JUMPS_MAX)
			s->jumps = xreallocarray(s->jumps, (size_t)++s->njumps,
						 sizeof(*s->jumps));
		else
			i = (int)(n % JUMPS_MAX); /* replace one */
		rng_jump_init(&s->jumps[i], n);
	}
	rng_jump(r, &s->jumps[i]);
}

void shards_noise(struct shards *s, struct rng *r, double keep)
{
	uint64_t skip = 0; /* draws of other processes' shards */

	for (int j = 0; j < s->total; j++) {
		int local = j - s->first;

		if (local >= 0 && local < s->n) {
			jump(s, r, skip);
			skip = 0;
			sketchrnn_noise(&s->net[local], r, keep);
		} else {
			skip += sketchrnn_noise_draws(
			    &s->net[0], s->off[j + 1] - s->off[j], keep);
		}
	}
	jump(s, r, skip);
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
	double *loss = s->loss;

	for (int j = 0; j < s->n; j++) {
		int b = s->off[s->first + j];

		jobs[j] = (struct job){&s->net[j], strokes + b * row, len + b,
				       kl_weight,  kl_tolerance,      0};
	}
	run_all(s, jobs);
	for (int j = 0; j < s->n; j++) {
		double *v = loss + 3 * (s->first + j);

		v[0] = s->net[j].ls;
		v[1] = s->net[j].lp;
		v[2] = s->net[j].kl;
	}
	if (s->comm)
		s->comm->allgather(s->comm->ctx, loss, 3 * s->n);
	m->ls = m->lp = m->kl = 0;
	for (int j = 0; j < s->total; j++) {
		m->ls += share(s, j) * loss[3 * j];
		m->lp += share(s, j) * loss[3 * j + 1];
		m->kl += share(s, j) * loss[3 * j + 2];
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

/* exponent: e with |x| < 2^e, 2^(e-1) <= |x| for normal numbers;
 * EXPO_BAD for infinities and NaN.  scaled: the term a x 2^k as an integer
 * (truncated). */
#ifdef SKETCH_DOUBLE
static int exponent(real x)
{
	int e;

	if (!isfinite(x))
		return EXPO_BAD;
	if (x == 0)
		return INT16_MIN;
	frexp(x, &e);
	return e;
}

static int64_t scaled(double a, real x, int k)
{
	return (int64_t)ldexp(a * x, k);
}

static real unscaled(int64_t q, int k)
{
	return ldexp((double)q, k);
}
#else
/* From the bits: zero and subnormals get the smallest normal's -125. */
static int exponent(real x)
{
	uint32_t u;
	int b;

	memcpy(&u, &x, sizeof u);
	b = (int)(u >> 23 & 0xff);
	return b == 0xff ? EXPO_BAD : (b ? b : 1) - 126;
}

/* pow2: 2^k for -1022 <= k <= 1023 (here -175 .. 175). */
static double pow2(int k)
{
	uint64_t u = (uint64_t)(1023 + k) << 52;
	double d;

	memcpy(&d, &u, sizeof d);
	return d;
}

static int64_t scaled(double a, real x, int k)
{
	return (int64_t)(a * (double)x * pow2(k));
}

static real unscaled(int64_t q, int k)
{
	return (real)((double)q * pow2(k));
}
#endif

/* local_expo: the largest exponent of parameter i's local terms. */
static int local_expo(const struct shard_terms *t, long i)
{
	int e = INT16_MIN;

	for (int j = 0; j < t->n; j++) {
		int f = exponent(t->g[j][i]);

		e = f > e ? f : e;
	}
	return e;
}

/* local_sum: parameter i's local terms as integers of exponent e. */
static int64_t local_sum(const struct shard_terms *t, long i, int e)
{
	int64_t q = 0;

	for (int j = 0; j < t->n; j++)
		q += scaled(t->a[j], t->g[j][i], SUM_BITS - e);
	return q;
}

static real result(int64_t q, int e)
{
	return e == EXPO_BAD ? (real)NAN : unscaled(q, e - SUM_BITS);
}

void shard_sum(const struct shard_terms *t, real *out, long n)
{
	for (long i = 0; i < n; i++) {
		int e = local_expo(t, i);

		out[i] = result(e == EXPO_BAD ? 0 : local_sum(t, i, e), e);
	}
}

void shard_sum_expo(const struct shard_terms *t, int16_t *ex, long n)
{
	for (long i = 0; i < n; i++)
		ex[i] = (int16_t)local_expo(t, i);
}

void shard_sum_terms(const struct shard_terms *t, const int16_t *ex, int64_t *q,
		     long n)
{
	for (long i = 0; i < n; i++)
		q[i] = ex[i] == EXPO_BAD ? 0 : local_sum(t, i, ex[i]);
}

void shard_sum_round(const int16_t *ex, const int64_t *q, real *out, long n)
{
	for (long i = 0; i < n; i++)
		out[i] = result(q[i], ex[i]);
}

/* exact_sum: m->grads = sum over the batch's shards of share * grads, as
 * shard.h says.  One pass in a process alone; with others, a pass before
 * each exchange. */
static void exact_sum(struct shards *s, struct sketchrnn *m)
{
	long n = m->nparams;
	struct shard_terms t = {.n = s->n};

	for (int j = 0; j < s->n; j++) {
		t.g[j] = s->net[j].grads;
		t.a[j] = share(s, s->first + j);
	}
	if (!s->comm) {
		shard_sum(&t, m->grads, n);
		return;
	}
	shard_sum_expo(&t, s->expo, n);
	s->comm->max_i16(s->comm->ctx, s->expo, n);
	shard_sum_terms(&t, s->expo, s->sum, n);
	s->comm->sum_i64(s->comm->ctx, s->sum, n);
	shard_sum_round(s->expo, s->sum, m->grads, n);
}

void shards_backward(struct shards *s, struct sketchrnn *m)
{
	struct job jobs[SHARD_MAX];
	long n = m->nparams;

	for (int j = 0; j < s->n; j++)
		jobs[j] = (struct job){.net = &s->net[j], .backward = 1};
	run_all(s, jobs);
	if (s->total > 1) {
		exact_sum(s, m);
		return;
	}
	for (long i = 0; i < n; i++)
		m->grads[i] = (real)share(s, 0) * s->net[0].grads[i];
}
