package dev.vaecuda.data;

import static dev.vaecuda.data.ImageFiles.grey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scale-and-crop on pictures made here, and the progress lines of a long preparation. */
class ResamplerTest {
    private static int[] scaled(java.awt.image.BufferedImage image, int size) {
        byte[] out = new byte[size * size];
        Resampler.scaleAndCrop(new PictureRows(image, 1), size, 1, out, 0);
        int[] values = new int[out.length];
        for (int i = 0; i < out.length; i++) {
            values[i] = out[i] & 0xFF;
        }
        return values;
    }

    @Test
    void thePictureAtItsSizeIsCopiedValueForValue() {
        int[] expected = new int[16];
        for (int i = 0; i < 16; i++) {
            expected[i] = i * 17;
        }
        assertArrayEquals(expected, scaled(grey(4, 4, (x, y) -> (y * 4 + x) * 17), 4));
    }

    @Test
    void theShorterSideIsScaledAndTheCentreKept() {
        // 30 x 10 to 10: the scale is 1 and the crop keeps columns 10..19
        int[] centre = scaled(grey(30, 10, (x, y) -> x * 8), 10);
        for (int x = 0; x < 10; x++) {
            assertEquals((x + 10) * 8, centre[x], "column " + x);
        }
        // 12 x 36 to 6: halved, rows 6..11 of 18 kept: source rows 12..23, the white band; the
        // filter reaches 1.5 rows beyond each output row's two, so the edge rows take 1/8 of the black
        int[] tall = scaled(grey(12, 36, (x, y) -> y < 12 || y >= 24 ? 0 : 200), 6);
        int[] rows = {175, 200, 200, 200, 200, 175};
        for (int i = 0; i < tall.length; i++) {
            assertEquals(rows[i / 6], tall[i], "row " + i / 6);
        }
    }

    @Test
    void aFlatPictureStaysFlatAtAnyScale() {
        for (int size : new int[] {1, 3, 7, 50}) {
            for (int v : scaled(grey(17, 23, (x, y) -> 77), size)) {
                assertEquals(77, v, "at size " + size);
            }
        }
    }

    @Test
    void progressLinesComeAtTenthsWithRateAndEta() {
        List<String> lines = new ArrayList<>();
        try (PreparationProgress progress = new PreparationProgress.Lines("preparing", 20, lines::add, Duration.ZERO)) {
            for (int i = 0; i < 20; i++) {
                progress.advance();
            }
        }
        assertEquals(9, lines.size(), lines.toString());
        assertEquals(true, lines.getFirst().matches("preparing   10% {2}2/20 images {2}\\d+ images/s {2}ETA .+"),
                lines.getFirst());
    }
}
