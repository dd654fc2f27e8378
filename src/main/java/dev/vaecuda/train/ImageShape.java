package dev.vaecuda.train;

import dev.vaecuda.data.ImageSet;
import dev.vaecuda.model.ModelConfig;

/** An image's shape as messages print it: channels x height x width, "3x32x32". */
public final class ImageShape {
    private ImageShape() {
    }

    public static String of(ImageSet set) {
        return set.channels() + "x" + set.rows() + "x" + set.cols();
    }

    public static String of(ModelConfig model) {
        return model.imageChannels() + "x" + model.imageHeight() + "x" + model.imageWidth();
    }

    /** Whether the model takes the set's images. */
    public static boolean fits(ImageSet set, ModelConfig model) {
        return set.channels() == model.imageChannels() && set.rows() == model.imageHeight()
                && set.cols() == model.imageWidth();
    }
}
