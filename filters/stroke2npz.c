/*
 * stroke2npz: write a stroke(5) stream as a sketch-rnn .npz archive: a zip
 * of train.npy, valid.npy and test.npy, each a 1-D object array of int16
 * [n,3] stroke-3 arrays pickled with protocol 2, so that Python reads it
 * with np.load(path, allow_pickle=True) (encoding="latin1" also works).
 *
 * Records go to the split named in their key_id ("NAME:SPLIT:INDEX", as
 * npz2stroke writes them) or all to the split given with -s.  Offsets must
 * be integers within int16 (-r rounds them first).  It does not keep the
 * key_id, word or country: the npz format has no place for them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "npz.h"
#include "stroke.h"
#include "util.h"

static const char *splits[3] = {"train", "valid", "test"};

struct options {
	int round; /* -r: round offsets to the nearest integer */
	int split; /* -s: every record to this split; -1: from key_id */
	int level; /* -z: deflate level, 0 = stored */
};

struct state {
	struct pickle_writer w[3]; /* one object array a split */
	int16_t *rows;
	size_t cap;
};

static void usage(void)
{
	fprintf(stderr, "usage: stroke2npz [-rz] [-s split] [file ...]\n");
	exit(1);
}

static int split_index(const char *s, size_t n)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strlen(splits[i]) == n && memcmp(splits[i], s, n) == 0)
			return i;
	return -1;
}

static const char *to_int16(float v, int round, int16_t *out)
{
	float r = round ? nearbyintf(v) : v;

	if (r != floorf(r))
		return "offset is not an integer (use -r to round)";
	if (r < -32768.0f || r > 32767.0f)
		return "offset does not fit in int16";
	*out = (int16_t)r;
	return NULL;
}

static int add(struct state *s, const struct options *o,
	       const struct stroke_reader *r, const struct drawing *d)
{
	int split = o->split >= 0 ? o->split : batch_key_split(d->key_id);
	const char *why = NULL;
	size_t i;

	if (split < 0) {
		return data_error(r->name, "record", r->record,
				  "key_id '%s' names no train, valid or "
				  "test split (use -s)",
				  d->key_id);
	}
	if (d->n * 3 > s->cap) {
		s->cap = d->n * 3;
		s->rows = xreallocarray(s->rows, s->cap, sizeof *s->rows);
	}
	for (i = 0; i < d->n && !why; i++) {
		why = to_int16(d->p[i].dx, o->round, &s->rows[3 * i]);
		if (!why)
			why =
			    to_int16(d->p[i].dy, o->round, &s->rows[3 * i + 1]);
		s->rows[3 * i + 2] = d->p[i].pen;
	}
	if (why) {
		return data_error(r->name, "record", r->record, "point %zu: %s",
				  i, why);
	}
	pickle_writer_add(&s->w[split], s->rows, d->n);
	return 0;
}

static int read_stream(struct state *s, const struct options *o, FILE *f,
		       const char *name)
{
	struct stroke_reader r;
	struct drawing d;
	int rc;

	if (stroke_open(&r, f, name) < 0)
		return -1;
	if (r.h.flags & STROKE_FLAG_NORMALIZED) {
		warnmsg("%s: stream is normalised (scale %g); npz files hold "
			"integer pixel offsets",
			name, (double)r.h.scale);
		return -1;
	}
	drawing_init(&d);
	while ((rc = stroke_read(&r, &d)) > 0)
		if (add(s, o, &r, &d) < 0) {
			rc = -1;
			break;
		}
	drawing_free(&d);
	return rc;
}

static void write_npz(struct state *s, const struct options *o)
{
	struct zip_writer z;
	int i;

	memset(&z, 0, sizeof z);
	for (i = 0; i < 3; i++)
		npz_add(&z, stdout, splits[i], &s->w[i], o->level);
	zip_finish(&z, stdout);
}

int main(int argc, char **argv)
{
	struct options o = {0, -1, 0};
	struct state s;
	int c, i, status = 0;
	FILE *f;

	util_init(argv[0]);
	while ((c = getopt(argc, argv, "rs:z")) != -1) {
		switch (c) {
		case 'r':
			o.round = 1;
			break;
		case 's':
			o.split = split_index(optarg, strlen(optarg));
			if (o.split < 0)
				die("-s: bad split '%s' (want train, valid or "
				    "test)",
				    optarg);
			break;
		case 'z':
			o.level = 6;
			break;
		default:
			usage();
		}
	}
	memset(&s, 0, sizeof s);
	for (i = 0; i < 3; i++)
		pickle_writer_init(&s.w[i]);
	if (optind == argc)
		status = read_stream(&s, &o, stdin, "<stdin>") < 0;
	for (i = optind; i < argc && !status; i++) {
		f = xfopen(argv[i], "rb");
		status = read_stream(&s, &o, f, argv[i]) < 0;
		xfclose(f);
	}
	if (!status)
		write_npz(&s, &o);
	for (i = 0; i < 3; i++)
		pickle_writer_free(&s.w[i]);
	free(s.rows);
	return out_finish(status);
}
