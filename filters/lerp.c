/*
 * lerp: latent arithmetic from the shell.  Interpolates between the two
 * vectors of each pair in its input (linearly, or on the great circle as
 * sketch-rnn's slerp does), forms weighted sums of each group of vectors
 * (a - b + c analogies), or averages the whole input.  Reads latent(5) in
 * either form and writes the binary form, or CSV with -c.  It does not
 * know about models: encode makes the vectors and decode draws them.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "latent.h"
#include "util.h"

#define MAX_WEIGHTS 256
#define MAX_STEPS 10000
#define SLERP_MIN_SIN 1e-6 /* below: the arc is undefined, go linear */

struct options {
	int csv;	       /* -c: write CSV, not the binary form */
	int mean;	       /* -m: the mean of the whole input */
	long steps;	       /* -n: outputs per pair, endpoints included */
	int steps_set;	       /* -n was given */
	int spherical;	       /* -s: slerp instead of linear */
	double w[MAX_WEIGHTS]; /* -w: weights of one group */
	size_t nw;	       /* weights given; 0 without -w */
};

/* The input: every file named (or stdin) read as one sequence of vectors
 * of one dimension. */
struct input {
	char **names; /* files, NULL-terminated; "-" is stdin */
	FILE *f;
	const char *first;	/* name of the first file, for messages */
	struct latent_reader r; /* on the current file */
	int open;		/* r is reading f */
	size_t dim;		/* of the first file; 0 before it */
	unsigned long count;	/* vectors read so far */
};

static void usage(void)
{
	fprintf(stderr,
		"usage: lerp [-cms] [-n steps] [-w weights] [file ...]\n");
	exit(1);
}

/* parse_weights: "1,-1,1" into o->w; dies echoing the bad text. */
static void parse_weights(struct options *o, const char *s)
{
	const char *p = s;
	char *end;
	double x;

	for (o->nw = 0;; p = end + 1) {
		x = strtod(p, &end);
		if (end == p || (*end && *end != ',') || !isfinite(x) ||
		    o->nw == MAX_WEIGHTS)
			die("-w: bad weights '%s' (want up to %d numbers "
			    "separated by commas)",
			    s, MAX_WEIGHTS);
		o->w[o->nw++] = x;
		if (*end == '\0')
			break;
	}
}

static const char *display(const char *name)
{
	return strcmp(name, "-") == 0 ? "<stdin>" : name;
}

/* next_file: open the next file of the input; 0 when none is left. */
static int next_file(struct input *in)
{
	const char *name = *in->names;

	if (!name)
		return 0;
	in->names++;
	in->f = xfopen(name, "rb");
	if (latent_open(&in->r, in->f, display(name)) < 0)
		exit(out_finish(1));
	if (in->dim && in->r.dim != in->dim)
		die("%s: dimension %zu, but %s has dimension %zu",
		    display(name), in->r.dim, display(in->first), in->dim);
	if (!in->dim) {
		in->dim = in->r.dim;
		in->first = name;
	}
	in->open = 1;
	return 1;
}

/* input_start: open the first file, so that the dimension is known. */
static void input_start(struct input *in, char **names)
{
	static char *stdin_only[] = {"-", NULL};

	memset(in, 0, sizeof *in);
	in->names = *names ? names : stdin_only;
	next_file(in);
}

/* input_next: the next vector into v; 1, or 0 at the end of the input.
 * Bad input ends the program (the reader printed why). */
static int input_next(struct input *in, struct latent *v)
{
	int rc;

	while (in->open) {
		rc = latent_read(&in->r, v);
		if (rc < 0)
			exit(out_finish(1));
		if (rc > 0) {
			in->count++;
			return 1;
		}
		latent_close(&in->r);
		xfclose(in->f);
		in->open = 0;
		next_file(in);
	}
	return 0;
}

/* set_text: copy s into a key_id or word, cut to LATENT_MAX_TEXT bytes
 * without splitting a UTF-8 character. */
static void set_text(char *dst, const char *s)
{
	size_t n = strlen(s);

	if (n > LATENT_MAX_TEXT) {
		n = LATENT_MAX_TEXT;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* store: round the double values to v->z; dies naming what when one
 * does not fit a float. */
static void store(struct latent *v, const double *acc, size_t dim,
		  const char *what)
{
	size_t i;

	for (i = 0; i < dim; i++) {
		if (!(fabs(acc[i]) <= FLT_MAX))
			die("%s: z%zu is out of float range (%g)", what, i,
			    acc[i]);
		v->z[i] = (float)acc[i];
	}
	v->dim = dim;
}

/* interpolate: steps vectors from p0 to p1.  Linear: (1-t) p0 + t p1.
 * Spherical (Ha & Eck 2017, sketch-rnn utils.slerp):
 * sin((1-t)W)/sin W p0 + sin(tW)/sin W p1, W the angle between p0 and
 * p1; linear where sin W < SLERP_MIN_SIN or either is zero.  The first
 * and last outputs are p0 and p1 bit for bit. */
static void interpolate(struct latent_writer *w, const struct options *o,
			const struct latent *p0, const struct latent *p1,
			struct latent *out, double *acc)
{
	double n0 = 0, n1 = 0, dot = 0, W = 0, s = 0, t, a, b;
	size_t i, d = p0->dim;
	long k;
	char key[64];

	for (i = 0; i < d; i++) {
		n0 += (double)p0->z[i] * p0->z[i];
		n1 += (double)p1->z[i] * p1->z[i];
		dot += (double)p0->z[i] * p1->z[i];
	}
	if (o->spherical && n0 > 0 && n1 > 0) {
		W = acos(fmax(-1, fmin(1, dot / sqrt(n0) / sqrt(n1))));
		s = sin(W);
	}
	if (strcmp(p0->word, p1->word) == 0)
		set_text(out->word, p0->word);
	else
		snprintf(out->word, sizeof out->word, "%.127s..%.126s",
			 p0->word, p1->word);
	for (k = 0; k < o->steps; k++) {
		t = (double)k / (double)(o->steps - 1);
		if (s >= SLERP_MIN_SIN) {
			a = sin((1 - t) * W) / s;
			b = sin(t * W) / s;
		} else {
			a = 1 - t;
			b = t;
		}
		for (i = 0; i < d; i++)
			acc[i] = a * p0->z[i] + b * p1->z[i];
		snprintf(key, sizeof key, "%s:%.6g",
			 o->spherical ? "slerp" : "lerp", t);
		set_text(out->key_id, key);
		store(out, acc, d, key);
		if (k == 0)
			memcpy(out->z, p0->z, d * sizeof *out->z);
		if (k == o->steps - 1)
			memcpy(out->z, p1->z, d * sizeof *out->z);
		latent_put(w, out);
	}
}

/* label: "a-b+0.5*c" over the given texts with the weights, terms of
 * weight 0 left out. */
static void label(char *dst, const double *wt, char **text, size_t n)
{
	char buf[8 * (LATENT_MAX_TEXT + 32)], *p = buf;
	const char *sign;
	size_t i, room, terms = 0;

	buf[0] = '\0';
	for (i = 0; i < n && (size_t)(p - buf) < sizeof buf - 300; i++) {
		room = sizeof buf - (size_t)(p - buf);
		if (wt[i] == 0)
			continue;
		sign = wt[i] < 0 ? "-" : terms ? "+" : "";
		if (wt[i] == 1 || wt[i] == -1)
			p += snprintf(p, room, "%s%s", sign, text[i]);
		else
			p += snprintf(p, room, "%s%g*%s", sign, fabs(wt[i]),
				      text[i]);
		terms++;
	}
	set_text(dst, terms ? buf : "0");
}

/* combine: out = sum of wt[i] * g[i] (Ha & Eck 2017, latent vector
 * arithmetic).  The sum starts from the first term, so a single weight 1
 * copies its vector bit for bit (-0 included). */
static void combine(struct latent_writer *w, const struct options *o,
		    struct latent *g, struct latent *out, double *acc,
		    unsigned long first)
{
	char *keys[MAX_WEIGHTS], *words[MAX_WEIGHTS], what[64];
	size_t i, k, d = g[0].dim;
	int same = 1;

	for (k = 0; k < o->nw; k++) {
		keys[k] = g[k].key_id;
		words[k] = g[k].word;
		same &= strcmp(g[k].word, g[0].word) == 0;
		for (i = 0; i < d; i++)
			acc[i] = k ? acc[i] + o->w[k] * g[k].z[i]
				   : o->w[k] * g[k].z[i];
	}
	label(out->key_id, o->w, keys, o->nw);
	if (same)
		set_text(out->word, g[0].word);
	else
		label(out->word, o->w, words, o->nw);
	snprintf(what, sizeof what, "weighted sum of vectors %lu to %lu", first,
		 first + o->nw - 1);
	store(out, acc, d, what);
	latent_put(w, out);
}

/* run_groups: interpolation (groups of 2) or weighted sums (groups of
 * o->nw) over the whole input. */
static void run_groups(struct latent_writer *w, const struct options *o,
		       struct input *in)
{
	size_t k, size = o->nw ? o->nw : 2;
	struct latent *g = xcalloc(size, sizeof *g), out;
	double *acc = xcalloc(LATENT_MAX_DIM, sizeof *acc);

	for (k = 0; k < size; k++)
		latent_init(&g[k]);
	latent_init(&out);
	for (;;) {
		for (k = 0; k < size && input_next(in, &g[k]); k++)
			;
		if (k == 0)
			break;
		if (k < size)
			die("input ends after %lu vectors: %s takes them in "
			    "groups of %zu",
			    in->count, o->nw ? "-w" : "interpolation", size);
		if (o->nw)
			combine(w, o, g, &out, acc, in->count - size + 1);
		else
			interpolate(w, o, &g[0], &g[1], &out, acc);
	}
	for (k = 0; k < size; k++)
		latent_free(&g[k]);
	latent_free(&out);
	free(g);
	free(acc);
}

/* run_mean: one vector, the mean of every vector of the input. */
static void run_mean(struct latent_writer *w, struct input *in)
{
	struct latent v, out;
	double *acc = xcalloc(LATENT_MAX_DIM, sizeof *acc);
	unsigned long n = 0;
	size_t i;
	int same = 1;
	char key[64];

	latent_init(&v);
	latent_init(&out);
	while (input_next(in, &v)) {
		for (i = 0; i < v.dim; i++)
			acc[i] = n ? acc[i] + v.z[i] : v.z[i];
		if (n++ == 0)
			set_text(out.word, v.word);
		same &= strcmp(v.word, out.word) == 0;
	}
	if (n == 0)
		die("no vectors in the input: no mean");
	for (i = 0; i < in->dim; i++)
		acc[i] /= (double)n;
	snprintf(key, sizeof key, "mean:%lu", n);
	set_text(out.key_id, key);
	if (!same)
		out.word[0] = '\0';
	store(&out, acc, in->dim, "mean");
	latent_put(w, &out);
	latent_free(&v);
	latent_free(&out);
	free(acc);
}

int main(int argc, char **argv)
{
	struct options o;
	struct latent_writer w;
	struct input in;
	int c;

	util_init(argv[0]);
	memset(&o, 0, sizeof o);
	o.steps = 10;
	while ((c = getopt(argc, argv, "cmn:sw:")) != -1) {
		switch (c) {
		case 'c':
			o.csv = 1;
			break;
		case 'm':
			o.mean = 1;
			break;
		case 'n':
			o.steps = parse_long(c, optarg, 2, MAX_STEPS);
			o.steps_set = 1;
			break;
		case 's':
			o.spherical = 1;
			break;
		case 'w':
			parse_weights(&o, optarg);
			break;
		default:
			usage();
		}
	}
	if (o.mean && o.nw)
		die("-m and -w cannot be combined");
	if ((o.mean || o.nw) && (o.steps_set || o.spherical))
		die("-n and -s go with interpolation, not with -m or -w");
	input_start(&in, argv + optind);
	latent_start(&w, stdout, o.csv ? LATENT_CSV : LATENT_BINARY, in.dim);
	if (o.mean)
		run_mean(&w, &in);
	else
		run_groups(&w, &o, &in);
	return out_finish(0);
}
