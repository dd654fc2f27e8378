package dev.vaecuda.selftest;

/** A rule that each pair of expected and actual values must keep; a failure lists the first five pairs that break it. */
@FunctionalInterface
interface ElementwiseCheck {
    boolean holds(int index, float expected, float actual);

    /** Throws {@link MismatchException}: "{what}: {n} of {length} values {broken}; [i] expected x, got y...". */
    default void assertHolds(String what, float[] expected, float[] actual, String broken) {
        if (expected.length != actual.length) {
            throw new MismatchException(what + ": " + actual.length + " values, expected " + expected.length);
        }
        StringBuilder report = new StringBuilder();
        int mismatches = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!holds(i, expected[i], actual[i]) && mismatches++ < 5) {
                report.append(String.format("; [%d] expected %s, got %s", i, expected[i], actual[i]));
            }
        }
        if (mismatches > 0) {
            throw new MismatchException(String.format("%s: %d of %d values %s%s", what, mismatches, expected.length, broken, report));
        }
    }
}
