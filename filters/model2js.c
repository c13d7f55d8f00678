/*
 * model2js: write a model in the sketch-rnn-js JSON format that Magenta's
 * @magenta/sketch, sketch-rnn-js and ml5.js load, so that a model trained
 * with sketchrnn runs in a browser.
 *
 * The input is a sketchrnn model file (model(5)) or a sketch-rnn-js file
 * (read back and written again, which reproduces its weights and their
 * storage exactly; the name written is the file's, without directory and
 * extensions).  Weights are quantised to int16 as Magenta's exporter
 * does: q = round(clip(w / 10, -1, 1) * 32767); the number of weights
 * clipped at +-10 is reported.  Models with layer-norm cells or a hyper
 * decoder are written in sketchrnn's extension of the format (sketchjs(5):
 * the cells named in the info object, their extra tensors, the layer-norm
 * gains and shifts and the hyper scalers as float32), which web/sketchrnn.js
 * and decode(1) run and @magenta/sketch does not.  -F stores every tensor
 * as float32 (the weights exactly).  It does not change the model.
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
	int all_float;	  /* -F: every tensor as float32 */
};

static void usage(void)
{
	fprintf(stderr, "usage: model2js [-fF] [-n name] model\n");
	exit(1);
}

static int export(const struct sketchrnn *net, const char *name, double scale,
		  int nmax, const int *f32, const struct options *o)
{
	long clipped;
	int plain = net->cfg.dec_cell == CELL_LSTM &&
		    (!net->cfg.conditional || net->cfg.enc_cell == CELL_LSTM);

	if (plain && net->cfg.num_mixture != 20 && !o->force)
		die("@magenta/sketch runs only models of 20 mixture components "
		    "(this one has %d); -f writes it anyway",
		    net->cfg.num_mixture);
	clipped = sketchjs_write_ex(stdout, net, name, scale, nmax, f32,
				    o->all_float);
	if (clipped > 0)
		warnmsg("%ld weight%s beyond +-10 clipped (the format's range)",
			clipped, clipped == 1 ? "" : "s");
	return 0;
}

/* is_json: the file's first byte other than white space is '['. */
static int is_json(const char *path)
{
	FILE *f = fopen(path, "rb");
	int c;

	if (!f)
		return 0;
	while ((c = getc(f)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		;
	fclose(f);
	return c == '[';
}

int main(int argc, char **argv)
{
	struct options o = {NULL, 0, 0};
	struct model m;
	struct sketchjs js;
	int f32[SKETCHJS_MAX_TENSORS], *keep = NULL;
	char name[256];
	int c, rc;

	util_init(argv[0]);
	while ((c = getopt(argc, argv, "fFn:")) != -1) {
		switch (c) {
		case 'f':
			o.force = 1;
			break;
		case 'F':
			o.all_float = 1;
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
	if (is_json(argv[optind])) {
		/* written again with the storage of each tensor kept */
		if (sketchjs_load(&js, argv[optind]) < 0)
			return 1;
		for (int i = 0; i < js.ntensors; i++)
			f32[i] = js.t[i].f32;
		keep = f32;
		sketchjs_free(&js);
	}
	if (model_load(argv[optind], &m) < 0)
		return 1;
	rc = export(&m.net, o.name ? o.name : name, m.scale, (int)m.nmax, keep,
		    &o);
	model_free(&m);
	return out_finish(rc < 0);
}
