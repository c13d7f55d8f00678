/*
 * sample_magenta_test: sketchrnn's sampler, with Magenta's procedure
 * selected (SAMPLE_MAGENTA) and the same uniform draws, reproduces the
 * sketches @magenta/sketch sampled from its own pretrained models
 * (tests/magenta/fixtures/NAME.sample.bin, written by
 * tests/magenta/oracle.js; format and draw protocol in
 * tests/magenta/README.md).  Every row must choose the same mixture
 * component and pen and consume the same number of draws; offsets must
 * agree within 1e-3 model units (the float32 feedback of the two
 * implementations can differ by an ulp, which some models amplify).
 *
 * Models are read from data/models (run from the top of the source
 * tree); a missing model is reported and counts as a failure.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "sample.h"
#include "sketchjs.h"
#include "util.h"

static int failures;

static void check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	failures += !ok;
}

static double get_f64(const unsigned char *b)
{
	uint64_t v = get_u64(b);
	double d;

	memcpy(&d, &v, 8);
	return d;
}

struct fixture {
	unsigned char *buf;
	uint32_t n, nd, maxlen;
	uint64_t seed;
	double tau, scale, pixel;
};

static int read_fixture(const char *path, struct fixture *fx)
{
	FILE *f = fopen(path, "rb");
	long size;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	fx->buf = xmalloc((size_t)size);
	if (size < 60 || fread(fx->buf, 1, (size_t)size, f) != (size_t)size ||
	    memcmp(fx->buf, "SJSA", 4) != 0) {
		fclose(f);
		return -1;
	}
	fclose(f);
	fx->n = get_u32(fx->buf + 8);
	fx->nd = get_u32(fx->buf + 12);
	fx->seed = get_u64(fx->buf + 16);
	fx->tau = get_f64(fx->buf + 24);
	fx->scale = get_f64(fx->buf + 40);
	fx->pixel = get_f64(fx->buf + 48);
	fx->maxlen = get_u32(fx->buf + 56);
	return size == 60 + 36L * fx->n + 8L * fx->nd ? 0 : -1;
}

/* compare: our rows against the fixture's; returns a description of the
 * first disagreement, or NULL. */
static const char *compare(const struct fixture *fx,
			   const struct sample_row *rows, int n, double *worst)
{
	static char why[160];
	double s = fx->scale / fx->pixel, e;
	uint32_t i;

	*worst = 0;
	if ((uint32_t)n != fx->n) {
		snprintf(why, sizeof why, "%d rows, Magenta %u", n, fx->n);
		return why;
	}
	for (i = 0; i < fx->n; i++) {
		const unsigned char *b = fx->buf + 60 + 36L * i;
		int draws = (int)get_u32(b), k = (int)get_u32(b + 4);
		int pen = (int)get_u32(b + 8);

		if (rows[i].k != k || rows[i].pen != pen ||
		    rows[i].draws != draws) {
			snprintf(why, sizeof why,
				 "row %u: mixture %d pen %d draws %d, Magenta "
				 "%d %d %d",
				 i, rows[i].k, rows[i].pen, rows[i].draws, k,
				 pen, draws);
			return why;
		}
		e = fmax(fabs(rows[i].dx - get_f64(b + 12) / s),
			 fabs(rows[i].dy - get_f64(b + 20) / s));
		*worst = fmax(*worst, e);
		if (e > 1e-3) {
			snprintf(why, sizeof why, "row %u: offset off by %g", i,
				 e);
			return why;
		}
	}
	return NULL;
}

static void run_model(const char *name)
{
	char path[256], what[320];
	struct fixture fx;
	struct sketchjs js;
	struct sketchrnn net;
	struct sample_opts o;
	struct sample_row *rows;
	struct drawing out;
	struct rng r;
	const char *why;
	double worst;
	int n;

	snprintf(path, sizeof path, "tests/magenta/fixtures/%s.sample.bin",
		 name);
	if (read_fixture(path, &fx) < 0) {
		snprintf(what, sizeof what, "%s: read %s", name, path);
		check(0, what);
		return;
	}
	snprintf(path, sizeof path, "data/models/%s.gen.json", name);
	if (sketchjs_load(&js, path) < 0 ||
	    sketchjs_to_net(&js, &net, path) < 0) {
		snprintf(what, sizeof what, "%s: load %s", name, path);
		check(0, what);
		free(fx.buf);
		return;
	}
	memset(&o, 0, sizeof o);
	o.tau = fx.tau;
	o.convention = SAMPLE_MAGENTA;
	o.maxlen = (int)fx.maxlen;
	rows = xcalloc(fx.maxlen, sizeof *rows);
	drawing_init(&out);
	rng_seed(&r, fx.seed);
	sample_decode(&net, NULL, 1, NULL, &o, &r, &out, rows, &n);
	why = compare(&fx, rows, n, &worst);
	snprintf(what, sizeof what,
		 "%s: %u sampled rows equal Magenta's (worst offset error %.2g "
		 "model units)%s%s",
		 name, fx.n, worst, why ? ": " : "", why ? why : "");
	check(!why, what);
	drawing_free(&out);
	free(rows);
	sketchrnn_free(&net);
	sketchjs_free(&js);
	free(fx.buf);
}

int main(void)
{
	static const char *const models[] = {"bicycle",	 "bird",   "lantern",
					     "mosquito", "rabbit", "sheep"};

	for (size_t i = 0; i < sizeof models / sizeof *models; i++)
		run_model(models[i]);
	return failures != 0;
}
