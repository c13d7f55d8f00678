/*
 * npz.c: the .npz layer over zip.c, npy.c and pickle.c: the file read
 * whole, a split found by name, its arrays handed on one by one, a split
 * written as an archive member.  See npz.h for the contracts.
 */
#include "npz.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int slurp(struct npz *z, FILE *f)
{
	char *buf;
	int r = read_whole(f, NPZ_MAX_FILE, &buf, &z->len);

	z->buf = (unsigned char *)buf;
	if (r > 0)
		return data_error(z->name, NULL, 0,
				  "file larger than %zu bytes", NPZ_MAX_FILE);
	if (r < 0)
		return data_error(z->name, NULL, 0, "read error: %s",
				  strerror(errno));
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
		return data_error(name, NULL, 0, "empty input");
	if (z->len < 4 ||
	    (get_u32(z->buf) != 0x04034b50 && get_u32(z->buf) != 0x06054b50))
		return data_error(name, NULL, 0,
				  "not a zip (.npz) or .npy file");
	return zip_open(&z->zip, z->buf, z->len, name);
}

void npz_close(struct npz *z)
{
	zip_close(&z->zip);
	free(z->buf);
	memset(z, 0, sizeof *z);
}

const struct zip_member *npz_find(const struct npz *z, const char *name)
{
	size_t i, n = strlen(name);
	const struct zip_member *m, *npy = NULL;

	for (i = 0; i < z->zip.n; i++) {
		m = &z->zip.m[i];
		if (m->namelen == n && memcmp(m->name, name, n) == 0)
			return m;
		if (!npy && m->namelen == n + 4 &&
		    memcmp(m->name, name, n) == 0 &&
		    memcmp(m->name + n, ".npy", 4) == 0)
			npy = m;
	}
	return npy;
}

long npz_each(const unsigned char *b, size_t len, const char *where,
	      int (*fn)(void *ctx, size_t index, const struct npy_num *a),
	      void *ctx)
{
	struct npy_header h;
	struct npy_num v;
	const char *why = npy_parse_header(b, len, &h);
	int r;

	if (why)
		return data_error(where, NULL, 0, "%s", why);
	if (h.dt.kind == 'O')
		return pickle_each(b + h.data, len - h.data, where, fn, ctx);
	if (npy_array(b, len, &h, where, &v) < 0)
		return -1;
	if ((r = fn(ctx, 0, &v)) < 0)
		return r;
	return 1;
}

void npz_add(struct zip_writer *z, FILE *f, const char *name,
	     struct pickle_writer *w, int level)
{
	struct bbuf npy = {0};
	char member[64];

	snprintf(member, sizeof member, "%s.npy", name);
	npy_put_header(&npy, "|O", w->count);
	pickle_writer_finish(w, &npy);
	zip_add(z, f, member, npy.p, npy.n, level);
	bbuf_free(&npy);
}
