/*
 * npz_fuzz: a libFuzzer harness for the .npz reader (npz.h: npz_open,
 * npz_find, npz_each; zip.h: zip_extract; npy.h and pickle.h below them),
 * the whole file as npz2stroke reads it, from a memory FILE.
 *
 *   - a refusal (-1) must come with its message, a success with none
 *     (fuzz.h), and the readers must not end the process;
 *   - a bare .npy file is read as one array image; in an archive, every
 *     member (not only train, valid and test) is extracted, must have the
 *     size its directory entry says, and is read as an array image;
 *   - npz_find must find train, valid and test as numpy's NpzFile does:
 *     the member of that name, else the first of that name and .npy;
 *   - every array handed on is converted as npz2stroke does it
 *     (npy_to_drawing); a drawing taken must pass drawing_check.
 */
#include "fuzz.h"
#include "npz.h"

static int take(void *ctx, size_t index, const struct npy_num *a)
{
	struct drawing *d = ctx;
	const char *why;

	drawing_clear(d);
	if ((why = npy_to_drawing(a, d)))
		return data_error("input", "index", index, "%s", why);
	if ((why = drawing_check(d)))
		fail("array %zu taken fails drawing_check: %s", index, why);
	return 0;
}

/* find: the member npz_find must give: called name, else the first called
 * name.npy. */
static const struct zip_member *find(const struct npz *z, const char *name)
{
	char full[64];
	size_t n;

	snprintf(full, sizeof full, "%s.npy", name);
	for (int k = 0; k < 2; k++) {
		n = strlen(k ? full : name);
		for (size_t i = 0; i < z->zip.n; i++)
			if (z->zip.m[i].namelen == n &&
			    !memcmp(z->zip.m[i].name, k ? full : name, n))
				return &z->zip.m[i];
	}
	return NULL;
}

static void each(const unsigned char *b, size_t len, struct drawing *d)
{
	long n;

	msg_begin();
	n = npz_each(b, len, "input", take, d);
	msg_end(n < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *split[] = {"train", "valid", "test"};
	struct npz z;
	struct drawing d;
	const struct zip_member *m;
	unsigned char *buf;
	size_t len;
	char *copy;
	FILE *f = mem_file(data, size, &copy);
	int rc;

	fuzz_init("npz");
	drawing_init(&d);
	msg_begin();
	rc = npz_open(&z, f, "input");
	msg_end(rc < 0);
	if (rc == 0 && z.is_npy) {
		if (z.len != size || memcmp(z.buf, data, size))
			fail("the .npy file read is not the input");
		each(z.buf, z.len, &d);
	} else if (rc == 0) {
		for (size_t i = 0; i < 3; i++)
			if (npz_find(&z, split[i]) != find(&z, split[i]))
				fail("npz_find finds another %s", split[i]);
		for (size_t i = 0; i < z.zip.n; i++) {
			m = &z.zip.m[i];
			msg_begin();
			rc = zip_extract(&z.zip, m, &buf, &len);
			msg_end(rc < 0);
			if (rc < 0)
				continue;
			if (len != m->usize)
				fail("member %zu: %zu bytes extracted, %llu in "
				     "its entry",
				     i, len, (unsigned long long)m->usize);
			each(buf, len, &d);
			free(buf);
		}
	}
	npz_close(&z);
	drawing_free(&d);
	fclose(f);
	free(copy);
	return 0;
}
