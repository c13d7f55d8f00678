/*
 * model2js: write a model in the sketch-rnn-js JSON format that Magenta's
 * @magenta/sketch, sketch-rnn-js and ml5.js load, so that a model trained
 * with sketchrnn runs in a browser.
 *
 * The input is a sketchrnn model file (model(5)) or a sketch-rnn-js file
 * (read back and written again, which reproduces its weights exactly; the
 * name written is the file's, without directory and extensions).
 * Weights are quantised to int16 as Magenta's exporter does: q =
 * round(clip(w / 10, -1, 1) * 32767); the number of weights clipped at
 * +-10 is reported.  Models with layer-norm cells or a hyper decoder are
 * refused: the format holds plain LSTM weights only.  It does not change
 * the model.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "sketchjs.h"
#include "util.h"

struct options {
	const char *name; /* -n: the model's name in the file */
	int force;	  /* -f: write even if @magenta/sketch can't run it */
};

static void usage(void)
{
	fprintf(stderr, "usage: model2js [-f] [-n name] model\n");
	exit(1);
}

static int export(const struct sketchrnn *net, const char *name, double scale,
		  int nmax, const struct options *o)
{
	long clipped;

	if (net->cfg.dec_cell == CELL_HYPER)
		die("a model with a hyper (HyperLSTM) decoder cannot be "
		    "written as sketch-rnn-js (its format and @magenta/sketch "
		    "hold LSTM decoders only)");
	if (net->cfg.num_mixture != 20 && !o->force)
		die("@magenta/sketch runs only models of 20 mixture components "
		    "(this one has %d); -f writes it anyway",
		    net->cfg.num_mixture);
	clipped = sketchjs_write(stdout, net, name, scale, nmax);
	if (clipped < 0)
		return -1;
	if (clipped > 0)
		warnmsg("%ld weight%s beyond +-10 clipped (the format's range)",
			clipped, clipped == 1 ? "" : "s");
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = {NULL, 0};
	struct model m;
	char name[256];
	int c, rc;

	util_init(argv[0]);
	while ((c = getopt(argc, argv, "fn:")) != -1) {
		switch (c) {
		case 'f':
			o.force = 1;
			break;
		case 'n':
			o.name = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	file_stem(argv[optind], name, sizeof name);
	if (model_load(argv[optind], &m) < 0)
		return 1;
	rc = export(&m.net, o.name ? o.name : name, m.scale, (int)m.nmax, &o);
	model_free(&m);
	return out_finish(rc < 0);
}
