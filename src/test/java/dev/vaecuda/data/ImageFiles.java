package dev.vaecuda.data;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.IntBinaryOperator;
import javax.imageio.ImageIO;

/** Image files made for the tests with the JDK's ImageIO writers, and requests to read them. */
final class ImageFiles {
    private ImageFiles() {
    }

    /** A grey image, pixel (x, y) = {@code value(x, y)} in 0..255. */
    static BufferedImage grey(int width, int height, IntBinaryOperator value) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setSample(x, y, 0, value.applyAsInt(x, y));
            }
        }
        return image;
    }

    /** An RGB image of one colour. */
    static BufferedImage rgb(int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    /** A grey image with an alpha channel (PNG colour type 4): each pixel {grey, alpha}. */
    static BufferedImage greyAlpha(int[][] greyAlpha) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(greyAlpha.length, 1);
        for (int x = 0; x < greyAlpha.length; x++) {
            raster.setPixel(x, 0, greyAlpha[x]);
        }
        return new BufferedImage(model, raster, false, null);
    }

    /** A 16-bit grey image, one row of these samples (0..65535). */
    static BufferedImage grey16(int... samples) {
        BufferedImage image = new BufferedImage(samples.length, 1, BufferedImage.TYPE_USHORT_GRAY);
        for (int x = 0; x < samples.length; x++) {
            image.getRaster().setSample(x, 0, 0, samples[x]);
        }
        return image;
    }

    /** Writes {@code image} to {@code file} in the format its extension names, making folders as needed. */
    static Path write(Path file, BufferedImage image) {
        String name = file.getFileName().toString();
        String format = name.substring(name.lastIndexOf('.') + 1);
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(image, format, file.toFile())) {
                throw new IllegalStateException("no ImageIO writer for " + format + " and " + image);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A folder request with its cache in {@code cache}. */
    static DataRequest folder(Path dir, Path cache, Integer imageSize, Integer channels, boolean strict) {
        return new DataRequest(DataSources.FOLDER, Optional.of(dir), Optional.ofNullable(imageSize),
                Optional.ofNullable(channels), Optional.of(cache), 0.1, strict);
    }

    static DataRequest folder(Path dir, Path cache) {
        return folder(dir, cache, null, null, false);
    }
}
