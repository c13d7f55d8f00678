/*
 * model_fuzz: a libFuzzer harness for the model(5) reader: model_load
 * (model.h: a sketchrnn model or checkpoint through model_read, or a
 * sketch-rnn-js JSON model when the first byte is '[') and checkpoint_read
 * (checkpoint.h).  They take a path: the input is written to a file in
 * /dev/shm (or TMPDIR) first.
 *
 *   - a refusal (-1) must come with its message, a success with none
 *     (fuzz.h), and the readers must not end the process;
 *   - checkpoint_read may take a file only when model_load takes it, with
 *     the same network;
 *   - a model taken is written again with model_write (a checkpoint's
 *     state with checkpoint_write) and read back: the same
 *     hyperparameters, scale factor, N_max and weights bit for bit, and
 *     the same training state.
 */
#include <unistd.h>

#include "checkpoint.h"
#include "fuzz.h"

static char path[256], again[256];

static void put_file(const char *p, const uint8_t *data, size_t size)
{
	FILE *f = fopen(p, "wb");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
}

static char *hp_text(const struct hparams *hp)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	if (!f)
		abort();
	hparams_print(f, hp, "");
	fclose(f);
	return s;
}

static void same_model(const struct model *a, const struct model *b,
		       const char *what)
{
	char *x = hp_text(&a->hp), *y = hp_text(&b->hp);

	if (strcmp(x, y))
		fail("%s: other hyperparameters:\n%s\nagainst\n%s", what, x, y);
	free(x);
	free(y);
	if (memcmp(&a->scale, &b->scale, sizeof a->scale) || a->nmax != b->nmax)
		fail("%s: another scale factor or N_max", what);
	if (a->net.nparams != b->net.nparams ||
	    a->net.ntensors != b->net.ntensors ||
	    memcmp(a->net.params, b->net.params,
		   a->net.nparams * sizeof *a->net.params))
		fail("%s: other weights", what);
}

static void same_state(const struct train_state *a, const struct train_state *b,
		       long n)
{
	if (a->step != b->step || a->batch != b->batch ||
	    a->data_seed != b->data_seed || a->data_count != b->data_count ||
	    a->data_crc != b->data_crc ||
	    memcmp(&a->rng, &b->rng, sizeof a->rng) || a->adam.t != b->adam.t ||
	    a->stale != b->stale || a->nonfinite != b->nonfinite ||
	    a->best_step != b->best_step ||
	    memcmp(&a->lr_scale, &b->lr_scale, sizeof a->lr_scale) ||
	    memcmp(&a->best_cost, &b->best_cost, sizeof a->best_cost) ||
	    memcmp(&a->elapsed, &b->elapsed, sizeof a->elapsed) ||
	    memcmp(&a->adam.beta1, &b->adam.beta1, sizeof a->adam.beta1) ||
	    memcmp(&a->adam.beta2, &b->adam.beta2, sizeof a->adam.beta2) ||
	    memcmp(&a->adam.eps, &b->adam.eps, sizeof a->adam.eps) ||
	    memcmp(a->adam.m, b->adam.m, n * sizeof *a->adam.m) ||
	    memcmp(a->adam.v, b->adam.v, n * sizeof *a->adam.v))
		fail("the training state written again reads differently");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model m, m2, c, c2;
	struct train_state st, st2;
	int rm, rc, r;

	fuzz_init("model");
	if (!path[0]) {
		const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
				  : getenv("TMPDIR") ? getenv("TMPDIR")
						     : "/tmp";

		snprintf(path, sizeof path, "%s/model_fuzz.%ld", dir,
			 (long)getpid());
		snprintf(again, sizeof again, "%s.again", path);
	}
	put_file(path, data, size);
	msg_begin();
	rm = model_load(path, &m);
	msg_end(rm < 0);
	msg_begin();
	rc = checkpoint_read(path, &c, &st);
	msg_end(rc < 0);
	if (rc == 0 && size && data[0] == '[')
		fail("checkpoint_read takes a sketch-rnn-js file");
	if (rc == 0 && rm < 0)
		fail("checkpoint_read takes a file that model_load refuses");
	if (rc == 0) {
		same_model(&m, &c, "checkpoint_read against model_load");
		if (m.kind != c.kind)
			fail("checkpoint_read and model_load see other kinds");
	}
	if (rm == 0) {
		msg_begin();
		r = model_write(again, &m);
		msg_end(r < 0);
		if (r < 0)
			fail("a model taken cannot be written again");
		msg_begin();
		r = model_read(again, &m2);
		msg_end(r < 0);
		if (r < 0)
			fail("the model written again is refused");
		same_model(&m, &m2, "the model written again");
		model_free(&m2);
		model_free(&m);
	}
	if (rc == 0 && c.kind == MODEL_KIND_CHECKPOINT) {
		msg_begin();
		r = checkpoint_write(again, &c, &st);
		msg_end(r < 0);
		if (r < 0)
			fail("a checkpoint taken cannot be written again");
		msg_begin();
		r = checkpoint_read(again, &c2, &st2);
		msg_end(r < 0);
		if (r < 0)
			fail("the checkpoint written again is refused");
		same_model(&c, &c2, "the checkpoint written again");
		same_state(&st, &st2, c.net.nparams);
		train_state_free(&st2);
		model_free(&c2);
	}
	if (rc == 0) {
		train_state_free(&st);
		model_free(&c);
	}
	unlink(path);
	unlink(again);
	return 0;
}
