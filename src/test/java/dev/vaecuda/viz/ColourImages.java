package dev.vaecuda.viz;

import dev.vaecuda.data.ImageSet;
import java.util.SplittableRandom;

/** Colour image sets for the pictures' tests: random bytes in every channel plane, labels 0..9. */
final class ColourImages {
    private ColourImages() {
    }

    static ImageSet random(int count, int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[count * 3 * rows * cols];
        byte[] labels = new byte[count];
        random.nextBytes(pixels);
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) random.nextInt(10);
        }
        return new ImageSet(pixels, count, rows, cols, labels, 3);
    }
}
