/*
 * ndjson2stroke: Quick, Draw! ndjson to a stroke(5) stream.
 *
 * Each input line is one drawing, in either published form, told apart per
 * line: raw strokes [[x...],[y...],[t...]] (screen coordinates, t in ms) or
 * simplified strokes [[x...],[y...]] (0-255).  Points become stroke-3
 * offsets; the first point's offset is from (0,0), so absolute positions
 * survive.  Timing is checked and dropped.  Memory is bounded by one line
 * (at most MAX_LINE bytes) and, for a file, which is mapped and read in
 * place, about twice DROP_EVERY bytes of it.  It does not simplify, scale or
 * normalise: see rdp-simplify(1) and normalize(1).
 *
 * Two parsers give the same result (ndjson2stroke/scan.h): a hand-written
 * scanner (the default, much faster: bench/README.md has the figures) and
 * json-c (-J), kept as an independent check that tests compare against.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ndjson2stroke/scan.h"
#include "stroke.h"
#include "util.h"

#define MAX_LINE (64L << 20)  /* bytes in one ndjson line */
#define SLACK SCAN_SLACK      /* readable bytes kept past the data */
#define DROP_EVERY (2L << 20) /* a mapped file is let go in such steps */

struct options {
	const char *word;    /* -w: keep only this word */
	const char *country; /* -c: keep only this country code */
	int recognized;	     /* -r: keep only recognized drawings */
	int skip_bad;	     /* -k: skip malformed lines, count them */
	long limit;	     /* -n: stop after this many drawings (0: all) */
	int json_c;	     /* -J: parse with json-c instead of the scanner */
};

struct input {
	FILE *f;
	const char *name;
	unsigned long line;
	char *buf; /* buffered input: bytes [pos, len) are unread */
	size_t pos, len, cap;
	int eof;
	const char *map; /* the file mapped (map_open), or NULL */
	size_t size;	 /* its size: bytes [mpos, size) are unread */
	size_t mpos, dropped, map_len;
};

static void usage(void)
{
	fprintf(stderr, "usage: ndjson2stroke [-Jkr] [-c country] [-n count] "
			"[-w word] [file ...]\n");
	exit(1);
}

/* fill: move the unread bytes to the front and read more; grows the
 * buffer (up to MAX_LINE) when it is full of one partial line. */
static void fill(struct input *in)
{
	size_t got;

	if (!in->buf) {
		in->cap = 1 << 20;
		in->buf = xmalloc(in->cap);
	}
	memmove(in->buf, in->buf + in->pos, in->len - in->pos);
	in->len -= in->pos;
	in->pos = 0;
	if (in->len + SLACK >= in->cap && in->cap < (size_t)MAX_LINE + SLACK) {
		in->cap *= 2;
		in->buf = xreallocarray(in->buf, in->cap, 1);
	}
	got = fread(in->buf + in->len, 1, in->cap - SLACK - in->len, in->f);
	memset(in->buf + in->len + got, 0, SLACK);
	if (got == 0 && ferror(in->f))
		die("%s: read error:", in->name);
	in->eof = got == 0;
	in->len += got;
}

/*
 * A regular file is mapped whole where it can be, with zero bytes after
 * its end (at least SLACK), and read in place: the scanner takes each
 * line where it lies, with no copy and no search for its newline first
 * (next), which saves about a tenth of the time (bench/README.md).  A
 * line is copied out (map_line) only for json-c or when the scanner
 * refuses it, so that every message is the one read_line's copy gives.
 * Pages behind are given back as it goes (map_done), so memory stays
 * bounded.  Anything else (a pipe, a file too large for the address
 * space) is read through the buffer.
 */
static const struct input *mapped; /* the file mapped, for on_sigbus */

static void on_sigbus(int sig)
{
	(void)sig; /* the file shrank under the mapping */
	die("%s:line %lu: file changed while being read", mapped->name,
	    mapped->line + 1);
}

/* map_open: map the regular file of st, when it can be. */
static void map_open(struct input *in, const struct stat *st)
{
	long page = sysconf(_SC_PAGESIZE);
	void *base;

	if (st->st_size <= 0 || (unsigned long long)st->st_size > SIZE_MAX / 2)
		return;
	in->size = (size_t)st->st_size;
	in->map_len = (in->size + SLACK + (size_t)page) & ~((size_t)page - 1);
	/* zero pages for the whole length, then the file over them */
	base = mmap(NULL, in->map_len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (base == MAP_FAILED)
		return;
	if (mmap(base, in->size, PROT_READ, MAP_PRIVATE | MAP_FIXED,
		 fileno(in->f), 0) == MAP_FAILED) {
		munmap(base, in->map_len);
		return;
	}
	madvise(base, in->size, MADV_SEQUENTIAL);
	in->map = base;
	in->mpos = in->dropped = 0;
	mapped = in;
	signal(SIGBUS, on_sigbus);
}

/* input_open: how in->f is read: a regular file mapped (map_open); a
 * pipe given a 1 MiB buffer where the system allows it, so that the
 * program writing into it and this one take turns 16 times less often (a
 * fifth faster from cat: bench/README.md); anything else, or a file that
 * cannot be mapped, through the buffer. */
static void input_open(struct input *in)
{
	struct stat st;

	in->map = NULL;
	if (fstat(fileno(in->f), &st) < 0)
		return;
	if (S_ISREG(st.st_mode))
		map_open(in, &st);
#ifdef F_SETPIPE_SZ
	else if (S_ISFIFO(st.st_mode))
		fcntl(fileno(in->f), F_SETPIPE_SZ, 1 << 20);
#endif
}

static void map_close(struct input *in)
{
	if (in->map)
		munmap((void *)in->map, in->map_len);
	in->map = NULL;
}

/* map_done: the line up to *end (its newline, or the file's end) is
 * taken; the pages behind are given back up to a multiple of DROP_EVERY.
 * Up to a multiple, for a page fault maps the file's pages around the
 * one it needs (64 KiB of them, at most 2 MiB, aligned), so it would map
 * again the pages just given back that share its aligned window. */
static void map_done(struct input *in, const char *end)
{
	size_t upto;

	in->mpos = (size_t)(end - in->map) + (end < in->map + in->size);
	in->line++;
	upto = in->mpos & ~((size_t)DROP_EVERY - 1);
	if (upto <= in->dropped)
		return;
	madvise((void *)(in->map + in->dropped), upto - in->dropped,
		MADV_DONTNEED);
	in->dropped = upto;
}

/* map_line: read_line for a mapped file: the line copied into the
 * buffer, NUL-terminated, with SLACK zero bytes after it. */
static long map_line(struct input *in, char **line)
{
	const char *p = in->map + in->mpos, *nl;
	size_t left = in->size - in->mpos, n;

	if (left == 0)
		return -1;
	nl = memchr(p, '\n', left);
	n = nl ? (size_t)(nl - p) : left;
	if (n > (size_t)MAX_LINE) {
		map_done(in, p + n);
		return -2;
	}
	if (n + SLACK + 1 > in->cap) { /* as large as fill makes it */
		free(in->buf);
		in->cap = n + SLACK + 1 > 1 << 20 ? n + SLACK + 1 : 1 << 20;
		in->buf = xmalloc(in->cap);
	}
	memcpy(in->buf, p, n);
	memset(in->buf + n, 0, SLACK + 1);
	map_done(in, p + n);
	*line = in->buf;
	return (long)n;
}

/* read_line: the next line, NUL-terminated in place without its newline.
 * Returns its length, -1 at end of input, -2 for a line over MAX_LINE
 * (skipped). */
static long read_line(struct input *in, char **line)
{
	char *nl;
	size_t n;

	if (in->map)
		return map_line(in, line);
	for (;;) {
		nl = in->buf
			 ? memchr(in->buf + in->pos, '\n', in->len - in->pos)
			 : NULL; /* no buffer before the first fill */
		if (nl || in->eof)
			break;
		if (in->len - in->pos > (size_t)MAX_LINE) {
			do { /* skip the rest of this line */
				in->pos = in->len;
				fill(in);
				nl = memchr(in->buf, '\n', in->len);
			} while (!nl && !in->eof);
			in->pos = nl ? (size_t)(nl - in->buf) + 1 : in->len;
			in->line++;
			return -2;
		}
		fill(in);
	}
	if (!nl && in->pos == in->len)
		return -1;
	n = nl ? (size_t)(nl - in->buf) - in->pos : in->len - in->pos;
	*line = in->buf + in->pos;
	(*line)[n] = '\0';
	in->pos += n + (nl != NULL);
	in->line++;
	return n > (size_t)MAX_LINE ? -2 : (long)n; /* the buffer holds more */
}

static int wanted(const struct drawing *d, const struct options *o)
{
	if (o->word && strcmp(d->word, o->word) != 0)
		return 0;
	if (o->country && strcmp(d->country, o->country) != 0)
		return 0;
	if (o->recognized && d->recognized != RECOGNIZED_YES)
		return 0;
	return 1;
}

struct counts {
	long written; /* drawings written */
	long bad;     /* malformed lines skipped under -k */
};

struct parser {
	struct scan *scan;  /* the scanner's state and buffers */
	struct jsonc *json; /* json-c, when -J */
};

/* parse: one line into d; NULL, or the reason with where/col filled. */
static const char *parse(struct parser *ps, const char *line, long len,
			 struct drawing *d, char *where, long *col)
{
	struct scan_result r;

	if (ps->json)
		jsonc_line(ps->json, line, len, d, &r);
	else
		scan_line(ps->scan, line, len, d, &r);
	if (r.why) {
		strcpy(where, r.where);
		*col = r.stop ? r.stop - line + 1 : 0;
	}
	return r.why;
}

/* map_scan: the next line of a mapped file scanned where it lies, up to
 * MAX_LINE bytes: 1 when it is a good drawing (taken), 0 when not (it is
 * left for read_line), -1 at the end of the file.  A run of digits does
 * not stop at the MAX_LINE bound (it stops at a byte that is not one),
 * so a drawing that ends past it is left to read_line too, which says
 * the line is too long, as it does from a pipe. */
static int map_scan(struct input *in, struct scan *s, struct drawing *d)
{
	const char *line = in->map + in->mpos, *end = in->map + in->size;
	size_t left = in->size - in->mpos;
	struct scan_result r;

	if (left == 0)
		return -1;
	if (scan_line(s, line, (long)(left < MAX_LINE ? left : MAX_LINE), d,
		      &r) ||
	    (r.stop < end && *r.stop != '\n') || r.stop - line > MAX_LINE)
		return 0;
	map_done(in, r.stop);
	return 1;
}

static const char *next(struct input *in, struct parser *ps, struct drawing *d,
			char *where, long *col)
{
	char *line;
	long len;

	where[0] = '\0';
	*col = 0;
	if (in->map && !ps->json && map_scan(in, ps->scan, d) != 0)
		return NULL; /* taken, or the end */
	len = read_line(in, &line);
	if (len == -1)
		return NULL;
	if (len == -2)
		return "line longer than 64 MiB";
	if (strspn(line, " \t\r") == (size_t)len)
		return "empty line";
	return parse(ps, line, len, d, where, col);
}

static void report(const struct input *in, const char *where, long col,
		   const char *why)
{
	char at[32] = "";

	if (col)
		snprintf(at, sizeof at, " col %ld:", col);
	warnmsg("%s:line %lu:%s %s%s%s", in->name, in->line, at, where,
		where[0] ? ": " : "", why);
}

static int convert(struct input *in, struct parser *ps, const struct options *o,
		   struct counts *n)
{
	struct drawing d;
	char where[64];
	const char *why;
	unsigned long before;
	long col;
	int rc = 0;

	drawing_init(&d);
	while (o->limit == 0 || n->written < o->limit) {
		before = in->line;
		why = next(in, ps, &d, where, &col);
		if (in->line == before)
			break;
		if (why && !o->skip_bad) {
			report(in, where, col, why);
			rc = -1;
			break;
		}
		if (why)
			n->bad++;
		else if (wanted(&d, o)) {
			stroke_write(stdout, &d);
			n->written++;
		}
	}
	drawing_free(&d);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = {NULL, NULL, 0, 0, 0, 0};
	struct counts n = {0, 0};
	struct input in;
	struct parser ps;
	struct stroke_header h = stroke_header_plain();
	int c, i, status = 0;

	util_init(argv[0]);
	while ((c = getopt(argc, argv, "Jc:kn:rw:")) != -1) {
		switch (c) {
		case 'J':
			o.json_c = 1;
			break;
		case 'c':
			o.country = optarg;
			break;
		case 'k':
			o.skip_bad = 1;
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
	memset(&in, 0, sizeof in);
	memset(&ps, 0, sizeof ps);
	if (o.json_c)
		ps.json = jsonc_new();
	else
		ps.scan = scan_new();
	stroke_write_header(stdout, &h);
	for (i = optind; !status && (i < argc || i == optind); i++) {
		in.name =
		    i < argc && strcmp(argv[i], "-") ? argv[i] : "<stdin>";
		in.f = i < argc ? xfopen(argv[i], "r") : stdin;
		in.line = in.pos = in.len = 0;
		in.eof = 0;
		input_open(&in);
		status = convert(&in, &ps, &o, &n) < 0;
		map_close(&in);
		xfclose(in.f);
		if (o.limit && n.written >= o.limit)
			break;
	}
	free(in.buf);
	scan_free(ps.scan);
	jsonc_free(ps.json);
	if (n.bad)
		warnmsg("skipped %ld malformed line%s", n.bad,
			n.bad == 1 ? "" : "s");
	return out_finish(status);
}
