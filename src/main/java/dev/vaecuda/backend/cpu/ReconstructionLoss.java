package dev.vaecuda.backend.cpu;

import dev.vaecuda.backend.LossKind;
import java.util.Arrays;

/**
 * Reconstruction terms of the VAE loss, computed from the decoder's logits so that no probability is
 * ever rounded to exactly 0 or 1 before a log. One instance per worker thread holds its scratch.
 *
 * <p>Shaped for C2's auto-vectoriser (JDK 25): each image is copied into scratch arrays and run
 * through a few short loops that index every array alike. C2 vectorises only loops it can unroll,
 * and it does not unroll a body over {@code LoopUnrollLimit} (60 nodes): one fused loop ran scalar
 * (it vectorises with -XX:LoopUnrollLimit=2000). Different offsets per array, {@code Math.exp} and
 * {@code Float.intBitsToFloat} also keep a loop scalar, hence the copies, the polynomial exp and
 * 2^-k as a product. Java's float arithmetic ({@code Math.fma} included) is exactly rounded, so
 * vectorised and scalar runs give the same bits.
 */
final class ReconstructionLoss {
    private static final float LOG2_E = 1.44269504f;
    /** ln 2 in two parts (Cody and Waite): LN2_HI has 9 significant bits, so k * LN2_HI is exact. */
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** |x| is capped here, where exp(-|x|), 1.6e-38, is still a normal float: an error below that beyond. */
    private static final float MAX_ABS_LOGIT = 87f;

    private int pixels;
    private float[] bias = new float[0], logits, target, exp, gradient, gradientSums, lossSums;
    private int[] exponent;

    /** Starts a batch of rows of {@code pixels}: copies the output bias and zeroes the per-pixel sums. */
    void start(float[] outputBias, int offset, int pixels) {
        if (bias.length < pixels) {
            bias = new float[pixels];
            logits = new float[pixels];
            target = new float[pixels];
            exp = new float[pixels];
            gradient = new float[pixels];
            gradientSums = new float[pixels];
            lossSums = new float[pixels];
            exponent = new int[pixels];
        }
        this.pixels = pixels;
        System.arraycopy(outputBias, offset, bias, 0, pixels);
        Arrays.fill(gradientSums, 0, pixels, 0f);
        Arrays.fill(lossSums, 0, pixels, 0f);
    }

    /**
     * One image: x[xo ..] += the output bias, dx[go ..] = d loss / d logit, and the image's loss
     * and gradient added to the per-pixel sums.
     */
    void row(LossKind kind, float[] x, int xo, float[] t, int to, float[] dx, int go) {
        int n = pixels;
        System.arraycopy(x, xo, logits, 0, n);
        System.arraycopy(t, to, target, 0, n);
        for (int i = 0; i < n; i++) {
            logits[i] += bias[i];
        }
        expOfMinusAbs(logits, exp, exponent, n);
        if (kind == LossKind.BCE) {
            bceGradient(logits, target, exp, gradient, gradientSums, n);
            bceLoss(logits, target, exp, lossSums, n);
        } else {
            mse(logits, target, exp, gradient, gradientSums, lossSums, n);
        }
        System.arraycopy(logits, 0, x, xo, n);
        System.arraycopy(gradient, 0, dx, go, n);
    }

    /** The loss of the rows since {@link #start}, summed over pixels in a fixed order. */
    double lossSum() {
        double sum = 0.0;
        for (int i = 0; i < pixels; i++) {
            sum += lossSums[i];
        }
        return sum;
    }

    /** sums[offset + i] += the gradient of pixel i summed over the rows since {@link #start}. */
    void addGradientSums(float[] sums, int offset) {
        for (int i = 0; i < pixels; i++) {
            sums[offset + i] += gradientSums[i];
        }
    }

    /**
     * e[i] = exp(-|x[i]|), |x| capped at 87, within 1e-7 relative (LossHandWorkedTest); k is
     * scratch. exp(-a) = 2^-k exp(y), y = k ln 2 - a in [-ln 2 / 2, ln 2 / 2]: a loop for exp(y)
     * (Cephes' expf polynomial) and k, a loop for the 2^-k.
     */
    static void expOfMinusAbs(float[] x, float[] e, int[] k, int n) {
        for (int i = 0; i < n; i++) {
            float a = Math.min(Math.abs(x[i]), MAX_ABS_LOGIT);
            int ki = (int) Math.fma(a, LOG2_E, 0.5f);
            float y = Math.fma(ki, LN2_LO, Math.fma(ki, LN2_HI, -a));
            float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(
                    1.9875691500e-4f, y, 1.3981999507e-3f), y, 8.3334519073e-3f), y, 4.1665795894e-2f), y,
                    1.6666665459e-1f), y, 5.0000001201e-1f);
            e[i] = Math.fma(p * y, y, y) + 1f;
            k[i] = ki;
        }
        for (int i = 0; i < n; i++) {
            int ki = k[i];
            e[i] *= ifBit(ki, 0, 0x1p-1f) * ifBit(ki, 1, 0x1p-2f) * ifBit(ki, 2, 0x1p-4f) * ifBit(ki, 3, 0x1p-8f)
                    * ifBit(ki, 4, 0x1p-16f) * ifBit(ki, 5, 0x1p-32f) * ifBit(ki, 6, 0x1p-64f);
        }
    }

    /** factor if k has the given bit, else 1, exactly (fma(1, factor, 0) or fma(0, factor, 1)): no select. */
    private static float ifBit(int k, int bit, float factor) {
        float set = (k >> bit) & 1;
        return Math.fma(set, factor, 1f - set);
    }

    /** sigmoid(x) from e = exp(-|x|): 1 / (1 + e) for x >= 0, e / (1 + e) below, blended without a select. */
    static float sigmoid(float x, float e) {
        float inverse = 1f / (1f + e), positive = Math.max(Math.signum(x), 0f);
        return Math.fma(positive, inverse, (1f - positive) * e * inverse);
    }

    /** 1 / (1 + exp(-x)) without overflow for large |x|. */
    static float sigmoid(float x) {
        return sigmoid(x, (float) Math.exp(-Math.abs(x)));
    }

    /** Binary cross-entropy with logits: d bce / dx = sigmoid(x) - t. */
    private static void bceGradient(float[] x, float[] t, float[] e, float[] g, float[] gSums, int n) {
        for (int i = 0; i < n; i++) {
            float gi = sigmoid(x[i], e[i]) - t[i];
            g[i] = gi;
            gSums[i] += gi;
        }
    }

    /** Binary cross-entropy with logits in softplus form: bce(x, t) = max(x, 0) - x*t + log(1 + exp(-|x|)). */
    private static void bceLoss(float[] x, float[] t, float[] e, float[] lossSums, int n) {
        for (int i = 0; i < n; i++) {
            lossSums[i] += Math.fma(-x[i], t[i], Math.max(x[i], 0f)) + log1pOfAtMostOne(e[i]);
        }
    }

    /**
     * log(1 + e) for e in [0, 1] as 2 atanh(s), s = e / (2 + e) <= 1/3, by its odd series to s^15:
     * the terms left out are below 2e-9 relative (s^16 / 17 / (1 - s^2)), under float rounding.
     */
    static float log1pOfAtMostOne(float e) {
        float s = e / (2f + e), s2 = s * s, twoS = 2f * s;
        float series = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(
                1f / 15, s2, 1f / 13), s2, 1f / 11), s2, 1f / 9), s2, 1f / 7), s2, 1f / 5), s2, 1f / 3);
        return Math.fma(twoS * s2, series, twoS);
    }

    /** Squared error of p = sigmoid(x); d/dx = 2 (p - t) p (1 - p), and p (1 - p) = e / (1 + e)^2. */
    private static void mse(float[] x, float[] t, float[] e, float[] g, float[] gSums, float[] lossSums, int n) {
        for (int i = 0; i < n; i++) {
            float inverse = 1f / (1f + e[i]);
            float diff = sigmoid(x[i], e[i]) - t[i];
            float gi = 2f * diff * e[i] * inverse * inverse;
            lossSums[i] += diff * diff;
            g[i] = gi;
            gSums[i] += gi;
        }
    }
}
