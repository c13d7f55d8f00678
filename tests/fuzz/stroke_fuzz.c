/*
 * stroke_fuzz: a libFuzzer harness for the stroke(5) stream reader
 * (stroke.h: stroke_open, stroke_read).  The input is read as a stream
 * from a memory FILE to its first refusal or its clean end:
 *
 *   - a refusal (-1) must come with its message, a success with none
 *     (fuzz.h), and the reader must not end the process;
 *   - the header and every drawing read must pass header_check and
 *     drawing_check, as stroke_put needs;
 *   - the drawings read are written again with stroke_start, stroke_put
 *     and stroke_end (which end the program on a drawing that fails its
 *     check) and read back: the same header, the same drawings bit for
 *     bit, then the clean end.
 */
#include "fuzz.h"
#include "stroke.h"

struct list {
	struct drawing *d;
	size_t n, cap;
};

static void keep(struct list *l, const struct drawing *d)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->d = realloc(l->d, l->cap * sizeof *l->d);
		if (!l->d)
			abort();
	}
	drawing_init(&l->d[l->n]);
	drawing_copy(&l->d[l->n++], d);
}

static int same(const struct drawing *x, const struct drawing *y)
{
	if (strcmp(x->key_id, y->key_id) || strcmp(x->word, y->word) ||
	    strcmp(x->country, y->country) || x->recognized != y->recognized ||
	    x->n != y->n)
		return 0;
	for (size_t i = 0; i < x->n; i++)
		if (memcmp(&x->p[i].dx, &y->p[i].dx, sizeof x->p[i].dx) ||
		    memcmp(&x->p[i].dy, &y->p[i].dy, sizeof x->p[i].dy) ||
		    x->p[i].pen != y->p[i].pen)
			return 0;
	return 1;
}

/* rewrite: write h and l's drawings as a stream, read it back. */
static void rewrite(const struct stroke_header *h, const struct list *l)
{
	struct stroke_writer w;
	struct stroke_reader r;
	struct drawing d;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f)
		abort();
	stroke_start(&w, f, h);
	for (i = 0; i < l->n; i++)
		stroke_put(&w, &l->d[i]);
	stroke_end(&w);
	if (fclose(f) != 0)
		abort();
	f = fmemopen(buf, len, "rb");
	if (!f)
		abort();
	drawing_init(&d);
	msg_begin();
	rc = stroke_open(&r, f, "again");
	msg_end(rc < 0);
	if (rc < 0)
		fail("the stream written again is refused");
	if (r.h.version != h->version || r.h.flags != h->flags ||
	    memcmp(&r.h.scale, &h->scale, sizeof h->scale))
		fail("the header written again reads differently");
	for (i = 0;; i++) {
		msg_begin();
		rc = stroke_read(&r, &d);
		msg_end(rc < 0);
		if (rc < 0)
			fail("record %zu written again is refused", i + 1);
		if (rc == 0)
			break;
		if (i >= l->n || !same(&d, &l->d[i]))
			fail("record %zu written again reads differently",
			     i + 1);
	}
	if (i != l->n)
		fail("%zu records written again, %zu read", l->n, i);
	drawing_free(&d);
	fclose(f);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stroke_reader r;
	struct drawing d;
	struct list l = {0};
	const char *why;
	char *copy;
	FILE *f = mem_file(data, size, &copy);
	int rc;

	fuzz_init("stroke");
	drawing_init(&d);
	msg_begin();
	rc = stroke_open(&r, f, "input");
	msg_end(rc < 0);
	if (rc == 0) {
		if ((why = header_check(&r.h)))
			fail("a header taken fails header_check: %s", why);
		do {
			msg_begin();
			rc = stroke_read(&r, &d);
			msg_end(rc < 0);
			if (rc == 1 && (why = drawing_check(&d)))
				fail("drawing %lu taken fails drawing_check: "
				     "%s",
				     r.record, why);
			if (rc == 1)
				keep(&l, &d);
		} while (rc == 1);
		rewrite(&r.h, &l);
	}
	for (size_t i = 0; i < l.n; i++)
		drawing_free(&l.d[i]);
	free(l.d);
	drawing_free(&d);
	fclose(f);
	free(copy);
	return 0;
}
