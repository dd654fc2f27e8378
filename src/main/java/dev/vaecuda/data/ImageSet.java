package dev.vaecuda.data;

import java.util.Arrays;

/**
 * {@code count} images of {@code channels x rows x cols} unsigned bytes (1 channel: grey; 3: red,
 * green, blue), stored image after image, each NCHW: channel planes, each row-major; {@code labels}
 * holds one class index per image, or is null for unlabelled images. The arrays are shared, not
 * copied: treat them as read-only.
 */
public record ImageSet(byte[] pixels, int count, int rows, int cols, byte[] labels, int channels) {

    public ImageSet {
        if (count <= 0 || rows <= 0 || cols <= 0 || channels <= 0) {
            throw new IllegalArgumentException("count, rows, cols and channels must be positive, got " + count + ", "
                    + rows + ", " + cols + ", " + channels);
        }
        if (pixels.length != (long) count * channels * rows * cols) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes, expected " + count + " x "
                    + channels + " x " + rows + " x " + cols + " = " + (long) count * channels * rows * cols);
        }
        if (labels != null && labels.length != count) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries, expected " + count);
        }
    }

    /** Grey images. */
    public ImageSet(byte[] pixels, int count, int rows, int cols, byte[] labels) {
        this(pixels, count, rows, cols, labels, 1);
    }

    /** Bytes per image: channels x rows x cols. */
    public int pixelsPerImage() {
        return channels * rows * cols;
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
        return new ImageSet(Arrays.copyOf(pixels, kept * pixelsPerImage()), kept, rows, cols, keptLabels, channels);
    }
}
