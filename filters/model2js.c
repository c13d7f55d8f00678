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

/* export_json: a sketch-rnn-js file written again from one reading, each
 * tensor stored (int16 or float32) as it was. */
static int export_json(const char *path, const char *name,
		       const struct options *o)
{
	struct sketchjs js;
	struct sketchrnn net;
	int f32[SKETCHJS_MAX_TENSORS], rc = -1;

	if (sketchjs_load(&js, path) < 0)
		return -1;
	if (sketchjs_to_net(&js, &net, path) == 0) {
		for (int i = 0; i < js.ntensors; i++)
			f32[i] = js.t[i].f32;
		/* the scale as model_load keeps it, a float */
		rc = export(&net, name, (float)js.scale_factor, js.max_seq_len,
			    f32, o);
		sketchrnn_free(&net);
	}
	sketchjs_free(&js);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = {NULL, 0, 0};
	struct model m;
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
	if (model_is_sketchjs(argv[optind]))
		return out_finish(
		    export_json(argv[optind], o.name ? o.name : name, &o) < 0);
	if (model_load(argv[optind], &m) < 0)
		return 1;
	rc = export(&m.net, o.name ? o.name : name, m.scale, (int)m.nmax, NULL,
		    &o);
	model_free(&m);
	return out_finish(rc < 0);
}
