package dev.vaecuda.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceLossSum;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.Philox;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each CPU backend operation against a plain double-precision reference written here, on
 * fresh random inputs (the seed is in every failure message), with 1 and 3 threads.
 * Tolerance: |got - ref| <= ATOL + RTOL * |ref|.
 */
class CpuBackendTest {
    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;

    private final long seed = new SplittableRandom().nextLong();
    private final SplittableRandom random = new SplittableRandom(seed);

    private float[] randoms(int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(lo, hi);
        }
        return a;
    }

    private static DeviceBuffer put(Backend backend, float[] host) {
        DeviceBuffer buffer = backend.allocate(host.length);
        backend.upload(host, buffer);
        return buffer;
    }

    /** As {@link #put(Backend, float[])}, or with {@code sliced} at a random offset inside a larger buffer. */
    private DeviceBuffer put(Backend backend, float[] host, boolean sliced) {
        if (!sliced) {
            return put(backend, host);
        }
        int offset = 1 + random.nextInt(7);
        DeviceBuffer buffer = backend.allocate(offset + host.length + random.nextInt(3)).slice(offset, host.length);
        backend.upload(host, buffer);
        return buffer;
    }


    private void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tolerance = ATOL + RTOL * Math.abs(expected[i]);
            int at = i;
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance, () -> what + "[" + at + "]: expected "
                    + expected[at] + ", got " + actual[at] + " (tolerance " + tolerance + ", seed " + seed + ")");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void gemmMatchesColumnMajorDefinitionForEveryTranspose(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int m = 1 + random.nextInt(70), n = 1 + random.nextInt(90), k = 1 + random.nextInt(60);
                    // leading dimensions larger than needed, as for views into wider matrices
                    int lda = (ta ? k : m) + random.nextInt(3), ldb = (tb ? n : k) + random.nextInt(3), ldc = m + random.nextInt(3);
                    float[] a = randoms(lda * (ta ? m : k), -1, 1), b = randoms(ldb * (tb ? k : n), -1, 1);
                    float[] c = randoms(ldc * n, -1, 1);
                    float alpha = (float) random.nextDouble(-2, 2), beta = random.nextBoolean() ? 0f : 0.5f;
                    double[] expected = new double[c.length];
                    for (int j = 0; j < n; j++) {
                        for (int i = 0; i < ldc; i++) {
                            expected[i + j * ldc] = c[i + j * ldc];
                        }
                        for (int i = 0; i < m; i++) {
                            double sum = 0;
                            for (int l = 0; l < k; l++) {
                                double av = ta ? a[l + i * lda] : a[i + l * lda];
                                double bv = tb ? b[j + l * ldb] : b[l + j * ldb];
                                sum += av * bv;
                            }
                            expected[i + j * ldc] = alpha * sum + beta * c[i + j * ldc];
                        }
                    }
                    DeviceBuffer dc = put(backend, c);
                    backend.gemm(ta, tb, m, n, k, alpha, put(backend, a), lda, put(backend, b), ldb, beta, dc, ldc);
                    assertClose(expected, backend.download(dc), "gemm " + (ta ? "T" : "N") + (tb ? "T" : "N")
                            + " m=" + m + " n=" + n + " k=" + k);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void biasAddAndActivation(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            int rows = 1 + random.nextInt(300), cols = 1 + random.nextInt(200);
            float[] y = randoms(rows * cols, -1, 1), bias = randoms(cols, -1, 1);
            for (Activation activation : Activation.values()) {
                double[] expected = new double[y.length];
                for (int i = 0; i < y.length; i++) {
                    double v = y[i] + bias[i % cols];
                    expected[i] = switch (activation) {
                        case IDENTITY -> v;
                        case RELU -> Math.max(v, 0);
                        case TANH -> Math.tanh(v);
                    };
                }
                DeviceBuffer dy = put(backend, y);
                backend.biasAdd(dy, put(backend, bias), rows, cols, activation);
                assertClose(expected, backend.download(dy), "biasAdd " + activation);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void activationBackwardWithBiasGradientAndSigmoid(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            int rows = 1 + random.nextInt(300), cols = 1 + random.nextInt(200), n = rows * cols;
            float[] dy = randoms(n, -1, 1), y = randoms(n, -1, 1), x = randoms(n, -40, 40);
            for (Activation activation : List.of(Activation.RELU, Activation.TANH)) {
                double[] expected = new double[n], sums = new double[cols];
                for (int i = 0; i < n; i++) {
                    expected[i] = activation == Activation.TANH ? dy[i] * (1 - (double) y[i] * y[i]) : y[i] > 0 ? dy[i] : 0;
                    sums[i % cols] += expected[i];
                }
                DeviceBuffer g = put(backend, dy), db = put(backend, randoms(cols, -1, 1));
                backend.activationBackward(g, put(backend, y), rows, cols, activation, db);
                assertClose(expected, backend.download(g), "activationBackward " + activation);
                assertClose(sums, backend.download(db), "bias gradient (column sums, overwritten) " + activation);
            }
            double[] sig = new double[n];
            for (int i = 0; i < n; i++) {
                sig[i] = 1 / (1 + Math.exp(-x[i]));
            }
            DeviceBuffer out = backend.allocate(n);
            backend.sigmoid(put(backend, x), out, n);
            assertClose(sig, backend.download(out), "sigmoid");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void reparameterizeForwardAndBackward(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            int rows = 1 + random.nextInt(200), latent = 1 + random.nextInt(30);
            float[] ml = randoms(rows * 2 * latent, -2, 2), bias = randoms(2 * latent, -1, 1);
            float[] dz = randoms(rows * latent, -1, 1), dml = randoms(rows * 2 * latent, -1, 1);
            long rngSeed = random.nextLong(), stepsDone = random.nextLong(1L << 40);
            float[] eps = new float[rows * latent];
            Philox.normals(rngSeed, 5, stepsDone + 1, 0, eps.length, eps, 0, new Philox.Blocks());
            double[] mlExpected = new double[ml.length], z = new double[rows * latent];
            double[] dmlExpected = new double[dml.length], biasGrad = new double[2 * latent];
            for (int i = 0; i < dml.length; i++) {
                mlExpected[i] = ml[i] + bias[i % (2 * latent)];
                dmlExpected[i] = dml[i];
            }
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < latent; j++) {
                    double mu = mlExpected[r * 2 * latent + j], sigma = Math.exp(0.5 * mlExpected[r * 2 * latent + latent + j]);
                    z[r * latent + j] = mu + sigma * eps[r * latent + j];
                    dmlExpected[r * 2 * latent + j] += dz[r * latent + j];
                    dmlExpected[r * 2 * latent + latent + j] += dz[r * latent + j] * eps[r * latent + j] * 0.5 * sigma;
                }
            }
            for (int i = 0; i < dml.length; i++) {
                biasGrad[i % (2 * latent)] += dmlExpected[i];
            }
            CpuStepState state = new CpuStepState();
            state.stepsDone = stepsDone;
            DeviceBuffer dMl = put(backend, ml), dEps = backend.allocate(eps.length), dZ = backend.allocate(z.length);
            backend.reparameterize(dMl, put(backend, bias), dEps, dZ, rows, latent, rngSeed, 5, state);
            assertClose(mlExpected, backend.download(dMl), "meanLogvar + head bias");
            assertClose(toDouble(eps), backend.download(dEps), "eps at step stepsDone + 1");
            assertClose(z, backend.download(dZ), "z");
            DeviceBuffer dDml = put(backend, dml), dBias = backend.allocate(2 * latent);
            backend.reparameterizeBackward(put(backend, dz), dEps, dMl, dDml, dBias, rows, latent);
            assertClose(dmlExpected, backend.download(dDml), "dMeanLogvar");
            assertClose(biasGrad, backend.download(dBias), "head bias gradient");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void lossAndGradientsForBothKinds(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            for (LossKind kind : LossKind.values()) {
                int rows = 1 + random.nextInt(60), pixels = 1 + random.nextInt(800), latent = 1 + random.nextInt(25);
                float beta = (float) random.nextDouble(0, 3);
                float[] logits = randoms(rows * pixels, -30, 30), target = randoms(rows * pixels, 0, 1);
                float[] ml = randoms(rows * 2 * latent, -3, 3), bias = randoms(pixels, -1, 1);
                double loss = 0;
                double[] withBias = new double[logits.length], dLogits = new double[logits.length];
                double[] dBias = new double[pixels], dMl = new double[ml.length];
                for (int i = 0; i < logits.length; i++) {
                    withBias[i] = logits[i] + bias[i % pixels];
                    double x = withBias[i], t = target[i], p = 1 / (1 + Math.exp(-x));
                    if (kind == LossKind.BCE) {
                        loss += -(t * Math.log(p) + (1 - t) * Math.log1p(-p));
                        dLogits[i] = p - t;
                    } else {
                        loss += (p - t) * (p - t);
                        dLogits[i] = 2 * (p - t) * p * (1 - p);
                    }
                    dBias[i % pixels] += dLogits[i];
                }
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < latent; j++) {
                        double mu = ml[r * 2 * latent + j], lv = ml[r * 2 * latent + latent + j];
                        loss += beta * -0.5 * (1 + lv - mu * mu - Math.exp(lv));
                        dMl[r * 2 * latent + j] = beta * mu;
                        dMl[r * 2 * latent + latent + j] = beta * 0.5 * (Math.exp(lv) - 1);
                    }
                }
                DeviceBuffer gLogits = backend.allocate(logits.length), gMl = backend.allocate(ml.length);
                DeviceBuffer gBias = backend.allocate(pixels), dLogitsIn = put(backend, logits);
                DeviceLossSum lossSum = backend.allocateLossSum();
                backend.setLossSum(lossSum, 1.5);
                CpuStepState state = new CpuStepState();
                state.stepsDone = 41;
                state.batchInEpoch = 6;
                backend.lossAndGradients(kind, dLogitsIn, put(backend, bias), put(backend, target), put(backend, ml),
                        beta, rows, pixels, latent, gLogits, gBias, gMl, lossSum, state);
                assertClose(new double[] {1.5 + loss}, new float[] {(float) backend.readLossSum(lossSum)},
                        kind + " loss sum (accumulates)");
                assertClose(withBias, backend.download(dLogitsIn), kind + " logits + output bias");
                assertClose(dLogits, backend.download(gLogits), kind + " dLogits");
                assertClose(dBias, backend.download(gBias), kind + " output bias gradient");
                assertClose(dMl, backend.download(gMl), kind + " dMeanLogvar");
                assertEquals(42, state.stepsDone, "the loss advances the step");
                assertEquals(7, state.batchInEpoch, "and the batch");
            }
        }
    }

    /**
     * A loss over few rows (one thread's work) after one over many (split over the threads): the
     * threads' partial sums of the earlier call must not leak into the later one.
     */
    @Test
    void aSmallLossAfterALargeOneCountsOnlyItsOwnRows() {
        int pixels = 784, latent = 20;
        try (CpuBackend split = new CpuBackend(3); CpuBackend single = new CpuBackend(1)) {
            double[] losses = new double[2];
            for (int rows : new int[] {256, 1}) {
                float[] logits = randoms(rows * pixels, -5, 5), target = randoms(rows * pixels, 0, 1);
                float[] bias = randoms(pixels, -1, 1), meanLogvar = randoms(rows * 2 * latent, -2, 2);
                for (CpuBackend backend : List.of(split, single)) {
                    DeviceLossSum loss = backend.allocateLossSum();
                    backend.lossAndGradients(LossKind.BCE, put(backend, logits), put(backend, bias), put(backend, target),
                            put(backend, meanLogvar), 1f, rows, pixels, latent, backend.allocate(rows * pixels),
                            backend.allocate(pixels), backend.allocate(rows * 2 * latent), loss, new CpuStepState());
                    losses[backend == split ? 0 : 1] = backend.readLossSum(loss);
                }
                assertEquals(losses[1], losses[0], 1e-6 * Math.abs(losses[1]), rows + " rows, seed " + seed);
            }
        }
    }

    /** A host array may be shorter than the buffer (a prefix is copied), not longer; images must be count x pixels bytes. */
    @Test
    void transfersLongerThanTheBufferAreRefused() {
        try (CpuBackend backend = new CpuBackend(1)) {
            DeviceBuffer buffer = backend.allocate(5);
            DeviceIndices indices = backend.allocateIndices(5);
            assertThrows(IllegalArgumentException.class, () -> backend.upload(new float[6], buffer));
            assertThrows(IllegalArgumentException.class, () -> backend.upload(new int[6], indices));
            assertThrows(IllegalArgumentException.class, () -> backend.download(buffer, new float[6]));
            assertThrows(IllegalArgumentException.class, () -> backend.download(buffer.slice(1, 4), new float[5]));
            assertThrows(IllegalArgumentException.class, () -> backend.uploadImages(new byte[11], 3, 4));
            backend.upload(new float[] {1, 2, 3, 4, 5}, buffer);
            backend.upload(new float[] {9, 8}, buffer);
            float[] prefix = new float[3];
            backend.download(buffer, prefix);
            assertArrayEquals(new float[] {9, 8, 3}, prefix);
        }
    }

    /** Slices inside the buffer, empty ones at either end included, are views; any other is refused. */
    @Test
    void slicesOutsideTheirBufferAreRefused() {
        try (CpuBackend backend = new CpuBackend(1)) {
            DeviceBuffer buffer = backend.allocate(6);
            backend.upload(new float[] {0, 1, 2, 3, 4, 5}, buffer);
            assertArrayEquals(new float[] {2, 3, 4}, backend.download(buffer.slice(1, 4).slice(1, 3)));
            assertEquals(0, buffer.slice(0, 0).length());
            assertEquals(0, buffer.slice(6, 0).length());
            for (int[] outside : new int[][] {{-1, 1}, {5, 2}, {0, 7}, {2, -1}}) {
                assertThrows(IllegalArgumentException.class, () -> buffer.slice(outside[0], outside[1]),
                        "slice(" + outside[0] + ", " + outside[1] + ")");
            }
            assertThrows(IllegalArgumentException.class, () -> buffer.slice(2, 3).slice(1, 3), "a slice of a slice");
        }
    }

    /** close() ends the worker threads, parked or not. */
    @Test
    void closeEndsTheWorkerThreads() throws InterruptedException {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        CpuBackend backend = new CpuBackend(3);
        List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("vae-cpu-")).toList();
        assertEquals(2, workers.size(), workers.toString());
        backend.upload(randoms(100_000, -1, 1), backend.allocate(100_000));
        Thread.sleep(50);  // past the workers' spin: they park
        backend.close();
        for (Thread worker : workers) {
            worker.join(5_000);
            assertTrue(!worker.isAlive(), worker.getName() + " still runs after close()");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void lossGivesTheSameBitsOnEveryCall(int threads) {
        // the first calls run interpreted, later ones vectorised by the JIT: the same bits throughout
        try (CpuBackend backend = new CpuBackend(threads)) {
            for (LossKind kind : LossKind.values()) {
                int rows = 64, pixels = 784, latent = 20;
                float[] logits = randoms(rows * pixels, -120, 120), target = randoms(rows * pixels, 0, 1);
                DeviceBuffer x = backend.allocate(logits.length), dx = backend.allocate(logits.length);
                DeviceBuffer bias = put(backend, randoms(pixels, -1, 1)), t = put(backend, target);
                DeviceBuffer ml = put(backend, randoms(rows * 2 * latent, -3, 3)), dMl = backend.allocate(rows * 2 * latent);
                DeviceBuffer dBias = backend.allocate(pixels);
                DeviceLossSum loss = backend.allocateLossSum();
                float[][] first = null;
                for (int call = 0; call < 300; call++) {
                    backend.upload(logits, x);
                    backend.setLossSum(loss, 0);
                    backend.lossAndGradients(kind, x, bias, t, ml, 0.5f, rows, pixels, latent, dx, dBias, dMl, loss,
                            new CpuStepState());
                    float[][] got = {{(float) backend.readLossSum(loss)}, backend.download(x), backend.download(dx), backend.download(dBias),
                            backend.download(dMl)};
                    if (first == null) {
                        first = got;
                    }
                    for (int i = 0; i < got.length; i++) {
                        assertArrayEquals(first[i], got[i], kind + " output " + i + ", call " + call);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void adamMatchesTorchFormulaOverSeveralSteps(int threads) {
        for (boolean sliced : new boolean[] {false, true}) {
            adamMatchesTorchFormulaOverSeveralSteps(threads, sliced);
        }
    }

    /** With {@code sliced}, every buffer is a slice at an offset inside a larger one. */
    private void adamMatchesTorchFormulaOverSeveralSteps(int threads, boolean sliced) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            int n = 1 + random.nextInt(40_000);
            float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
            float[] p = randoms(n, -1, 1);
            double[] pRef = toDouble(p), mRef = new double[n], vRef = new double[n];
            DeviceBuffer dp = put(backend, p, sliced), dm = put(backend, new float[n], sliced);
            DeviceBuffer dv = put(backend, new float[n], sliced);
            for (int step = 1; step <= 3; step++) {
                float[] g = randoms(n, -1, 1);
                for (int i = 0; i < n; i++) {
                    mRef[i] = b1 * mRef[i] + (1 - b1) * g[i];
                    vRef[i] = b2 * vRef[i] + (1 - b2) * g[i] * g[i];
                    double mHat = mRef[i] / (1 - Math.pow(b1, step)), vHat = vRef[i] / (1 - Math.pow(b2, step));
                    pRef[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                }
                CpuStepState state = new CpuStepState();
                state.stepsDone = step;
                backend.adam(dp, put(backend, g, sliced), dm, dv, n, lr, b1, b2, eps, state);
            }
            assertClose(pRef, backend.download(dp), "params after 3 Adam steps");
            assertClose(mRef, backend.download(dm), "first moment");
        }
    }

    /**
     * Gradients and moments from 1e-46 to 1e-5 in magnitude (subnormals among them): the rule of
     * {@link Backend#adam}, written here as a comparison, holds exactly; no subnormal is stored;
     * a NaN gradient still reaches its parameter.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void adamCountsTinyGradientsAndMomentsAsZero(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            int n = 2 + random.nextInt(40_000);
            float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
            float[] m = tinyMagnitudes(n), v = tinyMagnitudes(n);
            for (int i = 0; i < n; i++) {
                v[i] = Math.abs(v[i]);
            }
            float[] mExpected = m.clone(), vExpected = v.clone();
            DeviceBuffer dp = put(backend, randoms(n, -1, 1)), dm = put(backend, m), dv = put(backend, v);
            for (int step = 1; step <= 3; step++) {
                float[] g = tinyMagnitudes(n);
                g[0] = step == 3 ? Float.NaN : g[0];
                for (int i = 0; i < n; i++) {
                    float gi = Math.abs(g[i]) <= Backend.ADAM_GRADIENT_FLOOR ? 0f : g[i];
                    float mi = b1 * mExpected[i] + (1 - b1) * gi, vi = b2 * vExpected[i] + (1 - b2) * gi * gi;
                    mExpected[i] = Math.abs(mi) <= Backend.ADAM_MOMENT_FLOOR ? 0f : mi;
                    vExpected[i] = vi <= Backend.ADAM_MOMENT_FLOOR ? 0f : vi;
                }
                CpuStepState state = new CpuStepState();
                state.stepsDone = step;
                backend.adam(dp, put(backend, g), dm, dv, n, lr, b1, b2, eps, state);
            }
            float[] mGot = backend.download(dm), vGot = backend.download(dv), pGot = backend.download(dp);
            assertArrayEquals(withoutNegativeZero(mExpected), withoutNegativeZero(mGot), "first moment, seed " + seed);
            assertArrayEquals(withoutNegativeZero(vExpected), withoutNegativeZero(vGot), "second moment, seed " + seed);
            for (int i = 0; i < n; i++) {
                assertTrue(!isSubnormal(mGot[i]) && !isSubnormal(vGot[i]), "a subnormal moment at " + i + ", seed " + seed);
                assertEquals(i == 0, Float.isNaN(pGot[i]), "parameter " + i + " is " + pGot[i] + ", seed " + seed);
            }
        }
    }

    /** Values of magnitude 10^u, u uniform in [-46, -5), of either sign; the smallest round to 0. */
    private float[] tinyMagnitudes(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextDouble(-46, -5)));
        }
        return a;
    }

    private static float[] withoutNegativeZero(float[] a) {
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i] + 0f;
        }
        return b;
    }

    private static boolean isSubnormal(float x) {
        return x != 0 && Math.abs(x) < Float.MIN_NORMAL;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void gatherBatchScalesAndBinarizes(int threads) {
        int count = 1 + random.nextInt(500);
        gatherBatchScalesAndBinarizes(threads, count, 1 + random.nextInt(100), 1 + random.nextInt(count));
        // a batch of over 3 x 16,384 pixels: the threads binarise parts that start inside a Philox block
        count = 300 + random.nextInt(200);
        gatherBatchScalesAndBinarizes(threads, count, 301 + random.nextInt(483), count / 2 + random.nextInt(count / 2));
    }

    private void gatherBatchScalesAndBinarizes(int threads, int count, int pixels, int rows) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            byte[] images = new byte[count * pixels];
            random.nextBytes(images);
            int[] order = new int[count];
            for (int i = 0; i < count; i++) {
                order[i] = random.nextInt(count);
            }
            // a batch position from the step state; the order may end inside the batch
            int batch = random.nextInt(count / rows + 1), first = batch * rows;
            int available = Math.max(0, Math.min(rows, count - first));
            DeviceImages dImages = backend.uploadImages(images, count, pixels);
            DeviceIndices dOrder = backend.allocateIndices(count);
            backend.upload(order, dOrder);
            float[] nan = new float[rows * pixels];
            java.util.Arrays.fill(nan, Float.NaN);
            DeviceBuffer x = put(backend, nan);
            CpuStepState state = new CpuStepState();
            state.stepsDone = 8;
            state.batchInEpoch = batch;
            backend.gatherBatch(dImages, dOrder, rows, rows, x, false, 0, 0, state);
            double[] expected = new double[rows * pixels];
            java.util.Arrays.fill(expected, Double.NaN);
            for (int r = 0; r < available; r++) {
                for (int i = 0; i < pixels; i++) {
                    expected[r * pixels + i] = (images[order[first + r] * pixels + i] & 0xFF) / 255.0;
                }
            }
            float[] gathered = backend.download(x);
            for (int e = 0; e < gathered.length; e++) {
                if (Double.isNaN(expected[e])) {
                    assertTrue(Float.isNaN(gathered[e]), "row past the order's end left alone, element " + e);
                    gathered[e] = 0f;
                    expected[e] = 0;
                }
            }
            assertClose(expected, gathered, "gather");
            backend.gatherBatch(dImages, dOrder, rows, rows, x, true, 42, 1, state);
            float[] binary = backend.download(x);
            Philox.Blocks one = new Philox.Blocks(1);
            for (int e = 0; e < available * pixels; e++) {
                float uniform = Philox.uniform(one.compute(42, 1, 9, e >>> 2, 1)[e & 3]);
                assertEquals(uniform < gathered[e] ? 1f : 0f, binary[e], "binarized element " + e + " at step 9");
            }
        }
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
