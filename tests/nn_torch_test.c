/*
 * nn_torch_test: the whole sketch-rnn model (encoder, decoder, loss,
 * gradients, five Adam steps) against the PyTorch reference fixtures in
 * tests/torch/ (written by tests/torch/make_fixture.py, whose docstring
 * documents the file format).  Runs in float, the production type.
 *
 * For each fixture: load the weights, inputs and eps; compare mu,
 * sigma-hat, the 6M+3 head outputs, the loss parts, every parameter
 * gradient by name, the cost before each of five Adam steps (with the
 * learning-rate and KL-weight schedules and clipping) and the parameters
 * after them.  An element passes when |c - ref| <= RTOL |ref| + ATOL.
 * The dropout fixture also fixes the recurrent-dropout masks of both.
 * The hyper fixture (a HyperLSTM decoder, Magenta's HyperLSTMCell
 * transcribed in PyTorch, with dropout masks) also compares the
 * decoder's whole state [h, h^], [c, c^] after every step.
 * Then determinism: the same seed gives bit-identical gradients (dropout
 * on), and the generator's first outputs are pinned.
 * Usage: nn_torch_test [fixture-dir] (default tests/torch).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "bytes.h"
#include "rng.h"
#include "sketchrnn.h"
#include "util.h"

#define RTOL 1e-4
#define ATOL 1e-6
#define MAX_TENSORS 256

struct ftensor {
	char name[64];
	int ndim;
	long dims[4];
	long n;
	float *data;
};

struct fixture {
	int n;
	struct ftensor t[MAX_TENSORS];
};

static int failures;

static void report(int ok, const char *what, double abs_err, double rel)
{
	printf("%s - %s (max abs error %.3g, max rel %.3g)\n",
	       ok ? "ok" : "not ok", what, abs_err, rel);
	if (!ok)
		failures++;
}

/* load: read and validate a fixture file; dies on any malformation. */
static void load(struct fixture *fx, const char *path)
{
	FILE *f = xfopen(path, "rb");
	long size;
	unsigned char *buf, *p, *end;

	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 12 ||
	    fseek(f, 0, SEEK_SET) != 0)
		die("%s: not a fixture", path);
	buf = xmalloc((size_t)size);
	if (fread(buf, 1, (size_t)size, f) != (size_t)size)
		die("%s: read error", path);
	xfclose(f);
	p = buf;
	end = buf + size;
	if (memcmp(p, "SKTF", 4) != 0 || get_u32(p + 4) != 1)
		die("%s: bad magic or version", path);
	fx->n = (int)get_u32(p + 8);
	if (fx->n < 0 || fx->n > MAX_TENSORS)
		die("%s: %d tensors", path, fx->n);
	p += 12;
	for (int i = 0; i < fx->n; i++) {
		struct ftensor *t = &fx->t[i];
		uint32_t len;

		if (end - p < 4 || (len = get_u32(p)) >= sizeof(t->name) ||
		    end - p < 8 + (long)len)
			die("%s: tensor %d: bad name", path, i);
		memcpy(t->name, p + 4, len);
		t->name[len] = 0;
		p += 4 + len;
		t->ndim = (int)get_u32(p);
		p += 4;
		if (t->ndim > 4 || end - p < 4L * t->ndim)
			die("%s: %s: bad ndim", path, t->name);
		t->n = 1;
		for (int d = 0; d < t->ndim; d++) {
			t->dims[d] = get_u32(p);
			p += 4;
			t->n *= t->dims[d];
			if (t->n > (end - p) / 4)
				die("%s: %s: truncated", path, t->name);
		}
		if (end - p < 4 * t->n)
			die("%s: %s: truncated", path, t->name);
		t->data = xmalloc((size_t)(t->n ? t->n : 1) * sizeof(float));
		for (long k = 0; k < t->n; k++, p += 4)
			t->data[k] = get_f32(p);
	}
	if (p != end)
		die("%s: trailing bytes", path);
	free(buf);
}

static void unload(struct fixture *fx)
{
	for (int i = 0; i < fx->n; i++)
		free(fx->t[i].data);
	fx->n = 0;
}

static const struct ftensor *get(const struct fixture *fx, const char *name)
{
	for (int i = 0; i < fx->n; i++)
		if (strcmp(fx->t[i].name, name) == 0)
			return &fx->t[i];
	return NULL;
}

/* compare: n values of c against the fixture tensor name. */
static void compare(const struct fixture *fx, const char *label,
		    const char *name, const float *c, long n)
{
	const struct ftensor *t = get(fx, name);
	double ea = 0, er = 0;
	int ok = t && t->n == n;
	char what[160];

	for (long i = 0; ok && i < n; i++) {
		double r = t->data[i], e = fabs((double)c[i] - r);

		if (!(e <= RTOL * fabs(r) + ATOL))
			ok = 0;
		ea = e > ea ? e : ea;
		if (fabs(r) > 1e-3)
			er = e / fabs(r) > er ? e / fabs(r) : er;
	}
	snprintf(what, sizeof(what), "%s: %s matches PyTorch%s", label, name,
		 t ? (t->n == n ? "" : " (size differs)") : " (missing)");
	report(ok, what, ea, er);
}

/* config: the network shape and batch of a fixture's config tensor
 * (make_fixture.py): conditional, enc_cell, dec_cell, enc_size, dec_size,
 * z_size, num_mixture, B, N_max, and for a hyper decoder Nh, E. */
static void config(const struct ftensor *cf, struct sketchrnn_config *c, int *B,
		   int *T)
{
	const float *d = cf->data;

	memset(c, 0, sizeof(*c));
	c->conditional = (int)d[0];
	c->enc_cell = (int)d[1];
	c->dec_cell = (int)d[2];
	c->enc_size = (int)d[3];
	c->dec_size = (int)d[4];
	c->z_size = (int)d[5];
	c->num_mixture = (int)d[6];
	*B = (int)d[7];
	*T = (int)d[8];
	if (cf->n == 11) {
		c->hyper_num_units = (int)d[9];
		c->hyper_embedding_size = (int)d[10];
	}
}

static void run_fixture(const char *dir, const char *label)
{
	char path[512], name[96];
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	const struct ftensor *cf, *st, *ln, *ep;
	struct sketchrnn m;
	struct sketchrnn_config cfg;
	struct adam opt;
	int B, T, len[64], ok;
	float *init, losses[5];

	snprintf(path, sizeof(path), "%s/fixture_%s.bin", dir, label);
	load(fx, path);
	cf = get(fx, "config");
	st = get(fx, "input.strokes");
	ln = get(fx, "input.lengths");
	ep = get(fx, "input.eps");
	if (!cf || (cf->n != 9 && cf->n != 11) || !st || !ln)
		die("%s: config or inputs missing", path);
	config(cf, &cfg, &B, &T);
	if (B > 64 || ln->n != B || st->n != (long)B * (T + 1) * 5)
		die("%s: input shapes", path);
	for (int b = 0; b < B; b++)
		len[b] = (int)ln->data[b];
	sketchrnn_build(&m, &cfg);
	ok = 1;
	for (int i = 0; i < m.ntensors; i++) {
		const struct sketchrnn_tensor *t = &m.tensor[i];
		const struct ftensor *ft;

		snprintf(name, sizeof(name), "param.%s", t->name);
		ft = get(fx, name);
		if (!ft || ft->n != t->size || ft->dims[0] != t->shape[0]) {
			ok = 0;
			continue;
		}
		memcpy(m.params + t->offset, ft->data, t->size * sizeof(float));
	}
	snprintf(path, sizeof(path),
		 "%s: every parameter tensor loads with "
		 "its shape",
		 label);
	report(ok, path, 0, 0);
	const struct ftensor *mk[3] = {get(fx, "mask.enc_fw"),
				       get(fx, "mask.enc_bw"),
				       get(fx, "mask.dec")};
	sketchrnn_batch(&m, B, T, mk[2] != NULL);
	if (mk[2]) {
		/* fixed recurrent-dropout masks instead of sketchrnn_noise */
		struct lstm_acts *acts[3] = {&m.afw, &m.abw, &m.adec};
		int H[3] = {cfg.enc_size, cfg.enc_size, cfg.dec_size};

		for (int k = 0; k < 3; k++) {
			if (!mk[k] || mk[k]->n != (long)T * B * H[k] ||
			    !acts[k]->mask)
				die("%s: bad dropout masks", label);
			memcpy(acts[k]->mask, mk[k]->data,
			       mk[k]->n * sizeof(float));
		}
		m.use_mask = 1;
	}
	if (cfg.conditional) {
		if (!ep || ep->n != (long)B * cfg.z_size)
			die("%s: input.eps missing", label);
		memcpy(m.eps, ep->data, ep->n * sizeof(float));
	}
	init = xmalloc((size_t)m.nparams * sizeof(float));
	memcpy(init, m.params, (size_t)m.nparams * sizeof(float));

	sketchrnn_forward(&m, st->data, len,
			  adam_kl_weight(0.5, 0.01, 0.99995, 0), 0.2);
	if (cfg.conditional) {
		compare(fx, label, "out.mu", m.mu, (long)B * cfg.z_size);
		compare(fx, label, "out.sigma_hat", m.sh, (long)B * cfg.z_size);
	}
	compare(fx, label, "out.y", m.y,
		(long)T * B * (6 * cfg.num_mixture + 3));
	if (get(fx, "out.state_h")) {
		long S = lstm_state_size(&m.dec);

		compare(fx, label, "out.state_h", m.adec.h + B * S, T * B * S);
		compare(fx, label, "out.state_c", m.adec.c + B * S, T * B * S);
	}
	float loss[5] = {(float)m.ls, (float)m.lp, (float)m.kl, (float)m.kl_c,
			 (float)m.cost};
	compare(fx, label, "out.loss", loss, 5);
	sketchrnn_backward(&m);
	for (int i = 0; i < m.ntensors; i++) {
		const struct sketchrnn_tensor *t = &m.tensor[i];

		snprintf(name, sizeof(name), "grad.%s", t->name);
		compare(fx, label, name, m.grads + t->offset, t->size);
	}

	adam_init(&opt, m.nparams);
	for (int s = 0; s < 5; s++) {
		losses[s] = (float)sketchrnn_forward(
		    &m, st->data, len, adam_kl_weight(0.5, 0.01, 0.99995, s),
		    0.2);
		sketchrnn_backward(&m);
		adam_step(&opt, m.params, m.grads,
			  adam_lr(1e-3, 1e-5, 0.9999, s), 1.0);
	}
	compare(fx, label, "adam.losses", losses, 5);
	for (int i = 0; i < m.ntensors; i++) {
		const struct sketchrnn_tensor *t = &m.tensor[i];

		snprintf(name, sizeof(name), "adam.param.%s", t->name);
		compare(fx, label, name, m.params + t->offset, t->size);
	}
	adam_free(&opt);
	free(init);
	sketchrnn_free(&m);
	unload(fx);
	free(fx);
}

/* run_seeded: init from seed, draw noise (dropout on), one forward and
 * backward of a small batch; copies the gradients to g. */
static double run_seeded(uint64_t seed, float *g, long *n)
{
	struct sketchrnn_config cfg = {
	    1, CELL_LSTM, CELL_LAYER_NORM, 8, 16, 4, 3, 0, 0};
	struct sketchrnn m;
	struct rng r;
	int B = 4, T = 10, len[4] = {10, 6, 3, 1};
	float s[4 * 11 * 5] = {0};
	double cost;

	rng_seed(&r, seed);
	sketchrnn_build(&m, &cfg);
	sketchrnn_init(&m, &r);
	sketchrnn_batch(&m, 2, 5, 0); /* replaced below: no leak under ASan */
	sketchrnn_batch(&m, B, T, 1);
	sketchrnn_noise(&m, &r, 0.9);
	for (int b = 0; b < B; b++)
		for (int t = 0; t <= T; t++) {
			float *d = s + (b * (T + 1) + t) * 5;

			if (t == 0 || t > len[b]) {
				d[t == 0 ? 2 : 4] = 1;
				continue;
			}
			d[0] = (float)rng_normal(&r);
			d[1] = (float)rng_normal(&r);
			d[2 + (rng_uniform(&r) < 0.3)] = 1;
		}
	cost = sketchrnn_forward(&m, s, len, 0.5, 0.2);
	sketchrnn_backward(&m);
	if (g)
		memcpy(g, m.grads, (size_t)m.nparams * sizeof(float));
	*n = m.nparams;
	sketchrnn_free(&m);
	return cost;
}

/* The same seed gives bit-identical results; another seed does not.  The
 * first outputs of the generator are pinned so that a stored generator
 * state resumes the same sequence in every version. */
static void test_determinism(void)
{
	long n;
	double c1, c2, c3;
	float *g1, *g2;
	struct rng r;
	int ok;

	run_seeded(1, NULL, &n);
	g1 = xmalloc((size_t)n * sizeof(float));
	g2 = xmalloc((size_t)n * sizeof(float));
	c1 = run_seeded(1, g1, &n);
	c2 = run_seeded(1, g2, &n);
	c3 = run_seeded(2, NULL, &n);
	ok = c1 == c2 && memcmp(g1, g2, (size_t)n * sizeof(float)) == 0;
	report(ok, "same seed: bit-identical cost and gradients", fabs(c1 - c2),
	       0);
	report(c1 != c3, "another seed: another cost", fabs(c1 - c3), 0);
	free(g1);
	free(g2);
	rng_seed(&r, 42);
	uint64_t u0 = rng_u64(&r), u1 = rng_u64(&r);
	ok = u0 == UINT64_C(0x15780b2e0c2ec716) &&
	     u1 == UINT64_C(0x6104d9866d113a7e);
	if (!ok)
		printf("# rng_u64 seed 42: %016llx %016llx\n",
		       (unsigned long long)u0, (unsigned long long)u1);
	report(ok, "rng: pinned first outputs for seed 42", 0, 0);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/torch";

	util_init(argv[0]);
	run_fixture(dir, "lstm");
	run_fixture(dir, "layer_norm");
	run_fixture(dir, "decoder_only");
	run_fixture(dir, "dropout");
	run_fixture(dir, "hyper");
	test_determinism();
	if (failures)
		printf("# %d checks failed\n", failures);
	return failures ? 1 : 0;
}
