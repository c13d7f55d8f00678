/*
 * mdn_dump: what sketchrnn's decoder and encoder compute on a fixed input,
 * as JSON, for tests/web/decode.js to compare with web/sketchrnn.js.
 *
 *   mdn_dump model strokes n tau convention
 *
 * The first drawing of the stroke(5) stream strokes (scaled to the model's
 * units), cut to n points, becomes the decoder's input: the start token
 * (0, 0, 1, 0, 0) and the drawing's stroke-5 rows, n + 1 steps.  A VAE
 * encodes the drawing (sketchrnn_encode: mu and sigma-hat) and the decoder
 * starts from z = mu (sketchrnn_decoder_start); a decoder-only model from
 * zero.  Each step's head row goes through sample_mixture at temperature
 * tau and convention (0 paper, 1 Magenta), as decode(1) samples from it.
 * Prints {"rows": [[5] ...], "z": [Nz] or null, "mu": ..., "presig": ...,
 * "steps": [{"pen": [3], "pi", "mux", "muy", "sx", "sy", "rho": [M]}]}.
 * A helper of the test suite (tests/test-webdecode.sh), not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "sample.h"
#include "stroke.h"
#include "util.h"

static void put_list(const char *key, const float *v, int n, int last)
{
	printf("\"%s\":[", key);
	for (int i = 0; i < n; i++)
		printf("%s%.9g", i ? "," : "", (double)v[i]);
	printf("]%s", last ? "" : ",");
}

static void put_reals(const char *key, const real *v, int n)
{
	printf("\"%s\":[", key);
	for (int i = 0; v && i < n; i++)
		printf("%s%.9g", i ? "," : "", (double)v[i]);
	printf("],");
}

int main(int argc, char **argv)
{
	struct model m;
	struct stroke_reader sr;
	struct drawing d;
	struct sample_opts so;
	struct mixture mx;
	struct lstm_acts a;
	struct sketchrnn *net;
	FILE *f;
	real *x, *z = NULL, *init = NULL, *zproj = NULL, *y, *mu = NULL;
	real *presig = NULL;
	float *mbuf;
	int n, T, Nz, Sd, Hd, M, W;
	double k;

	util_init(argv[0]);
	if (argc != 6)
		die("usage: mdn_dump model strokes n tau convention");
	if (model_load(argv[1], &m) < 0)
		return 1;
	net = &m.net;
	f = fopen(argv[2], "rb");
	if (!f)
		die("%s: cannot open", argv[2]);
	drawing_init(&d);
	if (stroke_open(&sr, f, argv[2]) < 0 || stroke_read(&sr, &d) <= 0)
		die("%s: no drawing", argv[2]);
	fclose(f);
	n = atoi(argv[3]);
	if (n < 1 || (size_t)n > d.n)
		n = (int)d.n;
	k = (double)sr.h.scale / m.scale;
	T = n + 1;
	x = xcalloc((size_t)T * 5, sizeof(real));
	x[2] = 1;
	for (int t = 0; t < n; t++) {
		real *r = x + (t + 1) * 5;

		r[0] = (real)(d.p[t].dx * k);
		r[1] = (real)(d.p[t].dy * k);
		r[2 + (d.p[t].pen ? 1 : 0)] = 1;
	}
	Nz = net->cfg.z_size;
	Hd = net->dec.H;
	Sd = lstm_state_size(&net->dec);
	M = net->cfg.num_mixture;
	W = 6 * M + 3;
	lstm_acts_alloc(&a, &net->dec, T, 1, 0);
	if (net->cfg.conditional) {
		int len = n;

		/* the encoder reads rows 1..n after the start row 0 */
		sketchrnn_batch(net, 1, n, 0);
		sketchrnn_encode(net, x, &len);
		mu = xcalloc((size_t)Nz, sizeof(real));
		presig = xcalloc((size_t)Nz, sizeof(real));
		memcpy(mu, net->mu, (size_t)Nz * sizeof(real));
		memcpy(presig, net->sh, (size_t)Nz * sizeof(real));
		z = mu;
		init = xcalloc(2 * (size_t)Sd, sizeof(real));
		zproj =
		    xcalloc((size_t)lstm_xbias_size(&net->dec), sizeof(real));
		sketchrnn_decoder_start(net, z, 1, init, a.c, a.h, zproj);
	}
	lstm_forward(&net->dec, &a, &net->w.dec, x, zproj, NULL, NULL, T, 1);
	y = xcalloc((size_t)W, sizeof(real));
	mbuf = xcalloc(6 * (size_t)M, sizeof(float));
	mx.M = M;
	mx.pi = mbuf;
	mx.mux = mbuf + M;
	mx.muy = mbuf + 2 * M;
	mx.sx = mbuf + 3 * M;
	mx.sy = mbuf + 4 * M;
	mx.rho = mbuf + 5 * M;
	memset(&so, 0, sizeof so);
	so.tau = atof(argv[4]);
	so.convention = atoi(argv[5]);
	printf("{\"rows\":[");
	for (int t = 0; t < T; t++)
		printf("%s[%.9g,%.9g,%g,%g,%g]", t ? "," : "", (double)x[t * 5],
		       (double)x[t * 5 + 1], (double)x[t * 5 + 2],
		       (double)x[t * 5 + 3], (double)x[t * 5 + 4]);
	printf("],");
	if (z) {
		put_reals("z", z, Nz);
		put_reals("mu", mu, Nz);
		put_reals("presig", presig, Nz);
	}
	printf("\"steps\":[");
	for (int t = 0; t < T; t++) {
		const real *h = a.h + (long)(t + 1) * Sd;

		/* the head as sketchrnn_forward and sample_decode run it */
		gemm(0, 0, 1, W, Hd, 1, h, Sd, net->w.out_w, W, 0, y, W);
		for (int j = 0; j < W; j++)
			y[j] += net->w.out_b[j];
		sample_mixture(y, &so, &mx);
		printf("%s{", t ? "," : "");
		put_list("pen", mx.pen, 3, 0);
		put_list("pi", mx.pi, M, 0);
		put_list("mux", mx.mux, M, 0);
		put_list("muy", mx.muy, M, 0);
		put_list("sx", mx.sx, M, 0);
		put_list("sy", mx.sy, M, 0);
		put_list("rho", mx.rho, M, 1);
		printf("}");
	}
	printf("]}\n");
	lstm_acts_free(&a);
	free(x);
	free(init);
	free(zproj);
	free(y);
	free(mbuf);
	free(mu);
	free(presig);
	drawing_free(&d);
	model_free(&m);
	return out_finish(0);
}
