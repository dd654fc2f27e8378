package dev.vaecuda.selftest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The GEMM tolerances against products computed as the hardware would: TF32 tensor cores round
 * each input to 10 mantissa bits and accumulate in FP32. FP32's tolerance must reject such
 * products (so `selftest --tf32` needs its own) and TF32's must accept them.
 */
class GemmPrecisionTest {

    /** x rounded to TF32's 10 explicit mantissa bits, to nearest, as the tensor cores' input conversion. */
    static float toTf32(float x) {
        int bits = Float.floatToRawIntBits(x);
        return Float.intBitsToFloat((bits + 0x1000) & 0xFFFFE000);
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 128, 400, 784})
    void tf32ProductsFitTheTf32ToleranceAndNotTheFp32One(int k) {
        SplittableRandom random = new SplittableRandom();
        int outputs = 20_000;
        float[] exact = new float[outputs], tf32 = new float[outputs];
        for (int o = 0; o < outputs; o++) {
            double sum = 0;
            float tensorCoreSum = 0;
            for (int i = 0; i < k; i++) {
                float a = (float) random.nextDouble(-1, 1), b = (float) random.nextDouble(-1, 1);
                sum += (double) a * b;
                tensorCoreSum += toTf32(a) * toTf32(b);
            }
            // alpha 0.5, as the selftest's GEMM check
            exact[o] = (float) (0.5 * sum);
            tf32[o] = 0.5f * tensorCoreSum;
        }
        assertDoesNotThrow(() -> GemmPrecision.TF32.tolerance(k).assertClose("TF32 GEMM, k = " + k, exact, tf32));
        if (k >= 128) {
            assertThrows(MismatchException.class,
                    () -> GemmPrecision.FP32.tolerance(k).assertClose("TF32 GEMM, k = " + k, exact, tf32));
        }
    }
}
