/*
 * frame.h: the framing shared by the binary stream formats stroke(5) and
 * latent(5): tagged records back to back, an end marker with the record
 * count, the abort tag, and concatenated streams.  The formats own their
 * header and record bytes; this owns what lies between them.
 *
 * Reading: frame_next() reads the tags between records and checks the
 * end markers; the format reads the record, or the header that follows
 * an end marker.  Errors come back as static messages for the format to
 * print with the file name and record number.
 *
 * Writing: frame_start() makes the writer of stdout the one that
 * out_close() ends with its end marker and that a failing program marks
 * with the abort tag (or, in a text form, an abort line); see util.h.
 * A frame_writer does not own its FILE.
 */
#ifndef SKETCHRNN_FRAME_H
#define SKETCHRNN_FRAME_H

#include <stddef.h>
#include <stdio.h>

#define FRAME_END_TAG 'E'   /* end of stream, then the record count */
#define FRAME_ABORT_TAG 'X' /* a writer failed after output had left */
#define FRAME_END_SIZE 9    /* the tag and the u64 count */

/* What frame_next() found. */
enum { FRAME_ERROR = -1, FRAME_DONE = 0, FRAME_RECORD = 1, FRAME_HEADER = 2 };

struct frame_reader {
	int record_tag;	    /* the tag that starts a record */
	int header_tag;	    /* the first magic byte: a stream header */
	unsigned long part; /* records since the last stream header */
	int ended;	    /* the end marker of the last stream was read */
};

struct frame_writer {
	FILE *f;
	/* A text form: the line that marks a failed stream, and no end
	 * marker.  NULL for a binary form. */
	const char *abort_line;
	unsigned long long records; /* records since the header */
};

/* frame_reader_init: a reader right after the first stream header. */
void frame_reader_init(struct frame_reader *fr, int record_tag, int header_tag);
/* frame_next: read tags from f up to the next record.  Returns
 * FRAME_RECORD after its tag (the caller reads the record, then counts it
 * in part), FRAME_DONE at end of file right after an end marker,
 * FRAME_HEADER after the first magic byte of a header that follows an
 * end marker (the caller reads the rest and, if it agrees with the first,
 * calls frame_restart()), or FRAME_ERROR with *why set to a static
 * message. */
int frame_next(struct frame_reader *fr, FILE *f, const char **why);
/* frame_restart: a concatenated stream's header was accepted. */
void frame_restart(struct frame_reader *fr);

/* frame_read_full: fill b with n bytes from f; 1 on success, 0 on a clean
 * end of file before any byte, -1 on a short read or an I/O error. */
int frame_read_full(FILE *f, unsigned char *b, size_t n);
/* frame_read_text: a text field (length byte, then the bytes) into dst,
 * which has room for 256 bytes; -1 if it is cut short or holds a NUL. */
int frame_read_text(FILE *f, char *dst);

/* frame_start: a stream begins on f with no records yet.  On stdout, w
 * becomes the writer of out_end_hook and out_fail_hook, so it must live
 * until out_close() or frame_end(). */
void frame_start(struct frame_writer *w, FILE *f, const char *abort_line);
/* frame_count: n bytes were written to f (only stdout's are counted, to
 * know whether any output has left the buffer). */
void frame_count(FILE *f, size_t n);
/* frame_write_end: the end marker with the count to f; write errors on
 * stdout end the program. */
void frame_write_end(FILE *f, unsigned long long records);
/* frame_end: end w's stream: the end marker, none in a text form; w is
 * then no longer the writer of the hooks. */
void frame_end(struct frame_writer *w);

#endif
