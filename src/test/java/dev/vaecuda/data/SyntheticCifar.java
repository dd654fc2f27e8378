package dev.vaecuda.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A stand-in for CIFAR-10 in its binary format (data_batch_1..5.bin, test_batch.bin; each record a
 * label byte, then the 32x32 red, green and blue planes): ten classes, each one fixed
 * {@link SyntheticPhotos} picture, every image its class's picture with pixel noise.
 * {@code main DIR TRAIN TEST} writes such a set (docs/data.md's conv run).
 */
public final class SyntheticCifar {
    private static final int SIDE = 32, PLANE = SIDE * SIDE, RECORD = 1 + 3 * PLANE, CLASSES = 10, TRAIN_BATCHES = 5;

    private SyntheticCifar() {
    }

    /** Writes {@code train} images over the five training batches and {@code test} into test_batch.bin. */
    public static void write(Path dir, int train, int test) {
        BufferedImage[] templates = new BufferedImage[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            templates[c] = SyntheticPhotos.picture(SIDE, new SplittableRandom(c));
        }
        SplittableRandom random = new SplittableRandom(1);
        try {
            Files.createDirectories(dir);
            for (int b = 0; b < TRAIN_BATCHES; b++) {
                int count = train / TRAIN_BATCHES + (b < train % TRAIN_BATCHES ? 1 : 0);
                Files.write(dir.resolve("data_batch_" + (b + 1) + ".bin"), records(templates, count, random));
            }
            Files.write(dir.resolve("test_batch.bin"), records(templates, test, random));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] records(BufferedImage[] templates, int count, SplittableRandom random) {
        byte[] bytes = new byte[count * RECORD];
        for (int n = 0; n < count; n++) {
            int label = random.nextInt(CLASSES), at = n * RECORD;
            bytes[at] = (byte) label;
            for (int p = 0; p < PLANE; p++) {
                int rgb = templates[label].getRGB(p % SIDE, p / SIDE);
                for (int c = 0; c < 3; c++) {
                    int value = (rgb >> (16 - 8 * c) & 0xFF) + random.nextInt(-20, 21);
                    bytes[at + 1 + c * PLANE + p] = (byte) Math.clamp(value, 0, 255);
                }
            }
        }
        return bytes;
    }

    public static void main(String[] args) {
        write(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    }
}
