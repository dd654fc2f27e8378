package dev.vaecuda.backend.cpu.blas;

/** A BLAS the CPU backend can run its GEMMs on: column-major sgemm over Java float arrays. */
public interface Blas {
    /**
     * C = alpha op(A) op(B) + beta C, column-major, as BLAS's sgemm: op(A) is (m, k), op(B) is
     * (k, n), C is (m, n); each matrix starts at its offset into its array.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
               float beta, float[] c, int cOffset, int ldc);

    /**
     * Whether several threads may call {@link #sgemm} at once, each call then running on its
     * caller's thread alone; the backend splits a GEMM over its workers only when this holds.
     */
    boolean concurrentCallsSafe();

    /** Which library, version, kernels and threads, for the first line of a run and {@code info}. */
    String description();
}
