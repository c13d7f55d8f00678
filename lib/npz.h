/*
 * npz.h: sketch-rnn .npz datasets, read and written: a zip archive
 * (zip.h) of train.npy, valid.npy and test.npy, each an .npy array
 * (npy.h) whose data is a pickle (pickle.h) of int16 [n,3] stroke-3
 * arrays; a bare .npy file of one numeric [n,3] array is read too.  This
 * layer only joins the three: the file in memory, a split found by name,
 * each drawing's array handed on, a split written as a member.
 *
 * Ownership: npz_open() / npz_close() pair; the npz owns the whole file
 * in memory and the member table.  zip_extract() on z->zip returns a
 * buffer the caller frees.  npz_each() lends each array to its callback
 * for the duration of the call only.
 */
#ifndef SKETCHRNN_NPZ_H
#define SKETCHRNN_NPZ_H

#include <stddef.h>
#include <stdio.h>

#include "npy.h"
#include "pickle.h"
#include "zip.h"

#define NPZ_MAX_FILE ((size_t)1 << 31) /* bytes of one input file */

struct npz {
	const char *name;   /* file name for messages */
	unsigned char *buf; /* the whole file */
	size_t len;
	int is_npy;	/* the file is a bare .npy array, not a zip */
	struct zip zip; /* the archive's members; none when is_npy */
};

/* npz_open: read all of f (a zip archive or a bare .npy file) and parse the
 * zip central directory.  Returns 0, or -1 after "prog: name: what";
 * npz_close() is due either way. */
int npz_open(struct npz *z, FILE *f, const char *name);
void npz_close(struct npz *z);
/* npz_find: the member called NAME, else the first called NAME.npy (as
 * numpy's NpzFile looks a key up), or NULL. */
const struct zip_member *npz_find(const struct npz *z, const char *name);

/* npz_each: parse an .npy image (header + data).  A numeric [n,3] array is
 * passed to fn once with index 0; an object array of numeric [n,3] arrays
 * (a pickle) is passed element by element.  where names the array in
 * messages ("file:member").  Returns the number of arrays, or -1 after a
 * message; a negative return from fn stops it and is returned. */
long npz_each(const unsigned char *b, size_t len, const char *where,
	      int (*fn)(void *ctx, size_t index, const struct npy_num *a),
	      void *ctx);

/* npz_add: the member NAME.npy of archive z: w's object array with its
 * .npy header, deflated when level > 0; w is finished (freed). */
void npz_add(struct zip_writer *z, FILE *f, const char *name,
	     struct pickle_writer *w, int level);

#endif
