/*
 * pickle.c: the pickle of an object .npy array read (pickle_write.c
 * writes one).  See pickle.h for the contracts and limits.
 *
 * Reading is a stack machine over the opcodes that numpy's ndarray and
 * dtype reductions produce (the switch in step()).  Objects live in one
 * array and refer to each other by index; strings point into the pickle
 * itself.
 */
#include "pickle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

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
		struct npy_dtype dt;
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

static int op_error(struct pickle *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* op_error: data_error at the opcode being run, "where: pickle at byte N:
 * what" (the byte offset follows ": ", not ":"). */
static int op_error(struct pickle *k, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return data_error(k->where, NULL, 0, "pickle at byte %zu: %s", k->op,
			  what);
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
		return op_error(k, "more than %zu objects", PICKLE_MAX_OBJECTS);
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
		return op_error(k, "stack underflow");
	*o = k->stack[--k->nstack];
	return 0;
}

static int need(struct pickle *k, size_t n)
{
	if (n > k->len - k->pos)
		return op_error(k,
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
		return op_error(k, "negative string length");
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
		return op_error(k, "stack underflow");
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
		return op_error(k, "no mark on the stack");
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
	size_t n = 1, i, lst, floor;
	struct pobj *l;

	if (marked && pop_mark(k, &n) < 0)
		return -1;
	/* the list and the items lie above the mark below them, as for pop:
	 * an append that reached under a mark left the mark above the stack,
	 * and the next APPENDS counted a negative number of items */
	floor = k->nmarks ? k->marks[k->nmarks - 1] : 0;
	if (k->nstack - floor < n + 1)
		return op_error(k, "stack underflow");
	lst = k->stack[k->nstack - n - 1];
	l = &k->obj[lst];
	if (l->t != P_LIST)
		return op_error(k, "append to something that is not a list");
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
		return op_error(k, "memo put with an empty stack");
	if (idx > k->nobj + 16)
		return op_error(k, "memo index %llu out of range",
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
		return op_error(k, "memo index %llu not defined",
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
		return op_error(k, "unsupported global %.*s.%.*s",
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
		return op_error(k, "unterminated global name");
	name = nl + 1;
	nl = memchr(name, '\n', k->len - (size_t)(name - k->b));
	if (!nl)
		return op_error(k, "unterminated global name");
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
		return op_error(k, "STACK_GLOBAL needs two strings");
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
	struct npy_dtype t;
	char descr[16];
	const char *why;

	if (args->u.tup.n < 1 || (s = tuple_item(k, args, 0))->t == P_NONE ||
	    (s->t != P_TEXT && s->t != P_BYTES) || s->u.s.n >= sizeof descr)
		return op_error(k, "dtype() needs a short type string");
	memcpy(descr, s->u.s.p, s->u.s.n);
	descr[s->u.s.n] = '\0';
	if (strlen(descr) != s->u.s.n)
		return op_error(k, "NUL in a dtype string");
	if ((why = npy_parse_dtype(descr, &t)))
		return op_error(k, "dtype '%s': %s", descr, why);
	if (push_new(k, P_DTYPE, &o) < 0)
		return -1;
	o->u.dt = t;
	return 0;
}

static int set_shape(struct pickle *k, struct pobj *a, struct pobj *shape)
{
	size_t i;
	struct pobj *d;

	if (shape->t != P_TUPLE)
		return op_error(k, "array shape is not a tuple");
	if (shape->u.tup.n > 2 || shape->u.tup.n < 1)
		return op_error(k, "array has %zu dimensions (want 1 or 2)",
				shape->u.tup.n);
	a->u.a.ndim = (int)shape->u.tup.n;
	for (i = 0; i < shape->u.tup.n; i++) {
		d = tuple_item(k, shape, i);
		if (!is_int(d) || d->u.i < 0)
			return op_error(k, "array dimension is not a count");
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
			return op_error(k, "absurd array shape");
		n *= a->u.a.shape[1];
	}
	if (dt->u.dt.kind == 'O') {
		if (data->t != P_LIST)
			return op_error(k, "object array data is not a list");
		if (data->u.list.n != n)
			return op_error(k,
					"object array holds %zu items, its "
					"shape says %llu",
					data->u.list.n, (unsigned long long)n);
		return 0;
	}
	if (data->t != P_BYTES)
		return op_error(k, "array data is not a byte string");
	if (n > UINT64_MAX / 8 || data->u.s.n != n * (uint64_t)dt->u.dt.size)
		return op_error(k,
				"array data is %zu bytes, its shape says %llu "
				"elements of %d bytes",
				data->u.s.n, (unsigned long long)n,
				dt->u.dt.size);
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
		return op_error(k, "_frombuffer() needs (bytes, dtype, shape, "
				   "order)");
	ord = tuple_item(k, t, 3);
	if (ord->t != P_TEXT || ord->u.s.n != 1 ||
	    (ord->u.s.p[0] != 'C' && ord->u.s.p[0] != 'F'))
		return op_error(k, "_frombuffer() order is not 'C' or 'F'");
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
		return op_error(k, "_frombuffer() of an object dtype");
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
		return op_error(k, "only _codecs.encode(str, 'latin1') is "
				   "supported");
	if (s->u.s.n > k->len - k->nbytes)
		return op_error(k, "decoded strings exceed the pickle's size");
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
			return op_error(k, "string is not latin-1 text");
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
		return op_error(k, "REDUCE needs a known callable and a tuple");
	switch (f->u.g) {
	case G_RECONSTRUCT:
		if (a->u.tup.n < 1 || tuple_item(k, a, 0)->t != P_GLOBAL ||
		    tuple_item(k, a, 0)->u.g != G_NDARRAY)
			return op_error(k, "_reconstruct() of something other "
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
			return op_error(k, "bytes() with arguments");
		if (push_new(k, P_BYTES, &o) < 0)
			return -1;
		o->u.s.p = k->b;
		return 0;
	}
	return op_error(k, "numpy.ndarray cannot be called directly");
}

static int build_dtype(struct pickle *k, struct pobj *dt, struct pobj *st)
{
	struct pobj *ord;

	if (st->t != P_TUPLE || st->u.tup.n < 2)
		return op_error(k, "dtype state is not a tuple");
	ord = tuple_item(k, st, 1);
	if ((ord->t != P_TEXT && ord->t != P_BYTES) || ord->u.s.n != 1)
		return op_error(k, "dtype byte order is not one character");
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
		return op_error(k, "bad dtype byte order");
	}
	return 0;
}

/* ndarray.__setstate__((version, shape, dtype, fortran, data)) */
static int build_array(struct pickle *k, size_t ai, struct pobj *st)
{
	struct pobj *a = &k->obj[ai], *dt, *fo;
	size_t off = 0;

	if (a->u.a.built)
		return op_error(k, "array state set twice");
	if (st->t != P_TUPLE || (st->u.tup.n != 5 && st->u.tup.n != 4))
		return op_error(k, "array state is not a 4- or 5-tuple");
	if (st->u.tup.n == 5) {
		if (!is_int(tuple_item(k, st, 0)))
			return op_error(k,
					"array state version is not a number");
		off = 1;
	}
	dt = tuple_item(k, st, off + 1);
	fo = tuple_item(k, st, off + 2);
	if (dt->t != P_DTYPE)
		return op_error(k, "array state has no dtype");
	if (!is_int(fo))
		return op_error(k, "array fortran flag is not a boolean");
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
		return op_error(k, "stack underflow");
	o = k->stack[k->nstack - 1];
	if (k->obj[o].t == P_DTYPE)
		return build_dtype(k, &k->obj[o], &k->obj[st]);
	if (k->obj[o].t == P_ARRAY)
		return build_array(k, o, &k->obj[st]);
	return op_error(k, "BUILD on something other than an array or dtype");
}

static int op_long1(struct pickle *k)
{
	uint64_t n, v;

	if (arg_uint(k, 1, &n) < 0)
		return -1;
	if (n > 8)
		return op_error(k, "integer wider than 64 bits");
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
		return op_error(k, "frame runs past the end of the data");
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
		return op_error(k, "pickle protocol %llu (want 2 to 5)",
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
		return op_error(k, "out-of-band buffers are not supported");
	}
	return op_error(k, "unsupported pickle opcode 0x%02x", c);
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
				return op_error(k,
						"STOP with %zu objects on the "
						"stack",
						k->nstack);
			*top = k->stack[0];
			return 0;
		}
	}
	k->op = k->pos;
	return op_error(k, "truncated pickle (no STOP)");
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

long pickle_each(const unsigned char *b, size_t len, const char *where,
		 int (*fn)(void *ctx, size_t index, const struct npy_num *a),
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
		op_error(&k, "not a 1-D object array");
		goto out;
	}
	list = &k.obj[top->u.a.data];
	for (i = 0; i < list->u.list.n; i++) {
		e = &k.obj[list->u.list.item[i]];
		if (e->t != P_ARRAY || !e->u.a.built ||
		    k.obj[e->u.a.dtype].u.dt.kind == 'O' || e->u.a.ndim != 2) {
			data_error(where, "index", i,
				   "element is not a 2-D numeric array");
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
