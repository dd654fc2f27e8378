package dev.vaecuda.selftest;

import java.util.function.IntToDoubleFunction;

/** |actual - expected| <= atol + rtol * |expected|, elementwise; a failure lists the first mismatches. */
public record Tolerance(double atol, double rtol) {
    public static final Tolerance EXACT = new Tolerance(0, 0);

    /**
     * Throws {@link MismatchException} naming {@code what} and the first five differing values;
     * returns the largest share of the tolerance that any value used (0 when all are equal).
     */
    public double assertClose(String what, float[] expected, float[] actual) {
        return assertWithin(what, expected, actual, i -> atol + rtol * Math.abs(expected[i]),
                "differ by more than " + atol + " + " + rtol + " * |expected|");
    }

    /**
     * |actual[i] - expected[i]| <= allowed(i) for every i; equal values (NaN and infinities
     * included) always pass. Throws {@link MismatchException} with {@code broken} and the first five
     * pairs that break it; returns the largest share of its allowance that any value used.
     */
    static double assertWithin(String what, float[] expected, float[] actual, IntToDoubleFunction allowed, String broken) {
        ElementwiseCheck within = (i, e, a) -> Float.compare(e, a) == 0 || Math.abs((double) a - e) <= allowed.applyAsDouble(i);
        within.assertHolds(what, expected, actual, broken);
        double largest = 0;
        for (int i = 0; i < expected.length; i++) {
            double difference = Math.abs((double) actual[i] - expected[i]);
            if (difference > 0) {
                largest = Math.max(largest, difference / allowed.applyAsDouble(i));
            }
        }
        return largest;
    }
}
