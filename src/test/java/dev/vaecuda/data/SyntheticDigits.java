package dev.vaecuda.data;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Small learnable image sets for tests: each image is one of ten fixed random blob templates
 * (its label) with pixel noise, so a VAE's loss drops quickly as it learns the templates.
 */
public final class SyntheticDigits {
    private SyntheticDigits() {
    }

    public static ImageSet generate(int count, int rows, int cols, long seed) {
        SplittableRandom templates = new SplittableRandom(12345);
        int pixels = rows * cols;
        float[][] template = new float[10][pixels];
        for (float[] t : template) {
            for (int blob = 0; blob < 3; blob++) {
                double cy = templates.nextDouble(rows), cx = templates.nextDouble(cols);
                double radius = 1 + templates.nextDouble(Math.max(1, rows / 4.0));
                for (int i = 0; i < pixels; i++) {
                    double dy = i / cols - cy, dx = i % cols - cx;
                    t[i] = (float) Math.max(t[i], Math.exp(-(dy * dy + dx * dx) / (radius * radius)));
                }
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        byte[] images = new byte[count * pixels];
        byte[] labels = new byte[count];
        for (int n = 0; n < count; n++) {
            int label = random.nextInt(10);
            labels[n] = (byte) label;
            for (int i = 0; i < pixels; i++) {
                double v = template[label][i] + random.nextDouble(-0.1, 0.1);
                images[n * pixels + i] = (byte) Math.round(255 * Math.min(1, Math.max(0, v)));
            }
        }
        return new ImageSet(images, count, rows, cols, labels);
    }

    /** Writes train and t10k IDX files (plain) of generated images into {@code dir}, creating it. */
    public static void writeIdx(Path dir, int trainCount, int testCount, int rows, int cols) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        write(dir, "train", generate(trainCount, rows, cols, 1));
        write(dir, "t10k", generate(testCount, rows, cols, 2));
    }

    private static void write(Path dir, String prefix, ImageSet set) {
        IdxFixtures.write(dir, prefix + "-images-idx3-ubyte", IdxFixtures.images(set.count(), set.rows(), set.cols(), set.pixels()));
        IdxFixtures.write(dir, prefix + "-labels-idx1-ubyte", IdxFixtures.labels(set.labels()));
    }
}
