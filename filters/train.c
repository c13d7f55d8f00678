/*
 * train: train a sketch-rnn model (Ha and Eck 2017) on a normalised
 * stroke(5) stream, as the reference sketch_rnn_train.py does: batch k of
 * step k from the loader of lib/batch.c, recurrent dropout and z noise,
 * the annealed KL weight, element-wise clipping and Adam with the decayed
 * learning rate.  Every save_every steps it evaluates the validation set,
 * keeps the best model, evaluates the test set at each new best, and
 * writes a checkpoint from which -r continues bit for bit.  A non-finite
 * loss or gradient restores the state of the last checkpoint and halves
 * the learning rate.
 *
 * It writes files only (DIR/checkpoint.skm, best.skm, model.skm, log.csv;
 * model(5)); stdout stays empty.  It does not sample or draw (decode
 * does), and does not normalise (normalize does).
 */
#include <csv.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "checkpoint.h"
#include "cluster.h"
#include "shard.h"
#include "stroke.h"
#include "util.h"

/* The batch_size that hparams_check allows is what the loader takes. */
_Static_assert(MODEL_MAX_BATCH == BATCH_MAX_SIZE, "batch_size limit");

struct options {
	struct hparams hp;  /* -H name=value, -d, -e, -n, -S, -u */
	int hp_given;	    /* a hyperparameter other than num_steps set */
	int steps_given;    /* -n (or -H num_steps) given */
	const char *outdir; /* -o: where the files go; "." */
	const char *resume; /* -r: checkpoint to continue from */
	const char *valid;  /* -V: validation stream */
	const char *test;   /* -T: test stream */
	long patience;	    /* -P: evaluations without improvement; 0 off */
	long log_every;	    /* -i: steps between log rows; 20 */
	double time_limit;  /* -t: stop after this many seconds in all; 0 */
	int threads;	    /* -j: shards of each batch, one thread each; 2 */
	int quiet;	    /* -q: no progress or summary on stderr */
	int mpi;	    /* -M: one run over the processes of an MPI job */
};

/* The three splits and what was read of them. */
struct data {
	struct loader split[3]; /* SPLIT_TRAIN, SPLIT_VALID, SPLIT_TEST */
	int have[3];
	float scale;  /* the training stream's scale factor */
	size_t nmax;  /* longest drawing over every split */
	uint32_t crc; /* of the training drawings' points */
};

/* The state of the last checkpoint, restored after a non-finite step. */
struct snapshot {
	real *params, *m, *v;
	long t;
	uint64_t step;
	struct rng rng;
};

/* Running means of the training losses since the last log row. */
struct means {
	double recon, kl, cost;
	long n;
};

struct trainer {
	const struct options *o;
	struct data *d;
	struct model m;
	struct train_state st; /* what a checkpoint adds to m */
	struct batch_params bp;
	struct batch b;
	struct shards sh; /* the batch's shards, one thread each */
	int *len;	  /* [B] */
	double keep;
	struct snapshot good;
	struct means mean;
	char *path_ckpt, *path_best, *path_model, *path_log;
	FILE *log;
	struct timespec start;
	double elapsed0;    /* st.elapsed when this run started */
	uint64_t step0;	    /* st.step when this run started */
	uint64_t inject;    /* SKETCHRNN_INJECT_NAN: batch made non-finite */
	int tty;	    /* stderr is a terminal */
	int writer;	    /* writes files and messages (rank 0) */
	double last_status; /* elapsed seconds at the last status line */
};

static const char *split_names[3] = {"train", "valid", "test"};

/* Set by SIGINT or SIGTERM: stop after the current step, checkpointing. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
	signal(sig, SIG_DFL); /* a second signal ends the program at once */
}

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: train [-Mqu] [-d cell] [-e cell] [-H name=value[,...]] "
	    "[-i interval] [-j threads]\n"
	    "             [-n steps] [-o dir] [-P patience] [-r checkpoint] "
	    "[-S seed]\n"
	    "             [-t seconds] [-T test] [-V valid] [file]\n");
	exit(1);
}

/* ---- options ---- */

static void set_hparams(struct options *o, const char *arg)
{
	char *s = xstrdup(arg), *p, *next, *eq;
	const char *why;

	for (p = s; p; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = 0;
		eq = strchr(p, '=');
		if (!eq)
			die("-H: '%s' is not name=value", p);
		*eq = 0;
		why = hparams_set(&o->hp, p, eq + 1);
		if (why)
			die("-H: %s=%s: %s", p, eq + 1, why);
		if (strcmp(p, "num_steps") == 0)
			o->steps_given = 1;
		else
			o->hp_given = 1;
	}
	free(s);
}

/* parse_cell: -d takes lstm, layer_norm or hyper; -e the first two. */
static int parse_cell(int opt, const char *s)
{
	int c = cell_parse(s);

	if (c < 0 || (opt == 'e' && c == CELL_HYPER))
		die("-%c: bad cell '%s' (want lstm, layer_norm%s)", opt, s,
		    opt == 'd' ? " or hyper" : "; hyper is for the decoder");
	return c;
}

static void parse(struct options *o, int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "H:MP:S:T:V:d:e:i:j:n:o:qr:t:u")) !=
	       -1) {
		switch (c) {
		case 'H':
			set_hparams(o, optarg);
			break;
		case 'M':
			o->mpi = 1;
			break;
		case 'P':
			o->patience = parse_long('P', optarg, 0, 1000000000);
			break;
		case 'S':
			o->hp.seed =
			    (uint64_t)parse_long('S', optarg, 0, 1L << 53);
			o->hp_given = 1;
			break;
		case 'T':
			o->test = optarg;
			break;
		case 'V':
			o->valid = optarg;
			break;
		case 'd':
			o->hp.dec_model = parse_cell('d', optarg);
			o->hp_given = 1;
			break;
		case 'e':
			o->hp.enc_model = parse_cell('e', optarg);
			o->hp_given = 1;
			break;
		case 'i':
			o->log_every = parse_long('i', optarg, 1, 1000000000);
			break;
		case 'j':
			o->threads = (int)parse_long('j', optarg, 1, SHARD_MAX);
			break;
		case 'n':
			o->hp.num_steps = (uint64_t)parse_long('n', optarg, 0,
							       1000000000000L);
			o->steps_given = 1;
			break;
		case 'o':
			o->outdir = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'r':
			o->resume = optarg;
			break;
		case 't':
			o->time_limit = parse_double('t', optarg, 0, 1e9);
			break;
		case 'u':
			o->hp.conditional = 0;
			o->hp_given = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind > 1)
		usage();
	if (o->resume && o->hp_given)
		die("-r: the hyperparameters come from the checkpoint (only "
		    "-n, -i, -j, -M, -o, -P, -q, -t, -T and -V may be given)");
}

/* ---- data ---- */

/* read_split: every record of the stream at path into split s.  Returns
 * 0, or -1 after a message. */
static int read_split(struct data *dt, int s, const char *path)
{
	struct stroke_reader r;
	struct drawing d;
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	FILE *f = cluster_fopen(path);
	int rc;

	rc = stroke_open(&r, f, name);
	if (rc == 0 && !(r.h.flags & STROKE_FLAG_NORMALIZED)) {
		warnmsg("%s: stream is not normalised (run normalize first)",
			name);
		rc = -1;
	}
	if (rc == 0 && s != SPLIT_TRAIN && r.h.scale != dt->scale) {
		warnmsg("%s: scale factor %.9g differs from the training "
			"stream's %.9g (normalize it with -F)",
			name, (double)r.h.scale, (double)dt->scale);
		rc = -1;
	}
	if (rc == 0 && s == SPLIT_TRAIN)
		dt->scale = r.h.scale;
	drawing_init(&d);
	while (rc == 0 && (rc = stroke_read(&r, &d)) > 0) {
		if (d.n > dt->nmax)
			dt->nmax = d.n;
		if (s == SPLIT_TRAIN)
			dt->crc = stroke_points_crc(dt->crc, &d);
		loader_add(&dt->split[s], &d);
		rc = 0;
	}
	drawing_free(&d);
	xfclose(f);
	dt->have[s] = rc == 0;
	return rc;
}

static int read_data(struct data *dt, const struct options *o,
		     const char *train, int B)
{
	const char *paths[3] = {train, o->valid, o->test};
	const char *why;
	int s;

	for (s = 0; s < 3; s++)
		loader_init(&dt->split[s], (unsigned)s);
	for (s = 0; s < 3; s++)
		if (paths[s] && read_split(dt, s, paths[s]) < 0)
			return -1;
	for (s = 0; s < 3; s++) {
		if (!dt->have[s])
			continue;
		dt->split[s].factor = dt->scale;
		dt->split[s].flags = BATCH_FLAG_NORMALIZED;
		why = loader_ready(&dt->split[s], dt->nmax ? dt->nmax : 1,
				   (size_t)B);
		if (why) {
			warnmsg("%s: %s split: %s (%zu drawings, batch size "
				"%d)",
				paths[s], split_names[s], why, dt->split[s].n,
				B);
			return -1;
		}
	}
	if (dt->nmax > MODEL_MAX_NMAX || dt->split[0].n > UINT32_MAX)
		return warnmsg("%s: too many drawings or points", train), -1;
	return 0;
}

/* ---- time, progress and the log ---- */

static double now(const struct trainer *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)(ts.tv_sec - t->start.tv_sec) +
	       1e-9 * (double)(ts.tv_nsec - t->start.tv_nsec);
}

static double elapsed(const struct trainer *t)
{
	return t->elapsed0 + now(t);
}

static void csv_field(FILE *f, const char *s, int first)
{
	if (!first)
		fputc(',', f);
	if (*s)
		csv_fwrite(f, s, strlen(s));
}

static const char *log_columns[] = {
    "step",    "lr",	      "kl_weight", "recon",	 "kl",
    "cost",    "valid_recon", "valid_kl",  "valid_cost", "test_recon",
    "test_kl", "test_cost",   "elapsed_s"};
#define NCOL ((int)(sizeof(log_columns) / sizeof(log_columns[0])))

/* log_row: one CSV row; NaN values are written as empty fields. */
static void log_row(struct trainer *t, const double *v)
{
	char buf[64];

	if (!t->writer)
		return;
	for (int i = 0; i < NCOL; i++) {
		if (isnan(v[i]))
			buf[0] = 0;
		else if (i == 0)
			snprintf(buf, sizeof(buf), "%.0f", v[i]);
		else
			snprintf(buf, sizeof(buf), "%.9g", v[i]);
		csv_field(t->log, buf, i == 0);
	}
	fputc('\n', t->log);
	if (fflush(t->log) != 0 || ferror(t->log))
		die("%s: write error:", t->path_log);
}

static void open_log(struct trainer *t)
{
	struct stat sb;
	int fresh = stat(t->path_log, &sb) != 0 || sb.st_size == 0;

	if (!t->writer)
		return;
	t->log = fopen(t->path_log, "a");
	if (!t->log)
		die("%s:", t->path_log);
	if (!fresh)
		return;
	for (int i = 0; i < NCOL; i++)
		csv_field(t->log, log_columns[i], i == 0);
	fputc('\n', t->log);
	if (fflush(t->log) != 0)
		die("%s: write error:", t->path_log);
}

/* note: a message line on stderr, ending the live status line first. */
static void note(struct trainer *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void note(struct trainer *t, const char *fmt, ...)
{
	va_list ap;

	if (t->o->quiet || !t->writer)
		return;
	if (t->tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void status_line(struct trainer *t, double recon, double kl, double cost)
{
	const struct train_state *st = &t->st;
	double sec = now(t), rate, left;
	char eta[32] = "";

	if (t->o->quiet || !t->writer || sec - t->last_status < 0.25)
		return;
	t->last_status = sec;
	rate = (double)(st->step - t->step0) / (sec > 0 ? sec : 1);
	if (rate > 0) {
		left = (double)(t->m.hp.num_steps - st->step) / rate;
		if (left < 360000)
			snprintf(eta, sizeof(eta), " ETA %d:%02d:%02d",
				 (int)left / 3600, (int)left / 60 % 60,
				 (int)left % 60);
	}
	fprintf(stderr,
		"\r\033[Kstep %" PRIu64 "/%" PRIu64 " %.2f steps/s%s recon "
		"%.4f kl %.4f cost %.4f",
		st->step, t->m.hp.num_steps, rate, eta, recon, kl, cost);
	fflush(stderr);
}

/* ---- training ---- */

static void snapshot_take(struct trainer *t)
{
	const struct train_state *st = &t->st;
	size_t n = (size_t)t->m.net.nparams * sizeof(real);

	memcpy(t->good.params, t->m.net.params, n);
	memcpy(t->good.m, st->adam.m, n);
	memcpy(t->good.v, st->adam.v, n);
	t->good.t = st->adam.t;
	t->good.step = st->step;
	t->good.rng = st->rng;
}

static void snapshot_restore(struct trainer *t)
{
	struct train_state *st = &t->st;
	size_t n = (size_t)t->m.net.nparams * sizeof(real);

	memcpy(t->m.net.params, t->good.params, n);
	memcpy(st->adam.m, t->good.m, n);
	memcpy(st->adam.v, t->good.v, n);
	st->adam.t = t->good.t;
	st->step = t->good.step;
	st->rng = t->good.rng;
}

static int all_finite(const real *x, long n)
{
	for (long i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

/* load_batch: batch k of split l into t->b and t->len. */
static void load_batch(struct trainer *t, const struct loader *l,
		       const struct batch_params *p, uint64_t k)
{
	batch_make(l, p, k, &t->b);
	for (size_t i = 0; i < t->b.size; i++)
		t->len[i] = (int)t->b.len[i];
}

/* train_step: one optimizer step on the next training batch.  Returns 0,
 * or -1 when the loss or a gradient is not finite (nothing updated). */
static int train_step(struct trainer *t, double lr, double w)
{
	struct train_state *st = &t->st;
	struct sketchrnn *net = &t->m.net;
	uint64_t k = st->batch++;
	double cost;

	load_batch(t, &t->d->split[SPLIT_TRAIN], &t->bp, k);
	shards_noise(&t->sh, &st->rng, t->keep);
	cost = shards_forward(&t->sh, net, t->b.x, t->len, w,
			      t->m.hp.kl_tolerance);
	if (t->inject && k == t->inject - 1)
		cost = NAN;
	if (!isfinite(cost))
		return -1;
	shards_backward(&t->sh, net);
	if (!all_finite(net->grads, net->nparams))
		return -1;
	adam_step(&st->adam, net->params, net->grads, lr, t->m.hp.grad_clip);
	st->step++;
	t->mean.recon += net->ls + net->lp;
	t->mean.kl += net->kl;
	t->mean.cost += cost;
	t->mean.n++;
	return 0;
}

static void recover(struct trainer *t)
{
	struct train_state *st = &t->st;
	uint64_t bad = st->batch - 1, at = st->step + 1;

	st->nonfinite++;
	st->lr_scale *= 0.5;
	if (st->lr_scale < 1.0 / 1024)
		die("batch %" PRIu64 ": non-finite loss or gradient, and the "
		    "learning rate was already halved 10 times; giving up "
		    "(%s holds step %" PRIu64 ")",
		    bad, t->path_ckpt, t->good.step);
	snapshot_restore(t);
	memset(&t->mean, 0, sizeof(t->mean));
	if (t->tty && !t->o->quiet)
		fputs("\r\033[K", stderr);
	if (t->writer)
		warnmsg("step %" PRIu64 " (batch %" PRIu64
			"): non-finite loss or "
			"gradient; back to step %" PRIu64 ", learning rate x%g",
			at, bad, st->step, st->lr_scale);
}

/* evaluate: mean losses over every batch of split s, without dropout, z
 * sampled with a generator reset for each evaluation (the same eps every
 * time), cost with the final KL weight.  v[0..2] = recon, KL, cost. */
static void evaluate(struct trainer *t, int s, double *v)
{
	const struct loader *l = &t->d->split[s];
	struct batch_params p = t->bp;
	struct sketchrnn *net = &t->m.net;
	const struct hparams *hp = &t->m.hp;
	uint64_t k, n = loader_batches(l, p.size);
	struct rng r;

	p.scale = p.drop = 0;
	rng_seed(&r, batch_seed(hp->seed, UINT64_MAX - (uint64_t)s));
	v[0] = v[1] = v[2] = 0;
	for (k = 0; k < n; k++) {
		load_batch(t, l, &p, k);
		shards_noise(&t->sh, &r, 1.0);
		shards_forward(&t->sh, net, t->b.x, t->len, hp->kl_weight,
			       hp->kl_tolerance);
		v[0] += net->ls + net->lp;
		v[1] += net->kl;
		v[2] += net->cost;
	}
	for (int i = 0; i < 3; i++)
		v[i] /= (double)n;
}

static void write_model(struct trainer *t, const char *path, int kind)
{
	int rc;

	if (!t->writer)
		return;
	t->st.elapsed = elapsed(t);
	if (kind == MODEL_KIND_CHECKPOINT)
		rc = checkpoint_write(path, &t->m, &t->st);
	else
		rc = model_write(path, &t->m);
	if (rc < 0)
		exit(out_finish(1));
}

static void row_init(double *row, const struct trainer *t)
{
	const struct train_state *st = &t->st;
	const struct hparams *hp = &t->m.hp;
	long s = st->step > 0 ? (long)st->step - 1 : 0;

	for (int i = 0; i < NCOL; i++)
		row[i] = NAN;
	row[0] = (double)st->step;
	row[1] = adam_lr(hp->learning_rate, hp->min_learning_rate,
			 hp->decay_rate, s) *
		 st->lr_scale;
	row[2] = adam_kl_weight(hp->kl_weight, hp->kl_weight_start,
				hp->kl_decay_rate, s);
	if (t->mean.n > 0) {
		row[3] = t->mean.recon / (double)t->mean.n;
		row[4] = t->mean.kl / (double)t->mean.n;
		row[5] = t->mean.cost / (double)t->mean.n;
	}
	row[NCOL - 1] = elapsed(t);
}

static void report(struct trainer *t, const char *what, const double *v)
{
	note(t, "step %" PRIu64 " %s recon %.4f kl %.4f cost %.4f", t->st.step,
	     what, v[0], v[1], v[2]);
}

/* checkpoint: evaluate, keep the best, log, write the checkpoint and take
 * the in-memory snapshot.  Returns 1 when early stopping says stop. */
static int checkpoint(struct trainer *t)
{
	struct train_state *st = &t->st;
	double row[NCOL];
	int best = 0;

	row_init(row, t);
	memset(&t->mean, 0, sizeof(t->mean));
	if (t->d->have[SPLIT_VALID]) {
		evaluate(t, SPLIT_VALID, row + 6);
		report(t, "valid", row + 6);
		if (row[8] < st->best_cost) {
			st->best_cost = row[8];
			st->best_step = st->step;
			st->stale = 0;
			best = 1;
			write_model(t, t->path_best, MODEL_KIND_MODEL);
		} else {
			st->stale++;
		}
		if (best && t->d->have[SPLIT_TEST]) {
			evaluate(t, SPLIT_TEST, row + 9);
			report(t, "test (new best)", row + 9);
		}
	}
	log_row(t, row);
	write_model(t, t->path_ckpt, MODEL_KIND_CHECKPOINT);
	snapshot_take(t);
	return t->o->patience > 0 && st->stale >= (uint32_t)t->o->patience;
}

static void log_train(struct trainer *t)
{
	const struct train_state *st = &t->st;
	double row[NCOL];

	row_init(row, t);
	memset(&t->mean, 0, sizeof(t->mean));
	log_row(t, row);
	if (!t->tty)
		note(t,
		     "step %" PRIu64 " lr %.3g kl_weight %.3f recon %.4f "
		     "kl %.4f cost %.4f %.0fs",
		     st->step, row[1], row[2], row[3], row[4], row[5],
		     row[NCOL - 1]);
}

/* stop_asked: after an interrupt or at the time limit (rank 0's clock
 * decides for every process of -M). */
static int stop_asked(struct trainer *t)
{
	int why = interrupted ? 1 : 0;

	if (!why && t->writer && t->o->time_limit > 0 &&
	    elapsed(t) >= t->o->time_limit)
		why = 2;
	if (t->o->mpi)
		why = cluster_any(why);
	if (why == 1)
		note(t, "interrupted at step %" PRIu64, t->st.step);
	else if (why == 2)
		note(t, "time limit of %g s reached", t->o->time_limit);
	return why != 0;
}

static void run(struct trainer *t)
{
	struct train_state *st = &t->st;
	const struct hparams *hp = &t->m.hp;
	struct sketchrnn *net = &t->m.net;
	uint64_t last_ckpt = st->step;
	double lr, w, row[NCOL];
	int stop = 0;

	while (st->step < hp->num_steps && !stop) {
		lr = adam_lr(hp->learning_rate, hp->min_learning_rate,
			     hp->decay_rate, (long)st->step) *
		     st->lr_scale;
		w = adam_kl_weight(hp->kl_weight, hp->kl_weight_start,
				   hp->kl_decay_rate, (long)st->step);
		if (train_step(t, lr, w) < 0) {
			recover(t);
			last_ckpt = st->step;
			continue;
		}
		if (t->tty)
			status_line(t, net->ls + net->lp, net->kl, net->cost);
		if (st->step % (uint64_t)hp->save_every == 0 ||
		    st->step == hp->num_steps) {
			stop = checkpoint(t);
			last_ckpt = st->step;
		} else if (st->step % (uint64_t)t->o->log_every == 0) {
			log_train(t);
		}
		if (stop_asked(t))
			break;
	}
	if (stop)
		note(t, "no improvement in %ld evaluations; stopping",
		     t->o->patience);
	if (st->step != last_ckpt || st->step == t->step0)
		checkpoint(t);
	write_model(t, t->path_model, MODEL_KIND_MODEL);
	if (t->d->have[SPLIT_TEST]) {
		row_init(row, t);
		row[3] = row[4] = row[5] = NAN;
		evaluate(t, SPLIT_TEST, row + 9);
		report(t, "test (final)", row + 9);
		log_row(t, row);
	}
	note(t,
	     "%" PRIu64 " steps in %.1f s; best valid cost %.4f at step "
	     "%" PRIu64 "; %" PRIu32 " non-finite steps",
	     st->step, elapsed(t), st->best_cost, st->best_step, st->nonfinite);
}

/* ---- setup ---- */

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *s = xmalloc(n);

	snprintf(s, n, "%s/%s", dir, name);
	return s;
}

/* remove_stale: remove the temporary files ("checkpoint.skm.tmp.PID",
 * model_write's) that a run killed while writing left in dir, those of
 * processes no longer running. */
static void remove_stale(const char *dir)
{
	static const char *const names[] = {"checkpoint.skm.tmp.",
					    "best.skm.tmp.", "model.skm.tmp."};
	DIR *d = opendir(dir);
	struct dirent *e;
	char *end, *path;
	size_t n;
	long pid;

	if (!d)
		return;
	while ((e = readdir(d))) {
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			n = strlen(names[i]);
			if (strncmp(e->d_name, names[i], n) != 0 ||
			    !isdigit((unsigned char)e->d_name[n]))
				continue;
			errno = 0;
			pid = strtol(e->d_name + n, &end, 10);
			if (*end || errno || pid <= 0 ||
			    pid == (long)getpid() || kill((pid_t)pid, 0) == 0 ||
			    errno != ESRCH)
				continue;
			path = join(dir, e->d_name);
			unlink(path);
			free(path);
		}
	}
	closedir(d);
}

/* prepare_dir: create the output directory if needed, check that a file
 * can be created there, before any data is read, and remove what killed
 * runs left. */
static void prepare_dir(const char *dir)
{
	char name[64], *probe;
	int fd;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		die("%s:", dir);
	snprintf(name, sizeof(name), ".train-probe.%ld", (long)getpid());
	probe = join(dir, name);
	fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("%s: cannot write in this directory:", dir);
	close(fd);
	unlink(probe);
	free(probe);
	remove_stale(dir);
}

static void start_fresh(struct trainer *t, const struct options *o)
{
	struct sketchrnn_config c;
	struct train_state *st = &t->st;
	const char *why;

	t->m.hp = o->hp;
	if ((why = hparams_check(&t->m.hp)))
		die("%s", why);
	hparams_config(&t->m.hp, &c);
	sketchrnn_build(&t->m.net, &c);
	rng_seed(&st->rng, t->m.hp.seed);
	sketchrnn_init(&t->m.net, &st->rng);
	adam_init(&st->adam, t->m.net.nparams);
	st->data_seed = t->m.hp.seed;
	st->lr_scale = 1;
	st->best_cost = INFINITY;
}

static void start_resume(struct trainer *t, const struct options *o)
{
	FILE *f = cluster_fopen(o->resume);
	int rc = checkpoint_fread(f, o->resume, &t->m, &t->st);

	xfclose(f);
	if (rc < 0)
		exit(out_finish(1));
	if (t->m.kind != MODEL_KIND_CHECKPOINT) {
		model_free(&t->m);
		die("%s: a model, not a checkpoint (train writes checkpoints "
		    "as checkpoint.skm)",
		    o->resume);
	}
	if (o->steps_given)
		t->m.hp.num_steps = o->hp.num_steps;
}

/* check_data: the data of a resumed run must be the checkpoint's. */
static void check_data(struct trainer *t, const char *train)
{
	const struct data *d = t->d;
	const struct train_state *st = &t->st;

	if (!t->o->resume) {
		t->m.scale = d->scale;
		t->m.nmax = (uint32_t)d->nmax;
		t->st.data_count = (uint32_t)d->split[SPLIT_TRAIN].n;
		t->st.data_crc = d->crc;
		return;
	}
	if (d->scale != t->m.scale || d->nmax != t->m.nmax ||
	    d->split[SPLIT_TRAIN].n != st->data_count || d->crc != st->data_crc)
		die("%s: the data differ from those of %s (scale %.9g, N_max "
		    "%zu, %zu drawings; the checkpoint has %.9g, %u, %u)",
		    train, t->o->resume, (double)d->scale, d->nmax,
		    d->split[SPLIT_TRAIN].n, (double)t->m.scale, t->m.nmax,
		    st->data_count);
}

/* same_inputs, same_run: with -M, every process must read the same
 * inputs (rank 0 sends them) and make the same steps. */
static void same_inputs(const struct options *o)
{
	static const char *const names[] = {"-r", "-V", "-T", "-j"};
	long v[] = {o->resume != NULL, o->valid != NULL, o->test != NULL,
		    o->threads};

	cluster_same(v, 4, names);
}

static void same_run(const struct trainer *t)
{
	static const char *const names[] = {
	    "parameters",	   "step", "batch_size", "num_steps (-n)",
	    "save_every",	   "seed", "-P",	 "-t",
	    "SKETCHRNN_INJECT_NAN"};
	const struct hparams *hp = &t->m.hp;
	long v[] = {t->m.net.nparams,	  (long)t->st.step,
		    (long)hp->batch_size, (long)hp->num_steps,
		    (long)hp->save_every, (long)hp->seed,
		    t->o->patience,	  (long)(t->o->time_limit * 1000),
		    (long)t->inject};

	cluster_same(v, 9, names);
}

static void setup(struct trainer *t)
{
	const struct hparams *hp = &t->m.hp;
	size_t n = (size_t)t->m.net.nparams;
	const char *env = getenv("SKETCHRNN_INJECT_NAN");
	char *end;

	t->bp.size = (size_t)hp->batch_size;
	t->bp.scale = hp->random_scale_factor;
	t->bp.drop = hp->augment_stroke_prob;
	t->bp.seed = t->st.data_seed;
	t->keep = hp->use_recurrent_dropout ? hp->recurrent_dropout_prob : 1;
	batch_init(&t->b);
	t->len = xcalloc((size_t)hp->batch_size, sizeof(int));
	if (t->o->mpi)
		cluster_check_cores(t->o->threads);
	if (t->o->mpi)
		shards_init_comm(&t->sh, &t->m.net, t->o->threads,
				 hp->batch_size, (int)t->m.nmax, 1,
				 cluster_comm());
	else
		shards_init(&t->sh, &t->m.net, t->o->threads, hp->batch_size,
			    (int)t->m.nmax, 1);
	t->good.params = xcalloc(n, sizeof(real));
	t->good.m = xcalloc(n, sizeof(real));
	t->good.v = xcalloc(n, sizeof(real));
	snapshot_take(t);
	if (env && *env) {
		t->inject = strtoull(env, &end, 10) + 1;
		if (*end || !isdigit((unsigned char)*env))
			die("SKETCHRNN_INJECT_NAN: bad batch number '%s'", env);
	}
	if (t->o->mpi)
		same_run(t);
	t->tty = isatty(2);
	t->writer = cluster_rank() == 0;
	t->last_status = -1;
	t->elapsed0 = t->st.elapsed;
	t->step0 = t->st.step;
}

static void summary(const struct trainer *t)
{
	const struct data *d = t->d;

	if (t->o->quiet || !t->writer)
		return;
	fprintf(stderr, "%s: hyperparameters:\n", progname);
	hparams_print(stderr, &t->m.hp, "  ");
	fprintf(stderr,
		"%s: %zu train, %zu valid, %zu test drawings; N_max %u; scale "
		"%.6g; %ld parameters; %s at step %" PRIu64 "\n",
		progname, d->split[0].n, d->split[1].n, d->split[2].n,
		t->m.nmax, (double)t->m.scale, t->m.net.nparams,
		t->o->resume ? "resuming" : "starting", t->st.step);
}

static void cleanup(struct trainer *t, struct data *d)
{
	free(t->good.params);
	free(t->good.m);
	free(t->good.v);
	free(t->len);
	shards_free(&t->sh);
	batch_free(&t->b);
	train_state_free(&t->st);
	model_free(&t->m);
	if (t->log)
		fclose(t->log);
	free(t->path_ckpt);
	free(t->path_best);
	free(t->path_model);
	free(t->path_log);
	for (int s = 0; s < 3; s++)
		loader_free(&d->split[s]);
}

int main(int argc, char **argv)
{
	struct options o;
	struct trainer t;
	struct data d;
	const char *train;

	util_init(argv[0]);
	memset(&o, 0, sizeof(o));
	memset(&t, 0, sizeof(t));
	memset(&d, 0, sizeof(d));
	hparams_default(&o.hp);
	o.outdir = ".";
	o.log_every = 20;
	o.threads = 2;
	parse(&o, argc, argv);
	train = optind < argc ? argv[optind] : "-";
	t.o = &o;
	t.d = &d;
	if (o.mpi) {
		cluster_start(&argc, &argv);
		same_inputs(&o);
	}
	if (cluster_rank() == 0)
		prepare_dir(o.outdir);
	if (o.resume)
		start_resume(&t, &o);
	if (read_data(&d, &o, train,
		      o.resume ? t.m.hp.batch_size : o.hp.batch_size) < 0) {
		cleanup(&t, &d);
		return out_finish(1);
	}
	if (!o.resume)
		start_fresh(&t, &o);
	check_data(&t, train);
	t.path_ckpt = join(o.outdir, "checkpoint.skm");
	t.path_best = join(o.outdir, "best.skm");
	t.path_model = join(o.outdir, "model.skm");
	t.path_log = join(o.outdir, "log.csv");
	setup(&t);
	summary(&t);
	clock_gettime(CLOCK_MONOTONIC, &t.start);
	open_log(&t);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	run(&t);
	cleanup(&t, &d);
	cluster_end();
	return out_finish(0);
}
