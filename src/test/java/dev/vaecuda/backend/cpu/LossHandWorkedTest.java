package dev.vaecuda.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceLossSum;
import dev.vaecuda.backend.LossKind;
import org.junit.jupiter.api.Test;

/** The fused loss on inputs small enough to work out by hand (values to 1e-6). */
class LossHandWorkedTest {
    private static final float TOL = 1e-6f;

    private static float[] run(LossKind kind, float[] logits, float[] target, float[] meanLogvar, float beta,
                               int rows, int latent, float[] dLogitsOut, float[] dMlOut) {
        try (CpuBackend backend = new CpuBackend(1)) {
            DeviceBuffer x = backend.allocate(logits.length), t = backend.allocate(target.length);
            DeviceBuffer ml = backend.allocate(meanLogvar.length);
            DeviceLossSum loss = backend.allocateLossSum();
            DeviceBuffer dx = backend.allocate(logits.length), dml = backend.allocate(meanLogvar.length);
            DeviceBuffer noBias = backend.allocate(logits.length / rows), dBias = backend.allocate(logits.length / rows);
            backend.upload(logits, x);
            backend.upload(target, t);
            backend.upload(meanLogvar, ml);
            backend.lossAndGradients(kind, x, noBias, t, ml, beta, rows, logits.length / rows, latent, dx, dBias, dml,
                    loss, backend.allocateStepState());
            backend.download(dx, dLogitsOut);
            backend.download(dml, dMlOut);
            return new float[] {(float) backend.readLossSum(loss)};
        }
    }

    @Test
    void bceAndKlOfOneImage() {
        // logits (0, 2, -2), targets (1, 1, 0): BCE = ln 2 + ln(1 + e^-2) + ln(1 + e^-2)
        //   = 0.693147 + 0.126928 + 0.126928 = 0.947003
        // mu 1, logvar 0: KL = -0.5 (1 + 0 - 1 - 1) = 0.5; beta 2 -> 1.0. Total 1.947003.
        float[] dx = new float[3], dml = new float[2];
        float[] loss = run(LossKind.BCE, new float[] {0f, 2f, -2f}, new float[] {1f, 1f, 0f},
                new float[] {1f, 0f}, 2f, 1, 1, dx, dml);
        assertEquals(1.947003f, loss[0], TOL * 10);
        // d/dx = sigmoid(x) - t: (0.5 - 1, 0.880797 - 1, 0.119203 - 0)
        assertArrayEquals(new float[] {-0.5f, -0.119203f, 0.119203f}, dx, TOL);
        // d/dmu = beta mu = 2; d/dlogvar = beta 0.5 (e^0 - 1) = 0
        assertArrayEquals(new float[] {2f, 0f}, dml, TOL);
    }

    @Test
    void mseAndKlOfTwoImages() {
        // image 1: logit 0 -> p 0.5, target 1: (0.5 - 1)^2 = 0.25; d/dx = 2 (-0.5)(0.25) = -0.25
        // image 2: logit 0 -> p 0.5, target 0.5: 0; d/dx = 0
        // KL image 1: mu 0, logvar ln 2: -0.5 (1 + 0.693147 - 0 - 2) = 0.153426
        // KL image 2: mu -2, logvar 0: -0.5 (1 - 4 - 1) = 2. beta 1: total 0.25 + 0.153426 + 2
        float[] dx = new float[2], dml = new float[4];
        float[] loss = run(LossKind.MSE, new float[] {0f, 0f}, new float[] {1f, 0.5f},
                new float[] {0f, (float) Math.log(2), -2f, 0f}, 1f, 2, 1, dx, dml);
        assertEquals(2.403426f, loss[0], TOL * 10);
        assertArrayEquals(new float[] {-0.25f, 0f}, dx, TOL);
        // d/dlogvar image 1: 0.5 (2 - 1) = 0.5; d/dmu image 2: -2
        assertArrayEquals(new float[] {0f, 0.5f, -2f, 0f}, dml, TOL);
    }

    @Test
    void hugeLogitsGiveFiniteLossesAndGradients() {
        // BCE per pixel max(x, 0) - x t + log(1 + e^-|x|), the last term below 1e-38 here:
        // 100 - 25, 0 + 25, 1e30 - 1e30, 0 - 0: total 100; d/dx = sigmoid(x) - t: 0.75, -0.25, 0, 0
        float[] logits = {100f, -100f, 1e30f, -1e30f}, target = {0.25f, 0.25f, 1f, 0f};
        float[] dx = new float[4], dml = new float[2];
        float[] loss = run(LossKind.BCE, logits, target, new float[] {0f, 0f}, 1f, 1, 1, dx, dml);
        assertEquals(100f, loss[0], TOL * 100);
        assertArrayEquals(new float[] {0.75f, -0.25f, 0f, 0f}, dx, TOL);
        // MSE: (1 - 0.25)^2 + (0 - 0.25)^2 + 0 + 0 = 0.625; d/dx = 2 (p - t) p (1 - p), below 1e-38
        loss = run(LossKind.MSE, logits, target, new float[] {0f, 0f}, 1f, 1, 1, dx, dml);
        assertEquals(0.625f, loss[0], TOL);
        assertArrayEquals(new float[4], dx, TOL);
    }

    @Test
    void expOfMinusAbsMatchesMathExpOnItsWholeRange() {
        // |x| in [0, 87] (every e^-|x| a normal float), both signs: within 1e-7 relative (8.2e-8 measured)
        int n = 2_000_001;
        float[] x = new float[n], e = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (87.0 * (i - n / 2) / (n / 2));
        }
        ReconstructionLoss.expOfMinusAbs(x, e, new int[n], n);
        for (int i = 0; i < n; i++) {
            double exact = Math.exp(-Math.abs((double) x[i]));
            assertEquals(exact, e[i], 1e-7 * exact, "x = " + x[i]);
        }
        // beyond, e^-87 (1.65e-38): still positive and finite, so no NaN downstream
        float[] huge = {87f, 88f, 100f, -1e4f, 1e30f, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
        float[] eHuge = new float[huge.length];
        ReconstructionLoss.expOfMinusAbs(huge, eHuge, new int[huge.length], huge.length);
        for (float v : eHuge) {
            assertEquals(eHuge[0], v, "capped");
        }
        assertEquals(Math.exp(-87), eHuge[0], 1e-7 * Math.exp(-87));
    }

    @Test
    void log1pSeriesMatchesMathLog1pOnItsWholeRange() {
        // on [0, 1], the range of exp(-|x|), densely and at every power of two down to 2^-126:
        // within 2e-7 relative (1.65e-7 measured; float rounding of s = e / (2 + e) dominates)
        for (int i = 0; i <= 1_000_000; i++) {
            checkLog1p(i / 1_000_000f);
        }
        for (int p = 0; p <= 126; p++) {
            checkLog1p(Math.scalb(1f, -p));
            checkLog1p(Math.scalb(1.7f, -p - 1));
        }
    }

    private static void checkLog1p(float e) {
        double exact = Math.log1p(e);
        assertEquals(exact, ReconstructionLoss.log1pOfAtMostOne(e), 2e-7 * exact, "e = " + e);
    }
}
