/*
 * stroke.h: the stroke stream format (stroke(5)), one reader and one writer
 * used by every filter from ndjson2stroke to stroke2svg.
 *
 * A stream is a 12-byte header followed by drawing records back to back.
 * Each record holds the Quick, Draw! metadata and the points as stroke-3
 * offsets (dx, dy, pen lifted after this point).  Every field is validated
 * on read and on write; limits are the STROKE_MAX_* constants below.
 *
 * Ownership: drawing_init() / drawing_free() pair; the points array belongs
 * to the drawing.  A stroke_reader borrows its FILE and name, a
 * stroke_writer its FILE.
 */
#ifndef SKETCHRNN_STROKE_H
#define SKETCHRNN_STROKE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frame.h"

#define STROKE_MAGIC "STRK"
#define STROKE_VERSION 1
#define STROKE_HEADER_SIZE 12
#define STROKE_RECORD_TAG 'D'
#define STROKE_END_TAG FRAME_END_TAG	 /* 'E', then the record count */
#define STROKE_ABORT_TAG FRAME_ABORT_TAG /* 'X': a writer failed */

#define STROKE_FLAG_NORMALIZED 1u
#define STROKE_KNOWN_FLAGS STROKE_FLAG_NORMALIZED

#define STROKE_MAX_POINTS 100000 /* points in one drawing */
#define STROKE_MAX_TEXT 255	 /* bytes of key_id or word */
#define STROKE_MAX_ABS 1e7f	 /* largest |dx| or |dy| */
#define STROKE_MAX_SCALE 1e6f	 /* largest scale factor */

enum { RECOGNIZED_NO = 0, RECOGNIZED_YES = 1, RECOGNIZED_UNKNOWN = 2 };

struct stroke_header {
	unsigned version; /* STROKE_VERSION */
	unsigned flags;	  /* STROKE_FLAG_* */
	float scale; /* offsets were divided by this; 1 if not normalised */
};

struct stroke_point {
	float dx, dy; /* offset from the previous point (first: from 0,0) */
	unsigned char pen; /* 1: the pen lifts after this point */
};

struct drawing {
	char key_id[STROKE_MAX_TEXT + 1]; /* NUL-terminated, may be empty */
	char word[STROKE_MAX_TEXT + 1];
	char country[3]; /* two letters, or "" when unknown */
	int recognized;	 /* RECOGNIZED_* */
	size_t n, cap;	 /* points used / allocated */
	struct stroke_point *p;
};

struct stroke_reader {
	FILE *f;
	const char *name;	   /* file name for messages */
	unsigned long record;	   /* records read so far */
	struct frame_reader frame; /* tags, end markers, concatenation */
	struct stroke_header h;
};

void drawing_init(struct drawing *d);
void drawing_free(struct drawing *d);
/* drawing_clear: drop the points and metadata, keep the allocation. */
void drawing_clear(struct drawing *d);
/* drawing_reserve: room for n points in all; -1 past STROKE_MAX_POINTS. */
int drawing_reserve(struct drawing *d, size_t n);
/* drawing_push: append a point; returns -1 (nothing added) past
 * STROKE_MAX_POINTS. */
int drawing_push(struct drawing *d, float dx, float dy, int pen);
/* drawing_copy: deep copy src into an initialised dst; when dst must grow,
 * its points get exactly src->n places (no slack in held copies). */
void drawing_copy(struct drawing *dst, const struct drawing *src);
/* stroke_offsets_std: the population standard deviation of every dx and
 * dy of the n drawings d pooled (numpy's np.std with ddof=0, the
 * reference's scale factor), in two passes for accuracy; 0 when they have
 * no points.  stroke_offsets_count: how many values that is (2 a point). */
double stroke_offsets_std(const struct drawing *d, size_t n);
size_t stroke_offsets_count(const struct drawing *d, size_t n);
/* stroke_points_crc: crc (zlib's CRC-32) extended over d's points as
 * stroke(5) stores them (f32 dx, f32 dy, u8 pen, 9 bytes a point). */
uint32_t stroke_points_crc(uint32_t crc, const struct drawing *d);
/* stroke_positions: the absolute position of each point of d, the running
 * sums of its offsets times scale in double, into x[0..d->n) and
 * y[0..d->n).  The first point's offset is from the origin. */
void stroke_positions(const struct drawing *d, double scale, double *x,
		      double *y);
/* drawing_check: NULL if every field is within stroke(5) limits, else a
 * static message saying what is wrong. */
const char *drawing_check(const struct drawing *d);
/* header_check: the same for a stream header. */
const char *header_check(const struct stroke_header *h);

/* stroke_header_plain: a version-1 header for unnormalised offsets. */
struct stroke_header stroke_header_plain(void);

/* stroke_open: start reading a stream: reads and checks the header.
 * Returns 0, or -1 after printing "prog: name: what" to stderr. */
int stroke_open(struct stroke_reader *r, FILE *f, const char *name);
/* stroke_read: read the next record into d (its old contents are replaced).
 * Returns 1 for a record, 0 at the end marker followed by end of file, -1
 * after printing "prog: name:record N: what" to stderr.  End of file
 * anywhere else is an error (a truncated stream).  Another stream header
 * after an end marker (concatenated streams) is accepted when its flags
 * and scale equal the first's. */
int stroke_read(struct stroke_reader *r, struct drawing *d);

struct stroke_writer {
	struct frame_writer frame; /* the FILE and the records written */
};

/* stroke_start / stroke_put / stroke_end: encode a stream to f.  A
 * drawing or header that fails its check is a programming error and ends
 * the program with a message naming the key_id.  Write errors on stdout
 * end the program.  A stream to stdout is ended by out_close() (the header
 * sets out_end_hook, so w must live until then); a stream to another file
 * needs stroke_end().  The header also sets out_fail_hook: if the program
 * fails, output still in the stdout buffer is discarded when none has left
 * yet, else the abort tag is appended, so that no reader takes the stream
 * for a complete one. */
void stroke_start(struct stroke_writer *w, FILE *f,
		  const struct stroke_header *h);
void stroke_put(struct stroke_writer *w, const struct drawing *d);
void stroke_end(struct stroke_writer *w);

/* stroke_write_header / stroke_write: stroke_start and stroke_put through
 * one writer of stdout held here, for the callers that hold no
 * stroke_writer yet; f must be stdout. */
void stroke_write_header(FILE *f, const struct stroke_header *h);
void stroke_write(FILE *f, const struct drawing *d);

#endif
