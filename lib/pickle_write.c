/*
 * pickle_write.c: the pickle of an object .npy array of int16 [n,3]
 * stroke-3 arrays, written with protocol 2 as Python 3 writes it (numpy's
 * _reconstruct, dtype and _codecs.encode), so that np.load reads it with
 * or without encoding="latin1".  See pickle.h for the contract;
 * pickle.c reads such pickles.
 */
#include "pickle.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

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

void pickle_writer_init(struct pickle_writer *w)
{
	memset(w, 0, sizeof *w);
}

void pickle_writer_add(struct pickle_writer *w, const int16_t *rows, size_t n)
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

void pickle_writer_finish(struct pickle_writer *w, struct bbuf *out)
{
	/* the prologue: globals and constants in the memo */
	put_str(out, "\x80\x02");
	put_str(out, "cnumpy.core.multiarray\n_reconstruct\n");
	put_memo(out, 'q', M_RECON);
	put_str(out, "0cnumpy\nndarray\n");
	put_memo(out, 'q', M_NDARRAY);
	put_str(out, "0c_codecs\nencode\n");
	put_memo(out, 'q', M_ENCODE);
	put_str(out, "0"); /* the memo keeps it; the stack does not */
	put_unicode(out, (const unsigned char *)"latin1", 6);
	put_memo(out, 'q', M_LATIN1);
	put_str(out, "0");
	put_memo(out, 'h', M_ENCODE);
	put_unicode(out, (const unsigned char *)"b", 1);
	put_memo(out, 'h', M_LATIN1);
	put_str(out, "\x86R");
	put_memo(out, 'q', M_B);
	put_str(out, "0");
	put_str(out, "cnumpy\ndtype\n");
	put_memo(out, 'q', M_DTYPE);
	put_str(out, "0");
	put_reconstruct(out);
	put_byte(out, '(');
	put_int(out, 1);
	put_int(out, (long)w->count);
	put_byte(out, 0x85);
	put_dtype(out, "O8", "|", 63);
	put_str(out, "\x89]");
	bbuf_put(out, w->items.p, w->items.n);
	put_str(out, "tb.");
	pickle_writer_free(w);
}

void pickle_writer_free(struct pickle_writer *w)
{
	bbuf_free(&w->items);
}
