/*
 * checkpoint.c: the training section of a checkpoint (model(5)), between
 * the weights and the end marker of a model file; model.c writes and
 * reads the rest.  See checkpoint.h for the contracts.
 */
#include <math.h>
#include <string.h>

#include "checkpoint.h"

static void write_state(struct model_out *o, const struct train_state *s,
			long n)
{
	model_out_u64(o, s->step);
	model_out_u64(o, s->batch);
	model_out_u64(o, s->data_seed);
	model_out_u32(o, s->data_count);
	model_out_u32(o, s->data_crc);
	for (int i = 0; i < 4; i++)
		model_out_u64(o, s->rng.s[i]);
	model_out_u64(o, (uint64_t)s->adam.t);
	model_out_f64(o, s->lr_scale);
	model_out_f64(o, s->best_cost);
	model_out_u64(o, s->best_step);
	model_out_u32(o, s->stale);
	model_out_u32(o, s->nonfinite);
	model_out_f64(o, s->elapsed);
	model_out_f64(o, s->adam.beta1);
	model_out_f64(o, s->adam.beta2);
	model_out_f64(o, s->adam.eps);
	model_out_reals(o, s->adam.m, n);
	model_out_reals(o, s->adam.v, n);
}

int checkpoint_write(const char *path, const struct model *m,
		     const struct train_state *st)
{
	struct model_out o;

	if (model_out_open(&o, path, m, MODEL_KIND_CHECKPOINT) < 0)
		return -1;
	write_state(&o, st, m->net.nparams);
	return model_out_close(&o);
}

/* read_counters: the fields before the Adam constants; *t is Adam's. */
static int read_counters(struct model_in *r, struct train_state *s, uint64_t *t)
{
	if (model_in_u64(r, &s->step) < 0 || model_in_u64(r, &s->batch) < 0 ||
	    model_in_u64(r, &s->data_seed) < 0 ||
	    model_in_u32(r, &s->data_count) < 0 ||
	    model_in_u32(r, &s->data_crc) < 0)
		return -1;
	for (int i = 0; i < 4; i++)
		if (model_in_u64(r, &s->rng.s[i]) < 0)
			return -1;
	if (model_in_u64(r, t) < 0 || model_in_f64(r, &s->lr_scale) < 0 ||
	    model_in_f64(r, &s->best_cost) < 0 ||
	    model_in_u64(r, &s->best_step) < 0 ||
	    model_in_u32(r, &s->stale) < 0 ||
	    model_in_u32(r, &s->nonfinite) < 0 ||
	    model_in_f64(r, &s->elapsed) < 0)
		return -1;
	return 0;
}

/* check_state: the fields read, Adam's step t among them. */
static int check_state(struct model_in *r, struct train_state *s, uint64_t t)
{
	if (t != s->step || s->batch < s->step || s->step > (1ULL << 50))
		return model_in_bad(
		    r, "inconsistent step, batch and Adam counters");
	if (!(s->rng.s[0] | s->rng.s[1] | s->rng.s[2] | s->rng.s[3]))
		return model_in_bad(r, "random generator state is all zero");
	s->adam.t = (long)t;
	if (!(s->lr_scale > 0 && s->lr_scale <= 1))
		return model_in_bad(r, "learning-rate scale not in (0, 1]");
	if (isnan(s->best_cost) || s->best_cost == -INFINITY ||
	    !(isfinite(s->elapsed) && s->elapsed >= 0))
		return model_in_bad(r,
				    "best cost or elapsed time not a number");
	if (!(s->adam.beta1 >= 0 && s->adam.beta1 < 1 && s->adam.beta2 >= 0 &&
	      s->adam.beta2 < 1 && s->adam.eps > 0 && s->adam.eps < 1))
		return model_in_bad(r, "Adam constants out of range");
	return 0;
}

static int read_state(struct model_in *r, const struct sketchrnn *net,
		      struct train_state *s)
{
	uint64_t t;
	long n = net->nparams;

	r->what = "training state";
	if (read_counters(r, s, &t) < 0)
		return -1;
	adam_init(&s->adam, n);
	if (model_in_f64(r, &s->adam.beta1) < 0 ||
	    model_in_f64(r, &s->adam.beta2) < 0 ||
	    model_in_f64(r, &s->adam.eps) < 0)
		return -1;
	if (check_state(r, s, t) < 0)
		return -1;
	r->what = "Adam m";
	if (model_in_reals(r, net, s->adam.m, n, 0) < 0)
		return -1;
	r->what = "Adam v";
	return model_in_reals(r, net, s->adam.v, n, 1);
}

/* read_file: checkpoint_read from f (NULL: open path). */
static int read_file(FILE *f, const char *path, struct model *m,
		     struct train_state *st)
{
	struct model_in r;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = f ? model_in_fopen(&r, f, path, m) : model_in_open(&r, path, m);
	if (rc == 0 && m->kind == MODEL_KIND_CHECKPOINT)
		rc = read_state(&r, &m->net, st);
	rc = model_in_close(&r, m, rc);
	if (rc < 0)
		train_state_free(st);
	return rc;
}

int checkpoint_read(const char *path, struct model *m, struct train_state *st)
{
	return read_file(NULL, path, m, st);
}

int checkpoint_fread(FILE *f, const char *name, struct model *m,
		     struct train_state *st)
{
	return read_file(f, name, m, st);
}

void train_state_free(struct train_state *st)
{
	adam_free(&st->adam);
	memset(st, 0, sizeof(*st));
}
