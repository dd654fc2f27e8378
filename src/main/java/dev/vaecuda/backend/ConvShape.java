package dev.vaecuda.backend;

/**
 * A 2-D convolution's geometry, batch aside: an input of (inChannels, inHeight, inWidth), a
 * square kernel of side {@code kernel} moved by {@code stride}, zero padding of {@code padding}
 * on every side, and {@code outChannels} output maps of (outHeight, outWidth), as torch's
 * {@code Conv2d(inChannels, outChannels, kernel, stride, padding)}. Its weight is
 * (outChannels, inChannels, kernel, kernel), row-major. A transposed convolution is described by
 * the convolution it is the transpose of (its output is this shape's input).
 */
public record ConvShape(int inChannels, int inHeight, int inWidth, int outChannels, int kernel, int stride,
                        int padding) {
    public ConvShape {
        if (inChannels < 1 || inHeight < 1 || inWidth < 1 || outChannels < 1 || kernel < 1 || stride < 1
                || padding < 0 || padding >= kernel) {
            throw new IllegalArgumentException("convolution shape out of range: " + describe(inChannels, inHeight,
                    inWidth, outChannels, kernel, stride, padding));
        }
        if (inHeight + 2 * padding < kernel || inWidth + 2 * padding < kernel) {
            throw new IllegalArgumentException("a " + kernel + "x" + kernel + " kernel does not fit a padded "
                    + inHeight + "x" + inWidth + " input");
        }
        if ((long) inChannels * inHeight * inWidth > Integer.MAX_VALUE / 2
                || (long) outChannels * inChannels * kernel * kernel > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("convolution too large: " + describe(inChannels, inHeight, inWidth,
                    outChannels, kernel, stride, padding));
        }
    }

    private static String describe(int inChannels, int inHeight, int inWidth, int outChannels, int kernel,
                                   int stride, int padding) {
        return inChannels + "x" + inHeight + "x" + inWidth + " -> " + outChannels + " channels, kernel " + kernel
                + ", stride " + stride + ", padding " + padding;
    }

    public int outHeight() {
        return (inHeight + 2 * padding - kernel) / stride + 1;
    }

    public int outWidth() {
        return (inWidth + 2 * padding - kernel) / stride + 1;
    }

    /** Floats of one image's input: inChannels * inHeight * inWidth. */
    public int inputSize() {
        return inChannels * inHeight * inWidth;
    }

    /** Floats of one image's output: outChannels * outHeight * outWidth. */
    public int outputSize() {
        return outChannels * outHeight() * outWidth();
    }

    /** Floats of the weight: outChannels * inChannels * kernel^2. */
    public int weightSize() {
        return outChannels * inChannels * kernel * kernel;
    }

    @Override
    public String toString() {
        return describe(inChannels, inHeight, inWidth, outChannels, kernel, stride, padding);
    }
}
