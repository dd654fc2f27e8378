package dev.vaecuda.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Colour pictures for tests and measurements, in place of photos: each a background colour with
 * four smooth blobs of random colours, written as {@code <index>.<format>} files of one folder.
 * {@code main DIR COUNT SIZE FORMAT} writes a folder of them (docs/data.md's JPEG set).
 */
public final class SyntheticPhotos {
    private static final int BLOBS = 4;

    private SyntheticPhotos() {
    }

    /** Writes {@code count} {@code size x size} pictures as {@code format} ("png", "jpg") files into {@code dir}. */
    public static void write(Path dir, int count, int size, String format, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String name = "%0" + String.valueOf(count - 1).length() + "d." + format;
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < count; i++) {
                ImageIO.write(picture(size, random), format, dir.resolve(String.format(name, i)).toFile());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One picture, its colours and blobs drawn from {@code random}. */
    static BufferedImage picture(int size, SplittableRandom random) {
        double[][] colour = new double[BLOBS + 1][3];
        double[][] blob = new double[BLOBS][3]; // centre y, centre x, radius
        for (int b = 0; b <= BLOBS; b++) {
            for (int c = 0; c < 3; c++) {
                colour[b][c] = random.nextDouble();
            }
            if (b < BLOBS) {
                blob[b] = new double[] {random.nextDouble(size), random.nextDouble(size), size * random.nextDouble(0.1, 0.4)};
            }
        }
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double[] rgb = colour[BLOBS].clone();
                for (int b = 0; b < BLOBS; b++) {
                    double dy = y - blob[b][0], dx = x - blob[b][1];
                    double weight = Math.exp(-(dy * dy + dx * dx) / (blob[b][2] * blob[b][2]));
                    for (int c = 0; c < 3; c++) {
                        rgb[c] += weight * (colour[b][c] - rgb[c]);
                    }
                }
                image.setRGB(x, y, (int) (255 * rgb[0]) << 16 | (int) (255 * rgb[1]) << 8 | (int) (255 * rgb[2]));
            }
        }
        return image;
    }

    public static void main(String[] args) {
        write(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), args[3], 1);
    }
}
