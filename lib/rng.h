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

#endif
