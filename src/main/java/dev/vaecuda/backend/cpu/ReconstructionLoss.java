package dev.vaecuda.backend.cpu;

/**
 * Reconstruction terms of the VAE loss for one image, computed from the decoder's logits so
 * that no probability is ever rounded to exactly 0 or 1 before a log.
 */
final class ReconstructionLoss {
    private ReconstructionLoss() {
    }

    /**
     * Binary cross-entropy with logits, summed over pixels, in softplus form:
     * bce(x, t) = max(x, 0) - x*t + log(1 + exp(-|x|)); d bce / dx = sigmoid(x) - t.
     */
    static double bce(float[] x, int xo, float[] t, int to, float[] dx, int go, int pixels) {
        double sum = 0.0;
        for (int i = 0; i < pixels; i++) {
            float xi = x[xo + i], ti = t[to + i];
            double e = Math.exp(-Math.abs(xi));
            double inverse = 1.0 / (1.0 + e);
            sum += Math.max(xi, 0f) - (double) xi * ti + log1pOfAtMostOne(e);
            dx[go + i] = (float) ((xi >= 0f ? inverse : e * inverse) - ti);
        }
        return sum;
    }

    /**
     * log(1 + e) for e in [0, 1] as 2 atanh(s), s = e / (2 + e) <= 1/3, by its odd series to s^21:
     * the terms left out add up to less than 2e-12 (2 s^23 / 23 / (1 - s^2)), far under float
     * rounding, and it costs a division and a few multiplications where Math.log costs a call.
     */
    static double log1pOfAtMostOne(double e) {
        double s = e / (2.0 + e), s2 = s * s;
        return 2.0 * s * (1.0 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9
                + s2 * (1.0 / 11 + s2 * (1.0 / 13 + s2 * (1.0 / 15 + s2 * (1.0 / 17 + s2 * (1.0 / 19
                + s2 * (1.0 / 21)))))))))));
    }

    /** Squared error of sigmoid(x), summed over pixels; d/dx = 2 (p - t) p (1 - p). */
    static double mse(float[] x, int xo, float[] t, int to, float[] dx, int go, int pixels) {
        double sum = 0.0;
        for (int i = 0; i < pixels; i++) {
            float p = sigmoid(x[xo + i]);
            float diff = p - t[to + i];
            sum += (double) diff * diff;
            dx[go + i] = 2f * diff * p * (1f - p);
        }
        return sum;
    }

    /** 1 / (1 + exp(-x)) without overflow for large |x|. */
    static float sigmoid(float x) {
        float e = (float) Math.exp(-Math.abs(x));
        return x >= 0f ? 1f / (1f + e) : e / (1f + e);
    }
}
