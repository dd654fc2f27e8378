package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cuda.BackendPair.Twin;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each kernel through CudaBackend over the emulator against the reference backend, on fresh
 * random inputs of awkward sizes: one row, sizes that are not multiples of the block size, and
 * a batch large enough that every thread of the grid-stride loops takes many turns.
 */
class CudaKernelsTest {

    /** (rows, cols): one row, one column, odd sizes, MNIST's 784 pixels, a large batch. */
    static Stream<Arguments> shapes() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(1, 784), Arguments.of(7, 33), Arguments.of(300, 1),
                Arguments.of(129, 400), Arguments.of(1000, 784));
    }

    /** (rows, latent) for the latent-space kernels. */
    static Stream<Arguments> latentShapes() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(1, 20), Arguments.of(3, 5), Arguments.of(128, 20),
                Arguments.of(1000, 33));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void biasAdd(int rows, int cols) {
        try (BackendPair pair = new BackendPair(rows * 31L + cols)) {
            for (boolean relu : new boolean[] {false, true}) {
                Twin y = pair.uniform(rows * cols, -1, 1), bias = pair.uniform(cols, -1, 1);
                pair.cuda.biasAdd(y.cuda(), bias.cuda(), rows, cols, relu);
                pair.reference.biasAdd(y.reference(), bias.reference(), rows, cols, relu);
                // one float addition (and a max): the same rounding on both sides
                pair.assertClose("biasAdd relu=" + relu, y, Tolerance.EXACT);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void biasGrad(int rows, int cols) {
        try (BackendPair pair = new BackendPair(rows * 37L + cols)) {
            Twin dy = pair.uniform(rows * cols, -1, 1), dBias = pair.filled(cols, Float.NaN);
            pair.cuda.biasGrad(dy.cuda(), dBias.cuda(), rows, cols);
            pair.reference.biasGrad(dy.reference(), dBias.reference(), rows, cols);
            // a float sum of rows terms in |x| < 1 against a double one
            pair.assertClose("biasGrad (overwrites)", dBias, new Tolerance(1e-6 * rows, 1e-5));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 255, 256, 257, 100_003})
    void reluBackwardAndSigmoid(int n) {
        try (BackendPair pair = new BackendPair(n)) {
            Twin dy = pair.uniform(n, -1, 1), y = pair.uniform(n, -1, 1);
            pair.cuda.reluBackward(dy.cuda(), y.cuda(), n);
            pair.reference.reluBackward(dy.reference(), y.reference(), n);
            pair.assertClose("reluBackward", dy, Tolerance.EXACT);

            Twin x = pair.uniform(n, -30, 30), out = pair.filled(n, Float.NaN);
            pair.cuda.sigmoid(x.cuda(), out.cuda(), n);
            pair.reference.sigmoid(x.reference(), out.reference(), n);
            pair.assertClose("sigmoid", out, new Tolerance(1e-7, 1e-6));
        }
    }

    @ParameterizedTest
    @MethodSource("latentShapes")
    void reparameterizeAndBackward(int rows, int latent) {
        try (BackendPair pair = new BackendPair(rows * 41L + latent)) {
            int n = rows * latent;
            Twin meanLogvar = pair.uniform(2 * n, -2, 2), eps = pair.filled(n, Float.NaN), z = pair.filled(n, Float.NaN);
            long seed = 0x1234_5678_9ABC_DEF0L, step = (1L << 33) + 17;
            pair.cuda.reparameterize(meanLogvar.cuda(), eps.cuda(), z.cuda(), rows, latent, seed, 3, step);
            pair.reference.reparameterize(meanLogvar.reference(), eps.reference(), z.reference(), rows, latent,
                    seed, 3, step);
            // the same Philox bits; float logf/sqrtf/cosf/sinf against double Box-Muller
            pair.assertClose("reparameterize eps", eps, new Tolerance(2e-6, 2e-6));
            pair.assertClose("reparameterize z", z, new Tolerance(1e-5, 1e-5));

            Twin dz = pair.uniform(n, -1, 1), dMeanLogvar = pair.uniform(2 * n, -1, 1);
            pair.cuda.reparameterizeBackward(dz.cuda(), eps.cuda(), meanLogvar.cuda(), dMeanLogvar.cuda(), rows, latent);
            pair.reference.reparameterizeBackward(dz.reference(), eps.reference(), meanLogvar.reference(),
                    dMeanLogvar.reference(), rows, latent);
            pair.assertClose("reparameterizeBackward (accumulates)", dMeanLogvar, new Tolerance(1e-5, 1e-5));
        }
    }

    @ParameterizedTest
    @EnumSource(LossKind.class)
    void lossAndGradients(LossKind kind) {
        int[][] shapes = {{1, 1, 1}, {1, 784, 20}, {7, 33, 5}, {128, 784, 20}, {1000, 784, 33}};
        for (int[] shape : shapes) {
            int rows = shape[0], pixels = shape[1], latent = shape[2];
            try (BackendPair pair = new BackendPair(rows * 43L + pixels + kind.ordinal())) {
                Twin logits = pair.uniform(rows * pixels, -12, 12), target = pair.uniform(rows * pixels, 0, 1);
                Twin meanLogvar = pair.uniform(2 * rows * latent, -3, 3);
                Twin dLogits = pair.filled(rows * pixels, Float.NaN), dMeanLogvar = pair.filled(2 * rows * latent, Float.NaN);
                Twin lossSum = pair.filled(1, 5f);
                float beta = 0.75f;
                String what = kind + " " + rows + "x" + pixels + " latent " + latent;
                pair.cuda.lossAndGradients(kind, logits.cuda(), target.cuda(), meanLogvar.cuda(), beta, rows, pixels,
                        latent, dLogits.cuda(), dMeanLogvar.cuda(), lossSum.cuda());
                pair.reference.lossAndGradients(kind, logits.reference(), target.reference(), meanLogvar.reference(),
                        beta, rows, pixels, latent, dLogits.reference(), dMeanLogvar.reference(), lossSum.reference());
                pair.assertClose(what + " dLogits", dLogits, new Tolerance(1e-6, 1e-5));
                pair.assertClose(what + " dMeanLogvar", dMeanLogvar, new Tolerance(1e-6, 1e-5));
                // float partial sums reduced in a tree and atomically, against one double sum (lossSum starts at 5)
                pair.assertClose(what + " lossSum", lossSum, new Tolerance(1e-4, 1e-5));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 10, 10_000})
    void adam(long step) {
        int n = 100_003;
        try (BackendPair pair = new BackendPair(step)) {
            Twin params = pair.uniform(n, -1, 1), grads = pair.uniform(n, -1, 1);
            Twin m = pair.uniform(n, -0.1f, 0.1f), v = pair.uniform(n, 0, 0.01f);
            pair.cuda.adam(params.cuda(), grads.cuda(), m.cuda(), v.cuda(), n, 1e-3f, 0.9f, 0.999f, 1e-8f, step);
            pair.reference.adam(params.reference(), grads.reference(), m.reference(), v.reference(), n,
                    1e-3f, 0.9f, 0.999f, 1e-8f, step);
            pair.assertClose("adam m", m, new Tolerance(1e-7, 1e-6));
            pair.assertClose("adam v", v, new Tolerance(1e-9, 1e-6));
            // the update is at most about lr / (1 - beta1^step) * |m| / sqrt(v): compare it to that scale
            pair.assertClose("adam params", params, new Tolerance(1e-6, 1e-6));
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void gatherBatch(int rows, int pixels) {
        try (BackendPair pair = new BackendPair(rows * 47L + pixels)) {
            int count = rows + 5, first = 3;
            byte[] images = new byte[count * pixels];
            pair.random.nextBytes(images);
            int[] order = new int[first + rows];
            for (int i = 0; i < order.length; i++) {
                order[i] = pair.random.nextInt(count);
            }
            DeviceImages cudaImages = pair.cuda.uploadImages(images, count, pixels);
            DeviceImages referenceImages = pair.reference.uploadImages(images, count, pixels);
            DeviceIndices cudaOrder = pair.cuda.allocateIndices(order.length);
            DeviceIndices referenceOrder = pair.reference.allocateIndices(order.length);
            pair.cuda.upload(order, cudaOrder);
            pair.reference.upload(order, referenceOrder);
            for (boolean binarize : new boolean[] {false, true}) {
                Twin x = pair.filled(rows * pixels, Float.NaN);
                pair.cuda.gatherBatch(cudaImages, cudaOrder, first, rows, x.cuda(), binarize, 99L, 2, 7L);
                pair.reference.gatherBatch(referenceImages, referenceOrder, first, rows, x.reference(), binarize,
                        99L, 2, 7L);
                // the same float product and the same Philox bits: identical, binarised pixels included
                pair.assertClose("gatherBatch binarize=" + binarize, x, Tolerance.EXACT);
            }
        }
    }
}
