package dev.vaecuda.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.LossKind;
import org.junit.jupiter.api.Test;

/** The fused loss on inputs small enough to work out by hand (values to 1e-6). */
class LossHandWorkedTest {
    private static final float TOL = 1e-6f;

    private static float[] run(LossKind kind, float[] logits, float[] target, float[] meanLogvar, float beta,
                               int rows, int latent, float[] dLogitsOut, float[] dMlOut) {
        try (CpuBackend backend = new CpuBackend(1)) {
            DeviceBuffer x = backend.allocate(logits.length), t = backend.allocate(target.length);
            DeviceBuffer ml = backend.allocate(meanLogvar.length), loss = backend.allocate(1);
            DeviceBuffer dx = backend.allocate(logits.length), dml = backend.allocate(meanLogvar.length);
            DeviceBuffer noBias = backend.allocate(logits.length / rows), dBias = backend.allocate(logits.length / rows);
            backend.upload(logits, x);
            backend.upload(target, t);
            backend.upload(meanLogvar, ml);
            backend.lossAndGradients(kind, x, noBias, t, ml, beta, rows, logits.length / rows, latent, dx, dBias, dml,
                    loss, backend.allocateStepState());
            backend.download(dx, dLogitsOut);
            backend.download(dml, dMlOut);
            float[] out = new float[1];
            backend.download(loss, out);
            return out;
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
    void log1pSeriesMatchesMathLog1pOnItsWholeRange() {
        // on [0, 1], the range of exp(-|x|), within the series' truncation bound (2e-12)
        for (int i = 0; i <= 100_000; i++) {
            double e = i / 100_000.0;
            assertEquals(Math.log1p(e), ReconstructionLoss.log1pOfAtMostOne(e), 2e-12, "e = " + e);
        }
    }
}
