/*
 * model.h: the sketchrnn model file (model(5)): the hyperparameters, the
 * normalising scale factor and N_max of the training data, the named
 * tensor table and the float32 weights: the network, all that decode,
 * encode and model2js need.  A checkpoint (checkpoint.h) is this file
 * with the training state between the weights and the end marker; here
 * it is read as a model, its training state covered by the size check
 * and the CRC but skipped.
 *
 * Everything is little-endian through bytes.h, ends with a CRC-32 of all
 * the bytes before it, and is written to a temporary name in the same
 * directory, flushed, synced and renamed over the old file, so that a
 * crash leaves the old file or the new one.  Reading checks every field
 * and says what is wrong as "prog: file: what".
 *
 * It does not train, sample or choose hyperparameters; the defaults here
 * are the reference's (get_default_hparams of Magenta's sketch_rnn).  It
 * knows nothing of the optimizer or the data loader.
 *
 * Ownership: model_read() builds m->net (sketchrnn_build); model_free()
 * releases it.
 */
#ifndef SKETCHRNN_MODEL_H
#define SKETCHRNN_MODEL_H

#include <stdint.h>
#include <stdio.h>

#include "sketchrnn.h"

#define MODEL_MAGIC "SKRM"
#define MODEL_VERSION 2 /* the latest; version 1 is read and written too */
#define MODEL_END_MAGIC "SKRE"

enum { MODEL_KIND_MODEL = 1, MODEL_KIND_CHECKPOINT = 2 };

/* Limits checked on read and when parsing options. */
#define MODEL_MAX_ENC 4096	    /* enc_rnn_size */
#define MODEL_MAX_DEC 8192	    /* dec_rnn_size */
#define MODEL_MAX_Z 4096	    /* z_size */
#define MODEL_MAX_MIXTURE 1000	    /* num_mixture */
#define MODEL_MAX_BATCH 100000	    /* batch_size (BATCH_MAX_SIZE) */
#define MODEL_MAX_HYPER 4096	    /* hyper_num_units */
#define MODEL_MAX_EMBED 1024	    /* hyper_embedding_size */
#define MODEL_MAX_PARAMS (1L << 28) /* values in the parameter buffer */
#define MODEL_MAX_NMAX 100000	    /* N_max (STROKE_MAX_POINTS) */

/*
 * The reference hyperparameters, under the reference names (model(5)
 * lists them with their file order).  The values after '=' are the
 * defaults set by hparams_default().
 */
struct hparams {
	int conditional;  /* = 1; 0: decoder only (no encoder, no z) */
	int enc_model;	  /* = lstm; layer_norm advised under 10K drawings */
	int dec_model;	  /* = lstm; layer_norm advised under 10K drawings;
			     hyper (HyperLSTM) is the paper's decoder */
	int enc_rnn_size; /* = 256 units per direction */
	int dec_rnn_size; /* = 512 decoder units */
	int z_size;	  /* = 128: N_z, the latent size */
	int num_mixture;  /* = 20: M, Gaussian mixture components */
	int batch_size;	  /* = 100 drawings per step */
	double learning_rate;	  /* = 0.001 at step 0 */
	double decay_rate;	  /* = 0.9999 per step (lr above min_lr) */
	double min_learning_rate; /* = 0.00001 */
	double grad_clip;	  /* = 1.0: clip each gradient element; 0 off */
	double kl_weight;	  /* = 0.5: final KL weight w */
	double kl_weight_start;	  /* = 0.01: KL weight at step 0 */
	double kl_decay_rate;	  /* = 0.99995: w_t = w - (w - w0) R^t */
	double kl_tolerance;	  /* = 0.2: KL floor, no gradient below it */
	int use_recurrent_dropout;     /* = 1: dropout on the LSTM candidate */
	double recurrent_dropout_prob; /* = 0.90: keep probability, 0.65-0.9 */
	double random_scale_factor;    /* = 0.15: x, y scaled by 1 +- this */
	double augment_stroke_prob;    /* = 0.10: point dropping (training) */
	uint64_t num_steps;  /* = 10000000: the reference stops by hand */
	int save_every;	     /* = 500: steps between evaluations/checkpoints */
	uint64_t seed;	     /* = 1: initialisation, noise and batches */
	int hyper_num_units; /* = 256: hyper decoder's hyper cell units */
	int hyper_embedding_size; /* = 32: its scalers' embedding size */
};

struct model {
	int kind;	   /* MODEL_KIND_* of the file read */
	struct hparams hp; /* as trained */
	float scale;	   /* the data's normalising scale factor */
	uint32_t nmax;	   /* N_max: longest drawing of the data */
	struct sketchrnn net;
};

void hparams_default(struct hparams *hp);
/* hparams_set: set the hyperparameter called name from text; returns NULL
 * or a static message (unknown name, bad value, out of range). */
const char *hparams_set(struct hparams *hp, const char *name,
			const char *value);
/* hparams_check: NULL when every field is within its limits. */
const char *hparams_check(const struct hparams *hp);
/* hparams_print: one "name=value" line per hyperparameter. */
void hparams_print(FILE *f, const struct hparams *hp, const char *prefix);
/* hparams_config: the network shape the hyperparameters describe. */
void hparams_config(const struct hparams *hp, struct sketchrnn_config *c);
/* cell_name / cell_parse: "lstm", "layer_norm" or "hyper"; parse returns
 * -1. */
const char *cell_name(int cell);
int cell_parse(const char *s);

/*
 * model_write: write m as a model (kind MODEL_KIND_MODEL, whatever
 * m->kind says) to path atomically, as version 1 when it has no hyper
 * decoder and the hyper sizes are the defaults (the files of programs
 * before the hyper cell), else 2: path.tmp.PID is written, flushed,
 * fsync'ed and renamed to path.  Returns 0, or -1 after "prog: path:
 * what" (the old file, if any, is left untouched).
 */
int model_write(const char *path, const struct model *m);
/*
 * model_read: read and check a model or checkpoint file; builds m->net
 * with the stored weights (a checkpoint's training state is skipped).
 * Returns 0, or -1 after "prog: path: what" with nothing left allocated.
 */
int model_read(const char *path, struct model *m);
void model_free(struct model *m);
/*
 * model_load: a model to run, from either file format: a sketchrnn model
 * or checkpoint file, or a sketch-rnn-js .gen.json / .vae.json (told apart
 * by the first byte, '['), whose info and sizes fill m->hp (LSTM cells),
 * m->scale and m->nmax.  Returns 0, or -1 after "prog: path: what".
 */
int model_load(const char *path, struct model *m);
/* model_is_sketchjs: path is a file whose first byte other than white
 * space is '[' (a sketch-rnn-js file, as model_load tells them apart);
 * 0 for anything else, a file that cannot be opened included. */
int model_is_sketchjs(const char *path);

/*
 * The file around the network, for checkpoint.c, which puts its training
 * section between the weights and the end marker: MODEL_STATE_SIZE bytes
 * then 8 bytes a parameter (model(5)).
 */
#define MODEL_STATE_SIZE 136

struct model_out {
	FILE *f;
	int fd;
	char *tmp;	   /* path.tmp.PID, written and renamed */
	const char *path;  /* the file written */
	unsigned long crc; /* of the bytes so far */
};

/* model_out_open: create path's temporary file and write m as a file of
 * kind MODEL_KIND_* up to the end of the weights.  Returns 0, or -1 after
 * "prog: path: what" with nothing left open. */
int model_out_open(struct model_out *o, const char *path, const struct model *m,
		   int kind);
void model_out_u32(struct model_out *o, uint32_t v);
void model_out_u64(struct model_out *o, uint64_t v);
void model_out_f64(struct model_out *o, double v);
void model_out_reals(struct model_out *o, const real *x, long n); /* f32 */
/* model_out_close: the end marker and the CRC, then flush, fsync and
 * rename over the path.  Returns 0, or -1 after "prog: path: write
 * error: why" (the temporary file removed, the old file untouched). */
int model_out_close(struct model_out *o);

struct model_in {
	FILE *f;
	const char *name;
	unsigned long crc; /* of the bytes so far */
	long pos;
	const char *what; /* field being read, for messages */
	int nhp;	  /* hyperparameters in the file (its version's) */
	int own;	  /* f is closed by model_in_close */
};

/* model_in_open: open path and read m up to the end of the weights
 * (m->kind says whether a training section follows).  Returns 0, or -1
 * after "prog: path: what"; model_in_close follows either way. */
int model_in_open(struct model_in *r, const char *path, struct model *m);
/* model_in_fopen: model_in_open on the stream f, called name in messages
 * (model_in_close leaves f open). */
int model_in_fopen(struct model_in *r, FILE *f, const char *name,
		   struct model *m);
/* model_in_u32, _u64, _f64: one field; 0, or -1 after a message. */
int model_in_u32(struct model_in *r, uint32_t *v);
int model_in_u64(struct model_in *r, uint64_t *v);
int model_in_f64(struct model_in *r, double *v);
/* model_in_reals: n f32 values into x, each finite (and >= 0 when
 * nonneg); a bad one is named by its tensor of net. */
int model_in_reals(struct model_in *r, const struct sketchrnn *net, real *x,
		   long n, int nonneg);
/* model_in_bad: "prog: file: what"; returns -1. */
int model_in_bad(const struct model_in *r, const char *what);
/* model_in_close: when rc is 0, read the end marker and check the CRC and
 * the end of the file; close it.  Returns 0, or -1 (rc already -1, or
 * after the message) with m freed. */
int model_in_close(struct model_in *r, struct model *m, int rc);

#endif
