/*
 * rng.h: the deterministic random number generator of sketchrnn
 * (xoshiro256** seeded through splitmix64).
 *
 * The whole state is the four 64-bit words of struct rng, so a checkpoint
 * can store it with put_u64 and resume the exact sequence.  The same seed
 * gives the same numbers on every machine.  No allocation; the caller owns
 * the struct.  Not thread-safe: one struct per thread.
 */
#ifndef SKETCHRNN_RNG_H
#define SKETCHRNN_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* rng_seed: set the state from a 64-bit seed. */
void rng_seed(struct rng *r, uint64_t seed);
/* rng_u64: the next 64 random bits. */
uint64_t rng_u64(struct rng *r);
/* rng_uniform: a double in [0, 1) with 53 random bits. */
double rng_uniform(struct rng *r);
/* rng_normal: a standard normal draw (Box-Muller, two uniforms per draw,
 * no hidden cached value, so the state above is the whole state). */
double rng_normal(struct rng *r);

/* A jump of the generator by n draws: xoshiro256** moves its state by a
 * linear map over GF(2), so n draws are one 256 x 256 bit matrix, T^n,
 * kept as its columns (8 KiB).  Building it takes about 2 log2(n) matrix
 * products (milliseconds); applying it, a few hundred word operations, the
 * same state as n rng_u64 calls. */
struct rng_jump {
	uint64_t n;
	uint64_t col[256][4];
};

/* rng_jump_init: the matrix of n draws. */
void rng_jump_init(struct rng_jump *j, uint64_t n);
/* rng_jump: advance r as j->n calls of rng_u64 would. */
void rng_jump(struct rng *r, const struct rng_jump *j);

#endif
