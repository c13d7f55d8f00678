/*
 * sketchjs_test: Magenta's pretrained sketch-rnn-js models read by
 * lib/sketchjs.c and run by sketchrnn's own decoder (lstm_forward and the
 * output head), step by step against what @magenta/sketch computed on the
 * same input (tests/magenta/fixtures, written by tests/magenta/oracle.js;
 * the layouts are in tests/magenta/README.md).  Every step's mixture
 * parameters must agree within TOL (|ours - magenta| <= TOL max(1, |magenta|)).
 *
 * Also: the sampled-sketch fixtures follow the documented draw protocol
 * (the draws are sketchrnn's rng_uniform sequence; each row takes two
 * draws and then polar-method pairs, all rejected but the last), and the
 * loader against small models written here (exact dequantisation, the
 * VAE tensor table) and broken ones (cut, bad base64, wrong shapes, wrong
 * mode, absurd sizes, ...), each of which must fail with its message.
 *
 * The output head (logits -> pen, pi, mu, sigma, rho) is computed here:
 * mdn.h has no function for it yet.  Run from the repository root; the
 * models are read from data/models (a model whose file is missing is a
 * failure).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "gemm.h"
#include "lstm.h"
#include "mdn.h"
#include "rng.h"
#include "sketchjs.h"
#include "sketchrnn.h"
#include "util.h"

#define MODELS "data/models"
#define FIXTURES "tests/magenta/fixtures"
#define TOL 1e-4

static const char *const names[] = {"bicycle",	"bird",	  "lantern",
				    "mosquito", "rabbit", "sheep"};
static int failed;
static char tmpdir[256];

static void check(int ok, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failed = 1;
}

static double get_f64(const unsigned char *b)
{
	uint64_t u = get_u64(b);
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

/* slurp: the whole file at path (NULL if it cannot be read). */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	b = xmalloc((size_t)n + 1);
	if (fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* ---- the per-step oracle ---- */

struct steps {
	int T, M, H;
	double scale_factor, temperature, pixel_factor;
	float *d;   /* [T, 2] dataset-unit offsets of the input */
	float *x;   /* [T, 5] model inputs as Magenta fed them */
	float *par; /* [T, 6M+3] pen, pi, mu_x, mu_y, sigma_x, sigma_y, rho */
};

/* steps_read: parse a NAME.steps.bin; -1 with a note if malformed. */
static int steps_read(struct steps *s, const char *path)
{
	size_t len, rec;
	unsigned char *b = slurp(path, &len), *p;

	memset(s, 0, sizeof(*s));
	if (!b || len < 44 || memcmp(b, "SJST", 4) != 0 ||
	    get_u32(b + 4) != 1) {
		printf("# %s: missing or not a steps fixture\n", path);
		free(b);
		return -1;
	}
	s->T = (int)get_u32(b + 8);
	s->M = (int)get_u32(b + 12);
	s->H = (int)get_u32(b + 16);
	s->scale_factor = get_f64(b + 20);
	s->temperature = get_f64(b + 28);
	s->pixel_factor = get_f64(b + 36);
	rec = 4 * (7 + (size_t)MDN_WIDTH(s->M));
	if (s->T < 1 || s->T > 10000 || s->M < 1 || s->M > 1000 ||
	    len != 44 + (size_t)s->T * rec) {
		printf("# %s: bad header or length\n", path);
		free(b);
		return -1;
	}
	s->d = xreallocarray(NULL, (size_t)s->T * 2, sizeof(float));
	s->x = xreallocarray(NULL, (size_t)s->T * 5, sizeof(float));
	s->par =
	    xreallocarray(NULL, (size_t)s->T * MDN_WIDTH(s->M), sizeof(float));
	p = b + 44;
	for (int t = 0; t < s->T; t++) {
		for (int k = 0; k < 2; k++, p += 4)
			s->d[t * 2 + k] = get_f32(p);
		for (int k = 0; k < 5; k++, p += 4)
			s->x[t * 5 + k] = get_f32(p);
		for (int k = 0; k < MDN_WIDTH(s->M); k++, p += 4)
			s->par[(long)t * MDN_WIDTH(s->M) + k] = get_f32(p);
	}
	free(b);
	return 0;
}

static void steps_free(struct steps *s)
{
	free(s->d);
	free(s->x);
	free(s->par);
}

/* head: the mixture parameters of one output row y [6M+3] in the fixture
 * order, as @magenta/sketch's getPDF at temperature 1: softmax of the pen
 * and pi logits, mu as is, sigma = exp, rho = tanh. */
static void head(const real *y, int M, double *out)
{
	double mx, s;

	for (int blk = 0; blk < 2; blk++) {
		const real *v = blk ? y + 3 : y;
		double *o = blk ? out + 3 : out;
		int n = blk ? M : 3;

		mx = v[0];
		s = 0;
		for (int k = 1; k < n; k++)
			mx = v[k] > mx ? v[k] : mx;
		for (int k = 0; k < n; k++)
			s += (o[k] = exp(v[k] - mx));
		for (int k = 0; k < n; k++)
			o[k] /= s;
	}
	for (int k = 3 + M; k < 3 + 3 * M; k++)
		out[k] = y[k];
	for (int k = 3 + 3 * M; k < 3 + 5 * M; k++)
		out[k] = exp(y[k]);
	for (int k = 3 + 5 * M; k < 3 + 6 * M; k++)
		out[k] = tanh(y[k]);
}

/* to_model: our decoder-only model with the weights of js. */
static int to_model(const struct sketchjs *js, struct sketchrnn *m)
{
	return sketchjs_to_net(js, m, "model");
}

/* worst: the largest error of the run and where it was. */
struct worst {
	double err, abs;
	int t, k;
};

static const char *param_name(int k, int M)
{
	static const char *const blk[] = {"pi",	     "mu_x",	"mu_y",
					  "sigma_x", "sigma_y", "rho"};

	return k < 3 ? "pen" : blk[(k - 3) / M];
}

/* check_weights: our dequantised weights against the library's, bit for
 * bit: per tensor the shape, the double sum in index order and four
 * values (NAME.weights.txt). */
static void check_weights(const char *name, const struct sketchjs *js)
{
	char path[512], line[512];
	FILE *f;
	int n = 0, ok = 1;

	snprintf(path, sizeof(path), FIXTURES "/%s.weights.txt", name);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		int i, r, c;
		double sum = 0, ours = 0, v[4];
		const struct sketchjs_tensor *t;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "%d %d %d %lf %lf %lf %lf %lf", &i, &r, &c,
			   &sum, &v[0], &v[1], &v[2], &v[3]) != 8 ||
		    i != n++ || i >= js->ntensors) {
			ok = 0;
			break;
		}
		t = &js->t[i];
		ok &= t->shape[0] == r && t->shape[1] == c;
		ok &= t->data[0] == v[0] && t->data[1] == v[1] &&
		      t->data[t->size / 2] == v[2] &&
		      t->data[t->size - 1] == v[3];
		for (long k = 0; k < t->size; k++)
			ours += t->data[k];
		ok &= ours == sum;
	}
	if (f)
		fclose(f);
	check(f && ok && n == js->ntensors,
	      "%s: weights equal @magenta/sketch's (shapes, sums, samples)",
	      name);
}

/* compare_steps: our decoder over the fixture's inputs, every step's
 * parameters against Magenta's; prints the worst error. */
static void compare_steps(const char *name, const struct steps *s,
			  struct sketchrnn *m)
{
	struct lstm_acts a;
	struct worst w = {0, 0, -1, -1};
	int W, bad_x = 0;
	real *x, *y;
	double *par;

	/* Inputs: the offsets / scale_factor, rounded to float, as Magenta
	 * fed them; the start token (0, 0, 1, 0, 0) first. */
	x = xreallocarray(NULL, (size_t)s->T * 5, sizeof(real));
	for (int t = 0; t < s->T; t++) {
		for (int k = 0; k < 5; k++)
			x[t * 5 + k] = s->x[t * 5 + k];
		for (int k = 0; k < 2; k++)
			bad_x += (float)(s->d[t * 2 + k] / s->scale_factor) !=
				 s->x[t * 5 + k];
	}
	check(bad_x == 0 && x[2] == 1 && x[0] == 0 && x[3] == 0,
	      "%s: start token, and inputs = (float)(offset / scale_factor) "
	      "exactly (%d differ)",
	      name, bad_x);

	lstm_acts_alloc(&a, &m->dec, s->T, 1, 0);
	lstm_forward(&m->dec, &a, &m->w.dec, x, NULL, NULL, NULL, s->T, 1);
	W = MDN_WIDTH(s->M);
	y = xreallocarray(NULL, (size_t)s->T * W, sizeof(real));
	gemm(0, 0, s->T, W, s->H, 1, a.h + s->H, s->H, m->w.out_w, W, 0, y, W);
	par = xreallocarray(NULL, (size_t)W, sizeof(double));
	for (int t = 0; t < s->T; t++) {
		for (int k = 0; k < W; k++)
			y[t * W + k] += m->w.out_b[k];
		head(y + t * W, s->M, par);
		for (int k = 0; k < W; k++) {
			double ref = s->par[t * W + k];
			double e = fabs(par[k] - ref);
			double r = e / (fabs(ref) > 1 ? fabs(ref) : 1);

			/* a NaN becomes an infinite error that stays */
			if (!(r <= w.err) || w.t < 0) {
				w = (struct worst){r, e, t, k};
				if (isnan(r))
					w.err = INFINITY;
			}
		}
	}
	check(s->temperature == 1.0 && w.err <= TOL,
	      "%s: %d steps x %d mixture parameters match @magenta/sketch: "
	      "worst error %.3g (abs %.3g) at step %d, %s[%d]",
	      name, s->T, W, w.err, w.abs, w.t, param_name(w.k, s->M),
	      w.k < 3 ? w.k : (w.k - 3) % s->M);
	free(x);
	free(y);
	free(par);
	lstm_acts_free(&a);
}

/* run_model: forward over the fixture's inputs, compare every step. */
static void run_model(const char *name)
{
	char path[512], fix[512];
	struct sketchjs js;
	struct steps s;
	struct sketchrnn m;
	int ok;

	snprintf(path, sizeof(path), MODELS "/%s.gen.json", name);
	snprintf(fix, sizeof(fix), FIXTURES "/%s.steps.bin", name);
	if (access(path, R_OK) != 0) {
		check(0, "%s: %s: %s", name, path, strerror(errno));
		return;
	}
	if (steps_read(&s, fix) < 0) {
		check(0, "%s: fixture readable", name);
		return;
	}
	if (sketchjs_load(&js, path) < 0) {
		check(0, "%s: model loads", name);
		steps_free(&s);
		return;
	}
	ok = js.mode == SKETCHJS_GEN && js.ntensors == 5 && js.H == s.H &&
	     js.M == s.M && js.scale_factor == s.scale_factor &&
	     strcmp(js.name, name) == 0 && js.max_seq_len > 0;
	check(ok,
	      "%s: loads as decoder-only, H %d, M %d, scale_factor %g, "
	      "max_seq_len %d",
	      name, js.H, js.M, js.scale_factor, js.max_seq_len);
	check_weights(name, &js);
	if (ok) {
		ok = to_model(&js, &m) == 0;
		check(ok,
		      "%s: every tensor maps by name and shape onto our "
		      "decoder",
		      name);
		if (ok)
			compare_steps(name, &s, &m);
		sketchrnn_free(&m);
	}
	sketchjs_free(&js);
	steps_free(&s);
}

/* ---- the sampled-sketch fixtures: the draw protocol ---- */

static void check_sample(const char *name)
{
	char path[512];
	size_t len;
	unsigned char *b, *p;
	unsigned n, nd, cap, used = 0, end_rows = 0;
	int proto = 1, rows_ok = 1, same = 1;
	struct rng r;
	const double *u;
	double *draws;

	snprintf(path, sizeof(path), FIXTURES "/%s.sample.bin", name);
	b = slurp(path, &len);
	if (!b || len < 60 || memcmp(b, "SJSA", 4) != 0 ||
	    get_u32(b + 4) != 1) {
		check(0, "%s: sample fixture readable", name);
		free(b);
		return;
	}
	n = get_u32(b + 8);
	nd = get_u32(b + 12);
	cap = get_u32(b + 56);
	if (n < 1 || n > cap || len != 60 + 36 * (size_t)n + 8 * (size_t)nd) {
		check(0, "%s: sample fixture length", name);
		free(b);
		return;
	}
	draws = xreallocarray(NULL, nd ? nd : 1, sizeof(double));
	rng_seed(&r, get_u64(b + 16));
	for (unsigned i = 0; i < nd; i++) {
		draws[i] = get_f64(b + 60 + 36 * (size_t)n + 8 * (size_t)i);
		same &= draws[i] == rng_uniform(&r);
	}
	check(same && get_f64(b + 32) == 0.5 + 0.5 * get_f64(b + 24),
	      "%s: the %u draws are rng_uniform() from seed %llu; discrete "
	      "temperature 0.5 + 0.5 tau",
	      name, nd, (unsigned long long)get_u64(b + 16));
	u = draws;
	p = b + 60;
	for (unsigned i = 0; i < n; i++, p += 36) {
		unsigned c = get_u32(p);
		int k = (int32_t)get_u32(p + 4), pen = (int32_t)get_u32(p + 8);

		/* u1 (mixture), u2 (pen), then pairs: rejected while
		 * r == 0 or r > 1, the last pair accepted. */
		if (c < 4 || c % 2 || used + c > nd) {
			proto = 0;
			break;
		}
		for (unsigned j = 2; j < c; j += 2) {
			double U = 2 * u[j] - 1, V = 2 * u[j + 1] - 1;
			double rr = U * U + V * V;
			int rejected = rr == 0 || rr > 1;

			proto &= rejected == (j + 2 < c);
		}
		rows_ok &= k >= 0 && k < 20 && pen >= 0 && pen <= 2;
		end_rows += pen == 2;
		u += c;
		used += c;
	}
	check(proto && used == nd,
	      "%s: every row takes u1, u2 and polar pairs (all rejected but "
	      "the last), %u draws in all",
	      name, used);
	check(rows_ok &&
		  (end_rows == 1 ? get_u32(b + 60 + 36 * (n - 1) + 8) == 2
				 : end_rows == 0 && n == cap),
	      "%s: %u rows, ending at the first p3 row or at max_seq_len %u",
	      name, n, cap);
	free(draws);
	free(b);
}

/* ---- the loader on files written here ---- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* put_blob: base64 of n int16 values q0 + i (mod 65536) into out. */
static void put_blob(FILE *out, long n, int q0)
{
	unsigned char t[3];
	int have = 0;

	for (long i = 0; i < 2 * n; i++) {
		int q = (int)((q0 + i / 2) & 0xffff);

		t[have++] = i % 2 ? (unsigned char)(q >> 8) : (unsigned char)q;
		if (have == 3 || i == 2 * n - 1) {
			unsigned v = (unsigned)t[0] << 16 |
				     (have > 1 ? (unsigned)t[1] << 8 : 0) |
				     (have > 2 ? t[2] : 0);

			fputc(b64[v >> 18], out);
			fputc(b64[(v >> 12) & 63], out);
			fputc(have > 1 ? b64[(v >> 6) & 63] : '=', out);
			fputc(have > 2 ? b64[v & 63] : '=', out);
			have = 0;
		}
	}
}

struct spec {
	const char *info; /* the info object */
	int n;		  /* tensors */
	int shape[17][2]; /* shapes written (c = 0: a vector) */
	long values[17];  /* values in each blob (-1: the shape's count) */
	const char *tail; /* written after the closing bracket */
};

/* tiny gen model: H 2, M 1 */
static const struct spec gen_spec = {
    "{\"mode\":2,\"version\":6,\"max_seq_len\":7,\"name\":\"tiny\","
    "\"scale_factor\":12.5}",
    5,
    {{2, 9}, {9, 0}, {5, 8}, {2, 8}, {8, 0}},
    {-1, -1, -1, -1, -1},
    "\n"};

/* tiny vae: E 2, Nz 3, H 2, M 1 */
static const struct spec vae_spec = {
    "{\"mode\":\"vae\",\"max_seq_len\":9,\"scale_factor\":40}",
    17,
    {{5, 8},
     {2, 8},
     {8, 0},
     {5, 8},
     {2, 8},
     {8, 0},
     {4, 3},
     {3, 0},
     {4, 3},
     {3, 0},
     {3, 4},
     {4, 0},
     {2, 9},
     {9, 0},
     {8, 8},
     {2, 8},
     {8, 0}},
    {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
    ""};

/* write_spec: the model of sp into path; tensor i holds q = 1000 i + j,
 * except that tensor 0 starts at q0 (to reach the int16 extremes). */
static void write_spec(const char *path, const struct spec *sp, int q0)
{
	FILE *f = fopen(path, "w");

	if (!f)
		die("%s:", path);
	fprintf(f, "[%s,[", sp->info);
	for (int i = 0; i < sp->n; i++) {
		if (sp->shape[i][1])
			fprintf(f, "%s[%d,%d]", i ? "," : "", sp->shape[i][0],
				sp->shape[i][1]);
		else
			fprintf(f, "%s[%d]", i ? "," : "", sp->shape[i][0]);
	}
	fprintf(f, "],[");
	for (int i = 0; i < sp->n; i++) {
		long n = sp->values[i] >= 0
			     ? sp->values[i]
			     : (long)sp->shape[i][0] *
				   (sp->shape[i][1] ? sp->shape[i][1] : 1);

		fprintf(f, "%s\"", i ? "," : "");
		put_blob(f, n, i ? 1000 * i : q0);
		fprintf(f, "\"");
	}
	fprintf(f, "]]%s", sp->tail);
	if (fclose(f) != 0)
		die("%s:", path);
}

/* load_quiet: sketchjs_load with stderr captured into msg[size]. */
static int load_quiet(struct sketchjs *m, const char *path, char *msg,
		      size_t size)
{
	char log[300];
	int fd, saved, r;
	FILE *f;
	size_t n;

	snprintf(log, sizeof(log), "%s/stderr", tmpdir);
	fflush(stderr);
	saved = dup(2);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("%s:", log);
	dup2(fd, 2);
	close(fd);
	r = sketchjs_load(m, path);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(log, "r");
	n = f ? fread(msg, 1, size - 1, f) : 0;
	msg[n] = 0;
	if (f)
		fclose(f);
	return r;
}

/* tmp: the path of a file called name in the temporary folder. */
static const char *tmp(const char *name)
{
	static char b[4][320];
	static int i;

	i = (i + 1) % 4;
	snprintf(b[i], sizeof(b[i]), "%s/%s", tmpdir, name);
	return b[i];
}

/* write_text: n bytes of s into path. */
static void write_text(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(s, 1, n, f) != n || fclose(f) != 0)
		die("%s:", path);
}

/* edit: dst = src with the first "from" after byte skip replaced by "to";
 * 0 on success, -1 if src cannot be read or has no "from". */
static int edit(const char *src, const char *dst, size_t skip, const char *from,
		const char *to)
{
	size_t len, fl = strlen(from), tl = strlen(to);
	unsigned char *b = slurp(src, &len);
	char *at, *out;

	if (!b)
		return -1;
	b[len] = 0;
	at = skip < len ? strstr((char *)b + skip, from) : NULL;
	if (!at) {
		free(b);
		return -1;
	}
	out = xmalloc(len - fl + tl);
	memcpy(out, b, (size_t)(at - (char *)b));
	memcpy(out + (at - (char *)b), to, tl);
	memcpy(out + (at - (char *)b) + tl, at + fl,
	       len - (size_t)(at - (char *)b) - fl);
	write_text(dst, out, len - fl + tl);
	free(out);
	free(b);
	return 0;
}

/* bad: loading path must fail with "prog: path: ...want..." on stderr and
 * leave nothing allocated. */
static void bad(const char *what, const char *path, const char *want)
{
	struct sketchjs m;
	char msg[1024], pre[400];
	int r = load_quiet(&m, path, msg, sizeof(msg));
	char *nl = strchr(msg, '\n');
	int one_line = nl && nl[1] == 0;

	snprintf(pre, sizeof(pre), "%s: %s: ", progname, path);
	if (nl)
		*nl = 0;
	check(r == -1 && one_line && strncmp(msg, pre, strlen(pre)) == 0 &&
		  strstr(msg + strlen(pre), want) && !m.buf && !m.name,
	      "refuses %s: %s", what,
	      msg[0] ? msg + strlen(progname) + 2 : "(no message)");
}

static void good_files(void)
{
	struct sketchjs m;
	char msg[1024];
	int ok = 1;
	const struct sketchjs_tensor *t;

	write_spec(tmp("gen.json"), &gen_spec, 32765);
	if (load_quiet(&m, tmp("gen.json"), msg, sizeof(msg)) < 0) {
		check(0, "tiny decoder-only model loads: %s", msg);
		return;
	}
	check(m.mode == SKETCHJS_GEN && m.H == 2 && m.M == 1 && m.E == 0 &&
		  m.Nz == 0 && m.version == 6 && strcmp(m.name, "tiny") == 0 &&
		  m.scale_factor == 12.5 && m.max_seq_len == 7 &&
		  m.ntensors == 5 && strcmp(m.t[2].name, "dec_wx") == 0 &&
		  m.t[1].ndim == 1 && m.t[1].shape[0] == 9 && !msg[0],
	      "tiny decoder-only model loads: info, sizes, tensor names");
	/* out_w holds q = 32765, 32766, 32767, -32768, -32767, ... */
	t = sketchjs_find(&m, "out_w");
	for (int k = 0; t && k < t->size; k++) {
		int q = (32765 + k + 32768) % 65536 - 32768;

		ok &= t->data[k] == (float)(10.0 * q / 32767.0);
	}
	check(t && ok && t->data[2] == 10.0f && t->data[4] == -10.0f &&
		  t->data[3] == (float)(-327680.0 / 32767.0),
	      "dequantisation w = (float)(10.0 q / 32767.0), int16 extremes "
	      "included");
	t = sketchjs_find(&m, "dec_b");
	ok = t && t == &m.t[4];
	for (int k = 0; ok && k < t->size; k++)
		ok &= t->data[k] == (float)(10.0 * (4000 + k) / 32767.0);
	check(ok, "little-endian int16 in row-major order (dec_b)");
	sketchjs_free(&m);
	check(!m.buf && !m.name, "sketchjs_free clears the struct");

	edit(tmp("gen.json"), tmp("gen-str.json"), 0, "\"mode\":2",
	     "\"mode\":\"gen\"");
	check(load_quiet(&m, tmp("gen-str.json"), msg, sizeof(msg)) == 0 &&
		  m.mode == SKETCHJS_GEN,
	      "mode \"gen\" is read as decoder-only");
	sketchjs_free(&m);

	write_spec(tmp("vae.json"), &vae_spec, 0);
	if (load_quiet(&m, tmp("vae.json"), msg, sizeof(msg)) < 0) {
		check(0, "tiny vae loads: %s", msg);
		return;
	}
	t = sketchjs_find(&m, "dec_wx");
	check(m.mode == SKETCHJS_VAE && m.E == 2 && m.Nz == 3 && m.H == 2 &&
		  m.M == 1 && m.ntensors == 17 && m.name[0] == 0 &&
		  m.version == 0 && t == &m.t[14] && t->shape[0] == 8 &&
		  sketchjs_find(&m, "mu_w") == &m.t[6] &&
		  sketchjs_find(&m, "init_w") == &m.t[10] &&
		  sketchjs_find(&m, "enc_bw_b") == &m.t[5] &&
		  t->data[0] == (float)(10.0 * 14000 / 32767.0),
	      "tiny vae loads: E 2, Nz 3, H 2, M 1, the 17 tensors named in "
	      "file order");
	sketchjs_free(&m);
}

/* spec_with: gen_spec (or vae_spec) with tensor i's shape or value count
 * changed, written to name. */
static const char *spec_with(const char *name, const struct spec *base,
			     const char *info, int i, int r, int c, long n)
{
	struct spec sp = *base;

	if (info)
		sp.info = info;
	if (i >= 0) {
		if (r > 0) {
			sp.shape[i][0] = r;
			sp.shape[i][1] = c;
		}
		sp.values[i] = n;
	}
	write_spec(tmp(name), &sp, 0);
	return tmp(name);
}

/* blob_text: the quoted base64 string put_blob writes, in b[size]. */
static const char *blob_text(char *b, size_t size, long n, int q0)
{
	char *t = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&t, &len);

	if (!f)
		die("open_memstream:");
	fputc('"', f);
	put_blob(f, n, q0);
	fputc('"', f);
	fclose(f);
	snprintf(b, size, "%s", t);
	free(t);
	return b;
}

static void bad_files(void)
{
	char g[320], blob[64], to[80];
	const char *sheep = MODELS "/sheep.gen.json";
	size_t len;
	unsigned char *b;

	snprintf(g, sizeof(g), "%s", tmp("gen.json"));
	blob_text(blob, sizeof(blob), 9, 1000); /* tensor 1, out_b */
	bad("a missing file", tmp("none.json"), "No such file");
	write_text(tmp("empty"), "", 0);
	bad("an empty file", tmp("empty"), "empty file");
	write_text(tmp("nul"), "[{}\0]", 5);
	bad("a NUL byte", tmp("nul"), "NUL byte at offset 3");
	write_text(tmp("obj"), "{\"a\":1}", 7);
	bad("an object", tmp("obj"), "not a sketch-rnn-js model");
	write_text(tmp("two"), "[{},[]]", 7);
	bad("a list of two", tmp("two"), "not a sketch-rnn-js model");
	write_text(tmp("syntax"), "[{\"mode\":2,,}]", 14);
	bad("a JSON syntax error", tmp("syntax"), "JSON error near byte");
	b = slurp(g, &len);
	write_text(tmp("cut"), (char *)b, len / 2);
	free(b);
	bad("a cut model", tmp("cut"), "JSON ends early");
	spec_with("tail", &gen_spec, NULL, -1, 0, 0, 0);
	edit(tmp("tail"), tmp("tail2"), 0, "]]\n", "]] x\n");
	bad("data after the list", tmp("tail2"), "data after the JSON list");

	/* info */
	edit(g, tmp("m7"), 0, "\"mode\":2", "\"mode\":7");
	bad("mode 7", tmp("m7"), "mode 7 is none of 2");
	edit(g, tmp("mfoo"), 0, "\"mode\":2", "\"mode\":\"foo\"");
	bad("mode \"foo\"", tmp("mfoo"), "neither \"gen\" nor \"vae\"");
	edit(g, tmp("nomode"), 0, "\"mode\":2,", "");
	bad("no mode", tmp("nomode"), "info: no mode");
	edit(g, tmp("nosf"), 0, ",\"scale_factor\":12.5", "");
	bad("no scale_factor", tmp("nosf"), "no scale_factor");
	edit(g, tmp("negsf"), 0, "12.5", "-12.5");
	bad("a negative scale_factor", tmp("negsf"), "outside (0, 1e6]");
	edit(g, tmp("strsf"), 0, "12.5", "\"12.5\"");
	bad("a string scale_factor", tmp("strsf"), "scale_factor is not a");
	edit(g, tmp("len0"), 0, "\"max_seq_len\":7", "\"max_seq_len\":0");
	bad("max_seq_len 0", tmp("len0"), "max_seq_len 0 outside 1..");
	edit(g, tmp("lenf"), 0, "\"max_seq_len\":7", "\"max_seq_len\":7.5");
	bad("a fractional max_seq_len", tmp("lenf"),
	    "max_seq_len is not an integer");
	edit(g, tmp("ver"), 0, "\"version\":6", "\"version\":-1");
	bad("version -1", tmp("ver"), "version -1 outside");
	edit(g, tmp("name"), 0, "\"tiny\"", "[1]");
	bad("a name that is not a string", tmp("name"), "name is not a string");

	/* shapes */
	bad("a vae shape list in a decoder-only file",
	    spec_with("gen17", &vae_spec, gen_spec.info, -1, 0, 0, 0),
	    "decoder-only model needs 5 tensors, shapes lists 17");
	bad("a decoder-only shape list in a vae file",
	    spec_with("vae5", &gen_spec, vae_spec.info, -1, 0, 0, 0),
	    "vae model needs 17 tensors, shapes lists 5");
	bad("a wrong bias length", spec_with("b7", &gen_spec, NULL, 4, 7, 0, 7),
	    "tensor 4 (dec_b): shape [7], expected [8]");
	bad("a wrong recurrent matrix",
	    spec_with("wh3", &gen_spec, NULL, 3, 3, 8, 24),
	    "tensor 3 (dec_wh): shape [3, 8], expected [2, 8]");
	bad("a matrix where a vector belongs",
	    spec_with("b2d", &gen_spec, NULL, 1, 9, 1, 9),
	    "tensor 1 (out_b): shape [9, 1], expected [9]");
	bad("an output layer of 10 columns",
	    spec_with("w10", &gen_spec, NULL, 0, 2, 10, 20),
	    "10 columns, not 6M+3");
	bad("an absurd decoder size",
	    spec_with("huge", &gen_spec, NULL, 0, 100000, 9, 1),
	    "decoder size 100000 exceeds 8192");
	edit(g, tmp("dim0"), 0, "[[2,9]", "[[0,9]");
	bad("dimension 0", tmp("dim0"), "dimension 0 outside 1..1000000");
	edit(g, tmp("dimf"), 0, "[[2,9]", "[[2.5,9]");
	bad("a fractional dimension", tmp("dimf"),
	    "shape 0 (out_w): dimension 0 is not an integer");
	edit(g, tmp("dim3"), 0, "[[2,9]", "[[2,9,1]");
	bad("three dimensions", tmp("dim3"), "not a list of one or two");
	bad("a vae latent size that disagrees",
	    spec_with("sig", &vae_spec, NULL, 8, 4, 4, 16),
	    "tensor 8 (sigma_w): shape [4, 4], expected [4, 3]");
	bad("a vae decoder input without z",
	    spec_with("decx", &vae_spec, NULL, 14, 5, 8, 40),
	    "tensor 14 (dec_wx): shape [5, 8], expected [8, 8]");

	/* weights */
	bad("weights shorter than the shape",
	    spec_with("short", &gen_spec, NULL, 3, 0, 0, 15),
	    "tensor 3 (dec_wh): 30 bytes of weights, its shape needs 32");
	bad("weights longer than the shape",
	    spec_with("long", &gen_spec, NULL, 4, 0, 0, 9),
	    "tensor 4 (dec_b): 18 bytes of weights, its shape needs 16");
	edit(g, tmp("b64"), strlen(gen_spec.info) + 60, "A", "!");
	bad("a bad base64 character", tmp("b64"),
	    "bad base64 character 0x21 at offset");
	snprintf(to, sizeof(to), "%.*sA\"", (int)strlen(blob) - 1, blob);
	edit(g, tmp("b64cut"), 0, blob, to);
	bad("a base64 string of 4n+1 characters", tmp("b64cut"),
	    "tensor 1 (out_b): base64 length 25 is cut short");
	snprintf(to, sizeof(to), "%.*s=\"", (int)strlen(blob) - 1, blob);
	edit(g, tmp("b64pad"), 0, blob, to);
	bad("padding after a full group", tmp("b64pad"),
	    "tensor 1 (out_b): bad base64 character 0x3d");
	edit(g, tmp("b64num"), 0, "\"]]", "\",7]]");
	bad("six weight entries", tmp("b64num"), "6 weight strings for 5");
	edit(g, tmp("b64int"), 0, blob, "1");
	bad("a number for a weight string", tmp("b64int"),
	    "tensor 1 (out_b): weights are not a base64 string");

	/* the real thing, broken */
	if (access(sheep, R_OK) != 0) {
		check(0, "%s: %s", sheep, strerror(errno));
		return;
	}
	b = slurp(sheep, &len);
	write_text(tmp("sheep-cut.json"), (char *)b, len / 2);
	bad("the sheep model cut in half", tmp("sheep-cut.json"),
	    "JSON ends early");
	write_text(tmp("sheep-head.json"), (char *)b, 200);
	bad("the sheep model cut after 200 bytes", tmp("sheep-head.json"),
	    "JSON ends early");
	free(b);
	edit(sheep, tmp("sheep-b64.json"), 1000000, "A", "*");
	bad("the sheep model with a '*' in its weights", tmp("sheep-b64.json"),
	    "tensor 3 (dec_wh): bad base64 character "
	    "0x2a");
	edit(sheep, tmp("sheep-shape.json"), 0, "[5,2048]", "[5,2047]");
	bad("the sheep model with a wrong shape", tmp("sheep-shape.json"),
	    "tensor 2 (dec_wx): shape [5, 2047], expected [5, 2048]");
	edit(sheep, tmp("sheep-mode.json"), 0, "\"mode\":2", "\"mode\":0");
	bad("the sheep model marked vae", tmp("sheep-mode.json"),
	    "vae model needs 17 tensors, shapes lists 5");
}

static void cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (tmpdir[0] && system(cmd) != 0)
		warnmsg("cannot remove %s", tmpdir);
}

int main(int argc, char **argv)
{
	const char *td = getenv("TMPDIR");

	util_init(argv[0]);
	snprintf(tmpdir, sizeof(tmpdir), "%s/sketchjs_test.XXXXXX",
		 td && *td ? td : "/tmp");
	if (!mkdtemp(tmpdir))
		die("mkdtemp %s:", tmpdir);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		run_model(names[i]);
		check_sample(names[i]);
	}
	good_files();
	bad_files();
	cleanup();
	return failed;
}
