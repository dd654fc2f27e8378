package dev.vaecuda.backend.cpu;

import dev.vaecuda.backend.Activation;

/**
 * y[r, c] = activation(y[r, c] + bias[c]) for a band of rows. Each row goes through scratch
 * arrays indexed alike, since the JIT vectorises a loop only when every array in it is
 * indexed by the same expression. One instance per thread; its scratch grows once.
 */
final class BiasRows {
    private float[] row = new float[0];
    private float[] bias = new float[0];

    /** Rows [r0, r1) of y (row-major, {@code cols} wide, at {@code yOffset}); bias at {@code biasOffset}. */
    void add(float[] y, int yOffset, int cols, int r0, int r1, float[] b, int biasOffset,
             Activation activation) {
        if (row.length < cols) {
            row = new float[cols];
            bias = new float[cols];
        }
        System.arraycopy(b, biasOffset, bias, 0, cols);
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

    private void addTanh(int cols) {
        float[] x = row, b = bias;
        for (int c = 0; c < cols; c++) {
            x[c] = (float) Math.tanh(x[c] + b[c]);
        }
    }
}
