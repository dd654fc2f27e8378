package dev.vaecuda.selftest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The elementwise checks behind every comparison of a backend with the reference: what passes, and what a failure says. */
class ToleranceTest {

    @Test
    void valuesWithinTheToleranceAndEqualNaNsPass() {
        float[] expected = {1f, -2f, 0f, Float.NaN, Float.POSITIVE_INFINITY};
        float[] actual = {1.0009f, -2.0019f, 0.9e-3f, Float.NaN, Float.POSITIVE_INFINITY};
        assertDoesNotThrow(() -> new Tolerance(1e-3, 5e-4).assertClose("values", expected, actual));
    }

    /** What a passed comparison reports: the largest share of the tolerance any value used; equal values, -0 and 0 too, use none. */
    @Test
    void aPassReportsTheLargestShareOfTheToleranceUsed() {
        float[] expected = {1f, -2f, 0f, Float.NaN, 4f};
        float[] actual = {1.0002f, -2f, -0f, Float.NaN, 4.001f};
        double share = new Tolerance(0, 1e-3).assertClose("values", expected, actual);
        assertEquals(0.25, share, 1e-4, "4.001 vs 4: 0.001 of the 0.004 allowed");
        assertEquals(0, Tolerance.EXACT.assertClose("zeros", new float[] {0f}, new float[] {-0f}));
    }

    /** A failure counts every mismatch and lists the first five, in order. */
    @Test
    void aFailureCountsEveryMismatchAndListsTheFirstFive() {
        SplittableRandom random = new SplittableRandom();
        int n = 20 + random.nextInt(20), mismatches = 6 + random.nextInt(n - 6);
        float[] expected = new float[n], actual = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = (float) random.nextDouble();
            actual[i] = i < mismatches ? expected[i] + 1f : expected[i];
        }
        MismatchException failure = assertThrows(MismatchException.class,
                () -> new Tolerance(1e-3, 0).assertClose("dx", expected, actual));
        StringBuilder listed = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            listed.append(String.format("; [%d] expected %s, got %s", i, expected[i], actual[i]));
        }
        assertEquals("dx: " + mismatches + " of " + n + " values differ by more than 0.001 + 0.0 * |expected|" + listed,
                failure.getMessage());
    }

    @Test
    void zerosOnOneSideOnlyAreReportedAsSuch() {
        ElementwiseCheck sameZeros = (i, e, a) -> (e == 0) == (a == 0);
        MismatchException failure = assertThrows(MismatchException.class,
                () -> sameZeros.assertHolds("m", new float[] {0f, 1f, 2f}, new float[] {0f, 0f, 2f}, "are zero on one side only"));
        assertEquals("m: 1 of 3 values are zero on one side only; [1] expected 1.0, got 0.0", failure.getMessage());
        assertThrows(MismatchException.class,
                () -> sameZeros.assertHolds("m", new float[2], new float[3], "are zero on one side only"));
    }
}
