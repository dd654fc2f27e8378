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
    /** One hundredth of the variance of a cell of which 15% is white strokes on black. */
    private static final double MIN_CELL_VARIANCE = 0.01 * 255 * 255 * 0.15 * 0.85;

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

    /**
     * Decodes a grid of 28x28 digits laid out as make_grid does (2 pixels of padding around each
     * cell), checks its size, and that every cell shows a picture: a cell's variance above
     * {@link #MIN_CELL_VARIANCE} (a black or one-grey cell has none; a digit's strokes, thousands).
     */
    public static BufferedImage readDigitGrid(Path file, int columns, int rows) {
        BufferedImage image = readNotBlank(file, 2 + 30 * columns, 2 + 30 * rows);
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                double variance = variance(image.getSubimage(2 + 30 * column, 2 + 30 * row, 28, 28));
                assertTrue(variance > MIN_CELL_VARIANCE, file + " cell (" + row + ", " + column + ") is flat: variance "
                        + variance);
            }
        }
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
