package dev.vaecuda.viz;

import dev.vaecuda.data.ImageSet;
import dev.vaecuda.model.ModelConfig;
import java.util.Arrays;

/**
 * {@code count} images of {@code channels x height x width} intensities in [0, 1] (1 channel:
 * grey; 3: red, green, blue), image after image, each NCHW as the data set and the model hold
 * them: channel planes, each row-major. What a grid draws, whether from the data set or decoded
 * by the model.
 */
public record Tiles(float[] values, int count, int channels, int height, int width) {

    public Tiles {
        if (count < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("count, height and width must be >= 1, got "
                    + count + ", " + height + ", " + width);
        }
        if (!ModelConfig.IMAGE_CHANNELS.contains(channels)) {
            throw new IllegalArgumentException("images of 1 (grey) or 3 (colour) channels are drawn, not " + channels);
        }
        if (values.length != count * channels * height * width) {
            throw new IllegalArgumentException(values.length + " values for " + count + " images of "
                    + channels + "x" + height + "x" + width);
        }
    }

    /** Images [first, first + count) of a data set, bytes scaled by 1/255 as training sees them. */
    public static Tiles of(ImageSet set, int first, int count) {
        int pixels = set.pixelsPerImage();
        float[] values = new float[count * pixels];
        for (int i = 0; i < values.length; i++) {
            values[i] = (set.pixels()[first * pixels + i] & 0xFF) * (1f / 255f);
        }
        return new Tiles(values, count, set.channels(), set.rows(), set.cols());
    }

    /** Values per image: channels x height x width. */
    public int pixels() {
        return channels * height * width;
    }

    /** Images [first, first + n) as a copy. */
    public Tiles range(int first, int n) {
        return new Tiles(Arrays.copyOfRange(values, first * pixels(), (first + n) * pixels()), n, channels, height, width);
    }

    /** The images of {@code parts} one after another; all must have the same channels and size. */
    public static Tiles concat(Tiles... parts) {
        Tiles first = parts[0];
        int count = 0;
        for (Tiles part : parts) {
            first.requireShapeOf(part);
            count += part.count();
        }
        float[] values = new float[count * first.pixels()];
        int at = 0;
        for (Tiles part : parts) {
            System.arraycopy(part.values(), 0, values, at, part.values().length);
            at += part.values().length;
        }
        return new Tiles(values, count, first.channels(), first.height(), first.width());
    }

    /** Throws unless {@code other}'s images have these images' channels, height and width. */
    void requireShapeOf(Tiles other) {
        if (other.channels() != channels || other.height() != height || other.width() != width) {
            throw new IllegalArgumentException("images of " + other.channels() + "x" + other.height() + "x"
                    + other.width() + " and " + channels + "x" + height + "x" + width);
        }
    }
}
