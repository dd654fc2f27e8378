package dev.vaecuda.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;

/**
 * Reads the cells of a grid laid out as {@link ImageGrid} does (padding 2, rows of {@code perRow},
 * {@code captionHeight} under each row): cell i's pixel (x, y) of channel c is compared with
 * round(255 v) of the NCHW intensity v it shows.
 */
final class GridCells {
    private GridCells() {
    }

    /** Channel {@code c} of pixel (x, y): the grey sample, or red, green or blue of a colour image as a viewer sees it. */
    static int sample(BufferedImage image, int x, int y, int c) {
        return image.getColorModel().getNumColorComponents() == 1 ? image.getRaster().getSample(x, y, 0)
                : image.getRGB(x, y) >> (16 - 8 * c) & 0xFF;
    }

    /** The images of {@code tiles} sit in cells {@code firstCell}, {@code firstCell + 1}, ... in reading order. */
    static void assertHold(BufferedImage image, Tiles tiles, int perRow, int captionHeight, int firstCell) {
        int h = tiles.height(), w = tiles.width();
        for (int i = 0; i < tiles.count(); i++) {
            int cell = firstCell + i;
            int x0 = 2 + (cell % perRow) * (w + 2), y0 = 2 + (cell / perRow) * (h + captionHeight + 2);
            for (int c = 0; c < tiles.channels(); c++) {
                for (int p = 0; p < h * w; p++) {
                    float v = tiles.values()[i * tiles.pixels() + c * h * w + p];
                    assertEquals(Math.round(Math.clamp(v, 0f, 1f) * 255f), sample(image, x0 + p % w, y0 + p / w, c),
                            "image " + i + " channel " + c + " pixel " + p);
                }
            }
        }
    }

    /** Pixels brighter than the padding in the caption strip (12 high, white text on black) at (x0, y0). */
    static int litCaptionPixels(BufferedImage image, int x0, int y0, int width) {
        int lit = 0;
        for (int x = x0; x < x0 + width; x++) {
            for (int y = y0; y < y0 + 12; y++) {
                lit += sample(image, x, y, 0) > 128 ? 1 : 0;
            }
        }
        return lit;
    }
}
