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
            // log(1 + e) rather than log1p: e <= 1, and the absolute error of 1e-16 is far below float
            sum += Math.max(xi, 0f) - (double) xi * ti + Math.log(1.0 + e);
            double sigmoid = xi >= 0f ? 1.0 / (1.0 + e) : e / (1.0 + e);
            dx[go + i] = (float) (sigmoid - ti);
        }
        return sum;
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
