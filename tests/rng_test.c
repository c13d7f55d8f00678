/*
 * rng_test: the generator's jumps (rng.h) against stepping: for jumps of
 * 0 to millions of draws, from several seeds, rng_jump leaves the state
 * that as many rng_u64 calls leave, and one matrix serves any state.
 */
#include <stdio.h>
#include <string.h>

#include "rng.h"

int main(void)
{
	static struct rng_jump j;
	const uint64_t ns[] = {0, 1, 2, 3, 63, 64, 65, 1000, 4095, 123457,
			       3000001};
	int failures = 0;

	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		int same = 1;

		rng_jump_init(&j, ns[i]);
		for (uint64_t seed = 1; seed <= 3; seed++) {
			struct rng a, b;

			rng_seed(&a, seed * 977);
			b = a;
			rng_jump(&b, &j);
			for (uint64_t k = 0; k < ns[i]; k++)
				rng_u64(&a);
			same &= memcmp(&a, &b, sizeof a) == 0;
			same &= rng_u64(&a) == rng_u64(&b);
		}
		printf("%s - a jump of %llu draws is as many steps, 3 seeds\n",
		       same ? "ok" : "not ok", (unsigned long long)ns[i]);
		failures += !same;
	}
	printf("# %d failures\n", failures);
	return failures != 0;
}
