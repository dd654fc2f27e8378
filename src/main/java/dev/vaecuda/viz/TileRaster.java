package dev.vaecuda.viz;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.Arrays;

/**
 * Where the intensities of {@link Tiles} become pixels, for every picture of images: grey images
 * in the one band of an 8-bit grey image, colour ones' red, green and blue planes in the three
 * bands of an RGB image. Intensity v becomes round(255 v), v clamped to [0, 1], so bytes scaled by
 * 1/255 come back exactly.
 */
final class TileRaster {
    private TileRaster() {
    }

    /** A {@code width x height} image for tiles of {@code channels}, every sample {@code level}. */
    static BufferedImage filled(int width, int height, int channels, int level) {
        // TYPE_INT_RGB's bands are red, green, blue in that order: band c takes channel plane c
        BufferedImage image = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        WritableRaster raster = image.getRaster();
        int[] line = new int[width];
        Arrays.fill(line, level);
        for (int band = 0; band < raster.getNumBands(); band++) {
            for (int y = 0; y < height; y++) {
                raster.setSamples(0, y, width, 1, band, line);
            }
        }
        return image;
    }

    /** Image {@code index} of {@code tiles}, its top left corner at (x0, y0) of an image {@link #filled} for them. */
    static void draw(BufferedImage image, Tiles tiles, int index, int x0, int y0) {
        WritableRaster raster = image.getRaster();
        int w = tiles.width(), plane = tiles.height() * w, base = index * tiles.pixels();
        for (int c = 0; c < tiles.channels(); c++) {
            for (int i = 0; i < plane; i++) {
                float v = Math.clamp(tiles.values()[base + c * plane + i], 0f, 1f);
                raster.setSample(x0 + i % w, y0 + i / w, c, Math.round(v * 255f));
            }
        }
    }
}
