package dev.vaecuda.backend.cpu;

import dev.vaecuda.backend.ConvShape;
import java.util.Arrays;

/**
 * A convolution's kernel offsets grouped by where they read in {@link PhasePlanes}: class (dp, dq)
 * holds the offsets p = dp*stride + a, q = dq*stride + b, each reading the plane of phase
 * a*stride + b, all shifted by dp * planeWidth + dq. Over the channels, a class's offsets read
 * plane columns at one fixed stride, so one GEMM does a class. Its weight is a block of
 * (span * inChannels, outChannels), column-major, row phase * inChannels + c, for the phases
 * [0, span) (zero rows for the phases in between whose offset is past the kernel: only a kernel
 * that is not a multiple of the stride has them).
 */
final class TapClasses {
    /** Visits a weight: its index in the (outChannels, inChannels, kernel, kernel) weight and in the blocks. */
    @FunctionalInterface
    interface Visit {
        void at(int weight, int block);
    }

    private TapClasses() {
    }

    static int count(ConvShape s) {
        int perSide = Math.ceilDiv(s.kernel(), s.stride());
        return perSide * perSide;
    }

    /** The phases that class {@code k}'s block has rows for. */
    static int span(ConvShape s, int k) {
        int perSide = Math.ceilDiv(s.kernel(), s.stride());
        return (phases(s, k / perSide) - 1) * s.stride() + phases(s, k % perSide);
    }

    /** Where class {@code k}'s windows start in their planes. */
    static int shift(ConvShape s, int k) {
        int perSide = Math.ceilDiv(s.kernel(), s.stride());
        return k / perSide * PhasePlanes.width(s) + k % perSide;
    }

    /** Where class {@code k}'s block starts; at k = {@link #count}, the floats of all the blocks. */
    static int blockStart(ConvShape s, int k) {
        int rows = 0;
        for (int before = 0; before < k; before++) {
            rows += span(s, before) * s.inChannels();
        }
        return rows * s.outChannels();
    }

    /** blocks = the classes' blocks of the weight w[wAt ..]. */
    static void split(ConvShape s, float[] w, int wAt, float[] blocks) {
        Arrays.fill(blocks, 0, blockStart(s, count(s)), 0f);
        forEachWeight(s, 0, s.outChannels(), (weight, block) -> blocks[block] = w[wAt + weight]);
    }

    /** Visits the weights of output channels [o0, o1), class by class. */
    static void forEachWeight(ConvShape s, int o0, int o1, Visit visit) {
        int k = s.kernel(), stride = s.stride(), channels = s.inChannels(), perSide = Math.ceilDiv(k, stride);
        for (int cls = 0, block = 0; cls < count(s); cls++) {
            int rows = span(s, cls) * channels, dp = cls / perSide, dq = cls % perSide;
            for (int a = 0; a < phases(s, dp); a++) {
                for (int b = 0; b < phases(s, dq); b++) {
                    int p = dp * stride + a, q = dq * stride + b, phase = a * stride + b;
                    for (int o = o0; o < o1; o++) {
                        for (int c = 0; c < channels; c++) {
                            visit.at(((o * channels + c) * k + p) * k + q, block + o * rows + phase * channels + c);
                        }
                    }
                }
            }
            block += rows * s.outChannels();
        }
    }

    /** The phases along one side that offsets d*stride + [0, stride) inside the kernel have. */
    private static int phases(ConvShape s, int d) {
        return Math.min(s.stride(), s.kernel() - d * s.stride());
    }
}
