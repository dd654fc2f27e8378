package dev.vaecuda.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exact values, computed in double, and the bound on a float computation's error: a sum of n
 * float products (or terms), added in any order, with or without fused multiply-adds, is within
 * (n - 1) * 2^-24 * (the sum of the terms' magnitudes) of the exact sum, to first order (Higham,
 * Accuracy and Stability of Numerical Algorithms, 3.1). The check allows twice that, plus the
 * {@code extra} roundings a kernel adds per element (an activation's, a scaled gradient's).
 */
record RoundingBound(double[] exact, double[] magnitude, int terms, int extra) {
    static final double UNIT = 0x1p-24;

    double tolerance(int i) {
        return 2 * (terms + extra) * UNIT * magnitude[i] + Float.MIN_NORMAL;
    }

    void check(float[] actual, String what, long seed) {
        double[] tolerance = new double[exact.length];
        java.util.Arrays.setAll(tolerance, this::tolerance);
        check(exact, tolerance, actual, what, seed);
    }

    /** |actual[i] - exact[i]| <= tolerance[i] for every i. */
    static void check(double[] exact, double[] tolerance, float[] actual, String what, long seed) {
        assertEquals(exact.length, actual.length, what + ": length");
        for (int i = 0; i < exact.length; i++) {
            int at = i;
            assertTrue(Math.abs(actual[i] - exact[i]) <= tolerance[i], () -> what + "[" + at + "]: expected " + exact[at]
                    + ", got " + actual[at] + " (tolerance " + tolerance[at] + ", seed " + seed + ")");
        }
    }
}
