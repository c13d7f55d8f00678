/*
 * npz.c: the zip, .npy and pickle reading and writing behind npz2stroke and
 * stroke2npz.  See npz.h for the contracts and limits.
 *
 * Zip: the end-of-central-directory record (and its zip64 form) locates the
 * central directory; each member's sizes, CRC and offset come from there,
 * and the local header only gives where the data starts.  Members are
 * stored or raw-deflated (zlib); encryption and other methods are refused.
 *
 * Pickle: a stack machine over the opcodes that numpy's ndarray and dtype
 * reductions produce (the switch in step()).  Objects live
 * in one array and refer to each other by index; strings point into the
 * pickle itself.  The only callables are numpy's _reconstruct, ndarray,
 * dtype and _frombuffer, and _codecs.encode / bytes (Python 3 protocol 2).
 */
#include "npz.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bytes.h"
#include "util.h"

/* ---- zip reading ---- */

static int zfail(const struct npz *z, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int zfail(const struct npz *z, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", progname, z->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static int slurp(struct npz *z, FILE *f)
{
	size_t cap = 1 << 16, got;

	z->buf = xmalloc(cap);
	z->len = 0;
	for (;;) {
		if (z->len == cap) {
			if (cap >= NPZ_MAX_FILE)
				return zfail(z, "file larger than %zu bytes",
					     NPZ_MAX_FILE);
			cap *= 2;
			z->buf = xreallocarray(z->buf, cap, 1);
		}
		got = fread(z->buf + z->len, 1, cap - z->len, f);
		z->len += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		return zfail(z, "read error");
	return 0;
}

/* The zip64 end record, when the 32-bit one says its fields overflowed. */
static int read_eocd64(struct npz *z, size_t eocd, uint64_t *count,
		       uint64_t *dsize, uint64_t *doff)
{
	const unsigned char *b = z->buf;
	uint64_t at;

	if (eocd < 20 || get_u32(b + eocd - 20) != 0x07064b50)
		return zfail(z, "zip: zip64 locator missing");
	at = get_u64(b + eocd - 20 + 8);
	if (at > eocd - 20 || eocd - 20 - at < 56 ||
	    get_u32(b + at) != 0x06064b50)
		return zfail(z, "zip: bad zip64 end of central directory");
	if (get_u32(b + at + 16) != 0 || get_u32(b + at + 20) != 0)
		return zfail(z, "zip: multi-disk archives are not supported");
	*count = get_u64(b + at + 32);
	*dsize = get_u64(b + at + 40);
	*doff = get_u64(b + at + 48);
	return 0;
}

static int find_eocd(struct npz *z, size_t *eocd)
{
	size_t i, lo;

	if (z->len < 22)
		return zfail(z, "zip: too short for an archive (%zu bytes)",
			     z->len);
	lo = z->len > 22 + 65535 ? z->len - 22 - 65535 : 0;
	for (i = z->len - 22;; i--) {
		if (get_u32(z->buf + i) == 0x06054b50 &&
		    i + 22 + get_u16(z->buf + i + 20) <= z->len) {
			*eocd = i;
			return 0;
		}
		if (i == lo)
			break;
	}
	return zfail(z, "zip: no end of central directory record");
}

/* Apply a zip64 extra field to the 32-bit sizes that are 0xffffffff. */
static int zip64_extra(struct npz *z, struct npz_member *m,
		       const unsigned char *e, size_t elen, int wide[3])
{
	uint64_t *v[3] = {&m->usize, &m->csize, &m->offset};
	size_t at, k, size, pos;

	for (at = 0; at + 4 <= elen; at += 4 + size) {
		size = get_u16(e + at + 2);
		if (at + 4 + size > elen)
			return zfail(z, "zip: extra field overruns its entry");
		if (get_u16(e + at) != 1)
			continue;
		pos = at + 4;
		for (k = 0; k < 3; k++) {
			if (!wide[k])
				continue;
			if (pos + 8 > at + 4 + size)
				return zfail(z, "zip: short zip64 field");
			*v[k] = get_u64(e + pos);
			pos += 8;
			wide[k] = 0;
		}
	}
	if (wide[0] || wide[1] || wide[2])
		return zfail(z, "zip: size 0xffffffff without a zip64 field");
	return 0;
}

static int read_entry(struct npz *z, size_t *at, size_t end,
		      struct npz_member *m)
{
	const unsigned char *b = z->buf + *at;
	size_t nlen, elen, clen;
	int wide[3];

	if (end - *at < 46 || get_u32(b) != 0x02014b50)
		return zfail(z, "zip: bad central directory entry at byte %zu",
			     *at);
	nlen = get_u16(b + 28);
	elen = get_u16(b + 30);
	clen = get_u16(b + 32);
	if (end - *at - 46 < nlen + elen + clen)
		return zfail(z, "zip: central directory entry overruns it");
	if (get_u16(b + 8) & 1)
		return zfail(z, "zip: encrypted members are not supported");
	m->method = get_u16(b + 10);
	m->crc = get_u32(b + 16);
	m->csize = get_u32(b + 20);
	m->usize = get_u32(b + 24);
	m->offset = get_u32(b + 42);
	m->name = (const char *)b + 46;
	m->namelen = nlen;
	wide[0] = m->usize == 0xffffffff;
	wide[1] = m->csize == 0xffffffff;
	wide[2] = m->offset == 0xffffffff;
	if (zip64_extra(z, m, b + 46 + nlen, elen, wide) < 0)
		return -1;
	*at += 46 + nlen + elen + clen;
	return 0;
}

static int read_directory(struct npz *z)
{
	size_t eocd = 0, i, at;
	uint64_t count = 0, dsize = 0, doff = 0;
	const unsigned char *e;

	if (find_eocd(z, &eocd) < 0)
		return -1;
	e = z->buf + eocd;
	if (get_u16(e + 4) != 0 || get_u16(e + 6) != 0)
		return zfail(z, "zip: multi-disk archives are not supported");
	count = get_u16(e + 10);
	dsize = get_u32(e + 12);
	doff = get_u32(e + 16);
	if ((count == 0xffff || dsize == 0xffffffff || doff == 0xffffffff) &&
	    read_eocd64(z, eocd, &count, &dsize, &doff) < 0)
		return -1;
	if (doff > eocd || dsize > eocd - doff)
		return zfail(z, "zip: central directory lies outside the file");
	if (count > dsize / 46)
		return zfail(z,
			     "zip: %llu entries cannot fit a directory of "
			     "%llu bytes",
			     (unsigned long long)count,
			     (unsigned long long)dsize);
	z->n = (size_t)count;
	z->m = xcalloc(z->n, sizeof *z->m);
	at = (size_t)doff;
	for (i = 0; i < z->n; i++)
		if (read_entry(z, &at, (size_t)(doff + dsize), &z->m[i]) < 0)
			return -1;
	return 0;
}

int npz_open(struct npz *z, FILE *f, const char *name)
{
	memset(z, 0, sizeof *z);
	z->name = name;
	if (slurp(z, f) < 0)
		return -1;
	if (z->len >= 6 && memcmp(z->buf, "\x93NUMPY", 6) == 0) {
		z->is_npy = 1;
		return 0;
	}
	if (z->len == 0)
		return zfail(z, "empty input");
	if (z->len < 4 ||
	    (get_u32(z->buf) != 0x04034b50 && get_u32(z->buf) != 0x06054b50))
		return zfail(z, "not a zip (.npz) or .npy file");
	return read_directory(z);
}

void npz_close(struct npz *z)
{
	free(z->buf);
	free(z->m);
	memset(z, 0, sizeof *z);
}

const struct npz_member *npz_find(const struct npz *z, const char *name)
{
	size_t i, n = strlen(name);
	const struct npz_member *m;

	for (i = 0; i < z->n; i++) {
		m = &z->m[i];
		if (m->namelen == n && memcmp(m->name, name, n) == 0)
			return m;
		if (m->namelen == n + 4 && memcmp(m->name, name, n) == 0 &&
		    memcmp(m->name + n, ".npy", 4) == 0)
			return m;
	}
	return NULL;
}

static int mfail(const struct npz *z, const struct npz_member *m,
		 const char *what)
{
	warnmsg("%s:%.*s: %s", z->name, (int)m->namelen, m->name, what);
	return -1;
}

static int inflate_member(const struct npz *z, const struct npz_member *m,
			  const unsigned char *src, unsigned char *dst)
{
	z_stream s;
	int rc;

	memset(&s, 0, sizeof s);
	if (inflateInit2(&s, -MAX_WBITS) != Z_OK)
		return mfail(z, m, "zlib: cannot start inflate");
	s.next_in = (unsigned char *)src;
	s.avail_in = (uInt)m->csize;
	s.next_out = dst;
	s.avail_out = (uInt)m->usize;
	rc = inflate(&s, Z_FINISH);
	inflateEnd(&s);
	if (rc == Z_STREAM_END && s.total_out == m->usize)
		return 0;
	if (rc == Z_DATA_ERROR)
		return mfail(z, m, "corrupt deflate data");
	if (s.avail_out == 0)
		return mfail(z, m, "inflates to more than its stated size");
	if (rc == Z_STREAM_END)
		return mfail(z, m, "inflates to less than its stated size");
	return mfail(z, m, "truncated deflate data");
}

int npz_extract(const struct npz *z, const struct npz_member *m,
		unsigned char **out, size_t *outlen)
{
	const unsigned char *b;
	uint64_t data;
	unsigned char *dst;

	*out = NULL;
	if (m->offset > z->len || z->len - m->offset < 30 ||
	    get_u32(z->buf + m->offset) != 0x04034b50)
		return mfail(z, m,
			     "bad local header (truncated or corrupt zip)");
	b = z->buf + m->offset;
	data = m->offset + 30 + get_u16(b + 26) + get_u16(b + 28);
	if (data > z->len || m->csize > z->len - data)
		return mfail(z, m,
			     "member data runs past the end of the file "
			     "(truncated zip)");
	if (m->usize > NPZ_MAX_MEMBER)
		return mfail(z, m, "member too large (limit 1 GiB inflated)");
	if (m->method == 0 && m->csize != m->usize)
		return mfail(z, m, "stored member with two different sizes");
	if (m->method == 8 && m->usize > m->csize * 1032 + 64)
		return mfail(z, m,
			     "stated size is impossible for its "
			     "compressed size");
	if (m->method != 0 && m->method != 8)
		return mfail(z, m,
			     "compression method is not stored or "
			     "deflated");
	dst = xmalloc((size_t)m->usize);
	if (m->method == 0)
		memcpy(dst, z->buf + data, (size_t)m->usize);
	else if (inflate_member(z, m, z->buf + data, dst) < 0) {
		free(dst);
		return -1;
	}
	if (crc32(0, dst, (uInt)m->usize) != m->crc) {
		free(dst);
		return mfail(z, m, "CRC mismatch (corrupt member)");
	}
	*out = dst;
	*outlen = (size_t)m->usize;
	return 0;
}

/* ---- .npy header ---- */

struct npy_header {
	char kind; /* 'O' for object arrays */
	int size, big, fortran, ndim;
	uint64_t shape[2];
	size_t data; /* offset of the data */
};

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

/* Element type from a numpy type string such as "<i2", "|O", "O8". */
static const char *parse_descr(const char *s, struct npy_header *h)
{
	char *end;
	long size;

	h->big = 0;
	if (*s == '<' || *s == '|' || *s == '=')
		s++;
	else if (*s == '>') {
		h->big = 1;
		s++;
	}
	h->kind = *s++;
	if (h->kind == 'O') {
		h->size = 8;
		return *s == '\0' || strcmp(s, "8") == 0 || strcmp(s, "4") == 0
			   ? NULL
			   : "bad object type string";
	}
	if (!strchr("iufb", h->kind) || h->kind == '\0')
		return "unsupported element type (want integers or floats)";
	size = strtol(s, &end, 10);
	if (*end || end == s ||
	    (size != 1 && size != 2 && size != 4 && size != 8) ||
	    (h->kind == 'f' && size < 4) || (h->kind == 'b' && size != 1))
		return "unsupported element size";
	h->size = (int)size;
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
			if ((why = parse_descr(descr, h)))
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

static const char *npy_header(const unsigned char *b, size_t len,
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

/* ---- pickle ---- */

enum ptype {
	P_NONE,
	P_BOOL,
	P_INT,
	P_BYTES, /* Python 2 str or Python 3 bytes/bytearray */
	P_TEXT,	 /* Python 3 str (UTF-8) */
	P_TUPLE,
	P_LIST,
	P_GLOBAL,
	P_DTYPE,
	P_ARRAY
};

enum pglobal {
	G_RECONSTRUCT,
	G_NDARRAY,
	G_DTYPE,
	G_FROMBUFFER,
	G_ENCODE,
	G_BYTES
};

struct pobj {
	enum ptype t;
	union {
		int64_t i;
		struct {
			const unsigned char *p;
			size_t n;
		} s;
		struct {
			size_t first, n; /* items in the tuple pool */
		} tup;
		struct {
			size_t *item, n, cap;
		} list;
		int g;
		struct {
			char kind;
			int size, big;
		} dt;
		struct {
			int built, ndim, fortran;
			uint64_t shape[2];
			size_t dtype, data; /* objects */
		} a;
	} u;
};

struct pickle {
	const char *where;
	const unsigned char *b;
	size_t len, pos, op; /* op: offset of the opcode being run */
	struct pobj *obj;
	size_t nobj, capobj;
	size_t *stack, nstack, capstack;
	size_t *marks, nmarks, capmarks;
	size_t *memo, nmemo, capmemo;
	size_t *pool, npool, cappool;
	unsigned char *bytes; /* decoded latin-1 strings, len bytes */
	size_t nbytes;
};

static int pfail(struct pickle *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int pfail(struct pickle *k, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: pickle at byte %zu: ", progname, k->where,
		k->op);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static void grow(void *pp, size_t *cap, size_t need, size_t size)
{
	void **p = pp;
	size_t c = *cap ? *cap : 64;

	if (need <= *cap)
		return;
	while (c < need)
		c *= 2;
	*p = xreallocarray(*p, c, size);
	*cap = c;
}

static long new_obj(struct pickle *k, enum ptype t)
{
	if (k->nobj >= PICKLE_MAX_OBJECTS)
		return pfail(k, "more than %zu objects", PICKLE_MAX_OBJECTS);
	grow(&k->obj, &k->capobj, k->nobj + 1, sizeof *k->obj);
	memset(&k->obj[k->nobj], 0, sizeof *k->obj);
	k->obj[k->nobj].t = t;
	return (long)k->nobj++;
}

static void push(struct pickle *k, size_t o)
{
	grow(&k->stack, &k->capstack, k->nstack + 1, sizeof *k->stack);
	k->stack[k->nstack++] = o;
}

static int push_new(struct pickle *k, enum ptype t, struct pobj **o)
{
	long i = new_obj(k, t);

	if (i < 0)
		return -1;
	push(k, (size_t)i);
	*o = &k->obj[i];
	return 0;
}

static int pop(struct pickle *k, size_t *o)
{
	size_t floor = k->nmarks ? k->marks[k->nmarks - 1] : 0;

	if (k->nstack <= floor)
		return pfail(k, "stack underflow");
	*o = k->stack[--k->nstack];
	return 0;
}

static int need(struct pickle *k, size_t n)
{
	if (n > k->len - k->pos)
		return pfail(k,
			     "length %zu runs past the end of the data "
			     "(%zu bytes left)",
			     n, k->len - k->pos);
	return 0;
}

static int arg_uint(struct pickle *k, int n, uint64_t *v)
{
	int i;

	if (need(k, (size_t)n) < 0)
		return -1;
	for (*v = 0, i = n - 1; i >= 0; i--)
		*v = *v << 8 | k->b[k->pos + (size_t)i];
	k->pos += (size_t)n;
	return 0;
}

static int op_int(struct pickle *k, int64_t v)
{
	struct pobj *o;

	if (push_new(k, P_INT, &o) < 0)
		return -1;
	o->u.i = v;
	return 0;
}

static int op_string(struct pickle *k, int lenbytes, enum ptype t)
{
	uint64_t n;
	struct pobj *o;

	if (arg_uint(k, lenbytes, &n) < 0)
		return -1;
	if (lenbytes == 4 && t == P_BYTES && k->b[k->op] == 'T' &&
	    n > INT32_MAX)
		return pfail(k, "negative string length");
	if (n > k->len - k->pos)
		return need(k, n > SIZE_MAX ? SIZE_MAX : (size_t)n);
	if (push_new(k, t, &o) < 0)
		return -1;
	o->u.s.p = k->b + k->pos;
	o->u.s.n = (size_t)n;
	k->pos += (size_t)n;
	return 0;
}

static int op_tuple(struct pickle *k, size_t n)
{
	size_t i, first, floor = k->nmarks ? k->marks[k->nmarks - 1] : 0;
	struct pobj *o;
	long id;

	if (k->nstack - floor < n)
		return pfail(k, "stack underflow");
	first = k->npool;
	grow(&k->pool, &k->cappool, k->npool + n, sizeof *k->pool);
	for (i = 0; i < n; i++)
		k->pool[k->npool++] = k->stack[k->nstack - n + i];
	k->nstack -= n;
	if ((id = new_obj(k, P_TUPLE)) < 0)
		return -1;
	push(k, (size_t)id);
	o = &k->obj[id];
	o->u.tup.first = first;
	o->u.tup.n = n;
	return 0;
}

static int pop_mark(struct pickle *k, size_t *n)
{
	if (k->nmarks == 0)
		return pfail(k, "no mark on the stack");
	*n = k->nstack - k->marks[--k->nmarks];
	return 0;
}

static int op_mark_tuple(struct pickle *k)
{
	size_t n = 0;

	if (pop_mark(k, &n) < 0)
		return -1;
	return op_tuple(k, n);
}

static int op_appends(struct pickle *k, int marked)
{
	size_t n = 1, i, lst;
	struct pobj *l;

	if (marked && pop_mark(k, &n) < 0)
		return -1;
	if (k->nstack < n + 1)
		return pfail(k, "stack underflow");
	lst = k->stack[k->nstack - n - 1];
	l = &k->obj[lst];
	if (l->t != P_LIST)
		return pfail(k, "append to something that is not a list");
	grow(&l->u.list.item, &l->u.list.cap, l->u.list.n + n, sizeof(size_t));
	for (i = 0; i < n; i++)
		l->u.list.item[l->u.list.n++] = k->stack[k->nstack - n + i];
	k->nstack -= n;
	return 0;
}

/* Memo slots may skip (Python 2 starts at 1) but stay below the number of
 * objects made, so the memo is never larger than the object table. */
static int op_memo_put(struct pickle *k, uint64_t idx)
{
	if (k->nstack == 0)
		return pfail(k, "memo put with an empty stack");
	if (idx > k->nobj + 16)
		return pfail(k, "memo index %llu out of range",
			     (unsigned long long)idx);
	if (idx >= k->nmemo) {
		grow(&k->memo, &k->capmemo, (size_t)idx + 1, sizeof *k->memo);
		while (k->nmemo <= idx)
			k->memo[k->nmemo++] = SIZE_MAX;
	}
	k->memo[idx] = k->stack[k->nstack - 1];
	return 0;
}

static int op_memo_get(struct pickle *k, uint64_t idx)
{
	if (idx >= k->nmemo || k->memo[idx] == SIZE_MAX)
		return pfail(k, "memo index %llu not defined",
			     (unsigned long long)idx);
	push(k, k->memo[idx]);
	return 0;
}

static int lookup_global(struct pickle *k, const char *mod, size_t mlen,
			 const char *name, size_t nlen)
{
	static const struct {
		const char *mod, *name;
		int g;
	} known[] = {
	    {"numpy.core.multiarray", "_reconstruct", G_RECONSTRUCT},
	    {"numpy._core.multiarray", "_reconstruct", G_RECONSTRUCT},
	    {"numpy", "ndarray", G_NDARRAY},
	    {"numpy", "dtype", G_DTYPE},
	    {"numpy.core.numeric", "_frombuffer", G_FROMBUFFER},
	    {"numpy._core.numeric", "_frombuffer", G_FROMBUFFER},
	    {"_codecs", "encode", G_ENCODE},
	    {"__builtin__", "bytes", G_BYTES},
	    {"builtins", "bytes", G_BYTES},
	};
	size_t i;
	struct pobj *o;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strlen(known[i].mod) == mlen &&
		    memcmp(known[i].mod, mod, mlen) == 0 &&
		    strlen(known[i].name) == nlen &&
		    memcmp(known[i].name, name, nlen) == 0)
			break;
	if (i == sizeof known / sizeof known[0])
		return pfail(k, "unsupported global %.*s.%.*s",
			     (int)(mlen > 64 ? 64 : mlen), mod,
			     (int)(nlen > 64 ? 64 : nlen), name);
	if (push_new(k, P_GLOBAL, &o) < 0)
		return -1;
	o->u.g = known[i].g;
	return 0;
}

static int op_global(struct pickle *k)
{
	const unsigned char *mod = k->b + k->pos, *name, *nl;

	nl = memchr(mod, '\n', k->len - k->pos);
	if (!nl)
		return pfail(k, "unterminated global name");
	name = nl + 1;
	nl = memchr(name, '\n', k->len - (size_t)(name - k->b));
	if (!nl)
		return pfail(k, "unterminated global name");
	k->pos = (size_t)(nl + 1 - k->b);
	return lookup_global(k, (const char *)mod, (size_t)(name - 1 - mod),
			     (const char *)name, (size_t)(nl - name));
}

static int op_stack_global(struct pickle *k)
{
	size_t m, n;
	struct pobj *om, *on;

	if (pop(k, &n) < 0 || pop(k, &m) < 0)
		return -1;
	om = &k->obj[m];
	on = &k->obj[n];
	if (om->t != P_TEXT || on->t != P_TEXT)
		return pfail(k, "STACK_GLOBAL needs two strings");
	return lookup_global(k, (const char *)om->u.s.p, om->u.s.n,
			     (const char *)on->u.s.p, on->u.s.n);
}

static struct pobj *tuple_item(struct pickle *k, const struct pobj *t, size_t i)
{
	return &k->obj[k->pool[t->u.tup.first + i]];
}

static int is_int(const struct pobj *o)
{
	return o->t == P_INT || o->t == P_BOOL;
}

/* dtype(("i2", align, copy)) */
static int make_dtype(struct pickle *k, struct pobj *args)
{
	struct pobj *s, *o;
	struct npy_header h;
	char descr[16];
	const char *why;

	if (args->u.tup.n < 1 || (s = tuple_item(k, args, 0))->t == P_NONE ||
	    (s->t != P_TEXT && s->t != P_BYTES) || s->u.s.n >= sizeof descr)
		return pfail(k, "dtype() needs a short type string");
	memcpy(descr, s->u.s.p, s->u.s.n);
	descr[s->u.s.n] = '\0';
	if (strlen(descr) != s->u.s.n)
		return pfail(k, "NUL in a dtype string");
	if ((why = parse_descr(descr, &h)))
		return pfail(k, "dtype '%s': %s", descr, why);
	if (push_new(k, P_DTYPE, &o) < 0)
		return -1;
	o->u.dt.kind = h.kind;
	o->u.dt.size = h.size;
	o->u.dt.big = h.big;
	return 0;
}

static int set_shape(struct pickle *k, struct pobj *a, struct pobj *shape)
{
	size_t i;
	struct pobj *d;

	if (shape->t != P_TUPLE)
		return pfail(k, "array shape is not a tuple");
	if (shape->u.tup.n > 2 || shape->u.tup.n < 1)
		return pfail(k, "array has %zu dimensions (want 1 or 2)",
			     shape->u.tup.n);
	a->u.a.ndim = (int)shape->u.tup.n;
	for (i = 0; i < shape->u.tup.n; i++) {
		d = tuple_item(k, shape, i);
		if (!is_int(d) || d->u.i < 0)
			return pfail(k, "array dimension is not a count");
		a->u.a.shape[i] = (uint64_t)d->u.i;
	}
	return 0;
}

/* Check that data holds exactly the elements that shape and dtype say. */
static int check_data(struct pickle *k, struct pobj *a)
{
	struct pobj *dt = &k->obj[a->u.a.dtype], *data = &k->obj[a->u.a.data];
	uint64_t n = a->u.a.shape[0];

	if (a->u.a.ndim == 2) {
		if (a->u.a.shape[1] && n > UINT64_MAX / a->u.a.shape[1])
			return pfail(k, "absurd array shape");
		n *= a->u.a.shape[1];
	}
	if (dt->u.dt.kind == 'O') {
		if (data->t != P_LIST)
			return pfail(k, "object array data is not a list");
		if (data->u.list.n != n)
			return pfail(k,
				     "object array holds %zu items, its "
				     "shape says %llu",
				     data->u.list.n, (unsigned long long)n);
		return 0;
	}
	if (data->t != P_BYTES)
		return pfail(k, "array data is not a byte string");
	if (n > UINT64_MAX / 8 || data->u.s.n != n * (uint64_t)dt->u.dt.size)
		return pfail(k,
			     "array data is %zu bytes, its shape says %llu "
			     "elements of %d bytes",
			     data->u.s.n, (unsigned long long)n, dt->u.dt.size);
	return 0;
}

/* _frombuffer(buffer, dtype, shape, order): protocol 5 arrays. */
static int make_frombuffer(struct pickle *k, size_t args)
{
	struct pobj *t = &k->obj[args], *o, *ord;
	long id;
	int fortran;

	if (t->u.tup.n != 4 || tuple_item(k, t, 0)->t != P_BYTES ||
	    tuple_item(k, t, 1)->t != P_DTYPE)
		return pfail(k, "_frombuffer() needs (bytes, dtype, shape, "
				"order)");
	ord = tuple_item(k, t, 3);
	if (ord->t != P_TEXT || ord->u.s.n != 1 ||
	    (ord->u.s.p[0] != 'C' && ord->u.s.p[0] != 'F'))
		return pfail(k, "_frombuffer() order is not 'C' or 'F'");
	fortran = ord->u.s.p[0] == 'F';
	/* new_obj may move k->obj: t and ord are stale after it */
	if ((id = new_obj(k, P_ARRAY)) < 0)
		return -1;
	o = &k->obj[id];
	t = &k->obj[args];
	o->u.a.fortran = fortran;
	o->u.a.dtype = k->pool[t->u.tup.first + 1];
	o->u.a.data = k->pool[t->u.tup.first];
	if (k->obj[o->u.a.dtype].u.dt.kind == 'O')
		return pfail(k, "_frombuffer() of an object dtype");
	if (set_shape(k, o, tuple_item(k, t, 2)) < 0 || check_data(k, o) < 0)
		return -1;
	o->u.a.built = 1;
	push(k, (size_t)id);
	return 0;
}

/* _codecs.encode(text, "latin1"): Python 3's protocol-2 form of bytes.
 * The decoded bytes go to one buffer of the pickle's size, allocated once,
 * so that pointers into it stay valid. */
static int make_latin1(struct pickle *k, struct pobj *args)
{
	struct pobj *s, *enc, *o;
	const unsigned char *p, *end;
	size_t start = k->nbytes;

	if (args->u.tup.n != 2 || (s = tuple_item(k, args, 0))->t != P_TEXT ||
	    (enc = tuple_item(k, args, 1))->t != P_TEXT ||
	    !((enc->u.s.n == 6 && memcmp(enc->u.s.p, "latin1", 6) == 0) ||
	      (enc->u.s.n == 7 && memcmp(enc->u.s.p, "latin-1", 7) == 0)))
		return pfail(k, "only _codecs.encode(str, 'latin1') is "
				"supported");
	if (s->u.s.n > k->len - k->nbytes)
		return pfail(k, "decoded strings exceed the pickle's size");
	if (!k->bytes)
		k->bytes = xmalloc(k->len);
	for (p = s->u.s.p, end = p + s->u.s.n; p < end; p++) {
		if (*p < 0x80)
			k->bytes[k->nbytes++] = *p;
		else if ((*p & 0xfe) == 0xc2 && p + 1 < end &&
			 (p[1] & 0xc0) == 0x80) {
			k->bytes[k->nbytes++] =
			    (unsigned char)((*p & 3) << 6 | (p[1] & 0x3f));
			p++;
		} else
			return pfail(k, "string is not latin-1 text");
	}
	if (push_new(k, P_BYTES, &o) < 0)
		return -1;
	o->u.s.p = k->bytes + start;
	o->u.s.n = k->nbytes - start;
	return 0;
}

static int op_reduce(struct pickle *k)
{
	size_t args, fn;
	struct pobj *f, *a, *o;

	if (pop(k, &args) < 0 || pop(k, &fn) < 0)
		return -1;
	f = &k->obj[fn];
	a = &k->obj[args];
	if (f->t != P_GLOBAL || a->t != P_TUPLE)
		return pfail(k, "REDUCE needs a known callable and a tuple");
	switch (f->u.g) {
	case G_RECONSTRUCT:
		if (a->u.tup.n < 1 || tuple_item(k, a, 0)->t != P_GLOBAL ||
		    tuple_item(k, a, 0)->u.g != G_NDARRAY)
			return pfail(k, "_reconstruct() of something other "
					"than numpy.ndarray");
		return push_new(k, P_ARRAY, &o);
	case G_DTYPE:
		return make_dtype(k, a);
	case G_FROMBUFFER:
		return make_frombuffer(k, args);
	case G_ENCODE:
		return make_latin1(k, a);
	case G_BYTES:
		if (a->u.tup.n != 0)
			return pfail(k, "bytes() with arguments");
		if (push_new(k, P_BYTES, &o) < 0)
			return -1;
		o->u.s.p = k->b;
		return 0;
	}
	return pfail(k, "numpy.ndarray cannot be called directly");
}

static int build_dtype(struct pickle *k, struct pobj *dt, struct pobj *st)
{
	struct pobj *ord;

	if (st->t != P_TUPLE || st->u.tup.n < 2)
		return pfail(k, "dtype state is not a tuple");
	ord = tuple_item(k, st, 1);
	if ((ord->t != P_TEXT && ord->t != P_BYTES) || ord->u.s.n != 1)
		return pfail(k, "dtype byte order is not one character");
	switch (ord->u.s.p[0]) {
	case '>':
		dt->u.dt.big = 1;
		break;
	case '<':
	case '|':
	case '=':
		dt->u.dt.big = 0;
		break;
	default:
		return pfail(k, "bad dtype byte order");
	}
	return 0;
}

/* ndarray.__setstate__((version, shape, dtype, fortran, data)) */
static int build_array(struct pickle *k, size_t ai, struct pobj *st)
{
	struct pobj *a = &k->obj[ai], *dt, *fo;
	size_t off = 0;

	if (a->u.a.built)
		return pfail(k, "array state set twice");
	if (st->t != P_TUPLE || (st->u.tup.n != 5 && st->u.tup.n != 4))
		return pfail(k, "array state is not a 4- or 5-tuple");
	if (st->u.tup.n == 5) {
		if (!is_int(tuple_item(k, st, 0)))
			return pfail(k, "array state version is not a number");
		off = 1;
	}
	dt = tuple_item(k, st, off + 1);
	fo = tuple_item(k, st, off + 2);
	if (dt->t != P_DTYPE)
		return pfail(k, "array state has no dtype");
	if (!is_int(fo))
		return pfail(k, "array fortran flag is not a boolean");
	if (set_shape(k, a, tuple_item(k, st, off)) < 0)
		return -1;
	a->u.a.fortran = fo->u.i != 0;
	a->u.a.dtype = k->pool[st->u.tup.first + off + 1];
	a->u.a.data = k->pool[st->u.tup.first + off + 3];
	if (check_data(k, a) < 0)
		return -1;
	a->u.a.built = 1;
	return 0;
}

static int op_build(struct pickle *k)
{
	size_t st, o;

	if (pop(k, &st) < 0)
		return -1;
	if (k->nstack == 0)
		return pfail(k, "stack underflow");
	o = k->stack[k->nstack - 1];
	if (k->obj[o].t == P_DTYPE)
		return build_dtype(k, &k->obj[o], &k->obj[st]);
	if (k->obj[o].t == P_ARRAY)
		return build_array(k, o, &k->obj[st]);
	return pfail(k, "BUILD on something other than an array or dtype");
}

static int op_long1(struct pickle *k)
{
	uint64_t n, v;

	if (arg_uint(k, 1, &n) < 0)
		return -1;
	if (n > 8)
		return pfail(k, "integer wider than 64 bits");
	if (n == 0)
		return op_int(k, 0);
	if (arg_uint(k, (int)n, &v) < 0)
		return -1;
	if (n < 8 && (v >> (8 * n - 1)) & 1)
		v |= ~(uint64_t)0 << (8 * n);
	return op_int(k, (int64_t)v);
}

static int op_frame(struct pickle *k)
{
	uint64_t n;

	if (arg_uint(k, 8, &n) < 0)
		return -1;
	if (n > k->len - k->pos)
		return pfail(k, "frame runs past the end of the data");
	return 0;
}

static int op_simple(struct pickle *k, enum ptype t, int64_t v)
{
	struct pobj *o;

	if (push_new(k, t, &o) < 0)
		return -1;
	o->u.i = v;
	return 0;
}

static int op_mark(struct pickle *k)
{
	grow(&k->marks, &k->capmarks, k->nmarks + 1, sizeof *k->marks);
	k->marks[k->nmarks++] = k->nstack;
	return 0;
}

static int op_proto(struct pickle *k)
{
	uint64_t v;

	if (arg_uint(k, 1, &v) < 0)
		return -1;
	if (v < 2 || v > 5)
		return pfail(k, "pickle protocol %llu (want 2 to 5)",
			     (unsigned long long)v);
	return 0;
}

static int op_pop(struct pickle *k)
{
	size_t o;

	return pop(k, &o);
}

static int op_put(struct pickle *k, int n)
{
	uint64_t v;

	if (arg_uint(k, n, &v) < 0)
		return -1;
	return op_memo_put(k, v);
}

static int op_get(struct pickle *k, int n)
{
	uint64_t v;

	if (arg_uint(k, n, &v) < 0)
		return -1;
	return op_memo_get(k, v);
}

static int op_binint(struct pickle *k, int n, int sign)
{
	uint64_t v;

	if (arg_uint(k, n, &v) < 0)
		return -1;
	if (sign)
		return op_int(k, (int64_t)(int32_t)(uint32_t)v);
	return op_int(k, (int64_t)v);
}

/* Run one opcode; 1 at STOP. */
static int step(struct pickle *k)
{
	unsigned char c = k->b[k->pos++];

	switch (c) {
	case 0x80: /* PROTO */
		return op_proto(k);
	case 0x95: /* FRAME */
		return op_frame(k);
	case '.': /* STOP */
		return 1;
	case '(': /* MARK */
		return op_mark(k);
	case '0': /* POP */
		return op_pop(k);
	case 'N': /* NONE */
		return op_simple(k, P_NONE, 0);
	case 0x88: /* NEWTRUE */
		return op_simple(k, P_BOOL, 1);
	case 0x89: /* NEWFALSE */
		return op_simple(k, P_BOOL, 0);
	case 'J': /* BININT */
		return op_binint(k, 4, 1);
	case 'K': /* BININT1 */
		return op_binint(k, 1, 0);
	case 'M': /* BININT2 */
		return op_binint(k, 2, 0);
	case 0x8a: /* LONG1 */
		return op_long1(k);
	case 'U': /* SHORT_BINSTRING */
		return op_string(k, 1, P_BYTES);
	case 'T': /* BINSTRING */
		return op_string(k, 4, P_BYTES);
	case 'C': /* SHORT_BINBYTES */
		return op_string(k, 1, P_BYTES);
	case 'B': /* BINBYTES */
		return op_string(k, 4, P_BYTES);
	case 0x8e: /* BINBYTES8 */
		return op_string(k, 8, P_BYTES);
	case 0x96: /* BYTEARRAY8 */
		return op_string(k, 8, P_BYTES);
	case 0x8c: /* SHORT_BINUNICODE */
		return op_string(k, 1, P_TEXT);
	case 'X': /* BINUNICODE */
		return op_string(k, 4, P_TEXT);
	case 0x8d: /* BINUNICODE8 */
		return op_string(k, 8, P_TEXT);
	case ')': /* EMPTY_TUPLE */
		return op_tuple(k, 0);
	case 0x85: /* TUPLE1 */
		return op_tuple(k, 1);
	case 0x86: /* TUPLE2 */
		return op_tuple(k, 2);
	case 0x87: /* TUPLE3 */
		return op_tuple(k, 3);
	case 't': /* TUPLE */
		return op_mark_tuple(k);
	case ']': /* EMPTY_LIST */
		return op_simple(k, P_LIST, 0);
	case 'a': /* APPEND */
		return op_appends(k, 0);
	case 'e': /* APPENDS */
		return op_appends(k, 1);
	case 'c': /* GLOBAL */
		return op_global(k);
	case 0x93: /* STACK_GLOBAL */
		return op_stack_global(k);
	case 'q': /* BINPUT */
		return op_put(k, 1);
	case 'r': /* LONG_BINPUT */
		return op_put(k, 4);
	case 0x94: /* MEMOIZE */
		return op_memo_put(k, k->nmemo);
	case 'h': /* BINGET */
		return op_get(k, 1);
	case 'j': /* LONG_BINGET */
		return op_get(k, 4);
	case 'R': /* REDUCE */
		return op_reduce(k);
	case 'b': /* BUILD */
		return op_build(k);
	case 0x97: /* NEXT_BUFFER */
	case 0x98: /* READONLY_BUFFER */
		return pfail(k, "out-of-band buffers are not supported");
	}
	return pfail(k, "unsupported pickle opcode 0x%02x", c);
}

static void pickle_free(struct pickle *k)
{
	size_t i;

	for (i = 0; i < k->nobj; i++)
		if (k->obj[i].t == P_LIST)
			free(k->obj[i].u.list.item);
	free(k->obj);
	free(k->stack);
	free(k->marks);
	free(k->memo);
	free(k->pool);
	free(k->bytes);
}

static int pickle_run(struct pickle *k, size_t *top)
{
	int rc;

	while (k->pos < k->len) {
		k->op = k->pos;
		rc = step(k);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			if (k->nstack != 1 || k->nmarks)
				return pfail(k,
					     "STOP with %zu objects on the "
					     "stack",
					     k->nstack);
			*top = k->stack[0];
			return 0;
		}
	}
	k->op = k->pos;
	return pfail(k, "truncated pickle (no STOP)");
}

static void array_view(struct pickle *k, const struct pobj *a,
		       struct npy_num *v)
{
	const struct pobj *dt = &k->obj[a->u.a.dtype];

	v->kind = dt->u.dt.kind;
	v->size = dt->u.dt.size;
	v->big = dt->u.dt.big;
	v->fortran = a->u.a.fortran;
	v->rows = (size_t)a->u.a.shape[0];
	v->cols = a->u.a.ndim == 2 ? (size_t)a->u.a.shape[1] : 1;
	v->data = k->obj[a->u.a.data].u.s.p;
}

static long pickle_each(const unsigned char *b, size_t len, const char *where,
			int (*fn)(void *, size_t, const struct npy_num *),
			void *ctx)
{
	struct pickle k;
	struct pobj *top, *list, *e;
	struct npy_num v;
	size_t t = 0, i;
	long rc = -1;
	int r;

	memset(&k, 0, sizeof k);
	k.where = where;
	k.b = b;
	k.len = len;
	if (pickle_run(&k, &t) < 0)
		goto out;
	top = &k.obj[t];
	k.op = len;
	if (top->t != P_ARRAY || !top->u.a.built ||
	    k.obj[top->u.a.dtype].u.dt.kind != 'O' || top->u.a.ndim != 1) {
		pfail(&k, "not a 1-D object array");
		goto out;
	}
	list = &k.obj[top->u.a.data];
	for (i = 0; i < list->u.list.n; i++) {
		e = &k.obj[list->u.list.item[i]];
		if (e->t != P_ARRAY || !e->u.a.built ||
		    k.obj[e->u.a.dtype].u.dt.kind == 'O' || e->u.a.ndim != 2) {
			warnmsg("%s:index %zu: element is not a 2-D numeric "
				"array",
				where, i);
			goto out;
		}
		array_view(&k, e, &v);
		if ((r = fn(ctx, i, &v)) < 0) {
			rc = r;
			goto out;
		}
	}
	rc = (long)list->u.list.n;
out:
	pickle_free(&k);
	return rc;
}

long npy_each(const unsigned char *b, size_t len, const char *where,
	      int (*fn)(void *ctx, size_t index, const struct npy_num *a),
	      void *ctx)
{
	struct npy_header h;
	struct npy_num v;
	const char *why = npy_header(b, len, &h);
	uint64_t bytes;
	int r;

	if (why) {
		warnmsg("%s: %s", where, why);
		return -1;
	}
	if (h.kind == 'O')
		return pickle_each(b + h.data, len - h.data, where, fn, ctx);
	if (h.ndim != 2) {
		warnmsg("%s: numeric array has %d dimensions (want [n,3])",
			where, h.ndim);
		return -1;
	}
	if (h.shape[1] && h.shape[0] > UINT64_MAX / 8 / h.shape[1]) {
		warnmsg("%s: absurd array shape", where);
		return -1;
	}
	bytes = h.shape[0] * h.shape[1] * (uint64_t)h.size;
	if (bytes != len - h.data) {
		warnmsg("%s: array data is %zu bytes, its header says %llu",
			where, len - h.data, (unsigned long long)bytes);
		return -1;
	}
	v.kind = h.kind;
	v.size = h.size;
	v.big = h.big;
	v.fortran = h.fortran;
	v.rows = (size_t)h.shape[0];
	v.cols = (size_t)h.shape[1];
	v.data = b + h.data;
	if ((r = fn(ctx, 0, &v)) < 0)
		return r;
	return 1;
}

/* ---- numeric arrays to drawings ---- */

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

void bbuf_put(struct bbuf *b, const void *p, size_t n)
{
	grow(&b->p, &b->cap, b->n + n, 1);
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

void bbuf_free(struct bbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

static void put_byte(struct bbuf *b, int c)
{
	unsigned char u = (unsigned char)c;

	bbuf_put(b, &u, 1);
}

static void put_str(struct bbuf *b, const char *s)
{
	bbuf_put(b, s, strlen(s));
}

static void put_int(struct bbuf *b, long v)
{
	unsigned char x[4];

	if (v >= 0 && v < 256) {
		put_byte(b, 'K');
		put_byte(b, (int)v);
	} else if (v >= 0 && v < 65536) {
		put_byte(b, 'M');
		put_u16(x, (uint16_t)v);
		bbuf_put(b, x, 2);
	} else {
		put_byte(b, 'J');
		put_u32(x, (uint32_t)v);
		bbuf_put(b, x, 4);
	}
}

static void put_unicode(struct bbuf *b, const unsigned char *s, size_t n)
{
	unsigned char x[4];
	size_t i, u = 0;

	for (i = 0; i < n; i++)
		u += s[i] < 0x80 ? 1 : 2;
	put_byte(b, 'X');
	put_u32(x, (uint32_t)u);
	bbuf_put(b, x, 4);
	for (i = 0; i < n; i++) {
		if (s[i] < 0x80) {
			put_byte(b, s[i]);
		} else {
			put_byte(b, 0xc0 | s[i] >> 6);
			put_byte(b, 0x80 | (s[i] & 0x3f));
		}
	}
}

static void put_memo(struct bbuf *b, int op, int idx)
{
	put_byte(b, op);
	put_byte(b, idx);
}

/* Memo slots of the writer's pickle. */
enum { M_RECON, M_NDARRAY, M_ENCODE, M_LATIN1, M_B, M_DTYPE, M_I2 };

/* dtype(descr) with its state, as numpy pickles it. */
static void put_dtype(struct bbuf *b, const char *descr, const char *order,
		      int flags)
{
	put_memo(b, 'h', M_DTYPE);
	put_unicode(b, (const unsigned char *)descr, strlen(descr));
	put_str(b, "\x89\x88\x87R(");
	put_int(b, 3);
	put_unicode(b, (const unsigned char *)order, 1);
	put_str(b, "NNN");
	put_str(b, "J\xff\xff\xff\xffJ\xff\xff\xff\xff");
	put_int(b, flags);
	put_str(b, "tb");
}

/* _reconstruct(ndarray, (0,), b'b') */
static void put_reconstruct(struct bbuf *b)
{
	put_memo(b, 'h', M_RECON);
	put_memo(b, 'h', M_NDARRAY);
	put_int(b, 0);
	put_byte(b, 0x85);
	put_memo(b, 'h', M_B);
	put_str(b, "\x87R");
}

void npy_writer_init(struct npy_writer *w)
{
	memset(w, 0, sizeof *w);
}

void npy_writer_add(struct npy_writer *w, const int16_t *rows, size_t n)
{
	struct bbuf *b = &w->items;
	unsigned char *raw = xreallocarray(NULL, n * 3, 2);
	size_t i;

	put_reconstruct(b);
	put_byte(b, '(');
	put_int(b, 1);
	put_int(b, (long)n);
	put_int(b, 3);
	put_byte(b, 0x86);
	if (w->dtype_memo) {
		put_memo(b, 'h', M_I2);
	} else {
		put_dtype(b, "i2", "<", 0);
		put_memo(b, 'q', M_I2);
		w->dtype_memo = 1;
	}
	put_byte(b, 0x89);
	for (i = 0; i < n * 3; i++)
		put_u16(raw + 2 * i, (uint16_t)rows[i]);
	put_memo(b, 'h', M_ENCODE);
	put_unicode(b, raw, n * 6);
	put_memo(b, 'h', M_LATIN1);
	put_str(b, "\x86R");
	put_str(b, "tba");
	free(raw);
	w->count++;
}

void npy_writer_finish(struct npy_writer *w, struct bbuf *out)
{
	struct bbuf h = {0};
	char dict[128];
	size_t len, total;
	unsigned char x[2];

	/* the pickle's prologue: globals and constants in the memo */
	put_str(&h, "\x80\x02");
	put_str(&h, "cnumpy.core.multiarray\n_reconstruct\n");
	put_memo(&h, 'q', M_RECON);
	put_str(&h, "0cnumpy\nndarray\n");
	put_memo(&h, 'q', M_NDARRAY);
	put_str(&h, "0c_codecs\nencode\n");
	put_memo(&h, 'q', M_ENCODE);
	put_str(&h, "0"); /* the memo keeps it; the stack does not */
	put_unicode(&h, (const unsigned char *)"latin1", 6);
	put_memo(&h, 'q', M_LATIN1);
	put_str(&h, "0");
	put_memo(&h, 'h', M_ENCODE);
	put_unicode(&h, (const unsigned char *)"b", 1);
	put_memo(&h, 'h', M_LATIN1);
	put_str(&h, "\x86R");
	put_memo(&h, 'q', M_B);
	put_str(&h, "0");
	put_str(&h, "cnumpy\ndtype\n");
	put_memo(&h, 'q', M_DTYPE);
	put_str(&h, "0");
	put_reconstruct(&h);
	put_byte(&h, '(');
	put_int(&h, 1);
	put_int(&h, (long)w->count);
	put_byte(&h, 0x85);
	put_dtype(&h, "O8", "|", 63);
	put_str(&h, "\x89]");
	bbuf_put(&h, w->items.p, w->items.n);
	put_str(&h, "tb.");

	/* the .npy header, padded so the data starts on a 64-byte boundary */
	snprintf(dict, sizeof dict,
		 "{'descr': '|O', 'fortran_order': False, 'shape': (%zu,), }",
		 w->count);
	len = strlen(dict);
	total = (10 + len + 1 + 63) / 64 * 64;
	bbuf_put(out, "\x93NUMPY\x01\x00", 8);
	put_u16(x, (uint16_t)(total - 10));
	bbuf_put(out, x, 2);
	bbuf_put(out, dict, len);
	while (out->n < total - 1)
		put_byte(out, ' ');
	put_byte(out, '\n');
	bbuf_put(out, h.p, h.n);
	bbuf_free(&h);
	bbuf_free(&w->items);
}

static void zwrite(struct zip_writer *z, FILE *f, const void *p, size_t n)
{
	fwrite(p, 1, n, f);
	z->off += n;
	out_check(f);
}

int zip_add(struct zip_writer *z, FILE *f, const char *name,
	    const unsigned char *data, size_t len, int level)
{
	unsigned char h[46];
	unsigned char *packed = NULL;
	const unsigned char *body = data;
	size_t nlen = strlen(name), clen = len;
	uLong crc = crc32(0, data, (uInt)len);
	uLongf bound;
	z_stream s;

	if (len >= 0xffffffffu || z->off >= 0xffffffffu)
		die("%s: member too large for a zip without zip64", name);
	if (level > 0) {
		memset(&s, 0, sizeof s);
		if (deflateInit2(&s, level, Z_DEFLATED, -MAX_WBITS, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			die("zlib: cannot start deflate");
		bound = deflateBound(&s, (uLong)len);
		packed = xmalloc(bound);
		s.next_in = (unsigned char *)data;
		s.avail_in = (uInt)len;
		s.next_out = packed;
		s.avail_out = (uInt)bound;
		if (deflate(&s, Z_FINISH) != Z_STREAM_END)
			die("zlib: deflate failed");
		clen = s.total_out;
		deflateEnd(&s);
		body = packed;
	}
	memset(h, 0, sizeof h);
	put_u32(h, 0x04034b50);
	put_u16(h + 4, 20);
	put_u16(h + 8, level > 0 ? 8 : 0);
	put_u16(h + 12, 0x21); /* 1980-01-01 */
	put_u32(h + 14, (uint32_t)crc);
	put_u32(h + 18, (uint32_t)clen);
	put_u32(h + 22, (uint32_t)len);
	put_u16(h + 26, (uint16_t)nlen);
	/* the matching central directory entry */
	{
		unsigned char c[46];

		memset(c, 0, sizeof c);
		put_u32(c, 0x02014b50);
		put_u16(c + 4, 20);
		memcpy(c + 6, h + 4, 26);
		put_u32(c + 42, (uint32_t)z->off);
		bbuf_put(&z->dir, c, sizeof c);
		bbuf_put(&z->dir, name, nlen);
	}
	zwrite(z, f, h, 30);
	zwrite(z, f, name, nlen);
	zwrite(z, f, body, clen);
	free(packed);
	z->count++;
	return 0;
}

void zip_finish(struct zip_writer *z, FILE *f)
{
	unsigned char e[22];

	memset(e, 0, sizeof e);
	put_u32(e, 0x06054b50);
	put_u16(e + 8, (uint16_t)z->count);
	put_u16(e + 10, (uint16_t)z->count);
	put_u32(e + 12, (uint32_t)z->dir.n);
	put_u32(e + 16, (uint32_t)z->off);
	zwrite(z, f, z->dir.p, z->dir.n);
	zwrite(z, f, e, sizeof e);
	bbuf_free(&z->dir);
}
