package dev.vaecuda.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PhiloxTest {

    /** Known-answer tests of Random123's kat_vectors for philox4x32_10. */
    @Test
    void matchesRandom123KnownAnswers() {
        Philox.Blocks one = new Philox.Blocks(1);
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, one.compute(0L, 0, 0L, 0, 1));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, one.compute(-1L, -1, -1L, -1, 1));
        // counter (243f6a88, 85a308d3, 13198a2e, 03707344), key (a4093822, 299f31d0)
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                one.compute(0x299f31d0_a4093822L, 0x85a308d3, 0x03707344_13198a2eL, 0x243f6a88, 1));
    }

    /** Blocks side by side are the blocks one at a time, the counter wrapping past 2^32 included. */
    @Test
    void blocksSideBySideEqualBlocksOneByOne() {
        SplittableRandom random = new SplittableRandom();
        long seed = random.nextLong(), step = random.nextLong();
        int stream = random.nextInt(), count = 1 + random.nextInt(300);
        int firstBlock = random.nextBoolean() ? random.nextInt() : -count / 2;
        Philox.Blocks many = new Philox.Blocks(300), one = new Philox.Blocks(1);
        int[] together = many.compute(seed, stream, step, firstBlock, count).clone();
        for (int b = 0; b < count; b++) {
            int[] alone = one.compute(seed, stream, step, firstBlock + b, 1);
            for (int lane = 0; lane < 4; lane++) {
                assertEquals(alone[lane], together[4 * b + lane], "block " + (firstBlock + b) + " lane " + lane
                        + " (seed " + seed + ", stream " + stream + ", step " + step + ")");
            }
        }
    }

    @Test
    void normalsHaveZeroMeanAndUnitVariance() {
        long seed = new SplittableRandom().nextLong();
        int n = 200_000;
        float[] values = new float[n];
        Philox.normals(seed, 0, 7, 0, n, values, 0, new Philox.Blocks());
        double sum = 0, squares = 0;
        for (float v : values) {
            sum += v;
            squares += (double) v * v;
        }
        double mean = sum / n, variance = squares / n - mean * mean;
        // 5 standard errors: sd(mean) = 1/sqrt(n), sd(variance) ~ sqrt(2/n)
        assertEquals(0.0, mean, 5 / Math.sqrt(n), "mean (seed " + seed + ")");
        assertEquals(1.0, variance, 5 * Math.sqrt(2.0 / n), "variance (seed " + seed + ")");
    }

    /** The extreme outputs map to the uniforms nearest 0 and 1, both strictly inside (0, 1), as in the kernels. */
    @Test
    void uniformsAreTheCentresOf2To23Bins() {
        assertEquals(0x1p-24f, Philox.uniform(0));
        assertEquals(1f - 0x1p-24f, Philox.uniform(-1));
        assertEquals(0.5f + 0x1p-24f, Philox.uniform(0x8000_0000));
    }

    /** An empty range draws nothing and returns (the last block index of element -1 is not a bound). */
    @Test
    void anEmptyRangeDrawsNothing() {
        float[] out = {7f};
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> Philox.normals(1, 0, 1, 0, 0, out, 0, new Philox.Blocks()));
        assertEquals(7f, out[0]);
    }

    /** A range drawn alone, or in chunks of a few blocks, has the values of the whole draw. */
    @Test
    void anyRangeOfElementsDrawsTheSameValues() {
        long seed = new SplittableRandom().nextLong();
        float[] whole = new float[103];
        Philox.normals(seed, 3, 11, 0, whole.length, whole, 0, new Philox.Blocks());
        for (int capacity : new int[] {1, 3, 256}) {
            float[] part = new float[50];
            Philox.normals(seed, 3, 11, 37, 50, part, 0, new Philox.Blocks(capacity));
            for (int i = 0; i < part.length; i++) {
                assertEquals(whole[37 + i], part[i], "element " + (37 + i) + " in chunks of " + capacity + " blocks");
            }
        }
    }
}
