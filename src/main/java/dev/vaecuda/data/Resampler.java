package dev.vaecuda.data;

/**
 * Scales a picture so that its shorter side is {@code size} and keeps the centre {@code size x size}
 * (torchvision's Resize then CenterCrop), with Pillow's antialiased bilinear filter: a triangle
 * whose width grows with the reduction, so every source pixel counts when shrinking (plain
 * bilinear interpolation skips pixels and aliases below half size) and enlarging interpolates.
 * Separable: rows first, then columns; only the rows and columns the crop needs are computed.
 */
final class Resampler {
    private Resampler() {
    }

    /** One axis: for each output pixel, the first source pixel it reads and the weights of those it reads. */
    private record Taps(int[] first, float[][] weights) {
        static Taps of(int sourceLength, int scaledLength, int offset, int size) {
            double scale = (double) sourceLength / scaledLength;
            double support = Math.max(scale, 1.0);
            int[] first = new int[size];
            float[][] weights = new float[size][];
            for (int j = 0; j < size; j++) {
                double centre = (j + offset + 0.5) * scale;
                int from = Math.max((int) (centre - support + 0.5), 0);
                int to = Math.min((int) (centre + support + 0.5), sourceLength);
                double[] w = new double[to - from];
                double total = 0;
                for (int i = from; i < to; i++) {
                    w[i - from] = Math.max(0, 1 - Math.abs((i + 0.5 - centre) / support));
                    total += w[i - from];
                }
                first[j] = from;
                weights[j] = new float[w.length];
                for (int i = 0; i < w.length; i++) {
                    weights[j][i] = (float) (w[i] / total);
                }
            }
            return new Taps(first, weights);
        }
    }

    /** Writes the picture at its own size as {@code channels x height x width} bytes at {@code out[at..]}, NCHW. */
    static void copy(PictureRows picture, int channels, byte[] out, int at) {
        int width = picture.width(), height = picture.height();
        float[] row = new float[channels * width];
        for (int y = 0; y < height; y++) {
            picture.row(y, row);
            for (int c = 0; c < channels; c++) {
                for (int x = 0; x < width; x++) {
                    out[at + (c * height + y) * width + x] = toByte(row[c * width + x]);
                }
            }
        }
    }

    /**
     * Writes the picture as {@code channels x size x size} bytes at {@code out[at..]}, NCHW. A picture
     * already {@code size x size} is copied unchanged, value for value.
     */
    static void scaleAndCrop(PictureRows picture, int size, int channels, byte[] out, int at) {
        int width = picture.width(), height = picture.height();
        if (width == size && height == size) {
            copy(picture, channels, out, at);
            return;
        }
        float[] row = new float[channels * width];
        int shorter = Math.min(width, height);
        int scaledWidth = width == shorter ? size : (int) Math.round((double) width * size / shorter);
        int scaledHeight = height == shorter ? size : (int) Math.round((double) height * size / shorter);
        Taps columns = Taps.of(width, scaledWidth, (int) Math.round((scaledWidth - size) / 2.0), size);
        Taps rows = Taps.of(height, scaledHeight, (int) Math.round((scaledHeight - size) / 2.0), size);
        int firstRow = rows.first()[0];
        int lastRow = rows.first()[size - 1] + rows.weights()[size - 1].length;
        // (channels, source rows firstRow..lastRow, size) after the horizontal pass
        float[] across = new float[channels * (lastRow - firstRow) * size];
        for (int y = firstRow; y < lastRow; y++) {
            picture.row(y, row);
            for (int c = 0; c < channels; c++) {
                for (int x = 0; x < size; x++) {
                    float[] w = columns.weights()[x];
                    int from = c * width + columns.first()[x];
                    float sum = 0;
                    for (int k = 0; k < w.length; k++) {
                        sum += row[from + k] * w[k];
                    }
                    across[(c * (lastRow - firstRow) + y - firstRow) * size + x] = sum;
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < size; y++) {
                float[] w = rows.weights()[y];
                int from = c * (lastRow - firstRow) + rows.first()[y] - firstRow;
                for (int x = 0; x < size; x++) {
                    float sum = 0;
                    for (int k = 0; k < w.length; k++) {
                        sum += across[(from + k) * size + x] * w[k];
                    }
                    out[at + (c * size + y) * size + x] = toByte(sum);
                }
            }
        }
    }

    private static byte toByte(float value) {
        return (byte) Math.round(Math.min(255f, Math.max(0f, value)));
    }
}
