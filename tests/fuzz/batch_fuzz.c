/*
 * batch_fuzz: a libFuzzer harness for the batch(5) reader (batch.h:
 * batch_read).  The input is read as a stream of batches from a memory
 * FILE to its first refusal or its end:
 *
 *   - a refusal (-1) must come with its message, the clean end and a
 *     batch with none (fuzz.h), and the reader must not end the process;
 *   - every batch read must pass batch_check;
 *   - the format has one encoding of each batch, so the batches read,
 *     written again with batch_write, must give back the input's bytes up
 *     to where the last of them ended.
 */
#include "batch.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct batch b;
	char *copy, *out = NULL;
	size_t len = 0, sk, row;
	long end = 0;
	unsigned long n = 0;
	const char *why;
	FILE *f = mem_file(data, size, &copy), *w;
	int rc;

	fuzz_init("batch");
	batch_init(&b);
	w = open_memstream(&out, &len);
	if (!w)
		abort();
	for (;;) {
		msg_begin();
		rc = batch_read(f, "input", n, &b);
		msg_end(rc < 0);
		if (rc != 1)
			break;
		n++;
		end = ftell(f);
		if ((why = batch_check(&b, &sk, &row)))
			fail("batch %lu taken fails batch_check at sketch %zu "
			     "row %zu: %s",
			     n, sk, row, why);
		batch_write(w, &b);
	}
	if (fclose(w) != 0)
		abort();
	if (rc == 0 && (size_t)end != size)
		fail("a clean end at byte %ld of %zu", end, size);
	if (len != (size_t)end || memcmp(out, data, len))
		fail("%lu batches written again differ from the input's %ld "
		     "bytes (%zu written)",
		     n, end, len);
	free(out);
	batch_free(&b);
	fclose(f);
	free(copy);
	return 0;
}
