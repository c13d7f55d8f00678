/*
 * gemm.c: the matrix-product wrapper over OpenBLAS and its naive reference.
 * No threading of its own: OpenBLAS follows OPENBLAS_NUM_THREADS.
 */
#include <cblas.h>

#include "gemm.h"

int gemm_naive_only;
_Atomic unsigned long long gemm_flops;

void gemm_naive(int ta, int tb, int m, int n, int k, real alpha, const real *a,
		int lda, const real *b, int ldb, real beta, real *c, int ldc)
{
	for (int i = 0; i < m; i++) {
		for (int j = 0; j < n; j++) {
			double s = 0;

			for (int p = 0; p < k; p++) {
				real x = ta ? a[(long)p * lda + i]
					    : a[(long)i * lda + p];
				real y = tb ? b[(long)j * ldb + p]
					    : b[(long)p * ldb + j];
				s += (double)x * y;
			}
			real *cij = &c[(long)i * ldc + j];
			*cij = (real)(alpha * s +
				      (beta == 0 ? 0 : (double)beta * *cij));
		}
	}
}

#ifdef SKETCH_DOUBLE
#define BLAS_GEMM cblas_dgemm
#define BLAS_GEMV cblas_dgemv
#else
#define BLAS_GEMM cblas_sgemm
#define BLAS_GEMV cblas_sgemv
#endif

void gemm(int ta, int tb, int m, int n, int k, real alpha, const real *a,
	  int lda, const real *b, int ldb, real beta, real *c, int ldc)
{
	if (m <= 0 || n <= 0)
		return;
	gemm_flops += 2ull * (unsigned long long)m * (unsigned long long)n *
		      (unsigned long long)k;
	if (gemm_naive_only || k <= 0) {
		gemm_naive(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c,
			   ldc);
		return;
	}
	if (m == 1) {
		/* c[n] = alpha op(B)^T a + beta c: a row vector times B. */
		BLAS_GEMV(CblasRowMajor, tb ? CblasNoTrans : CblasTrans,
			  tb ? n : k, tb ? k : n, alpha, b, ldb, a,
			  ta ? lda : 1, beta, c, 1);
		return;
	}
	BLAS_GEMM(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
		  tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b,
		  ldb, beta, c, ldc);
}
