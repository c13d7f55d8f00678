/*
 * gemm.h: the one matrix-product wrapper of sketchrnn, its naive reference
 * loop, and the scalar type of the neural core.
 *
 * Every matrix is row-major.  gemm() computes C = alpha op(A) op(B) + beta C
 * through OpenBLAS (cblas_sgemm, or cblas_sgemv when op(A) has one row);
 * gemm_naive() is the plain triple loop that the tests and the benchmark
 * check it against.  Setting gemm_naive_only routes every gemm() call to the
 * naive loop.  Neither function allocates or keeps pointers.
 *
 * The neural core is written over "real", which is float; a build with
 * -DSKETCH_DOUBLE makes it double (and calls cblas_dgemm), which is how the
 * finite-difference test runs the same kernels in double precision.
 */
#ifndef SKETCHRNN_GEMM_H
#define SKETCHRNN_GEMM_H

#include <math.h>

#ifdef SKETCH_DOUBLE
typedef double real;
#define r_exp exp
#define r_log log
#define r_tanh tanh
#define r_sqrt sqrt
#else
typedef float real;
#define r_exp expf
#define r_log logf
#define r_tanh tanhf
#define r_sqrt sqrtf
#endif

/* Route every gemm() to gemm_naive() (tests, checks). */
extern int gemm_naive_only;
/* Floating-point operations (2mnk per call) done by gemm() since start;
 * the benchmark reads and resets it. */
extern _Atomic unsigned long long gemm_flops;

/*
 * gemm: C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C.
 * ta, tb: nonzero to use the transpose of A (stored [k,m]) or B (stored
 * [n,k]).  lda, ldb, ldc: row strides of A, B, C as stored.
 */
void gemm(int ta, int tb, int m, int n, int k, real alpha, const real *a,
	  int lda, const real *b, int ldb, real beta, real *c, int ldc);
/* gemm_naive: the same contract, a plain loop accumulated in double. */
void gemm_naive(int ta, int tb, int m, int n, int k, real alpha, const real *a,
		int lda, const real *b, int ldb, real beta, real *c, int ldc);

#endif
