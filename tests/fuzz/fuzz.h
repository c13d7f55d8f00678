/*
 * fuzz.h: what the libFuzzer harnesses of the readers share (every
 * *_fuzz.c but ndjson_fuzz.c): the input as a FILE, the reader's messages
 * caught and checked, and fail() to abort with a reason.
 *
 * Each reader returns -1 "after printing prog: name: what" on a refused
 * input; msg_begin() points stderr at a memory stream and msg_end() checks
 * that a refusal printed one such message, ending in a newline, and that
 * a success printed nothing.  A reader that ended the process instead
 * (exit, die) is reported by libFuzzer itself ("fuzz target exited").
 */
#ifndef SKETCHRNN_FUZZ_H
#define SKETCHRNN_FUZZ_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define FUZZ_PROG "fuzz"

static FILE *fuzz_stderr; /* the real one */
static char *fuzz_msg;	  /* what the reader printed */
static size_t fuzz_msg_len;
static const char *fuzz_name = "?";

static void fail(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	va_list ap;

	if (fuzz_stderr) {
		fflush(stderr);
		stderr = fuzz_stderr;
	}
	fprintf(stderr, "%s_fuzz: ", fuzz_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (fuzz_msg_len)
		fprintf(stderr, " (the reader said: %.*s)",
			fuzz_msg_len < 500 ? (int)fuzz_msg_len : 500, fuzz_msg);
	fputc('\n', stderr);
	abort();
}

static void fuzz_init(const char *name)
{
	fuzz_name = name;
	progname = FUZZ_PROG;
	fuzz_stderr = stderr;
}

/* msg_begin: catch what the reader prints from now on. */
static void msg_begin(void)
{
	FILE *f;

	free(fuzz_msg);
	fuzz_msg = NULL;
	fuzz_msg_len = 0;
	f = open_memstream(&fuzz_msg, &fuzz_msg_len);
	if (!f)
		abort();
	stderr = f;
}

/* msg_end: stop catching; refused says whether the reader returned -1.
 * The text stays in fuzz_msg for fail(). */
static void msg_end(int refused)
{
	FILE *f = stderr;

	stderr = fuzz_stderr;
	if (fclose(f) != 0)
		abort();
	if (refused) {
		if (fuzz_msg_len < sizeof FUZZ_PROG + 2 ||
		    memcmp(fuzz_msg, FUZZ_PROG ": ", sizeof FUZZ_PROG + 1) ||
		    fuzz_msg[fuzz_msg_len - 1] != '\n')
			fail("a refusal without its message");
	} else if (fuzz_msg_len) {
		fail("a message without a refusal");
	}
}

/* mem_file: the input as a FILE to read (a copy: fmemopen wants a
 * writable buffer in older C libraries; *copy is freed by the caller). */
__attribute__((unused)) static FILE *mem_file(const uint8_t *data, size_t size,
					      char **copy)
{
	FILE *f;

	*copy = malloc(size ? size : 1);
	if (!*copy)
		abort();
	if (size)
		memcpy(*copy, data, size);
	f = size ? fmemopen(*copy, size, "rb") : fopen("/dev/null", "rb");
	if (!f)
		abort();
	return f;
}

#endif
