/*
 * rng.c: xoshiro256** (Blackman and Vigna 2018) with splitmix64 seeding,
 * uniform and normal draws.  Integer arithmetic only until the final
 * conversion, so sequences are the same everywhere.
 */
#include <math.h>
#include <string.h>

#include "rng.h"

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t rng_u64(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double rng_uniform(struct rng *r)
{
	return (double)(rng_u64(r) >> 11) * 0x1.0p-53;
}

double rng_normal(struct rng *r)
{
	double u1 = 1.0 - rng_uniform(r); /* (0, 1]: log is finite */
	double u2 = rng_uniform(r);

	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* apply: v = the columns of m that the bits of v select, xored. */
static void apply(const uint64_t (*col)[4], uint64_t *v)
{
	uint64_t out[4] = {0, 0, 0, 0};

	for (int c = 0; c < 256; c++)
		if (v[c >> 6] >> (c & 63) & 1)
			for (int w = 0; w < 4; w++)
				out[w] ^= col[c][w];
	memcpy(v, out, sizeof out);
}

/* product: a = a b (columns: (a b) e_c = a (b e_c)); a and b may be one. */
static void product(uint64_t (*a)[4], const uint64_t (*b)[4])
{
	uint64_t out[256][4];

	for (int c = 0; c < 256; c++) {
		memcpy(out[c], b[c], sizeof out[c]);
		apply((const uint64_t(*)[4])a, out[c]);
	}
	memcpy(a, out, sizeof out);
}

void rng_jump_init(struct rng_jump *j, uint64_t n)
{
	uint64_t t[256][4];
	struct rng r;

	j->n = n;
	memset(j->col, 0, sizeof j->col);
	for (int c = 0; c < 256; c++) {
		j->col[c][c >> 6] = 1ULL << (c & 63); /* the identity */
		memset(&r, 0, sizeof r);
		r.s[c >> 6] = 1ULL << (c & 63);
		rng_u64(&r); /* one step of the basis vector: T's column c */
		memcpy(t[c], r.s, sizeof t[c]);
	}
	for (; n; n >>= 1) { /* j = T^n by squaring: the powers commute */
		if (n & 1)
			product(j->col, (const uint64_t(*)[4])t);
		if (n > 1)
			product(t, (const uint64_t(*)[4])t);
	}
}

void rng_jump(struct rng *r, const struct rng_jump *j)
{
	apply((const uint64_t(*)[4])j->col, r->s);
}
