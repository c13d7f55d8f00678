/*
 * sketchjs_fuzz: a libFuzzer harness for the sketch-rnn-js JSON model
 * reader (sketchjs.h: sketchjs_parse, then sketchjs_to_net as model_load
 * does it).
 *
 *   - a refusal (-1) must come with its message, a success with none
 *     (fuzz.h), and the reader must not end the process;
 *   - a model taken must build a network (sketchjs_to_net);
 *   - that network written again with sketchjs_write (as model2js does)
 *     and parsed back must give the same mode, sizes, max_seq_len, scale
 *     factor (as a float, as models keep it), name (control characters
 *     written as '?') and weights bit for bit, but for a stored -32768
 *     (-10.0003), which is clipped to -32767 and counted.
 */
#include <math.h>

#include "fuzz.h"
#include "sketchjs.h"
#include "sketchrnn.h"

static void same(const struct sketchjs *a, const struct sketchjs *b)
{
	const char *x = a->name, *y = b->name;

	if (a->mode != b->mode || a->H != b->H || a->E != b->E ||
	    a->Nz != b->Nz || a->M != b->M || a->ntensors != b->ntensors ||
	    a->max_seq_len != b->max_seq_len)
		fail("written again with other sizes");
	if ((float)a->scale_factor != (float)b->scale_factor)
		fail("written again with scale factor %.9g for %.9g",
		     b->scale_factor, a->scale_factor);
	for (; *x && *y; x++, y++)
		if (*y != ((unsigned char)*x < 0x20 ? '?' : *x))
			break;
	if (*x || *y)
		fail("written again with name '%s' for '%s'", b->name, a->name);
	for (int i = 0; i < a->ntensors; i++) {
		if (strcmp(a->t[i].name, b->t[i].name) ||
		    a->t[i].size != b->t[i].size)
			fail("tensor %d written again differs", i);
		for (long k = 0; k < a->t[i].size; k++)
			if (fabsf(a->t[i].data[k]) <= 10 &&
			    memcmp(&a->t[i].data[k], &b->t[i].data[k],
				   sizeof(float)))
				fail("tensor %d value %ld written again "
				     "differs",
				     i, k);
	}
}

/* over10: the weights past +-10 (a stored -32768), which sketchjs_write
 * clips. */
static long over10(const struct sketchjs *a)
{
	long n = 0;

	for (int i = 0; i < a->ntensors; i++)
		for (long k = 0; !a->t[i].f32 && k < a->t[i].size; k++)
			n += fabsf(a->t[i].data[k]) > 10;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sketchjs js, js2;
	struct sketchrnn net;
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	long clipped;
	int rc, f32[SKETCHJS_MAX_TENSORS];

	fuzz_init("sketchjs");
	msg_begin();
	rc = sketchjs_parse(&js, (const char *)data, size, "input");
	msg_end(rc < 0);
	if (rc < 0)
		return 0;
	msg_begin();
	rc = sketchjs_to_net(&js, &net, "input");
	msg_end(rc < 0);
	if (rc < 0)
		fail("a model taken does not build a network");
	f = open_memstream(&out, &len);
	if (!f)
		abort();
	msg_begin();
	for (int i = 0; i < js.ntensors; i++)
		f32[i] = js.t[i].f32;
	clipped = sketchjs_write_ex(f, &net, js.name, js.scale_factor,
				    js.max_seq_len, f32, 0);
	msg_end(clipped < 0);
	if (fclose(f) != 0)
		abort();
	if (clipped != over10(&js))
		fail("%ld weights clipped writing again, %ld past 10", clipped,
		     over10(&js));
	msg_begin();
	rc = sketchjs_parse(&js2, out, len, "again");
	msg_end(rc < 0);
	if (rc < 0)
		fail("the model written again is refused");
	same(&js, &js2);
	sketchjs_free(&js2);
	sketchrnn_free(&net);
	sketchjs_free(&js);
	free(out);
	return 0;
}
