/*
 * latent_fuzz: a libFuzzer harness for the latent(5) reader (latent.h:
 * latent_open, latent_read, latent_close), binary and CSV (through
 * libcsv).  The input is read from a memory FILE to its first refusal or
 * its clean end:
 *
 *   - a refusal (-1) must come with its message, a success with none
 *     (fuzz.h), and the reader must not end the process; after a refusal
 *     latent_read must keep returning -1;
 *   - every vector read must pass latent_check and have the stream's
 *     dimension;
 *   - the vectors read are written again in both forms (latent_start,
 *     latent_put, latent_end, which end the program on a vector that
 *     fails its check) and read back: the same form, dimension and
 *     vectors bit for bit, then the clean end.
 */
#include "fuzz.h"
#include "latent.h"

struct list {
	struct latent *v;
	size_t n, cap;
};

static void keep(struct list *l, const struct latent *v)
{
	struct latent *c;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (!l->v)
			abort();
	}
	c = &l->v[l->n++];
	latent_init(c);
	memcpy(c->key_id, v->key_id, sizeof c->key_id);
	memcpy(c->word, v->word, sizeof c->word);
	c->dim = v->dim;
	memcpy(c->z, v->z, v->dim * sizeof *v->z);
}

static int same(const struct latent *x, const struct latent *y)
{
	return !strcmp(x->key_id, y->key_id) && !strcmp(x->word, y->word) &&
	       x->dim == y->dim && !memcmp(x->z, y->z, x->dim * sizeof *x->z);
}

/* rewrite: l's vectors of dimension dim in the given form, read back. */
static void rewrite(const struct list *l, int form, size_t dim)
{
	struct latent_writer w;
	struct latent_reader r;
	struct latent v;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f)
		abort();
	latent_start(&w, f, form, dim);
	for (i = 0; i < l->n; i++)
		latent_put(&w, &l->v[i]);
	latent_end(&w);
	if (fclose(f) != 0)
		abort();
	f = fmemopen(buf, len, "rb");
	if (!f)
		abort();
	latent_init(&v);
	msg_begin();
	rc = latent_open(&r, f, "again");
	msg_end(rc < 0);
	if (rc < 0)
		fail("the stream written again (form %d) is refused", form);
	if (r.form != form || r.dim != dim)
		fail("written again as form %d dimension %zu, read as form %d "
		     "dimension %zu",
		     form, dim, r.form, r.dim);
	for (i = 0;; i++) {
		msg_begin();
		rc = latent_read(&r, &v);
		msg_end(rc < 0);
		if (rc < 0)
			fail("vector %zu written again (form %d) is refused",
			     i + 1, form);
		if (rc == 0)
			break;
		if (i >= l->n || !same(&v, &l->v[i]))
			fail("vector %zu written again (form %d) reads "
			     "differently",
			     i + 1, form);
	}
	if (i != l->n)
		fail("%zu vectors written again (form %d), %zu read", l->n,
		     form, i);
	latent_close(&r);
	latent_free(&v);
	fclose(f);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct latent_reader r;
	struct latent v;
	struct list l = {0};
	const char *why;
	char *copy;
	FILE *f = mem_file(data, size, &copy);
	int rc;

	fuzz_init("latent");
	latent_init(&v);
	msg_begin();
	rc = latent_open(&r, f, "input");
	msg_end(rc < 0);
	if (rc == 0) {
		if (r.dim < 1 || r.dim > LATENT_MAX_DIM)
			fail("a stream of dimension %zu taken", r.dim);
		do {
			msg_begin();
			rc = latent_read(&r, &v);
			msg_end(rc < 0);
			if (rc == 1 && (why = latent_check(&v)))
				fail("vector %lu taken fails latent_check: %s",
				     r.record, why);
			if (rc == 1 && v.dim != r.dim)
				fail("vector %lu of dimension %zu in a stream "
				     "of %zu",
				     r.record, v.dim, r.dim);
			if (rc == 1)
				keep(&l, &v);
		} while (rc == 1);
		if (rc < 0) {
			msg_begin();
			rc = latent_read(&r, &v);
			msg_end(0);
			if (rc != -1)
				fail("latent_read gave %d after a refusal", rc);
		}
		rewrite(&l, LATENT_BINARY, r.dim);
		rewrite(&l, LATENT_CSV, r.dim);
	}
	latent_close(&r);
	for (size_t i = 0; i < l.n; i++)
		latent_free(&l.v[i]);
	free(l.v);
	latent_free(&v);
	fclose(f);
	free(copy);
	return 0;
}
