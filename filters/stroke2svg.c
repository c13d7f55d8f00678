/*
 * stroke2svg: render a stroke(5) stream as SVG: one drawing at its own
 * size, several in a grid of square cells, or one file per drawing (-o).
 * Offsets are multiplied back by the stream's scale factor, so normalised
 * and plain streams draw the same shapes.  Each stroke becomes one <path>.
 *
 * It does not rasterise (use rsvg-convert), simplify or reorder points.
 * Without -o every drawing is held in memory until the end of the input,
 * because the grid's height depends on the count; at most GRID_MAX
 * drawings.  Coordinates are printed with two decimals, so the output is
 * the same byte for byte on every run.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stroke.h"
#include "util.h"

#define GRID_MAX 10000	  /* drawings held for one SVG without -o */
#define DEFAULT_CELL 128  /* -s default for grids, in px */
#define DEFAULT_WIDTH 2.0 /* -w default, in px */
#define MARGIN 0.05	  /* blank border, fraction of the cell side */
#define LABEL 0.125	  /* -t label band, fraction of the cell side */
#define MAX_PAD_WIDTH 20  /* largest field width in a %0Nd pattern */

struct options {
	int colour;	     /* -C: colour strokes by their order */
	long cols;	     /* -c: grid columns; 0 = ceil(sqrt(n)) */
	const char *pattern; /* -o: one file per drawing; NULL = stdout */
	long cell;	     /* -s: cell side in px; 0 = natural size */
	int label;	     /* -t: word as a label, word and key_id as title */
	double width;	     /* -w: stroke width in px */
	long part, parts;    /* -p K/N: with -o, only records K, K+N, ... */
};

/* A drawing held for the grid, with the scale of the stream it came from. */
struct held {
	struct drawing d;
	double scale;
};

/* Where a drawing goes: output x = ox + k * x, y = oy + k * y. */
struct place {
	double k, ox, oy;
};

/* Absolute bounding box of a drawing, in un-normalised units. */
struct box {
	double x0, y0, x1, y1;
};

/* A drawing's absolute positions, offsets times scale (stroke_positions):
 * un-normalised units; y = x + n in one allocation. */
struct points {
	double *x, *y;
	size_t n;
};

/* A fixed categorical palette; stroke i gets PALETTE[i % 10]. */
static const char *const PALETTE[] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
};
#define NPALETTE (sizeof PALETTE / sizeof PALETTE[0])

static void usage(void)
{
	fprintf(stderr, "usage: stroke2svg [-Ct] [-c cols] [-o pattern] "
			"[-p part/parts] [-s size] [-w width] [file ...]\n");
	exit(1);
}

/* pattern_check: NULL if p holds exactly one %d (optionally %0Nd or %Nd,
 * N <= MAX_PAD_WIDTH) or %k conversion, %% aside; else what is wrong. */
static const char *pattern_check(const char *p)
{
	int convs = 0, width;

	for (; *p; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		if (*p == '0')
			p++;
		for (width = 0; *p >= '0' && *p <= '9'; p++)
			if ((width = width * 10 + (*p - '0')) > MAX_PAD_WIDTH)
				return "field width over 20";
		if (*p != 'd' && *p != 'k')
			return "only %d, %0Nd, %k and %% are allowed";
		if (*p == 'k' && p[-1] != '%')
			return "%k takes no width";
		convs++;
	}
	if (convs != 1)
		return "want exactly one %d or %k";
	return NULL;
}

/* put_key: append key_id to dst made safe as a file name: bytes other than
 * letters, digits, '-', '_' and '.' become '_', a leading '.' too, and an
 * empty key_id becomes "_". */
static char *put_key(char *dst, const char *key)
{
	const char *s;

	if (*key == '\0')
		*dst++ = '_';
	for (s = key; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '-' || c == '_' ||
			 (c == '.' && s != key);
		*dst++ = ok ? (char)c : '_';
	}
	return dst;
}

/* file_name: expand a checked pattern for record number n (from 1) and a
 * key_id; the caller frees the result.  The pattern is never handed to
 * printf: only the digits of the field width are. */
static char *file_name(const char *p, unsigned long n, const char *key)
{
	char *buf = xmalloc(strlen(p) + STROKE_MAX_TEXT + 32), *q = buf;
	int zero, width;

	for (; *p; p++) {
		if (*p != '%') {
			*q++ = *p;
			continue;
		}
		if (*++p == '%') {
			*q++ = '%';
			continue;
		}
		zero = *p == '0';
		p += zero;
		for (width = 0; *p >= '0' && *p <= '9'; p++)
			width = width * 10 + (*p - '0');
		if (*p == 'k')
			q = put_key(q, key);
		else
			q += sprintf(q, zero ? "%0*lu" : "%*lu", width, n);
	}
	*q = '\0';
	return buf;
}

/* utf8_len: length of the valid UTF-8 sequence at s that XML 1.0 allows,
 * or 0 when the bytes there are not one. */
static int utf8_len(const unsigned char *s)
{
	unsigned c = s[0], cp;
	int n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe ||
	    cp == 0xffff)
		return 0;
	return n;
}

/* put_text: write s as XML character data: markup characters escaped,
 * bytes that are not valid UTF-8 written as '?'. */
static void put_text(FILE *f, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	int n;

	while (*u) {
		switch (*u) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			n = utf8_len(u);
			if (n == 0) {
				putc('?', f);
				break;
			}
			fwrite(u, 1, (size_t)n, f);
			u += n;
			continue;
		}
		u++;
	}
}

/* points_of: d's absolute positions; the caller frees p.x. */
static struct points points_of(const struct drawing *d, double scale)
{
	struct points p;

	p.n = d->n;
	p.x = xreallocarray(NULL, d->n, 2 * sizeof *p.x);
	p.y = p.x + d->n;
	stroke_positions(d, scale, p.x, p.y);
	return p;
}

/* bounds: the box of the absolute positions. */
static struct box bounds(const struct points *p)
{
	struct box b = {0, 0, 0, 0};
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (i == 0 || p->x[i] < b.x0)
			b.x0 = p->x[i];
		if (i == 0 || p->x[i] > b.x1)
			b.x1 = p->x[i];
		if (i == 0 || p->y[i] < b.y0)
			b.y0 = p->y[i];
		if (i == 0 || p->y[i] > b.y1)
			b.y1 = p->y[i];
	}
	return b;
}

/* fit: centre box b in the square of side `side` whose top left corner is
 * (cx, cy), scaled uniformly to leave a margin of MARGIN * side plus half
 * the stroke width on the longer axis. */
static struct place fit(struct box b, double cx, double cy, double side,
			double width)
{
	struct place pl;
	double w = b.x1 - b.x0, h = b.y1 - b.y0, span = w > h ? w : h;
	double room = side * (1 - 2 * MARGIN) - width;

	pl.k = span > 0 && room > 0 ? room / span : 1;
	pl.ox = cx + side / 2 - pl.k * (b.x0 + b.x1) / 2;
	pl.oy = cy + side / 2 - pl.k * (b.y0 + b.y1) / 2;
	return pl;
}

/* natural: keep the drawing's own units (k = 1) in a frame of its box
 * plus a margin of MARGIN times its longer side plus the stroke width;
 * sets the frame's size in *fw, *fh. */
static struct place natural(struct box b, double width, double *fw, double *fh)
{
	struct place pl;
	double w = b.x1 - b.x0, h = b.y1 - b.y0;
	double pad = MARGIN * (w > h ? w : h) + width;

	*fw = w + 2 * pad;
	*fh = h + 2 * pad;
	pl.k = 1;
	pl.ox = pad - b.x0;
	pl.oy = pad - b.y0;
	return pl;
}

static void svg_begin(FILE *f, double w, double h, const struct options *o)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%.2f\" height=\"%.2f\" viewBox=\"0 0 %.2f %.2f\">\n",
		w, h, w, h);
	fprintf(f, "<rect width=\"%.2f\" height=\"%.2f\" fill=\"white\"/>\n", w,
		h);
	fprintf(f,
		"<g fill=\"none\" stroke=\"black\" stroke-width=\"%.2f\" "
		"stroke-linecap=\"round\" stroke-linejoin=\"round\">\n",
		o->width);
}

static void svg_end(FILE *f)
{
	fprintf(f, "</g>\n</svg>\n");
}

/* put_strokes: one <path> per stroke.  A stroke is a run of points ending
 * with pen 1; the last point ends the last stroke whatever its pen.  A
 * one-point stroke is a zero-length segment, which round caps show as a
 * dot. */
static void put_strokes(FILE *f, const struct drawing *d,
			const struct points *p, struct place pl, int colour)
{
	double X, Y;
	size_t i, start = 0, stroke = 0;

	for (i = 0; i < d->n; i++) {
		X = pl.ox + pl.k * p->x[i];
		Y = pl.oy + pl.k * p->y[i];
		if (i == start) {
			fputs("<path", f);
			if (colour)
				fprintf(f, " stroke=\"%s\"",
					PALETTE[stroke % NPALETTE]);
			fprintf(f, " d=\"M%.2f %.2f", X, Y);
		} else {
			fprintf(f, "%s%.2f %.2f", i == start + 1 ? "L" : " ", X,
				Y);
		}
		if (d->p[i].pen || i + 1 == d->n) {
			if (i == start)
				fprintf(f, "L%.2f %.2f", X, Y);
			fputs("\"/>\n", f);
			start = i + 1;
			stroke++;
		}
	}
}

/* put_drawing: a <g> holding the strokes of d (at positions p) and, with
 * -t, a <title> and a text label centred at (lx, ly). */
static void put_drawing(FILE *f, const struct drawing *d,
			const struct points *p, struct place pl,
			const struct options *o, double lx, double ly,
			double lsize)
{
	const char *text = d->word[0] ? d->word : d->key_id;

	fputs("<g>\n", f);
	if (o->label) {
		fputs("<title>", f);
		put_text(f, d->word);
		if (d->word[0] && d->key_id[0])
			putc(' ', f);
		put_text(f, d->key_id);
		fputs("</title>\n", f);
	}
	put_strokes(f, d, p, pl, o->colour);
	if (o->label) {
		fprintf(f,
			"<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.2f\" "
			"font-family=\"sans-serif\" text-anchor=\"middle\" "
			"fill=\"black\" stroke=\"none\">",
			lx, ly, lsize);
		put_text(f, text);
		fputs("</text>\n", f);
	}
	fputs("</g>\n", f);
}

/* render_one: a whole SVG document holding one drawing: fitted into a
 * square of side -s, or at its natural size without -s. */
static void render_one(FILE *f, const struct drawing *d, double scale,
		       const struct options *o)
{
	struct points p = points_of(d, scale);
	struct box b = bounds(&p);
	struct place pl;
	double w, h, band;

	if (o->cell > 0) {
		w = h = (double)o->cell;
		pl = fit(b, 0, 0, w, o->width);
	} else {
		pl = natural(b, o->width, &w, &h);
	}
	band = o->label ? LABEL * (w > h ? w : h) : 0;
	svg_begin(f, w, h + band, o);
	put_drawing(f, d, &p, pl, o, w / 2, h + band * 0.75, band * 0.8);
	svg_end(f);
	free(p.x);
}

/* render_grid: every held drawing in square cells of side -s, row by row,
 * with ceil(sqrt(n)) columns unless -c says otherwise (never more columns
 * than drawings). */
static void render_grid(FILE *f, const struct held *hd, size_t n,
			const struct options *o)
{
	double side = o->cell > 0 ? (double)o->cell : DEFAULT_CELL;
	double band = o->label ? LABEL * side : 0, cx, cy;
	struct points p;
	size_t cols, rows, i;

	cols = o->cols > 0 ? (size_t)o->cols : (size_t)ceil(sqrt((double)n));
	if (cols > n)
		cols = n;
	if (cols == 0)
		cols = 1;
	rows = n ? (n + cols - 1) / cols : 1;
	svg_begin(f, side * cols, (side + band) * rows, o);
	for (i = 0; i < n; i++) {
		cx = side * (i % cols);
		cy = (side + band) * (i / cols);
		p = points_of(&hd[i].d, hd[i].scale);
		put_drawing(f, &hd[i].d, &p,
			    fit(bounds(&p), cx, cy, side, o->width), o,
			    cx + side / 2, cy + side + band * 0.75, band * 0.8);
		free(p.x);
		out_check(f);
	}
	svg_end(f);
}

/* write_file: render one drawing into the file the pattern names. */
static void write_file(const struct drawing *d, double scale, unsigned long n,
		       const struct options *o)
{
	char *path = file_name(o->pattern, n, d->key_id);
	FILE *f = fopen(path, "w");

	if (!f)
		die("%s:", path);
	render_one(f, d, scale, o);
	if (ferror(f) | fclose(f))
		die("%s: write error:", path);
	free(path);
}

/* The state of one run: drawings held for stdout, records seen. */
struct run {
	struct held *hd;
	size_t n, cap;
	unsigned long records;
};

static void hold(struct run *r, const struct drawing *d, double scale)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->hd = xreallocarray(r->hd, r->cap, sizeof *r->hd);
	}
	drawing_init(&r->hd[r->n].d);
	drawing_copy(&r->hd[r->n].d, d);
	r->hd[r->n].scale = scale;
	r->n++;
}

/* read_stream: hold or write every drawing of one input; 0 or -1. */
static int read_stream(FILE *f, const char *name, struct run *r,
		       const struct options *o)
{
	struct stroke_reader rd;
	struct drawing d;
	double scale;
	int rc;

	if (stroke_open(&rd, f, name) < 0)
		return -1;
	scale = rd.h.flags & STROKE_FLAG_NORMALIZED ? rd.h.scale : 1.0;
	drawing_init(&d);
	while ((rc = stroke_read(&rd, &d)) > 0) {
		r->records++;
		if (o->pattern) {
			if ((long)((r->records - 1) %
				   (unsigned long)o->parts) == o->part)
				write_file(&d, scale, r->records, o);
		} else if (r->n == GRID_MAX) {
			rc = data_error(
			    name, "record", rd.record,
			    "more than %d drawings for one SVG; use -o",
			    GRID_MAX);
			break;
		} else {
			hold(r, &d, scale);
		}
	}
	drawing_free(&d);
	return rc;
}

/* parse_part: "K/N" with 0 <= K < N <= 10000. */
static void parse_part(const char *s, struct options *o)
{
	char *end;
	long k, n;

	k = strtol(s, &end, 10);
	if (end == s || *end != '/')
		die("-p: bad value '%s' (want K/N)", s);
	n = strtol(end + 1, &end, 10);
	if (*end || n < 1 || n > 10000 || k < 0 || k >= n)
		die("-p: bad value '%s' (want K/N with 0 <= K < N <= 10000)",
		    s);
	o->part = k;
	o->parts = n;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	const char *why;
	int c;

	while ((c = getopt(argc, argv, "Cc:o:p:s:tw:")) != -1) {
		switch (c) {
		case 'C':
			o->colour = 1;
			break;
		case 'c':
			o->cols = parse_long(c, optarg, 1, 1000);
			break;
		case 'o':
			why = pattern_check(optarg);
			if (why)
				die("-o: bad pattern '%s': %s", optarg, why);
			o->pattern = optarg;
			break;
		case 'p':
			parse_part(optarg, o);
			break;
		case 's':
			o->cell = parse_long(c, optarg, 8, 8192);
			break;
		case 't':
			o->label = 1;
			break;
		case 'w':
			o->width = parse_double(c, optarg, 0.01, 100);
			break;
		default:
			usage();
		}
	}
	if (o->pattern && o->cols)
		die("-c makes a grid; -o writes one drawing per file");
	if (o->parts > 1 && !o->pattern)
		die("-p needs -o");
}

int main(int argc, char **argv)
{
	struct options o = {0, 0, NULL, 0, 0, DEFAULT_WIDTH, 0, 1};
	struct run r = {NULL, 0, 0, 0};
	int i, status = 0;
	size_t k;
	FILE *f;

	util_init(argv[0]);
	parse_options(argc, argv, &o);
	if (optind == argc)
		status = read_stream(stdin, "<stdin>", &r, &o) < 0;
	for (i = optind; i < argc && !status; i++) {
		f = xfopen(argv[i], "rb");
		status = read_stream(f, argv[i], &r, &o) < 0;
		xfclose(f);
	}
	if (!status && !o.pattern) {
		if (r.n == 1 && o.cols == 0)
			render_one(stdout, &r.hd[0].d, r.hd[0].scale, &o);
		else
			render_grid(stdout, r.hd, r.n, &o);
	}
	for (k = 0; k < r.n; k++)
		drawing_free(&r.hd[k].d);
	free(r.hd);
	return out_finish(status);
}
