/*
 * sketchjs.c: reading and validating sketch-rnn-js model files (see
 * sketchjs.h for the format and the tensor table).  The JSON is parsed
 * with json-c in strict mode; every check is made before the weights are
 * allocated, and every failure prints one message and returns -1.  It does
 * not run, convert or write models.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "sketchjs.h"

#include "sketchrnn.h"
#include "util.h"

static const char *const gen_names[] = {"out_w", "out_b", "dec_wx", "dec_wh",
					"dec_b"};
static const char *const vae_names[] = {
    "enc_fw_wx", "enc_fw_wh", "enc_fw_b", "enc_bw_wx", "enc_bw_wh", "enc_bw_b",
    "mu_w",	 "mu_b",      "sigma_w",  "sigma_b",   "init_w",    "init_b",
    "out_w",	 "out_b",     "dec_wx",	  "dec_wh",    "dec_b"};

float sketchjs_weight(int q)
{
	return (float)(10.0 * q / 32767.0);
}

/* ---- info ---- */

/* get_int: the integer member key of o into *v, within [lo, hi]; 1 if
 * absent, 0 on success, -1 (with a message) if malformed. */
static int get_int(const char *name, json_object *o, const char *key, long lo,
		   long hi, long *v)
{
	json_object *x;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &x))
		return 1;
	if (!json_object_is_type(x, json_type_int))
		return data_error(name, NULL, 0, "info: %s is not an integer",
				  key);
	n = json_object_get_int64(x);
	if (n < lo || n > hi)
		return data_error(name, NULL, 0,
				  "info: %s %lld outside %ld..%ld", key,
				  (long long)n, lo, hi);
	*v = (long)n;
	return 0;
}

static int parse_mode(struct sketchjs *m, json_object *info, const char *name)
{
	json_object *x;
	const char *s;

	if (!json_object_object_get_ex(info, "mode", &x))
		return data_error(name, NULL, 0, "info: no mode");
	if (json_object_is_type(x, json_type_int)) {
		int64_t v = json_object_get_int64(x);

		if (v == 2)
			m->mode = SKETCHJS_GEN;
		else if (v == 0 || v == 1)
			m->mode = SKETCHJS_VAE;
		else
			return data_error(
			    name, NULL, 0,
			    "info: mode %lld is none of 2 (decoder "
			    "only), 0 or 1 (vae)",
			    (long long)v);
		return 0;
	}
	if (!json_object_is_type(x, json_type_string))
		return data_error(
		    name, NULL, 0,
		    "info: mode is neither an integer nor a string");
	s = json_object_get_string(x);
	if (strcmp(s, "gen") == 0)
		m->mode = SKETCHJS_GEN;
	else if (strcmp(s, "vae") == 0)
		m->mode = SKETCHJS_VAE;
	else
		return data_error(name, NULL, 0,
				  "info: mode \"%.40s\" is neither \"gen\" nor "
				  "\"vae\"",
				  s);
	return 0;
}

static int parse_info(struct sketchjs *m, json_object *info, const char *name)
{
	json_object *x;
	long v;
	int r;

	if (!json_object_is_type(info, json_type_object))
		return data_error(name, NULL, 0,
				  "element 1 (info) is not an object");
	if (parse_mode(m, info, name) < 0)
		return -1;
	if (!json_object_object_get_ex(info, "scale_factor", &x))
		return data_error(name, NULL, 0, "info: no scale_factor");
	if (!json_object_is_type(x, json_type_double) &&
	    !json_object_is_type(x, json_type_int))
		return data_error(name, NULL, 0,
				  "info: scale_factor is not a number");
	m->scale_factor = json_object_get_double(x);
	if (!(m->scale_factor > 0 && m->scale_factor <= 1e6))
		return data_error(name, NULL, 0,
				  "info: scale_factor %g outside (0, 1e6]",
				  m->scale_factor);
	r = get_int(name, info, "max_seq_len", 1, SKETCHJS_MAX_SEQ_LEN, &v);
	if (r != 0)
		return r < 0
			   ? -1
			   : data_error(name, NULL, 0, "info: no max_seq_len");
	m->max_seq_len = (int)v;
	r = get_int(name, info, "version", 0, 1000000000L, &m->version);
	if (r < 0)
		return -1;
	if (json_object_object_get_ex(info, "name", &x)) {
		const char *s;
		size_t len;

		if (!json_object_is_type(x, json_type_string))
			return data_error(name, NULL, 0,
					  "info: name is not a string");
		s = json_object_get_string(x);
		len = (size_t)json_object_get_string_len(x);
		if (len > SKETCHJS_MAX_NAME || strlen(s) != len)
			return data_error(name, NULL, 0,
					  "info: name longer than %d bytes or "
					  "holding a NUL",
					  SKETCHJS_MAX_NAME);
		m->name = xstrdup(s);
	}
	return 0;
}

/* ---- shapes ---- */

static int parse_shapes(struct sketchjs *m, json_object *shapes,
			const char *name)
{
	size_t n;
	int want = m->mode == SKETCHJS_GEN ? 5 : 17;

	if (!json_object_is_type(shapes, json_type_array))
		return data_error(name, NULL, 0,
				  "element 2 (shapes) is not a list");
	n = json_object_array_length(shapes);
	if (n != (size_t)want)
		return data_error(
		    name, NULL, 0,
		    "%s model needs %d tensors, shapes lists %zu",
		    m->mode == SKETCHJS_GEN ? "decoder-only" : "vae", want, n);
	m->ntensors = want;
	for (int i = 0; i < want; i++) {
		json_object *s = json_object_array_get_idx(shapes, (size_t)i);
		struct sketchjs_tensor *t = &m->t[i];
		size_t nd;

		t->name = m->mode == SKETCHJS_GEN ? gen_names[i] : vae_names[i];
		if (!json_object_is_type(s, json_type_array) ||
		    (nd = json_object_array_length(s)) < 1 || nd > 2)
			return data_error(
			    name, NULL, 0,
			    "shape %d (%s) is not a list of one or two "
			    "dimensions",
			    i, t->name);
		t->ndim = (int)nd;
		t->shape[1] = 1;
		for (size_t k = 0; k < nd; k++) {
			json_object *d = json_object_array_get_idx(s, k);
			int64_t v;

			if (!json_object_is_type(d, json_type_int))
				return data_error(
				    name, NULL, 0,
				    "shape %d (%s): dimension %zu is "
				    "not an integer",
				    i, t->name, k);
			v = json_object_get_int64(d);
			if (v < 1 || v > 1000000)
				return data_error(
				    name, NULL, 0,
				    "shape %d (%s): dimension %lld "
				    "outside 1..1000000",
				    i, t->name, (long long)v);
			t->shape[k] = (int)v;
		}
		t->size = (long)t->shape[0] * t->shape[1];
	}
	return 0;
}

/* dims: H, M (and E, Nz for a VAE) from the tensors that define them, each
 * within its limit. */
static int dims(struct sketchjs *m, const char *name)
{
	int vae = m->mode == SKETCHJS_VAE;
	const struct sketchjs_tensor *out = &m->t[vae ? 12 : 0];
	int W = out->shape[1];

	m->H = out->shape[0];
	if (out->ndim != 2 || W < 9 || (W - 3) % 6 != 0)
		return data_error(
		    name, NULL, 0,
		    "tensor %d (out_w): %d columns, not 6M+3 for a "
		    "mixture count M >= 1",
		    vae ? 12 : 0, out->ndim == 2 ? W : 0);
	m->M = (W - 3) / 6;
	if (vae) {
		m->E = m->t[1].shape[0];
		m->Nz = m->t[6].ndim == 2 ? m->t[6].shape[1] : 0;
	}
	if (m->H > SKETCHJS_MAX_UNITS)
		return data_error(name, NULL, 0, "decoder size %d exceeds %d",
				  m->H, SKETCHJS_MAX_UNITS);
	if (m->M > SKETCHJS_MAX_MIXTURE)
		return data_error(name, NULL, 0, "mixture count %d exceeds %d",
				  m->M, SKETCHJS_MAX_MIXTURE);
	if (vae && m->E > SKETCHJS_MAX_UNITS)
		return data_error(name, NULL, 0, "encoder size %d exceeds %d",
				  m->E, SKETCHJS_MAX_UNITS);
	if (vae && (m->Nz < 1 || m->Nz > SKETCHJS_MAX_Z))
		return data_error(name, NULL, 0, "latent size %d outside 1..%d",
				  m->Nz, SKETCHJS_MAX_Z);
	return 0;
}

/* expect: set the expected shape of tensor i (c = 0 for a vector). */
static void expect(int sh[][2], int i, int r, int c)
{
	sh[i][0] = r;
	sh[i][1] = c;
}

/* shape_text: "[r]" or "[r, c]" into b[32]. */
static void shape_text(char *b, int ndim, int r, int c)
{
	if (ndim == 1)
		snprintf(b, 32, "[%d]", r);
	else
		snprintf(b, 32, "[%d, %d]", r, c);
}

/* check_shapes: every tensor against the shapes the dimensions imply. */
static int check_shapes(struct sketchjs *m, const char *name)
{
	int sh[SKETCHJS_MAX_TENSORS][2], H = m->H, W = 6 * m->M + 3;
	int E = m->E, Nz = m->Nz, o = 0;

	if (m->mode == SKETCHJS_VAE) {
		for (int d = 0; d < 2; d++) {
			expect(sh, 3 * d, 5, 4 * E);
			expect(sh, 3 * d + 1, E, 4 * E);
			expect(sh, 3 * d + 2, 4 * E, 0);
		}
		expect(sh, 6, 2 * E, Nz);
		expect(sh, 7, Nz, 0);
		expect(sh, 8, 2 * E, Nz);
		expect(sh, 9, Nz, 0);
		expect(sh, 10, Nz, 2 * H);
		expect(sh, 11, 2 * H, 0);
		o = 12;
	}
	expect(sh, o, H, W);
	expect(sh, o + 1, W, 0);
	expect(sh, o + 2, 5 + Nz, 4 * H);
	expect(sh, o + 3, H, 4 * H);
	expect(sh, o + 4, 4 * H, 0);
	for (int i = 0; i < m->ntensors; i++) {
		const struct sketchjs_tensor *t = &m->t[i];
		int nd = sh[i][1] ? 2 : 1;
		char got[32], want[32];

		if (t->ndim == nd && t->shape[0] == sh[i][0] &&
		    (nd == 1 || t->shape[1] == sh[i][1]))
			continue;
		shape_text(got, t->ndim, t->shape[0], t->shape[1]);
		shape_text(want, nd, sh[i][0], sh[i][1]);
		return data_error(name, NULL, 0,
				  "tensor %d (%s): shape %s, expected %s", i,
				  t->name, got, want);
	}
	return 0;
}

/* ---- blobs ---- */

/* b64_value: the 6-bit value of base64 character c, or -1. */
static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* b64_check: validate s[n] as base64 the way atob() accepts it (padding
 * optional, a remainder of one character invalid; no whitespace here).
 * Sets *bytes to the decoded length. */
static int b64_check(const char *s, size_t n, size_t *bytes, const char *name,
		     int i, const char *tname)
{
	size_t len = n;

	if (len % 4 == 0 && len > 0 && s[len - 1] == '=')
		len -= len > 1 && s[len - 2] == '=' ? 2 : 1;
	for (size_t k = 0; k < len; k++)
		if (b64_value((unsigned char)s[k]) < 0)
			return data_error(
			    name, NULL, 0,
			    "tensor %d (%s): bad base64 character "
			    "0x%02x at offset %zu",
			    i, tname, (unsigned char)s[k], k);
	if (len % 4 == 1)
		return data_error(name, NULL, 0,
				  "tensor %d (%s): base64 length %zu is cut "
				  "short",
				  i, tname, n);
	*bytes = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
	return 0;
}

/* b64_int16: decode s (validated, len characters without padding) as
 * little-endian int16 values and dequantise them into w. */
static void b64_int16(const char *s, size_t len, float *w)
{
	unsigned acc = 0;
	int bits = 0, have = 0;
	unsigned char lo = 0;

	for (size_t k = 0; k < len && s[k] != '='; k++) {
		unsigned char b;

		acc = (acc << 6 | (unsigned)b64_value((unsigned char)s[k])) &
		      0xffff;
		bits += 6;
		if (bits < 8)
			continue;
		bits -= 8;
		b = (acc >> bits) & 0xff;
		if (!have) {
			lo = b;
		} else {
			int q = (int)(lo | (unsigned)b << 8);

			*w++ = sketchjs_weight(q >= 32768 ? q - 65536 : q);
		}
		have = !have;
	}
}

static int parse_blobs(struct sketchjs *m, json_object *blobs, const char *name)
{
	long total = 0, off = 0;

	if (!json_object_is_type(blobs, json_type_array))
		return data_error(name, NULL, 0,
				  "element 3 (weights) is not a list");
	if (json_object_array_length(blobs) != (size_t)m->ntensors)
		return data_error(name, NULL, 0,
				  "%zu weight strings for %d shapes",
				  json_object_array_length(blobs), m->ntensors);
	for (int i = 0; i < m->ntensors; i++) {
		json_object *b = json_object_array_get_idx(blobs, (size_t)i);
		const struct sketchjs_tensor *t = &m->t[i];
		size_t bytes = 0;

		if (!json_object_is_type(b, json_type_string))
			return data_error(
			    name, NULL, 0,
			    "tensor %d (%s): weights are not a base64 "
			    "string",
			    i, t->name);
		if (b64_check(json_object_get_string(b),
			      (size_t)json_object_get_string_len(b), &bytes,
			      name, i, t->name) < 0)
			return -1;
		if (bytes != 2 * (size_t)t->size)
			return data_error(
			    name, NULL, 0,
			    "tensor %d (%s): %zu bytes of weights, its "
			    "shape needs %ld",
			    i, t->name, bytes, 2 * t->size);
		total += t->size;
	}
	m->buf = xreallocarray(NULL, (size_t)total, sizeof(float));
	for (int i = 0; i < m->ntensors; i++) {
		json_object *b = json_object_array_get_idx(blobs, (size_t)i);

		m->t[i].data = m->buf + off;
		b64_int16(json_object_get_string(b),
			  (size_t)json_object_get_string_len(b), m->t[i].data);
		off += m->t[i].size;
	}
	return 0;
}

/* ---- the file ---- */

static int parse_root(struct sketchjs *m, json_object *root, const char *name)
{
	if (!json_object_is_type(root, json_type_array) ||
	    json_object_array_length(root) != 3)
		return data_error(name, NULL, 0,
				  "not a sketch-rnn-js model: the JSON is not "
				  "a list [info, shapes, weights]");
	if (parse_info(m, json_object_array_get_idx(root, 0), name) < 0 ||
	    parse_shapes(m, json_object_array_get_idx(root, 1), name) < 0 ||
	    dims(m, name) < 0 || check_shapes(m, name) < 0 ||
	    parse_blobs(m, json_object_array_get_idx(root, 2), name) < 0)
		return -1;
	if (!m->name)
		m->name = xstrdup("");
	return 0;
}

int sketchjs_parse(struct sketchjs *m, const char *text, size_t len,
		   const char *name)
{
	struct json_tokener *tok;
	json_object *root;
	enum json_tokener_error e;
	size_t end;
	int r = -1;

	memset(m, 0, sizeof(*m));
	if (len > (size_t)SKETCHJS_MAX_BYTES)
		return data_error(name, NULL, 0, "larger than %ld bytes",
				  SKETCHJS_MAX_BYTES);
	if (memchr(text, '\0', len))
		return data_error(
		    name, NULL, 0, "NUL byte at offset %zu",
		    (size_t)((const char *)memchr(text, '\0', len) - text));
	tok = json_tokener_new_ex(16);
	if (!tok)
		die("out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					JSON_TOKENER_ALLOW_TRAILING_CHARS);
	root = json_tokener_parse_ex(tok, text, (int)len);
	e = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (len == 0)
		return data_error(name, NULL, 0, "empty file");
	if (e == json_tokener_continue)
		return data_error(name, NULL, 0,
				  "JSON ends early (file cut short?)");
	if (e != json_tokener_success)
		return data_error(name, NULL, 0, "JSON error near byte %zu: %s",
				  end, json_tokener_error_desc(e));
	while (end < len && strchr(" \t\r\n", text[end]))
		end++;
	if (end < len)
		data_error(name, NULL, 0,
			   "data after the JSON list at byte %zu", end);
	else
		r = parse_root(m, root, name);
	json_object_put(root);
	if (r < 0)
		sketchjs_free(m);
	return r;
}

int sketchjs_read(struct sketchjs *m, FILE *f, const char *name)
{
	char *text;
	size_t len;
	int r = read_whole(f, (size_t)SKETCHJS_MAX_BYTES, &text, &len);

	memset(m, 0, sizeof(*m));
	if (r > 0)
		return data_error(name, NULL, 0, "larger than %ld bytes",
				  SKETCHJS_MAX_BYTES);
	if (r < 0)
		return data_error(name, NULL, 0, "read error: %s",
				  strerror(errno));
	r = sketchjs_parse(m, text, len, name);
	free(text);
	return r;
}

int sketchjs_load(struct sketchjs *m, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	int r;

	if (!f) {
		memset(m, 0, sizeof(*m));
		return data_error(path, NULL, 0, "%s", strerror(errno));
	}
	r = sketchjs_read(m, f, path);
	if (f != stdin)
		fclose(f);
	return r;
}

void sketchjs_free(struct sketchjs *m)
{
	free(m->buf);
	free(m->name);
	memset(m, 0, sizeof(*m));
}

const struct sketchjs_tensor *sketchjs_find(const struct sketchjs *m,
					    const char *name)
{
	for (int i = 0; i < m->ntensors; i++)
		if (strcmp(m->t[i].name, name) == 0)
			return &m->t[i];
	return NULL;
}

int sketchjs_to_net(const struct sketchjs *js, struct sketchrnn *net,
		    const char *name)
{
	struct sketchrnn_config c;
	const struct sketchrnn_tensor *u;
	const struct sketchjs_tensor *t;
	int i;
	long k;

	memset(&c, 0, sizeof c);
	c.conditional = js->mode == SKETCHJS_VAE;
	c.enc_cell = c.dec_cell = CELL_LSTM;
	c.dec_size = js->H;
	c.enc_size = c.conditional ? js->E : 1;
	c.z_size = c.conditional ? js->Nz : 1;
	c.num_mixture = js->M;
	sketchrnn_build(net, &c);
	if (net->ntensors != js->ntensors) {
		warnmsg("%s: %d tensors, the model needs %d", name,
			js->ntensors, net->ntensors);
		sketchrnn_free(net);
		return -1;
	}
	for (i = 0; i < js->ntensors; i++) {
		t = &js->t[i];
		u = sketchrnn_find(net, t->name);
		if (!u || u->size != t->size || u->shape[0] != t->shape[0]) {
			warnmsg("%s: tensor %s does not fit the model", name,
				t->name);
			sketchrnn_free(net);
			return -1;
		}
		for (k = 0; k < t->size; k++)
			net->params[u->offset + k] = t->data[k];
	}
	return 0;
}

int sketchjs_quantize(float w, long *clipped)
{
	double v = (double)w / 10;

	if (v > 1 || v < -1) {
		(*clipped)++;
		v = v > 1 ? 1 : -1;
	}
	return (int)lrint(v * 32767);
}

/* put_base64: the bytes of b [n] as base64 with padding. */
static void put_base64(FILE *f, const unsigned char *b, size_t n)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/";
	unsigned long v;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)b[i] << 16 | (unsigned long)b[i + 1] << 8 |
		    b[i + 2];
		fprintf(f, "%c%c%c%c", abc[v >> 18], abc[v >> 12 & 63],
			abc[v >> 6 & 63], abc[v & 63]);
	}
	if (n - i == 1) {
		v = (unsigned long)b[i] << 16;
		fprintf(f, "%c%c==", abc[v >> 18], abc[v >> 12 & 63]);
	} else if (n - i == 2) {
		v = (unsigned long)b[i] << 16 | (unsigned long)b[i + 1] << 8;
		fprintf(f, "%c%c%c=", abc[v >> 18], abc[v >> 12 & 63],
			abc[v >> 6 & 63]);
	}
}

/* put_name: a JSON string of printable text (others become '?'). */
static void put_name(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putc('\\', f);
		putc((unsigned char)*s < 0x20 ? '?' : *s, f);
	}
	putc('"', f);
}

/* shortest: the shortest %g text of v that reads back as the same float
 * (models keep their scale factor as a float), into buf [32]. */
static const char *shortest(double v, char *buf)
{
	int digits;

	for (digits = 6; digits < 9; digits++) {
		snprintf(buf, 32, "%.*g", digits, v);
		if (strtof(buf, NULL) == (float)v)
			return buf;
	}
	/* nine digits of the float itself: those of the double may round
	 * to another float (50.7490444444 prints 50.7490444, one float
	 * away) */
	snprintf(buf, 32, "%.9g", (double)(float)v);
	return buf;
}

long sketchjs_write(FILE *f, const struct sketchrnn *net, const char *name,
		    double scale_factor, int max_seq_len)
{
	char num[32];
	int vae = net->cfg.conditional, n = vae ? 17 : 5, i;
	const char *const *names = vae ? vae_names : gen_names;
	const struct sketchrnn_tensor *t[17];
	unsigned char *buf;
	long clipped = 0, k, most = 0;
	int q;

	if (net->cfg.dec_cell != CELL_LSTM ||
	    (vae && net->cfg.enc_cell != CELL_LSTM)) {
		warnmsg(
		    "a model with layer-norm cells cannot be written as "
		    "sketch-rnn-js (its format holds plain LSTM weights only)");
		return -1;
	}
	for (i = 0; i < n; i++) {
		t[i] = sketchrnn_find(net, names[i]);
		if (!t[i])
			die("the model has no tensor %s", names[i]);
		most = t[i]->size > most ? t[i]->size : most;
	}
	fprintf(f, "[{\"mode\":%d,\"version\":6,\"max_seq_len\":%d,\"name\":",
		vae ? 1 : 2, max_seq_len);
	put_name(f, name);
	fprintf(f, ",\"scale_factor\":%s},[", shortest(scale_factor, num));
	for (i = 0; i < n; i++) {
		if (t[i]->ndim == 1)
			fprintf(f, "%s[%d]", i ? "," : "", t[i]->shape[0]);
		else
			fprintf(f, "%s[%d,%d]", i ? "," : "", t[i]->shape[0],
				t[i]->shape[1]);
	}
	fputs("],[", f);
	buf = xmalloc(2 * (size_t)most);
	for (i = 0; i < n; i++) {
		for (k = 0; k < t[i]->size; k++) {
			q = sketchjs_quantize(net->params[t[i]->offset + k],
					      &clipped);
			buf[2 * k] = (unsigned char)(q & 0xff);
			buf[2 * k + 1] =
			    (unsigned char)((unsigned)q >> 8 & 0xff);
		}
		fputs(i ? ",\"" : "\"", f);
		put_base64(f, buf, 2 * (size_t)t[i]->size);
		putc('"', f);
		out_check(f);
	}
	fputs("]]\n", f);
	free(buf);
	out_check(f);
	return clipped;
}
