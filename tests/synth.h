/*
 * synth.h: a synthetic stroke-5 batch for the C tests: B drawings of up
 * to T points, lengths drawn from lo..T, offsets N(0, 1), the pen lifted
 * with probability 0.2, end rows (0,0,0,0,1) after each drawing and the
 * start token (0,0,1,0,0) as row 0.
 */
#ifndef SKETCHRNN_TESTS_SYNTH_H
#define SKETCHRNN_TESTS_SYNTH_H

#include <string.h>

#include "gemm.h"
#include "rng.h"

static void synth_batch(real *s, int *len, int B, int T, int lo, struct rng *r)
{
	memset(s, 0, (size_t)B * (T + 1) * 5 * sizeof(real));
	for (int b = 0; b < B; b++) {
		real *d = s + (long)b * (T + 1) * 5;

		len[b] = lo + (int)(rng_u64(r) % (uint64_t)(T - lo + 1));
		d[2] = 1;
		for (int t = 1; t <= T; t++) {
			int up = rng_uniform(r) < 0.2;

			if (t > len[b]) {
				d[t * 5 + 4] = 1;
				continue;
			}
			d[t * 5] = (real)rng_normal(r);
			d[t * 5 + 1] = (real)rng_normal(r);
			d[t * 5 + 2] = !up;
			d[t * 5 + 3] = up;
		}
	}
}

#endif
