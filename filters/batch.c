/*
 * batch: the sketch-rnn data loader as a filter.  It reads a stroke(5)
 * stream (normally normalised), keeps one split, and writes stroke-5
 * batches in the batch(5) format: training batches shuffled and augmented
 * from (seed, batch number), valid/test batches sorted by length.  With -d
 * it reads batch(5) streams back and prints them as text.
 *
 * It does not normalise or clamp offsets (normalize(1) does) and does not
 * train; train links the same loader (lib/batch.c).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "stroke.h"
#include "util.h"

enum { MODE_AUTO, MODE_LABEL, MODE_HASH, MODE_ALL };

struct options {
	int decode;	       /* -d: print batch(5) streams as text */
	int text;	       /* -t: print the batches as text, not batch(5) */
	int unnormalized;      /* -u: accept an unnormalised stream */
	struct batch_params p; /* -b size, -r scale, -p drop, -S seed */
	double ftrain;	       /* -f: fraction for train (hash mode) */
	double fvalid;	       /* -f: fraction for valid (hash mode) */
	uint64_t start;	       /* -k: first batch number */
	long count;	       /* -n: batches to write; -1: floor(n/B) */
	size_t limit;	       /* -l: N_max; 0: the longest drawing read */
	int mode;	       /* -m: how records are assigned to splits */
	int split;	       /* -s: the split to batch */
};

static const char *split_names[3] = {"train", "valid", "test"};

static void usage(void)
{
	fprintf(stderr,
		"usage: batch [-tu] [-b size] [-f train,valid] [-k start] "
		"[-l limit] [-m mode]\n"
		"             [-n count] [-p prob] [-r scale] [-S seed] "
		"[-s split] [file ...]\n"
		"       batch -d [file ...]\n");
	exit(1);
}

static int split_of(const struct options *o, int mode, const char *key)
{
	if (mode == MODE_ALL)
		return o->split;
	if (mode == MODE_LABEL)
		return batch_key_split(key);
	return batch_hash_split(key, o->ftrain, o->fvalid);
}

/* Everything read so far, across files. */
struct input {
	struct loader l;
	size_t longest, dropped, total;
	int have_header, mode;
	struct stroke_header h;
};

static int check_header(struct input *in, const struct options *o,
			const struct stroke_reader *r)
{
	if (!(r->h.flags & STROKE_FLAG_NORMALIZED) && !o->unnormalized) {
		warnmsg("%s: stream is not normalised (run normalize first, "
			"or use -u)",
			r->name);
		return -1;
	}
	if (in->have_header &&
	    (r->h.flags != in->h.flags || r->h.scale != in->h.scale)) {
		warnmsg("%s: scale factor or flags differ from the first "
			"input's",
			r->name);
		return -1;
	}
	in->h = r->h;
	in->have_header = 1;
	return 0;
}

static int read_stream(struct input *in, const struct options *o, FILE *f,
		       const char *name)
{
	struct stroke_reader r;
	struct drawing d;
	int rc, s;

	if (stroke_open(&r, f, name) < 0 || check_header(in, o, &r) < 0)
		return -1;
	drawing_init(&d);
	while ((rc = stroke_read(&r, &d)) > 0) {
		if (in->mode == MODE_AUTO)
			in->mode = batch_key_split(d.key_id) >= 0 ? MODE_LABEL
								  : MODE_HASH;
		s = split_of(o, in->mode, d.key_id);
		if (s < 0) {
			rc = data_error(
			    name, "record", r.record,
			    "key_id '%s' names no train, valid or test split "
			    "(use -m hash or -m all)",
			    d.key_id);
			break;
		}
		in->total++;
		if (o->limit && d.n > o->limit) {
			in->dropped++;
			continue;
		}
		if (d.n > in->longest)
			in->longest = d.n;
		if (s == o->split)
			loader_add(&in->l, &d);
	}
	drawing_free(&d);
	return rc;
}

static void print_batch(const struct batch *b)
{
	size_t i, j;
	const float *x;

	printf("batch index=%" PRIu64 " split=%s size=%zu nmax=%zu "
	       "scale=%.9g seed=%" PRIu64 " count=%" PRIu32
	       " augmented=%d normalized=%d\n",
	       b->index, split_names[b->split], b->size, b->nmax,
	       (double)b->factor, b->seed, b->count,
	       (b->flags & BATCH_FLAG_AUGMENTED) != 0,
	       (b->flags & BATCH_FLAG_NORMALIZED) != 0);
	for (i = 0; i < b->size; i++) {
		printf("sketch %zu id=%" PRIu32 " len=%" PRIu32 "\n", i,
		       b->id[i], b->len[i]);
		x = b->x + i * (b->nmax + 1) * 5;
		for (j = 0; j <= b->nmax; j++)
			printf("%.9g %.9g %g %g %g\n", (double)x[j * 5],
			       (double)x[j * 5 + 1], (double)x[j * 5 + 2],
			       (double)x[j * 5 + 3], (double)x[j * 5 + 4]);
		out_check(stdout);
	}
}

static int decode(FILE *f, const char *name)
{
	struct batch b;
	unsigned long n = 0;
	int rc;

	batch_init(&b);
	while ((rc = batch_read(f, name, n, &b)) > 0) {
		print_batch(&b);
		n++;
	}
	batch_free(&b);
	return rc;
}

static int run(struct input *in, const struct options *o)
{
	const char *why;
	struct batch b;
	uint64_t k, n, end;

	in->l.factor = in->h.scale;
	in->l.flags =
	    in->h.flags & STROKE_FLAG_NORMALIZED ? BATCH_FLAG_NORMALIZED : 0;
	if (in->dropped)
		warnmsg("dropped %zu of %zu drawings longer than %zu points",
			in->dropped, in->total, o->limit);
	why =
	    loader_ready(&in->l, o->limit ? o->limit : in->longest, o->p.size);
	if (why) {
		warnmsg("%s split: %s (%zu drawings, batch size %zu)",
			split_names[o->split], why, in->l.n, o->p.size);
		return -1;
	}
	n = loader_batches(&in->l, o->p.size);
	end = o->count >= 0 ? o->start + (uint64_t)o->count : n;
	if (o->split != SPLIT_TRAIN && end > n) {
		warnmsg("%s split: batches %" PRIu64 " to %" PRIu64
			" asked, only %" PRIu64 " exist",
			split_names[o->split], o->start, end - 1, n);
		return -1;
	}
	batch_init(&b);
	for (k = o->start; k < end; k++) {
		batch_make(&in->l, &o->p, k, &b);
		if (o->text)
			print_batch(&b);
		else
			batch_write(stdout, &b);
	}
	batch_free(&b);
	return 0;
}

static void parse_fractions(struct options *o, const char *s)
{
	char *end;

	o->ftrain = strtod(s, &end);
	if (*end != ',')
		die("-f: bad value '%s' (want train,valid fractions)", s);
	o->fvalid = parse_double('f', end + 1, 0, 1);
	if (!(o->ftrain >= 0 && o->ftrain <= 1) || o->ftrain + o->fvalid > 1)
		die("-f: bad value '%s' (fractions from 0 to 1, sum at most "
		    "1)",
		    s);
}

static int parse_split(const char *s)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, split_names[i]) == 0)
			return i;
	die("-s: bad split '%s' (want train, valid or test)", s);
}

static int parse_mode(const char *s)
{
	static const char *names[] = {"auto", "label", "hash", "all"};
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	die("-m: bad mode '%s' (want auto, label, hash or all)", s);
}

static void parse(struct options *o, int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "S:b:df:k:l:m:n:p:r:s:tu")) != -1) {
		switch (c) {
		case 'S':
			o->p.seed = (uint64_t)parse_long('S', optarg, 0,
							 0x7fffffffffffffffL);
			break;
		case 'b':
			o->p.size =
			    (size_t)parse_long('b', optarg, 1, BATCH_MAX_SIZE);
			break;
		case 'd':
			o->decode = 1;
			break;
		case 'f':
			parse_fractions(o, optarg);
			break;
		case 'k':
			o->start = (uint64_t)parse_long('k', optarg, 0,
							0x7fffffffffffffffL);
			break;
		case 'l':
			o->limit = (size_t)parse_long('l', optarg, 1,
						      STROKE_MAX_POINTS);
			break;
		case 'm':
			o->mode = parse_mode(optarg);
			break;
		case 'n':
			o->count = parse_long('n', optarg, 0, 1L << 40);
			break;
		case 'p':
			o->p.drop = parse_double('p', optarg, 0, 1);
			break;
		case 'r':
			o->p.scale = parse_double('r', optarg, 0, 0.99);
			break;
		case 's':
			o->split = parse_split(optarg);
			break;
		case 't':
			o->text = 1;
			break;
		case 'u':
			o->unnormalized = 1;
			break;
		default:
			usage();
		}
	}
}

int main(int argc, char **argv)
{
	struct options o;
	struct input in;
	int i, status = 0;
	FILE *f;

	util_init(argv[0]);
	memset(&o, 0, sizeof o);
	o.p.size = 100;
	o.p.scale = 0.15;
	o.p.drop = 0.10;
	o.ftrain = 0.90;
	o.fvalid = 0.05;
	o.count = -1;
	parse(&o, argc, argv);
	if (o.decode) {
		if (optind == argc)
			status = decode(stdin, "<stdin>") < 0;
		for (i = optind; i < argc && !status; i++) {
			f = xfopen(argv[i], "rb");
			status = decode(f, argv[i]) < 0;
			xfclose(f);
		}
		return out_finish(status);
	}
	memset(&in, 0, sizeof in);
	loader_init(&in.l, (unsigned)o.split);
	in.mode = o.mode;
	if (optind == argc)
		status = read_stream(&in, &o, stdin, "<stdin>") < 0;
	for (i = optind; i < argc && !status; i++) {
		f = xfopen(argv[i], "rb");
		status = read_stream(&in, &o, f, argv[i]) < 0;
		xfclose(f);
	}
	if (!status)
		status = run(&in, &o) < 0;
	loader_free(&in.l);
	return out_finish(status);
}
