/*
 * decode: latent vectors (or nothing, or the beginnings of drawings) to
 * drawings, with a trained model: sketchrnn's own model file or one of
 * Magenta's sketch-rnn-js models (.gen.json, .vae.json), told apart by
 * their first byte.
 *
 * Drawings are written as a stroke(5) stream normalised with the model's
 * scale factor, so stroke2svg renders them at the size of the training
 * data.  Many drawings are decoded as one batch (-b).  It does not encode
 * (see encode(1)) and does not train.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "latent.h"
#include "model.h"
#include "sample.h"
#include "util.h"

struct options {
	const char *model;  /* -m: model file */
	const char *prefix; /* -p: drawings to complete */
	long strokes;	    /* -k: keep this many strokes of each prefix */
	double grow;	    /* -x: prefixes times this */
	int fit;	    /* -X: prefixes to the model's data scale */
	long count;	    /* -n: drawings without latents (0: read latents) */
	long batch;	    /* -b: drawings decoded together */
	uint64_t seed;	    /* -s */
	struct sample_opts so;
};

/* The model and what the drawings are labelled with. */
struct loaded {
	struct model m;
	char word[64]; /* the model file's name, for the word field */
};

static void usage(void)
{
	fprintf(stderr, "usage: decode -m model [-GMX] [-b batch] [-k strokes] "
			"[-l length] [-n count] [-p prefix] [-s seed] "
			"[-t temperature] [-x factor] [file ...]\n");
	exit(1);
}

static int load(struct loaded *l, const char *path)
{
	memset(l, 0, sizeof *l);
	if (model_load(path, &l->m) < 0)
		return -1;
	file_stem(path, l->word, sizeof l->word);
	return 0;
}

/* A batch of work: up to o->batch drawings with their latents/prefixes. */
struct work {
	long n;		     /* drawings in this batch */
	struct rng *r;	     /* [n] one generator per drawing */
	real *z;	     /* [n, N_z] or NULL */
	struct drawing *pre; /* [n] prefixes (model units) or NULL */
	struct drawing *out; /* [n] */
	char (*key)[STROKE_MAX_TEXT + 1]; /* [n] key_id of each output */
};

static void write_batch(struct loaded *l, struct work *w,
			const struct options *o)
{
	long b;

	if (sample_decode(&l->m.net, w->z, (int)w->n, w->pre, &o->so, w->r,
			  w->out, NULL, NULL) < 0)
		die("a sampled drawing exceeds stroke(5) limits");
	for (b = 0; b < w->n; b++) {
		snprintf(w->out[b].key_id, sizeof w->out[b].key_id, "%s",
			 w->key[b]);
		snprintf(w->out[b].word, sizeof w->out[b].word, "%s", l->word);
		if (w->out[b].n == 0) /* ended at once: one still point */
			drawing_push(&w->out[b], 0, 0, 1);
		stroke_write(stdout, &w->out[b]);
		drawing_clear(&w->out[b]);
		if (w->pre)
			drawing_clear(&w->pre[b]);
	}
	w->n = 0;
}

static void prior(real *z, int nz, struct rng *r)
{
	for (int i = 0; i < nz; i++)
		z[i] = (real)rng_normal(r);
}

/* first_strokes: cut d after its k-th stroke (k 0: keep all). */
static void first_strokes(struct drawing *d, long k)
{
	size_t i;

	for (i = 0; k > 0 && i < d->n; i++)
		if (d->p[i].pen && --k == 0)
			d->n = i + 1;
}

/* scale: every offset of d times from / to. */
static void scale(struct drawing *d, double from, double to)
{
	for (size_t i = 0; i < d->n; i++) {
		d->p[i].dx = (float)((double)d->p[i].dx * from / to);
		d->p[i].dy = (float)((double)d->p[i].dy * from / to);
	}
}

/* to_model_units: the prefix d (whole drawing as read, in its stream's
 * units) into pre, cut after o->strokes strokes, in the model's units:
 * times the stream's factor (pixels) and -x's, divided by the model's; or
 * with -X divided by the drawing's own standard deviation of offsets, as
 * normalize(1) would scale it alone. */
static void to_model_units(struct drawing *pre, struct drawing *d,
			   const struct stroke_reader *pr, float model_scale,
			   const struct options *o)
{
	double sd = o->fit ? stroke_offsets_std(d, 1) : 0;

	if (o->fit && !(sd > 0))
		die("%s:record %lu: -X cannot scale a drawing whose offsets "
		    "are all equal",
		    pr->name, pr->record);
	drawing_copy(pre, d);
	first_strokes(pre, o->strokes);
	if (o->fit)
		scale(pre, 1, sd);
	else
		scale(pre, pr->h.scale * o->grow, model_scale);
}

struct inputs {
	struct latent_reader lr;
	struct stroke_reader pr;
	FILE *lf, *pf;
	char **files;
	int nfiles, next;
	struct latent v;
	struct drawing d;
	long made;  /* drawings without latent or prefix so far */
	long index; /* drawings gathered so far */
};

/* next_latent: the next vector of the named files (or stdin). */
static int next_latent(struct inputs *in, size_t dim)
{
	int rc;
	const char *name;

	for (;;) {
		if (in->lf) {
			rc = latent_read(&in->lr, &in->v);
			if (rc != 0)
				return rc;
			latent_close(&in->lr);
			xfclose(in->lf);
			in->lf = NULL;
		}
		if (in->next >= (in->nfiles ? in->nfiles : 1))
			return 0;
		name = in->nfiles ? in->files[in->next] : "-";
		in->next++;
		in->lf = xfopen(name, "rb");
		if (latent_open(&in->lr, in->lf,
				strcmp(name, "-") ? name : "<stdin>") < 0)
			return -1;
		if (in->lr.dim != dim)
			die("%s: latents of %zu values, the model's N_z is %zu",
			    in->lr.name, in->lr.dim, dim);
	}
}

/* gather: the next drawing's inputs into slot b of w; 1, 0 at the end,
 * -1 on bad input. */
static int gather(struct inputs *in, struct work *w, long b, struct loaded *l,
		  const struct options *o)
{
	int nz = l->m.net.cfg.z_size, cond = l->m.net.cfg.conditional, rc;
	struct rng *r = &w->r[b];

	rng_seed(r, o->seed + (uint64_t)in->index++);

	if (o->prefix) {
		rc = stroke_read(&in->pr, &in->d);
		if (rc <= 0)
			return rc;
		to_model_units(&w->pre[b], &in->d, &in->pr, l->m.scale, o);
		snprintf(w->key[b], sizeof w->key[b], "%s", in->d.key_id);
		if (cond)
			prior(w->z + (long)b * nz, nz, r);
		return 1;
	}
	if (o->count || !cond) {
		if (in->made >= o->count)
			return 0;
		snprintf(w->key[b], sizeof w->key[b], "sample:%ld", in->made++);
		if (cond)
			prior(w->z + (long)b * nz, nz, r);
		return 1;
	}
	rc = next_latent(in, (size_t)nz);
	if (rc <= 0)
		return rc;
	for (int i = 0; i < nz; i++)
		w->z[(long)b * nz + i] = in->v.z[i];
	snprintf(w->key[b], sizeof w->key[b], "%s", in->v.key_id);
	return 1;
}

static int run(struct loaded *l, const struct options *o, char **files,
	       int nfiles)
{
	struct stroke_header h = {STROKE_VERSION, STROKE_FLAG_NORMALIZED,
				  l->m.scale};
	struct work w;
	struct inputs in;
	long b;
	int rc = 0;

	memset(&in, 0, sizeof in);
	memset(&w, 0, sizeof w);
	in.files = files;
	in.nfiles = nfiles;
	latent_init(&in.v);
	drawing_init(&in.d);
	if (o->prefix) {
		in.pf = xfopen(o->prefix, "rb");
		if (stroke_open(&in.pr, in.pf, o->prefix) < 0)
			return -1;
	}
	if (l->m.net.cfg.conditional)
		w.z = xcalloc((size_t)o->batch * l->m.net.cfg.z_size,
			      sizeof(real));
	w.out = xcalloc((size_t)o->batch, sizeof *w.out);
	w.r = xcalloc((size_t)o->batch, sizeof *w.r);
	w.key = xcalloc((size_t)o->batch, sizeof *w.key);
	if (o->prefix)
		w.pre = xcalloc((size_t)o->batch, sizeof *w.pre);
	for (b = 0; b < o->batch; b++) {
		drawing_init(&w.out[b]);
		if (w.pre)
			drawing_init(&w.pre[b]);
	}
	stroke_write_header(stdout, &h);
	for (;;) {
		while (w.n < o->batch && (rc = gather(&in, &w, w.n, l, o)) > 0)
			w.n++;
		if (rc < 0 || w.n == 0)
			break;
		write_batch(l, &w, o);
		if (rc == 0)
			break;
	}
	for (b = 0; b < o->batch; b++) {
		drawing_free(&w.out[b]);
		if (w.pre)
			drawing_free(&w.pre[b]);
	}
	free(w.z);
	free(w.out);
	free(w.r);
	free(w.key);
	free(w.pre);
	latent_free(&in.v);
	drawing_free(&in.d);
	if (in.lf) {
		latent_close(&in.lr);
		xfclose(in.lf);
	}
	xfclose(in.pf);
	return rc < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct loaded l;
	int c, status;
	long maxlen = -1;

	util_init(argv[0]);
	memset(&o, 0, sizeof o);
	o.batch = 100;
	o.grow = 0;
	o.seed = 1;
	o.so.tau = 0.5;
	o.so.convention = SAMPLE_PAPER;
	while ((c = getopt(argc, argv, "GMXb:k:l:m:n:p:s:t:x:")) != -1) {
		switch (c) {
		case 'G':
			o.so.greedy = 1;
			break;
		case 'M':
			o.so.convention = SAMPLE_MAGENTA;
			break;
		case 'X':
			o.fit = 1;
			break;
		case 'b':
			o.batch = parse_long(c, optarg, 1, 10000);
			break;
		case 'k':
			o.strokes = parse_long(c, optarg, 1, STROKE_MAX_POINTS);
			break;
		case 'l':
			maxlen = parse_long(c, optarg, 0, STROKE_MAX_POINTS);
			break;
		case 'm':
			o.model = optarg;
			break;
		case 'n':
			o.count = parse_long(c, optarg, 1, 100000000);
			break;
		case 'p':
			o.prefix = optarg;
			break;
		case 's':
			o.seed = (uint64_t)parse_long(c, optarg, 0, 1L << 62);
			break;
		case 't':
			o.so.tau = parse_double(c, optarg, 1e-6, 100);
			break;
		case 'x':
			o.grow = parse_double(c, optarg, 1e-3, 1e3);
			break;
		default:
			usage();
		}
	}
	if (!o.model)
		usage();
	if (o.count && o.prefix)
		die("-n and -p exclude each other");
	if (o.fit && o.grow)
		die("-x and -X exclude each other");
	if ((o.fit || o.grow) && !o.prefix)
		die("-x and -X scale a prefix: they need -p");
	o.grow = o.grow ? o.grow : 1;
	if (load(&l, o.model) < 0)
		return 1;
	if (!l.m.net.cfg.conditional && !o.count && !o.prefix)
		die("%s is a decoder-only model: give -n count or -p prefix",
		    o.model);
	if (!l.m.net.cfg.conditional && optind < argc)
		die("%s is a decoder-only model: it reads no latents", o.model);
	if (maxlen == 0 && !o.prefix)
		die("-l 0 samples nothing: it only makes sense with -p");
	o.so.maxlen = (int)(maxlen >= 0 ? maxlen : l.m.nmax);
	status = run(&l, &o, argv + optind, argc - optind) < 0;
	model_free(&l.m);
	return out_finish(status);
}
