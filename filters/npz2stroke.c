/*
 * npz2stroke: convert sketch-rnn .npz datasets (and bare .npy arrays of
 * stroke-3 rows) to a stroke(5) stream.  Each drawing is labelled with the
 * dataset name: key_id "NAME:SPLIT:INDEX" (INDEX counts from 0 as numpy
 * does), word NAME, no country, recognized unknown.  It copies the integer
 * offsets exactly and does not normalise, clamp or simplify anything.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "npz.h"
#include "stroke.h"
#include "util.h"

#define MAX_NAME 200 /* bytes of a dataset name, so that key_ids fit */

struct options {
	const char *name;  /* -n: dataset name; default from the file name */
	const char *split; /* -s: one member; default train, valid, test */
};

struct emit {
	const char *name, *split, *where;
	struct drawing d;
	struct stroke_writer *out;
};

static void usage(void)
{
	fprintf(stderr, "usage: npz2stroke [-n name] [-s split] [file ...]\n");
	exit(1);
}

/* The dataset name: -n, else the file's base name without .npz/.npy. */
static char *dataset_name(const struct options *o, const char *path)
{
	const char *base = strrchr(path, '/');
	char *s;
	size_t n;

	if (o->name)
		return xstrdup(o->name);
	if (strcmp(path, "-") == 0)
		return xstrdup("stdin");
	base = base ? base + 1 : path;
	s = xstrdup(base);
	n = strlen(s);
	if (n > 4 &&
	    (strcmp(s + n - 4, ".npz") == 0 || strcmp(s + n - 4, ".npy") == 0))
		s[n - 4] = '\0';
	return s;
}

static int name_ok(const char *s)
{
	if (strlen(s) > MAX_NAME)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int put_array(void *ctx, size_t index, const struct npy_num *a)
{
	struct emit *e = ctx;
	const char *why;

	drawing_clear(&e->d);
	why = npy_to_drawing(a, &e->d);
	if (why) {
		return data_error(e->where, "index", index, "%s", why);
	}
	if (e->split)
		snprintf(e->d.key_id, sizeof e->d.key_id, "%s:%s:%zu", e->name,
			 e->split, index);
	else
		snprintf(e->d.key_id, sizeof e->d.key_id, "%s:%zu", e->name,
			 index);
	snprintf(e->d.word, sizeof e->d.word, "%s", e->name);
	e->d.recognized = RECOGNIZED_UNKNOWN;
	stroke_put(e->out, &e->d);
	return 0;
}

static int convert_member(const struct npz *z, struct emit *e,
			  const char *split)
{
	const struct zip_member *m = npz_find(z, split);
	unsigned char *buf;
	size_t len;
	char where[512];
	long rc;

	if (!m) {
		warnmsg("%s: no member '%s.npy'", z->name, split);
		return -1;
	}
	if (zip_extract(&z->zip, m, &buf, &len) < 0)
		return -1;
	snprintf(where, sizeof where, "%s:%.*s", z->name, (int)m->namelen,
		 m->name);
	e->split = split;
	e->where = where;
	rc = npz_each(buf, len, where, put_array, e);
	free(buf);
	return rc < 0 ? -1 : 0;
}

static int convert(const struct options *o, FILE *f, const char *path,
		   struct stroke_writer *out)
{
	static const char *all[] = {"train", "valid", "test"};
	struct npz z;
	struct emit e;
	size_t i;
	int rc = 0;

	memset(&e, 0, sizeof e);
	drawing_init(&e.d);
	e.out = out;
	e.name = dataset_name(o, path);
	if (!name_ok(e.name)) {
		warnmsg("%s: dataset name is too long or holds a control "
			"character (use -n)",
			path);
		free((char *)e.name);
		return -1;
	}
	if (npz_open(&z, f, strcmp(path, "-") ? path : "<stdin>") < 0) {
		rc = -1;
	} else if (z.is_npy) {
		e.where = z.name;
		rc = npz_each(z.buf, z.len, z.name, put_array, &e) < 0 ? -1 : 0;
	} else if (o->split) {
		rc = convert_member(&z, &e, o->split);
	} else {
		for (i = 0; i < 3 && rc == 0; i++)
			rc = convert_member(&z, &e, all[i]);
	}
	npz_close(&z);
	drawing_free(&e.d);
	free((char *)e.name);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = {NULL, NULL};
	struct stroke_header h;
	struct stroke_writer w; /* ended by out_close() */
	int c, i, status = 0;
	FILE *f;

	util_init(argv[0]);
	while ((c = getopt(argc, argv, "n:s:")) != -1) {
		switch (c) {
		case 'n':
			o.name = optarg;
			break;
		case 's':
			o.split = optarg;
			break;
		default:
			usage();
		}
	}
	if (o.split &&
	    (!*o.split || strlen(o.split) > 32 || strchr(o.split, ':')))
		die("-s: bad split name '%s'", o.split);
	h = stroke_header_plain();
	stroke_start(&w, stdout, &h);
	if (optind == argc)
		status = convert(&o, stdin, "-", &w) < 0;
	for (i = optind; i < argc && !status; i++) {
		f = xfopen(argv[i], "rb");
		status = convert(&o, f, argv[i], &w) < 0;
		xfclose(f);
	}
	return out_finish(status);
}
