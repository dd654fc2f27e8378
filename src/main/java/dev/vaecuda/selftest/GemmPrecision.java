package dev.vaecuda.selftest;

/** The arithmetic of a device's GEMMs, which sets how far they may be from the CPU's FP32 ones. */
public enum GemmPrecision {
    /** FP32 throughout (cuBLAS's default math): rounding of k float products and sums. */
    FP32 {
        @Override
        public Tolerance tolerance(int k) {
            return new Tolerance(1e-6 * k, 1e-5);
        }
    },
    /**
     * TF32 tensor cores (--tf32): inputs rounded to 10 mantissa bits, a relative error of up to
     * 2^-11 per product; with inputs uniform in [-1, 1) the sum's error is a random walk of k
     * such terms, about 2^-11 sqrt(k / 9): four times sqrt(k) 2^-11 is over ten of its deviations.
     */
    TF32 {
        @Override
        public Tolerance tolerance(int k) {
            return new Tolerance(4 * Math.sqrt(k) * 0x1p-11, 0x1p-10);
        }
    };

    /** The tolerance of an (m, k) x (k, n) product of inputs uniform in [-1, 1). */
    public abstract Tolerance tolerance(int k);
}
