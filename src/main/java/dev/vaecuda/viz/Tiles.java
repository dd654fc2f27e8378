package dev.vaecuda.viz;

import dev.vaecuda.data.ImageSet;
import java.util.Arrays;

/**
 * {@code count} grayscale images of {@code height x width} intensities in [0, 1], image after
 * image, each row-major: what a grid draws, whether from the data set or decoded by the model.
 */
public record Tiles(float[] values, int count, int height, int width) {

    public Tiles {
        if (count < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("count, height and width must be >= 1, got "
                    + count + ", " + height + ", " + width);
        }
        if (values.length != count * height * width) {
            throw new IllegalArgumentException(values.length + " values for " + count + " images of "
                    + height + "x" + width);
        }
    }

    /** Images [first, first + count) of a data set, bytes scaled by 1/255 as training sees them. */
    public static Tiles of(ImageSet set, int first, int count) {
        int pixels = set.pixelsPerImage();
        float[] values = new float[count * pixels];
        for (int i = 0; i < values.length; i++) {
            values[i] = (set.pixels()[first * pixels + i] & 0xFF) * (1f / 255f);
        }
        return new Tiles(values, count, set.rows(), set.cols());
    }

    public int pixels() {
        return height * width;
    }

    /** Images [first, first + n) as a copy. */
    public Tiles range(int first, int n) {
        return new Tiles(Arrays.copyOfRange(values, first * pixels(), (first + n) * pixels()), n, height, width);
    }

    /** The images of {@code parts} one after another; all must have the same size. */
    public static Tiles concat(Tiles... parts) {
        Tiles first = parts[0];
        int count = 0;
        for (Tiles part : parts) {
            if (part.height() != first.height() || part.width() != first.width()) {
                throw new IllegalArgumentException("images of " + part.height() + "x" + part.width()
                        + " and " + first.height() + "x" + first.width());
            }
            count += part.count();
        }
        float[] values = new float[count * first.pixels()];
        int at = 0;
        for (Tiles part : parts) {
            System.arraycopy(part.values(), 0, values, at, part.values().length);
            at += part.values().length;
        }
        return new Tiles(values, count, first.height(), first.width());
    }
}
