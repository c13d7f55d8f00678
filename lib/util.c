/*
 * util.c: error reporting, checked allocation and stdout shutdown.
 * See util.h for the contracts.
 */
#include "util.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *progname = "sketchrnn";
void (*out_fail_hook)(void);
void (*out_end_hook)(void);
/* stdout's buffer: big enough for few writes, small enough to stay in
 * the L2 cache while a filter fills it (see bench/README.md). */
static char out_buf[1 << 17];

void util_init(const char *argv0)
{
	const char *slash;

	if (argv0 && *argv0) {
		slash = strrchr(argv0, '/');
		progname = slash ? slash + 1 : argv0;
	}
	signal(SIGPIPE, SIG_DFL);
	setvbuf(stdout, out_buf, _IOFBF, sizeof out_buf);
}

static void vmsg(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t len = strlen(fmt);

	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	if (len > 0 && fmt[len - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void warnmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

int vdata_error(const char *name, const char *unit, unsigned long pos,
		const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", progname, name);
	if (unit)
		fprintf(stderr, ":%s %lu", unit, pos);
	fputs(": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return -1;
}

int data_error(const char *name, const char *unit, unsigned long pos,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdata_error(name, unit, pos, fmt, ap);
	va_end(ap);
	return -1;
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(out_finish(1));
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		die("allocation of %zu x %zu bytes overflows", n, size);
	p = realloc(p, n * size > 0 ? n * size : 1);
	if (!p)
		die("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

int read_whole(FILE *f, size_t max, char **buf, size_t *len)
{
	struct stat st;
	size_t cap = 1 << 16, n = 0, got;
	char *b;

	*buf = NULL;
	*len = 0;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
		if ((uintmax_t)st.st_size > max)
			return 1;
		cap = (size_t)st.st_size + 1; /* one more byte sees the end */
	}
	b = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				free(b);
				return 1;
			}
			cap = cap > max / 2 ? max + 1 : cap * 2;
			b = xreallocarray(b, cap + 1, 1);
		}
		got = fread(b + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(b);
		return -1;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

FILE *xfopen(const char *path, const char *mode)
{
	FILE *f;

	if (strcmp(path, "-") == 0)
		return mode[0] == 'r' ? stdin : stdout;
	f = fopen(path, mode);
	if (!f)
		die("%s:", path);
	return f;
}

void xfclose(FILE *f)
{
	if (f && f != stdin && f != stdout)
		fclose(f);
}

void out_check(FILE *f)
{
	if (!ferror(f))
		return;
	if (errno == EPIPE)
		exit(1);
	die("write error:");
}

void out_close(void)
{
	void (*hook)(void) = out_end_hook;

	out_end_hook = NULL;
	if (hook)
		hook();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			exit(1);
		die("write error:");
	}
}

int out_finish(int status)
{
	void (*hook)(void) = out_fail_hook;

	if (status == 0) {
		out_close();
		return 0;
	}
	out_fail_hook = NULL;
	out_end_hook = NULL;
	if (hook)
		hook();
	else
		__fpurge(stdout);
	return 1;
}

long parse_long(int opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		die("-%c: bad value '%s' (want an integer from %ld to %ld)",
		    opt, s, lo, hi);
	return v;
}

double parse_double(int opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
		die("-%c: bad value '%s' (want a number from %g to %g)", opt, s,
		    lo, hi);
	return v;
}

void file_stem(const char *path, char *out, size_t size)
{
	const char *b = strrchr(path, '/');

	snprintf(out, size, "%s", b ? b + 1 : path);
	out[strcspn(out, ".")] = '\0';
}
