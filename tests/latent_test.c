/*
 * latent_test: the latent(5) API directly, where lerp cannot reach:
 * writers to a file other than stdout (latent_end), every finite
 * float bit pattern class through CSV and back exactly, and the reader on
 * thousands of corrupted streams (it must refuse or return valid vectors,
 * never crash; the sanitizer build checks memory).  Prints ok / not ok
 * lines; exits 1 on any failure.
 */
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "latent.h"
#include "util.h"

static int failed;

static void check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	failed |= !ok;
}

/* xorshift: a small generator of our own, so the test does not depend on
 * any other module's sequence. */
static uint32_t next_u32(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 32);
}

/* random_float: any finite float, subnormals and -0 included. */
static float random_float(uint64_t *s)
{
	uint32_t b;
	float f;

	do {
		b = next_u32(s);
		memcpy(&f, &b, 4);
	} while (!isfinite(f));
	return f;
}

/* fill: count vectors of dimension dim with random values and labels. */
static void fill(struct latent *v, size_t count, size_t dim, uint64_t *s)
{
	size_t i, k;

	for (i = 0; i < count; i++) {
		v[i].dim = dim;
		for (k = 0; k < dim; k++)
			v[i].z[k] = random_float(s);
		snprintf(v[i].key_id, sizeof v[i].key_id, "id %zu, \"q\"", i);
		snprintf(v[i].word, sizeof v[i].word, "%s",
			 i % 3 ? " cat" : "");
	}
}

static int same(const struct latent *a, const struct latent *b)
{
	return a->dim == b->dim && strcmp(a->key_id, b->key_id) == 0 &&
	       strcmp(a->word, b->word) == 0 &&
	       memcmp(a->z, b->z, a->dim * sizeof *a->z) == 0;
}

/* round_trip: write count vectors to a file in the form, read them back;
 * 1 when every vector comes back bit for bit and the end is clean. */
static int round_trip(int form, struct latent *v, size_t count, size_t dim)
{
	struct latent_writer w;
	struct latent_reader r;
	struct latent got;
	FILE *f = tmpfile();
	size_t i;
	int ok = 1;

	if (!f)
		die("tmpfile:");
	latent_start(&w, f, form, dim);
	for (i = 0; i < count; i++)
		latent_put(&w, &v[i]);
	latent_end(&w);
	rewind(f);
	latent_init(&got);
	if (latent_open(&r, f, "tmp") < 0 || r.form != form || r.dim != dim)
		ok = 0;
	for (i = 0; ok && i < count; i++)
		ok = latent_read(&r, &got) == 1 && same(&got, &v[i]);
	if (ok)
		ok = latent_read(&r, &got) == 0;
	latent_close(&r);
	latent_free(&got);
	fclose(f);
	return ok;
}

/* stream: the bytes of a small stream in the form, in *buf. */
static size_t stream(int form, struct latent *v, size_t count, size_t dim,
		     char **buf)
{
	struct latent_writer w;
	size_t size, i;
	FILE *f = open_memstream(buf, &size);

	if (!f)
		die("open_memstream:");
	latent_start(&w, f, form, dim);
	for (i = 0; i < count; i++)
		latent_put(&w, &v[i]);
	latent_end(&w);
	fclose(f);
	return size;
}

/* read_all: read a stream from memory; returns the reader's last result
 * (0 clean end, -1 refused), and sets *bad when a vector it returned
 * fails latent_check. */
static int read_all(const char *b, size_t n, int *bad)
{
	struct latent_reader r;
	struct latent v;
	FILE *f = fmemopen((void *)b, n, "r");
	int rc;

	if (!f)
		die("fmemopen:");
	latent_init(&v);
	rc = latent_open(&r, f, "fuzz");
	if (rc == 0)
		while ((rc = latent_read(&r, &v)) == 1)
			if (latent_check(&v) || v.dim != r.dim)
				*bad = 1;
	latent_close(&r);
	latent_free(&v);
	fclose(f);
	return rc;
}

/* fuzz: corrupt 1 to 4 bytes of the stream, or cut it, many times; the
 * reader must never return a bad vector.  Returns how many corruptions
 * were refused. */
static int fuzz(const char *orig, size_t n, int rounds, uint64_t *s, int *bad)
{
	char *b = xmalloc(n);
	int i, k, refused = 0;
	size_t len;

	for (i = 0; i < rounds; i++) {
		memcpy(b, orig, n);
		len = n;
		if (i % 5 == 4)
			len = next_u32(s) % n;
		else
			for (k = 0; k <= (int)(next_u32(s) % 4); k++)
				b[next_u32(s) % n] = (char)next_u32(s);
		refused += read_all(b, len, bad) < 0;
	}
	free(b);
	return refused;
}

int main(int argc, char **argv)
{
	enum { COUNT = 400, DIM = 128 };
	struct latent *v = xcalloc(COUNT, sizeof *v);
	uint64_t s = 0x9e3779b97f4a7c15u;
	char *bin, *csv, msg[128];
	size_t nbin, ncsv, i;
	int bad = 0, refused, devnull, saved;

	util_init(argv[0]);
	for (i = 0; i < COUNT; i++)
		latent_init(&v[i]);
	fill(v, COUNT, DIM, &s);
	v[0].z[0] = -0.0f;
	v[0].z[1] = 1.4e-45f;
	v[0].z[2] = -3.40282347e38f;
	v[1].key_id[0] = '\0';
	memset(v[2].word, 'w', LATENT_MAX_TEXT);
	v[2].word[LATENT_MAX_TEXT] = '\0';
	check(round_trip(LATENT_BINARY, v, COUNT, DIM),
	      "binary to a file and back: 51200 random floats bit for bit");
	check(round_trip(LATENT_CSV, v, COUNT, DIM),
	      "CSV to a file and back: 51200 random floats bit for bit");
	check(round_trip(LATENT_BINARY, v, 0, 3), "empty binary stream");
	check(round_trip(LATENT_CSV, v, 0, 3), "empty CSV stream");

	fill(v, 3, 4, &s); /* three short vectors to corrupt */
	nbin = stream(LATENT_BINARY, v, 3, 4, &bin);
	ncsv = stream(LATENT_CSV, v, 3, 4, &csv);
	check(read_all(bin, nbin, &bad) == 0 && read_all(csv, ncsv, &bad) == 0,
	      "the streams to corrupt read cleanly");
	fflush(stdout);
	devnull = open("/dev/null", O_WRONLY);
	saved = dup(2);
	dup2(devnull, 2); /* thousands of expected messages */
	refused = fuzz(bin, nbin, 4000, &s, &bad);
	dup2(saved, 2);
	snprintf(msg, sizeof msg,
		 "4000 corrupted binary streams: %d refused, none gave a bad "
		 "vector",
		 refused);
	check(!bad && refused > 1000, msg);
	dup2(devnull, 2);
	refused = fuzz(csv, ncsv, 4000, &s, &bad);
	dup2(saved, 2);
	snprintf(msg, sizeof msg,
		 "4000 corrupted CSV streams: %d refused, none gave a bad "
		 "vector",
		 refused);
	check(!bad && refused > 1000, msg);
	close(devnull);
	close(saved);
	free(bin);
	free(csv);
	for (i = 0; i < COUNT; i++)
		latent_free(&v[i]);
	free(v);
	return failed;
}
