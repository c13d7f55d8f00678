/*
 * bin2stroke: Quick, Draw! drawings in Google's binary format (the
 * full/binary/WORD.bin files) to a stroke(5) stream.
 *
 * A file is drawings back to back with no header; each is, little-endian:
 *
 *	key_id u64, countrycode 2 bytes, recognized u8, timestamp u32,
 *	n_strokes u16, then per stroke n_points u16, x u8[n], y u8[n]
 *
 * The points are the simplified drawing (0-255).  Each drawing is written
 * as ndjson2stroke(1) writes the same drawing in simplified ndjson: key_id
 * in decimal, the timestamp dropped, points as stroke-3 offsets from the
 * point before (the first from 0,0), the pen lifted after each stroke's
 * last point.  The format holds no word: it comes from the file name or
 * -w.  It reads as it goes; memory holds one drawing.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stroke.h"
#include "util.h"

#define HEAD_SIZE 17		       /* key_id to n_strokes */
#define DOWNLOAD_PREFIX "full_binary_" /* Google's download file names */

struct options {
	const char *word;    /* -w: the word of every drawing */
	const char *country; /* -c: keep only this country code */
	int recognized;	     /* -r: keep only recognized drawings */
	long limit;	     /* -n: stop after this many drawings (0: all) */
};

struct input {
	FILE *f;
	const char *name;
	unsigned long record;		/* records begun in this file */
	unsigned long long off;		/* bytes read from it */
	char word[STROKE_MAX_TEXT + 1]; /* of every drawing in it */
	unsigned char x[65535], y[65535];
};

static void usage(void)
{
	fprintf(stderr, "usage: bin2stroke [-r] [-c country] [-n count] "
			"[-w word] [file ...]\n");
	exit(1);
}

static uint64_t get_u64(const unsigned char *b)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static unsigned get_u16(const unsigned char *b)
{
	return (unsigned)b[0] | (unsigned)b[1] << 8;
}

/* bad: report "prog: file:record N: what" and return -1. */
static int bad(const struct input *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int bad(const struct input *in, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	warnmsg("%s:record %lu: %s", in->name, in->record, why);
	return -1;
}

/* get: n bytes into b; the number read (n unless the file ends). */
static size_t get(struct input *in, unsigned char *b, size_t n)
{
	size_t got = n ? fread(b, 1, n, in->f) : 0;

	in->off += got;
	if (got < n && ferror(in->f))
		die("%s: read error:", in->name);
	return got;
}

static int truncated(const struct input *in, const char *field)
{
	return bad(in, "%s: truncated record (the file ends after %llu bytes)",
		   field, in->off);
}

/* head_field: the field the header's byte at offset got falls in. */
static const char *head_field(size_t got)
{
	if (got < 8)
		return "key_id";
	if (got < 10)
		return "countrycode";
	if (got < 11)
		return "recognized";
	if (got < 15)
		return "timestamp";
	return "n_strokes";
}

/* read_head: the fields before the strokes into d; *n_strokes is set.
 * 1 for a header, 0 at the end of the file, -1 after a message. */
static int read_head(struct input *in, struct drawing *d, unsigned *n_strokes)
{
	unsigned char b[HEAD_SIZE];
	size_t got = get(in, b, sizeof b);

	if (got == 0)
		return 0;
	in->record++;
	if (got < sizeof b)
		return truncated(in, head_field(got));
	snprintf(d->key_id, sizeof d->key_id, "%llu",
		 (unsigned long long)get_u64(b));
	if (b[8] == 0 && b[9] == 0) {
		d->country[0] = '\0'; /* unknown */
	} else if (b[8] > 0x20 && b[8] < 0x7f && b[9] > 0x20 && b[9] < 0x7f) {
		d->country[0] = (char)b[8];
		d->country[1] = (char)b[9];
		d->country[2] = '\0';
	} else {
		return bad(in,
			   "countrycode: not two printable characters "
			   "(bytes 0x%02x 0x%02x)",
			   b[8], b[9]);
	}
	if (b[10] > 1)
		return bad(in, "recognized: %u is not 0 or 1", b[10]);
	d->recognized = b[10] ? RECOGNIZED_YES : RECOGNIZED_NO;
	/* b[11..14], the timestamp, is dropped as ndjson2stroke drops it */
	*n_strokes = get_u16(b + 15);
	if (*n_strokes == 0)
		return bad(in, "n_strokes: empty drawing (no strokes)");
	return 1;
}

/* read_stroke: stroke k (from 1) appended to d; (*px, *py) is the last
 * point so far.  0, or -1 after a message. */
static int read_stroke(struct input *in, struct drawing *d, unsigned k, int *px,
		       int *py)
{
	unsigned char b[2];
	char field[32];
	unsigned n, i;

	snprintf(field, sizeof field, "stroke %u: n_points", k);
	if (get(in, b, 2) < 2)
		return truncated(in, field);
	n = get_u16(b);
	if (n == 0)
		return bad(in, "stroke %u: empty stroke", k);
	if (d->n + n > STROKE_MAX_POINTS)
		return bad(in, "stroke %u: too many points (limit %d)", k,
			   STROKE_MAX_POINTS);
	snprintf(field, sizeof field, "stroke %u: x", k);
	if (get(in, in->x, n) < n)
		return truncated(in, field);
	snprintf(field, sizeof field, "stroke %u: y", k);
	if (get(in, in->y, n) < n)
		return truncated(in, field);
	for (i = 0; i < n; i++) {
		if (drawing_push(d, (float)(in->x[i] - *px),
				 (float)(in->y[i] - *py), i + 1 == n) < 0)
			die("out of memory"); /* not past the limit: checked */
		*px = in->x[i];
		*py = in->y[i];
	}
	return 0;
}

/* read_drawing: the next drawing into d: 1, 0 at the end of the file, -1
 * after a message. */
static int read_drawing(struct input *in, struct drawing *d)
{
	unsigned n_strokes, k;
	int px = 0, py = 0, rc;

	drawing_clear(d);
	if ((rc = read_head(in, d, &n_strokes)) <= 0)
		return rc;
	for (k = 1; k <= n_strokes; k++)
		if (read_stroke(in, d, k, &px, &py) < 0)
			return -1;
	return 1;
}

static int wanted(const struct drawing *d, const struct options *o)
{
	if (o->country && strcmp(d->country, o->country) != 0)
		return 0;
	if (o->recognized && d->recognized != RECOGNIZED_YES)
		return 0;
	return 1;
}

/* text_bad: s is empty, longer than stroke(5) stores, or holds a control
 * character. */
static int text_bad(const char *s)
{
	if (!*s || strlen(s) > STROKE_MAX_TEXT)
		return 1;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* file_word: the word a file name gives: its base name without a leading
 * "full_binary_" and without everything from its first '.', underscores
 * read as spaces ("full_binary_The Eiffel Tower.bin" and
 * "The_Eiffel_Tower.bin" give "The Eiffel Tower").  Dies when there is
 * none that stroke(5) can store. */
static void file_word(const char *path, char *out, size_t size)
{
	char stem[1024], *s = stem, *p;
	size_t n = strlen(DOWNLOAD_PREFIX);

	file_stem(path, stem, sizeof stem);
	if (strncmp(s, DOWNLOAD_PREFIX, n) == 0 && s[n])
		s += n;
	for (p = s; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (text_bad(s) || strlen(s) >= size)
		die("%s: the file name gives no word (at most %d bytes, no "
		    "control characters): name it with -w",
		    path, STROKE_MAX_TEXT);
	memcpy(out, s, strlen(s) + 1);
}

static int convert(struct input *in, const struct options *o, long *written)
{
	struct drawing d;
	int rc = 0;

	drawing_init(&d);
	while (o->limit == 0 || *written < o->limit) {
		rc = read_drawing(in, &d);
		if (rc <= 0)
			break;
		memcpy(d.word, in->word, sizeof d.word);
		if (wanted(&d, o)) {
			stroke_write(stdout, &d);
			(*written)++;
		}
	}
	drawing_free(&d);
	return rc < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct options o = {NULL, NULL, 0, 0};
	struct stroke_header h = stroke_header_plain();
	struct input *in;
	char word[STROKE_MAX_TEXT + 1];
	long written = 0;
	int c, i, status = 0;

	util_init(argv[0]);
	while ((c = getopt(argc, argv, "c:n:rw:")) != -1) {
		switch (c) {
		case 'c':
			o.country = optarg;
			break;
		case 'n':
			o.limit = parse_long(c, optarg, 1, 1L << 40);
			break;
		case 'r':
			o.recognized = 1;
			break;
		case 'w':
			o.word = optarg;
			break;
		default:
			usage();
		}
	}
	if (o.country && (strlen(o.country) != 2 || text_bad(o.country) ||
			  strchr(o.country, ' ')))
		die("-c: '%s' is not a two-letter country code", o.country);
	if (o.word && text_bad(o.word))
		die("-w: the word must be 1 to %d bytes without control "
		    "characters",
		    STROKE_MAX_TEXT);
	/* every file's word before any output */
	for (i = optind; !o.word && (i < argc || i == optind); i++) {
		if (i == argc || strcmp(argv[i], "-") == 0)
			die("<stdin>: the binary format holds no word: name "
			    "it with -w");
		file_word(argv[i], word, sizeof word);
	}
	in = xcalloc(1, sizeof *in);
	stroke_write_header(stdout, &h);
	for (i = optind; !status && (i < argc || i == optind); i++) {
		in->name =
		    i < argc && strcmp(argv[i], "-") ? argv[i] : "<stdin>";
		in->f = i < argc ? xfopen(argv[i], "rb") : stdin;
		in->record = 0;
		in->off = 0;
		if (o.word)
			snprintf(in->word, sizeof in->word, "%s", o.word);
		else
			file_word(argv[i], in->word, sizeof in->word);
		status = convert(in, &o, &written) < 0;
		xfclose(in->f);
		if (o.limit && written >= o.limit)
			break;
	}
	free(in);
	return out_finish(status);
}
