/*
 * model.c: hyperparameters and the model file (model(5)): the network
 * and the frame around it, which checkpoint.c fills with its training
 * section.  See model.h for the contracts.  Sizes are validated against
 * the tensor table that the stored hyperparameters give before anything
 * is allocated; every value goes through bytes.h; a CRC-32 (zlib) covers
 * the whole file.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "bytes.h"
#include "hyper.h"
#include "model.h"

#include "sketchjs.h"
#include "util.h"

enum { HP_INT, HP_CELL, HP_REAL, HP_U64 };

struct hparam_desc {
	const char *name;
	int type;   /* HP_*: stored as u32 (INT, CELL), f64 (REAL), u64 */
	size_t off; /* in struct hparams */
	double lo, hi;
};

/* clang-format off */
#define HP(name, type, lo, hi) {#name, type, offsetof(struct hparams, name), lo, hi}
/* clang-format on */

/* File order of the hyperparameters (model(5)); append only. */
static const struct hparam_desc hp_table[] = {
    HP(conditional, HP_INT, 0, 1),
    HP(enc_model, HP_CELL, 0, 1),
    HP(dec_model, HP_CELL, 0, 2),
    HP(enc_rnn_size, HP_INT, 1, MODEL_MAX_ENC),
    HP(dec_rnn_size, HP_INT, 1, MODEL_MAX_DEC),
    HP(z_size, HP_INT, 1, MODEL_MAX_Z),
    HP(num_mixture, HP_INT, 1, MODEL_MAX_MIXTURE),
    HP(batch_size, HP_INT, 1, MODEL_MAX_BATCH),
    HP(learning_rate, HP_REAL, 0, 1),
    HP(decay_rate, HP_REAL, 0, 1),
    HP(min_learning_rate, HP_REAL, 0, 1),
    HP(grad_clip, HP_REAL, 0, 1e6),
    HP(kl_weight, HP_REAL, 0, 1e6),
    HP(kl_weight_start, HP_REAL, 0, 1e6),
    HP(kl_decay_rate, HP_REAL, 0, 1),
    HP(kl_tolerance, HP_REAL, 0, 1e6),
    HP(use_recurrent_dropout, HP_INT, 0, 1),
    HP(recurrent_dropout_prob, HP_REAL, 0.01, 1),
    HP(random_scale_factor, HP_REAL, 0, 0.99),
    HP(augment_stroke_prob, HP_REAL, 0, 1),
    HP(num_steps, HP_U64, 0, 1e15),
    HP(save_every, HP_INT, 1, 1e9),
    HP(seed, HP_U64, 0, 9007199254740992.0),
    /* version 2 */
    HP(hyper_num_units, HP_INT, 1, MODEL_MAX_HYPER),
    HP(hyper_embedding_size, HP_INT, 1, MODEL_MAX_EMBED),
};
#define NHP ((int)(sizeof(hp_table) / sizeof(hp_table[0])))
#define NHP_V1 23 /* hyperparameters of a version 1 file */

void hparams_default(struct hparams *hp)
{
	memset(hp, 0, sizeof(*hp));
	hp->conditional = 1;
	hp->enc_model = CELL_LSTM;
	hp->dec_model = CELL_LSTM;
	hp->enc_rnn_size = 256;
	hp->dec_rnn_size = 512;
	hp->z_size = 128;
	hp->num_mixture = 20;
	hp->batch_size = 100;
	hp->learning_rate = 0.001;
	hp->decay_rate = 0.9999;
	hp->min_learning_rate = 0.00001;
	hp->grad_clip = 1.0;
	hp->kl_weight = 0.5;
	hp->kl_weight_start = 0.01;
	hp->kl_decay_rate = 0.99995;
	hp->kl_tolerance = 0.2;
	hp->use_recurrent_dropout = 1;
	hp->recurrent_dropout_prob = 0.90;
	hp->random_scale_factor = 0.15;
	hp->augment_stroke_prob = 0.10;
	hp->num_steps = 10000000;
	hp->save_every = 500;
	hp->seed = 1;
	hp->hyper_num_units = HYPER_NUM_UNITS;
	hp->hyper_embedding_size = HYPER_EMBEDDING_SIZE;
}

const char *cell_name(int cell)
{
	if (cell == CELL_HYPER)
		return "hyper";
	return cell == CELL_LAYER_NORM ? "layer_norm" : "lstm";
}

int cell_parse(const char *s)
{
	if (strcmp(s, "lstm") == 0)
		return CELL_LSTM;
	if (strcmp(s, "layer_norm") == 0)
		return CELL_LAYER_NORM;
	if (strcmp(s, "hyper") == 0)
		return CELL_HYPER;
	return -1;
}

/* hp_get / hp_put: a field as a double (exact for every value allowed). */
static double hp_get(const struct hparams *hp, const struct hparam_desc *d)
{
	const char *p = (const char *)hp + d->off;

	if (d->type == HP_REAL)
		return *(const double *)p;
	if (d->type == HP_U64)
		return (double)*(const uint64_t *)p;
	return *(const int *)p;
}

static void hp_put(struct hparams *hp, const struct hparam_desc *d, double v)
{
	char *p = (char *)hp + d->off;

	if (d->type == HP_REAL)
		*(double *)p = v;
	else if (d->type == HP_U64)
		*(uint64_t *)p = (uint64_t)v;
	else
		*(int *)p = (int)v;
}

static int hp_valid(const struct hparam_desc *d, double v)
{
	if (!(v >= d->lo && v <= d->hi))
		return 0;
	return d->type == HP_REAL || v == floor(v);
}

const char *hparams_set(struct hparams *hp, const char *name, const char *value)
{
	char *end;
	double v;
	int i;

	for (i = 0; i < NHP; i++)
		if (strcmp(hp_table[i].name, name) == 0)
			break;
	if (i == NHP)
		return "unknown hyperparameter";
	if (hp_table[i].type == HP_CELL) {
		v = cell_parse(value);
		if (v < 0)
			return "bad cell (want lstm, layer_norm or hyper)";
		if (v > hp_table[i].hi)
			return "the encoder cell is lstm or layer_norm";
	} else if (hp_table[i].type == HP_INT &&
		   (strcmp(value, "True") == 0 ||
		    strcmp(value, "False") == 0)) {
		v = value[0] == 'T';
	} else {
		errno = 0;
		v = strtod(value, &end);
		if (end == value || *end || errno)
			return "not a number";
	}
	if (!hp_valid(&hp_table[i], v))
		return "out of range";
	hp_put(hp, &hp_table[i], v);
	return NULL;
}

const char *hparams_check(const struct hparams *hp)
{
	static char msg[96];

	for (int i = 0; i < NHP; i++)
		if (!hp_valid(&hp_table[i], hp_get(hp, &hp_table[i]))) {
			snprintf(msg, sizeof(msg),
				 "hyperparameter %s out of range",
				 hp_table[i].name);
			return msg;
		}
	return NULL;
}

void hparams_print(FILE *f, const struct hparams *hp, const char *prefix)
{
	const struct hparam_desc *d;

	for (int i = 0; i < NHP; i++) {
		d = &hp_table[i];
		fprintf(f, "%s%s=", prefix, d->name);
		if (d->type == HP_CELL)
			fprintf(f, "%s\n", cell_name((int)hp_get(hp, d)));
		else if (d->type == HP_REAL)
			fprintf(f, "%.15g\n", hp_get(hp, d));
		else
			fprintf(f, "%.0f\n", hp_get(hp, d));
	}
}

void hparams_config(const struct hparams *hp, struct sketchrnn_config *c)
{
	c->conditional = hp->conditional;
	c->enc_cell = hp->enc_model;
	c->dec_cell = hp->dec_model;
	c->enc_size = hp->enc_rnn_size;
	c->dec_size = hp->dec_rnn_size;
	c->z_size = hp->z_size;
	c->num_mixture = hp->num_mixture;
	c->hyper_num_units = hp->hyper_num_units;
	c->hyper_embedding_size = hp->hyper_embedding_size;
}

/* param_count: the size of the parameter buffer, computed without
 * allocating (the layout of sketchrnn_build, model(5)). */
static long param_count(const struct sketchrnn_config *c)
{
	long He = c->enc_size, Hd = c->dec_size, Nz = c->z_size;
	long W = 6L * c->num_mixture + 3, n = 0;
	int hyper = c->dec_cell == CELL_HYPER;
	struct lstm enc = {c->enc_cell, 5, (int)He, 0, 0};
	struct lstm dec = {c->dec_cell, 5 + (c->conditional ? (int)Nz : 0),
			   (int)Hd, hyper ? c->hyper_num_units : 0,
			   hyper ? c->hyper_embedding_size : 0};
	long Sd = lstm_state_size(&dec);

	if (c->conditional)
		n = 2 * lstm_params_count(&enc) + 2 * (2 * He * Nz + Nz) +
		    Nz * 2 * Sd + 2 * Sd;
	return n + lstm_params_count(&dec) + Hd * W + W;
}

/* file_version: the oldest version that holds hp (model_write). */
static int file_version(const struct hparams *hp)
{
	if (hp->dec_model == CELL_HYPER ||
	    hp->hyper_num_units != HYPER_NUM_UNITS ||
	    hp->hyper_embedding_size != HYPER_EMBEDDING_SIZE)
		return 2;
	return 1;
}

/* file_nhp: the hyperparameters a file of this version holds. */
static int file_nhp(int version)
{
	return version == 1 ? NHP_V1 : NHP;
}

#define HEAD_FIXED 16  /* magic, version, kind, hyperparameter count */
#define DATA_SIZE 20   /* scale, N_max, ntensors, nparams */
#define TENSOR_SIZE 36 /* name[16], ndim, rows, cols, offset */
#define TAIL_SIZE 8    /* end magic, CRC-32 */

/* hp_bytes: the size of the first nhp hyperparameters in a file. */
static long hp_bytes(int nhp)
{
	long n = 0;

	for (int i = 0; i < nhp; i++)
		n += hp_table[i].type == HP_REAL || hp_table[i].type == HP_U64
			 ? 8
			 : 4;
	return n;
}

/* file_size: the bytes of a file of this kind, hyperparameter count,
 * shape and table. */
static long file_size(int kind, int nhp, int ntensors, long nparams)
{
	long n = HEAD_FIXED + hp_bytes(nhp) + DATA_SIZE +
		 (long)ntensors * TENSOR_SIZE + 4 * nparams + TAIL_SIZE;

	if (kind == MODEL_KIND_CHECKPOINT)
		n += MODEL_STATE_SIZE + 8 * nparams;
	return n;
}

/* ---- writing ---- */

static void w_bytes(struct model_out *o, const void *p, size_t n)
{
	o->crc = crc32(o->crc, p, (uInt)n);
	fwrite(p, 1, n, o->f);
}

void model_out_u32(struct model_out *o, uint32_t v)
{
	unsigned char b[4];

	put_u32(b, v);
	w_bytes(o, b, 4);
}

void model_out_u64(struct model_out *o, uint64_t v)
{
	unsigned char b[8];

	put_u64(b, v);
	w_bytes(o, b, 8);
}

static void w_f32(struct model_out *o, float v)
{
	unsigned char b[4];

	put_f32(b, v);
	w_bytes(o, b, 4);
}

void model_out_f64(struct model_out *o, double v)
{
	uint64_t u;

	memcpy(&u, &v, 8);
	model_out_u64(o, u);
}

void model_out_reals(struct model_out *o, const real *x, long n)
{
	unsigned char b[4096];
	long i, j;

	for (i = 0; i < n; i += j) {
		for (j = 0; j < 1024 && i + j < n; j++)
			put_f32(b + 4 * j, (float)x[i + j]);
		w_bytes(o, b, (size_t)(4 * j));
	}
}

/* write_network: everything up to the end of the weights. */
static void write_network(struct model_out *o, const struct model *m, int kind)
{
	const struct sketchrnn *net = &m->net;
	const struct sketchrnn_tensor *t;
	unsigned char name[16];
	int i, version = file_version(&m->hp), nhp = file_nhp(version);

	w_bytes(o, MODEL_MAGIC, 4);
	model_out_u32(o, (uint32_t)version);
	model_out_u32(o, (uint32_t)kind);
	model_out_u32(o, (uint32_t)nhp);
	for (i = 0; i < nhp; i++) {
		const struct hparam_desc *d = &hp_table[i];
		const char *p = (const char *)&m->hp + d->off;

		if (d->type == HP_REAL)
			model_out_f64(o, *(const double *)p);
		else if (d->type == HP_U64)
			model_out_u64(o, *(const uint64_t *)p);
		else
			model_out_u32(o, (uint32_t) * (const int *)p);
	}
	w_f32(o, m->scale);
	model_out_u32(o, m->nmax);
	model_out_u32(o, (uint32_t)net->ntensors);
	model_out_u64(o, (uint64_t)net->nparams);
	for (i = 0; i < net->ntensors; i++) {
		t = &net->tensor[i];
		memset(name, 0, sizeof(name));
		memcpy(name, t->name, strnlen(t->name, sizeof(name)));
		w_bytes(o, name, sizeof(name));
		model_out_u32(o, (uint32_t)t->ndim);
		model_out_u32(o, (uint32_t)t->shape[0]);
		model_out_u32(o, (uint32_t)t->shape[1]);
		model_out_u64(o, (uint64_t)t->offset);
	}
	model_out_reals(o, net->params, net->nparams);
}

/* sync_dir: fsync the directory holding path, so the rename is durable. */
static void sync_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd;

	if (slash == dir)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int model_out_open(struct model_out *o, const char *path, const struct model *m,
		   int kind)
{
	size_t len = strlen(path) + 32;

	o->path = path;
	o->tmp = xmalloc(len);
	snprintf(o->tmp, len, "%s.tmp.%ld", path, (long)getpid());
	o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (o->fd < 0 || !(o->f = fdopen(o->fd, "wb"))) {
		warnmsg("%s: cannot create %s:", path, o->tmp);
		if (o->fd >= 0)
			close(o->fd);
		free(o->tmp);
		return -1;
	}
	o->crc = crc32(0L, Z_NULL, 0);
	errno = 0;
	write_network(o, m, kind);
	return 0;
}

int model_out_close(struct model_out *o)
{
	int err = 0;

	w_bytes(o, MODEL_END_MAGIC, 4);
	model_out_u32(o, (uint32_t)o->crc);
	if (fflush(o->f) != 0 || ferror(o->f) || fsync(o->fd) != 0)
		err = errno ? errno : EIO;
	if (fclose(o->f) != 0 && !err)
		err = errno ? errno : EIO;
	if (!err && rename(o->tmp, o->path) != 0)
		err = errno;
	if (err) {
		errno = err;
		warnmsg("%s: write error:", o->path);
		unlink(o->tmp);
		free(o->tmp);
		return -1;
	}
	sync_dir(o->path);
	free(o->tmp);
	return 0;
}

int model_write(const char *path, const struct model *m)
{
	struct model_out o;

	if (model_out_open(&o, path, m, MODEL_KIND_MODEL) < 0)
		return -1;
	return model_out_close(&o);
}

/* ---- reading ---- */

static int r_bytes(struct model_in *r, void *p, size_t n)
{
	size_t got = fread(p, 1, n, r->f);

	if (got != n) {
		if (ferror(r->f))
			warnmsg("%s: read error at byte %ld:", r->name,
				r->pos + (long)got);
		else
			warnmsg("%s: truncated at byte %ld (in %s)", r->name,
				r->pos + (long)got, r->what);
		return -1;
	}
	r->crc = crc32(r->crc, p, (uInt)n);
	r->pos += (long)n;
	return 0;
}

int model_in_u32(struct model_in *r, uint32_t *v)
{
	unsigned char b[4];

	if (r_bytes(r, b, 4) < 0)
		return -1;
	*v = get_u32(b);
	return 0;
}

int model_in_u64(struct model_in *r, uint64_t *v)
{
	unsigned char b[8];

	if (r_bytes(r, b, 8) < 0)
		return -1;
	*v = get_u64(b);
	return 0;
}

int model_in_f64(struct model_in *r, double *v)
{
	uint64_t u;

	if (model_in_u64(r, &u) < 0)
		return -1;
	memcpy(v, &u, 8);
	return 0;
}

/* model_in_reals: n float32 values, each finite (and >= 0 when nonneg);
 * names the tensor of the first bad one. */
int model_in_reals(struct model_in *r, const struct sketchrnn *net, real *x,
		   long n, int nonneg)
{
	unsigned char b[4096];
	long i, j, k;
	float v;

	for (i = 0; i < n; i += j) {
		j = n - i < 1024 ? n - i : 1024;
		if (r_bytes(r, b, (size_t)(4 * j)) < 0)
			return -1;
		for (k = 0; k < j; k++) {
			v = get_f32(b + 4 * k);
			if (!isfinite(v) || (nonneg && v < 0))
				goto bad;
			x[i + k] = (real)v;
		}
	}
	return 0;
bad:
	for (int t = 0; t < net->ntensors; t++)
		if (i + k < net->tensor[t].offset + net->tensor[t].size) {
			warnmsg("%s: %s: element %ld of tensor %s is %s",
				r->name, r->what, i + k - net->tensor[t].offset,
				net->tensor[t].name,
				isfinite(v) ? "negative" : "not finite");
			break;
		}
	return -1;
}

int model_in_bad(const struct model_in *r, const char *what)
{
	warnmsg("%s: %s", r->name, what);
	return -1;
}

static int read_head(struct model_in *r, struct model *m)
{
	char magic[4];
	uint32_t version, kind, nhp, u;
	const char *why;

	r->what = "header";
	if (r_bytes(r, magic, 4) < 0)
		return -1;
	if (memcmp(magic, MODEL_MAGIC, 4) != 0)
		return model_in_bad(r, "not a sketchrnn model (bad magic)");
	if (model_in_u32(r, &version) < 0 || model_in_u32(r, &kind) < 0 ||
	    model_in_u32(r, &nhp) < 0)
		return -1;
	if (version < 1 || version > MODEL_VERSION) {
		warnmsg("%s: unsupported version %u (this program reads 1 to "
			"%d)",
			r->name, version, MODEL_VERSION);
		return -1;
	}
	if (kind != MODEL_KIND_MODEL && kind != MODEL_KIND_CHECKPOINT)
		return model_in_bad(
		    r, "bad kind (want 1, model, or 2, checkpoint)");
	if (nhp != (uint32_t)file_nhp((int)version)) {
		warnmsg("%s: %u hyperparameters (version %u has %d)", r->name,
			nhp, version, file_nhp((int)version));
		return -1;
	}
	m->kind = (int)kind;
	r->nhp = (int)nhp;
	r->what = "hyperparameters";
	hparams_default(&m->hp); /* the fields a version 1 file lacks */
	for (int i = 0; i < r->nhp; i++) {
		const struct hparam_desc *d = &hp_table[i];
		double v;
		uint64_t w;

		if (d->type == HP_REAL) {
			if (model_in_f64(r, &v) < 0)
				return -1;
		} else if (d->type == HP_U64) {
			if (model_in_u64(r, &w) < 0)
				return -1;
			v = w > (uint64_t)d->hi ? -1 : (double)w;
		} else {
			if (model_in_u32(r, &u) < 0)
				return -1;
			v = u;
		}
		if (!hp_valid(d, v)) {
			warnmsg("%s: hyperparameter %s out of range", r->name,
				d->name);
			return -1;
		}
		hp_put(&m->hp, d, v);
	}
	if ((why = hparams_check(&m->hp)))
		return model_in_bad(r, why);
	if (version == 1 && m->hp.dec_model == CELL_HYPER)
		return model_in_bad(r, "a hyper decoder in a version 1 file");
	return 0;
}

static int read_table(struct model_in *r, struct model *m, long fsize)
{
	struct sketchrnn_config c;
	unsigned char b[TENSOR_SIZE];
	uint32_t nt, u;
	uint64_t np;
	long want;
	char msg[160];
	const struct sketchrnn_tensor *t;

	r->what = "data header";
	if (r_bytes(r, b, 4) < 0)
		return -1;
	m->scale = get_f32(b);
	if (!(isfinite(m->scale) && m->scale > 0 && m->scale <= 1e6f))
		return model_in_bad(
		    r, "scale factor not a positive finite number");
	if (model_in_u32(r, &u) < 0)
		return -1;
	if (u < 1 || u > MODEL_MAX_NMAX)
		return model_in_bad(r, "N_max out of range (1 to 100000)");
	m->nmax = u;
	if (model_in_u32(r, &nt) < 0 || model_in_u64(r, &np) < 0)
		return -1;
	hparams_config(&m->hp, &c);
	want = param_count(&c);
	if (want > MODEL_MAX_PARAMS)
		return model_in_bad(r,
				    "the hyperparameters give more than 2^28 "
				    "parameters");
	if (np != (uint64_t)want) {
		snprintf(msg, sizeof(msg),
			 "%llu parameters stored, the hyperparameters give %ld",
			 (unsigned long long)np, want);
		return model_in_bad(r, msg);
	}
	if (nt > SKETCHRNN_MAX_TENSORS)
		return model_in_bad(r, "too many tensors");
	if (fsize >= 0 && fsize != file_size(m->kind, r->nhp, (int)nt, want)) {
		snprintf(msg, sizeof(msg),
			 "%ld bytes, a %s of this shape has %ld (%s)", fsize,
			 m->kind == MODEL_KIND_MODEL ? "model" : "checkpoint",
			 file_size(m->kind, r->nhp, (int)nt, want),
			 fsize < file_size(m->kind, r->nhp, (int)nt, want)
			     ? "truncated"
			     : "trailing bytes");
		return model_in_bad(r, msg);
	}
	sketchrnn_build(&m->net, &c);
	if (m->net.nparams != want || m->net.ntensors != (int)nt) {
		snprintf(msg, sizeof(msg),
			 "%u tensors stored, the hyperparameters give %d", nt,
			 m->net.ntensors);
		return model_in_bad(r, msg);
	}
	r->what = "tensor table";
	for (int i = 0; i < (int)nt; i++) {
		t = &m->net.tensor[i];
		if (r_bytes(r, b, TENSOR_SIZE) < 0)
			return -1;
		if (memchr(b, 0, 16) == NULL ||
		    strcmp((const char *)b, t->name) != 0 ||
		    get_u32(b + 16) != (uint32_t)t->ndim ||
		    get_u32(b + 20) != (uint32_t)t->shape[0] ||
		    get_u32(b + 24) != (uint32_t)t->shape[1] ||
		    get_u64(b + 28) != (uint64_t)t->offset) {
			snprintf(msg, sizeof(msg),
				 "tensor %d is not %s [%d, %d] at %ld, as the "
				 "hyperparameters give",
				 i, t->name, t->shape[0], t->shape[1],
				 t->offset);
			return model_in_bad(r, msg);
		}
	}
	r->what = "weights";
	return model_in_reals(r, &m->net, m->net.params, m->net.nparams, 0);
}

/* skip: n bytes, read into the CRC (a checkpoint's training state). */
static int skip(struct model_in *r, long n)
{
	unsigned char b[4096];
	size_t k;

	r->what = "training state";
	for (; n > 0; n -= (long)k) {
		k = n < (long)sizeof(b) ? (size_t)n : sizeof(b);
		if (r_bytes(r, b, k) < 0)
			return -1;
	}
	return 0;
}

static int read_tail(struct model_in *r)
{
	unsigned char b[4];
	uLong crc;

	r->what = "end marker";
	if (r_bytes(r, b, 4) < 0)
		return -1;
	if (memcmp(b, MODEL_END_MAGIC, 4) != 0)
		return model_in_bad(r, "bad end marker");
	crc = r->crc;
	if (r_bytes(r, b, 4) < 0)
		return -1;
	if (get_u32(b) != (uint32_t)crc)
		return model_in_bad(r,
				    "checksum mismatch (the file is damaged)");
	if (fgetc(r->f) != EOF)
		return model_in_bad(r, "trailing bytes after the end marker");
	return 0;
}

int model_in_open(struct model_in *r, const char *path, struct model *m)
{
	FILE *f = fopen(path, "rb");
	int rc;

	if (!f) {
		memset(r, 0, sizeof(*r));
		memset(m, 0, sizeof(*m));
		warnmsg("%s:", path);
		return -1;
	}
	rc = model_in_fopen(r, f, path, m);
	r->own = 1;
	return rc;
}

int model_in_fopen(struct model_in *r, FILE *f, const char *name,
		   struct model *m)
{
	struct stat sb;
	long fsize = -1;

	memset(r, 0, sizeof(*r));
	memset(m, 0, sizeof(*m));
	r->name = name;
	r->what = "header";
	r->f = f;
	if (fstat(fileno(r->f), &sb) == 0 && S_ISREG(sb.st_mode))
		fsize = (long)sb.st_size;
	r->crc = crc32(0L, Z_NULL, 0);
	if (read_head(r, m) < 0)
		return -1;
	return read_table(r, m, fsize);
}

int model_in_close(struct model_in *r, struct model *m, int rc)
{
	if (rc == 0)
		rc = read_tail(r);
	if (r->f && r->own)
		fclose(r->f);
	r->f = NULL;
	if (rc < 0)
		model_free(m);
	return rc;
}

int model_read(const char *path, struct model *m)
{
	struct model_in r;
	int rc = model_in_open(&r, path, m);

	if (rc == 0 && m->kind == MODEL_KIND_CHECKPOINT)
		rc = skip(&r, MODEL_STATE_SIZE + 8 * m->net.nparams);
	return model_in_close(&r, m, rc);
}

void model_free(struct model *m)
{
	if (m->net.params)
		sketchrnn_free(&m->net);
	memset(m, 0, sizeof(*m));
}

/* from_sketchjs: m from the sketch-rnn-js file js. */
static int from_sketchjs(struct model *m, const struct sketchjs *js,
			 const char *path)
{
	memset(m, 0, sizeof *m);
	if (sketchjs_to_net(js, &m->net, path) < 0)
		return -1;
	m->kind = MODEL_KIND_MODEL;
	hparams_default(&m->hp);
	m->hp.conditional = m->net.cfg.conditional;
	m->hp.enc_model = js->enc_cell;
	m->hp.dec_model = js->dec_cell;
	if (js->dec_cell == CELL_HYPER) {
		m->hp.hyper_num_units = js->Nh;
		m->hp.hyper_embedding_size = js->Eh;
	}
	m->hp.enc_rnn_size = m->net.cfg.enc_size;
	m->hp.dec_rnn_size = m->net.cfg.dec_size;
	m->hp.z_size = m->net.cfg.z_size;
	m->hp.num_mixture = m->net.cfg.num_mixture;
	m->scale = (float)js->scale_factor;
	m->nmax = (uint32_t)js->max_seq_len;
	return 0;
}

int model_is_sketchjs(const char *path)
{
	FILE *f = fopen(path, "rb");
	int c;

	if (!f)
		return 0;
	while ((c = getc(f)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		;
	fclose(f);
	return c == '[';
}

int model_load(const char *path, struct model *m)
{
	struct sketchjs js;
	int rc;

	if (strcmp(path, "-") == 0) {
		warnmsg("-: a model must be a file");
		return -1;
	}
	if (!model_is_sketchjs(path))
		return model_read(path, m);
	if (sketchjs_load(&js, path) < 0)
		return -1;
	rc = from_sketchjs(m, &js, path);
	sketchjs_free(&js);
	return rc;
}
