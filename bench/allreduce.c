/*
 * allreduce: the cost of train -M's exchange of one step, and of the
 * per-step work every process repeats however many there are.
 *
 * usage: mpirun -np N allreduce [-r reps] [-s shards] P...
 *        allreduce -L [-r reps] [-s shards] P...
 *
 * Under mpirun it times, for a model of P parameters, exactly what a
 * training step of train -M exchanges (lib/shard.c, filters/train/
 * cluster.c): an in-place MPI_Allreduce MAX of P int16 (the exponents), an
 * in-place MPI_Allreduce SUM of P int64 (the integer terms), the
 * MPI_Allgather of 3 doubles per shard (the forward losses) and the
 * MPI_Allreduce MAX of one int (the stop flag), for `shards` shards per
 * process (-s, default 1).  Every repetition starts after a barrier and
 * refills the buffers (untimed); rank 0 prints the median and the minimum
 * over the repetitions (-r, default 100) of each part and of the whole.
 *
 * With -L (one process, no MPI) it times the local work around the
 * exchange for P parameters and `shards` shards (default 2): the old sum
 * of the shards' gradients (a float left fold, g = a0 g0 + a1 g1 + ...),
 * the exact sum of one process alone (one pass: exponent, integer terms,
 * rounding) and the three passes of a process of train -M (exponents;
 * terms; rounding, with the exchange between them), copies of lib/shard.c's
 * float code, then adam_step over P.  Last, the noise of a batch of 50
 * drawings of the small preset (layer-norm encoder 128, decoder 256, N_z
 * 64, N_max 250, recurrent dropout), which each process of train -M passes
 * over for the drawings of the other processes' shards: its draws stepped
 * one by one, and the jump matrix (rng.h) over them, built and applied.
 * Medians over the repetitions.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mpi.h>

#include "adam.h"
#include "rng.h"
#include "shard.h"
#include "sketchrnn.h"
#include "util.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static double minimum(const double *t, int n)
{
	double m = t[0];

	for (int i = 1; i < n; i++)
		m = t[i] < m ? t[i] : m;
	return m;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mpirun -np N allreduce [-r reps] [-s shards] "
		"P...\n       allreduce -L [-r reps] [-s shards] P...\n");
	exit(2);
}

/* ---- the exchange, under MPI ---- */

static void fill(int16_t *ex, int64_t *q, long n, int rank)
{
	for (long i = 0; i < n; i++) {
		ex[i] = (int16_t)(-20 + (i * 7 + rank) % 13);
		q[i] = ((int64_t)(i % 1000) - 500) << 20;
	}
}

static void exchange(long n, int reps, int shards, int rank, int size)
{
	int16_t *ex = xmalloc((size_t)n * sizeof *ex);
	int64_t *q = xmalloc((size_t)n * sizeof *q);
	double *loss = xcalloc((size_t)size * 3 * shards, sizeof *loss);
	double *t[4];
	int warm = reps / 10 + 2;

	for (int k = 0; k < 4; k++)
		t[k] = xmalloc((size_t)reps * sizeof(double));
	for (int r = -warm; r < reps; r++) {
		double t0, t1, t2, t3;
		int flag = 0;

		fill(ex, q, n, rank);
		for (int j = 0; j < 3 * shards; j++)
			loss[3 * shards * rank + j] = rank + j;
		MPI_Barrier(MPI_COMM_WORLD);
		t0 = MPI_Wtime();
		MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, loss,
			      3 * shards, MPI_DOUBLE, MPI_COMM_WORLD);
		t1 = MPI_Wtime();
		MPI_Allreduce(MPI_IN_PLACE, ex, (int)n, MPI_INT16_T, MPI_MAX,
			      MPI_COMM_WORLD);
		t2 = MPI_Wtime();
		MPI_Allreduce(MPI_IN_PLACE, q, (int)n, MPI_INT64_T, MPI_SUM,
			      MPI_COMM_WORLD);
		t3 = MPI_Wtime();
		MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_MAX,
			      MPI_COMM_WORLD);
		if (r >= 0) {
			t[0][r] = t2 - t1;
			t[1][r] = t3 - t2;
			t[2][r] = (t1 - t0) + (MPI_Wtime() - t3);
			t[3][r] = MPI_Wtime() - t0;
		}
	}
	if (rank == 0) {
		double m[4], lo = minimum(t[3], reps);

		for (int k = 0; k < 4; k++)
			m[k] = median(t[k], reps);
		printf("allreduce: np %d, P %ld, %d shard%s a process: max "
		       "int16 %.3f ms, sum int64 %.3f ms, allgather and flag "
		       "%.3f ms; exchange %.3f ms (median of %d, min %.3f), "
		       "%.2f GB/s of 10 bytes a parameter\n",
		       size, n, shards, shards == 1 ? "" : "s", 1e3 * m[0],
		       1e3 * m[1], 1e3 * m[2], 1e3 * m[3], reps, 1e3 * lo,
		       10.0 * (double)n / m[3] * 1e-9);
		fflush(stdout);
	}
	for (int k = 0; k < 4; k++)
		free(t[k]);
	free(ex);
	free(q);
	free(loss);
}

/* ---- the local passes, one process (lib/shard.c's exact sum, and the
 * float left fold it replaced) ---- */

static void fold(const struct shard_terms *t, float *g, long n)
{
	for (long i = 0; i < n; i++)
		g[i] = (float)t->a[0] * t->g[0][i];
	for (int j = 1; j < t->n; j++) {
		float a = (float)t->a[j];
		const float *h = t->g[j];

		for (long i = 0; i < n; i++)
			g[i] += a * h[i];
	}
}

static void exact_passes(const struct shard_terms *t, float *g, int16_t *ex,
			 int64_t *q, long n)
{
	shard_sum_expo(t, ex, n);
	/* (here the exponents are exchanged) */
	shard_sum_terms(t, ex, q, n);
	/* (here the terms are summed) */
	shard_sum_round(ex, q, g, n);
}

static void local(long n, int reps, int shards)
{
	struct shard_terms t = {.n = shards};
	float *g = xmalloc((size_t)n * sizeof *g), *p, *gs;
	float *src[SHARD_MAX];
	int16_t *ex = xmalloc((size_t)n * sizeof *ex);
	int64_t *q = xmalloc((size_t)n * sizeof *q);
	double *tf = xmalloc((size_t)reps * sizeof(double));
	double *ta = xmalloc((size_t)reps * sizeof(double));
	double *tp = xmalloc((size_t)reps * sizeof(double));
	double *tm = xmalloc((size_t)reps * sizeof(double));
	double mf, ma, mp, mm;
	struct adam opt;
	struct rng r;
	int B = 50;

	rng_seed(&r, 1);
	for (int j = 0; j < shards; j++) {
		float *h = xmalloc((size_t)n * sizeof *h);

		for (long i = 0; i < n; i++)
			h[i] = i % 17 ? (float)(1e-3 * rng_normal(&r)) : 0;
		src[j] = h;
		t.g[j] = h;
		t.a[j] = (double)((j + 1) * B / shards - j * B / shards) / B;
	}
	p = xcalloc((size_t)n, sizeof *p);
	gs = xmalloc((size_t)n * sizeof *gs);
	adam_init(&opt, n);
	for (int k = -2; k < reps; k++) {
		double t0 = now(), t1, t2, t3, t4;

		fold(&t, g, n);
		t1 = now();
		shard_sum(&t, g, n);
		t2 = now();
		exact_passes(&t, g, ex, q, n);
		t3 = now();
		memcpy(gs, g, (size_t)n * sizeof *g);
		t4 = now();
		adam_step(&opt, p, gs, 1e-3, 1.0);
		if (k >= 0) {
			tf[k] = t1 - t0;
			ta[k] = t2 - t1;
			tp[k] = t3 - t2;
			tm[k] = now() - t4;
		}
	}
	mf = median(tf, reps);
	ma = median(ta, reps);
	mp = median(tp, reps);
	mm = median(tm, reps);
	printf("local: P %ld, %d shards: float fold %.3f ms, exact sum "
	       "%.3f ms (%.2fx), exact passes of -M %.3f ms (%.2fx), "
	       "adam %.3f ms (median of %d)\n",
	       n, shards, 1e3 * mf, 1e3 * ma, ma / mf, 1e3 * mp, mp / mf,
	       1e3 * mm, reps);
	adam_free(&opt);
	for (int j = 0; j < shards; j++)
		free(src[j]);
	free(g);
	free(gs);
	free(p);
	free(ex);
	free(q);
	free(tf);
	free(ta);
	free(tp);
	free(tm);
}

/* noise_skip: the draws of 50 drawings of the small preset, as train -M
 * passes over them for the other processes' shards: stepped one by one,
 * and by the jump matrix (built once a run, applied each step). */
static void noise_skip(int reps)
{
	struct sketchrnn_config cfg = {.conditional = 1,
				       .enc_cell = CELL_LAYER_NORM,
				       .dec_cell = CELL_LAYER_NORM,
				       .enc_size = 128,
				       .dec_size = 256,
				       .z_size = 64,
				       .num_mixture = 20};
	struct sketchrnn m;
	struct rng r;
	static struct rng_jump j;
	double *t = xmalloc((size_t)reps * sizeof(double)), *u, ms, mb, ma;
	int B = 50;
	uint64_t n;

	u = xmalloc((size_t)reps * sizeof(double));
	sketchrnn_build(&m, &cfg);
	sketchrnn_batch(&m, 1, 250, 1);
	n = sketchrnn_noise_draws(&m, B, 0.9);
	rng_seed(&r, 1);
	for (int k = -1; k < reps; k++) {
		double t0 = now();

		for (uint64_t i = 0; i < n; i++)
			rng_u64(&r);
		if (k >= 0)
			t[k] = now() - t0;
	}
	ms = median(t, reps);
	for (int k = -1; k < reps && k < 10; k++) {
		double t0 = now();

		rng_jump_init(&j, n);
		if (k >= 0)
			u[k] = now() - t0;
	}
	mb = median(u, reps < 10 ? reps : 10);
	for (int k = -1; k < reps; k++) {
		double t0 = now();

		rng_jump(&r, &j);
		if (k >= 0)
			t[k] = now() - t0;
	}
	ma = median(t, reps);
	printf("noise_skip: small preset, %d drawings, %llu draws: stepped "
	       "%.3f ms, %.1f us a drawing; jump built %.2f ms (once), "
	       "applied %.2f us (medians of %d)\n",
	       B, (unsigned long long)n, 1e3 * ms, 1e6 * ms / B, 1e3 * mb,
	       1e6 * ma, reps);
	sketchrnn_free(&m);
	free(t);
	free(u);
}

int main(int argc, char **argv)
{
	int ch, reps = 100, shards = 0, alone = 0, rank = 0, size = 1;

	util_init(argv[0]);
	while ((ch = getopt(argc, argv, "Lr:s:")) != -1) {
		switch (ch) {
		case 'L':
			alone = 1;
			break;
		case 'r':
			reps = (int)parse_long('r', optarg, 1, 1000000);
			break;
		case 's':
			shards = (int)parse_long('s', optarg, 1, SHARD_MAX);
			break;
		default:
			usage();
		}
	}
	if (optind == argc)
		usage();
	if (alone) {
		for (int i = optind; i < argc; i++)
			local(parse_long('P', argv[i], 1, 1L << 30), reps,
			      shards ? shards : 2);
		noise_skip(reps);
		return 0;
	}
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	for (int i = optind; i < argc; i++)
		exchange(parse_long('P', argv[i], 1, 1L << 30), reps,
			 shards ? shards : 1, rank, size);
	MPI_Finalize();
	return 0;
}
