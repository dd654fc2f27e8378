package dev.vaecuda.selftest;

import java.util.Locale;

/**
 * The maximum errors, in units in the last place, that the CUDA C++ Programming Guide documents for
 * the single-precision math functions the kernels call (appendix "Mathematical Functions", table of
 * single-precision functions, under nvcc's defaults -prec-sqrt=true and no --use_fast_math). A GPU
 * may return any result within these of the correctly rounded one, while the CPU backend computes in
 * double and rounds once; the GPU-rounding emulator (src/main/native/cuda_emu.h) returns results
 * off by exactly these, and CudaMathBoundsTest holds the two lists equal.
 */
public enum CudaMathBounds {
    EXPF(2), LOGF(1), LOG1PF(1), TANHF(2), SINF(2), COSF(2), POWF(4), SQRTF(0);

    /** u = 2^-24: a correctly rounded float operation errs by at most u of its result; an ulp is at most 2u of a value. */
    public static final double UNIT_ROUNDOFF = 0x1p-24;

    /** The largest difference from the correctly rounded result, in ulps. */
    public final int maxUlps;

    CudaMathBounds(int maxUlps) {
        this.maxUlps = maxUlps;
    }

    /** The function's name in CUDA C: expf, logf, ... */
    public String cName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The largest error relative to the result: maxUlps ulps, each at most 2u of it. */
    public double relativeError() {
        return maxUlps * 2 * UNIT_ROUNDOFF;
    }
}
