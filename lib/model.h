/*
 * model.h: the sketchrnn model file (model(5)): the hyperparameters, the
 * normalising scale factor and N_max of the training data, the named
 * tensor table and the float32 weights; a checkpoint adds the training
 * state (Adam moments and step, the random generator, the data position,
 * the best validation cost), so that train can resume exactly.
 *
 * Everything is little-endian through bytes.h, ends with a CRC-32 of all
 * the bytes before it, and is written to a temporary name in the same
 * directory, flushed, synced and renamed over the old file, so that a
 * crash leaves the old file or the new one.  Reading checks every field
 * and says what is wrong as "prog: file: what".
 *
 * It does not train, sample or choose hyperparameters; the defaults here
 * are the reference's (get_default_hparams of Magenta's sketch_rnn).
 *
 * Ownership: model_read() builds m->net (sketchrnn_build) and, for a
 * checkpoint, the Adam moments in m->st.adam; model_free() releases both.
 */
#ifndef SKETCHRNN_MODEL_H
#define SKETCHRNN_MODEL_H

#include <stdint.h>
#include <stdio.h>

#include "adam.h"
#include "rng.h"
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

/* The training state a checkpoint adds to a model. */
struct train_state {
	uint64_t step;	     /* optimizer steps done */
	uint64_t batch;	     /* k: the next training batch number */
	uint64_t data_seed;  /* the loader's seed (batch_params.seed) */
	uint32_t data_count; /* training drawings read */
	uint32_t data_crc;   /* CRC-32 of the training drawings' points */
	struct rng rng;	     /* dropout and z noise generator */
	struct adam adam;    /* moments m, v [nparams] and t */
	double lr_scale;     /* 1, halved after each non-finite step */
	double best_cost;    /* best validation cost so far; inf if none */
	uint64_t best_step;  /* step of best_cost */
	uint32_t stale;	     /* evaluations since best_cost improved */
	uint32_t nonfinite;  /* non-finite steps survived */
	double elapsed;	     /* seconds of training so far */
};

struct model {
	int kind;	   /* MODEL_KIND_* */
	struct hparams hp; /* as trained */
	float scale;	   /* the data's normalising scale factor */
	uint32_t nmax;	   /* N_max: longest drawing of the data */
	struct sketchrnn net;
	struct train_state st; /* checkpoints only */
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
 * model_write: write m (kind MODEL_KIND_MODEL or MODEL_KIND_CHECKPOINT,
 * the latter with m->st) to path atomically, as version 1 when it has no
 * hyper decoder and the hyper sizes are the defaults (the files of
 * programs before the hyper cell), else 2: path.tmp.PID is written,
 * flushed, fsync'ed and renamed to path.  Returns 0, or -1 after "prog:
 * path: what" (the old file, if any, is left untouched).
 */
int model_write(const char *path, const struct model *m);
/*
 * model_read: read and check a model or checkpoint file; builds m->net
 * with the stored weights (and m->st for a checkpoint).  Returns 0, or -1
 * after "prog: path: what" with nothing left allocated.
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

#endif
