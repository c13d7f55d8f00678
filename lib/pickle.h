/*
 * pickle.h: the Python pickles inside object .npy arrays: read the few
 * opcodes that numpy uses for a 1-D object array of numeric arrays
 * (protocols 2 to 5, written by Python 2 or 3), and write such an array
 * of int16 [n,3] stroke-3 arrays with protocol 2 as Python 3 does.
 *
 * It does not run a general unpickler: the only callables are numpy's
 * _reconstruct, ndarray, dtype and _frombuffer, and _codecs.encode /
 * bytes (Python 3 protocol 2); anything else is refused with a message.
 * Every length and count is checked against the data before it is used.
 *
 * Ownership: pickle_each() lends each array to its callback for the
 * duration of the call only.  pickle_writer_init() /
 * pickle_writer_finish() (or pickle_writer_free()) pair.
 */
#ifndef SKETCHRNN_PICKLE_H
#define SKETCHRNN_PICKLE_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "npy.h"

#define PICKLE_MAX_OBJECTS ((size_t)1 << 23) /* objects in one pickle */

/* pickle_each: run the pickle b[0..len) (an object array's data); its
 * result must be a 1-D object array of 2-D numeric arrays, each passed to
 * fn with its index.  where names the array in messages ("file:member").
 * Returns the number of arrays, or -1 after "prog: where: pickle at byte
 * N: what" (or "prog: where:index N: what"); a negative return from fn
 * stops it and is returned. */
long pickle_each(const unsigned char *b, size_t len, const char *where,
		 int (*fn)(void *ctx, size_t index, const struct npy_num *a),
		 void *ctx);

/* pickle_writer_add takes n rows of (dx, dy, pen) int16 values: one
 * element of the object array. */
struct pickle_writer {
	struct bbuf items; /* pickled elements so far */
	size_t count;
	int dtype_memo; /* the int16 dtype is in the memo */
};
void pickle_writer_init(struct pickle_writer *w);
void pickle_writer_add(struct pickle_writer *w, const int16_t *rows, size_t n);
/* pickle_writer_finish: append the pickle of the object array of count
 * elements to out (after its .npy header, npy_put_header("|O", count))
 * and free w's buffers.  np.load reads it with or without
 * encoding="latin1". */
void pickle_writer_finish(struct pickle_writer *w, struct bbuf *out);
void pickle_writer_free(struct pickle_writer *w);

#endif
