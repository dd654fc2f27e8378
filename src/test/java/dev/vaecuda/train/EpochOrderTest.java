package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** An epoch's order: a permutation, the same for the same (seed, epoch), another for another, uniformly drawn. */
class EpochOrderTest {
    private final long seed = new SplittableRandom().nextLong();

    private static int[] order(long seed, int epoch, int n) {
        int[] order = new int[n];
        EpochOrder.shuffle(seed, epoch, order);
        return order;
    }

    @Test
    void aPermutationKeyedBySeedAndEpoch() {
        int n = 1000;
        int[] first = order(seed, 1, n);
        assertArrayEquals(IntStream.range(0, n).toArray(), Arrays.stream(first).sorted().toArray(), "a permutation");
        assertArrayEquals(first, order(seed, 1, n), "the same seed and epoch, the same order (seed " + seed + ")");
        assertFalse(Arrays.equals(first, order(seed, 2, n)), "another epoch, another order (seed " + seed + ")");
        assertFalse(Arrays.equals(first, order(seed + 1, 1, n)), "another seed, another order (seed " + seed + ")");
        assertFalse(Arrays.equals(first, IntStream.range(0, n).toArray()), "shuffled (seed " + seed + ")");
    }

    /** Over 3000 epochs of 10 images, each image comes first about 300 times (+-4 sigma) and sometimes stays in place. */
    @Test
    void eachImageIsEquallyLikelyAtEachPlace() {
        int n = 10, epochs = 3000;
        int[] firsts = new int[n], lasts = new int[n];
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int[] order = order(seed, epoch, n);
            firsts[order[0]]++;
            lasts[order[n - 1]]++;
        }
        double expected = epochs / (double) n, sigma = Math.sqrt(epochs * 0.1 * 0.9);
        for (int image = 0; image < n; image++) {
            assertTrue(Math.abs(firsts[image] - expected) < 4 * sigma, "image " + image + " first " + firsts[image]
                    + " times, seed " + seed);
            assertTrue(Math.abs(lasts[image] - expected) < 4 * sigma, "image " + image + " last " + lasts[image]
                    + " times, seed " + seed);
        }
        assertEquals(n, order(seed, 1, n).length);
    }
}
