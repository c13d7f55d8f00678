/*
 * stroke.c: read and write stroke(5) streams.  Validation lives here once,
 * so every filter rejects the same bad input with the same message.
 * It does not interpret the points beyond their absolute positions
 * (stroke_positions) and their spread (stroke_offsets_std).
 */
#include "stroke.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "bytes.h"
#include "frame.h"
#include "util.h"

#define POINT_SIZE 9

static struct stroke_writer out; /* stroke_write's, on stdout */

void drawing_init(struct drawing *d)
{
	memset(d, 0, sizeof *d);
	d->recognized = RECOGNIZED_UNKNOWN;
}

void drawing_free(struct drawing *d)
{
	free(d->p);
	drawing_init(d);
}

void drawing_clear(struct drawing *d)
{
	d->key_id[0] = d->word[0] = '\0';
	memset(d->country, 0, sizeof d->country); /* "" is all zero bytes */
	d->recognized = RECOGNIZED_UNKNOWN;
	d->n = 0;
}

int drawing_reserve(struct drawing *d, size_t n)
{
	size_t cap = d->cap ? d->cap : 64;

	if (n <= d->cap)
		return 0;
	if (n > STROKE_MAX_POINTS)
		return -1;
	while (cap < n)
		cap *= 2;
	d->p = xreallocarray(d->p, cap, sizeof *d->p);
	d->cap = cap;
	return 0;
}

int drawing_push(struct drawing *d, float dx, float dy, int pen)
{
	if (d->n >= STROKE_MAX_POINTS)
		return -1;
	if (d->n == d->cap)
		drawing_reserve(d, d->n + 1);
	d->p[d->n].dx = dx;
	d->p[d->n].dy = dy;
	d->p[d->n].pen = (unsigned char)pen;
	d->n++;
	return 0;
}

void drawing_copy(struct drawing *dst, const struct drawing *src)
{
	struct stroke_point *p = dst->p;
	size_t cap = dst->cap;

	*dst = *src;
	dst->p = p;
	dst->cap = cap;
	dst->n = 0;
	if (src->n >
	    cap) { /* exactly: programs that hold drawings keep copies */
		dst->p = xreallocarray(p, src->n, sizeof *dst->p);
		dst->cap = src->n;
	}
	if (src->n)
		memcpy(dst->p, src->p, src->n * sizeof *src->p);
	dst->n = src->n;
}

static int text_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int country_ok(const char *c)
{
	if (c[0] == '\0')
		return c[1] == '\0';
	return c[0] > 0x20 && c[0] < 0x7f && c[1] > 0x20 && c[1] < 0x7f &&
	       c[2] == '\0';
}

/* point_check: NULL if the point is within limits. */
static const char *point_check(const struct stroke_point *p)
{
	if (fabsf(p->dx) <= STROKE_MAX_ABS && fabsf(p->dy) <= STROKE_MAX_ABS &&
	    p->pen <= 1)
		return NULL; /* the common case, in one test */
	if (!isfinite(p->dx) || !isfinite(p->dy))
		return "offset is not a finite number";
	if (fabsf(p->dx) > STROKE_MAX_ABS || fabsf(p->dy) > STROKE_MAX_ABS)
		return "offset is absurdly large";
	if (p->pen > 1)
		return "pen is not 0 or 1";
	return NULL;
}

/* encode_points: n points as stroke(5) bytes into b, with no branch per
 * point; -1 when one of them fails point_check (the caller finds it).
 * The test is on the bits: |dx| (the low 31 bits of dx) is at most
 * STROKE_MAX_ABS, and not NaN, exactly when adding 0x7fffffff less the
 * bits of STROKE_MAX_ABS leaves bit 31 clear; dy the same in the high
 * word (neither sum carries into the other). */
static int encode_points(unsigned char *b, const struct stroke_point *p,
			 size_t n)
{
	const float max = STROKE_MAX_ABS;
	uint32_t lim;
	uint64_t add, over = 0, v;
	unsigned pens = 0;
	size_t k;

	memcpy(&lim, &max, 4);
	add = (0x7fffffffull - lim) * 0x100000001ull;
	for (k = 0; k < n; k++, b += POINT_SIZE) {
		uint32_t dx, dy;

		memcpy(&dx, &p[k].dx, 4);
		memcpy(&dy, &p[k].dy, 4);
		v = (uint64_t)dy << 32 | dx;
		over |= (v & 0x7fffffff7fffffffull) + add;
		pens |= p[k].pen;
		put_u32(b, dx);
		put_u32(b + 4, dy);
		b[8] = p[k].pen;
	}
	return over & 0x8000000080000000ull || pens > 1 ? -1 : 0;
}

uint32_t stroke_points_crc(uint32_t crc, const struct drawing *d)
{
	unsigned char b[POINT_SIZE * 256];
	size_t i, chunk;

	for (i = 0; i < d->n; i += chunk) {
		chunk = d->n - i < 256 ? d->n - i : 256;
		encode_points(b, d->p + i, chunk);
		crc = (uint32_t)crc32(crc, b, (uInt)(chunk * POINT_SIZE));
	}
	return crc;
}

size_t stroke_offsets_count(const struct drawing *d, size_t n)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		count += 2 * d[i].n;
	return count;
}

double stroke_offsets_std(const struct drawing *d, size_t n)
{
	double sum = 0, ss = 0, mean;
	size_t i, k, count = stroke_offsets_count(d, n);

	if (count == 0)
		return 0;
	for (i = 0; i < n; i++)
		for (k = 0; k < d[i].n; k++)
			sum += d[i].p[k].dx + (double)d[i].p[k].dy;
	mean = sum / (double)count;
	for (i = 0; i < n; i++)
		for (k = 0; k < d[i].n; k++) {
			ss += (d[i].p[k].dx - mean) * (d[i].p[k].dx - mean);
			ss += (d[i].p[k].dy - mean) * (d[i].p[k].dy - mean);
		}
	return sqrt(ss / (double)count);
}

void stroke_positions(const struct drawing *d, double scale, double *x,
		      double *y)
{
	double px = 0, py = 0;
	size_t i;

	for (i = 0; i < d->n; i++) {
		px += (double)d->p[i].dx * scale;
		py += (double)d->p[i].dy * scale;
		x[i] = px;
		y[i] = py;
	}
}

/* meta_check: drawing_check without the points. */
static const char *meta_check(const struct drawing *d)
{
	if (!text_ok(d->key_id))
		return "key_id holds a control character";
	if (!text_ok(d->word))
		return "word holds a control character";
	if (!country_ok(d->country))
		return "country code is not two printable characters";
	if (d->recognized < 0 || d->recognized > RECOGNIZED_UNKNOWN)
		return "recognized flag is not 0, 1 or 2";
	if (d->n == 0)
		return "empty drawing (no points)";
	if (d->n > STROKE_MAX_POINTS)
		return "too many points";
	return NULL;
}

const char *drawing_check(const struct drawing *d)
{
	const char *why = meta_check(d);
	size_t i;

	for (i = 0; !why && i < d->n; i++)
		why = point_check(&d->p[i]);
	return why;
}

const char *header_check(const struct stroke_header *h)
{
	if (h->version != STROKE_VERSION)
		return "unsupported version";
	if (h->flags & ~STROKE_KNOWN_FLAGS)
		return "unknown flags";
	if (!isfinite(h->scale) || h->scale <= 0 || h->scale > STROKE_MAX_SCALE)
		return "scale factor is not a positive finite number";
	if (!(h->flags & STROKE_FLAG_NORMALIZED) && h->scale != 1.0f)
		return "scale factor is not 1 in an unnormalised stream";
	return NULL;
}

struct stroke_header stroke_header_plain(void)
{
	struct stroke_header h = {STROKE_VERSION, 0, 1.0f};

	return h;
}

/* Parse the 11 header bytes after the first one. */
static int header_rest(struct stroke_reader *r, struct stroke_header *h)
{
	unsigned char b[STROKE_HEADER_SIZE - 1];
	const char *why;

	if (frame_read_full(r->f, b, sizeof b) != 1) {
		warnmsg("%s: truncated stream header%s", r->name,
			ferror(r->f) ? " (read error)" : "");
		return -1;
	}
	if (memcmp(b, &STROKE_MAGIC[1], 3) != 0) {
		warnmsg("%s: not a stroke stream (bad magic)", r->name);
		return -1;
	}
	h->version = get_u16(b + 3);
	h->flags = get_u16(b + 5);
	h->scale = get_f32(b + 7);
	why = header_check(h);
	if (why) {
		warnmsg(
		    "%s: stream header: %s (version %u, flags %#x, scale %g)",
		    r->name, why, h->version, h->flags, (double)h->scale);
		return -1;
	}
	return 0;
}

int stroke_open(struct stroke_reader *r, FILE *f, const char *name)
{
	int c;

	r->f = f;
	r->name = name;
	r->record = 0;
	frame_reader_init(&r->frame, STROKE_RECORD_TAG, STROKE_MAGIC[0]);
	c = getc(f);
	if (c == EOF) {
		warnmsg("%s: empty input (no stroke stream header)", name);
		return -1;
	}
	if (c != STROKE_MAGIC[0]) {
		warnmsg("%s: not a stroke stream (bad magic)", name);
		return -1;
	}
	return header_rest(r, &r->h);
}

/* read_points: n points into d; NULL, or what is wrong. */
static const char *read_points(struct stroke_reader *r, struct drawing *d,
			       size_t n)
{
	unsigned char b[POINT_SIZE * 256];
	size_t i, k, chunk;

	drawing_reserve(d, n);
	for (i = 0; i < n; i += chunk) {
		chunk = n - i < 256 ? n - i : 256;
		if (frame_read_full(r->f, b, chunk * POINT_SIZE) != 1)
			return "truncated record (points)";
		for (k = 0; k < chunk; k++) {
			d->p[i + k].dx = get_f32(b + k * POINT_SIZE);
			d->p[i + k].dy = get_f32(b + k * POINT_SIZE + 4);
			if (b[k * POINT_SIZE + 8] > 1)
				return "pen is not 0 or 1";
			d->p[i + k].pen = b[k * POINT_SIZE + 8];
		}
	}
	d->n = n;
	return NULL;
}

/* A header after an end marker: accepted when it equals the first, so
 * that "cat a b" of two streams reads as one. */
static int header_again(struct stroke_reader *r)
{
	struct stroke_header h;

	if (header_rest(r, &h) < 0)
		return -1;
	if (h.flags != r->h.flags || h.scale != r->h.scale)
		return data_error(r->name, "record", r->record + 1,
				  "concatenated stream has a different scale "
				  "factor or flags");
	frame_restart(&r->frame);
	return 0;
}

/* read_record: the record after its tag into d; NULL, or what is
 * wrong. */
static const char *read_record(struct stroke_reader *r, struct drawing *d)
{
	unsigned char b[7];
	uint32_t n;
	const char *why;

	drawing_clear(d);
	if (frame_read_text(r->f, d->key_id) < 0)
		return "truncated record or NUL in key_id";
	if (frame_read_text(r->f, d->word) < 0)
		return "truncated record or NUL in word";
	if (frame_read_full(r->f, b, sizeof b) != 1)
		return "truncated record (header)";
	d->country[0] = (char)b[0];
	d->country[1] = (char)b[1];
	d->country[2] = '\0';
	if (b[0] == 0 && b[1] != 0)
		return "country code is not two printable characters";
	d->recognized = b[2];
	n = get_u32(b + 3);
	if (n == 0)
		return "empty drawing (no points)";
	if (n > STROKE_MAX_POINTS)
		return "absurd point count (limit 100000)";
	if ((why = read_points(r, d, n)))
		return why;
	return drawing_check(d);
}

int stroke_read(struct stroke_reader *r, struct drawing *d)
{
	const char *why = NULL;
	int rc;

	while ((rc = frame_next(&r->frame, r->f, &why)) == FRAME_HEADER)
		if (header_again(r) < 0)
			return -1;
	if (rc == FRAME_DONE)
		return 0;
	if (rc == FRAME_RECORD && !(why = read_record(r, d))) {
		r->record++;
		r->frame.part++;
		return 1;
	}
	return data_error(r->name, "record", r->record + 1, "%s", why);
}

void stroke_start(struct stroke_writer *w, FILE *f,
		  const struct stroke_header *h)
{
	unsigned char b[STROKE_HEADER_SIZE];
	const char *why = header_check(h);

	if (why)
		die("refusing to write a bad stream header: %s", why);
	memcpy(b, STROKE_MAGIC, 4);
	put_u16(b + 4, (uint16_t)h->version);
	put_u16(b + 6, (uint16_t)h->flags);
	put_f32(b + 8, h->scale);
	frame_start(&w->frame, f, NULL);
	fwrite(b, 1, sizeof b, f);
	frame_count(f, sizeof b);
	out_check(f);
}

static void write_text(FILE *f, const char *s)
{
	size_t len = strlen(s);

	putc((int)len, f);
	fwrite(s, 1, len, f);
}

/* stroke_put checks each point as it encodes it; a bad one ends the
 * program before its chunk is written, and the failure hook then keeps
 * the partial record from passing for a complete stream. */
void stroke_put(struct stroke_writer *w, const struct drawing *d)
{
	unsigned char b[POINT_SIZE * 256];
	const char *why = meta_check(d);
	FILE *f = w->frame.f;
	size_t i, k, chunk;

	if (why)
		die("refusing to write drawing '%s': %s", d->key_id, why);
	putc(STROKE_RECORD_TAG, f);
	write_text(f, d->key_id);
	write_text(f, d->word);
	b[0] = (unsigned char)d->country[0];
	b[1] = (unsigned char)(d->country[0] ? d->country[1] : 0);
	b[2] = (unsigned char)d->recognized;
	put_u32(b + 3, (uint32_t)d->n);
	fwrite(b, 1, 7, f);
	for (i = 0; i < d->n; i += chunk) {
		chunk = d->n - i < 256 ? d->n - i : 256;
		if (encode_points(b, d->p + i, chunk) < 0)
			for (k = 0; k < chunk; k++)
				if ((why = point_check(&d->p[i + k])))
					die("refusing to write drawing '%s': "
					    "%s",
					    d->key_id, why);
		fwrite(b, 1, chunk * POINT_SIZE, f);
	}
	frame_count(f, 1 + 2 + strlen(d->key_id) + strlen(d->word) + 7 +
			   d->n * POINT_SIZE);
	w->frame.records++;
	out_check(f);
}

void stroke_end(struct stroke_writer *w)
{
	frame_end(&w->frame);
}

void stroke_write_header(FILE *f, const struct stroke_header *h)
{
	stroke_start(&out, f, h);
}

void stroke_write(FILE *f, const struct drawing *d)
{
	if (f != out.frame.f)
		die("stroke_write: no stream started on this file");
	stroke_put(&out, d);
}
