package dev.vaecuda.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Decodes PNG files the way a viewer would, and checks they show something. */
public final class PngChecks {
    private PngChecks() {
    }

    public static BufferedImage read(Path file) {
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            assertNotNull(image, file + " does not decode as an image");
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes, checks the size (when width > 0) and that the samples are not all one value. */
    public static BufferedImage readNotBlank(Path file, int width, int height) {
        BufferedImage image = read(file);
        if (width > 0) {
            assertEquals(width, image.getWidth(), file + " width");
            assertEquals(height, image.getHeight(), file + " height");
        }
        assertTrue(variance(image) > 0, file + " is blank: every sample has the same value");
        return image;
    }

    /** Variance of all samples of all bands. */
    public static double variance(BufferedImage image) {
        Raster raster = image.getRaster();
        double sum = 0, sumSquares = 0;
        long n = 0;
        for (int y = 0; y < raster.getHeight(); y++) {
            for (int x = 0; x < raster.getWidth(); x++) {
                for (int b = 0; b < raster.getNumBands(); b++) {
                    double v = raster.getSample(x, y, b);
                    sum += v;
                    sumSquares += v * v;
                    n++;
                }
            }
        }
        double mean = sum / n;
        return sumSquares / n - mean * mean;
    }
}
