/*
 * encode: drawings to latent vectors with a trained VAE (sketchrnn's model
 * file, or a sketch-rnn-js .vae.json).
 *
 * Each drawing of the stroke(5) input is brought to the model's units
 * (times its stream's scale factor, divided by the model's), laid out as
 * stroke-5 with the start token and padded to the model's N_max, and run
 * through the bidirectional encoder in batches.  The output is the mean mu
 * (deterministic), or with -r a sample z = mu + sigma eps as the reference
 * encodes, in latent(5) form (binary, or CSV with -c).  It does not decode.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "latent.h"
#include "model.h"
#include "rng.h"
#include "stroke.h"
#include "util.h"

struct options {
	const char *model; /* -m */
	int csv;	   /* -c: write CSV */
	int sample;	   /* -r: z = mu + sigma eps instead of mu */
	uint64_t seed;	   /* -s: seed of eps */
	long batch;	   /* -b: drawings encoded together */
};

static void usage(void)
{
	fprintf(stderr, "usage: encode -m model [-cr] [-b batch] [-s seed] "
			"[file ...]\n");
	exit(1);
}

/* A batch being filled. */
struct work {
	int n;		  /* drawings */
	real *strokes;	  /* [B, nmax+1, 5] */
	int *len;	  /* [B] */
	struct latent *v; /* [B] labels and, later, vectors */
};

/* put: drawing d (scaled by k to model units) as row b of the batch. */
static void put(struct work *w, int b, int nmax, const struct drawing *d,
		double k)
{
	real *s = w->strokes + (long)b * (nmax + 1) * 5;
	int t;

	memset(s, 0, (size_t)(nmax + 1) * 5 * sizeof(real));
	s[2] = 1; /* start token (0, 0, 1, 0, 0) */
	for (t = 0; t < (int)d->n; t++) {
		real *r = s + (t + 1) * 5;

		r[0] = (real)(d->p[t].dx * k);
		r[1] = (real)(d->p[t].dy * k);
		r[2] = d->p[t].pen == 0;
		r[3] = d->p[t].pen == 1;
	}
	for (t = (int)d->n + 1; t <= nmax; t++)
		s[t * 5 + 4] = 1; /* end rows */
	w->len[b] = (int)d->n;
	snprintf(w->v[b].key_id, sizeof w->v[b].key_id, "%s", d->key_id);
	snprintf(w->v[b].word, sizeof w->v[b].word, "%s", d->word);
}

static void flush(struct model *l, struct work *w, struct latent_writer *lw,
		  const struct options *o, struct rng *r)
{
	struct sketchrnn *m = &l->net;
	int nz = m->cfg.z_size, b, i;

	if (w->n == 0)
		return;
	for (b = w->n; b < o->batch; b++) /* a last, partial batch */
		w->len[b] = 0;
	if (m->B != o->batch)
		sketchrnn_batch(m, (int)o->batch, (int)l->nmax, 0);
	sketchrnn_encode(m, w->strokes, w->len);
	for (b = 0; b < w->n; b++) {
		w->v[b].dim = (size_t)nz;
		for (i = 0; i < nz; i++) {
			double mu = m->mu[(long)b * nz + i];
			double sd = exp(m->sh[(long)b * nz + i] / 2);

			w->v[b].z[i] =
			    (float)(o->sample ? mu + sd * rng_normal(r) : mu);
		}
		latent_put(lw, &w->v[b]);
	}
	w->n = 0;
}

static int run(struct model *l, const struct options *o, char **files,
	       int nfiles)
{
	static struct latent_writer lw; /* ended by out_close() */
	struct stroke_reader sr;
	struct drawing d;
	struct work w;
	struct rng r;
	const char *name;
	FILE *f;
	int i, rc = 0, b;

	memset(&w, 0, sizeof w);
	w.strokes = xcalloc((size_t)o->batch * (l->nmax + 1) * 5, sizeof(real));
	w.len = xcalloc((size_t)o->batch, sizeof *w.len);
	w.v = xcalloc((size_t)o->batch, sizeof *w.v);
	for (b = 0; b < o->batch; b++)
		latent_init(&w.v[b]);
	drawing_init(&d);
	rng_seed(&r, o->seed);
	latent_start(&lw, stdout, o->csv ? LATENT_CSV : LATENT_BINARY,
		     (size_t)l->net.cfg.z_size);
	for (i = 0; rc == 0 && (i < nfiles || (i == 0 && nfiles == 0)); i++) {
		name =
		    i < nfiles && strcmp(files[i], "-") ? files[i] : "<stdin>";
		f = i < nfiles ? xfopen(files[i], "rb") : stdin;
		rc = stroke_open(&sr, f, name);
		while (rc == 0 && (rc = stroke_read(&sr, &d)) > 0) {
			rc = 0;
			if ((int)d.n > (int)l->nmax) {
				rc = data_error(
				    name, "record", sr.record,
				    "%zu points, the model takes at most %d "
				    "(N_max)",
				    d.n, (int)l->nmax);
				break;
			}
			put(&w, w.n++, (int)l->nmax, &d, sr.h.scale / l->scale);
			if (w.n == o->batch)
				flush(l, &w, &lw, o, &r);
		}
		xfclose(f);
	}
	if (rc == 0)
		flush(l, &w, &lw, o, &r);
	for (b = 0; b < o->batch; b++)
		latent_free(&w.v[b]);
	free(w.v);
	free(w.len);
	free(w.strokes);
	drawing_free(&d);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = {NULL, 0, 0, 1, 100};
	struct model l;
	int c, status;

	util_init(argv[0]);
	while ((c = getopt(argc, argv, "b:cm:rs:")) != -1) {
		switch (c) {
		case 'b':
			o.batch = parse_long(c, optarg, 1, 10000);
			break;
		case 'c':
			o.csv = 1;
			break;
		case 'm':
			o.model = optarg;
			break;
		case 'r':
			o.sample = 1;
			break;
		case 's':
			o.seed = (uint64_t)parse_long(c, optarg, 0, 1L << 62);
			break;
		default:
			usage();
		}
	}
	if (!o.model)
		usage();
	if (model_load(o.model, &l) < 0)
		return 1;
	if (!l.net.cfg.conditional)
		die("%s is a decoder-only model: it has no encoder", o.model);
	status = run(&l, &o, argv + optind, argc - optind) < 0;
	model_free(&l);
	return out_finish(status);
}
