/*
 * sketchjs.h: reading sketch-rnn-js model files (the JSON format of
 * Magenta's pretrained models for @magenta/sketch, sketch-rnn-js and
 * ml5.js): NAME.gen.json (decoder only) and NAME.vae.json (encoder and
 * decoder).  This module reads and validates such files and writes
 * them (sketchjs_write, for model2js); running the model is lstm.h and
 * mdn.h.
 *
 * A file is one JSON array [info, shapes, blobs]:
 *   info    object: mode (2 or "gen": decoder only; 0, 1 or "vae": VAE),
 *           version (integer, optional), name (string, optional),
 *           scale_factor (number > 0), max_seq_len (integer > 0); other
 *           keys (r_loss, kl_loss, training_size) are ignored;
 *   shapes  one dimension list per tensor ([rows, cols] or [n]);
 *   blobs   one base64 string per tensor: its values as little-endian
 *           int16 q, row-major, dequantised as w = (float)(10.0 q / 32767.0)
 *           (the rule of @magenta/sketch 0.2.0, computed in double and
 *           rounded once to float).  Base64 is read as atob() reads it
 *           (padding optional), except that whitespace is refused.
 *
 * Tensors, in file order, with the names used here (the same names as the
 * parameter table of sketchrnn.h).  H decoder units, E encoder units per
 * direction, Nz latent size, M mixtures (Magenta's code fixes M = 20; any
 * M >= 1 is accepted here):
 *
 *   gen (5)                       vae (17)
 *   0 out_w  [H, 6M+3]            0 enc_fw_wx [5, 4E]    9 sigma_b [Nz]
 *   1 out_b  [6M+3]               1 enc_fw_wh [E, 4E]   10 init_w  [Nz, 2H]
 *   2 dec_wx [5, 4H]              2 enc_fw_b  [4E]      11 init_b  [2H]
 *   3 dec_wh [H, 4H]              3 enc_bw_wx [5, 4E]   12 out_w   [H, 6M+3]
 *   4 dec_b  [4H]                 4 enc_bw_wh [E, 4E]   13 out_b   [6M+3]
 *                                 5 enc_bw_b  [4E]      14 dec_wx  [5+Nz, 4H]
 *                                 6 mu_w      [2E, Nz]  15 dec_wh  [H, 4H]
 *                                 7 mu_b      [Nz]      16 dec_b   [4H]
 *                                 8 sigma_w   [2E, Nz]
 *
 * The LSTM tensors need no reordering for lstm.h: @magenta/sketch runs
 * tf.basicLSTMCell (tfjs-core 1.7.4 ops/lstm.js) on the kernel
 * [dec_wx; dec_wh] stacked to [5+H, 4H], so a = [x, h] W + b with the
 * columns split into the gates i, j, f, o in that order, and the forget
 * bias 1.0 added at run time (not stored in dec_b):
 *   c' = sigmoid(i) tanh(j) + c sigmoid(f + 1),  h' = tanh(c') sigmoid(o).
 * That is exactly lstm.h's cell (gate order i, j, f, o, forget bias added
 * inside the step, wx [in, 4H], wh [H, 4H]).  The output layer y = h out_w
 * + out_b has the block layout of mdn.h: 3 pen logits, then pi-hat, mu_x,
 * mu_y, sigma-hat_x, sigma-hat_y, rho-hat, M values each.  The VAE
 * decoder's input is [x; z] (rows 0..4 of dec_wx multiply the stroke), its
 * initial state tanh(z init_w + init_b) is [c, h], c first; the encoder's
 * output is [h_fw; h_bw].  The VAE rows come from reading the original
 * sketch-rnn-js code only (@magenta/sketch ignores mode and always reads
 * tensors 0-4 as a decoder-only model): no .vae.json file was available
 * to check them.
 *
 * sketchrnn's extension (sketchjs(5)): info.enc_cell ("lstm" or
 * "layer_norm") and info.dec_cell ("lstm", "layer_norm" or "hyper") name
 * the cells, each cell's tensors in the order of model(5) replace its
 * wx, wh, b above (sketchjs_order), and info.float32 lists the tensors
 * whose blobs are little-endian float32 instead of int16.  A file without
 * these keys is Magenta's format exactly.
 *
 * Ownership: sketchjs_read() fills a struct sketchjs whose tensors point
 * into one buffer it allocates; sketchjs_free() releases it.
 */
#ifndef SKETCHRNN_SKETCHJS_H
#define SKETCHRNN_SKETCHJS_H

#include <stddef.h>
#include <stdio.h>

#include "sketchrnn.h"

enum { SKETCHJS_GEN = 1, SKETCHJS_VAE = 2 };

#define SKETCHJS_MAX_TENSORS 48 /* SKETCHRNN_MAX_TENSORS */
/* Limits, far above Magenta's models (H 512, E 256, Nz 128, M 20): */
#define SKETCHJS_MAX_BYTES (512L << 20) /* file size */
#define SKETCHJS_MAX_UNITS 8192		/* H, E */
#define SKETCHJS_MAX_Z 4096		/* Nz */
#define SKETCHJS_MAX_MIXTURE 1000	/* M */
#define SKETCHJS_MAX_SEQ_LEN 100000	/* max_seq_len */
#define SKETCHJS_MAX_NAME 255		/* bytes of info.name */
#define SKETCHJS_MAX_HYPER 4096		/* Nh (MODEL_MAX_HYPER) */
#define SKETCHJS_MAX_EMBED 1024		/* Eh (MODEL_MAX_EMBED) */

struct sketchjs_tensor {
	char name[16]; /* e.g. "dec_wh" */
	int f32;       /* 1: stored as float32, 0: as int16 */
	int ndim;      /* 1 or 2 */
	int shape[2];  /* rows, columns (shape[1] = 1 when ndim is 1) */
	long size;     /* number of values */
	float *data;   /* [size] dequantised, row-major */
};

struct sketchjs {
	int mode;	     /* SKETCHJS_GEN or SKETCHJS_VAE */
	long version;	     /* info.version (0 if absent) */
	char *name;	     /* info.name ("" if absent) */
	double scale_factor; /* dataset units per model unit */
	int max_seq_len;     /* longest training sequence (N_max) */
	int H;		     /* decoder units */
	int E;		     /* encoder units per direction (VAE, else 0) */
	int Nz;		     /* latent size (VAE, else 0) */
	int M;		     /* mixture components */
	int enc_cell;	     /* CELL_LSTM or CELL_LAYER_NORM (info.enc_cell) */
	int dec_cell;	     /* CELL_LSTM, _LAYER_NORM or _HYPER (dec_cell) */
	int Nh;		     /* hyper decoder: hyper cell units, else 0 */
	int Eh;		     /* hyper decoder: embedding size, else 0 */
	int ntensors;	     /* 5 (gen) or 17 (vae) for LSTM cells */
	struct sketchjs_tensor t[SKETCHJS_MAX_TENSORS];
	float *buf; /* every tensor's values, back to back */
};

/*
 * sketchjs_read: read and validate a whole model from f (name is used in
 * messages only).  Returns 0, or -1 after printing "prog: name: what was
 * wrong" with nothing left to free.
 */
int sketchjs_read(struct sketchjs *m, FILE *f, const char *name);
/* sketchjs_load: sketchjs_read() of the file at path ("-" is stdin). */
int sketchjs_load(struct sketchjs *m, const char *path);
/* sketchjs_parse: the same from a text of len bytes in memory. */
int sketchjs_parse(struct sketchjs *m, const char *text, size_t len,
		   const char *name);
void sketchjs_free(struct sketchjs *m);

/* sketchjs_find: the tensor called name, or NULL. */
const struct sketchjs_tensor *sketchjs_find(const struct sketchjs *m,
					    const char *name);

/* sketchjs_weight: the dequantisation of one stored int16 value. */
float sketchjs_weight(int q);

/* sketchjs_to_net: build net (sketchrnn_build: LSTM cells, conditional
 * for a VAE file) and copy every tensor of js into it by name, with the
 * shapes checked against net's own table.  Returns 0, or -1 after "prog:
 * name: what" (net is then freed). */
int sketchjs_to_net(const struct sketchjs *js, struct sketchrnn *net,
		    const char *name);

/* sketchjs_quantize: the stored int16 of weight w: round(clip(w / 10, -1,
 * 1) * 32767), Magenta's export rule; *clipped is incremented when
 * |w| > 10. */
int sketchjs_quantize(float w, long *clipped);

/* sketchjs_order: the names of the tensors of a file for net's cells, in
 * file order, into names [SKETCHJS_MAX_TENSORS][16]; returns how many. */
int sketchjs_order(const struct sketchrnn_config *c, char names[][16]);

/* sketchjs_float_default: 1 when the tensor called name is stored as
 * float32 by default: the layer-norm gains and shifts (*_ln_g, *_ln_b,
 * *_lnc_g, *_lnc_b) and the hyper decoder's scalers (dec_zw_w, dec_zw_b,
 * dec_alpha_w, dec_zb_w, dec_beta_w); every other tensor is int16. */
int sketchjs_float_default(const char *name);

/*
 * sketchjs_write: net (any cells; decoder-only or VAE) to f as a
 * sketch-rnn-js file: info {mode 2 (gen) or 1 (vae), version 6, name,
 * scale_factor, max_seq_len} and, for cells other than LSTM or float32
 * tensors, enc_cell, dec_cell and float32; the shapes and the base64
 * blobs in the tensor order of sketchjs_order().  A plain LSTM model is
 * written exactly as Magenta's files (int16 only).  Returns the number of
 * int16 weights clipped to +-10.  Write errors on stdout end the program.
 * sketchjs_write_ex: the same with the storage of tensor i (file order)
 * chosen by f32[i] (1 float32, 0 int16), or by sketchjs_float_default()
 * when f32 is NULL, or every tensor float32 when all_float.
 */
long sketchjs_write(FILE *f, const struct sketchrnn *net, const char *name,
		    double scale_factor, int max_seq_len);
long sketchjs_write_ex(FILE *f, const struct sketchrnn *net, const char *name,
		       double scale_factor, int max_seq_len, const int *f32,
		       int all_float);

#endif
