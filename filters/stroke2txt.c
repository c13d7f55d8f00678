/*
 * stroke2txt: print a stroke(5) stream as text, one line per point, for
 * people and for tests.  It does not change or re-encode anything.
 */
#include <stdlib.h>
#include <unistd.h>

#include "stroke.h"
#include "util.h"

struct options {
	int absolute; /* -a: absolute positions in pixels, not offsets */
	int summary;  /* -s: one line per drawing, no points */
};

static void usage(void)
{
	fprintf(stderr, "usage: stroke2txt [-as] [file ...]\n");
	exit(1);
}

static void print_drawing(const struct drawing *d, const struct options *o,
			  float scale)
{
	double *x = NULL, *y = NULL;
	size_t i;

	printf("drawing key_id=%s word=\"%s\" country=%s recognized=%d "
	       "points=%zu\n",
	       d->key_id, d->word, d->country[0] ? d->country : "-",
	       d->recognized, d->n);
	if (o->summary)
		return;
	if (o->absolute) {
		x = xreallocarray(NULL, d->n, 2 * sizeof *x);
		y = x + d->n;
		stroke_positions(d, scale, x, y);
	}
	for (i = 0; i < d->n; i++) {
		if (x)
			printf("%.9g %.9g %d\n", x[i], y[i], d->p[i].pen);
		else
			printf("%.9g %.9g %d\n", (double)d->p[i].dx,
			       (double)d->p[i].dy, d->p[i].pen);
	}
	free(x);
}

static int dump(FILE *f, const char *name, const struct options *o)
{
	struct stroke_reader r;
	struct drawing d;
	int rc;

	if (stroke_open(&r, f, name) < 0)
		return -1;
	printf("stroke version=%u normalized=%d scale=%.9g\n", r.h.version,
	       (r.h.flags & STROKE_FLAG_NORMALIZED) != 0, (double)r.h.scale);
	drawing_init(&d);
	while ((rc = stroke_read(&r, &d)) > 0) {
		print_drawing(&d, o, r.h.scale);
		out_check(stdout);
	}
	drawing_free(&d);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = {0, 0};
	int c, i, status = 0;
	FILE *f;

	util_init(argv[0]);
	while ((c = getopt(argc, argv, "as")) != -1) {
		switch (c) {
		case 'a':
			o.absolute = 1;
			break;
		case 's':
			o.summary = 1;
			break;
		default:
			usage();
		}
	}
	if (optind == argc)
		status = dump(stdin, "<stdin>", &o) < 0;
	for (i = optind; i < argc && !status; i++) {
		f = xfopen(argv[i], "rb");
		status = dump(f, argv[i], &o) < 0;
		xfclose(f);
	}
	return out_finish(status);
}
