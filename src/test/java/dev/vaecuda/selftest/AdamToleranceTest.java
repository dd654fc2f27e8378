package dev.vaecuda.selftest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.Backend;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * AdamTolerance allows what a GPU may legally compute and no more: the update computed as the CPU
 * backend does (every operation rounded) against the same update with the first and second moments
 * fused into one multiply-add each and beta^t off by CudaMathBounds.POWF ulps, on fresh random
 * operands where 0.9 m and 0.1 g nearly cancel; a first moment off by 1e-5 of |0.9 m| + |0.1 g|
 * (20 times what rounding allows) is caught.
 */
class AdamToleranceTest {
    private static final float LR = 1e-3f, BETA1 = 0.9f, BETA2 = 0.999f, EPSILON = 1e-8f;

    /** One Adam update in float; {@code gpu}: fused moments and powf off by its documented bound. */
    private static float[][] update(float[] p, float[] g, float[] m, float[] v, long step, boolean gpu) {
        float pow1 = (float) Math.pow(BETA1, step), pow2 = (float) Math.pow(BETA2, step);
        if (gpu) {
            for (int k = 0; k < CudaMathBounds.POWF.maxUlps; k++) {
                pow1 = Math.nextDown(pow1);
                pow2 = Math.nextUp(pow2);
            }
        }
        float stepSize = LR / (1f - pow1), sqrtCorrection2 = (float) Math.sqrt(1f - pow2);
        int n = p.length;
        float[][] after = {p.clone(), new float[n], new float[n]};
        for (int i = 0; i < n; i++) {
            float gi = Math.abs(g[i]) > Backend.ADAM_GRADIENT_FLOOR ? g[i] : 0f;
            float mi = gpu ? Math.fma(BETA1, m[i], (1f - BETA1) * gi) : BETA1 * m[i] + (1f - BETA1) * gi;
            float vi = gpu ? Math.fma((1f - BETA2) * gi, gi, BETA2 * v[i]) : BETA2 * v[i] + (1f - BETA2) * gi * gi;
            after[1][i] = mi;
            after[2][i] = vi;
            after[0][i] -= stepSize * mi / ((float) Math.sqrt(vi) / sqrtCorrection2 + EPSILON);
        }
        return after;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 10, 1000})
    void aGpusLegalRoundingPassesAndAWrongMomentFails(long step) {
        SplittableRandom random = new SplittableRandom();
        int n = 100_000;
        float[] p = new float[n], g = new float[n], m = new float[n], v = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) random.nextDouble(-0.1, 0.1);
            g[i] = (float) random.nextDouble(-1e-3, 1e-3);
            // about 9 m = -g: the two terms of the first moment nearly cancel
            m[i] = (float) (-g[i] / 9 * random.nextDouble(0.99, 1.01));
            v[i] = (float) random.nextDouble(0, 1e-6);
        }
        AdamTolerance tolerance = new AdamTolerance(p, m, v, g, step, LR, BETA1, BETA2, EPSILON);
        float[][] cpu = update(p, g, m, v, step, false), gpu = update(p, g, m, v, step, true);
        double share = assertDoesNotThrow(() -> tolerance.assertClose("fused", cpu, gpu));
        assertTrue(share > 0, "the fused update should differ somewhere");

        int i = random.nextInt(n);
        float operands = Math.abs(BETA1 * m[i]) + Math.abs((1 - BETA1) * g[i]);
        gpu[1][i] = cpu[1][i] + 1e-5f * operands;
        assertThrows(MismatchException.class, () -> tolerance.assertClose("a first moment off", cpu, gpu));
    }
}
