package dev.vaecuda.data;

import java.util.Arrays;

/**
 * {@code count} grayscale images of {@code rows x cols} unsigned bytes, stored image after image,
 * each row-major; {@code labels} holds one class index per image, or is null for unlabelled images.
 * The arrays are shared, not copied: treat them as read-only.
 */
public record ImageSet(byte[] pixels, int count, int rows, int cols, byte[] labels) {

    public ImageSet {
        if (count <= 0 || rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(
                    "count, rows and cols must be positive, got " + count + ", " + rows + ", " + cols);
        }
        if (pixels.length != (long) count * rows * cols) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes, expected "
                    + count + " x " + rows + " x " + cols + " = " + (long) count * rows * cols);
        }
        if (labels != null && labels.length != count) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries, expected " + count);
        }
    }

    public int pixelsPerImage() {
        return rows * cols;
    }

    /** The mean image, each pixel's intensity averaged over the images and scaled to [0, 1]. */
    public float[] pixelMeans() {
        int size = pixelsPerImage();
        long[] sums = new long[size];
        for (int i = 0; i < pixels.length; i++) {
            sums[i % size] += pixels[i] & 0xFF;
        }
        float[] means = new float[size];
        for (int i = 0; i < size; i++) {
            means[i] = (float) (sums[i] / (255.0 * count));
        }
        return means;
    }

    /** A copy holding the first {@code n} images (all of them when {@code n >= count}), for {@code --limit}. */
    public ImageSet first(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be positive, got " + n);
        }
        int kept = Math.min(n, count);
        byte[] keptLabels = labels == null ? null : Arrays.copyOf(labels, kept);
        return new ImageSet(Arrays.copyOf(pixels, kept * pixelsPerImage()), kept, rows, cols, keptLabels);
    }
}
