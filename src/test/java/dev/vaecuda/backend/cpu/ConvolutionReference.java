package dev.vaecuda.backend.cpu;

import dev.vaecuda.backend.ConvShape;

/**
 * The three convolution calls of {@link dev.vaecuda.backend.Backend} as their definitions read,
 * a term at a time in double, with the magnitude of each output's terms for {@link RoundingBound}.
 */
final class ConvolutionReference {
    private ConvolutionReference() {
    }

    /** y[r, o, i, j] = sum over c, p, q of w[o, c, p, q] * x[r, c, i*stride + p - padding, j*stride + q - padding]. */
    static RoundingBound forward(ConvShape s, float[] x, float[] w, int rows) {
        return sum(s, rows, rows * s.outputSize(), s.inChannels() * s.kernel() * s.kernel(), (xAt, wAt, yAt) -> yAt,
                (xAt, wAt, yAt) -> (double) w[wAt] * x[xAt]);
    }

    /** dx = the sum of the terms dy[r, o, i, j] * w[o, c, p, q] of the forward pass that read x[r, c, h, w]. */
    static RoundingBound backwardData(ConvShape s, float[] dy, float[] w, int rows) {
        return sum(s, rows, rows * s.inputSize(), s.outChannels() * s.kernel() * s.kernel(), (xAt, wAt, yAt) -> xAt,
                (xAt, wAt, yAt) -> (double) w[wAt] * dy[yAt]);
    }

    /** dw[o, c, p, q] = the sum over r, i, j of dy[r, o, i, j] * x[r, c, i*stride + p - padding, j*stride + q - padding]. */
    static RoundingBound backwardFilter(ConvShape s, float[] x, float[] dy, int rows) {
        return sum(s, rows, s.weightSize(), rows * s.outHeight() * s.outWidth(), (xAt, wAt, yAt) -> wAt,
                (xAt, wAt, yAt) -> (double) dy[yAt] * x[xAt]);
    }

    /** The indices of a term of the forward pass: into x, w and y. */
    @FunctionalInterface
    private interface Term {
        void at(int xAt, int wAt, int yAt);
    }

    /** An element index picked from a term's. */
    @FunctionalInterface
    private interface Index {
        int at(int xAt, int wAt, int yAt);
    }

    /** A term's product. */
    @FunctionalInterface
    private interface Product {
        double at(int xAt, int wAt, int yAt);
    }

    /** Each term's product added into element {@code into} of a new array of {@code length}; at most {@code terms} per element. */
    private static RoundingBound sum(ConvShape s, int rows, int length, int terms, Index into, Product product) {
        double[] sums = new double[length], magnitude = new double[length];
        forEachTerm(s, rows, (xAt, wAt, yAt) -> {
            int at = into.at(xAt, wAt, yAt);
            double term = product.at(xAt, wAt, yAt);
            sums[at] += term;
            magnitude[at] += Math.abs(term);
        });
        return new RoundingBound(sums, magnitude, terms, 0);
    }

    /** Visits each (x, w, y) index triple of the forward pass's products, the padding's left out. */
    private static void forEachTerm(ConvShape s, int rows, Term term) {
        int k = s.kernel();
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < s.outChannels(); o++) {
                for (int i = 0; i < s.outHeight(); i++) {
                    for (int j = 0; j < s.outWidth(); j++) {
                        int yAt = ((r * s.outChannels() + o) * s.outHeight() + i) * s.outWidth() + j;
                        for (int c = 0; c < s.inChannels(); c++) {
                            for (int p = 0; p < k; p++) {
                                int h = i * s.stride() + p - s.padding();
                                for (int q = 0; q < k; q++) {
                                    int v = j * s.stride() + q - s.padding();
                                    if (h >= 0 && h < s.inHeight() && v >= 0 && v < s.inWidth()) {
                                        term.at(((r * s.inChannels() + c) * s.inHeight() + h) * s.inWidth() + v,
                                                ((o * s.inChannels() + c) * k + p) * k + q, yAt);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
