package dev.vaecuda.backend;

/**
 * Counter-based random numbers: Philox4x32-10 (Salmon et al., "Parallel random numbers: as
 * easy as 1, 2, 3", SC 2011) with Box-Muller. The CUDA kernels implement the same function
 * ({@code kernels/philox.cuh}), so both backends draw the same eps for the same arguments.
 *
 * <p>Element {@code i} of a draw keyed by (seed, stream, step) uses the block of four 32-bit
 * outputs at counter (i / 4, stream, step low, step high) under key (seed low, seed high):
 * normals come in Box-Muller pairs from outputs (0, 1) and (2, 3); element i takes output
 * i % 4. A 32-bit output r maps to the uniform ((r >>> 9) + 0.5) * 2^-23, exact in float and
 * strictly inside (0, 1).
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final float TWO_PI = 6.2831853071795864f;

    private Philox() {
    }

    /** The four 32-bit outputs for one counter block, into {@code out[0..3]}. */
    public static void block(long seed, int stream, long step, int blockIndex, int[] out) {
        int c0 = blockIndex, c1 = stream, c2 = (int) step, c3 = (int) (step >>> 32);
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c0 = n0;
            c1 = (int) p1;
            c2 = n2;
            c3 = (int) p0;
            k0 += W0;
            k1 += W1;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** A 32-bit output as a float uniform in (0, 1). */
    public static float uniform(int bits) {
        return ((bits >>> 9) + 0.5f) * 0x1p-23f;
    }

    /**
     * Standard normals for elements [first, first + count) of the draw keyed by
     * (seed, stream, step), into {@code out[outOffset ...]}; {@code scratch} holds 4 ints.
     */
    public static void normals(long seed, int stream, long step, int first, int count,
                               float[] out, int outOffset, int[] scratch) {
        int end = first + count;
        for (int blockIndex = first >>> 2; blockIndex <= (end - 1) >>> 2; blockIndex++) {
            block(seed, stream, step, blockIndex, scratch);
            float radius01 = (float) Math.sqrt(-2.0 * Math.log(uniform(scratch[0])));
            float angle01 = TWO_PI * uniform(scratch[1]);
            float radius23 = (float) Math.sqrt(-2.0 * Math.log(uniform(scratch[2])));
            float angle23 = TWO_PI * uniform(scratch[3]);
            int base = blockIndex << 2;
            for (int lane = 0; lane < 4; lane++) {
                int element = base + lane;
                if (element < first || element >= end) {
                    continue;
                }
                float value = switch (lane) {
                    case 0 -> radius01 * (float) Math.cos(angle01);
                    case 1 -> radius01 * (float) Math.sin(angle01);
                    case 2 -> radius23 * (float) Math.cos(angle23);
                    default -> radius23 * (float) Math.sin(angle23);
                };
                out[outOffset + element - first] = value;
            }
        }
    }
}
