/*
 * zip.h: read and write zip archives as far as .npz files need them:
 * members stored or raw-deflated (zlib), zip64 sizes and offsets accepted
 * on read, none written.  Encryption, other methods and multi-disk
 * archives are refused with a message.
 *
 * Reading works on a whole archive in memory.  The end-of-central-
 * directory record (or its zip64 form) locates the central directory;
 * each member's sizes, CRC and offset come from there, and the local
 * header only gives where the data starts.  Every length and count is
 * checked against the archive before it is used, so a corrupt or hostile
 * file gives an error, never a large allocation.
 *
 * Ownership: zip_open() / zip_close() pair; a zip borrows the archive's
 * bytes and name and owns its member table.  zip_extract() returns a
 * buffer the caller frees.  A zip_writer owns its central directory until
 * zip_finish() and borrows its FILE.
 */
#ifndef SKETCHRNN_ZIP_H
#define SKETCHRNN_ZIP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bytes.h"

#define ZIP_MAX_MEMBER ((size_t)1 << 30) /* bytes of one inflated member */

struct zip_member {
	const char *name; /* points into the archive, not NUL-terminated */
	size_t namelen;
	unsigned method; /* 0 stored, 8 deflated */
	uint32_t crc;
	uint64_t csize, usize, offset; /* compressed, inflated, local header */
};

struct zip {
	const char *name;	  /* file name for messages */
	const unsigned char *buf; /* the whole archive, borrowed */
	size_t len;
	struct zip_member *m; /* the central directory, in its order */
	size_t n;
};

/* zip_open: parse the central directory of the archive buf[0..len).
 * Returns 0, or -1 after "prog: name: zip: what"; zip_close() is due
 * either way. */
int zip_open(struct zip *z, const unsigned char *buf, size_t len,
	     const char *name);
void zip_close(struct zip *z);
/* zip_extract: inflate one member into a new buffer and check its size
 * and CRC.  Returns 0, or -1 after "prog: name:member: what". */
int zip_extract(const struct zip *z, const struct zip_member *m,
		unsigned char **out, size_t *outlen);

/* zip_add / zip_finish: write an archive to f member by member, deflated
 * when level > 0.  The central directory is held in z until finish; a
 * zeroed zip_writer is an empty archive.  A member or archive past 4 GiB
 * (no zip64 is written) ends the program; zip_add returns 0. */
struct zip_writer {
	struct bbuf dir; /* central directory entries */
	uint64_t off;	 /* bytes written so far */
	unsigned count;
};
int zip_add(struct zip_writer *z, FILE *f, const char *name,
	    const unsigned char *data, size_t len, int level);
void zip_finish(struct zip_writer *z, FILE *f);

#endif
