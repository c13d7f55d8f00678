/*
 * checkpoint.h: the checkpoint file (model(5), kind 2): a model file
 * (model.h) with the training state between the weights and the end
 * marker (the Adam moments and step, the random generator, the data
 * position, the best validation cost), so that train can resume exactly.
 * The programs that only run a model read a checkpoint with model_read,
 * which skips this state.
 *
 * Files are written atomically and read with every field checked, as
 * model files are (model.h).  It does not train; train fills and uses
 * the state.
 *
 * Ownership: checkpoint_read() allocates the Adam moments in st->adam
 * (and m->net, as model_read); train_state_free() releases the moments,
 * model_free() the network.
 */
#ifndef SKETCHRNN_CHECKPOINT_H
#define SKETCHRNN_CHECKPOINT_H

#include <stdint.h>

#include "adam.h"
#include "model.h"
#include "rng.h"

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

/*
 * checkpoint_write: write m and st as a checkpoint to path atomically, in
 * the version model_write would choose for m.  Returns 0, or -1 after
 * "prog: path: what" (the old file, if any, is left untouched).
 */
int checkpoint_write(const char *path, const struct model *m,
		     const struct train_state *st);
/*
 * checkpoint_read: read and check a model or checkpoint file into m (as
 * model_read) and, for a checkpoint (m->kind MODEL_KIND_CHECKPOINT), its
 * training state into st; st is zero for a model.  Returns 0, or -1 after
 * "prog: path: what" with nothing left allocated.
 */
int checkpoint_read(const char *path, struct model *m, struct train_state *st);
/* checkpoint_fread: checkpoint_read from the stream f (left open), called
 * name in messages. */
int checkpoint_fread(FILE *f, const char *name, struct model *m,
		     struct train_state *st);
void train_state_free(struct train_state *st);

#endif
