package dev.vaecuda.api;

import java.util.Arrays;

/**
 * The rows a caller passes, checked and laid out one after another as the backend takes them
 * (row-major), and results split back into rows. Every problem is a {@link VaeModelException}
 * naming the row, and the column where a value is wrong.
 */
final class InputRows {
    private InputRows() {
    }

    /**
     * Images of {@code shape}, each value finite and, for a model whose decoder is Bernoulli
     * ({@code unitInterval}), in [0, 1].
     */
    static float[] images(float[][] rows, ModelShape shape, boolean unitInterval) {
        String width = shape.pixels() + " (" + shape.channels() + "x" + shape.height() + "x" + shape.width() + ")";
        float[] values = flatten("images", rows, shape.pixels(), width);
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (Float.isNaN(v) || Float.isInfinite(v) || (unitInterval && (v < 0f || v > 1f))) {
                throw new VaeModelException("images row " + i / shape.pixels() + ", column " + i % shape.pixels()
                        + " is " + v + ": " + (unitInterval ? "intensities must be in [0, 1]" : "values must be finite"));
            }
        }
        return values;
    }

    /** Latent vectors of {@code latent} finite values. */
    static float[] latents(float[][] rows, int latent) {
        float[] values = flatten("latents", rows, latent, latent + " (the latent size)");
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new VaeModelException("latents row " + i / latent + ", column " + i % latent + " is "
                        + values[i] + ": values must be finite");
            }
        }
        return values;
    }

    /** {@code values} as rows of {@code width}. */
    static float[][] split(float[] values, int width) {
        float[][] rows = new float[values.length / width][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = Arrays.copyOfRange(values, r * width, (r + 1) * width);
        }
        return rows;
    }

    private static float[] flatten(String what, float[][] rows, int width, String expected) {
        if (rows == null) {
            throw new VaeModelException(what + " is null");
        }
        if ((long) rows.length * width > Integer.MAX_VALUE - 8) {
            throw new VaeModelException(rows.length + " " + what + " rows of " + width + " values do not fit one array;"
                    + " pass fewer at a time");
        }
        float[] values = new float[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null) {
                throw new VaeModelException(what + " row " + r + " is null");
            }
            if (rows[r].length != width) {
                throw new VaeModelException(what + " row " + r + " has " + rows[r].length + " values, expected " + expected);
            }
            System.arraycopy(rows[r], 0, values, r * width, width);
        }
        return values;
    }
}
