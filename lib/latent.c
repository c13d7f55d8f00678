/*
 * latent.c: read and write latent(5) streams in both forms, binary and
 * CSV.  Validation lives here once, so every program rejects the same bad
 * input with the same message.  It does no arithmetic on the vectors.
 *
 * The CSV reader feeds libcsv one byte at a time, so that it knows the
 * line of every field and stops at the end of each row; a row is at most
 * LATENT_MAX_DIM + 2 fields of at most LATENT_MAX_FIELD bytes, so junk
 * input cannot make it buffer without bound.
 */
#include "latent.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "frame.h"
#include "util.h"

#define CSV_OPTIONS (CSV_STRICT | CSV_STRICT_FINI)

void latent_init(struct latent *v)
{
	memset(v, 0, sizeof *v);
	v->z = xcalloc(LATENT_MAX_DIM, sizeof *v->z);
}

void latent_free(struct latent *v)
{
	free(v->z);
	memset(v, 0, sizeof *v);
}

static int text_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* values_check: NULL if all n values are finite. */
static const char *values_check(const float *z, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isfinite(z[i]))
			return "value is not a finite number";
	return NULL;
}

const char *latent_check(const struct latent *v)
{
	if (v->dim < 1 || v->dim > LATENT_MAX_DIM)
		return "dimension is not from 1 to 4096";
	if (strlen(v->key_id) > LATENT_MAX_TEXT ||
	    strlen(v->word) > LATENT_MAX_TEXT)
		return "key_id or word longer than 255 bytes";
	if (!text_ok(v->key_id))
		return "key_id holds a control character";
	if (!text_ok(v->word))
		return "word holds a control character";
	return values_check(v->z, v->dim);
}

/* ---- binary reader ---- */

static int read_error(struct latent_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* read_error: data_error at the record (binary) or line (CSV) being read;
 * the reader stops. */
static int read_error(struct latent_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (r->form == LATENT_CSV)
		vdata_error(r->name, "line", r->line, fmt, ap);
	else
		vdata_error(r->name, "record", r->record + 1, fmt, ap);
	va_end(ap);
	r->failed = 1;
	return -1;
}

/* Parse the 11 header bytes after the first one into *dim. */
static int header_rest(struct latent_reader *r, size_t *dim)
{
	unsigned char b[LATENT_HEADER_SIZE - 1];
	unsigned version, flags;
	uint32_t n;

	if (frame_read_full(r->f, b, sizeof b) != 1) {
		warnmsg("%s: truncated latent stream header%s", r->name,
			ferror(r->f) ? " (read error)" : "");
		return -1;
	}
	if (memcmp(b, &LATENT_MAGIC[1], 3) != 0) {
		warnmsg("%s: not a latent stream or latent CSV (bad magic)",
			r->name);
		return -1;
	}
	version = get_u16(b + 3);
	flags = get_u16(b + 5);
	n = get_u32(b + 7);
	if (version != LATENT_VERSION || flags != 0) {
		warnmsg("%s: stream header: unsupported version or flags "
			"(version %u, flags %#x)",
			r->name, version, flags);
		return -1;
	}
	if (n < 1 || n > LATENT_MAX_DIM) {
		warnmsg("%s: stream header: dimension %lu is not from 1 to "
			"4096",
			r->name, (unsigned long)n);
		return -1;
	}
	*dim = n;
	return 0;
}

static int read_record(struct latent_reader *r, struct latent *v)
{
	unsigned char b[4 * LATENT_MAX_DIM];
	const char *why;
	size_t i;

	if (frame_read_text(r->f, v->key_id) < 0)
		return read_error(r, "truncated record or NUL in key_id");
	if (frame_read_text(r->f, v->word) < 0)
		return read_error(r, "truncated record or NUL in word");
	if (frame_read_full(r->f, b, 4 * r->dim) != 1)
		return read_error(r, "truncated record (values)");
	v->dim = r->dim;
	for (i = 0; i < r->dim; i++)
		v->z[i] = get_f32(b + 4 * i);
	why = latent_check(v);
	if (why)
		return read_error(r, "%s", why);
	return 0;
}

/* A header after an end marker: accepted when its dimension is the
 * first's, so that "cat a b" of two streams reads as one. */
static int header_again(struct latent_reader *r)
{
	size_t dim;

	if (header_rest(r, &dim) < 0) {
		r->failed = 1; /* latent_read keeps returning -1 */
		return -1;
	}
	if (dim != r->dim)
		return read_error(
		    r, "concatenated stream has dimension %zu, not %zu", dim,
		    r->dim);
	frame_restart(&r->frame);
	return 0;
}

static int binary_read(struct latent_reader *r, struct latent *v)
{
	const char *why;
	int rc;

	while ((rc = frame_next(&r->frame, r->f, &why)) == FRAME_HEADER)
		if (header_again(r) < 0)
			return -1;
	if (rc == FRAME_ERROR)
		return read_error(r, "%s", why);
	if (rc == FRAME_DONE)
		return 0;
	if (read_record(r, v) < 0)
		return -1;
	r->record++;
	r->frame.part++;
	return 1;
}

/* ---- CSV reader ---- */

/* Field names for messages: key_id, word, z0, z1, ... */
static const char *field_name(size_t k, char *buf, size_t size)
{
	if (k == 0)
		return "key_id";
	if (k == 1)
		return "word";
	snprintf(buf, size, "z%zu", k - 2);
	return buf;
}

/* A header row: key_id,word,z0,...; in the first row a mismatch means
 * the input is not latent CSV at all. */
static void header_field(struct latent_reader *r, const char *s)
{
	char buf[32];
	const char *name = field_name(r->field, buf, sizeof buf);

	if (strcmp(s, name) == 0)
		return;
	if (r->dim == 0)
		warnmsg("%s: not a latent stream or latent CSV (line %lu "
			"does not start key_id,word,z0,...)",
			r->name, r->line);
	else
		read_error(r, "header row: column %zu is '%s', want '%s'",
			   r->field + 1, s, name);
	r->failed = 1;
}

static void text_field(struct latent_reader *r, const char *s, size_t len,
		       char *dst)
{
	const char *what = r->field == 0 ? "key_id" : "word";

	if (len > LATENT_MAX_TEXT) {
		read_error(r, "%s longer than 255 bytes", what);
		return;
	}
	memcpy(dst, s, len + 1);
	if (!text_ok(dst))
		read_error(r, "%s holds a control character", what);
}

static void value_field(struct latent_reader *r, const char *s)
{
	size_t k = r->field - 2;
	char *end;
	float x;

	if (k >= r->dim)
		return; /* the column count is checked at the row's end */
	errno = 0;
	x = strtof(s, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	if (end == s || *end)
		read_error(r, "z%zu: not a number '%s'", k, s);
	else if (!isfinite(x) && errno == ERANGE)
		read_error(r, "z%zu: out of float range '%s'", k, s);
	else if (!isfinite(x))
		read_error(r, "z%zu: not a finite number '%s'", k, s);
	else
		r->out->z[k] = x;
}

/* libcsv field callback: s holds len bytes, not NUL-terminated. */
static void on_field(void *s, size_t len, void *data)
{
	struct latent_reader *r = data;
	char buf[LATENT_MAX_FIELD + 1];

	r->field_bytes = 0;
	if (r->failed)
		return;
	if (len > LATENT_MAX_FIELD) {
		read_error(r, "field longer than %d bytes", LATENT_MAX_FIELD);
		return;
	}
	if (len && memchr(s, '\0', len)) {
		read_error(r, "NUL byte in a field");
		return;
	}
	if (len)
		memcpy(buf, s, len);
	buf[len] = '\0';
	if (r->field == 2 && !r->header &&
	    strcmp(r->out->key_id, "key_id") == 0 &&
	    strcmp(r->out->word, "word") == 0 && strcmp(buf, "z0") == 0)
		r->header = 1; /* a repeated header row */
	if (r->header)
		header_field(r, buf);
	else if (r->field < 2)
		text_field(r, buf, len,
			   r->field == 0 ? r->out->key_id : r->out->word);
	else
		value_field(r, buf);
	r->field++;
}

static void on_row(int c, void *data)
{
	struct latent_reader *r = data;

	r->row_done = 1;
	r->field_bytes = 0;
}

/* Start a row: r->header says whether a header row is expected. */
static void row_start(struct latent_reader *r, struct latent *v, int header)
{
	r->out = v;
	r->field = 0;
	r->row_done = 0;
	r->header = header;
	v->key_id[0] = v->word[0] = '\0';
}

/* Feed bytes until a row ends.  Returns 1 for a row, 0 at the end of
 * input with no row, -1 after an error was printed. */
static int csv_row(struct latent_reader *r)
{
	unsigned char ch;
	int c;

	if (r->newline) {
		r->line++; /* the newline that ended the last row */
		r->newline = 0;
	}
	while (!r->row_done && !r->failed) {
		c = getc(r->f);
		if (c == EOF) {
			if (ferror(r->f))
				return read_error(r, "read error");
			if (csv_fini(&r->csv, on_field, on_row, r) != 0 &&
			    !r->failed)
				return read_error(
				    r, "malformed CSV (a quote inside "
				       "an unquoted field, or an "
				       "unclosed quote)");
			break;
		}
		ch = (unsigned char)c;
		if (c != '\n' && c != '\r' &&
		    ++r->field_bytes > LATENT_MAX_FIELD + 2)
			return read_error(r, "field longer than %d bytes",
					  LATENT_MAX_FIELD);
		if (csv_parse(&r->csv, &ch, 1, on_field, on_row, r) != 1 &&
		    !r->failed)
			return read_error(r, "malformed CSV (a quote inside an "
					     "unquoted field, or an "
					     "unclosed quote)");
		if (r->field > LATENT_MAX_DIM + 2 && !r->failed)
			return read_error(r, "more than %d columns",
					  LATENT_MAX_DIM + 2);
		if (c == '\n' && r->row_done)
			r->newline = 1;
		else if (c == '\n')
			r->line++;
	}
	if (r->failed)
		return -1;
	return r->row_done;
}

static int csv_open(struct latent_reader *r)
{
	struct latent scratch;
	int rc;

	if (csv_init(&r->csv, CSV_OPTIONS) != 0)
		die("out of memory starting the CSV parser");
	r->csv_ready = 1;
	r->line = 1;
	memset(&scratch, 0, sizeof scratch);
	row_start(r, &scratch, 1);
	rc = csv_row(r);
	if (rc < 0)
		return -1;
	if (rc == 0 || r->field < 3) {
		warnmsg("%s: not a latent stream or latent CSV (line 1 does "
			"not start key_id,word,z0,...)",
			r->name);
		return -1;
	}
	r->dim = r->field - 2;
	return 0;
}

static int csv_read(struct latent_reader *r, struct latent *v)
{
	int rc;

	for (;;) {
		row_start(r, v, 0);
		rc = csv_row(r);
		if (rc <= 0)
			return rc;
		if (r->header) {
			if (r->field != r->dim + 2)
				return read_error(
				    r,
				    "header row has dimension %zu, "
				    "not %zu",
				    r->field - 2, r->dim);
			continue;
		}
		if (r->field == 1 && strcmp(v->key_id, LATENT_CSV_ABORT) == 0)
			return read_error(
			    r, "stream aborted: the program writing it "
			       "failed");
		if (r->field != r->dim + 2)
			return read_error(r, "%zu columns, the header has %zu",
					  r->field, r->dim + 2);
		v->dim = r->dim;
		r->record++;
		return 1;
	}
}

/* ---- both ---- */

/* other_format: after the first byte c, name the sketchrnn format the
 * input is in instead, for the message. */
static const char *other_format(FILE *f, int c)
{
	char b[5] = {(char)c, 0, 0, 0, 0};

	if (fread(b + 1, 1, 3, f) != 3)
		return "";
	if (strcmp(b, "STRK") == 0)
		return " (it is a stroke stream)";
	if (strcmp(b, "SKRM") == 0)
		return " (it is a model file)";
	if (strcmp(b, "SKB5") == 0)
		return " (it is a batch stream)";
	return "";
}

int latent_open(struct latent_reader *r, FILE *f, const char *name)
{
	int c;

	memset(r, 0, sizeof *r);
	r->f = f;
	r->name = name;
	c = getc(f);
	if (c == 0xef && getc(f) == 0xbb && getc(f) == 0xbf)
		c = getc(f); /* a UTF-8 byte order mark */
	if (c == EOF) {
		warnmsg("%s: empty input (no latent stream or CSV header)",
			name);
		return -1;
	}
	if (c == LATENT_MAGIC[0]) {
		r->form = LATENT_BINARY;
		frame_reader_init(&r->frame, LATENT_RECORD_TAG,
				  LATENT_MAGIC[0]);
		return header_rest(r, &r->dim);
	}
	if (c != 'k' && c != '"') {
		warnmsg("%s: not a latent stream or latent CSV%s", name,
			other_format(f, c));
		return -1;
	}
	ungetc(c, f);
	r->form = LATENT_CSV;
	return csv_open(r);
}

int latent_read(struct latent_reader *r, struct latent *v)
{
	if (r->failed)
		return -1;
	if (r->form == LATENT_BINARY)
		return binary_read(r, v);
	return csv_read(r, v);
}

void latent_close(struct latent_reader *r)
{
	if (r->csv_ready)
		csv_free(&r->csv);
	r->csv_ready = 0;
}

/* ---- writers ---- */

static void count_out(struct latent_writer *w, size_t n)
{
	frame_count(w->frame.f, n);
}

static void csv_header(struct latent_writer *w)
{
	size_t i;
	int n = fprintf(w->frame.f, "key_id,word");

	for (i = 0; i < w->dim; i++)
		n += fprintf(w->frame.f, ",z%zu", i);
	n += fprintf(w->frame.f, "\n");
	count_out(w, (size_t)n);
}

void latent_start(struct latent_writer *w, FILE *f, int form, size_t dim)
{
	unsigned char b[LATENT_HEADER_SIZE];

	if (dim < 1 || dim > LATENT_MAX_DIM)
		die("refusing to write a latent stream of dimension %zu", dim);
	w->form = form;
	w->dim = dim;
	frame_start(&w->frame, f,
		    form == LATENT_CSV ? LATENT_CSV_ABORT "\n" : NULL);
	if (form == LATENT_CSV) {
		csv_header(w);
	} else {
		memcpy(b, LATENT_MAGIC, 4);
		put_u16(b + 4, LATENT_VERSION);
		put_u16(b + 6, 0);
		put_u32(b + 8, (uint32_t)dim);
		fwrite(b, 1, sizeof b, f);
		count_out(w, sizeof b);
	}
	out_check(f);
}

/* csv_text: a text field, quoted by libcsv only when a reader would
 * otherwise misread it (comma, quote, or blanks it would trim). */
static size_t csv_text(FILE *f, const char *s)
{
	size_t len = strlen(s), quotes = 0, i;

	if (strpbrk(s, ",\"") == NULL &&
	    (len == 0 || (s[0] != ' ' && s[len - 1] != ' '))) {
		fwrite(s, 1, len, f);
		return len;
	}
	for (i = 0; i < len; i++)
		quotes += s[i] == '"';
	if (csv_fwrite(f, s, len) != 0)
		out_check(f);
	return len + quotes + 2;
}

static void csv_record(struct latent_writer *w, const struct latent *v)
{
	FILE *f = w->frame.f;
	size_t i, n;

	n = csv_text(f, v->key_id);
	putc(',', f);
	n += 1 + csv_text(f, v->word);
	for (i = 0; i < v->dim; i++)
		n += (size_t)fprintf(f, ",%.9g", (double)v->z[i]);
	putc('\n', f);
	count_out(w, n + 1);
}

static void binary_record(struct latent_writer *w, const struct latent *v)
{
	unsigned char b[3 + 2 * LATENT_MAX_TEXT + 4 * LATENT_MAX_DIM];
	size_t k = strlen(v->key_id), n = strlen(v->word), i, at = 0;

	b[at++] = LATENT_RECORD_TAG;
	b[at++] = (unsigned char)k;
	memcpy(b + at, v->key_id, k);
	at += k;
	b[at++] = (unsigned char)n;
	memcpy(b + at, v->word, n);
	at += n;
	for (i = 0; i < v->dim; i++, at += 4)
		put_f32(b + at, v->z[i]);
	fwrite(b, 1, at, w->frame.f);
	count_out(w, at);
}

void latent_put(struct latent_writer *w, const struct latent *v)
{
	const char *why = latent_check(v);

	if (why)
		die("refusing to write latent '%s': %s", v->key_id, why);
	if (v->dim != w->dim)
		die("refusing to write latent '%s': dimension %zu in a stream "
		    "of %zu",
		    v->key_id, v->dim, w->dim);
	if (w->form == LATENT_CSV)
		csv_record(w, v);
	else
		binary_record(w, v);
	w->frame.records++;
	out_check(w->frame.f);
}

void latent_end(struct latent_writer *w)
{
	frame_end(&w->frame);
}
