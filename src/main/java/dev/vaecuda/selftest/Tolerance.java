package dev.vaecuda.selftest;

/** |actual - expected| <= atol + rtol * |expected|, elementwise; a failure lists the first mismatches. */
public record Tolerance(double atol, double rtol) {
    public static final Tolerance EXACT = new Tolerance(0, 0);

    /** Throws {@link MismatchException} naming {@code what} and the first five differing values. */
    public void assertClose(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new MismatchException(what + ": " + actual.length + " values, expected " + expected.length);
        }
        StringBuilder report = new StringBuilder();
        int mismatches = 0;
        for (int i = 0; i < expected.length; i++) {
            boolean close = Float.compare(expected[i], actual[i]) == 0
                    || Math.abs((double) actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
            if (!close && mismatches++ < 5) {
                report.append(String.format("; [%d] expected %s, got %s", i, expected[i], actual[i]));
            }
        }
        if (mismatches > 0) {
            throw new MismatchException(String.format("%s: %d of %d values differ by more than %s + %s * |expected|%s",
                    what, mismatches, expected.length, atol, rtol, report));
        }
    }
}
