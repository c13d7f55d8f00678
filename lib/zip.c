/*
 * zip.c: zip archives for .npz files: the central directory (and zip64)
 * read, members inflated and checked, an archive of stored or deflated
 * members written.  See zip.h for the contracts and limits.
 */
#include "zip.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util.h"

/* ---- reading ---- */

/* The zip64 end record, when the 32-bit one says its fields overflowed. */
static int read_eocd64(struct zip *z, size_t eocd, uint64_t *count,
		       uint64_t *dsize, uint64_t *doff)
{
	const unsigned char *b = z->buf;
	uint64_t at;

	if (eocd < 20 || get_u32(b + eocd - 20) != 0x07064b50)
		return data_error(z->name, NULL, 0,
				  "zip: zip64 locator missing");
	at = get_u64(b + eocd - 20 + 8);
	if (at > eocd - 20 || eocd - 20 - at < 56 ||
	    get_u32(b + at) != 0x06064b50)
		return data_error(z->name, NULL, 0,
				  "zip: bad zip64 end of central directory");
	if (get_u32(b + at + 16) != 0 || get_u32(b + at + 20) != 0)
		return data_error(z->name, NULL, 0,
				  "zip: multi-disk archives are not supported");
	*count = get_u64(b + at + 32);
	*dsize = get_u64(b + at + 40);
	*doff = get_u64(b + at + 48);
	return 0;
}

static int find_eocd(struct zip *z, size_t *eocd)
{
	size_t i, lo;

	if (z->len < 22)
		return data_error(z->name, NULL, 0,
				  "zip: too short for an archive (%zu bytes)",
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
	return data_error(z->name, NULL, 0,
			  "zip: no end of central directory record");
}

/* Apply a zip64 extra field to the 32-bit sizes that are 0xffffffff. */
static int zip64_extra(struct zip *z, struct zip_member *m,
		       const unsigned char *e, size_t elen, int wide[3])
{
	uint64_t *v[3] = {&m->usize, &m->csize, &m->offset};
	size_t at, k, size, pos;

	for (at = 0; at + 4 <= elen; at += 4 + size) {
		size = get_u16(e + at + 2);
		if (at + 4 + size > elen)
			return data_error(
			    z->name, NULL, 0,
			    "zip: extra field overruns its entry");
		if (get_u16(e + at) != 1)
			continue;
		pos = at + 4;
		for (k = 0; k < 3; k++) {
			if (!wide[k])
				continue;
			if (pos + 8 > at + 4 + size)
				return data_error(z->name, NULL, 0,
						  "zip: short zip64 field");
			*v[k] = get_u64(e + pos);
			pos += 8;
			wide[k] = 0;
		}
	}
	if (wide[0] || wide[1] || wide[2])
		return data_error(z->name, NULL, 0,
				  "zip: size 0xffffffff without a zip64 field");
	return 0;
}

static int read_entry(struct zip *z, size_t *at, size_t end,
		      struct zip_member *m)
{
	const unsigned char *b = z->buf + *at;
	size_t nlen, elen, clen;
	int wide[3];

	if (end - *at < 46 || get_u32(b) != 0x02014b50)
		return data_error(
		    z->name, NULL, 0,
		    "zip: bad central directory entry at byte %zu", *at);
	nlen = get_u16(b + 28);
	elen = get_u16(b + 30);
	clen = get_u16(b + 32);
	if (end - *at - 46 < nlen + elen + clen)
		return data_error(z->name, NULL, 0,
				  "zip: central directory entry overruns it");
	if (get_u16(b + 8) & 1)
		return data_error(z->name, NULL, 0,
				  "zip: encrypted members are not supported");
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

static int read_directory(struct zip *z)
{
	size_t eocd = 0, i, at;
	uint64_t count = 0, dsize = 0, doff = 0;
	const unsigned char *e;

	if (find_eocd(z, &eocd) < 0)
		return -1;
	e = z->buf + eocd;
	if (get_u16(e + 4) != 0 || get_u16(e + 6) != 0)
		return data_error(z->name, NULL, 0,
				  "zip: multi-disk archives are not supported");
	count = get_u16(e + 10);
	dsize = get_u32(e + 12);
	doff = get_u32(e + 16);
	if ((count == 0xffff || dsize == 0xffffffff || doff == 0xffffffff) &&
	    read_eocd64(z, eocd, &count, &dsize, &doff) < 0)
		return -1;
	if (doff > eocd || dsize > eocd - doff)
		return data_error(
		    z->name, NULL, 0,
		    "zip: central directory lies outside the file");
	if (count > dsize / 46)
		return data_error(z->name, NULL, 0,
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

int zip_open(struct zip *z, const unsigned char *buf, size_t len,
	     const char *name)
{
	memset(z, 0, sizeof *z);
	z->name = name;
	z->buf = buf;
	z->len = len;
	return read_directory(z);
}

void zip_close(struct zip *z)
{
	free(z->m);
	memset(z, 0, sizeof *z);
}

/* inflate_member: m's deflated bytes src into dst (m->usize bytes);
 * NULL, or what is wrong. */
static const char *inflate_member(const struct zip_member *m,
				  const unsigned char *src, unsigned char *dst)
{
	z_stream s;
	int rc;

	memset(&s, 0, sizeof s);
	if (inflateInit2(&s, -MAX_WBITS) != Z_OK)
		return "zlib: cannot start inflate";
	s.next_in = (unsigned char *)src;
	s.avail_in = (uInt)m->csize;
	s.next_out = dst;
	s.avail_out = (uInt)m->usize;
	rc = inflate(&s, Z_FINISH);
	inflateEnd(&s);
	if (rc == Z_STREAM_END && s.total_out == m->usize)
		return NULL;
	if (rc == Z_DATA_ERROR)
		return "corrupt deflate data";
	if (s.avail_out == 0)
		return "inflates to more than its stated size";
	if (rc == Z_STREAM_END)
		return "inflates to less than its stated size";
	return "truncated deflate data";
}

/* member_data: where m's data starts, once its local header and sizes
 * are checked; NULL, or what is wrong. */
static const char *member_data(const struct zip *z, const struct zip_member *m,
			       uint64_t *data)
{
	const unsigned char *b;

	if (m->offset > z->len || z->len - m->offset < 30 ||
	    get_u32(z->buf + m->offset) != 0x04034b50)
		return "bad local header (truncated or corrupt zip)";
	b = z->buf + m->offset;
	*data = m->offset + 30 + get_u16(b + 26) + get_u16(b + 28);
	if (*data > z->len || m->csize > z->len - *data)
		return "member data runs past the end of the file "
		       "(truncated zip)";
	if (m->usize > ZIP_MAX_MEMBER)
		return "member too large (limit 1 GiB inflated)";
	if (m->method == 0 && m->csize != m->usize)
		return "stored member with two different sizes";
	if (m->method == 8 && m->usize > m->csize * 1032 + 64)
		return "stated size is impossible for its compressed size";
	if (m->method != 0 && m->method != 8)
		return "compression method is not stored or deflated";
	return NULL;
}

int zip_extract(const struct zip *z, const struct zip_member *m,
		unsigned char **out, size_t *outlen)
{
	uint64_t data = 0;
	unsigned char *dst = NULL;
	const char *why = member_data(z, m, &data);

	*out = NULL;
	if (!why) {
		dst = xmalloc((size_t)m->usize);
		if (m->method == 0)
			memcpy(dst, z->buf + data, (size_t)m->usize);
		else
			why = inflate_member(m, z->buf + data, dst);
	}
	if (!why && crc32(0, dst, (uInt)m->usize) != m->crc)
		why = "CRC mismatch (corrupt member)";
	if (why) {
		free(dst);
		/* the position is the member's name, not a count */
		warnmsg("%s:%.*s: %s", z->name, (int)m->namelen, m->name, why);
		return -1;
	}
	*out = dst;
	*outlen = (size_t)m->usize;
	return 0;
}

/* ---- writing ---- */

static void zwrite(struct zip_writer *z, FILE *f, const void *p, size_t n)
{
	fwrite(p, 1, n, f);
	z->off += n;
	out_check(f);
}

/* deflate_data: len bytes raw-deflated at level into a new buffer of
 * *clen bytes. */
static unsigned char *deflate_data(const unsigned char *data, size_t len,
				   int level, size_t *clen)
{
	unsigned char *packed;
	uLongf bound;
	z_stream s;

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
	*clen = s.total_out;
	deflateEnd(&s);
	return packed;
}

/* dir_entry: the central directory entry matching local header h (30
 * bytes) of the member about to be written at z->off. */
static void dir_entry(struct zip_writer *z, const unsigned char *h,
		      const char *name, size_t nlen)
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

int zip_add(struct zip_writer *z, FILE *f, const char *name,
	    const unsigned char *data, size_t len, int level)
{
	unsigned char h[30];
	unsigned char *packed = NULL;
	size_t nlen = strlen(name), clen = len;
	uLong crc = crc32(0, data, (uInt)len);

	if (len >= 0xffffffffu || z->off >= 0xffffffffu)
		die("%s: member too large for a zip without zip64", name);
	if (level > 0)
		packed = deflate_data(data, len, level, &clen);
	memset(h, 0, sizeof h);
	put_u32(h, 0x04034b50);
	put_u16(h + 4, 20);
	put_u16(h + 8, level > 0 ? 8 : 0);
	put_u16(h + 12, 0x21); /* 1980-01-01 */
	put_u32(h + 14, (uint32_t)crc);
	put_u32(h + 18, (uint32_t)clen);
	put_u32(h + 22, (uint32_t)len);
	put_u16(h + 26, (uint16_t)nlen);
	dir_entry(z, h, name, nlen);
	zwrite(z, f, h, sizeof h);
	zwrite(z, f, name, nlen);
	zwrite(z, f, packed ? packed : data, clen);
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
