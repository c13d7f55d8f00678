/*
 * bytes.h: explicit little-endian encoding of integers and IEEE-754 floats,
 * so that no file format depends on the host's byte order or struct layout.
 * On a little-endian host the 32-bit ones are one memcpy (one load or
 * store); elsewhere they are assembled byte by byte.  Also a growable
 * byte buffer, for a file image built in memory before it is written.
 *
 * Ownership: a zeroed bbuf is empty; it owns its bytes until bbuf_free().
 */
#ifndef SKETCHRNN_BYTES_H
#define SKETCHRNN_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BYTES_LE 1
#else
#define BYTES_LE 0
#endif

static inline void put_u16(unsigned char *b, uint16_t v)
{
	b[0] = v & 0xff;
	b[1] = v >> 8;
}

static inline void put_u32(unsigned char *b, uint32_t v)
{
	if (BYTES_LE) {
		memcpy(b, &v, 4);
		return;
	}
	b[0] = v & 0xff;
	b[1] = (v >> 8) & 0xff;
	b[2] = (v >> 16) & 0xff;
	b[3] = v >> 24;
}

static inline void put_u64(unsigned char *b, uint64_t v)
{
	put_u32(b, (uint32_t)v);
	put_u32(b + 4, (uint32_t)(v >> 32));
}

static inline void put_f32(unsigned char *b, float f)
{
	uint32_t v;

	memcpy(&v, &f, 4);
	put_u32(b, v);
}

static inline uint16_t get_u16(const unsigned char *b)
{
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t get_u32(const unsigned char *b)
{
	if (BYTES_LE) {
		uint32_t v;

		memcpy(&v, b, 4);
		return v;
	}
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t get_u64(const unsigned char *b)
{
	return (uint64_t)get_u32(b) | (uint64_t)get_u32(b + 4) << 32;
}

static inline float get_f32(const unsigned char *b)
{
	uint32_t v = get_u32(b);
	float f;

	memcpy(&f, &v, 4);
	return f;
}

/* A growable byte buffer: p[0..n) used, cap allocated. */
struct bbuf {
	unsigned char *p;
	size_t n, cap;
};
/* bbuf_put: append n bytes (an allocation failure ends the program). */
void bbuf_put(struct bbuf *b, const void *p, size_t n);
void bbuf_free(struct bbuf *b);

#endif
