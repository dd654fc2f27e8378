package dev.vaecuda.backend.cpu;

import dev.vaecuda.backend.Activation;
import java.util.Arrays;

/**
 * y[r, c] = activation(y[r, c] + bias[c]) for a band of rows. Each row goes through scratch
 * arrays indexed alike, since the JIT vectorises a loop only when every array in it is
 * indexed by the same expression. One instance per thread; its scratch grows once.
 */
final class BiasRows {
    private static final float TANH_CLAMP = 7.90531110763549805f;

    private float[] row = new float[0];
    private float[] bias = new float[0];

    /** Rows [r0, r1) of y (row-major, {@code cols} wide, at {@code yOffset}); bias at {@code biasOffset}. */
    void add(float[] y, int yOffset, int cols, int r0, int r1, float[] b, int biasOffset,
             Activation activation) {
        grow(cols);
        System.arraycopy(b, biasOffset, bias, 0, cols);
        addRows(y, yOffset, cols, r0, r1, activation);
    }

    /**
     * Rows [r0, r1) of y read as (rows, channels, spatial), row-major at {@code yOffset}:
     * y[r, c, s] = activation(y[r, c, s] + b[biasOffset + c]), the rows being channels * spatial wide.
     */
    void addPerChannel(float[] y, int yOffset, int channels, int spatial, int r0, int r1, float[] b, int biasOffset,
                       Activation activation) {
        int cols = channels * spatial;
        grow(cols);
        for (int c = 0; c < channels; c++) {
            Arrays.fill(bias, c * spatial, (c + 1) * spatial, b[biasOffset + c]);
        }
        addRows(y, yOffset, cols, r0, r1, activation);
    }

    private void grow(int cols) {
        if (row.length < cols) {
            row = new float[cols];
            bias = new float[cols];
        }
    }

    /** Rows [r0, r1) of y, {@code cols} wide, with the bias already in {@link #bias}. */
    private void addRows(float[] y, int yOffset, int cols, int r0, int r1, Activation activation) {
        for (int r = r0; r < r1; r++) {
            int at = yOffset + r * cols;
            System.arraycopy(y, at, row, 0, cols);
            switch (activation) {
                case IDENTITY -> add(cols);
                case RELU -> addRelu(cols);
                case TANH -> addTanh(cols);
            }
            System.arraycopy(row, 0, y, at, cols);
        }
    }

    private void add(int cols) {
        float[] x = row, b = bias;
        for (int c = 0; c < cols; c++) {
            x[c] += b[c];
        }
    }

    private void addRelu(int cols) {
        float[] x = row, b = bias;
        for (int c = 0; c < cols; c++) {
            x[c] = Math.max(x[c] + b[c], 0f);
        }
    }

    /**
     * tanh as Eigen's float tanh computes it: a rational function, odd degree 13 over even degree 6,
     * of the input clamped to +-7.905 (where tanh is 1 in float). Within 3.6e-7 (6 ulp) of tanh over
     * all floats (checked on a grid of 2 million points in [-20, 20] against a double tanh); it is
     * arithmetic only, so the JIT vectorises the loop: a batch-20 step of the 784-200-200-50 model
     * spent 0.19 ms in Math.tanh.
     */
    private void addTanh(int cols) {
        float[] x = row, b = bias;
        for (int c = 0; c < cols; c++) {
            float v = Math.min(Math.max(x[c] + b[c], -TANH_CLAMP), TANH_CLAMP), v2 = v * v;
            float p = v2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
            p = p * v2 + -8.60467152213735e-11f;
            p = p * v2 + 5.12229709037114e-08f;
            p = p * v2 + 1.48572235717979e-05f;
            p = p * v2 + 6.37261928875436e-04f;
            p = p * v2 + 4.89352455891786e-03f;
            float q = v2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
            q = q * v2 + 2.26843463243900e-03f;
            q = q * v2 + 4.89352518554385e-03f;
            x[c] = p * v / q;
        }
    }
}
