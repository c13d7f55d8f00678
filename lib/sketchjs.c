/*
 * sketchjs.c: reading and validating sketch-rnn-js model files (see
 * sketchjs.h for the format and the tensor table).  The JSON is parsed
 * with json-c in strict mode; every check is made before the weights are
 * allocated, and every failure prints one message and returns -1.  It does
 * not run or convert models; it writes them (sketchjs_write).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "sketchjs.h"

#include "bytes.h"
#include "sketchrnn.h"
#include "util.h"

int sketchjs_order(const struct sketchrnn_config *c, char names[][16])
{
	struct sketchrnn_config one = *c;
	struct sketchrnn *t = xcalloc(1, sizeof(*t));
	int n = 0, i;

	/* the names do not depend on the sizes */
	one.enc_size = one.dec_size = one.z_size = one.num_mixture = 1;
	one.hyper_num_units = one.hyper_embedding_size = 1;
	sketchrnn_layout(t, &one);
	/* the model(5) table with out_w, out_b moved before the decoder */
	for (i = 0; i < t->ntensors; i++)
		if (strncmp(t->tensor[i].name, "dec_", 4) != 0 &&
		    strncmp(t->tensor[i].name, "out_", 4) != 0)
			memcpy(names[n++], t->tensor[i].name, 16);
	memcpy(names[n++], "out_w", 6);
	memcpy(names[n++], "out_b", 6);
	for (i = 0; i < t->ntensors; i++)
		if (strncmp(t->tensor[i].name, "dec_", 4) == 0)
			memcpy(names[n++], t->tensor[i].name, 16);
	free(t);
	return n;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && strcmp(s + n - k, tail) == 0;
}

int sketchjs_float_default(const char *name)
{
	static const char *const scalers[] = {
	    "dec_zw_w", "dec_zw_b", "dec_alpha_w", "dec_zb_w", "dec_beta_w"};

	if (ends_with(name, "_ln_g") || ends_with(name, "_ln_b") ||
	    ends_with(name, "_lnc_g") || ends_with(name, "_lnc_b"))
		return 1;
	for (size_t i = 0; i < sizeof scalers / sizeof scalers[0]; i++)
		if (strcmp(name, scalers[i]) == 0)
			return 1;
	return 0;
}

/* config: the network a file describes (sizes from dims()). */
static void config(const struct sketchjs *m, struct sketchrnn_config *c)
{
	memset(c, 0, sizeof(*c));
	c->conditional = m->mode == SKETCHJS_VAE;
	c->enc_cell = m->enc_cell;
	c->dec_cell = m->dec_cell;
	c->dec_size = m->H ? m->H : 1;
	c->enc_size = c->conditional && m->E ? m->E : 1;
	c->z_size = c->conditional && m->Nz ? m->Nz : 1;
	c->num_mixture = m->M ? m->M : 1;
	c->hyper_num_units = m->Nh ? m->Nh : 1;
	c->hyper_embedding_size = m->Eh ? m->Eh : 1;
}

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

/* parse_cell: info.key ("lstm", "layer_norm" or "hyper"; absent: lstm)
 * into *cell; hyper only where allowed. */
static int parse_cell(json_object *info, const char *key, int hyper_ok,
		      int *cell, const char *name)
{
	json_object *x;
	const char *s;

	*cell = CELL_LSTM;
	if (!json_object_object_get_ex(info, key, &x))
		return 0;
	if (!json_object_is_type(x, json_type_string))
		return data_error(name, NULL, 0, "info: %s is not a string",
				  key);
	s = json_object_get_string(x);
	if (strcmp(s, "lstm") == 0)
		*cell = CELL_LSTM;
	else if (strcmp(s, "layer_norm") == 0)
		*cell = CELL_LAYER_NORM;
	else if (strcmp(s, "hyper") == 0 && hyper_ok)
		*cell = CELL_HYPER;
	else
		return data_error(name, NULL, 0,
				  "info: %s \"%.40s\" is none of \"lstm\", "
				  "\"layer_norm\"%s",
				  key, s, hyper_ok ? ", \"hyper\"" : "");
	return 0;
}

/* parse_float32: info.float32, the strictly increasing indices of the
 * tensors stored as float32 (absent: none), into m->t[i].f32. */
static int parse_float32(struct sketchjs *m, json_object *info,
			 const char *name)
{
	json_object *x;
	size_t n;
	int64_t last = -1;

	if (!json_object_object_get_ex(info, "float32", &x))
		return 0;
	if (!json_object_is_type(x, json_type_array))
		return data_error(name, NULL, 0, "info: float32 is not a list");
	n = json_object_array_length(x);
	for (size_t k = 0; k < n; k++) {
		json_object *e = json_object_array_get_idx(x, k);
		int64_t i;

		if (!json_object_is_type(e, json_type_int))
			return data_error(name, NULL, 0,
					  "info: float32 element %zu is not "
					  "an integer",
					  k);
		i = json_object_get_int64(e);
		if (i <= last || i >= m->ntensors)
			return data_error(name, NULL, 0,
					  "info: float32 element %zu (%lld) is "
					  "not a tensor index above the one "
					  "before it, below %d",
					  k, (long long)i, m->ntensors);
		m->t[i].f32 = 1;
		last = i;
	}
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
	if (parse_mode(m, info, name) < 0 ||
	    parse_cell(info, "dec_cell", 1, &m->dec_cell, name) < 0 ||
	    parse_cell(info, "enc_cell", 0, &m->enc_cell, name) < 0)
		return -1;
	if (m->mode == SKETCHJS_GEN && m->enc_cell != CELL_LSTM)
		return data_error(name, NULL, 0,
				  "info: enc_cell in a decoder-only model");
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
	char names[SKETCHJS_MAX_TENSORS][16];
	struct sketchrnn_config c;
	int want;

	config(m, &c);
	want = sketchjs_order(&c, names);
	if (!json_object_is_type(shapes, json_type_array))
		return data_error(name, NULL, 0,
				  "element 2 (shapes) is not a list");
	n = json_object_array_length(shapes);
	if (n != (size_t)want)
		return data_error(
		    name, NULL, 0,
		    "%s model%s needs %d tensors, shapes lists %zu",
		    m->mode == SKETCHJS_GEN ? "decoder-only" : "vae",
		    m->enc_cell == CELL_LSTM && m->dec_cell == CELL_LSTM
			? ""
			: " of these cells",
		    want, n);
	m->ntensors = want;
	for (int i = 0; i < want; i++) {
		json_object *s = json_object_array_get_idx(shapes, (size_t)i);
		struct sketchjs_tensor *t = &m->t[i];
		size_t nd;

		memcpy(t->name, names[i], sizeof t->name);
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
	int io = vae ? (int)(sketchjs_find(m, "out_w") - m->t) : 0;
	const struct sketchjs_tensor *out = &m->t[io];
	int W = out->shape[1];

	m->H = out->shape[0];
	if (out->ndim != 2 || W < 9 || (W - 3) % 6 != 0)
		return data_error(
		    name, NULL, 0,
		    "tensor %d (out_w): %d columns, not 6M+3 for a "
		    "mixture count M >= 1",
		    io, out->ndim == 2 ? W : 0);
	m->M = (W - 3) / 6;
	if (vae) {
		const struct sketchjs_tensor *mu = sketchjs_find(m, "mu_w");

		m->E = m->t[1].shape[0];
		m->Nz = mu->ndim == 2 ? mu->shape[1] : 0;
	}
	if (m->dec_cell == CELL_HYPER) {
		m->Nh = sketchjs_find(m, "dec_hyp_lnc_g")->shape[0];
		m->Eh = sketchjs_find(m, "dec_zw_b")->shape[0] / 8;
		if (m->Nh > SKETCHJS_MAX_HYPER)
			return data_error(name, NULL, 0,
					  "hyper cell size %d exceeds %d",
					  m->Nh, SKETCHJS_MAX_HYPER);
		if (m->Eh < 1 || m->Eh > SKETCHJS_MAX_EMBED)
			return data_error(
			    name, NULL, 0,
			    "hyper embedding size %d outside 1..%d (dec_zw_b "
			    "holds 8 of it)",
			    m->Eh, SKETCHJS_MAX_EMBED);
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

/* shape_text: "[r]" or "[r, c]" into b[32]. */
static void shape_text(char *b, int ndim, int r, int c)
{
	if (ndim == 1)
		snprintf(b, 32, "[%d]", r);
	else
		snprintf(b, 32, "[%d, %d]", r, c);
}

/* check_shapes: every tensor against the table of the network that the
 * dimensions describe (sketchrnn_layout: model(5)'s shapes). */
static int check_shapes(struct sketchjs *m, const char *name)
{
	struct sketchrnn_config c;
	struct sketchrnn *net = xcalloc(1, sizeof(*net));
	int r = 0;

	config(m, &c);
	sketchrnn_layout(net, &c);
	for (int i = 0; i < m->ntensors && r == 0; i++) {
		const struct sketchjs_tensor *t = &m->t[i];
		const struct sketchrnn_tensor *u = sketchrnn_find(net, t->name);
		char got[32], want[32];

		if (!u)
			die("sketchjs: no tensor %s in the table", t->name);
		if (t->ndim == u->ndim && t->shape[0] == u->shape[0] &&
		    (u->ndim == 1 || t->shape[1] == u->shape[1]))
			continue;
		shape_text(got, t->ndim, t->shape[0], t->shape[1]);
		shape_text(want, u->ndim, u->shape[0], u->shape[1]);
		r = data_error(name, NULL, 0,
			       "tensor %d (%s): shape %s, expected %s", i,
			       t->name, got, want);
	}
	free(net);
	return r;
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

/* b64_float32: decode s (validated, len characters) as little-endian
 * IEEE float32 values into w; -1 (with a message) on a NaN or infinity. */
static int b64_float32(const char *s, size_t len, float *w, long n,
		       const char *name, int i, const char *tname)
{
	unsigned char *b = (unsigned char *)w;
	unsigned acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t k = 0; k < len && s[k] != '='; k++) {
		acc = (acc << 6 | (unsigned)b64_value((unsigned char)s[k])) &
		      0xffff;
		bits += 6;
		if (bits < 8)
			continue;
		bits -= 8;
		b[o++] = (unsigned char)((acc >> bits) & 0xff);
	}
	for (long k = 0; k < n; k++) {
		uint32_t v = get_u32(b + 4 * k);
		float x;

		memcpy(&x, &v, sizeof x);
		if (!isfinite(x))
			return data_error(name, NULL, 0,
					  "tensor %d (%s): value %ld is not a "
					  "finite number",
					  i, tname, k);
		w[k] = x;
	}
	return 0;
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
		if (bytes != (t->f32 ? 4 : 2) * (size_t)t->size)
			return data_error(
			    name, NULL, 0,
			    "tensor %d (%s): %zu bytes of weights, its "
			    "shape needs %ld (%s)",
			    i, t->name, bytes, (t->f32 ? 4 : 2) * t->size,
			    t->f32 ? "float32" : "int16");
		total += t->size;
	}
	m->buf = xreallocarray(NULL, (size_t)total, sizeof(float));
	for (int i = 0; i < m->ntensors; i++) {
		json_object *b = json_object_array_get_idx(blobs, (size_t)i);

		m->t[i].data = m->buf + off;
		if (!m->t[i].f32)
			b64_int16(json_object_get_string(b),
				  (size_t)json_object_get_string_len(b),
				  m->t[i].data);
		else if (b64_float32(json_object_get_string(b),
				     (size_t)json_object_get_string_len(b),
				     m->t[i].data, m->t[i].size, name, i,
				     m->t[i].name) < 0)
			return -1;
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
	    parse_float32(m, json_object_array_get_idx(root, 0), name) < 0 ||
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

	config(js, &c);
	if (c.dec_cell != CELL_HYPER)
		c.hyper_num_units = c.hyper_embedding_size = 0;
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
	return sketchjs_write_ex(f, net, name, scale_factor, max_seq_len, NULL,
				 0);
}

long sketchjs_write_ex(FILE *f, const struct sketchrnn *net, const char *name,
		       double scale_factor, int max_seq_len, const int *f32,
		       int all_float)
{
	char num[32], names[SKETCHJS_MAX_TENSORS][16];
	int vae = net->cfg.conditional, n, i, fl[SKETCHJS_MAX_TENSORS], nf = 0;
	const struct sketchrnn_tensor *t[SKETCHJS_MAX_TENSORS];
	unsigned char *buf;
	long clipped = 0, k, most = 0;

	n = sketchjs_order(&net->cfg, names);
	for (i = 0; i < n; i++) {
		t[i] = sketchrnn_find(net, names[i]);
		if (!t[i])
			die("the model has no tensor %s", names[i]);
		most = t[i]->size > most ? t[i]->size : most;
		fl[i] = all_float ? 1
			: f32	  ? f32[i] != 0
				  : sketchjs_float_default(names[i]);
		nf += fl[i];
	}
	fprintf(f, "[{\"mode\":%d,\"version\":6,\"max_seq_len\":%d,\"name\":",
		vae ? 1 : 2, max_seq_len);
	put_name(f, name);
	fprintf(f, ",\"scale_factor\":%s", shortest(scale_factor, num));
	if (vae && net->cfg.enc_cell != CELL_LSTM)
		fprintf(f, ",\"enc_cell\":\"layer_norm\"");
	if (net->cfg.dec_cell != CELL_LSTM)
		fprintf(f, ",\"dec_cell\":\"%s\"",
			net->cfg.dec_cell == CELL_HYPER ? "hyper"
							: "layer_norm");
	if (nf) {
		fputs(",\"float32\":[", f);
		for (i = 0, k = 0; i < n; i++)
			if (fl[i])
				fprintf(f, "%s%d", k++ ? "," : "", i);
		putc(']', f);
	}
	fputs("},[", f);
	for (i = 0; i < n; i++) {
		if (t[i]->ndim == 1)
			fprintf(f, "%s[%d]", i ? "," : "", t[i]->shape[0]);
		else
			fprintf(f, "%s[%d,%d]", i ? "," : "", t[i]->shape[0],
				t[i]->shape[1]);
	}
	fputs("],[", f);
	buf = xmalloc(4 * (size_t)most);
	for (i = 0; i < n; i++) {
		const real *w = net->params + t[i]->offset;

		for (k = 0; k < t[i]->size; k++) {
			if (fl[i]) {
				float x = (float)w[k];
				uint32_t v;

				memcpy(&v, &x, sizeof v);
				put_u32(buf + 4 * k, v);
			} else {
				put_u16(buf + 2 * k,
					(uint16_t)sketchjs_quantize((float)w[k],
								    &clipped));
			}
		}
		fputs(i ? ",\"" : "\"", f);
		put_base64(f, buf, (fl[i] ? 4 : 2) * (size_t)t[i]->size);
		putc('"', f);
		out_check(f);
	}
	fputs("]]\n", f);
	free(buf);
	out_check(f);
	return clipped;
}
