/*
 * pick: some drawings of a stroke(5) stream: skip the first S, then keep
 * N, or keep those whose key_id or word is given, or every m-th (a split
 * by position).  The stream header
 * (normalisation and scale factor) passes through; drawings are copied
 * unchanged.  Like head(1) and grep(1) for strokes.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stroke.h"
#include "util.h"

struct options {
	long skip;	  /* -s: drawings to skip first */
	long count;	  /* -n: drawings to keep (0: all) */
	const char *key;  /* -k: keep only this key_id */
	const char *word; /* -w: keep only this word */
	long period;	  /* -p m:lo-hi: keep i when i mod m is in lo..hi */
	long lo, hi;
};

/* The output, across inputs. */
struct output {
	struct stroke_writer w;
	struct stroke_header h; /* the first input's; version 0 before it */
	long seen, kept;	/* drawings wanted so far, drawings written */
};

static void usage(void)
{
	fprintf(stderr, "usage: pick [-k key_id] [-n count] [-p m:r[-r]] "
			"[-s skip] [-w word] [file ...]\n");
	exit(1);
}

static int wanted(const struct drawing *d, const struct options *o)
{
	return (!o->key || strcmp(d->key_id, o->key) == 0) &&
	       (!o->word || strcmp(d->word, o->word) == 0);
}

/* copy: the picked drawings of one input to out; 1 when enough were
 * kept, 0 at its end, -1 on bad input. */
static int copy(FILE *f, const char *name, const struct options *o,
		struct output *out)
{
	struct stroke_reader r;
	struct drawing d;
	int rc;

	if (stroke_open(&r, f, name) < 0)
		return -1;
	if (out->h.version == 0) {
		out->h = r.h;
		stroke_start(&out->w, stdout, &out->h);
	} else if (r.h.flags != out->h.flags || r.h.scale != out->h.scale) {
		warnmsg("%s: another scale factor than the first input's",
			name);
		return -1;
	}
	drawing_init(&d);
	while ((rc = stroke_read(&r, &d)) > 0) {
		long i;

		if (!wanted(&d, o) || (i = out->seen++ - o->skip) < 0)
			continue;
		if (o->period &&
		    (i % o->period < o->lo || i % o->period > o->hi))
			continue;
		stroke_put(&out->w, &d);
		if (o->count && ++out->kept == o->count) {
			rc = 1;
			break;
		}
	}
	drawing_free(&d);
	return rc;
}

/* parse_period: -p m:r or m:lo-hi, 0 <= lo <= hi < m, decimal. */
static void parse_period(struct options *o, const char *s)
{
	char *end;
	long m, lo, hi;

	if (!isdigit((unsigned char)*s))
		goto bad;
	m = strtol(s, &end, 10);
	if (*end != ':' || m < 1 || m > 1000000000 ||
	    !isdigit((unsigned char)end[1]))
		goto bad;
	lo = hi = strtol(end + 1, &end, 10);
	if (*end == '-' && isdigit((unsigned char)end[1]))
		hi = strtol(end + 1, &end, 10);
	if (*end || hi < lo || hi >= m)
		goto bad;
	o->period = m;
	o->lo = lo;
	o->hi = hi;
	return;
bad:
	die("-p: bad value '%s' (want m:r or m:lo-hi, 0 <= lo <= hi < m)", s);
}

int main(int argc, char **argv)
{
	struct options o = {0, 0, NULL, NULL, 0, 0, 0};
	struct output out; /* its writer ended by out_close() */
	int c, i, rc = 0;
	FILE *f;

	util_init(argv[0]);
	memset(&out, 0, sizeof out);
	while ((c = getopt(argc, argv, "k:n:p:s:w:")) != -1) {
		switch (c) {
		case 'k':
			o.key = optarg;
			break;
		case 'n':
			o.count = parse_long(c, optarg, 1, 1L << 40);
			break;
		case 'p':
			parse_period(&o, optarg);
			break;
		case 's':
			o.skip = parse_long(c, optarg, 0, 1L << 40);
			break;
		case 'w':
			o.word = optarg;
			break;
		default:
			usage();
		}
	}
	for (i = optind; rc == 0 && (i < argc || i == optind); i++) {
		f = i < argc ? xfopen(argv[i], "rb") : stdin;
		rc = copy(
		    f, i < argc && strcmp(argv[i], "-") ? argv[i] : "<stdin>",
		    &o, &out);
		xfclose(f);
	}
	return out_finish(rc < 0);
}
