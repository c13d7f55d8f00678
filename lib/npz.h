/*
 * npz.h: read and write sketch-rnn .npz datasets: a zip archive (stored or
 * deflated members, zip64 sizes accepted), the .npy array header, and the
 * few Python pickle opcodes that numpy uses for an object array of int16
 * [n,3] stroke-3 arrays (protocols 2 to 5, written by Python 2 or 3).
 *
 * It does not run a general unpickler: only the numpy globals listed in
 * npz.c are known, and anything else is refused with a message.  Every
 * length and count is checked against the data before it is used, so a
 * corrupt or hostile file gives an error, never a large allocation.
 *
 * Ownership: npz_open() / npz_close() pair; the archive owns the whole file
 * in memory and the member table.  npz_extract() returns a buffer the caller
 * frees.  npy_each() lends each array to its callback for the duration of
 * the call only.
 */
#ifndef SKETCHRNN_NPZ_H
#define SKETCHRNN_NPZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stroke.h"

#define NPZ_MAX_FILE ((size_t)1 << 31)	     /* bytes of one input file */
#define NPZ_MAX_MEMBER ((size_t)1 << 30)     /* bytes of one inflated member */
#define NPY_MAX_HEADER 65536		     /* bytes of an .npy header */
#define PICKLE_MAX_OBJECTS ((size_t)1 << 23) /* objects in one pickle */

struct npz_member {
	const char *name; /* points into the file buffer, not NUL-terminated */
	size_t namelen;
	unsigned method; /* 0 stored, 8 deflated */
	uint32_t crc;
	uint64_t csize, usize, offset; /* compressed, inflated, local header */
};

struct npz {
	const char *name;   /* file name for messages */
	unsigned char *buf; /* the whole file */
	size_t len;
	int is_npy; /* the file is a bare .npy array, not a zip */
	struct npz_member *m;
	size_t n;
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

/* npz_open: read all of f (a zip archive or a bare .npy file) and parse the
 * zip central directory.  Returns 0, or -1 after "prog: name: what". */
int npz_open(struct npz *z, FILE *f, const char *name);
void npz_close(struct npz *z);
/* npz_find: the member called NAME or NAME.npy, or NULL. */
const struct npz_member *npz_find(const struct npz *z, const char *name);
/* npz_extract: inflate one member into a new buffer and check its size and
 * CRC.  Returns 0, or -1 after "prog: file:member: what". */
int npz_extract(const struct npz *z, const struct npz_member *m,
		unsigned char **out, size_t *outlen);

/* npy_each: parse an .npy image (header + data).  A numeric [n,3] array is
 * passed to fn once with index 0; an object array of numeric [n,3] arrays
 * (a pickle) is passed element by element.  where names the array in
 * messages ("file:member").  Returns the number of arrays, or -1 after a
 * message; a negative return from fn stops it and is returned. */
long npy_each(const unsigned char *b, size_t len, const char *where,
	      int (*fn)(void *ctx, size_t index, const struct npy_num *a),
	      void *ctx);

/* npy_to_drawing: the points of a numeric [n,3] array as stroke-3 rows.
 * Returns NULL, or a static message (wrong shape, pen not 0 or 1, value out
 * of range, empty drawing). */
const char *npy_to_drawing(const struct npy_num *a, struct drawing *d);

/* A growable byte buffer, for writing. */
struct bbuf {
	unsigned char *p;
	size_t n, cap;
};
void bbuf_put(struct bbuf *b, const void *p, size_t n);
void bbuf_free(struct bbuf *b);

/* npy_writer_init / npy_writer_add / npy_writer_finish: build the .npy
 * image of a 1-D object array of int16 [n,3] arrays, pickled with protocol
 * 2 as Python 3 writes it (np.load reads it with or without
 * encoding="latin1").  add takes n rows of (dx, dy, pen) int16 values. */
struct npy_writer {
	struct bbuf items; /* pickled elements so far */
	size_t count;
	int dtype_memo; /* the int16 dtype is in the memo */
};
void npy_writer_init(struct npy_writer *w);
void npy_writer_add(struct npy_writer *w, const int16_t *rows, size_t n);
/* npy_writer_finish: the .npy image into out; frees w's buffers. */
void npy_writer_finish(struct npy_writer *w, struct bbuf *out);

/* zip_add / zip_finish: write an archive to f member by member; deflate
 * when level > 0.  The central directory is held in z until finish.  A
 * member or archive past 4 GiB (no zip64 is written) ends the program;
 * zip_add returns 0. */
struct zip_writer {
	struct bbuf dir; /* central directory entries */
	uint64_t off;	 /* bytes written so far */
	unsigned count;
};
int zip_add(struct zip_writer *z, FILE *f, const char *name,
	    const unsigned char *data, size_t len, int level);
void zip_finish(struct zip_writer *z, FILE *f);

#endif
