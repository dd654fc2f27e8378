package dev.vaecuda.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * The rows of a decoded picture as intensities in [0, 255], grey (1 channel) or red, green, blue
 * (3), whatever the file stored: samples of any bit depth (16-bit PNG) are scaled to 0..255, a
 * palette is looked up, transparency is composited over white (as a viewer shows it on a white
 * page), and colour becomes grey by ITU-R BT.601's luma, 0.299 R + 0.587 G + 0.114 B, on the stored
 * (gamma-encoded) values, as Pillow's {@code convert("L")}. Grey and sRGB samples are read from the
 * raster itself: Java2D's colour conversion would take a grey PNG for linear grey and change it.
 */
final class PictureRows {
    private static final float RED = 0.299f, GREEN = 0.587f, BLUE = 0.114f;

    private enum Layout { PALETTE, GREY, RGB, CONVERTED }

    private final BufferedImage image;
    private final Raster raster;
    private final ColorModel model;
    private final Layout layout;
    private final int channels;
    private final int bands;
    private final float[] toUnit;
    private final int[] samples;

    PictureRows(BufferedImage image, int channels) {
        this.image = image;
        this.raster = image.getRaster();
        this.model = image.getColorModel();
        this.layout = layoutOf(model);
        this.channels = channels;
        this.bands = raster.getNumBands();
        this.toUnit = new float[bands];
        for (int b = 0; b < bands && layout != Layout.PALETTE && layout != Layout.CONVERTED; b++) {
            toUnit[b] = 1f / ((1 << model.getComponentSize(b)) - 1);
        }
        this.samples = new int[image.getWidth() * (layout == Layout.CONVERTED ? 1 : bands)];
    }

    int width() {
        return image.getWidth();
    }

    int height() {
        return image.getHeight();
    }

    /** Row {@code y} into {@code out}: channel after channel, each {@link #width()} values. */
    void row(int y, float[] out) {
        int width = image.getWidth();
        if (layout == Layout.CONVERTED) {
            image.getRGB(0, y, width, 1, samples, 0, width);
        } else {
            raster.getPixels(0, y, width, 1, samples);
        }
        for (int x = 0; x < width; x++) {
            float r, g, b, alpha;
            switch (layout) {
                case PALETTE -> {
                    int argb = model.getRGB(samples[x]);
                    r = argb >> 16 & 0xFF;
                    g = argb >> 8 & 0xFF;
                    b = argb & 0xFF;
                    alpha = (argb >>> 24) / 255f;
                }
                case CONVERTED -> {
                    int argb = samples[x];
                    r = argb >> 16 & 0xFF;
                    g = argb >> 8 & 0xFF;
                    b = argb & 0xFF;
                    alpha = (argb >>> 24) / 255f;
                }
                case GREY -> {
                    int at = x * bands;
                    r = g = b = samples[at] * toUnit[0] * 255f;
                    alpha = model.hasAlpha() ? samples[at + 1] * toUnit[1] : 1f;
                }
                default -> {
                    int at = x * bands;
                    r = samples[at] * toUnit[0] * 255f;
                    g = samples[at + 1] * toUnit[1] * 255f;
                    b = samples[at + 2] * toUnit[2] * 255f;
                    alpha = model.hasAlpha() ? samples[at + 3] * toUnit[3] : 1f;
                }
            }
            if (alpha < 1f) {
                // premultiplied samples already hold colour x alpha
                float keep = model.isAlphaPremultiplied() && layout != Layout.CONVERTED ? 1f : alpha;
                float white = (1f - alpha) * 255f;
                r = r * keep + white;
                g = g * keep + white;
                b = b * keep + white;
            }
            if (channels == 1) {
                out[x] = layout == Layout.GREY ? r : RED * r + GREEN * g + BLUE * b;
            } else {
                out[x] = r;
                out[width + x] = g;
                out[2 * width + x] = b;
            }
        }
    }

    private static Layout layoutOf(ColorModel model) {
        if (model instanceof IndexColorModel) {
            return Layout.PALETTE;
        }
        boolean rawSamples = (model instanceof ComponentColorModel || model instanceof DirectColorModel)
                && model.getPixelSize() <= 16 * model.getNumComponents(); // not TIFF's 32-bit or float samples
        ColorSpace space = model.getColorSpace();
        if (rawSamples && space.getType() == ColorSpace.TYPE_GRAY && model.getNumColorComponents() == 1) {
            return Layout.GREY;
        }
        if (rawSamples && space.isCS_sRGB() && model.getNumColorComponents() == 3) {
            return Layout.RGB;
        }
        return Layout.CONVERTED;
    }
}
