package dev.vaecuda.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ImageSetTest {
    private final ImageSet threeImages =
            new ImageSet(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 2, 2, new byte[] {7, 8, 9});

    @Test
    void firstKeepsTheLeadingImagesAndTheirLabels() {
        ImageSet two = threeImages.first(2);
        assertEquals(2, two.count());
        assertEquals(4, two.pixelsPerImage());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, two.pixels());
        assertArrayEquals(new byte[] {7, 8}, two.labels());
    }

    @Test
    void firstBeyondTheCountCopiesEverything() {
        ImageSet all = threeImages.first(100);
        assertEquals(3, all.count());
        assertArrayEquals(threeImages.pixels(), all.pixels());
        assertNotSame(threeImages.pixels(), all.pixels());
    }

    @Test
    void firstKeepsUnlabelledSetsUnlabelled() {
        assertNull(new ImageSet(new byte[4], 4, 1, 1, null).first(2).labels());
    }

    @Test
    void refusesInconsistentShapes() {
        assertThrows(IllegalArgumentException.class, () -> new ImageSet(new byte[5], 3, 2, 2, null));
        assertThrows(IllegalArgumentException.class, () -> new ImageSet(new byte[12], 3, 2, 2, new byte[2]));
        assertThrows(IllegalArgumentException.class, () -> new ImageSet(new byte[0], 0, 2, 2, null));
        assertThrows(IllegalArgumentException.class, () -> threeImages.first(0));
    }
}
