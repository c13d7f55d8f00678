/*
 * frame.c: the record framing of stroke(5) and latent(5) streams, read
 * and written once for both.  See frame.h for the contracts.
 */
#include "frame.h"

#include <stdio_ext.h>
#include <string.h>

#include "bytes.h"
#include "util.h"

static struct frame_writer *out_w;   /* the writer to stdout, for hooks */
static unsigned long long out_bytes; /* bytes counted on stdout */

void frame_reader_init(struct frame_reader *fr, int record_tag, int header_tag)
{
	fr->record_tag = record_tag;
	fr->header_tag = header_tag;
	fr->part = 0;
	fr->ended = 0;
}

int frame_read_full(FILE *f, unsigned char *b, size_t n)
{
	size_t got = fread(b, 1, n, f);

	if (got == n)
		return 1;
	return got == 0 && !ferror(f) ? 0 : -1;
}

int frame_read_text(FILE *f, char *dst)
{
	unsigned char len;

	if (frame_read_full(f, &len, 1) != 1 ||
	    (len && frame_read_full(f, (unsigned char *)dst, len) != 1))
		return -1;
	dst[len] = '\0';
	if (memchr(dst, '\0', len))
		return -1;
	return 0;
}

/* read_end: the end marker; its count must equal the records read since
 * the header.  NULL, or what is wrong. */
static const char *read_end(struct frame_reader *fr, FILE *f)
{
	unsigned char b[FRAME_END_SIZE - 1];

	if (fr->ended)
		return "end marker after the end of the stream";
	if (frame_read_full(f, b, sizeof b) != 1)
		return "truncated end marker";
	if (get_u64(b) != fr->part)
		return "end marker counts a different number of records "
		       "(records lost?)";
	fr->ended = 1;
	return NULL;
}

/* at_eof: end of file where a tag was due. */
static int at_eof(const struct frame_reader *fr, FILE *f, const char **why)
{
	if (ferror(f))
		*why = "read error";
	else if (!fr->ended)
		*why = "truncated stream (no end marker)";
	else
		return FRAME_DONE;
	return FRAME_ERROR;
}

int frame_next(struct frame_reader *fr, FILE *f, const char **why)
{
	int c;

	for (;;) {
		c = getc(f);
		if (c == EOF)
			return at_eof(fr, f, why);
		if (c == fr->record_tag && !fr->ended)
			return FRAME_RECORD;
		if (c == fr->record_tag)
			*why = "record after the end of the stream";
		else if (c == FRAME_END_TAG)
			*why = read_end(fr, f);
		else if (c == FRAME_ABORT_TAG)
			*why = "stream aborted: the program writing it failed";
		else if (c != fr->header_tag)
			*why = "bad record tag (corrupt stream)";
		else if (!fr->ended)
			*why = "stream header in the middle of a stream";
		else
			return FRAME_HEADER;
		if (*why) /* NULL after a good end marker: read on */
			return FRAME_ERROR;
	}
}

void frame_restart(struct frame_reader *fr)
{
	fr->ended = 0;
	fr->part = 0;
}

static void frame_fail(void)
{
	struct frame_writer *w = out_w;

	out_w = NULL;
	if (!w || out_bytes <= __fpending(stdout)) {
		__fpurge(stdout);
		return;
	}
	if (w->abort_line)
		fputs(w->abort_line, stdout);
	else
		putc(FRAME_ABORT_TAG, stdout);
	fflush(stdout);
}

static void frame_end_hook(void)
{
	if (out_w)
		frame_end(out_w);
}

void frame_start(struct frame_writer *w, FILE *f, const char *abort_line)
{
	w->f = f;
	w->abort_line = abort_line;
	w->records = 0;
	if (f == stdout) {
		out_w = w;
		out_fail_hook = frame_fail;
		out_end_hook = frame_end_hook;
	}
}

void frame_count(FILE *f, size_t n)
{
	if (f == stdout)
		out_bytes += n;
}

void frame_write_end(FILE *f, unsigned long long records)
{
	unsigned char b[FRAME_END_SIZE];

	b[0] = FRAME_END_TAG;
	put_u64(b + 1, records);
	fwrite(b, 1, sizeof b, f);
	frame_count(f, sizeof b);
	out_check(f);
}

void frame_end(struct frame_writer *w)
{
	if (w == out_w) {
		out_w = NULL;
		out_end_hook = NULL;
	}
	if (!w->abort_line)
		frame_write_end(w->f, w->records);
}
