/*
 * stroke_write_test: stroke_put encodes points a chunk of 256 at a time
 * with one test per chunk (encode_points).  Good points, at and inside the
 * limits, must come out as their little-endian float bytes and pen byte;
 * a point past a limit (|dx| or |dy| over STROKE_MAX_ABS, NaN, infinity,
 * pen over 1), wherever it sits in or between chunks, must end the
 * program with status 1 and point_check's reason.  The writer goes to a
 * file other than stdout, so stroke_end() writes its end marker.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bytes.h"
#include "stroke.h"
#include "util.h"

enum { N = 600 };

static int failures;

static void check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	failures += !ok;
}

static void fill(struct drawing *d, unsigned seed)
{
	drawing_clear(d);
	strcpy(d->key_id, "1");
	strcpy(d->word, "w");
	for (int i = 0; i < N; i++) {
		float v =
		    (float)((int)(seed * 2654435761u >> 8) % 20001 - 10000) /
		    7.0f;

		seed = seed * 1103515245u + 12345u;
		drawing_push(d, v, -v / 3, i % 7 == 6);
	}
}

/* good: points at the limits and in between encode byte for byte, and
 * the stream ends with its end marker counting one record. */
static void good(void)
{
	static const float edge[] = {
	    0.0f, -0.0f, STROKE_MAX_ABS, -STROKE_MAX_ABS, 1e-45f, -3.5f};
	struct stroke_header h = stroke_header_plain();
	struct stroke_writer w;
	struct drawing d;
	unsigned char *buf = NULL, want[9];
	size_t len = 0;
	FILE *f = open_memstream((char **)&buf, &len);
	int same = 1;

	drawing_init(&d);
	fill(&d, 7);
	for (int i = 0; i < (int)(sizeof edge / sizeof *edge); i++) {
		d.p[250 + i].dx = edge[i];
		d.p[300 + i].dy = edge[i];
	}
	stroke_start(&w, f, &h);
	stroke_put(&w, &d);
	stroke_end(&w);
	fclose(f);
	for (int i = 0; i < N && same; i++) {
		unsigned char *got = buf + len - FRAME_END_SIZE - 9 * (N - i);

		put_f32(want, d.p[i].dx);
		put_f32(want + 4, d.p[i].dy);
		want[8] = d.p[i].pen;
		same = memcmp(got, want, 9) == 0;
	}
	check(same, "600 points, limits included, encode byte for byte");
	check(buf[len - FRAME_END_SIZE] == STROKE_END_TAG &&
		  get_u64(buf + len - FRAME_END_SIZE + 1) == 1,
	      "stroke_end: the end marker counts one record");
	free(buf);
	drawing_free(&d);
}

/* refused: stroke_put with point at made bad by bad(); the child's
 * status and its message. */
static void refused(int at, const char *what,
		    void (*bad)(struct stroke_point *), const char *reason)
{
	struct drawing d;
	char msg[256] = {0}, desc[160];
	int fd[2], status;
	ssize_t got;
	pid_t pid;

	drawing_init(&d);
	fill(&d, 11);
	bad(&d.p[at]);
	if (pipe(fd) < 0)
		exit(2);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct stroke_header h = stroke_header_plain();
		struct stroke_writer w;
		FILE *null = fopen("/dev/null", "w");

		dup2(fd[1], 2);
		stroke_start(&w, null, &h);
		stroke_put(&w, &d);
		fclose(null);
		_exit(0);
	}
	close(fd[1]);
	for (size_t n = 0; n < sizeof msg - 1; n += (size_t)got) {
		got = read(fd[0], msg + n, sizeof msg - 1 - n);
		if (got <= 0)
			break; /* the child's stderr is closed */
	}
	close(fd[0]);
	waitpid(pid, &status, 0);
	snprintf(desc, sizeof desc, "%s at point %d: exit 1, \"%s\"", what, at,
		 reason);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
		  strstr(msg, reason) != NULL,
	      desc);
	drawing_free(&d);
}

static void dx_over(struct stroke_point *p)
{
	p->dx = nextafterf(STROKE_MAX_ABS, INFINITY);
}
static void dy_under(struct stroke_point *p)
{
	p->dy = -nextafterf(STROKE_MAX_ABS, INFINITY);
}
static void dx_nan(struct stroke_point *p)
{
	p->dx = NAN;
}
static void dy_inf(struct stroke_point *p)
{
	p->dy = -INFINITY;
}
static void pen_two(struct stroke_point *p)
{
	p->pen = 2;
}

int main(void)
{
	static const int at[] = {0, 100, 255, 256, 599};

	util_init("stroke_write_test");
	good();
	for (int i = 0; i < 5; i++) {
		refused(at[i], "dx just over the limit", dx_over,
			"absurdly large");
		refused(at[i], "dy just under minus the limit", dy_under,
			"absurdly large");
		refused(at[i], "dx NaN", dx_nan, "not a finite number");
		refused(at[i], "dy -inf", dy_inf, "not a finite number");
		refused(at[i], "pen 2", pen_two, "pen is not 0 or 1");
	}
	return failures != 0;
}
