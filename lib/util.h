/*
 * util.h: error reporting, checked allocation and output shutdown shared by
 * every sketchrnn program.
 *
 * Messages go to stderr as "prog: what was wrong"; the program name is set
 * once by util_init().  Allocation failures and size overflows end the
 * program with a message.  Nothing here owns memory it does not return.
 */
#ifndef SKETCHRNN_UTIL_H
#define SKETCHRNN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

extern const char *progname;

/* util_init: record argv[0]'s base name, restore default SIGPIPE (so that
 * "prog | head" ends quietly) and give stdout a 128 KiB buffer, so that a
 * program that fails on a small input has written nothing. */
void util_init(const char *argv0);

/* out_fail_hook: called when the program fails (die, out_finish with a
 * non-zero status).  Output formats set it to discard or mark output that
 * must not be mistaken for a complete stream. */
extern void (*out_fail_hook)(void);
/* out_end_hook: called once by out_close() before the final flush, so that
 * an output format can write its end marker. */
extern void (*out_end_hook)(void);
/* out_finish: the end of main: flush and check stdout on success, run the
 * failure hook otherwise; returns the exit status (0 or 1). */
int out_finish(int status);

/* warnx-style message "prog: fmt" to stderr. */
void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* data_error: the message for bad input data, "prog: name:unit N: what"
 * with unit N the place in the data ("record 3", "line 7", "batch 2",
 * "index 0"), or "prog: name: what" when unit is NULL; what is fmt
 * formatted.  Returns -1, for the caller to return.  vdata_error takes a
 * va_list. */
int data_error(const char *name, const char *unit, unsigned long pos,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int vdata_error(const char *name, const char *unit, unsigned long pos,
		const char *fmt, va_list ap);

/* die: print "prog: fmt" and exit(1); a format ending in ':' gets
 * strerror(errno) appended. */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
/* xreallocarray: realloc(p, n * size) with an overflow check. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
/* read_whole: the whole of f into a new buffer, *buf (a NUL after the data,
 * which does not count in *len).  A regular file's size is checked before
 * anything is allocated, and no more than max + 2 bytes are ever held, so
 * no input makes it ask for more memory than the limit.  Returns 0; 1 when
 * f holds more than max bytes; -1 on a read error (errno set); *buf is
 * NULL on failure. */
int read_whole(FILE *f, size_t max, char **buf, size_t *len);

/* xfopen: fopen(path) or stdin/stdout for "-"; dies with the path. */
FILE *xfopen(const char *path, const char *mode);
/* xfclose: close an input file opened by xfopen (not stdin). */
void xfclose(FILE *f);

/* out_check: exit quietly (status 1) if stdout hit a broken pipe, else die
 * with "write error" when a write to stdout failed.  Call after writes. */
void out_check(FILE *f);
/* out_close: flush and check stdout at the end of main. */
void out_close(void);

/* parse_long / parse_double: whole-string numeric option parsing with a
 * range check; die with the option letter and the text when it is bad. */
long parse_long(int opt, const char *s, long lo, long hi);
/* file_stem: path's file name without its directory and without
 * everything from its first '.' ("dir/sheep.gen.json" -> "sheep"), into
 * out (size bytes, truncated to fit). */
void file_stem(const char *path, char *out, size_t size);
double parse_double(int opt, const char *s, double lo, double hi);

#endif
