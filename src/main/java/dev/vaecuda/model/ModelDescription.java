package dev.vaecuda.model;

import dev.vaecuda.backend.ConvShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A model's shape in one line, as `train`, `eval` and the other commands print it. */
public final class ModelDescription {
    private ModelDescription() {
    }

    /**
     * The encoder's sizes, the decoder mirroring them: "mlp 784-400-20 (relu)", pixels, hidden
     * units and latent units; "conv 1x28x28 -> 32x14x14 -> 64x7x7 -> 20 latent (4x4 stride-2
     * convolutions, relu)", channels x height x width of the image and of each convolution's
     * output, then hidden and latent units.
     */
    public static String of(ModelConfig config) {
        String activation = config.activation().name().toLowerCase(Locale.ROOT);
        String name = config.architecture().optionName();
        List<String> sizes = new ArrayList<>();
        List<ConvShape> convolutions = config.convolutions();
        if (convolutions.isEmpty()) {
            sizes.add(Integer.toString(config.pixels()));
            config.hidden().forEach(units -> sizes.add(Integer.toString(units)));
            sizes.add(Integer.toString(config.latent()));
            return name + " " + String.join("-", sizes) + " (" + activation + ")";
        }
        ConvShape image = convolutions.getFirst();
        sizes.add(image.inChannels() + "x" + image.inHeight() + "x" + image.inWidth());
        convolutions.forEach(shape -> sizes.add(shape.outChannels() + "x" + shape.outHeight() + "x" + shape.outWidth()));
        config.hidden().forEach(units -> sizes.add(Integer.toString(units)));
        sizes.add(config.latent() + " latent");
        return name + " " + String.join(" -> ", sizes) + " (" + ModelConfig.CONV_KERNEL + "x" + ModelConfig.CONV_KERNEL
                + " stride-" + ModelConfig.CONV_STRIDE + " convolutions, " + activation + ")";
    }
}
