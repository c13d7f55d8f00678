/*
 * export_test: the sketch-rnn-js round trip import(export(m)) of sketchrnn
 * models (a VAE and a decoder-only model: the reference initialisation
 * plus N(0, 0.3^2) noise, weights of the size training gives them):
 *   - every weight moves by at most half a quantisation step, 10/32767/2
 *     (clipped ones land on +-10), and the clip count is reported right;
 *   - exporting the imported model again gives the same bytes;
 *   - the head outputs over a batch differ by at most 1e-2 and the loss
 *     by at most 1e-3 relative;
 * and, with a few weights set beyond +-10, the clipped ones land on +-10
 * and are counted.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "sketchjs.h"
#include "sketchrnn.h"
#include "synth.h"
#include "util.h"

static int failures;

static void check(int ok, const char *fmt, double v)
{
	printf("%s - ", ok ? "ok" : "not ok");
	printf(fmt, v);
	printf("\n");
	failures += !ok;
}

/* to_text: export net into a malloc'ed string; *clipped gets the count. */
static char *to_text(const struct sketchrnn *net, long *clipped, size_t *len)
{
	FILE *f = tmpfile();
	char *s;

	if (!f)
		die("tmpfile:");
	*clipped = sketchjs_write(f, net, "t", 12.5, 40);
	*len = (size_t)ftell(f);
	rewind(f);
	s = xmalloc(*len + 1);
	if (fread(s, 1, *len, f) != *len)
		die("tmpfile read:");
	s[*len] = '\0';
	fclose(f);
	return s;
}

static void run(int conditional)
{
	struct sketchrnn_config c = {conditional, CELL_LSTM, CELL_LSTM, 16, 32,
				     8,		  20,	     0,		0};
	struct sketchrnn a, b;
	struct sketchjs js;
	struct rng r;
	char *t1, *t2;
	size_t n1, n2;
	long clipped, clipped2, expect = 0, i;
	double step = 10.0 / 32767 / 2, worst = 0, ya = 0, la, lb;
	enum { B = 6, T = 40 };
	real *s = xmalloc(B * (T + 1) * 5 * sizeof(real));
	int len[B];
	const char *kind = conditional ? "vae" : "gen";

	rng_seed(&r, 7);
	sketchrnn_build(&a, &c);
	sketchrnn_init(&a, &r);
	for (i = 0; i < a.nparams; i++)
		a.params[i] = (real)(a.params[i] + 0.3 * rng_normal(&r));
	t1 = to_text(&a, &clipped, &n1);
	check(clipped == 0, "nothing clipped (%g)", (double)clipped);
	if (sketchjs_parse(&js, t1, n1, "export") < 0 ||
	    sketchjs_to_net(&js, &b, "export") < 0) {
		check(0, "export reads back%g", 0);
		return;
	}
	for (i = 0; i < a.nparams; i++)
		worst = fmax(worst, fabs(b.params[i] - a.params[i]));
	check(worst <= step * (1 + 1e-6),
	      "every weight within half a step (worst %.3g)", worst);
	t2 = to_text(&b, &clipped2, &n2);
	check(n1 == n2 && memcmp(t1, t2, n1) == 0 && clipped2 == 0,
	      "export(import(export(m))) = export(m) (%g bytes)", (double)n1);
	synth_batch(s, len, B, T, 5, &r);
	sketchrnn_batch(&a, B, T, 0);
	sketchrnn_batch(&b, B, T, 0);
	la = sketchrnn_forward(&a, s, len, 0.5, 0.2);
	lb = sketchrnn_forward(&b, s, len, 0.5, 0.2);
	for (i = 0; i < (long)T * B * (6 * 20 + 3); i++)
		ya = fmax(ya, fabs(a.y[i] - b.y[i]));
	printf("# %s: cost %.6g vs %.6g\n", kind, la, lb);
	check(ya <= 1e-2, "head outputs within 1e-2 (worst %.3g)", ya);
	check(fabs(la - lb) <= 1e-3 * fabs(la),
	      "cost within 1e-3 relative (%.3g)", fabs(la - lb) / fabs(la));
	free(t1);
	for (i = 0; i < a.nparams; i += a.nparams / 5) /* beyond +-10 */
		a.params[i] = i % 2 ? 12 : -11;
	for (i = 0; i < a.nparams; i++)
		expect += fabs(a.params[i]) > 10;
	t1 = to_text(&a, &clipped, &n1);
	check(clipped == expect, "clipped weights counted (%g)",
	      (double)clipped);
	sketchjs_free(&js);
	sketchrnn_free(&b);
	worst = 0;
	if (sketchjs_parse(&js, t1, n1, "export") == 0 &&
	    sketchjs_to_net(&js, &b, "export") == 0) {
		for (i = 0; i < a.nparams; i++)
			worst =
			    fmax(worst, fabs(b.params[i] -
					     fmax(-10, fmin(10, a.params[i]))));
		check(worst <= step * (1 + 1e-6),
		      "clipped weights read back as +-10 (worst %.3g)", worst);
		sketchrnn_free(&b);
		sketchjs_free(&js);
	}
	sketchrnn_free(&a);
	free(t1);
	free(t2);
	free(s);
}

int main(void)
{
	run(1);
	run(0);
	return failures != 0;
}
