/*
 * npy_fuzz: a libFuzzer harness for the array readers below npz_fuzz,
 * without the zip around them: the input is an .npy image read by
 * npz_each (npy.h: npy_parse_header, npy_array; an object array's data
 * through pickle.h), and the same bytes run as a bare pickle by
 * pickle_each.  The input is given in a buffer of its exact size, so that
 * AddressSanitizer sees any read past it.
 *
 *   - a refusal (-1) must come with its message, a success with none
 *     (fuzz.h), and the readers must not end the process;
 *   - every array handed on is converted as npz2stroke does it
 *     (npy_to_drawing, which reads each value: AddressSanitizer checks
 *     that they lie in the input or the reader's own buffers); a drawing
 *     taken must pass drawing_check.
 */
#include "fuzz.h"
#include "npz.h"

struct ctx {
	struct drawing d;
};

static int take(void *p, size_t index, const struct npy_num *a)
{
	struct ctx *c = p;
	const char *why;

	drawing_clear(&c->d);
	if ((why = npy_to_drawing(a, &c->d)))
		return data_error("input", "index", index, "%s", why);
	if ((why = drawing_check(&c->d)))
		fail("array %zu taken fails drawing_check: %s", index, why);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c;
	long n;

	fuzz_init("npy");
	drawing_init(&c.d);
	msg_begin();
	n = npz_each(data, size, "input", take, &c);
	msg_end(n < 0);
	msg_begin();
	n = pickle_each(data, size, "input", take, &c);
	msg_end(n < 0);
	drawing_free(&c.d);
	return 0;
}
