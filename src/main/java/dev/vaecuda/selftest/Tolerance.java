package dev.vaecuda.selftest;

/** |actual - expected| <= atol + rtol * |expected|, elementwise; a failure lists the first mismatches. */
public record Tolerance(double atol, double rtol) {
    public static final Tolerance EXACT = new Tolerance(0, 0);

    /** Throws {@link MismatchException} naming {@code what} and the first five differing values. */
    public void assertClose(String what, float[] expected, float[] actual) {
        ElementwiseCheck close = (e, a) -> Float.compare(e, a) == 0 || Math.abs((double) a - e) <= atol + rtol * Math.abs(e);
        close.assertHolds(what, expected, actual, "differ by more than " + atol + " + " + rtol + " * |expected|");
    }
}
