package dev.vaecuda.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.selftest.BackendPair.Twin;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The inputs the checks draw: in their ranges, with the edge values they promise, the same on both sides. */
class BackendPairTest {
    private static final int N = 20_000;

    /** The twin's values, after checking that both sides hold the same. */
    private static float[] both(BackendPair pair, Twin twin) {
        float[] device = new float[twin.length()], reference = new float[twin.length()];
        pair.device.download(twin.device(), device);
        pair.reference.download(twin.reference(), reference);
        assertEquals(Arrays.toString(reference), Arrays.toString(device), "both sides alike");
        return reference;
    }

    @Test
    void drawsCoverTheirRangesAndEdges() {
        try (BackendPair pair = new BackendPair(new CpuBackend(1), new CpuBackend(1), new SplittableRandom().nextLong())) {
            float[] uniform = both(pair, pair.uniform(N, -3, 5));
            float low = Float.MAX_VALUE, high = -Float.MAX_VALUE;
            for (float value : uniform) {
                low = Math.min(low, value);
                high = Math.max(high, value);
            }
            assertTrue(low >= -3 && low < -2.99 && high < 5 && high > 4.99, low + " .. " + high);

            float[] edgy = both(pair, pair.uniformWithEdges(N, -1, -0.5f, 0f, 1e30f));
            int zeros = 0, large = 0, negative = 0;
            for (float value : edgy) {
                zeros += value == 0 ? 1 : 0;
                large += Math.abs(value) == 1e30f ? 1 : 0;
                negative += value == -1e30f ? 1 : 0;
                assertTrue(value == 0 || Math.abs(value) == 1e30f || (value >= -1 && value < -0.5f), "" + value);
            }
            // one value in ten is an edge, half of them each edge, half of those negative: +-4 sigma
            assertTrue(Math.abs(zeros - N / 20) < 4 * Math.sqrt(N / 20.0), zeros + " zeros");
            assertTrue(Math.abs(large - N / 20) < 4 * Math.sqrt(N / 20.0), large + " of +-1e30");
            assertTrue(Math.abs(negative - N / 40) < 4 * Math.sqrt(N / 40.0), negative + " of -1e30");

            // a range without negatives keeps its edges' signs
            int positive = 0;
            for (float value : both(pair, pair.uniformWithEdges(N, 0.5f, 1, 1e30f))) {
                assertTrue(value == 1e30f || (value >= 0.5f && value < 1), "" + value);
                positive += value == 1e30f ? 1 : 0;
            }
            assertTrue(Math.abs(positive - N / 10) < 4 * Math.sqrt(N / 10.0), positive + " of 1e30");

            for (float value : both(pair, pair.filled(7, Float.NaN))) {
                assertTrue(Float.isNaN(value), "filled with NaN: " + value);
            }
        }
    }
}
