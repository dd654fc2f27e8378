package dev.vaecuda.backend;

import java.util.Arrays;

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
    // the round multipliers, as unsigned 32-bit values
    private static final long M0 = 0xD2511F53L;
    private static final long M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final float TWO_PI = 6.2831853071795864f;

    private Philox() {
    }

    /**
     * The outputs of many consecutive counter blocks, computed side by side: each round is one
     * loop over all the blocks, which the JIT vectorises (one block's ten rounds in a row are a
     * chain of dependent multiplies). Holds its own scratch: one instance per thread.
     */
    public static final class Blocks {
        /** 256 blocks keep the four lanes and the outputs (12 KiB) in L1. */
        private static final int DEFAULT_CAPACITY = 256;

        private final int[] c0, c1, c2, c3, outputs;

        public Blocks() {
            this(DEFAULT_CAPACITY);
        }

        /** Room for {@code capacity} blocks per call. */
        public Blocks(int capacity) {
            c0 = new int[capacity];
            c1 = new int[capacity];
            c2 = new int[capacity];
            c3 = new int[capacity];
            outputs = new int[4 * capacity];
        }

        public int capacity() {
            return c0.length;
        }

        /**
         * The four outputs of blocks [firstBlock, firstBlock + count) of the draw keyed by
         * (seed, stream, step), count at most the capacity: element 4 * b + lane of the array
         * returned is output {@code lane} of block firstBlock + b. The array is overwritten by the next call.
         */
        public int[] compute(long seed, int stream, long step, int firstBlock, int count) {
            for (int b = 0; b < count; b++) {
                c0[b] = firstBlock + b;
            }
            Arrays.fill(c1, 0, count, stream);
            Arrays.fill(c2, 0, count, (int) step);
            Arrays.fill(c3, 0, count, (int) (step >>> 32));
            int k0 = (int) seed, k1 = (int) (seed >>> 32);
            for (int round = 0; round < 10; round++) {
                for (int b = 0; b < count; b++) {
                    long p0 = M0 * (c0[b] & 0xFFFFFFFFL);
                    long p1 = M1 * (c2[b] & 0xFFFFFFFFL);
                    int n0 = (int) (p1 >>> 32) ^ c1[b] ^ k0;
                    int n2 = (int) (p0 >>> 32) ^ c3[b] ^ k1;
                    c0[b] = n0;
                    c1[b] = (int) p1;
                    c2[b] = n2;
                    c3[b] = (int) p0;
                }
                k0 += W0;
                k1 += W1;
            }
            for (int b = 0; b < count; b++) {
                outputs[4 * b] = c0[b];
                outputs[4 * b + 1] = c1[b];
                outputs[4 * b + 2] = c2[b];
                outputs[4 * b + 3] = c3[b];
            }
            return outputs;
        }
    }

    /** A 32-bit output as a float uniform in (0, 1). */
    public static float uniform(int bits) {
        return ((bits >>> 9) + 0.5f) * 0x1p-23f;
    }

    /**
     * Standard normals for elements [first, first + count) of the draw keyed by
     * (seed, stream, step), into {@code out[outOffset ...]}; {@code blocks} is the thread's scratch.
     */
    public static void normals(long seed, int stream, long step, int first, int count,
                               float[] out, int outOffset, Blocks blocks) {
        if (count <= 0) {
            return;
        }
        int end = first + count;
        int lastBlock = (end - 1) >>> 2;
        for (int chunk = first >>> 2; chunk <= lastBlock; chunk += blocks.capacity()) {
            int chunkBlocks = Math.min(blocks.capacity(), lastBlock - chunk + 1);
            int[] bits = blocks.compute(seed, stream, step, chunk, chunkBlocks);
            for (int b = 0; b < chunkBlocks; b++) {
                int base = (chunk + b) << 2;
                float radius01 = (float) Math.sqrt(-2.0 * Math.log(uniform(bits[4 * b])));
                float angle01 = TWO_PI * uniform(bits[4 * b + 1]);
                float radius23 = (float) Math.sqrt(-2.0 * Math.log(uniform(bits[4 * b + 2])));
                float angle23 = TWO_PI * uniform(bits[4 * b + 3]);
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
}
