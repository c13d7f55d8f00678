/*
 * npy.h: numpy's .npy array format as far as sketch-rnn datasets need it:
 * the header (versions 1 to 3, a dictionary of descr, fortran_order and
 * shape), element types from their type strings, numeric arrays of one or
 * two dimensions read element by element in either byte order and either
 * memory order, and the header of a 1-D array written.
 *
 * It does not read object arrays: their data is a pickle (pickle.h).
 * Nothing here allocates except bbuf growth; a npy_num is a view of bytes
 * that its caller owns.
 */
#ifndef SKETCHRNN_NPY_H
#define SKETCHRNN_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "stroke.h"

#define NPY_MAX_HEADER 65536 /* bytes of an .npy header */

/* An element type, from a numpy type string such as "<i2", "|O", ">f8". */
struct npy_dtype {
	char kind; /* 'i' signed, 'u' unsigned, 'f' float, 'b' bool, 'O' */
	int size;  /* bytes per element: 1, 2, 4 or 8 */
	int big;   /* big-endian elements */
};

struct npy_header {
	struct npy_dtype dt;
	int fortran;	   /* column-major order */
	int ndim;	   /* 0 to 2 */
	uint64_t shape[2]; /* the first ndim are used */
	size_t data;	   /* offset of the data in the image */
};

/* One numeric array as stored: a view of its bytes. */
struct npy_num {
	char kind;	   /* 'i' signed, 'u' unsigned, 'f' float, 'b' bool */
	int size;	   /* bytes per element: 1, 2, 4 or 8 */
	int big;	   /* big-endian elements */
	int fortran;	   /* column-major order */
	size_t rows, cols; /* shape [rows, cols] */
	const unsigned char *data;
};

/* npy_parse_dtype: the element type of a type string.  Returns NULL, or a
 * static message (unsupported kind or size). */
const char *npy_parse_dtype(const char *descr, struct npy_dtype *t);
/* npy_parse_header: the header of the .npy image b[0..len).  Returns
 * NULL, or a static message saying what is wrong with it. */
const char *npy_parse_header(const unsigned char *b, size_t len,
			     struct npy_header *h);
/* npy_array: the numeric 2-D array of image b (header h) as a view in v,
 * once its data is checked to be exactly what the header says.  Returns
 * 0, or -1 after "prog: where: what". */
int npy_array(const unsigned char *b, size_t len, const struct npy_header *h,
	      const char *where, struct npy_num *v);
/* npy_to_drawing: the points of a numeric [n,3] array as stroke-3 rows.
 * Returns NULL, or a static message (wrong shape, pen not 0 or 1, value out
 * of range, empty drawing). */
const char *npy_to_drawing(const struct npy_num *a, struct drawing *d);

/* npy_put_header: append a version 1 header for a C-order 1-D array of n
 * elements of type descr, padded so that the data starts on a 64-byte
 * boundary of out (counted from out's start). */
void npy_put_header(struct bbuf *out, const char *descr, size_t n);

#endif
