/*
 * batch.h: the sketch-rnn data loader (Ha & Eck 2017; the reference's
 * DataLoader) and the batch(5) format that carries its output.
 *
 * A loader holds the drawings of one split.  Batch number k of a run is a
 * pure function of (seed, k, the drawings): training batches draw their B
 * drawings and their augmentation from a generator seeded with hash(seed,
 * k), so a run resumes at batch k with nothing but k.  Valid and test
 * batches are contiguous blocks of the drawings sorted by length, with no
 * augmentation, floor(n/B) of them.
 *
 * Each batch is stroke-5 [B, N_max+1, 5]: row 0 the start token
 * (0,0,1,0,0), rows 1..L the sketch (dx, dy, 1-p, p, 0), rows L+1..N_max
 * the end rows (0,0,0,0,1).
 *
 * Ownership: batch_init() / batch_free() pair for a struct batch (its
 * arrays); loader_init() / loader_free() pair for a loader (it owns copies
 * of the drawings given to loader_add()).
 */
#ifndef SKETCHRNN_BATCH_H
#define SKETCHRNN_BATCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rng.h"
#include "stroke.h"

#define BATCH_MAGIC "SKB5"
#define BATCH_VERSION 1
#define BATCH_HEADER_SIZE 48
#define BATCH_MAX_SIZE 100000		   /* drawings in one batch */
#define BATCH_MAX_FLOATS ((size_t)1 << 28) /* B * (N_max+1) * 5 */

#define BATCH_FLAG_AUGMENTED 1u	 /* random scale / point dropping applied */
#define BATCH_FLAG_NORMALIZED 2u /* the input stream was normalised */
#define BATCH_KNOWN_FLAGS (BATCH_FLAG_AUGMENTED | BATCH_FLAG_NORMALIZED)

enum { SPLIT_TRAIN, SPLIT_VALID, SPLIT_TEST };

struct batch_params {
	size_t size;   /* B: drawings per batch; reference 100 */
	double scale;  /* s: x and y scales drawn from [1-s, 1+s]; 0.15 */
	double drop;   /* p: point-dropping probability; 0.10 */
	uint64_t seed; /* with the batch number, fixes every random choice */
};

struct batch {
	unsigned flags;	  /* BATCH_FLAG_* */
	unsigned split;	  /* SPLIT_* */
	size_t size;	  /* B */
	size_t nmax;	  /* N_max: rows after the start token */
	float factor;	  /* the stream's normalising scale factor */
	uint64_t seed;	  /* batch_params.seed */
	uint64_t index;	  /* k: the batch number */
	uint32_t count;	  /* drawings in the split */
	uint32_t *len;	  /* [B] rows of each sketch after augmentation */
	uint32_t *id;	  /* [B] each sketch's position in its split */
	float *x;	  /* [B][nmax+1][5] stroke-5 rows */
	size_t cap, capx; /* allocated entries of len/id and of x */
};

struct loader {
	struct drawing *d; /* the split's drawings; valid/test sorted */
	uint32_t *pos;	   /* input position of d[i] within its split */
	size_t n, cap;
	unsigned split; /* SPLIT_* */
	size_t nmax;	/* N_max */
	float factor;	/* normalising factor of the stream */
	unsigned flags; /* BATCH_FLAG_NORMALIZED when normalised */
};

/* batch_seed: the rng.h seed of batch k of a run seeded with seed: a
 * splitmix64 mix of both, distinct for every k. */
uint64_t batch_seed(uint64_t seed, uint64_t k);

/* batch_key_split: the SPLIT_* named by a key_id "NAME:SPLIT:INDEX"
 * (train, valid or test), or -1. */
int batch_key_split(const char *key);
/* batch_hash_split: SPLIT_* from a hash of key_id: train below ftrain,
 * valid below ftrain + fvalid, else test. */
int batch_hash_split(const char *key, double ftrain, double fvalid);

void loader_init(struct loader *l, unsigned split);
void loader_free(struct loader *l);
/* loader_add: keep a copy of d (its input position is the count so far). */
void loader_add(struct loader *l, const struct drawing *d);
/* loader_ready: sort valid/test by length (stable) and set nmax; returns
 * NULL or a static message (no drawings, fewer than B, a drawing longer
 * than nmax). */
const char *loader_ready(struct loader *l, size_t nmax, size_t size);
/* loader_batches: how many batches exist: floor(n/B) for valid/test; for
 * train every k is valid, and this returns floor(n/B), one pass. */
uint64_t loader_batches(const struct loader *l, size_t size);

/* batch_augment: the reference's augmentation of one drawing: scale dx by
 * sx and dy by sy, then drop points with probability prob, only where the
 * point, the last kept point and the two before it lie inside one stroke
 * (count > 2), adding a dropped offset to the last kept point.  Writes the
 * m <= n kept rows to out and returns m; kept[i] says whether input row i
 * survived (may be NULL).  Draws one uniform per row when prob > 0. */
size_t batch_augment(const struct stroke_point *in, size_t n, double sx,
		     double sy, double prob, struct rng *r,
		     struct stroke_point *out, unsigned char *kept);

void batch_init(struct batch *b);
void batch_free(struct batch *b);
/* batch_make: batch number k of the loader's split into b. */
void batch_make(const struct loader *l, const struct batch_params *p,
		uint64_t k, struct batch *b);

/* batch_write: encode b to f (batch(5)); write errors end the program. */
void batch_write(FILE *f, const struct batch *b);
/* batch_read: the next batch from f.  Returns 1, 0 at a clean end, or -1
 * after "prog: name:batch N: what" on stderr.  The room for the rows
 * grows with the rows read, not with the size the header announces. */
int batch_read(FILE *f, const char *name, unsigned long nread, struct batch *b);
/* batch_check: NULL if b obeys every stroke-5 rule of batch(5), else a
 * static message; *sketch and *row say where. */
const char *batch_check(const struct batch *b, size_t *sketch, size_t *row);

#endif
