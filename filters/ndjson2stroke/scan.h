/*
 * scan.h: ndjson2stroke's parsers: one line of Quick, Draw! ndjson in, a
 * drawing record (stroke.h) or the reason it is not one out.
 *
 * Two parsers give the same drawings: the scanner (scan.c, numbers.c,
 * lists.c), written for this format, and json-c (jsonc.c), kept as an
 * independent check (ndjson2stroke -J).  Both take exactly what stroke(5) can
 * store and refuse the rest: key_id and word over STROKE_MAX_TEXT bytes, a
 * countrycode that is not two printable characters, more than
 * STROKE_MAX_POINTS points, a coordinate past SCAN_MAX_COORD.
 */
#ifndef NDJSON2STROKE_SCAN_H
#define NDJSON2STROKE_SCAN_H

#include "stroke.h"

#define SCAN_SLACK 72	   /* readable bytes a line needs past its end */
#define SCAN_MAX_DEPTH 64  /* arrays and objects in one another */
#define SCAN_MAX_COORD 1e6 /* largest |x| or |y| accepted */

/* scan_result: what a parser says of a line. */
struct scan_result {
	const char *why; /* NULL: the line is a drawing; else a static text */
	char
	    where[64]; /* the field why is about ("drawing: stroke 2"), or "" */
	const char *stop; /* the scanner's: where it stopped, past the object
			     and its spaces or at the error; json-c's: NULL */
};

struct scan; /* the scanner's state and buffers */

struct scan *scan_new(void);
void scan_free(struct scan *s);

/* scan_line: the line of len bytes at line into d (cleared first).
 * line[len] is a NUL or a newline, or len reaches past the line's newline
 * (a mapped file scanned in place: the object then ends at that newline,
 * and r->stop says where); and SCAN_SLACK bytes past line + len can be
 * read (they are read 64 at a time, not used).  Returns r->why. */
const char *scan_line(struct scan *s, const char *line, long len,
		      struct drawing *d, struct scan_result *r);

struct jsonc; /* json-c's state */

struct jsonc *jsonc_new(void);
void jsonc_free(struct jsonc *j);

/* jsonc_line: scan_line by json-c, in strict mode; line[len] is a NUL. */
const char *jsonc_line(struct jsonc *j, const char *line, long len,
		       struct drawing *d, struct scan_result *r);

/* The number paths of the scanner on their own, for tests.
 * scan_number_at: the JSON number at p (with a byte that ends it at end
 * at the latest, and SCAN_SLACK readable past end) into *out; returns the
 * bytes it took, or -1 when p holds none.  scan_list_at: the list at p
 * (its '[' on) as the x of a stroke, by the loops scan_wide took; returns
 * the
 * count, or -1, with *values the scanner's copy of them and *stop past
 * the list.  scan_wide: read lists from now on with the copy of the list
 * loops of that level (filters/ndjson2stroke/lists.h): 0 the plain one,
 * 1 the baseline's vector kernels (SSE2), 2 the AVX2 ones; or, where this
 * build lacks it or the processor cannot run it, the widest below it.
 * Returns the level taken.  The scanner starts with SCAN_WIDEST. */
#define SCAN_WIDEST 2
long scan_number_at(const char *p, const char *end, double *out);
long scan_list_at(struct scan *s, const char *p, const char *end,
		  const double **values, const char **stop);
int scan_wide(int level);

#endif
