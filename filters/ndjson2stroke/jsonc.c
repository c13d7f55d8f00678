/*
 * jsonc.c: ndjson2stroke's second parser (-J): the line parsed by json-c
 * in strict mode into a tree, then read field by field by the scanner's
 * rules (internal.h), so that both give the same drawings and refuse the
 * same lines.  It is the independent check the tests compare the scanner
 * with, much slower (bench/README.md has the figures).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"
#include "util.h"

static const char *get_text(json_object *o, const char *key, char *dst,
			    size_t cap, int required)
{
	json_object *v;
	const char *s;
	size_t len;

	dst[0] = '\0';
	if (!json_object_object_get_ex(o, key, &v) ||
	    json_object_is_type(v, json_type_null))
		return required ? "missing field" : NULL;
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_string))
		return "field is not a string";
	s = json_object_get_string(v);
	len = strlen(s);
	if (json_object_is_type(v, json_type_string) &&
	    len != (size_t)json_object_get_string_len(v))
		return "control character in string"; /* a \u0000 */
	/* json-c keeps an integer past 64 bits as the nearest of these */
	if (!strcmp(s, "18446744073709551615") ||
	    !strcmp(s, "-9223372036854775808"))
		return "integer out of range";
	if (len > cap)
		return too_long(cap);
	if (has_control(s))
		return "control character in string";
	memcpy(dst, s, len + 1);
	return NULL;
}

static const char *get_meta(json_object *o, struct drawing *d, char *where)
{
	json_object *v;
	const char *why;

	if ((why = get_text(o, "key_id", d->key_id, sizeof d->key_id - 1, 1)))
		return strcpy(where, "key_id"), why;
	if ((why = get_text(o, "word", d->word, sizeof d->word - 1, 1)))
		return strcpy(where, "word"), why;
	if ((why = get_text(o, "countrycode", d->country, sizeof d->country - 1,
			    0)))
		return strcpy(where, "countrycode"), why;
	if (country_bad(d->country))
		return strcpy(where, "countrycode"),
		       "not two printable characters";
	d->recognized = RECOGNIZED_UNKNOWN;
	if (json_object_object_get_ex(o, "recognized", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		if (!json_object_is_type(v, json_type_boolean))
			return strcpy(where, "recognized"), "not true or false";
		d->recognized =
		    json_object_get_boolean(v) ? RECOGNIZED_YES : RECOGNIZED_NO;
	}
	return NULL;
}

static int number(json_object *v, double *out)
{
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_double))
		return -1;
	*out = json_object_get_double(v);
	return isfinite(*out) && fabs(*out) <= SCAN_MAX_COORD ? 0 : -1;
}

/* One stroke [[x...],[y...]] or [[x...],[y...],[t...]]; *arity is set by
 * the first stroke and must hold for the rest. */
static const char *add_stroke(json_object *s, struct drawing *d, int *arity,
			      double *px, double *py)
{
	json_object *xs, *ys, *ts = NULL;
	size_t n, i, k;
	double x, y, t;

	if (!json_object_is_type(s, json_type_array))
		return "not a list";
	k = json_object_array_length(s);
	if (k != 2 && k != 3)
		return "not 2 (simplified) or 3 (raw) lists";
	if (*arity && (int)k != *arity)
		return "mixes raw and simplified strokes";
	*arity = (int)k;
	xs = json_object_array_get_idx(s, 0);
	ys = json_object_array_get_idx(s, 1);
	if (k == 3)
		ts = json_object_array_get_idx(s, 2);
	if (!json_object_is_type(xs, json_type_array) ||
	    !json_object_is_type(ys, json_type_array) ||
	    (ts && !json_object_is_type(ts, json_type_array)))
		return "x, y or t is not a list";
	n = json_object_array_length(xs);
	if (n != json_object_array_length(ys) ||
	    (ts && n != json_object_array_length(ts)))
		return "x, y and t lists differ in length";
	if (n == 0)
		return "empty stroke";
	for (i = 0; i < n; i++) {
		if (number(json_object_array_get_idx(xs, i), &x) < 0 ||
		    number(json_object_array_get_idx(ys, i), &y) < 0)
			return "coordinate is not a number within 1e6";
		if (ts &&
		    (!json_object_is_type(json_object_array_get_idx(ts, i),
					  json_type_int) &&
		     !json_object_is_type(json_object_array_get_idx(ts, i),
					  json_type_double)))
			return "time is not a number";
		(void)t;
		if (drawing_push(d, (float)(x - *px) + 0.0f,
				 (float)(y - *py) + 0.0f, i + 1 == n) < 0)
			return "too many points (limit 100000)";
		*px = x;
		*py = y;
	}
	return NULL;
}

static const char *get_drawing(json_object *o, struct drawing *d, char *where)
{
	json_object *strokes;
	double px = 0, py = 0;
	size_t i, n;
	int arity = 0;
	const char *why;

	strcpy(where, "drawing");
	if (!json_object_object_get_ex(o, "drawing", &strokes))
		return "missing field";
	if (!json_object_is_type(strokes, json_type_array))
		return "not a list of strokes";
	n = json_object_array_length(strokes);
	if (n == 0)
		return "empty drawing (no strokes)";
	for (i = 0; i < n; i++) {
		why = add_stroke(json_object_array_get_idx(strokes, i), d,
				 &arity, &px, &py);
		if (why) {
			snprintf(where, 64, "drawing: stroke %zu", i + 1);
			return why;
		}
	}
	return NULL;
}

/* convert_line: parse one line into d.  NULL on success, else the reason
 * (where names the field). */
static const char *convert_line(json_tokener *tok, const char *line, long len,
				struct drawing *d, char *where)
{
	json_object *o;
	const char *why;

	where[0] = '\0';
	json_tokener_reset(tok);
	o = json_tokener_parse_ex(tok, line, (int)len);
	if (!o) {
		strcpy(where, "JSON");
		return json_tokener_error_desc(json_tokener_get_error(tok));
	}
	if (json_tokener_get_parse_end(tok) != (size_t)len &&
	    strspn(line + json_tokener_get_parse_end(tok), " \t\r") !=
		len - json_tokener_get_parse_end(tok))
		why = "trailing text after the JSON object";
	else if (!json_object_is_type(o, json_type_object))
		why = "line is not a JSON object";
	else if (!(why = get_meta(o, d, where)))
		why = get_drawing(o, d, where);
	json_object_put(o);
	return why;
}

/* jsonc: json-c's tokener.  A tokener keeps the high half of a \u
 * surrogate pair that a line cut short ended in, even across
 * json_tokener_reset (json-c 0.16), and would put it before the next
 * line's first \u escape; so a parse that fails takes a new one. */
struct jsonc {
	json_tokener *tok;
};

static json_tokener *tokener(void)
{
	json_tokener *tok = json_tokener_new_ex(SCAN_MAX_DEPTH);

	if (!tok)
		die("out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	return tok;
}

struct jsonc *jsonc_new(void)
{
	struct jsonc *j = xmalloc(sizeof *j);

	j->tok = tokener();
	return j;
}

void jsonc_free(struct jsonc *j)
{
	if (!j)
		return;
	json_tokener_free(j->tok);
	free(j);
}

const char *jsonc_line(struct jsonc *j, const char *line, long len,
		       struct drawing *d, struct scan_result *r)
{
	drawing_clear(d);
	r->stop = NULL;
	r->why = convert_line(j->tok, line, len, d, r->where);
	if (r->why && json_tokener_get_error(j->tok) != json_tokener_success) {
		json_tokener_free(j->tok);
		j->tok = tokener();
	}
	return r->why;
}
