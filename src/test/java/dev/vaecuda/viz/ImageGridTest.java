package dev.vaecuda.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.SyntheticDigits;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {
    private static final ImageSet SET = SyntheticDigits.generate(11, 5, 7, 3);

    @Test
    void layoutIsMakeGrids(@TempDir Path dir) {
        Tiles tiles = Tiles.of(SET, 0, 11);
        BufferedImage image = new ImageGrid(2).render(ImageGrid.rowsOf(tiles, 8));
        // make_grid: width = nrow * (w + pad) + pad, height = rows * (h + pad) + pad
        assertEquals(8 * (7 + 2) + 2, image.getWidth());
        assertEquals(2 * (5 + 2) + 2, image.getHeight());
        Path file = dir.resolve("grid.png");
        PngFiles.write(image, file);
        BufferedImage decoded = PngChecks.readNotBlank(file, image.getWidth(), image.getHeight());
        assertCellsHoldTheBytes(decoded, 0);
        assertEquals(128, decoded.getRaster().getSample(0, 0, 0), "padding");
        assertEquals(128, decoded.getRaster().getSample(image.getWidth() - 1, image.getHeight() - 1, 0),
                "the empty cells of a short last row");
    }

    @Test
    void captionsGoUnderTheImagesAndLeaveTheirPixelsAlone(@TempDir Path dir) {
        List<String> captions = IntStream.range(0, 11).mapToObj(i -> Integer.toString(SET.labels()[i])).toList();
        BufferedImage image = new ImageGrid(2).render(ImageGrid.rowsOf(Tiles.of(SET, 0, 11), 8), captions);
        assertEquals(2 * (5 + 12 + 2) + 2, image.getHeight());
        Path file = dir.resolve("captioned.png");
        PngFiles.write(image, file);
        BufferedImage decoded = PngChecks.read(file);
        assertCellsHoldTheBytes(decoded, 12);
        int lit = 0;
        for (int x = 2; x < 9; x++) {
            for (int y = 7; y < 19; y++) {
                lit += decoded.getRaster().getSample(x, y, 0) > 128 ? 1 : 0;
            }
        }
        assertTrue(lit > 0, "the first caption is drawn");
    }

    @Test
    void intensitiesAreClampedAndRounded() {
        Tiles tiles = new Tiles(new float[] {-0.5f, 0.5f, 1.5f, 0.2f}, 1, 2, 2);
        BufferedImage image = new ImageGrid(0).render(List.of(tiles));
        assertEquals(0, image.getRaster().getSample(0, 0, 0));
        assertEquals(128, image.getRaster().getSample(1, 0, 0));
        assertEquals(255, image.getRaster().getSample(0, 1, 0));
        assertEquals(51, image.getRaster().getSample(1, 1, 0));
    }

    @Test
    void rowsMustAgreeOnTheImageSize() {
        Tiles small = new Tiles(new float[4], 1, 2, 2), large = new Tiles(new float[9], 1, 3, 3);
        assertThrows(IllegalArgumentException.class, () -> new ImageGrid(2).render(List.of(small, large)));
    }

    /** Image i of SET sits at (2 + (i % 8) * 9, 2 + (i / 8) * (7 + captionHeight)), byte for byte. */
    private static void assertCellsHoldTheBytes(BufferedImage image, int captionHeight) {
        for (int i = 0; i < SET.count(); i++) {
            int x0 = 2 + (i % 8) * (7 + 2), y0 = 2 + (i / 8) * (5 + captionHeight + 2);
            for (int p = 0; p < SET.pixelsPerImage(); p++) {
                int expected = SET.pixels()[i * SET.pixelsPerImage() + p] & 0xFF;
                assertEquals(expected, image.getRaster().getSample(x0 + p % 7, y0 + p / 7, 0), "image " + i + " pixel " + p);
            }
        }
    }
}
