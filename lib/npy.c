/*
 * npy.c: the .npy header parsed and written, element types, numeric
 * arrays read as drawings.  See npy.h for the contracts and limits.
 */
#include "npy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- the header ---- */

struct cursor {
	const char *p, *end;
};

static void skip_space(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static int take(struct cursor *c, char ch)
{
	skip_space(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 1;
	}
	return 0;
}

/* A quoted Python string literal without escapes, into dst. */
static int take_string(struct cursor *c, char *dst, size_t cap)
{
	char q;
	size_t n = 0;

	skip_space(c);
	if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
		return -1;
	q = *c->p++;
	while (c->p < c->end && *c->p != q) {
		if (*c->p == '\\' || n + 1 >= cap)
			return -1;
		dst[n++] = *c->p++;
	}
	if (c->p >= c->end)
		return -1;
	c->p++;
	dst[n] = '\0';
	return 0;
}

static int take_word(struct cursor *c, const char *w)
{
	size_t n = strlen(w);

	skip_space(c);
	if ((size_t)(c->end - c->p) >= n && memcmp(c->p, w, n) == 0) {
		c->p += n;
		return 1;
	}
	return 0;
}

static int take_shape(struct cursor *c, struct npy_header *h)
{
	uint64_t v;

	if (!take(c, '('))
		return -1;
	h->ndim = 0;
	for (;;) {
		if (take(c, ')'))
			return 0;
		skip_space(c);
		if (c->p >= c->end || *c->p < '0' || *c->p > '9')
			return -1;
		for (v = 0; c->p < c->end && *c->p >= '0' && *c->p <= '9';
		     c->p++) {
			if (v > (UINT64_MAX - 9) / 10)
				return -1;
			v = v * 10 + (uint64_t)(*c->p - '0');
		}
		if (c->p < c->end && *c->p == 'L')
			c->p++;
		if (h->ndim == 2)
			return -2;
		h->shape[h->ndim++] = v;
		if (!take(c, ',')) {
			return take(c, ')') ? 0 : -1;
		}
	}
}

const char *npy_parse_dtype(const char *s, struct npy_dtype *t)
{
	char *end;
	long size;

	t->big = 0;
	if (*s == '<' || *s == '|' || *s == '=')
		s++;
	else if (*s == '>') {
		t->big = 1;
		s++;
	}
	t->kind = *s++;
	if (t->kind == 'O') {
		t->size = 8;
		return *s == '\0' || strcmp(s, "8") == 0 || strcmp(s, "4") == 0
			   ? NULL
			   : "bad object type string";
	}
	if (!strchr("iufb", t->kind) || t->kind == '\0')
		return "unsupported element type (want integers or floats)";
	size = strtol(s, &end, 10);
	if (*end || end == s ||
	    (size != 1 && size != 2 && size != 4 && size != 8) ||
	    (t->kind == 'f' && size < 4) || (t->kind == 'b' && size != 1))
		return "unsupported element size";
	t->size = (int)size;
	return NULL;
}

static const char *header_dict(struct cursor *c, struct npy_header *h)
{
	char key[32], descr[32];
	int seen = 0, rc;
	const char *why;

	if (!take(c, '{'))
		return "header is not a dictionary";
	while (!take(c, '}')) {
		if (take_string(c, key, sizeof key) < 0 || !take(c, ':'))
			return "bad key in header";
		if (strcmp(key, "descr") == 0) {
			if (take_string(c, descr, sizeof descr) < 0)
				return "descr is not a simple type string "
				       "(structured arrays are not supported)";
			if ((why = npy_parse_dtype(descr, &h->dt)))
				return why;
			seen |= 1;
		} else if (strcmp(key, "fortran_order") == 0) {
			if (take_word(c, "True"))
				h->fortran = 1;
			else if (take_word(c, "False"))
				h->fortran = 0;
			else
				return "fortran_order is not True or False";
			seen |= 2;
		} else if (strcmp(key, "shape") == 0) {
			rc = take_shape(c, h);
			if (rc == -2)
				return "array has more than 2 dimensions";
			if (rc < 0)
				return "bad shape in header";
			seen |= 4;
		} else
			return "unknown key in header";
		if (!take(c, ',')) {
			if (!take(c, '}'))
				return "bad header syntax";
			break;
		}
	}
	return seen == 7 ? NULL : "header lacks descr, fortran_order or shape";
}

const char *npy_parse_header(const unsigned char *b, size_t len,
			     struct npy_header *h)
{
	size_t hlen, at;
	struct cursor c;

	memset(h, 0, sizeof *h);
	if (len < 10 || memcmp(b, "\x93NUMPY", 6) != 0)
		return "not an .npy array (bad magic)";
	if (b[6] == 1) {
		hlen = get_u16(b + 8);
		at = 10;
	} else if (b[6] == 2 || b[6] == 3) {
		if (len < 12)
			return "truncated .npy header";
		hlen = get_u32(b + 8);
		at = 12;
	} else
		return "unsupported .npy version";
	if (hlen > NPY_MAX_HEADER)
		return "absurd .npy header length";
	if (hlen > len - at)
		return "truncated .npy header";
	if (hlen == 0 || b[at + hlen - 1] != '\n')
		return ".npy header does not end with a newline";
	c.p = (const char *)b + at;
	c.end = c.p + hlen - 1;
	h->data = at + hlen;
	return header_dict(&c, h);
}

/* ---- numeric arrays ---- */

int npy_array(const unsigned char *b, size_t len, const struct npy_header *h,
	      const char *where, struct npy_num *v)
{
	uint64_t bytes;

	if (h->ndim != 2)
		return data_error(
		    where, NULL, 0,
		    "numeric array has %d dimensions (want [n,3])", h->ndim);
	if (h->shape[1] && h->shape[0] > UINT64_MAX / 8 / h->shape[1])
		return data_error(where, NULL, 0, "absurd array shape");
	bytes = h->shape[0] * h->shape[1] * (uint64_t)h->dt.size;
	if (bytes != len - h->data)
		return data_error(
		    where, NULL, 0,
		    "array data is %zu bytes, its header says %llu",
		    len - h->data, (unsigned long long)bytes);
	v->kind = h->dt.kind;
	v->size = h->dt.size;
	v->big = h->dt.big;
	v->fortran = h->fortran;
	v->rows = (size_t)h->shape[0];
	v->cols = (size_t)h->shape[1];
	v->data = b + h->data;
	return 0;
}

static double element(const struct npy_num *a, size_t r, size_t c)
{
	size_t i = a->fortran ? c * a->rows + r : r * a->cols + c;
	const unsigned char *p = a->data + i * (size_t)a->size;
	uint64_t u = 0;
	double d;
	int k;

	for (k = 0; k < a->size; k++)
		u = u << 8 | p[a->big ? k : a->size - 1 - k];
	if (a->kind == 'f' && a->size == 4) {
		uint32_t w = (uint32_t)u;
		float f;

		memcpy(&f, &w, 4);
		return f;
	}
	if (a->kind == 'f') {
		memcpy(&d, &u, 8);
		return d;
	}
	if (a->kind == 'i' && a->size < 8 && (u >> (8 * a->size - 1)) & 1)
		u |= ~(uint64_t)0 << (8 * a->size);
	if (a->kind == 'i')
		return (double)(int64_t)u;
	return (double)u;
}

const char *npy_to_drawing(const struct npy_num *a, struct drawing *d)
{
	size_t r;
	double x, y, p;

	if (a->cols != 3)
		return "array is not [n,3] (stroke-3 rows)";
	if (a->rows == 0)
		return "empty drawing (no points)";
	if (a->rows > STROKE_MAX_POINTS)
		return "too many points (limit 100000)";
	d->n = 0;
	for (r = 0; r < a->rows; r++) {
		x = element(a, r, 0);
		y = element(a, r, 1);
		p = element(a, r, 2);
		if (!isfinite(x) || !isfinite(y))
			return "offset is not a finite number";
		if (fabs(x) > STROKE_MAX_ABS || fabs(y) > STROKE_MAX_ABS)
			return "offset is absurdly large";
		if (p != 0 && p != 1)
			return "pen value is not 0 or 1";
		drawing_push(d, (float)x, (float)y, (int)p);
	}
	return NULL;
}

/* ---- writing ---- */

void npy_put_header(struct bbuf *out, const char *descr, size_t n)
{
	char dict[128];
	size_t len, total, start = out->n;
	unsigned char x[2];

	snprintf(dict, sizeof dict,
		 "{'descr': '%s', 'fortran_order': False, 'shape': (%zu,), }",
		 descr, n);
	len = strlen(dict);
	total = (10 + len + 1 + 63) / 64 * 64;
	bbuf_put(out, "\x93NUMPY\x01\x00", 8);
	put_u16(x, (uint16_t)(total - 10));
	bbuf_put(out, x, 2);
	bbuf_put(out, dict, len);
	while (out->n - start < total - 1)
		bbuf_put(out, " ", 1);
	bbuf_put(out, "\n", 1);
}
