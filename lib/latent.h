/*
 * latent.h: the latent format (latent(5)), a stream of latent vectors z,
 * each with the key_id and word of the drawing it came from.  One reader
 * that takes both forms, binary and CSV, and one writer for each.
 *
 * The binary form mirrors stroke(5), with the same framing (frame.h): a
 * 12-byte header with the dimension, tagged records back to back, an end
 * marker with the record count, the abort tag, concatenation of streams
 * of the same dimension.  The CSV form
 * (read and written with libcsv) is a header row key_id,word,z0,...,z{N-1}
 * then one row per vector.  It does not know what produced a vector: mean
 * or sample, model or arithmetic.
 *
 * Ownership: latent_init() / latent_free() pair; the values belong to the
 * latent.  A latent_reader borrows its FILE and name and owns its CSV
 * parser: latent_close() frees it, also after a failed latent_open().
 * After an error latent_read() keeps returning -1.  A latent_writer
 * borrows its FILE.
 */
#ifndef SKETCHRNN_LATENT_H
#define SKETCHRNN_LATENT_H

#include <csv.h>
#include <stddef.h>
#include <stdio.h>

#include "frame.h"

#define LATENT_MAGIC "LTNT"
#define LATENT_VERSION 1
#define LATENT_HEADER_SIZE 12
#define LATENT_RECORD_TAG 'Z'
#define LATENT_END_TAG FRAME_END_TAG	 /* 'E', then the record count */
#define LATENT_ABORT_TAG FRAME_ABORT_TAG /* 'X': a writer failed */

#define LATENT_MAX_DIM 4096   /* values in one vector */
#define LATENT_MAX_TEXT 255   /* bytes of key_id or word */
#define LATENT_MAX_FIELD 1024 /* bytes of one CSV field as read */
/* The line a failing CSV writer appends (one field, no comma). */
#define LATENT_CSV_ABORT "aborted: the program writing this failed"

enum { LATENT_BINARY = 0, LATENT_CSV = 1 };

struct latent {
	char key_id[LATENT_MAX_TEXT + 1]; /* NUL-terminated, may be empty */
	char word[LATENT_MAX_TEXT + 1];
	size_t dim; /* values in z, 1..LATENT_MAX_DIM */
	float *z;   /* dim finite values; room for LATENT_MAX_DIM */
};

struct latent_reader {
	FILE *f;
	const char *name;	   /* file name for messages */
	int form;		   /* LATENT_BINARY or LATENT_CSV */
	size_t dim;		   /* of every vector in the stream */
	unsigned long record;	   /* records read so far */
	struct frame_reader frame; /* binary: tags and end markers */
	/* CSV state */
	struct csv_parser csv;
	int csv_ready;	    /* csv_init succeeded: latent_close frees */
	unsigned long line; /* line of the byte being parsed, from 1 */
	size_t field;	    /* fields of the current row so far */
	size_t field_bytes; /* bytes fed since the last field ended */
	int row_done;	    /* the last byte fed ended a row */
	int newline;	    /* ... and it was a newline: count it later */
	int header;	    /* the current row is a header row */
	int failed;	    /* an error was printed; stop */
	struct latent *out; /* where the current row is stored */
};

void latent_init(struct latent *v);
void latent_free(struct latent *v);
/* latent_check: NULL if every field is within latent(5) limits, else a
 * static message saying what is wrong. */
const char *latent_check(const struct latent *v);

/* latent_open: start reading either form: detects it from the first
 * bytes and reads the header (binary) or header row (CSV).  Returns 0, or
 * -1 after printing "prog: name: what" to stderr. */
int latent_open(struct latent_reader *r, FILE *f, const char *name);
/* latent_read: read the next vector into v (old contents replaced).
 * Returns 1 for a vector, 0 at a clean end, -1 after printing
 * "prog: name:record N: what" (binary) or "prog: name:line N: what"
 * (CSV) to stderr.  A binary stream that ends anywhere but after an end
 * marker is truncated; a repeated header (binary after an end marker, CSV
 * a repeated header row) is accepted when its dimension is the same. */
int latent_read(struct latent_reader *r, struct latent *v);
/* latent_close: free the reader's parser; does not close the FILE. */
void latent_close(struct latent_reader *r);

struct latent_writer {
	struct frame_writer frame; /* the FILE and the vectors written */
	int form;		   /* LATENT_BINARY or LATENT_CSV */
	size_t dim;		   /* of every vector written */
};

/* latent_start / latent_put / latent_end: encode a stream to f in the
 * given form with dimension dim.  A vector that fails latent_check or has
 * another dimension is a programming error and ends the program with a
 * message naming the key_id; nothing of it is written.  Write errors on
 * stdout end the program.  A stream to stdout is ended by out_close() (the
 * header sets out_end_hook, so w must live until then); a stream to
 * another file needs latent_end().  The header also sets out_fail_hook:
 * if the program fails, output still in the stdout buffer is discarded
 * when none has left yet, else the abort tag (binary) or the
 * LATENT_CSV_ABORT line (CSV) is appended, so that no reader takes the
 * stream for a complete one.  The same as stroke_start / stroke_put /
 * stroke_end (stroke.h). */
void latent_start(struct latent_writer *w, FILE *f, int form, size_t dim);
void latent_put(struct latent_writer *w, const struct latent *v);
void latent_end(struct latent_writer *w);

#endif
