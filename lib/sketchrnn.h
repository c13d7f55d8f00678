/*
 * sketchrnn.h: the sketch-rnn model (Ha and Eck 2017): a bidirectional
 * LSTM encoder to a latent z, an LSTM decoder conditioned on z, the
 * mixture-density head and the training loss, forward and backward over a
 * whole batch, and the reference initialisation.
 *
 * All parameters live in one contiguous buffer described by a named table
 * (name, shape, offset); the gradients mirror it, so an optimizer is one
 * loop over nparams.  Weights are stored [in, out], gates i, j, f, o (see
 * lstm.h, hyper.h and model(5)).  Sd below is the decoder's state size,
 * Hd or, for a hyper decoder, Hd + Nh; Xd its z projection, 4 Sd.
 *
 * Inputs per batch: strokes [B, T+1, 5] stroke-5 with the start token as
 * row 0 and padding rows (0,0,0,0,1) after each drawing, T = N_max; len [B]
 * the number of real points of each drawing (0 <= len <= T).  Inside, the
 * tensors are time-major.  Randomness (eps of z and the recurrent dropout
 * masks) is drawn by sketchrnn_noise() and kept, so forward and backward
 * see the same draws and a test can set eps itself.
 *
 * Ownership: sketchrnn_build() allocates the parameter and gradient
 * buffers, sketchrnn_batch() the activations for a batch shape;
 * sketchrnn_free() releases everything.
 */
#ifndef SKETCHRNN_SKETCHRNN_H
#define SKETCHRNN_SKETCHRNN_H

#include "gemm.h"
#include "lstm.h"

struct rng;

struct sketchrnn_config {
	int conditional;     /* 1: encoder + z (VAE); 0: decoder only */
	int enc_cell;	     /* CELL_LSTM or CELL_LAYER_NORM */
	int dec_cell;	     /* CELL_LSTM, CELL_LAYER_NORM or CELL_HYPER */
	int enc_size;	     /* encoder units per direction (reference 256) */
	int dec_size;	     /* decoder units (reference 512) */
	int z_size;	     /* latent size N_z (reference 128) */
	int num_mixture;     /* mixture components M (reference 20) */
	int hyper_num_units; /* CELL_HYPER: Nh (reference 256) */
	int hyper_embedding_size; /* CELL_HYPER: E (reference 32) */
};

#define SKETCHRNN_MAX_TENSORS 48

struct sketchrnn_tensor {
	char name[16]; /* e.g. "dec_wh" */
	int ndim;      /* 1 or 2 */
	int shape[2];  /* rows, columns (shape[1] = 1 when ndim is 1) */
	long offset;   /* first element in the parameter buffer */
	long size;     /* number of elements */
};

/* Named pointers into a parameter (or gradient) buffer. */
struct sketchrnn_weights {
	struct lstm_params enc_fw, enc_bw; /* encoder directions */
	struct lstm_params dec;		   /* decoder; wx is [5+N_z, 4H] */
	real *mu_w, *mu_b;		   /* [2He, N_z], [N_z] */
	real *sigma_w, *sigma_b;	   /* [2He, N_z], [N_z] */
	real *init_w, *init_b;		   /* [N_z, 2Sd], [2Sd] */
	real *out_w, *out_b;		   /* [Hd, 6M+3], [6M+3] */
};

struct sketchrnn {
	struct sketchrnn_config cfg;
	struct lstm enc, dec; /* dec.in is 5: the stroke part of its input */
	int ntensors;
	struct sketchrnn_tensor tensor[SKETCHRNN_MAX_TENSORS];
	long nparams;
	real *params, *grads; /* [nparams] each */
	int shared;	      /* params belong to another model (a replica) */
	struct sketchrnn_weights w, g;

	/* Batch state, from sketchrnn_batch(). */
	int B, T, Te;	     /* batch, N_max, encoder steps (max len) */
	int use_mask;	     /* dropout masks drawn by sketchrnn_noise */
	int pen_masked;	     /* 1: mask Lp after the end (evaluation) */
	int *len;	     /* [B] */
	real *xdec, *target; /* [T, B, 5] decoder inputs, targets */
	real *xencr;	     /* [T, B, 5] each drawing reversed */
	struct lstm_acts afw, abw, adec;
	real *henc, *dhenc;	 /* [B, 2He] encoder output and gradient */
	real *dhfw, *dhbw;	 /* [B, He] */
	real *mu, *sh, *eps, *z; /* [B, N_z] */
	real *dmu, *dsh, *dz;	 /* [B, N_z] */
	real *init, *dinit;	 /* [B, 2Sd] tanh(W z + b), state layout */
	real *zproj, *dzproj;	 /* [B, Xd] z part of the decoder input */
	real *dh0, *dc0;	 /* [B, Sd] */
	real *y, *dy;		 /* [T, B, 6M+3] head outputs */
	real *ddec;		 /* [T, B, Hd] gradient of decoder outputs */

	/* Results of the last forward pass. */
	double ls, lp;	  /* offset and pen loss, each / (B T) */
	double kl, kl_c;  /* KL and max(KL, tolerance) */
	double kl_weight; /* weight used */
	double cost;	  /* ls + lp + kl_weight kl_c */
};

/* sketchrnn_layout: only m->cfg, m->enc, m->dec, the tensor table and
 * m->nparams of the network c describes; nothing is allocated (and
 * nothing is to be freed). */
void sketchrnn_layout(struct sketchrnn *m, const struct sketchrnn_config *c);
/* sketchrnn_build: table, parameter and gradient buffers (zeroed). */
void sketchrnn_build(struct sketchrnn *m, const struct sketchrnn_config *c);
/* sketchrnn_init: the reference initialisation (see model(5)). */
void sketchrnn_init(struct sketchrnn *m, struct rng *r);
/* sketchrnn_batch: activation buffers for batches of B drawings of up to
 * T = N_max points; with_dropout allocates the dropout masks.  Calling it
 * again replaces the buffers of the previous call. */
void sketchrnn_batch(struct sketchrnn *m, int B, int T, int with_dropout);
void sketchrnn_free(struct sketchrnn *m);
/* sketchrnn_replica: r shares m's parameters (m->params, which must outlive
 * r) and has gradients and batch buffers of its own, so that several
 * replicas can run forward and backward on parts of a batch at the same
 * time (see shard.h).  sketchrnn_free(r) leaves the parameters alone. */
void sketchrnn_replica(struct sketchrnn *r, const struct sketchrnn *m);

/* sketchrnn_find: the table entry called name, or NULL. */
const struct sketchrnn_tensor *sketchrnn_find(const struct sketchrnn *m,
					      const char *name);

/* sketchrnn_noise: draw eps ~ N(0, I) for z (conditional models), then,
 * when keep < 1 and masks were allocated, a dropout mask for every step of
 * the forward encoder, the backward encoder and the decoder, in that
 * order; keep >= 1 turns dropout off. */
void sketchrnn_noise(struct sketchrnn *m, struct rng *r, double keep);
/* sketchrnn_noise_draws: how many rng_u64 draws sketchrnn_noise() makes
 * for a replica of m with batches of B drawings (for jumping over the
 * shards of other processes, shard.h). */
uint64_t sketchrnn_noise_draws(const struct sketchrnn *m, int B, double keep);

/*
 * sketchrnn_forward: the loss of a batch (strokes [B, T+1, 5], len [B]),
 * with KL weight kl_weight and floor kl_tolerance.  Returns m->cost; fills
 * the loss parts and every activation.
 */
double sketchrnn_forward(struct sketchrnn *m, const real *strokes,
			 const int *len, double kl_weight, double kl_tolerance);
/* sketchrnn_encode: only the encoder, without dropout: m->mu and m->sh
 * [B, N_z] of a batch (strokes [B, T+1, 5], len [B]); m->z is set to mu.
 * For encode(1); conditional models only. */
void sketchrnn_encode(struct sketchrnn *m, const real *strokes, const int *len);
/* sketchrnn_decoder_start: what z [B, N_z] gives the decoder of a
 * conditional model: init [B, 2Sd] = tanh(z init_w + init_b), the initial
 * state c and h [B, Sd] each cut from it (LSTM [c, h], layer-norm LSTM
 * [h, c], HyperLSTM [h, h^, c, c^], as the reference), and zproj [B, Xd]
 * = z times the z rows of dec_wx (and of dec_hyp_wx after them), the
 * input projection of z, which is the same at every step. */
void sketchrnn_decoder_start(const struct sketchrnn *m, const real *z, int B,
			     real *init, real *c, real *h, real *zproj);
/* sketchrnn_backward: m->grads = d cost / d params of the last forward. */
void sketchrnn_backward(struct sketchrnn *m);

#endif
