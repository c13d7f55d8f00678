/*
 * bytes.c: the growable byte buffer of bytes.h; the byte-order helpers
 * are inline in the header.
 */
#include "bytes.h"

#include <stdlib.h>

#include "util.h"

void bbuf_put(struct bbuf *b, const void *p, size_t n)
{
	size_t cap = b->cap ? b->cap : 64;

	if (b->n + n > b->cap) {
		while (cap < b->n + n)
			cap *= 2;
		b->p = xreallocarray(b->p, cap, 1);
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

void bbuf_free(struct bbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}
