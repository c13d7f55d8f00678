/*
 * internal.h: what the files of ndjson2stroke's parsers share: the
 * scanner's state and its smallest steps; the calls from scan.c (the
 * grammar of a line) to numbers.c (numbers, and the lists of a stroke,
 * which numbers.c reads with a copy of the list loops of lists.h);
 * and the rules of stroke(5) for the text fields, from scan.c, which
 * jsonc.c applies too.
 */
#ifndef NDJSON2STROKE_INTERNAL_H
#define NDJSON2STROKE_INTERNAL_H

#include <stddef.h>

#include "scan.h"

struct scan {
	const char *p, *end;
	const char *err; /* first error, or NULL */
	char where[64];	 /* field the error is in */
	double *v[3];	 /* x, y, t values of the current stroke */
	size_t vcap[3];
};

static inline int scan_fail(struct scan *s, const char *why)
{
	if (!s->err)
		s->err = why;
	return -1;
}

/* skip_ws: JSON whitespace but the newline, which ends a line: a mapped
 * file is scanned in place, where the newline is the line's
 * end and the next line follows it. */
static inline void skip_ws(struct scan *s)
{
	while (s->p < s->end &&
	       (*s->p == ' ' || *s->p == '\t' || *s->p == '\r'))
		s->p++;
}

static inline int eat_ws(struct scan *s, char c)
{
	skip_ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return 0;
	}
	return -1;
}

/* eat: c, after any whitespace; -1 if something else comes.  The line
 * ends in a NUL or a newline, so *s->p can always be read. */
static inline int eat(struct scan *s, char c)
{
	if (*s->p == c) {
		s->p++;
		return 0;
	}
	return eat_ws(s, c);
}

/* numbers.c */
int scan_number(struct scan *s, double *out);
int scan_stroke(struct scan *s, struct drawing *d, int *arity, double *px,
		double *py);

/* scan.c: has_control: s holds a byte stroke(5) text may not;
 * country_bad: c is neither "" nor two printable ASCII characters;
 * too_long: the message for a text field over cap bytes (the size of its
 * buffer in struct drawing, less the NUL). */
int has_control(const char *s);
int country_bad(const char *c);
const char *too_long(size_t cap);

#endif
