package dev.vaecuda.backend.cpu.blas;

/** Which BLAS the CPU backend uses: {@code --blas}, or the environment variable {@code VAE_BLAS}. */
public enum BlasChoice {
    /** The bundled OpenBLAS; where it cannot load, the pure-Java BLAS, saying why. */
    auto,
    /** The OpenBLAS inside the jar, or an error. */
    bundled,
    /** The system's BLAS ({@code VAE_BLAS_LIBRARY}, default {@code libblas.so.3}): MKL, BLIS, a newer OpenBLAS. */
    system,
    /** netlib's pure-Java BLAS. */
    java
}
