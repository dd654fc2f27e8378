package dev.vaecuda.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.Philox;
import java.util.SplittableRandom;
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

    private static float[] get(Backend backend, DeviceBuffer buffer) {
        float[] host = new float[buffer.length()];
        backend.download(buffer, host);
        return host;
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
                    assertClose(expected, get(backend, dc), "gemm " + (ta ? "T" : "N") + (tb ? "T" : "N")
                            + " m=" + m + " n=" + n + " k=" + k);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void biasAddReluAndBiasGrad(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            int rows = 1 + random.nextInt(300), cols = 1 + random.nextInt(200);
            float[] y = randoms(rows * cols, -1, 1), bias = randoms(cols, -1, 1);
            for (boolean relu : new boolean[] {false, true}) {
                double[] expected = new double[y.length];
                for (int i = 0; i < y.length; i++) {
                    double v = y[i] + bias[i % cols];
                    expected[i] = relu ? Math.max(v, 0) : v;
                }
                DeviceBuffer dy = put(backend, y);
                backend.biasAdd(dy, put(backend, bias), rows, cols, relu);
                assertClose(expected, get(backend, dy), "biasAdd relu=" + relu);
            }
            double[] sums = new double[cols];
            for (int i = 0; i < y.length; i++) {
                sums[i % cols] += y[i];
            }
            DeviceBuffer db = put(backend, randoms(cols, -1, 1));
            backend.biasGrad(put(backend, y), db, rows, cols);
            assertClose(sums, get(backend, db), "biasGrad");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void reluBackwardAndSigmoid(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            int n = 1 + random.nextInt(50_000);
            float[] dy = randoms(n, -1, 1), y = randoms(n, -1, 1), x = randoms(n, -40, 40);
            double[] expected = new double[n], sig = new double[n];
            for (int i = 0; i < n; i++) {
                expected[i] = y[i] > 0 ? dy[i] : 0;
                sig[i] = 1 / (1 + Math.exp(-x[i]));
            }
            DeviceBuffer g = put(backend, dy);
            backend.reluBackward(g, put(backend, y), n);
            assertClose(expected, get(backend, g), "reluBackward");
            DeviceBuffer out = backend.allocate(n);
            backend.sigmoid(put(backend, x), out, n);
            assertClose(sig, get(backend, out), "sigmoid");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void reparameterizeForwardAndBackward(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            int rows = 1 + random.nextInt(200), latent = 1 + random.nextInt(30);
            float[] ml = randoms(rows * 2 * latent, -2, 2), dz = randoms(rows * latent, -1, 1);
            float[] dml = randoms(rows * 2 * latent, -1, 1);
            long rngSeed = random.nextLong(), step = random.nextLong(1L << 40);
            float[] eps = new float[rows * latent];
            Philox.normals(rngSeed, 5, step, 0, eps.length, eps, 0, new int[4]);
            double[] z = new double[rows * latent], dmlExpected = new double[dml.length];
            for (int i = 0; i < dml.length; i++) {
                dmlExpected[i] = dml[i];
            }
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < latent; j++) {
                    double mu = ml[r * 2 * latent + j], sigma = Math.exp(0.5 * ml[r * 2 * latent + latent + j]);
                    z[r * latent + j] = mu + sigma * eps[r * latent + j];
                    dmlExpected[r * 2 * latent + j] += dz[r * latent + j];
                    dmlExpected[r * 2 * latent + latent + j] += dz[r * latent + j] * eps[r * latent + j] * 0.5 * sigma;
                }
            }
            DeviceBuffer dMl = put(backend, ml), dEps = backend.allocate(eps.length), dZ = backend.allocate(z.length);
            backend.reparameterize(dMl, dEps, dZ, rows, latent, rngSeed, 5, step);
            assertClose(toDouble(eps), get(backend, dEps), "eps");
            assertClose(z, get(backend, dZ), "z");
            DeviceBuffer dDml = put(backend, dml);
            backend.reparameterizeBackward(put(backend, dz), dEps, dMl, dDml, rows, latent);
            assertClose(dmlExpected, get(backend, dDml), "dMeanLogvar");
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
                float[] ml = randoms(rows * 2 * latent, -3, 3);
                double loss = 0;
                double[] dLogits = new double[logits.length], dMl = new double[ml.length];
                for (int i = 0; i < logits.length; i++) {
                    double x = logits[i], t = target[i], p = 1 / (1 + Math.exp(-x));
                    if (kind == LossKind.BCE) {
                        loss += -(t * Math.log(p) + (1 - t) * Math.log1p(-p));
                        dLogits[i] = p - t;
                    } else {
                        loss += (p - t) * (p - t);
                        dLogits[i] = 2 * (p - t) * p * (1 - p);
                    }
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
                DeviceBuffer lossSum = put(backend, new float[] {1.5f});
                backend.lossAndGradients(kind, put(backend, logits), put(backend, target), put(backend, ml), beta,
                        rows, pixels, latent, gLogits, gMl, lossSum);
                assertClose(new double[] {1.5 + loss}, get(backend, lossSum), kind + " loss sum (accumulates)");
                assertClose(dLogits, get(backend, gLogits), kind + " dLogits");
                assertClose(dMl, get(backend, gMl), kind + " dMeanLogvar");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void adamMatchesTorchFormulaOverSeveralSteps(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            int n = 1 + random.nextInt(40_000);
            float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
            float[] p = randoms(n, -1, 1);
            double[] pRef = toDouble(p), mRef = new double[n], vRef = new double[n];
            DeviceBuffer dp = put(backend, p), dm = backend.allocate(n), dv = backend.allocate(n);
            for (int step = 1; step <= 3; step++) {
                float[] g = randoms(n, -1, 1);
                for (int i = 0; i < n; i++) {
                    mRef[i] = b1 * mRef[i] + (1 - b1) * g[i];
                    vRef[i] = b2 * vRef[i] + (1 - b2) * g[i] * g[i];
                    double mHat = mRef[i] / (1 - Math.pow(b1, step)), vHat = vRef[i] / (1 - Math.pow(b2, step));
                    pRef[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                }
                backend.adam(dp, put(backend, g), dm, dv, n, lr, b1, b2, eps, step);
            }
            assertClose(pRef, get(backend, dp), "params after 3 Adam steps");
            assertClose(mRef, get(backend, dm), "first moment");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void gatherBatchScalesAndBinarizes(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            int count = 1 + random.nextInt(500), pixels = 1 + random.nextInt(100);
            byte[] images = new byte[count * pixels];
            random.nextBytes(images);
            int[] order = new int[count];
            for (int i = 0; i < count; i++) {
                order[i] = random.nextInt(count);
            }
            int first = random.nextInt(count), rows = 1 + random.nextInt(count - first);
            DeviceImages dImages = backend.uploadImages(images, count, pixels);
            DeviceIndices dOrder = backend.allocateIndices(count);
            backend.upload(order, dOrder);
            DeviceBuffer x = backend.allocate(rows * pixels);
            backend.gatherBatch(dImages, dOrder, first, rows, x, false, 0, 0, 0);
            double[] expected = new double[rows * pixels];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < pixels; i++) {
                    expected[r * pixels + i] = (images[order[first + r] * pixels + i] & 0xFF) / 255.0;
                }
            }
            float[] gathered = get(backend, x);
            assertClose(expected, gathered, "gather");
            backend.gatherBatch(dImages, dOrder, first, rows, x, true, 42, 1, 9);
            float[] binary = get(backend, x);
            float[] uniforms = new float[binary.length];
            int[] block = new int[4];
            for (int e = 0; e < binary.length; e++) {
                Philox.block(42, 1, 9, e >>> 2, block);
                uniforms[e] = Philox.uniform(block[e & 3]);
            }
            for (int e = 0; e < binary.length; e++) {
                assertEquals(uniforms[e] < gathered[e] ? 1f : 0f, binary[e], "binarized element " + e);
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
