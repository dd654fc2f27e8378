package dev.vaecuda.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.SyntheticDigits;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ImageGridTest {
    private static final ImageSet GREY = SyntheticDigits.generate(11, 5, 7, 3);
    private static final ImageSet COLOUR = ColourImages.random(11, 5, 7, 3);

    static Stream<ImageSet> sets() {
        return Stream.of(GREY, COLOUR);
    }

    @ParameterizedTest
    @MethodSource("sets")
    void layoutIsMakeGridsAndTheCellsRoundTripThroughPng(ImageSet set, @TempDir Path dir) {
        BufferedImage image = new ImageGrid(2).render(ImageGrid.rowsOf(Tiles.of(set, 0, 11), 8));
        // make_grid: width = nrow * (w + pad) + pad, height = rows * (h + pad) + pad
        assertEquals(8 * (7 + 2) + 2, image.getWidth());
        assertEquals(2 * (5 + 2) + 2, image.getHeight());
        Path file = dir.resolve("grid.png");
        PngFiles.write(image, file);
        BufferedImage decoded = PngChecks.readNotBlank(file, image.getWidth(), image.getHeight());
        assertEquals(set.channels(), decoded.getColorModel().getNumColorComponents(), "grey or RGB as the data");
        GridCells.assertHold(decoded, Tiles.of(set, 0, 11), 8, 0, 0);
        for (int c = 0; c < set.channels(); c++) {
            assertEquals(128, GridCells.sample(decoded, 0, 0, c), "padding");
            assertEquals(128, GridCells.sample(decoded, image.getWidth() - 1, image.getHeight() - 1, c),
                    "the empty cells of a short last row");
        }
    }

    /** As before colour: 8-bit grey, grey 128 wherever no image is, each image's bytes in its cell. */
    @Test
    void aGreyGridIsTheBytesOnGreyPadding(@TempDir Path dir) {
        int width = 8 * 9 + 2, height = 2 * 7 + 2;
        byte[] expected = new byte[width * height];
        Arrays.fill(expected, (byte) 128);
        for (int i = 0; i < GREY.count(); i++) {
            for (int p = 0; p < 5 * 7; p++) {
                expected[(2 + (i / 8) * 7 + p / 7) * width + 2 + (i % 8) * 9 + p % 7] = GREY.pixels()[i * 35 + p];
            }
        }
        Path file = dir.resolve("grid.png");
        PngFiles.write(new ImageGrid(2).render(ImageGrid.rowsOf(Tiles.of(GREY, 0, 11), 8)), file);
        BufferedImage decoded = PngChecks.read(file);
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, decoded.getType());
        assertArrayEquals(expected, ((DataBufferByte) decoded.getRaster().getDataBuffer()).getData());
    }

    @ParameterizedTest
    @MethodSource("sets")
    void captionsGoUnderTheImagesAndLeaveTheirPixelsAlone(ImageSet set, @TempDir Path dir) {
        List<String> captions = IntStream.range(0, 11).mapToObj(i -> Integer.toString(set.labels()[i])).toList();
        BufferedImage image = new ImageGrid(2).render(ImageGrid.rowsOf(Tiles.of(set, 0, 11), 8), captions);
        assertEquals(2 * (5 + 12 + 2) + 2, image.getHeight());
        Path file = dir.resolve("captioned.png");
        PngFiles.write(image, file);
        BufferedImage decoded = PngChecks.read(file);
        GridCells.assertHold(decoded, Tiles.of(set, 0, 11), 8, 12, 0);
        assertTrue(GridCells.litCaptionPixels(decoded, 2, 2 + 5, 7) > 0, "the first caption is drawn");
    }

    @Test
    void intensitiesAreClampedAndRounded() {
        Tiles tiles = new Tiles(new float[] {-0.5f, 0.5f, 1.5f, 0.2f}, 1, 1, 2, 2);
        BufferedImage image = new ImageGrid(0).render(List.of(tiles));
        assertEquals(0, image.getRaster().getSample(0, 0, 0));
        assertEquals(128, image.getRaster().getSample(1, 0, 0));
        assertEquals(255, image.getRaster().getSample(0, 1, 0));
        assertEquals(51, image.getRaster().getSample(1, 1, 0));
    }

    /** NCHW: the first plane is red, the second green, the third blue. */
    @Test
    void colourPlanesAreRedGreenBlue() {
        float[] planes = {1f, 0f, 0f, 0.2f, 0f, 1f, 0f, 0.4f, 0f, 0f, 1f, 0.6f};
        BufferedImage image = new ImageGrid(0).render(List.of(new Tiles(planes, 1, 3, 2, 2)));
        assertEquals(0xFF0000, image.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x00FF00, image.getRGB(1, 0) & 0xFFFFFF);
        assertEquals(0x0000FF, image.getRGB(0, 1) & 0xFFFFFF);
        assertEquals(51 << 16 | 102 << 8 | 153, image.getRGB(1, 1) & 0xFFFFFF);
    }

    @Test
    void rowsMustAgreeOnTheImageShape() {
        Tiles small = new Tiles(new float[4], 1, 1, 2, 2), large = new Tiles(new float[9], 1, 1, 3, 3);
        Tiles colour = new Tiles(new float[12], 1, 3, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> new ImageGrid(2).render(List.of(small, large)));
        assertThrows(IllegalArgumentException.class, () -> new ImageGrid(2).render(List.of(small, colour)));
        assertThrows(IllegalArgumentException.class, () -> new Tiles(new float[8], 1, 2, 2, 2));
    }
}
