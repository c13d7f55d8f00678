/*
 * step: seconds per sketch-rnn training step (forward, backward, Adam)
 * and the GFLOP/s of its matrix products against OpenBLAS's own sgemm
 * measured in the same run.
 *
 * usage: step [-l] [-c default|small|preset|hyper] [-j shards] [-n steps]
 *             [-t threads]
 *
 * First it checks the fast GEMM path against the naive loop (one forward
 * and backward of a tiny model both ways) and exits 1 if they differ; then
 * it times a large square sgemm as the peak, then the training step.
 * Threads come from OPENBLAS_NUM_THREADS unless -t is given; -j n cuts
 * each batch into n shards run on n threads as train -j does (shard.h),
 * with OpenBLAS on one thread per shard.  -c preset is the small preset
 * of pipelines/train.sh (enc 128, dec 256, N_z 64, B 50, N_max 250); -c hyper
 * its hyper preset (the same with a layer-norm encoder and a HyperLSTM
 * decoder, hyper cell 256, embedding 32), whose check runs a small hyper
 * model.  It does not do data loading or augmentation; the batch is
 * synthetic.
 */
#include <cblas.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adam.h"
#include "hyper.h"
#include "rng.h"
#include "shard.h"
#include "sketchrnn.h"
#include "util.h"

struct options {
	const char *config; /* "default" (the reference), "small", "preset",
			       "hyper" */
	int steps;	    /* timed steps (0: 3 for default, 20 for small) */
	int threads;	    /* OpenBLAS threads, 0: leave as set */
	int shards;	    /* -j: shards of the batch, one thread each */
	int layer_norm;	    /* layer-norm cells instead of LSTM */
};

static const char *cell_label(int cell)
{
	if (cell == CELL_HYPER)
		return "hyper";
	return cell == CELL_LAYER_NORM ? "layer_norm" : "lstm";
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: step [-l] [-c default|small|preset|hyper] [-j shards] "
		"[-n steps]\n"
		"            [-t threads]\n");
	exit(1);
}

/* batch: a synthetic stroke-5 batch; len[b] = T/2 + (37 b) mod (T/2 + 1),
 * the same lengths as bench/torch_step.py. */
static void batch(float *s, int *len, int B, int T, struct rng *r)
{
	memset(s, 0, (size_t)B * (T + 1) * 5 * sizeof(float));
	for (int b = 0; b < B; b++) {
		float *d = s + (long)b * (T + 1) * 5;

		len[b] = T / 2 + (37 * b) % (T / 2 + 1);
		d[2] = 1;
		for (int t = 1; t <= T; t++) {
			if (t > len[b]) {
				d[t * 5 + 4] = 1;
				continue;
			}
			d[t * 5] = (float)rng_normal(r);
			d[t * 5 + 1] = (float)rng_normal(r);
			d[t * 5 + 2 + (rng_uniform(r) < 0.2)] = 1;
		}
	}
}

/* check: a small model's loss and gradients with gemm() against
 * gemm_naive(), with a layer-norm or a hyper decoder; returns the largest
 * relative difference. */
static double check(int dec_cell)
{
	struct sketchrnn_config cfg = {1, CELL_LSTM, dec_cell, 16, 32,
				       8, 5,	     8,	       4};
	struct sketchrnn m;
	struct rng r;
	int B = 7, T = 20, len[7];
	float *s = xmalloc((size_t)B * (T + 1) * 5 * sizeof(float));
	float *g;
	double c1, c2, worst, scale = 0;

	rng_seed(&r, 7);
	sketchrnn_build(&m, &cfg);
	sketchrnn_init(&m, &r);
	sketchrnn_batch(&m, B, T, 1);
	sketchrnn_noise(&m, &r, 0.9);
	batch(s, len, B, T, &r);
	gemm_naive_only = 0;
	c1 = sketchrnn_forward(&m, s, len, 0.5, 0.0);
	sketchrnn_backward(&m);
	g = xmalloc((size_t)m.nparams * sizeof(float));
	memcpy(g, m.grads, (size_t)m.nparams * sizeof(float));
	gemm_naive_only = 1;
	c2 = sketchrnn_forward(&m, s, len, 0.5, 0.0);
	sketchrnn_backward(&m);
	gemm_naive_only = 0;
	worst = fabs(c1 - c2) / fabs(c2);
	for (long i = 0; i < m.nparams; i++)
		scale = fmax(scale, fabs(m.grads[i]));
	for (long i = 0; i < m.nparams; i++)
		worst = fmax(worst, fabs(g[i] - m.grads[i]) / scale);
	free(g);
	free(s);
	sketchrnn_free(&m);
	return worst;
}

/* peak: GFLOP/s of a square n x n sgemm, best of a few runs, by wall
 * time; *cpu_peak the same by process CPU time. */
static double peak(int n, double *cpu_peak)
{
	float *a = xmalloc((size_t)n * n * sizeof(float));
	float *b = xmalloc((size_t)n * n * sizeof(float));
	float *c = xmalloc((size_t)n * n * sizeof(float));
	double best = 0, cbest = 0;

	for (long i = 0; i < (long)n * n; i++) {
		a[i] = (float)(i % 7) * 0.1f;
		b[i] = (float)(i % 5) * 0.1f;
	}
	for (int rep = 0; rep < 5; rep++) {
		double t0 = now(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), dt;
		double dc;

		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n,
			    1, a, n, b, n, 0, c, n);
		dt = now() - t0;
		dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (rep > 0) {
			best = fmax(best, 2.0 * n * n * n / dt * 1e-9);
			cbest = fmax(cbest, 2.0 * n * n * n / dc * 1e-9);
		}
	}
	free(a);
	free(b);
	free(c);
	*cpu_peak = cbest;
	return best;
}

/* print_cpu: the CPU model, as /proc/cpuinfo names it. */
static void print_cpu(void)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");
	const char *name = "unknown";

	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "model name", 10) == 0) {
			char *p = strchr(line, ':');

			if (p) {
				name = p + 1 + strspn(p + 1, " \t");
				line[strcspn(line, "\n")] = 0;
			}
			break;
		}
	printf("cpu: %s\n", name);
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	struct options o = {"default", 0, 0, 1, 0};
	struct sketchrnn_config cfg;
	struct sketchrnn m;
	struct shards sh;
	struct adam opt;
	struct rng r;
	int ch, B, T, *len;
	float *s;
	double diff, pk, cpk, t0, c0, dt, cpu, flops;

	util_init(argv[0]);
	while ((ch = getopt(argc, argv, "c:j:ln:t:")) != -1) {
		switch (ch) {
		case 'c':
			o.config = optarg;
			break;
		case 'j':
			o.shards = (int)parse_long('j', optarg, 1, SHARD_MAX);
			break;
		case 'l':
			o.layer_norm = 1;
			break;
		case 'n':
			o.steps = (int)parse_long('n', optarg, 1, 100000);
			break;
		case 't':
			o.threads = (int)parse_long('t', optarg, 1, 256);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (o.threads)
		openblas_set_num_threads(o.threads);
	int cell = o.layer_norm ? CELL_LAYER_NORM : CELL_LSTM;
	int hyper = strcmp(o.config, "hyper") == 0;
	if (strcmp(o.config, "default") == 0) {
		cfg = (struct sketchrnn_config){1,   cell, cell, 256, 512,
						128, 20,   0,	 0};
		B = 100;
		T = 250;
		o.steps = o.steps ? o.steps : 3;
	} else if (strcmp(o.config, "small") == 0) {
		cfg = (struct sketchrnn_config){1,  cell, cell, 64, 128,
						32, 20,	  0,	0};
		B = 100;
		T = 100;
		o.steps = o.steps ? o.steps : 10;
	} else if (strcmp(o.config, "preset") == 0 || hyper) {
		cfg = (struct sketchrnn_config){1,  cell, cell, 128, 256,
						64, 20,	  0,	0};
		if (hyper) {
			cfg.enc_cell = CELL_LAYER_NORM;
			cfg.dec_cell = CELL_HYPER;
			cfg.hyper_num_units = HYPER_NUM_UNITS;
			cfg.hyper_embedding_size = HYPER_EMBEDDING_SIZE;
		}
		B = 50;
		T = 250;
		o.steps = o.steps ? o.steps : 10;
	} else {
		die("-c %s: not default, small, preset or hyper", o.config);
	}

	diff = check(hyper ? CELL_HYPER : CELL_LAYER_NORM);
	printf("check: fast GEMM path vs naive loop, max relative "
	       "difference %.2g: %s\n",
	       diff, diff < 1e-4 ? "ok" : "FAILED");
	if (!(diff < 1e-4))
		return 1;
	print_cpu();
	printf("openblas: %s, core %s, threads %d\n", openblas_get_config(),
	       openblas_get_corename(), openblas_get_num_threads());
	pk = peak(2048, &cpk);
	printf("sgemm peak: 2048^3 sgemm %.1f GFLOP/s (%.1f per CPU second)\n",
	       pk, cpk);

	rng_seed(&r, 1);
	sketchrnn_build(&m, &cfg);
	sketchrnn_init(&m, &r);
	shards_init(&sh, &m, o.shards, B, T, 1);
	adam_init(&opt, m.nparams);
	s = xmalloc((size_t)B * (T + 1) * 5 * sizeof(float));
	len = xmalloc((size_t)B * sizeof(int));
	batch(s, len, B, T, &r);
	flops = 0;
	dt = cpu = 0;
	for (int step = 0; step <= o.steps; step++) {
		t0 = now();
		c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		gemm_flops = 0;
		shards_noise(&sh, &r, 0.9);
		shards_forward(&sh, &m, s, len,
			       adam_kl_weight(0.5, 0.01, 0.99995, step), 0.2);
		shards_backward(&sh, &m);
		adam_step(&opt, m.params, m.grads,
			  adam_lr(1e-3, 1e-5, 0.9999, step), 1.0);
		if (step > 0) { /* step 0 is the warm-up */
			dt += now() - t0;
			cpu += clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
			flops += gemm_flops;
		}
	}
	printf("step: config %s (%s encoder, %s decoder, enc %d, dec %d, "
	       "N_z %d, M %d, B %d, N_max %d, %ld parameters), %d shards, "
	       "OpenBLAS threads %d\n",
	       o.config, cell_label(cfg.enc_cell), cell_label(cfg.dec_cell),
	       cfg.enc_size, cfg.dec_size, cfg.z_size, cfg.num_mixture, B, T,
	       m.nparams, sh.n, openblas_get_num_threads());
	printf("step: %.4f s/step (cpu %.4f s/step) over %d steps, "
	       "%.2f GFLOP/step in GEMMs, last cost %.4f\n",
	       dt / o.steps, cpu / o.steps, o.steps, flops / o.steps * 1e-9,
	       m.cost);
	printf("step: %.1f GFLOP/s = %.0f%% of the sgemm peak (by CPU time: "
	       "%.1f GFLOP/s = %.0f%%)\n",
	       flops / dt * 1e-9, 100 * flops / dt * 1e-9 / pk,
	       flops / cpu * 1e-9, 100 * flops / cpu * 1e-9 / cpk);
	adam_free(&opt);
	shards_free(&sh);
	sketchrnn_free(&m);
	free(s);
	free(len);
	return 0;
}
